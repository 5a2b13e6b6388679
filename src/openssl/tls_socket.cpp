// TLS directly over a socket: ev_read and ev_write watch the descriptor
// for what the SSL object needs.
//
// Reading is watched while the user reads (enabled, not suspended), while
// a write waits for input (wbow) and while a renegotiation waits for the
// peer; during the handshake, as libevent does (hs_read/hs_write, see
// tls_handshake.cpp).  Writing is watched only while the kernel pushes
// back (or a read waits to write, rbow, or a connect is in progress):
// output is encrypted and sent as soon as our handler ends or, from
// outside a handler, from the loop (the core's try_write request), so an
// echoed message costs one receive and one send.
#include <sys/socket.h>

#include <cerrno>

#include "openssl/tls.hpp"

namespace ev::tls {
namespace {

evutil_socket_t fd_of(bufferevent* bev) { return bev->ev_read.ev_fd; }

// Adds or deletes `e` when `want` differs from what we did last (`armed`).
// *failed: it could not be added (no memory).
bool set_event(event* e, bool armed, bool want, const timeval* tv, bool* failed) {
  if (want && !armed) {
    if (event_add(e, tv != nullptr && (tv->tv_sec != 0 || tv->tv_usec != 0) ? tv : nullptr) != 0) {
      *failed = true;
      return false;
    }
  } else if (!want && armed) {
    event_del(e);
  }
  return want;
}

void on_timeout(TlsBev* t, short direction) {
  bufferevent* bev = pub_of(t);
  evpriv_bev_disable_locked(bev, direction);
  short what = direction == EV_READ ? BEV_EVENT_READING : BEV_EVENT_WRITING;
  evpriv_bev_run_eventcb(bev, static_cast<short>(BEV_EVENT_TIMEOUT | what), 0);
}

// 1 connected, 0 still in progress, -1 failed (errno set).
int finished_connecting(evutil_socket_t fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -1;
  if (err == EINPROGRESS || err == EINTR) return 0;
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 1;
}

void on_readable(evutil_socket_t, short what, void* arg) {
  auto* t = static_cast<TlsBev*>(arg);
  if (!handler_begin(t)) return;
  if (!(what & EV_READ)) {
    on_timeout(t, EV_READ);
  } else if (!t->connecting && !t->closed) {
    transport_readable(t);
  }
  // A write attempt queued for the end of this handler syncs after it.
  if (!(t->pending & kPendingTryWrite) || t->handler_depth != 1) socket_sync(t, 0, 0);
  handler_end(t);
}

void on_writable(evutil_socket_t fd, short what, void* arg) {
  auto* t = static_cast<TlsBev*>(arg);
  if (!handler_begin(t)) return;
  bufferevent* bev = pub_of(t);
  if (!(what & EV_WRITE)) {
    on_timeout(t, EV_WRITE);
  } else if (t->connecting) {
    int r = finished_connecting(fd);
    if (r != 0) {
      t->connecting = false;
      if (r < 0) {
        t->closed = true;
        socket_sync(t, 0, 0);
        evpriv_bev_run_eventcb(bev, BEV_EVENT_ERROR, 0);
      } else if (t->state != BUFFEREVENT_SSL_OPEN) {
        do_handshake(t);
      } else {
        consider_writing(t);
      }
    }
  } else if (!t->closed) {
    transport_writable(t);
  }
  socket_sync(t, 0, 0);
  handler_end(t);
}

int adj_one(event* e, short kind, const timeval* tv) {
  if (!event_pending(e, kind, nullptr)) return 0;
  if (tv->tv_sec != 0 || tv->tv_usec != 0) return event_add(e, tv);
  return event_remove_timer(e);
}

}  // namespace

bool handler_begin(TlsBev* t) { return evpriv_bev_handler_begin(pub_of(t)) != 0; }

void handler_end(TlsBev* t) { evpriv_bev_handler_end(pub_of(t)); }

void socket_assign(TlsBev* t, evutil_socket_t fd) {
  bufferevent* bev = pub_of(t);
  int pri = event_initialized(&bev->ev_read) ? event_get_priority(&bev->ev_read) : -1;
  if (event_initialized(&bev->ev_read)) {
    event_del(&bev->ev_read);
    event_del(&bev->ev_write);
  }
  t->read_armed = t->write_armed = false;
  // EV_FINALIZE: event_del() from another thread (bufferevent_enable
  // there, with our lock held) must not wait for a handler that is itself
  // waiting for our lock; handlers check `dying`, teardown finalizes.
  event_assign(&bev->ev_read, bev->ev_base, fd, EV_READ | EV_PERSIST | EV_FINALIZE, on_readable, t);
  event_assign(&bev->ev_write, bev->ev_base, fd, EV_WRITE | EV_PERSIST | EV_FINALIZE, on_writable,
               t);
  if (pri >= 0) {
    event_priority_set(&bev->ev_read, pri);
    event_priority_set(&bev->ev_write, pri);
  }
}

void socket_sync(TlsBev* t, short reset, short off) {
  bufferevent* bev = pub_of(t);
  if (fd_of(bev) < 0) return;
  // Re-added below with the current timeouts.
  if (reset & EV_READ) {
    event_del(&bev->ev_read);
    t->read_armed = false;
  }
  if (reset & EV_WRITE) {
    event_del(&bev->ev_write);
    t->write_armed = false;
  }
  bool r = false;
  bool w = false;
  if (t->connecting) {
    w = !t->closed;
  } else if (!t->closed) {
    if (t->state != BUFFEREVENT_SSL_OPEN) {
      r = t->hs_read;
      w = t->hs_write;
    } else {
      bool reading = (bev->enabled & EV_READ) && !(off & EV_READ) && t->read_suspended == 0;
      bool writing = (bev->enabled & EV_WRITE) && !(off & EV_WRITE) && t->write_suspended == 0;
      r = reading || t->wbow || renegotiating(t);
      w = t->rbow || (t->write_blocked && writing);
    }
  }
  // The handshake's events carry the timeouts whatever the enabled
  // directions, as in libevent.
  bool hs = t->state != BUFFEREVENT_SSL_OPEN;
  bool failed_r = false, failed_w = false;
  t->read_armed =
      set_event(&bev->ev_read, t->read_armed, r,
                hs || (bev->enabled & EV_READ) ? &bev->timeout_read : nullptr, &failed_r);
  t->write_armed =
      set_event(&bev->ev_write, t->write_armed, w,
                hs || (bev->enabled & EV_WRITE) ? &bev->timeout_write : nullptr, &failed_w);
  // An event that could not be added would never fire: the connection
  // would wait forever.  Reported (which closes it, so this does not
  // recurse) once someone can hear it; before that (creation) the event
  // stays unarmed and the next sync, e.g. bufferevent_enable, adds it.
  if ((failed_r || failed_w) && !t->closed && bev->errorcb != nullptr)
    no_memory(t, failed_r ? BEV_EVENT_READING : BEV_EVENT_WRITING);
}

int socket_adj_timeouts(TlsBev* t) {
  bufferevent* bev = pub_of(t);
  int r = 0;
  if (adj_one(&bev->ev_read, EV_READ, &bev->timeout_read) < 0) r = -1;
  if (adj_one(&bev->ev_write, EV_WRITE, &bev->timeout_write) < 0) r = -1;
  return r;
}

void sync_transport(TlsBev* t) {
  if (t->underlying != nullptr)
    filter_sync(t, 0);
  else
    socket_sync(t, 0, 0);
}

}  // namespace ev::tls
