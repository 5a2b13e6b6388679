// Numeric address text <-> binary: evutil_inet_pton, evutil_inet_ntop,
// evutil_inet_pton_scope.
//
// libevent parses and formats addresses itself rather than calling the C
// library, and programs see the difference (it accepts " 1.2.3.4", for
// instance), so the rules below reproduce libevent's observable behaviour.
// The one deliberate difference: evutil_inet_ntop returns NULL instead of a
// silently truncated IPv6 string when the text is exactly len characters.
#include <event2/util.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "util/chars.hpp"
#include "util/inet.hpp"

namespace ev {
namespace {

// One "%u" conversion as scanf performs it: optional leading white space, an
// optional sign, at least one decimal digit; the value wraps like strtoul()
// into an unsigned int.  Returns false when no number is present.
bool scan_unsigned(const char*& p, unsigned& out) {
  const char* s = p;
  while (is_space(*s)) ++s;
  bool negative = false;
  if (*s == '+' || *s == '-') negative = (*s++ == '-');
  if (!is_digit(*s)) return false;
  unsigned long value = 0;
  bool overflow = false;
  for (; is_digit(*s); ++s) {
    unsigned digit = static_cast<unsigned>(*s - '0');
    if (value > (ULONG_MAX - digit) / 10) overflow = true;
    value = value * 10 + digit;
  }
  if (overflow)
    value = ULONG_MAX;
  else if (negative)
    value = 0UL - value;
  out = static_cast<unsigned>(value);
  p = s;
  return true;
}

// "a.b.c.d" with nothing after it; every part at most 255.
bool parse_dotted_quad(const char* s, uint8_t out[4]) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0 && *s++ != '.') return false;
    unsigned part;
    if (!scan_unsigned(s, part) || part > 255) return false;
    out[i] = static_cast<uint8_t>(part);
  }
  return *s == '\0';
}

// One group of the hexadecimal part, read the way strtol(s, &end, 16) reads
// it (an "0x" prefix included); the group may be at most 4 characters long.
bool parse_hex_group(const char*& s, uint16_t& out) {
  const char* p = s;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_xdigit(p[2])) p += 2;
  unsigned value = 0;
  for (; is_xdigit(*p) && p - s <= 4; ++p)
    value = value * 16 + static_cast<unsigned>(hex_value(*p));
  if (p - s > 4) return false;
  out = static_cast<uint16_t>(value);
  s = p;
  return true;
}

bool parse_ipv6(const char* src, uint8_t out[16]) {
  uint16_t words[8] = {};
  int tail_words = 0;
  const char* end = src + strlen(src);

  // An embedded IPv4 address is the run of digits before the first dot
  // together with everything after it.
  if (const char* dot = strchr(src, '.')) {
    if (dot == src) return false;
    const char* v4 = dot;
    while (v4 > src && is_digit(v4[-1])) --v4;
    uint8_t quad[4];
    if (!parse_dotted_quad(v4, quad)) return false;
    words[6] = static_cast<uint16_t>(quad[0] << 8 | quad[1]);
    words[7] = static_cast<uint16_t>(quad[2] << 8 | quad[3]);
    tail_words = 2;
    end = v4;
  }

  uint16_t groups[8];
  int count = 0;
  int gap = -1;  // Index in groups[] where "::" stands, if any.
  const char* p = src;
  while (p < end) {
    if (count > 7) return false;
    if (is_xdigit(*p)) {
      if (!parse_hex_group(p, groups[count])) return false;
      ++count;
      if (*p != ':' && p != end) return false;
      ++p;  // Past the separator (or just past the end).
    } else if (*p == ':' && gap < 0 && (count > 0 || p[1] == ':')) {
      gap = count;
      p += (count == 0) ? 2 : 1;
    } else {
      return false;
    }
  }

  int total = count + tail_words;
  if (total > 8 || (total == 8 && gap >= 0) || (total < 8 && gap < 0)) return false;
  int head = gap >= 0 ? gap : count;
  for (int i = 0; i < head; ++i) words[i] = groups[i];
  int zeros = 8 - total;
  for (int i = head; i < count; ++i) words[i + zeros] = groups[i];
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(words[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(words[i] & 0xff);
  }
  return true;
}

// Writes text into dst when it fits with its terminator.
const char* copy_out(const char* text, char* dst, size_t len) {
  size_t n = strlen(text);
  if (dst == nullptr || n >= len) return nullptr;
  memcpy(dst, text, n + 1);
  return dst;
}

void format_ipv6(const uint8_t a[16], char* buf, size_t size) {
  uint16_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = static_cast<uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);

  bool zero_prefix = !w[0] && !w[1] && !w[2] && !w[3] && !w[4];
  if (zero_prefix && ((w[5] == 0 && w[6] && w[7]) || w[5] == 0xffff)) {
    snprintf(buf, size, "::%s%u.%u.%u.%u", w[5] ? "ffff:" : "", a[12], a[13], a[14], a[15]);
    return;
  }

  // Compress the first longest run of two or more zero groups.
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }

  char* cp = buf;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      if (i == 0) *cp++ = ':';
      *cp++ = ':';
      i += best_len - 1;
      continue;
    }
    cp += snprintf(cp, size - static_cast<size_t>(cp - buf), "%x", w[i]);
    if (i != 7) *cp++ = ':';
  }
  *cp = '\0';
}

}  // namespace

bool parse_ipv4_text(const char* s, struct in_addr* out) {
  uint8_t quad[4];
  if (!parse_dotted_quad(s, quad)) return false;
  memcpy(out, quad, 4);
  return true;
}

bool parse_ipv6_text(const char* s, struct in6_addr* out) {
  uint8_t bytes[16];
  if (!parse_ipv6(s, bytes)) return false;
  memcpy(out, bytes, 16);
  return true;
}

}  // namespace ev

extern "C" {

int evutil_inet_pton(int af, const char* src, void* dst) {
  if (src == nullptr || dst == nullptr) return -1;
  if (af == AF_INET) return ev::parse_ipv4_text(src, static_cast<struct in_addr*>(dst)) ? 1 : 0;
  if (af == AF_INET6) return ev::parse_ipv6_text(src, static_cast<struct in6_addr*>(dst)) ? 1 : 0;
  return -1;
}

int evutil_inet_pton_scope(int af, const char* src, void* dst, unsigned* indexp) {
  if (indexp != nullptr) *indexp = 0;
  const char* percent = src != nullptr ? strchr(src, '%') : nullptr;
  if (af != AF_INET6 || percent == nullptr) return evutil_inet_pton(af, src, dst);
  if (dst == nullptr) return -1;

  char address[64];
  size_t len = static_cast<size_t>(percent - src);
  if (len >= sizeof(address)) return 0;
  memcpy(address, src, len);
  address[len] = '\0';
  if (!ev::parse_ipv6_text(address, static_cast<struct in6_addr*>(dst))) return 0;

  // The zone is an interface name or else a number.
  const char* zone = percent + 1;
  unsigned index = if_nametoindex(zone);
  if (index == 0) {
    char* zone_end = nullptr;
    index = static_cast<unsigned>(strtoul(zone, &zone_end, 10));
    if (*zone_end != '\0') return 0;
  }
  if (indexp != nullptr) *indexp = index;
  return 1;
}

const char* evutil_inet_ntop(int af, const void* src, char* dst, size_t len) {
  if (src == nullptr || dst == nullptr) return nullptr;
  char text[64];
  const uint8_t* bytes = static_cast<const uint8_t*>(src);
  if (af == AF_INET) {
    snprintf(text, sizeof(text), "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
  } else if (af == AF_INET6) {
    ev::format_ipv6(bytes, text, sizeof(text));
  } else {
    return nullptr;
  }
  return ev::copy_out(text, dst, len);
}

}  // extern "C"
