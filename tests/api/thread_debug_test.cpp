// evthread_enable_lock_debugging(): the checked locks still work for a
// normal threaded program.
#include <event2/event.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

void count_cb(evutil_socket_t, short, void* arg) {
  static_cast<std::atomic<int>*>(arg)->fetch_add(1);
}

TEST(ThreadLockDebugging, BaseWorksWithCheckedLocks) {
  ASSERT_EQ(0, evthread_use_pthreads());
  evthread_enable_lock_debugging();
  evthread_enable_lock_debuging();  // the old spelling; a second call is a no-op
  event_base* base = event_base_new();
  ASSERT_NE(nullptr, base);
  std::atomic<int> calls{0};
  event* ev = event_new(base, -1, EV_PERSIST, count_cb, &calls);
  timeval forever{100, 0};
  event_add(ev, &forever);
  std::thread t([&] {
    event_active(ev, EV_TIMEOUT, 1);
    while (calls.load() == 0) usleep(1000);
    event_base_loopbreak(base);
  });
  event_base_dispatch(base);
  t.join();
  EXPECT_EQ(1, calls.load());
  event_free(ev);
  event_base_free(base);
}

}  // namespace
