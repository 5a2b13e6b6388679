// evthread_enable_lock_debugging() before the lock callbacks are installed
// (as libevent's own test driver does): installing them afterwards succeeds,
// and the checking locks then wrap the installed ones.  Its own process: the
// callbacks are global and can be installed only once.
#include <event2/event.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace {

std::atomic<int> g_allocs{0};
std::atomic<int> g_locks{0};
std::atomic<int> g_cond_waits{0};

void* counting_alloc(unsigned) {
  ++g_allocs;
  auto* m = new pthread_mutex_t;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
  return m;
}
void counting_free(void* lock, unsigned) {
  pthread_mutex_destroy(static_cast<pthread_mutex_t*>(lock));
  delete static_cast<pthread_mutex_t*>(lock);
}
int counting_lock(unsigned, void* lock) {
  ++g_locks;
  return pthread_mutex_lock(static_cast<pthread_mutex_t*>(lock));
}
int counting_unlock(unsigned, void* lock) {
  return pthread_mutex_unlock(static_cast<pthread_mutex_t*>(lock));
}

void* cond_alloc(unsigned) {
  auto* c = new pthread_cond_t;
  pthread_cond_init(c, nullptr);
  return c;
}
void cond_free(void* c) {
  pthread_cond_destroy(static_cast<pthread_cond_t*>(c));
  delete static_cast<pthread_cond_t*>(c);
}
int cond_signal(void* c, int broadcast) {
  auto* cc = static_cast<pthread_cond_t*>(c);
  return broadcast ? pthread_cond_broadcast(cc) : pthread_cond_signal(cc);
}
int cond_wait(void* c, void* lock, const struct timeval* tv) {
  ++g_cond_waits;
  auto* cc = static_cast<pthread_cond_t*>(c);
  auto* m = static_cast<pthread_mutex_t*>(lock);
  if (tv == nullptr) return pthread_cond_wait(cc, m) == 0 ? 0 : -1;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += tv->tv_sec;
  ts.tv_nsec += tv->tv_usec * 1000;
  if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
  int r = pthread_cond_timedwait(cc, m, &ts);
  return r == ETIMEDOUT ? 1 : r == 0 ? 0 : -1;
}
unsigned long thread_id() { return static_cast<unsigned long>(pthread_self()); }

void count_cb(evutil_socket_t, short, void* arg) {
  static_cast<std::atomic<int>*>(arg)->fetch_add(1);
}

void slow_cb(evutil_socket_t, short, void* arg) {
  static_cast<std::atomic<int>*>(arg)->store(1);
  usleep(100 * 1000);
}

TEST(ThreadLockDebuggingFirst, CallbacksInstalledAfterwardsAreWrapped) {
  evthread_enable_lock_debugging();
  const evthread_lock_callbacks locks = {EVTHREAD_LOCK_API_VERSION,
                                         EVTHREAD_LOCKTYPE_RECURSIVE,
                                         counting_alloc,
                                         counting_free,
                                         counting_lock,
                                         counting_unlock};
  ASSERT_EQ(0, evthread_set_lock_callbacks(&locks));
  ASSERT_EQ(0, evthread_set_lock_callbacks(&locks));  // the same again: accepted
  const evthread_condition_callbacks conds = {EVTHREAD_CONDITION_API_VERSION, cond_alloc, cond_free,
                                              cond_signal, cond_wait};
  ASSERT_EQ(0, evthread_set_condition_callbacks(&conds));
  evthread_set_id_callback(thread_id);
  // pthreads on top of them is a change: refused with a warning, and (as
  // libevent) the call still reports success.
  EXPECT_EQ(0, evthread_use_pthreads());

  event_base* base = event_base_new();
  ASSERT_NE(nullptr, base);
  EXPECT_GT(g_allocs.load(), 0) << "the base's lock does not wrap the installed callbacks";

  // A loop woken from another thread, and an event_del() from another
  // thread that waits for the running callback (a condition wait).
  std::atomic<int> calls{0};
  std::atomic<int> running{0};
  event* ev = event_new(base, -1, EV_PERSIST, count_cb, &calls);
  event* slow = event_new(base, -1, 0, slow_cb, &running);
  timeval forever{100, 0};
  event_add(ev, &forever);
  const int locks_before = g_locks.load();
  std::thread t([&] {
    event_active(slow, EV_TIMEOUT, 1);
    while (running.load() == 0) usleep(1000);
    event_del(slow);  // waits for slow_cb to return
    event_active(ev, EV_TIMEOUT, 1);
    while (calls.load() == 0) usleep(1000);
    event_base_loopbreak(base);
  });
  event_base_dispatch(base);
  t.join();
  EXPECT_EQ(1, calls.load());
  EXPECT_GT(g_locks.load(), locks_before);
  EXPECT_GT(g_cond_waits.load(), 0);
  event_free(slow);
  event_free(ev);
  event_base_free(base);
}

}  // namespace
