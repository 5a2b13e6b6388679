// Setup facilities: replaceable memory functions, logging, fatal errors,
// versions (event2/event.h "setup" section and the internal helpers).
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/log.hpp"
#include "core/mm.hpp"

namespace {

int g_mallocs, g_reallocs, g_frees;
void* counting_malloc(size_t n) {
  ++g_mallocs;
  return malloc(n);
}
void* counting_realloc(void* p, size_t n) {
  ++g_reallocs;
  return realloc(p, n);
}
void counting_free(void* p) {
  ++g_frees;
  free(p);
}

struct MemFunctions : ::testing::Test {
  void SetUp() override {
    g_mallocs = g_reallocs = g_frees = 0;
    event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
  }
  void TearDown() override { event_set_mem_functions(nullptr, nullptr, nullptr); }
};

TEST_F(MemFunctions, EveryInternalAllocationUsesTheInstalledFunctions) {
  void* p = evpriv_malloc(10);
  ASSERT_NE(p, nullptr);
  p = evpriv_realloc(p, 100);
  ASSERT_NE(p, nullptr);
  evpriv_free(p);
  char* s = evpriv_strdup("hello");
  ASSERT_STREQ(s, "hello");
  evpriv_free(s);
  EXPECT_EQ(g_mallocs, 2);
  EXPECT_EQ(g_reallocs, 1);
  EXPECT_EQ(g_frees, 2);
}

TEST_F(MemFunctions, CallocZeroesThroughMalloc) {
  auto* p = static_cast<unsigned char*>(evpriv_calloc(16, 4));
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(p[i], 0) << i;
  evpriv_free(p);
  EXPECT_EQ(g_mallocs, 1);
}

struct Probe {
  explicit Probe(int v) : value(v) {}
  int value;
};

TEST_F(MemFunctions, MakeAndDestroyUseTheInstalledFunctions) {
  Probe* obj = ev::make<Probe>(7);
  ASSERT_NE(obj, nullptr);
  EXPECT_EQ(obj->value, 7);
  ev::destroy(obj);
  ev::destroy<Probe>(nullptr);
  EXPECT_EQ(g_mallocs, 1);
  EXPECT_EQ(g_frees, 1);
}

TEST(Memory, ZeroSizeAndOverflowAreRefused) {
  EXPECT_EQ(evpriv_malloc(0), nullptr);
  EXPECT_EQ(evpriv_calloc(0, 8), nullptr);
  errno = 0;
  EXPECT_EQ(evpriv_calloc(SIZE_MAX / 2, 4), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  errno = 0;
  EXPECT_EQ(evpriv_strdup(nullptr), nullptr);
  EXPECT_EQ(errno, EINVAL);
}

std::vector<std::pair<int, std::string>> g_logged;
void capture_log(int severity, const char* msg) { g_logged.emplace_back(severity, msg); }

struct Logging : ::testing::Test {
  void SetUp() override {
    g_logged.clear();
    event_set_log_callback(capture_log);
  }
  void TearDown() override {
    event_set_log_callback(nullptr);
    event_enable_debug_logging(EVENT_DBG_NONE);
  }
};

TEST_F(Logging, SeveritiesAndErrnoSuffix) {
  evpriv_warnx("plain %d", 1);
  evpriv_msgx("message");
  errno = EBADF;
  evpriv_warn("with errno");
  EXPECT_EQ(errno, EBADF) << "logging must preserve errno";
  ASSERT_EQ(g_logged.size(), 3u);
  EXPECT_EQ(g_logged[0], std::make_pair(EVENT_LOG_WARN, std::string("plain 1")));
  EXPECT_EQ(g_logged[1], std::make_pair(EVENT_LOG_MSG, std::string("message")));
  EXPECT_EQ(g_logged[2].first, EVENT_LOG_WARN);
  EXPECT_EQ(g_logged[2].second, std::string("with errno: ") + strerror(EBADF));
}

TEST_F(Logging, DebugMessagesOnlyWhenEnabled) {
  evpriv_debugx("hidden");
  EXPECT_TRUE(g_logged.empty());
  event_enable_debug_logging(EVENT_DBG_ALL);
  evpriv_debugx("shown %s", "now");
  ASSERT_EQ(g_logged.size(), 1u);
  EXPECT_EQ(g_logged[0], std::make_pair(EVENT_LOG_DEBUG, std::string("shown now")));
}

TEST_F(Logging, LongMessagesAreTruncatedNotOverflowed) {
  std::string big(5000, 'x');
  evpriv_warnx("%s", big.c_str());
  ASSERT_EQ(g_logged.size(), 1u);
  EXPECT_EQ(g_logged[0].second.size(), 1023u);
}

TEST(LoggingDefault, WritesSeverityTaggedLinesToStderr) {
  testing::internal::CaptureStderr();
  evpriv_warnx("to stderr");
  evpriv_msgx("note");
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "[warn] to stderr\n[msg] note\n");
}

void fatal_cb(int code) {
  fprintf(stderr, "fatal callback got %d\n", code);
  fflush(stderr);
  _exit(3);
}

TEST(FatalDeathTest, ErrxCallsTheFatalCallback) {
  EXPECT_EXIT(
      {
        event_set_fatal_callback(fatal_cb);
        evpriv_errx(42, "boom");
      },
      ::testing::ExitedWithCode(3), "fatal callback got 42");
}

TEST(FatalDeathTest, WithoutCallbackErrxExitsWithTheCode) {
  EXPECT_EXIT(evpriv_errx(5, "bad thing"), ::testing::ExitedWithCode(5), "\\[err\\] bad thing");
}

TEST(FatalDeathTest, FailedAssertionAborts) {
  EXPECT_DEATH(EV_ASSERT(1 + 1 == 3), "Assertion 1 \\+ 1 == 3 failed");
}

TEST(Version, MatchesTheHeaders) {
  EXPECT_STREQ(event_get_version(), LIBEVENT_VERSION);
  EXPECT_STREQ(event_get_version(), "2.1.12-stable");
  EXPECT_EQ(event_get_version_number(), 0x02010c00u);
  EXPECT_EQ(event_get_version_number(), (ev_uint32_t)LIBEVENT_VERSION_NUMBER);
}

}  // namespace
