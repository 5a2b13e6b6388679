#include "core/timer_heap.hpp"

namespace ev {

// Floyd's variant: walk the hole down to a leaf along the earliest children
// (three comparisons per level), then let s climb back, above the starting
// hole too if it belongs there (every slot moved up was at most the ones
// below it, so the heap order holds either way).  The slot being placed
// usually came from the bottom, so it climbs little, and this saves
// comparing s against every level on the way down.
void TimerHeap::sift_down(std::size_t hole, Slot s) {
  Slot* const a = items_.data();
  const std::size_t n = items_.size();
  for (;;) {
    const std::size_t first = kArity * hole + 1;
    if (first >= n) break;
    std::size_t best = first;
    if (first + kArity <= n) [[likely]] {
      // A full family: pick the earliest of four without a bounds check.
      const std::size_t lo = a[first + 1].key < a[first].key ? first + 1 : first;
      const std::size_t hi = a[first + 3].key < a[first + 2].key ? first + 3 : first + 2;
      best = a[hi].key < a[lo].key ? hi : lo;
    } else {
      for (std::size_t c = first + 1; c < n; ++c)
        if (a[c].key < a[best].key) best = c;
    }
    place(a, hole, a[best]);
    hole = best;
  }
  sift_up(hole, s);
}

}  // namespace ev
