// Queries, replies, requests and responses (see message.hpp).
#include "evdns/message.hpp"

#include <cstring>

namespace ev::dns {

std::size_t build_query(uint8_t* buf, std::size_t cap, uint16_t id, const char* name, uint16_t type,
                        bool recurse) {
  Writer w(buf, cap);
  Header h;
  h.id = id;
  h.flags = recurse ? kFlagRD : 0;
  h.qdcount = 1;
  if (!w.header(h)) return 0;
  if (w.name(name, nullptr) != 0) return 0;
  if (!w.u16(type) || !w.u16(kClassIN)) return 0;
  return w.size();
}

namespace {

constexpr int kMaxChain = 8;

struct Chain {
  char names[kMaxChain][kNameBuf];
  int n = 0;
  bool has(const char* name) const {
    for (int i = 0; i < n; ++i)
      if (name_equal(names[i], name)) return true;
    return false;
  }
  void add(const char* name) {
    std::size_t len = std::strlen(name);
    if (len >= kNameBuf || n == kMaxChain || has(name)) return;
    std::memcpy(names[n++], name, len + 1);
  }
};

void take_ttl(Reply* out, uint32_t ttl) {
  if (ttl < out->ttl) out->ttl = ttl;
}

// Reads one answer record; false when malformed.  With `loose`, records of
// the asked type count whatever their owner (libevent's rule, the fallback
// when no record belongs to the asked name or its CNAME chain).
bool answer(Reader& r, uint16_t qtype, Chain& chain, bool loose, Reply* out) {
  char owner[kNameBuf];
  uint16_t type, cls, rdlen;
  uint32_t ttl;
  if (!r.name(owner) || !r.u16(&type) || !r.u16(&cls) || !r.u32(&ttl) || !r.u16(&rdlen))
    return false;
  if (r.remaining() < rdlen) return false;
  std::size_t end = r.offset() + rdlen;
  bool mine = (loose || chain.has(owner)) && cls == kClassIN;
  if (mine && type == kTypeCNAME) {
    char target[kNameBuf];
    Reader sub(r.data(), end);
    sub.skip(r.offset());
    if (!sub.name(target) || sub.offset() != end) return false;
    if (out->cname[0] == '\0') std::memcpy(out->cname, target, kNameBuf);
    chain.add(target);
  } else if (mine && type == qtype && (type == kTypeA || type == kTypeAAAA)) {
    std::size_t size = type == kTypeA ? 4 : 16;
    if (rdlen % size != 0) return false;
    for (std::size_t i = 0; i < rdlen / size && out->count < kMaxAddrs; ++i) {
      std::memcpy(out->addrs + out->count * size, r.data() + r.offset() + i * size, size);
      ++out->count;
    }
    out->have_answer = true;
    take_ttl(out, ttl);
  } else if (mine && type == qtype && type == kTypePTR && !out->have_answer) {
    Reader sub(r.data(), end);
    sub.skip(r.offset());
    if (!sub.name(out->ptr) || sub.offset() != end) return false;
    out->have_answer = true;
    take_ttl(out, ttl);
  }
  return r.skip(rdlen);
}

// Takes the negative-caching TTL from an SOA record in the authority section.
bool authority(Reader& r, Reply* out) {
  uint16_t type, cls, rdlen;
  uint32_t ttl;
  if (!r.skip_name() || !r.u16(&type) || !r.u16(&cls) || !r.u32(&ttl) || !r.u16(&rdlen))
    return false;
  if (r.remaining() < rdlen) return false;
  std::size_t end = r.offset() + rdlen;
  if (type == kTypeSOA && cls == kClassIN) {
    Reader sub(r.data(), end);
    sub.skip(r.offset());
    uint32_t v[5];
    if (!sub.skip_name() || !sub.skip_name()) return false;
    for (uint32_t& x : v)
      if (!sub.u32(&x)) return false;
    take_ttl(out, ttl);
    take_ttl(out, v[4]);
  }
  return r.skip(rdlen);
}

}  // namespace

bool parse_reply(const uint8_t* msg, std::size_t len, const char* qname, uint16_t qtype,
                 bool exact_case, Reply* out) {
  Reader r(msg, len);
  out->have_answer = false;
  out->ttl = 0xffffffffu;
  out->count = 0;
  out->ptr[0] = out->cname[0] = '\0';
  if (!r.header(&out->h)) return false;
  if (!(out->h.flags & kFlagQR)) return false;
  bool matched = false;
  for (unsigned i = 0; i < out->h.qdcount; ++i) {
    char name[kNameBuf];
    uint16_t type, cls;
    if (!r.name(name) || !r.u16(&type) || !r.u16(&cls)) return false;
    bool same = exact_case ? std::strcmp(name, qname) == 0 : name_equal(name, qname);
    if (same && type == qtype) matched = true;
  }
  if (!matched) return false;
  std::size_t answers_at = r.offset();
  Chain chain;
  chain.add(qname);
  for (unsigned i = 0; i < out->h.ancount; ++i)
    if (!answer(r, qtype, chain, false, out)) return false;
  if (!out->have_answer && out->h.ancount != 0) {
    Reader again(msg, len);
    again.skip(answers_at);
    for (unsigned i = 0; i < out->h.ancount; ++i)
      if (!answer(again, qtype, chain, true, out)) return false;
  }
  if (!out->have_answer) {
    for (unsigned i = 0; i < out->h.nscount; ++i)
      if (!authority(r, out)) break;  // the answer stands without a usable SOA
  }
  if (out->ttl == 0xffffffffu) out->ttl = 0;
  return true;
}

bool parse_request(const uint8_t* msg, std::size_t len, Header* h,
                   bool (*on_question)(void* ctx, const Question& q), void* ctx) {
  Reader r(msg, len);
  if (!r.header(h)) return false;
  if (h->flags & kFlagQR) return false;
  Question q;
  for (unsigned i = 0; i < h->qdcount; ++i) {
    if (!r.name(q.name) || !r.u16(&q.type) || !r.u16(&q.cls)) return false;
    if (!on_question(ctx, q)) return false;
  }
  return true;
}

namespace {

bool write_record(Writer& w, const Record& rec, NameTable* table) {
  if (w.name(rec.name, table) != 0) return false;
  if (!w.u16(rec.type) || !w.u16(rec.cls) || !w.u32(rec.ttl)) return false;
  std::size_t len_at = w.size();
  if (!w.u16(0)) return false;
  if (rec.is_name) {
    if (w.name(reinterpret_cast<const char*>(rec.data), table) != 0) return false;
  } else if (!w.bytes(rec.data, rec.datalen)) {
    return false;
  }
  std::size_t rdlen = w.size() - len_at - 2;
  if (rdlen > 0xffff) return false;
  w.set_u16_at(len_at, static_cast<uint16_t>(rdlen));
  return true;
}

}  // namespace

std::size_t build_response(uint8_t* buf, std::size_t cap, uint16_t id, uint16_t flags,
                           const QuestionRef* questions, int nquestions,
                           const Record* const sections[3], const int counts[3]) {
  Writer w(buf, cap);
  NameTable table;
  Header h;
  h.id = id;
  h.flags = flags;
  h.qdcount = static_cast<uint16_t>(nquestions);
  if (!w.header(h)) return 0;
  for (int i = 0; i < nquestions; ++i) {
    if (w.name(questions[i].name, &table) != 0) return 0;
    if (!w.u16(questions[i].type) || !w.u16(questions[i].cls)) return 0;
  }
  uint16_t written[3] = {0, 0, 0};
  bool truncated = false;
  for (int s = 0; s < 3 && !truncated; ++s) {
    for (int i = 0; i < counts[s]; ++i) {
      std::size_t before = w.size();
      int saved = table.size();  // names are only ever appended
      if (!write_record(w, sections[s][i], &table)) {
        w.truncate(before);
        table.truncate(saved);
        truncated = true;
        break;
      }
      ++written[s];
    }
  }
  if (truncated) flags |= kFlagTC;
  w.set_u16_at(2, flags);
  w.set_u16_at(6, written[0]);
  w.set_u16_at(8, written[1]);
  w.set_u16_at(10, written[2]);
  return w.size();
}

}  // namespace ev::dns
