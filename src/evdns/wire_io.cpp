// Bounds-checked integer, byte and header access to DNS messages.
#include <cstring>

#include "evdns/wire.hpp"

namespace ev::dns {

bool Reader::u8(uint8_t* v) {
  if (!ok_ || len_ - off_ < 1) return fail();
  *v = msg_[off_++];
  return true;
}

bool Reader::u16(uint16_t* v) {
  if (!ok_ || len_ - off_ < 2) return fail();
  *v = static_cast<uint16_t>((msg_[off_] << 8) | msg_[off_ + 1]);
  off_ += 2;
  return true;
}

bool Reader::u32(uint32_t* v) {
  if (!ok_ || len_ - off_ < 4) return fail();
  *v = (static_cast<uint32_t>(msg_[off_]) << 24) | (static_cast<uint32_t>(msg_[off_ + 1]) << 16) |
       (static_cast<uint32_t>(msg_[off_ + 2]) << 8) | msg_[off_ + 3];
  off_ += 4;
  return true;
}

bool Reader::bytes(void* out, std::size_t n) {
  if (!ok_ || len_ - off_ < n) return fail();
  std::memcpy(out, msg_ + off_, n);
  off_ += n;
  return true;
}

bool Reader::skip(std::size_t n) {
  if (!ok_ || len_ - off_ < n) return fail();
  off_ += n;
  return true;
}

bool Reader::header(Header* h) {
  return u16(&h->id) && u16(&h->flags) && u16(&h->qdcount) && u16(&h->ancount) &&
         u16(&h->nscount) && u16(&h->arcount);
}

bool Reader::name(char* out) {
  if (!ok_) return false;
  if (!name_decode(msg_, len_, &off_, out)) return fail();
  return true;
}

bool Reader::skip_name() {
  char tmp[kNameBuf];
  return name(tmp);
}

bool Writer::u8(uint8_t v) {
  if (!ok_ || cap_ - off_ < 1) return fail();
  buf_[off_++] = v;
  return true;
}

bool Writer::u16(uint16_t v) {
  if (!ok_ || cap_ - off_ < 2) return fail();
  buf_[off_] = static_cast<uint8_t>(v >> 8);
  buf_[off_ + 1] = static_cast<uint8_t>(v);
  off_ += 2;
  return true;
}

bool Writer::u32(uint32_t v) {
  if (!ok_ || cap_ - off_ < 4) return fail();
  for (int i = 0; i < 4; ++i) buf_[off_ + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  off_ += 4;
  return true;
}

bool Writer::bytes(const void* p, std::size_t n) {
  if (!ok_ || cap_ - off_ < n) return fail();
  if (n != 0) std::memcpy(buf_ + off_, p, n);
  off_ += n;
  return true;
}

bool Writer::header(const Header& h) {
  return u16(h.id) && u16(h.flags) && u16(h.qdcount) && u16(h.ancount) && u16(h.nscount) &&
         u16(h.arcount);
}

void Writer::set_u16_at(std::size_t off, uint16_t v) {
  if (off + 2 > off_) return;
  buf_[off] = static_cast<uint8_t>(v >> 8);
  buf_[off + 1] = static_cast<uint8_t>(v);
}

}  // namespace ev::dns
