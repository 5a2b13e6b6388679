// The monotonic clock that the event loop and evutil_gettime_monotonic use.
//
// Usage (event core):
//   ev::MonotonicTimer clock;               // CLOCK_MONOTONIC by default
//   clock.configure(precise ? EV_MONOT_PRECISE : 0);
//   timeval now; clock.now(&now);           // never goes backwards
//
// configure() chooses, as libevent does:
//   - EV_MONOT_FALLBACK: gettimeofday(), adjusted so it never runs backwards
//     (only useful for testing the fallback path);
//   - no flags: CLOCK_MONOTONIC_COARSE if its resolution is 1 ms or better
//     (cheaper to read), else CLOCK_MONOTONIC;
//   - EV_MONOT_PRECISE: CLOCK_MONOTONIC.
// now() is a vDSO clock_gettime() call and a conversion; it is not
// thread-safe for the fallback clock (callers hold their base's lock).
#pragma once

#include <sys/time.h>
#include <time.h>

namespace ev {

class MonotonicTimer {
 public:
  // Returns 0; the clock falls back to gettimeofday() if no monotonic clock works.
  int configure(int flags);
  // Current time on the chosen clock; 0 on success, -1 if the clock failed.
  int now(timeval* tv) {
    if (!use_gettimeofday_) {
      timespec ts;
      if (clock_gettime(clock_, &ts) != 0) return -1;
      tv->tv_sec = ts.tv_sec;
      tv->tv_usec = ts.tv_nsec / 1000;
      return 0;
    }
    return now_from_gettimeofday(tv);
  }
  // The clock now() reads, or -1 for the gettimeofday() fallback.
  clockid_t clock_id() const { return use_gettimeofday_ ? -1 : clock_; }

 private:
  int now_from_gettimeofday(timeval* tv);

  clockid_t clock_ = CLOCK_MONOTONIC;
  bool use_gettimeofday_ = false;
  timeval last_ = {0, 0};    // Last value returned by the fallback clock.
  timeval offset_ = {0, 0};  // Added to gettimeofday() to undo backward jumps.
};

}  // namespace ev

// The public opaque type is our timer.
struct evutil_monotonic_timer : ev::MonotonicTimer {};
