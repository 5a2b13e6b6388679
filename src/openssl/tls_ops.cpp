// The operations table of OpenSSL bufferevents and their creation.
#include <openssl/err.h>
#include <unistd.h>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "openssl/tls.hpp"

namespace ev::tls {
namespace {

bool open_for_io(TlsBev* t) { return !t->closed && t->state == BUFFEREVENT_SSL_OPEN; }

// Whether decrypted or undecrypted input waits without the transport
// having to tell us.
bool input_waiting(TlsBev* t) {
  if (SSL_has_pending(t->ssl)) return true;
  return t->underlying != nullptr && evbuffer_get_length(t->underlying->input) != 0;
}

int tls_enable(bufferevent* bev, short what) {
  TlsBev* t = tls_of(bev);
  if (t->state != BUFFEREVENT_SSL_OPEN) {
    if (what & EV_READ) t->hs_read = true;
    if (what & EV_WRITE) t->hs_write = true;
    // Over a bufferevent, enabling reading (or writing with output queued)
    // runs a handshake step, as libevent's SSL_read (SSL_write) there
    // does: a client's first flight may wait for it.
    bool step = (what & EV_READ) || ((what & EV_WRITE) && evbuffer_get_length(bev->output) != 0);
    if (t->underlying != nullptr && step && !t->closed) evpriv_bev_request_write(t);
  }
  if (t->underlying != nullptr) {
    evpriv_bev_generic_adj_timeouts(bev);
    filter_sync(t, 0);
  } else {
    socket_sync(t, what, 0);
  }
  if (!open_for_io(t)) return 0;
  if ((what & EV_READ) && input_waiting(t)) {
    t->read_pass = true;
    evpriv_bev_request_write(t);
  }
  if ((what & EV_WRITE) && evbuffer_get_length(bev->output) != 0) evpriv_bev_request_write(t);
  return 0;
}

int tls_disable(bufferevent* bev, short what) {
  TlsBev* t = tls_of(bev);
  if (what & EV_READ) t->hs_read = false;
  if (what & EV_WRITE) t->hs_write = false;
  if (t->underlying != nullptr) {
    evpriv_bev_generic_del_timers(bev, what);
    filter_sync(t, what);
  } else {
    socket_sync(t, what, what);
  }
  return 0;
}

void tls_unlink(bufferevent* bev) {
  TlsBev* t = tls_of(bev);
  if (t->underlying != nullptr) filter_detach(t);
}

void tls_destruct(bufferevent* bev) {
  TlsBev* t = tls_of(bev);
  if (t->options & BEV_OPT_CLOSE_ON_FREE) {
    evutil_socket_t fd = t->underlying == nullptr ? bev->ev_read.ev_fd : -1;
    SSL_free(t->ssl);
    if (fd >= 0) evutil_closesocket(fd);
  }
  t->ssl = nullptr;
  if (bufferevent* u = t->underlying; u != nullptr) {
    evpriv_bev_lock(u);
    evpriv_bev_decref_and_unlock(u);
  }
}

int tls_adj_timeouts(bufferevent* bev) {
  TlsBev* t = tls_of(bev);
  if (t->underlying != nullptr) return evpriv_bev_generic_adj_timeouts(bev);
  return socket_adj_timeouts(t);
}

// Pushes queued output into the SSL now; BEV_FINISHED on the write side
// also sends close_notify.  1 when data moved.
int tls_flush(bufferevent* bev, short iotype, bufferevent_flush_mode mode) {
  TlsBev* t = tls_of(bev);
  int moved = 0;
  if ((iotype & EV_WRITE) && open_for_io(t)) {
    size_t before = evbuffer_get_length(bev->output);
    consider_writing(t);
    if (evbuffer_get_length(bev->output) < before) moved = 1;
    if (mode == BEV_FINISHED && !t->closed && evbuffer_get_length(bev->output) == 0) {
      ERR_clear_error();
      SSL_shutdown(t->ssl);
      ERR_clear_error();
    }
    sync_transport(t);
  }
  if ((iotype & EV_READ) && mode != BEV_NORMAL && open_for_io(t)) {
    size_t before = evbuffer_get_length(bev->input);
    consider_reading(t);
    if (evbuffer_get_length(bev->input) > before) moved = 1;
  }
  if (t->underlying != nullptr && mode != BEV_NORMAL)
    bufferevent_flush(t->underlying, iotype, mode);
  return moved;
}

evutil_socket_t tls_get_fd(bufferevent* bev) {
  TlsBev* t = tls_of(bev);
  if (t->underlying != nullptr) return bufferevent_getfd(t->underlying);
  return bev->ev_read.ev_fd;
}

// A new transport: the connection starts again in the creation state.
// Over a bufferevent, a descriptor goes to the underlying one; -1 leaves
// it its own (as in libevent).
int tls_set_fd(bufferevent* bev, evutil_socket_t fd) {
  TlsBev* t = tls_of(bev);
  if (t->underlying != nullptr) {
    if (fd >= 0 && bufferevent_setfd(t->underlying, fd) < 0) return -1;
  } else {
    if (fd >= 0) {
      BIO* bio = BIO_new_socket(static_cast<int>(fd), BIO_NOCLOSE);
      if (bio == nullptr) return -1;
      SSL_set_bio(t->ssl, bio, bio);
    }
    t->connecting = false;
    t->connection_refused = false;
    socket_assign(t, fd);
  }
  t->underlying_eof = false;
  if (t->old_state != BUFFEREVENT_SSL_OPEN && !SSL_in_before(t->ssl)) SSL_clear(t->ssl);
  start_state(t, t->old_state);
  return 0;
}

bufferevent* tls_get_underlying(bufferevent* bev) { return tls_of(bev)->underlying; }

// Work requested through the core (evpriv_bev_request_write): queued
// output, a read pass, the first handshake step over a bufferevent.
void tls_try_write(bufferevent* bev) {
  TlsBev* t = tls_of(bev);
  if (t->closed || t->connecting) return;
  if (t->underlying == nullptr && bev->ev_read.ev_fd < 0) return;
  if (t->state != BUFFEREVENT_SSL_OPEN) {
    do_handshake(t);
  } else {
    if (t->read_pass) {
      t->read_pass = false;
      consider_reading(t);
    }
    consider_writing(t);
  }
  sync_transport(t);
}

void tls_output_changed(bufferevent* bev, const evbuffer_cb_info* info) {
  TlsBev* t = tls_of(bev);
  if (info->n_deleted != 0) output_drained(t);
  if (info->n_added == 0 || !open_for_io(t) || t->connecting || t->in_io) return;
  // Waiting for the transport: that handler writes.
  if (t->write_blocked || t->wbow) return;
  evpriv_bev_request_write(t);
}

}  // namespace

const bufferevent_ops kTlsOps = {
    .type = "ssl",
    .enable = tls_enable,
    .disable = tls_disable,
    .unlink = tls_unlink,
    .destruct = tls_destruct,
    .adj_timeouts = tls_adj_timeouts,
    .flush = tls_flush,
    .get_fd = tls_get_fd,
    .set_fd = tls_set_fd,
    .get_underlying = tls_get_underlying,
    .try_write = tls_try_write,
    .output_changed = tls_output_changed,
    .connectable = true,
};

bufferevent* tls_new(event_base* base, bufferevent* underlying, evutil_socket_t fd, SSL* ssl,
                     int state, int options) {
  auto* t = make<TlsBev>();
  if (t == nullptr) return nullptr;
  // Over a thread-safe bufferevent, share its lock: callbacks flow both
  // ways and one lock cannot be taken in the wrong order.
  void* shared = underlying != nullptr && (options & BEV_OPT_THREADSAFE)
                     ? bev_lock_of(core_of(underlying))
                     : nullptr;
  if (!evpriv_bev_init_common(t, base, &kTlsOps, options, shared)) return nullptr;
  bufferevent* bev = pub_of(t);
  // The loop may run in another thread and fire our events as soon as
  // they are added: set up under the lock.
  evpriv_bev_lock(bev);
  t->ssl = ssl;
  t->underlying = underlying;
  t->old_state = static_cast<uint8_t>(state);
  // Our write retries may find the same bytes at another address.
  SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (underlying != nullptr) {
    BIO* bio = bio_new_bufferevent(t);
    if (bio == nullptr) {
      t->ssl = nullptr;
      evpriv_bev_unlock(bev);
      evpriv_bev_abort_init(t);
      return nullptr;
    }
    SSL_set_bio(ssl, bio, bio);
    evpriv_bev_init_generic_timers(bev);
    if (!filter_attach(t)) {
      SSL_set_bio(ssl, nullptr, nullptr);  // frees our BIO; the SSL is the caller's
      t->ssl = nullptr;
      t->underlying = nullptr;
      evpriv_bev_unlock(bev);
      evpriv_bev_abort_init(t);
      return nullptr;
    }
  } else {
    // Whole buffers of records per receive: one system call per message.
    SSL_set_read_ahead(ssl, 1);
    socket_assign(t, fd);
  }
  start_state(t, state);
  evpriv_bev_unlock(bev);
  return bev;
}

}  // namespace ev::tls
