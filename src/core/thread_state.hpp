// The threading callbacks installed through event2/thread.h, shared by the
// core.  They are set once, before threads start, so plain globals suffice.
#pragma once

#include <event2/thread.h>

namespace ev {

// Hidden (they are ours alone) so that the hot paths reach them directly
// instead of through the GOT.
#pragma GCC visibility push(hidden)
extern evthread_lock_callbacks g_lock_fns;       // alloc == nullptr: no locking
extern evthread_condition_callbacks g_cond_fns;  // alloc_condition == nullptr: none
extern unsigned long (*g_thread_id_fn)();
// evthread_enable_lock_debugging() ran: g_lock_fns/g_cond_fns then hold the
// checking wrappers and these the callbacks they wrap (which the setters of
// event2/thread.h fill in, as libevent does).
extern bool g_lock_debugging;
extern evthread_lock_callbacks g_original_locks;
extern evthread_condition_callbacks g_original_conds;
// The checking wait_condition, installed over whatever conditions come.
int debug_cond_wait(void* cond, void* lock, const timeval* tv);
#pragma GCC visibility pop

inline bool locking_enabled() { return g_lock_fns.lock != nullptr; }

// A tiny spin lock for rare global bookkeeping (signal receiver, debug map);
// it must work whether or not lock callbacks are installed.
class SpinLock {
 public:
  void lock();
  void unlock();

 private:
  volatile int flag_ = 0;
};

class SpinGuard {
 public:
  explicit SpinGuard(SpinLock& l) : lock_(l) { lock_.lock(); }
  ~SpinGuard() { lock_.unlock(); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  SpinLock& lock_;
};

}  // namespace ev
