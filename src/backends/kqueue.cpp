// The kqueue backend (BSDs, macOS).
//
// kevent() takes a list of changes together with the wait, so changes are
// only recorded per fd and submitted with the next wait: any number of
// updates between two dispatches costs no extra system call.  A filter that
// is wanted is always re-submitted with EV_ADD when its fd changed, which is
// free and re-arms a number that was closed and reused in between (the kernel
// drops a descriptor's filters when it is closed).  Errors of individual
// changes come back as EV_ERROR entries, so the event array always has room
// for one per change.
#include "backends/available.hpp"

#if EV_BACKEND_HAVE_KQUEUE

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include <event2/event.h>

#include "backends/backend.hpp"
#include "backends/backend_util.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

namespace ev {
namespace {

using backend_detail::grow_zeroed;

constexpr short kInterestBits = EV_READ | EV_WRITE;
constexpr size_t kInitialEvents = 64;
constexpr size_t kMaxEvents = 4096;
// At most a delete and an add for each of the two filters.
constexpr size_t kMaxChangesPerFd = 4;

struct FdState {
  short wanted;  // interest the core asked for (EV_READ|EV_WRITE, maybe EV_ET)
  short kernel;  // what we last submitted
  bool pending;  // listed in pending_
};

class KqueueBackend final : public Backend {
 public:
  KqueueBackend(BackendHost& host, int kq, struct kevent* events)
      : host_(host), kq_(kq), events_(events) {}

  ~KqueueBackend() override {
    close(kq_);
    mm_free(events_);
    mm_free(changes_);
    mm_free(fds_);
    mm_free(pending_);
  }

  KqueueBackend(const KqueueBackend&) = delete;
  KqueueBackend& operator=(const KqueueBackend&) = delete;

  int update(int fd, short old_events, short new_events) override;
  int dispatch(const timeval* timeout) override;

 private:
  size_t collect_changes();
  void push_change(size_t& n, int fd, short filter, unsigned short flags);
  void report(const struct kevent& event);

  BackendHost& host_;
  int kq_;
  struct kevent* events_;
  size_t nevents_ = kInitialEvents;
  struct kevent* changes_ = nullptr;
  size_t changes_cap_ = 0;
  FdState* fds_ = nullptr;
  size_t nfds_ = 0;
  int* pending_ = nullptr;
  size_t npending_ = 0;
  size_t pending_cap_ = 0;
};

int KqueueBackend::update(int fd, short old_events, short new_events) {
  (void)old_events;
  if (fd < 0) {
    evpriv_warnx("kqueue: invalid fd %d", fd);
    return -1;
  }
  short now = new_events & (kInterestBits | EV_ET);
  if ((now & kInterestBits) == 0) now = 0;
  if (static_cast<size_t>(fd) >= nfds_) {
    if (now == 0) return 0;
    if (!grow_zeroed(fds_, nfds_, static_cast<size_t>(fd) + 1)) {
      evpriv_warn("kqueue: cannot grow the fd table");
      return -1;
    }
  }
  if (!fds_[fd].pending) {
    if (!grow_zeroed(pending_, pending_cap_, npending_ + 1)) {
      evpriv_warn("kqueue: cannot queue the change");
      return -1;
    }
    pending_[npending_++] = fd;
    fds_[fd].pending = true;
  }
  fds_[fd].wanted = now;
  return 0;
}

void KqueueBackend::push_change(size_t& n, int fd, short filter, unsigned short flags) {
  EV_SET(&changes_[n], static_cast<uintptr_t>(fd), filter, flags, 0, 0, 0);
  ++n;
}

// Turns the pending fds into a kevent change list; returns its length.
size_t KqueueBackend::collect_changes() {
  size_t n = 0;
  for (size_t i = 0; i < npending_; ++i) {
    const int fd = pending_[i];
    FdState& st = fds_[fd];
    st.pending = false;
    const bool edge = (st.wanted & EV_ET) != 0;
    const bool was_edge = (st.kernel & EV_ET) != 0;
    const short filters[2] = {EVFILT_READ, EVFILT_WRITE};
    const short bits[2] = {EV_READ, EV_WRITE};
    for (int f = 0; f < 2; ++f) {
      const bool want = (st.wanted & bits[f]) != 0;
      const bool had = (st.kernel & bits[f]) != 0;
      if (want) {
        // EV_ADD on an existing filter keeps its old EV_CLEAR setting.
        if (had && edge != was_edge) push_change(n, fd, filters[f], EV_DELETE);
        push_change(n, fd, filters[f], static_cast<unsigned short>(EV_ADD | (edge ? EV_CLEAR : 0)));
      } else if (had) {
        push_change(n, fd, filters[f], EV_DELETE);
      }
    }
    st.kernel = st.wanted;
  }
  npending_ = 0;
  return n;
}

int KqueueBackend::dispatch(const timeval* timeout) {
  const size_t max_changes = npending_ * kMaxChangesPerFd;
  if (!grow_zeroed(changes_, changes_cap_, max_changes) ||
      !grow_zeroed(events_, nevents_, max_changes)) {
    evpriv_warn("kqueue: cannot build the change list");
    return -1;
  }
  // changes_ and events_ belong to dispatch alone, so other threads may
  // queue new changes while we wait.
  const size_t nchanges = collect_changes();

  timespec ts{};
  const timespec* wait_for = nullptr;
  if (timeout != nullptr) {
    if (timeout->tv_sec > 0 || (timeout->tv_sec == 0 && timeout->tv_usec > 0)) {
      ts.tv_sec = timeout->tv_sec;
      ts.tv_nsec = static_cast<long>(timeout->tv_usec) * 1000;
    }
    wait_for = &ts;
  }

  host_.release_lock();
  int n = kevent(kq_, changes_, static_cast<int>(nchanges), events_, static_cast<int>(nevents_),
                 wait_for);
  int saved = errno;
  host_.acquire_lock();

  if (n < 0) {
    if (saved == EINTR) return 0;
    errno = saved;
    evpriv_warn("kevent");
    return -1;
  }
  for (int i = 0; i < n; ++i) report(events_[i]);

  if (static_cast<size_t>(n) == nevents_ && nevents_ < kMaxEvents) {
    size_t cap = nevents_;
    grow_zeroed(events_, cap, nevents_ + 1);  // failure: keep the old size
    nevents_ = cap;
  }
  return 0;
}

void KqueueBackend::report(const struct kevent& event) {
  const int fd = static_cast<int>(event.ident);
  if (fd < 0 || static_cast<size_t>(fd) >= nfds_) return;
  short what = 0;
  if (event.flags & EV_ERROR) {
    switch (event.data) {
      case 0:
        return;     // a receipt, not an error
      case ENOENT:  // deleting a filter that a close() already dropped
      case EINVAL:
      case EBADF:
        return;
      case EPERM:
      case EPIPE:
        // Adding a filter to a pipe whose other end is gone: let the
        // program's read or write find out.
        what = EV_READ | EV_WRITE;
        break;
      default:
        errno = static_cast<int>(event.data);
        evpriv_warn("kevent: fd %d", fd);
        return;
    }
  } else if (event.filter == EVFILT_READ) {
    what = EV_READ;
  } else if (event.filter == EVFILT_WRITE) {
    what = EV_WRITE;
  }
  what &= fds_[fd].wanted;
  if (what != 0) host_.ready(fd, what);
}

}  // namespace

Backend* create_kqueue_backend(BackendHost& host, const BackendOptions& options) {
  (void)options;
  int kq = kqueue();
  if (kq < 0) {
    evpriv_warn("kqueue");
    return nullptr;
  }
  // Not inherited by fork() on BSD; emulations on other systems need this.
  fcntl(kq, F_SETFD, FD_CLOEXEC);
  auto* events = static_cast<struct kevent*>(mm_calloc(kInitialEvents, sizeof(struct kevent)));
  Backend* backend = events ? make<KqueueBackend>(host, kq, events) : nullptr;
  if (backend == nullptr) {
    evpriv_warn("kqueue: out of memory");
    mm_free(events);
    close(kq);
  }
  return backend;
}

}  // namespace ev

#endif  // EV_BACKEND_HAVE_KQUEUE
