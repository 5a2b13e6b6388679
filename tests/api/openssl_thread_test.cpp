// Thread-safe OpenSSL bufferevents (BEV_OPT_THREADSAFE): the loop runs in
// one thread while others write and free; socket and filter mode.  Meant
// to run clean under TSan.
#include <event2/thread.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "openssl_test_util.hpp"

using bevtest::SockPair;

namespace {

struct Echo {
  static void on_read(bufferevent* bev, void*) {
    bufferevent_write_buffer(bev, bufferevent_get_input(bev));
  }
};

struct Sink {
  std::atomic<size_t> bytes{0};
  std::atomic<int> connected{0};
  std::atomic<int> failures{0};
  static void on_read(bufferevent* bev, void* arg) {
    auto* s = static_cast<Sink*>(arg);
    evbuffer* in = bufferevent_get_input(bev);
    size_t n = evbuffer_get_length(in);
    evbuffer_drain(in, n);
    s->bytes += n;
  }
  static void on_event(bufferevent*, short what, void* arg) {
    auto* s = static_cast<Sink*>(arg);
    if (what & BEV_EVENT_CONNECTED)
      ++s->connected;
    else
      ++s->failures;
  }
};

class TlsThreads : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
  void SetUp() override {
    base = event_base_new();
    ASSERT_NE(nullptr, base);
    sctx = tlstest::server_ctx();
    cctx = tlstest::client_ctx();
  }
  void TearDown() override {
    event_base_free(base);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
  }
  bufferevent* side(int fd, SSL_CTX* ctx, bufferevent_ssl_state st) {
    const int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE;
    if (!GetParam()) return bufferevent_openssl_socket_new(base, fd, SSL_new(ctx), st, opts);
    bufferevent* u = bufferevent_socket_new(base, fd, opts);
    return bufferevent_openssl_filter_new(base, u, SSL_new(ctx), st, opts);
  }
  void start_loop() { loop.start(base); }
  void stop_loop() {
    bevtest::LoopThread::settle();
    loop.stop();
  }

  event_base* base = nullptr;
  SSL_CTX* sctx = nullptr;
  SSL_CTX* cctx = nullptr;
  bevtest::LoopThread loop;
};

template <class Pred>
bool wait_for(Pred pred, int ms = 10000) {
  for (int i = 0; i < ms && !pred(); ++i) usleep(1000);
  return pred();
}

TEST_P(TlsThreads, WritersInOtherThreadsEchoedBack) {
  SockPair sp;
  bufferevent* server = side(sp.release(0), sctx, BUFFEREVENT_SSL_ACCEPTING);
  bufferevent* client = side(sp.release(1), cctx, BUFFEREVENT_SSL_CONNECTING);
  ASSERT_NE(nullptr, server);
  ASSERT_NE(nullptr, client);
  Sink sink;
  bufferevent_setcb(server, Echo::on_read, nullptr, nullptr, nullptr);
  bufferevent_setcb(client, Sink::on_read, nullptr, Sink::on_event, &sink);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  bufferevent_enable(client, EV_READ | EV_WRITE);
  start_loop();
  const std::string chunk = tlstest::pattern(4096);
  constexpr int kThreads = 4, kChunks = 50;
  std::vector<std::thread> writers;
  for (int i = 0; i < kThreads; ++i) {
    writers.emplace_back([&] {
      for (int j = 0; j < kChunks; ++j) {
        bufferevent_write(client, chunk.data(), chunk.size());
        if (j % 8 == 0) usleep(500);
      }
    });
  }
  for (auto& w : writers) w.join();
  const size_t total = static_cast<size_t>(kThreads) * kChunks * chunk.size();
  EXPECT_TRUE(wait_for([&] { return sink.bytes.load() == total; }));
  EXPECT_EQ(1, sink.connected.load());
  EXPECT_EQ(0, sink.failures.load());
  // Freed from this thread while the loop runs.
  bufferevent_free(client);
  bufferevent_free(server);
  stop_loop();
}

TEST_P(TlsThreads, FreeWhileTheLoopRunsTheHandshake) {
  for (int round = 0; round < 20; ++round) {
    SockPair sp;
    bufferevent* server = side(sp.release(0), sctx, BUFFEREVENT_SSL_ACCEPTING);
    bufferevent* client = side(sp.release(1), cctx, BUFFEREVENT_SSL_CONNECTING);
    bufferevent_enable(server, EV_READ | EV_WRITE);
    bufferevent_enable(client, EV_READ | EV_WRITE);
    if (round == 0) start_loop();
    usleep(static_cast<useconds_t>(round * 150));
    bufferevent_free(client);
    bufferevent_free(server);
  }
  stop_loop();
}

INSTANTIATE_TEST_SUITE_P(Modes, TlsThreads, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return std::string(i.param ? "filter" : "socket");
                         });

}  // namespace
