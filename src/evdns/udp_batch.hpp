// Datagrams a batch at a time: recvmmsg/sendmmsg where the system has them
// (one system call for all the answers or requests that are waiting, and
// one for all the answers a batch produced), recvfrom/sendto one by one
// elsewhere (the portable path, also what a Windows port would take).
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#if defined(__linux__) && !defined(EVDNS_NO_MMSG)
#define EVDNS_HAVE_MMSG 1
#else
#define EVDNS_HAVE_MMSG 0
#endif

namespace ev::dns {

constexpr int kRecvBatch = 8;
constexpr std::size_t kRecvBufSize = 1500;

struct RecvBatch {
#if EVDNS_HAVE_MMSG
  mmsghdr msgs[kRecvBatch];
  iovec iov[kRecvBatch];
#endif
  socklen_t fromlen[kRecvBatch];
  std::size_t len[kRecvBatch];
  sockaddr_storage from[kRecvBatch];
  uint8_t buf[kRecvBatch][kRecvBufSize];
};

inline bool udp_would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

// Fills b with up to kRecvBatch datagrams waiting on fd; returns how many
// (0: none waiting), or -1 on another socket error (errno set).  Datagrams
// larger than kRecvBufSize get a length past it (the caller skips them).
// The portable path: one recvfrom each.
inline int udp_recv_batch_portable(int fd, RecvBatch& b) {
  int n = 0;
  while (n < kRecvBatch) {
    b.fromlen[n] = sizeof(b.from[n]);
    // A datagram filling the whole buffer may have been cut: skipped like
    // an oversized one.
    ssize_t r = recvfrom(fd, reinterpret_cast<char*>(b.buf[n]), kRecvBufSize, 0,
                         reinterpret_cast<sockaddr*>(&b.from[n]), &b.fromlen[n]);
    if (r < 0) {
      if (n > 0 || udp_would_block(errno)) return n;
      return -1;
    }
    b.len[n++] = static_cast<std::size_t>(r) >= kRecvBufSize ? kRecvBufSize + 1
                                                             : static_cast<std::size_t>(r);
  }
  return n;
}

#if EVDNS_HAVE_MMSG
// The same with one recvmmsg.
inline int udp_recv_batch_mmsg(int fd, RecvBatch& b) {
  for (int i = 0; i < kRecvBatch; ++i) {
    b.iov[i].iov_base = b.buf[i];
    b.iov[i].iov_len = kRecvBufSize;
    b.msgs[i].msg_hdr = msghdr{};
    b.msgs[i].msg_hdr.msg_name = &b.from[i];
    b.msgs[i].msg_hdr.msg_namelen = sizeof(b.from[i]);
    b.msgs[i].msg_hdr.msg_iov = &b.iov[i];
    b.msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int n = recvmmsg(fd, b.msgs, kRecvBatch, MSG_DONTWAIT, nullptr);
  if (n < 0) return udp_would_block(errno) ? 0 : -1;
  for (int i = 0; i < n; ++i) {
    b.len[i] = (b.msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? kRecvBufSize + 1 : b.msgs[i].msg_len;
    b.fromlen[i] = b.msgs[i].msg_hdr.msg_namelen;
  }
  return n;
}
#endif

inline int udp_recv_batch(int fd, RecvBatch& b) {
#if EVDNS_HAVE_MMSG
  return udp_recv_batch_mmsg(fd, b);
#else
  return udp_recv_batch_portable(fd, b);
#endif
}

// Receives what is waiting on fd, up to `rounds` batches, calling
// fn(data, len, from, fromlen) for each datagram (stop when it returns
// false).  Stops early when a batch comes back short (the socket is then
// empty as far as we know).  Returns false on a socket error other than
// "nothing waiting" (errno set).
template <class Fn>
bool recv_batches(int fd, RecvBatch& b, int rounds, Fn fn) {
  for (int round = 0; round < rounds; ++round) {
    int n = udp_recv_batch(fd, b);
    if (n < 0) {
      if (errno == ECONNREFUSED) continue;  // an earlier send's ICMP error
      return false;
    }
    for (int i = 0; i < n; ++i) {
      if (b.len[i] > kRecvBufSize) continue;
      if (!fn(b.buf[i], b.len[i], reinterpret_cast<sockaddr*>(&b.from[i]), b.fromlen[i]))
        return true;
    }
    if (n < kRecvBatch) return true;
  }
  return true;
}

// One datagram to send; `to` null on a connected socket.
struct UdpOut {
  const void* data;
  std::size_t len;
  const sockaddr* to;
  socklen_t tolen;
};

constexpr int kSendBatch = 32;

// Sends out[0, n) (n <= kSendBatch) in order, with as few system calls as
// the system allows.  Returns how many went out before the first failure;
// when that is fewer than n, errno says why out[returned] failed.  The
// portable path: one sendto (send on a connected socket) each.
inline int udp_send_batch_portable(int fd, const UdpOut* out, int n) {
  for (int i = 0; i < n; ++i) {
    ssize_t r = out[i].to != nullptr
                    ? sendto(fd, static_cast<const char*>(out[i].data), out[i].len, MSG_NOSIGNAL,
                             out[i].to, out[i].tolen)
                    : send(fd, static_cast<const char*>(out[i].data), out[i].len, MSG_NOSIGNAL);
    if (r < 0) return i;
  }
  return n;
}

#if EVDNS_HAVE_MMSG
// The same with sendmmsg (one call unless the socket pushes back).
inline int udp_send_batch_mmsg(int fd, const UdpOut* out, int n) {
  mmsghdr msgs[kSendBatch];
  iovec iov[kSendBatch];
  for (int i = 0; i < n; ++i) {
    iov[i].iov_base = const_cast<void*>(out[i].data);
    iov[i].iov_len = out[i].len;
    msgs[i].msg_hdr = msghdr{};
    msgs[i].msg_hdr.msg_name = const_cast<sockaddr*>(out[i].to);
    msgs[i].msg_hdr.msg_namelen = out[i].to != nullptr ? out[i].tolen : 0;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int done = 0;
  while (done < n) {
    int r = sendmmsg(fd, msgs + done, static_cast<unsigned>(n - done), MSG_NOSIGNAL);
    if (r <= 0) {
      if (r == 0) errno = EAGAIN;
      break;
    }
    done += r;
  }
  return done;
}
#endif

inline int udp_send_batch(int fd, const UdpOut* out, int n) {
#if EVDNS_HAVE_MMSG
  return udp_send_batch_mmsg(fd, out, n);
#else
  return udp_send_batch_portable(fd, out, n);
#endif
}

}  // namespace ev::dns
