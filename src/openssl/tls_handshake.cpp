// The TLS handshake, renegotiation (TLS 1.2 and older) and the start of a
// connection in a given state.
//
// While handshaking over a socket, the descriptor is watched as libevent
// 2.1.12 watches it: the directions enabled when the handshake starts,
// then for what OpenSSL asked for (the other direction dropped), and
// bufferevent_enable()/_disable() add or drop a direction on the way, so a
// side with reading disabled while OpenSSL waits for input stalls until
// reading is enabled again.  Over a bufferevent the underlying one's
// callbacks drive the handshake (its write callback sends the first
// flight, as a socket bufferevent's runs once writable; its connect
// completing starts it) and so does enabling reading.  The user hears
// BEV_EVENT_CONNECTED once it is complete, then queued output goes out
// and input already received is decrypted.
//
// Renegotiation stays in the open state: SSL_read and SSL_write carry the
// rest of the exchange (and the data interleaved with it), and
// BEV_EVENT_CONNECTED is reported again when OpenSSL says the
// renegotiation is over.  A renegotiation the peer starts is handled
// inside SSL_read and reported to nobody, as in libevent.
#include <openssl/err.h>

#include "core/log.hpp"
#include "openssl/tls.hpp"

namespace ev::tls {

void start_state(TlsBev* t, int state) {
  t->state = static_cast<uint8_t>(state);
  t->closed = false;
  t->rbow = t->wbow = t->write_blocked = false;
  t->retry_len = 0;
  t->retry_lost = false;
  t->reneg_pending = false;
  if (state == BUFFEREVENT_SSL_CONNECTING) {
    SSL_set_connect_state(t->ssl);
  } else if (state == BUFFEREVENT_SSL_ACCEPTING) {
    SSL_set_accept_state(t->ssl);
  }
  bufferevent* bev = pub_of(t);
  t->hs_read = (bev->enabled & EV_READ) && t->read_suspended == 0;
  t->hs_write = (bev->enabled & EV_WRITE) && t->write_suspended == 0;
  sync_transport(t);
  // Over a bufferevent, a client hello may be waiting already: look from
  // the loop (libevent would wait for more bytes, maybe forever).
  if (t->underlying != nullptr && state == BUFFEREVENT_SSL_ACCEPTING &&
      evbuffer_get_length(t->underlying->input) != 0)
    evpriv_bev_request_write(t);
}

void do_handshake(TlsBev* t) {
  if (t->closed || t->state == BUFFEREVENT_SSL_OPEN) return;
  // Over a bufferevent whose output runs its callbacks at once (a filter),
  // OpenSSL's write to it comes back here: the running step goes on
  // instead (OpenSSL frees its buffers when the handshake ends).
  if (t->in_io) {
    t->hs_again = true;
    return;
  }
  t->in_io = true;
  int r;
  for (;;) {
    t->hs_again = false;
    ERR_clear_error();
    r = SSL_do_handshake(t->ssl);
    if (r == 1 || !t->hs_again) break;
    int e = SSL_get_error(t->ssl, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) break;
  }
  t->in_io = false;
  if (r == 1) {
    t->state = BUFFEREVENT_SSL_OPEN;
    sync_transport(t);
    evpriv_bev_run_eventcb(pub_of(t), BEV_EVENT_CONNECTED, 0);
    // What came with the last handshake flight, and what was queued.
    consider_reading(t);
    consider_writing(t);
    return;
  }
  int err = SSL_get_error(t->ssl, r);
  switch (err) {
    case SSL_ERROR_WANT_READ:
      t->hs_read = true;
      t->hs_write = false;
      break;
    case SSL_ERROR_WANT_WRITE:
      t->hs_read = false;
      t->hs_write = true;
      break;
    default:
      conn_closed(t, BEV_EVENT_READING, err, r);
      return;
  }
  sync_transport(t);
}

void check_renegotiation(TlsBev* t) {
  if (!t->reneg_pending || SSL_renegotiate_pending(t->ssl)) return;
  t->reneg_pending = false;
  sync_transport(t);
  evpriv_bev_run_eventcb(pub_of(t), BEV_EVENT_CONNECTED, 0);
}

int renegotiate(TlsBev* t) {
  if (t->closed) {
    evpriv_warnx("bufferevent_ssl_renegotiate: the connection is closed");
    return -1;
  }
  if (t->state != BUFFEREVENT_SSL_OPEN) {
    evpriv_warnx("bufferevent_ssl_renegotiate: the handshake is not finished");
    return -1;
  }
  if (SSL_version(t->ssl) >= TLS1_3_VERSION) {
    evpriv_warnx("bufferevent_ssl_renegotiate: TLS 1.3 has no renegotiation");
    put_error(t, ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_SSL_VERSION));
    return -1;
  }
  if (t->in_io) {
    evpriv_warnx("bufferevent_ssl_renegotiate: called while data moves through the SSL");
    return -1;
  }
  ERR_clear_error();
  if (SSL_renegotiate(t->ssl) != 1) {
    collect_errors(t);
    evpriv_warnx("bufferevent_ssl_renegotiate: OpenSSL refused to renegotiate");
    return -1;
  }
  t->reneg_pending = true;
  // (No re-entry from an underlying bufferevent's callbacks meanwhile;
  // output they would have written goes from the loop.)
  t->in_io = true;
  int r = SSL_do_handshake(t->ssl);
  t->in_io = false;
  evpriv_bev_request_write(t);
  if (r != 1) {
    int err = SSL_get_error(t->ssl, r);
    if (err == SSL_ERROR_WANT_WRITE) {
      t->rbow = true;  // a read pass flushes the handshake once writable
    } else if (err != SSL_ERROR_WANT_READ) {
      t->reneg_pending = false;
      conn_closed(t, BEV_EVENT_READING, err, r);
      return -1;
    }
  }
  sync_transport(t);
  check_renegotiation(t);
  return 0;
}

}  // namespace ev::tls
