// Construction, destruction, references, locking and the enable/disable
// state of struct evconnlistener.  The accept loop is in accept_loop.cpp.
#include "listener/listener.hpp"

#include <event2/thread.h>

#include <new>

#include "core/locking.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "listener/accept_socket.hpp"
#include "listener/accept_uring.hpp"

evconnlistener::evconnlistener(event_base* base, evconnlistener_cb cb, void* arg, unsigned flags,
                               evutil_socket_t fd)
    : base_(base),
      fd_(fd),
      flags_(flags),
      accept_flags_(ev::accept_flags_for(flags)),
      cb_(cb),
      arg_(arg),
      backoff_ms_(ev::kFirstAcceptBackoffMs) {}

evconnlistener::~evconnlistener() {
  if (cio_ != nullptr) ev::uring_accept_detach(cio_);  // a failed creation
  if (done_ev_ != nullptr) event_free(done_ev_);
  if (read_ev_ != nullptr) event_free(read_ev_);
  if (retry_ev_ != nullptr) event_free(retry_ev_);
  if (flags_ & LEV_OPT_CLOSE_ON_FREE) evutil_closesocket(fd_);
  if (lock_ != nullptr) evpriv_lock_free(lock_, EVTHREAD_LOCKTYPE_RECURSIVE);
}

evconnlistener* evconnlistener::create(event_base* base, evconnlistener_cb cb, void* arg,
                                       unsigned flags, evutil_socket_t fd) {
  void* mem = ev::mm_malloc(sizeof(evconnlistener));
  if (mem == nullptr) {
    evpriv_warnx("%s: out of memory", "evconnlistener_new");
    return nullptr;
  }
  auto* lev = ::new (mem) evconnlistener(base, cb, arg, flags, fd);
  // Until creation succeeds the caller owns the socket, so a failure below
  // must not close it.
  lev->flags_ &= ~LEV_OPT_CLOSE_ON_FREE;

  bool ok = true;
  if (flags & LEV_OPT_THREADSAFE) {
    lev->lock_ = evpriv_lock_new(EVTHREAD_LOCKTYPE_RECURSIVE);
    // Without lock callbacks there is nothing to lock with, and no need.
    if (lev->lock_ == nullptr && evpriv_threading_enabled()) {
      evpriv_warnx("%s: cannot allocate a lock", "evconnlistener_new");
      ok = false;
    }
  }
  if (ok) {
    lev->read_ev_ = event_new(base, fd, EV_READ | EV_PERSIST, read_trampoline, lev);
    lev->retry_ev_ = event_new(base, -1, 0, timer_trampoline, lev);
    if (lev->read_ev_ == nullptr || lev->retry_ev_ == nullptr) {
      evpriv_warnx("%s: cannot create the listener's events", "evconnlistener_new");
      ok = false;
    }
  }
  if (ok && ev::uring_accept_offered(base)) {
    // Accepts as completions; without them (no memory) the listener polls.
    lev->done_ev_ = event_new(base, -1, 0, done_trampoline, lev);
    if (lev->done_ev_ != nullptr)
      lev->cio_ = ev::uring_accept_attach(base, fd, lev->accept_flags_, lev->done_ev_);
  }
  if (ok && !(flags & LEV_OPT_DISABLED) && lev->set_enabled(true) != 0) {
    evpriv_warnx("%s: cannot watch socket %d", "evconnlistener_new", static_cast<int>(fd));
    ok = false;
  }
  if (!ok) {
    lev->~evconnlistener();
    ev::mm_free(lev);
    return nullptr;
  }
  lev->flags_ = flags;
  return lev;
}

void evconnlistener::release() {
  lock();
  shut_down_ = true;
  cb_ = nullptr;
  errorcb_ = nullptr;
  polling_ = false;
  backing_off_ = false;
  unlock();
  // Outside the lock: from another thread, event_del waits for a running
  // callback, and that callback may need the lock to finish.
  event_del(read_ev_);
  event_del(retry_ev_);
  if (cio_ != nullptr) {
    // After the done event's callback is over (event_del waits for it):
    // the requests are cancelled at once and what they accepted is closed,
    // so that closing the listening socket next really closes it.
    event_del(done_ev_);
    ev::uring_accept_detach(cio_);
    cio_ = nullptr;
  }
  drop_ref();
}

int evconnlistener::set_enabled(bool on) {
  lock();
  enabled_ = on;
  int rc = sync_polling();
  unlock();
  return rc;
}

void evconnlistener::set_callback(evconnlistener_cb cb, void* arg) {
  lock();
  if (!shut_down_) {
    cb_ = cb;
    arg_ = arg;
    // As libevent: a callback set on an enabled listener starts accepting;
    // a NULL one does not stop it (new connections are accepted and
    // closed, see on_readable()).
    if (cb != nullptr) sync_polling();
  }
  unlock();
}

void evconnlistener::set_error_callback(evconnlistener_errorcb cb) {
  lock();
  if (!shut_down_) errorcb_ = cb;
  unlock();
}

int evconnlistener::sync_polling() {
  // Without a callback, polling is never started (connections wait in the
  // backlog), but a listener already polling goes on.
  const bool want = enabled_ && (cb_ != nullptr || polling_) && !backing_off_ && !shut_down_;
  if (want == polling_) return 0;
  int rc;
  if (cio_ != nullptr) {
    rc = ev::uring_accept_set(cio_, want);
    // No callback after a disable returns: drop a pending hand-out (the
    // results stay queued for the next enable).
    if (!want) event_del(done_ev_);
  } else {
    rc = want ? event_add(read_ev_, nullptr) : event_del(read_ev_);
  }
  if (rc == 0) polling_ = want;
  return rc;
}

bool evconnlistener::try_lock() { return evpriv_lock_acquire(lock_, EVTHREAD_TRY) == 0; }
void evconnlistener::lock() { evpriv_lock_acquire(lock_, 0); }
void evconnlistener::unlock() { evpriv_lock_release(lock_, 0); }

void evconnlistener::drop_ref() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  this->~evconnlistener();
  ev::mm_free(this);
}

void evconnlistener::unlock_and_drop_ref() {
  unlock();
  drop_ref();
}

void evconnlistener::read_trampoline(evutil_socket_t, short, void* self) {
  static_cast<evconnlistener*>(self)->on_readable();
}

void evconnlistener::timer_trampoline(evutil_socket_t, short, void* self) {
  static_cast<evconnlistener*>(self)->on_backoff_over();
}
