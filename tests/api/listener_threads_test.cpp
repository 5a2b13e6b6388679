// evconnlistener with LEV_OPT_THREADSAFE: the loop runs in one thread while
// others connect, reconfigure or free the listener.  A hang here means a
// deadlock, so a watchdog ends the process instead of letting ctest wait.
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "listener_test_support.hpp"

using lvtest::as_sa;
using lvtest::bound_address;
using lvtest::connect_client;
using lvtest::loopback4;
using lvtest::Watchdog;

namespace {

using namespace std::chrono_literals;

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A locking base whose loop runs in its own thread until stop().
class LoopThread {
 public:
  LoopThread() {
    base = event_base_new();
    if (base != nullptr)
      thread_ = std::thread([this] { event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY); });
  }
  ~LoopThread() {
    stop();
    if (base != nullptr) event_base_free(base);
  }
  void stop() {
    if (!thread_.joinable()) return;
    event_base_loopbreak(base);
    thread_.join();
  }
  event_base* base = nullptr;

 private:
  std::thread thread_;
};

// What the accept callback, running in the loop thread, does and saw.
struct Shared {
  std::atomic<int> accepted{0};
  std::atomic<bool> in_callback{false};
  std::function<void(evconnlistener*)> during;  // runs inside the callback
};

void shared_accept_cb(evconnlistener* lev, evutil_socket_t fd, sockaddr*, int, void* arg) {
  auto* shared = static_cast<Shared*>(arg);
  shared->in_callback = true;
  if (shared->during) shared->during(lev);
  close(fd);
  ++shared->accepted;
  shared->in_callback = false;
}

evconnlistener* threadsafe_listener(event_base* base, Shared* shared) {
  const sockaddr_in sin = loopback4();
  return evconnlistener_new_bind(base, shared_accept_cb, shared,
                                 LEV_OPT_CLOSE_ON_FREE | LEV_OPT_THREADSAFE, -1, as_sa(sin),
                                 sizeof(sin));
}

class ListenerThreads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
};

TEST_F(ListenerThreads, AcceptsConnectionsMadeByManyThreads) {
  Watchdog watchdog(30s, "listener thread test");
  LoopThread loop;
  ASSERT_NE(nullptr, loop.base);
  Shared shared;
  evconnlistener* lev = threadsafe_listener(loop.base, &shared);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in addr = bound_address(evconnlistener_get_fd(lev));
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        const int fd = connect_client(addr);
        EXPECT_GE(fd, 0);
        close(fd);
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_TRUE(wait_for([&] { return shared.accepted == 100; }));
  loop.stop();
  evconnlistener_free(lev);
}

TEST_F(ListenerThreads, DisableAndEnableFromAnotherThread) {
  Watchdog watchdog(30s, "listener thread test");
  LoopThread loop;
  ASSERT_NE(nullptr, loop.base);
  Shared shared;
  evconnlistener* lev = threadsafe_listener(loop.base, &shared);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in addr = bound_address(evconnlistener_get_fd(lev));

  ASSERT_EQ(0, evconnlistener_disable(lev));
  const int client = connect_client(addr);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(0, shared.accepted);
  ASSERT_EQ(0, evconnlistener_enable(lev));
  EXPECT_TRUE(wait_for([&] { return shared.accepted == 1; }));
  close(client);
  loop.stop();
  evconnlistener_free(lev);
}

// The accept callback runs without the listener's lock: another thread can
// use the listener meanwhile.
TEST_F(ListenerThreads, CallbackRunsWithoutTheListenerLock) {
  Watchdog watchdog(30s, "listener thread test");
  LoopThread loop;
  ASSERT_NE(nullptr, loop.base);
  Shared shared;
  std::atomic<bool> other_thread_done{false};
  shared.during = [&](evconnlistener* l) {
    std::thread other([&, l] {
      evconnlistener_set_error_cb(l, nullptr);  // needs the lock
      other_thread_done = true;
    });
    other.join();
  };
  evconnlistener* lev = threadsafe_listener(loop.base, &shared);
  ASSERT_NE(nullptr, lev);
  const int client = connect_client(bound_address(evconnlistener_get_fd(lev)));
  EXPECT_TRUE(wait_for([&] { return shared.accepted == 1; }));
  EXPECT_TRUE(other_thread_done);
  close(client);
  loop.stop();
  evconnlistener_free(lev);
}

// A threadsafe listener in a loop thread whose accept callback takes 100 ms,
// and two clients connecting to it: start() returns once the first callback
// is running.
struct SlowAccepts {
  bool start() {
    if (loop.base == nullptr) return false;
    shared.during = [](evconnlistener*) { std::this_thread::sleep_for(100ms); };
    lev = threadsafe_listener(loop.base, &shared);
    if (lev == nullptr) return false;
    const sockaddr_in addr = bound_address(evconnlistener_get_fd(lev));
    clients[0] = connect_client(addr);
    clients[1] = connect_client(addr);
    return wait_for([&] { return shared.in_callback.load(); });
  }
  ~SlowAccepts() {
    for (int fd : clients)
      if (fd >= 0) close(fd);
  }

  LoopThread loop;
  Shared shared;
  evconnlistener* lev = nullptr;
  int clients[2] = {-1, -1};
};

// evconnlistener_free() from another thread while the accept callback runs
// waits for the callback and leaves nothing dangling (checked under ASan).
TEST_F(ListenerThreads, FreeFromAnotherThreadWhileTheCallbackRuns) {
  LVTEST_ONLY_OURS("avoid a deadlock here (it frees holding the lock the callback needs)");
  Watchdog watchdog(30s, "listener thread test");
  SlowAccepts scene;
  ASSERT_TRUE(scene.start());
  evconnlistener_free(scene.lev);
  EXPECT_FALSE(scene.shared.in_callback);  // free waited for the callback
  const int accepted = scene.shared.accepted;
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(accepted, scene.shared.accepted);  // and nothing runs after it
  EXPECT_EQ(0, event_base_get_num_events(scene.loop.base, EVENT_BASE_COUNT_ADDED));
}

// Disabling from another thread while the callback runs must not deadlock.
TEST_F(ListenerThreads, DisableFromAnotherThreadWhileTheCallbackRuns) {
  LVTEST_ONLY_OURS("avoid a deadlock here (it disables holding the lock the callback needs)");
  Watchdog watchdog(30s, "listener thread test");
  SlowAccepts scene;
  ASSERT_TRUE(scene.start());
  EXPECT_EQ(0, evconnlistener_disable(scene.lev));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(1, scene.shared.accepted);
  EXPECT_EQ(0, evconnlistener_enable(scene.lev));
  EXPECT_TRUE(wait_for([&] { return scene.shared.accepted == 2; }));
  scene.loop.stop();
  evconnlistener_free(scene.lev);
}

}  // namespace
