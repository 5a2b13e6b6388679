// evbuffer callbacks: exact evbuffer_cb_info counts, enabling/disabling,
// removal (also from inside a callback), the obsolete evbuffer_setcb(),
// deferral to an event loop, and locking with real threads.
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

struct Seen {
  int calls = 0;
  evbuffer_cb_info last = {};
  size_t len_at_call = 0;
};

void record(evbuffer* buf, const evbuffer_cb_info* info, void* arg) {
  auto* s = static_cast<Seen*>(arg);
  ++s->calls;
  s->last = *info;
  s->len_at_call = evbuffer_get_length(buf);
}

class BufferCallback : public ::testing::Test {
 protected:
  void SetUp() override { buf = evbuffer_new(); }
  void TearDown() override { evbuffer_free(buf); }
  evbuffer* buf = nullptr;
};

TEST_F(BufferCallback, ReportsEachChangeExactly) {
  Seen s;
  ASSERT_NE(evbuffer_add_cb(buf, record, &s), nullptr);
  evbuffer_add(buf, "hello", 5);
  EXPECT_EQ(s.calls, 1);
  EXPECT_EQ(s.last.orig_size, 0u);
  EXPECT_EQ(s.last.n_added, 5u);
  EXPECT_EQ(s.last.n_deleted, 0u);
  EXPECT_EQ(s.len_at_call, 5u);
  evbuffer_drain(buf, 2);
  EXPECT_EQ(s.calls, 2);
  EXPECT_EQ(s.last.orig_size, 5u);
  EXPECT_EQ(s.last.n_added, 0u);
  EXPECT_EQ(s.last.n_deleted, 2u);
  // Operations that change nothing do not call back.
  evbuffer_add(buf, "", 0);
  evbuffer_drain(buf, 0);
  evbuffer_pullup(buf, -1);
  char out[2];
  evbuffer_copyout(buf, out, 2);
  EXPECT_EQ(s.calls, 2);
  evbuffer_prepend(buf, "ab", 2);
  EXPECT_EQ(s.last.n_added, 2u);
  EXPECT_EQ(s.calls, 3);
}

TEST_F(BufferCallback, BothBuffersOfAMoveAreNotified) {
  evbuffer* other = evbuffer_new();
  Seen s_src, s_dst;
  evbuffer_add(other, "12345", 5);
  evbuffer_add_cb(other, record, &s_src);
  evbuffer_add_cb(buf, record, &s_dst);
  EXPECT_EQ(evbuffer_remove_buffer(other, buf, 3), 3);
  EXPECT_EQ(s_src.last.n_deleted, 3u);
  EXPECT_EQ(s_dst.last.n_added, 3u);
  evbuffer_add_buffer(buf, other);
  EXPECT_EQ(s_src.last.n_deleted, 2u);
  EXPECT_EQ(s_src.last.orig_size, 2u);
  EXPECT_EQ(s_dst.last.n_added, 2u);
  EXPECT_EQ(s_dst.last.orig_size, 3u);
  evbuffer_free(other);
}

TEST_F(BufferCallback, DisabledCallbackIsSkipped) {
  Seen s;
  evbuffer_cb_entry* e = evbuffer_add_cb(buf, record, &s);
  ASSERT_EQ(evbuffer_cb_clear_flags(buf, e, EVBUFFER_CB_ENABLED), 0);
  evbuffer_add(buf, "x", 1);
  EXPECT_EQ(s.calls, 0);
  ASSERT_EQ(evbuffer_cb_set_flags(buf, e, EVBUFFER_CB_ENABLED), 0);
  evbuffer_add(buf, "y", 1);
  EXPECT_EQ(s.calls, 1);
  // Only changes since the previous run are reported.
  EXPECT_EQ(s.last.n_added, 1u);
  EXPECT_EQ(s.last.orig_size, 1u);
}

TEST_F(BufferCallback, RemoveByEntryOrByFunction) {
  Seen s1, s2;
  evbuffer_cb_entry* e1 = evbuffer_add_cb(buf, record, &s1);
  evbuffer_add_cb(buf, record, &s2);
  EXPECT_EQ(evbuffer_remove_cb_entry(buf, e1), 0);
  EXPECT_EQ(evbuffer_remove_cb(buf, record, &s1), -1);
  EXPECT_EQ(evbuffer_remove_cb(buf, record, &s2), 0);
  EXPECT_EQ(evbuffer_remove_cb(buf, record, &s2), -1);
  evbuffer_add(buf, "x", 1);
  EXPECT_EQ(s1.calls + s2.calls, 0);
}

TEST_F(BufferCallback, ForeignEntryIsRejected) {
  evbuffer* other = evbuffer_new();
  Seen s;
  evbuffer_cb_entry* e = evbuffer_add_cb(other, record, &s);
  EXPECT_EQ(evbuffer_remove_cb_entry(buf, e), -1);
  EXPECT_EQ(evbuffer_cb_set_flags(buf, e, EVBUFFER_CB_ENABLED), -1);
  EXPECT_EQ(evbuffer_add_cb(buf, nullptr, nullptr), nullptr);
  evbuffer_free(other);
}

struct SelfRemover {
  evbuffer_cb_entry* self = nullptr;
  evbuffer_cb_entry* victim = nullptr;
  int calls = 0;
};

void remove_self_and_other(evbuffer* buf, const evbuffer_cb_info*, void* arg) {
  auto* r = static_cast<SelfRemover*>(arg);
  ++r->calls;
  evbuffer_remove_cb_entry(buf, r->self);
  if (r->victim != nullptr) evbuffer_remove_cb_entry(buf, r->victim);
}

TEST_F(BufferCallback, CallbackMayRemoveItselfAndOthers) {
  Seen s;
  SelfRemover r;
  r.victim = evbuffer_add_cb(buf, record, &s);
  r.self = evbuffer_add_cb(buf, remove_self_and_other, &r);
  evbuffer_add(buf, "x", 1);
  evbuffer_add(buf, "y", 1);
  EXPECT_EQ(r.calls, 1);
  EXPECT_LE(s.calls, 1);
}

void add_more_until(evbuffer* buf, const evbuffer_cb_info*, void* arg) {
  int* depth = static_cast<int*>(arg);
  if (++*depth < 5) evbuffer_add(buf, "z", 1);
}

TEST_F(BufferCallback, CallbackMayChangeTheBuffer) {
  int depth = 0;
  evbuffer_add_cb(buf, add_more_until, &depth);
  evbuffer_add(buf, "a", 1);
  EXPECT_EQ(depth, 5);
  EXPECT_EQ(evbuffer_get_length(buf), 5u);
}

void free_buffer_cb(evbuffer* buf, const evbuffer_cb_info*, void* arg) {
  *static_cast<bool*>(arg) = true;
  evbuffer_free(buf);
}

TEST(BufferCallbackFree, CallbackMayFreeTheBuffer) {
  evbuffer* buf = evbuffer_new();
  bool called = false;
  evbuffer_add_cb(buf, free_buffer_cb, &called);
  evbuffer_add(buf, "x", 1);  // must not touch freed memory (ASan checks)
  EXPECT_TRUE(called);
}

struct Obsolete {
  int calls = 0;
  size_t old_len = 0, new_len = 0;
};

void obsolete_cb(evbuffer*, size_t old_len, size_t new_len, void* arg) {
  auto* o = static_cast<Obsolete*>(arg);
  ++o->calls;
  o->old_len = old_len;
  o->new_len = new_len;
}

TEST_F(BufferCallback, SetcbReplacesAllCallbacks) {
  Seen s;
  Obsolete o;
  evbuffer_add_cb(buf, record, &s);
  ASSERT_EQ(evbuffer_setcb(buf, obsolete_cb, &o), 0);
  evbuffer_add(buf, "abc", 3);
  EXPECT_EQ(s.calls, 0);
  EXPECT_EQ(o.calls, 1);
  EXPECT_EQ(o.old_len, 0u);
  EXPECT_EQ(o.new_len, 3u);
  ASSERT_EQ(evbuffer_setcb(buf, nullptr, nullptr), 0);
  evbuffer_drain(buf, 1);
  EXPECT_EQ(o.calls, 1);
}

TEST_F(BufferCallback, DeferredCallbacksRunFromTheLoopWithSummedCounts) {
  event_base* base = event_base_new();
  ASSERT_NE(base, nullptr);
  Seen s;
  evbuffer_add_cb(buf, record, &s);
  ASSERT_EQ(evbuffer_defer_callbacks(buf, base), 0);
  evbuffer_add(buf, "abc", 3);
  evbuffer_add(buf, "de", 2);
  evbuffer_drain(buf, 1);
  EXPECT_EQ(s.calls, 0);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(s.calls, 1);
  EXPECT_EQ(s.last.orig_size, 0u);
  EXPECT_EQ(s.last.n_added, 5u);
  EXPECT_EQ(s.last.n_deleted, 1u);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(s.calls, 1);
  event_base_free(base);
}

TEST(BufferCallbackDefer, FreeingWithAPendingDeferredRunIsSafe) {
  event_base* base = event_base_new();
  evbuffer* buf = evbuffer_new();
  Seen s;
  evbuffer_add_cb(buf, record, &s);
  evbuffer_defer_callbacks(buf, base);
  evbuffer_add(buf, "abc", 3);
  evbuffer_free(buf);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(s.calls, 0);
  event_base_free(base);
  EXPECT_EQ(evbuffer_defer_callbacks(nullptr, base), -1);
}

TEST(BufferLockingThreads, ConcurrentWritersAndReaderKeepEveryByte) {
  ASSERT_EQ(evthread_use_pthreads(), 0);
  evbuffer* buf = evbuffer_new();
  ASSERT_EQ(evbuffer_enable_locking(buf, nullptr), 0);
  EXPECT_EQ(evbuffer_enable_locking(buf, nullptr), -1);  // already locked
  constexpr int kWriters = 4, kPerWriter = 20000;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([buf] {
      for (int i = 0; i < kPerWriter; ++i) evbuffer_add(buf, "abcd", 4);
    });
  }
  size_t removed = 0;
  std::thread reader([&] {
    char out[64];
    while (removed < size_t{kWriters} * kPerWriter * 4) {
      evbuffer_lock(buf);
      int n = evbuffer_remove(buf, out, sizeof out);
      evbuffer_unlock(buf);
      if (n > 0) removed += static_cast<size_t>(n);
    }
  });
  for (auto& t : threads) t.join();
  reader.join();
  EXPECT_EQ(removed, size_t{kWriters} * kPerWriter * 4);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  evbuffer_free(buf);
}

}  // namespace
