// The poll backend: a dense pollfd array plus an fd -> position map, so that
// adding, changing and removing interest are all O(1) (removal moves the last
// entry into the hole).  The kernel waits on a private copy of the array
// because other threads may update the original while the lock is released.
#include "backends/available.hpp"

#if EV_BACKEND_HAVE_POLL

#include <errno.h>
#include <poll.h>

#include <cstring>

#include <event2/event.h>

#include "backends/backend.hpp"
#include "backends/backend_util.hpp"
#include "backends/poll_bits.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

namespace ev {
namespace {

using backend_detail::grow_zeroed;
using backend_detail::timeout_ms_ceil;

short to_poll(short what) { return static_cast<short>(backend_detail::poll_bits_of(what)); }

// The interest encoded in a pollfd's `events`.
short interest_of(short events) {
  short what = 0;
  if (events & POLLIN) what |= EV_READ;
  if (events & POLLOUT) what |= EV_WRITE;
  if (events & POLLRDHUP) what |= EV_CLOSED;
  return what;
}

short from_revents(short revents) {
  return backend_detail::events_of_poll_bits(static_cast<unsigned short>(revents));
}

class PollBackend final : public Backend {
 public:
  explicit PollBackend(BackendHost& host) : host_(host) {}

  ~PollBackend() override {
    mm_free(fds_);
    mm_free(copy_);
    mm_free(slot_);
  }

  PollBackend(const PollBackend&) = delete;
  PollBackend& operator=(const PollBackend&) = delete;

  int update(int fd, short old_events, short new_events) override;
  int dispatch(const timeval* timeout) override;

 private:
  // Position + 1 of `fd` in fds_, 0 when absent.
  size_t slot_of(int fd) const { return static_cast<size_t>(fd) < nslots_ ? slot_[fd] : 0; }
  void remove_at(size_t pos);

  BackendHost& host_;
  pollfd* fds_ = nullptr;  // the interest set, dense
  size_t nfds_ = 0;
  size_t fds_cap_ = 0;
  pollfd* copy_ = nullptr;  // what the kernel waits on
  size_t copy_cap_ = 0;
  size_t* slot_ = nullptr;  // indexed by fd
  size_t nslots_ = 0;
};

void PollBackend::remove_at(size_t pos) {
  const int fd = fds_[pos].fd;
  const size_t last = nfds_ - 1;
  if (pos != last) {
    fds_[pos] = fds_[last];
    slot_[fds_[pos].fd] = pos + 1;
  }
  slot_[fd] = 0;
  nfds_ = last;
}

int PollBackend::update(int fd, short old_events, short new_events) {
  (void)old_events;
  if (fd < 0) {
    evpriv_warnx("poll: invalid fd %d", fd);
    return -1;
  }
  const short events = to_poll(new_events);
  const size_t slot = slot_of(fd);
  if (events == 0) {
    if (slot != 0) remove_at(slot - 1);
    return 0;
  }
  if (slot != 0) {
    fds_[slot - 1].events = events;
    return 0;
  }
  if (!grow_zeroed(slot_, nslots_, static_cast<size_t>(fd) + 1) ||
      !grow_zeroed(fds_, fds_cap_, nfds_ + 1)) {
    evpriv_warn("poll: cannot grow the poll set");
    return -1;
  }
  fds_[nfds_].fd = fd;
  fds_[nfds_].events = events;
  fds_[nfds_].revents = 0;
  slot_[fd] = ++nfds_;
  return 0;
}

int PollBackend::dispatch(const timeval* timeout) {
  const size_t n = nfds_;
  if (!grow_zeroed(copy_, copy_cap_, n)) {
    evpriv_warn("poll: cannot copy the poll set");
    return -1;
  }
  if (n != 0) std::memcpy(copy_, fds_, n * sizeof(pollfd));

  host_.release_lock();
  int res = poll(copy_, static_cast<nfds_t>(n), timeout_ms_ceil(timeout));
  int saved = errno;
  host_.acquire_lock();

  if (res < 0) {
    if (saved == EINTR) return 0;
    errno = saved;
    evpriv_warn("poll");
    return -1;
  }
  // copy_ is only touched here, so it stays valid while ready() re-enters
  // update(); the interest is looked up afresh for every fd.
  for (size_t i = 0; i < n && res > 0; ++i) {
    if (copy_[i].revents == 0) continue;
    --res;
    const int fd = copy_[i].fd;
    const size_t slot = slot_of(fd);
    if (slot == 0) continue;  // removed meanwhile
    const short what = from_revents(copy_[i].revents) & interest_of(fds_[slot - 1].events);
    if (what != 0) host_.ready(fd, what);
  }
  return 0;
}

}  // namespace

Backend* create_poll_backend(BackendHost& host, const BackendOptions& options) {
  (void)options;
  Backend* backend = make<PollBackend>(host);
  if (backend == nullptr) evpriv_warn("poll: out of memory");
  return backend;
}

}  // namespace ev

#endif  // EV_BACKEND_HAVE_POLL
