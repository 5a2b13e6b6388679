// Time helpers: the monotonic timer objects of event2/util.h and the
// RFC 1123 date formatter used by HTTP.
#include <event2/util.h>

#include <sys/time.h>
#include <time.h>

#include "core/mm.hpp"
#include "util/monotonic.hpp"

namespace ev {

int MonotonicTimer::configure(int flags) {
  const bool precise = (flags & EV_MONOT_PRECISE) != 0;
  const bool fallback = (flags & EV_MONOT_FALLBACK) != 0;
  timespec ts;
  use_gettimeofday_ = false;
  if (!fallback) {
#ifdef CLOCK_MONOTONIC_COARSE
    // The coarse clock is only good enough when it ticks at least every ms.
    if (!precise && clock_getres(CLOCK_MONOTONIC_COARSE, &ts) == 0 && ts.tv_sec == 0 &&
        ts.tv_nsec <= 1000000 && clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0) {
      clock_ = CLOCK_MONOTONIC_COARSE;
      return 0;
    }
#endif
    if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
      clock_ = CLOCK_MONOTONIC;
      return 0;
    }
  }
  use_gettimeofday_ = true;
  last_ = {0, 0};
  offset_ = {0, 0};
  return 0;
}

int MonotonicTimer::now_from_gettimeofday(timeval* tv) {
  timeval raw;
  if (gettimeofday(&raw, nullptr) != 0) return -1;
  timeval adjusted;
  evutil_timeradd(&raw, &offset_, &adjusted);
  if (evutil_timercmp(&adjusted, &last_, <)) {
    // The wall clock stepped back: grow the offset so time stands still.
    timeval back;
    evutil_timersub(&last_, &adjusted, &back);
    evutil_timeradd(&offset_, &back, &offset_);
    adjusted = last_;
  }
  last_ = adjusted;
  *tv = adjusted;
  return 0;
}

}  // namespace ev

extern "C" {

struct evutil_monotonic_timer* evutil_monotonic_timer_new(void) {
  auto* timer = ev::make<evutil_monotonic_timer>();
  if (timer != nullptr) timer->configure(0);
  return timer;
}

void evutil_monotonic_timer_free(struct evutil_monotonic_timer* timer) { ev::destroy(timer); }

int evutil_configure_monotonic_time(struct evutil_monotonic_timer* timer, int flags) {
  if (timer == nullptr) return -1;
  return timer->configure(flags);
}

int evutil_gettime_monotonic(struct evutil_monotonic_timer* timer, struct timeval* tp) {
  if (timer == nullptr || tp == nullptr) return -1;
  return timer->now(tp);
}

// "Sun, 06 Nov 1994 08:49:37 GMT" for tm, or for the current time when tm is
// NULL.  Returns the length of the full date, or -1 for an invalid tm.
int evutil_date_rfc1123(char* date, const size_t datelen, const struct tm* tm) {
  static const char kDays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm now;
  if (tm == nullptr) {
    time_t t = time(nullptr);
    if (gmtime_r(&t, &now) == nullptr) return -1;
    tm = &now;
  }
  if (tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_mon < 0 || tm->tm_mon > 11) return -1;
  return evutil_snprintf(date, datelen, "%s, %02d %s %4ld %02d:%02d:%02d GMT", kDays[tm->tm_wday],
                         tm->tm_mday, kMonths[tm->tm_mon], 1900L + tm->tm_year, tm->tm_hour,
                         tm->tm_min, tm->tm_sec);
}

}  // extern "C"
