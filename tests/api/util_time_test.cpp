// evutil monotonic timers and the timeval macros.
#include <event2/util.h>

#include <gtest/gtest.h>
#include <time.h>

namespace {

long long usec(const timeval& tv) { return tv.tv_sec * 1000000LL + tv.tv_usec; }

TEST(UtilMonotonic, EveryConfigurationAdvancesAndNeverGoesBack) {
  evutil_monotonic_timer* timer = evutil_monotonic_timer_new();
  ASSERT_NE(timer, nullptr);
  for (int flags : {0, EV_MONOT_PRECISE, EV_MONOT_FALLBACK, EV_MONOT_PRECISE | EV_MONOT_FALLBACK}) {
    ASSERT_EQ(evutil_configure_monotonic_time(timer, flags), 0);
    timeval first, prev, now;
    ASSERT_EQ(evutil_gettime_monotonic(timer, &first), 0);
    prev = first;
    for (int i = 0; i < 1000; ++i) {
      ASSERT_EQ(evutil_gettime_monotonic(timer, &now), 0);
      ASSERT_FALSE(evutil_timercmp(&now, &prev, <)) << "flags " << flags;
      ASSERT_GE(now.tv_usec, 0);
      ASSERT_LT(now.tv_usec, 1000000);
      prev = now;
    }
    timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, nullptr);
    ASSERT_EQ(evutil_gettime_monotonic(timer, &now), 0);
    long long elapsed = usec(now) - usec(first);
    // Coarse clocks tick at least every millisecond.
    EXPECT_GE(elapsed, 19000) << "flags " << flags;
    EXPECT_LT(elapsed, 5000000) << "flags " << flags;
  }
  evutil_monotonic_timer_free(timer);
}

TEST(UtilMonotonic, PreciseMatchesClockMonotonic) {
  evutil_monotonic_timer* timer = evutil_monotonic_timer_new();
  ASSERT_NE(timer, nullptr);
  ASSERT_EQ(evutil_configure_monotonic_time(timer, EV_MONOT_PRECISE), 0);
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  timeval tv;
  ASSERT_EQ(evutil_gettime_monotonic(timer, &tv), 0);
  long long diff = usec(tv) - (ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
  EXPECT_GE(diff, 0);
  EXPECT_LT(diff, 1000000);
  evutil_monotonic_timer_free(timer);
}

TEST(UtilMonotonic, NullArguments) {
  timeval tv;
  EXPECT_EQ(evutil_configure_monotonic_time(nullptr, 0), -1);
  EXPECT_EQ(evutil_gettime_monotonic(nullptr, &tv), -1);
  evutil_monotonic_timer* timer = evutil_monotonic_timer_new();
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(evutil_gettime_monotonic(timer, nullptr), -1);
  evutil_monotonic_timer_free(timer);
  evutil_monotonic_timer_free(nullptr);
}

TEST(UtilTimeval, Macros) {
  timeval a = {1, 900000}, b = {2, 200000}, sum, diff;
  evutil_timeradd(&a, &b, &sum);
  EXPECT_EQ(sum.tv_sec, 4);
  EXPECT_EQ(sum.tv_usec, 100000);
  evutil_timersub(&b, &a, &diff);
  EXPECT_EQ(diff.tv_sec, 0);
  EXPECT_EQ(diff.tv_usec, 300000);
  EXPECT_TRUE(evutil_timercmp(&a, &b, <));
  EXPECT_TRUE(evutil_timercmp(&a, &a, <=));
  EXPECT_TRUE(evutil_timerisset(&a));
  evutil_timerclear(&a);
  EXPECT_FALSE(evutil_timerisset(&a));
  timeval now;
  EXPECT_EQ(evutil_gettimeofday(&now, nullptr), 0);
  EXPECT_GT(now.tv_sec, 1500000000);
}

}  // namespace
