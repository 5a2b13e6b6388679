// evconnlistener on an io_uring base: accepts run as completions (armed
// IORING_OP_ACCEPT requests, no accept4() call per connection) and every
// promise of the listener holds as on the readiness path: exact peer
// addresses, nothing lost, disable/enable, free with requests in flight,
// free from inside the callback, the NULL callback, the EMFILE back-off,
// fork and event_reinit.  Each test checks with the accept4() seam that
// the connections really were accepted as completions.
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <algorithm>
#include <set>

#include "listener_uring_support.hpp"

using lutest::g_accept4_calls;
using lutest::uring_base;
using lvtest::Accepted;
using lvtest::as_sa;
using lvtest::bound_address;
using lvtest::connect_client;
using lvtest::loopback4;
using lvtest::Probe;
using lvtest::run_for;
using lvtest::run_until;
using lvtest::settle;

namespace {

class UringListener : public ::testing::Test {
 protected:
  // Every test runs on an io_uring base with completion IO, or is skipped.
  void SetUp() override {
    calls_before_ = g_accept4_calls.load();
    base = uring_base();
    LUTEST_REQUIRE(base);
  }
  void TearDown() override {
    if (base != nullptr) event_base_free(base);
  }
  long accept4_calls() const { return g_accept4_calls.load() - calls_before_; }
  // Runs the loop until every one of `clients` was delivered, then checks
  // that they came in connect order, all as completions, and closes them.
  void expect_delivered_in_order(const Accepted& acc, const std::vector<int>& clients);
  event_base* base = nullptr;
  long calls_before_ = 0;
};

evconnlistener* listen4(event_base* base, evconnlistener_cb cb, void* arg, unsigned flags,
                        int backlog = -1) {
  const sockaddr_in sin = loopback4();
  return evconnlistener_new_bind(base, cb, arg, flags, backlog, as_sa(sin), sizeof(sin));
}

unsigned short port_of(int fd) { return ntohs(bound_address(fd).sin_port); }

unsigned short peer_port(const sockaddr_storage& ss) {
  return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
}

void UringListener::expect_delivered_in_order(const Accepted& acc,
                                              const std::vector<int>& clients) {
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == clients.size(); }));
  for (size_t i = 0; i < clients.size(); ++i)
    EXPECT_EQ(port_of(clients[i]), peer_port(acc.peers[i])) << "connection " << i;
  EXPECT_EQ(0, accept4_calls());
  for (int c : clients) close(c);
}

// True when the peer of `fd` closed or reset the connection within `ms`.
bool peer_closed(int fd, int ms = 2000) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, ms) != 1) return false;
  char c;
  const ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

TEST_F(UringListener, AcceptsWithoutAccept4AndReportsIpv4Peers) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  std::vector<int> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(connect_client(to));
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 20; }));
  for (size_t i = 0; i < clients.size(); ++i) {
    const sockaddr_in mine = bound_address(clients[i]);
    ASSERT_EQ(static_cast<int>(sizeof(sockaddr_in)), acc.peer_lens[i]);
    const auto* peer = reinterpret_cast<const sockaddr_in*>(&acc.peers[i]);
    EXPECT_EQ(AF_INET, peer->sin_family);
    EXPECT_EQ(mine.sin_addr.s_addr, peer->sin_addr.s_addr);
    EXPECT_EQ(mine.sin_port, peer->sin_port) << "connection " << i;
    // The accepted socket is the other end of this client.
    const sockaddr_in theirs = bound_address(acc.fds[i]);
    sockaddr_in peer_of_acc;
    socklen_t len = sizeof(peer_of_acc);
    ASSERT_EQ(0, getpeername(acc.fds[i], reinterpret_cast<sockaddr*>(&peer_of_acc), &len));
    EXPECT_EQ(mine.sin_port, peer_of_acc.sin_port);
    EXPECT_EQ(to.sin_port, theirs.sin_port);
  }
  EXPECT_EQ(0, accept4_calls()) << "accepted by polling, not as completions";
  for (int c : clients) close(c);
  evconnlistener_free(lev);
}

// The seam itself works: the same listener with completion IO switched off
// (or on epoll) calls accept4().
TEST_F(UringListener, WithoutCompletionIoTheListenerPollsAndCallsAccept4) {
  event_base_free(base);
  base = uring_base(false);
  LUTEST_REQUIRE(base);
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const int client = connect_client(bound_address(evconnlistener_get_fd(lev)));
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  EXPECT_GE(accept4_calls(), 1);
  close(client);
  evconnlistener_free(lev);
}

TEST_F(UringListener, ReportsIpv6Peers) {
  Accepted acc;
  sockaddr_in6 sin6;
  memset(&sin6, 0, sizeof(sin6));
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = in6addr_loopback;
  evconnlistener* lev = evconnlistener_new_bind(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE, -1,
                                                reinterpret_cast<sockaddr*>(&sin6), sizeof(sin6));
  if (lev == nullptr) GTEST_SKIP() << "no IPv6 loopback here";
  sockaddr_in6 to;
  socklen_t len = sizeof(to);
  ASSERT_EQ(0, getsockname(evconnlistener_get_fd(lev), reinterpret_cast<sockaddr*>(&to), &len));
  const int client = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(client, 0);
  ASSERT_EQ(0, connect(client, reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  sockaddr_in6 mine;
  len = sizeof(mine);
  ASSERT_EQ(0, getsockname(client, reinterpret_cast<sockaddr*>(&mine), &len));
  ASSERT_EQ(static_cast<int>(sizeof(sockaddr_in6)), acc.peer_lens[0]);
  const auto* peer = reinterpret_cast<const sockaddr_in6*>(&acc.peers[0]);
  EXPECT_EQ(AF_INET6, peer->sin6_family);
  EXPECT_EQ(mine.sin6_port, peer->sin6_port);
  EXPECT_EQ(0, memcmp(&in6addr_loopback, &peer->sin6_addr, sizeof(in6_addr)));
  EXPECT_EQ(0, accept4_calls());
  close(client);
  evconnlistener_free(lev);
}

// AF_UNIX: an unbound client's address is just the family; a bound one's
// carries its path, with the length accept() reports.
TEST_F(UringListener, ReportsUnixPeersWithTheirExactLength) {
  char dir[] = "/tmp/lvuringXXXXXX";
  ASSERT_NE(nullptr, mkdtemp(dir));
  const std::string server_path = std::string(dir) + "/s";
  const std::string client_path = std::string(dir) + "/c";
  sockaddr_un sun;
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  strcpy(sun.sun_path, server_path.c_str());
  Accepted acc;
  evconnlistener* lev = evconnlistener_new_bind(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE, -1,
                                                reinterpret_cast<sockaddr*>(&sun), sizeof(sun));
  ASSERT_NE(nullptr, lev);
  const int unnamed = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(0, connect(unnamed, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)));
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  const int named = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un cun;
  memset(&cun, 0, sizeof(cun));
  cun.sun_family = AF_UNIX;
  strcpy(cun.sun_path, client_path.c_str());
  const socklen_t named_len =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + client_path.size() + 1);
  ASSERT_EQ(0, bind(named, reinterpret_cast<sockaddr*>(&cun), named_len));
  ASSERT_EQ(0, connect(named, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)));
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 2; }));

  EXPECT_EQ(static_cast<int>(sizeof(sa_family_t)), acc.peer_lens[0]);
  EXPECT_EQ(AF_UNIX, acc.peers[0].ss_family);
  EXPECT_EQ(static_cast<int>(named_len), acc.peer_lens[1]);
  const auto* peer = reinterpret_cast<const sockaddr_un*>(&acc.peers[1]);
  EXPECT_EQ(AF_UNIX, peer->sun_family);
  EXPECT_STREQ(client_path.c_str(), peer->sun_path);
  EXPECT_EQ(0, accept4_calls());
  close(unnamed);
  close(named);
  evconnlistener_free(lev);
  unlink(server_path.c_str());
  unlink(client_path.c_str());
  rmdir(dir);
}

// 1000 connections, in rounds of 50 made while the loop is not running
// (single-threaded, so that it also runs under valgrind), each accepted
// exactly once with its own address: none lost, none doubled.
TEST_F(UringListener, AThousandConnectionsNoneLost) {
  constexpr int kRounds = 20;
  constexpr int kPerRound = 50;
  std::vector<unsigned short> seen;
  auto cb = [](evconnlistener*, evutil_socket_t fd, sockaddr* sa, int len, void* arg) {
    auto* out = static_cast<std::vector<unsigned short>*>(arg);
    if (len == sizeof(sockaddr_in) && sa->sa_family == AF_INET)
      out->push_back(ntohs(reinterpret_cast<sockaddr_in*>(sa)->sin_port));
    else
      out->push_back(0);
    close(fd);
  };
  evconnlistener* lev = listen4(base, cb, &seen, LEV_OPT_CLOSE_ON_FREE, 1024);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  std::vector<unsigned short> made;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kPerRound; ++i) {
      const int c = connect_client(to);
      ASSERT_GE(c, 0);
      made.push_back(port_of(c));
      close(c);  // still accepted: the handshake is done
    }
    ASSERT_TRUE(run_until(
        base, [&] { return seen.size() == made.size(); }, 10000))
        << seen.size() << " of " << made.size();
  }
  run_for(base, 50);  // nothing more comes
  EXPECT_EQ(static_cast<size_t>(kRounds * kPerRound), seen.size());
  EXPECT_EQ(std::multiset<unsigned short>(made.begin(), made.end()),
            std::multiset<unsigned short>(seen.begin(), seen.end()));
  EXPECT_EQ(0, accept4_calls());
  evconnlistener_free(lev);
}

// Disabled while connections arrive: the armed requests were cancelled
// (a cancellation may come too late: what they accepted is kept), nothing
// is delivered while disabled, and everything is delivered on enable, in
// the order of the connections.
TEST_F(UringListener, DisableWithConnectionsPendingThenEnableDeliversAllInOrder) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));  // the accepts are in the kernel
  // Disabled, the cancellations not yet submitted: the armed requests take
  // the first connections anyway.
  ASSERT_EQ(0, evconnlistener_disable(lev));
  std::vector<int> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(connect_client(to));
  settle();
  run_for(base, 200);
  EXPECT_EQ(0u, acc.count()) << "a callback while disabled";
  ASSERT_EQ(0, evconnlistener_enable(lev));
  expect_delivered_in_order(acc, clients);
  evconnlistener_free(lev);
}

// Disabled inside the callback with more results queued: they wait for
// the next enable.
TEST_F(UringListener, DisableInsideTheCallbackKeepsTheRestForEnable) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  acc.then = [](evconnlistener* l, int) { evconnlistener_disable(l); };
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  std::vector<int> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(connect_client(to));
  settle();
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  run_for(base, 100);
  EXPECT_EQ(1u, acc.count());
  acc.then = nullptr;
  ASSERT_EQ(0, evconnlistener_enable(lev));
  expect_delivered_in_order(acc, clients);
  evconnlistener_free(lev);
}

// LEV_OPT_CLOSE_ON_FREE with accepts in the kernel: freeing cancels them at
// once, so the listening socket really closes and a connect is refused.
TEST_F(UringListener, FreeWithAcceptsInFlightClosesTheSocket) {
  for (int submitted = 0; submitted < 2; ++submitted) {
    Accepted acc;
    evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, lev);
    const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
    if (submitted) ASSERT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));
    evconnlistener_free(lev);
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_NE(0, connect(c, as_sa(to), sizeof(to)))
        << "still listening (submitted " << submitted << ")";
    EXPECT_EQ(ECONNREFUSED, errno);
    close(c);
    run_for(base, 20);
    EXPECT_EQ(0u, acc.count());
  }
}

// Freed with connections accepted but not yet handed out: they are closed,
// nothing is delivered after the free, nothing is leaked.
TEST_F(UringListener, FreeWithAcceptedResultsQueuedClosesThem) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));
  ASSERT_EQ(0, evconnlistener_disable(lev));
  std::vector<int> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(connect_client(to));
  settle();
  run_for(base, 50);  // the kept results arrive
  evconnlistener_free(lev);
  run_for(base, 50);
  EXPECT_EQ(0u, acc.count());
  for (int c : clients) EXPECT_TRUE(peer_closed(c));
  for (int c : clients) close(c);
}

// Freed inside the callback while more results are queued: no use after
// free (ASan), no further callback, the queued connections are closed.
TEST_F(UringListener, FreeInsideTheCallbackWithResultsQueued) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  acc.then = [](evconnlistener* l, int) { evconnlistener_free(l); };
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));
  std::vector<int> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(connect_client(to));
  settle();
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  run_for(base, 100);
  EXPECT_EQ(1u, acc.count());
  size_t closed = 0;
  for (int c : clients)
    if (c != clients[0] && peer_port(acc.peers[0]) != port_of(c) && peer_closed(c, 500)) ++closed;
  EXPECT_GE(closed, 1u) << "the queued connections were not closed";
  const int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_NE(0, connect(c, as_sa(to), sizeof(to)));
  close(c);
  for (int cl : clients) close(cl);
}

// A NULL callback set while accepting: as with libevent, connections are
// accepted and closed; a callback set again takes the next ones.
TEST_F(UringListener, NullCallbackClosesConnectionsThenANewOneTakesThem) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  evconnlistener_set_cb(lev, nullptr, nullptr);
  const int dropped = connect_client(to);
  run_for(base, 50);
  EXPECT_TRUE(peer_closed(dropped));
  EXPECT_EQ(0u, acc.count());
  evconnlistener_set_cb(lev, Accepted::cb, &acc);
  const int taken = connect_client(to);
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  EXPECT_EQ(port_of(taken), peer_port(acc.peers[0]));
  EXPECT_EQ(0, accept4_calls());
  close(dropped);
  close(taken);
  evconnlistener_free(lev);
}

// Out of descriptors, in a forked child so that the limit cannot disturb
// other tests (named for scripts/run-valgrind's skip list: valgrind keeps
// descriptors of its own): the error callback sees EMFILE a bounded number of times
// (back-off, not one report per armed request or a busy loop), and the
// waiting connection is accepted once descriptors are free again.
TEST_F(UringListener, RunningOutOfDescriptorsBacksOffAndRecovers) {
  event_base* probe_base = uring_base();
  LUTEST_REQUIRE(probe_base);
  event_base_free(probe_base);
  const long calls_at_fork = g_accept4_calls.load();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(20);
    event_base* b = uring_base();
    Probe probe;
    evconnlistener* lev = listen4(b, Probe::accept_cb, &probe, LEV_OPT_CLOSE_ON_FREE);
    if (lev == nullptr) _exit(10);
    evconnlistener_set_error_cb(lev, Probe::error_cb);
    const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
    const int client = socket(AF_INET, SOCK_STREAM, 0);
    rlimit saved;
    getrlimit(RLIMIT_NOFILE, &saved);
    const int lowest_free = dup(2);
    close(lowest_free);
    rlimit lowered = saved;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free) + 4;
    setrlimit(RLIMIT_NOFILE, &lowered);
    std::vector<int> fillers;
    for (int fd; (fd = dup(2)) >= 0;) fillers.push_back(fd);
    if (connect(client, as_sa(to), sizeof(to)) != 0) _exit(11);
    run_for(b, 600);
    if (probe.err.calls < 1) _exit(12);
    if (probe.err.calls > 10) _exit(13);  // a few back-off rounds
    if (probe.err.last_errno != EMFILE) _exit(14);
    if (probe.acc.count() != 0) _exit(15);
    for (int fd : fillers) close(fd);
    setrlimit(RLIMIT_NOFILE, &saved);
    if (!run_until(
            b, [&] { return probe.acc.count() == 1; }, 3000))
      _exit(16);
    if (port_of(client) != peer_port(probe.acc.peers[0])) _exit(17);
    if (g_accept4_calls.load() != calls_at_fork) _exit(18);
    close(client);
    evconnlistener_free(lev);
    event_base_free(b);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status)) << "child killed (hang?)";
  EXPECT_EQ(0, WEXITSTATUS(status)) << "see the _exit codes in the child";
}

// fork + event_reinit: the child's listener accepts through the child's own
// ring; the parent's goes on with its own.
TEST_F(UringListener, ForkAndReinitGiveTheChildItsOwnAccepts) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  // The parent stops accepting (its requests would compete for the child's
  // connection: both processes share the socket).
  ASSERT_EQ(0, evconnlistener_disable(lev));
  run_for(base, 20);
  const long parent_calls = g_accept4_calls.load();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(20);
    int code = 0;
    if (event_reinit(base) != 0) code = 20;
    Accepted child_acc;
    evconnlistener_set_cb(lev, Accepted::cb, &child_acc);
    if (code == 0 && evconnlistener_enable(lev) != 0) code = 21;
    const int c = connect_client(to);
    if (code == 0 && !run_until(
                         base, [&] { return child_acc.count() == 1; }, 5000))
      code = 22;
    if (code == 0 && port_of(c) != peer_port(child_acc.peers[0])) code = 23;
    if (code == 0 && g_accept4_calls.load() != parent_calls) code = 24;
    close(c);
    evconnlistener_free(lev);
    event_base_free(base);
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status));
  ASSERT_EQ(0, evconnlistener_enable(lev));
  const int c = connect_client(to);
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  EXPECT_EQ(port_of(c), peer_port(acc.peers[0]));
  EXPECT_EQ(0, accept4_calls());
  close(c);
  evconnlistener_free(lev);
}

// A child that frees the inherited listener and base without event_reinit
// touches nothing of the parent's ring: the parent keeps accepting.
TEST_F(UringListener, ChildFreeingWithoutReinitLeavesTheParentAccepting) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, 0);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));  // armed
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    evconnlistener_free(lev);
    event_base_free(base);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status));
  const int c = connect_client(to);
  ASSERT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  EXPECT_EQ(port_of(c), peer_port(acc.peers[0]));
  close(c);
  const int fd = evconnlistener_get_fd(lev);
  evconnlistener_free(lev);
  close(fd);
}

// The base freed right after the listener, with results and requests in
// flight: every accepted descriptor is closed (valgrind/ASan: no leak, no
// use after free).
TEST_F(UringListener, BaseFreedAfterTheListenerWithRequestsInFlight) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const sockaddr_in to = bound_address(evconnlistener_get_fd(lev));
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));
  const int c = connect_client(to);
  evconnlistener_free(lev);
  event_base_free(base);
  base = nullptr;
  EXPECT_TRUE(peer_closed(c));
  close(c);
}

// The loop keeps running for an enabled listener alone (it counts as a
// pending event, as the polling listener's read event does):
// event_base_dispatch() waits for the connection, and returns once the
// callback disabled the listener.
TEST_F(UringListener, AnEnabledListenerKeepsTheLoopRunning) {
  Accepted acc;
  evconnlistener* lev = listen4(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  EXPECT_EQ(1, event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL));
  acc.then = [](evconnlistener* l, int) { evconnlistener_disable(l); };
  const int client = connect_client(bound_address(evconnlistener_get_fd(lev)));
  alarm(20);                                // a loop that never ends fails here
  EXPECT_EQ(1, event_base_dispatch(base));  // 1: nothing is left
  alarm(0);
  EXPECT_EQ(1u, acc.count());
  EXPECT_EQ(0, event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL));
  close(client);
  evconnlistener_free(lev);
}

}  // namespace
