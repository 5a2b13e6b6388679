// The server's request parser over arbitrary datagrams, then the response
// the server port would build for what parsed (questions echoed, one record
// per question, names compressed) at UDP and TCP sizes: the builder must
// stay inside its buffer, and our reply parser must accept what it built.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "evdns/message.hpp"
#include "evdns/wire.hpp"

using namespace ev::dns;

namespace {

struct Parsed {
  Question q[64];
  int n = 0;
};

bool collect(void* ctx, const Question& q) {
  auto* p = static_cast<Parsed*>(ctx);
  if (p->n == 64) return false;
  p->q[p->n++] = q;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65535) return 0;
  uint8_t* msg = static_cast<uint8_t*>(std::malloc(size != 0 ? size : 1));
  std::memcpy(msg, data, size);
  static Parsed p;
  p.n = 0;
  Header h;
  bool ok = parse_request(msg, size, &h, collect, &p);
  std::free(msg);
  if (!ok || p.n == 0) return 0;
  QuestionRef qs[64];
  Record recs[64];
  static const uint8_t addr[4] = {192, 0, 2, 1};
  int valid = 0;
  for (int i = 0; i < p.n; ++i) {
    if (!name_valid(p.q[i].name)) return 0;  // the port would not answer these either
    // A label holding a NUL byte reads as a shorter name (as in libevent);
    // when that leaves a trailing dot, the name written back differs.
    std::size_t len = std::strlen(p.q[i].name);
    if (len > 0 && p.q[i].name[len - 1] == '.') return 0;
    qs[i] = QuestionRef{p.q[i].name, p.q[i].type, p.q[i].cls};
    recs[valid++] = Record{p.q[i].name, kTypeA, kClassIN, 60, addr, 4, false};
  }
  const Record* sections[3] = {recs, recs, nullptr};
  int counts[3] = {valid, valid, 0};
  for (std::size_t cap : {std::size_t{512}, std::size_t{65535}}) {
    uint8_t* out = static_cast<uint8_t*>(std::malloc(cap));
    std::size_t n = build_response(out, cap, h.id, kFlagQR, qs, p.n, sections, counts);
    if (n > cap) std::abort();
    if (n != 0) {
      static Reply r;
      if (!parse_reply(out, n, p.q[0].name, p.q[0].type, true, &r)) std::abort();
    }
    std::free(out);
  }
  return 0;
}
