// Time: the monotonic clock, the per-iteration time cache, the timeout heap
// phase of the loop, and common-timeout queues.
#include <time.h>

#include "core/base.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

using namespace ev;

// Clocks.  Everything is judged by CLOCK_MONOTONIC, read once per loop
// iteration into the time cache that callbacks see.  A deadline is counted
// from that cache inside callbacks; outside them (event_add() from setup
// code or other threads) from a fresh reading of the same clock, as libevent
// does on machines whose CLOCK_MONOTONIC_COARSE ticks slower than 1 ms.  The
// coarse clock would be cheaper (5 ns against 20 through the vDSO), but it
// lags by up to a tick, so a timer counted from it either fires early or,
// pushed back by the lag, several milliseconds late: a 100 ms timer must
// wait 100 ms.  The loop's wait is rounded up to the backend's resolution,
// so a timer never fires early either.
void event_base::sync_clock_diff(const timeval* mono) {
  timeval wall;
  gettimeofday(&wall, nullptr);
  timersub(&wall, mono, &tv_clock_diff_);
  next_clock_sync_ = mono->tv_sec + 6;  // re-measured after at least 5 s
}

void event_base::update_time_cache() {
  timerclear(&tv_cache_);
  if (!(config_flags_ & EVENT_BASE_FLAG_NO_CACHE_TIME)) read_clock(CLOCK_MONOTONIC, &tv_cache_);
}

void event_base::next_timeout(timeval* tv, timeval** tv_p) {
  if (heap_.empty()) {
    *tv_p = nullptr;  // nothing scheduled: block until I/O
    return;
  }
  timeval now_tv;
  now(&now_tv);
  const std::int64_t wait = heap_.top_key() - deadline_key(now_tv);
  if (wait <= 0) {
    timerclear(tv);
  } else {
    tv->tv_sec = static_cast<time_t>(wait / 1000000);
    tv->tv_usec = static_cast<suseconds_t>(wait % 1000000);
  }
}

void event_base::process_timeouts() {
  if (heap_.empty()) return;
  timeval now_tv;
  now(&now_tv);
  const std::int64_t now_key = deadline_key(now_tv);
  while (!heap_.empty() && heap_.top_key() <= now_key) {
    event* e = heap_.top();
    // A timeout removes the event entirely; EV_PERSIST re-adds it when run.
    del_locked(e, DelMode::kNoBlock);
    activate_event_locked<true>(e, EV_TIMEOUT, 1);
  }
}

// event_add(e, tv) of a pure timer (no fd, no signal) that is not queued,
// with a relative, non-common tv.  The usual case (in the heap before and
// after, no other loop to wake) is kept short.
int event_base::add_heap_timer_locked(event* e, const timeval* tv) {
  const short flags = ev_flags(e);
  if (((flags & EVLIST_TIMEOUT) && is_common_timeout(&e->ev_timeout)) || needs_notify()) {
    if (schedule_timeout_locked(e, tv, false)) notify_if_needed();
    return 0;
  }
  if (ev_closure(e) == kClosurePersist) ev_io_interval(e) = *tv;
  deadline_after_now(*tv, &e->ev_timeout);
  if (flags & EVLIST_TIMEOUT) {
    heap_.update(e);
  } else {
    // insert_timeout() without re-testing what the caller established.
    if (!(flags & EVLIST_INTERNAL)) count_up(event_count_, event_count_max_);
    ev_flags(e) = static_cast<short>(flags | EVLIST_TIMEOUT);
    heap_.push(e);
  }
  return 0;
}

// The timeout half of event_add(): e gets the deadline tv (relative to now,
// or as given when absolute).  Returns whether a loop waiting in another
// thread should be woken; the caller reserved heap room.
bool event_base::schedule_timeout_locked(event* e, const timeval* tv, bool absolute) {
  short& flags = ev_flags(e);
  if (ev_closure(e) == kClosurePersist && !absolute) ev_io_interval(e) = *tv;

  // Re-arming a timeout that already fired cancels the pending run.
  if ((flags & EVLIST_ACTIVE) && (e->ev_res & EV_TIMEOUT)) [[unlikely]] {
    cut_signal_repeats(e);
    remove_active(to_callback(e));
  }

  // Whether another thread's loop must re-plan its wait is only worked out
  // when there is such a loop.
  const bool may_wake = needs_notify();
  bool wake = false;
  timeval when;
  const bool common = is_common_timeout(tv);
  if (absolute) {
    when = *tv;
  } else if (common) {
    const timeval rel{tv->tv_sec, strip_common_timeout(tv->tv_usec)};
    deadline_after_now(rel, &when);
    when.tv_usec |= static_cast<long>(static_cast<std::uint32_t>(tv->tv_usec) & ~kMicrosecondsMask);
  } else {
    deadline_after_now(*tv, &when);
  }

  if ((flags & EVLIST_TIMEOUT) && !common && !is_common_timeout(&e->ev_timeout)) {
    // Already in the heap: move it instead of a removal and an insertion.
    if (may_wake && heap_.is_top(e)) wake = true;
    e->ev_timeout = when;
    heap_.update(e);
  } else {
    if (flags & EVLIST_TIMEOUT) {
      if (may_wake && !is_common_timeout(&e->ev_timeout) && heap_.is_top(e)) wake = true;
      remove_timeout(e);
    }
    e->ev_timeout = when;
    insert_timeout(e);
  }

  if (common) {
    CommonTimeoutQueue* q = common_queue_for(&e->ev_timeout);
    if (q->first == e) schedule_common_queue(q, e);
  } else if (may_wake) {
    // Earlier than whatever the loop sleeps for, or something is overdue.
    timeval now_tv;
    now(&now_tv);
    if (heap_.is_top(e) || heap_.top_key() < deadline_key(now_tv)) wake = true;
  }
  return wake;
}

void event_base::schedule_common_queue(CommonTimeoutQueue* q, event* head) {
  timeval when = head->ev_timeout;
  when.tv_usec = strip_common_timeout(when.tv_usec);
  add_locked(&q->timeout_event, &when, true);
}

void event_base::common_timeout_fired(evutil_socket_t, short, void* arg) {
  auto* q = static_cast<CommonTimeoutQueue*>(arg);
  event_base* base = q->base;
  base->lock();
  timeval now_tv;
  base->now(&now_tv);
  event* e;
  while ((e = q->first) != nullptr) {
    timeval due{e->ev_timeout.tv_sec, strip_common_timeout(e->ev_timeout.tv_usec)};
    if (timercmp(&due, &now_tv, >)) break;
    base->del_locked(e, DelMode::kNoBlock);
    base->activate_event_locked<true>(e, EV_TIMEOUT, 1);
  }
  base->note_count_peaks();
  if (e != nullptr) base->schedule_common_queue(q, e);
  base->unlock();
}

const timeval* event_base::init_common_timeout(const timeval* duration) {
  timeval normalized;
  if (duration->tv_usec > 1000000) {
    normalized = *duration;
    if (is_common_timeout(duration)) normalized.tv_usec = strip_common_timeout(normalized.tv_usec);
    normalized.tv_sec += normalized.tv_usec / 1000000;
    normalized.tv_usec %= 1000000;
    duration = &normalized;
  }
  for (int i = 0; i < n_common_queues_; ++i) {
    CommonTimeoutQueue* q = common_queues_[i];
    if (duration->tv_sec == q->duration.tv_sec &&
        duration->tv_usec == strip_common_timeout(q->duration.tv_usec))
      return &q->duration;
  }
  if (n_common_queues_ == kMaxCommonTimeouts) {
    evpriv_warnx(
        "%s: Too many common timeouts already in use; we only support %d per "
        "event_base",
        "event_base_init_common_timeout", kMaxCommonTimeouts);
    return nullptr;
  }
  auto** grown = static_cast<CommonTimeoutQueue**>(mm_realloc(
      common_queues_, static_cast<std::size_t>(n_common_queues_ + 1) * sizeof(*common_queues_)));
  if (grown == nullptr) {
    evpriv_warn("%s: realloc", "event_base_init_common_timeout");
    return nullptr;
  }
  common_queues_ = grown;
  auto* q = static_cast<CommonTimeoutQueue*>(mm_calloc(1, sizeof(CommonTimeoutQueue)));
  if (q == nullptr) {
    evpriv_warn("%s: calloc", "event_base_init_common_timeout");
    return nullptr;
  }
  q->init();
  q->duration.tv_sec = duration->tv_sec;
  q->duration.tv_usec =
      static_cast<long>(static_cast<std::uint32_t>(duration->tv_usec) | kCommonTimeoutMagic |
                        (static_cast<std::uint32_t>(n_common_queues_) << kCommonTimeoutIndexShift));
  q->base = this;
  assign_internal_event(&q->timeout_event, -1, 0, common_timeout_fired, q);
  common_queues_[n_common_queues_++] = q;
  return &q->duration;
}
