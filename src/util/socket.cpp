// Socket option helpers: non-blocking, close-on-exec, listener options,
// closing.  Failures return -1 with errno set by the failing call.
#include <event2/util.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.hpp"

namespace ev {
namespace {

int set_int_option(evutil_socket_t sock, int level, int name, int value) {
  return setsockopt(sock, level, name, &value, static_cast<socklen_t>(sizeof(value)));
}

}  // namespace
}  // namespace ev

extern "C" {

int evutil_make_socket_nonblocking(evutil_socket_t fd) {
  int flags = fcntl(fd, F_GETFL, nullptr);
  if (flags < 0) {
    evpriv_warn("fcntl(%d, F_GETFL)", fd);
    return -1;
  }
  if ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
    evpriv_warn("fcntl(%d, F_SETFL)", fd);
    return -1;
  }
  return 0;
}

int evutil_make_socket_closeonexec(evutil_socket_t fd) {
  int flags = fcntl(fd, F_GETFD, nullptr);
  if (flags < 0) {
    evpriv_warn("fcntl(%d, F_GETFD)", fd);
    return -1;
  }
  if ((flags & FD_CLOEXEC) == 0 && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == -1) {
    evpriv_warn("fcntl(%d, F_SETFD)", fd);
    return -1;
  }
  return 0;
}

// Lets a restarted server bind its address while old connections linger.
int evutil_make_listen_socket_reuseable(evutil_socket_t sock) {
  return ev::set_int_option(sock, SOL_SOCKET, SO_REUSEADDR, 1);
}

// Lets several processes listen on the same address (Linux 3.9+).
int evutil_make_listen_socket_reuseable_port(evutil_socket_t sock) {
  return ev::set_int_option(sock, SOL_SOCKET, SO_REUSEPORT, 1);
}

// An IPv6 listener that does not also accept IPv4-mapped connections.
int evutil_make_listen_socket_ipv6only(evutil_socket_t sock) {
  return ev::set_int_option(sock, IPPROTO_IPV6, IPV6_V6ONLY, 1);
}

// Wake the listener only once the client has sent data.
int evutil_make_tcp_listen_socket_deferred(evutil_socket_t sock) {
  return ev::set_int_option(sock, IPPROTO_TCP, TCP_DEFER_ACCEPT, 1);
}

int evutil_closesocket(evutil_socket_t sock) { return close(sock); }

}  // extern "C"
