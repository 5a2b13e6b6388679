// The backend contract (src/backends/backend.hpp), checked for every backend
// in the registry by driving it directly through a fake host.
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "backend_test_support.hpp"

namespace {

using namespace backend_test;

#if defined(__linux__)
TEST(BackendRegistry, ListsLinuxBackendsInLibeventOrder) {
  auto reg = ev::backend_registry();
  std::vector<std::string> names;
  for (const auto& info : reg) names.push_back(info.name);
  // io_uring, an opt-in addition of ours, comes after libevent's methods.
  ASSERT_EQ(names, (std::vector<std::string>{"epoll", "poll", "select", "io_uring"}));
  // The reference reports these feature sets on Linux.
  EXPECT_EQ(reg[0].features, EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE);
  EXPECT_EQ(reg[1].features, EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE);
  EXPECT_EQ(reg[2].features, EV_FEATURE_FDS);
  EXPECT_TRUE(reg[0].needs_reinit);
  EXPECT_FALSE(reg[1].needs_reinit);
  EXPECT_FALSE(reg[2].needs_reinit);
  EXPECT_EQ(reg[3].features,
            EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE);
  EXPECT_TRUE(reg[3].needs_reinit);
  EXPECT_TRUE(reg[3].opt_in);
  EXPECT_FALSE(reg[0].opt_in || reg[1].opt_in || reg[2].opt_in);
  for (const auto& info : reg) EXPECT_NE(info.create, nullptr);
}
#endif

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    info_ = find_backend(GetParam().c_str());
    ASSERT_NE(info_, nullptr);
    backend_ = make(host_);
    ASSERT_NE(backend_, nullptr);
  }

  BackendPtr make(FakeHost& host, int flags = 0) {
    ev::BackendOptions options;
    options.base_flags = flags;
    return BackendPtr(info_->create(host, options));
  }

  int poll_once() { return backend_->dispatch(&zero_); }

  const ev::BackendInfo* info_ = nullptr;
  FakeHost host_;
  BackendPtr backend_;
  timeval zero_{0, 0};
};

TEST_P(BackendTest, ReportsReadableOnlyAfterData) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_TRUE(host_.reports.empty());
  write_byte(sp.fd[1]);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
  EXPECT_EQ(host_.reports.size(), 1u);
}

TEST_P(BackendTest, ReportsWritableAndOnlyWhatWasAsked) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  write_byte(sp.fd[1]);  // fd[0] is readable too, but only writability is asked
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_WRITE), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_WRITE);

  host_.clear();
  ASSERT_EQ(backend_->update(sp.fd[0], EV_WRITE, EV_READ | EV_WRITE), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ | EV_WRITE);

  host_.clear();
  ASSERT_EQ(backend_->update(sp.fd[0], EV_READ | EV_WRITE, EV_READ), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
}

TEST_P(BackendTest, NothingIsReportedAfterInterestDropsToZero) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  write_byte(sp.fd[1]);
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ | EV_WRITE), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ | EV_WRITE);
  host_.clear();
  ASSERT_EQ(backend_->update(sp.fd[0], EV_READ | EV_WRITE, 0), 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(poll_once(), 0);
  EXPECT_TRUE(host_.reports.empty());
  // And the interest can come back.
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
}

TEST_P(BackendTest, RemovalInsideReadyIsHonoured) {
  SocketPair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  write_byte(a.fd[1]);
  write_byte(b.fd[1]);
  ASSERT_EQ(backend_->update(a.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(backend_->update(b.fd[0], 0, EV_READ), 0);
  // Whichever comes first removes the other: only one may be reported.
  host_.on_ready = [&](int fd, short) {
    int other = fd == a.fd[0] ? b.fd[0] : a.fd[0];
    EXPECT_EQ(backend_->update(other, EV_READ, 0), 0);
    EXPECT_EQ(backend_->update(fd, EV_READ, 0), 0);
  };
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.reports.size(), 1u);
  host_.on_ready = nullptr;
  host_.clear();
  ASSERT_EQ(poll_once(), 0);
  EXPECT_TRUE(host_.reports.empty());
}

TEST_P(BackendTest, AddInsideReadyTakesEffectByTheNextDispatch) {
  SocketPair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  write_byte(a.fd[1]);
  write_byte(b.fd[1]);
  ASSERT_EQ(backend_->update(a.fd[0], 0, EV_READ), 0);
  host_.on_ready = [&](int fd, short) {
    if (fd == a.fd[0]) {
      EXPECT_EQ(backend_->update(b.fd[0], 0, EV_READ), 0);
    }
  };
  ASSERT_EQ(poll_once(), 0);
  host_.on_ready = nullptr;
  host_.clear();
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(b.fd[0]), EV_READ);
}

TEST_P(BackendTest, PeerCloseIsReportedAsReadable) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  close(sp.fd[1]);
  sp.fd[1] = -1;
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
}

TEST_P(BackendTest, ClosedIsReportedOnlyWithEarlyCloseFeature) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_CLOSED), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_TRUE(host_.reports.empty());
  ASSERT_EQ(shutdown(sp.fd[1], SHUT_WR), 0);
  ASSERT_EQ(poll_once(), 0);
  if (info_->features & EV_FEATURE_EARLY_CLOSE) {
    EXPECT_EQ(host_.what_for(sp.fd[0]), EV_CLOSED);
  } else {
    EXPECT_TRUE(host_.reports.empty());
  }
}

TEST_P(BackendTest, InvalidFdIsRejected) {
  EXPECT_EQ(backend_->update(-1, 0, EV_READ), -1);
  // Removing interest that was never there is harmless.
  EXPECT_EQ(backend_->update(1000000, 0, 0), 0);
}

// The core may drop interest, close the fd and get the same number back for
// a new file before the next dispatch, or after one.
TEST_P(BackendTest, ClosedAndReusedFdNumberWorks) {
  for (int dispatch_between = 0; dispatch_between < 2; ++dispatch_between) {
    SCOPED_TRACE(dispatch_between);
    auto old_pair = std::make_unique<SocketPair>();
    ASSERT_TRUE(old_pair->ok());
    const int number = old_pair->fd[0];
    ASSERT_EQ(backend_->update(number, 0, EV_READ), 0);
    ASSERT_EQ(poll_once(), 0);
    ASSERT_EQ(backend_->update(number, EV_READ, 0), 0);
    old_pair.reset();
    if (dispatch_between) {
      ASSERT_EQ(poll_once(), 0);
    }

    SocketPair fresh;
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(fresh.fd[0], number) << "the kernel did not reuse the number";
    ASSERT_EQ(backend_->update(number, 0, EV_READ), 0);
    host_.clear();
    ASSERT_EQ(poll_once(), 0);
    EXPECT_TRUE(host_.reports.empty());
    write_byte(fresh.fd[1]);
    ASSERT_EQ(poll_once(), 0);
    EXPECT_EQ(host_.what_for(number), EV_READ);
    ASSERT_EQ(backend_->update(number, EV_READ, 0), 0);
  }
}

TEST_P(BackendTest, ManyDescriptors) {
  constexpr int kPairs = 2500;  // 5000 descriptors
  if (raise_fd_limit(2 * kPairs + 64) < 2 * kPairs + 64) GTEST_SKIP() << "fd limit too low";
  std::vector<std::unique_ptr<SocketPair>> pairs;
  std::set<int> expected;
  for (int i = 0; i < kPairs; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    ASSERT_TRUE(pairs.back()->ok());
    ASSERT_EQ(backend_->update(pairs.back()->fd[0], 0, EV_READ), 0);
    if (i % 7 == 0) {
      write_byte(pairs.back()->fd[1]);
      expected.insert(pairs.back()->fd[0]);
    }
  }
  // Drop a few ready ones again: they must not show up.
  for (int i = 0; i < kPairs; i += 70) {
    ASSERT_EQ(backend_->update(pairs[i]->fd[0], EV_READ, 0), 0);
    expected.erase(pairs[i]->fd[0]);
  }
  std::set<int> seen;
  for (int round = 0; round < 200 && seen.size() < expected.size(); ++round) {
    host_.clear();
    ASSERT_EQ(poll_once(), 0);
    for (const auto& r : host_.reports) {
      EXPECT_EQ(r.what, EV_READ);
      EXPECT_TRUE(expected.count(r.fd)) << "unexpected fd " << r.fd;
      seen.insert(r.fd);
    }
  }
  EXPECT_EQ(seen, expected);
}

TEST_P(BackendTest, TimeoutsNeverFireEarly) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  for (long usec : {1L, 300L, 1000L, 1500L, 2999L, 20000L}) {
    timeval tv = tv_us(usec);
    double start = now_ms();
    ASSERT_EQ(backend_->dispatch(&tv), 0);
    double elapsed_us = (now_ms() - start) * 1000.0;
    EXPECT_GE(elapsed_us, static_cast<double>(usec)) << "timeout " << usec << "us";
  }
  EXPECT_TRUE(host_.reports.empty());
}

TEST_P(BackendTest, ZeroTimeoutPollsAndNullBlocksUntilReady) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  double start = now_ms();
  ASSERT_EQ(poll_once(), 0);
  EXPECT_LT(now_ms() - start, 50.0);

  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write_byte(sp.fd[1]);
  });
  start = now_ms();
  ASSERT_EQ(backend_->dispatch(nullptr), 0);
  double elapsed = now_ms() - start;
  writer.join();
  EXPECT_GE(elapsed, 90.0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
}

TEST_P(BackendTest, LockIsReleasedAroundTheWaitOnly) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  write_byte(sp.fd[1]);
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.releases, 1);
  EXPECT_EQ(host_.acquires, 1);
  EXPECT_TRUE(host_.locked);
  EXPECT_EQ(host_.reports.size(), 1u);
}

// A host with a real mutex: another thread changes interest while the loop
// thread is blocked, as the core's threads do, and wakes it with a notify fd.
class MutexHost : public ev::BackendHost {
 public:
  void ready(int fd, short what) override {
    EXPECT_TRUE(held.load());
    reports.push_back({fd, what});
  }
  void release_lock() override {
    held = false;
    in_wait = true;
    mu.unlock();
  }
  void acquire_lock() override {
    mu.lock();
    in_wait = false;
    held = true;
  }
  std::mutex mu;
  std::atomic<bool> held{false};
  std::atomic<bool> in_wait{false};
  std::vector<FakeHost::Report> reports;
};

TEST_P(BackendTest, OtherThreadsMayUpdateWhileBlocked) {
  MutexHost host;
  ev::BackendOptions options;
  BackendPtr backend(info_->create(host, options));
  ASSERT_NE(backend, nullptr);
  SocketPair notify, data;
  ASSERT_TRUE(notify.ok() && data.ok());
  write_byte(data.fd[1]);

  host.mu.lock();
  host.held = true;
  ASSERT_EQ(backend->update(notify.fd[0], 0, EV_READ), 0);
  std::atomic<bool> updated_while_blocked{false};
  std::thread other([&] {
    while (!host.in_wait) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard<std::mutex> guard(host.mu);
    updated_while_blocked = host.in_wait.load();
    EXPECT_EQ(backend->update(data.fd[0], 0, EV_READ), 0);
    write_byte(notify.fd[1]);
  });
  ASSERT_EQ(backend->dispatch(nullptr), 0);
  other.join();
  EXPECT_TRUE(updated_while_blocked);
  // The new fd is seen by this dispatch or the next one.
  timeval zero{0, 0};
  ASSERT_EQ(backend->dispatch(&zero), 0);
  bool saw_data = false, saw_notify = false;
  for (const auto& r : host.reports) {
    saw_data |= r.fd == data.fd[0];
    saw_notify |= r.fd == notify.fd[0];
  }
  EXPECT_TRUE(saw_data);
  EXPECT_TRUE(saw_notify);
  host.held = false;
  host.mu.unlock();
}

void on_alarm(int) {}

TEST_P(BackendTest, InterruptedWaitReturnsZero) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  struct sigaction sa {
  }, old{};
  sa.sa_handler = on_alarm;  // no SA_RESTART: the wait fails with EINTR
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGALRM, &sa, &old), 0);
  itimerval timer{};
  timer.it_value.tv_usec = 50000;
  ASSERT_EQ(setitimer(ITIMER_REAL, &timer, nullptr), 0);
  double start = now_ms();
  EXPECT_EQ(backend_->dispatch(nullptr), 0);
  EXPECT_GE(now_ms() - start, 40.0);
  EXPECT_TRUE(host_.reports.empty());
  EXPECT_TRUE(host_.locked);
  sigaction(SIGALRM, &old, nullptr);
}

// libevent's methods first, then the opt-in ones (io_uring) in a suite of
// their own: tearing down a ring makes the kernel interrupt the thread's next
// epoll_wait once (EINTR, which the core absorbs), and the strict timing
// checks above would see that as an early return.
std::vector<std::string> registered_names(bool opt_in) {
  std::vector<std::string> names;
  for (const auto& info : ev::backend_registry())
    if (info.opt_in == opt_in) names.push_back(info.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendTest, ::testing::ValuesIn(registered_names(false)),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(OptIn, BackendTest, ::testing::ValuesIn(registered_names(true)),
                         [](const auto& info) { return info.param; });

}  // namespace
