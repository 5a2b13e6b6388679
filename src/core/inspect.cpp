// Looking into a base: counters, event_base_foreach_event,
// event_base_dump_events, and activating events by fd or signal.
#include <event2/event.h>

#include <cstdio>

#include "core/base.hpp"
#include "core/log.hpp"

using namespace ev;

namespace {

// Visits every event once, in libevent's order: fd and signal lists, then
// timer-only events (heap, common queues), then active-only events.
int foreach_locked(event_base* base, event_base_foreach_event_cb fn, void* arg) {
  int r;
  for (std::size_t fd = 0; fd < base->fds_.size(); ++fd)
    for (event* e = base->fds_[fd].events.head; e != nullptr;) {
      event* next = EventList::next(e);
      if ((r = fn(base, e, arg)) != 0) return r;
      e = next;
    }
  for (int sig = 0; sig < NSIG; ++sig)
    for (event* e = base->sig_.events[sig].head; e != nullptr;) {
      event* next = EventList::next(e);
      if ((r = fn(base, e, arg)) != 0) return r;
      e = next;
    }
  for (std::size_t i = 0; i < base->heap_.size(); ++i) {
    event* e = base->heap_.at(i);
    if (ev_flags(e) & EVLIST_INSERTED) continue;
    if ((r = fn(base, e, arg)) != 0) return r;
  }
  for (int i = 0; i < base->n_common_queues_; ++i)
    for (event* e = base->common_queues_[i]->first; e != nullptr;) {
      event* next = CommonTimeoutQueue::next(e);
      if (!(ev_flags(e) & EVLIST_INSERTED) && (r = fn(base, e, arg)) != 0) return r;
      e = next;
    }
  for (int pri = 0; pri < base->n_active_queues_; ++pri)
    for (event_callback* cb = base->active_queues_[pri].front(); cb != nullptr;) {
      event_callback* next = CallbackQueue::next(cb);
      if ((cb->evcb_flags & (EVLIST_INIT | EVLIST_INSERTED | EVLIST_TIMEOUT)) == EVLIST_INIT &&
          (r = fn(base, to_event(cb), arg)) != 0)
        return r;
      cb = next;
    }
  return 0;
}

int dump_inserted(const event_base* base, const event* e, void* arg) {
  auto* out = static_cast<FILE*>(arg);
  const short flags = ev_flags(e);
  if (!(flags & (EVLIST_INSERTED | EVLIST_TIMEOUT))) return 0;
  const bool is_signal = (e->ev_events & EV_SIGNAL) != 0;
  std::fprintf(out, "  %p [%s %d]%s%s%s%s%s%s%s", static_cast<const void*>(e),
               is_signal ? "sig" : "fd ", e->ev_fd, (e->ev_events & EV_READ) ? " Read" : "",
               (e->ev_events & EV_WRITE) ? " Write" : "", (e->ev_events & EV_CLOSED) ? " EOF" : "",
               is_signal ? " Signal" : "", (e->ev_events & EV_PERSIST) ? " Persist" : "",
               (e->ev_events & EV_ET) ? " ET" : "", (flags & EVLIST_INTERNAL) ? " Internal" : "");
  if (flags & EVLIST_TIMEOUT) {
    timeval mono{e->ev_timeout.tv_sec, strip_common_timeout(e->ev_timeout.tv_usec)};
    timeval wall;
    timeradd(&mono, &base->tv_clock_diff_, &wall);
    std::fprintf(out, " Timeout=%ld.%06d", static_cast<long>(wall.tv_sec),
                 static_cast<int>(wall.tv_usec));
  }
  std::fputc('\n', out);
  return 0;
}

int dump_active(const event_base*, const event* e, void* arg) {
  auto* out = static_cast<FILE*>(arg);
  const short flags = ev_flags(e);
  if (!(flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER))) return 0;
  std::fprintf(out, "  %p [%s %d, priority=%d]%s%s%s%s%s active%s%s\n", static_cast<const void*>(e),
               (e->ev_events & EV_SIGNAL) ? "sig" : "fd ", e->ev_fd, e->ev_evcallback.evcb_pri,
               (e->ev_res & EV_READ) ? " Read" : "", (e->ev_res & EV_WRITE) ? " Write" : "",
               (e->ev_res & EV_CLOSED) ? " EOF" : "", (e->ev_res & EV_SIGNAL) ? " Signal" : "",
               (e->ev_res & EV_TIMEOUT) ? " Timeout" : "",
               (flags & EVLIST_INTERNAL) ? " [Internal]" : "",
               (flags & EVLIST_ACTIVE_LATER) ? " [NextTime]" : "");
  return 0;
}

}  // namespace

extern "C" {

int event_base_foreach_event(struct event_base* base, event_base_foreach_event_cb fn, void* arg) {
  if (base == nullptr || fn == nullptr) return -1;
  base->lock();
  int r = foreach_locked(base, fn, arg);
  base->unlock();
  return r;
}

void event_base_dump_events(struct event_base* base, FILE* output) {
  if (base == nullptr || output == nullptr) return;
  base->lock();
  std::fprintf(output, "Inserted events:\n");
  foreach_locked(base, dump_inserted, output);
  std::fprintf(output, "Active events:\n");
  foreach_locked(base, dump_active, output);
  base->unlock();
}

void event_base_active_by_fd(struct event_base* base, evutil_socket_t fd, short events) {
  if (base == nullptr || fd < 0) return;
  base->lock();
  if (!(events & EV_TIMEOUT)) {
    base->io_activate(fd, static_cast<short>(events & kIoMask));
  } else {
    // Timer events "on" this fd: those in the heap and the common queues.
    for (std::size_t i = 0; i < base->heap_.size(); ++i) {
      event* e = base->heap_.at(i);
      if (e->ev_fd == fd) base->activate_locked(e, EV_TIMEOUT, 1);
    }
    for (int i = 0; i < base->n_common_queues_; ++i)
      for (event* e = base->common_queues_[i]->first; e != nullptr; e = CommonTimeoutQueue::next(e))
        if (e->ev_fd == fd) base->activate_locked(e, EV_TIMEOUT, 1);
  }
  base->unlock();
}

void event_base_active_by_signal(struct event_base* base, int sig) {
  if (base == nullptr || sig < 0 || sig >= NSIG) return;
  base->lock();
  base->signal_activate(sig, 1);
  base->unlock();
}

int event_base_get_num_events(struct event_base* base, unsigned int type) {
  if (base == nullptr) return -1;
  base->lock();
  int r = 0;
  if (type & EVENT_BASE_COUNT_ACTIVE) r += base->active_count_;
  if (type & EVENT_BASE_COUNT_VIRTUAL) r += base->virtual_count_;
  if (type & EVENT_BASE_COUNT_ADDED) r += base->event_count_;
  base->unlock();
  return r;
}

int event_base_get_max_events(struct event_base* base, unsigned int type, int clear) {
  if (base == nullptr) return -1;
  base->lock();
  int r = 0;
  if (type & EVENT_BASE_COUNT_ACTIVE) {
    r += base->active_count_max_;
    if (clear) base->active_count_max_ = 0;
  }
  if (type & EVENT_BASE_COUNT_VIRTUAL) {
    r += base->virtual_count_max_;
    if (clear) base->virtual_count_max_ = 0;
  }
  if (type & EVENT_BASE_COUNT_ADDED) {
    r += base->event_count_max_;
    if (clear) base->event_count_max_ = 0;
  }
  base->unlock();
  return r;
}

}  // extern "C"
