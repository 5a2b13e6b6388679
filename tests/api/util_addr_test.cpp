// evutil address functions: inet_pton/ntop (+ scope), parse_sockaddr_port,
// sockaddr_cmp.  Public headers only.
#include <event2/util.h>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>
#include <string>

namespace {

std::string v4_text(const in_addr& a) {
  char buf[INET_ADDRSTRLEN];
  return evutil_inet_ntop(AF_INET, &a, buf, sizeof(buf)) ? buf : "NULL";
}

std::string v6_round_trip(const char* text) {
  in6_addr a;
  if (evutil_inet_pton(AF_INET6, text, &a) != 1) return "INVALID";
  char buf[INET6_ADDRSTRLEN];
  return evutil_inet_ntop(AF_INET6, &a, buf, sizeof(buf)) ? buf : "NULL";
}

TEST(UtilInetPton, ParsesDottedQuads) {
  in_addr a;
  ASSERT_EQ(evutil_inet_pton(AF_INET, "192.168.1.254", &a), 1);
  EXPECT_EQ(ntohl(a.s_addr), 0xc0a801feu);
  ASSERT_EQ(evutil_inet_pton(AF_INET, "0.0.0.0", &a), 1);
  EXPECT_EQ(a.s_addr, 0u);
  ASSERT_EQ(evutil_inet_pton(AF_INET, "255.255.255.255", &a), 1);
  EXPECT_EQ(a.s_addr, 0xffffffffu);
}

TEST(UtilInetPton, RejectsMalformedIPv4) {
  in_addr a;
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "a.b.c.d", "1..2.3",
                          "1.2.3.-4", "0x1.2.3.4", "1.2.3.4:80", "4294967295"}) {
    EXPECT_EQ(evutil_inet_pton(AF_INET, bad, &a), 0) << bad;
  }
}

TEST(UtilInetPton, ParsesIPv6Forms) {
  EXPECT_EQ(v6_round_trip("::"), "::");
  EXPECT_EQ(v6_round_trip("::1"), "::1");
  EXPECT_EQ(v6_round_trip("1::"), "1::");
  EXPECT_EQ(v6_round_trip("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(v6_round_trip("ABCD:ef01::"), "abcd:ef01::");
  EXPECT_EQ(v6_round_trip("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
  EXPECT_EQ(v6_round_trip("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
  EXPECT_EQ(v6_round_trip("1:0:0:2:0:0:0:3"), "1:0:0:2::3");
  EXPECT_EQ(v6_round_trip("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");     // First longest run.
  EXPECT_EQ(v6_round_trip("1:0:1:0:1:0:1:0"), "1:0:1:0:1:0:1:0");  // Single zeros stay.
}

TEST(UtilInetPton, RejectsMalformedIPv6) {
  in6_addr a;
  for (const char* bad : {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1",
                          ":1::", "[::1]", "::1%1", "1.2.3.4", "1:2:3:4:5:6:7", "::1.2.3.4x",
                          "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ".1::"}) {
    EXPECT_EQ(evutil_inet_pton(AF_INET6, bad, &a), 0) << bad;
  }
}

TEST(UtilInetPton, UnknownFamilyAndNullsFail) {
  unsigned char out[16];
  EXPECT_EQ(evutil_inet_pton(AF_UNIX, "1.2.3.4", out), -1);
  EXPECT_EQ(evutil_inet_pton(AF_INET, nullptr, out), -1);
  EXPECT_EQ(evutil_inet_pton(AF_INET, "1.2.3.4", nullptr), -1);
}

TEST(UtilInetNtop, TruncationReturnsNull) {
  in_addr a;
  ASSERT_EQ(evutil_inet_pton(AF_INET, "192.168.100.200", &a), 1);
  char buf[32];
  EXPECT_EQ(evutil_inet_ntop(AF_INET, &a, buf, 15), nullptr);  // 15 chars need 16 bytes.
  EXPECT_STREQ(evutil_inet_ntop(AF_INET, &a, buf, 16), "192.168.100.200");
  EXPECT_EQ(evutil_inet_ntop(AF_INET, &a, buf, 0), nullptr);

  in6_addr b;
  ASSERT_EQ(evutil_inet_pton(AF_INET6, "::1", &b), 1);
  EXPECT_EQ(evutil_inet_ntop(AF_INET6, &b, buf, 3), nullptr);  // Never a cut-off string.
  EXPECT_STREQ(evutil_inet_ntop(AF_INET6, &b, buf, 4), "::1");
}

TEST(UtilInetNtop, BadArguments) {
  in_addr a{};
  char buf[32];
  EXPECT_EQ(evutil_inet_ntop(AF_UNIX, &a, buf, sizeof(buf)), nullptr);
  EXPECT_EQ(evutil_inet_ntop(AF_INET, nullptr, buf, sizeof(buf)), nullptr);
  EXPECT_EQ(evutil_inet_ntop(AF_INET, &a, nullptr, sizeof(buf)), nullptr);
  EXPECT_EQ(v4_text(a), "0.0.0.0");
}

TEST(UtilInetPtonScope, ZoneByNameOrNumber) {
  in6_addr a;
  unsigned index = 99;
  ASSERT_EQ(evutil_inet_pton_scope(AF_INET6, "fe80::1%1", &a, &index), 1);
  EXPECT_EQ(index, 1u);
  unsigned lo = if_nametoindex("lo");
  if (lo != 0) {
    ASSERT_EQ(evutil_inet_pton_scope(AF_INET6, "fe80::1%lo", &a, &index), 1);
    EXPECT_EQ(index, lo);
  }
  ASSERT_EQ(evutil_inet_pton_scope(AF_INET6, "::1", &a, &index), 1);
  EXPECT_EQ(index, 0u);
  EXPECT_EQ(evutil_inet_pton_scope(AF_INET6, "fe80::1%nosuchif0", &a, &index), 0);
  EXPECT_EQ(evutil_inet_pton_scope(AF_INET6, "fe80::1%1x", &a, &index), 0);
  EXPECT_EQ(evutil_inet_pton_scope(AF_INET6, "bad%1", &a, &index), 0);
  // Scopes only exist for IPv6.
  in_addr b;
  EXPECT_EQ(evutil_inet_pton_scope(AF_INET, "1.2.3.4%1", &b, &index), 0);
  ASSERT_EQ(evutil_inet_pton_scope(AF_INET, "1.2.3.4", &b, &index), 1);
  EXPECT_EQ(index, 0u);
}

TEST(UtilInetPtonScope, OverlongAddressPartIsRejected) {
  std::string text(200, '1');
  text += "%1";
  in6_addr a;
  unsigned index;
  EXPECT_EQ(evutil_inet_pton_scope(AF_INET6, text.c_str(), &a, &index), 0);
}

struct Parsed {
  int rc;
  int len;
  sockaddr_storage ss;
};

Parsed parse(const char* s, int outlen = sizeof(sockaddr_storage)) {
  Parsed p;
  memset(&p.ss, 0xaa, sizeof(p.ss));
  p.len = outlen;
  p.rc = evutil_parse_sockaddr_port(s, reinterpret_cast<sockaddr*>(&p.ss), &p.len);
  return p;
}

TEST(UtilParseSockaddrPort, IPv4WithAndWithoutPort) {
  Parsed p = parse("1.2.3.4:80");
  ASSERT_EQ(p.rc, 0);
  EXPECT_EQ(p.len, static_cast<int>(sizeof(sockaddr_in)));
  auto* sin = reinterpret_cast<sockaddr_in*>(&p.ss);
  EXPECT_EQ(sin->sin_family, AF_INET);
  EXPECT_EQ(ntohs(sin->sin_port), 80);
  EXPECT_EQ(v4_text(sin->sin_addr), "1.2.3.4");

  p = parse("1.2.3.4");
  ASSERT_EQ(p.rc, 0);
  EXPECT_EQ(ntohs(reinterpret_cast<sockaddr_in*>(&p.ss)->sin_port), 0);
  p = parse("1.2.3.4:65535");
  ASSERT_EQ(p.rc, 0);
  EXPECT_EQ(ntohs(reinterpret_cast<sockaddr_in*>(&p.ss)->sin_port), 65535);
}

TEST(UtilParseSockaddrPort, IPv6Forms) {
  for (const char* s : {"[::1]:8080", "[::1]", "::1", "[fe80::1%1]:8080", "fe80::1"}) {
    Parsed p = parse(s);
    ASSERT_EQ(p.rc, 0) << s;
    EXPECT_EQ(p.len, static_cast<int>(sizeof(sockaddr_in6))) << s;
    EXPECT_EQ(reinterpret_cast<sockaddr_in6*>(&p.ss)->sin6_family, AF_INET6) << s;
  }
  Parsed p = parse("[fe80::1%1]:8080");
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&p.ss);
  EXPECT_EQ(ntohs(sin6->sin6_port), 8080);
  EXPECT_EQ(sin6->sin6_scope_id, 1u);
}

TEST(UtilParseSockaddrPort, RejectsBadInput) {
  for (const char* s : {"",
                        "1.2.3.4:0",
                        "1.2.3.4:65536",
                        "1.2.3.4:-1",
                        "1.2.3.4:",
                        "1.2.3.4:x",
                        "1.2.3.4:99999999999999999999",
                        "[::1]:",
                        "[::1]:0",
                        "[::1]:70000",
                        "[::1",
                        "[]",
                        "[]:80",
                        ":80",
                        "[1.2.3.4]:80",
                        "localhost:80",
                        "example.com",
                        "1.2.3:80",
                        "256.0.0.1:80",
                        "1.2.3.4:80:90"}) {
    Parsed p = parse(s);
    EXPECT_EQ(p.rc, -1) << s;
    EXPECT_EQ(p.len, static_cast<int>(sizeof(sockaddr_storage))) << s;  // Untouched.
  }
  std::string huge(10000, '1');
  EXPECT_EQ(parse(huge.c_str()).rc, -1);
  EXPECT_EQ(parse(("[" + huge + "]:1").c_str()).rc, -1);
}

TEST(UtilParseSockaddrPort, RespectsOutlen) {
  // Too small: nothing is written.
  Parsed p = parse("[::1]:80", sizeof(sockaddr_in));
  EXPECT_EQ(p.rc, -1);
  EXPECT_EQ(reinterpret_cast<unsigned char*>(&p.ss)[0], 0xaa);
  EXPECT_EQ(parse("1.2.3.4", 8).rc, -1);
  EXPECT_EQ(parse("1.2.3.4", 0).rc, -1);
  EXPECT_EQ(parse("1.2.3.4", -5).rc, -1);

  // Exactly big enough, and nothing beyond *outlen is touched.
  p = parse("1.2.3.4:1", sizeof(sockaddr_in));
  ASSERT_EQ(p.rc, 0);
  EXPECT_EQ(reinterpret_cast<unsigned char*>(&p.ss)[sizeof(sockaddr_in)], 0xaa);

  // A larger buffer is cleared up to *outlen, and *outlen becomes the size used.
  p = parse("1.2.3.4:1", 24);
  ASSERT_EQ(p.rc, 0);
  EXPECT_EQ(p.len, static_cast<int>(sizeof(sockaddr_in)));
  EXPECT_EQ(reinterpret_cast<unsigned char*>(&p.ss)[20], 0);
  EXPECT_EQ(reinterpret_cast<unsigned char*>(&p.ss)[24], 0xaa);
}

TEST(UtilParseSockaddrPort, NullArguments) {
  sockaddr_storage ss;
  int len = sizeof(ss);
  EXPECT_EQ(evutil_parse_sockaddr_port(nullptr, reinterpret_cast<sockaddr*>(&ss), &len), -1);
  EXPECT_EQ(evutil_parse_sockaddr_port("1.2.3.4", nullptr, &len), -1);
  EXPECT_EQ(evutil_parse_sockaddr_port("1.2.3.4", reinterpret_cast<sockaddr*>(&ss), nullptr), -1);
}

sockaddr_storage addr(const char* s) {
  Parsed p = parse(s);
  EXPECT_EQ(p.rc, 0) << s;
  return p.ss;
}

int cmp(const char* a, const char* b, int include_port) {
  sockaddr_storage x = addr(a), y = addr(b);
  return evutil_sockaddr_cmp(reinterpret_cast<sockaddr*>(&x), reinterpret_cast<sockaddr*>(&y),
                             include_port);
}

TEST(UtilSockaddrCmp, EqualityAndPorts) {
  EXPECT_EQ(cmp("1.2.3.4:80", "1.2.3.4:80", 1), 0);
  EXPECT_EQ(cmp("1.2.3.4:80", "1.2.3.4:81", 0), 0);
  EXPECT_NE(cmp("1.2.3.4:80", "1.2.3.4:81", 1), 0);
  EXPECT_NE(cmp("1.2.3.4:80", "1.2.3.5:80", 0), 0);
  EXPECT_EQ(cmp("[::1]:80", "[::1]:81", 0), 0);
  EXPECT_NE(cmp("[::1]:80", "[::1]:81", 1), 0);
  EXPECT_NE(cmp("[::1]:80", "[::2]:80", 0), 0);
  // The zone does not take part.
  EXPECT_EQ(cmp("[fe80::1%1]:80", "[fe80::1%2]:80", 1), 0);
}

TEST(UtilSockaddrCmp, IsAConsistentOrder) {
  const char* all[] = {"1.2.3.4:80", "1.2.3.4:81", "10.0.0.1:1", "255.0.0.1",
                       "[::1]:80",   "[::2]:1",    "[fe80::1]:9"};
  for (const char* a : all) {
    for (const char* b : all) {
      int ab = cmp(a, b, 1), ba = cmp(b, a, 1);
      EXPECT_EQ(ab<0, ba> 0) << a << " vs " << b;
      EXPECT_EQ(ab == 0, a == b) << a << " vs " << b;
    }
  }
  // Families never interleave: every IPv4 address sorts before every IPv6 one.
  EXPECT_LT(cmp("255.255.255.255:65535", "[::]:1", 1), 0);
}

TEST(UtilSockaddrCmp, OtherFamiliesAndNull) {
  sockaddr_un a{}, b{};
  a.sun_family = b.sun_family = AF_UNIX;
  EXPECT_NE(
      evutil_sockaddr_cmp(reinterpret_cast<sockaddr*>(&a), reinterpret_cast<sockaddr*>(&b), 1), 0);
  EXPECT_EQ(evutil_sockaddr_cmp(nullptr, nullptr, 1), 0);
  EXPECT_LT(evutil_sockaddr_cmp(nullptr, reinterpret_cast<sockaddr*>(&a), 1), 0);
}

}  // namespace
