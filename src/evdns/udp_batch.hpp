// Reading datagrams a batch at a time (recvmmsg): one system call for all
// the answers or requests that are waiting, instead of one each plus the
// call that finds the socket empty.
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace ev::dns {

constexpr int kRecvBatch = 8;
constexpr std::size_t kRecvBufSize = 1500;

struct RecvBatch {
  mmsghdr msgs[kRecvBatch];
  iovec iov[kRecvBatch];
  sockaddr_storage from[kRecvBatch];
  uint8_t buf[kRecvBatch][kRecvBufSize];
};

// Receives what is waiting on fd, up to `rounds` batches, calling
// fn(data, len, from, fromlen) for each datagram.  Stops early when a batch
// comes back short (the socket is then empty as far as we know).  Returns
// false on a socket error other than "nothing waiting" (errno set).
template <class Fn>
bool recv_batches(int fd, RecvBatch& b, int rounds, Fn fn) {
  for (int round = 0; round < rounds; ++round) {
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
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return true;
      if (errno == ECONNREFUSED) continue;
      return false;
    }
    for (int i = 0; i < n; ++i) {
      if (b.msgs[i].msg_hdr.msg_flags & MSG_TRUNC) continue;  // larger than any answer we take
      if (!fn(b.buf[i], static_cast<std::size_t>(b.msgs[i].msg_len),
              reinterpret_cast<sockaddr*>(&b.from[i]), b.msgs[i].msg_hdr.msg_namelen))
        return true;
    }
    if (n < kRecvBatch) return true;
  }
  return true;
}

}  // namespace ev::dns
