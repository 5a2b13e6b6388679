// evconnlistener: accept() failures, the error callback, running out of
// descriptors, and freeing or disabling the listener from its callbacks.
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <sys/resource.h>

#include "listener_test_support.hpp"

using lvtest::as_sa;
using lvtest::bound_address;
using lvtest::connect_client;
using lvtest::ListenerTest;
using lvtest::loopback4;
using lvtest::Probe;
using lvtest::run_for;
using lvtest::run_until;
using lvtest::settle;

namespace {

// A TCP socket that is bound but not listening, handed to the listener as if
// it were (backlog 0): the backend reports it readable (hung up) and every
// accept() fails with EINVAL.
evconnlistener* listener_on_dead_socket(event_base* base, Probe* probe, int* fd_out) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const sockaddr_in sin = loopback4();
  EXPECT_EQ(0, bind(fd, as_sa(sin), sizeof(sin)));
  *fd_out = fd;
  evconnlistener* lev =
      evconnlistener_new(base, Probe::accept_cb, probe, LEV_OPT_CLOSE_ON_FREE, 0, fd);
  if (lev != nullptr) evconnlistener_set_error_cb(lev, Probe::error_cb);
  return lev;
}

// A listener on 127.0.0.1 reporting to 'probe'.
evconnlistener* listen_loopback(event_base* base, Probe* probe) {
  const sockaddr_in sin = loopback4();
  evconnlistener* lev = evconnlistener_new_bind(base, Probe::accept_cb, probe,
                                                LEV_OPT_CLOSE_ON_FREE, -1, as_sa(sin), sizeof(sin));
  if (lev != nullptr) evconnlistener_set_error_cb(lev, Probe::error_cb);
  return lev;
}

// Lowers the soft descriptor limit and uses up every descriptor under it;
// release() (or the destructor) gives everything back.
class DescriptorExhaustion {
 public:
  DescriptorExhaustion() {
    EXPECT_EQ(0, getrlimit(RLIMIT_NOFILE, &saved_));
    const int lowest_free = dup(2);
    close(lowest_free);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free) + 4;
    EXPECT_EQ(0, setrlimit(RLIMIT_NOFILE, &lowered));
    for (int fd; (fd = dup(2)) >= 0;) fillers_.push_back(fd);
    EXPECT_EQ(EMFILE, errno);
  }
  ~DescriptorExhaustion() { release(); }
  void release() {
    for (int fd : fillers_) close(fd);
    fillers_.clear();
    setrlimit(RLIMIT_NOFILE, &saved_);
  }

 private:
  rlimit saved_{};
  std::vector<int> fillers_;
};

double cpu_seconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

TEST_P(ListenerTest, ErrorCallbackSeesTheAcceptErrorAndTheUserPointer) {
  Probe probe;
  int fd = -1;
  evconnlistener* lev = listener_on_dead_socket(base, &probe, &fd);
  ASSERT_NE(nullptr, lev);
  EXPECT_TRUE(run_until(base, [&] { return probe.err.calls > 0; }));
  EXPECT_EQ(EINVAL, probe.err.last_errno);
  EXPECT_EQ(lev, probe.err.last_listener);  // Probe::error_cb got &probe back
  EXPECT_EQ(0u, probe.acc.count());
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, WithoutAnErrorCallbackAcceptFailuresAreLogged) {
  static int warnings = 0;
  warnings = 0;
  event_set_log_callback([](int severity, const char*) {
    if (severity == EVENT_LOG_WARN) ++warnings;
  });
  Probe probe;
  int fd = -1;
  evconnlistener* lev = listener_on_dead_socket(base, &probe, &fd);
  ASSERT_NE(nullptr, lev);
  evconnlistener_set_error_cb(lev, nullptr);
  EXPECT_TRUE(run_until(base, [&] { return warnings > 0; }));
  EXPECT_EQ(0, probe.err.calls);
  evconnlistener_free(lev);
  event_set_log_callback(nullptr);
}

TEST_P(ListenerTest, FailingAcceptDoesNotSpin) {
  LVTEST_ONLY_OURS("back off after an accept() failure");
  Probe probe;
  int fd = -1;
  evconnlistener* lev = listener_on_dead_socket(base, &probe, &fd);
  ASSERT_NE(nullptr, lev);
  run_for(base, 400);
  EXPECT_GE(probe.err.calls, 1);
  EXPECT_LE(probe.err.calls, 10);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, FreeingInsideTheErrorCallbackIsSafe) {
  Probe probe;
  int fd = -1;
  evconnlistener* lev = listener_on_dead_socket(base, &probe, &fd);
  ASSERT_NE(nullptr, lev);
  probe.err.then = [](evconnlistener* l) { evconnlistener_free(l); };
  EXPECT_TRUE(run_until(base, [&] { return probe.err.calls > 0; }));
  run_for(base, 100);
  EXPECT_EQ(1, probe.err.calls);
  EXPECT_FALSE(lvtest::fd_is_open(fd));  // LEV_OPT_CLOSE_ON_FREE
}

TEST_P(ListenerTest, FreeingInsideTheAcceptCallbackIsSafe) {
  Probe probe;
  evconnlistener* lev = listen_loopback(base, &probe);
  ASSERT_NE(nullptr, lev);
  const int fd = evconnlistener_get_fd(lev);
  const sockaddr_in addr = bound_address(fd);
  probe.acc.then = [](evconnlistener* l, int) { evconnlistener_free(l); };
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(connect_client(addr));
  settle();
  EXPECT_TRUE(run_until(base, [&] { return probe.acc.count() > 0; }));
  run_for(base, 50);
  EXPECT_EQ(1u, probe.acc.count());  // nothing is accepted after the free
  EXPECT_FALSE(lvtest::fd_is_open(fd));
  for (int c : clients) close(c);
}

TEST_P(ListenerTest, DisablingInsideTheAcceptCallbackEndsTheBatch) {
  Probe probe;
  evconnlistener* lev = listen_loopback(base, &probe);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in addr = bound_address(evconnlistener_get_fd(lev));
  probe.acc.then = [](evconnlistener* l, int) { evconnlistener_disable(l); };
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(connect_client(addr));
  settle();
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_ONCE));
  EXPECT_EQ(1u, probe.acc.count());
  probe.acc.then = nullptr;
  ASSERT_EQ(0, evconnlistener_enable(lev));
  EXPECT_TRUE(run_until(base, [&] { return probe.acc.count() == 3; }));
  for (int c : clients) close(c);
  evconnlistener_free(lev);
}

// Out of descriptors: accept() fails with EMFILE while the connection waits.
// The error callback hears about it, and once descriptors are free again the
// waiting connection is accepted.
TEST_P(ListenerTest, RunningOutOfDescriptorsCallsTheErrorCallbackThenRecovers) {
  Probe probe;
  evconnlistener* lev = listen_loopback(base, &probe);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in addr = bound_address(evconnlistener_get_fd(lev));
  const int client = socket(AF_INET, SOCK_STREAM, 0);  // made while descriptors remain
  ASSERT_GE(client, 0);
  {
    DescriptorExhaustion exhausted;
    ASSERT_EQ(0, connect(client, as_sa(addr), sizeof(addr)));
    EXPECT_TRUE(run_until(base, [&] { return probe.err.calls > 0; }));
    EXPECT_EQ(EMFILE, probe.err.last_errno);
    EXPECT_EQ(0u, probe.acc.count());
  }
  EXPECT_TRUE(run_until(base, [&] { return probe.acc.count() == 1; }));
  close(client);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, RunningOutOfDescriptorsDoesNotBusyLoop) {
  LVTEST_ONLY_OURS("back off while out of descriptors");
  Probe probe;
  evconnlistener* lev = listen_loopback(base, &probe);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in addr = bound_address(evconnlistener_get_fd(lev));
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  {
    DescriptorExhaustion exhausted;
    ASSERT_EQ(0, connect(client, as_sa(addr), sizeof(addr)));
    const double cpu_before = cpu_seconds();
    run_for(base, 600);
    const double cpu_used = cpu_seconds() - cpu_before;
    EXPECT_GE(probe.err.calls, 1);
    EXPECT_LE(probe.err.calls, 10);  // a few back-off rounds, not thousands
    EXPECT_LT(cpu_used, 0.3);        // mostly asleep
  }
  // Recovers within the longest back-off.
  EXPECT_TRUE(run_until(
      base, [&] { return probe.acc.count() == 1; }, 3000));
  close(client);
  evconnlistener_free(lev);
}

EVTEST_INSTANTIATE_PER_BACKEND(ListenerTest);

}  // namespace
