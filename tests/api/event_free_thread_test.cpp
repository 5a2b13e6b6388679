// event_base_free() with finalizers pending: they run with the base lock
// released (a finalizer may take other locks, in the order the loop's
// callbacks would), and one may free events still queued behind it.
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace {

// Lock callbacks that count, per thread, the locks it holds: a finalizer
// can then see whether it was called with the base lock held.
thread_local int t_locks_held = 0;

void* lock_alloc(unsigned) { return new std::recursive_mutex; }
void lock_free(void* lock, unsigned) { delete static_cast<std::recursive_mutex*>(lock); }
int lock_lock(unsigned mode, void* lock) {
  auto* m = static_cast<std::recursive_mutex*>(lock);
  if (mode & EVTHREAD_TRY) {
    if (!m->try_lock()) return 1;
  } else {
    m->lock();
  }
  ++t_locks_held;
  return 0;
}
int lock_unlock(unsigned, void* lock) {
  --t_locks_held;
  static_cast<std::recursive_mutex*>(lock)->unlock();
  return 0;
}

// Freed memory is overwritten, so that reading an event after its free
// (a link saved across a finalizer) is caught without a sanitizer.
void* plain_malloc(size_t n) {
  auto* p = static_cast<size_t*>(std::malloc(n + sizeof(size_t)));
  if (p == nullptr) return nullptr;
  *p = n;
  return p + 1;
}
void* plain_realloc(void* ptr, size_t n) {
  if (ptr == nullptr) return plain_malloc(n);
  auto* p = static_cast<size_t*>(std::realloc(static_cast<size_t*>(ptr) - 1, n + sizeof(size_t)));
  if (p == nullptr) return nullptr;
  *p = n;
  return p + 1;
}
void scribbling_free(void* ptr) {
  if (ptr == nullptr) return;
  auto* p = static_cast<size_t*>(ptr) - 1;
  std::memset(ptr, 0xdd, *p);
  std::free(p);
}

class FreeWithFinalizers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    event_set_mem_functions(plain_malloc, plain_realloc, scribbling_free);
    evthread_lock_callbacks callbacks = {EVTHREAD_LOCK_API_VERSION,
                                         EVTHREAD_LOCKTYPE_RECURSIVE,
                                         lock_alloc,
                                         lock_free,
                                         lock_lock,
                                         lock_unlock};
    ASSERT_EQ(0, evthread_set_lock_callbacks(&callbacks));
  }
};

struct Seen {
  int calls = 0;
  int locks_held = -1;
  event* to_free = nullptr;
};

void nop_cb(evutil_socket_t, short, void*) {}

void finalizer(event*, void* arg) {
  auto* seen = static_cast<Seen*>(arg);
  ++seen->calls;
  seen->locks_held = t_locks_held;
  if (seen->to_free != nullptr) event_free(seen->to_free);
}

TEST_F(FreeWithFinalizers, FinalizerRunsWithoutTheBaseLock) {
  event_base* base = event_base_new();
  ASSERT_NE(base, nullptr);
  Seen seen;
  event* ev = event_new(base, -1, 0, nop_cb, &seen);
  ASSERT_NE(ev, nullptr);
  ASSERT_EQ(0, event_free_finalize(0, ev, finalizer));
  EXPECT_EQ(0, t_locks_held);
  event_base_free(base);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(0, seen.locks_held) << "the finalizer ran with the base lock held";
  EXPECT_EQ(0, t_locks_held);
}

TEST_F(FreeWithFinalizers, FinalizerMayFreeTheEventQueuedBehindIt) {
  event_base* base = event_base_new();
  ASSERT_NE(base, nullptr);
  Seen seen;
  event* first = event_new(base, -1, 0, nop_cb, &seen);
  event* behind = event_new(base, -1, 0, nop_cb, nullptr);
  ASSERT_TRUE(first != nullptr && behind != nullptr);
  seen.to_free = behind;
  ASSERT_EQ(0, event_free_finalize(0, first, finalizer));
  event_active(behind, EV_READ, 1);  // queued after the finalizer
  event_base_free(base);
  EXPECT_EQ(1, seen.calls);
}

TEST_F(FreeWithFinalizers, NoFinalizeFreeSkipsThem) {
  event_base* base = event_base_new();
  ASSERT_NE(base, nullptr);
  Seen seen;
  event ev;
  ASSERT_EQ(0, event_assign(&ev, base, -1, 0, nop_cb, &seen));
  ASSERT_EQ(0, event_finalize(0, &ev, finalizer));
  event_base_free_nofinalize(base);
  EXPECT_EQ(0, seen.calls);
}

}  // namespace
