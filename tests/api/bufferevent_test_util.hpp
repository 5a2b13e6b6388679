// Helpers shared by the bufferevent API tests: socket pairs, a callback
// recorder and bounded loop runners.  Public headers only, so the same
// tests also build against the reference libevent.
#pragma once

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace bevtest {

// A connected, non-blocking AF_UNIX stream socket pair, closed on
// destruction unless released.
struct SockPair {
  int fd[2] = {-1, -1};
  SockPair() {
    EXPECT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd));
    signal(SIGPIPE, SIG_IGN);  // writes to a closed peer must fail, not kill us
  }
  ~SockPair() {
    close_end(0);
    close_end(1);
  }
  // Hands fd[i] over to someone else (a bufferevent with CLOSE_ON_FREE).
  int release(int i) {
    int f = fd[i];
    fd[i] = -1;
    return f;
  }
  void close_end(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
  void send(const std::string& s, int i = 1) {
    ASSERT_EQ(static_cast<ssize_t>(s.size()), write(fd[i], s.data(), s.size()));
  }
  std::string recv_all(int i = 1) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd[i], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

inline bool fd_is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

inline long ms_since(const timeval& from) {
  timeval now;
  gettimeofday(&now, nullptr);
  return (now.tv_sec - from.tv_sec) * 1000 + (now.tv_usec - from.tv_usec) / 1000;
}

// Runs the loop in short slices until pred() holds or timeout_ms passed.
template <class Pred>
bool run_until(event_base* base, Pred pred, int timeout_ms = 3000) {
  timeval start;
  gettimeofday(&start, nullptr);
  while (!pred()) {
    if (ms_since(start) > timeout_ms) return false;
    timeval slice = {0, 2000};
    event_base_loopexit(base, &slice);
    event_base_dispatch(base);
  }
  return true;
}

// Runs the loop for about `ms` milliseconds.
inline void run_for(event_base* base, int ms) {
  timeval tv = {ms / 1000, (ms % 1000) * 1000};
  event_base_loopexit(base, &tv);
  event_base_dispatch(base);
}

// Counts callbacks of one bufferevent and remembers what they saw.
struct Recorder {
  int reads = 0;
  int writes = 0;
  int events = 0;
  short last_what = 0;
  short all_what = 0;
  int last_errno = 0;
  std::string data;   // everything the read callback drained
  bool drain = true;  // read callback empties the input
  bool free_on_event = false;
  bool free_on_read = false;
  bufferevent* bev = nullptr;

  static void on_read(bufferevent* b, void* arg) {
    auto* r = static_cast<Recorder*>(arg);
    ++r->reads;
    if (r->drain) {
      char buf[4096];
      size_t n;
      while ((n = bufferevent_read(b, buf, sizeof(buf))) > 0) r->data.append(buf, n);
    }
    if (r->free_on_read) {
      bufferevent_free(b);
      r->bev = nullptr;
    }
  }
  static void on_write(bufferevent*, void* arg) { ++static_cast<Recorder*>(arg)->writes; }
  static void on_event(bufferevent* b, short what, void* arg) {
    auto* r = static_cast<Recorder*>(arg);
    r->last_errno = EVUTIL_SOCKET_ERROR();
    ++r->events;
    r->last_what = what;
    r->all_what = static_cast<short>(r->all_what | what);
    if (r->free_on_event) {
      bufferevent_free(b);
      r->bev = nullptr;
    }
  }
  void attach(bufferevent* b) {
    bev = b;
    bufferevent_setcb(b, on_read, on_write, on_event, this);
  }
};

// Runs a base's loop in a thread of its own, kept alive by a persistent
// timer, until stop().  Thread-safe bufferevents finish their teardown from
// the loop (as in libevent): settle() gives it a pass first.
class LoopThread {
 public:
  void start(event_base* base) {
    base_ = base;
    keepalive_ = event_new(
        base, -1, EV_PERSIST, [](evutil_socket_t, short, void*) {}, nullptr);
    timeval tv = {0, 5000};
    event_add(keepalive_, &tv);
    thread_ = std::thread([base] { event_base_dispatch(base); });
  }
  static void settle() { usleep(20000); }
  void stop() {
    event_base_loopbreak(base_);
    thread_.join();
    event_free(keepalive_);
    keepalive_ = nullptr;
  }

 private:
  event_base* base_ = nullptr;
  event* keepalive_ = nullptr;
  std::thread thread_;
};

}  // namespace bevtest
