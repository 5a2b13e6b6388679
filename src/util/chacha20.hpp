// The ChaCha20 block function (RFC 8439, section 2.3), the core of the
// secure random number generator.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ev {

constexpr std::size_t kChaChaKeyBytes = 32;
constexpr std::size_t kChaChaBlockBytes = 64;
constexpr std::size_t kChaChaNonceBytes = 12;

// Writes 'blocks' consecutive keystream blocks for key/nonce, starting at
// block number 'counter', into out (blocks * 64 bytes).
void chacha20_blocks(const uint8_t key[kChaChaKeyBytes], const uint8_t nonce[kChaChaNonceBytes],
                     uint32_t counter, uint8_t* out, std::size_t blocks);

}  // namespace ev
