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

// Random pushes, erases and moves (earlier and later, so that keys go
// stale) checked against a plain scan: top() is always an earliest event,
// and the indexes stored in the events stay right.
TEST(CoreTimerHeap, MatchesAScanUnderRandomChurn) {
  constexpr int kN = 2000;
  static event evs[kN];
  ev::TimerHeap heap;
  ASSERT_TRUE(heap.reserve(kN));
  for (auto& e : evs) {
    std::memset(&e, 0, sizeof(event));
    ev::ev_heap_index(&e) = -1;
  }
  std::srand(11);
  auto earliest = [&] {
    const event* best = nullptr;
    for (const auto& e : evs)
      if (ev::ev_heap_index(const_cast<event*>(&e)) >= 0 &&
          (best == nullptr || timercmp(&e.ev_timeout, &best->ev_timeout, <)))
        best = &e;
    return best;
  };
  for (int step = 0; step < 20000; ++step) {
    event* e = &evs[std::rand() % kN];
    const timeval when{std::rand() % 5000, std::rand() % 1000000};
    if (!heap.contains(e)) {
      e->ev_timeout = when;
      heap.push(e);
    } else if (std::rand() % 3 == 0) {
      heap.erase(e);
    } else {
      e->ev_timeout = when;
      heap.update(e);
    }
    for (std::size_t i = 0; i < heap.size(); i += 97)
      ASSERT_EQ(static_cast<int>(i), ev::ev_heap_index(heap.at(i)));
    if (step % 50 == 0 && !heap.empty()) {
      const event* want = earliest();
      event* got = heap.top();
      ASSERT_EQ(0, std::memcmp(&want->ev_timeout, &got->ev_timeout, sizeof(timeval)))
          << "step " << step;
    }
  }
  // Draining pops in order.
  timeval last{0, 0};
  while (event* e = heap.top()) {
    ASSERT_FALSE(timercmp(&e->ev_timeout, &last, <));
    last = e->ev_timeout;
    heap.erase(e);
  }
  heap.release();
}

}  // namespace
