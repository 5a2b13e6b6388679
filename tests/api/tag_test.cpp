// event2/tag.h as programs use it: records written and read through
// evbuffers, what each decoder consumes on success and on failure, and the
// four functions libevent exports without declaring them in 2.1.12.
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/tag.h>
#include <event2/tag_compat.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
int evtag_decode_int(ev_uint32_t* pnumber, struct evbuffer* evbuf);
int evtag_decode_int64(ev_uint64_t* pnumber, struct evbuffer* evbuf);
int evtag_encode_tag(struct evbuffer* evbuf, ev_uint32_t tag);
int evtag_decode_tag(ev_uint32_t* ptag, struct evbuffer* evbuf);
}

namespace {

using Bytes = std::vector<unsigned char>;

class Tag : public ::testing::Test {
 protected:
  void SetUp() override {
    evtag_init();
    buf = evbuffer_new();
    ASSERT_NE(buf, nullptr);
  }
  void TearDown() override { evbuffer_free(buf); }

  Bytes contents() {
    size_t n = evbuffer_get_length(buf);
    unsigned char* p = evbuffer_pullup(buf, -1);
    return n ? Bytes(p, p + n) : Bytes{};
  }
  void set(const Bytes& b) {
    evbuffer_drain(buf, evbuffer_get_length(buf));
    evbuffer_add(buf, b.data(), b.size());
  }

  evbuffer* buf = nullptr;
};

TEST_F(Tag, IntegerRecordBytes) {
  evtag_marshal_int(buf, 0x166, 0x1234);
  // tag e6 02, length 3 (03), integer 34 32 10
  EXPECT_EQ(contents(), (Bytes{0xe6, 0x02, 0x03, 0x34, 0x32, 0x10}));
  ev_uint32_t v = 0;
  EXPECT_EQ(evtag_unmarshal_int(buf, 0x166, &v), 3);  // the integer's size
  EXPECT_EQ(v, 0x1234u);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

TEST_F(Tag, EveryTypeRoundTrips) {
  timeval tv{1700000000, 999999};
  unsigned char fixed[4] = {1, 2, 3, 4};
  evbuffer* payload = evbuffer_new();
  evbuffer_add(payload, "payload", 7);

  evtag_marshal_int(buf, 1, 0xffffffffu);
  evtag_marshal_int64(buf, 2, 0xfedcba9876543210ull);
  evtag_marshal_string(buf, 3, "hello");
  evtag_marshal_timeval(buf, 4, &tv);
  evtag_marshal(buf, 5, fixed, sizeof fixed);
  evtag_marshal_buffer(buf, 6, payload);
  EXPECT_EQ(evbuffer_get_length(payload), 0u);  // moved into the record
  evtag_marshal_string(buf, 7, "");

  ev_uint32_t u32 = 0, tag = 0;
  ev_uint64_t u64 = 0;
  char* s = nullptr;
  timeval out{};
  unsigned char got[4] = {};
  EXPECT_GT(evtag_unmarshal_int(buf, 1, &u32), 0);
  EXPECT_EQ(u32, 0xffffffffu);
  EXPECT_GT(evtag_unmarshal_int64(buf, 2, &u64), 0);
  EXPECT_EQ(u64, 0xfedcba9876543210ull);
  ASSERT_EQ(evtag_unmarshal_string(buf, 3, &s), 0);
  EXPECT_STREQ(s, "hello");
  free(s);
  ASSERT_EQ(evtag_unmarshal_timeval(buf, 4, &out), 0);
  EXPECT_EQ(out.tv_sec, tv.tv_sec);
  EXPECT_EQ(out.tv_usec, tv.tv_usec);
  ASSERT_EQ(evtag_unmarshal_fixed(buf, 5, got, sizeof got), 0);
  EXPECT_EQ(std::memcmp(got, fixed, 4), 0);
  EXPECT_EQ(evtag_unmarshal(buf, &tag, payload), 7);
  EXPECT_EQ(tag, 6u);
  EXPECT_EQ(evbuffer_get_length(payload), 7u);
  ASSERT_EQ(evtag_unmarshal_string(buf, 7, &s), 0);
  EXPECT_STREQ(s, "");
  free(s);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  evbuffer_free(payload);
}

TEST_F(Tag, PeekDoesNotConsume) {
  Bytes big(70000, 'x');
  evtag_marshal(buf, 300, big.data(), static_cast<ev_uint32_t>(big.size()));
  size_t total = evbuffer_get_length(buf);
  ev_uint32_t tag = 0, len = 0, plen = 0;
  EXPECT_EQ(evtag_peek(buf, &tag), 2);
  EXPECT_EQ(tag, 300u);
  EXPECT_EQ(evtag_peek_length(buf, &len), 0);
  EXPECT_EQ(len, total);
  EXPECT_EQ(evtag_payload_length(buf, &plen), 0);
  EXPECT_EQ(plen, 70000u);
  EXPECT_EQ(evbuffer_get_length(buf), total);
  EXPECT_EQ(evtag_consume(buf), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

TEST_F(Tag, UndeclaredFunctions) {
  EXPECT_EQ(evtag_encode_tag(nullptr, 0x166), 2);  // size only
  EXPECT_EQ(evtag_encode_tag(buf, 0x166), 2);
  evtag_encode_int(buf, 0x123);
  evtag_encode_int64(buf, 0x123456789ull);
  encode_int(buf, 7);  // tag_compat.h spelling
  ev_uint32_t tag = 0, u32 = 0;
  ev_uint64_t u64 = 0;
  EXPECT_EQ(evtag_decode_tag(&tag, buf), 2);
  EXPECT_EQ(tag, 0x166u);
  EXPECT_EQ(evtag_decode_int(&u32, buf), 0);
  EXPECT_EQ(u32, 0x123u);
  EXPECT_EQ(evtag_decode_int64(&u64, buf), 0);
  EXPECT_EQ(u64, 0x123456789ull);
  EXPECT_EQ(evtag_decode_int(&u32, buf), 0);
  EXPECT_EQ(u32, 7u);
  EXPECT_EQ(evtag_decode_int(&u32, buf), -1);  // empty
  EXPECT_EQ(evtag_decode_tag(&tag, buf), -1);
}

// Security class: a length that claims more payload than present.
TEST_F(Tag, LyingLengthFailsWithoutReadingPastTheBuffer) {
  set({0x01, 0x7f, 0xff, 0xff, 0xff, 0xff, 'a', 'b'});
  ev_uint32_t tag = 0;
  EXPECT_EQ(evtag_unmarshal_header(buf, &tag), -1);
  EXPECT_EQ(tag, 1u);
  EXPECT_EQ(evbuffer_get_length(buf), 2u);  // the header was consumed, as libevent does

  set({0x01, 0x7f, 0xff, 0xff, 0xff, 0xff, 'a', 'b'});
  char* s = nullptr;
  EXPECT_EQ(evtag_unmarshal_string(buf, 1, &s), -1);
  EXPECT_EQ(s, nullptr);
  set({0x01, 0x05, 'a', 'b'});
  evbuffer* dst = evbuffer_new();
  EXPECT_EQ(evtag_unmarshal(buf, &tag, dst), -1);
  EXPECT_EQ(evbuffer_get_length(dst), 0u);
  evbuffer_free(dst);
  set({0x01, 0x05, 'a', 'b'});
  EXPECT_EQ(evtag_consume(buf), -1);
}

// Security class: varints longer than their type.
TEST_F(Tag, OverlongVarintsRejected) {
  ev_uint32_t v = 0;
  set({0xff, 0xff, 0xff, 0xff, 0x1f, 0x00, 0x00});
  EXPECT_EQ(evtag_peek(buf, &v), -1);
  EXPECT_EQ(evtag_unmarshal_header(buf, &v), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 7u);  // nothing decoded, nothing consumed
  set({0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00});
  EXPECT_EQ(evtag_decode_tag(&v, buf), -1);
  // A 9-digit length or 32-bit integer.
  set({0x01, 0x80, 0, 0, 0, 1});
  EXPECT_EQ(evtag_payload_length(buf, &v), -1);
  set({0x02, 0x05, 0x80, 1, 2, 3, 4});
  v = 42;
  EXPECT_EQ(evtag_unmarshal_int(buf, 2, &v), -1);
  EXPECT_EQ(v, 42u);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);  // the record is gone
  // The same 9 digits are a valid 64-bit integer.
  set({0x02, 0x05, 0x80, 1, 2, 3, 4});
  ev_uint64_t v64 = 0;
  EXPECT_EQ(evtag_unmarshal_int64(buf, 2, &v64), 5);
}

// Security class: an integer whose digits run past its record.
TEST_F(Tag, IntegerRunningPastItsRecordFails) {
  set({0x02, 0x01, 0x30, 0x12, 0x34});  // payload 1 byte, integer needs 3
  ev_uint32_t v = 0;
  EXPECT_EQ(evtag_unmarshal_int(buf, 2, &v), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 2u);
  set({0x03, 0x01, 0x05});  // timeval without its microseconds
  timeval tv{};
  EXPECT_EQ(evtag_unmarshal_timeval(buf, 3, &tv), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

TEST_F(Tag, WrongTagOrSizeFails) {
  evtag_marshal_int(buf, 5, 1);
  ev_uint32_t v = 0;
  EXPECT_EQ(evtag_unmarshal_int(buf, 6, &v), -1);
  evtag_marshal(buf, 5, "abc", 3);
  unsigned char out[4];
  evbuffer_drain(buf, evbuffer_get_length(buf));
  evtag_marshal(buf, 5, "abc", 3);
  EXPECT_EQ(evtag_unmarshal_fixed(buf, 5, out, 4), -1);
}

TEST_F(Tag, EveryPrefixOfAValidStreamFailsCleanly) {
  timeval tv{12345, 678};
  evtag_marshal_int64(buf, 0x4000, 0x1122334455667788ull);
  evtag_marshal_timeval(buf, 9, &tv);
  evtag_marshal_string(buf, 10, "text");
  Bytes whole = contents();
  for (size_t n = 0; n < whole.size(); ++n) {
    set(Bytes(whole.begin(), whole.begin() + n));
    ev_uint64_t v64;
    timeval t;
    char* s = nullptr;
    int a = evtag_unmarshal_int64(buf, 0x4000, &v64);
    int b = a > 0 ? evtag_unmarshal_timeval(buf, 9, &t) : -1;
    int c = b == 0 ? evtag_unmarshal_string(buf, 10, &s) : -1;
    EXPECT_EQ(c, -1) << n;
    free(s);
  }
}

TEST_F(Tag, NullArgumentsAreErrorsNotCrashes) {
  ev_uint32_t v;
  EXPECT_EQ(evtag_peek(nullptr, &v), -1);
  EXPECT_EQ(evtag_unmarshal_header(nullptr, &v), -1);
  EXPECT_EQ(evtag_consume(nullptr), -1);
  EXPECT_EQ(evtag_unmarshal_int(nullptr, 1, &v), -1);
  evtag_marshal_string(buf, 1, nullptr);
  evtag_marshal_int(nullptr, 1, 1);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

}  // namespace
