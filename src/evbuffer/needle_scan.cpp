// scan_needle(): candidates are the offsets where both the first and the
// last byte of the needle match, tested 16 offsets at a time with SSE2
// (baseline on x86-64); only those are compared in full.  On random text
// a 4-byte needle leaves about one candidate per 700 offsets, so the cost
// is close to two loads and two compares per 16 bytes.
#include "evbuffer/needle_scan.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ev {

namespace {

// Whether the needle's bytes between its first and last match at `at`
// (first and last already matched).
inline bool middle_matches(const unsigned char* at, const unsigned char* what, size_t len) {
  return len <= 2 || std::memcmp(at + 1, what + 1, len - 2) == 0;
}

}  // namespace

size_t scan_needle(const unsigned char* p, size_t from, size_t to, const unsigned char* what,
                   size_t len) {
  if (from > to) return kNoMatch;
  if (len == 1) {
    const void* hit = std::memchr(p + from, what[0], to - from + 1);
    return hit != nullptr ? static_cast<size_t>(static_cast<const unsigned char*>(hit) - p)
                          : kNoMatch;
  }
  const unsigned char head = what[0];
  const unsigned char tail = what[len - 1];
  size_t i = from;
#if defined(__SSE2__)
  const __m128i want_head = _mm_set1_epi8(static_cast<char>(head));
  const __m128i want_tail = _mm_set1_epi8(static_cast<char>(tail));
  // Each step tests the 16 starts i..i+15, reading p[i .. i+15+len-1].
  for (; i <= to && to - i >= 15; i += 16) {
    __m128i heads = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i tails = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + len - 1));
    __m128i both =
        _mm_and_si128(_mm_cmpeq_epi8(heads, want_head), _mm_cmpeq_epi8(tails, want_tail));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(both));
    while (mask != 0) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
      if (middle_matches(p + at, what, len)) return at;
      mask &= mask - 1;
    }
  }
#endif
  for (; i <= to; ++i) {
    if (p[i] == head && p[i + len - 1] == tail && middle_matches(p + i, what, len)) return i;
  }
  return kNoMatch;
}

}  // namespace ev
