#include "core/timer_heap.hpp"

#include "core/log.hpp"

namespace ev {

void TimerHeap::push(event* e) {
  // Callers reserve first; a failure here would be an internal bug.
  bool ok = items_.push_back(Slot{deadline_key(e->ev_timeout), e});
  EV_ASSERT(ok);
  sift_up(items_.size() - 1, items_[items_.size() - 1]);
}

void TimerHeap::erase(event* e) {
  int idx = ev_heap_index(e);
  EV_ASSERT(idx >= 0 && static_cast<std::size_t>(idx) < items_.size());
  const Slot last = items_[items_.size() - 1];
  items_.pop_back();
  ev_heap_index(e) = -1;
  if (last.e == e) return;
  std::size_t hole = static_cast<std::size_t>(idx);
  // The moved element may need to go either way.
  if (hole > 0 && items_[(hole - 1) / 2].key > last.key)
    sift_up(hole, last);
  else
    sift_down(hole, last);
}

void TimerHeap::update(event* e) {
  const std::size_t hole = static_cast<std::size_t>(ev_heap_index(e));
  const std::int64_t key = deadline_key(e->ev_timeout);
  // Later: the old key stays a valid lower bound (see the header).  Earlier:
  // the slot can only move up.
  if (key < items_[hole].key) sift_up(hole, Slot{key, e});
}

void TimerHeap::sift_up(std::size_t hole, Slot s) {
  while (hole > 0) {
    std::size_t parent = (hole - 1) / 2;
    if (items_[parent].key <= s.key) break;
    place(hole, items_[parent]);
    hole = parent;
  }
  place(hole, s);
}

// Floyd's variant: walk the hole down to a leaf along the earlier children
// (one comparison per level), then let s climb back.  The element being
// placed usually came from the bottom, so it climbs little, and this does
// about half the comparisons of stopping as soon as s fits.
void TimerHeap::sift_down(std::size_t hole, Slot s) {
  const std::size_t n = items_.size();
  for (;;) {
    std::size_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && items_[child + 1].key < items_[child].key) ++child;
    place(hole, items_[child]);
    hole = child;
  }
  sift_up(hole, s);
}

}  // namespace ev
