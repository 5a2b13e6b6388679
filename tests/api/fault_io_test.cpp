// Fault injection on the IO path, one test per fault, on every backend:
// a peer that stops reading (watermarks hold and memory stays bounded),
// a peer that floods a reader with a high watermark, ECONNRESET and EPIPE
// in the middle of a large write, short writes (tiny socket and pipe
// buffers), closing a descriptor while its event is added, and running out
// of descriptors on accept while established connections are served.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bufferevent_test_util.hpp"
#include "counting_allocator.hpp"
#include "event_backend_param.hpp"

using bevtest::run_for;
using bevtest::run_until;

namespace {

// Byte i of a test stream: position-dependent, so loss or reordering shows.
char stream_byte(size_t i) { return static_cast<char>('A' + (i * 7 + i / 997) % 26); }
std::string stream(size_t from, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = stream_byte(from + i);
  return s;
}
bool is_stream_prefix(const std::string& got) {
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != stream_byte(i)) return false;
  return true;
}

// A connected TCP pair over loopback (non-blocking), closed on destruction.
struct TcpPair {
  int fd[2] = {-1, -1};
  TcpPair() {
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    EXPECT_EQ(0, bind(lfd, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    EXPECT_EQ(0, listen(lfd, 1));
    EXPECT_EQ(0, getsockname(lfd, reinterpret_cast<sockaddr*>(&sin), &len));
    fd[0] = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(0, connect(fd[0], reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    fd[1] = accept(lfd, nullptr, nullptr);
    close(lfd);
    for (int f : fd) evutil_make_socket_nonblocking(f);
    signal(SIGPIPE, SIG_IGN);
  }
  ~TcpPair() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  int release(int i) {
    int f = fd[i];
    fd[i] = -1;
    return f;
  }
};

class FaultIo : public evtest::PerBackend {};

// CPU-time bounds are for native runs; valgrind is some 50 times slower.
double cpu_scale() {
  const char* pre = std::getenv("LD_PRELOAD");
  return pre != nullptr && std::strstr(pre, "vgpreload") != nullptr ? 50.0 : 1.0;
}

// Producer that refills the output only from the write callback, when the
// output is below the write low watermark: the standard flow control.
struct Producer {
  size_t produced = 0;
  size_t limit = 0;  // total bytes to produce
  int refills = 0;
  static constexpr size_t kChunk = 32 * 1024;
  static void on_write(bufferevent* bev, void* arg) {
    auto* p = static_cast<Producer*>(arg);
    if (p->produced >= p->limit) return;
    ++p->refills;
    size_t n = p->limit - p->produced < kChunk ? p->limit - p->produced : kChunk;
    std::string s = stream(p->produced, n);
    bufferevent_write(bev, s.data(), n);
    p->produced += n;
  }
};

// The peer stops reading: the kernel buffers fill, the output stops
// draining, the write callback stops asking for more and memory stays
// bounded; when the peer reads again everything arrives in order.
TEST_P(FaultIo, PeerThatStopsReadingKeepsTheWriterBounded) {
  bevtest::SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(bev, nullptr);
  Producer p;
  p.limit = 64 * 1024 * 1024;  // far more than the socket can hold
  bufferevent_setcb(bev, nullptr, Producer::on_write, nullptr, &p);
  bufferevent_setwatermark(bev, EV_WRITE, 16 * 1024, 0);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_WRITE));
  Producer::on_write(bev, &p);  // first chunk
  const size_t heap_before = evtest::g_live_bytes.load();
  run_for(base, 200);
  const int refills_stalled = p.refills;
  const size_t produced_stalled = p.produced;
  run_for(base, 200);
  EXPECT_EQ(p.refills, refills_stalled) << "the writer kept producing into a stalled peer";
  EXPECT_LE(evbuffer_get_length(bufferevent_get_output(bev)), 16 * 1024 + Producer::kChunk);
  EXPECT_LT(produced_stalled, 8u * 1024 * 1024) << "more than the socket can hold was accepted";
  EXPECT_LT(evtest::g_live_bytes.load(), heap_before + 256 * 1024) << "memory grew while stalled";
  // The peer reads again: 4 MiB more flow through, in order.
  p.limit = produced_stalled + 4 * 1024 * 1024;
  std::string got;
  EXPECT_TRUE(run_until(
      base,
      [&] {
        got += sp.recv_all(1);
        return got.size() >= p.limit;
      },
      10000));
  EXPECT_EQ(got.size(), p.limit);
  EXPECT_TRUE(is_stream_prefix(got));
  bufferevent_free(bev);
}

// A peer floods a reader whose read high watermark is small and whose
// callback does not drain: the input never exceeds the watermark; after
// draining, reading resumes and nothing is lost.
TEST_P(FaultIo, FloodingPeerIsHeldAtTheReadHighWatermark) {
  bevtest::SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(bev, nullptr);
  // The read callback is the consumer and drains only once the input has
  // reached the watermark, so the flood fills it every time.  (A callback
  // that drains nothing at the watermark is called again until it does, as
  // in libevent, so it must drain then.)
  struct Consumer {
    int reads = 0;
    int full = 0;
    std::string got;
  } c;
  bufferevent_setcb(
      bev,
      [](bufferevent* b, void* arg) {
        auto* c = static_cast<Consumer*>(arg);
        ++c->reads;
        evbuffer* in = bufferevent_get_input(b);
        size_t n = evbuffer_get_length(in);
        if (n < 4096) return;
        ++c->full;
        std::string part(n, '\0');
        evbuffer_remove(in, part.data(), n);
        c->got += part;
      },
      nullptr, nullptr, &c);
  bufferevent_setwatermark(bev, EV_READ, 0, 4096);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_READ));
  const size_t total = 2 * 1024 * 1024;
  size_t sent = 0;
  evbuffer* in = bufferevent_get_input(bev);
  for (int round = 0; round < 20000 && c.got.size() < total; ++round) {
    while (sent < total) {
      std::string s = stream(sent, 65536 < total - sent ? 65536 : total - sent);
      ssize_t w = send(sp.fd[1], s.data(), s.size(), MSG_DONTWAIT);
      if (w <= 0) break;
      sent += static_cast<size_t>(w);
    }
    for (int i = 0; i < 4; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
    ASSERT_LE(evbuffer_get_length(in), 4096u) << "the read high watermark did not hold";
  }
  EXPECT_EQ(c.got.size(), total);
  EXPECT_TRUE(is_stream_prefix(c.got));
  EXPECT_GT(c.full, 0) << "the input never reached the watermark";
  bufferevent_free(bev);
}

// The peer resets a TCP connection in the middle of a large write: the
// writer reports an error while writing (ECONNRESET or EPIPE), nothing
// crashes and the bufferevent frees cleanly.
TEST_P(FaultIo, ConnectionResetMidWriteIsReported) {
  TcpPair tp;
  bufferevent* bev = bufferevent_socket_new(base, tp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(bev, nullptr);
  bevtest::Recorder r;
  r.attach(bev);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_READ | EV_WRITE));
  std::string big = stream(0, 8 * 1024 * 1024);
  ASSERT_EQ(0, bufferevent_write(bev, big.data(), big.size()));
  // Let part of it go, read a little, then reset.
  run_for(base, 20);
  char buf[4096];
  ASSERT_GT(recv(tp.fd[1], buf, sizeof buf, 0), 0);
  linger lg{1, 0};
  ASSERT_EQ(0, setsockopt(tp.fd[1], SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  close(tp.release(1));
  EXPECT_TRUE(run_until(base, [&] { return (r.all_what & BEV_EVENT_ERROR) != 0; }));
  EXPECT_TRUE(r.last_errno == ECONNRESET || r.last_errno == EPIPE) << "errno " << r.last_errno;
  EXPECT_GT(evbuffer_get_length(bufferevent_get_output(bev)), 0u) << "the rest stays unsent";
  bufferevent_free(bev);
}

// Writing to a closed stream socket peer: EPIPE, reported while writing.
TEST_P(FaultIo, BrokenPipeMidWriteIsReported) {
  bevtest::SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(bev, nullptr);
  bevtest::Recorder r;
  r.attach(bev);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_WRITE));
  std::string big = stream(0, 4 * 1024 * 1024);
  ASSERT_EQ(0, bufferevent_write(bev, big.data(), big.size()));
  run_for(base, 10);
  std::string part = sp.recv_all(1);
  EXPECT_TRUE(is_stream_prefix(part));
  sp.close_end(1);
  EXPECT_TRUE(run_until(base, [&] { return (r.all_what & BEV_EVENT_ERROR) != 0; }));
  EXPECT_TRUE(r.all_what & BEV_EVENT_WRITING);
  EXPECT_TRUE(r.last_errno == EPIPE || r.last_errno == ECONNRESET) << "errno " << r.last_errno;
  bufferevent_free(bev);
}

// Short writes: tiny kernel buffers (a socket with the smallest send
// buffer, a pipe of one page) accept a little at a time; a large output
// still arrives whole and in order.
TEST_P(FaultIo, ShortWritesLoseNothing) {
  const size_t total = 256 * 1024 + 17;
  for (int use_pipe = 0; use_pipe < 2; ++use_pipe) {
    SCOPED_TRACE(use_pipe ? "pipe" : "socket");
    int wfd, rfd;
    bevtest::SockPair sp;
    evtest::Pipe pp;
    if (use_pipe) {
      fcntl(pp.w(), F_SETPIPE_SZ, 4096);
      wfd = pp.w();
      rfd = pp.r();
    } else {
      int small = 1;  // the kernel rounds it up to its minimum
      setsockopt(sp.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
      setsockopt(sp.fd[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
      wfd = sp.fd[0];
      rfd = sp.fd[1];
    }
    bufferevent* bev = bufferevent_socket_new(base, wfd, 0);
    ASSERT_NE(bev, nullptr);
    std::string data = stream(0, total);
    ASSERT_EQ(0, bufferevent_write(bev, data.data(), data.size()));
    ASSERT_EQ(0, bufferevent_enable(bev, EV_WRITE));
    std::string got;
    char buf[1500];
    EXPECT_TRUE(run_until(
        base,
        [&] {
          // The reader takes small bites too, until the kernel has no more.
          for (;;) {
            ssize_t n = read(rfd, buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, static_cast<size_t>(n));
          }
          return got.size() >= total;
        },
        20000));
    EXPECT_EQ(got.size(), total);
    EXPECT_TRUE(got == data);
    bufferevent_free(bev);
  }
}

// A descriptor closed while its event is added: the loop neither crashes
// nor spins, the stale event can still be deleted and freed, and once it is
// deleted the number, reused by a new descriptor, works for a new event.
// (On poll the stale event fires until deleted, as with libevent.  As with
// libevent, an event added for the new descriptor while the stale
// one is still added may go unnoticed by epoll: the backend sees no change
// of interest for that number.  Delete before closing.)
TEST_P(FaultIo, ClosingAnFdWhileItsEventIsAdded) {
  evtest::Pipe a;
  int a_fires = 0, b_fires = 0;
  auto count = [](evutil_socket_t fd, short, void* arg) {
    ++*static_cast<int*>(arg);
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0) {
    }
  };
  event* ea = event_new(base, a.r(), EV_READ | EV_PERSIST, count, &a_fires);
  ASSERT_EQ(0, event_add(ea, nullptr));
  run_for(base, 5);
  const int old_fd = a.r();
  a.close_read();  // closed with its event still added

  // The loop still returns on time and does not spin.
  rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  timeval before = evtest::now_tv();
  run_for(base, 100);
  getrusage(RUSAGE_SELF, &ru1);
  EXPECT_LT(evtest::elapsed_ms(before, evtest::now_tv()), 2000);
  long cpu_us = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1000000L +
                (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) +
                (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000L +
                (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec);
  if (std::string(GetParam()) == "poll") {
    // poll() reports a closed descriptor as POLLNVAL at once, and libevent's
    // poll backend (its regression test main/event_closed_fd_poll) delivers
    // that to the event: it fires until deleted, as with the reference.
    EXPECT_GT(a_fires, 1) << "poll: the closed descriptor's event is reported";
  } else {
    EXPECT_LT(cpu_us, 80000 * cpu_scale()) << "the loop spun on a closed descriptor";
  }
  EXPECT_EQ(0, event_del(ea));
  event_free(ea);

  // The number comes back as a new pipe's read end.
  evtest::Pipe b;  // usually gets the lowest free number: the old one
  if (b.r() != old_fd) {
    ASSERT_EQ(old_fd, dup2(b.r(), old_fd));
    close(b.r());
    b.fd[0] = old_fd;
  }
  event* eb = event_new(base, old_fd, EV_READ | EV_PERSIST, count, &b_fires);
  ASSERT_EQ(0, event_add(eb, nullptr));
  b.put("ping");
  EXPECT_TRUE(run_until(base, [&] { return b_fires > 0; }));
  int fires = b_fires;
  b.put("pong");
  EXPECT_TRUE(run_until(base, [&] { return b_fires > fires; }));
  event_free(eb);
}

// Out of descriptors on accept: the listener's error callback hears EMFILE
// while an established connection keeps being echoed, the loop does not
// spin, and the waiting connection is accepted once descriptors return.
// (Named for scripts/run-valgrind's skip list: valgrind keeps descriptors of
// its own, so a lowered RLIMIT_NOFILE would measure it instead of us.)
TEST_P(FaultIo, RunningOutOfDescriptorsOnAcceptWhileConnectionsAreServed) {
  struct State {
    event_base* base;
    int errors = 0, accepted = 0;
    std::vector<bufferevent*> conns;
  } st{base};
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  evconnlistener* lev = evconnlistener_new_bind(
      base,
      [](evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
        auto* s = static_cast<State*>(arg);
        ++s->accepted;
        bufferevent* bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
        bufferevent_setcb(
            bev,
            [](bufferevent* b, void*) { bufferevent_write_buffer(b, bufferevent_get_input(b)); },
            nullptr, nullptr, nullptr);
        bufferevent_enable(bev, EV_READ | EV_WRITE);
        s->conns.push_back(bev);
      },
      &st, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1, reinterpret_cast<sockaddr*>(&sin),
      sizeof sin);
  ASSERT_NE(lev, nullptr);
  evconnlistener_set_error_cb(
      lev, [](evconnlistener*, void* arg) { ++static_cast<State*>(arg)->errors; });
  socklen_t len = sizeof sin;
  ASSERT_EQ(0, getsockname(evconnlistener_get_fd(lev), reinterpret_cast<sockaddr*>(&sin), &len));
  int first = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(0, connect(first, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
  ASSERT_TRUE(run_until(base, [&] { return st.accepted == 1; }));
  int second = socket(AF_INET, SOCK_STREAM, 0);  // made while descriptors remain

  rlimit saved{};
  ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &saved));
  std::vector<int> fillers;
  {
    int lowest = dup(2);
    close(lowest);
    rlimit lowered = saved;
    lowered.rlim_cur = static_cast<rlim_t>(lowest) + 2;
    ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lowered));
    for (int fd; (fd = dup(2)) >= 0;) fillers.push_back(fd);
  }
  // On io_uring an accept request keeps the descriptor limit of the moment
  // it was submitted (the kernel reads it then): re-arm under the lowered
  // one, as a program reaching its real limit would have it.
  ASSERT_EQ(0, evconnlistener_disable(lev));
  run_for(base, 20);
  ASSERT_EQ(0, evconnlistener_enable(lev));
  ASSERT_EQ(0, connect(second, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
  rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  // The first connection is still echoed while accept() fails.
  ASSERT_EQ(5, send(first, "hello", 5, 0));
  std::string echoed;
  EXPECT_TRUE(run_until(base, [&] {
    char buf[16];
    ssize_t n = recv(first, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) echoed.append(buf, static_cast<size_t>(n));
    return echoed == "hello";
  }));
  run_for(base, 300);
  getrusage(RUSAGE_SELF, &ru1);
  double cpu = static_cast<double>(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
                                   ru0.ru_stime.tv_sec) +
               static_cast<double>(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
                                   ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
                   1e6;
  EXPECT_EQ(st.accepted, 1);
  EXPECT_GE(st.errors, 1) << "EMFILE was not reported";
  EXPECT_LT(cpu, 0.25 * cpu_scale()) << "the loop spun while out of descriptors";
  for (int fd : fillers) close(fd);
  setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_TRUE(run_until(
      base, [&] { return st.accepted == 2; }, 5000));
  for (bufferevent* b : st.conns) bufferevent_free(b);
  close(first);
  close(second);
  evconnlistener_free(lev);
}

EVTEST_INSTANTIATE_PER_BACKEND(FaultIo);

}  // namespace
