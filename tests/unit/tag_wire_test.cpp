// The evtag wire format's pure encoders and decoders (src/tag/wire.hpp):
// round trips and every class of malformed input, each decoder given exactly
// the bytes it may read (a heap copy of that size, so ASan catches a read
// past the end).
#include "tag/wire.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace wire = ev::tag;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes enc_int(std::uint64_t v) {
  std::uint8_t b[wire::kMaxInt64Bytes];
  return Bytes(b, b + wire::encode_int(b, v));
}

Bytes enc_tag(std::uint32_t v) {
  std::uint8_t b[wire::kMaxTagBytes];
  return Bytes(b, b + wire::encode_tag(b, v));
}

// Decoders run on an exact-size heap copy so that any over-read is caught.
int dec_int(const Bytes& in, unsigned digits, std::uint64_t* v) {
  auto* copy = new std::uint8_t[in.size()];
  if (!in.empty()) std::memcpy(copy, in.data(), in.size());
  int r = wire::decode_int(copy, in.size(), digits, v);
  delete[] copy;
  return r;
}

int dec_tag(const Bytes& in, std::uint32_t* v) {
  auto* copy = new std::uint8_t[in.size()];
  if (!in.empty()) std::memcpy(copy, in.data(), in.size());
  int r = wire::decode_tag(copy, in.size(), v);
  delete[] copy;
  return r;
}

TEST(TagWire, KnownIntegerEncodings) {
  EXPECT_EQ(enc_int(0), (Bytes{0x00}));
  EXPECT_EQ(enc_int(5), (Bytes{0x05}));
  EXPECT_EQ(enc_int(0x10), (Bytes{0x10, 0x10}));
  EXPECT_EQ(enc_int(0x123), (Bytes{0x23, 0x21}));
  EXPECT_EQ(enc_int(0x1234), (Bytes{0x34, 0x32, 0x10}));
  EXPECT_EQ(enc_int(0xffffffffu), (Bytes{0x7f, 0xff, 0xff, 0xff, 0xf0}));
  EXPECT_EQ(enc_int(~0ull).size(), wire::kMaxInt64Bytes);
}

TEST(TagWire, KnownTagEncodings) {
  EXPECT_EQ(enc_tag(0), (Bytes{0x00}));
  EXPECT_EQ(enc_tag(0x66), (Bytes{0x66}));
  EXPECT_EQ(enc_tag(0x166), (Bytes{0xe6, 0x02}));
  EXPECT_EQ(enc_tag(0xffffffffu), (Bytes{0xff, 0xff, 0xff, 0xff, 0x0f}));
}

TEST(TagWire, IntegersRoundTripAtEveryWidth) {
  for (unsigned bits = 0; bits <= 64; ++bits) {
    std::uint64_t values[] = {bits == 0 ? 0 : (bits == 64 ? ~0ull : (1ull << bits) - 1),
                              bits == 0 ? 0 : 1ull << (bits - 1)};
    for (std::uint64_t v : values) {
      Bytes b = enc_int(v);
      std::uint64_t out = 0;
      ASSERT_EQ(dec_int(b, 16, &out), static_cast<int>(b.size())) << v;
      EXPECT_EQ(out, v);
      if (bits <= 32) {
        std::uint32_t o32 = 0;
        ASSERT_EQ(wire::decode_int32(b.data(), b.size(), &o32), static_cast<int>(b.size()));
        EXPECT_EQ(o32, v);
      }
    }
  }
}

TEST(TagWire, TagsRoundTripAtEveryWidth) {
  for (unsigned bits = 0; bits <= 32; ++bits) {
    std::uint32_t v = bits == 0 ? 0 : (bits == 32 ? 0xffffffffu : (1u << bits) - 1);
    Bytes b = enc_tag(v);
    std::uint32_t out = 1;
    ASSERT_EQ(dec_tag(b, &out), static_cast<int>(b.size()));
    EXPECT_EQ(out, v);
  }
}

// Class: input cut short.  Every proper prefix of a valid item fails.
TEST(TagWire, TruncatedItemsFail) {
  Bytes i = enc_int(0x123456789abcdefull);
  for (std::size_t n = 0; n < i.size(); ++n) {
    std::uint64_t v;
    EXPECT_EQ(dec_int(Bytes(i.begin(), i.begin() + n), 16, &v), -1) << n;
  }
  Bytes t = enc_tag(0xfffffffu);
  for (std::size_t n = 0; n < t.size(); ++n) {
    std::uint32_t v;
    EXPECT_EQ(dec_tag(Bytes(t.begin(), t.begin() + n), &v), -1) << n;
  }
}

// Class: a varint longer than its type.
TEST(TagWire, OverlongTagRejected) {
  std::uint32_t v;
  // Fifth group above 4 bits would need bit 32 and up.
  EXPECT_EQ(dec_tag(Bytes{0xff, 0xff, 0xff, 0xff, 0x1f}, &v), -1);
  EXPECT_EQ(dec_tag(Bytes{0x80, 0x80, 0x80, 0x80, 0x10}, &v), -1);
  // A sixth byte is never accepted, even a zero one after a continuation.
  EXPECT_EQ(dec_tag(Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, &v), -1);
  // Non-canonical but in range (as the reference) is accepted.
  EXPECT_EQ(dec_tag(Bytes{0x81, 0x00}, &v), 2);
  EXPECT_EQ(v, 1u);
}

TEST(TagWire, OverlongIntegerRejected) {
  std::uint64_t v;
  // 9 digits do not fit 32 bits, even if the extra ones are zero.
  Bytes nine{0x80, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(dec_int(nine, 8, &v), -1);
  EXPECT_EQ(dec_int(nine, 16, &v), 5);
  std::uint32_t v32;
  EXPECT_EQ(wire::decode_int32(nine.data(), nine.size(), &v32), -1);
  // 16 digits is the most a count nibble can say: always within 64 bits.
  Bytes sixteen(9, 0xff);
  EXPECT_EQ(dec_int(sixteen, 16, &v), 9);
  EXPECT_EQ(v, ~0ull);
}

// Class: a count that claims more bytes than present.
TEST(TagWire, LyingDigitCountFails) {
  std::uint64_t v;
  EXPECT_EQ(dec_int(Bytes{0x70, 0x00, 0x00}, 8, &v), -1);  // needs 5 bytes
  EXPECT_EQ(dec_int(Bytes{0xf0}, 16, &v), -1);             // needs 9
}

TEST(TagWire, HeaderStatusSaysWhereItStopped) {
  wire::Header h;
  Bytes ok{0x81, 0x01, 0x10, 0x10};
  ASSERT_EQ(wire::decode_header(ok.data(), ok.size(), &h), wire::HeaderStatus::kOk);
  EXPECT_EQ(h.tag, 0x81u);
  EXPECT_EQ(h.length, 0x10u);
  EXPECT_EQ(h.size(), 4u);

  Bytes bad_len{0x05, 0x80, 0x00};
  ASSERT_EQ(wire::decode_header(bad_len.data(), bad_len.size(), &h),
            wire::HeaderStatus::kBadLength);
  EXPECT_EQ(h.tag_bytes, 1);

  Bytes bad_tag{0x85};
  EXPECT_EQ(wire::decode_header(bad_tag.data(), bad_tag.size(), &h), wire::HeaderStatus::kBadTag);
  EXPECT_EQ(wire::decode_header(nullptr, 0, &h), wire::HeaderStatus::kBadTag);
}

// Class: length arithmetic.  The largest length decodes to exactly 2^32-1;
// nothing wraps, and a header's size stays within kMaxHeaderBytes.
TEST(TagWire, LargestLengthDoesNotWrap) {
  Bytes b = enc_tag(0xffffffffu);
  Bytes l = enc_int(0xffffffffu);
  b.insert(b.end(), l.begin(), l.end());
  wire::Header h;
  ASSERT_EQ(wire::decode_header(b.data(), b.size(), &h), wire::HeaderStatus::kOk);
  EXPECT_EQ(h.length, 0xffffffffu);
  EXPECT_EQ(h.size(), wire::kMaxHeaderBytes);
}

}  // namespace
