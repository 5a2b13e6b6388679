// ChaCha20 keystream generation, written from RFC 8439.
#include "util/chacha20.hpp"

#include <cstring>

namespace ev {
namespace {

inline uint32_t load_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

inline void store_le32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

inline uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

inline void quarter_round(uint32_t* x, int a, int b, int c, int d) {
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 7);
}

}  // namespace

void chacha20_blocks(const uint8_t key[kChaChaKeyBytes], const uint8_t nonce[kChaChaNonceBytes],
                     uint32_t counter, uint8_t* out, std::size_t blocks) {
  uint32_t input[16];
  // "expand 32-byte k"
  input[0] = 0x61707865;
  input[1] = 0x3320646e;
  input[2] = 0x79622d32;
  input[3] = 0x6b206574;
  for (int i = 0; i < 8; ++i) input[4 + i] = load_le32(key + 4 * i);
  for (int i = 0; i < 3; ++i) input[13 + i] = load_le32(nonce + 4 * i);

  for (std::size_t b = 0; b < blocks; ++b) {
    input[12] = counter + static_cast<uint32_t>(b);
    uint32_t x[16];
    memcpy(x, input, sizeof(x));
    for (int round = 0; round < 10; ++round) {
      quarter_round(x, 0, 4, 8, 12);
      quarter_round(x, 1, 5, 9, 13);
      quarter_round(x, 2, 6, 10, 14);
      quarter_round(x, 3, 7, 11, 15);
      quarter_round(x, 0, 5, 10, 15);
      quarter_round(x, 1, 6, 11, 12);
      quarter_round(x, 2, 7, 8, 13);
      quarter_round(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; ++i) store_le32(out + 64 * b + 4 * i, x[i] + input[i]);
  }
}

}  // namespace ev
