// Internal evutil helpers: character classes, the MonotonicTimer the event
// core uses, the RNG's C++ API, and our addrinfo lists.
#include <event2/util.h>

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "util/addrinfo.hpp"
#include "util/chars.hpp"
#include "util/monotonic.hpp"
#include "util/rng.hpp"

namespace {

TEST(UtilChars, ClassesAreAsciiOnly) {
  for (int i = 0; i < 256; ++i) {
    char c = static_cast<char>(i);
    bool ascii = i < 128;
    EXPECT_EQ(ev::is_digit(c), ascii && i >= '0' && i <= '9') << i;
    EXPECT_EQ(ev::is_alpha(c), ascii && ((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z'))) << i;
    EXPECT_EQ(ev::is_space(c), i == ' ' || (i >= 9 && i <= 13)) << i;
    EXPECT_EQ(ev::is_xdigit(c),
              ascii && ((i >= '0' && i <= '9') || (i >= 'a' && i <= 'f') || (i >= 'A' && i <= 'F')))
        << i;
    if (!ascii) {
      EXPECT_EQ(ev::to_lower(c), c);
      EXPECT_EQ(ev::to_upper(c), c);
      EXPECT_FALSE(ev::is_print(c));
    }
  }
  EXPECT_EQ(ev::to_lower('Q'), 'q');
  EXPECT_EQ(ev::to_upper('q'), 'Q');
  EXPECT_EQ(ev::to_lower('['), '[');
  EXPECT_EQ(ev::hex_value('F'), 15);
  EXPECT_EQ(ev::hex_value('g'), -1);
  static_assert(ev::is_digit('7') && !ev::is_digit('a'));
}

TEST(UtilMonotonicTimer, DefaultIsMonotonicAndPreciseIsClockMonotonic) {
  ev::MonotonicTimer timer;
  EXPECT_EQ(timer.clock_id(), CLOCK_MONOTONIC);
  ASSERT_EQ(timer.configure(EV_MONOT_PRECISE), 0);
  EXPECT_EQ(timer.clock_id(), CLOCK_MONOTONIC);
  ASSERT_EQ(timer.configure(0), 0);
  timespec res;
  if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0 && res.tv_sec == 0 &&
      res.tv_nsec <= 1000000) {
    EXPECT_EQ(timer.clock_id(), CLOCK_MONOTONIC_COARSE);
  } else {
    EXPECT_EQ(timer.clock_id(), CLOCK_MONOTONIC);
  }
  ASSERT_EQ(timer.configure(EV_MONOT_FALLBACK), 0);
  EXPECT_EQ(timer.clock_id(), -1);
  timeval a, b;
  ASSERT_EQ(timer.now(&a), 0);
  ASSERT_EQ(timer.now(&b), 0);
  EXPECT_FALSE(evutil_timercmp(&b, &a, <));
}

TEST(UtilRng, InternalApi) {
  ASSERT_TRUE(ev::rng_init());
  uint32_t seen_or = 0, seen_and = 0xffffffffu;
  for (int i = 0; i < 64; ++i) {
    uint32_t v = ev::rng_u32();
    seen_or |= v;
    seen_and &= v;
  }
  EXPECT_EQ(seen_or, 0xffffffffu);  // Every bit is sometimes set...
  EXPECT_EQ(seen_and, 0u);          // ...and sometimes clear.
  ev::rng_add_entropy("abc", 3);
  EXPECT_NE(ev::rng_u16() | ev::rng_u16() | ev::rng_u16(), 0);
}

TEST(UtilAddrinfo, OwnListsAreFlaggedAndFreeable) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(53);
  sin.sin_addr.s_addr = htonl(0x7f000001);
  evutil_addrinfo hints{};
  hints.ai_flags = EVUTIL_AI_PASSIVE;
  evutil_addrinfo* both =
      evpriv_addrinfo_new(reinterpret_cast<sockaddr*>(&sin), sizeof(sin), &hints);
  ASSERT_NE(both, nullptr);
  ASSERT_NE(both->ai_next, nullptr);
  EXPECT_EQ(both->ai_socktype, SOCK_STREAM);
  EXPECT_EQ(both->ai_protocol, IPPROTO_TCP);
  EXPECT_EQ(both->ai_next->ai_socktype, SOCK_DGRAM);
  EXPECT_EQ(both->ai_next->ai_next, nullptr);
  EXPECT_NE(static_cast<unsigned>(both->ai_flags) & EVPRIV_AI_LIBEVENT_ALLOCATED, 0u);
  EXPECT_NE(both->ai_flags & EVUTIL_AI_PASSIVE, 0);
  EXPECT_EQ(memcmp(both->ai_addr, &sin, sizeof(sin)), 0);
  EXPECT_NE(static_cast<void*>(both->ai_addr), static_cast<void*>(&sin));

  hints.ai_protocol = IPPROTO_UDP;
  evutil_addrinfo* udp =
      evpriv_addrinfo_new(reinterpret_cast<sockaddr*>(&sin), sizeof(sin), &hints);
  ASSERT_NE(udp, nullptr);
  EXPECT_EQ(udp->ai_socktype, SOCK_DGRAM);
  EXPECT_EQ(udp->ai_next, nullptr);

  evutil_addrinfo* list = evpriv_addrinfo_append(both, udp);
  EXPECT_EQ(list, both);
  EXPECT_EQ(list->ai_next->ai_next, udp);
  EXPECT_EQ(evpriv_addrinfo_append(nullptr, udp), udp);
  evutil_freeaddrinfo(list);  // ASan checks that everything went back.

  EXPECT_EQ(evpriv_addrinfo_new(nullptr, 0, &hints), nullptr);
  sockaddr_storage huge[2];
  EXPECT_EQ(evpriv_addrinfo_new(reinterpret_cast<sockaddr*>(huge), sizeof(huge), &hints), nullptr);
}

TEST(UtilAddrinfo, SystemListsAreFreedToo) {
  evutil_addrinfo hints{};
  hints.ai_family = AF_INET;
  evutil_addrinfo* res = nullptr;
  ASSERT_EQ(evutil_getaddrinfo("localhost", "80", &hints, &res), 0);
  EXPECT_EQ(static_cast<unsigned>(res->ai_flags) & EVPRIV_AI_LIBEVENT_ALLOCATED, 0u);
  evutil_freeaddrinfo(res);
  ASSERT_EQ(evutil_getaddrinfo("127.0.0.1", "80", &hints, &res), 0);
  EXPECT_NE(static_cast<unsigned>(res->ai_flags) & EVPRIV_AI_LIBEVENT_ALLOCATED, 0u);
  evutil_freeaddrinfo(res);
}

}  // namespace
