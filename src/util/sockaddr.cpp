// "host:port" parsing and address ordering: evutil_parse_sockaddr_port,
// evutil_sockaddr_cmp.
#include <event2/util.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "util/chars.hpp"
#include "util/inet.hpp"

namespace ev {
namespace {

// The port text is read the way atoi() reads it (leading blanks, a sign,
// digits, anything after ignored); a port must then be 1..65535.
int parse_port(const char* s) {
  while (is_space(*s)) ++s;
  bool negative = false;
  if (*s == '+' || *s == '-') negative = (*s++ == '-');
  long value = 0;
  for (; is_digit(*s); ++s) {
    value = value * 10 + (*s - '0');
    if (value > 65535) return -1;
  }
  if (negative || value == 0) return -1;
  return static_cast<int>(value);
}

// Stores sa (of size len) in out when *outlen bytes can hold it; the whole
// caller buffer is cleared first, as libevent does.
int store(const void* sa, int len, struct sockaddr* out, int* outlen) {
  if (len > *outlen) return -1;
  memset(out, 0, static_cast<size_t>(*outlen));
  memcpy(out, sa, static_cast<size_t>(len));
  *outlen = len;
  return 0;
}

}  // namespace
}  // namespace ev

extern "C" {

int evutil_parse_sockaddr_port(const char* str, struct sockaddr* out, int* outlen) {
  if (str == nullptr || out == nullptr || outlen == nullptr || *outlen < 0) return -1;

  char host[128];
  const char* port_text = nullptr;
  bool ipv6;
  if (str[0] == '[') {
    // "[address]" optionally followed by ":port"; other trailing text is ignored.
    const char* close = strchr(str, ']');
    if (close == nullptr) return -1;
    size_t len = static_cast<size_t>(close - (str + 1));
    if (len >= sizeof(host)) return -1;
    memcpy(host, str + 1, len);
    host[len] = '\0';
    if (close[1] == ':') port_text = close + 2;
    ipv6 = true;
  } else {
    const char* colon = strchr(str, ':');
    if (colon != nullptr && strchr(colon + 1, ':') != nullptr) {
      // Two or more colons: a bare IPv6 address without a port.
      size_t len = strlen(str);
      if (len >= sizeof(host)) return -1;
      memcpy(host, str, len + 1);
      ipv6 = true;
    } else {
      size_t len = colon != nullptr ? static_cast<size_t>(colon - str) : strlen(str);
      if (len >= sizeof(host)) return -1;
      memcpy(host, str, len);
      host[len] = '\0';
      if (colon != nullptr) port_text = colon + 1;
      ipv6 = false;
    }
  }

  int port = 0;
  if (port_text != nullptr && (port = ev::parse_port(port_text)) < 0) return -1;

  if (ipv6) {
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(static_cast<uint16_t>(port));
    unsigned scope = 0;
    if (evutil_inet_pton_scope(AF_INET6, host, &sin6.sin6_addr, &scope) != 1) return -1;
    sin6.sin6_scope_id = scope;
    return ev::store(&sin6, static_cast<int>(sizeof(sin6)), out, outlen);
  }
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(port));
  if (!ev::parse_ipv4_text(host, &sin.sin_addr)) return -1;
  return ev::store(&sin, static_cast<int>(sizeof(sin)), out, outlen);
}

// Orders by family, then address, then (optionally) port.  IPv4 addresses
// and ports compare as in-memory integers, which is libevent's order (not
// numeric order on little-endian hosts).  The IPv6 zone is not part of the
// comparison, and other families all compare as "after".
int evutil_sockaddr_cmp(const struct sockaddr* sa1, const struct sockaddr* sa2, int include_port) {
  if (sa1 == nullptr || sa2 == nullptr) return (sa1 == sa2) ? 0 : (sa1 == nullptr ? -1 : 1);
  if (sa1->sa_family != sa2->sa_family) return sa1->sa_family - sa2->sa_family;

  auto order = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
  int r;
  if (sa1->sa_family == AF_INET) {
    struct sockaddr_in a, b;
    memcpy(&a, sa1, sizeof(a));
    memcpy(&b, sa2, sizeof(b));
    r = order(a.sin_addr.s_addr, b.sin_addr.s_addr);
    if (r == 0 && include_port) r = order(a.sin_port, b.sin_port);
    return r;
  }
  if (sa1->sa_family == AF_INET6) {
    struct sockaddr_in6 a, b;
    memcpy(&a, sa1, sizeof(a));
    memcpy(&b, sa2, sizeof(b));
    r = memcmp(&a.sin6_addr, &b.sin6_addr, sizeof(a.sin6_addr));
    r = order(r, 0);
    if (r == 0 && include_port) r = order(a.sin6_port, b.sin6_port);
    return r;
  }
  return 1;
}

}  // extern "C"
