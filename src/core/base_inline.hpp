// Inline definitions of the event_base members on the per-callback hot path:
// list membership counters, the active queues and activation.  Each is a
// handful of instructions called once or twice per callback, so a call into
// another translation unit (we build without LTO) would cost as much as the
// work.  Included at the end of base.hpp; the rare cases stay out of line.
#pragma once

#include "core/thread_state.hpp"

namespace ev {

// A counter and the high-water mark event_base_get_max_events() reports.
inline void count_up(int& count, int& max) {
  if (++count > max) max = count;
}

}  // namespace ev

inline bool event_base::needs_notify() const {
  return ev::g_thread_id_fn != nullptr && running_loop_ && owner_id_ != ev::g_thread_id_fn();
}

inline void event_base::insert_inserted(event* e) {
  short& flags = ev::ev_flags(e);
  if (!(flags & EVLIST_INTERNAL)) ev::count_up(event_count_, event_count_max_);
  flags |= EVLIST_INSERTED;
}

inline void event_base::remove_inserted(event* e) {
  short& flags = ev::ev_flags(e);
  if (!(flags & EVLIST_INTERNAL)) --event_count_;
  flags &= ~EVLIST_INSERTED;
}

inline void event_base::insert_timeout(event* e) {
  short& flags = ev::ev_flags(e);
  if (!(flags & EVLIST_INTERNAL)) ev::count_up(event_count_, event_count_max_);
  flags |= EVLIST_TIMEOUT;
  if (is_common_timeout(&e->ev_timeout))
    common_queue_for(&e->ev_timeout)->insert_sorted(e);
  else
    heap_.push(e);
}

inline void event_base::remove_timeout(event* e) {
  short& flags = ev::ev_flags(e);
  if (!(flags & EVLIST_INTERNAL)) --event_count_;
  flags &= ~EVLIST_TIMEOUT;
  if (is_common_timeout(&e->ev_timeout))
    common_queue_for(&e->ev_timeout)->remove(e);
  else
    heap_.erase(e);
}

// cb must be neither active nor active-later.  Without track_max the
// caller updates the high-water marks itself (note_count_peaks()).
template <bool track_max>
inline void event_base::insert_active(event_callback* cb) {
  if (!(cb->evcb_flags & EVLIST_INTERNAL)) {
    if (track_max)
      ev::count_up(event_count_, event_count_max_);
    else
      ++event_count_;
  }
  cb->evcb_flags |= EVLIST_ACTIVE;
  if (track_max)
    ev::count_up(active_count_, active_count_max_);
  else
    ++active_count_;
  // A priority beyond the current range (event_base_priority_init shrank
  // it) runs at the lowest one.
  if (cb->evcb_pri >= n_active_queues_) cb->evcb_pri = static_cast<uint8_t>(n_active_queues_ - 1);
  active_queues_[cb->evcb_pri].push_back(cb);
}

// After a burst of insert_active<false>(): counts only grew during it, so
// their peaks are where they stand now.
inline void event_base::note_count_peaks() {
  if (event_count_ > event_count_max_) event_count_max_ = event_count_;
  if (active_count_ > active_count_max_) active_count_max_ = active_count_;
}

inline void event_base::remove_active(event_callback* cb) {
  if (!(cb->evcb_flags & EVLIST_INTERNAL)) --event_count_;
  cb->evcb_flags &= ~EVLIST_ACTIVE;
  --active_count_;
  active_queues_[cb->evcb_pri].remove(cb);
}

// remove_active() of the first callback of q, the queue it is in.
inline void event_base::pop_active(ev::CallbackQueue& q, event_callback* cb) {
  if (!(cb->evcb_flags & EVLIST_INTERNAL)) --event_count_;
  cb->evcb_flags &= ~EVLIST_ACTIVE;
  --active_count_;
  q.pop_front(cb);
}

// The common activation (an event that is not queued, finalizing or a
// signal) inline; everything else in activate_slow_locked().  The loop
// thread itself (ready(), timeouts) has no other loop to wake: in_loop;
// it also records the count peaks after its burst (note_count_peaks()).
// in_dispatch: between the backend's wait and the callbacks, where no
// priority is running.
template <bool in_loop, bool in_dispatch>
inline void event_base::activate_event_locked(event* e, int res, short ncalls) {
  constexpr short kQueuedOrFinalizing = EVLIST_ACTIVE | EVLIST_ACTIVE_LATER | EVLIST_FINALIZING;
  if (!(ev::ev_flags(e) & kQueuedOrFinalizing) && !(e->ev_events & EV_SIGNAL)) [[likely]] {
    e->ev_res = static_cast<short>(res);
    // A higher-priority event became ready: finish the current one first.
    if (!in_dispatch && ev::ev_pri(e) < running_priority_) continue_ = true;
    insert_active<!in_loop>(ev::to_callback(e));
    if (!in_loop) notify_if_needed();
    return;
  }
  activate_slow_locked(e, res, ncalls);
}

inline void event_base::activate_locked(event* e, int res, short ncalls) {
  activate_event_locked<false>(e, res, ncalls);
}

// The cases every server and timer wheel repeats, without the queue,
// signal and cross-thread cases of the general code:
// - event_add(e, NULL) of an fd event that is not pending yet;
// - event_add(e, tv) of a pure timer (no fd, no signal) that is not queued;
// - event_del() of an fd event that is only registered, or of a timer that
//   is only pending.
inline int event_base::add_locked(event* e, const timeval* tv, bool absolute) {
  constexpr short kBusy = EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER | EVLIST_FINALIZING;
  const short flags = ev::ev_flags(e);
  if (!(e->ev_events & EV_SIGNAL) && !(flags & kBusy)) {
    if (tv == nullptr && (e->ev_events & ev::kIoMask)) return add_io_event_locked(e);
    if (tv != nullptr && !(e->ev_events & ev::kIoMask) &&
        ((flags & EVLIST_TIMEOUT) || heap_.has_room())) {
      if (!absolute && !is_common_timeout(tv)) return add_heap_timer_locked(e, tv);
      if (schedule_timeout_locked(e, tv, absolute)) notify_if_needed();
      return 0;
    }
  }
  return add_slow_locked(e, tv, absolute);
}

inline int event_base::del_locked(event* e, ev::DelMode mode) {
  constexpr short kAnyList =
      EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER | EVLIST_FINALIZING;
  if (!(e->ev_events & EV_SIGNAL) && current_event_ != ev::to_callback(e)) {
    const short lists = ev::ev_flags(e) & kAnyList;
    if (lists == EVLIST_INSERTED) return del_io_event_locked(e);
    if (lists == EVLIST_TIMEOUT) {
      remove_timeout(e);  // never worth a wake-up
      return 0;
    }
  }
  return del_slow_locked(e, mode);
}
