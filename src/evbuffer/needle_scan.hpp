// Finding a byte string inside one contiguous block: the inner loop of
// evbuffer searches.  Matches that straddle blocks are the caller's.
#pragma once

#include <cstddef>

namespace ev {

inline constexpr size_t kNoMatch = static_cast<size_t>(-1);

// The first start offset in [from, to] at which the `len` bytes of `what`
// (len >= 1) occur in `p`, or kNoMatch.  The caller guarantees that
// p[to + len - 1] is readable.
size_t scan_needle(const unsigned char* p, size_t from, size_t to, const unsigned char* what,
                   size_t len);

}  // namespace ev
