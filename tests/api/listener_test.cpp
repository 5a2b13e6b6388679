// evconnlistener: creation, accessors, the LEV_OPT_* options, enabling,
// callbacks and how many connections one wake-up accepts.
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <netinet/tcp.h>
#include <sys/un.h>

#include "listener_test_support.hpp"

using lvtest::Accepted;
using lvtest::as_sa;
using lvtest::bound_address;
using lvtest::connect_client;
using lvtest::int_sockopt;
using lvtest::ListenerTest;
using lvtest::loopback4;
using lvtest::run_for;
using lvtest::run_until;
using lvtest::settle;

namespace {

// A listener on 127.0.0.1 with a kernel-chosen port.
evconnlistener* listen_loopback(event_base* base, Accepted* acc, unsigned flags, int backlog = -1) {
  const sockaddr_in sin = loopback4();
  return evconnlistener_new_bind(base, acc != nullptr ? Accepted::cb : nullptr, acc, flags, backlog,
                                 as_sa(sin), sizeof(sin));
}

sockaddr_in address_of(evconnlistener* lev) { return bound_address(evconnlistener_get_fd(lev)); }

// Connects one client and runs the loop until the listener accepted it.
int accept_one(event_base* base, evconnlistener* lev, Accepted& acc, int* client_out = nullptr) {
  const size_t before = acc.count();
  const int client = connect_client(address_of(lev));
  EXPECT_GE(client, 0);
  EXPECT_TRUE(run_until(base, [&] { return acc.count() > before; }));
  if (client_out != nullptr)
    *client_out = client;
  else
    close(client);
  return acc.count() > before ? acc.fds.back() : -1;
}

TEST_P(ListenerTest, AcceptsAConnectionAndReportsThePeer) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  int client = -1;
  const int conn = accept_one(base, lev, acc, &client);
  ASSERT_GE(conn, 0);

  const sockaddr_in client_addr = bound_address(client);
  ASSERT_EQ(static_cast<int>(sizeof(sockaddr_in)), acc.peer_lens[0]);
  const auto* peer = reinterpret_cast<const sockaddr_in*>(&acc.peers[0]);
  EXPECT_EQ(AF_INET, peer->sin_family);
  EXPECT_EQ(client_addr.sin_port, peer->sin_port);
  EXPECT_EQ(htonl(INADDR_LOOPBACK), peer->sin_addr.s_addr);
  EXPECT_EQ(&acc, acc.args[0]);
  EXPECT_EQ(lev, acc.last_listener);

  // The accepted socket really is the other end of the client.
  ASSERT_EQ(1, write(client, "z", 1));
  char c = 0;
  ASSERT_EQ(0, evutil_make_socket_nonblocking(conn));
  ASSERT_TRUE(run_until(base, [&] { return read(conn, &c, 1) == 1; }));
  EXPECT_EQ('z', c);
  close(client);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, ReportsItsBaseAndListeningSocket) {
  evconnlistener* lev = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  EXPECT_EQ(base, evconnlistener_get_base(lev));
  const evutil_socket_t fd = evconnlistener_get_fd(lev);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(1, int_sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN));
  EXPECT_EQ(SOCK_STREAM, int_sockopt(fd, SOL_SOCKET, SO_TYPE));
  EXPECT_NE(0, address_of(lev).sin_port);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, AcceptedSocketsAreNonBlockingByDefault) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const int conn = accept_one(base, lev, acc);
  ASSERT_GE(conn, 0);
  EXPECT_NE(0, fcntl(conn, F_GETFL) & O_NONBLOCK);
  EXPECT_EQ(0, fcntl(conn, F_GETFD) & FD_CLOEXEC);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, LeaveSocketsBlockingKeepsAcceptedSocketsBlocking) {
  Accepted acc;
  evconnlistener* lev =
      listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_LEAVE_SOCKETS_BLOCKING);
  ASSERT_NE(nullptr, lev);
  const int conn = accept_one(base, lev, acc);
  ASSERT_GE(conn, 0);
  EXPECT_EQ(0, fcntl(conn, F_GETFL) & O_NONBLOCK);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, CloseOnExecMarksListeningAndAcceptedSockets) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC);
  ASSERT_NE(nullptr, lev);
  EXPECT_NE(0, fcntl(evconnlistener_get_fd(lev), F_GETFD) & FD_CLOEXEC);
  const int conn = accept_one(base, lev, acc);
  ASSERT_GE(conn, 0);
  EXPECT_NE(0, fcntl(conn, F_GETFD) & FD_CLOEXEC);
  EXPECT_NE(0, fcntl(conn, F_GETFL) & O_NONBLOCK);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, CloseOnExecMarksAGivenSocket) {
  LVTEST_ONLY_OURS("set close-on-exec on a socket handed to evconnlistener_new");
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in sin = loopback4();
  ASSERT_EQ(0, bind(fd, as_sa(sin), sizeof(sin)));
  evconnlistener* lev = evconnlistener_new(base, nullptr, nullptr,
                                           LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
  ASSERT_NE(nullptr, lev);
  EXPECT_NE(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, ReuseableSetsSoReuseaddr) {
  evconnlistener* plain = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE);
  evconnlistener* reuse = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE);
  ASSERT_NE(nullptr, plain);
  ASSERT_NE(nullptr, reuse);
  EXPECT_EQ(0, int_sockopt(evconnlistener_get_fd(plain), SOL_SOCKET, SO_REUSEADDR));
  EXPECT_NE(0, int_sockopt(evconnlistener_get_fd(reuse), SOL_SOCKET, SO_REUSEADDR));
  evconnlistener_free(plain);
  evconnlistener_free(reuse);
}

TEST_P(ListenerTest, ReuseablePortLetsTwoListenersShareAPort) {
  const unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE_PORT;
  evconnlistener* first = listen_loopback(base, nullptr, flags);
  ASSERT_NE(nullptr, first);
  EXPECT_NE(0, int_sockopt(evconnlistener_get_fd(first), SOL_SOCKET, SO_REUSEPORT));
  const sockaddr_in taken = address_of(first);

  evconnlistener* second =
      evconnlistener_new_bind(base, nullptr, nullptr, flags, -1, as_sa(taken), sizeof(taken));
  EXPECT_NE(nullptr, second);
  // Without the option the port is busy.
  evconnlistener* third = evconnlistener_new_bind(base, nullptr, nullptr, LEV_OPT_CLOSE_ON_FREE, -1,
                                                  as_sa(taken), sizeof(taken));
  EXPECT_EQ(nullptr, third);
  if (second != nullptr) evconnlistener_free(second);
  evconnlistener_free(first);
}

TEST_P(ListenerTest, BindIpv6OnlySetsV6Only) {
  sockaddr_in6 sin6;
  std::memset(&sin6, 0, sizeof(sin6));
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = in6addr_loopback;
  evconnlistener* lev =
      evconnlistener_new_bind(base, nullptr, nullptr, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_BIND_IPV6ONLY,
                              -1, reinterpret_cast<sockaddr*>(&sin6), sizeof(sin6));
  if (lev == nullptr) GTEST_SKIP() << "no IPv6 loopback here";
  EXPECT_EQ(1, int_sockopt(evconnlistener_get_fd(lev), IPPROTO_IPV6, IPV6_V6ONLY));
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, DeferredAcceptSetsTcpDeferAccept) {
  evconnlistener* lev =
      listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_DEFERRED_ACCEPT);
  ASSERT_NE(nullptr, lev);
  EXPECT_GT(int_sockopt(evconnlistener_get_fd(lev), IPPROTO_TCP, TCP_DEFER_ACCEPT), 0);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, CloseOnFreeClosesTheSocket) {
  evconnlistener* lev = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const int fd = evconnlistener_get_fd(lev);
  evconnlistener_free(lev);
  EXPECT_FALSE(lvtest::fd_is_open(fd));
}

TEST_P(ListenerTest, WithoutCloseOnFreeTheSocketStaysOpen) {
  evconnlistener* lev = listen_loopback(base, nullptr, 0);
  ASSERT_NE(nullptr, lev);
  const int fd = evconnlistener_get_fd(lev);
  evconnlistener_free(lev);
  EXPECT_TRUE(lvtest::fd_is_open(fd));
  EXPECT_EQ(1, int_sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN));
  close(fd);
}

TEST_P(ListenerTest, DisabledOptionStartsDisabled) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_DISABLED);
  ASSERT_NE(nullptr, lev);
  const int client = connect_client(address_of(lev));
  ASSERT_GE(client, 0);
  run_for(base, 50);
  EXPECT_EQ(0u, acc.count());
  ASSERT_EQ(0, evconnlistener_enable(lev));
  EXPECT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  close(client);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, DisableStopsAndEnableResumesAccepting) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  ASSERT_GE(accept_one(base, lev, acc), 0);

  ASSERT_EQ(0, evconnlistener_disable(lev));
  EXPECT_EQ(0, evconnlistener_disable(lev));  // twice is harmless
  const int client = connect_client(address_of(lev));
  ASSERT_GE(client, 0);
  run_for(base, 50);
  EXPECT_EQ(1u, acc.count());

  ASSERT_EQ(0, evconnlistener_enable(lev));
  EXPECT_EQ(0, evconnlistener_enable(lev));
  EXPECT_TRUE(run_until(base, [&] { return acc.count() == 2; }));
  close(client);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, SetCbReplacesTheCallbackAndItsArgument) {
  Accepted first;
  Accepted second;
  evconnlistener* lev = listen_loopback(base, &first, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  ASSERT_GE(accept_one(base, lev, first), 0);

  evconnlistener_set_cb(lev, Accepted::cb, &second);
  ASSERT_GE(accept_one(base, lev, second), 0);
  EXPECT_EQ(1u, first.count());
  EXPECT_EQ(&second, second.args[0]);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, WithoutACallbackConnectionsWaitUntilOneIsSet) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  const int client = connect_client(address_of(lev));
  ASSERT_GE(client, 0);
  run_for(base, 50);

  evconnlistener_set_cb(lev, Accepted::cb, &acc);
  EXPECT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  close(client);
  evconnlistener_free(lev);
}

// As libevent: a listener whose callback is set to NULL while it accepts
// goes on accepting, and closes what it accepts; setting a callback again
// hands the next connections to it.
TEST_P(ListenerTest, ANullCallbackSetWhileAcceptingClosesNewConnections) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  evconnlistener_set_cb(lev, nullptr, nullptr);
  const int client = connect_client(address_of(lev));
  ASSERT_GE(client, 0);
  char byte;
  EXPECT_TRUE(run_until(base, [&] { return recv(client, &byte, 1, MSG_DONTWAIT) == 0; }));
  EXPECT_EQ(0u, acc.count());
  close(client);

  evconnlistener_set_cb(lev, Accepted::cb, &acc);
  const int second = connect_client(address_of(lev));
  ASSERT_GE(second, 0);
  EXPECT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  close(second);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, AcceptsSeveralConnectionsPerWakeup) {
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  std::vector<int> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(connect_client(address_of(lev)));
  settle();
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_ONCE));
  EXPECT_EQ(8u, acc.count());
  for (int c : clients) close(c);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, OneWakeupAcceptsABoundedBatch) {
  LVTEST_ONLY_OURS("bound the accepts per wake-up");
  Accepted acc;
  evconnlistener* lev = listen_loopback(base, &acc, LEV_OPT_CLOSE_ON_FREE, 256);
  ASSERT_NE(nullptr, lev);
  std::vector<int> clients;
  for (int i = 0; i < 100; ++i) clients.push_back(connect_client(address_of(lev)));
  settle();
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_ONCE));
  EXPECT_GT(acc.count(), 1u);
  EXPECT_LT(acc.count(), 100u);
  // The rest is accepted on the following iterations.
  EXPECT_TRUE(run_until(base, [&] { return acc.count() == 100; }));
  for (int c : clients) close(c);
  evconnlistener_free(lev);
}

// evconnlistener_new and its backlog: negative picks one and calls listen(),
// positive calls listen() with it, zero trusts the caller's listen().
TEST_P(ListenerTest, BacklogArgumentOfNew) {
  for (int backlog : {-1, 5, 0}) {
    SCOPED_TRACE(backlog);
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const sockaddr_in sin = loopback4();
    ASSERT_EQ(0, bind(fd, as_sa(sin), sizeof(sin)));
    if (backlog == 0) {
      ASSERT_EQ(0, listen(fd, 4));
    }
    Accepted acc;
    evconnlistener* lev =
        evconnlistener_new(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE, backlog, fd);
    ASSERT_NE(nullptr, lev);
    EXPECT_EQ(fd, evconnlistener_get_fd(lev));
    EXPECT_EQ(1, int_sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN));
    EXPECT_GE(accept_one(base, lev, acc), 0);
    evconnlistener_free(lev);
  }
}

TEST_P(ListenerTest, NewBindRejectsBacklogZero) {
  // 0 means "already listening", which a socket it creates never is.
  EXPECT_EQ(nullptr, listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE, 0));
}

TEST_P(ListenerTest, BindFailureReturnsNullWithErrno) {
  evconnlistener* first = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, first);
  const sockaddr_in taken = address_of(first);
  errno = 0;
  evconnlistener* second = evconnlistener_new_bind(base, nullptr, nullptr, LEV_OPT_CLOSE_ON_FREE,
                                                   -1, as_sa(taken), sizeof(taken));
  EXPECT_EQ(nullptr, second);
  EXPECT_EQ(EADDRINUSE, errno);
  evconnlistener_free(first);
}

// As libevent: a port in use is the program's to report; nothing reaches
// its log callback.
int g_logged = 0;
void count_log(int, const char*) { ++g_logged; }

TEST_P(ListenerTest, BindFailureLogsNothing) {
  evconnlistener* first = listen_loopback(base, nullptr, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, first);
  const sockaddr_in taken = address_of(first);
  g_logged = 0;
  event_set_log_callback(count_log);
  evconnlistener* second = evconnlistener_new_bind(base, nullptr, nullptr, LEV_OPT_CLOSE_ON_FREE,
                                                   -1, as_sa(taken), sizeof(taken));
  event_set_log_callback(nullptr);
  EXPECT_EQ(nullptr, second);
  EXPECT_EQ(0, g_logged);
  evconnlistener_free(first);
}

TEST_P(ListenerTest, ABlockingListeningSocketDoesNotHangTheLoop) {
  LVTEST_ONLY_OURS("make a socket given to evconnlistener_new non-blocking");
  const int fd = socket(AF_INET, SOCK_STREAM, 0);  // blocking
  const sockaddr_in sin = loopback4();
  ASSERT_EQ(0, bind(fd, as_sa(sin), sizeof(sin)));
  Accepted acc;
  evconnlistener* lev = evconnlistener_new(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE, -1, fd);
  ASSERT_NE(nullptr, lev);
  const int client = connect_client(address_of(lev));
  settle();
  ASSERT_EQ(0, event_base_loop(base, EVLOOP_ONCE));  // would block in accept()
  EXPECT_EQ(1u, acc.count());
  close(client);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, ListensOnAUnixSocket) {
  sockaddr_un sun;
  std::memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  // Abstract namespace: nothing to clean up on disk.
  const char name[] = "\0evconnlistener-test";
  std::memcpy(sun.sun_path, name, sizeof(name) - 1);
  const int len = static_cast<int>(offsetof(sockaddr_un, sun_path) + sizeof(name) - 1);
  Accepted acc;
  evconnlistener* lev = evconnlistener_new_bind(base, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE, -1,
                                                reinterpret_cast<sockaddr*>(&sun), len);
  ASSERT_NE(nullptr, lev);
  const int client = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(0, connect(client, reinterpret_cast<sockaddr*>(&sun), len));
  EXPECT_TRUE(run_until(base, [&] { return acc.count() == 1; }));
  if (acc.count() == 1) {
    EXPECT_EQ(AF_UNIX, acc.peers[0].ss_family);
  }
  close(client);
  evconnlistener_free(lev);
}

TEST_P(ListenerTest, BadArgumentsGetAnErrorNotACrash) {
  LVTEST_ONLY_OURS("check arguments");
  const sockaddr_in sin = loopback4();
  EXPECT_EQ(nullptr, evconnlistener_new(nullptr, nullptr, nullptr, 0, -1, 3));
  EXPECT_EQ(nullptr, evconnlistener_new(base, nullptr, nullptr, 0, -1, -1));
  EXPECT_EQ(nullptr,
            evconnlistener_new_bind(nullptr, nullptr, nullptr, 0, -1, as_sa(sin), sizeof(sin)));
  EXPECT_EQ(nullptr, evconnlistener_new_bind(base, nullptr, nullptr, 0, -1, nullptr, 0));
  EXPECT_EQ(-1, evconnlistener_enable(nullptr));
  EXPECT_EQ(-1, evconnlistener_disable(nullptr));
  EXPECT_EQ(-1, evconnlistener_get_fd(nullptr));
  EXPECT_EQ(nullptr, evconnlistener_get_base(nullptr));
  evconnlistener_set_cb(nullptr, nullptr, nullptr);
  evconnlistener_set_error_cb(nullptr, nullptr);
  evconnlistener_free(nullptr);
  // A socket that cannot listen (UDP) is refused.
  const int udp = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_EQ(nullptr, evconnlistener_new(base, nullptr, nullptr, 0, -1, udp));
  close(udp);
}

// A NULL base means the current base event_init() made (event_assign's rule),
// as in libevent: evhttp_new(NULL) servers bind through it.
TEST(ListenerCurrentBase, NullBaseUsesTheBaseOfEventInit) {
  event_base* current = event_init();
  ASSERT_NE(nullptr, current);
  Accepted acc;
  evconnlistener* lev = listen_loopback(nullptr, &acc, LEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, lev);
  EXPECT_EQ(current, evconnlistener_get_base(lev));
  accept_one(current, lev, acc);
  EXPECT_EQ(1u, acc.count());
  const sockaddr_in sin = loopback4();
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(0, bind(fd, as_sa(sin), sizeof(sin)));
  evconnlistener* lev2 =
      evconnlistener_new(nullptr, Accepted::cb, &acc, LEV_OPT_CLOSE_ON_FREE, 8, fd);
  ASSERT_NE(nullptr, lev2);
  EXPECT_EQ(current, evconnlistener_get_base(lev2));
  evconnlistener_free(lev2);
  evconnlistener_free(lev);
  event_base_free(current);
}

EVTEST_INSTANTIATE_PER_BACKEND(ListenerTest);

}  // namespace
