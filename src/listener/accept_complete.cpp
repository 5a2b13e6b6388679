// The listener's side of completion accepts (accept_uring.hpp): the done
// event's callback hands the queued results to the user as the readiness
// path's accept loop does (accept_loop.cpp): the same try-lock, the same
// references around the user's callback, the same error policy and
// back-off.
#include <event2/listener.h>

#include <string.h>

#include "listener/accept_socket.hpp"
#include "listener/accept_uring.hpp"
#include "listener/listener.hpp"

void evconnlistener::on_completions() {
  // Busy lock: another thread is reconfiguring us, possibly waiting in
  // event_del for this very callback.  The results stay queued.
  if (!try_lock()) {
    if (cio_ != nullptr) ev::uring_accept_retry(cio_);
    return;
  }
  // At most the armed requests' worth of results arrive per loop
  // iteration, so this loop is bounded as the readiness batch is.
  while (accepting()) {
    sockaddr_storage peer;
    memset(&peer, 0, sizeof(peer));  // as the readiness path: zero past the address
    socklen_t peer_len = 0;
    int res = -1;
    if (!ev::uring_accept_pop(cio_, &res, &peer, &peer_len)) break;
    if (res < 0) {
      const int err = -res;
      if (ev::accept_error_is_empty(err) || ev::accept_error_is_transient(err)) continue;
      on_accept_failed(err);
      return;
    }
    if (!deliver(res, reinterpret_cast<sockaddr*>(&peer), peer_len)) return;
  }
  unlock();
}

void evconnlistener::done_trampoline(evutil_socket_t, short, void* self) {
  static_cast<evconnlistener*>(self)->on_completions();
}
