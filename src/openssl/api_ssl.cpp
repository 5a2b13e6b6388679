// Public entry points of event2/bufferevent_ssl.h.
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>

#include "core/log.hpp"
#include "openssl/tls.hpp"

namespace ev::tls {
bufferevent* tls_new(event_base* base, bufferevent* underlying, evutil_socket_t fd, SSL* ssl,
                     int state, int options);
}  // namespace ev::tls

using ev::tls::TlsBev;

namespace {

bool valid_state(int state) {
  return state == BUFFEREVENT_SSL_OPEN || state == BUFFEREVENT_SSL_CONNECTING ||
         state == BUFFEREVENT_SSL_ACCEPTING;
}

// On failure the SSL is the caller's unless it was handed over.
bufferevent* fail(SSL* ssl, int options) {
  if (ssl != nullptr && (options & BEV_OPT_CLOSE_ON_FREE)) SSL_free(ssl);
  return nullptr;
}

}  // namespace

extern "C" {

struct bufferevent* bufferevent_openssl_filter_new(struct event_base* base,
                                                   struct bufferevent* underlying,
                                                   struct ssl_st* ssl,
                                                   enum bufferevent_ssl_state state, int options) {
  if (underlying == nullptr || ssl == nullptr) {
    evpriv_warnx("%s: %s must not be NULL", __func__, ssl == nullptr ? "ssl" : "underlying");
    return fail(ssl, options);
  }
  if (!valid_state(state)) {
    evpriv_warnx("%s: bad state %d", __func__, static_cast<int>(state));
    return fail(ssl, options);
  }
  if (base == nullptr) base = underlying->ev_base;
  bufferevent* bev = ev::tls::tls_new(base, underlying, -1, ssl, state, options);
  return bev != nullptr ? bev : fail(ssl, options);
}

struct bufferevent* bufferevent_openssl_socket_new(struct event_base* base, evutil_socket_t fd,
                                                   struct ssl_st* ssl,
                                                   enum bufferevent_ssl_state state, int options) {
  if (base == nullptr || ssl == nullptr) {
    evpriv_warnx("%s: %s must not be NULL", __func__, ssl == nullptr ? "ssl" : "base");
    return fail(ssl, options);
  }
  if (!valid_state(state)) {
    evpriv_warnx("%s: bad state %d", __func__, static_cast<int>(state));
    return fail(ssl, options);
  }
  // An SSL that already has a socket names the descriptor.
  BIO* bio = SSL_get_wbio(ssl);
  long have_fd = bio != nullptr ? BIO_get_fd(bio, nullptr) : -1;
  if (have_fd >= 0) {
    if (fd < 0) {
      fd = static_cast<evutil_socket_t>(have_fd);
    } else if (have_fd != static_cast<long>(fd)) {
      evpriv_warnx("%s: fd %d differs from the SSL's fd %ld", __func__, static_cast<int>(fd),
                   have_fd);
      return fail(ssl, options);
    }
    // Closing is ours to do (BEV_OPT_CLOSE_ON_FREE), not the SSL's.
    BIO_set_close(bio, BIO_NOCLOSE);
  } else if (fd >= 0) {
    bio = BIO_new_socket(static_cast<int>(fd), BIO_NOCLOSE);
    if (bio == nullptr) return fail(ssl, options);
    SSL_set_bio(ssl, bio, bio);
  }
  bufferevent* bev = ev::tls::tls_new(base, nullptr, fd, ssl, state, options);
  return bev != nullptr ? bev : fail(ssl, options);
}

int bufferevent_openssl_get_allow_dirty_shutdown(struct bufferevent* bev) {
  TlsBev* t = ev::tls::tls_cast(bev);
  if (t == nullptr) return -1;
  evpriv_bev_lock(bev);
  int r = t->allow_dirty ? 1 : 0;
  evpriv_bev_unlock(bev);
  return r;
}

void bufferevent_openssl_set_allow_dirty_shutdown(struct bufferevent* bev,
                                                  int allow_dirty_shutdown) {
  TlsBev* t = ev::tls::tls_cast(bev);
  if (t == nullptr) return;
  evpriv_bev_lock(bev);
  t->allow_dirty = allow_dirty_shutdown != 0;
  evpriv_bev_unlock(bev);
}

struct ssl_st* bufferevent_openssl_get_ssl(struct bufferevent* bufev) {
  TlsBev* t = ev::tls::tls_cast(bufev);
  return t != nullptr ? t->ssl : nullptr;
}

int bufferevent_ssl_renegotiate(struct bufferevent* bev) {
  TlsBev* t = ev::tls::tls_cast(bev);
  if (t == nullptr) return -1;
  ev::tls::Hold hold(bev);
  return ev::tls::renegotiate(t);
}

unsigned long bufferevent_get_openssl_error(struct bufferevent* bev) {
  TlsBev* t = ev::tls::tls_cast(bev);
  if (t == nullptr) return 0;
  evpriv_bev_lock(bev);
  unsigned long err = 0;
  if (t->n_errors != 0) {
    err = t->errors[0];
    for (int i = 1; i < t->n_errors; ++i) t->errors[i - 1] = t->errors[i];
    --t->n_errors;
  }
  evpriv_bev_unlock(bev);
  return err;
}

}  // extern "C"
