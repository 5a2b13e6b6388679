// Shared helpers for the backend unit tests: a fake BackendHost that records
// what a backend reports and checks the locking protocol, plus socket and
// timing utilities.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <event2/event.h>
#include <gtest/gtest.h>

#include "backends/backend.hpp"
#include "core/mm.hpp"

namespace backend_test {

// Records reports and checks that ready() only comes with the lock held and
// that release/acquire alternate.
class FakeHost : public ev::BackendHost {
 public:
  void ready(int fd, short what) override {
    EXPECT_TRUE(locked) << "ready(" << fd << ") while the lock is released";
    EXPECT_NE(what, 0);
    reports.push_back({fd, what});
    if (on_ready) on_ready(fd, what);
  }
  void release_lock() override {
    EXPECT_TRUE(locked) << "release_lock() without the lock";
    locked = false;
    ++releases;
  }
  void acquire_lock() override {
    EXPECT_FALSE(locked) << "acquire_lock() twice";
    locked = true;
    ++acquires;
  }

  // Union of everything reported for `fd` since the last clear().
  short what_for(int fd) const {
    short what = 0;
    for (const auto& r : reports)
      if (r.fd == fd) what |= r.what;
    return what;
  }
  int times_reported(int fd) const {
    int n = 0;
    for (const auto& r : reports) n += r.fd == fd;
    return n;
  }
  void clear() { reports.clear(); }

  struct Report {
    int fd;
    short what;
  };
  std::vector<Report> reports;
  std::function<void(int, short)> on_ready;
  bool locked = true;
  int releases = 0;
  int acquires = 0;
};

struct BackendDeleter {
  void operator()(ev::Backend* b) const { ev::destroy(b); }
};
using BackendPtr = std::unique_ptr<ev::Backend, BackendDeleter>;

// A connected pair of non-blocking stream sockets, closed on destruction.
struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd) != 0) {
      fd[0] = fd[1] = -1;
    }
  }
  ~SocketPair() { close_both(); }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  void close_both() {
    for (int& f : fd) {
      if (f >= 0) close(f);
      f = -1;
    }
  }
  bool ok() const { return fd[0] >= 0; }
};

inline void write_byte(int fd) { ASSERT_EQ(write(fd, "x", 1), 1) << strerror(errno); }

// Fills the socket's send buffer so that it stops being writable.
inline void fill_send_buffer(int fd) {
  char buf[4096] = {};
  while (write(fd, buf, sizeof(buf)) > 0) {
  }
}

inline void drain(int fd) {
  char buf[4096];
  while (read(fd, buf, sizeof(buf)) > 0) {
  }
}

inline double now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

inline timeval tv_us(long usec) {
  timeval tv;
  tv.tv_sec = usec / 1000000;
  tv.tv_usec = usec % 1000000;
  return tv;
}

// Raises the soft descriptor limit towards `want` (up to the hard limit);
// returns the soft limit in force afterwards.
inline rlim_t raise_fd_limit(rlim_t want) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < want) {
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY || lim.rlim_max > want ? want : lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

inline const ev::BackendInfo* find_backend(const char* name) {
  for (const auto& info : ev::backend_registry())
    if (strcmp(info.name, name) == 0) return &info;
  return nullptr;
}

// A fixture with one backend, found by name and created in SetUp(), and a
// host recording what it reports.
class NamedBackendTest : public ::testing::Test {
 protected:
  explicit NamedBackendTest(const char* name) : name_(name) {}
  void SetUp() override {
    const ev::BackendInfo* info = find_backend(name_);
    ASSERT_NE(info, nullptr);
    backend_.reset(info->create(host_, ev::BackendOptions{}));
    ASSERT_NE(backend_, nullptr);
  }
  // One dispatch that does not wait.
  int poll_once() {
    timeval zero{0, 0};
    return backend_->dispatch(&zero);
  }
  const char* name_;
  FakeHost host_;
  BackendPtr backend_;
};

}  // namespace backend_test
