// TLS over another bufferevent: we install ourselves as its callbacks and
// keep a reference on it.  It reads only while we need ciphertext (its
// kSuspendFilterRead suspension), so our own read limits back-pressure
// the transport, as a filter bufferevent's do.
#include <cerrno>

#include "openssl/tls.hpp"

namespace ev::tls {
namespace {

void underlying_read(bufferevent*, void* arg) {
  auto* t = static_cast<TlsBev*>(arg);
  if (!handler_begin(t)) return;
  if (!t->closed) transport_readable(t);
  filter_sync(t, 0);
  handler_end(t);
}

void underlying_write(bufferevent*, void* arg) {
  auto* t = static_cast<TlsBev*>(arg);
  if (!handler_begin(t)) return;
  if (!t->closed) transport_writable(t);
  filter_sync(t, 0);
  handler_end(t);
}

void underlying_event(bufferevent*, short what, void* arg) {
  auto* t = static_cast<TlsBev*>(arg);
  if (!handler_begin(t)) return;
  if (t->closed) {
  } else if (what & BEV_EVENT_CONNECTED) {
    // Ours is reported when the handshake completes.  The transport is
    // there now: the handshake starts (libevent starts it when
    // bufferevent_socket_connect() gives the underlying one its socket).
    do_handshake(t);
  } else if ((what & BEV_EVENT_EOF) || ((what & BEV_EVENT_ERROR) && errno == ECONNRESET)) {
    // (A reset is how a peer that left unread data behind closes.)
    // Records still queued (a close_notify above all) come first; then
    // the end of the transport is OpenSSL's to classify.
    t->underlying_eof = true;
    if (t->state != BUFFEREVENT_SSL_OPEN)
      do_handshake(t);
    else
      consider_reading(t);
    if (!t->closed) dirty_close(t, BEV_EVENT_READING);
  } else {
    if (what & BEV_EVENT_ERROR) {
      t->closed = true;
      filter_sync(t, 0);
    }
    evpriv_bev_run_eventcb(pub_of(t), what, 0);
  }
  handler_end(t);
}

}  // namespace

bool filter_attach(TlsBev* t) {
  bufferevent* u = t->underlying;
  evpriv_bev_lock(u);
  evpriv_bev_incref_locked(u);  // released in destruct
  evpriv_bev_unlock(u);
  bufferevent_setcb(u, underlying_read, underlying_write, underlying_event, t);
  // Whatever arrives is ours to decrypt, whatever its size.
  bufferevent_setwatermark(u, EV_READ, 0, 0);
  if (bufferevent_enable(u, EV_READ | EV_WRITE) != 0) {
    // Its events could not be added (no memory): the filter would never
    // read.  Undone, for the creation to fail.
    bufferevent_disable(u, EV_READ | EV_WRITE);
    bufferevent_setcb(u, nullptr, nullptr, nullptr, nullptr);
    evpriv_bev_lock(u);
    evpriv_bev_decref_and_unlock(u);
    return false;
  }
  t->underlying_reading = true;
  return true;
}

void filter_detach(TlsBev* t) {
  bufferevent* u = t->underlying;
  if (t->options & BEV_OPT_CLOSE_ON_FREE) {
    bufferevent_free(u);  // our reference keeps it until destruct
    return;
  }
  evpriv_bev_lock(u);
  if (u->errorcb == underlying_event) {
    u->readcb = nullptr;
    u->writecb = nullptr;
    u->errorcb = nullptr;
    u->cbarg = nullptr;
  }
  if (!t->underlying_reading) evpriv_bev_unsuspend_read(u, kSuspendFilterRead);
  evpriv_bev_unlock(u);
}

void filter_sync(TlsBev* t, short off) {
  bufferevent* bev = pub_of(t);
  bool want = false;
  if (!t->closed) {
    if (t->state != BUFFEREVENT_SSL_OPEN) {
      want = true;
    } else {
      bool reading = (bev->enabled & EV_READ) && !(off & EV_READ) && t->read_suspended == 0;
      want = reading || t->wbow || renegotiating(t);
    }
  }
  if (want == t->underlying_reading) return;
  t->underlying_reading = want;
  bufferevent* u = t->underlying;
  evpriv_bev_lock(u);
  if (want)
    evpriv_bev_unsuspend_read(u, kSuspendFilterRead);
  else
    evpriv_bev_suspend_read(u, kSuspendFilterRead);
  evpriv_bev_unlock(u);
}

}  // namespace ev::tls
