// The timeout min-heap: events ordered by their absolute ev_timeout, each
// event's position stored in its own ev_timeout_pos.min_heap_idx so that
// removal is O(log n) with no side table.
#pragma once

#include <event2/event_struct.h>

#include "core/event_access.hpp"
#include "core/growable_array.hpp"

namespace ev {

class TimerHeap {
 public:
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  event* top() { return items_.empty() ? nullptr : items_[0]; }
  event* at(std::size_t i) { return items_[i]; }
  bool is_top(event* e) { return ev_heap_index(e) == 0; }
  bool contains(event* e) { return ev_heap_index(e) >= 0; }

  // Room for n entries, so that a later push() cannot fail.
  bool reserve(std::size_t n) { return items_.reserve(n); }
  void push(event* e);
  void erase(event* e);
  // Moves e after its ev_timeout changed.
  void update(event* e);
  void release() { items_.release(); }

 private:
  static bool later(event* a, event* b) { return timercmp(&a->ev_timeout, &b->ev_timeout, >); }
  void sift_up(std::size_t hole, event* e);
  void sift_down(std::size_t hole, event* e);
  void place(std::size_t i, event* e) {
    items_[i] = e;
    ev_heap_index(e) = static_cast<int>(i);
  }

  GrowableArray<event*> items_;
};

}  // namespace ev
