// Shared by the event_* API tests: runs a test once per backend this build
// supports, by avoiding every other method in the event_config.
#pragma once

#include <event2/event.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace evtest {

inline std::vector<std::string> supported_methods() {
  std::vector<std::string> out;
  for (const char** m = event_get_supported_methods(); m != nullptr && *m != nullptr; ++m)
    out.emplace_back(*m);
  return out;
}

// Methods of ours that libevent does not have (chosen only on request).
inline bool is_added_method(const std::string& method) { return method == "io_uring"; }

// supported_methods(), split into libevent's and our added ones.
inline std::vector<std::string> methods_where_added(bool added) {
  std::vector<std::string> out;
  for (const std::string& m : supported_methods())
    if (is_added_method(m) == added) out.push_back(m);
  return out;
}

// A base that uses exactly `method` (nullptr when unavailable here).
inline event_base* new_base_with(const std::string& method, int flags = 0) {
  event_config* cfg = event_config_new();
  for (const std::string& other : supported_methods())
    if (other != method) event_config_avoid_method(cfg, other.c_str());
  event_config_set_flag(cfg, flags | EVENT_BASE_FLAG_IGNORE_ENV);
  event_base* base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  return base;
}

// A nonblocking pipe, closed on destruction.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() { EXPECT_EQ(0, pipe2(fd, O_NONBLOCK | O_CLOEXEC)); }
  ~Pipe() {
    close_read();
    close_write();
  }
  int r() const { return fd[0]; }
  int w() const { return fd[1]; }
  void put(const char* s = "x") { ASSERT_GT(write(fd[1], s, std::strlen(s)), 0); }
  void drain() {
    char buf[256];
    while (read(fd[0], buf, sizeof(buf)) > 0) {
    }
  }
  void close_read() {
    if (fd[0] >= 0) close(fd[0]);
    fd[0] = -1;
  }
  void close_write() {
    if (fd[1] >= 0) close(fd[1]);
    fd[1] = -1;
  }
};

inline long elapsed_ms(const timeval& from, const timeval& to) {
  return (to.tv_sec - from.tv_sec) * 1000 + (to.tv_usec - from.tv_usec) / 1000;
}

inline timeval now_tv() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return tv;
}

// Fixture: one fresh base per test, using the backend named by the parameter.
class PerBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    base = new_base_with(GetParam());
    ASSERT_NE(nullptr, base);
    ASSERT_STREQ(GetParam().c_str(), event_base_get_method(base));
  }
  void TearDown() override {
    if (base != nullptr) event_base_free(base);
  }
  event_base* base = nullptr;
};

inline std::string method_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace evtest

// The added methods (io_uring) run last, as "OptIn/..." (so that a stage can
// filter them, e.g. --gtest_filter=-OptIn/*).
#define EVTEST_INSTANTIATE_PER_BACKEND(suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                        \
                           ::testing::ValuesIn(::evtest::methods_where_added(false)),              \
                           ::evtest::method_name);                                                 \
  INSTANTIATE_TEST_SUITE_P(OptIn, suite, ::testing::ValuesIn(::evtest::methods_where_added(true)), \
                           ::evtest::method_name)
