// Shared by the evconnlistener tests: loopback addresses, clients, a callback
// that records accepted connections, and loop helpers.
//
// The tests also build against the reference libevent (define
// EVTEST_AGAINST_REFERENCE) to check that they test documented behaviour;
// tests of behaviour where we deliberately do better than the reference
// skip themselves there.
#pragma once

#include <event2/event.h>
#include <event2/listener.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "event_backend_param.hpp"

namespace lvtest {

#ifdef EVTEST_AGAINST_REFERENCE
inline constexpr bool kOnReference = true;
#else
inline constexpr bool kOnReference = false;
#endif

#define LVTEST_ONLY_OURS(why)                            \
  do {                                                   \
    if (::lvtest::kOnReference) {                        \
      GTEST_SKIP() << "the reference does not: " << why; \
    }                                                    \
  } while (0)

// 127.0.0.1:port (0 lets the kernel pick a port).
inline sockaddr_in loopback4(unsigned short port = 0) {
  sockaddr_in sin;
  std::memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sin;
}

inline const sockaddr* as_sa(const sockaddr_in& sin) {
  return reinterpret_cast<const sockaddr*>(&sin);
}

// The address a listening socket is bound to.
inline sockaddr_in bound_address(evutil_socket_t fd) {
  sockaddr_in sin;
  std::memset(&sin, 0, sizeof(sin));
  socklen_t len = sizeof(sin);
  EXPECT_EQ(0, getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len));
  return sin;
}

// A blocking client connected to 'to'; the connection completes in the
// listener's backlog whether or not it is accepted.  -1 on failure.
inline int connect_client(const sockaddr_in& to) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, as_sa(to), sizeof(to)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

inline int int_sockopt(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof(value);
  if (getsockopt(fd, level, name, &value, &len) != 0) return -1;
  return value;
}

inline bool fd_is_open(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

// Records what the accept callback saw; closes accepted sockets at the end.
struct Accepted {
  std::vector<int> fds;
  std::vector<sockaddr_storage> peers;
  std::vector<int> peer_lens;
  std::vector<void*> args;
  evconnlistener* last_listener = nullptr;
  // Runs inside the callback after recording, when set.
  std::function<void(evconnlistener*, int)> then;

  ~Accepted() {
    for (int fd : fds) close(fd);
  }
  size_t count() const { return fds.size(); }

  static void cb(evconnlistener* lev, evutil_socket_t fd, sockaddr* sa, int len, void* arg) {
    auto* self = static_cast<Accepted*>(arg);
    self->record(lev, fd, sa, len, arg);
  }
  void record(evconnlistener* lev, evutil_socket_t fd, sockaddr* sa, int len, void* arg) {
    fds.push_back(fd);
    sockaddr_storage ss;
    std::memset(&ss, 0, sizeof(ss));
    if (len > 0 && static_cast<size_t>(len) <= sizeof(ss)) std::memcpy(&ss, sa, len);
    peers.push_back(ss);
    peer_lens.push_back(len);
    args.push_back(arg);
    last_listener = lev;
    if (then) then(lev, fd);
  }
};

// Records error-callback calls and the socket error they saw.
struct Errors {
  int calls = 0;
  int last_errno = 0;
  evconnlistener* last_listener = nullptr;
  std::function<void(evconnlistener*)> then;

  static void cb(evconnlistener* lev, void* arg) {
    auto* self = static_cast<Errors*>(arg);
    self->last_errno = EVUTIL_SOCKET_ERROR();
    self->last_listener = lev;
    ++self->calls;
    if (self->then) self->then(lev);
  }
};

// Both recorders behind one user pointer, which the accept and the error
// callbacks share.
struct Probe {
  Accepted acc;
  Errors err;
  static void accept_cb(evconnlistener* lev, evutil_socket_t fd, sockaddr* sa, int len, void* arg) {
    static_cast<Probe*>(arg)->acc.record(lev, fd, sa, len, arg);
  }
  static void error_cb(evconnlistener* lev, void* arg) {
    Errors::cb(lev, &static_cast<Probe*>(arg)->err);
  }
};

// Runs the loop for about 'ms' milliseconds.
inline void run_for(event_base* base, int ms) {
  timeval tv = {ms / 1000, (ms % 1000) * 1000};
  event_base_loopexit(base, &tv);
  event_base_dispatch(base);
}

// Runs the loop in short slices until 'done' holds or 'ms' pass.
inline bool run_until(event_base* base, const std::function<bool()>& done, int ms = 3000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    run_for(base, 10);
  }
  return true;
}

// Lets the kernel finish the handshakes of clients that just connected.
inline void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

// One base per backend; at the end nothing may be left registered.
class ListenerTest : public evtest::PerBackend {
 protected:
  void TearDown() override {
    if (base != nullptr) {
      EXPECT_EQ(0, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
    }
    evtest::PerBackend::TearDown();
  }
};

// Ends the process if a test takes longer than it possibly should (a
// deadlock), naming `what`.
class Watchdog {
 public:
  Watchdog(std::chrono::seconds limit, const char* what)
      : thread_([this, limit, what] {
          const auto deadline = std::chrono::steady_clock::now() + limit;
          while (!done_.load()) {
            if (std::chrono::steady_clock::now() > deadline) {
              fprintf(stderr, "%s deadlocked\n", what);
              _exit(3);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }) {}
  ~Watchdog() {
    done_ = true;
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace lvtest
