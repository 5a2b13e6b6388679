// Loopback UDP sockets for the evdns datagram tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace udptest {

// A non-blocking UDP socket bound to a port of its own on 127.0.0.1, its
// receive buffer raised to `rcvbuf` bytes when given; -1 on failure.
inline int bound_udp(int rcvbuf = 0) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0) return -1;
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  return fd;
}

inline sockaddr_in addr_of(int fd) {
  sockaddr_in sin{};
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  return sin;
}

}  // namespace udptest
