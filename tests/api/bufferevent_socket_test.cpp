// Socket bufferevents, run once per backend: reading, writing, watermarks,
// EOF/error/timeout reporting and the enabled directions.
#include <cerrno>
#include <cstring>
#include <string>

#include "bufferevent_test_util.hpp"
#include "event_backend_param.hpp"

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;
using bevtest::SockPair;

namespace {

class BevSocket : public evtest::PerBackend {
 protected:
  bufferevent* make(int fd, int options = 0) {
    bufferevent* b = bufferevent_socket_new(base, fd, options);
    EXPECT_NE(nullptr, b);
    return b;
  }
  // A bufferevent on sp.fd[0] whose callbacks `r` records; `drain`: the
  // read callback empties the input.
  bufferevent* watched(bool drain = true, int options = 0) {
    bufferevent* b = make(sp.fd[0], options);
    r.drain = drain;
    if (b != nullptr) r.attach(b);
    return b;
  }

  SockPair sp;
  Recorder r;
};

TEST_P(BevSocket, NewStartsWithWritingEnabledAndExposesItsParts) {
  bufferevent* b = make(sp.fd[0]);
  EXPECT_EQ(EV_WRITE, bufferevent_get_enabled(b));
  EXPECT_EQ(EV_WRITE, b->enabled);
  EXPECT_EQ(sp.fd[0], bufferevent_getfd(b));
  EXPECT_EQ(base, bufferevent_get_base(b));
  EXPECT_EQ(base, b->ev_base);
  EXPECT_NE(nullptr, bufferevent_get_input(b));
  EXPECT_EQ(b->input, bufferevent_get_input(b));
  EXPECT_EQ(b->output, bufferevent_get_output(b));
  EXPECT_NE(b->input, b->output);
  EXPECT_EQ(nullptr, bufferevent_get_underlying(b));
  EXPECT_EQ(0, bufferevent_flush(b, EV_WRITE, BEV_FLUSH));
  bufferevent_free(b);
}

TEST_P(BevSocket, ReadCallbackGetsIncomingData) {
  bufferevent* b = watched();
  ASSERT_EQ(0, bufferevent_enable(b, EV_READ));
  EXPECT_EQ(EV_READ | EV_WRITE, bufferevent_get_enabled(b));
  sp.send("hello");
  ASSERT_TRUE(run_until(base, [&] { return r.data == "hello"; }));
  EXPECT_GE(r.reads, 1);
  EXPECT_EQ(0, r.events);
  bufferevent_free(b);
}

TEST_P(BevSocket, NothingIsReadWhileReadingIsDisabled) {
  bufferevent* b = watched();
  sp.send("data");
  run_for(base, 30);
  EXPECT_EQ(0, r.reads);
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_input(b)));
  bufferevent_enable(b, EV_READ);
  ASSERT_TRUE(run_until(base, [&] { return r.data == "data"; }));
  bufferevent_disable(b, EV_READ);
  EXPECT_EQ(EV_WRITE, bufferevent_get_enabled(b));
  sp.send("more");
  run_for(base, 30);
  EXPECT_EQ("data", r.data);
  bufferevent_free(b);
}

TEST_P(BevSocket, WriteSendsDataAndReportsDrainedOutput) {
  bufferevent* b = watched();
  ASSERT_EQ(0, bufferevent_write(b, "abc", 3));
  evbuffer* extra = evbuffer_new();
  evbuffer_add(extra, "def", 3);
  ASSERT_EQ(0, bufferevent_write_buffer(b, extra));
  EXPECT_EQ(0u, evbuffer_get_length(extra));
  evbuffer_free(extra);
  ASSERT_TRUE(run_until(base, [&] { return r.writes > 0; }));
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_output(b)));
  EXPECT_EQ("abcdef", sp.recv_all());
  bufferevent_free(b);
}

TEST_P(BevSocket, WriteWaitsWhileWritingIsDisabled) {
  bufferevent* b = watched();
  bufferevent_disable(b, EV_WRITE);
  bufferevent_write(b, "later", 5);
  run_for(base, 30);
  EXPECT_EQ("", sp.recv_all());
  EXPECT_EQ(5u, evbuffer_get_length(b->output));
  bufferevent_enable(b, EV_WRITE);
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->output) == 0; }));
  EXPECT_EQ("later", sp.recv_all());
  bufferevent_free(b);
}

TEST_P(BevSocket, EnablingWritingWithEmptyOutputRunsTheWriteCallbackOnce) {
  bufferevent* b = watched();
  bufferevent_enable(b, EV_WRITE);
  run_for(base, 30);
  EXPECT_EQ(1, r.writes);
  bufferevent_free(b);
}

TEST_P(BevSocket, PeerCloseReportsEofWhileReadingAndStopsReading) {
  bufferevent* b = watched();
  bufferevent_enable(b, EV_READ);
  sp.send("bye");
  sp.close_end(1);
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ("bye", r.data);
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, r.last_what);
  EXPECT_FALSE(bufferevent_get_enabled(b) & EV_READ);
  run_for(base, 20);
  EXPECT_EQ(1, r.events);
  bufferevent_free(b);
}

TEST_P(BevSocket, WriteToClosedPeerReportsErrorWhileWriting) {
  bufferevent* b = watched();
  sp.close_end(1);
  bufferevent_write(b, "lost", 4);
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_WRITING, r.last_what);
  EXPECT_EQ(EPIPE, r.last_errno);
  EXPECT_FALSE(bufferevent_get_enabled(b) & EV_WRITE);
  bufferevent_free(b);
}

TEST_P(BevSocket, ReadTimeoutFiresWhileReadingAndDisablesReading) {
  bufferevent* b = watched();
  timeval tv = {0, 50 * 1000};
  ASSERT_EQ(0, bufferevent_set_timeouts(b, &tv, nullptr));
  EXPECT_EQ(50 * 1000, b->timeout_read.tv_usec);
  bufferevent_enable(b, EV_READ);
  timeval start;
  gettimeofday(&start, nullptr);
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_GE(bevtest::ms_since(start), 40);
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_READING, r.last_what);
  EXPECT_FALSE(bufferevent_get_enabled(b) & EV_READ);
  bufferevent_free(b);
}

TEST_P(BevSocket, ReadTimeoutDoesNotCountWhileReadingIsDisabled) {
  bufferevent* b = watched();
  timeval tv = {0, 20 * 1000};
  bufferevent_set_timeouts(b, &tv, nullptr);
  run_for(base, 80);
  EXPECT_EQ(0, r.events);
  bufferevent_free(b);
}

TEST_P(BevSocket, ActivityPostponesTheReadTimeout) {
  bufferevent* b = watched();
  timeval tv = {0, 120 * 1000};
  bufferevent_set_timeouts(b, &tv, nullptr);
  bufferevent_enable(b, EV_READ);
  for (int i = 0; i < 4; ++i) {
    run_for(base, 50);
    sp.send("x");
  }
  run_for(base, 20);
  EXPECT_EQ(0, r.events);  // 200ms passed, never 120ms without data
  EXPECT_EQ("xxxx", r.data);
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_READING, r.last_what);
  bufferevent_free(b);
}

TEST_P(BevSocket, RemovingTheTimeoutStopsIt) {
  bufferevent* b = watched();
  timeval tv = {0, 30 * 1000};
  bufferevent_set_timeouts(b, &tv, &tv);
  bufferevent_enable(b, EV_READ);
  ASSERT_EQ(0, bufferevent_set_timeouts(b, nullptr, nullptr));
  EXPECT_EQ(0, b->timeout_read.tv_usec);
  run_for(base, 80);
  EXPECT_EQ(0, r.events);
  bufferevent_free(b);
}

TEST_P(BevSocket, WriteTimeoutFiresWhenThePeerStopsReading) {
  int small = 4096;
  setsockopt(sp.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  bufferevent* b = watched();
  timeval tv = {0, 60 * 1000};
  bufferevent_set_timeouts(b, nullptr, &tv);
  std::string big(4 << 20, 'w');
  bufferevent_write(b, big.data(), big.size());
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_WRITING, r.last_what);
  EXPECT_FALSE(bufferevent_get_enabled(b) & EV_WRITE);
  EXPECT_GT(evbuffer_get_length(b->output), 0u);
  bufferevent_free(b);
}

TEST_P(BevSocket, WriteTimeoutDoesNotFireWithNothingToWrite) {
  bufferevent* b = watched();
  timeval tv = {0, 20 * 1000};
  bufferevent_set_timeouts(b, nullptr, &tv);
  bufferevent_write(b, "x", 1);
  run_for(base, 100);
  EXPECT_EQ(0, r.events);
  EXPECT_EQ("x", sp.recv_all());
  bufferevent_free(b);
}

TEST_P(BevSocket, ReadLowWatermarkGatesTheReadCallback) {
  bufferevent* b = watched(false);
  bufferevent_setwatermark(b, EV_READ, 10, 0);
  EXPECT_EQ(10u, b->wm_read.low);
  bufferevent_enable(b, EV_READ);
  sp.send("12345");
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 5; }));
  run_for(base, 10);
  EXPECT_EQ(0, r.reads);
  sp.send("67890");
  ASSERT_TRUE(run_until(base, [&] { return r.reads > 0; }));
  EXPECT_EQ(10u, evbuffer_get_length(b->input));
  bufferevent_free(b);
}

TEST_P(BevSocket, ReadHighWatermarkSuspendsReadingUntilDrained) {
  bufferevent* b = watched(false);
  bufferevent_setwatermark(b, EV_READ, 0, 8);
  bufferevent_enable(b, EV_READ);
  sp.send("abcdefghijklmnopqrst");  // 20 bytes
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 8; }));
  run_for(base, 20);
  EXPECT_EQ(8u, evbuffer_get_length(b->input));
  EXPECT_TRUE(bufferevent_get_enabled(b) & EV_READ);  // suspended, not disabled
  char buf[32];
  EXPECT_EQ(8u, bufferevent_read(b, buf, sizeof(buf)));
  EXPECT_EQ(0, std::memcmp(buf, "abcdefgh", 8));
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 8; }));
  evbuffer_drain(b->input, 8);
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 4; }));
  EXPECT_EQ(4u, bufferevent_read(b, buf, sizeof(buf)));
  EXPECT_EQ(0, std::memcmp(buf, "qrst", 4));
  bufferevent_free(b);
}

TEST_P(BevSocket, RemovingTheHighWatermarkResumesReading) {
  bufferevent* b = watched(false);
  bufferevent_setwatermark(b, EV_READ, 0, 4);
  bufferevent_enable(b, EV_READ);
  sp.send("0123456789");
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 4; }));
  bufferevent_setwatermark(b, EV_READ, 0, 0);
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 10; }));
  bufferevent_free(b);
}

TEST_P(BevSocket, WriteLowWatermarkGatesTheWriteCallback) {
  int small = 4096;
  setsockopt(sp.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  bufferevent* b = watched();
  bufferevent_setwatermark(b, EV_WRITE, 1000, 0);
  EXPECT_EQ(1000u, b->wm_write.low);
  std::string big(1 << 20, 'z');
  bufferevent_write(b, big.data(), big.size());
  run_for(base, 20);
  EXPECT_EQ(0, r.writes);  // the peer reads nothing: output stays large
  size_t got = 0;
  ASSERT_TRUE(run_until(base, [&] {
    got += sp.recv_all().size();
    return r.writes > 0;
  }));
  EXPECT_LE(evbuffer_get_length(b->output), 1000u);
  bufferevent_free(b);
}

TEST_P(BevSocket, MaxSingleReadCapsEachRead) {
  bufferevent* b = make(sp.fd[0]);
  ASSERT_EQ(0, bufferevent_set_max_single_read(b, 4));
  EXPECT_EQ(4, bufferevent_get_max_single_read(b));
  EXPECT_EQ(4, bufferevent_get_max_to_read(b));
  struct Sizes {
    size_t seen[8] = {};
    int n = 0;
    static void on_read(bufferevent* bev, void* arg) {
      auto* s = static_cast<Sizes*>(arg);
      if (s->n < 8) s->seen[s->n++] = evbuffer_get_length(bufferevent_get_input(bev));
    }
  } sizes;
  bufferevent_setcb(b, Sizes::on_read, nullptr, nullptr, &sizes);
  bufferevent_enable(b, EV_READ);
  sp.send("0123456789");
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 10; }));
  ASSERT_EQ(3, sizes.n);
  EXPECT_EQ(4u, sizes.seen[0]);
  EXPECT_EQ(8u, sizes.seen[1]);
  EXPECT_EQ(10u, sizes.seen[2]);
  bufferevent_free(b);
}

TEST_P(BevSocket, DefaultAndResetMaxSingleSizes) {
  bufferevent* b = make(sp.fd[0]);
  EXPECT_EQ(16384, bufferevent_get_max_single_read(b));
  EXPECT_EQ(16384, bufferevent_get_max_single_write(b));
  EXPECT_EQ(16384, bufferevent_get_max_to_read(b));
  EXPECT_EQ(16384, bufferevent_get_max_to_write(b));
  EXPECT_EQ(0, bufferevent_set_max_single_write(b, 100));
  EXPECT_EQ(100, bufferevent_get_max_single_write(b));
  EXPECT_EQ(100, bufferevent_get_max_to_write(b));
  EXPECT_EQ(0, bufferevent_set_max_single_write(b, 0));
  EXPECT_EQ(16384, bufferevent_get_max_single_write(b));
  EXPECT_EQ(0, bufferevent_set_max_single_read(b, static_cast<size_t>(-1)));
  EXPECT_EQ(16384, bufferevent_get_max_single_read(b));
  bufferevent_free(b);
}

TEST_P(BevSocket, MaxSingleWriteCapsEachWrite) {
  bufferevent* b = watched();
  bufferevent_set_max_single_write(b, 3);
  bufferevent_write(b, "abcdefgh", 8);
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->output) == 0; }));
  EXPECT_EQ("abcdefgh", sp.recv_all());
  bufferevent_free(b);
}

TEST_P(BevSocket, EchoManyMessages) {
  bufferevent* b = make(sp.fd[0]);
  struct Echo {
    static void on_read(bufferevent* bev, void*) {
      bufferevent_write_buffer(bev, bufferevent_get_input(bev));
    }
  };
  bufferevent_setcb(b, Echo::on_read, nullptr, nullptr, nullptr);
  bufferevent_enable(b, EV_READ);
  std::string got;
  for (int i = 0; i < 200; ++i) {
    std::string msg = "message " + std::to_string(i) + "\n";
    sp.send(msg);
    ASSERT_TRUE(run_until(base, [&] {
      got += sp.recv_all();
      return got.size() >= msg.size();
    }));
    EXPECT_EQ(msg, got);
    got.clear();
  }
  bufferevent_free(b);
}

TEST_P(BevSocket, LargeTransferArrivesIntact) {
  bufferevent* b = watched();
  std::string big;
  for (int i = 0; i < 300000; ++i) big.push_back(static_cast<char>('a' + i % 26));
  bufferevent_write(b, big.data(), big.size());
  std::string got;
  ASSERT_TRUE(run_until(base, [&] {
    got += sp.recv_all();
    return got.size() == big.size();
  }));
  EXPECT_EQ(big, got);
  bufferevent_free(b);
}

// A read callback that leaves the input at the read high watermark is
// called again (from the loop, as libevent does) until it drains; no new
// data could otherwise call it, and the connection would stall.
struct SlowReader {
  int calls = 0;
  int drain_from = 3;  // the first calls drain nothing
  std::string got;
  static void on_read(bufferevent* b, void* arg) {
    auto* s = static_cast<SlowReader*>(arg);
    if (++s->calls < s->drain_from) return;
    char buf[64];
    size_t n;
    while ((n = bufferevent_read(b, buf, sizeof(buf))) > 0) s->got.append(buf, n);
  }
};

TEST_P(BevSocket, ReadCallbackThatDrainsNothingAtHighWatermarkIsCalledAgain) {
  bufferevent* b = make(sp.fd[0]);
  SlowReader s;
  bufferevent_setcb(b, SlowReader::on_read, nullptr, nullptr, &s);
  bufferevent_setwatermark(b, EV_READ, 0, 8);
  bufferevent_enable(b, EV_READ);
  sp.send("abcdefghijklmnopqrst");  // 20 bytes
  EXPECT_TRUE(run_until(
      base, [&] { return s.got.size() == 20; }, 2000))
      << "calls=" << s.calls << " got=" << s.got.size();
  EXPECT_GE(s.calls, 3);
  EXPECT_EQ("abcdefghijklmnopqrst", s.got);
  bufferevent_free(b);
}

TEST_P(BevSocket, TriggeredReadCallbackAtHighWatermarkIsCalledUntilItDrains) {
  bufferevent* b = make(sp.fd[0]);
  SlowReader s;
  s.drain_from = 1000;  // never drains by itself
  bufferevent_setwatermark(b, EV_READ, 0, 4);
  bufferevent_enable(b, EV_READ);
  sp.send("0123456789");
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->input) == 4; }));
  bufferevent_setcb(b, SlowReader::on_read, nullptr, nullptr, &s);
  bufferevent_trigger(b, EV_READ, 0);
  EXPECT_EQ(1, s.calls);
  ASSERT_TRUE(run_until(
      base, [&] { return s.calls >= 5; }, 2000))
      << "calls=" << s.calls;
  s.drain_from = 0;  // now it drains, and the rest of the data comes
  EXPECT_TRUE(run_until(
      base, [&] { return s.got.size() == 10; }, 2000))
      << "got=" << s.got.size();
  bufferevent_free(b);
}

EVTEST_INSTANTIATE_PER_BACKEND(BevSocket);

}  // namespace
