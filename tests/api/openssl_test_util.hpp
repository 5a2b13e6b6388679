// Helpers for the OpenSSL bufferevent tests: keys and certificates made at
// run time with OpenSSL's API (a CA, a server and a client certificate, and
// an unrelated CA), SSL contexts for either side, the two ends of a TLS
// connection with what they saw (Endpoints, which every suite's fixture
// derives from) and a loopback listener for the connecting tests.
#pragma once

#include <arpa/inet.h>
#include <event2/bufferevent_ssl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "bufferevent_test_util.hpp"

namespace tlstest {

inline EVP_PKEY* new_key() { return EVP_EC_gen("P-256"); }

inline void add_ext(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, signed by issuer (self-signed when
// issuer is null).
inline X509* new_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca) {
  static long serial = 1;
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : x;
  add_ext(x, signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_ext(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!ca) add_ext(x, signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return x;
}

// The test PKI, made once per process.
struct Pki {
  EVP_PKEY* ca_key;
  X509* ca;
  EVP_PKEY* server_key;
  X509* server;
  EVP_PKEY* client_key;
  X509* client;
  EVP_PKEY* other_ca_key;
  X509* other_ca;
  static const Pki& get() {
    static Pki* p = [] {
      auto* k = new Pki;
      k->ca_key = new_key();
      k->ca = new_cert(k->ca_key, "libevent-ng test CA", nullptr, nullptr, true);
      k->server_key = new_key();
      k->server = new_cert(k->server_key, "localhost", k->ca, k->ca_key, false);
      k->client_key = new_key();
      k->client = new_cert(k->client_key, "test client", k->ca, k->ca_key, false);
      k->other_ca_key = new_key();
      k->other_ca = new_cert(k->other_ca_key, "unrelated CA", nullptr, nullptr, true);
      return k;
    }();
    return *p;
  }
};

// TLS versions to pin (0 = library default).
struct CtxOptions {
  int version = 0;
  bool verify_peer = false;   // check the peer's certificate against `trust`
  bool use_other_ca = false;  // trust the unrelated CA instead
  bool client_cert = false;   // client: present the client certificate
};

inline SSL_CTX* server_ctx(const CtxOptions& o = {}) {
  const Pki& k = Pki::get();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, k.server);
  SSL_CTX_use_PrivateKey(ctx, k.server_key);
  if (o.version != 0) {
    SSL_CTX_set_min_proto_version(ctx, o.version);
    SSL_CTX_set_max_proto_version(ctx, o.version);
  }
  if (o.verify_peer) {
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), o.use_other_ca ? k.other_ca : k.ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return ctx;
}

inline SSL_CTX* client_ctx(const CtxOptions& o = {}) {
  const Pki& k = Pki::get();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (o.version != 0) {
    SSL_CTX_set_min_proto_version(ctx, o.version);
    SSL_CTX_set_max_proto_version(ctx, o.version);
  }
  if (o.verify_peer) {
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), o.use_other_ca ? k.other_ca : k.ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (o.client_cert) {
    SSL_CTX_use_certificate(ctx, k.client);
    SSL_CTX_use_PrivateKey(ctx, k.client_key);
  }
  return ctx;
}

// A deterministic byte pattern of `n` bytes.
inline std::string pattern(size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 16);
  }
  return s;
}

// The reason code of an error from bufferevent_get_openssl_error().
inline int reason_of(unsigned long e) { return ERR_GET_REASON(e); }

// Drains a bufferevent's error queue into a vector.
inline std::vector<unsigned long> drain_errors(bufferevent* bev) {
  std::vector<unsigned long> out;
  for (unsigned long e; (e = bufferevent_get_openssl_error(bev)) != 0;) out.push_back(e);
  return out;
}

inline bool has_reason(const std::vector<unsigned long>& errs, int reason) {
  for (unsigned long e : errs)
    if (ERR_GET_REASON(e) == reason) return true;
  return false;
}

// A server and a client TLS bufferevent, their contexts and recorders.
// A fixture derives from it beside its GoogleTest base and calls
// free_endpoints() in TearDown().
class Endpoints {
 protected:
  // Bufferevents first (they may own SSL objects of the contexts).
  void free_endpoints() {
    if (server != nullptr) bufferevent_free(server);
    if (client != nullptr) bufferevent_free(client);
    server = client = nullptr;
    if (sctx != nullptr) SSL_CTX_free(sctx);
    if (cctx != nullptr) SSL_CTX_free(cctx);
    sctx = cctx = nullptr;
  }
  // Bufferevents gone, a fresh socket pair and recorders: ready for the
  // next connection of a test that makes several (the contexts stay).
  void next_connection() {
    if (server != nullptr) bufferevent_free(server);
    if (client != nullptr) bufferevent_free(client);
    server = client = nullptr;
    bevtest::SockPair fresh;
    sp.close_end(0);
    sp.close_end(1);
    sp.fd[0] = fresh.release(0);
    sp.fd[1] = fresh.release(1);
    rs = bevtest::Recorder();
    rc = bevtest::Recorder();
  }
  void make_contexts(const CtxOptions& so = {}, const CtxOptions& co = {}) {
    sctx = server_ctx(so);
    cctx = client_ctx(co);
  }
  // Records both sides' callbacks; enables both directions on both unless
  // `enable` is false.
  void attach(bool enable = true) {
    ASSERT_NE(nullptr, server);
    ASSERT_NE(nullptr, client);
    rs.attach(server);
    rc.attach(client);
    if (!enable) return;
    bufferevent_enable(server, EV_READ | EV_WRITE);
    bufferevent_enable(client, EV_READ | EV_WRITE);
  }
  // Runs `base` until both sides reported BEV_EVENT_CONNECTED.
  bool connected_in(event_base* base) {
    return bevtest::run_until(base, [&] {
      return (rs.all_what & BEV_EVENT_CONNECTED) && (rc.all_what & BEV_EVENT_CONNECTED);
    });
  }

  bevtest::SockPair sp;
  SSL_CTX* sctx = nullptr;
  SSL_CTX* cctx = nullptr;
  bufferevent* server = nullptr;
  bufferevent* client = nullptr;
  bevtest::Recorder rs, rc;
};

// A listening TCP socket on 127.0.0.1 with a port the kernel chose.
struct Listener {
  evutil_socket_t fd = -1;
  sockaddr_in sin{};
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(0, bind(fd, addr(), sizeof(sin)));
    socklen_t len = sizeof(sin);
    getsockname(fd, addr(), &len);
    EXPECT_EQ(0, listen(fd, 4));
  }
  ~Listener() {
    if (fd >= 0) close(fd);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  sockaddr* addr() { return reinterpret_cast<sockaddr*>(&sin); }
  int port() const { return ntohs(sin.sin_port); }
  // Runs `base` until a connection arrives: its descriptor, non-blocking
  // (-1 when none came in time).
  evutil_socket_t accept_in(event_base* base) {
    evutil_socket_t afd = -1;
    bevtest::run_until(base, [&] {
      afd = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      return afd >= 0;
    });
    return afd;
  }
};

// The TLS server end of the next connection `l` accepts on `base`, its
// callbacks recorded by `rec` and `enable` turned on (nullptr when no
// connection came in time or the bufferevent could not be made).
inline bufferevent* accept_tls_server(event_base* base, Listener& l, SSL_CTX* ctx,
                                      bevtest::Recorder& rec, short enable) {
  evutil_socket_t afd = l.accept_in(base);
  if (afd < 0) return nullptr;
  bufferevent* bev = bufferevent_openssl_socket_new(
      base, afd, SSL_new(ctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  if (bev == nullptr) return nullptr;
  rec.attach(bev);
  bufferevent_enable(bev, enable);
  return bev;
}

}  // namespace tlstest
