// The C boundary of event2/event.h for event_base: creation, the loop and
// its controls, priorities, time, and one-shot events.
#include <event2/event.h>
#include <event2/thread.h>

#include <time.h>

#include "core/base.hpp"
#include "core/config.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/thread_state.hpp"

using namespace ev;

namespace {

event_base* base_or_current(event_base* base) { return base != nullptr ? base : g_current_base; }

void loopexit_fired(evutil_socket_t, short, void* arg) {
  static_cast<event_base*>(arg)->got_term_ = true;
}

void free_base(event_base* base, bool run_finalizers) {
  if (base == nullptr) base = g_current_base;
  if (base == nullptr) {
    evpriv_warnx("%s: no base to free", "event_base_free");
    return;
  }
  if (base == g_current_base) g_current_base = nullptr;
  base->lock();
  base->free_all(run_finalizers);
  base->unlock();
  destroy(base);
}

}  // namespace

extern "C" {

struct event_base* event_base_new_with_config(const struct event_config* cfg) {
  debug_mark_too_late();
  auto* base = make<event_base>();
  if (base == nullptr) {
    evpriv_warn("%s: calloc", "event_base_new_with_config");
    return nullptr;
  }
  if (!base->init(cfg)) {
    free_base(base, false);
    return nullptr;
  }
  return base;
}

struct event_base* event_base_new(void) {
  return event_base_new_with_config(nullptr);
}

void event_base_free(struct event_base* base) { free_base(base, true); }
void event_base_free_nofinalize(struct event_base* base) { free_base(base, false); }

int event_reinit(struct event_base* base) {
  if (base == nullptr) return -1;
  return base->reinit();
}

int event_base_loop(struct event_base* base, int flags) {
  if (base == nullptr) {
    evpriv_warnx("%s: no event base", "event_base_loop");
    return -1;
  }
  return base->loop(flags);
}

int event_base_dispatch(struct event_base* base) { return event_base_loop(base, 0); }

int event_base_loopexit(struct event_base* base, const struct timeval* tv) {
  if (base == nullptr) return -1;
  return base->once(-1, EV_TIMEOUT, loopexit_fired, base, tv);
}

int event_base_loopbreak(struct event_base* base) {
  if (base == nullptr) return -1;
  base->lock();
  base->got_break_ = true;
  base->notify_if_needed();
  base->unlock();
  return 0;
}

int event_base_loopcontinue(struct event_base* base) {
  if (base == nullptr) return -1;
  base->lock();
  base->continue_ = true;
  base->notify_if_needed();
  base->unlock();
  return 0;
}

int event_base_got_exit(struct event_base* base) {
  if (base == nullptr) return 0;
  base->lock();
  int r = base->got_term_ ? 1 : 0;
  base->unlock();
  return r;
}

int event_base_got_break(struct event_base* base) {
  if (base == nullptr) return 0;
  base->lock();
  int r = base->got_break_ ? 1 : 0;
  base->unlock();
  return r;
}

const char* event_base_get_method(const struct event_base* base) {
  if (base == nullptr || base->backend_info_ == nullptr) return nullptr;
  return base->method_name();
}

int event_base_get_features(const struct event_base* base) {
  if (base == nullptr || base->backend_info_ == nullptr) return 0;
  return base->backend_info_->features;
}

const char** event_get_supported_methods(void) {
  static const char* names[16];
  static SpinLock names_lock;
  SpinGuard g(names_lock);
  std::size_t n = 0;
  for (const BackendInfo& info : backend_registry())
    if (n + 1 < sizeof(names) / sizeof(names[0])) names[n++] = info.name;
  names[n] = nullptr;
  return names;
}

int event_base_priority_init(struct event_base* base, int npriorities) {
  if (base == nullptr) return -1;
  base->lock();
  int r = base->set_priorities(npriorities);
  base->unlock();
  return r;
}

int event_base_get_npriorities(struct event_base* base) {
  base = base_or_current(base);
  if (base == nullptr) return -1;
  base->lock();
  int n = base->n_active_queues_;
  base->unlock();
  return n;
}

struct event* event_base_get_running_event(struct event_base* base) {
  if (base == nullptr) return nullptr;
  base->lock();
  event* e = nullptr;
  if (base->current_event_ != nullptr && (base->current_event_->evcb_flags & EVLIST_INIT))
    e = to_event(base->current_event_);
  base->unlock();
  return e;
}

int event_base_gettimeofday_cached(struct event_base* base, struct timeval* tv) {
  if (tv == nullptr) return -1;
  base = base_or_current(base);
  if (base == nullptr) return gettimeofday(tv, nullptr);
  base->lock();
  int r = 0;
  if (base->tv_cache_.tv_sec == 0)
    r = gettimeofday(tv, nullptr);
  else
    timeradd(&base->tv_cache_, &base->tv_clock_diff_, tv);
  base->unlock();
  return r;
}

int event_base_update_cache_time(struct event_base* base) {
  base = base_or_current(base);
  if (base == nullptr) return -1;
  base->lock();
  if (base->running_loop_) base->update_time_cache();
  base->unlock();
  return 0;
}

int event_gettime_monotonic(struct event_base* base, struct timeval* tv) {
  if (base == nullptr || tv == nullptr) return -1;
  // Always the precise clock: the loop's coarse one (timers.cpp) would make
  // two calls a few ms apart return the same time.  Both count from boot.
  timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

const struct timeval* event_base_init_common_timeout(struct event_base* base,
                                                     const struct timeval* duration) {
  if (base == nullptr || duration == nullptr) return nullptr;
  base->lock();
  const timeval* r = base->init_common_timeout(duration);
  base->unlock();
  return r;
}

int event_base_once(struct event_base* base, evutil_socket_t fd, short events, event_callback_fn cb,
                    void* arg, const struct timeval* tv) {
  if (base == nullptr || cb == nullptr) return -1;
  return base->once(fd, events, cb, arg, tv);
}

int evthread_make_base_notifiable(struct event_base* base) {
  if (base == nullptr) return -1;
  base->lock();
  int r = base->make_notifiable_locked();
  base->unlock();
  return r;
}

void libevent_global_shutdown(void) {
  debug_registry_free();
  g_debug_mode = false;
}

}  // extern "C"
