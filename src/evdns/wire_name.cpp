// DNS names on the wire: decoding with compression pointers, encoding with
// a table of earlier names, and validity checks.
#include <cstring>

#include "evdns/wire.hpp"

namespace ev::dns {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Exact comparison: a suffix is only reused with the case it was written
// in, so names keep the case the server's callback gave them.
bool labels_equal(const uint8_t* a, const char* b, std::size_t n) {
  return std::memcmp(a, b, n) == 0;
}

// Length of the wire form of text name[0, n) (one trailing dot allowed):
// -1 when invalid.  One memchr per label.
long wire_length(const char* name, std::size_t n) {
  if (n > 0 && name[n - 1] == '.') --n;
  if (n == 0) return 1;
  if (n + 2 > kMaxWireName) return -1;  // the wire form is always n + 2 bytes
  std::size_t total = 1;
  std::size_t i = 0;
  for (;;) {
    const char* dot = static_cast<const char*>(std::memchr(name + i, '.', n - i));
    std::size_t j = dot != nullptr ? static_cast<std::size_t>(dot - name) : n;
    std::size_t label = j - i;
    if (label == 0 || label > kMaxLabel) return -1;
    total += label + 1;
    if (j == n) break;
    i = j + 1;
  }
  if (total > kMaxWireName) return -1;
  return static_cast<long>(total);
}

}  // namespace

bool name_decode(const uint8_t* msg, std::size_t len, std::size_t* off, char* out) {
  std::size_t pos = *off;
  std::size_t end_after = 0;  // where the caller resumes: after the first pointer
  bool jumped = false;
  std::size_t lowest = pos;  // every pointer must go strictly below this
  std::size_t wire = 0;      // wire bytes of the name so far
  std::size_t text = 0;
  for (;;) {
    if (pos >= len) return false;
    uint8_t b = msg[pos];
    if ((b & 0xc0) == 0xc0) {
      if (pos + 1 >= len) return false;
      std::size_t target = (static_cast<std::size_t>(b & 0x3f) << 8) | msg[pos + 1];
      if (!jumped) end_after = pos + 2;
      jumped = true;
      if (target >= lowest) return false;  // loops, self and forward pointers
      lowest = target;
      pos = target;
      continue;
    }
    if ((b & 0xc0) != 0) return false;  // 01 and 10 prefixes are reserved
    ++pos;
    wire += 1u + b;
    if (wire > kMaxWireName) return false;
    if (b == 0) break;
    if (pos + b > len) return false;
    if (text != 0) out[text++] = '.';
    std::memcpy(out + text, msg + pos, b);
    text += b;
    pos += b;
  }
  out[text] = '\0';
  *off = jumped ? end_after : pos;
  return true;
}

int NameTable::find(const uint8_t* msg, const char* text, std::size_t n) const {
  for (int i = 0; i < count_; ++i) {
    // Compare the text against the uncompressed labels written at the slot
    // (the table only records positions of labels we wrote ourselves, and
    // follows our own pointers).
    std::size_t pos = offsets_[i];
    std::size_t t = 0;
    bool match = true;
    for (int hops = 0; hops < 128; ++hops) {
      uint8_t b = msg[pos];
      if ((b & 0xc0) == 0xc0) {
        pos = (static_cast<std::size_t>(b & 0x3f) << 8) | msg[pos + 1];
        continue;
      }
      if (b == 0) {
        match = (t == n);
        break;
      }
      if (t != 0) {
        if (t >= n || text[t] != '.') {
          match = false;
          break;
        }
        ++t;
      }
      if (t + b > n || !labels_equal(msg + pos + 1, text + t, b)) {
        match = false;
        break;
      }
      t += b;
      pos += 1u + b;
    }
    if (match) return offsets_[i];
  }
  return -1;
}

void NameTable::add(std::size_t offset) {
  if (offset > 0x3fff || count_ == kSlots) return;
  offsets_[count_++] = static_cast<uint16_t>(offset);
}

int Writer::name(const char* name, NameTable* table) {
  // One pass: labels are checked as they are written, and a bad name
  // leaves nothing behind.
  std::size_t n = std::strlen(name);
  if (n > 0 && name[n - 1] == '.') --n;
  std::size_t start_off = off_;
  std::size_t wire = 1;
  std::size_t i = 0;
  // Where this name's labels start; they become compression targets only
  // once the whole name is written (a half-written name must never be
  // matched, nor one that failed).
  uint16_t label_offsets[kMaxWireName / 2];
  int nlabels = 0;
  auto fail_with = [&](int code) {
    off_ = start_off;
    if (code == kNameNoRoom) ok_ = false;
    return code;
  };
  auto remember = [&]() {
    if (table != nullptr)
      for (int k = 0; k < nlabels; ++k) table->add(label_offsets[k]);
  };
  if (!ok_) return kNameNoRoom;
  if (n > 0 && name[n - 1] == '.') return kNameInvalid;  // an empty last label ("a.b..")
  while (i < n) {
    if (table != nullptr && table->size() != 0) {
      int at = table->find(buf_, name + i, n - i);
      if (at >= 0) {
        // The suffix was written before, so it is valid; the whole name
        // must still fit in 255 bytes.
        if (wire + (n - i) + 1 > kMaxWireName) return fail_with(kNameInvalid);
        if (cap_ - off_ < 2) return fail_with(kNameNoRoom);
        buf_[off_] = static_cast<uint8_t>(0xc0 | (at >> 8));
        buf_[off_ + 1] = static_cast<uint8_t>(at);
        off_ += 2;
        remember();
        return 0;
      }
    }
    const char* dot = static_cast<const char*>(std::memchr(name + i, '.', n - i));
    std::size_t j = dot != nullptr ? static_cast<std::size_t>(dot - name) : n;
    std::size_t label = j - i;
    if (label == 0 || label > kMaxLabel) return fail_with(kNameInvalid);
    wire += label + 1;
    if (wire > kMaxWireName) return fail_with(kNameInvalid);
    if (cap_ - off_ < 1 + label) return fail_with(kNameNoRoom);
    label_offsets[nlabels++] = static_cast<uint16_t>(off_ > 0xffff ? 0xffff : off_);
    buf_[off_++] = static_cast<uint8_t>(label);
    std::memcpy(buf_ + off_, name + i, label);
    off_ += label;
    i = j + 1;
  }
  if (cap_ - off_ < 1) return fail_with(kNameNoRoom);
  buf_[off_++] = 0;
  remember();
  return 0;
}

bool name_valid(const char* name) { return wire_length(name, std::strlen(name)) >= 0; }

long name_text_length(const char* name) {
  std::size_t n = std::strlen(name);
  return wire_length(name, n) >= 0 ? static_cast<long>(n) : -1;
}

bool name_equal(const char* a, const char* b) {
  if (std::strcmp(a, b) == 0) return true;  // the usual case, at memcmp speed
  for (;; ++a, ++b) {
    if (lower(*a) != lower(*b)) return false;
    if (*a == '\0') return true;
  }
}

}  // namespace ev::dns
