// Small helpers shared by the backend implementations.
#pragma once

#include <sys/time.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/mm.hpp"

namespace ev::backend_detail {

// Milliseconds for a kernel wait of `tv`: -1 (forever) for nullptr, rounded
// up so that a timer never fires early, clamped to INT_MAX (the core simply
// waits again when a very long wait ends).
inline int timeout_ms_ceil(const timeval* tv) {
  if (tv == nullptr) return -1;
  if (tv->tv_sec < 0 || (tv->tv_sec == 0 && tv->tv_usec <= 0)) return 0;
  constexpr int64_t kMaxSec = INT_MAX / 1000;
  if (tv->tv_sec >= kMaxSec) return INT_MAX;
  int64_t usec = tv->tv_usec < 0 ? 0 : tv->tv_usec;
  int64_t ms = static_cast<int64_t>(tv->tv_sec) * 1000 + (usec + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// Grows `array` so that it holds at least `need` elements (capacity doubles,
// starting at `min_capacity`), zero-filling the new part.  Returns false and
// leaves everything unchanged when memory runs out.
template <class T>
bool grow_zeroed(T*& array, size_t& capacity, size_t need, size_t min_capacity = 32) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (need <= capacity) return true;
  size_t cap = capacity < min_capacity ? min_capacity : capacity;
  while (cap < need) {
    if (cap > SIZE_MAX / 2 / sizeof(T)) return false;
    cap *= 2;
  }
  void* grown = mm_realloc(array, cap * sizeof(T));
  if (grown == nullptr) return false;
  std::memset(static_cast<char*>(grown) + capacity * sizeof(T), 0, (cap - capacity) * sizeof(T));
  array = static_cast<T*>(grown);
  capacity = cap;
  return true;
}

}  // namespace ev::backend_detail
