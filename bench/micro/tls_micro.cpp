// OpenSSL bufferevents (event2/bufferevent_ssl.h) in pairs inside one
// process: a TLS 1.3 server end (a self-signed P-256 certificate generated at
// start) echoes what the client end writes.  OpenSSL's own work (AES-128-GCM
// of 4 KiB each way) is the same on both sides, so the ratios understate
// the library's share.  One iteration is the operation in brackets.
//
//   tls_socket_echo_4k   bufferevent_openssl_socket_new on both ends of a
//                        socketpair; the client writes 4 KiB, the server's
//                        read callback writes its input back, the client
//                        reads all 4 KiB  [round trip]
//   tls_filter_echo_4k   the same through bufferevent_openssl_filter_new
//                        over the two ends of a bufferevent_pair
//                        (BEV_OPT_DEFER_CALLBACKS): no sockets  [round trip]
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "micro.hpp"

namespace {

constexpr size_t kMessage = 4096;

SSL_CTX* make_ctx(bool server) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  micro::check(ctx != nullptr, "SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
  if (server) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    micro::check(key != nullptr && x != nullptr, "cannot make a key");
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char*)"micro", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    micro::check(X509_sign(x, key, EVP_sha256()) > 0, "X509_sign failed");
    micro::check(SSL_CTX_use_certificate(ctx, x) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1,
                 "cannot install the certificate");
    X509_free(x);
    EVP_PKEY_free(key);
    SSL_CTX_set_num_tickets(ctx, 0);  // nothing but the echo after the handshake
  }
  return ctx;
}

struct Echo {
  struct event_base* base;
  SSL_CTX* server_ctx;
  SSL_CTX* client_ctx;
  struct bufferevent* server;
  struct bufferevent* client;
  struct bufferevent* pair[2];  // the filter variant's transport
  int fds[2];                   // the socket variant's
  int connected;
  bool done;
  unsigned char message[kMessage];
};

void on_server_read(struct bufferevent* bev, void*) {
  micro::check(bufferevent_write_buffer(bev, bufferevent_get_input(bev)) == 0,
               "bufferevent_write_buffer failed");
}

void on_client_read(struct bufferevent* bev, void* arg) {
  Echo* e = static_cast<Echo*>(arg);
  struct evbuffer* input = bufferevent_get_input(bev);
  if (evbuffer_get_length(input) < kMessage) return;
  micro::check(evbuffer_drain(input, kMessage) == 0, "evbuffer_drain failed");
  e->done = true;
}

void on_event(struct bufferevent* bev, short what, void* arg) {
  Echo* e = static_cast<Echo*>(arg);
  if (what & BEV_EVENT_CONNECTED) {
    e->connected++;
    return;
  }
  fprintf(stderr, "micro: TLS bufferevent event 0x%x (OpenSSL error %lu)\n", what,
          bufferevent_get_openssl_error(bev));
  micro::die("TLS bufferevent failed");
}

void start(Echo* e) {
  micro::check(e->server && e->client, "bufferevent_openssl_*_new failed");
  bufferevent_setcb(e->server, on_server_read, nullptr, on_event, e);
  bufferevent_setcb(e->client, on_client_read, nullptr, on_event, e);
  bufferevent_enable(e->server, EV_READ | EV_WRITE);
  bufferevent_enable(e->client, EV_READ | EV_WRITE);
  for (int turns = 0; e->connected < 2; turns++) {
    micro::check(turns < 100000, "the TLS handshake did not finish");
    micro::check(event_base_loop(e->base, EVLOOP_ONCE) >= 0, "event_base_loop failed");
  }
  memset(e->message, 'm', sizeof e->message);
}

void stop(Echo* e) {
  bufferevent_free(e->client);
  bufferevent_free(e->server);
  event_base_free(e->base);
  SSL_CTX_free(e->server_ctx);
  SSL_CTX_free(e->client_ctx);
}

void round_trip(Echo* e) {
  e->done = false;
  micro::check(bufferevent_write(e->client, e->message, kMessage) == 0, "bufferevent_write");
  while (!e->done)
    micro::check(event_base_loop(e->base, EVLOOP_ONCE) >= 0, "event_base_loop failed");
}

Echo* new_echo() {
  static Echo e;
  memset(&e, 0, sizeof e);
  e.base = micro::new_base();
  e.server_ctx = make_ctx(true);
  e.client_ctx = make_ctx(false);
  return &e;
}

}  // namespace

MICRO_TIMED void micro_timed_tls_socket_echo_4k(Echo* e) { round_trip(e); }

MICRO_BENCH(tls_socket_echo_4k) {
  Echo* e = new_echo();
  micro::socket_pair(e->fds);
  e->server = bufferevent_openssl_socket_new(e->base, e->fds[0], SSL_new(e->server_ctx),
                                             BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  e->client = bufferevent_openssl_socket_new(e->base, e->fds[1], SSL_new(e->client_ctx),
                                             BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
  start(e);
  for (auto _ : state) micro_timed_tls_socket_echo_4k(e);
  state.SetBytesProcessed((int64_t)(state.iterations() * 2 * kMessage));
  stop(e);
}

MICRO_TIMED void micro_timed_tls_filter_echo_4k(Echo* e) { round_trip(e); }

MICRO_BENCH(tls_filter_echo_4k) {
  Echo* e = new_echo();
  micro::check(bufferevent_pair_new(e->base, BEV_OPT_DEFER_CALLBACKS, e->pair) == 0,
               "bufferevent_pair_new failed");
  e->server = bufferevent_openssl_filter_new(e->base, e->pair[0], SSL_new(e->server_ctx),
                                             BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  e->client = bufferevent_openssl_filter_new(e->base, e->pair[1], SSL_new(e->client_ctx),
                                             BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
  start(e);
  for (auto _ : state) micro_timed_tls_filter_echo_4k(e);
  state.SetBytesProcessed((int64_t)(state.iterations() * 2 * kMessage));
  stop(e);
}
