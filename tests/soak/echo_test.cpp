// Soak: 10,000 concurrent loopback connections through a bufferevent echo
// server of ours.  Each client sends a message of random size (up to
// 16 KiB) and random content; most read the echo back and close, one in ten
// half-closes after sending (shutdown(SHUT_WR)) and expects the whole echo
// then end-of-file, one in ten resets the connection mid-message.  Every
// byte must come back, in order; afterwards every descriptor the server
// process opened and every byte it allocated through the memory functions
// must be returned.  The clients run in a child process with raw epoll (the
// server process alone would need 20,000 descriptors), so each process
// needs ~10,100; the test raises RLIMIT_NOFILE and skips only when the hard
// limit is below that.  Bounded: it fails if not done within 60 seconds.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../api/counting_allocator.hpp"

namespace {

constexpr int kConnections = 10000;
constexpr size_t kMaxMessage = 16 * 1024;
constexpr int kTimeLimitSeconds = 60;

int open_fds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n - 1;  // the directory's own descriptor
}

double now_seconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// ---- message content: a function of (connection, position) ----

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}
unsigned char msg_byte(int conn, size_t i) {
  return static_cast<unsigned char>(mix((static_cast<uint64_t>(conn) << 32) | (i / 8)) >>
                                    (i % 8 * 8));
}
size_t msg_len(int conn) {
  return 1 + mix(0x5eed0000ULL + static_cast<uint64_t>(conn)) % kMaxMessage;
}

enum Kind { kNormal, kHalfClose, kReset };
Kind kind_of(int conn) {
  switch (conn % 10) {
    case 3:
      return kReset;
    case 7:
      return kHalfClose;
    default:
      return kNormal;
  }
}

// ---- the clients (child process, raw epoll) ----

struct ClientResult {
  int connected = 0;
  int completed = 0;   // normal and half-closed connections fully echoed
  int resets = 0;      // connections reset on purpose
  int mismatches = 0;  // echoed bytes that differ
  int errors = 0;      // unexpected errors or early EOF
  int unfinished = 0;  // still open at the deadline
  long long bytes_echoed = 0;
  char first_error[160] = "";
};

struct Client {
  int fd = -1;
  size_t len = 0, cut = 0;  // cut: bytes sent before a reset
  size_t sent = 0, received = 0;
  bool shut = false, done = false, connected = false;
};

void client_error(ClientResult* r, int conn, const char* what) {
  if (r->first_error[0] == '\0')
    std::snprintf(r->first_error, sizeof r->first_error, "connection %d: %s (errno %d)", conn, what,
                  errno);
  ++r->errors;
}

ClientResult run_clients(const sockaddr_in& server, double deadline) {
  ClientResult r;
  std::vector<Client> cs(kConnections);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  // Every connection is opened before any is served: all are concurrent.
  for (int i = 0; i < kConnections; ++i) {
    Client& c = cs[i];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
      client_error(&r, i, "socket");
      c.done = true;
      continue;
    }
    c.len = msg_len(i);
    c.cut = kind_of(i) == kReset ? c.len / 2 : c.len;
    if (connect(c.fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 &&
        errno != EINPROGRESS) {
      client_error(&r, i, "connect");
      close(c.fd);
      c.done = true;
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  int open = 0;
  for (const Client& c : cs) open += !c.done;
  unsigned char chunk[kMaxMessage];
  epoll_event evs[256];
  while (open > 0 && now_seconds() < deadline) {
    int n = epoll_wait(ep, evs, 256, 200);
    for (int k = 0; k < n; ++k) {
      int i = static_cast<int>(evs[k].data.u32);
      Client& c = cs[i];
      if (c.done) continue;
      if (!c.connected && (evs[k].events & (EPOLLOUT | EPOLLERR))) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err != 0) {
          errno = err;
          client_error(&r, i, "connect failed");
          close(c.fd), c.done = true, --open;
          continue;
        }
        c.connected = true;
        ++r.connected;
      }
      if (c.connected && c.sent < c.cut && (evs[k].events & EPOLLOUT)) {
        size_t want = c.cut - c.sent;
        for (size_t j = 0; j < want; ++j) chunk[j] = msg_byte(i, c.sent + j);
        ssize_t w = send(c.fd, chunk, want, MSG_NOSIGNAL);
        if (w > 0) c.sent += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN) {
          client_error(&r, i, "send");
          close(c.fd), c.done = true, --open;
          continue;
        }
      }
      if (c.sent == c.cut) {
        if (kind_of(i) == kReset) {
          linger lg{1, 0};  // close with RST, mid-message
          setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
          close(c.fd), c.done = true, --open;
          ++r.resets;
          continue;
        }
        if (!c.shut) {
          epoll_event ev{};
          ev.events = EPOLLIN | EPOLLRDHUP;
          ev.data.u32 = static_cast<uint32_t>(i);
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
          if (kind_of(i) == kHalfClose) shutdown(c.fd, SHUT_WR);
          c.shut = true;
        }
      }
      if (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        for (;;) {
          ssize_t got = recv(c.fd, chunk, sizeof chunk, 0);
          if (got > 0) {
            for (ssize_t j = 0; j < got; ++j) {
              if (c.received + static_cast<size_t>(j) >= c.len ||
                  chunk[j] != msg_byte(i, c.received + static_cast<size_t>(j))) {
                ++r.mismatches;
                break;
              }
            }
            c.received += static_cast<size_t>(got);
            r.bytes_echoed += got;
            if (kind_of(i) == kNormal && c.received == c.len) {
              ++r.completed;
              close(c.fd), c.done = true, --open;
              break;
            }
            continue;
          }
          if (got == 0) {  // EOF: only a half-closed client expects it, after everything
            if (kind_of(i) == kHalfClose && c.received == c.len) {
              ++r.completed;
            } else {
              client_error(&r, i, "early end of file");
            }
            close(c.fd), c.done = true, --open;
          } else if (errno != EAGAIN) {
            client_error(&r, i, "recv");
            close(c.fd), c.done = true, --open;
          }
          break;
        }
      }
    }
  }
  r.unfinished = open;
  for (Client& c : cs)
    if (!c.done) close(c.fd);
  close(ep);
  return r;
}

// ---- the echo server (this process, our library) ----

struct Server {
  event_base* base = nullptr;
  int live = 0, peak = 0, accepted = 0, closed_by_error = 0;
  long long echoed = 0;
};

void free_conn(bufferevent* bev, Server* s) {
  bufferevent_free(bev);
  --s->live;
}

void echo_read(bufferevent* bev, void* arg) {
  auto* s = static_cast<Server*>(arg);
  evbuffer* in = bufferevent_get_input(bev);
  s->echoed += static_cast<long long>(evbuffer_get_length(in));
  bufferevent_write_buffer(bev, in);
}

// After a half-close: free once everything is written.
void drained(bufferevent* bev, void* arg) {
  if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
    free_conn(bev, static_cast<Server*>(arg));
}

void echo_event(bufferevent* bev, short what, void* arg) {
  auto* s = static_cast<Server*>(arg);
  if (what & BEV_EVENT_ERROR) {
    ++s->closed_by_error;
    free_conn(bev, s);
  } else if (what & BEV_EVENT_EOF) {
    if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
      free_conn(bev, s);
    } else {
      bufferevent_disable(bev, EV_READ);
      bufferevent_setcb(bev, nullptr, drained, echo_event, s);
    }
  }
}

void on_accept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
  auto* s = static_cast<Server*>(arg);
  bufferevent* bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (bev == nullptr) {
    close(fd);
    return;
  }
  ++s->accepted;
  if (++s->live > s->peak) s->peak = s->live;
  bufferevent_setcb(bev, echo_read, nullptr, echo_event, s);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

struct Waiter {
  Server* server;
  int pipe_fd;
  ClientResult result;
  bool have_result = false;
  bool timed_out = false;
  event* poll_ev = nullptr;
};

// The clients' result arrives on a pipe; then the server waits until its
// last connection is gone.
void on_result(evutil_socket_t fd, short, void* arg) {
  auto* w = static_cast<Waiter*>(arg);
  if (!w->have_result) {
    ssize_t n = read(fd, &w->result, sizeof w->result);
    if (n == static_cast<ssize_t>(sizeof w->result)) w->have_result = true;
    if (n == 0 || w->have_result) event_del(w->poll_ev);
    // The client process ended without a result: nothing more to wait for.
    if (!w->have_result && n <= 0) event_base_loopbreak(w->server->base);
  }
}

void on_tick(evutil_socket_t, short, void* arg) {
  auto* w = static_cast<Waiter*>(arg);
  if (w->have_result && w->server->live == 0) event_base_loopbreak(w->server->base);
}

void on_deadline(evutil_socket_t, short, void* arg) {
  auto* w = static_cast<Waiter*>(arg);
  w->timed_out = true;
  event_base_loopbreak(w->server->base);
}

TEST(EchoSoak, TenThousandConcurrentConnectionsLoseNothingAndLeakNothing) {
  rlimit lim{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  const rlim_t need = kConnections + 200;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < need) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << lim.rlim_max << " is below the " << need
                 << " descriptors each process of this test needs";
  }
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? need : lim.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);
  signal(SIGPIPE, SIG_IGN);

  const int fds_before = open_fds();
  const long blocks_before = evtest::g_live_blocks.load();
  const size_t bytes_before = evtest::g_live_bytes.load();
  const double deadline = now_seconds() + kTimeLimitSeconds;

  Server server;
  Waiter waiter{&server, -1, {}};
  {
    server.base = event_base_new();
    ASSERT_NE(server.base, nullptr);
    // Run again on another method (EVENT_IOURING=1 in the environment): the
    // run is only worth its name on that method.
    if (const char* want = std::getenv("EVTEST_EXPECT_METHOD")) {
      if (std::strcmp(event_base_get_method(server.base), want) != 0) {
        event_base_free(server.base);
        GTEST_SKIP() << "the kernel refused " << want;
      }
    }
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    evconnlistener* lev =
        evconnlistener_new_bind(server.base, on_accept, &server,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
                                8192, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    ASSERT_NE(lev, nullptr);
    socklen_t len = sizeof sin;
    ASSERT_EQ(getsockname(evconnlistener_get_fd(lev), reinterpret_cast<sockaddr*>(&sin), &len), 0);

    int pfd[2];
    ASSERT_EQ(pipe2(pfd, O_CLOEXEC), 0);
    std::fflush(nullptr);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(pfd[0]);
      ClientResult r = run_clients(sin, deadline - 5);
      ssize_t w = write(pfd[1], &r, sizeof r);
      _exit(w == static_cast<ssize_t>(sizeof r) ? 0 : 1);
    }
    close(pfd[1]);
    waiter.pipe_fd = pfd[0];
    waiter.poll_ev = event_new(server.base, pfd[0], EV_READ | EV_PERSIST, on_result, &waiter);
    event* tick = event_new(server.base, -1, EV_PERSIST, on_tick, &waiter);
    event* limit = evtimer_new(server.base, on_deadline, &waiter);
    timeval tick_tv{0, 50000};
    timeval limit_tv{static_cast<time_t>(deadline - now_seconds()), 0};
    event_add(waiter.poll_ev, nullptr);
    event_add(tick, &tick_tv);
    event_add(limit, &limit_tv);
    double started = now_seconds();
    event_base_dispatch(server.base);
    double took = now_seconds() - started;

    int status = 0;
    if (waiter.timed_out) kill(child, SIGKILL);
    waitpid(child, &status, 0);
    event_free(waiter.poll_ev);
    event_free(tick);
    event_free(limit);
    close(pfd[0]);
    evconnlistener_free(lev);
    event_base_free(server.base);

    ASSERT_FALSE(waiter.timed_out) << "not done within " << kTimeLimitSeconds << " s; "
                                   << server.live << " server connections still open";
    ASSERT_TRUE(waiter.have_result) << "the client process reported nothing";
    const ClientResult& r = waiter.result;
    std::printf(
        "  %d connections (server peak %d concurrent), %d echoed completely, %d reset, "
        "%lld bytes echoed, %.1f s\n",
        r.connected, server.peak, r.completed, r.resets, r.bytes_echoed, took);
    EXPECT_EQ(r.connected, kConnections);
    EXPECT_EQ(r.errors, 0) << r.first_error;
    EXPECT_EQ(r.mismatches, 0) << "bytes lost or reordered";
    EXPECT_EQ(r.unfinished, 0);
    EXPECT_EQ(r.completed + r.resets, kConnections);
    EXPECT_EQ(r.resets, kConnections / 10);
    EXPECT_EQ(server.accepted, kConnections);
    EXPECT_GE(server.peak, kConnections / 2) << "connections were not concurrent";
  }
  EXPECT_EQ(server.live, 0);
  EXPECT_EQ(open_fds(), fds_before) << "descriptors not returned";
  EXPECT_EQ(evtest::g_live_blocks.load(), blocks_before) << "heap blocks not returned";
  EXPECT_EQ(evtest::g_live_bytes.load(), bytes_before) << "heap bytes not returned";
}

}  // namespace
