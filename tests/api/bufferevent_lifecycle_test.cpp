// Bufferevent life cycle and control: callbacks, freeing (also from inside
// callbacks), references, CLOSE_ON_FREE, deferred callbacks, triggers,
// priorities, file descriptors and the compatibility interface.
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "bufferevent_test_util.hpp"
#include "event_backend_param.hpp"

// Like libevent's, the compat header has no C++ guards and needs
// bufferevent.h first.
extern "C" {
#include <event2/bufferevent_compat.h>
}

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;
using bevtest::SockPair;

namespace {

class BevLifecycle : public evtest::PerBackend {};

TEST_P(BevLifecycle, SetcbAndGetcbRoundTrip) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  ASSERT_NE(nullptr, b);
  Recorder r;
  r.attach(b);
  bufferevent_data_cb rd = nullptr, wr = nullptr;
  bufferevent_event_cb evcb = nullptr;
  void* arg = nullptr;
  bufferevent_getcb(b, &rd, &wr, &evcb, &arg);
  EXPECT_EQ(&Recorder::on_read, rd);
  EXPECT_EQ(&Recorder::on_write, wr);
  EXPECT_EQ(&Recorder::on_event, evcb);
  EXPECT_EQ(&r, arg);
  EXPECT_EQ(&Recorder::on_read, b->readcb);
  EXPECT_EQ(&Recorder::on_write, b->writecb);
  EXPECT_EQ(&Recorder::on_event, b->errorcb);
  EXPECT_EQ(&r, b->cbarg);
  bufferevent_getcb(b, nullptr, nullptr, nullptr, nullptr);  // all optional
  bufferevent_setcb(b, nullptr, nullptr, nullptr, nullptr);
  bufferevent_getcb(b, &rd, &wr, &evcb, &arg);
  EXPECT_EQ(nullptr, rd);
  EXPECT_EQ(nullptr, arg);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, FreeFromInsideTheReadCallback) {
  SockPair sp;
  Recorder r;
  r.free_on_read = true;
  bufferevent* b = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  r.attach(b);
  bufferevent_enable(b, EV_READ);
  sp.send("x");
  ASSERT_TRUE(run_until(base, [&] { return r.bev == nullptr; }));
  run_for(base, 10);
  EXPECT_EQ(1, r.reads);
  // The peer sees the close: our end was closed by the free.
  char c;
  EXPECT_EQ(0, read(sp.fd[1], &c, 1));
}

TEST_P(BevLifecycle, FreeFromInsideTheEventCallback) {
  SockPair sp;
  Recorder r;
  r.free_on_event = true;
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], 0);
  r.attach(b);
  bufferevent_enable(b, EV_READ);
  sp.close_end(1);
  ASSERT_TRUE(run_until(base, [&] { return r.bev == nullptr; }));
  EXPECT_EQ(1, r.events);
  EXPECT_TRUE(bevtest::fd_is_open(sp.fd[0]));  // no CLOSE_ON_FREE
}

// Each read callback frees its own bufferevent and the next one's.
TEST_P(BevLifecycle, ManyBuffereventsFreedFromCallbacks) {
  constexpr int kN = 40;
  struct Node {
    bufferevent* bev = nullptr;
    Node* next = nullptr;
    int calls = 0;
  };
  std::vector<SockPair> pairs(kN);
  std::vector<Node> nodes(kN);
  auto on_read = [](bufferevent* bev, void* arg) {
    auto* n = static_cast<Node*>(arg);
    ++n->calls;
    if (n->next != nullptr && n->next->bev != nullptr) {
      bufferevent_free(n->next->bev);
      n->next->bev = nullptr;
    }
    bufferevent_free(bev);
    n->bev = nullptr;
  };
  for (int i = 0; i < kN; ++i) {
    nodes[i].next = &nodes[(i + 1) % kN];
    nodes[i].bev = bufferevent_socket_new(base, pairs[i].release(0), BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, nodes[i].bev);
    bufferevent_setcb(nodes[i].bev, on_read, nullptr, nullptr, &nodes[i]);
    bufferevent_enable(nodes[i].bev, EV_READ);
    pairs[i].send("go");
  }
  ASSERT_TRUE(run_until(base, [&] {
    for (auto& n : nodes)
      if (n.bev != nullptr) return false;
    return true;
  }));
  run_for(base, 10);  // libevent closes the sockets from the loop
  int calls = 0;
  for (auto& n : nodes) calls += n.calls;
  EXPECT_GE(calls, kN / 2);
  EXPECT_LE(calls, kN);
  for (size_t i = 0; i < pairs.size(); ++i) {  // every socket was closed once
    // EOF, or a reset when the socket was closed with "go" unread.
    char c;
    ssize_t n = read(pairs[i].fd[1], &c, 1);
    EXPECT_TRUE(n == 0 || (n < 0 && errno == ECONNRESET)) << "pair " << i << " errno " << errno;
  }
}

TEST_P(BevLifecycle, CloseOnFreeClosesTheSocketOnlyWithTheOption) {
  SockPair a, b;
  bufferevent* with = bufferevent_socket_new(base, a.release(0), BEV_OPT_CLOSE_ON_FREE);
  bufferevent* without = bufferevent_socket_new(base, b.fd[0], 0);
  bufferevent_free(with);
  bufferevent_free(without);
  run_for(base, 10);
  char c;
  EXPECT_EQ(0, read(a.fd[1], &c, 1));  // EOF: closed
  EXPECT_TRUE(bevtest::fd_is_open(b.fd[0]));
}

TEST_P(BevLifecycle, ReferencesKeepAFreedBuffereventAlive) {
  SockPair sp;
  Recorder r;
  bufferevent* b = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  r.attach(b);
  bufferevent_incref(b);
  bufferevent_free(b);
  // Still usable, but the callbacks are gone.
  EXPECT_EQ(0, bufferevent_write(b, "hi", 2));
  EXPECT_EQ(nullptr, b->readcb);
  run_for(base, 20);
  EXPECT_EQ(0, r.writes);
  EXPECT_EQ("hi", sp.recv_all());
  EXPECT_EQ(1, bufferevent_decref(b));
  run_for(base, 10);
  char c;
  EXPECT_EQ(0, read(sp.fd[1], &c, 1));
}

TEST_P(BevLifecycle, DecrefReportsWhetherItFreed) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  bufferevent_incref(b);
  bufferevent_incref(b);
  EXPECT_EQ(0, bufferevent_decref(b));
  EXPECT_EQ(0, bufferevent_decref(b));
  EXPECT_EQ(1, bufferevent_decref(b));
}

TEST_P(BevLifecycle, LockAndUnlockNestWithoutThreads) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  bufferevent_lock(b);
  bufferevent_lock(b);
  bufferevent_unlock(b);
  bufferevent_unlock(b);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, DeferredCallbacksRunFromTheLoop) {
  SockPair sp;
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], BEV_OPT_DEFER_CALLBACKS);
  ASSERT_NE(nullptr, b);
  Recorder r;
  r.attach(b);
  bufferevent_trigger(b, EV_READ | EV_WRITE, 0);
  bufferevent_trigger_event(b, BEV_EVENT_EOF, 0);
  EXPECT_EQ(0, r.reads + r.writes + r.events);  // not yet: deferred
  run_for(base, 10);
  EXPECT_EQ(1, r.reads);
  EXPECT_EQ(1, r.writes);
  EXPECT_EQ(1, r.events);
  EXPECT_EQ(BEV_EVENT_EOF, r.last_what);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, DeferredEventsQueuedTogetherAreMerged) {
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_DEFER_CALLBACKS);
  Recorder r;
  r.attach(b);
  bufferevent_trigger_event(b, BEV_EVENT_EOF, 0);
  bufferevent_trigger_event(b, BEV_EVENT_READING, 0);
  run_for(base, 10);
  EXPECT_EQ(1, r.events);
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, r.last_what);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, FreeWithDeferredCallbacksPendingRunsNone) {
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_DEFER_CALLBACKS);
  Recorder r;
  r.attach(b);
  bufferevent_trigger(b, EV_READ, 0);
  bufferevent_free(b);
  run_for(base, 10);
  EXPECT_EQ(0, r.reads);
}

TEST_P(BevLifecycle, TriggerHonoursWatermarksUnlessTold) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  Recorder r;
  r.drain = false;
  r.attach(b);
  bufferevent_setwatermark(b, EV_READ, 5, 0);
  bufferevent_trigger(b, EV_READ, 0);
  EXPECT_EQ(0, r.reads);  // input (0) below the low watermark
  bufferevent_trigger(b, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
  EXPECT_EQ(1, r.reads);  // immediate without deferral
  bufferevent_trigger(b, EV_WRITE, 0);
  EXPECT_EQ(1, r.writes);  // empty output is below any low watermark
  bufferevent_trigger(b, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS);
  EXPECT_EQ(1, r.writes);
  run_for(base, 10);
  EXPECT_EQ(2, r.writes);
  bufferevent_trigger_event(b, BEV_EVENT_ERROR | BEV_EVENT_READING, 0);
  EXPECT_EQ(1, r.events);
  EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_READING, r.last_what);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, WatermarksAreStoredPerDirection) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  bufferevent_setwatermark(b, EV_READ | EV_WRITE, 3, 30);
  bufferevent_setwatermark(b, EV_WRITE, 7, 70);
  size_t lo = 0, hi = 0;
  ASSERT_EQ(0, bufferevent_getwatermark(b, EV_READ, &lo, &hi));
  EXPECT_EQ(3u, lo);
  EXPECT_EQ(30u, hi);
  ASSERT_EQ(0, bufferevent_getwatermark(b, EV_WRITE, &lo, nullptr));
  EXPECT_EQ(7u, lo);
  EXPECT_EQ(70u, b->wm_write.high);
  EXPECT_EQ(-1, bufferevent_getwatermark(b, EV_READ | EV_WRITE, &lo, &hi));
  EXPECT_EQ(-1, bufferevent_getwatermark(b, 0, &lo, &hi));
  bufferevent_free(b);
}

TEST_P(BevLifecycle, PriorityAppliesWithinTheBaseRange) {
  ASSERT_EQ(0, event_base_priority_init(base, 4));
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  EXPECT_EQ(0, bufferevent_priority_set(b, 3));
  EXPECT_EQ(3, bufferevent_get_priority(b));
  EXPECT_EQ(-1, bufferevent_priority_set(b, 9));
  EXPECT_EQ(3, bufferevent_get_priority(b));
  bufferevent_free(b);
}

TEST_P(BevLifecycle, SetfdStartsIoOnANewSocket) {
  SockPair sp;
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  EXPECT_EQ(-1, bufferevent_getfd(b));
  Recorder r;
  r.attach(b);
  bufferevent_enable(b, EV_READ);
  ASSERT_EQ(0, bufferevent_setfd(b, sp.fd[0]));
  EXPECT_EQ(sp.fd[0], bufferevent_getfd(b));
  sp.send("after setfd");
  ASSERT_TRUE(run_until(base, [&] { return r.data == "after setfd"; }));
  bufferevent_free(b);
}

TEST_P(BevLifecycle, ReadAndReadBufferDrainTheInput) {
  SockPair sp;
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], 0);
  bufferevent_enable(b, EV_READ);
  sp.send("0123456789");
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 10; }));
  char buf[4];
  EXPECT_EQ(4u, bufferevent_read(b, buf, sizeof(buf)));
  EXPECT_EQ(0, std::memcmp(buf, "0123", 4));
  evbuffer* out = evbuffer_new();
  EXPECT_EQ(0, bufferevent_read_buffer(b, out));
  EXPECT_EQ(6u, evbuffer_get_length(out));
  EXPECT_EQ(0u, bufferevent_read(b, buf, sizeof(buf)));
  evbuffer_free(out);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, CompatInterfaceWorks) {
  SockPair sp;
  Recorder r;
  bufferevent* b =
      bufferevent_new(sp.fd[0], Recorder::on_read, Recorder::on_write, Recorder::on_event, &r);
  ASSERT_NE(nullptr, b);
  r.bev = b;
  ASSERT_EQ(0, bufferevent_base_set(base, b));
  EXPECT_EQ(base, bufferevent_get_base(b));
  EXPECT_EQ(b->input, EVBUFFER_INPUT(b));
  EXPECT_EQ(b->output, EVBUFFER_OUTPUT(b));
  bufferevent_settimeout(b, 1, 2);
  EXPECT_EQ(1, b->timeout_read.tv_sec);
  EXPECT_EQ(2, b->timeout_write.tv_sec);
  bufferevent_settimeout(b, 0, 0);
  EXPECT_EQ(0, b->timeout_read.tv_sec);
  bufferevent_enable(b, EV_READ);
  sp.send("old api");
  ASSERT_TRUE(run_until(base, [&] { return r.data == "old api"; }));
  EXPECT_EQ(EVBUFFER_EOF, BEV_EVENT_EOF);
  EXPECT_EQ(EVBUFFER_READ, BEV_EVENT_READING);
  bufferevent_free(b);
}

TEST_P(BevLifecycle, UnlockCallbacksNeedsDeferredCallbacks) {
  EXPECT_EQ(nullptr, bufferevent_socket_new(base, -1, BEV_OPT_UNLOCK_CALLBACKS));
}

// This executable never turns thread support on.
TEST_P(BevLifecycle, ThreadsafeNeedsThreadSupport) {
  EXPECT_EQ(nullptr, bufferevent_socket_new(base, -1, BEV_OPT_THREADSAFE));
}

TEST_P(BevLifecycle, OutputIsFrozenAtTheFrontAndInputAtTheEnd) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  EXPECT_EQ(-1, evbuffer_add(b->input, "x", 1));
  EXPECT_EQ(0, evbuffer_add(b->output, "x", 1));
  EXPECT_EQ(-1, evbuffer_drain(b->output, 1));
  bufferevent_free(b);
}

EVTEST_INSTANTIATE_PER_BACKEND(BevLifecycle);

}  // namespace
