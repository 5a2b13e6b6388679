// The evtag wire format: tags (7-bit groups) and integers (counted nibbles).
#include "tag/wire.hpp"

namespace ev::tag {

std::size_t encode_tag(std::uint8_t* out, std::uint32_t tag) {
  std::size_t n = 0;
  do {
    std::uint8_t group = tag & 0x7f;
    tag >>= 7;
    if (tag != 0) group |= 0x80;
    out[n++] = group;
  } while (tag != 0);
  return n;
}

// Nibble slot k (k >= 1) of an integer: slot 0 is the high half of byte 0
// (the digit count), odd slots are the low half of byte k/2, even slots the
// high half of byte k/2.
std::size_t encode_int(std::uint8_t* out, std::uint64_t value) {
  unsigned digits = 0;
  for (std::uint64_t v = value; v != 0; v >>= 4) ++digits;
  if (digits == 0) digits = 1;  // zero is one digit: a single 0x00 byte
  std::size_t bytes = digits / 2 + 1;
  for (std::size_t i = 0; i < bytes; ++i) out[i] = 0;
  out[0] = static_cast<std::uint8_t>((digits - 1) << 4);
  for (unsigned k = 1; k <= digits; ++k) {
    std::uint8_t nib = static_cast<std::uint8_t>(value & 0x0f);
    value >>= 4;
    if (k & 1)
      out[k / 2] |= nib;
    else
      out[k / 2] |= static_cast<std::uint8_t>(nib << 4);
  }
  return bytes;
}

int decode_tag(const std::uint8_t* p, std::size_t n, std::uint32_t* tag) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < n && i < kMaxTagBytes; ++i) {
    std::uint32_t group = p[i] & 0x7f;
    unsigned shift = static_cast<unsigned>(7 * i);
    // The fifth group holds bits 28..31 only; more would not fit 32 bits.
    if (shift == 28 && group > 0x0f) return -1;
    value |= group << shift;
    if ((p[i] & 0x80) == 0) {
      *tag = value;
      return static_cast<int>(i + 1);
    }
  }
  return -1;  // cut short, or a continuation after the fifth byte
}

int decode_int(const std::uint8_t* p, std::size_t n, unsigned max_digits, std::uint64_t* value) {
  if (n == 0) return -1;
  unsigned digits = (p[0] >> 4) + 1u;
  if (digits > max_digits) return -1;
  std::size_t bytes = digits / 2 + 1;
  if (bytes > n) return -1;
  std::uint64_t v = 0;
  for (unsigned k = digits; k >= 1; --k) {
    std::uint8_t b = p[k / 2];
    v = (v << 4) | ((k & 1) ? (b & 0x0f) : (b >> 4));
  }
  *value = v;
  return static_cast<int>(bytes);
}

HeaderStatus decode_header(const std::uint8_t* p, std::size_t n, Header* h) {
  int t = decode_tag(p, n, &h->tag);
  if (t < 0) return HeaderStatus::kBadTag;
  h->tag_bytes = t;
  int l = decode_int32(p + t, n - static_cast<std::size_t>(t), &h->length);
  if (l < 0) return HeaderStatus::kBadLength;
  h->length_bytes = l;
  return HeaderStatus::kOk;
}

}  // namespace ev::tag
