// Searching an evbuffer: byte strings, single bytes and line endings.
// Matches may straddle blocks.  Byte strings are scanned block by block
// (needle_scan.cpp), bytes with memchr().
#include <cstring>

#include "evbuffer/buffer.hpp"
#include "evbuffer/needle_scan.hpp"

using ev::Chain;

namespace {

// Whether the `len` bytes starting at offset `in` of `c` equal `what`; the
// caller guarantees that many bytes exist.
bool matches_at(const Chain* c, size_t in, const unsigned char* what, size_t len) {
  while (len > 0) {
    size_t k = c->off - in < len ? c->off - in : len;
    if (std::memcmp(c->data() + in, what, k) != 0) return false;
    what += k;
    len -= k;
    c = c->next;
    in = 0;
  }
  return true;
}

}  // namespace

ev_ssize_t evbuffer::find(const unsigned char* what, size_t len, size_t from, size_t limit) {
  if (limit > total_len) limit = total_len;
  if (len == 0 || from > limit || limit - from < len) return -1;
  const size_t last_start = limit - len;
  size_t in = 0;
  Chain* c = locate(from, &in);
  // `base` is the buffer offset of c's first live byte.
  for (size_t base = from - in; c != nullptr && base + in <= last_start;
       base += c->off, c = c->next, in = 0) {
    const unsigned char* p = c->data();
    const size_t stop = last_start - base;  // last start allowed, in c's terms
    // Starts whose whole match lies in this block: the vectorised scan.
    if (c->off >= len) {
      size_t to = c->off - len < stop ? c->off - len : stop;
      size_t hit = ev::scan_needle(p, in, to, what, len);
      if (hit != ev::kNoMatch) return static_cast<ev_ssize_t>(base + hit);
      if (in <= to) in = to + 1;
    }
    // Starts whose match would run into the next blocks (fewer than len).
    size_t to = c->off - 1 < stop ? c->off - 1 : stop;
    for (; in <= to; ++in) {
      if (p[in] == what[0] && matches_at(c, in, what, len))
        return static_cast<ev_ssize_t>(base + in);
    }
  }
  return -1;
}

ev_ssize_t evbuffer::find_byte(unsigned char b, size_t from) {
  size_t in = 0;
  size_t pos = from;
  for (Chain* c = locate(from, &in); c != nullptr; c = c->next, in = 0) {
    const unsigned char* p = c->data() + in;
    const void* hit = std::memchr(p, b, c->off - in);
    if (hit != nullptr) {
      auto d = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
      return static_cast<ev_ssize_t>(pos + d);
    }
    pos += c->off - in;
  }
  return -1;
}

ev_ssize_t evbuffer::find_any(const char* set, size_t from) {
  size_t in = 0;
  Chain* c = locate(from, &in);
  size_t pos = from;
  size_t set_len = std::strlen(set);
  for (; c != nullptr; c = c->next, in = 0) {
    const unsigned char* p = c->data() + in;
    size_t n = c->off - in;
    // The earliest hit of any byte of the set in this block.
    size_t best = n;
    for (size_t i = 0; i < set_len; ++i) {
      const void* hit = std::memchr(p, static_cast<unsigned char>(set[i]), best);
      if (hit != nullptr) best = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
    }
    if (best < n) return static_cast<ev_ssize_t>(pos + best);
    pos += n;
  }
  return -1;
}

size_t evbuffer::span(const char* set, size_t from) {
  size_t in = 0;
  size_t count = 0;
  for (Chain* c = locate(from, &in); c != nullptr; c = c->next, in = 0) {
    for (; in < c->off; ++in, ++count) {
      if (std::strchr(set, c->data()[in]) == nullptr || c->data()[in] == 0) return count;
    }
  }
  return count;
}

unsigned char evbuffer::byte_at(size_t pos) {
  size_t in = 0;
  Chain* c = locate(pos, &in);
  return c != nullptr ? c->data()[in] : 0;
}

ev_ssize_t evbuffer::find_eol(size_t from, evbuffer_eol_style style, size_t* eol_len) {
  *eol_len = 0;
  ev_ssize_t at = -1;
  switch (style) {
    case EVBUFFER_EOL_ANY:
      at = find_any("\r\n", from);
      if (at >= 0) *eol_len = span("\r\n", static_cast<size_t>(at));
      return at;
    case EVBUFFER_EOL_CRLF: {
      // A lone CR belongs to the line, so the first LF ends it, together
      // with the CR just before it (if that CR is past `from`).
      at = find_byte('\n', from);
      if (at < 0) return -1;
      *eol_len = 1;
      if (static_cast<size_t>(at) > from && byte_at(static_cast<size_t>(at) - 1) == '\r') {
        *eol_len = 2;
        --at;
      }
      return at;
    }
    case EVBUFFER_EOL_CRLF_STRICT:
      at = find(reinterpret_cast<const unsigned char*>("\r\n"), 2, from, total_len);
      if (at >= 0) *eol_len = 2;
      return at;
    case EVBUFFER_EOL_LF:
    case EVBUFFER_EOL_NUL: {
      unsigned char b = style == EVBUFFER_EOL_LF ? '\n' : '\0';
      at = find_byte(b, from);
      if (at >= 0) *eol_len = 1;
      return at;
    }
  }
  return -1;
}
