// evutil socket helpers and evutil_socketpair.
#include <event2/util.h>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

void expect_connected(evutil_socket_t a, evutil_socket_t b) {
  ASSERT_EQ(write(a, "ping", 4), 4);
  char buf[8] = {};
  ASSERT_EQ(read(b, buf, sizeof(buf)), 4);
  EXPECT_STREQ(buf, "ping");
  ASSERT_EQ(write(b, "pong", 4), 4);
  ASSERT_EQ(read(a, buf, sizeof(buf)), 4);
  EXPECT_STREQ(buf, "pong");
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof(value);
  EXPECT_EQ(getsockopt(fd, level, name, &value, &len), 0);
  return value;
}

TEST(UtilSocketpair, LocalStreamPair) {
  evutil_socket_t fds[2];
  ASSERT_EQ(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  expect_connected(fds[0], fds[1]);
  EXPECT_EQ(evutil_closesocket(fds[0]), 0);
  EXPECT_EQ(evutil_closesocket(fds[1]), 0);
}

TEST(UtilSocketpair, LoopbackTcpPair) {
  for (int family : {AF_INET, AF_INET6}) {
    evutil_socket_t fds[2];
    if (evutil_socketpair(family, SOCK_STREAM, 0, fds) != 0) {
      EXPECT_EQ(family, AF_INET6) << "IPv4 loopback must work";  // IPv6 may be disabled.
      continue;
    }
    expect_connected(fds[0], fds[1]);
    EXPECT_EQ(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, 0);
    evutil_closesocket(fds[0]);
    evutil_closesocket(fds[1]);
  }
}

TEST(UtilSocketpair, LoopbackHonoursTypeFlags) {
  evutil_socket_t fds[2];
  ASSERT_EQ(evutil_socketpair(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  for (int fd : fds) {
    EXPECT_NE(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  }
  char c;
  EXPECT_EQ(read(fds[0], &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
  evutil_closesocket(fds[0]);
  evutil_closesocket(fds[1]);
}

TEST(UtilSocketpair, BadArguments) {
  evutil_socket_t fds[2] = {-1, -1};
  EXPECT_EQ(evutil_socketpair(12345, SOCK_STREAM, 0, fds), -1);
  EXPECT_EQ(evutil_socketpair(AF_INET, SOCK_DGRAM, 0, fds), -1);
  EXPECT_EQ(evutil_socketpair(AF_INET, SOCK_STREAM, IPPROTO_UDP, fds), -1);
  EXPECT_EQ(fds[0], -1);
  EXPECT_EQ(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, nullptr), -1);
}

TEST(UtilSocketOptions, NonblockingAndCloseOnExec) {
  evutil_socket_t fds[2];
  ASSERT_EQ(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_EQ(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
  ASSERT_EQ(evutil_make_socket_nonblocking(fds[0]), 0);
  EXPECT_NE(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
  EXPECT_EQ(evutil_make_socket_nonblocking(fds[0]), 0);  // Idempotent.
  char c;
  EXPECT_EQ(read(fds[0], &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);

  ASSERT_EQ(evutil_make_socket_closeonexec(fds[0]), 0);
  EXPECT_NE(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(evutil_make_socket_closeonexec(fds[0]), 0);
  evutil_closesocket(fds[0]);
  evutil_closesocket(fds[1]);
}

TEST(UtilSocketOptions, ListenerOptions) {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(evutil_make_listen_socket_reuseable(fd), 0);
  EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_REUSEADDR), 1);
  EXPECT_EQ(evutil_make_listen_socket_reuseable_port(fd), 0);
  EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_REUSEPORT), 1);
  EXPECT_EQ(evutil_make_tcp_listen_socket_deferred(fd), 0);
  EXPECT_GT(int_option(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT), 0);
  int domain = int_option(fd, SOL_SOCKET, SO_DOMAIN);
  if (domain == AF_INET6) {
    EXPECT_EQ(evutil_make_listen_socket_ipv6only(fd), 0);
    EXPECT_EQ(int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY), 1);
  }
  EXPECT_EQ(evutil_closesocket(fd), 0);
}

TEST(UtilSocketOptions, InvalidDescriptorsFail) {
  EXPECT_EQ(evutil_make_socket_nonblocking(-1), -1);
  EXPECT_EQ(evutil_make_socket_closeonexec(-1), -1);
  EXPECT_EQ(evutil_make_listen_socket_reuseable(-1), -1);
  EXPECT_EQ(evutil_make_listen_socket_reuseable_port(-1), -1);
  EXPECT_EQ(evutil_make_listen_socket_ipv6only(-1), -1);
  EXPECT_EQ(evutil_make_tcp_listen_socket_deferred(-1), -1);
  EXPECT_EQ(evutil_closesocket(-1), -1);
  // Not a socket: socket options fail, fcntl-based ones work.
  int fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(evutil_make_listen_socket_reuseable(fd), -1);
  EXPECT_EQ(evutil_make_socket_nonblocking(fd), 0);
  close(fd);
}

TEST(UtilSocketErrors, MacrosUseErrno) {
  EVUTIL_SET_SOCKET_ERROR(ECONNRESET);
  EXPECT_EQ(EVUTIL_SOCKET_ERROR(), ECONNRESET);
  EXPECT_STREQ(evutil_socket_error_to_string(ECONNRESET), strerror(ECONNRESET));
}

}  // namespace
