// Timeouts: ordering, re-arming, persistent intervals, event_remove_timer,
// event_pending's deadline, and common timeouts.
#include <event2/event.h>
#include <event2/event_struct.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "event_backend_param.hpp"

using evtest::Pipe;

namespace {

class EventTimer : public evtest::PerBackend {};

std::string g_order;
void order_cb(evutil_socket_t, short what, void* arg) {
  EXPECT_EQ(EV_TIMEOUT, what);
  g_order += static_cast<const char*>(arg);
}

TEST_P(EventTimer, TimersFireInDeadlineOrder) {
  const char* names[] = {"c", "a", "d", "b"};
  const int ms[] = {30, 10, 40, 20};
  event* evs[4];
  g_order.clear();
  for (int i = 0; i < 4; ++i) {
    evs[i] = evtimer_new(base, order_cb, (void*)names[i]);
    timeval tv{0, ms[i] * 1000};
    ASSERT_EQ(0, evtimer_add(evs[i], &tv));
  }
  timeval start = evtest::now_tv();
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ("abcd", g_order);
  EXPECT_GE(evtest::elapsed_ms(start, evtest::now_tv()), 35);
  for (auto* e : evs) event_free(e);
}

TEST_P(EventTimer, ManyTimersWithRandomDeletesStayOrdered) {
  constexpr int kN = 200;
  static char labels[kN][8];
  event* evs[kN];
  for (int i = 0; i < kN; ++i) {
    snprintf(labels[i], sizeof(labels[i]), "%c", 'A' + (i * 7) % 26);
    evs[i] = evtimer_new(base, order_cb, labels[i]);
    timeval tv{0, ((i * 7919) % 50) * 1000};
    event_add(evs[i], &tv);
  }
  for (int i = 0; i < kN; ++i) event_del(evs[i]);
  struct Check {
    static void cb(evutil_socket_t, short, void* arg) {
      auto* last = static_cast<timeval*>(arg);
      timeval now = evtest::now_tv();
      EXPECT_FALSE(timercmp(&now, last, <));
      *last = now;
    }
  };
  timeval last{0, 0};
  for (int i = 0; i < kN; ++i) event_assign(evs[i], base, -1, 0, Check::cb, &last);
  // Re-add the survivors with their deadlines recomputed.
  int remaining = 0;
  for (int i = 0; i < kN; ++i) {
    if (i % 3 == 0) continue;
    timeval tv{0, ((i * 7919) % 50) * 1000};
    event_add(evs[i], &tv);
    ++remaining;
  }
  EXPECT_EQ(remaining, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  event_base_dispatch(base);
  EXPECT_EQ(0, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  for (auto* e : evs) event_free(e);
}

TEST_P(EventTimer, ReAddingMovesTheDeadlineAndNullKeepsIt) {
  event* ev = evtimer_new(base, order_cb, (void*)"x");
  timeval soon{0, 10000}, later{0, 80000};
  event_add(ev, &soon);
  event_add(ev, &later);
  timeval when;
  ASSERT_EQ(EV_TIMEOUT, event_pending(ev, EV_TIMEOUT, &when));
  const long ms = evtest::elapsed_ms(evtest::now_tv(), when);
  EXPECT_GT(ms, 50);
  EXPECT_LT(ms, 200);
  event_add(ev, nullptr);  // keeps the existing timeout
  EXPECT_EQ(EV_TIMEOUT, event_pending(ev, EV_TIMEOUT, nullptr));
  g_order.clear();
  timeval start = evtest::now_tv();
  event_base_dispatch(base);
  EXPECT_GE(evtest::elapsed_ms(start, evtest::now_tv()), 70);
  EXPECT_EQ("x", g_order);
  event_free(ev);
}

struct Ticks {
  event_base* base;
  event* ev;
  int count = 0;
  timeval first{};
};
void tick_cb(evutil_socket_t, short what, void* arg) {
  auto* t = static_cast<Ticks*>(arg);
  EXPECT_EQ(EV_TIMEOUT, what);
  if (t->count++ == 0) t->first = evtest::now_tv();
  if (t->count == 5) event_del(t->ev);
}

TEST_P(EventTimer, PersistentTimerRepeatsAtItsInterval) {
  Ticks t{base, nullptr};
  t.ev = event_new(base, -1, EV_PERSIST, tick_cb, &t);
  timeval every{0, 10000};
  // Measured from the add: the fifth deadline is 50 ms later and a timer
  // never fires early.  (From the first tick would depend on how late that
  // tick was, since later ticks keep to the original schedule.)
  const timeval start = evtest::now_tv();
  event_add(t.ev, &every);
  event_base_dispatch(base);
  EXPECT_EQ(5, t.count);
  const long ms = evtest::elapsed_ms(start, evtest::now_tv());
  EXPECT_GE(ms, 49);
  EXPECT_LT(ms, 1000);
  event_free(t.ev);
}

struct IoTimeout {
  Pipe* pipe;
  int reads = 0;
  int timeouts = 0;
};
void io_timeout_cb(evutil_socket_t, short what, void* arg) {
  auto* s = static_cast<IoTimeout*>(arg);
  if (what & EV_READ) {
    ++s->reads;
    s->pipe->drain();
  }
  if (what & EV_TIMEOUT) ++s->timeouts;
}

TEST_P(EventTimer, PersistentIoEventWithTimeoutGetsBoth) {
  Pipe p;
  IoTimeout s{&p};
  event* ev = event_new(base, p.r(), EV_READ | EV_PERSIST, io_timeout_cb, &s);
  timeval tv{0, 20000};
  event_add(ev, &tv);
  p.put();
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, s.reads);
  EXPECT_EQ(0, s.timeouts);
  // Still pending on both: the timeout was re-armed from the read.
  EXPECT_EQ(EV_READ | EV_TIMEOUT, event_pending(ev, EV_READ | EV_TIMEOUT, nullptr));
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, s.timeouts);
  EXPECT_EQ(EV_READ | EV_TIMEOUT, event_pending(ev, EV_READ | EV_TIMEOUT, nullptr));
  event_free(ev);
}

TEST_P(EventTimer, NonPersistentIoTimeoutRemovesTheEvent) {
  Pipe p;
  IoTimeout s{&p};
  event* ev = event_new(base, p.r(), EV_READ, io_timeout_cb, &s);
  timeval tv{0, 10000};
  event_add(ev, &tv);
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ(1, s.timeouts);
  EXPECT_EQ(0, event_pending(ev, EV_READ | EV_TIMEOUT, nullptr));
  event_free(ev);
}

TEST_P(EventTimer, RemoveTimerKeepsIoPending) {
  Pipe p;
  event* ev = event_new(base, p.r(), EV_READ, io_timeout_cb, nullptr);
  timeval tv{0, 10000};
  event_add(ev, &tv);
  EXPECT_EQ(0, event_remove_timer(ev));
  EXPECT_EQ(EV_READ, event_pending(ev, EV_READ | EV_TIMEOUT, nullptr));
  EXPECT_EQ(0, event_remove_timer(ev));  // no timer: still fine
  event_free(ev);
}

TEST_P(EventTimer, PendingReportsTheDeadlineOnTheWallClock) {
  event* ev = evtimer_new(base, order_cb, (void*)"p");
  timeval tv{3, 0};
  timeval before = evtest::now_tv();
  event_add(ev, &tv);
  timeval when{0, 0};
  EXPECT_EQ(EV_TIMEOUT, evtimer_pending(ev, &when));
  const long ms = evtest::elapsed_ms(before, when);
  EXPECT_GE(ms, 2900);
  EXPECT_LE(ms, 3100);
  // tv is not touched when the timeout is not asked for.
  timeval untouched{7, 7};
  event_pending(ev, EV_READ, &untouched);
  EXPECT_EQ(7, untouched.tv_sec);
  event_free(ev);
}

TEST_P(EventTimer, CommonTimeoutsAreEncodedAndShared) {
  timeval d{0, 20000};
  const timeval* c1 = event_base_init_common_timeout(base, &d);
  ASSERT_NE(nullptr, c1);
  EXPECT_EQ(0, c1->tv_sec);
  EXPECT_EQ(0x50000000, c1->tv_usec & 0xf0000000);  // tagged, as libevent does
  EXPECT_EQ(20000, c1->tv_usec & 0x000fffff);
  EXPECT_EQ(c1, event_base_init_common_timeout(base, &d));
  EXPECT_EQ(c1, event_base_init_common_timeout(base, c1));
  timeval d2{1, 0};
  const timeval* c2 = event_base_init_common_timeout(base, &d2);
  ASSERT_NE(nullptr, c2);
  EXPECT_NE(c1, c2);
  EXPECT_EQ(1, (c2->tv_usec & 0x0ff00000) >> 20);
}

TEST_P(EventTimer, CommonTimeoutEventsFireInOrder) {
  timeval d{0, 20000};
  const timeval* common = event_base_init_common_timeout(base, &d);
  ASSERT_NE(nullptr, common);
  event* a = evtimer_new(base, order_cb, (void*)"a");
  event* b = evtimer_new(base, order_cb, (void*)"b");
  event* c = evtimer_new(base, order_cb, (void*)"c");
  event* plain = evtimer_new(base, order_cb, (void*)"p");
  g_order.clear();
  // Measured from before the first add: "a" is due 20 ms later, never early.
  const timeval start = evtest::now_tv();
  event_add(a, common);
  usleep(2000);
  event_add(b, common);
  event_add(c, common);
  event_del(c);
  timeval p{0, 30000};
  event_add(plain, &p);
  timeval when;
  ASSERT_EQ(EV_TIMEOUT, evtimer_pending(a, &when));
  EXPECT_LT(when.tv_usec, 1000000);  // the tag is stripped for the caller
  EXPECT_EQ(3, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  event_base_dispatch(base);
  EXPECT_EQ("abp", g_order);
  EXPECT_GE(evtest::elapsed_ms(start, evtest::now_tv()), 19);
  event_free(a);
  event_free(b);
  event_free(c);
  event_free(plain);
}

TEST_P(EventTimer, PersistentCommonTimeoutRepeats) {
  timeval d{0, 5000};
  const timeval* common = event_base_init_common_timeout(base, &d);
  Ticks t{base, nullptr};
  t.ev = event_new(base, -1, EV_PERSIST, tick_cb, &t);
  event_add(t.ev, common);
  event_base_dispatch(base);
  EXPECT_EQ(5, t.count);
  event_free(t.ev);
}

TEST_P(EventTimer, TooManyCommonTimeoutsFail) {
  const timeval* last = nullptr;
  for (int i = 0; i < 256; ++i) {
    timeval d{i, 1};
    last = event_base_init_common_timeout(base, &d);
    ASSERT_NE(nullptr, last);
  }
  timeval extra{999, 0};
  EXPECT_EQ(nullptr, event_base_init_common_timeout(base, &extra));
}

TEST_P(EventTimer, ZeroTimeoutRunsOnTheNextPass) {
  event* ev = evtimer_new(base, order_cb, (void*)"z");
  timeval zero{0, 0};
  g_order.clear();
  event_add(ev, &zero);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ("z", g_order);
  event_free(ev);
}

// Timers fire when asked: never early, and no later than the machine's own
// wake-up latency allows (as libevent, which reads the precise clock here).
// Each timer is added outside callbacks (from a fresh clock reading, the
// case that used to carry the coarse clock's slack) and compared with a
// plain poll() of the same length right before it, so a loaded machine
// slows both alike; medians keep a few bad wake-ups from deciding.
double mono_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void note_fire_time(evutil_socket_t, short, void* arg) { *static_cast<double*>(arg) = mono_ms(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void expect_timers_on_time(event_base* base) {
  std::vector<double> ours, baseline;
  double min_late = 1e9;
  double fired = 0;
  event* ev = evtimer_new(base, note_fire_time, &fired);
  for (int i = 0; i < 25; ++i) {
    const int ms = 4 + (i * 7) % 13;  // 4..16 ms: various phases of the clock's tick
    double t0 = mono_ms();
    poll(nullptr, 0, ms);
    baseline.push_back(mono_ms() - t0 - ms);

    timeval tv{0, ms * 1000};
    fired = 0;
    t0 = mono_ms();
    ASSERT_EQ(0, evtimer_add(ev, &tv));
    while (fired == 0) ASSERT_EQ(0, event_base_loop(base, EVLOOP_ONCE));
    ours.push_back(fired - t0 - ms);
    min_late = std::min(min_late, fired - t0 - ms);
  }
  event_free(ev);
  EXPECT_GE(min_late, 0.0) << "a timer fired early";
  EXPECT_LE(median(ours), median(baseline) + 1.0)
      << "median lateness " << median(ours) << " ms, poll()'s " << median(baseline) << " ms";
}

TEST_P(EventTimer, TimersAddedOutsideCallbacksAreNotLate) { expect_timers_on_time(base); }

TEST_P(EventTimer, PreciseTimersAddedOutsideCallbacksAreNotLate) {
  event_base* precise = evtest::new_base_with(GetParam(), EVENT_BASE_FLAG_PRECISE_TIMER);
  ASSERT_NE(nullptr, precise);
  expect_timers_on_time(precise);
  event_base_free(precise);
}

EVTEST_INSTANTIATE_PER_BACKEND(EventTimer);

}  // namespace
