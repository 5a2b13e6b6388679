#include "core/timer_heap.hpp"

#include "core/log.hpp"

namespace ev {

void TimerHeap::push(event* e) {
  // Callers reserve first; a failure here would be an internal bug.
  bool ok = items_.push_back(e);
  EV_ASSERT(ok);
  sift_up(items_.size() - 1, e);
}

void TimerHeap::erase(event* e) {
  int idx = ev_heap_index(e);
  EV_ASSERT(idx >= 0 && static_cast<std::size_t>(idx) < items_.size());
  event* last = items_[items_.size() - 1];
  items_.pop_back();
  ev_heap_index(e) = -1;
  if (last == e) return;
  std::size_t hole = static_cast<std::size_t>(idx);
  // The moved element may need to go either way.
  if (hole > 0 && later(items_[(hole - 1) / 2], last))
    sift_up(hole, last);
  else
    sift_down(hole, last);
}

void TimerHeap::update(event* e) {
  std::size_t hole = static_cast<std::size_t>(ev_heap_index(e));
  if (hole > 0 && later(items_[(hole - 1) / 2], e))
    sift_up(hole, e);
  else
    sift_down(hole, e);
}

void TimerHeap::sift_up(std::size_t hole, event* e) {
  while (hole > 0) {
    std::size_t parent = (hole - 1) / 2;
    if (!later(items_[parent], e)) break;
    place(hole, items_[parent]);
    hole = parent;
  }
  place(hole, e);
}

void TimerHeap::sift_down(std::size_t hole, event* e) {
  std::size_t n = items_.size();
  for (;;) {
    std::size_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && later(items_[child], items_[child + 1])) ++child;
    if (!later(e, items_[child])) break;
    place(hole, items_[child]);
    hole = child;
  }
  place(hole, e);
}

}  // namespace ev
