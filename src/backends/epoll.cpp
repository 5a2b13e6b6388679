// The epoll backend (Linux).
//
// Fewer epoll_ctl calls than a one-call-per-change design, without trusting
// stale bookkeeping:
// - When an fd's interest drops to 0 we do not DEL it ("lazy" registration).
//   If the program then closes the fd, the kernel forgets the registration by
//   itself and the DEL is saved; if the interest comes back, one MOD re-arms
//   it instead of DEL + ADD.  A lazy registration that fires is filtered out
//   and deleted then, so it cannot keep waking us.
// - The fd number of a lazy registration may have been closed and reused
//   behind our back, so re-arming one always asks the kernel (MOD or ADD,
//   falling back to the other on ENOENT/EEXIST) and never trusts the table.
//   MOD is tried first when the interest returns before the next dispatch
//   (the del+add pattern of non-persistent events), ADD otherwise (a closed
//   and reused number is then the likely case).
// - A closed file that lives on in another descriptor (dup, fork) keeps its
//   registration, which we can no longer name.  Each registration carries a
//   generation number in its user data, bumped by every successful ADD, so the
//   events of such a "zombie" are recognised and never reported; as epoll_ctl
//   cannot remove it, the epoll set is rebuilt from the table, into the same
//   descriptor number (rare: it takes a shared file closed while its
//   registration was lazy, whose orphan keeps firing).  A DEL failing with
//   EBADF alone is not such a case: as libevent, it is ignored.
// - Another thread may drop an fd's interest, close it, even reuse the number,
//   between the kernel's gathering of a batch and our reading of it.  Changes
//   are stamped with the dispatch number, and a batch event older than its
//   fd's last change is dropped: no epoll_ctl on a possibly closed number, no
//   rebuild for what only looks like a zombie.
// In changelist mode (EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) updates are only
// recorded and the net change per fd is applied at the start of dispatch.  A
// del+add pair between two dispatches nets out to "no change", yet the number
// may have been closed and reused in between (its registration gone with the
// close), so such an fd is re-asserted with one MOD (ADD on ENOENT), as
// libevent does; an fd whose interest was never deleted costs nothing.
#include "backends/available.hpp"

#if EV_BACKEND_HAVE_EPOLL

#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include <event2/event.h>

#include "backends/backend.hpp"
#include "backends/backend_util.hpp"
#include "backends/epoll_testing.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

namespace ev {
namespace {

using backend_detail::grow_zeroed;
using backend_detail::timeout_ms_ceil;

constexpr short kInterestBits = EV_READ | EV_WRITE | EV_CLOSED;
// User data of the timerfd's registration; fds carry (generation << 32 | fd).
constexpr uint64_t kTimerTag = ~uint64_t{0};
constexpr int kInitialEvents = 32;
constexpr int kMaxEvents = 4096;

// Eight bytes per fd number: the table is as long as the highest fd watched.
struct FdState {
  // Dispatch number at which the registration last went lazy or was
  // re-created by an ADD (see report() for why the latter counts).
  uint32_t changed_at;
  // Bits 0-12: generation of the kernel registration.  It only has to tell
  // a batch event of a previous registration of the same number from the
  // current one, so it wraps (next_gen()).  Above it, kRegistered (the
  // kernel, as far as we know, has a registration), kLazy (registered, but
  // the core's interest dropped to 0) and kPending (queued in the change
  // list).  Generation and kRegistered side by side let the dispatch loop
  // recognise a live registration with one compare (is_live()).
  uint16_t bits;
  uint8_t wanted;  // interest the core asked for (see as_mask())
  uint8_t kernel;  // interest registered in the kernel, maybe | kReassert

  // Set in `kernel` (never an interest bit) when the changelist saw the
  // interest dropped: the next sync() asks the kernel even if it nets out.
  static constexpr uint8_t kReassert = EV_TIMEOUT;

  static constexpr uint16_t kGenMask = (1u << 13) - 1;
  static constexpr uint16_t kRegistered = 1u << 13;
  static constexpr uint16_t kLazy = 1u << 14;
  static constexpr uint16_t kPending = 1u << 15;

  uint32_t gen() const { return bits & kGenMask; }
  void set_gen(uint32_t g) { bits = static_cast<uint16_t>((bits & ~kGenMask) | (g & kGenMask)); }
  bool registered() const { return (bits & kRegistered) != 0; }
  bool lazy() const { return (bits & kLazy) != 0; }
  bool pending() const { return (bits & kPending) != 0; }
  void set(uint16_t bit, bool on) {
    bits = static_cast<uint16_t>(on ? (bits | bit) : (bits & ~bit));
  }
  // Whether a batch event tagged `gen` is for the registration we have.
  bool is_live(uint32_t gen) const {
    return (bits & (kGenMask | kRegistered)) == (gen | kRegistered);
  }
};
static_assert(sizeof(FdState) == 8);

uint32_t next_gen(const FdState& st) { return (st.gen() + 1u) & FdState::kGenMask; }

// Interest masks (EV_READ|EV_WRITE|EV_CLOSED|EV_ET) fit in FdState's bytes.
static_assert(((kInterestBits | EV_ET) & ~0xff) == 0);
static_assert(((kInterestBits | EV_ET) & FdState::kReassert) == 0);
uint8_t as_mask(short what) { return static_cast<uint8_t>(what); }

uint32_t to_epoll(short what) {
  uint32_t events = ((what & EV_READ) >> 1) | (what & EV_WRITE);  // see from_epoll()
  if (what & EV_CLOSED) events |= EPOLLRDHUP;
  if (what & EV_ET) events |= EPOLLET;
  return events;
}

short from_epoll(uint32_t events) {
  // EPOLLOUT and EV_WRITE are the same bit; the rest is shifted or implied.
  static_assert(EPOLLOUT == EV_WRITE && (EPOLLIN << 1) == EV_READ);
  short what = static_cast<short>(((events & EPOLLIN) << 1) | (events & EPOLLOUT));
  if (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) [[unlikely]] {
    // An error or hang-up makes reads and writes return at once.
    if (events & (EPOLLHUP | EPOLLERR)) what |= EV_READ | EV_WRITE;
    if (events & (EPOLLRDHUP | EPOLLHUP)) what |= EV_CLOSED;
  }
  return what;
}

const char* op_name(int op) {
  switch (op) {
    case EPOLL_CTL_ADD:
      return "ADD";
    case EPOLL_CTL_MOD:
      return "MOD";
    case EPOLL_CTL_DEL:
      return "DEL";
    default:
      return "???";
  }
}

class EpollBackend final : public Backend {
 public:
  EpollBackend(BackendHost& host, int epfd, epoll_event* events, const BackendOptions& options,
               bool allow_pwait2)
      : host_(host),
        epfd_(epfd),
        events_(events),
        changelist_((options.base_flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) != 0),
        precise_((options.base_flags & EVENT_BASE_FLAG_PRECISE_TIMER) != 0),
        use_pwait2_(allow_pwait2) {}

  ~EpollBackend() override {
    if (timerfd_ >= 0) close(timerfd_);
    close(epfd_);
    mm_free(events_);
    mm_free(fds_);
    mm_free(changes_);
  }

  EpollBackend(const EpollBackend&) = delete;
  EpollBackend& operator=(const EpollBackend&) = delete;

  int update(int fd, short old_events, short new_events) override;
  int dispatch(const timeval* timeout) override;

  unsigned long ctl_calls() const { return ctl_calls_; }

 private:
  inline int ctl(int op, int fd, short what, uint32_t gen);
  [[gnu::noinline]] int apply_update(int fd, short now);
  [[gnu::noinline]] int mod_failed(int fd, short want);
  [[gnu::noinline]] int modify(int fd, short want);
  [[gnu::always_inline]] inline int sync(int fd);
  void flush_changes();
  int wait(const timeval* timeout);
  int wait_ms(int ms);
  bool arm_timer(const timeval& timeout);
  void disarm_timer();
  void report(const epoll_event& event);
  void rebuild();

  BackendHost& host_;
  int epfd_;
  epoll_event* events_;
  int nevents_ = kInitialEvents;
  FdState* fds_ = nullptr;
  size_t nfds_ = 0;
  int* changes_ = nullptr;  // fds with a pending change (changelist mode)
  size_t nchanges_ = 0;
  size_t changes_cap_ = 0;
  uint32_t dispatches_ = 0;
  unsigned long ctl_calls_ = 0;
  int timerfd_ = -1;
  bool timer_armed_ = false;
  bool changelist_;
  bool precise_;
  bool use_pwait2_;
  bool rebuild_needed_ = false;
};

inline int EpollBackend::ctl(int op, int fd, short what, uint32_t gen) {
  epoll_event event{};
  event.events = to_epoll(what);
  event.data.u64 = (static_cast<uint64_t>(gen) << 32) | static_cast<uint32_t>(fd);
  ++ctl_calls_;
  return epoll_ctl(epfd_, op, fd, &event);
}

// Brings the kernel registration of `fd` in line with its wanted interest.
inline int EpollBackend::sync(int fd) {
  FdState& st = fds_[fd];
  const short want = st.wanted;
  if (want == 0) {
    if (st.registered() && !st.lazy()) {
      st.set(FdState::kLazy, true);
      st.changed_at = dispatches_;
    }
    return 0;
  }
  if (st.registered() && !st.lazy() && st.kernel == want) return 0;

  // A lazy registration re-armed within the iteration it went lazy in (one
  // later with the changelist, which applies it a dispatch late) most likely
  // still belongs to the same open file.
  const uint32_t lazy_for = dispatches_ - st.changed_at;
  const bool mod_first = st.registered() && (!st.lazy() || lazy_for <= (changelist_ ? 1u : 0u));
  int op = mod_first ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  int rc;
  if (mod_first) {
    rc = ctl(op, fd, want, st.gen());
    if (rc < 0) return mod_failed(fd, want);
  } else {
    rc = ctl(op, fd, want, next_gen(st));
    if (rc == 0) {
      st.set_gen(next_gen(st));
      st.changed_at = dispatches_;
    } else if (errno == EEXIST) {
      // Still registered: keep the generation its queued events carry.
      op = EPOLL_CTL_MOD;
      rc = ctl(op, fd, want, st.gen());
    }
  }
  if (rc < 0) {
    evpriv_warn("Epoll %s(%d) on fd %d failed. Old events were %d; new events are %d", op_name(op),
                op, fd, st.registered() ? st.kernel & ~FdState::kReassert : 0, want);
    // A failed ADD leaves nothing registered; a failed MOD leaves the old one.
    if (op == EPOLL_CTL_ADD) st.set(FdState::kRegistered, false);
    return -1;
  }
  st.set(FdState::kRegistered, true);
  st.set(FdState::kLazy, false);
  st.kernel = as_mask(want);
  return 0;
}

// After a failed MOD of fd to `want` (errno still set by it): the number may
// have been closed, and maybe reused, since we registered it; then ADD.
int EpollBackend::mod_failed(int fd, short want) {
  FdState& st = fds_[fd];
  int op = EPOLL_CTL_MOD;
  int rc = -1;
  if (errno == ENOENT) {
    op = EPOLL_CTL_ADD;
    rc = ctl(op, fd, want, next_gen(st));
    if (rc == 0) {
      st.set_gen(next_gen(st));
      st.changed_at = dispatches_;
    }
  }
  if (rc < 0) {
    evpriv_warn("Epoll %s(%d) on fd %d failed. Old events were %d; new events are %d", op_name(op),
                op, fd, st.registered() ? st.kernel & ~FdState::kReassert : 0, want);
    // A failed ADD leaves nothing registered; a failed MOD leaves the old one.
    if (op == EPOLL_CTL_ADD) st.set(FdState::kRegistered, false);
    return -1;
  }
  st.wanted = as_mask(want);
  st.set(FdState::kRegistered, true);
  st.set(FdState::kLazy, false);
  st.kernel = as_mask(want);
  return 0;
}

// One MOD of a registration that (as far as we know) is still ours.
int EpollBackend::modify(int fd, short want) {
  if (ctl(EPOLL_CTL_MOD, fd, want, fds_[fd].gen()) < 0) return mod_failed(fd, want);
  FdState& st = fds_[fd];
  st.wanted = as_mask(want);
  st.set(FdState::kLazy, false);
  st.kernel = as_mask(want);
  return 0;
}

// The common cases touch only the table (interest dropped or unchanged) or
// make one MOD (a registration re-armed in the iteration it went lazy in,
// see sync()); the rest, and growing the table, is apply_update()'s.
int EpollBackend::update(int fd, short old_events, short new_events) {
  (void)old_events;  // our own table knows what the kernel has
  short now = new_events & (kInterestBits | EV_ET);
  if ((now & kInterestBits) == 0) now = 0;
  if (static_cast<size_t>(static_cast<unsigned>(fd)) < nfds_ && !changelist_) [[likely]] {
    FdState& st = fds_[fd];
    if (now == 0) {
      // Dropping all interest only marks the registration lazy (see above).
      st.wanted = 0;
      if (st.registered() && !st.lazy()) {
        st.set(FdState::kLazy, true);
        st.changed_at = dispatches_;
      }
      return 0;
    }
    if (st.registered() && !st.lazy() && st.kernel == now) {
      st.wanted = as_mask(now);
      return 0;
    }
    if (st.registered() && (!st.lazy() || st.changed_at == dispatches_)) return modify(fd, now);
  }
  return apply_update(fd, now);
}

int EpollBackend::apply_update(int fd, short now) {
  if (static_cast<size_t>(static_cast<unsigned>(fd)) >= nfds_) {
    if (fd < 0) {
      evpriv_warnx("epoll: invalid fd %d", fd);
      return -1;
    }
    if (now == 0) return 0;
    if (!grow_zeroed(fds_, nfds_, static_cast<size_t>(fd) + 1)) {
      evpriv_warn("epoll: cannot grow the fd table");
      return -1;
    }
  }
  FdState& st = fds_[fd];
  const short previous = st.wanted;
  st.wanted = as_mask(now);
  if (changelist_) {
    // The fd may be closed and its number reused before the interest comes
    // back in this batch: then the registration must be asked for again.
    if (now == 0) st.kernel |= FdState::kReassert;
    if (st.pending()) return 0;
    if (nchanges_ < changes_cap_ || grow_zeroed(changes_, changes_cap_, nchanges_ + 1)) {
      changes_[nchanges_++] = fd;
      st.set(FdState::kPending, true);
      return 0;
    }
    // No memory for the queue: apply the change at once instead.
  }
  if (sync(fd) < 0) {
    fds_[fd].wanted = as_mask(previous);
    return -1;
  }
  return 0;
}

void EpollBackend::flush_changes() {
  // sync() never re-enters update(), so the queue is stable while we walk it.
  for (size_t i = 0; i < nchanges_; ++i) {
    int fd = changes_[i];
    fds_[fd].set(FdState::kPending, false);
    sync(fd);  // failures are logged; the core learns of them as silence
  }
  nchanges_ = 0;
}

int EpollBackend::dispatch(const timeval* timeout) {
  if (changelist_) flush_changes();
  if (rebuild_needed_) rebuild();
  // Changes stamped from here on were made after the kernel may have
  // gathered this batch (while the lock is released, or by ready()).
  ++dispatches_;

  int n = wait(timeout);
  if (n < 0) {
    if (errno == EINTR) return 0;
    evpriv_warn("epoll_wait");
    return -1;
  }
  // update() never touches events_, so ready() may re-enter it freely.
  for (int i = 0; i < n; ++i) {
    // The common case inline: a live registration somebody wants.
    const uint64_t data = events_[i].data.u64;
    const uint32_t fd = static_cast<uint32_t>(data);
    if (fd < nfds_) {
      const FdState& st = fds_[fd];
      if (st.is_live(static_cast<uint32_t>(data >> 32)) && st.wanted != 0) {
        const short what = from_epoll(events_[i].events) & st.wanted;
        if (what != 0) host_.ready(static_cast<int>(fd), what);  // may re-enter update()
        continue;
      }
    }
    report(events_[i]);
  }
  if (rebuild_needed_) rebuild();

  if (n == nevents_ && nevents_ < kMaxEvents) {
    // A full array suggests more were ready: take more next time.
    void* grown = mm_realloc(events_, sizeof(epoll_event) * static_cast<size_t>(nevents_) * 2);
    if (grown != nullptr) {
      events_ = static_cast<epoll_event*>(grown);
      nevents_ *= 2;
    }
  }
  return 0;
}

// Waits in the kernel with the base lock released; errno survives the
// re-acquisition of the lock.
int EpollBackend::wait_ms(int ms) {
  host_.release_lock();
  int n = epoll_wait(epfd_, events_, nevents_, ms);
  int saved = errno;
  host_.acquire_lock();
  errno = saved;
  return n;
}

int EpollBackend::wait(const timeval* timeout) {
  const bool positive =
      timeout != nullptr && (timeout->tv_sec > 0 || (timeout->tv_sec == 0 && timeout->tv_usec > 0));
  if (precise_ && positive) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
    if (use_pwait2_) {
      timespec ts;
      ts.tv_sec = timeout->tv_sec;
      ts.tv_nsec = static_cast<long>(timeout->tv_usec) * 1000;
      host_.release_lock();
      int n = epoll_pwait2(epfd_, events_, nevents_, &ts, nullptr);
      int saved = errno;
      host_.acquire_lock();
      errno = saved;
      // Kernels before 5.11 (or sandboxes) lack it: fall back to a timerfd.
      if (n >= 0 || (saved != ENOSYS && saved != EPERM)) return n;
      use_pwait2_ = false;
    }
#endif
    if (arm_timer(*timeout)) return wait_ms(-1);
  }
  // A timer left armed by an earlier wait would end an endless one.
  if (timeout == nullptr && timer_armed_) disarm_timer();
  return wait_ms(timeout_ms_ceil(timeout));
}

// PRECISE_TIMER without epoll_pwait2: a timerfd in the set carries the
// timeout with nanosecond resolution.  Returns false (and gives up on
// precision) when no timerfd can be had.
bool EpollBackend::arm_timer(const timeval& timeout) {
  if (timerfd_ < 0) {
    timerfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timerfd_ < 0) {
      evpriv_warn("timerfd_create");
      precise_ = false;
      return false;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kTimerTag;
    ++ctl_calls_;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, timerfd_, &event) < 0) {
      evpriv_warn("epoll_ctl(timerfd)");
      close(timerfd_);
      timerfd_ = -1;
      precise_ = false;
      return false;
    }
  }
  itimerspec spec{};
  spec.it_value.tv_sec = timeout.tv_sec;
  spec.it_value.tv_nsec = static_cast<long>(timeout.tv_usec) * 1000;
  // Re-arming also clears an expiry nobody read, so we never read the fd.
  if (timerfd_settime(timerfd_, 0, &spec, nullptr) < 0) {
    evpriv_warn("timerfd_settime");
    return false;
  }
  timer_armed_ = true;
  return true;
}

void EpollBackend::disarm_timer() {
  itimerspec spec{};
  if (timerfd_settime(timerfd_, 0, &spec, nullptr) < 0) evpriv_warn("timerfd_settime");
  timer_armed_ = false;
}

void EpollBackend::report(const epoll_event& event) {
  const uint64_t data = event.data.u64;
  if (data == kTimerTag) return;  // only there to end the wait
  const int fd = static_cast<int>(static_cast<uint32_t>(data));
  const uint32_t gen = static_cast<uint32_t>(data >> 32);
  if (fd < 0 || static_cast<size_t>(fd) >= nfds_) {
    rebuild_needed_ = true;  // a zombie: never reported, removed by a rebuild
    return;
  }
  FdState& st = fds_[fd];
  // The batch was gathered before the changes stamped with this dispatch
  // number: an interest dropped, or the number closed, reused and added
  // again, since then.  Its event says nothing about the registration we
  // have now, so it is dropped without a call that could hit a closed fd;
  // a registration that really lives on fires again at the next dispatch.
  const bool gathered_before_change = st.changed_at == dispatches_;
  if (!st.registered() || st.gen() != gen) {
    if (!gathered_before_change) rebuild_needed_ = true;  // a zombie, as above
    return;
  }
  if (st.lazy() && st.wanted == 0) {
    if (gathered_before_change) return;
    // Nobody wants this fd any more: stop its events now.
    st.set(FdState::kRegistered, false);
    st.set(FdState::kLazy, false);
    if (ctl(EPOLL_CTL_DEL, fd, 0, st.gen()) < 0) {
      // EBADF: the number was closed first, and its file lives on in
      // another descriptor (dup, fork).  As libevent, that is no error and
      // no reason to replace the epoll set: the program may put the same
      // file back on this number (dup2), which revives the registration.
      // Should the orphan keep firing, it is caught as a zombie below.
      if (errno != EBADF && errno != ENOENT && errno != EPERM) {
        evpriv_warn("epoll_ctl(DEL)");
        rebuild_needed_ = true;
      }
    }
    return;
  }
  const short what = from_epoll(event.events) & st.wanted;
  if (what != 0) host_.ready(fd, what);  // may re-enter update(): no references kept
}

// Replaces the epoll set with a fresh one holding exactly the wanted
// interest, dropping registrations we can no longer name (zombies that keep
// firing).  The fresh set takes over our descriptor number (dup3), so the
// rebuild is invisible to the program: the number it gets briefly is
// typically one the program just closed and may dup2() onto next.
void EpollBackend::rebuild() {
  int fresh = epoll_create1(EPOLL_CLOEXEC);
  if (fresh < 0) {
    evpriv_warn("epoll_create1");
    return;  // keep the old set; retried at the next dispatch
  }
  rebuild_needed_ = false;
  if (dup3(fresh, epfd_, O_CLOEXEC) == epfd_) {
    close(fresh);  // the old set went with the dup3
  } else {
    close(epfd_);
    epfd_ = fresh;
  }
  if (timerfd_ >= 0) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kTimerTag;
    ++ctl_calls_;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, timerfd_, &event) < 0) {
      close(timerfd_);
      timerfd_ = -1;
      timer_armed_ = false;
    }
  }
  for (size_t fd = 0; fd < nfds_; ++fd) {
    FdState& st = fds_[fd];
    st.set(FdState::kRegistered, false);
    st.set(FdState::kLazy, false);
    if (st.wanted != 0) sync(static_cast<int>(fd));
  }
}

Backend* create(BackendHost& host, const BackendOptions& options, bool allow_pwait2) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) {
    if (errno != ENOSYS) evpriv_warn("epoll_create");
    return nullptr;
  }
  auto* events = static_cast<epoll_event*>(mm_malloc(sizeof(epoll_event) * kInitialEvents));
  Backend* backend =
      events ? make<EpollBackend>(host, epfd, events, options, allow_pwait2) : nullptr;
  if (backend == nullptr) {
    evpriv_warn("epoll: out of memory");
    mm_free(events);
    close(epfd);
  }
  return backend;
}

}  // namespace

Backend* create_epoll_backend(BackendHost& host, const BackendOptions& options) {
  return create(host, options, true);
}

Backend* create_epoll_backend_with_timerfd(BackendHost& host, const BackendOptions& options) {
  return create(host, options, false);
}

unsigned long epoll_ctl_calls(const Backend& epoll_backend) {
  return static_cast<const EpollBackend&>(epoll_backend).ctl_calls();
}

}  // namespace ev

#endif  // EV_BACKEND_HAVE_EPOLL
