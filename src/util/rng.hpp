// The library's cryptographically secure random numbers (also behind
// evutil_secure_rng_*).  A ChaCha20 generator seeded from getrandom(2),
// with fast key erasure after every refill, reseeded periodically and in a
// forked child.  Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ev {

// Seeds the generator if needed; false when no entropy source worked.
bool rng_init();
// Fills buf with n random bytes (seeding first if needed).
void rng_bytes(void* buf, std::size_t n);
// Mixes caller-supplied entropy into the generator.
void rng_add_entropy(const void* data, std::size_t n);

inline uint32_t rng_u32() {
  uint32_t v;
  rng_bytes(&v, sizeof(v));
  return v;
}
inline uint16_t rng_u16() {
  uint16_t v;
  rng_bytes(&v, sizeof(v));
  return v;
}

}  // namespace ev
