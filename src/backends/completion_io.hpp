// Completion IO: socket operations a backend runs on the program's behalf
// and reports when done (io_uring), beside the readiness interface of
// backend.hpp.  Backend::completion_io() returns it, or nullptr for the
// readiness-only backends (and for io_uring with EVENT_IOURING_NOCOMPLETION).
//
// Contract
// - Every call is made with the base lock held.  Submissions are queued and
//   go to the kernel with the next wait (one system call per loop
//   iteration); a call from a thread other than the loop's must wake the
//   loop (event_base::notify_if_needed) for that to happen soon.
// - An operation is identified by its CompletionOp record, which the caller
//   owns and must keep alive until the operation's last completion (the one
//   with more == false).  One record runs one request at a time.
// - complete() runs from dispatch (or from the backend's destructor, when
//   closing() is true: the base is going away, touch nothing of it), with
//   the base lock held.  It must not run user code: it records the result
//   and activates an event.  It may call back into the interface.
// - Receives take their memory from a pool of buffers shared by the base
//   (provided buffers): a completion names the buffer (bid >= 0) holding
//   `res` bytes, which the caller copies and hands back with recycle().
//   An empty pool ends a receive with -ENOBUFS; wait_for_buffers() then
//   reports -EAGAIN (more == false) through the record once there are
//   buffers again.
#pragma once

#include <sys/socket.h>

#include <cstddef>

namespace ev {

struct CompletionOp {
  // res: bytes or -errno; bid: the pool buffer holding the bytes, or -1;
  // more: the request goes on (a multishot receive).
  void (*complete)(CompletionOp* op, int res, int bid, bool more) = nullptr;
};

class CompletionIo {
 public:
  // A receive into pool buffers on `fd`: multishot when `max` is 0, else
  // one completion of at most `max` bytes.  False when it cannot be queued.
  virtual bool recv(int fd, CompletionOp* op, size_t max) = 0;
  // A sendmsg(MSG_NOSIGNAL) of `msg`, which must stay valid (with its
  // iovecs and their bytes) until the completion.
  virtual bool sendmsg(int fd, const msghdr* msg, CompletionOp* op) = 0;
  // A send(MSG_NOSIGNAL) of one block, which must stay valid until the
  // completion: cheaper in the kernel than a one-iovec sendmsg (no message
  // header to import).
  virtual bool send(int fd, const void* data, size_t len, CompletionOp* op) = 0;
  // An accept4(fd, addr, len, flags) on the listening socket `fd` (flags:
  // SOCK_NONBLOCK, SOCK_CLOEXEC): res is the new descriptor or -errno.
  // `addr` and `len` must stay valid until the completion.  False when it
  // cannot be queued or the kernel lacks it (see accept_ok()).
  virtual bool accept(int fd, sockaddr* addr, socklen_t* len, int flags, CompletionOp* op) = 0;
  virtual bool accept_ok() const = 0;
  // Cancels the request of `op` (its completion still follows, usually
  // -ECANCELED).  `now`: submitted at once rather than with the next wait,
  // so that the request lets go of its file (a close is coming).
  virtual void cancel(CompletionOp* op, bool now) = 0;
  // Bytes of pool buffer `bid`, and giving it back.
  virtual const unsigned char* buffer_data(int bid) const = 0;
  virtual void recycle(int bid) = 0;
  // Calls op->complete(op, -EAGAIN, -1, false) when the pool has buffers
  // (possibly at once), or with -ENOMEM when the wait cannot be recorded;
  // stop_waiting() withdraws the request.
  virtual void wait_for_buffers(CompletionOp* op) = 0;
  virtual void stop_waiting(CompletionOp* op) = 0;
  // Whether multishot receives work (false after the kernel refused one).
  virtual bool multishot_ok() const = 0;
  virtual void no_multishot() = 0;
  // True while the backend's destructor drains the last completions.
  virtual bool closing() const = 0;

 protected:
  ~CompletionIo() = default;
};

}  // namespace ev
