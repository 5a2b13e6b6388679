// event_base_loop(): the phases of one iteration, and running callbacks.
#include <climits>

#include "core/base.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/thread_state.hpp"

using namespace ev;

int event_base::loop(int flags) {
  lock();
  if (running_loop_) {
    evpriv_warnx(
        "%s: reentrant invocation.  Only one event_base_loop can run on each "
        "event_base at once.",
        "event_base_loop");
    unlock();
    return -1;
  }
  running_loop_ = true;
  clear_time_cache();
  if (sig_.n_signals_added > 0) signal_become_receiver();
  if (g_thread_id_fn != nullptr) owner_id_ = g_thread_id_fn();
  got_term_ = got_break_ = false;

  int result = 0;
  for (;;) {
    continue_ = false;
    n_deferreds_queued_ = 0;
    // Phase 1: honour loopexit/loopbreak requested by the last callbacks.
    if (got_term_ || got_break_) break;

    // Phase 2: how long may we block?  Not at all with work already queued.
    timeval tv{};
    timeval* tv_p = &tv;
    if (active_count_ == 0 && !(flags & EVLOOP_NONBLOCK)) next_timeout(&tv, &tv_p);

    // Phase 3: nothing left to wait for?
    if (!(flags & EVLOOP_NO_EXIT_ON_EMPTY) && !has_events() && active_count_ == 0) {
      result = 1;
      break;
    }

    // Phase 4: deferred work queued during the last pass becomes runnable.
    make_later_events_active();

    // Phase 5: wait in the backend (which drops the lock while blocked).
    clear_time_cache();
    if (backend_->dispatch(tv_p) == -1) {
      result = -1;
      break;
    }
    note_count_peaks();  // ready() and the timeouts below queue without tracking them
    update_time_cache();

    // Phase 6: expired timers join the active queues.
    process_timeouts();
    note_count_peaks();

    // Phase 7: run callbacks, highest priority first.
    if (active_count_ > 0) {
      int n = process_active();
      if ((flags & EVLOOP_ONCE) && active_count_ == 0 && n != 0) break;
    } else if (flags & EVLOOP_NONBLOCK) {
      break;
    }
  }
  clear_time_cache();
  running_loop_ = false;
  unlock();
  return result;
}

// Runs the highest-priority non-empty queue (and any queue before it that
// held only internal callbacks).  Returns the number of user callbacks run,
// or -1 when loopbreak was requested.
int event_base::process_active() {
  timeval deadline;
  const timeval* deadline_p = nullptr;
  if (max_dispatch_time_.tv_sec >= 0) {
    update_time_cache();
    timeval now_tv;
    now(&now_tv);
    timeradd(&max_dispatch_time_, &now_tv, &deadline);
    deadline_p = &deadline;
  }
  int count = 0;
  for (int pri = 0; pri < n_active_queues_; ++pri) {
    if (active_queues_[pri].empty()) continue;
    running_priority_ = pri;
    if (pri < limit_callbacks_after_prio_)
      count = process_queue<false>(active_queues_[pri], INT_MAX, nullptr);
    else
      count = process_queue<true>(active_queues_[pri], max_callbacks_, deadline_p);
    if (count != 0) break;  // ran user callbacks (or must break): poll again
  }
  running_priority_ = -1;
  return count;
}

// One queue's callbacks, in order.  `limited` is false when neither a
// callback count nor a deadline applies (always so for a base configured
// without them), which keeps their checks out of the per-callback path.
template <bool limited>
int event_base::process_queue(CallbackQueue& q, int max_callbacks, const timeval* deadline) {
  int count = 0;
  // Set once at construction; a local saves re-reading it around each call.
  void* const base_lock = lock_;
  while (event_callback* cb = q.front()) {
    const short flags = cb->evcb_flags;
    event* e = nullptr;
    if (flags & EVLIST_INIT) {
      e = to_event(cb);
      // A non-persistent event stops being pending once it runs; one that is
      // only queued (event_active, a fired timeout) just leaves the queue.
      if ((e->ev_events & EV_PERSIST) || (flags & EVLIST_FINALIZING) ||
          !(flags & (EVLIST_INSERTED | EVLIST_TIMEOUT)))
        pop_active(q, cb);
      else
        del_locked(e, DelMode::kNoBlock);
    } else {
      pop_active(q, cb);
    }
    if (!(flags & EVLIST_INTERNAL)) ++count;

    // current_event_waiters_ is 0 here: whoever waited on the previous
    // callback was counted and woken below.
    current_event_ = cb;
    // The two closures of plain events are inline; the rest is out of line.
    const std::uint8_t closure = cb->evcb_closure;
    const bool plain =
        closure == kClosureEvent || (closure == kClosurePersist && !timerisset(&ev_io_interval(e)));
    if (plain) [[likely]] {
      event_callback_fn fn = ev_callback(e);
      const evutil_socket_t fd = e->ev_fd;
      const short res = e->ev_res;
      void* arg = ev_arg(e);
      if (base_lock != nullptr) evpriv_lock_release(base_lock, 0);
      fn(fd, res, arg);
      if (base_lock != nullptr) evpriv_lock_acquire(base_lock, 0);
    } else {
      run_callback(cb, e);  // returns with the lock held again
    }
    current_event_ = nullptr;
    if (current_event_waiters_ != 0) [[unlikely]] {
      current_event_waiters_ = 0;
      evpriv_cond_signal(current_event_cond_, 1);
    }

    if (got_break_) return -1;
    if constexpr (limited) {
      if (count >= max_callbacks) return count;
      if (deadline != nullptr && count != 0) {
        update_time_cache();
        timeval now_tv;
        now(&now_tv);
        if (timercmp(&now_tv, deadline, >=)) return count;
      }
    }
    if (continue_) break;
  }
  return count;
}

// Calls the callback the way its closure says, with the lock released.
void event_base::run_callback(event_callback* cb, event* e) {
  switch (cb->evcb_closure) {
    case kClosureSignal:
      run_signal_closure(e);
      break;
    case kClosurePersist:
      run_persist_closure(e);
      break;
    case kClosureEvent: {
      event_callback_fn fn = ev_callback(e);
      const evutil_socket_t fd = e->ev_fd;
      const short res = e->ev_res;
      void* arg = ev_arg(e);
      unlock();
      fn(fd, res, arg);
      break;
    }
    case kClosureCbSelf: {
      auto fn = cb->evcb_cb_union.evcb_selfcb;
      unlock();
      fn(cb, cb->evcb_arg);
      break;
    }
    case kClosureEventFinalize:
    case kClosureEventFinalizeFree: {
      const bool free_it = cb->evcb_closure == kClosureEventFinalizeFree;
      auto fn = cb->evcb_cb_union.evcb_evfinalize;
      current_event_ = nullptr;
      unlock();
      // Debug mode: see run_finalizer().
      if (free_it)
        debug_forget_event(e);
      else
        debug_note_deleted_quietly(e);
      fn(e, ev_arg(e));
      if (free_it) mm_free(e);
      break;
    }
    case kClosureCbFinalize: {
      auto fn = cb->evcb_cb_union.evcb_cbfinalize;
      current_event_ = nullptr;
      unlock();
      fn(cb, cb->evcb_arg);
      break;
    }
    default:
      EV_ASSERT(!"unknown closure");
  }
  lock();
}

// EV_PERSIST: re-arm the timeout before running, relative to when it was
// due (when it fired) or to now (when I/O woke it).
void event_base::run_persist_closure(event* e) {
  const timeval interval = ev_io_interval(e);
  if (interval.tv_sec != 0 || interval.tv_usec != 0) {
    timeval now_tv, delay = interval, run_at;
    now(&now_tv);
    long tag = 0;
    const bool common = is_common_timeout(&e->ev_timeout);
    if (common) {
      tag = static_cast<long>(static_cast<std::uint32_t>(delay.tv_usec) & ~kMicrosecondsMask);
      delay.tv_usec = strip_common_timeout(delay.tv_usec);
    }
    if (e->ev_res & EV_TIMEOUT) {
      timeval due = e->ev_timeout;
      if (common) due.tv_usec = strip_common_timeout(due.tv_usec);
      timeradd(&due, &delay, &run_at);
    } else {
      deadline_after_now(delay, &run_at);
    }
    // Missed runs (slow callbacks, a stopped loop) are not caught up on.
    if (timercmp(&run_at, &now_tv, <)) deadline_after_now(delay, &run_at);
    run_at.tv_usec |= tag;
    add_locked(e, &run_at, true);
  }
  event_callback_fn fn = ev_callback(e);
  const evutil_socket_t fd = e->ev_fd;
  const short res = e->ev_res;
  void* arg = ev_arg(e);
  unlock();
  fn(fd, res, arg);
}

// Signals: one callback per delivery; event_del() from inside cuts it short
// through ev_pncalls.
void event_base::run_signal_closure(event* e) {
  short ncalls = ev_ncalls(e);
  // The event points at `ncalls` only while this frame runs: every way out
  // (the last run, a break, cut_signal_repeats()) clears the pointer first.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
  if (ncalls != 0) ev_pncalls(e) = &ncalls;
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
  event_callback_fn fn = ev_callback(e);
  const evutil_socket_t fd = e->ev_fd;
  const short res = e->ev_res;
  void* arg = ev_arg(e);
  unlock();
  while (ncalls != 0) {
    --ncalls;
    ev_ncalls(e) = ncalls;
    if (ncalls == 0) ev_pncalls(e) = nullptr;
    fn(fd, res, arg);
    lock();
    const bool stop = got_break_;
    unlock();
    if (stop) {
      if (ncalls != 0) ev_pncalls(e) = nullptr;
      return;
    }
  }
}
