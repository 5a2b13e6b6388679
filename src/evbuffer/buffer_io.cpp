// Network IO on an evbuffer: readv() into free space, writev()/sendmsg()
// from the front, sendfile() for file segments.
//
// Reads do not ask the kernel how much is pending (no FIONREAD ioctl): they
// offer the free space the chain list already has, topped up to the wanted
// amount, and let readv() fill what it can.  The amount per call is capped
// by evbuffer::max_read() (ev::kDefaultMaxRead, 16 KiB, adjustable per buffer
// through ev::buffer_set_max_read()).
#include <errno.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <climits>

#include "evbuffer/evbuffer.hpp"
#include "evbuffer/buffer.hpp"
#include "evbuffer/file_segment.hpp"

using ev::Chain;

namespace {

// SIGPIPE alone, built when the library is loaded.
const sigset_t kPipeSet = [] {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  return set;
}();

// sendfile() has no MSG_NOSIGNAL: block SIGPIPE around it and swallow the
// one it raises.  Two system calls in the usual case (SIGPIPE not blocked
// by the caller): nothing can be pending then, since the thread would
// already have taken it.  Only when the caller blocks SIGPIPE itself may an
// unrelated one be pending, which must then not be swallowed; and the mask
// needs no restoring.
ssize_t sendfile_nosignal(int out_fd, int in_fd, off_t* offset, size_t len) {
  sigset_t old_set;
  pthread_sigmask(SIG_BLOCK, &kPipeSet, &old_set);
  const bool blocked_before = sigismember(&old_set, SIGPIPE) == 1;
  bool was_pending = false;
  if (blocked_before) {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE) == 1;
  }
  ssize_t n = sendfile(out_fd, in_fd, offset, len);
  int saved = errno;
  if (n < 0 && saved == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&kPipeSet, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  if (!blocked_before) pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = saved;
  return n;
}

ssize_t write_vecs(int fd, iovec* vec, int n, bool to_socket) {
  if (to_socket) {
    msghdr msg = {};
    msg.msg_iov = vec;
    msg.msg_iovlen = static_cast<size_t>(n);
    ssize_t r = sendmsg(fd, &msg, MSG_NOSIGNAL);
    // The flag promised a socket; if it is not one, plain writev() works.
    if (r >= 0 || errno != ENOTSOCK) return r;
  }
  return writev(fd, vec, n);
}

}  // namespace

namespace ev {

int buffer_read(evbuffer* buf, int fd, size_t howmuch) {
  if (howmuch == 0) return 0;
  if (howmuch > INT_MAX) howmuch = INT_MAX;
  if (!buf->expand_fast(howmuch, kReadIovecs)) {
    // Say why: the memory functions need not set errno, and a stale EAGAIN
    // would make callers retry a read that can never succeed (a busy loop).
    errno = ENOMEM;
    return -1;
  }
  iovec vec[kReadIovecs];
  int n_vec = buf->setup_space_vecs(howmuch, vec, kReadIovecs, true);
  ssize_t n;
  do {
    n = readv(fd, vec, n_vec);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return static_cast<int>(n);
  buf->commit_appended(static_cast<size_t>(n));
  buf->invoke_callbacks();
  return static_cast<int>(n);
}

int buffer_write(evbuffer* buf, int fd, size_t howmuch) {
  if (howmuch > buf->total_len) howmuch = buf->total_len;
  if (howmuch > INT_MAX) howmuch = INT_MAX;
  if (howmuch == 0) return 0;
  ssize_t n;
  Chain* c = buf->first;
  if (c->unmapped()) {
    evbuffer_file_segment* seg = c->u.seg.seg;
    off_t offset =
        static_cast<off_t>(seg->file_offset + c->u.seg.start) + static_cast<off_t>(c->misalign);
    size_t len = c->off < howmuch ? c->off : howmuch;
    n = sendfile_nosignal(fd, seg->fd, &offset, len);
  } else {
    iovec vec[kWriteIovecs];
    int n_vec = 0;
    size_t left = howmuch;
    for (; c != nullptr && left > 0 && n_vec < kWriteIovecs && !c->unmapped(); c = c->next) {
      size_t k = c->off < left ? c->off : left;
      vec[n_vec].iov_base = c->data();
      vec[n_vec].iov_len = k;
      ++n_vec;
      left -= k;
    }
    do {
      n = write_vecs(fd, vec, n_vec, buf->flags.drains_to_fd);
    } while (n < 0 && errno == EINTR);
  }
  if (n <= 0) return static_cast<int>(n);
  buf->drain_front(static_cast<size_t>(n));
  buf->note_deleted(static_cast<size_t>(n));
  buf->invoke_callbacks();
  return static_cast<int>(n);
}

}  // namespace ev
