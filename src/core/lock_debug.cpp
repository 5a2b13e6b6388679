// evthread_enable_lock_debugging(): wraps the installed lock callbacks with
// checking ones that track owner and depth, so that unlocking an unheld lock,
// re-locking a non-recursive one or waiting without the lock aborts with a
// clear message instead of corrupting state.
#include <event2/thread.h>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/thread_state.hpp"

namespace ev {
namespace {

constexpr unsigned kDebugLockSignature = 0x12300fda;

struct DebugLock {
  unsigned signature;
  unsigned locktype;
  unsigned long held_by;
  int depth;  // guarded by the wrapped lock (if any)
  void* real;
};

unsigned long current_thread() { return g_thread_id_fn != nullptr ? g_thread_id_fn() : 0; }

void* debug_alloc(unsigned locktype) {
  auto* l = static_cast<DebugLock*>(mm_malloc(sizeof(DebugLock)));
  if (l == nullptr) return nullptr;
  l->real = nullptr;
  if (g_original_locks.alloc != nullptr) {
    // The real lock is always recursive: depth checks are ours.
    l->real = g_original_locks.alloc(locktype | EVTHREAD_LOCKTYPE_RECURSIVE);
    if (l->real == nullptr) {
      mm_free(l);
      return nullptr;
    }
  }
  l->signature = kDebugLockSignature;
  l->locktype = locktype;
  l->held_by = 0;
  l->depth = 0;
  return l;
}

void debug_free(void* p, unsigned locktype) {
  auto* l = static_cast<DebugLock*>(p);
  EV_ASSERT(l->depth == 0);
  EV_ASSERT(l->locktype == locktype);
  EV_ASSERT(l->signature == kDebugLockSignature);
  if (g_original_locks.free != nullptr && l->real != nullptr)
    g_original_locks.free(l->real, locktype | EVTHREAD_LOCKTYPE_RECURSIVE);
  l->signature = 0x12300fdb;  // poisoned: catches use after free
  mm_free(l);
}

void note_locked(DebugLock* l) {
  EV_ASSERT(l->signature == kDebugLockSignature);
  ++l->depth;
  if (!(l->locktype & EVTHREAD_LOCKTYPE_RECURSIVE)) EV_ASSERT(l->depth == 1);
  if (g_thread_id_fn != nullptr) {
    unsigned long me = current_thread();
    if (l->depth > 1) EV_ASSERT(l->held_by == me);
    l->held_by = me;
  }
}

void note_unlocking(DebugLock* l) {
  EV_ASSERT(l->signature == kDebugLockSignature);
  if (g_thread_id_fn != nullptr && l->depth > 0) EV_ASSERT(l->held_by == current_thread());
  EV_ASSERT(l->depth > 0);
  --l->depth;
}

int debug_lock(unsigned mode, void* p) {
  auto* l = static_cast<DebugLock*>(p);
  if (l->locktype & EVTHREAD_LOCKTYPE_READWRITE)
    EV_ASSERT(mode & (EVTHREAD_READ | EVTHREAD_WRITE));
  else
    EV_ASSERT((mode & (EVTHREAD_READ | EVTHREAD_WRITE)) == 0);
  int r = 0;
  if (g_original_locks.lock != nullptr && l->real != nullptr)
    r = g_original_locks.lock(mode, l->real);
  if (r == 0) note_locked(l);
  return r;
}

int debug_unlock(unsigned mode, void* p) {
  auto* l = static_cast<DebugLock*>(p);
  note_unlocking(l);
  if (g_original_locks.unlock != nullptr && l->real != nullptr)
    return g_original_locks.unlock(mode, l->real);
  return 0;
}

}  // namespace

int debug_cond_wait(void* cond, void* p, const timeval* tv) {
  auto* l = static_cast<DebugLock*>(p);
  EV_ASSERT(l != nullptr);
  note_unlocking(l);
  int r = g_original_conds.wait_condition(cond, l->real, tv);
  note_locked(l);
  return r;
}

}  // namespace ev

extern "C" {

void evthread_enable_lock_debugging(void) {
  using namespace ev;
  if (g_lock_debugging) return;
  g_original_locks = g_lock_fns;
  g_lock_fns = evthread_lock_callbacks{EVTHREAD_LOCK_API_VERSION,
                                       EVTHREAD_LOCKTYPE_RECURSIVE,
                                       debug_alloc,
                                       debug_free,
                                       debug_lock,
                                       debug_unlock};
  g_original_conds = g_cond_fns;
  if (g_cond_fns.wait_condition != nullptr) g_cond_fns.wait_condition = debug_cond_wait;
  g_lock_debugging = true;
}

void evthread_enable_lock_debuging(void) { evthread_enable_lock_debugging(); }

}  // extern "C"
