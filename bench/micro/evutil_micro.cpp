// evutil parsers and formatters.  One iteration parses or formats each of
// the addresses of its set once (the set mixes short and long forms).
//
//   util_parse_sockaddr_port_v4   evutil_parse_sockaddr_port of 4 IPv4
//                                 "address:port" strings (and one bare)
//   util_parse_sockaddr_port_v6   the same with 4 "[IPv6]:port" strings
//   util_inet_pton_v4, _v6        evutil_inet_pton of 4 addresses
//   util_inet_ntop_v4, _v6        evutil_inet_ntop of the same, parsed
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/util.h>

#include "micro.hpp"

namespace {

const char* const kV4Ports[] = {"127.0.0.1:8080", "192.168.100.200:65535", "10.0.0.1", "8.8.4.4:53",
                                "255.255.255.255:1"};
const char* const kV6Ports[] = {"[::1]:8080", "[2001:db8:85a3::8a2e:370:7334]:443",
                                "[fe80::1ff:fe23:4567:890a]:65535", "[::ffff:192.0.2.128]:80",
                                "2001:db8::1"};
const char* const kV4[] = {"127.0.0.1", "192.168.100.200", "10.0.0.1", "255.255.255.255"};
const char* const kV6[] = {"::1", "2001:db8:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a",
                           "::ffff:192.0.2.128"};

struct Parse {
  const char* const* inputs;
  int count;
};

void parse_sockaddrs(const Parse* p) {
  for (int i = 0; i < p->count; i++) {
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    micro::check(evutil_parse_sockaddr_port(p->inputs[i], (struct sockaddr*)&ss, &len) == 0,
                 "evutil_parse_sockaddr_port failed");
    benchmark::DoNotOptimize(ss);
  }
}

}  // namespace

MICRO_TIMED void micro_timed_util_parse_sockaddr_port_v4(const Parse* p) { parse_sockaddrs(p); }
MICRO_TIMED void micro_timed_util_parse_sockaddr_port_v6(const Parse* p) { parse_sockaddrs(p); }

MICRO_BENCH(util_parse_sockaddr_port_v4) {
  const Parse p{kV4Ports, 5};
  for (auto _ : state) micro_timed_util_parse_sockaddr_port_v4(&p);
}

MICRO_BENCH(util_parse_sockaddr_port_v6) {
  const Parse p{kV6Ports, 5};
  for (auto _ : state) micro_timed_util_parse_sockaddr_port_v6(&p);
}

MICRO_TIMED void micro_timed_util_inet_pton_v4(const char* const* inputs) {
  for (int i = 0; i < 4; i++) {
    struct in_addr a;
    micro::check(evutil_inet_pton(AF_INET, inputs[i], &a) == 1, "evutil_inet_pton failed");
    benchmark::DoNotOptimize(a);
  }
}

MICRO_TIMED void micro_timed_util_inet_pton_v6(const char* const* inputs) {
  for (int i = 0; i < 4; i++) {
    struct in6_addr a;
    micro::check(evutil_inet_pton(AF_INET6, inputs[i], &a) == 1, "evutil_inet_pton failed");
    benchmark::DoNotOptimize(a);
  }
}

MICRO_BENCH(util_inet_pton_v4) {
  for (auto _ : state) micro_timed_util_inet_pton_v4(kV4);
}

MICRO_BENCH(util_inet_pton_v6) {
  for (auto _ : state) micro_timed_util_inet_pton_v6(kV6);
}

namespace {

struct Format {
  int family;
  unsigned char addrs[4][16];
};

Format parsed(int family, const char* const* inputs) {
  Format f{};
  f.family = family;
  for (int i = 0; i < 4; i++)
    micro::check(inet_pton(family, inputs[i], f.addrs[i]) == 1, "inet_pton failed");
  return f;
}

}  // namespace

MICRO_TIMED void micro_timed_util_inet_ntop_v4(const Format* f) {
  for (int i = 0; i < 4; i++) {
    char text[INET6_ADDRSTRLEN];
    micro::check(evutil_inet_ntop(f->family, f->addrs[i], text, sizeof text) != nullptr,
                 "evutil_inet_ntop failed");
    benchmark::DoNotOptimize(text);
  }
}

MICRO_TIMED void micro_timed_util_inet_ntop_v6(const Format* f) {
  for (int i = 0; i < 4; i++) {
    char text[INET6_ADDRSTRLEN];
    micro::check(evutil_inet_ntop(f->family, f->addrs[i], text, sizeof text) != nullptr,
                 "evutil_inet_ntop failed");
    benchmark::DoNotOptimize(text);
  }
}

MICRO_BENCH(util_inet_ntop_v4) {
  const Format f = parsed(AF_INET, kV4);
  for (auto _ : state) micro_timed_util_inet_ntop_v4(&f);
}

MICRO_BENCH(util_inet_ntop_v6) {
  const Format f = parsed(AF_INET6, kV6);
  for (auto _ : state) micro_timed_util_inet_ntop_v6(&f);
}
