// Filling in a struct event (event_assign without the debug bookkeeping).
#include "core/base.hpp"
#include "core/log.hpp"

namespace ev {

int assign_event(event* e, event_base* base, evutil_socket_t fd, short events, event_callback_fn cb,
                 void* arg) {
  e->ev_base = base;
  ev_callback(e) = cb;
  ev_arg(e) = arg;
  e->ev_fd = fd;
  e->ev_events = events;
  e->ev_res = 0;
  ev_flags(e) = EVLIST_INIT;
  ev_ncalls(e) = 0;
  ev_pncalls(e) = nullptr;
  if (events & EV_SIGNAL) {
    if (events & kIoMask) {
      evpriv_warnx("%s: EV_SIGNAL is not compatible with EV_READ, EV_WRITE or EV_CLOSED",
                   "event_assign");
      return -1;
    }
    ev_closure(e) = kClosureSignal;
  } else if (events & EV_PERSIST) {
    timerclear(&ev_io_interval(e));
    ev_closure(e) = kClosurePersist;
  } else {
    ev_closure(e) = kClosureEvent;
  }
  ev_heap_index(e) = -1;
  // New events default to the middle priority.
  if (base != nullptr) ev_pri(e) = static_cast<std::uint8_t>(base->n_active_queues_ / 2);
  return 0;
}

}  // namespace ev

void event_base::assign_internal_event(event* e, int fd, short events, event_callback_fn cb,
                                       void* arg) {
  ev::assign_event(e, this, fd, events, cb, arg);
  ev::ev_flags(e) |= EVLIST_INTERNAL;
  ev::ev_pri(e) = 0;  // the library's own work runs first
}
