// Event tagging over arbitrary bytes: the pure decoders of src/tag/wire.hpp
// on an exact-size copy (any over-read is an ASan report), re-encoding what
// decodes, and every evtag_unmarshal* entry point walking an evbuffer
// holding the input until it fails or empties.
#include <event2/buffer.h>
#include <event2/tag.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <sys/time.h>

#include "tag/wire.hpp"

namespace wire = ev::tag;

// Exported by libevent without a declaration in 2.1.12's headers.
extern "C" {
int evtag_decode_tag(ev_uint32_t* ptag, struct evbuffer* evbuf);
int evtag_decode_int(ev_uint32_t* pnumber, struct evbuffer* evbuf);
int evtag_decode_int64(ev_uint64_t* pnumber, struct evbuffer* evbuf);
}

namespace {

void check_pure(const uint8_t* data, size_t size) {
  std::uint32_t tag = 0;
  int t = wire::decode_tag(data, size, &tag);
  if (t > static_cast<int>(wire::kMaxTagBytes) || (t >= 0 && static_cast<size_t>(t) > size))
    std::abort();
  if (t > 0) {
    // A decoded tag re-encodes to a canonical form no longer than the input.
    std::uint8_t again[wire::kMaxTagBytes];
    std::uint32_t back = 0;
    size_t n = wire::encode_tag(again, tag);
    if (n > static_cast<size_t>(t) || wire::decode_tag(again, n, &back) != static_cast<int>(n) ||
        back != tag)
      std::abort();
  }
  std::uint64_t v = 0;
  int i = wire::decode_int(data, size, 16, &v);
  if (i >= 0) {
    if (static_cast<size_t>(i) > size) std::abort();
    std::uint8_t again[wire::kMaxInt64Bytes];
    std::uint64_t back = 0;
    size_t n = wire::encode_int(again, v);
    if (wire::decode_int(again, n, 16, &back) != static_cast<int>(n) || back != v) std::abort();
  }
  std::uint32_t v32 = 0;
  int j = wire::decode_int32(data, size, &v32);
  if (j >= 0 && (i != j || v32 != v)) std::abort();  // a 32-bit value is a 64-bit one
  wire::Header h;
  if (wire::decode_header(data, size, &h) == wire::HeaderStatus::kOk &&
      (h.size() > size || h.size() > wire::kMaxHeaderBytes))
    std::abort();
}

// Walks the buffer with the decoder chosen by each record's tag; every call
// must consume something or fail, so the loop ends.
void walk(evbuffer* buf) {
  evbuffer* dst = evbuffer_new();
  for (int steps = 0; steps < 1000 && evbuffer_get_length(buf) > 0; ++steps) {
    size_t before = evbuffer_get_length(buf);
    ev_uint32_t tag = 0, len = 0;
    if (evtag_peek(buf, &tag) < 0) break;
    evtag_peek_length(buf, &len);
    evtag_payload_length(buf, &len);
    int r = -1;
    ev_uint32_t u32;
    ev_uint64_t u64;
    timeval tv;
    char* s = nullptr;
    unsigned char fixed[8];
    switch (tag % 7) {
      case 0:
        r = evtag_unmarshal_int(buf, tag, &u32);
        break;
      case 1:
        r = evtag_unmarshal_int64(buf, tag, &u64);
        break;
      case 2:
        r = evtag_unmarshal_string(buf, tag, &s);
        break;
      case 3:
        r = evtag_unmarshal_timeval(buf, tag, &tv);
        break;
      case 4:
        r = evtag_unmarshal_fixed(buf, tag, fixed, sizeof fixed);
        break;
      case 5:
        r = evtag_unmarshal(buf, &tag, dst);
        break;
      case 6:
        r = evtag_consume(buf);
        break;
    }
    if (s != nullptr) {
      if (r != 0) std::abort();
      std::free(s);
    }
    if (evbuffer_get_length(buf) > before) std::abort();
    if (r < 0 && evbuffer_get_length(buf) == before) break;
  }
  evbuffer_free(dst);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  auto* copy = static_cast<uint8_t*>(std::malloc(size ? size : 1));
  if (copy == nullptr) return 0;
  std::memcpy(copy, data, size);
  check_pure(copy, size);
  std::free(copy);

  evbuffer* buf = evbuffer_new();
  evbuffer_add(buf, data, size);
  walk(buf);
  evbuffer_free(buf);

  // The raw integer/tag decoders too.
  buf = evbuffer_new();
  evbuffer_add(buf, data, size);
  ev_uint32_t u32;
  ev_uint64_t u64;
  while (evbuffer_get_length(buf) > 0 &&
         (evtag_decode_tag(&u32, buf) > 0 || evtag_decode_int(&u32, buf) == 0 ||
          evtag_decode_int64(&u64, buf) == 0)) {
  }
  evbuffer_free(buf);
  return 0;
}
