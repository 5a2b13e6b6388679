// The listener's reaction to a readable listening socket: accept a bounded
// batch of connections, hand each to the user, and back off after failures
// that would otherwise make the loop spin (EMFILE and friends).
//
// Why a back-off: the listening socket stays readable while connections
// wait, so a listener that keeps polling after accept() failed for lack of
// descriptors wakes up again at once, calls the error callback again, and
// burns a CPU until a descriptor frees up.  Instead the listener reports the
// failure once, stops polling, and tries again after a delay that doubles on
// each consecutive failure (see accept_socket.hpp for the numbers).  A
// successful accept() resets the delay, so the listener keeps working as
// soon as descriptors are available again.
#include <errno.h>
#include <string.h>

#include <algorithm>

#include "core/log.hpp"
#include "listener/accept_socket.hpp"
#include "listener/accept_uring.hpp"
#include "listener/listener.hpp"

void evconnlistener::on_readable() {
  // Busy lock: another thread is reconfiguring us, possibly waiting in
  // event_del for this very callback.  The connections stay pending.
  if (!try_lock()) return;
  for (int n = 0; n < ev::kMaxAcceptsPerWakeup && accepting(); ++n) {
    sockaddr_storage peer;
    memset(&peer, 0, sizeof(peer));
    socklen_t peer_len = sizeof(peer);
    const evutil_socket_t conn =
        ev::accept_socket(fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len, accept_flags_);
    if (conn < 0) {
      const int err = errno;
      if (ev::accept_error_is_empty(err)) break;
      if (ev::accept_error_is_transient(err)) continue;
      on_accept_failed(err);
      return;
    }
    if (!deliver(conn, reinterpret_cast<sockaddr*>(&peer), peer_len)) return;
  }
  unlock();
}

bool evconnlistener::deliver(evutil_socket_t conn, sockaddr* peer, socklen_t peer_len) {
  backoff_ms_ = ev::kFirstAcceptBackoffMs;
  const evconnlistener_cb cb = cb_;
  if (cb == nullptr) {  // set to NULL while accepting: nobody takes it
    evutil_closesocket(conn);
    return true;
  }
  void* const arg = arg_;
  add_ref();
  unlock();
  cb(this, conn, peer, static_cast<int>(peer_len), arg);
  if (!try_lock()) {
    // Completion results left behind are offered again (readiness: the
    // connections stay in the backlog).  cio_ is still ours: release()
    // detaches only after deleting the done event, which waits for us.
    if (cio_ != nullptr) ev::uring_accept_retry(cio_);
    drop_ref();
    return false;
  }
  if (shut_down_) {
    // Freed inside the callback: ours may be the last reference.
    unlock_and_drop_ref();
    return false;
  }
  // Not shut down, so the user's reference is still held: this cannot be
  // the last one.
  refs_.fetch_sub(1, std::memory_order_acq_rel);
  return true;
}

void evconnlistener::on_accept_failed(int err) {
  start_backoff();
  const evconnlistener_errorcb errorcb = errorcb_;
  void* const arg = arg_;
  if (errorcb == nullptr) {
    unlock();
    errno = err;
    evpriv_warn("Error from accept() call");
    return;
  }
  add_ref();
  unlock();
  errno = err;  // the callback reads it through EVUTIL_SOCKET_ERROR()
  errorcb(this, arg);
  drop_ref();
}

void evconnlistener::start_backoff() {
  backing_off_ = true;
  sync_polling();
  const timeval delay = {backoff_ms_ / 1000, (backoff_ms_ % 1000) * 1000};
  if (event_add(retry_ev_, &delay) != 0) {
    // Without the timer we could never resume: keep polling instead.
    backing_off_ = false;
    sync_polling();
    return;
  }
  backoff_ms_ = std::min(backoff_ms_ * 2, ev::kMaxAcceptBackoffMs);
}

void evconnlistener::on_backoff_over() {
  lock();
  backing_off_ = false;
  sync_polling();
  unlock();
}
