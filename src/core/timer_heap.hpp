// The timeout min-heap: events ordered by their absolute ev_timeout, each
// event's position stored in its own ev_timeout_pos.min_heap_idx so that
// removal is O(log n) with no side table.
//
// Each slot keeps the deadline as one integer (microseconds) next to the
// event pointer: sifting then compares adjacent integers instead of loading
// two timevals from events scattered in memory.
//
// The heap is 4-ary: half the depth of a binary heap, and a node's four
// 16-byte children share one 64-byte line.  Timers mostly arrive with
// deadlines later than most of the heap and are removed from near the
// bottom, so the shallow tree saves more on those walks than the extra
// sibling comparisons of a sift-down cost.
//
// A slot's key may be older than its event's ev_timeout: update() to a later
// deadline (a timer pushed back, the common case of re-arming) leaves the
// slot where it is, so the key is then only a lower bound.  top() settles
// that lazily: a top whose key is stale is re-keyed and sunk until the top
// is exact, and an exact top is the true minimum, as every other key is at
// most its own deadline.
#pragma once

#include <event2/event_struct.h>

#include <cstdint>

#include "core/event_access.hpp"
#include "core/growable_array.hpp"
#include "core/log.hpp"

namespace ev {

// A deadline as microseconds.  It orders like the time it names (also for
// a tv_usec outside [0, 1e6)) and saturates instead of overflowing.
inline std::int64_t deadline_key(const timeval& tv) {
  std::int64_t key;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(tv.tv_sec), 1000000, &key) ||
      __builtin_add_overflow(key, static_cast<std::int64_t>(tv.tv_usec), &key)) [[unlikely]]
    return tv.tv_sec < 0 ? INT64_MIN : INT64_MAX;
  return key;
}

class TimerHeap {
 public:
  static constexpr std::size_t kArity = 4;

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  event* top() {
    if (items_.empty()) return nullptr;
    settle_top();
    return items_[0].e;
  }
  // The earliest deadline; the heap must not be empty.
  std::int64_t top_key() {
    settle_top();
    return items_[0].key;
  }
  event* at(std::size_t i) { return items_[i].e; }
  bool is_top(event* e) { return ev_heap_index(e) == 0; }
  bool contains(event* e) { return ev_heap_index(e) >= 0; }
  bool has_room() const { return items_.size() < items_.capacity(); }

  // Room for n entries, so that a later push() cannot fail.
  bool reserve(std::size_t n) { return items_.reserve(n, false); }
  // Inserts e (not in the heap) by its ev_timeout; room was reserved.
  [[gnu::always_inline]] void push(event* e) {
    // Callers reserve first; no room here would be an internal bug.
    EV_ASSERT(has_room());
    const std::size_t last = items_.size();
    items_.append_reserved();
    sift_up(last, Slot{deadline_key(e->ev_timeout), e});
  }
  // Removes e, which is in the heap.
  void erase(event* e) {
    const std::size_t hole = static_cast<std::size_t>(ev_heap_index(e));
    const std::size_t last = items_.size() - 1;
    ev_heap_index(e) = -1;
    items_.pop_back();
    if (hole == last) return;
    // The last slot fills the hole.  sift_down() also lets it climb above
    // the hole, which it rarely needs: it came from the bottom.
    sift_down(hole, items_[last]);
  }
  // Moves e after its ev_timeout changed (lazily when it moved later).
  void update(event* e) {
    const std::size_t hole = static_cast<std::size_t>(ev_heap_index(e));
    const std::int64_t key = deadline_key(e->ev_timeout);
    // Later: the old key stays a valid lower bound (see the header).
    // Earlier: the slot can only move up.
    if (key < items_[hole].key) sift_up(hole, Slot{key, e});
  }
  void release() { items_.release(); }

 private:
  struct Slot {
    std::int64_t key;
    event* e;
  };
  static std::size_t parent(std::size_t i) { return (i - 1) / kArity; }
  void settle_top() {
    for (;;) {
      const std::int64_t exact = deadline_key(items_[0].e->ev_timeout);
      if (exact == items_[0].key) [[likely]]
        return;
      sift_down(0, Slot{exact, items_[0].e});
    }
  }
  // Puts s into the hole at `hole` or above it.
  [[gnu::always_inline]] void sift_up(std::size_t hole, Slot s) {
    Slot* const a = items_.data();
    while (hole > 0) {
      const std::size_t p = parent(hole);
      if (a[p].key <= s.key) break;
      place(a, hole, a[p]);
      hole = p;
    }
    place(a, hole, s);
  }
  void sift_down(std::size_t hole, Slot s);
  static void place(Slot* a, std::size_t i, Slot s) {
    a[i] = s;
    ev_heap_index(s.e) = static_cast<int>(i);
  }

  GrowableArray<Slot> items_;
};

}  // namespace ev
