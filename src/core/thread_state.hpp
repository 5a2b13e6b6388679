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
