#include "core/once.hpp"

#include "core/base.hpp"
#include "core/mm.hpp"

using namespace ev;

namespace {

void unlink(OnceEvent* o) {
  *o->prev = o->next;
  if (o->next != nullptr) o->next->prev = o->prev;
}

void once_fired(evutil_socket_t fd, short what, void* arg) {
  auto* o = static_cast<OnceEvent*>(arg);
  event_base* base = o->ev.ev_base;
  base->lock();
  unlink(o);
  base->unlock();
  o->cb(fd, what, o->arg);
  mm_free(o);
}

}  // namespace

int event_base::once(evutil_socket_t fd, short events, event_callback_fn cb, void* arg,
                     const timeval* tv) {
  // One-shot signals and persistent one-shots make no sense.
  if (events & (EV_SIGNAL | EV_PERSIST)) return -1;
  bool activate_now = false;
  short kind;
  if ((events & (EV_TIMEOUT | EV_READ | EV_WRITE | EV_CLOSED)) == EV_TIMEOUT) {
    kind = 0;
    fd = -1;
    // "Run this soon": skip the heap, keep the order of calls.
    activate_now = tv == nullptr || !timerisset(tv);
  } else if (events & kIoMask) {
    kind = static_cast<short>(events & kIoMask);
  } else {
    return -1;
  }
  auto* o = static_cast<OnceEvent*>(mm_calloc(1, sizeof(OnceEvent)));
  if (o == nullptr) return -1;
  o->cb = cb;
  o->arg = arg;
  assign_event(&o->ev, this, fd, kind, once_fired, o);

  lock();
  int res = 0;
  if (activate_now)
    activate_locked(&o->ev, EV_TIMEOUT, 1);
  else
    res = add_locked(&o->ev, tv, false);
  if (res != 0) {
    unlock();
    mm_free(o);
    return res;
  }
  o->next = once_events_;
  if (o->next != nullptr) o->next->prev = &o->next;
  o->prev = &once_events_;
  once_events_ = o;
  unlock();
  return 0;
}

void event_base::free_once_events() {
  while (OnceEvent* o = once_events_) {
    unlink(o);
    mm_free(o);
  }
}
