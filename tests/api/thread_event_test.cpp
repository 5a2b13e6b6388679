// Threads: with evthread_use_pthreads(), other threads may add, activate
// and delete events and break the loop, waking it at once; event_del from
// another thread waits for a running callback.
#include <event2/event.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "event_backend_param.hpp"

namespace {

class ThreadEvent : public evtest::PerBackend {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
};

void count_cb(evutil_socket_t, short, void* arg) {
  static_cast<std::atomic<int>*>(arg)->fetch_add(1);
}

TEST_P(ThreadEvent, ActivateFromAnotherThreadWakesTheLoop) {
  std::atomic<int> calls{0};
  event* ev = event_new(base, -1, EV_PERSIST, count_cb, &calls);
  timeval forever{100, 0};
  event_add(ev, &forever);
  timeval start = evtest::now_tv();
  std::thread t([&] {
    usleep(20000);
    event_active(ev, EV_READ, 1);
    while (calls.load() == 0) usleep(1000);
    event_base_loopbreak(base);
  });
  EXPECT_EQ(0, event_base_dispatch(base));
  t.join();
  EXPECT_EQ(1, calls.load());
  EXPECT_LT(evtest::elapsed_ms(start, evtest::now_tv()), 5000);
  event_free(ev);
}

TEST_P(ThreadEvent, AddFromAnotherThreadIsNoticed) {
  std::atomic<int> calls{0};
  event* keepalive = event_new(base, -1, EV_PERSIST, count_cb, nullptr);
  timeval forever{100, 0};
  event_add(keepalive, &forever);
  event* timer = evtimer_new(base, count_cb, &calls);
  std::thread t([&] {
    usleep(10000);
    timeval soon{0, 1000};
    event_add(timer, &soon);
    while (calls.load() == 0) usleep(1000);
    timeval zero{0, 0};
    event_base_loopexit(base, &zero);
  });
  EXPECT_EQ(0, event_base_dispatch(base));
  t.join();
  EXPECT_EQ(1, calls.load());
  event_free(timer);
  event_free(keepalive);
}

struct Slow {
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
};
void slow_cb(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<Slow*>(arg);
  s->started = true;
  usleep(50000);
  s->finished = true;
}

TEST_P(ThreadEvent, DelFromAnotherThreadWaitsForTheRunningCallback) {
  Slow s;
  event* ev = evtimer_new(base, slow_cb, &s);
  event_active(ev, EV_TIMEOUT, 1);
  std::thread loop([&] { event_base_dispatch(base); });
  while (!s.started) usleep(500);
  event_del(ev);
  EXPECT_TRUE(s.finished.load());
  loop.join();
  event_free(ev);
}

TEST_P(ThreadEvent, DelNoblockDoesNotWait) {
  Slow s;
  event* ev = evtimer_new(base, slow_cb, &s);
  event_active(ev, EV_TIMEOUT, 1);
  std::thread loop([&] { event_base_dispatch(base); });
  while (!s.started) usleep(500);
  event_del_noblock(ev);
  EXPECT_FALSE(s.finished.load());
  loop.join();
  EXPECT_TRUE(s.finished.load());
  event_free(ev);
}

TEST_P(ThreadEvent, ManyThreadsActivatingConcurrently) {
  std::atomic<int> calls{0};
  constexpr int kThreads = 4, kEach = 200;
  event* evs[kThreads];
  for (auto& e : evs) e = event_new(base, -1, 0, count_cb, &calls);
  event* keepalive = event_new(base, -1, EV_PERSIST, count_cb, nullptr);
  timeval forever{100, 0};
  event_add(keepalive, &forever);
  std::thread loop([&] { event_base_dispatch(base); });
  std::thread workers[kThreads];
  for (int i = 0; i < kThreads; ++i)
    workers[i] = std::thread([&, i] {
      for (int j = 0; j < kEach; ++j) {
        event_active(evs[i], EV_TIMEOUT, 1);
        usleep(100);
      }
    });
  for (auto& w : workers) w.join();
  usleep(20000);
  event_base_loopbreak(base);
  loop.join();
  EXPECT_GT(calls.load(), 0);
  EXPECT_LE(calls.load(), kThreads * kEach);
  for (auto& e : evs) event_free(e);
  event_free(keepalive);
}

TEST_P(ThreadEvent, MakeNotifiableIsIdempotent) {
  EXPECT_EQ(0, evthread_make_base_notifiable(base));
  EXPECT_EQ(0, evthread_make_base_notifiable(base));
  EXPECT_EQ(-1, evthread_make_base_notifiable(nullptr));
}

EVTEST_INSTANTIATE_PER_BACKEND(ThreadEvent);

TEST(ThreadCallbacks, CannotBeChangedOnceSet) {
  ASSERT_EQ(0, evthread_use_pthreads());
  EXPECT_EQ(0, evthread_use_pthreads());  // the same functions again: fine
  evthread_lock_callbacks other = {EVTHREAD_LOCK_API_VERSION,
                                   0,
                                   [](unsigned) -> void* { return nullptr; },
                                   [](void*, unsigned) {},
                                   [](unsigned, void*) { return 0; },
                                   [](unsigned, void*) { return 0; }};
  EXPECT_EQ(-1, evthread_set_lock_callbacks(&other));
}

}  // namespace
