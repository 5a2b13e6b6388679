// The io_uring method (an addition of ours): how it is chosen, the silent
// fallback when the kernel or a seccomp filter refuses it, fork, many fds,
// and descriptors closed around their events.  The behaviour suites run on
// it as on every method (event_backend_param.hpp, "OptIn/...").
#include <event2/event.h>
#include <event2/event_struct.h>
#include <gtest/gtest.h>

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "event_backend_param.hpp"

namespace {

bool have_io_uring() {
  for (const std::string& m : evtest::supported_methods())
    if (m == "io_uring") return true;
  return false;
}

// A base that really runs on io_uring, or skip (kernel without it).
event_base* uring_base() {
  event_base* base = evtest::new_base_with("io_uring");
  return base;
}

#define REQUIRE_URING(base)                                           \
  do {                                                                \
    if (!have_io_uring()) GTEST_SKIP() << "io_uring not compiled in"; \
    if ((base) == nullptr) GTEST_SKIP() << "io_uring refused here";   \
  } while (0)

struct EnvVar {
  explicit EnvVar(const char* name) : name_(name) { setenv(name, "1", 1); }
  ~EnvVar() { unsetenv(name_); }
  const char* name_;
};

std::string method_of(event_base* base) {
  std::string m = base != nullptr ? event_base_get_method(base) : "(none)";
  if (base != nullptr) event_base_free(base);
  return m;
}

TEST(IoUringChoice, DefaultAndAvoidingEpollKeepLibeventsOrder) {
  if (!have_io_uring()) GTEST_SKIP();
  EXPECT_EQ("epoll", method_of(event_base_new()));
  event_config* cfg = event_config_new();
  event_config_avoid_method(cfg, "epoll");
  EXPECT_EQ("poll", method_of(event_base_new_with_config(cfg)));
  event_config_avoid_method(cfg, "poll");
  EXPECT_EQ("select", method_of(event_base_new_with_config(cfg)));
  event_config_free(cfg);
  {
    EnvVar no_epoll("EVENT_NOEPOLL");
    EXPECT_EQ("poll", method_of(event_base_new()));
  }
  // Features nothing of libevent's has together: no base, as in libevent.
  cfg = event_config_new();
  event_config_require_features(cfg, EV_FEATURE_ET | EV_FEATURE_FDS);
  EXPECT_EQ("(none)", method_of(event_base_new_with_config(cfg)));
  event_config_free(cfg);
}

TEST(IoUringChoice, EnvironmentOptsIn) {
  event_base* probe = uring_base();
  REQUIRE_URING(probe);
  event_base_free(probe);
  EnvVar opt_in("EVENT_IOURING");
  EXPECT_EQ("io_uring", method_of(event_base_new()));
  // IGNORE_ENV ignores the opt-in too.
  event_config* cfg = event_config_new();
  event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV);
  EXPECT_EQ("epoll", method_of(event_base_new_with_config(cfg)));
  event_config_free(cfg);
  // EVENT_NOIO_URING wins over the opt-in.
  EnvVar no("EVENT_NOIO_URING");
  EXPECT_EQ("epoll", method_of(event_base_new()));
}

TEST(IoUringChoice, FeaturesAreReported) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  EXPECT_EQ(EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE,
            event_base_get_features(base));
  event_base_free(base);
}

std::vector<std::string> g_log;
void log_cb(int, const char* msg) { g_log.emplace_back(msg); }

TEST(IoUringChoice, ShowMethodNamesIt) {
  event_base* probe = uring_base();
  REQUIRE_URING(probe);
  event_base_free(probe);
  EnvVar opt_in("EVENT_IOURING");
  EnvVar show("EVENT_SHOW_METHOD");
  g_log.clear();
  event_set_log_callback(log_cb);
  event_base* base = event_base_new();
  event_set_log_callback(nullptr);
  ASSERT_NE(nullptr, base);
  event_base_free(base);
  ASSERT_EQ(1u, g_log.size());
  EXPECT_EQ("libevent using: io_uring", g_log[0]);
}

// --- fallback under a seccomp filter -------------------------------------

// Makes io_uring_setup fail with `err` in this (child) process.
bool refuse_io_uring(int err) {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<unsigned>(err) & 0xffff)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

void count_cb(evutil_socket_t, short, void* arg) { ++*static_cast<int*>(arg); }

// Child body: exit code 0 on success, a distinct code per failed check.
int fallback_child(int err) {
  if (!refuse_io_uring(err)) return 10;
  g_log.clear();
  event_set_log_callback(log_cb);
  setenv("EVENT_IOURING", "1", 1);
  event_base* base = event_base_new();
  if (base == nullptr) return 11;
  if (std::string(event_base_get_method(base)) != "epoll") return 12;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return 13;
  int calls = 0;
  event* ev = event_new(base, fds[0], EV_READ, count_cb, &calls);
  event_add(ev, nullptr);
  if (write(fds[1], "x", 1) != 1) return 14;
  event_base_loop(base, EVLOOP_ONCE);
  if (calls != 1) return 15;
  event_free(ev);
  event_base_free(base);
  if (!g_log.empty()) return 17;  // silent
  // Asking for io_uring alone now gives no base (nothing to fall back to).
  if (evtest::new_base_with("io_uring") != nullptr) return 16;
  return 0;
}

void expect_fallback(int err) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(fallback_child(err));
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status)) << "errno " << err;
}

TEST(IoUringFallback, SeccompEpermFallsBackToEpoll) {
  if (!have_io_uring()) GTEST_SKIP();
  expect_fallback(EPERM);
}

TEST(IoUringFallback, SeccompEnosysFallsBackToEpoll) {
  if (!have_io_uring()) GTEST_SKIP();
  expect_fallback(ENOSYS);
}

// --- behaviour on the ring -------------------------------------------------

// A socket pair whose first end a persistent read event on `base` counts.
struct WatchedPair {
  int fds[2] = {-1, -1};
  int calls = 0;
  event* ev = nullptr;
  explicit WatchedPair(event_base* base) {
    EXPECT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    ev = event_new(base, fds[0], EV_READ | EV_PERSIST, count_cb, &calls);
    event_add(ev, nullptr);
  }
  void free_event() {
    if (ev != nullptr) event_free(ev);
    ev = nullptr;
  }
  ~WatchedPair() {
    free_event();
    close(fds[0]);
    close(fds[1]);
  }
};

// In the parent after fork: the child exited with 0, and the parent's own
// ring still reports the pair once (within 2 s, so a broken ring fails
// rather than hangs).
void expect_child_ok_and_parent_ring_works(pid_t pid, event_base* base, WatchedPair& p) {
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status));
  ASSERT_EQ(1, write(p.fds[1], "p", 1));
  timeval limit{2, 0};
  event_base_loopexit(base, &limit);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, p.calls);
}

TEST(IoUringFork, ReinitGivesTheChildItsOwnRing) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  WatchedPair p(base);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int code = 0;
    if (event_reinit(base) != 0) code = 20;
    char c;
    // The child drains what the parent's test sends it, through its own ring.
    timeval limit{5, 0};
    event_base_loopexit(base, &limit);
    if (code == 0 && write(p.fds[1], "c", 1) != 1) code = 21;
    if (code == 0) event_base_loop(base, EVLOOP_ONCE);
    if (code == 0 && p.calls != 1) code = 22;
    if (code == 0 && read(p.fds[0], &c, 1) != 1) code = 23;
    p.free_event();
    event_base_free(base);
    _exit(code);
  }
  // The parent's ring is untouched by the child's reinit and exit.
  expect_child_ok_and_parent_ring_works(pid, base, p);
  p.free_event();
  event_base_free(base);
}

// A child that frees the inherited base without event_reinit (as daemons
// do after fork) must not cancel the parent's requests through the ring
// mapping it shares.
TEST(IoUringFork, ChildFreeingTheBaseLeavesTheParentsRingAlone) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  WatchedPair p(base);
  event_base_loop(base, EVLOOP_NONBLOCK);  // armed in the kernel
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    p.free_event();
    event_base_free(base);
    _exit(0);
  }
  expect_child_ok_and_parent_ring_works(pid, base, p);
  p.free_event();
  event_base_free(base);
}

TEST(IoUringScale, ManyDescriptorsReadyAtOnce) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  rlimit lim;
  ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &lim));
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  // More than the completion ring holds (4096), when the limit allows.
  size_t pairs = 5000;
  if (lim.rlim_cur < 2 * pairs + 64) pairs = (lim.rlim_cur - 64) / 2;
  std::vector<int> fds(2 * pairs);
  std::vector<event*> evs(pairs);
  int calls = 0;
  for (size_t i = 0; i < pairs; ++i) {
    ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, &fds[2 * i]));
    evs[i] = event_new(base, fds[2 * i], EV_READ, count_cb, &calls);
    event_add(evs[i], nullptr);
  }
  event_base_loop(base, EVLOOP_NONBLOCK);  // all armed
  EXPECT_EQ(0, calls);
  for (size_t i = 0; i < pairs; ++i) ASSERT_EQ(1, write(fds[2 * i + 1], "x", 1));
  for (int round = 0; round < 50 && calls < static_cast<int>(pairs); ++round)
    event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
  EXPECT_EQ(static_cast<int>(pairs), calls);
  for (size_t i = 0; i < pairs; ++i) {
    event_free(evs[i]);
    close(fds[2 * i]);
    close(fds[2 * i + 1]);
  }
  event_base_free(base);
}

// A poll request holds its file: event_del must let go at once, so that the
// close that usually follows really closes (the peer sees EOF), without the
// loop running again.
TEST(IoUringClose, DelThenCloseClosesAtOnce) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  int fds[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds));
  int calls = 0;
  event* ev = event_new(base, fds[0], EV_READ | EV_PERSIST, count_cb, &calls);
  event_add(ev, nullptr);
  event_base_loop(base, EVLOOP_NONBLOCK);  // the poll is armed in the kernel
  event_del(ev);
  close(fds[0]);
  char c;
  EXPECT_EQ(0, read(fds[1], &c, 1)) << "peer still open: " << errno;
  event_free(ev);
  close(fds[1]);
  event_base_free(base);
}

// Closed while still added (libevent asks programs not to do this): the
// event_del that follows releases the file, and the number can be reused.
TEST(IoUringClose, ClosedWhileAddedThenDeletedAndNumberReused) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  int fds[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds));
  int calls = 0;
  event* ev = event_new(base, fds[0], EV_READ | EV_PERSIST, count_cb, &calls);
  event_add(ev, nullptr);
  event_base_loop(base, EVLOOP_NONBLOCK);
  const int number = fds[0];
  close(fds[0]);
  event_base_loop(base, EVLOOP_NONBLOCK);
  event_free(ev);
  char c;
  EXPECT_EQ(0, read(fds[1], &c, 1));
  close(fds[1]);

  int again[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, again));
  ASSERT_EQ(number, again[0]);
  int calls2 = 0;
  event* ev2 = event_new(base, again[0], EV_READ, count_cb, &calls2);
  event_add(ev2, nullptr);
  ASSERT_EQ(1, write(again[1], "y", 1));
  timeval limit{2, 0};
  event_base_loopexit(base, &limit);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, calls2);
  EXPECT_EQ(0, calls);
  event_free(ev2);
  close(again[0]);
  close(again[1]);
  event_base_free(base);
}

// Freeing the base lets go of every file its requests held.
TEST(IoUringClose, BaseFreeReleasesFiles) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  int fds[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds));
  event ev;  // the program's memory: event_base_free deletes it
  event_assign(&ev, base, fds[0], EV_READ, count_cb, nullptr);
  event_add(&ev, nullptr);
  event_base_loop(base, EVLOOP_NONBLOCK);
  close(fds[0]);  // still added: the ring holds the file
  event_base_free(base);
  char c;
  ssize_t n = -1;
  for (int i = 0; i < 200 && (n = read(fds[1], &c, 1)) < 0; ++i) usleep(1000);
  EXPECT_EQ(0, n);
  close(fds[1]);
}

// Level-triggered by default: data left unread is reported again; EV_ET
// reports it once.
TEST(IoUringTrigger, LevelReportsAgainEdgeOnce) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  int fds[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds));
  int level = 0, edge = 0;
  event* lt = event_new(base, fds[0], EV_READ | EV_PERSIST, count_cb, &level);
  event_add(lt, nullptr);
  ASSERT_EQ(1, write(fds[1], "x", 1));
  for (int i = 0; i < 3; ++i) event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(3, level);
  event_free(lt);

  event* et = event_new(base, fds[0], EV_READ | EV_PERSIST | EV_ET, count_cb, &edge);
  event_add(et, nullptr);
  event_base_loop(base, EVLOOP_ONCE);  // what is there when added is reported
  EXPECT_EQ(1, edge);
  for (int i = 0; i < 3; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(1, edge);
  ASSERT_EQ(1, write(fds[1], "y", 1));
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(2, edge);
  event_free(et);
  close(fds[0]);
  close(fds[1]);
  event_base_free(base);
}

// Timers due within the same millisecond, ten of them 100 us apart: the
// loop passes (EVLOOP_ONCE) it takes until all have fired.
int loop_passes_for_close_timers(event_base* base) {
  int fired = 0;
  std::vector<event*> timers;
  for (int i = 1; i <= 10; ++i) {
    event* t = evtimer_new(base, count_cb, &fired);
    timeval tv{0, 100 * i};
    evtimer_add(t, &tv);
    timers.push_back(t);
  }
  int passes = 0;
  while (fired < 10 && passes < 100) {
    event_base_loop(base, EVLOOP_ONCE);
    ++passes;
  }
  for (event* t : timers) event_free(t);
  event_base_free(base);
  return passes;
}

// By default the wait's timeout is whole milliseconds rounded up, as on
// epoll (libevent's default precision): the ten timers fire in one wake-up
// (two if the first wait began a little late), not one wake-up each.
// (EVENT_BASE_FLAG_PRECISE_TIMER waits to the microsecond.)
TEST(IoUringTimers, DefaultWaitsWholeMillisecondsLikeEpoll) {
  event_base* base = uring_base();
  REQUIRE_URING(base);
  EXPECT_LE(loop_passes_for_close_timers(base), 2);
  event_base* epoll = evtest::new_base_with("epoll");
  if (epoll != nullptr) EXPECT_LE(loop_passes_for_close_timers(epoll), 2);
}

}  // namespace
