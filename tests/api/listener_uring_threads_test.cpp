// Completion accepts (io_uring) with LEV_OPT_THREADSAFE: the loop runs in
// its own thread while clients connect from another and a third thread
// disables, enables and frees the listener.  No callback may run after
// evconnlistener_disable() or evconnlistener_free() returned, no
// connection may be lost, and nothing may deadlock (a watchdog ends the
// process).  Bounded in time and in connections.
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "listener_uring_support.hpp"

using lutest::g_accept4_calls;
using lvtest::as_sa;
using lvtest::bound_address;
using lvtest::connect_client;
using lvtest::loopback4;
using lvtest::Watchdog;

namespace {

using namespace std::chrono_literals;

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct Shared {
  std::atomic<int> accepted{0};
  std::atomic<bool> forbidden{false};  // set once disable/free returned
  std::atomic<int> violations{0};
};

void accept_cb(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
  auto* s = static_cast<Shared*>(arg);
  if (s->forbidden.load()) ++s->violations;
  close(fd);
  ++s->accepted;
}

class UringListenerThreads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
  void SetUp() override {
    if (lutest::under_valgrind()) GTEST_SKIP() << "valgrind serialises io_uring_enter waits";
    base = lutest::uring_base();
    if (base == nullptr) return;
    loop = std::thread([this] { event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY); });
  }
  void TearDown() override {
    if (loop.joinable()) {
      event_base_loopbreak(base);
      loop.join();
    }
    if (base != nullptr) event_base_free(base);
  }
  event_base* base = nullptr;
  std::thread loop;
};

// Clients connect while another thread toggles the listener 200 times:
// never a callback while disabled, and every connection is delivered.
TEST_F(UringListenerThreads, DisableEnableFromAnotherThreadWhileConnectionsArrive) {
  LUTEST_REQUIRE(base);
  Watchdog dog(60s, "listener io_uring thread test");
  const long calls_before = g_accept4_calls.load();
  Shared shared;
  const sockaddr_in sin = loopback4();
  evconnlistener* lev =
      evconnlistener_new_bind(base, accept_cb, &shared, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_THREADSAFE,
                              1024, as_sa(sin), sizeof(sin));
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  constexpr int kConns = 400;
  std::atomic<int> made{0};
  std::atomic<bool> stop{false};
  std::thread clients([&] {
    for (int i = 0; i < kConns; ++i) {
      const int c = connect_client(to);
      if (c >= 0) {
        ++made;
        close(c);
      }
      if (i % 8 == 0) std::this_thread::sleep_for(100us);
    }
  });
  std::thread toggler([&] {
    for (int i = 0; i < 200 && !stop.load(); ++i) {
      ASSERT_EQ(0, evconnlistener_disable(lev));
      shared.forbidden = true;
      std::this_thread::sleep_for(200us);
      shared.forbidden = false;
      ASSERT_EQ(0, evconnlistener_enable(lev));
      std::this_thread::sleep_for(100us);
    }
  });
  clients.join();
  stop = true;
  toggler.join();
  EXPECT_TRUE(wait_for([&] { return shared.accepted.load() == made.load(); }, 10000ms))
      << shared.accepted.load() << " of " << made.load();
  EXPECT_EQ(kConns, made.load());
  EXPECT_EQ(0, shared.violations.load());
  EXPECT_EQ(calls_before, g_accept4_calls.load()) << "accepted by polling";
  evconnlistener_free(lev);
}

// Freed from another thread while connections arrive: no callback after
// the free returned, no use after free (ASan/TSan), and the listening
// socket is closed at once (later connects are refused).
TEST_F(UringListenerThreads, FreeFromAnotherThreadWhileConnectionsArrive) {
  LUTEST_REQUIRE(base);
  Watchdog dog(60s, "listener io_uring thread test");
  for (int round = 0; round < 20; ++round) {
    Shared shared;
    const sockaddr_in sin = loopback4();
    evconnlistener* lev = evconnlistener_new_bind(base, accept_cb, &shared,
                                                  LEV_OPT_CLOSE_ON_FREE | LEV_OPT_THREADSAFE, 1024,
                                                  as_sa(sin), sizeof(sin));
    ASSERT_NE(nullptr, lev);
    const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
    std::atomic<bool> freed{false};
    std::atomic<int> refused_after_free{0};
    std::atomic<int> made_after_free{0};
    std::thread clients([&] {
      for (int i = 0; i < 100; ++i) {
        const bool after = freed.load();
        const int c = connect_client(to);
        if (c >= 0) {
          if (after) ++made_after_free;
          close(c);
        } else if (after) {
          ++refused_after_free;
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::microseconds(200 * round));
    evconnlistener_free(lev);
    shared.forbidden = true;
    freed = true;
    clients.join();
    std::this_thread::sleep_for(5ms);
    EXPECT_EQ(0, shared.violations.load()) << "round " << round;
    EXPECT_EQ(0, made_after_free.load()) << "round " << round << ": still listening";
  }
}

}  // namespace
