// The io_uring readiness backend (Linux 5.13+), opt-in (see registry.cpp).
//
// Every watched fd has at most one poll request in the kernel, tagged with
// (generation << 32 | fd) so that completions of a request we replaced or
// cancelled are recognised and dropped.
// - Level-triggered interest (the default) uses one-shot polls: a poll that
//   fired is re-armed at the start of the next dispatch, in the same
//   io_uring_enter as the wait.  Arming checks readiness at once, so data
//   left unread is reported again, as with epoll or poll.  (Multishot polls
//   only fire on new wake-ups: they are edge-triggered.)
// - Edge-triggered interest (EV_ET on every event of the fd) uses a
//   multishot poll, which stays armed.
// - Interest changes only record the wanted mask and queue the fd; the start
//   of dispatch turns the net change into submissions (remove the old
//   request, add the new), all sent with the wait: one io_uring_enter per
//   loop iteration.
// - A poll request holds a reference to its file, so a socket the program
//   closes stays open until its request is gone.  Dropping an fd's interest
//   to 0 therefore cancels an armed request at once (one extra
//   io_uring_enter, without waiting): the usual event_del + close then
//   closes the socket as the program expects.  A poll that already fired
//   (the common case) has nothing to cancel.
// - The wait's timeout goes to the kernel as a timespec (IORING_ENTER_EXT_ARG),
//   no timerfd: in whole milliseconds rounded up, as the epoll method waits
//   (timers due within the same millisecond then fire in one wake-up), or
//   to the microsecond with EVENT_BASE_FLAG_PRECISE_TIMER.
// - After fork the child builds its own ring (needs_reinit); the parent's is
//   only unmapped, never touched.
// - Completion IO (completion_io.hpp): receives and sends of socket
//   bufferevents, tagged with bit 63 over the address of their CompletionOp
//   record; their completions go to the record's handler instead of the
//   poll path.  They are queued like interest changes and go out with the
//   wait.  Receives take pool buffers (io_uring_pool.hpp).  The destructor
//   cancels every request and waits for the completion operations' last
//   completions, so that their owners can let go of memory and descriptors.
#include "backends/available.hpp"

#if EV_BACKEND_HAVE_IO_URING

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include <event2/event.h>

#include "backends/backend.hpp"
#include "backends/backend_util.hpp"
#include "backends/completion_io.hpp"
#include "backends/io_uring_pool.hpp"
#include "backends/io_uring_ring.hpp"
#include "backends/poll_bits.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

namespace ev {
namespace {

using backend_detail::grow_zeroed;

constexpr short kInterestBits = EV_READ | EV_WRITE | EV_CLOSED;
constexpr uint64_t kIgnoreTag = ~uint64_t{0};   // removals and cancellations
constexpr uint64_t kOpTag = uint64_t{1} << 63;  // | CompletionOp*
constexpr uint32_t kGenMask = 0x7fffffff;       // poll tags keep bit 63 clear
constexpr unsigned kSqEntries = 256;
constexpr unsigned kCqEntries = 4096;
constexpr int kMaxOverflowRounds = 16;

struct FdState {
  uint32_t gen;     // generation of the current request's tag
  uint8_t wanted;   // interest the core asked for (| EV_ET)
  uint8_t armed;    // interest of the request in the kernel (| EV_ET), 0: none
  uint8_t pending;  // queued in changes_
  uint8_t pad;
};
static_assert(((kInterestBits | EV_ET) & ~0xff) == 0);

uint32_t to_poll(short what) { return backend_detail::poll_bits_of(what); }

short from_poll(uint32_t revents) { return backend_detail::events_of_poll_bits(revents); }

uint64_t tag_of(int fd, uint32_t gen) {
  return (static_cast<uint64_t>(gen & kGenMask) << 32) | static_cast<uint32_t>(fd);
}

uint64_t tag_of(ev::CompletionOp* op) { return kOpTag | reinterpret_cast<uintptr_t>(op); }

// Forks of this process, counted by an atfork handler registered with the
// first backend: a backend made before the last fork belongs to the parent
// (its ring mapping is shared with it).  A load, where getpid() would be a
// system call on paths (cancelling a receive) that otherwise make none.
std::atomic<unsigned> g_forks{0};

void count_fork() { g_forks.fetch_add(1, std::memory_order_relaxed); }

unsigned forks_so_far() {
  static std::atomic<bool> registered{false};
  if (!registered.exchange(true, std::memory_order_acq_rel))
    pthread_atfork(nullptr, nullptr, count_fork);
  return g_forks.load(std::memory_order_relaxed);
}

class UringBackend final : public Backend, public CompletionIo {
 public:
  UringBackend(BackendHost& host, const uring::Ring& ring, bool completion, bool precise)
      : host_(host),
        ring_(ring),
        forks_(forks_so_far()),
        completion_(completion),
        precise_(precise) {}

  ~UringBackend() override;

  UringBackend(const UringBackend&) = delete;
  UringBackend& operator=(const UringBackend&) = delete;

  int update(int fd, short old_events, short new_events) override;
  int dispatch(const timeval* timeout) override;
  CompletionIo* completion_io() override { return completion_ ? this : nullptr; }

  // CompletionIo
  bool recv(int fd, CompletionOp* op, size_t max) override;
  bool sendmsg(int fd, const msghdr* msg, CompletionOp* op) override;
  bool send(int fd, const void* data, size_t len, CompletionOp* op) override;
  void cancel(CompletionOp* op, bool now) override;
  const unsigned char* buffer_data(int bid) const override { return pool_.data(bid); }
  void recycle(int bid) override;
  void wait_for_buffers(CompletionOp* op) override;
  void stop_waiting(CompletionOp* op) override;
  // Listener accepts (their own block below).
  bool accept(int fd, sockaddr* addr, socklen_t* len, int flags, CompletionOp* op) override;
  bool accept_ok() const override { return ring_.has_accept; }
  bool multishot_ok() const override { return multishot_ok_; }
  void no_multishot() override { multishot_ok_ = false; }
  bool closing() const override { return closing_; }

 private:
  // A forked child before event_reinit: the ring is the parent's.
  bool in_forked_child() const { return g_forks.load(std::memory_order_relaxed) != forks_; }
  void complete_op(const io_uring_cqe& cqe);
  void wake_waiters();
  void drain_ops();
  io_uring_sqe* sqe();
  void queue_add(int fd, FdState& st);
  void queue_remove(FdState& st, int fd);
  bool mark_pending(int fd);
  void flush_changes();
  void reap();
  void complete(const io_uring_cqe& cqe);

  BackendHost& host_;
  uring::Ring ring_;
  unsigned forks_;  // forks_so_far() when made
  FdState* fds_ = nullptr;
  size_t nfds_ = 0;
  int* changes_ = nullptr;
  size_t nchanges_ = 0;
  size_t changes_cap_ = 0;
  bool warned_submit_ = false;
  bool completion_ = false;
  bool precise_ = false;  // EVENT_BASE_FLAG_PRECISE_TIMER
  bool multishot_ok_ = true;
  bool closing_ = false;
  bool pool_failed_ = false;
  size_t ops_in_flight_ = 0;  // completion requests without their last completion
  // Receives waiting for pool buffers (a stack: rare, and kept out of the
  // records every idle connection holds).
  CompletionOp** waiters_ = nullptr;
  size_t nwaiters_ = 0;
  size_t waiters_cap_ = 0;
  uring::BufferPool pool_;
};

UringBackend::~UringBackend() {
  // Closing the ring cancels its requests only asynchronously, and each holds
  // its file open: cancel them here and now, so that descriptors the program
  // closes after freeing the base really close.  Never in a forked child,
  // whose mapping still shows the parent's ring.
  if (!in_forked_child() && ring_.can_cancel_any) {
    if (io_uring_sqe* s = sqe()) {
      s->opcode = IORING_OP_ASYNC_CANCEL;
      s->fd = -1;
      s->cancel_flags = IORING_ASYNC_CANCEL_ANY;
      s->user_data = kIgnoreTag;
      ring_.publish();
      ring_.submit();
    }
    drain_ops();
  }
  ring_.destroy();
  pool_.destroy();
  mm_free(fds_);
  mm_free(changes_);
  mm_free(waiters_);
}

// A submission slot; a full queue is submitted first.
io_uring_sqe* UringBackend::sqe() {
  io_uring_sqe* s = ring_.next_sqe();
  if (s != nullptr) return s;
  ring_.publish();
  int r = ring_.submit();
  if (r < 0 && !warned_submit_) {
    warned_submit_ = true;
    errno = -r;
    evpriv_warn("io_uring_enter");
  }
  return ring_.next_sqe();
}

void UringBackend::queue_add(int fd, FdState& st) {
  io_uring_sqe* s = sqe();
  if (s == nullptr) return;  // retried: the fd stays pending
  const short want = st.wanted;
  s->opcode = IORING_OP_POLL_ADD;
  s->fd = fd;
  s->poll32_events = to_poll(want);
  if (want & EV_ET) s->len = IORING_POLL_ADD_MULTI;
  s->user_data = tag_of(fd, st.gen);
  st.armed = static_cast<uint8_t>(want);
}

// Cancels the request of `fd`; its completion (-ECANCELED, or the last
// readiness) carries the old generation and is dropped.
void UringBackend::queue_remove(FdState& st, int fd) {
  io_uring_sqe* s = sqe();
  if (s == nullptr) return;  // cannot happen after a submit; left armed
  s->opcode = IORING_OP_POLL_REMOVE;
  s->fd = -1;
  s->addr = tag_of(fd, st.gen);
  s->user_data = kIgnoreTag;
  if (ring_.can_skip_cqe) s->flags = IOSQE_CQE_SKIP_SUCCESS;
  st.armed = 0;
  ++st.gen;
}

bool UringBackend::mark_pending(int fd) {
  FdState& st = fds_[fd];
  if (st.pending) return true;
  if (nchanges_ == changes_cap_ && !grow_zeroed(changes_, changes_cap_, nchanges_ + 1)) {
    evpriv_warn("io_uring: cannot grow the change list");
    return false;
  }
  changes_[nchanges_++] = fd;
  st.pending = 1;
  return true;
}

int UringBackend::update(int fd, short old_events, short new_events) {
  (void)old_events;
  short now = new_events & (kInterestBits | EV_ET);
  if ((now & kInterestBits) == 0) now = 0;
  if (static_cast<size_t>(static_cast<unsigned>(fd)) >= nfds_) {
    if (fd < 0) {
      evpriv_warnx("io_uring: invalid fd %d", fd);
      return -1;
    }
    if (now == 0) return 0;
    if (!grow_zeroed(fds_, nfds_, static_cast<size_t>(fd) + 1)) {
      evpriv_warn("io_uring: cannot grow the fd table");
      return -1;
    }
  }
  FdState& st = fds_[fd];
  st.wanted = static_cast<uint8_t>(now);
  if (now == 0) {
    if (st.armed != 0) {
      // The program may close the fd next: let go of the file now.  Not in
      // a forked child before event_reinit (freeing the inherited base, say):
      // the mapping it shares would cancel the parent's request.
      if (!in_forked_child()) {
        queue_remove(st, fd);
        ring_.publish();
        ring_.submit();
      } else {
        st.armed = 0;
        ++st.gen;
      }
    }
    return 0;
  }
  if (st.armed == now) return 0;
  return mark_pending(fd) ? 0 : -1;
}

// Turns the recorded interest of every queued fd into submissions.
void UringBackend::flush_changes() {
  size_t kept = 0;
  for (size_t i = 0; i < nchanges_; ++i) {
    const int fd = changes_[i];
    FdState& st = fds_[fd];
    st.pending = 0;
    if (st.armed == st.wanted) continue;
    if (st.armed != 0) queue_remove(st, fd);
    if (st.wanted != 0) {
      queue_add(fd, st);
      if (st.armed == 0) {  // no slot: try again next time
        changes_[kept++] = fd;
        st.pending = 1;
      }
    }
  }
  nchanges_ = kept;
  ring_.publish();
}

void UringBackend::complete(const io_uring_cqe& cqe) {
  const uint64_t data = cqe.user_data;
  if (data == kIgnoreTag) return;
  if (data & kOpTag) {
    complete_op(cqe);
    return;
  }
  if (closing_) return;
  const uint32_t fd = static_cast<uint32_t>(data);
  if (fd >= nfds_) return;
  FdState& st = fds_[fd];
  if ((st.gen & kGenMask) != static_cast<uint32_t>(data >> 32) || st.armed == 0)
    return;  // replaced
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    // The request is over (one-shot fired, multishot ended): re-arm at the
    // next dispatch if the interest is still there then.
    st.armed = 0;
    ++st.gen;
    if (st.wanted != 0 && !mark_pending(static_cast<int>(fd))) return;
  }
  short what;
  if (cqe.res >= 0) {
    what = from_poll(static_cast<uint32_t>(cqe.res));
  } else if (cqe.res == -ECANCELED) {
    return;  // not by us (we change the generation when we cancel)
  } else {
    what = EV_READ | EV_WRITE;  // e.g. a closed descriptor, as poll's POLLNVAL
  }
  what &= st.wanted & kInterestBits;
  if (what != 0) host_.ready(static_cast<int>(fd), what);  // may re-enter update()
}

void UringBackend::reap() {
  for (int round = 0; round < kMaxOverflowRounds; ++round) {
    unsigned head = *ring_.cq_head;
    for (;;) {
      const unsigned tail = __atomic_load_n(ring_.cq_tail, __ATOMIC_ACQUIRE);
      if (head == tail) break;
      const io_uring_cqe cqe = ring_.cqes[head & ring_.cq_mask];
      __atomic_store_n(ring_.cq_head, ++head, __ATOMIC_RELEASE);
      complete(cqe);
    }
    if (!ring_.cq_overflowed()) return;
    // Completions the ring had no room for wait in the kernel: fetch them.
    ring_.enter(0, 0, IORING_ENTER_GETEVENTS, nullptr, 0);
  }
}

int UringBackend::dispatch(const timeval* timeout) {
  if (nchanges_ != 0) flush_changes();

  __kernel_timespec ts{};
  io_uring_getevents_arg arg{};
  const bool poll_only =
      timeout != nullptr && timeout->tv_sec <= 0 && (timeout->tv_sec < 0 || timeout->tv_usec <= 0);
  // Exactly what is queued now: the kernel skips the wait when it submits
  // fewer entries than asked for (then the loop simply comes back).
  const unsigned to_submit = ring_.queued();
  int r = 0;
  host_.release_lock();
  if (poll_only) {
    if (to_submit != 0 || ring_.task_work_pending())
      r = ring_.enter(to_submit, 0, IORING_ENTER_GETEVENTS, nullptr, 0);
  } else {
    if (timeout != nullptr) {
      if (precise_) {
        ts.tv_sec = timeout->tv_sec;
        ts.tv_nsec = static_cast<long long>(timeout->tv_usec) * 1000;
      } else {
        const int ms = backend_detail::timeout_ms_ceil(timeout);
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = static_cast<long long>(ms % 1000) * 1000 * 1000;
      }
      arg.ts = reinterpret_cast<uint64_t>(&ts);
    }
    r = ring_.enter(to_submit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
  }
  host_.acquire_lock();
  if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY && r != -EAGAIN) {
    errno = -r;
    evpriv_warn("io_uring_enter");
    return -1;
  }
  reap();
  return 0;
}

// ---- completion IO -----------------------------------------------------

void UringBackend::complete_op(const io_uring_cqe& cqe) {
  auto* op = reinterpret_cast<CompletionOp*>(static_cast<uintptr_t>(cqe.user_data & ~kOpTag));
  const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;
  int bid = -1;
  if (cqe.flags & IORING_CQE_F_BUFFER) {
    bid = static_cast<int>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    pool_.taken();
  }
  if (!more) --ops_in_flight_;
  int res = cqe.res;
  if (res == -ENOBUFS && !more) {
    // The ring ran dry: add a chunk for the next attempt if allowed.
    if (pool_.available == 0 && !closing_) pool_.grow_double();
  }
  op->complete(op, res, bid, more);  // may re-enter the interface
}

bool UringBackend::recv(int fd, CompletionOp* op, size_t max) {
  if (!pool_.ready()) {
    if (pool_failed_) return false;
    int r = pool_.setup(ring_.fd);
    if (r < 0) {
      pool_failed_ = true;
      if (r != -EINVAL && r != -EOPNOTSUPP) {
        errno = -r;
        evpriv_warn("io_uring: buffer ring");
      }
      return false;
    }
  }
  io_uring_sqe* s = sqe();
  if (s == nullptr) return false;
  s->opcode = IORING_OP_RECV;
  s->fd = fd;
  s->flags = IOSQE_BUFFER_SELECT;
  s->buf_group = uring::BufferPool::kGroup;
  if (max == 0) {
    s->ioprio = IORING_RECV_MULTISHOT;
  } else {
    s->len = static_cast<uint32_t>(
        max < uring::BufferPool::kBufBytes ? max : uring::BufferPool::kBufBytes);
  }
  s->user_data = tag_of(op);
  ring_.publish();
  ++ops_in_flight_;
  return true;
}

bool UringBackend::sendmsg(int fd, const msghdr* msg, CompletionOp* op) {
  io_uring_sqe* s = sqe();
  if (s == nullptr) return false;
  s->opcode = IORING_OP_SENDMSG;
  s->fd = fd;
  s->addr = reinterpret_cast<uint64_t>(msg);
  s->len = 1;
  s->msg_flags = MSG_NOSIGNAL;
  s->user_data = tag_of(op);
  ring_.publish();
  ++ops_in_flight_;
  return true;
}

bool UringBackend::send(int fd, const void* data, size_t len, CompletionOp* op) {
  io_uring_sqe* s = sqe();
  if (s == nullptr) return false;
  s->opcode = IORING_OP_SEND;
  s->fd = fd;
  s->addr = reinterpret_cast<uint64_t>(data);
  s->len = static_cast<uint32_t>(len < 0x7ffff000u ? len : 0x7ffff000u);
  s->msg_flags = MSG_NOSIGNAL;
  s->user_data = tag_of(op);
  ring_.publish();
  ++ops_in_flight_;
  return true;
}

void UringBackend::cancel(CompletionOp* op, bool now) {
  // A forked child before event_reinit shares the parent's ring mapping: a
  // submission queued there would go out with the parent's next wait.  Its
  // requests are the parent's; it cancels nothing.  (Cleanup is what a child
  // does before event_reinit; starting IO there is libevent misuse.)
  if (in_forked_child()) return;
  io_uring_sqe* s = sqe();
  if (s == nullptr) return;
  s->opcode = IORING_OP_ASYNC_CANCEL;
  s->fd = -1;
  s->addr = tag_of(op);
  s->user_data = kIgnoreTag;
  if (ring_.can_skip_cqe) s->flags = IOSQE_CQE_SKIP_SUCCESS;
  ring_.publish();
  if (now) ring_.submit();
}

void UringBackend::recycle(int bid) {
  pool_.put(static_cast<unsigned>(bid));
  if (nwaiters_ != 0) wake_waiters();
}

void UringBackend::wake_waiters() {
  while (nwaiters_ != 0 && pool_.available != 0) {
    CompletionOp* op = waiters_[--nwaiters_];
    op->complete(op, -EAGAIN, -1, false);  // may wait again or stop another's wait
  }
}

void UringBackend::wait_for_buffers(CompletionOp* op) {
  if (pool_.available == 0 && !pool_.grow_double()) {
    if (nwaiters_ < waiters_cap_ || grow_zeroed(waiters_, waiters_cap_, nwaiters_ + 1)) {
      waiters_[nwaiters_++] = op;
      return;
    }
    op->complete(op, -ENOMEM, -1, false);
    return;
  }
  op->complete(op, -EAGAIN, -1, false);
}

void UringBackend::stop_waiting(CompletionOp* op) {
  for (size_t i = 0; i < nwaiters_; ++i) {
    if (waiters_[i] == op) {
      waiters_[i] = waiters_[--nwaiters_];
      return;
    }
  }
}

// ---- listener accepts (listener/accept_uring.cpp) ---------------------

// One single-shot accept: multishot accepts would share one address buffer,
// and the listener must report each connection's exact peer address.
bool UringBackend::accept(int fd, sockaddr* addr, socklen_t* len, int flags, CompletionOp* op) {
  if (!ring_.has_accept) return false;
  io_uring_sqe* s = sqe();
  if (s == nullptr) return false;
  s->opcode = IORING_OP_ACCEPT;
  s->fd = fd;
  s->addr = reinterpret_cast<uint64_t>(addr);
  s->addr2 = reinterpret_cast<uint64_t>(len);
  s->accept_flags = static_cast<uint32_t>(flags);
  s->user_data = tag_of(op);
  ring_.publish();
  ++ops_in_flight_;
  return true;
}

// The base goes: every request was cancelled; collect the last completions
// of the completion operations, whose owners then free what they hold.
void UringBackend::drain_ops() {
  closing_ = true;
  while (nwaiters_ != 0) {
    CompletionOp* op = waiters_[--nwaiters_];
    op->complete(op, -ECANCELED, -1, false);
  }
  for (int round = 0; round < 64 && ops_in_flight_ != 0; ++round) {
    __kernel_timespec ts{0, 50 * 1000 * 1000};
    io_uring_getevents_arg arg{};
    arg.ts = reinterpret_cast<uint64_t>(&ts);
    ring_.enter(ring_.queued(), 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg,
                sizeof(arg));
    reap();
  }
}

}  // namespace

Backend* create_io_uring_backend(BackendHost& host, const BackendOptions& options) {
  uring::Ring ring;
  int r = ring.init(kSqEntries, kCqEntries);
  if (r < 0) {
    // Refused by the kernel, its settings or a seccomp filter: fall back to
    // the next method silently, as for a missing backend.
    if (r != -ENOSYS && r != -EPERM && r != -EACCES && r != -EOPNOTSUPP && r != -EINVAL) {
      errno = -r;
      evpriv_warn("io_uring_setup");
    }
    return nullptr;
  }
  // Completion IO needs provided-buffer rings (5.19, the kernel that added
  // IORING_FEAT_LINKED_FILE) and the receive/send opcodes.
  const bool completion = options.completion_io && ring.can_cancel_any && ring.has_sock_ops;
  Backend* backend = make<UringBackend>(host, ring, completion,
                                        (options.base_flags & EVENT_BASE_FLAG_PRECISE_TIMER) != 0);
  if (backend == nullptr) {
    evpriv_warn("io_uring: out of memory");
    ring.destroy();
  }
  return backend;
}

}  // namespace ev

#endif  // EV_BACKEND_HAVE_IO_URING
