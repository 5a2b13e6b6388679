// struct event_base: one event loop.  The class is split over several files,
// one per concern (see the comment on each group of members).  Members whose
// names end in _locked expect the base lock to be held (when there is one).
#pragma once

#include <event2/event.h>
#include <event2/event_struct.h>

#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "backends/backend.hpp"
#include "core/active_queue.hpp"
#include "core/common_timeout.hpp"
#include "core/completion_clients.hpp"
#include "core/event_access.hpp"
#include "core/growable_array.hpp"
#include "core/locking.hpp"
#include "core/timer_heap.hpp"

struct event_config;

namespace ev {

// Everything the base knows about one fd: its events and combined interest.
struct FdSlot {
  EventList events;
  std::uint16_t nread, nwrite, nclose;
  short interest;  // what the backend was last told (EV_READ|EV_WRITE|EV_CLOSED|EV_ET)
};

// event_del()'s ways of waiting for a callback running in another thread.
enum class DelMode { kAutoBlock, kBlock, kNoBlock, kEvenIfFinalizing };

// Signal delivery for one base: a socketpair the C handler writes to.
struct SignalState {
  int pair[2];       // [0] read by the loop, [1] written by the handler
  event pipe_event;  // internal read event on pair[0]
  bool pipe_event_added;
  int n_signals_added;            // signals of this base with a handler installed
  EventList events[NSIG];         // signal -> events
  struct sigaction* saved[NSIG];  // handlers to restore, per signal
};

struct OnceEvent;

}  // namespace ev

struct event_base final : ev::BackendHost {
  // ---- base.cpp: construction, teardown --------------------------------
  event_base() = default;
  ~event_base();
  bool init(const event_config* cfg);
  void free_all(bool run_finalizers);
  // free_all()'s steps: the next callback still queued; taking cb off its
  // queue (true when its finalizer is due); running that finalizer, with
  // the lock released.
  event_callback* first_queued_callback();
  bool take_for_free(event_callback* cb);
  void run_finalizer(event_callback* cb);
  int set_priorities(int n);

  // ---- backend host (base.cpp) -----------------------------------------
  void ready(int fd, short what) override;  // io_map.cpp
  // ready()'s work; in_dispatch: called by the backend, when no callback
  // is running (io_activate() may be called from one).
  template <bool in_dispatch>
  void queue_ready(int fd, short what);
  template <bool in_dispatch>
  [[gnu::noinline]] void ready_all(event* first, short what);
  void release_lock() override { unlock(); }
  void acquire_lock() override { lock(); }

  // ---- locking.hpp glue: fast path is a null test ----------------------
  void lock() {
    if (lock_ != nullptr) evpriv_lock_acquire(lock_, 0);
  }
  void unlock() {
    if (lock_ != nullptr) evpriv_lock_release(lock_, 0);
  }
  bool in_loop_thread() const;
  inline bool needs_notify() const;
  void notify_if_needed() {
    if (needs_notify()) notify();
  }
  void wait_for_callback(event_callback* cb);

  // ---- notify.cpp: waking a loop blocked in another thread -------------
  int make_notifiable_locked();
  void notify();
  void close_notify_locked();

  // ---- event_ops.cpp: add / del / activate -----------------------------
  inline int add_locked(event* e, const timeval* tv, bool absolute);
  inline int del_locked(event* e, ev::DelMode mode);
  int add_slow_locked(event* e, const timeval* tv, bool absolute);
  int del_slow_locked(event* e, ev::DelMode mode);
  int remove_timer_locked(event* e);
  inline void activate_locked(event* e, int res, short ncalls);
  template <bool in_loop, bool in_dispatch = false>
  inline void activate_event_locked(event* e, int res, short ncalls);
  void activate_slow_locked(event* e, int res, short ncalls);
  int activate_callback_locked(event_callback* cb);
  int activate_later_locked(event_callback* cb);
  int cancel_callback_locked(event_callback* cb, bool even_if_finalizing);
  int finalize_locked(unsigned flags, event* e, event_finalize_callback_fn cb);

  // ---- event_setup.cpp ------------------------------------------------
  void assign_internal_event(event* e, int fd, short events, event_callback_fn cb, void* arg);

  // ---- queues.cpp (hot ones: base_inline.hpp): lists and counters -----
  inline void insert_inserted(event* e);
  inline void remove_inserted(event* e);
  inline void insert_timeout(event* e);
  inline void remove_timeout(event* e);
  template <bool track_max = true>
  inline void insert_active(event_callback* cb);
  inline void note_count_peaks();
  inline void remove_active(event_callback* cb);
  inline void pop_active(ev::CallbackQueue& q, event_callback* cb);
  void insert_active_later(event_callback* cb);
  void remove_active_later(event_callback* cb);
  void make_later_events_active();
  bool has_events() const { return virtual_count_ > 0 || event_count_ > 0; }

  // ---- io_map.cpp ------------------------------------------------------
  // Register / unregister an fd event and count it as inserted (0 or -1).
  int add_io_event_locked(event* e);
  int del_io_event_locked(event* e);
  int wake_after_del(bool changed, int res);
  // ready() for callers outside the loop thread's dispatch.
  void io_activate(int fd, short what);
  int io_readd_all();

  // ---- signal.cpp ------------------------------------------------------
  int sig_add(event* e);
  int sig_del(event* e);
  void signal_activate(int sig, short ncalls);
  void signal_free_locked();
  int signal_reinit_locked();
  void signal_become_receiver();

  // ---- timers.cpp: clock, cache, heap, common timeouts -----------------
  // The cached time inside callbacks, else a fresh precise reading: what
  // expiry is judged by.
  void now(timeval* tv) {
    if (tv_cache_.tv_sec != 0) [[likely]]
      *tv = tv_cache_;
    else
      read_clock(CLOCK_MONOTONIC, tv);
  }
  // *out = now + delay for a new deadline (now() as expiry sees it).
  void deadline_after_now(const timeval& delay, timeval* out) {
    timeval now_tv;
    now(&now_tv);
    timeradd(&now_tv, &delay, out);
  }
  void read_clock(clockid_t clock, timeval* tv) {
    timespec ts;
    clock_gettime(clock, &ts);
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    // The wall-clock offset (event_pending(), the cached gettimeofday) is
    // re-measured every few seconds.
    if (tv->tv_sec >= next_clock_sync_) [[unlikely]]
      sync_clock_diff(tv);
  }
  void update_time_cache();
  void clear_time_cache() { timerclear(&tv_cache_); }
  void sync_clock_diff(const timeval* mono);
  void next_timeout(timeval* tv, timeval** tv_p);
  void process_timeouts();
  bool schedule_timeout_locked(event* e, const timeval* tv, bool absolute);
  int add_heap_timer_locked(event* e, const timeval* tv);  // add_locked()'s case
  bool is_common_timeout(const timeval* tv) const {
    return ev::has_common_timeout_magic(tv) && ev::common_timeout_index(tv) < n_common_queues_;
  }
  ev::CommonTimeoutQueue* common_queue_for(const timeval* tv) const {
    return common_queues_[ev::common_timeout_index(tv)];
  }
  const timeval* init_common_timeout(const timeval* duration);
  void schedule_common_queue(ev::CommonTimeoutQueue* q, event* head);
  static void common_timeout_fired(evutil_socket_t, short, void* arg);

  // ---- loop.cpp --------------------------------------------------------
  int loop(int flags);
  int process_active();
  template <bool limited>
  int process_queue(ev::CallbackQueue& q, int max_callbacks, const timeval* deadline);
  void run_callback(event_callback* cb, event* e);
  void run_persist_closure(event* e);
  void run_signal_closure(event* e);

  // ---- once.cpp --------------------------------------------------------
  int once(evutil_socket_t fd, short events, event_callback_fn cb, void* arg, const timeval* tv);
  void free_once_events();

  // ---- fork.cpp --------------------------------------------------------
  int reinit();

  // ---- state -----------------------------------------------------------
  ev::Backend* backend_ = nullptr;
  const ev::BackendInfo* backend_info_ = nullptr;
  bool no_completion_io_ = false;  // EVENT_IOURING_NOCOMPLETION (kept for event_reinit)
  // Socket bufferevents on completion IO (bufferevent/socket_uring.cpp)
  // and listeners on completion accepts (listener/accept_uring.cpp).
  ev::CompletionClients completion_clients_[ev::kCompletionKinds];
  // Counts the backends event_reinit() made: a completion request's owner
  // tells by it, cheaply, that its ring is gone.
  unsigned backend_epoch_ = 0;
  // event_base_get_method(): the backend's name, with libevent's spelling of
  // epoll in changelist mode.
  const char* method_name() const {
    if ((config_flags_ & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) &&
        __builtin_strcmp(backend_info_->name, "epoll") == 0)
      return "epoll (with changelist)";
    return backend_info_->name;
  }
  short ready_et_bit_ = 0;  // EV_ET when the backend reports edge-triggered
  int config_flags_ = 0;

  ev::CallbackQueue* active_queues_ = nullptr;  // one per priority
  int n_active_queues_ = 0;
  ev::CallbackQueue active_later_{};
  int running_priority_ = -1;

  int event_count_ = 0;  // list memberships of non-internal events
  int event_count_max_ = 0;
  int active_count_ = 0;  // queued callbacks, internal ones included
  int active_count_max_ = 0;
  int virtual_count_ = 0;
  int virtual_count_max_ = 0;

  ev::GrowableArray<ev::FdSlot> fds_;
  ev::SignalState sig_{};
  ev::TimerHeap heap_;
  ev::CommonTimeoutQueue** common_queues_ = nullptr;
  int n_common_queues_ = 0;

  bool running_loop_ = false;
  bool got_term_ = false;
  bool got_break_ = false;
  bool continue_ = false;
  int n_deferreds_queued_ = 0;
  event_callback* current_event_ = nullptr;

  timeval tv_cache_{};          // monotonic time cached while callbacks run
  timeval tv_clock_diff_{};     // wall clock minus monotonic clock
  time_t next_clock_sync_ = 0;  // monotonic second from which to re-measure tv_clock_diff_

  timeval max_dispatch_time_{-1, 0};  // tv_sec < 0: no limit
  int max_callbacks_ = 0x7fffffff;
  int limit_callbacks_after_prio_ = 0;

  void* lock_ = nullptr;  // recursive; null unless lock callbacks were installed
  void* current_event_cond_ = nullptr;
  int current_event_waiters_ = 0;
  unsigned long owner_id_ = 0;
  int notify_fd_ = -1;  // eventfd
  bool notify_pending_ = false;
  event notify_event_{};

  ev::OnceEvent* once_events_ = nullptr;
};

namespace ev {
// event_assign() without the debug-mode bookkeeping.
int assign_event(event* e, event_base* base, evutil_socket_t fd, short events, event_callback_fn cb,
                 void* arg);
// The base used by the compat API (event_init/event_set/...).
extern event_base* g_current_base;
}  // namespace ev

#include "core/base_inline.hpp"  // IWYU pragma: export
