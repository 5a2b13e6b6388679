// event_base construction (backend choice, priorities, locks) and teardown.
#include "core/base.hpp"

#include <unistd.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/config.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/once.hpp"
#include "core/thread_state.hpp"

namespace ev {

event_base* g_current_base = nullptr;

namespace {

// getenv() that ignores the environment of set-uid programs, as libevent does.
const char* safe_getenv(const char* name) { return secure_getenv(name); }

// True when EVENT_NO<METHOD> is set, e.g. EVENT_NOEPOLL.
bool disabled_by_env(const char* method) {
  char var[64] = "EVENT_NO";
  std::size_t n = std::strlen(var);
  for (const char* p = method; *p != '\0' && n + 1 < sizeof(var); ++p)
    var[n++] = static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
  var[n] = '\0';
  return safe_getenv(var) != nullptr;
}

// True when `cfg` avoids, by name, every method libevent has (the way to pick
// an opt-in method such as io_uring through the event_config).
bool avoids_all_standard(const event_config* cfg) {
  if (cfg == nullptr) return false;
  for (const BackendInfo& info : backend_registry())
    if (!info.opt_in && !cfg->avoids(info.name)) return false;
  return true;
}

}  // namespace
}  // namespace ev

bool event_base::init(const event_config* cfg) {
  using namespace ev;
  active_later_.init();
  sig_.pair[0] = sig_.pair[1] = -1;
  const bool use_env = cfg == nullptr || !(cfg->flags & EVENT_BASE_FLAG_IGNORE_ENV);
  config_flags_ = cfg != nullptr ? cfg->flags : 0;
  if (use_env && safe_getenv("EVENT_PRECISE_TIMER") != nullptr)
    config_flags_ |= EVENT_BASE_FLAG_PRECISE_TIMER;
  if (use_env && safe_getenv("EVENT_EPOLL_USE_CHANGELIST") != nullptr)
    config_flags_ |= EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST;

  timeval mono;
  read_clock(CLOCK_MONOTONIC, &mono);

  if (cfg != nullptr) {
    max_dispatch_time_ = cfg->max_dispatch_interval;
    limit_callbacks_after_prio_ = cfg->limit_callbacks_after_prio;
    max_callbacks_ = cfg->max_dispatch_callbacks >= 0 ? cfg->max_dispatch_callbacks : INT_MAX;
  } else {
    max_dispatch_time_.tv_sec = -1;
    limit_callbacks_after_prio_ = 1;
    max_callbacks_ = INT_MAX;
  }
  if (max_callbacks_ == INT_MAX && max_dispatch_time_.tv_sec == -1)
    limit_callbacks_after_prio_ = INT_MAX;

  BackendOptions options;
  options.base_flags = config_flags_;
  no_completion_io_ = use_env && safe_getenv("EVENT_IOURING_NOCOMPLETION") != nullptr;
  options.completion_io = !no_completion_io_;
  // Opt-in methods (io_uring) are only chosen on request: EVENT_IOURING in the
  // environment tries them first, then libevent's order follows; or the
  // config avoids every method of libevent's by name.  Otherwise the choice
  // is libevent's, even for a program that avoids epoll or requires features.
  const bool opted_in = use_env && safe_getenv("EVENT_IOURING") != nullptr;
  const bool opt_in_by_config = avoids_all_standard(cfg);
  for (int pass = opted_in ? 0 : 1; pass < 2 && backend_ == nullptr; ++pass) {
    for (const BackendInfo& info : backend_registry()) {
      if (pass == 0 && !info.opt_in) continue;
      if (pass == 1 && info.opt_in && (opted_in || !opt_in_by_config)) continue;
      if (cfg != nullptr) {
        if (cfg->avoids(info.name)) continue;
        if ((info.features & cfg->require_features) != cfg->require_features) continue;
      }
      if (use_env && disabled_by_env(info.name)) continue;
      backend_ = info.create(*this, options);
      if (backend_ != nullptr) {
        backend_info_ = &info;
        ready_et_bit_ = (info.features & EV_FEATURE_ET) ? EV_ET : 0;
        break;
      }
    }
  }
  if (backend_ == nullptr) {
    evpriv_warnx("%s: no event mechanism available", "event_base_new_with_config");
    return false;
  }
  if (use_env && safe_getenv("EVENT_SHOW_METHOD") != nullptr)
    evpriv_msgx("libevent using: %s", method_name());

  if (set_priorities(1) < 0) return false;

  if (locking_enabled() && (cfg == nullptr || !(cfg->flags & EVENT_BASE_FLAG_NOLOCK))) {
    lock_ = evpriv_lock_new(EVTHREAD_LOCKTYPE_RECURSIVE);
    if (lock_ == nullptr) return false;
    current_event_cond_ = evpriv_cond_new(0);
    if (g_cond_fns.alloc_condition != nullptr && current_event_cond_ == nullptr) return false;
    lock();
    int r = make_notifiable_locked();
    unlock();
    if (r < 0) {
      evpriv_warnx("%s: Unable to make base notifiable.", "event_base_new_with_config");
      return false;
    }
  }
  return true;
}

int event_base::set_priorities(int n) {
  using namespace ev;
  if (active_count_ != 0 || n < 1 || n >= EVENT_MAX_PRIORITIES) return -1;
  if (n == n_active_queues_) return 0;
  auto* queues =
      static_cast<CallbackQueue*>(mm_calloc(static_cast<std::size_t>(n), sizeof(CallbackQueue)));
  if (queues == nullptr) {
    evpriv_warn("%s: calloc", "event_base_priority_init");
    return -1;
  }
  for (int i = 0; i < n; ++i) queues[i].init();
  mm_free(active_queues_);
  active_queues_ = queues;
  n_active_queues_ = n;
  return 0;
}

void event_base::free_all(bool run_finalizers) {
  using namespace ev;
  close_notify_locked();

  // Delete every event the program still has here; its memory is its own
  // (and, in debug mode, no longer added: it may be assigned again).
  auto drop = [this](event* e) {
    del_locked(e, DelMode::kAutoBlock);
    debug_note_deleted_quietly(e);
  };
  for (std::size_t fd = 0; fd < fds_.size(); ++fd) {
    for (event* e = fds_[fd].events.head; e != nullptr;) {
      event* next = EventList::next(e);
      if (!(ev_flags(e) & EVLIST_INTERNAL)) drop(e);
      e = next;
    }
  }
  for (int sig = 0; sig < NSIG; ++sig) {
    for (event* e = sig_.events[sig].head; e != nullptr;) {
      event* next = EventList::next(e);
      if (!(ev_flags(e) & EVLIST_INTERNAL)) drop(e);
      e = next;
    }
  }
  while (event* e = heap_.top()) drop(e);
  for (int i = 0; i < n_common_queues_; ++i) {
    CommonTimeoutQueue* q = common_queues_[i];
    del_locked(&q->timeout_event, DelMode::kAutoBlock);
    debug_forget_event(&q->timeout_event);
    for (event* e = q->first; e != nullptr;) {
      event* next = CommonTimeoutQueue::next(e);
      if (!(ev_flags(e) & EVLIST_INTERNAL)) drop(e);
      e = next;
    }
    mm_free(q);
  }
  mm_free(common_queues_);
  common_queues_ = nullptr;
  n_common_queues_ = 0;

  // Empty the queues one head at a time: a finalizer may free or queue
  // other callbacks (a bufferevent freeing its events), so no link is kept
  // across one, and each runs with the lock released, as in the loop, so
  // that it may take other locks.
  while (event_callback* cb = first_queued_callback()) {
    if (take_for_free(cb) && run_finalizers) {
      unlock();
      run_finalizer(cb);
      lock();
    }
  }
  free_once_events();
  signal_free_locked();
}

event_base::~event_base() {
  using namespace ev;
  if (backend_ != nullptr) destroy(backend_);
  mm_free(active_queues_);
  heap_.release();
  fds_.release();
  evpriv_cond_free(current_event_cond_);
  evpriv_lock_free(lock_, EVTHREAD_LOCKTYPE_RECURSIVE);
  if (g_current_base == this) g_current_base = nullptr;
}
