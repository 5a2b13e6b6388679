// Thread-safe bufferevents (BEV_OPT_THREADSAFE): the loop runs in one
// thread while others write, lock, free.  Meant to run clean under TSan.
#include <event2/thread.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "bufferevent_test_util.hpp"

using bevtest::SockPair;

namespace {

class BevThreads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
  void SetUp() override {
    base = event_base_new();
    ASSERT_NE(nullptr, base);
  }
  void TearDown() override { event_base_free(base); }

  void start_loop() { loop.start(base); }
  void settle_and_stop_loop() {
    bevtest::LoopThread::settle();
    loop.stop();
  }
  void stop_loop() { loop.stop(); }

  event_base* base = nullptr;
  bevtest::LoopThread loop;
};

struct Sink {
  std::atomic<size_t> bytes{0};
  std::atomic<int> events{0};
  static void on_read(bufferevent* bev, void* arg) {
    auto* s = static_cast<Sink*>(arg);
    evbuffer* in = bufferevent_get_input(bev);
    size_t n = evbuffer_get_length(in);
    evbuffer_drain(in, n);
    s->bytes += n;
  }
  static void on_event(bufferevent*, short, void* arg) { ++static_cast<Sink*>(arg)->events; }
};

TEST_F(BevThreads, ManyThreadsWriteWhileTheLoopSends) {
  SockPair sp;
  bufferevent* writer = bufferevent_socket_new(base, sp.fd[0], BEV_OPT_THREADSAFE);
  bufferevent* reader = bufferevent_socket_new(base, sp.fd[1], BEV_OPT_THREADSAFE);
  ASSERT_NE(nullptr, writer);
  ASSERT_NE(nullptr, reader);
  Sink sink;
  bufferevent_setcb(reader, Sink::on_read, nullptr, Sink::on_event, &sink);
  bufferevent_enable(reader, EV_READ);
  start_loop();
  constexpr int kThreads = 4, kWrites = 500;
  const std::string chunk(100, 'q');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kWrites; ++i)
        ASSERT_EQ(0, bufferevent_write(writer, chunk.data(), chunk.size()));
    });
  for (auto& t : threads) t.join();
  const size_t total = static_cast<size_t>(kThreads) * kWrites * chunk.size();
  for (int i = 0; i < 3000 && sink.bytes.load() < total; ++i) usleep(1000);
  EXPECT_EQ(total, sink.bytes.load());
  EXPECT_EQ(0, sink.events.load());
  bufferevent_free(writer);
  bufferevent_free(reader);
  settle_and_stop_loop();
}

TEST_F(BevThreads, FreeFromAnotherThreadWhileDataFlows) {
  for (int round = 0; round < 20; ++round) {
    SockPair sp;
    bufferevent* reader =
        bufferevent_socket_new(base, sp.release(0), BEV_OPT_THREADSAFE | BEV_OPT_CLOSE_ON_FREE);
    Sink sink;
    bufferevent_setcb(reader, Sink::on_read, nullptr, Sink::on_event, &sink);
    bufferevent_enable(reader, EV_READ);
    start_loop();
    std::atomic<bool> stop{false};
    std::thread feeder([&] {
      while (!stop.load()) {
        if (write(sp.fd[1], "data", 4) < 0) usleep(100);
      }
    });
    for (int i = 0; i < 2000 && sink.bytes.load() == 0; ++i) usleep(500);
    bufferevent_free(reader);  // while the loop thread may be reading
    stop = true;
    feeder.join();
    settle_and_stop_loop();
    EXPECT_GT(sink.bytes.load(), 0u);
  }
}

TEST_F(BevThreads, LockKeepsCallbacksOut) {
  SockPair sp;
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], BEV_OPT_THREADSAFE);
  Sink sink;
  bufferevent_setcb(b, Sink::on_read, nullptr, nullptr, &sink);
  bufferevent_enable(b, EV_READ);
  start_loop();
  bufferevent_lock(b);
  sp.send("locked");
  usleep(20000);
  EXPECT_EQ(0u, sink.bytes.load());  // the read handler waits for the lock
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_input(b)));
  bufferevent_unlock(b);
  for (int i = 0; i < 2000 && sink.bytes.load() < 6; ++i) usleep(1000);
  EXPECT_EQ(6u, sink.bytes.load());
  bufferevent_free(b);
  settle_and_stop_loop();
}

TEST_F(BevThreads, BuffersShareTheBuffereventLock) {
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_THREADSAFE);
  ASSERT_NE(nullptr, b);
  bufferevent_lock(b);
  std::atomic<bool> added{false};
  std::thread t([&] {
    evbuffer_add(bufferevent_get_output(b), "x", 1);  // blocks on the shared lock
    added = true;
  });
  usleep(20000);
  EXPECT_FALSE(added.load());
  bufferevent_unlock(b);
  t.join();
  EXPECT_TRUE(added.load());
  bufferevent_free(b);
  timeval tv = {0, 1000};
  event_base_loopexit(base, &tv);
  event_base_dispatch(base);
}

TEST_F(BevThreads, DeferredUnlockedCallbacksAcrossThreads) {
  bufferevent* p[2];
  ASSERT_EQ(0,
            bufferevent_pair_new(
                base, BEV_OPT_THREADSAFE | BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS, p));
  Sink sink;
  bufferevent_setcb(p[1], Sink::on_read, nullptr, Sink::on_event, &sink);
  bufferevent_enable(p[1], EV_READ);
  start_loop();
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) bufferevent_write(p[0], "12345678", 8);
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 3000 && sink.bytes.load() < 3 * 300 * 8; ++i) usleep(1000);
  EXPECT_EQ(3u * 300 * 8, sink.bytes.load());
  bufferevent_free(p[0]);
  bufferevent_free(p[1]);
  settle_and_stop_loop();
}

TEST_F(BevThreads, FilterOverThreadsafeSocket) {
  SockPair sp;
  bufferevent* u = bufferevent_socket_new(base, sp.fd[0], BEV_OPT_THREADSAFE);
  bufferevent* f =
      bufferevent_filter_new(u, nullptr, nullptr, BEV_OPT_THREADSAFE, nullptr, nullptr);
  ASSERT_NE(nullptr, f);
  Sink sink;
  bufferevent_setcb(f, Sink::on_read, nullptr, nullptr, &sink);
  bufferevent_enable(f, EV_READ);
  start_loop();
  std::thread t([&] {
    for (int i = 0; i < 200; ++i) bufferevent_write(f, "ab", 2);
  });
  for (int i = 0; i < 100; ++i) sp.send("x");
  t.join();
  std::string got;
  for (int i = 0; i < 3000 && (got.size() < 400 || sink.bytes.load() < 100); ++i) {
    got += sp.recv_all();
    usleep(1000);
  }
  EXPECT_EQ(400u, got.size());
  EXPECT_EQ(100u, sink.bytes.load());
  bufferevent_free(f);
  bufferevent_free(u);
  settle_and_stop_loop();
}

}  // namespace
