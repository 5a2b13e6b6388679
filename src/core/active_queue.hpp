// An intrusive FIFO of event_callbacks, linked through evcb_active_next:
// one per priority, plus the "activate later" queue.  Queues never move once
// initialised (the tail pointer may point at the head).
#pragma once

#include <event2/event_struct.h>

namespace ev {

struct CallbackQueue {
  event_callback* first;
  event_callback** last;

  void init() {
    first = nullptr;
    last = &first;
  }
  bool empty() const { return first == nullptr; }
  event_callback* front() const { return first; }
  static event_callback* next(event_callback* cb) { return cb->evcb_active_next.tqe_next; }

  void push_back(event_callback* cb) {
    cb->evcb_active_next.tqe_next = nullptr;
    cb->evcb_active_next.tqe_prev = last;
    *last = cb;
    last = &cb->evcb_active_next.tqe_next;
  }
  // remove() of the first callback, cb.
  void pop_front(event_callback* cb) {
    first = cb->evcb_active_next.tqe_next;
    if (first != nullptr)
      first->evcb_active_next.tqe_prev = &first;
    else
      last = &first;
  }
  void remove(event_callback* cb) {
    event_callback* nx = cb->evcb_active_next.tqe_next;
    if (nx != nullptr)
      nx->evcb_active_next.tqe_prev = cb->evcb_active_next.tqe_prev;
    else
      last = cb->evcb_active_next.tqe_prev;
    *cb->evcb_active_next.tqe_prev = nx;
  }
};

}  // namespace ev
