// Named access to the bookkeeping that lives inside the caller-owned
// struct event / struct event_callback (event2/event_struct.h).
//
// All per-event state is kept in those 128 bytes, in the fields libevent
// uses for the same purpose, because programs read some of them directly
// (ev_flags, ev_pri, ev_res, ev_timeout, ...).
#pragma once

#include <event2/event.h>
#include <event2/event_struct.h>

#include <cstddef>
#include <cstdint>

namespace ev {

static_assert(sizeof(struct event) == 128, "struct event is part of the ABI");
static_assert(sizeof(struct event_callback) == 40, "struct event_callback is ABI");
static_assert(offsetof(struct event, ev_timeout_pos) == 40);
static_assert(offsetof(struct event, ev_fd) == 56);
static_assert(offsetof(struct event, ev_base) == 64);
static_assert(offsetof(struct event, ev_events) == 104);
static_assert(offsetof(struct event, ev_res) == 106);
static_assert(offsetof(struct event, ev_timeout) == 112);

// How the loop invokes a queued callback (evcb_closure).
enum Closure : std::uint8_t {
  kClosureEvent = 0,              // plain event: cb(fd, res, arg), removed when run
  kClosureSignal = 1,             // signal event: cb run ev_ncalls times
  kClosurePersist = 2,            // EV_PERSIST: stays added; timeout re-armed
  kClosureCbSelf = 3,             // deferred callback: fn(cb, arg)
  kClosureCbFinalize = 4,         // deferred callback finalizer
  kClosureEventFinalize = 5,      // event_finalize()
  kClosureEventFinalizeFree = 6,  // event_free_finalize(): free after finalizer
};

// Private event_finalize() flag: free the event after its finalizer.
inline constexpr unsigned kFinalizeFree = 0x10000;

// Interest bits an fd event can have.
inline constexpr short kIoMask = EV_READ | EV_WRITE | EV_CLOSED;

inline event_callback* to_callback(event* e) { return &e->ev_evcallback; }
// struct event starts with its event_callback; callbacks with EVLIST_INIT
// are always embedded in an event.
inline event* to_event(event_callback* cb) { return reinterpret_cast<event*>(cb); }

inline short& ev_flags(event* e) { return e->ev_evcallback.evcb_flags; }
inline short ev_flags(const event* e) { return e->ev_evcallback.evcb_flags; }
inline std::uint8_t& ev_pri(event* e) { return e->ev_evcallback.evcb_pri; }
inline std::uint8_t& ev_closure(event* e) { return e->ev_evcallback.evcb_closure; }
inline event_callback_fn& ev_callback(event* e) {
  return e->ev_evcallback.evcb_cb_union.evcb_callback;
}
inline void*& ev_arg(event* e) { return e->ev_evcallback.evcb_arg; }

// The relative timeout of an EV_PERSIST non-signal event (re-armed each run).
inline timeval& ev_io_interval(event* e) { return e->ev_.ev_io.ev_timeout; }
inline short& ev_ncalls(event* e) { return e->ev_.ev_signal.ev_ncalls; }
inline short*& ev_pncalls(event* e) { return e->ev_.ev_signal.ev_pncalls; }
inline int& ev_heap_index(event* e) { return e->ev_timeout_pos.min_heap_idx; }
// Stops the repeated runs of a signal callback that is running (the loop
// counts down through ev_pncalls, a variable in its own frame) and forgets
// that frame: a later event_del() must not write to it.
inline void cut_signal_repeats(event* e) {
  if ((e->ev_events & EV_SIGNAL) && ev_ncalls(e) != 0 && ev_pncalls(e) != nullptr) {
    *ev_pncalls(e) = 0;
    ev_pncalls(e) = nullptr;
    ev_ncalls(e) = 0;
  }
}

// Intrusive doubly linked list through ev_.ev_io.ev_io_next (and the
// signal twin at the same offset): members of one fd's or signal's list.
struct EventList {
  event* head = nullptr;

  static auto& link(event* e) { return e->ev_.ev_io.ev_io_next; }
  bool empty() const { return head == nullptr; }
  // New events go first, so that an fd's events run newest first as in libevent.
  void push_front(event* e) {
    link(e).le_next = head;
    if (head != nullptr) link(head).le_prev = &link(e).le_next;
    head = e;
    link(e).le_prev = &head;
  }
  static void remove(event* e) {
    if (link(e).le_next != nullptr) link(link(e).le_next).le_prev = link(e).le_prev;
    *link(e).le_prev = link(e).le_next;
  }
  static event* next(event* e) { return link(e).le_next; }
};

}  // namespace ev
