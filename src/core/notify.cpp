// Waking a loop that blocks in another thread: an eventfd registered as an
// internal read event.  One write per wake-up at most (notify_pending_).
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "core/base.hpp"
#include "core/log.hpp"

using namespace ev;

namespace {

void drain_notify(evutil_socket_t fd, short, void* arg) {
  auto* base = static_cast<event_base*>(arg);
  std::uint64_t value;
  while (read(fd, &value, sizeof(value)) > 0) {
  }
  base->lock();
  base->notify_pending_ = false;
  base->unlock();
}

}  // namespace

int event_base::make_notifiable_locked() {
  if (notify_fd_ >= 0) return 0;
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    evpriv_warn("%s: eventfd", "evthread_make_base_notifiable");
    return -1;
  }
  notify_fd_ = fd;
  assign_internal_event(&notify_event_, fd, EV_READ | EV_PERSIST, drain_notify, this);
  if (add_locked(&notify_event_, nullptr, false) != 0) {
    close(fd);
    notify_fd_ = -1;
    return -1;
  }
  return 0;
}

void event_base::notify() {
  if (notify_fd_ < 0 || notify_pending_) return;
  notify_pending_ = true;
  const std::uint64_t one = 1;
  ssize_t r;
  do {
    r = write(notify_fd_, &one, sizeof(one));
  } while (r < 0 && errno == EINTR);
}

void event_base::close_notify_locked() {
  if (notify_fd_ < 0) return;
  del_locked(&notify_event_, DelMode::kAutoBlock);
  close(notify_fd_);
  notify_fd_ = -1;
  notify_pending_ = false;
}
