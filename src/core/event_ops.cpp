// Adding, deleting and activating events and deferred callbacks, with the
// base lock held.  The rules follow libevent 2.1: an fd or signal is
// registered only when the event is neither pending nor active, EV_PERSIST
// events remember their relative timeout, and a timeout removes the event
// from the I/O side before activating it.
#include "core/base.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/thread_state.hpp"

using namespace ev;

bool event_base::in_loop_thread() const {
  return g_thread_id_fn == nullptr || owner_id_ == g_thread_id_fn();
}

void event_base::wait_for_callback(event_callback* cb) {
  if (current_event_cond_ == nullptr) return;
  while (current_event_ == cb) {
    ++current_event_waiters_;
    evpriv_cond_wait(current_event_cond_, lock_, nullptr);
  }
}

int event_base::add_slow_locked(event* e, const timeval* tv, bool absolute) {
  short& flags = ev_flags(e);
  if (flags & EVLIST_FINALIZING) return -1;

  // Reserve heap room first so that nothing below can fail half-way.
  if (tv != nullptr && !(flags & EVLIST_TIMEOUT) && !heap_.reserve(heap_.size() + 1)) {
    evpriv_warnx("%s: out of memory", "event_add");
    return -1;
  }
  // Another thread must not race a running signal callback on ev_ncalls.
  if (current_event_ == to_callback(e) && (e->ev_events & EV_SIGNAL) && !in_loop_thread())
    wait_for_callback(to_callback(e));

  int res = 0;
  bool wake = false;
  if ((e->ev_events & (kIoMask | EV_SIGNAL)) &&
      !(flags & (EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER))) {
    if (e->ev_events & EV_SIGNAL) {
      res = sig_add(e);
      if (res != -1) insert_inserted(e);
      if (res == 1) {
        wake = true;
        res = 0;
      }
    } else {
      res = add_io_event_locked(e);  // wakes a loop in another thread itself
    }
  }

  if (res != -1 && tv != nullptr && schedule_timeout_locked(e, tv, absolute)) wake = true;
  if (wake) notify_if_needed();
  return res;
}

int event_base::del_slow_locked(event* e, DelMode mode) {
  short& flags = ev_flags(e);
  if (mode != DelMode::kEvenIfFinalizing && (flags & EVLIST_FINALIZING)) return 0;

  // Stop a signal callback that is being repeated for several deliveries.
  cut_signal_repeats(e);

  if (flags & EVLIST_TIMEOUT) remove_timeout(e);  // never worth a wake-up
  if (flags & EVLIST_ACTIVE)
    remove_active(to_callback(e));
  else if (flags & EVLIST_ACTIVE_LATER)
    remove_active_later(to_callback(e));

  int res = 0;
  bool wake = false;
  if ((flags & EVLIST_INSERTED) && !(e->ev_events & EV_SIGNAL)) {
    res = del_io_event_locked(e);  // wakes a loop in another thread itself
  } else if (flags & EVLIST_INSERTED) {
    remove_inserted(e);
    res = sig_del(e);
    if (res == 1) {
      wake = true;
      res = 0;
    }
    // Let a loop waiting in another thread notice that it has nothing left.
    if (!has_events() && active_count_ == 0) wake = true;
  }
  if (wake) notify_if_needed();

  // Wait for the callback if it is running in another thread, unless told
  // not to (event_del_noblock, or EV_FINALIZE events under event_del).
  if (mode != DelMode::kNoBlock && current_event_ == to_callback(e) && !in_loop_thread() &&
      (mode == DelMode::kBlock || !(e->ev_events & EV_FINALIZE)))
    wait_for_callback(to_callback(e));
  return res;
}

int event_base::remove_timer_locked(event* e) {
  if (ev_flags(e) & EVLIST_TIMEOUT) {
    remove_timeout(e);
    if (!(e->ev_events & EV_SIGNAL)) timerclear(&ev_io_interval(e));
  }
  return 0;
}

void event_base::activate_slow_locked(event* e, int res, short ncalls) {
  short flags = ev_flags(e);
  if (flags & EVLIST_FINALIZING) return;
  switch (flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) {
    case EVLIST_ACTIVE:
      e->ev_res = static_cast<short>(e->ev_res | res);  // merge reasons
      return;
    case EVLIST_ACTIVE_LATER:
      e->ev_res = static_cast<short>(e->ev_res | res);
      break;
    case 0:
      e->ev_res = static_cast<short>(res);
      break;
    default:
      EV_ASSERT(!"active and active-later at once");
  }
  // A higher-priority event became ready: finish the current one first.
  if (ev_pri(e) < running_priority_) continue_ = true;

  if (e->ev_events & EV_SIGNAL) {
    if (current_event_ == to_callback(e) && !in_loop_thread()) wait_for_callback(to_callback(e));
    ev_ncalls(e) = ncalls;
    ev_pncalls(e) = nullptr;
  }
  activate_callback_locked(to_callback(e));
}

int event_base::activate_callback_locked(event_callback* cb) {
  int r = 1;
  if (cb->evcb_flags & EVLIST_FINALIZING) return 0;
  switch (cb->evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) {
    case EVLIST_ACTIVE:
      return 0;
    case EVLIST_ACTIVE_LATER:
      remove_active_later(cb);
      r = 0;
      break;
    case 0:
      break;
    default:
      EV_ASSERT(!"active and active-later at once");
  }
  insert_active(cb);
  notify_if_needed();
  return r;
}

int event_base::activate_later_locked(event_callback* cb) {
  if (cb->evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) return 0;
  insert_active_later(cb);
  notify_if_needed();
  return 1;
}

int event_base::cancel_callback_locked(event_callback* cb, bool even_if_finalizing) {
  if ((cb->evcb_flags & EVLIST_FINALIZING) && !even_if_finalizing) return 0;
  if (cb->evcb_flags & EVLIST_INIT)
    return del_locked(to_event(cb),
                      even_if_finalizing ? DelMode::kEvenIfFinalizing : DelMode::kAutoBlock);
  switch (cb->evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) {
    case EVLIST_ACTIVE:
      remove_active(cb);
      return 1;
    case EVLIST_ACTIVE_LATER:
      remove_active_later(cb);
      return 1;
    default:
      return 0;
  }
}

int event_base::finalize_locked(unsigned flags, event* e, event_finalize_callback_fn cb) {
  del_locked(e, DelMode::kNoBlock);
  ev_closure(e) = (flags & kFinalizeFree) ? kClosureEventFinalizeFree : kClosureEventFinalize;
  e->ev_evcallback.evcb_cb_union.evcb_evfinalize = cb;
  activate_locked(e, EV_FINALIZE, 1);
  ev_flags(e) |= EVLIST_FINALIZING;
  return 0;
}

event_callback* event_base::first_queued_callback() {
  for (int i = 0; i < n_active_queues_; ++i)
    if (!active_queues_[i].empty()) return active_queues_[i].front();
  return active_later_.front();
}

bool event_base::take_for_free(event_callback* cb) {
  const short flags = cb->evcb_flags;
  if ((flags & EVLIST_INIT) && !(flags & EVLIST_INTERNAL))
    del_locked(to_event(cb), DelMode::kEvenIfFinalizing);
  else if (!(flags & EVLIST_INIT))
    cancel_callback_locked(cb, true);
  // Internal events (and anything the calls above left queued) just leave
  // their queue: the base is going away.
  if (cb->evcb_flags & EVLIST_ACTIVE)
    remove_active(cb);
  else if (cb->evcb_flags & EVLIST_ACTIVE_LATER)
    remove_active_later(cb);
  return (cb->evcb_flags & EVLIST_FINALIZING) != 0;
}

void event_base::run_finalizer(event_callback* cb) {
  switch (cb->evcb_closure) {
    case kClosureEventFinalize:
    case kClosureEventFinalizeFree: {
      event* e = to_event(cb);
      const bool free_it = cb->evcb_closure == kClosureEventFinalizeFree;
      // Debug mode: an event we free is forgotten; one the program keeps
      // stays known (not added) so that it may still delete or free it, as
      // with libevent, while a double free is still caught.
      if (free_it)
        debug_forget_event(e);
      else
        debug_note_deleted_quietly(e);
      cb->evcb_cb_union.evcb_evfinalize(e, ev_arg(e));
      if (free_it) mm_free(e);
      break;
    }
    case kClosureCbFinalize:
      cb->evcb_cb_union.evcb_cbfinalize(cb, cb->evcb_arg);
      break;
    default:
      break;
  }
}
