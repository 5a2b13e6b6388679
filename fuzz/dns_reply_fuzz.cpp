// The resolver's reply parser over arbitrary datagrams: parse_reply for the
// question the packet itself carries (and a fixed one), both case modes and
// all three record types, and name_decode from every early offset.  Must
// never read outside the datagram (ASan) nor loop.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "evdns/message.hpp"
#include "evdns/wire.hpp"

using namespace ev::dns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65535) return 0;
  // An exact-size copy, so any overread is caught.
  uint8_t* msg = static_cast<uint8_t*>(std::malloc(size != 0 ? size : 1));
  std::memcpy(msg, data, size);
  char qname[kNameBuf] = "a.example";
  Reader r(msg, size);
  Header h;
  if (r.header(&h) && h.qdcount > 0) r.name(qname);
  if (std::strlen(qname) >= kNameBuf) std::abort();
  static Reply reply;
  const uint16_t types[] = {kTypeA, kTypeAAAA, kTypePTR};
  for (uint16_t t : types) {
    for (bool exact : {false, true}) {
      if (parse_reply(msg, size, qname, t, exact, &reply)) {
        if (reply.count < 0 || reply.count > kMaxAddrs) std::abort();
        if (std::strlen(reply.ptr) >= kNameBuf || std::strlen(reply.cname) >= kNameBuf)
          std::abort();
      }
    }
  }
  parse_reply(msg, size, "a.example", kTypeA, false, &reply);
  for (std::size_t off = 0; off < size && off < 64; ++off) {
    char out[kNameBuf];
    std::size_t o = off;
    if (name_decode(msg, size, &o, out)) {
      if (o > size || std::strlen(out) > 253) std::abort();
    }
  }
  std::free(msg);
  return 0;
}
