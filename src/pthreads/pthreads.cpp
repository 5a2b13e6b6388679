// libevent_pthreads: evthread_use_pthreads() installs pthread mutexes
// (always recursive), condition variables and pthread_self() as the
// threading callbacks of event2/thread.h.
#include <event2/thread.h>

#include <errno.h>
#include <pthread.h>
#include <sys/time.h>
#include <time.h>

#include "core/mm.hpp"

namespace {

pthread_mutexattr_t g_recursive_attr;

void* mutex_alloc(unsigned locktype) {
  auto* m = static_cast<pthread_mutex_t*>(ev::mm_malloc(sizeof(pthread_mutex_t)));
  if (m == nullptr) return nullptr;
  const pthread_mutexattr_t* attr =
      (locktype & EVTHREAD_LOCKTYPE_RECURSIVE) ? &g_recursive_attr : nullptr;
  if (pthread_mutex_init(m, attr) != 0) {
    ev::mm_free(m);
    return nullptr;
  }
  return m;
}

void mutex_free(void* lock, unsigned) {
  auto* m = static_cast<pthread_mutex_t*>(lock);
  pthread_mutex_destroy(m);
  ev::mm_free(m);
}

int mutex_lock(unsigned mode, void* lock) {
  auto* m = static_cast<pthread_mutex_t*>(lock);
  if (mode & EVTHREAD_TRY) return pthread_mutex_trylock(m);
  return pthread_mutex_lock(m);
}

int mutex_unlock(unsigned, void* lock) {
  return pthread_mutex_unlock(static_cast<pthread_mutex_t*>(lock));
}

unsigned long thread_id() { return static_cast<unsigned long>(pthread_self()); }

void* cond_alloc(unsigned) {
  auto* c = static_cast<pthread_cond_t*>(ev::mm_malloc(sizeof(pthread_cond_t)));
  if (c == nullptr) return nullptr;
  if (pthread_cond_init(c, nullptr) != 0) {
    ev::mm_free(c);
    return nullptr;
  }
  return c;
}

void cond_free(void* cond) {
  auto* c = static_cast<pthread_cond_t*>(cond);
  pthread_cond_destroy(c);
  ev::mm_free(c);
}

int cond_signal(void* cond, int broadcast) {
  auto* c = static_cast<pthread_cond_t*>(cond);
  return (broadcast ? pthread_cond_broadcast(c) : pthread_cond_signal(c)) == 0 ? 0 : -1;
}

// 0 when signalled, 1 on timeout, -1 on error.
int cond_wait(void* cond, void* lock, const struct timeval* tv) {
  auto* c = static_cast<pthread_cond_t*>(cond);
  auto* m = static_cast<pthread_mutex_t*>(lock);
  if (tv == nullptr) return pthread_cond_wait(c, m) == 0 ? 0 : -1;
  // pthread_cond_timedwait wants an absolute wall-clock deadline.
  timeval now, deadline;
  gettimeofday(&now, nullptr);
  timeradd(&now, tv, &deadline);
  timespec ts{deadline.tv_sec, deadline.tv_usec * 1000};
  const int r = pthread_cond_timedwait(c, m, &ts);
  if (r == ETIMEDOUT) return 1;
  return r == 0 ? 0 : -1;
}

}  // namespace

extern "C" int evthread_use_pthreads(void) {
  static const evthread_lock_callbacks locks = {EVTHREAD_LOCK_API_VERSION,
                                                EVTHREAD_LOCKTYPE_RECURSIVE,
                                                mutex_alloc,
                                                mutex_free,
                                                mutex_lock,
                                                mutex_unlock};
  static const evthread_condition_callbacks conds = {EVTHREAD_CONDITION_API_VERSION, cond_alloc,
                                                     cond_free, cond_signal, cond_wait};
  if (pthread_mutexattr_init(&g_recursive_attr) != 0) return -1;
  pthread_mutexattr_settype(&g_recursive_attr, PTHREAD_MUTEX_RECURSIVE);
  // As libevent: a refusal (other callbacks already installed) is logged
  // by the setter and does not make this call fail.
  evthread_set_lock_callbacks(&locks);
  evthread_set_condition_callbacks(&conds);
  evthread_set_id_callback(thread_id);
  return 0;
}
