// evutil string/number helpers and evutil_date_rfc1123.
#include <event2/util.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <ctime>
#include <string>

namespace {

int call_vsnprintf(char* buf, size_t len, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = evutil_vsnprintf(buf, len, fmt, ap);
  va_end(ap);
  return r;
}

TEST(UtilSnprintf, ReturnsFullLengthAndAlwaysTerminates) {
  char buf[16];
  for (size_t len = 1; len <= sizeof(buf); ++len) {
    memset(buf, 'x', sizeof(buf));
    int r = evutil_snprintf(buf, len, "%d-%s", 12345, "abcd");
    EXPECT_EQ(r, 10) << len;
    EXPECT_EQ(strlen(buf), len - 1 < 10 ? len - 1 : 10) << len;
    EXPECT_EQ(std::string("12345-abcd").compare(0, strlen(buf), buf), 0) << len;
  }
  memset(buf, 'x', sizeof(buf));
  EXPECT_EQ(call_vsnprintf(buf, 5, "%s|%c|%x", "hi", 'Z', 255), 7);
  EXPECT_STREQ(buf, "hi|Z");
}

TEST(UtilSnprintf, EmptyBufferIsLeftAlone) {
  char buf[4] = {'a', 'b', 'c', 'd'};
  // libevent returns 0 (not the would-be length) for a zero-sized buffer.
  EXPECT_EQ(evutil_snprintf(buf, 0, "%s", "hello"), 0);
  EXPECT_EQ(buf[0], 'a');
  EXPECT_EQ(evutil_snprintf(nullptr, 0, "%s", "hello"), 0);
}

TEST(UtilSnprintf, FormatsLikePrintf) {
  char buf[64];
  evutil_snprintf(buf, sizeof(buf), "%lld %5.2f %-4s|%%", -42LL, 3.14159, "ab");
  EXPECT_STREQ(buf, "-42  3.14 ab  |%");
}

TEST(UtilStrtoll, ParsesLikeStrtoll) {
  char* end = nullptr;
  const char* s = "  -0x10rest";
  EXPECT_EQ(evutil_strtoll(s, &end, 16), -16);
  EXPECT_STREQ(end, "rest");
  EXPECT_EQ(evutil_strtoll("017", nullptr, 0), 15);
  EXPECT_EQ(evutil_strtoll("017", nullptr, 10), 17);
  EXPECT_EQ(evutil_strtoll("9223372036854775807", nullptr, 10), INT64_MAX);
  errno = 0;
  EXPECT_EQ(evutil_strtoll("9223372036854775808", nullptr, 10), INT64_MAX);
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(evutil_strtoll("-9223372036854775808", nullptr, 10), INT64_MIN);
  const char* none = "abc";
  EXPECT_EQ(evutil_strtoll(none, &end, 10), 0);
  EXPECT_EQ(end, none);
}

TEST(UtilStrtoll, NullStringIsAnError) {
  char* end = reinterpret_cast<char*>(1);
  errno = 0;
  EXPECT_EQ(evutil_strtoll(nullptr, &end, 10), 0);
  EXPECT_EQ(end, nullptr);
  EXPECT_EQ(errno, EINVAL);
}

TEST(UtilStrcasecmp, FoldsOnlyAscii) {
  EXPECT_EQ(evutil_ascii_strcasecmp("Hello World", "hELLO wORLD"), 0);
  EXPECT_LT(evutil_ascii_strcasecmp("abc", "ABD"), 0);
  EXPECT_GT(evutil_ascii_strcasecmp("abd", "ABC"), 0);
  EXPECT_GT(evutil_ascii_strcasecmp("abc", ""), 0);
  EXPECT_LT(evutil_ascii_strcasecmp("abc", "abcd"), 0);
  EXPECT_EQ(evutil_ascii_strcasecmp("", ""), 0);
  // '[' (0x5b) sorts before '{' (0x7b): no folding outside letters.
  EXPECT_LT(evutil_ascii_strcasecmp("[", "{"), 0);
  EXPECT_NE(evutil_ascii_strcasecmp("@", "`"), 0);
  // Latin-1 letters are not letters here.
  EXPECT_NE(evutil_ascii_strcasecmp("\xc4", "\xe4"), 0);
}

TEST(UtilStrcasecmp, Bounded) {
  EXPECT_EQ(evutil_ascii_strncasecmp("abcdef", "ABCxyz", 3), 0);
  EXPECT_LT(evutil_ascii_strncasecmp("abcdef", "ABCxyz", 4), 0);
  EXPECT_EQ(evutil_ascii_strncasecmp("a", "b", 0), 0);
  EXPECT_EQ(evutil_ascii_strncasecmp("Content-Length", "content-length: 5", 14), 0);
  EXPECT_LT(evutil_ascii_strncasecmp("abc", "abcd", 10), 0);
}

TEST(UtilDateRfc1123, FormatsGivenTime) {
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  tm.tm_wday = 0;
  tm.tm_mday = 6;
  tm.tm_mon = 10;
  tm.tm_year = 94;
  tm.tm_hour = 8;
  tm.tm_min = 49;
  tm.tm_sec = 37;
  char buf[64];
  EXPECT_EQ(evutil_date_rfc1123(buf, sizeof(buf), &tm), 29);
  EXPECT_STREQ(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
  // Truncated output still reports the full length.
  EXPECT_EQ(evutil_date_rfc1123(buf, 10, &tm), 29);
  EXPECT_STREQ(buf, "Sun, 06 N");
}

TEST(UtilDateRfc1123, CurrentTimeWhenTmIsNull) {
  char buf[64];
  ASSERT_EQ(evutil_date_rfc1123(buf, sizeof(buf), nullptr), 29);
  EXPECT_EQ(strlen(buf), 29u);
  EXPECT_STREQ(buf + 25, " GMT");
  time_t now = time(nullptr);
  struct tm gm;
  gmtime_r(&now, &gm);
  char year[8];
  snprintf(year, sizeof(year), " %d ", 1900 + gm.tm_year);
  EXPECT_NE(strstr(buf, year), nullptr) << buf;
}

TEST(UtilDateRfc1123, RejectsOutOfRangeFields) {
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  char buf[64];
  tm.tm_wday = 7;
  EXPECT_EQ(evutil_date_rfc1123(buf, sizeof(buf), &tm), -1);
  tm.tm_wday = 0;
  tm.tm_mon = -1;
  EXPECT_EQ(evutil_date_rfc1123(buf, sizeof(buf), &tm), -1);
}

}  // namespace
