// Socket bufferevents: ev_read and ev_write watch the fd.
//
// Reads go straight into the input buffer, sized by the space left below
// the read high watermark, the max-single-read cap and any rate limit (no
// FIONREAD probe).  Writes are attempted as soon as our handlers finish
// (or from the deferred callback when data is queued from elsewhere), so
// an echo costs one read and one write; ev_write is armed only while the
// kernel pushes back (or for a connect, or when the user enables writing,
// which as in libevent reports the empty output once through the write
// callback).
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "bufferevent/socket.hpp"
#include "bufferevent/socket_uring.hpp"
#include "core/mm.hpp"
#include "evbuffer/evbuffer.hpp"

namespace ev {
namespace {

bool retriable(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

// Read from the event itself (the public layout), not event_get_fd(): the
// teardown runs after ev_read was finalized, which debug mode would report.
evutil_socket_t fd_of(bufferevent* bev) { return bev->ev_read.ev_fd; }

void on_readable(evutil_socket_t fd, short what, void* arg) {
  auto* bev = static_cast<bufferevent*>(arg);
  if (!bev_handler_begin(bev)) return;
  BevCore* c = core_of(bev);
  short event = BEV_EVENT_READING;
  if (!(what & EV_READ)) {
    event |= BEV_EVENT_TIMEOUT;
  } else {
    ev_ssize_t howmuch = bev_read_allowance(c);
    if (bev->wm_read.high != 0) {
      size_t have = evbuffer_get_length(bev->input);
      if (have >= bev->wm_read.high) {
        bev_suspend_read(bev, kSuspendWatermark);
        bev_handler_end(bev);
        return;
      }
      size_t room = bev->wm_read.high - have;
      if (howmuch < 0 || static_cast<size_t>(howmuch) > room)
        howmuch = static_cast<ev_ssize_t>(room);
    }
    if (c->read_suspended != 0 || howmuch <= 0) {
      bev_handler_end(bev);
      return;
    }
    int n = buffer_read(bev->input, fd, static_cast<size_t>(howmuch));
    if (n > 0) {
      bev_charge_read(c, n);
      if (evbuffer_get_length(bev->input) >= bev->wm_read.low) bev_run_readcb(bev, 0);
      bev_handler_end(bev);
      return;
    }
    if (n < 0) {
      int err = errno;
      if (retriable(err)) {
        bev_handler_end(bev);
        return;
      }
      if (err == ECONNREFUSED && c->connecting) {
        // The write handler reports the failed connect (reading consumed
        // the socket error it would otherwise fetch).
        c->connection_refused = true;
        bev_handler_end(bev);
        return;
      }
      event |= BEV_EVENT_ERROR;
    } else {
      event |= BEV_EVENT_EOF;
    }
  }
  bev_disable_locked(bev, EV_READ);
  bev_run_eventcb(bev, event, 0);
  bev_handler_end(bev);
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

// Writes what the limits allow.  Returns bytes written (0 when nothing
// could go), -2 when the socket would block, -1 after a reported error.
int write_some(bufferevent* bev) {
  BevCore* c = core_of(bev);
  if (c->write_suspended != 0 || evbuffer_get_length(bev->output) == 0) return 0;
  ev_ssize_t howmuch = bev_write_allowance(c);
  if (howmuch <= 0) return 0;
  int n = buffer_write(bev->output, fd_of(bev), static_cast<size_t>(howmuch));
  if (n > 0) {
    bev_charge_write(c, n);
    return n;
  }
  if (n < 0 && retriable(errno)) return -2;
  event_del(&bev->ev_write);
  bev_disable_locked(bev, EV_WRITE);
  bev_run_eventcb(
      bev, static_cast<short>(BEV_EVENT_WRITING | (n < 0 ? BEV_EVENT_ERROR : BEV_EVENT_EOF)), 0);
  return -1;
}

void on_writable(evutil_socket_t fd, short what, void* arg) {
  auto* bev = static_cast<bufferevent*>(arg);
  if (!bev_handler_begin(bev)) return;
  BevCore* c = core_of(bev);
  if (!(what & EV_WRITE)) {
    bev_disable_locked(bev, EV_WRITE);
    bev_run_eventcb(bev, BEV_EVENT_TIMEOUT | BEV_EVENT_WRITING, 0);
    bev_handler_end(bev);
    return;
  }
  bool connected = false;
  if (c->connecting) {
    int r = finished_connecting(fd);
    if (c->connection_refused) {
      c->connection_refused = false;
      errno = ECONNREFUSED;
      r = -1;
    }
    if (r == 0) {
      bev_handler_end(bev);
      return;
    }
    c->connecting = false;
    if (r < 0) {
      event_del(&bev->ev_write);
      event_del(&bev->ev_read);
      bev_run_eventcb(bev, BEV_EVENT_ERROR, 0);
      bev_handler_end(bev);
      return;
    }
    connected = true;
    bev_run_eventcb(bev, BEV_EVENT_CONNECTED, 0);
    // Connected: on an io_uring base the socket moves to completion IO.
    if (fd_of(bev) == fd && !c->dying && uring_attach(bev, fd)) {
      if ((bev->enabled & EV_READ) && c->read_suspended == 0) uring_enable(bev, EV_READ);
      if ((bev->enabled & EV_WRITE) && c->write_suspended == 0) uring_try_write(bev);
      bev_handler_end(bev);
      return;
    }
    if (!(bev->enabled & EV_WRITE) || c->write_suspended != 0) {
      event_del(&bev->ev_write);
      bev_handler_end(bev);
      return;
    }
  }
  int n = write_some(bev);
  if (n != -1) {
    if (evbuffer_get_length(bev->output) == 0) event_del(&bev->ev_write);
    if ((n > 0 || (n == 0 && !connected)) && evbuffer_get_length(bev->output) <= bev->wm_write.low)
      bev_run_writecb(bev, 0);
  }
  bev_handler_end(bev);
}

// ops->try_write: the output grew while ev_write was idle.
void sock_try_write(bufferevent* bev) {
  BevCore* c = core_of(bev);
  if (c->cio != nullptr && uring_usable(bev)) {
    if (bev->enabled & EV_WRITE) uring_try_write(bev);
    return;
  }
  if (c->connecting || fd_of(bev) < 0 || !(bev->enabled & EV_WRITE)) return;
  int n = write_some(bev);
  if (n == -1) return;
  if (evbuffer_get_length(bev->output) != 0) {
    if (!event_pending(&bev->ev_write, EV_WRITE, nullptr))
      bev_add_event(&bev->ev_write, &bev->timeout_write);
  } else if (event_pending(&bev->ev_write, EV_WRITE, nullptr)) {
    event_del(&bev->ev_write);
  }
  if (n > 0 && evbuffer_get_length(bev->output) <= bev->wm_write.low) bev_run_writecb(bev, 0);
}

// ops->output_changed.
void output_grew(bufferevent* bev, const evbuffer_cb_info* info) {
  BevCore* c = core_of(bev);
  if (c->cio != nullptr && uring_usable(bev)) {
    uring_output_grew(bev, info);
    return;
  }
  if (info->n_added == 0 || !(bev->enabled & EV_WRITE) || c->write_suspended != 0 ||
      c->connecting || fd_of(bev) < 0)
    return;
  // Already waiting for writability: that handler will write.
  if (event_pending(&bev->ev_write, EV_WRITE, nullptr)) return;
  bev_request_write(c);
}

int sock_enable(bufferevent* bev, short what) {
  if (core_of(bev)->cio != nullptr && uring_usable(bev)) return uring_enable(bev, what);
  if ((what & EV_READ) && bev_add_event(&bev->ev_read, &bev->timeout_read) == -1) return -1;
  if ((what & EV_WRITE) && bev_add_event(&bev->ev_write, &bev->timeout_write) == -1) return -1;
  return 0;
}

int sock_disable(bufferevent* bev, short what) {
  if (core_of(bev)->cio != nullptr && uring_usable(bev)) return uring_disable(bev, what);
  if ((what & EV_READ) && event_del(&bev->ev_read) == -1) return -1;
  // A connect in progress keeps watching for writability.
  if ((what & EV_WRITE) && !core_of(bev)->connecting && event_del(&bev->ev_write) == -1) return -1;
  return 0;
}

// The last reference is gone: completion IO lets go of the socket now (its
// requests are cancelled; see socket_uring.cpp), closing it when asked to.
void sock_unlink(bufferevent* bev) {
  BevCore* c = core_of(bev);
  if (c->cio == nullptr) return;
  const bool close_fd = (c->options & BEV_OPT_CLOSE_ON_FREE) != 0;
  uring_detach(bev, close_fd);
  c->fd_handed_off = close_fd;
}

void sock_destruct(bufferevent* bev) {
  evutil_socket_t fd = fd_of(bev);
  if ((core_of(bev)->options & BEV_OPT_CLOSE_ON_FREE) && fd >= 0 && !core_of(bev)->fd_handed_off)
    evutil_closesocket(fd);
}

int adj_one(event* e, short kind, const timeval* tv) {
  if (!event_pending(e, kind, nullptr)) return 0;
  if (tv->tv_sec != 0 || tv->tv_usec != 0) return event_add(e, tv);
  return event_remove_timer(e);
}

int sock_adj_timeouts(bufferevent* bev) {
  if (core_of(bev)->cio != nullptr && uring_usable(bev)) return uring_adj_timeouts(bev);
  int r = 0;
  if (adj_one(&bev->ev_read, EV_READ, &bev->timeout_read) < 0) r = -1;
  if (adj_one(&bev->ev_write, EV_WRITE, &bev->timeout_write) < 0) r = -1;
  return r;
}

int sock_flush(bufferevent*, short, bufferevent_flush_mode) { return 0; }

evutil_socket_t sock_get_fd(bufferevent* bev) { return fd_of(bev); }

}  // namespace

void socket_assign_fd(bufferevent* bev, evutil_socket_t fd) {
  int pri = event_get_priority(&bev->ev_read);
  event_assign(&bev->ev_read, bev->ev_base, fd, EV_READ | EV_PERSIST, on_readable, bev);
  event_assign(&bev->ev_write, bev->ev_base, fd, EV_WRITE | EV_PERSIST, on_writable, bev);
  if (pri >= 0) {
    event_priority_set(&bev->ev_read, pri);
    event_priority_set(&bev->ev_write, pri);
  }
}

int socket_set_fd(bufferevent* bev, evutil_socket_t fd) {
  BevCore* c = core_of(bev);
  if (c->cio != nullptr) uring_detach(bev, false);
  event_del(&bev->ev_read);
  event_del(&bev->ev_write);
  c->connecting = false;
  c->connection_refused = false;
  socket_assign_fd(bev, fd);
  // A connect's socket stays on readiness until connected.
  if (!c->connect_setup) uring_attach(bev, fd);
  c->connect_setup = false;
  if (fd >= 0) bev_enable_locked(bev, bev->enabled);
  return 0;
}

bool is_socket_bev(const bufferevent* bev) { return bev->be_ops == &kSocketOps; }

const bufferevent_ops kSocketOps = {
    .type = "socket",
    .enable = sock_enable,
    .disable = sock_disable,
    .unlink = sock_unlink,
    .destruct = sock_destruct,
    .adj_timeouts = sock_adj_timeouts,
    .flush = sock_flush,
    .get_fd = sock_get_fd,
    .set_fd = socket_set_fd,
    .get_underlying = nullptr,
    .try_write = sock_try_write,
    .output_changed = output_grew,
    .input_changed = nullptr,
};

}  // namespace ev

extern "C" struct bufferevent* bufferevent_socket_new(struct event_base* base, evutil_socket_t fd,
                                                      int options) {
  auto* c = ev::make<ev::BevCore>();
  if (c == nullptr) return nullptr;
  if (!ev::bev_init_common(c, base, &ev::kSocketOps, options, nullptr)) return nullptr;
  bufferevent* bev = &c->pub;
  event_assign(&bev->ev_read, base, fd, EV_READ | EV_PERSIST, ev::on_readable, bev);
  event_assign(&bev->ev_write, base, fd, EV_WRITE | EV_PERSIST, ev::on_writable, bev);
  ev::uring_attach(bev, fd);
  // As libevent: users may not append to the input or drain the output.
  evbuffer_freeze(bev->input, 0);
  evbuffer_freeze(bev->output, 1);
  return bev;
}
