// The evtag wire format as pure functions over bytes (no evbuffer, no IO),
// so unit tests and fuzz targets call them directly.
//
//   stream  = record*
//   record  = tag length payload        (length = payload size in bytes)
//   tag     = 7 bits a byte, least significant group first; the high bit of a
//             byte says another byte follows.  At most 5 bytes, at most 32 bits.
//   integer = a count nibble (number of hex digits - 1) in the high half of
//             the first byte, then the digits least significant first: the
//             first digit in the low half of byte 0, the next two in the high
//             and low halves of byte 1, and so on; an even digit count leaves
//             the low half of the last byte as a zero pad.  32-bit integers
//             have at most 8 digits (5 bytes), 64-bit ones at most 16 (9).
//
// Every decoder is given the bytes it may look at and never reads past them;
// it returns the number of bytes its item occupies, or -1 when the item is
// incomplete or does not fit its type.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ev::tag {

inline constexpr std::size_t kMaxTagBytes = 5;    // 35 bits of room for 32
inline constexpr std::size_t kMaxInt32Bytes = 5;  // count nibble + 8 digits + pad
inline constexpr std::size_t kMaxInt64Bytes = 9;  // count nibble + 16 digits + pad
inline constexpr std::size_t kMaxHeaderBytes = kMaxTagBytes + kMaxInt32Bytes;

// Writes `tag` into out (room for kMaxTagBytes); returns the bytes written.
std::size_t encode_tag(std::uint8_t* out, std::uint32_t tag);

// Writes `value` into out (room for kMaxInt64Bytes, or kMaxInt32Bytes for a
// value below 2^32); returns the bytes written.
std::size_t encode_int(std::uint8_t* out, std::uint64_t value);

// Decodes a tag from the first n bytes of p.  Returns its size in bytes
// (1..5) or -1 when it is cut short or exceeds 32 bits.
int decode_tag(const std::uint8_t* p, std::size_t n, std::uint32_t* tag);

// Decodes an integer of at most `max_digits` (8 or 16) hex digits from the
// first n bytes of p.  Returns its size in bytes or -1.
int decode_int(const std::uint8_t* p, std::size_t n, unsigned max_digits, std::uint64_t* value);

inline int decode_int32(const std::uint8_t* p, std::size_t n, std::uint32_t* value) {
  std::uint64_t v = 0;
  int used = decode_int(p, n, 8, &v);
  if (used >= 0) *value = static_cast<std::uint32_t>(v);
  return used;
}

inline int decode_int64(const std::uint8_t* p, std::size_t n, std::uint64_t* value) {
  return decode_int(p, n, 16, value);
}

// A record's header: tag, declared payload length and the bytes each field
// took.
struct Header {
  std::uint32_t tag = 0;
  std::uint32_t length = 0;
  int tag_bytes = 0;
  int length_bytes = 0;
  std::size_t size() const { return static_cast<std::size_t>(tag_bytes + length_bytes); }
};

// Where decoding a header stopped.
enum class HeaderStatus {
  kOk,         // tag and length decoded
  kBadTag,     // the tag is incomplete or too long: nothing consumed
  kBadLength,  // the tag decoded (tag_bytes set) but the length did not
};

// Decodes a record header from the first n bytes of p (the payload itself
// need not be present: callers compare `length` with what remains).
HeaderStatus decode_header(const std::uint8_t* p, std::size_t n, Header* h);

}  // namespace ev::tag
