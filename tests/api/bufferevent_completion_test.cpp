// Socket bufferevents where IO may be in the kernel's hands while the loop
// runs (completion IO on the io_uring method): freeing with a receive and
// a send outstanding, watermarks against a receive armed before them, many
// connections with data waiting at once (the shared receive buffers run
// out), reading switched off and on mid-stream.  Every backend runs them:
// the promises are the same everywhere.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <gtest/gtest.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "bufferevent_test_util.hpp"
#include "event_backend_param.hpp"

namespace {

using bevtest::run_until;
using bevtest::SockPair;

// Bytes whose value depends on their position, to catch loss, duplication
// and reordering.
std::string pattern(size_t from, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (from + i) * 7 % 26);
  return s;
}

// Writes as much of `data` from `*sent` as the socket takes.
void pump(int fd, const std::string& data, size_t* sent) {
  while (*sent < data.size()) {
    ssize_t w = send(fd, data.data() + *sent, data.size() - *sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (w <= 0) return;
    *sent += static_cast<size_t>(w);
  }
}

class BevCompletion : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    base = evtest::new_base_with(GetParam());
    ASSERT_NE(nullptr, base);
  }
  void TearDown() override {
    if (base != nullptr) event_base_free(base);
  }
  event_base* base = nullptr;
};

// A bufferevent freed with a receive armed and a large send that the peer
// does not take: the socket closes at once (CLOSE_ON_FREE), nothing of
// the freed bufferevent is touched afterwards (ASan builds check), and the
// peer sees the connection end after the bytes that did go out.
TEST_P(BevCompletion, FreeWithReceiveAndSendOutstanding) {
  SockPair sp;
  const int fd = sp.release(0);
  bufferevent* bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, bev);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_READ | EV_WRITE));
  const std::string big = pattern(0, 4 << 20);
  ASSERT_EQ(0, bufferevent_write(bev, big.data(), big.size()));
  for (int i = 0; i < 5; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
  ASSERT_GT(evbuffer_get_length(bufferevent_get_output(bev)), 0u) << "the peer took everything";
  bufferevent_free(bev);
  EXPECT_FALSE(bevtest::fd_is_open(fd)) << "CLOSE_ON_FREE must close the socket at once";
  for (int i = 0; i < 5; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
  // The peer reads what arrived, then end of file, in order.
  std::string got;
  char buf[65536];
  timeval start;
  gettimeofday(&start, nullptr);
  for (;;) {
    ssize_t n = read(sp.fd[1], buf, sizeof buf);
    if (n > 0) {
      got.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else {
      ASSERT_EQ(EAGAIN, errno);
      ASSERT_LT(bevtest::ms_since(start), 3000) << "the peer never saw the end";
      usleep(1000);
    }
  }
  EXPECT_LT(got.size(), big.size());
  EXPECT_EQ(pattern(0, got.size()), got);
}

// The same, freed from its own read callback while the send is out, and
// the base freed right after, without another loop iteration.
TEST_P(BevCompletion, FreeFromReadCallbackThenFreeTheBase) {
  SockPair sp;
  const int fd = sp.release(0);
  bufferevent* bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, bev);
  bevtest::Recorder r;
  r.attach(bev);
  r.free_on_read = true;
  ASSERT_EQ(0, bufferevent_enable(bev, EV_READ | EV_WRITE));
  const std::string big = pattern(0, 2 << 20);
  ASSERT_EQ(0, bufferevent_write(bev, big.data(), big.size()));
  for (int i = 0; i < 3; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
  sp.send("go");
  ASSERT_TRUE(run_until(base, [&] { return r.reads > 0; }));
  EXPECT_EQ(nullptr, r.bev);
  EXPECT_FALSE(bevtest::fd_is_open(fd));
  event_base_free(base);
  base = nullptr;
}

// A receive armed before the read high watermark was set: the input still
// never goes past the watermark, and every byte arrives once, in order.
TEST_P(BevCompletion, WatermarkSetWhileReadingHolds) {
  SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, bev);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_READ));
  event_base_loop(base, EVLOOP_NONBLOCK);  // the receive goes out
  const std::string data = pattern(0, 256 * 1024);
  size_t sent = 0;
  pump(sp.fd[1], data, &sent);
  bufferevent_setwatermark(bev, EV_READ, 0, 100);
  std::string got;
  evbuffer* in = bufferevent_get_input(bev);
  timeval start;
  gettimeofday(&start, nullptr);
  while (got.size() < data.size() && bevtest::ms_since(start) < 5000) {
    pump(sp.fd[1], data, &sent);
    event_base_loop(base, EVLOOP_NONBLOCK);
    ASSERT_LE(evbuffer_get_length(in), 100u) << "read past the high watermark";
    size_t n = evbuffer_get_length(in);
    std::string part(n, '\0');
    evbuffer_remove(in, part.data(), n);
    got += part;
  }
  ASSERT_EQ(data.size(), got.size());
  EXPECT_TRUE(got == data) << "bytes lost, repeated or reordered";
  bufferevent_free(bev);
}

// `conns` socket bufferevents, each of whose peers sends `data` (before
// reading is enabled, with `send_first`): every connection gets its bytes,
// in order, within 10 s.
void every_reader_gets_its_bytes(event_base* base, int conns, const std::string& data,
                                 bool send_first) {
  struct Conn {
    SockPair sp;
    bufferevent* bev = nullptr;
    std::string got;
  };
  std::vector<Conn> all(static_cast<size_t>(conns));
  for (Conn& c : all) {
    c.bev = bufferevent_socket_new(base, c.sp.release(0), BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, c.bev);
    bufferevent_setcb(
        c.bev,
        [](bufferevent* b, void* arg) {
          auto* got = static_cast<std::string*>(arg);
          char buf[8192];
          size_t n;
          while ((n = bufferevent_read(b, buf, sizeof buf)) > 0) got->append(buf, n);
        },
        nullptr, nullptr, &c.got);
    if (send_first) c.sp.send(data);
    ASSERT_EQ(0, bufferevent_enable(c.bev, EV_READ));
    if (!send_first) c.sp.send(data);
  }
  EXPECT_TRUE(run_until(
      base,
      [&] {
        for (const Conn& c : all)
          if (c.got.size() < data.size()) return false;
        return true;
      },
      10000));
  for (Conn& c : all) {
    EXPECT_TRUE(c.got == data);
    bufferevent_free(c.bev);
  }
}

// Many connections whose data is all there before the loop first runs:
// more than the receive buffers an io_uring base starts with.  Every
// connection gets all its bytes.
TEST_P(BevCompletion, ManyConnectionsWithDataWaitingAllArrive) {
  every_reader_gets_its_bytes(base, 150, pattern(3, 16 * 1024), false);
}

// More connections with data at once than the io_uring method's receive
// pool has buffers (1024; it doubles from 4 each time it runs dry, so 3000
// readers still find it empty at its limit): receives wait for buffers to
// come back, and every byte still arrives.
TEST_P(BevCompletion, MoreReadersThanPoolBuffersAllArrive) {
  constexpr int kConns = 3000;
  rlimit lim{};
  ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &lim));
  const rlim_t need = 2 * kConns + 64;
  if (lim.rlim_cur < need) {
    if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < need)
      GTEST_SKIP() << "needs " << need << " descriptors";
    lim.rlim_cur = need;
    ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
  }
  // Sent before reading starts: every receive completes at once.
  every_reader_gets_its_bytes(base, kConns, pattern(11, 100), true);
}

// Reading switched off and on again from the read callback, mid-stream:
// nothing is lost or repeated, and nothing is delivered while off.
TEST_P(BevCompletion, ReadingToggledMidStreamLosesNothing) {
  SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, bev);
  struct State {
    std::string got;
    int reads = 0;
    bool off = false;
    bool read_while_off = false;
  } st;
  bufferevent_setcb(
      bev,
      [](bufferevent* b, void* arg) {
        auto* st = static_cast<State*>(arg);
        if (st->off) st->read_while_off = true;
        char buf[1000];  // less than arrives: the rest stays in the input
        size_t n = bufferevent_read(b, buf, sizeof buf);
        st->got.append(buf, n);
        if (++st->reads % 3 == 0) {
          bufferevent_disable(b, EV_READ);
          st->off = true;
        }
      },
      nullptr, nullptr, &st);
  ASSERT_EQ(0, bufferevent_enable(bev, EV_READ));
  const std::string data = pattern(11, 300 * 1024);
  size_t sent = 0;
  evbuffer* in = bufferevent_get_input(bev);
  timeval start;
  gettimeofday(&start, nullptr);
  while (st.got.size() + evbuffer_get_length(in) < data.size() && bevtest::ms_since(start) < 5000) {
    pump(sp.fd[1], data, &sent);
    event_base_loop(base, EVLOOP_NONBLOCK);
    if (st.off) {
      st.off = false;
      ASSERT_EQ(0, bufferevent_enable(bev, EV_READ));
    }
  }
  size_t n = evbuffer_get_length(in);
  std::string rest(n, '\0');
  evbuffer_remove(in, rest.data(), n);
  st.got += rest;
  EXPECT_FALSE(st.read_while_off);
  ASSERT_EQ(data.size(), st.got.size());
  EXPECT_TRUE(st.got == data);
  bufferevent_free(bev);
}

// An echo over many connections and rounds, as a server would run it: the
// output of each reply is written from the read callback.
TEST_P(BevCompletion, EchoKeepsEveryConnectionsBytesInOrder) {
  constexpr int kConns = 20;
  constexpr int kRounds = 50;
  struct Conn {
    SockPair sp;
    bufferevent* bev = nullptr;
    std::string echoed;
    size_t sent = 0;
  };
  std::vector<Conn> conns(kConns);
  for (Conn& c : conns) {
    c.bev = bufferevent_socket_new(base, c.sp.release(0), BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, c.bev);
    bufferevent_setcb(
        c.bev,
        [](bufferevent* b, void*) {
          bufferevent_write_buffer(b, bufferevent_get_input(b));  // echo
        },
        nullptr, nullptr, nullptr);
    ASSERT_EQ(0, bufferevent_enable(c.bev, EV_READ | EV_WRITE));
  }
  const std::string msg = pattern(5, 3000);
  for (int round = 0; round < kRounds; ++round) {
    for (Conn& c : conns) c.sp.send(msg);
    ASSERT_TRUE(run_until(base, [&] {
      for (Conn& c : conns) {
        char buf[8192];
        ssize_t n;
        while ((n = read(c.sp.fd[1], buf, sizeof buf)) > 0)
          c.echoed.append(buf, static_cast<size_t>(n));
        if (c.echoed.size() < msg.size() * static_cast<size_t>(round + 1)) return false;
      }
      return true;
    }));
  }
  for (Conn& c : conns) {
    ASSERT_EQ(msg.size() * kRounds, c.echoed.size());
    for (int round = 0; round < kRounds; ++round)
      ASSERT_EQ(0, c.echoed.compare(msg.size() * static_cast<size_t>(round), msg.size(), msg));
    bufferevent_free(c.bev);
  }
}

// Output spread over many chains (references to separate blocks, more of
// them than one vectored send takes), some cut by a rate limit: the peer gets
// every byte once, in order, and each block's cleanup runs once the bytes
// are gone.
TEST_P(BevCompletion, OutputOverManyChainsArrivesInOrder) {
  constexpr size_t kBlocks = 40;
  constexpr size_t kBlock = 1000;
  const std::string data = pattern(3, kBlocks * kBlock);
  SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, bev);
  static int cleaned;
  cleaned = 0;
  evbuffer* out = bufferevent_get_output(bev);
  for (size_t i = 0; i < kBlocks; ++i)
    ASSERT_EQ(0, evbuffer_add_reference(
                     out, data.data() + i * kBlock, kBlock,
                     [](const void*, size_t, void*) { ++cleaned; }, nullptr));
  // A whole block and a half per send at most: sends start and end inside
  // chains.
  ASSERT_EQ(0, bufferevent_set_max_single_write(bev, kBlock * 3 / 2));
  ASSERT_EQ(0, bufferevent_enable(bev, EV_WRITE));
  std::string got;
  ASSERT_TRUE(run_until(base, [&] {
    char buf[8192];
    ssize_t n;
    while ((n = read(sp.fd[1], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
    return got.size() >= data.size();
  }));
  EXPECT_EQ(data.size(), got.size());
  EXPECT_TRUE(got == data) << "bytes lost, repeated or out of order";
  ASSERT_TRUE(run_until(base, [&] { return cleaned == static_cast<int>(kBlocks); }));
  // Without a limit: one vectored send over many chains at a time.
  cleaned = 0;
  ASSERT_EQ(0, bufferevent_set_max_single_write(bev, EV_SSIZE_MAX));
  for (size_t i = 0; i < kBlocks; ++i)
    ASSERT_EQ(0, evbuffer_add_reference(
                     out, data.data() + i * kBlock, kBlock,
                     [](const void*, size_t, void*) { ++cleaned; }, nullptr));
  got.clear();
  ASSERT_TRUE(run_until(base, [&] {
    char buf[8192];
    ssize_t n;
    while ((n = read(sp.fd[1], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
    return got.size() >= data.size() && cleaned == static_cast<int>(kBlocks);
  }));
  EXPECT_TRUE(got == data) << "bytes lost, repeated or out of order";
  bufferevent_free(bev);
}

EVTEST_INSTANTIATE_PER_BACKEND(BevCompletion);

// On the io_uring method, completion IO is on unless
// EVENT_IOURING_NOCOMPLETION is set.  What shows from outside: a socket
// bufferevent that reads keeps a request in the kernel, which counts as a
// virtual event of the base, and with the switch it uses a plain event.
int virtual_events_of_a_reading_bufferevent(bool no_completion) {
  if (no_completion) {
    setenv("EVENT_IOURING_NOCOMPLETION", "1", 1);
  } else {
    unsetenv("EVENT_IOURING_NOCOMPLETION");
  }
  event_config* cfg = event_config_new();
  for (const std::string& m : evtest::supported_methods())
    if (m != "io_uring") event_config_avoid_method(cfg, m.c_str());
  event_base* base = event_base_new_with_config(cfg);  // the environment counts
  event_config_free(cfg);
  unsetenv("EVENT_IOURING_NOCOMPLETION");
  if (base == nullptr) return -1;
  SockPair sp;
  bufferevent* bev = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  bufferevent_enable(bev, EV_READ);
  event_base_loop(base, EVLOOP_NONBLOCK);
  int n = event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL);
  bufferevent_free(bev);
  event_base_free(base);
  return n;
}

TEST(BevCompletionSwitch, NoCompletionEnvironmentVariableFallsBackToReadiness) {
  bool have = false;
  for (const std::string& m : evtest::supported_methods()) have = have || m == "io_uring";
  if (!have) GTEST_SKIP() << "no io_uring method in this build";
  int on = virtual_events_of_a_reading_bufferevent(false);
  if (on < 0) GTEST_SKIP() << "io_uring refused by the kernel";
  EXPECT_EQ(1, on);
  EXPECT_EQ(0, virtual_events_of_a_reading_bufferevent(true));
}

}  // namespace
