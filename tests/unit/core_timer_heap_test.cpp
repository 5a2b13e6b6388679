// The timeout min-heap: ordering and O(log n) removal through the index
// stored in each event.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "core/timer_heap.hpp"

namespace {

TEST(CoreTimerHeap, PopsInDeadlineOrderWithArbitraryRemovals) {
  constexpr int kN = 500;
  static event evs[kN];
  ev::TimerHeap heap;
  ASSERT_TRUE(heap.reserve(kN));
  std::srand(7);
  for (int i = 0; i < kN; ++i) {
    std::memset(&evs[i], 0, sizeof(event));
    ev::ev_heap_index(&evs[i]) = -1;
    evs[i].ev_timeout.tv_sec = std::rand() % 1000;
    evs[i].ev_timeout.tv_usec = std::rand() % 1000000;
    heap.push(&evs[i]);
    EXPECT_TRUE(heap.contains(&evs[i]));
  }
  for (int i = 0; i < kN; i += 4) {
    heap.erase(&evs[i]);
    EXPECT_FALSE(heap.contains(&evs[i]));
  }
  // Changing a deadline and updating keeps the order.
  evs[1].ev_timeout.tv_sec = 0;
  heap.update(&evs[1]);
  EXPECT_EQ(&evs[1], heap.top());
  timeval last{0, 0};
  std::size_t popped = 0;
  while (event* e = heap.top()) {
    EXPECT_FALSE(timercmp(&e->ev_timeout, &last, <));
    last = e->ev_timeout;
    heap.erase(e);
    ++popped;
  }
  EXPECT_EQ(static_cast<std::size_t>(kN - kN / 4), popped);
  heap.release();
}

}  // namespace
