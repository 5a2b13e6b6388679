// Heap cost of bufferevents, measured through event_set_mem_functions():
// an idle socket bufferevent costs at most 600 bytes (libevent 2.1.12:
// about 944), memory taken for traffic goes back when the buffers drain,
// and the buffers, which live inside the bufferevent's block, stay valid
// for as long as something still references them.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bufferevent_test_util.hpp"

#include "counting_allocator.hpp"

namespace {

constexpr size_t kIdleSocketTarget = 600;

using evtest::g_live_blocks;
using evtest::g_live_bytes;
const bool& g_installed = evtest::g_counting_installed;

class BevMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(g_installed);
    start_bytes_ = g_live_bytes;
    start_blocks_ = g_live_blocks;
    base_ = event_base_new();
    ASSERT_NE(base_, nullptr);
  }
  void TearDown() override {
    event_base_free(base_);
    // Whatever a test created must be gone again.
    EXPECT_EQ(g_live_bytes.load(), start_bytes_);
    EXPECT_EQ(g_live_blocks.load(), start_blocks_);
  }
  // Frees `bev` and returns the bytes that gave back.
  static size_t free_and_measure(bufferevent* bev) {
    size_t before = g_live_bytes;
    bufferevent_free(bev);
    return before - g_live_bytes;
  }

  event_base* base_ = nullptr;
  size_t start_bytes_ = 0;
  long start_blocks_ = 0;
};

TEST_F(BevMemory, IdleSocketBufferEventCostsAtMost600Bytes) {
  bevtest::SockPair sp;
  size_t before = g_live_bytes;
  long blocks = g_live_blocks;
  bufferevent* bev = bufferevent_socket_new(base_, sp.fd[0], 0);
  ASSERT_NE(bev, nullptr);
  size_t cost = g_live_bytes - before;
  std::printf("idle socket bufferevent: %zu bytes in %ld blocks\n", cost, g_live_blocks - blocks);
  EXPECT_LE(cost, kIdleSocketTarget);
  // Both buffers are part of it: touching them allocates nothing.
  EXPECT_EQ(evbuffer_get_length(bufferevent_get_input(bev)), 0u);
  EXPECT_EQ(evbuffer_get_length(bufferevent_get_output(bev)), 0u);
  EXPECT_EQ(g_live_bytes - before, cost);
  bufferevent_free(bev);
}

TEST_F(BevMemory, IdleCostDoesNotDependOnOrdinaryOptions) {
  bevtest::SockPair sp;
  size_t before = g_live_bytes;
  bufferevent* bev = bufferevent_socket_new(base_, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(bev, nullptr);
  EXPECT_LE(g_live_bytes - before, kIdleSocketTarget);
  // Setting callbacks, timeouts and watermarks needs no memory either.
  bufferevent_setcb(bev, nullptr, nullptr, nullptr, nullptr);
  timeval tv = {5, 0};
  bufferevent_set_timeouts(bev, &tv, &tv);
  bufferevent_setwatermark(bev, EV_READ | EV_WRITE, 10, 1000);
  EXPECT_LE(g_live_bytes - before, kIdleSocketTarget);
  bufferevent_free(bev);
}

TEST_F(BevMemory, DeferredCallbacksCostLessThanLibevent) {
  bevtest::SockPair sp;
  size_t before = g_live_bytes;
  bufferevent* bev = bufferevent_socket_new(base_, sp.fd[0], BEV_OPT_DEFER_CALLBACKS);
  ASSERT_NE(bev, nullptr);
  size_t cost = g_live_bytes - before;
  std::printf("socket bufferevent with deferred callbacks: %zu bytes\n", cost);
  EXPECT_LE(cost, 900u);
  bufferevent_free(bev);
}

TEST_F(BevMemory, PairEndsCostLessThanLibevent) {
  size_t before = g_live_bytes;
  bufferevent* pair[2];
  ASSERT_EQ(bufferevent_pair_new(base_, 0, pair), 0);
  EXPECT_LE(g_live_bytes - before, 2 * 900u);
  bufferevent_free(pair[0]);
  bufferevent_free(pair[1]);
}

TEST_F(BevMemory, DrainedBuffersGiveTheirMemoryBack) {
  bevtest::SockPair sp;
  size_t before = g_live_bytes;
  bufferevent* bev = bufferevent_socket_new(base_, sp.fd[0], 0);
  ASSERT_NE(bev, nullptr);
  size_t idle = g_live_bytes - before;
  bufferevent_enable(bev, EV_READ);
  std::string payload(20000, 'p');
  // Out of the loop: queued, then written by the loop.
  ASSERT_EQ(bufferevent_write(bev, payload.data(), payload.size()), 0);
  std::string got;
  ASSERT_TRUE(bevtest::run_until(base_, [&] {
    got += sp.recv_all(1);
    return got.size() == payload.size();
  }));
  sp.send(std::string(5000, 'q'));
  evbuffer* in = bufferevent_get_input(bev);
  ASSERT_TRUE(bevtest::run_until(base_, [&] { return evbuffer_get_length(in) == 5000; }));
  char sink[5000];
  ASSERT_EQ(bufferevent_read(bev, sink, sizeof sink), sizeof sink);
  // What stays is the idle cost plus the small state that scheduling a
  // write from outside the loop created (kept for the next one).
  size_t after = free_and_measure(bev);
  std::printf("socket bufferevent after traffic: %zu bytes (idle %zu)\n", after, idle);
  EXPECT_GE(after, idle);
  EXPECT_LE(after, idle + 128);
}

TEST_F(BevMemory, InputOutlivesItsBufferEventWhileReferenced) {
  bevtest::SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base_, sp.fd[0], 0);
  ASSERT_NE(bev, nullptr);
  bufferevent_enable(bev, EV_READ);
  sp.send("shared bytes");
  evbuffer* in = bufferevent_get_input(bev);
  ASSERT_TRUE(bevtest::run_until(base_, [&] { return evbuffer_get_length(in) == 12; }));
  evbuffer* other = evbuffer_new();
  ASSERT_EQ(evbuffer_add_buffer_reference(other, in), 0);
  // The view in `other` keeps the input (and the block it lives in) alive.
  bufferevent_free(bev);
  char text[13] = {};
  ASSERT_EQ(evbuffer_remove(other, text, 12), 12);
  EXPECT_STREQ(text, "shared bytes");
  evbuffer_free(other);
}

struct FreeFromCallback {
  bufferevent* bev = nullptr;
  int calls = 0;
};

void free_bev_cb(evbuffer*, const evbuffer_cb_info*, void* arg) {
  auto* s = static_cast<FreeFromCallback*>(arg);
  ++s->calls;
  if (s->bev != nullptr) {
    bufferevent* bev = s->bev;
    s->bev = nullptr;
    bufferevent_free(bev);
  }
}

TEST_F(BevMemory, BufferCallbackMayFreeTheBufferEvent) {
  bevtest::SockPair sp;
  FreeFromCallback state;
  state.bev = bufferevent_socket_new(base_, sp.fd[0], 0);
  ASSERT_NE(state.bev, nullptr);
  evbuffer* out = bufferevent_get_output(state.bev);
  ASSERT_NE(evbuffer_add_cb(out, free_bev_cb, &state), nullptr);
  // The add runs the callback, which frees the bufferevent (and with it
  // the buffer) while evbuffer_add is still using it.
  EXPECT_EQ(evbuffer_add(out, "x", 1), 0);
  EXPECT_EQ(state.calls, 1);
  EXPECT_EQ(state.bev, nullptr);
}

// Last: turns on locking for the rest of the process.
TEST_F(BevMemory, ThreadSafeBuffersKeepTheirLockWhileReferenced) {
  event_base_free(base_);
  ASSERT_EQ(evthread_use_pthreads(), 0);
  // (Locking may set up global state of its own.)
  start_bytes_ = g_live_bytes;
  start_blocks_ = g_live_blocks;
  base_ = event_base_new();
  ASSERT_NE(base_, nullptr);
  bevtest::SockPair sp;
  size_t before = g_live_bytes;
  bufferevent* bev = bufferevent_socket_new(base_, sp.fd[0], BEV_OPT_THREADSAFE);
  ASSERT_NE(bev, nullptr);
  std::printf("thread-safe socket bufferevent: %zu bytes\n", g_live_bytes - before);
  bufferevent_enable(bev, EV_READ);
  sp.send("locked");
  evbuffer* in = bufferevent_get_input(bev);
  ASSERT_TRUE(bevtest::run_until(base_, [&] { return evbuffer_get_length(in) == 6; }));
  evbuffer* other = evbuffer_new();
  ASSERT_EQ(evbuffer_add_buffer_reference(other, in), 0);
  bufferevent_free(bev);
  event_base_loop(base_, EVLOOP_NONBLOCK);  // runs the finalizer
  // Releasing the view takes the input's lock: it must still exist.
  char text[7] = {};
  ASSERT_EQ(evbuffer_remove(other, text, 6), 6);
  EXPECT_STREQ(text, "locked");
  evbuffer_free(other);
}

}  // namespace
