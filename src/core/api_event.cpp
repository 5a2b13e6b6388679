// The C boundary of event2/event.h for single events: argument checks and
// debug-mode bookkeeping, then one call into the base.
#include <event2/event.h>

#include "core/base.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

using namespace ev;

namespace {

// event_self_cbarg() returns this marker's address.
void* g_self_cbarg_marker = nullptr;

// Logs and returns the event's base, or nullptr when it has none.
event_base* base_of(const event* e, const char* func) {
  if (e == nullptr) {
    evpriv_warnx("%s: called with a NULL event.", func);
    return nullptr;
  }
  if (e->ev_base == nullptr) {
    evpriv_warnx("%s: event has no event_base set.", func);
    return nullptr;
  }
  return e->ev_base;
}

// Whether calls on base may skip the lock and the debug-mode bookkeeping:
// the common single-threaded case, decided once per call.
bool unlocked_and_unchecked(const event_base* base) {
  return base->lock_ == nullptr && !g_debug_mode;
}

int del_with_mode(event* e, DelMode mode, const char* func) {
  event_base* base = base_of(e, func);
  if (base == nullptr) return -1;
  if (unlocked_and_unchecked(base)) [[likely]]
    return base->del_locked(e, mode);
  base->lock();
  int r = base->del_locked(e, mode);
  debug_note_del(e);
  base->unlock();
  return r;
}

}  // namespace

extern "C" {

void* event_self_cbarg(void) { return &g_self_cbarg_marker; }

int event_assign(struct event* e, struct event_base* base, evutil_socket_t fd, short events,
                 event_callback_fn cb, void* arg) {
  if (e == nullptr) {
    evpriv_warnx("%s: called with a NULL event.", "event_assign");
    return -1;
  }
  if (base == nullptr) base = g_current_base;
  if (arg == &g_self_cbarg_marker) arg = e;
  if (!(events & EV_SIGNAL)) debug_assert_nonblocking(fd);
  debug_assert_not_added(e);
  if (assign_event(e, base, fd, events, cb, arg) < 0) return -1;
  debug_note_setup(e);
  return 0;
}

struct event* event_new(struct event_base* base, evutil_socket_t fd, short events,
                        event_callback_fn cb, void* arg) {
  auto* e = static_cast<event*>(mm_malloc(sizeof(event)));
  if (e == nullptr) return nullptr;
  if (event_assign(e, base, fd, events, cb, arg) < 0) {
    mm_free(e);
    return nullptr;
  }
  return e;
}

void event_free(struct event* e) {
  if (e == nullptr) return;
  // In debug mode, check the registry before reading the event: a second
  // free must be reported (as libevent words it, a del on a non-setup
  // event), not read freed memory.  (A finalized event stays known until
  // freed, so that it may be: see event_base::run_finalizer.)
  debug_note_del(e);
  // A base-less event was never added anywhere.
  if (e->ev_base != nullptr) event_del(e);
  debug_forget_event(e);
  mm_free(e);
}

static int finalize_impl(unsigned flags, struct event* e, event_finalize_callback_fn cb,
                         const char* func) {
  event_base* base = base_of(e, func);
  if (base == nullptr) return -1;
  base->lock();
  int r = base->finalize_locked(flags, e, cb);
  base->unlock();
  return r;
}

int event_finalize(unsigned flags, struct event* e, event_finalize_callback_fn cb) {
  return finalize_impl(flags, e, cb, "event_finalize");
}

int event_free_finalize(unsigned flags, struct event* e, event_finalize_callback_fn cb) {
  return finalize_impl(flags | kFinalizeFree, e, cb, "event_free_finalize");
}

int event_add(struct event* e, const struct timeval* tv) {
  event_base* base = base_of(e, "event_add");
  if (base == nullptr) return -1;
  if (unlocked_and_unchecked(base)) [[likely]]
    return base->add_locked(e, tv, false);
  base->lock();
  debug_assert_is_setup(e);
  int r = base->add_locked(e, tv, false);
  if (r == 0) debug_note_add(e);
  base->unlock();
  return r;
}

int event_remove_timer(struct event* e) {
  event_base* base = base_of(e, "event_remove_timer");
  if (base == nullptr) return -1;
  base->lock();
  debug_assert_is_setup(e);
  int r = base->remove_timer_locked(e);
  base->unlock();
  return r;
}

int event_del(struct event* e) { return del_with_mode(e, DelMode::kAutoBlock, "event_del"); }
int event_del_block(struct event* e) {
  return del_with_mode(e, DelMode::kBlock, "event_del_block");
}
int event_del_noblock(struct event* e) {
  return del_with_mode(e, DelMode::kNoBlock, "event_del_noblock");
}

void event_active(struct event* e, int res, short ncalls) {
  event_base* base = base_of(e, "event_active");
  if (base == nullptr) return;
  base->lock();
  debug_assert_is_setup(e);
  base->activate_locked(e, res, ncalls);
  base->unlock();
}

int event_pending(const struct event* ce, short events, struct timeval* tv) {
  event_base* base = base_of(ce, "event_pending");
  if (base == nullptr) return 0;
  auto* e = const_cast<event*>(ce);
  base->lock();
  debug_assert_is_setup(e);
  int flags = 0;
  const short list = ev_flags(e);
  if (list & EVLIST_INSERTED) flags |= e->ev_events & (kIoMask | EV_SIGNAL);
  if (list & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) flags |= e->ev_res;
  if (list & EVLIST_TIMEOUT) flags |= EV_TIMEOUT;
  events &= EV_TIMEOUT | kIoMask | EV_SIGNAL;
  if (tv != nullptr && (flags & events & EV_TIMEOUT)) {
    // Report the deadline on the wall clock, as libevent does.
    timeval mono{e->ev_timeout.tv_sec, strip_common_timeout(e->ev_timeout.tv_usec)};
    timeradd(&base->tv_clock_diff_, &mono, tv);
  }
  base->unlock();
  return flags & events;
}

int event_initialized(const struct event* e) {
  if (e == nullptr) return 0;
  return (e->ev_evcallback.evcb_flags & EVLIST_INIT) ? 1 : 0;
}

int event_priority_set(struct event* e, int pri) {
  if (e == nullptr) return -1;
  debug_assert_is_setup(e);
  if (ev_flags(e) & EVLIST_ACTIVE) return -1;
  if (e->ev_base == nullptr || pri < 0 || pri >= e->ev_base->n_active_queues_) return -1;
  ev_pri(e) = static_cast<std::uint8_t>(pri);
  return 0;
}

evutil_socket_t event_get_fd(const struct event* e) {
  if (e == nullptr) return -1;
  debug_assert_is_setup(e);
  return e->ev_fd;
}

struct event_base* event_get_base(const struct event* e) {
  if (e == nullptr) return nullptr;
  debug_assert_is_setup(e);
  return e->ev_base;
}

short event_get_events(const struct event* e) {
  if (e == nullptr) return 0;
  debug_assert_is_setup(e);
  return e->ev_events;
}

event_callback_fn event_get_callback(const struct event* e) {
  if (e == nullptr) return nullptr;
  debug_assert_is_setup(e);
  return e->ev_evcallback.evcb_cb_union.evcb_callback;
}

void* event_get_callback_arg(const struct event* e) {
  if (e == nullptr) return nullptr;
  debug_assert_is_setup(e);
  return e->ev_evcallback.evcb_arg;
}

int event_get_priority(const struct event* e) {
  if (e == nullptr) return -1;
  debug_assert_is_setup(e);
  return e->ev_evcallback.evcb_pri;
}

void event_get_assignment(const struct event* e, struct event_base** base_out,
                          evutil_socket_t* fd_out, short* events_out,
                          event_callback_fn* callback_out, void** arg_out) {
  if (e == nullptr) return;
  debug_assert_is_setup(e);
  if (base_out != nullptr) *base_out = e->ev_base;
  if (fd_out != nullptr) *fd_out = e->ev_fd;
  if (events_out != nullptr) *events_out = e->ev_events;
  if (callback_out != nullptr) *callback_out = e->ev_evcallback.evcb_cb_union.evcb_callback;
  if (arg_out != nullptr) *arg_out = e->ev_evcallback.evcb_arg;
}

size_t event_get_struct_event_size(void) { return sizeof(struct event); }

}  // extern "C"
