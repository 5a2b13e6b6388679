// The DNS wire format (RFC 1035 section 4): bounds-checked readers and
// writers for messages, names with compression pointers, and the record
// constants evdns uses.  Pure functions over bytes, no IO: the resolver, the
// server port, the unit tests and the fuzz targets all call these directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ev::dns {

constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeNS = 2;
constexpr uint16_t kTypeCNAME = 5;
constexpr uint16_t kTypeSOA = 6;
constexpr uint16_t kTypePTR = 12;
constexpr uint16_t kTypeAAAA = 28;
constexpr uint16_t kClassIN = 1;

constexpr uint16_t kFlagQR = 0x8000;
constexpr uint16_t kFlagOpcode = 0x7800;
constexpr uint16_t kFlagAA = 0x0400;
constexpr uint16_t kFlagTC = 0x0200;
constexpr uint16_t kFlagRD = 0x0100;
constexpr uint16_t kFlagRA = 0x0080;
constexpr uint16_t kRcodeMask = 0x000f;

constexpr std::size_t kHeaderLen = 12;
// Longest name on the wire (labels, their length bytes and the root byte).
constexpr std::size_t kMaxWireName = 255;
// Room for the longest name as dotted text plus its NUL.
constexpr std::size_t kNameBuf = 256;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kUdpMax = 512;

struct Header {
  uint16_t id = 0;
  uint16_t flags = 0;
  uint16_t qdcount = 0;
  uint16_t ancount = 0;
  uint16_t nscount = 0;
  uint16_t arcount = 0;
};

// Reads a message front to back; every read checks the bounds and a failed
// read leaves ok() false (and all further reads fail too).
class Reader {
 public:
  Reader(const uint8_t* msg, std::size_t len) : msg_(msg), len_(len) {}
  bool ok() const { return ok_; }
  std::size_t offset() const { return off_; }
  std::size_t remaining() const { return ok_ ? len_ - off_ : 0; }
  // The small reads are inline: the server answers a query with a few
  // dozen of them.
  bool u8(uint8_t* v) {
    if (!ok_ || len_ - off_ < 1) return fail();
    *v = msg_[off_++];
    return true;
  }
  bool u16(uint16_t* v) {
    if (!ok_ || len_ - off_ < 2) return fail();
    *v = static_cast<uint16_t>((msg_[off_] << 8) | msg_[off_ + 1]);
    off_ += 2;
    return true;
  }
  bool u32(uint32_t* v) {
    if (!ok_ || len_ - off_ < 4) return fail();
    *v = (static_cast<uint32_t>(msg_[off_]) << 24) | (static_cast<uint32_t>(msg_[off_ + 1]) << 16) |
         (static_cast<uint32_t>(msg_[off_ + 2]) << 8) | msg_[off_ + 3];
    off_ += 4;
    return true;
  }
  bool bytes(void* out, std::size_t n) {
    if (!ok_ || len_ - off_ < n) return fail();
    if (n != 0) std::memcpy(out, msg_ + off_, n);
    off_ += n;
    return true;
  }
  bool skip(std::size_t n) {
    if (!ok_ || len_ - off_ < n) return fail();
    off_ += n;
    return true;
  }
  bool header(Header* h) {
    if (!ok_ || len_ - off_ < kHeaderLen) return fail();
    const uint8_t* p = msg_ + off_;
    h->id = static_cast<uint16_t>((p[0] << 8) | p[1]);
    h->flags = static_cast<uint16_t>((p[2] << 8) | p[3]);
    h->qdcount = static_cast<uint16_t>((p[4] << 8) | p[5]);
    h->ancount = static_cast<uint16_t>((p[6] << 8) | p[7]);
    h->nscount = static_cast<uint16_t>((p[8] << 8) | p[9]);
    h->arcount = static_cast<uint16_t>((p[10] << 8) | p[11]);
    off_ += kHeaderLen;
    return true;
  }
  // A possibly compressed name as dotted text into out[kNameBuf].
  bool name(char* out);
  bool skip_name();
  const uint8_t* data() const { return msg_; }
  std::size_t size() const { return len_; }

 private:
  bool fail() { return ok_ = false; }
  const uint8_t* msg_;
  std::size_t len_;
  std::size_t off_ = 0;
  bool ok_ = true;
};

// Decodes the name starting at *off in msg[0, len) into out[kNameBuf] as
// dotted text ("" for the root) and moves *off past it.  Fails on a label
// running past the end, a label length with the reserved 01/10 prefixes, a
// compression pointer that does not point strictly before every place the
// name has been read from so far (so pointers can neither loop nor point
// forward), and a name longer than 255 bytes on the wire.
bool name_decode(const uint8_t* msg, std::size_t len, std::size_t* off, char* out);

// Remembers where names were written so later names can point at them.
class NameTable {
 public:
  static constexpr int kSlots = 128;
  // The offset of a name equal (byte for byte) to text[0, n), or -1.
  int find(const uint8_t* msg, const char* text, std::size_t n) const;
  void add(std::size_t offset);
  int size() const { return count_; }
  void truncate(int size) { count_ = size; }

 private:
  uint16_t offsets_[kSlots];
  int count_ = 0;
};

// Writes a message into a caller's buffer of fixed capacity; a write that
// does not fit writes nothing and leaves ok() false.
class Writer {
 public:
  Writer(uint8_t* buf, std::size_t cap) : buf_(buf), cap_(cap) {}
  bool ok() const { return ok_; }
  std::size_t size() const { return off_; }
  uint8_t* data() { return buf_; }
  bool u8(uint8_t v) {
    if (!ok_ || cap_ - off_ < 1) return fail();
    buf_[off_++] = v;
    return true;
  }
  bool u16(uint16_t v) {
    if (!ok_ || cap_ - off_ < 2) return fail();
    put16(off_, v);
    off_ += 2;
    return true;
  }
  bool u32(uint32_t v) {
    if (!ok_ || cap_ - off_ < 4) return fail();
    put16(off_, static_cast<uint16_t>(v >> 16));
    put16(off_ + 2, static_cast<uint16_t>(v));
    off_ += 4;
    return true;
  }
  bool bytes(const void* p, std::size_t n) {
    if (!ok_ || cap_ - off_ < n) return fail();
    if (n != 0) std::memcpy(buf_ + off_, p, n);
    off_ += n;
    return true;
  }
  bool header(const Header& h) {
    if (!ok_ || cap_ - off_ < kHeaderLen) return fail();
    put16(off_, h.id);
    put16(off_ + 2, h.flags);
    put16(off_ + 4, h.qdcount);
    put16(off_ + 6, h.ancount);
    put16(off_ + 8, h.nscount);
    put16(off_ + 10, h.arcount);
    off_ += kHeaderLen;
    return true;
  }
  // Writes `name` (dotted text, one optional trailing dot) as labels,
  // pointing into `table` when a suffix was written before (table may be
  // null).  Returns 0, kNameInvalid for an empty label, a label over 63
  // bytes or a name over 255 wire bytes, or kNameNoRoom.
  int name(const char* name, NameTable* table);
  void set_u16_at(std::size_t off, uint16_t v) {
    if (off + 2 > off_) return;
    put16(off, v);
  }
  void truncate(std::size_t size) {
    off_ = size;
    ok_ = true;
  }

 private:
  bool fail() { return ok_ = false; }
  void put16(std::size_t at, uint16_t v) {
    buf_[at] = static_cast<uint8_t>(v >> 8);
    buf_[at + 1] = static_cast<uint8_t>(v);
  }
  uint8_t* buf_;
  std::size_t cap_;
  std::size_t off_ = 0;
  bool ok_ = true;
};

constexpr int kNameInvalid = -1;
constexpr int kNameNoRoom = -2;

// Whether `name` can be encoded (non-empty labels of at most 63 bytes, at
// most 255 wire bytes).
bool name_valid(const char* name);
// strlen(name) when name_valid(name), else -1.
long name_text_length(const char* name);
// ASCII case-insensitive comparison of two names as text.
bool name_equal(const char* a, const char* b);

}  // namespace ev::dns
