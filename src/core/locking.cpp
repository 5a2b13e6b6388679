// Locks and conditions through the installed callbacks (core/locking.hpp)
// and the public setters of event2/thread.h.
#include "core/locking.hpp"

#include <event2/thread.h>

#include <sched.h>

#include "core/log.hpp"
#include "core/thread_state.hpp"

namespace ev {

evthread_lock_callbacks g_lock_fns{};
evthread_condition_callbacks g_cond_fns{};
unsigned long (*g_thread_id_fn)() = nullptr;
bool g_lock_debugging = false;
evthread_lock_callbacks g_original_locks{};
evthread_condition_callbacks g_original_conds{};

void SpinLock::lock() {
  while (__atomic_exchange_n(&flag_, 1, __ATOMIC_ACQUIRE) != 0) sched_yield();
}
void SpinLock::unlock() { __atomic_store_n(&flag_, 0, __ATOMIC_RELEASE); }

namespace {
bool same_lock_fns(const evthread_lock_callbacks& a, const evthread_lock_callbacks& b) {
  return a.lock_api_version == b.lock_api_version &&
         a.supported_locktypes == b.supported_locktypes && a.alloc == b.alloc && a.free == b.free &&
         a.lock == b.lock && a.unlock == b.unlock;
}
bool same_cond_fns(const evthread_condition_callbacks& a, const evthread_condition_callbacks& b) {
  return a.condition_api_version == b.condition_api_version &&
         a.alloc_condition == b.alloc_condition && a.free_condition == b.free_condition &&
         a.signal_condition == b.signal_condition && a.wait_condition == b.wait_condition;
}
}  // namespace

}  // namespace ev

using ev::g_cond_fns;
using ev::g_lock_fns;

extern "C" {

void* evpriv_lock_new(unsigned locktype) {
  if (g_lock_fns.alloc == nullptr) return nullptr;
  return g_lock_fns.alloc(locktype);
}

void evpriv_lock_free(void* lock, unsigned locktype) {
  if (lock != nullptr && g_lock_fns.free != nullptr) g_lock_fns.free(lock, locktype);
}

int evpriv_lock_acquire(void* lock, unsigned mode) {
  if (lock == nullptr) return 0;
  return g_lock_fns.lock(mode, lock);
}

int evpriv_lock_release(void* lock, unsigned mode) {
  if (lock == nullptr) return 0;
  return g_lock_fns.unlock(mode, lock);
}

void* evpriv_cond_new(unsigned condtype) {
  if (g_cond_fns.alloc_condition == nullptr) return nullptr;
  return g_cond_fns.alloc_condition(condtype);
}

void evpriv_cond_free(void* cond) {
  if (cond != nullptr && g_cond_fns.free_condition != nullptr) g_cond_fns.free_condition(cond);
}

int evpriv_cond_signal(void* cond, int broadcast) {
  if (cond == nullptr) return 0;
  return g_cond_fns.signal_condition(cond, broadcast);
}

int evpriv_cond_wait(void* cond, void* lock, const struct timeval* tv) {
  if (cond == nullptr) return 0;
  return g_cond_fns.wait_condition(cond, lock, tv);
}

int evpriv_threading_enabled(void) { return ev::locking_enabled() ? 1 : 0; }

unsigned long evpriv_thread_id(void) {
  return ev::g_thread_id_fn != nullptr ? ev::g_thread_id_fn() : 0;
}

// With lock debugging on, the setters fill in the callbacks underneath the
// checking ones (locks allocated from then on wrap real ones).
int evthread_set_lock_callbacks(const struct evthread_lock_callbacks* cbs) {
  evthread_lock_callbacks& target = ev::g_lock_debugging ? ev::g_original_locks : g_lock_fns;
  if (cbs == nullptr) {
    if (target.alloc != nullptr)
      evpriv_warnx(
          "Trying to disable lock functions after they have been set up will "
          "probaby not work.");
    target = evthread_lock_callbacks{};
    return 0;
  }
  if (target.alloc != nullptr) {
    // Installing the same functions twice is harmless; changing them is not.
    if (ev::same_lock_fns(target, *cbs)) return 0;
    evpriv_warnx("Can't change lock callbacks once they have been initialized.");
    return -1;
  }
  if (cbs->alloc == nullptr || cbs->free == nullptr || cbs->lock == nullptr ||
      cbs->unlock == nullptr)
    return -1;
  target = *cbs;
  return 0;
}

int evthread_set_condition_callbacks(const struct evthread_condition_callbacks* cbs) {
  evthread_condition_callbacks& target = ev::g_lock_debugging ? ev::g_original_conds : g_cond_fns;
  if (cbs == nullptr) {
    if (target.alloc_condition != nullptr)
      evpriv_warnx(
          "Trying to disable condition functions after they have been set up "
          "will probaby not work.");
    target = evthread_condition_callbacks{};
    if (ev::g_lock_debugging) g_cond_fns = evthread_condition_callbacks{};
    return 0;
  }
  if (target.alloc_condition != nullptr) {
    if (ev::same_cond_fns(target, *cbs)) return 0;
    evpriv_warnx("Can't change condition callbacks once they have been initialized.");
    return -1;
  }
  if (cbs->alloc_condition == nullptr || cbs->free_condition == nullptr ||
      cbs->signal_condition == nullptr || cbs->wait_condition == nullptr)
    return -1;
  target = *cbs;
  if (ev::g_lock_debugging) {
    // Conditions wait on checking locks: the wait is checked too.
    g_cond_fns = *cbs;
    g_cond_fns.wait_condition = ev::debug_cond_wait;
  }
  return 0;
}

void evthread_set_id_callback(unsigned long (*id_fn)(void)) { ev::g_thread_id_fn = id_fn; }

}  // extern "C"
