// Locks and condition variables made through the callbacks installed with
// evthread_set_lock_callbacks() / evthread_set_condition_callbacks().
// When no callbacks are installed every function here is a cheap no-op and
// evpriv_lock_new() returns nullptr, so single-threaded programs take no lock.
// Implemented in src/core (thread support); shared with the other libraries.
#pragma once

#include <sys/time.h>

#include "core/export.hpp"

extern "C" {
// locktype: 0 or EVTHREAD_LOCKTYPE_RECURSIVE/READWRITE (event2/thread.h).
EVPRIV_API void* evpriv_lock_new(unsigned locktype);
EVPRIV_API void evpriv_lock_free(void* lock, unsigned locktype);
// mode: 0 or EVTHREAD_READ/EVTHREAD_WRITE/EVTHREAD_TRY.  Null locks succeed.
EVPRIV_API int evpriv_lock_acquire(void* lock, unsigned mode);
EVPRIV_API int evpriv_lock_release(void* lock, unsigned mode);
// Condition variables; nullptr when no condition callbacks are installed.
EVPRIV_API void* evpriv_cond_new(unsigned condtype);
EVPRIV_API void evpriv_cond_free(void* cond);
EVPRIV_API int evpriv_cond_signal(void* cond, int broadcast);
EVPRIV_API int evpriv_cond_wait(void* cond, void* lock, const struct timeval* tv);
// Non-zero once lock callbacks are installed.
EVPRIV_API int evpriv_threading_enabled(void);
// Id of the calling thread (id callback, or 0 when none is installed).
EVPRIV_API unsigned long evpriv_thread_id(void);
}

namespace ev {

// Scoped holder for a possibly-null lock.
class LockGuard {
 public:
  explicit LockGuard(void* lock) : lock_(lock) { evpriv_lock_acquire(lock_, 0); }
  ~LockGuard() { evpriv_lock_release(lock_, 0); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  void* lock_;
};

// Scoped lock()/unlock() of an object that has them (a base, a buffer).
template <class T>
class Locked {
 public:
  explicit Locked(T* obj) : obj_(obj) { obj_->lock(); }
  ~Locked() { obj_->unlock(); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  T* obj_;
};

}  // namespace ev
