// A minimal growable array of trivially copyable values whose growth can
// fail and says so (we build without exceptions).  Memory comes from the
// functions installed with event_set_mem_functions().
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "core/mm.hpp"

namespace ev {

template <class T>
class GrowableArray {
  static_assert(std::is_trivially_copyable_v<T>, "stored by memcpy/realloc");

 public:
  GrowableArray() = default;
  GrowableArray(const GrowableArray&) = delete;
  GrowableArray& operator=(const GrowableArray&) = delete;
  ~GrowableArray() { mm_free(data_); }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* data() { return data_; }

  // Makes room for at least n elements; new slots are zero-filled unless
  // the caller never reads a slot before writing it (zero_fill = false).
  bool reserve(std::size_t n, bool zero_fill = true) {
    if (n <= capacity_) return true;
    std::size_t cap = capacity_ != 0 ? capacity_ : 8;
    while (cap < n) cap *= 2;
    void* p = mm_realloc(data_, cap * sizeof(T));
    if (p == nullptr) return false;
    data_ = static_cast<T*>(p);
    if (zero_fill)
      std::memset(static_cast<void*>(data_ + capacity_), 0, (cap - capacity_) * sizeof(T));
    capacity_ = cap;
    return true;
  }
  // Grows size to n (zero-filled) when it is smaller.
  bool resize_at_least(std::size_t n) {
    if (n <= size_) return true;
    if (!reserve(n)) return false;
    size_ = n;
    return true;
  }
  bool push_back(const T& v) {
    if (size_ == capacity_ && !reserve(size_ + 1, false)) return false;
    data_[size_++] = v;
    return true;
  }
  // Grows size by one within the capacity (reserve() first); the new slot
  // is uninitialised for the caller to fill.
  void append_reserved() { ++size_; }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }
  void release() {
    mm_free(data_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace ev
