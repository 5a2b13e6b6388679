// The fd map: for each fd, its events and the combined interest the backend
// was told about.  The backend hears only about changes of that combined
// interest, so several events on one fd cost one registration.
#include <sys/resource.h>

#include "core/base.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"
#include "core/thread_state.hpp"

using namespace ev;

namespace {

// No descriptor of this process can be that high (its hard RLIMIT_NOFILE,
// and libevent's own cap of 2^27 table slots): such a number fails at once
// instead of growing the table to it.
bool fd_is_absurd(int fd) {
  constexpr int kMaxTableFd = (1 << 27) - 1;
  if (fd > kMaxTableFd) return true;
  rlimit lim;
  return getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_max != RLIM_INFINITY &&
         static_cast<rlim_t>(fd) >= lim.rlim_max;
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

// slot.interest always holds the combined interest (plus EV_ET), so a change
// is seen from the counters that cross zero, without recomputing masks.
int event_base::add_io_event_locked(event* e) {
  const int fd = e->ev_fd;
  if (fd >= 0) {  // a negative fd is counted, but there is nothing to watch (as libevent)
    if (static_cast<std::size_t>(fd) >= fds_.size()) [[unlikely]] {
      // Within the table's capacity nothing is allocated: no need to ask
      // the kernel for the limit (a getrlimit per accepted connection).
      if (static_cast<std::size_t>(fd) >= fds_.capacity() && fd_is_absurd(fd))
        return -1;  // as libevent, without a message
      if (!grow_to(fds_, static_cast<std::size_t>(fd) + 1)) {
        evpriv_warnx("%s: out of memory", "event_add");
        return -1;
      }
    }
    FdSlot& slot = fds_[static_cast<std::size_t>(fd)];
    const short what = e->ev_events;
    if (g_debug_mode && slot.events.head != nullptr &&
        ((slot.events.head->ev_events ^ what) & EV_ET)) [[unlikely]] {
      evpriv_warnx("Tried to mix edge-triggered and non-edge-triggered events on fd %d", fd);
      return -1;
    }
    if (((what & EV_READ) && slot.nread == 0xffff) ||
        ((what & EV_WRITE) && slot.nwrite == 0xffff) ||
        ((what & EV_CLOSED) && slot.nclose == 0xffff)) [[unlikely]] {
      evpriv_warnx("Too many events reading or writing on fd %d", fd);
      return -1;
    }
    const short old_mask = static_cast<short>(slot.interest & kIoMask);
    const short new_mask = static_cast<short>(old_mask | (what & kIoMask));
    if (new_mask != old_mask) {
      // EV_ET follows the event whose arrival changed the interest.
      const short with_et = static_cast<short>(new_mask | (what & EV_ET));
      if (backend_->update(fd, slot.interest, with_et) == -1) return -1;
      slot.interest = with_et;
      notify_if_needed();  // a loop blocked in another thread must see the fd
    }
    slot.nread = static_cast<std::uint16_t>(slot.nread + ((what & EV_READ) != 0));
    slot.nwrite = static_cast<std::uint16_t>(slot.nwrite + ((what & EV_WRITE) != 0));
    slot.nclose = static_cast<std::uint16_t>(slot.nclose + ((what & EV_CLOSED) != 0));
    slot.events.push_front(e);
  }
  insert_inserted(e);
  return 0;
}

int event_base::del_io_event_locked(event* e) {
  remove_inserted(e);
  const int fd = e->ev_fd;
  if (fd < 0) return wake_after_del(false, 0);
  if (static_cast<std::size_t>(fd) >= fds_.size()) return wake_after_del(false, -1);
  FdSlot& slot = fds_[static_cast<std::size_t>(fd)];
  const short what = e->ev_events;
  short dropped = 0;  // interest bits whose last event leaves
  if ((what & EV_READ) && --slot.nread == 0) dropped |= EV_READ;
  if ((what & EV_WRITE) && --slot.nwrite == 0) dropped |= EV_WRITE;
  if ((what & EV_CLOSED) && --slot.nclose == 0) dropped |= EV_CLOSED;
  EventList::remove(e);
  if (dropped == 0) return wake_after_del(false, 0);
  const short old = slot.interest;
  const short new_mask = static_cast<short>(old & kIoMask & ~dropped);
  slot.interest = new_mask != 0 ? static_cast<short>(new_mask | (old & EV_ET)) : 0;
  // Without threads there is nobody to wake: the backend call ends it all
  // (a tail call, which keeps this path free of register saving).
  if (g_thread_id_fn == nullptr) return backend_->update(fd, old, slot.interest);
  const int res = backend_->update(fd, old, slot.interest);
  return wake_after_del(res == 0, res);
}

// Lets a loop waiting in another thread notice a dropped fd (changed) or
// that it has nothing left; returns res.
int event_base::wake_after_del(bool changed, int res) {
  if (g_thread_id_fn != nullptr && (changed || (!has_events() && active_count_ == 0)))
    notify_if_needed();
  return res;
}

// The backend's readiness report: queue every event of the fd that waits
// for one of the reported kinds.  Called by the loop's own dispatch, so
// there is no other loop to wake (io_activate() is the general form).
// Edge-triggered events learn that they were (libevent passes EV_ET on).
// Backends call it only from dispatch(), which the loop runs outside
// process_active(): no priority is running then.
void event_base::ready(int fd, short what) { queue_ready<true>(fd, what); }

void event_base::io_activate(int fd, short what) {
  queue_ready<false>(fd, what);
  note_count_peaks();
  notify_if_needed();
}

template <bool in_dispatch>
void event_base::queue_ready(int fd, short what) {
  if (static_cast<std::size_t>(fd) >= fds_.size()) return;  // also rejects fd < 0
  event* e = fds_[static_cast<std::size_t>(fd)].events.head;
  if (e == nullptr) return;
  if (EventList::next(e) != nullptr) return ready_all<in_dispatch>(e, what);
  // One event on the fd, the usual case: no loop, nothing to keep across calls.
  if (!(e->ev_events & what & kIoMask)) return;
  activate_event_locked<true, in_dispatch>(e, e->ev_events & (what | ready_et_bit_), 1);
}

template <bool in_dispatch>
void event_base::ready_all(event* first, short what) {
  const short res_mask = static_cast<short>(what | ready_et_bit_);
  for (event* e = first; e != nullptr; e = EventList::next(e)) {
    if (e->ev_events & what & kIoMask)
      activate_event_locked<true, in_dispatch>(e, e->ev_events & res_mask, 1);
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
