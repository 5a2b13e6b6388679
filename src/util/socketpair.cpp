// evutil_socketpair: socketpair(2) for local sockets, and a connected pair
// of loopback TCP sockets for AF_INET/AF_INET6, which socketpair(2) refuses
// on Linux.  (Reference libevent only emulates on Windows; on Linux it fails
// for AF_INET, so the emulation is an extension.)
#include <event2/util.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ev {
namespace {

class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) {
      int saved = errno;  // Cleanup must not hide the error being reported.
      close(fd_);
      errno = saved;
    }
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

bool same_address(const sockaddr_storage& a, socklen_t alen, const sockaddr_storage& b,
                  socklen_t blen) {
  return alen == blen && memcmp(&a, &b, alen) == 0;
}

int loopback_pair(int family, int type, int protocol, evutil_socket_t fds[2]) {
  const int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
  if ((type & ~flags) != SOCK_STREAM || (protocol != 0 && protocol != IPPROTO_TCP)) {
    errno = EPROTONOSUPPORT;
    return -1;
  }
  sockaddr_storage addr;
  memset(&addr, 0, sizeof(addr));
  socklen_t addrlen;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&addr);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addrlen = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&addr);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = in6addr_loopback;
    addrlen = sizeof(sockaddr_in6);
  }

  ScopedFd listener(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.get() < 0) return -1;
  if (bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), addrlen) < 0 ||
      listen(listener.get(), 1) < 0 ||
      getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &addrlen) < 0)
    return -1;

  // Connect blocking; the requested flags are applied to both ends afterwards.
  ScopedFd connector(socket(family, SOCK_STREAM | SOCK_CLOEXEC, protocol));
  if (connector.get() < 0) return -1;
  if (connect(connector.get(), reinterpret_cast<sockaddr*>(&addr), addrlen) < 0) return -1;

  sockaddr_storage local, peer;
  socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
  ScopedFd accepted(
      accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC));
  if (accepted.get() < 0) return -1;
  // Someone else may have raced to our port: make sure we got our own peer.
  if (getsockname(connector.get(), reinterpret_cast<sockaddr*>(&local), &local_len) < 0) return -1;
  if (!same_address(local, local_len, peer, peer_len)) {
    errno = ECONNABORTED;
    return -1;
  }

  const int ends[2] = {connector.get(), accepted.get()};
  for (int fd : ends) {
    if ((flags & SOCK_NONBLOCK) && evutil_make_socket_nonblocking(fd) < 0) return -1;
    if (!(flags & SOCK_CLOEXEC)) {
      int fdflags = fcntl(fd, F_GETFD);
      if (fdflags < 0 || fcntl(fd, F_SETFD, fdflags & ~FD_CLOEXEC) < 0) return -1;
    }
  }
  fds[0] = connector.release();
  fds[1] = accepted.release();
  return 0;
}

}  // namespace
}  // namespace ev

extern "C" int evutil_socketpair(int family, int type, int protocol, evutil_socket_t fds[2]) {
  if (fds == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (family == AF_INET || family == AF_INET6)
    return ev::loopback_pair(family, type, protocol, fds);
  // Some kernels (gVisor) write the array even when the call fails.
  int pair[2];
  if (socketpair(family, type, protocol, pair) != 0) return -1;
  fds[0] = pair[0];
  fds[1] = pair[1];
  return 0;
}
