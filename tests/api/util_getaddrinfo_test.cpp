// evutil_getaddrinfo / evutil_freeaddrinfo / evutil_gai_strerror.
#include <event2/util.h>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

namespace {

struct Result {
  int rc = 0;
  evutil_addrinfo* ai = nullptr;
  ~Result() {
    if (ai != nullptr) evutil_freeaddrinfo(ai);
  }
};

void lookup(Result& r, const char* node, const char* service, int family = AF_UNSPEC,
            int socktype = 0, int flags = 0, int protocol = 0) {
  evutil_addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  hints.ai_protocol = protocol;
  hints.ai_flags = flags;
  r.rc = evutil_getaddrinfo(node, service, &hints, &r.ai);
}

std::string text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN];
  if (sa->sa_family == AF_INET)
    return evutil_inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf,
                            sizeof(buf));
  return evutil_inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf,
                          sizeof(buf));
}

int port(const sockaddr* sa) {
  return ntohs(sa->sa_family == AF_INET ? reinterpret_cast<const sockaddr_in*>(sa)->sin_port
                                        : reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port);
}

int count(const evutil_addrinfo* ai) {
  int n = 0;
  for (; ai; ai = ai->ai_next) ++n;
  return n;
}

TEST(UtilGetaddrinfo, NumericIPv4StreamOnly) {
  Result r;
  lookup(r, "1.2.3.4", "8080", AF_UNSPEC, SOCK_STREAM);
  ASSERT_EQ(r.rc, 0);
  ASSERT_EQ(count(r.ai), 1);
  EXPECT_EQ(r.ai->ai_family, AF_INET);
  EXPECT_EQ(r.ai->ai_socktype, SOCK_STREAM);
  EXPECT_EQ(r.ai->ai_protocol, IPPROTO_TCP);
  EXPECT_EQ(r.ai->ai_addrlen, sizeof(sockaddr_in));
  EXPECT_EQ(text(r.ai->ai_addr), "1.2.3.4");
  EXPECT_EQ(port(r.ai->ai_addr), 8080);
  EXPECT_EQ(r.ai->ai_canonname, nullptr);
}

TEST(UtilGetaddrinfo, AnySocketTypeGivesOneEntryPerType) {
  Result r;
  lookup(r, "::1", "53");
  ASSERT_EQ(r.rc, 0);
  ASSERT_GE(count(r.ai), 2);
  EXPECT_EQ(r.ai->ai_socktype, SOCK_STREAM);
  EXPECT_EQ(r.ai->ai_next->ai_socktype, SOCK_DGRAM);
  EXPECT_EQ(r.ai->ai_next->ai_protocol, IPPROTO_UDP);
  for (auto* ai = r.ai; ai; ai = ai->ai_next) {
    EXPECT_EQ(ai->ai_family, AF_INET6);
    EXPECT_EQ(text(ai->ai_addr), "::1");
    EXPECT_EQ(port(ai->ai_addr), 53);
  }
}

TEST(UtilGetaddrinfo, ProtocolImpliesSocketType) {
  Result r;
  lookup(r, "1.2.3.4", "9", AF_INET, 0, 0, IPPROTO_UDP);
  ASSERT_EQ(r.rc, 0);
  ASSERT_EQ(count(r.ai), 1);
  EXPECT_EQ(r.ai->ai_socktype, SOCK_DGRAM);
}

TEST(UtilGetaddrinfo, NullNodeIsWildcardWhenPassiveElseLoopback) {
  Result passive4, loop4, passive6, loop6;
  lookup(passive4, nullptr, "80", AF_INET, SOCK_STREAM, EVUTIL_AI_PASSIVE);
  lookup(loop4, nullptr, "80", AF_INET, SOCK_STREAM);
  lookup(passive6, nullptr, "80", AF_INET6, SOCK_STREAM, EVUTIL_AI_PASSIVE);
  lookup(loop6, nullptr, "80", AF_INET6, SOCK_STREAM);
  ASSERT_EQ(passive4.rc, 0);
  ASSERT_EQ(loop4.rc, 0);
  ASSERT_EQ(passive6.rc, 0);
  ASSERT_EQ(loop6.rc, 0);
  EXPECT_EQ(text(passive4.ai->ai_addr), "0.0.0.0");
  EXPECT_EQ(text(loop4.ai->ai_addr), "127.0.0.1");
  EXPECT_EQ(text(passive6.ai->ai_addr), "::");
  EXPECT_EQ(text(loop6.ai->ai_addr), "::1");
  EXPECT_EQ(port(passive6.ai->ai_addr), 80);

  Result both;
  lookup(both, nullptr, "80", AF_UNSPEC, SOCK_STREAM, EVUTIL_AI_PASSIVE);
  ASSERT_EQ(both.rc, 0);
  EXPECT_GE(count(both.ai), 1);
}

TEST(UtilGetaddrinfo, V4MappedAndFamilyMismatch) {
  Result mapped, refused, wrong;
  lookup(mapped, "1.2.3.4", "1", AF_INET6, SOCK_STREAM, EVUTIL_AI_V4MAPPED);
  ASSERT_EQ(mapped.rc, 0);
  EXPECT_EQ(mapped.ai->ai_family, AF_INET6);
  EXPECT_EQ(text(mapped.ai->ai_addr), "::ffff:1.2.3.4");
  lookup(refused, "1.2.3.4", "1", AF_INET6, SOCK_STREAM);
  EXPECT_NE(refused.rc, 0);
  lookup(wrong, "::1", "1", AF_INET, SOCK_STREAM);
  EXPECT_NE(wrong.rc, 0);
}

TEST(UtilGetaddrinfo, CanonnameOnFirstEntry) {
  Result r;
  lookup(r, "10.1.2.3", nullptr, AF_INET, 0, EVUTIL_AI_CANONNAME);
  ASSERT_EQ(r.rc, 0);
  ASSERT_NE(r.ai->ai_canonname, nullptr);
  EXPECT_STREQ(r.ai->ai_canonname, "10.1.2.3");
  EXPECT_EQ(r.ai->ai_next->ai_canonname, nullptr);
}

TEST(UtilGetaddrinfo, AddrconfigKeepsNumericAnswersUsable) {
  Result r;
  lookup(r, "127.0.0.1", "1", AF_INET, SOCK_STREAM, EVUTIL_AI_ADDRCONFIG);
  // Depends on the host's interfaces; either an answer or a clean error.
  if (r.rc == 0)
    EXPECT_EQ(text(r.ai->ai_addr), "127.0.0.1");
  else
    EXPECT_EQ(r.ai, nullptr);
}

TEST(UtilGetaddrinfo, NamesGoToTheSystemResolver) {
  Result r;
  lookup(r, "localhost", "80", AF_INET, SOCK_STREAM);
  ASSERT_EQ(r.rc, 0) << evutil_gai_strerror(r.rc);
  EXPECT_EQ(text(r.ai->ai_addr).rfind("127.", 0), 0u);
  EXPECT_EQ(port(r.ai->ai_addr), 80);
}

TEST(UtilGetaddrinfo, ErrorsAreReported) {
  Result none, numerichost, service, numericserv, family, socktype, flags, badport;
  lookup(none, nullptr, nullptr);
  EXPECT_EQ(none.rc, EVUTIL_EAI_NONAME);
  lookup(numerichost, "not-a-number.example", "80", AF_UNSPEC, 0, EVUTIL_AI_NUMERICHOST);
  EXPECT_EQ(numerichost.rc, EVUTIL_EAI_NONAME);
  lookup(service, "1.2.3.4", "no-such-service-xyz", AF_UNSPEC, SOCK_STREAM);
  EXPECT_EQ(service.rc, EVUTIL_EAI_SERVICE);
  lookup(numericserv, "1.2.3.4", "http", AF_UNSPEC, SOCK_STREAM, EVUTIL_AI_NUMERICSERV);
  EXPECT_EQ(numericserv.rc, EVUTIL_EAI_NONAME);
  lookup(family, "1.2.3.4", "80", AF_UNIX);
  EXPECT_EQ(family.rc, EVUTIL_EAI_FAMILY);
  lookup(socktype, "1.2.3.4", "80", AF_INET, 12345);
  EXPECT_EQ(socktype.rc, EVUTIL_EAI_SOCKTYPE);
  lookup(flags, "1.2.3.4", "80", AF_INET, 0, 0x40000000);
  EXPECT_EQ(flags.rc, EVUTIL_EAI_BADFLAGS);
  lookup(badport, "1.2.3.4", "-1", AF_INET, SOCK_STREAM);
  EXPECT_NE(badport.rc, 0);
  for (Result* r : {&none, &numerichost, &service, &numericserv, &family, &socktype, &flags})
    EXPECT_EQ(r->ai, nullptr);
}

TEST(UtilGetaddrinfo, NullHintsAndNullResult) {
  Result r;
  r.rc = evutil_getaddrinfo("1.2.3.4", "80", nullptr, &r.ai);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.ai->ai_family, AF_INET);
  EXPECT_NE(evutil_getaddrinfo("1.2.3.4", "80", nullptr, nullptr), 0);
}

TEST(UtilFreeaddrinfo, NullIsHarmless) { evutil_freeaddrinfo(nullptr); }

TEST(UtilGaiStrerror, KnownAndUnknownCodes) {
  EXPECT_STREQ(evutil_gai_strerror(0), "No error");
  EXPECT_STREQ(evutil_gai_strerror(EVUTIL_EAI_CANCEL), "Request canceled");
  EXPECT_STREQ(evutil_gai_strerror(EVUTIL_EAI_NONAME),
               "nodename nor servname provided, or not known");
  EXPECT_STREQ(evutil_gai_strerror(EVUTIL_EAI_MEMORY), "memory allocation failure");
  for (int code : {EVUTIL_EAI_ADDRFAMILY, EVUTIL_EAI_AGAIN, EVUTIL_EAI_BADFLAGS, EVUTIL_EAI_FAIL,
                   EVUTIL_EAI_FAMILY, EVUTIL_EAI_NODATA, EVUTIL_EAI_SERVICE, EVUTIL_EAI_SOCKTYPE,
                   EVUTIL_EAI_SYSTEM, 12345, -12345}) {
    ASSERT_NE(evutil_gai_strerror(code), nullptr);
    EXPECT_GT(strlen(evutil_gai_strerror(code)), 0u);
  }
}

}  // namespace
