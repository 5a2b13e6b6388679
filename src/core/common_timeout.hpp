// Common timeouts (event_base_init_common_timeout): many events sharing one
// duration sit in a FIFO instead of the heap, so add/remove is O(1).  Only
// the queue head has a timer in the heap (an internal event).
//
// A common duration is a timeval whose tv_usec carries, above the
// microseconds, a magic tag and the queue index, exactly as libevent encodes
// it; events in a queue keep that tag in their absolute ev_timeout too.
#pragma once

#include <event2/event_struct.h>

#include <cstdint>

namespace ev {

inline constexpr std::uint32_t kMicrosecondsMask = 0x000fffff;
inline constexpr std::uint32_t kCommonTimeoutIndexMask = 0x0ff00000;
inline constexpr int kCommonTimeoutIndexShift = 20;
inline constexpr std::uint32_t kCommonTimeoutMask = 0xf0000000;
inline constexpr std::uint32_t kCommonTimeoutMagic = 0x50000000;
inline constexpr int kMaxCommonTimeouts = 256;

inline bool has_common_timeout_magic(const timeval* tv) {
  return (static_cast<std::uint32_t>(tv->tv_usec) & kCommonTimeoutMask) == kCommonTimeoutMagic;
}
inline int common_timeout_index(const timeval* tv) {
  return static_cast<int>((static_cast<std::uint32_t>(tv->tv_usec) & kCommonTimeoutIndexMask) >>
                          kCommonTimeoutIndexShift);
}
inline long strip_common_timeout(long usec) {
  return static_cast<long>(static_cast<std::uint32_t>(usec) & kMicrosecondsMask);
}

// One queue of events sharing `duration`.
struct CommonTimeoutQueue {
  event* first;
  event** last;
  timeval duration;     // encoded: what event_base_init_common_timeout returns
  event timeout_event;  // internal timer for the queue head
  struct event_base* base;

  static auto& link(event* e) { return e->ev_timeout_pos.ev_next_with_common_timeout; }
  void init() {
    first = nullptr;
    last = &first;
  }
  // Appends in deadline order: new deadlines are nearly always the latest.
  void insert_sorted(event* e);
  void remove(event* e) {
    event* nx = link(e).tqe_next;
    if (nx != nullptr)
      link(nx).tqe_prev = link(e).tqe_prev;
    else
      last = link(e).tqe_prev;
    *link(e).tqe_prev = nx;
  }
  static event* next(event* e) { return link(e).tqe_next; }
};

}  // namespace ev
