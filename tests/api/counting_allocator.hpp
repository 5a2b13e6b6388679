// Memory functions for event_set_mem_functions() that count the bytes and
// blocks the library holds, for tests that assert heap costs.  Including
// this header installs them before main(), i.e. before the library can
// allocate anything.  The counters are atomic: some tests allocate from
// several threads.
#pragma once

#include <event2/event.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace evtest {

inline std::atomic<size_t> g_live_bytes{0};
inline std::atomic<long> g_live_blocks{0};

// Each block carries its requested size in a 16-byte header.
inline void* counting_malloc(size_t n) {
  auto* p = static_cast<unsigned char*>(std::malloc(n + 16));
  if (p == nullptr) return nullptr;
  std::memcpy(p, &n, sizeof n);
  g_live_bytes += n;
  ++g_live_blocks;
  return p + 16;
}

inline void counting_free(void* q) {
  if (q == nullptr) return;
  auto* p = static_cast<unsigned char*>(q) - 16;
  size_t n;
  std::memcpy(&n, p, sizeof n);
  g_live_bytes -= n;
  --g_live_blocks;
  std::free(p);
}

inline void* counting_realloc(void* q, size_t n) {
  if (q == nullptr) return counting_malloc(n);
  void* fresh = counting_malloc(n);
  if (fresh == nullptr) return nullptr;
  size_t old;
  std::memcpy(&old, static_cast<unsigned char*>(q) - 16, sizeof old);
  std::memcpy(fresh, q, old < n ? old : n);
  counting_free(q);
  return fresh;
}

inline const bool g_counting_installed = [] {
  event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
  return true;
}();

}  // namespace evtest
