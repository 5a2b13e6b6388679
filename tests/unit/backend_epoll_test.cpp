// epoll-specific behaviour: EV_CLOSED and EV_ET, how few epoll_ctl calls
// interest changes cost (with and without the changelist), fds closed or
// shared behind the backend's back, precise timers.
#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "backend_test_support.hpp"
#include "backends/epoll_testing.hpp"

namespace {

using namespace backend_test;

class EpollTest : public ::testing::Test {
 protected:
  BackendPtr make(int flags = 0, bool force_timerfd = false) {
    ev::BackendOptions options;
    options.base_flags = flags;
    return BackendPtr(force_timerfd ? ev::create_epoll_backend_with_timerfd(host_, options)
                                    : ev::create_epoll_backend(host_, options));
  }
  int poll_once(ev::Backend& b) {
    timeval zero{0, 0};
    return b.dispatch(&zero);
  }
  FakeHost host_;
};

TEST_F(EpollTest, ShutdownIsReportedAsClosedWithoutReading) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  write_byte(sp.fd[1]);  // unread data must not hide the close
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_CLOSED), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_TRUE(host_.reports.empty());
  ASSERT_EQ(shutdown(sp.fd[1], SHUT_WR), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_CLOSED);

  host_.clear();
  ASSERT_EQ(b->update(sp.fd[0], EV_CLOSED, EV_CLOSED | EV_READ), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_CLOSED | EV_READ);
}

TEST_F(EpollTest, HangupIsReportedAsReadableAndWritable) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  fill_send_buffer(sp.fd[0]);  // not writable any more
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_WRITE), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_TRUE(host_.reports.empty());
  close(sp.fd[1]);
  sp.fd[1] = -1;
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_WRITE);
}

TEST_F(EpollTest, EdgeTriggeredReportsEachEdgeOnce) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair et, lt;
  ASSERT_TRUE(et.ok() && lt.ok());
  ASSERT_EQ(b->update(et.fd[0], 0, EV_READ | EV_ET), 0);
  ASSERT_EQ(b->update(lt.fd[0], 0, EV_READ), 0);
  write_byte(et.fd[1]);
  write_byte(lt.fd[1]);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.times_reported(et.fd[0]), 1);
  EXPECT_EQ(host_.times_reported(lt.fd[0]), 3);
  EXPECT_EQ(host_.what_for(et.fd[0]), EV_READ);  // EV_ET is not a readiness bit
  write_byte(et.fd[1]);                          // a new edge
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.times_reported(et.fd[0]), 2);
}

TEST_F(EpollTest, PersistentInterestCostsOneCallInTotal) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  for (int i = 0; i < 10; ++i) {
    write_byte(sp.fd[1]);
    ASSERT_EQ(poll_once(*b), 0);
    drain(sp.fd[0]);
  }
  EXPECT_EQ(host_.times_reported(sp.fd[0]), 10);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 1u);
}

// A non-persistent event: deleted when it fires, re-added by its callback.
TEST_F(EpollTest, DeleteThenAddBeforeNextDispatchCostsOneCall) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  const unsigned long before = ev::epoll_ctl_calls(*b);
  for (int i = 0; i < 10; ++i) {
    write_byte(sp.fd[1]);
    ASSERT_EQ(poll_once(*b), 0);
    ASSERT_EQ(b->update(sp.fd[0], EV_READ, 0), 0);
    drain(sp.fd[0]);
    ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  }
  EXPECT_EQ(host_.times_reported(sp.fd[0]), 10);
  EXPECT_EQ(ev::epoll_ctl_calls(*b) - before, 10u);  // one MOD each, never DEL + ADD
}

TEST_F(EpollTest, DeleteThenCloseCostsNoCall) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  auto sp = std::make_unique<SocketPair>();
  ASSERT_TRUE(sp->ok());
  ASSERT_EQ(b->update(sp->fd[0], 0, EV_READ), 0);
  ASSERT_EQ(poll_once(*b), 0);
  const unsigned long before = ev::epoll_ctl_calls(*b);
  ASSERT_EQ(b->update(sp->fd[0], EV_READ, 0), 0);
  sp.reset();  // the kernel drops the registration by itself
  for (int i = 0; i < 3; ++i) ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), before);
  EXPECT_TRUE(host_.reports.empty());
}

TEST_F(EpollTest, LazyRegistrationThatFiresIsFilteredAndRemoved) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(b->update(sp.fd[0], EV_READ, 0), 0);
  write_byte(sp.fd[1]);
  ASSERT_EQ(poll_once(*b), 0);  // fires, is filtered, is deleted
  EXPECT_TRUE(host_.reports.empty());
  // No longer registered: a wait really waits.
  timeval tv = tv_us(50000);
  double start = now_ms();
  ASSERT_EQ(b->dispatch(&tv), 0);
  EXPECT_GE(now_ms() - start, 45.0);
  EXPECT_TRUE(host_.reports.empty());
}

TEST_F(EpollTest, ChangelistCoalescesDeleteAndAdd) {
  auto b = make(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  ASSERT_NE(b, nullptr);
  SocketPair sp, other;
  ASSERT_TRUE(sp.ok() && other.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 0u);  // queued, not applied
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 1u);

  for (int i = 0; i < 10; ++i) {
    write_byte(sp.fd[1]);
    ASSERT_EQ(poll_once(*b), 0);
    drain(sp.fd[0]);
    ASSERT_EQ(b->update(sp.fd[0], EV_READ, 0), 0);
    ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  }
  EXPECT_EQ(host_.times_reported(sp.fd[0]), 10);
  // Each del+add re-asserts the registration with one MOD (the number could
  // have been closed and reused in between), never DEL + ADD; the last pair
  // is applied by the next dispatch.
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 10u);

  // An add undone before the dispatch never reaches the kernel either.
  ASSERT_EQ(b->update(other.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(b->update(other.fd[0], EV_READ, 0), 0);
  write_byte(other.fd[1]);
  host_.clear();
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 11u);
  EXPECT_TRUE(host_.reports.empty());

  // Several changes of one fd collapse into the net one.
  ASSERT_EQ(b->update(sp.fd[0], EV_READ, EV_READ | EV_WRITE), 0);
  ASSERT_EQ(b->update(sp.fd[0], EV_READ | EV_WRITE, EV_WRITE), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 12u);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_WRITE);

  // Interest kept as it was costs nothing.
  host_.clear();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 12u);
  EXPECT_EQ(host_.times_reported(sp.fd[0]), 3);
}

// libevent's http/stream_in: a listener's event is deleted, its fd closed,
// and a new socket gets the same number and an event, all in one batch.  The
// net change is none, but the old registration went with the close.
TEST_F(EpollTest, ChangelistDeleteCloseReuseAddRegistersTheNewFile) {
  auto b = make(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  ASSERT_NE(b, nullptr);
  int first[2];
  ASSERT_EQ(pipe2(first, O_NONBLOCK | O_CLOEXEC), 0);
  const int fd = first[0];
  ASSERT_EQ(b->update(fd, 0, EV_READ), 0);
  ASSERT_EQ(poll_once(*b), 0);  // registered
  ASSERT_EQ(b->update(fd, EV_READ, 0), 0);
  close(first[0]);
  close(first[1]);
  int second[2];
  ASSERT_EQ(pipe2(second, O_NONBLOCK | O_CLOEXEC), 0);
  if (second[0] != fd) {  // make sure the number is reused
    ASSERT_EQ(dup3(second[0], fd, O_CLOEXEC), fd);
    close(second[0]);
    second[0] = fd;
  }
  ASSERT_EQ(b->update(fd, 0, EV_READ), 0);
  write_byte(second[1]);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(fd), EV_READ);
  host_.clear();
  ASSERT_EQ(poll_once(*b), 0);  // still registered (level-triggered)
  EXPECT_EQ(host_.what_for(fd), EV_READ);
  close(second[0]);
  close(second[1]);
}

TEST_F(EpollTest, ChangelistDeleteAppliedThenReAddedCostsOneCall) {
  auto b = make(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(poll_once(*b), 0);
  ASSERT_EQ(b->update(sp.fd[0], EV_READ, 0), 0);
  ASSERT_EQ(poll_once(*b), 0);  // the delete is applied (lazily) here
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  write_byte(sp.fd[1]);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), 2u);  // ADD, then one MOD
}

TEST_F(EpollTest, ChangelistErrorsAreLoggedNotFatal) {
  auto b = make(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  ASSERT_NE(b, nullptr);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);  // epoll refuses regular files
  ASSERT_GE(devnull, 0);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  write_byte(sp.fd[1]);
  ASSERT_EQ(b->update(devnull, 0, EV_READ), 0);
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
  EXPECT_EQ(host_.what_for(devnull), 0);
  close(devnull);
}

TEST_F(EpollTest, UnsupportedFdFailsImmediatelyWithoutChangelist) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(devnull, 0);
  EXPECT_EQ(b->update(devnull, 0, EV_READ), -1);
  // The failed add left nothing behind.
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_TRUE(host_.reports.empty());
  close(devnull);
}

// The file of a closed number lives on through dup(): its registration
// becomes a zombie the backend cannot name.  Its events must never be
// reported (for the number's next user either) and must not keep the loop
// spinning.
TEST_F(EpollTest, ZombieOfSharedFileIsNeverReportedAndStopsWaking) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  auto sp = std::make_unique<SocketPair>();
  ASSERT_TRUE(sp->ok());
  const int number = sp->fd[0];
  ASSERT_EQ(b->update(number, 0, EV_READ), 0);
  ASSERT_EQ(poll_once(*b), 0);
  ASSERT_EQ(b->update(number, EV_READ, 0), 0);  // lazy: still in the kernel
  int keep = dup(number);
  ASSERT_GE(keep, 0);
  close(number);
  sp->fd[0] = -1;

  SocketPair fresh;  // takes the number back
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(fresh.fd[0], number);
  ASSERT_EQ(b->update(number, 0, EV_READ), 0);

  write_byte(sp->fd[1]);  // the old file becomes readable: the zombie fires
  for (int i = 0; i < 3; ++i) ASSERT_EQ(poll_once(*b), 0);
  EXPECT_TRUE(host_.reports.empty()) << "zombie event reported for reused fd";

  timeval tv = tv_us(50000);
  double start = now_ms();
  ASSERT_EQ(b->dispatch(&tv), 0);
  EXPECT_GE(now_ms() - start, 45.0) << "the zombie keeps waking the loop";

  write_byte(fresh.fd[1]);  // the number's new file still works
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(number), EV_READ);
  close(keep);
}

TEST_F(EpollTest, ZombieWithoutReuseIsRemovedToo) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair keepalive;
  ASSERT_TRUE(keepalive.ok());
  ASSERT_EQ(b->update(keepalive.fd[0], 0, EV_READ), 0);
  auto sp = std::make_unique<SocketPair>();
  ASSERT_TRUE(sp->ok());
  ASSERT_EQ(b->update(sp->fd[0], 0, EV_READ), 0);
  ASSERT_EQ(b->update(sp->fd[0], EV_READ, 0), 0);
  int keep = dup(sp->fd[0]);
  ASSERT_GE(keep, 0);
  close(sp->fd[0]);
  sp->fd[0] = -1;
  write_byte(sp->fd[1]);
  // The first event of the orphan makes its DEL fail with EBADF, which is
  // ignored; the next shows it is a zombie, removed by a rebuild.
  ASSERT_EQ(poll_once(*b), 0);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_TRUE(host_.reports.empty());
  timeval tv = tv_us(50000);
  double start = now_ms();
  ASSERT_EQ(b->dispatch(&tv), 0);
  EXPECT_GE(now_ms() - start, 45.0);
  // Interest that survived the rebuild still works.
  write_byte(keepalive.fd[1]);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(keepalive.fd[0]), EV_READ);
  close(keep);
}

// The numbers of this process's epoll descriptors.
std::vector<int> epoll_fds() {
  std::vector<int> out;
  for (int fd = 0; fd < 1024; ++fd) {
    char path[64], target[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (strcmp(target, "anon_inode:[eventpoll]") == 0) out.push_back(fd);
  }
  return out;
}

// A rebuild keeps the epoll descriptor's number: a program that closed a
// number and dup2()s onto it next must not hit our set (which a fresh
// epoll_create1 would have put there).
TEST_F(EpollTest, RebuildKeepsTheDescriptorNumber) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  const std::vector<int> before = epoll_fds();
  auto sp = std::make_unique<SocketPair>();
  ASSERT_TRUE(sp->ok());
  const int number = sp->fd[0];
  ASSERT_EQ(b->update(number, 0, EV_READ), 0);
  ASSERT_EQ(b->update(number, EV_READ, 0), 0);
  int keep = dup(number);
  ASSERT_GE(keep, 0);
  close(number);
  sp->fd[0] = -1;
  write_byte(sp->fd[1]);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(poll_once(*b), 0);  // DEL fails, then a rebuild
  EXPECT_EQ(before, epoll_fds());
  EXPECT_LT(fcntl(number, F_GETFD), 0) << "the closed number is still taken";
  timeval tv = tv_us(30000);
  double start = now_ms();
  ASSERT_EQ(b->dispatch(&tv), 0);
  EXPECT_GE(now_ms() - start, 25.0) << "the zombie keeps waking the loop";
  close(keep);
}

// Logged messages, to check that stale events cause none.
int g_logged = 0;
void count_log(int, const char*) { ++g_logged; }

// Two fds ready in one batch; reporting the first drops the other's interest
// and closes it, as another thread may do while the lock is released between
// epoll_wait and the reports.  `reuse` also gives the number to a new file
// with interest.  Returns the number that was closed.
int drop_and_close_mid_batch(ev::Backend& b, FakeHost& host, SocketPair& x, SocketPair& y,
                             std::unique_ptr<SocketPair>& fresh, bool reuse) {
  int closed = -1;
  host.on_ready = [&](int fd, short) {
    if (closed >= 0) return;
    SocketPair& other = fd == x.fd[0] ? y : x;
    closed = other.fd[0];
    EXPECT_EQ(b.update(closed, EV_READ, 0), 0);
    close(other.fd[0]);
    other.fd[0] = -1;
    if (reuse) {
      fresh = std::make_unique<SocketPair>();
      EXPECT_EQ(fresh->fd[0], closed) << "the test expects the number to be reused";
      EXPECT_EQ(b.update(closed, 0, EV_READ), 0);
    }
  };
  timeval zero{0, 0};
  EXPECT_EQ(b.dispatch(&zero), 0);
  host.on_ready = nullptr;
  return closed;
}

// Registers the watched ends of `x` and `y` for reading and makes both
// readable: the next batch holds an event for each.
void both_readable(ev::Backend& b, SocketPair& x, SocketPair& y) {
  ASSERT_TRUE(x.ok() && y.ok());
  ASSERT_EQ(b.update(x.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(b.update(y.fd[0], 0, EV_READ), 0);
  write_byte(x.fd[1]);
  write_byte(y.fd[1]);
}

TEST_F(EpollTest, StaleEventOfFdClosedMidBatchCostsNoCallAndNoWarning) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair x, y;
  ASSERT_NO_FATAL_FAILURE(both_readable(*b, x, y));
  g_logged = 0;
  event_set_log_callback(count_log);
  const unsigned long before = ev::epoll_ctl_calls(*b);
  std::unique_ptr<SocketPair> unused;
  const int closed = drop_and_close_mid_batch(*b, host_, x, y, unused, false);
  event_set_log_callback(nullptr);
  ASSERT_GE(closed, 0);
  // No DEL of the closed number, no rebuild of the set.
  EXPECT_EQ(ev::epoll_ctl_calls(*b), before);
  EXPECT_EQ(host_.times_reported(closed), 0);
  EXPECT_EQ(host_.reports.size(), 1u);
  EXPECT_EQ(g_logged, 0);
  // The survivor still works and nothing else wakes us.
  host_.clear();
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.reports.size(), 1u);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), before);
}

TEST_F(EpollTest, StaleEventOfNumberReusedMidBatchIsDroppedWithoutRebuild) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair x, y;
  ASSERT_NO_FATAL_FAILURE(both_readable(*b, x, y));
  const unsigned long before = ev::epoll_ctl_calls(*b);
  std::unique_ptr<SocketPair> fresh;
  const int number = drop_and_close_mid_batch(*b, host_, x, y, fresh, true);
  ASSERT_GE(number, 0);
  ASSERT_NE(fresh, nullptr);
  // The re-add: a MOD that finds nothing, then an ADD.  The old file's
  // event is neither reported for the new one nor taken for a zombie.
  EXPECT_EQ(ev::epoll_ctl_calls(*b), before + 2);
  EXPECT_EQ(host_.times_reported(number), 0);
  host_.clear();
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.times_reported(number), 0);
  write_byte(fresh->fd[1]);
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.what_for(number), EV_READ);
  EXPECT_EQ(ev::epoll_ctl_calls(*b), before + 2);
}

TEST_F(EpollTest, ManyReadyFdsGrowTheEventArray) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  std::vector<std::unique_ptr<SocketPair>> pairs;
  for (int i = 0; i < 300; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    ASSERT_TRUE(pairs.back()->ok());
    write_byte(pairs.back()->fd[1]);
    ASSERT_EQ(b->update(pairs.back()->fd[0], 0, EV_READ), 0);
  }
  // 32, 64, 128, 256: the fifth dispatch sees them all at once.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(poll_once(*b), 0);
  host_.clear();
  ASSERT_EQ(poll_once(*b), 0);
  EXPECT_EQ(host_.reports.size(), 300u);
}

class EpollPreciseTest : public EpollTest, public ::testing::WithParamInterface<bool> {};

TEST_P(EpollPreciseTest, SubMillisecondTimeoutsAreNotRoundedUp) {
  auto b = make(EVENT_BASE_FLAG_PRECISE_TIMER, GetParam());
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  double best = 1e9;
  for (int i = 0; i < 20; ++i) {
    timeval tv = tv_us(1200);
    double start = now_ms();
    ASSERT_EQ(b->dispatch(&tv), 0);
    double elapsed = now_ms() - start;
    EXPECT_GE(elapsed, 1.2);
    best = std::min(best, elapsed);
  }
  // Millisecond rounding would never return before 2 ms.
  EXPECT_LT(best, 1.95);
  EXPECT_TRUE(host_.reports.empty());
}

TEST_P(EpollPreciseTest, EndlessWaitIsNotEndedByAnOldTimer) {
  auto b = make(EVENT_BASE_FLAG_PRECISE_TIMER, GetParam());
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(b->update(sp.fd[0], 0, EV_READ), 0);
  timeval tv = tv_us(1000);
  ASSERT_EQ(b->dispatch(&tv), 0);
  // A 30 ms wait that ends at once leaves its timer armed.
  write_byte(sp.fd[1]);
  tv = tv_us(30000);
  ASSERT_EQ(b->dispatch(&tv), 0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
  drain(sp.fd[0]);
  host_.clear();
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write_byte(sp.fd[1]);
  });
  double start = now_ms();
  ASSERT_EQ(b->dispatch(nullptr), 0);
  double elapsed = now_ms() - start;
  writer.join();
  EXPECT_GE(elapsed, 90.0);
  EXPECT_EQ(host_.what_for(sp.fd[0]), EV_READ);
}

INSTANTIATE_TEST_SUITE_P(Timer, EpollPreciseTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "timerfd" : "pwait2"; });

}  // namespace

namespace {

// The registration generation is a small wrapping counter: through more
// re-registrations of one number than it counts (the wrap included), each
// registration's events must be reported, exactly once.
TEST_F(EpollTest, GenerationWrapKeepsReportingTheLiveRegistration) {
  auto b = make();
  ASSERT_NE(b, nullptr);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  const int fd = sp.fd[0];
  write_byte(sp.fd[1]);
  for (int round = 0; round < 9000; ++round) {
    SCOPED_TRACE(round);
    host_.clear();
    ASSERT_EQ(b->update(fd, 0, EV_READ), 0);  // a new registration (ADD)
    ASSERT_EQ(poll_once(*b), 0);
    ASSERT_EQ(host_.times_reported(fd), 1);
    // Interest dropped: the next dispatch sees the fd and deletes it.
    ASSERT_EQ(b->update(fd, EV_READ, 0), 0);
    ASSERT_EQ(poll_once(*b), 0);
    ASSERT_EQ(host_.times_reported(fd), 1);
  }
  EXPECT_GE(ev::epoll_ctl_calls(*b), 2u * 9000);  // every round re-registered
}

}  // namespace
