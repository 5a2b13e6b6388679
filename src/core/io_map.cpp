// The fd map: for each fd, its events and the combined interest the backend
// was told about.  The backend hears only about changes of that combined
// interest, so several events on one fd cost one registration.
#include "core/base.hpp"
#include "core/log.hpp"

using namespace ev;

namespace {

short interest_of(const FdSlot& slot) {
  short mask = 0;
  if (slot.nread != 0) mask |= EV_READ;
  if (slot.nwrite != 0) mask |= EV_WRITE;
  if (slot.nclose != 0) mask |= EV_CLOSED;
  return mask;
}

// Grows the slot table; list heads moved, so their back-links are repaired.
bool grow_to(GrowableArray<FdSlot>& fds, std::size_t n) {
  FdSlot* before = fds.data();
  if (!fds.resize_at_least(n)) return false;
  if (fds.data() != before) {
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (event* head = fds[i].events.head) EventList::link(head).le_prev = &fds[i].events.head;
  }
  return true;
}

}  // namespace

int event_base::io_add(event* e) {
  const int fd = e->ev_fd;
  if (fd < 0) return 0;  // as libevent: counted, but nothing to watch
  if (!grow_to(fds_, static_cast<std::size_t>(fd) + 1)) {
    evpriv_warnx("%s: out of memory", "event_add");
    return -1;
  }
  FdSlot& slot = fds_[static_cast<std::size_t>(fd)];
  unsigned nread = slot.nread + ((e->ev_events & EV_READ) ? 1u : 0u);
  unsigned nwrite = slot.nwrite + ((e->ev_events & EV_WRITE) ? 1u : 0u);
  unsigned nclose = slot.nclose + ((e->ev_events & EV_CLOSED) ? 1u : 0u);
  if (nread > 0xffff || nwrite > 0xffff || nclose > 0xffff) {
    evpriv_warnx("Too many events reading or writing on fd %d", fd);
    return -1;
  }
  const short old_mask = interest_of(slot);
  short new_mask = static_cast<short>((nread ? EV_READ : 0) | (nwrite ? EV_WRITE : 0) |
                                      (nclose ? EV_CLOSED : 0));
  int changed = 0;
  if (new_mask != old_mask) {
    new_mask = static_cast<short>(new_mask | (e->ev_events & EV_ET));
    if (backend_->update(fd, slot.interest, new_mask) == -1) return -1;
    slot.interest = new_mask;
    changed = 1;
  }
  slot.nread = static_cast<std::uint16_t>(nread);
  slot.nwrite = static_cast<std::uint16_t>(nwrite);
  slot.nclose = static_cast<std::uint16_t>(nclose);
  slot.events.push_front(e);
  return changed;
}

int event_base::io_del(event* e) {
  const int fd = e->ev_fd;
  if (fd < 0) return 0;
  if (static_cast<std::size_t>(fd) >= fds_.size()) return -1;
  FdSlot& slot = fds_[static_cast<std::size_t>(fd)];
  const short old_mask = interest_of(slot);
  if (e->ev_events & EV_READ) --slot.nread;
  if (e->ev_events & EV_WRITE) --slot.nwrite;
  if (e->ev_events & EV_CLOSED) --slot.nclose;
  const short new_mask = interest_of(slot);
  int result = 0;
  if (new_mask != old_mask) {
    const short with_et =
        new_mask != 0 ? static_cast<short>(new_mask | (slot.interest & EV_ET)) : 0;
    result = backend_->update(fd, slot.interest, with_et) == -1 ? -1 : 1;
    slot.interest = with_et;
  }
  EventList::remove(e);
  return result;
}

void event_base::io_activate(int fd, short what) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size()) return;
  // Edge-triggered events learn that they were (libevent passes EV_ET on).
  const short res_mask =
      static_cast<short>(what | ((backend_info_->features & EV_FEATURE_ET) ? EV_ET : 0));
  for (event* e = fds_[static_cast<std::size_t>(fd)].events.head; e != nullptr;
       e = EventList::next(e)) {
    if (e->ev_events & what & kIoMask) activate_locked(e, e->ev_events & res_mask, 1);
  }
}

int event_base::io_readd_all() {
  int result = 0;
  for (std::size_t fd = 0; fd < fds_.size(); ++fd) {
    FdSlot& slot = fds_[fd];
    if (slot.interest == 0) continue;
    if (backend_->update(static_cast<int>(fd), 0, slot.interest) == -1) result = -1;
  }
  return result;
}
