// Datagrams a batch at a time: recvmmsg/sendmmsg where the system has them
// (one system call for all the answers or requests that are waiting, and
// one for all the answers a batch produced), recvfrom/sendto one by one
// elsewhere (the portable path, also what a Windows port would take).  On
// Linux, runs of equal-length datagrams to one destination also go out as
// one segmented message each (UDP_SEGMENT), so the kernel's send path runs
// once per run instead of once per datagram.
#pragma once

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

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

// Whether a socket takes UDP segmentation offload (GSO): asked once, when a
// batch first has datagrams to send together (does the kernel know
// UDP_SEGMENT on this socket?), and off for good once the kernel refused a
// segmented send.  Zero-initialised means "not asked yet".
struct UdpGso {
  enum State : uint8_t { kUnknown = 0, kOn, kOff };
  State state = kUnknown;
};

// Sends out[0, n) in order, with as few system calls as the system allows.
// Returns how many datagrams went out before the first failure; when that
// is fewer than n, errno says why out[returned] failed.  The portable path:
// one sendto (send on a connected socket) each; `gso` is not used.
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
// Segmentation offload: one message carries a run of datagrams to one
// destination, all of one length (the last may be shorter), listed by its
// iovecs as they are (no copy), with a UDP_SEGMENT control message giving
// the length; the kernel cuts it back into those datagrams (before they
// reach a receiving socket, unless that socket asked for UDP_GRO), and
// sends the run as one packet through the stack.
//
// Limits: 64 datagrams per message (every kernel with UDP_SEGMENT takes
// that many), at most kGsoMaxBytes in all (under the IP payload limit of
// either family, with room for options and extension headers), and only
// datagrams up to kGsoMaxSegment bytes (a segment, with IPv6 and UDP
// headers, fits the 1280-byte minimum MTU, so segments never meet a path
// that would have fragmented plain sends differently).
constexpr int kGsoMaxSegments = 64;
constexpr std::size_t kGsoMaxSegment = 1232;
constexpr std::size_t kGsoMaxBytes = 65000;

// Datagrams one sendmmsg call is built from (one iovec each; the messages
// are as many, fewer where runs are segmented).
constexpr int kSendWindow = 64;

// The system call, a parameter so that tests can count calls or make the
// kernel refuse.
using SendmmsgFn = int (*)(int fd, mmsghdr* msgs, unsigned n, int flags);
inline int sys_sendmmsg(int fd, mmsghdr* msgs, unsigned n, int flags) {
  return sendmmsg(fd, msgs, n, flags);
}

#if defined(UDP_SEGMENT) && defined(SOL_UDP)
#define EVDNS_HAVE_GSO 1
#else
#define EVDNS_HAVE_GSO 0
#endif

inline bool same_destination(const UdpOut& a, const UdpOut& b) {
  if (a.to == nullptr || b.to == nullptr) return a.to == b.to;
  return a.tolen == b.tolen && std::memcmp(a.to, b.to, a.tolen) == 0;
}

// How many datagrams from out[0] one segmented message can carry (1: send
// it plainly).
inline int gso_run(const UdpOut* out, int n) {
  std::size_t size = out[0].len;
  if (size == 0 || size > kGsoMaxSegment) return 1;
  std::size_t total = size;
  int k = 1;
  while (k < n && k < kGsoMaxSegments && same_destination(out[0], out[k])) {
    std::size_t len = out[k].len;
    // An empty datagram would vanish inside a run; a longer one cannot follow.
    if (len == 0 || len > size || total + len > kGsoMaxBytes) break;
    total += len;
    ++k;
    if (len < size) break;  // the shorter one ends the run
  }
  return k;
}

// Does the kernel segment on this socket?  Kernels before UDP_SEGMENT
// (4.18) and other families ignore the control message and would send one
// long datagram, so this is asked before the first segmented send.
inline bool gso_supported(int fd) {
#if EVDNS_HAVE_GSO
  int size = 0;
  socklen_t len = sizeof(size);
  return getsockopt(fd, SOL_UDP, UDP_SEGMENT, &size, &len) == 0;
#else
  (void)fd;
  return false;
#endif
}

// What the kernel says when it will not segment this message (no checksum
// offload on the route, an MTU under the segment, UDP-Lite, IPsec, a
// segment limit lower than ours): sent again plainly.
inline bool gso_refused(int err) {
  return err == EINVAL || err == EIO || err == ENOPROTOOPT || err == EOPNOTSUPP || err == EMSGSIZE;
}

// The same as udp_send_batch_portable with sendmmsg, runs of datagrams
// segmented while `gso` allows.  A message the kernel refuses to segment is
// sent again plainly and segmentation stays off on this socket, so a
// refusal costs one extra call, once.
inline int udp_send_batch_mmsg(int fd, const UdpOut* out, int n, UdpGso& gso,
                               SendmmsgFn send = sys_sendmmsg) {
#if EVDNS_HAVE_GSO
  union Control {
    cmsghdr align;
    char buf[CMSG_SPACE(sizeof(uint16_t))];
  };
  Control control[kSendWindow];
#endif
  mmsghdr msgs[kSendWindow];
  iovec iov[kSendWindow];
  int count[kSendWindow];  // datagrams in each message
  int done = 0;
  while (done < n) {
    int end = n - done < kSendWindow ? n : done + kSendWindow;
    int nmsg = 0;
    for (int i = done; i < end;) {
      int k = 1;
#if EVDNS_HAVE_GSO
      if (gso.state != UdpGso::kOff) {
        k = gso_run(out + i, end - i);
        if (k > 1 && gso.state == UdpGso::kUnknown)
          gso.state = gso_supported(fd) ? UdpGso::kOn : UdpGso::kOff;
        if (gso.state == UdpGso::kOff) k = 1;
      }
#endif
      mmsghdr& m = msgs[nmsg];
      m.msg_hdr = msghdr{};
      m.msg_hdr.msg_name = const_cast<sockaddr*>(out[i].to);
      m.msg_hdr.msg_namelen = out[i].to != nullptr ? out[i].tolen : 0;
      m.msg_hdr.msg_iov = &iov[i - done];
      m.msg_hdr.msg_iovlen = static_cast<std::size_t>(k);
      for (int j = i; j < i + k; ++j) {
        iov[j - done].iov_base = const_cast<void*>(out[j].data);
        iov[j - done].iov_len = out[j].len;
      }
#if EVDNS_HAVE_GSO
      if (k > 1) {
        // Zeroed whole: the padding CMSG_SPACE adds goes to the kernel too.
        std::memset(control[nmsg].buf, 0, sizeof(control[nmsg].buf));
        m.msg_hdr.msg_control = control[nmsg].buf;
        m.msg_hdr.msg_controllen = sizeof(control[nmsg].buf);
        cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t size = static_cast<uint16_t>(out[i].len);
        std::memcpy(CMSG_DATA(c), &size, sizeof(size));
      }
#endif
      count[nmsg++] = k;
      i += k;
    }
    int sent = 0;  // messages of this window out
    while (sent < nmsg) {
      int r = send(fd, msgs + sent, static_cast<unsigned>(nmsg - sent), MSG_NOSIGNAL);
      if (r > 0) {
        for (int j = sent; j < sent + r; ++j) done += count[j];
        sent += r;
        continue;
      }
      if (r == 0) errno = EAGAIN;
      if (count[sent] > 1 && gso_refused(errno)) {
        // Built again from out[done] without segmentation.
        gso.state = UdpGso::kOff;
        break;
      }
      return done;
    }
  }
  return done;
}
#endif

inline int udp_send_batch(int fd, const UdpOut* out, int n, UdpGso& gso) {
#if EVDNS_HAVE_MMSG
  return udp_send_batch_mmsg(fd, out, n, gso);
#else
  (void)gso;
  return udp_send_batch_portable(fd, out, n);
#endif
}

}  // namespace ev::dns
