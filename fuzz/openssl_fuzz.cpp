// Arbitrary bytes as a TLS peer's records, fed to an accepting OpenSSL
// bufferevent: over a socket (first input byte even) or as a filter over a
// bufferevent pair (odd), in chunks whose sizes the input chooses, followed
// by the end of the transport.  The bufferevent must report an error or
// EOF, never crash, hang or leak.  Layout of an input: byte 0 picks the
// mode and dirty-shutdown policy, byte 1 the chunk size; the rest is sent.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace {

SSL_CTX* server_ctx() {
  static SSL_CTX* ctx = [] {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("fuzz"), -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_sign(x, key, EVP_sha256());
    SSL_CTX* c = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(c, x);
    SSL_CTX_use_PrivateKey(c, key);
    X509_free(x);
    EVP_PKEY_free(key);
    return c;
  }();
  return ctx;
}

struct State {
  bool done = false;
  size_t received = 0;
};

void on_read(bufferevent* bev, void* arg) {
  evbuffer* in = bufferevent_get_input(bev);
  static_cast<State*>(arg)->received += evbuffer_get_length(in);
  evbuffer_drain(in, evbuffer_get_length(in));
  bufferevent_write(bev, "ok", 2);
}

void on_event(bufferevent* bev, short what, void* arg) {
  if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
    static_cast<State*>(arg)->done = true;
    while (bufferevent_get_openssl_error(bev) != 0) {
    }
  }
}

// One pass of the loop without waiting: the peer's bytes are already there.
void run_once(event_base* base) { event_base_loop(base, EVLOOP_NONBLOCK); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 65536) return 0;
  const bool filter = data[0] & 1;
  const bool dirty_ok = data[0] & 2;
  const size_t chunk = data[1] == 0 ? size : data[1] * 8u;
  data += 2;
  size -= 2;
  event_base* base = event_base_new();
  State st;
  bufferevent* bev;
  bufferevent* feeder = nullptr;  // the peer's side of a pair
  int peer = -1;
  if (filter) {
    bufferevent* pair[2];
    if (bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, pair) != 0) abort();
    feeder = pair[1];
    bufferevent_enable(feeder, EV_READ | EV_WRITE);
    bev = bufferevent_openssl_filter_new(base, pair[0], SSL_new(server_ctx()),
                                         BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  } else {
    int fd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd) != 0) abort();
    peer = fd[1];
    bev = bufferevent_openssl_socket_new(base, fd[0], SSL_new(server_ctx()),
                                         BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  }
  if (bev == nullptr) abort();
  bufferevent_openssl_set_allow_dirty_shutdown(bev, dirty_ok);
  bufferevent_setcb(bev, on_read, nullptr, on_event, &st);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
  size_t off = 0;
  while (off < size && !st.done) {
    size_t n = size - off < chunk ? size - off : chunk;
    if (filter) {
      bufferevent_write(feeder, data + off, n);
    } else if (write(peer, data + off, n) < 0) {
      break;  // the bufferevent closed its end
    }
    off += n;
    run_once(base);
    if (peer >= 0) {
      char sink[4096];
      while (read(peer, sink, sizeof(sink)) > 0) {
      }
    }
  }
  // The end of the transport: EOF or error must follow.
  if (filter)
    bufferevent_flush(feeder, EV_WRITE, BEV_FINISHED);
  else
    shutdown(peer, SHUT_WR);
  for (int i = 0; i < 1000 && !st.done; ++i) run_once(base);
  if (!st.done) abort();  // a hang: the close was never reported
  bufferevent_free(bev);
  if (feeder != nullptr) bufferevent_free(feeder);
  if (peer >= 0) close(peer);
  event_base_free(base);
  ERR_clear_error();
  return 0;
}
