// accept() with atomic socket flags, and the classification of its errors.
#include "listener/accept_socket.hpp"

#include <event2/listener.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

namespace ev {

#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
constexpr int kAcceptNonblock = SOCK_NONBLOCK;
constexpr int kAcceptCloexec = SOCK_CLOEXEC;
#else
constexpr int kAcceptNonblock = 1;
constexpr int kAcceptCloexec = 2;
#endif

int accept_flags_for(unsigned lev_options) {
  int flags = 0;
  if (!(lev_options & LEV_OPT_LEAVE_SOCKETS_BLOCKING)) flags |= kAcceptNonblock;
  if (lev_options & LEV_OPT_CLOSE_ON_EXEC) flags |= kAcceptCloexec;
  return flags;
}

evutil_socket_t accept_socket(evutil_socket_t listen_fd, sockaddr* addr, socklen_t* len,
                              int flags) {
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  return accept4(listen_fd, addr, len, flags);
#else
  // No accept4(): set the flags right after; a fork() in between can leak
  // the descriptor, which is the best this platform offers.
  const evutil_socket_t fd = accept(listen_fd, addr, len);
  if (fd < 0) return -1;
  if (((flags & kAcceptNonblock) && evutil_make_socket_nonblocking(fd) != 0) ||
      ((flags & kAcceptCloexec) && evutil_make_socket_closeonexec(fd) != 0)) {
    const int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
#endif
}

bool accept_error_is_transient(int err) {
  switch (err) {
    case EINTR:
    case ECONNABORTED:
    // Linux hands pending network errors of the new connection to accept();
    // accept(2) says to treat them like EAGAIN.  EPERM: a firewall rule
    // refused this one connection.
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case EPERM:
#ifdef ENONET
    case ENONET:
#endif
      return true;
    default:
      return false;
  }
}

bool accept_error_is_empty(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace ev
