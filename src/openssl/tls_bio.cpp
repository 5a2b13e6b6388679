// The BIO of filter mode: OpenSSL reads ciphertext from the underlying
// bufferevent's input and writes it to its output (up to that output's
// high watermark; beyond it the write is retried once the underlying one
// has sent some).  After the underlying bufferevent saw EOF an empty input
// reads as end of file, so OpenSSL classifies the close itself.
#include <event2/buffer.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>

#include "openssl/tls.hpp"

namespace ev::tls {
namespace {

TlsBev* owner(BIO* b) { return static_cast<TlsBev*>(BIO_get_data(b)); }

int bio_read(BIO* b, char* out, int outlen) {
  BIO_clear_retry_flags(b);
  TlsBev* t = owner(b);
  if (out == nullptr || outlen <= 0) return 0;
  if (t == nullptr || t->underlying == nullptr) return -1;
  evbuffer* in = t->underlying->input;
  if (evbuffer_get_length(in) == 0) {
    if (t->underlying_eof) return 0;
    BIO_set_retry_read(b);
    return -1;
  }
  return evbuffer_remove(in, out, static_cast<size_t>(outlen));
}

int bio_write(BIO* b, const char* data, int len) {
  BIO_clear_retry_flags(b);
  TlsBev* t = owner(b);
  if (t == nullptr || t->underlying == nullptr) return -1;
  if (len <= 0) return 0;
  bufferevent* u = t->underlying;
  size_t have = evbuffer_get_length(u->output);
  size_t n = static_cast<size_t>(len);
  if (u->wm_write.high != 0 && have + n > u->wm_write.high) {
    if (have >= u->wm_write.high) {
      BIO_set_retry_write(b);
      return -1;
    }
    n = u->wm_write.high - have;
  }
  if (evbuffer_add(u->output, data, n) < 0) return -1;
  return static_cast<int>(n);
}

long bio_ctrl(BIO* b, int cmd, long num, void*) {
  TlsBev* t = owner(b);
  bufferevent* u = t != nullptr ? t->underlying : nullptr;
  switch (cmd) {
    case BIO_CTRL_GET_CLOSE:
      return BIO_get_shutdown(b);
    case BIO_CTRL_SET_CLOSE:
      BIO_set_shutdown(b, static_cast<int>(num));
      return 1;
    case BIO_CTRL_PENDING:
      return u != nullptr && evbuffer_get_length(u->input) != 0;
    case BIO_CTRL_WPENDING:
      return u != nullptr && evbuffer_get_length(u->output) != 0;
    case BIO_CTRL_EOF:
      return u == nullptr || (t->underlying_eof && evbuffer_get_length(u->input) == 0);
    case BIO_CTRL_DUP:
    case BIO_CTRL_FLUSH:
      return 1;
    default:
      return 0;
  }
}

int bio_puts(BIO* b, const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return bio_write(b, s, static_cast<int>(n));
}

int bio_create(BIO* b) {
  BIO_set_init(b, 0);
  BIO_set_data(b, nullptr);
  return 1;
}

int bio_destroy(BIO*) { return 1; }  // the bufferevent is not the BIO's

BIO_METHOD* g_method = nullptr;
CRYPTO_ONCE g_once = CRYPTO_ONCE_STATIC_INIT;

void make_method() {
  BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bufferevent");
  if (m == nullptr) return;
  BIO_meth_set_write(m, bio_write);
  BIO_meth_set_read(m, bio_read);
  BIO_meth_set_puts(m, bio_puts);
  BIO_meth_set_ctrl(m, bio_ctrl);
  BIO_meth_set_create(m, bio_create);
  BIO_meth_set_destroy(m, bio_destroy);
  g_method = m;
}

}  // namespace

BIO* bio_new_bufferevent(TlsBev* t) {
  if (!CRYPTO_THREAD_run_once(&g_once, make_method) || g_method == nullptr) return nullptr;
  BIO* b = BIO_new(g_method);
  if (b == nullptr) return nullptr;
  BIO_set_data(b, t);
  BIO_set_init(b, 1);
  BIO_set_shutdown(b, 0);
  return b;
}

}  // namespace ev::tls
