#include "core/common_timeout.hpp"

namespace ev {

void CommonTimeoutQueue::insert_sorted(event* e) {
  // Walk back from the tail to the last event that expires no later than e.
  event* after = nullptr;
  if (first != nullptr) {
    event* cur =
        reinterpret_cast<event*>(reinterpret_cast<char*>(last) - offsetof(event, ev_timeout_pos));
    for (;;) {
      if (!timercmp(&cur->ev_timeout, &e->ev_timeout, >)) {
        after = cur;
        break;
      }
      if (cur == first) break;
      event** prev_next = link(cur).tqe_prev;
      cur = reinterpret_cast<event*>(reinterpret_cast<char*>(prev_next) -
                                     offsetof(event, ev_timeout_pos));
    }
  }
  if (after == nullptr) {
    // New head.
    link(e).tqe_next = first;
    if (first != nullptr)
      link(first).tqe_prev = &link(e).tqe_next;
    else
      last = &link(e).tqe_next;
    first = e;
    link(e).tqe_prev = &first;
    return;
  }
  link(e).tqe_next = link(after).tqe_next;
  if (link(e).tqe_next != nullptr)
    link(link(e).tqe_next).tqe_prev = &link(e).tqe_next;
  else
    last = &link(e).tqe_next;
  link(after).tqe_next = e;
  link(e).tqe_prev = &link(after).tqe_next;
}

}  // namespace ev
