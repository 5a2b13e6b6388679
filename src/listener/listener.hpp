// struct evconnlistener: waits on a listening socket and hands each accepted
// connection to the user's callback.
//
// The listener is an ordinary client of the public event API: one persistent
// read event on the listening socket and one timer used to back off after an
// accept() failure such as EMFILE.  The read event is registered exactly when
// the listener is enabled, has an accept callback, is not backing off and has
// not been freed (see sync_polling()).
//
// Lifetime: the user holds one reference; a running callback holds another,
// so evconnlistener_free() from inside a callback (or from another thread
// while one runs) defers the destruction to whoever drops the last one.
//
// Locking (LEV_OPT_THREADSAFE): a recursive lock guards every field except
// the reference count, which is atomic.  No user callback runs with the lock
// held.  The lock is held across event_add/event_del on the read event, and
// event_del from a foreign thread waits for a running read callback; so the
// read callback only ever *tries* the lock and returns when it is busy (the
// event is level-triggered, so pending connections are offered again on the
// next loop iteration).  evconnlistener_free() drops the lock before it
// deletes the events, so the retry timer's callback may block on the lock.
//
// On a base that runs accepts as completions (io_uring: accept_uring.hpp)
// the read event is never added: "polling" then means that accept requests
// are armed in the kernel, and the done event, activated when their
// results wait, hands them out (accept_complete.cpp) under the same rules
// as the read event's callback (try-lock, references, back-off).
#pragma once

#include <event2/event.h>
#include <event2/listener.h>

#include <atomic>

namespace ev {
struct UringAccept;
}

struct evconnlistener final {
 public:
  // Takes over 'fd' (already listening); nullptr on failure, with a log
  // message.  On failure the caller still owns 'fd'.
  static evconnlistener* create(event_base* base, evconnlistener_cb cb, void* arg, unsigned flags,
                                evutil_socket_t fd);

  // evconnlistener_free(): stop, then drop the user's reference.
  void release();

  int set_enabled(bool on);
  void set_callback(evconnlistener_cb cb, void* arg);
  void set_error_callback(evconnlistener_errorcb cb);

  event_base* base() const { return base_; }
  evutil_socket_t fd() const { return fd_; }

  evconnlistener(const evconnlistener&) = delete;
  evconnlistener& operator=(const evconnlistener&) = delete;

 private:
  evconnlistener(event_base* base, evconnlistener_cb cb, void* arg, unsigned flags,
                 evutil_socket_t fd);
  ~evconnlistener();

  // Registers or unregisters the read event to match the state.  Lock held.
  int sync_polling();
  // True while the accept loop may keep going.  Lock held.
  bool accepting() const { return polling_ && !shut_down_; }

  // Read-event callback: accepts up to a bounded number of connections.
  void on_readable();
  // Completion accepts: hands out the queued results (done event).
  void on_completions();
  // Gives the accepted `conn` to the user's callback (or closes it when
  // there is none).  Lock held; true when it is held again and accepting
  // may go on, false when it was released (the listener was freed, or the
  // lock is busy).
  bool deliver(evutil_socket_t conn, sockaddr* peer, socklen_t peer_len);
  // Handles an accept() failure other than "try again".  Called with the lock
  // held; returns with it released.
  void on_accept_failed(int err);
  // Retry-timer callback: the back-off is over, poll the socket again.
  void on_backoff_over();
  // Stops polling and arms the retry timer for the current back-off delay.
  void start_backoff();

  bool try_lock();
  void lock();
  void unlock();
  void add_ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Drops one reference (lock NOT held) and destroys the listener on the last.
  void drop_ref();
  // Unlocks, then drops the reference the running callback took.
  void unlock_and_drop_ref();

  static void read_trampoline(evutil_socket_t fd, short what, void* self);
  static void timer_trampoline(evutil_socket_t fd, short what, void* self);
  static void done_trampoline(evutil_socket_t fd, short what, void* self);

  event_base* base_;
  evutil_socket_t fd_;
  unsigned flags_;
  int accept_flags_;  // SOCK_NONBLOCK / SOCK_CLOEXEC for accept4()
  event* read_ev_ = nullptr;
  event* retry_ev_ = nullptr;
  event* done_ev_ = nullptr;        // completion accepts: results wait
  ev::UringAccept* cio_ = nullptr;  // completion accepts, or nullptr: polling
  void* lock_ = nullptr;
  std::atomic<int> refs_{1};

  evconnlistener_cb cb_;
  evconnlistener_errorcb errorcb_ = nullptr;
  void* arg_;

  bool enabled_ = false;      // what evconnlistener_enable/disable asked for
  bool polling_ = false;      // read_ev_ is registered with the base
  bool backing_off_ = false;  // retry_ev_ is pending
  bool shut_down_ = false;    // evconnlistener_free() was called
  int backoff_ms_;
};
