// Time: the monotonic clock, the per-iteration time cache, the timeout heap
// phase of the loop, and common-timeout queues.
#include <time.h>

#include "core/base.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

using namespace ev;

namespace {
// How often the wall-clock offset (for event_pending() and the cached
// gettimeofday) is re-measured.
constexpr time_t kClockSyncInterval = 5;
}  // namespace

void event_base::now(timeval* tv) {
  if (tv_cache_.tv_sec != 0) {
    *tv = tv_cache_;
    return;
  }
  timespec ts;
  clock_gettime(clock_id_, &ts);
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  sync_clock_diff(tv);
}

void event_base::sync_clock_diff(const timeval* mono) {
  if (last_clock_sync_ + kClockSyncInterval >= mono->tv_sec && last_clock_sync_ != 0) return;
  timeval wall;
  gettimeofday(&wall, nullptr);
  timersub(&wall, mono, &tv_clock_diff_);
  last_clock_sync_ = mono->tv_sec;
}

void event_base::update_time_cache() {
  timerclear(&tv_cache_);
  if (!(config_flags_ & EVENT_BASE_FLAG_NO_CACHE_TIME)) now(&tv_cache_);
}

void event_base::next_timeout(timeval* tv, timeval** tv_p) {
  event* top = heap_.top();
  if (top == nullptr) {
    *tv_p = nullptr;  // nothing scheduled: block until I/O
    return;
  }
  timeval now_tv;
  now(&now_tv);
  if (timercmp(&top->ev_timeout, &now_tv, <=))
    timerclear(tv);
  else
    timersub(&top->ev_timeout, &now_tv, tv);
}

void event_base::process_timeouts() {
  if (heap_.empty()) return;
  timeval now_tv;
  now(&now_tv);
  while (event* e = heap_.top()) {
    if (timercmp(&e->ev_timeout, &now_tv, >)) break;
    // A timeout removes the event entirely; EV_PERSIST re-adds it when run.
    del_locked(e, DelMode::kNoBlock);
    activate_locked(e, EV_TIMEOUT, 1);
  }
}

bool event_base::is_common_timeout(const timeval* tv) const {
  return has_common_timeout_magic(tv) && common_timeout_index(tv) < n_common_queues_;
}

CommonTimeoutQueue* event_base::common_queue_for(const timeval* tv) const {
  return common_queues_[common_timeout_index(tv)];
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
    base->activate_locked(e, EV_TIMEOUT, 1);
  }
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
