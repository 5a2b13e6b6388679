// event2/tag.h: the evtag_* entry points.  Each one looks at the few bytes it
// needs at the front of an evbuffer (tag/wire.hpp decodes them) and then
// drains what libevent drains: on a failure part-way through a record the
// reference leaves the fields it already read consumed, and so do we.
#include <event2/buffer.h>
#include <event2/tag.h>

#include <climits>
#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "tag/wire.hpp"

// Exported by the reference though 2.1.12's headers no longer declare them;
// programs built against older headers call them.
extern "C" {
EVENT2_EXPORT_SYMBOL int evtag_decode_int(ev_uint32_t* pnumber, struct evbuffer* evbuf);
EVENT2_EXPORT_SYMBOL int evtag_decode_int64(ev_uint64_t* pnumber, struct evbuffer* evbuf);
EVENT2_EXPORT_SYMBOL int evtag_encode_tag(struct evbuffer* evbuf, ev_uint32_t tag);
EVENT2_EXPORT_SYMBOL int evtag_decode_tag(ev_uint32_t* ptag, struct evbuffer* evbuf);
}

namespace {

namespace wire = ev::tag;

// The first min(want, length) bytes of buf made contiguous; *got is how many.
// nullptr when the buffer is empty or cannot be linearised.
const std::uint8_t* front(evbuffer* buf, std::size_t want, std::size_t* got) {
  std::size_t len = evbuffer_get_length(buf);
  *got = len < want ? len : want;
  if (*got == 0) return nullptr;
  return evbuffer_pullup(buf, static_cast<ev_ssize_t>(*got));
}

// Decodes the header at the front of buf without consuming anything.
wire::HeaderStatus peek_header(evbuffer* buf, wire::Header* h) {
  std::size_t got = 0;
  const std::uint8_t* p = front(buf, wire::kMaxHeaderBytes, &got);
  if (p == nullptr) return wire::HeaderStatus::kBadTag;
  return wire::decode_header(p, got, h);
}

// Reads a record header and drains it; the payload must be present.  Returns
// the payload length, or -1 (having drained the fields that decoded, as the
// reference does).
int take_header(evbuffer* buf, ev_uint32_t* ptag) {
  wire::Header h;
  switch (peek_header(buf, &h)) {
    case wire::HeaderStatus::kBadTag:
      return -1;
    case wire::HeaderStatus::kBadLength:
      evbuffer_drain(buf, static_cast<std::size_t>(h.tag_bytes));
      if (ptag != nullptr) *ptag = h.tag;
      return -1;
    case wire::HeaderStatus::kOk:
      break;
  }
  evbuffer_drain(buf, h.size());
  if (ptag != nullptr) *ptag = h.tag;
  if (evbuffer_get_length(buf) < h.length) return -1;
  // A payload above INT_MAX cannot be reported through an int.
  if (h.length > static_cast<std::uint32_t>(INT_MAX)) return -1;
  return static_cast<int>(h.length);
}

// evtag_unmarshal_int and _int64: tag, length, then an integer that must fit
// inside the payload.  The integer is decoded from the front of what remains
// and stored even when it turns out to run past the payload (the reference
// does; the bytes read are in the buffer either way).  Returns the integer's
// encoded size.
template <class T>
int unmarshal_integer(evbuffer* buf, ev_uint32_t need_tag, unsigned max_digits, T* out) {
  wire::Header h;
  switch (peek_header(buf, &h)) {
    case wire::HeaderStatus::kBadTag:
      return -1;
    case wire::HeaderStatus::kBadLength:
      evbuffer_drain(buf, static_cast<std::size_t>(h.tag_bytes));
      return -1;
    case wire::HeaderStatus::kOk:
      break;
  }
  if (h.tag != need_tag) {  // the reference consumed the tag before comparing
    evbuffer_drain(buf, static_cast<std::size_t>(h.tag_bytes));
    return -1;
  }
  evbuffer_drain(buf, h.size());
  if (evbuffer_get_length(buf) < h.length) return -1;
  std::size_t got = 0;
  const std::uint8_t* p = front(buf, wire::kMaxInt64Bytes, &got);
  std::uint64_t value = 0;
  int used = p != nullptr ? wire::decode_int(p, got, max_digits, &value) : -1;
  if (used >= 0) *out = static_cast<T>(value);
  evbuffer_drain(buf, h.length);
  if (used < 0 || static_cast<std::uint32_t>(used) > h.length) return -1;
  return used;
}

void add_tag(evbuffer* buf, ev_uint32_t tag) {
  std::uint8_t bytes[wire::kMaxTagBytes];
  evbuffer_add(buf, bytes, wire::encode_tag(bytes, tag));
}

void add_int(evbuffer* buf, std::uint64_t value) {
  std::uint8_t bytes[wire::kMaxInt64Bytes];
  evbuffer_add(buf, bytes, wire::encode_int(bytes, value));
}

// An integer record: tag, the integer's size, the integer.
void add_int_record(evbuffer* buf, ev_uint32_t tag, std::uint64_t value) {
  std::uint8_t bytes[wire::kMaxInt64Bytes];
  std::size_t n = wire::encode_int(bytes, value);
  add_tag(buf, tag);
  add_int(buf, n);
  evbuffer_add(buf, bytes, n);
}

// Drains an integer at the front of buf (evtag_decode_int*).
int take_int(evbuffer* buf, unsigned max_digits, std::uint64_t* value) {
  std::size_t got = 0;
  const std::uint8_t* p = front(buf, wire::kMaxInt64Bytes, &got);
  if (p == nullptr) return -1;
  int used = wire::decode_int(p, got, max_digits, value);
  if (used < 0) return -1;
  evbuffer_drain(buf, static_cast<std::size_t>(used));
  return 0;
}

}  // namespace

extern "C" {

void evtag_init(void) {}

int evtag_encode_tag(struct evbuffer* evbuf, ev_uint32_t tag) {
  std::uint8_t bytes[wire::kMaxTagBytes];
  std::size_t n = wire::encode_tag(bytes, tag);
  if (evbuf != nullptr) evbuffer_add(evbuf, bytes, n);
  return static_cast<int>(n);
}

int evtag_decode_tag(ev_uint32_t* ptag, struct evbuffer* evbuf) {
  if (evbuf == nullptr) return -1;
  std::size_t got = 0;
  const std::uint8_t* p = front(evbuf, wire::kMaxTagBytes, &got);
  if (p == nullptr) return -1;
  std::uint32_t tag = 0;
  int used = wire::decode_tag(p, got, &tag);
  if (used < 0) return -1;
  evbuffer_drain(evbuf, static_cast<std::size_t>(used));
  if (ptag != nullptr) *ptag = tag;
  return used;
}

void evtag_encode_int(struct evbuffer* evbuf, ev_uint32_t number) {
  if (evbuf == nullptr) return;
  add_int(evbuf, number);
}

void evtag_encode_int64(struct evbuffer* evbuf, ev_uint64_t number) {
  if (evbuf == nullptr) return;
  add_int(evbuf, number);
}

int evtag_decode_int(ev_uint32_t* pnumber, struct evbuffer* evbuf) {
  if (evbuf == nullptr || pnumber == nullptr) return -1;
  std::uint64_t v = 0;
  if (take_int(evbuf, 8, &v) < 0) return -1;
  *pnumber = static_cast<ev_uint32_t>(v);
  return 0;
}

int evtag_decode_int64(ev_uint64_t* pnumber, struct evbuffer* evbuf) {
  if (evbuf == nullptr || pnumber == nullptr) return -1;
  std::uint64_t v = 0;
  if (take_int(evbuf, 16, &v) < 0) return -1;
  *pnumber = v;
  return 0;
}

void evtag_marshal(struct evbuffer* evbuf, ev_uint32_t tag, const void* data, ev_uint32_t len) {
  if (evbuf == nullptr) return;
  add_tag(evbuf, tag);
  add_int(evbuf, len);
  if (len != 0) evbuffer_add(evbuf, data, len);
}

void evtag_marshal_buffer(struct evbuffer* evbuf, ev_uint32_t tag, struct evbuffer* data) {
  if (evbuf == nullptr || data == nullptr) return;
  add_tag(evbuf, tag);
  // The length field holds 32 bits, as in the reference.
  add_int(evbuf, static_cast<ev_uint32_t>(evbuffer_get_length(data)));
  evbuffer_add_buffer(evbuf, data);
}

void evtag_marshal_int(struct evbuffer* evbuf, ev_uint32_t tag, ev_uint32_t integer) {
  if (evbuf == nullptr) return;
  add_int_record(evbuf, tag, integer);
}

void evtag_marshal_int64(struct evbuffer* evbuf, ev_uint32_t tag, ev_uint64_t integer) {
  if (evbuf == nullptr) return;
  add_int_record(evbuf, tag, integer);
}

void evtag_marshal_string(struct evbuffer* buf, ev_uint32_t tag, const char* string) {
  if (buf == nullptr || string == nullptr) return;
  evtag_marshal(buf, tag, string, static_cast<ev_uint32_t>(std::strlen(string)));
}

void evtag_marshal_timeval(struct evbuffer* evbuf, ev_uint32_t tag, struct timeval* tv) {
  if (evbuf == nullptr || tv == nullptr) return;
  // Seconds and microseconds, each as a 32-bit integer (as the reference).
  std::uint8_t bytes[2 * wire::kMaxInt32Bytes];
  std::size_t n = wire::encode_int(bytes, static_cast<ev_uint32_t>(tv->tv_sec));
  n += wire::encode_int(bytes + n, static_cast<ev_uint32_t>(tv->tv_usec));
  evtag_marshal(evbuf, tag, bytes, static_cast<ev_uint32_t>(n));
}

int evtag_unmarshal_header(struct evbuffer* evbuf, ev_uint32_t* ptag) {
  if (evbuf == nullptr) return -1;
  return take_header(evbuf, ptag);
}

int evtag_unmarshal(struct evbuffer* src, ev_uint32_t* ptag, struct evbuffer* dst) {
  if (src == nullptr || dst == nullptr) return -1;
  int len = take_header(src, ptag);
  if (len < 0) return -1;
  if (evbuffer_remove_buffer(src, dst, static_cast<std::size_t>(len)) != len) return -1;
  return len;
}

int evtag_peek(struct evbuffer* evbuf, ev_uint32_t* ptag) {
  if (evbuf == nullptr) return -1;
  std::size_t got = 0;
  const std::uint8_t* p = front(evbuf, wire::kMaxTagBytes, &got);
  if (p == nullptr) return -1;
  std::uint32_t tag = 0;
  int used = wire::decode_tag(p, got, &tag);
  if (used >= 0 && ptag != nullptr) *ptag = tag;
  return used;
}

int evtag_peek_length(struct evbuffer* evbuf, ev_uint32_t* plength) {
  if (evbuf == nullptr || plength == nullptr) return -1;
  wire::Header h;
  if (peek_header(evbuf, &h) != wire::HeaderStatus::kOk) return -1;
  // The whole record's size; wraps as the reference's 32-bit sum does.
  *plength = h.length + static_cast<ev_uint32_t>(h.size());
  return 0;
}

int evtag_payload_length(struct evbuffer* evbuf, ev_uint32_t* plength) {
  if (evbuf == nullptr || plength == nullptr) return -1;
  wire::Header h;
  if (peek_header(evbuf, &h) != wire::HeaderStatus::kOk) return -1;
  *plength = h.length;
  return 0;
}

int evtag_consume(struct evbuffer* evbuf) {
  if (evbuf == nullptr) return -1;
  int len = take_header(evbuf, nullptr);
  if (len < 0) return -1;
  evbuffer_drain(evbuf, static_cast<std::size_t>(len));
  return 0;
}

int evtag_unmarshal_int(struct evbuffer* evbuf, ev_uint32_t need_tag, ev_uint32_t* pinteger) {
  if (evbuf == nullptr || pinteger == nullptr) return -1;
  return unmarshal_integer(evbuf, need_tag, 8, pinteger);
}

int evtag_unmarshal_int64(struct evbuffer* evbuf, ev_uint32_t need_tag, ev_uint64_t* pinteger) {
  if (evbuf == nullptr || pinteger == nullptr) return -1;
  return unmarshal_integer(evbuf, need_tag, 16, pinteger);
}

int evtag_unmarshal_fixed(struct evbuffer* src, ev_uint32_t need_tag, void* data, size_t len) {
  if (src == nullptr || (data == nullptr && len != 0)) return -1;
  ev_uint32_t tag = 0;
  int got = take_header(src, &tag);
  if (got < 0 || tag != need_tag) return -1;
  if (static_cast<size_t>(got) != len) return -1;
  if (len != 0) evbuffer_remove(src, data, len);
  return 0;
}

int evtag_unmarshal_string(struct evbuffer* evbuf, ev_uint32_t need_tag, char** pstring) {
  if (evbuf == nullptr || pstring == nullptr) return -1;
  ev_uint32_t tag = 0;
  int len = take_header(evbuf, &tag);
  if (len < 0 || tag != need_tag) return -1;
  char* s = static_cast<char*>(ev::mm_malloc(static_cast<std::size_t>(len) + 1));
  if (s == nullptr) {
    evpriv_warn("%s: malloc", __func__);
    return -1;
  }
  if (len != 0) evbuffer_remove(evbuf, s, static_cast<std::size_t>(len));
  s[len] = '\0';
  *pstring = s;
  return 0;
}

int evtag_unmarshal_timeval(struct evbuffer* evbuf, ev_uint32_t need_tag, struct timeval* ptv) {
  if (evbuf == nullptr || ptv == nullptr) return -1;
  ev_uint32_t tag = 0;
  int len = take_header(evbuf, &tag);
  if (len < 0) return -1;
  // Both integers are read from the front of what remains and stored as they
  // decode; the record fails if together they run past its payload.
  int result = -1;
  std::size_t got = 0;
  const std::uint8_t* p = front(evbuf, 2 * wire::kMaxInt32Bytes, &got);
  std::uint32_t sec = 0, usec = 0;
  int a = -1, b = -1;
  if (tag == need_tag && p != nullptr && (a = wire::decode_int32(p, got, &sec)) >= 0) {
    ptv->tv_sec = static_cast<time_t>(sec);
    b = wire::decode_int32(p + a, got - static_cast<std::size_t>(a), &usec);
    if (b >= 0) {
      ptv->tv_usec = static_cast<suseconds_t>(usec);
      if (a + b <= len) result = 0;
    }
  }
  evbuffer_drain(evbuf, static_cast<std::size_t>(len));
  return result;
}

}  // extern "C"
