// evhttp over TLS, on every backend: a server whose evhttp_set_bevcb
// callback returns OpenSSL bufferevents, and a client made with
// evhttp_connection_base_bufferevent_new on an OpenSSL bufferevent (the
// server's certificate verified).  Requests of several methods on one
// keep-alive connection, a streamed (chunked) reply, and Debian's curl as
// a TLS client of our server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <cstring>
#include <string>

#include "event_backend_param.hpp"
#include "http_test_util.hpp"
#include "openssl_test_util.hpp"

namespace {

struct Served {
  int bevs = 0;  // bufferevents the server asked for (one per connection)
  SSL_CTX* ctx = nullptr;
};

bufferevent* tls_bev(event_base* base, void* arg) {
  auto* s = static_cast<Served*>(arg);
  s->bevs++;
  return bufferevent_openssl_socket_new(base, -1, SSL_new(s->ctx), BUFFEREVENT_SSL_ACCEPTING,
                                        BEV_OPT_CLOSE_ON_FREE);
}

void answer(evhttp_request* req, void*) {
  evbuffer* b = evbuffer_new();
  if (std::string(evhttp_request_get_uri(req)) == "/stream") {
    evhttp_send_reply_start(req, 200, "OK");
    for (const char* part : {"one", "two", "three"}) {
      evbuffer_add(b, part, std::strlen(part));
      evhttp_send_reply_chunk(req, b);
    }
    evhttp_send_reply_end(req);
  } else {
    evbuffer_add_printf(b, "%d %s %zu", static_cast<int>(evhttp_request_get_command(req)),
                        evhttp_request_get_uri(req),
                        evbuffer_get_length(evhttp_request_get_input_buffer(req)));
    evhttp_send_reply(req, 200, "OK", b);
  }
  evbuffer_free(b);
}

struct Got {
  int calls = 0;
  int code = -1;
  std::string body;
  event_base* base = nullptr;
};

void got_cb(evhttp_request* req, void* arg) {
  auto* g = static_cast<Got*>(arg);
  g->calls++;
  if (req != nullptr) {
    g->code = evhttp_request_get_response_code(req);
    evbuffer* b = evhttp_request_get_input_buffer(req);
    g->body.assign(reinterpret_cast<const char*>(evbuffer_pullup(b, -1)), evbuffer_get_length(b));
  }
  event_base_loopexit(g->base, nullptr);
}

class HttpTls : public evtest::PerBackend {
 protected:
  void SetUp() override {
    evtest::PerBackend::SetUp();
    served.ctx = tlstest::server_ctx();
    tlstest::CtxOptions verify;
    verify.verify_peer = true;
    cctx = tlstest::client_ctx(verify);
    http = evhttp_new(base);
    ASSERT_NE(nullptr, http);
    evhttp_set_bevcb(http, tls_bev, &served);
    evhttp_set_gencb(http, answer, nullptr);
    evhttp_bound_socket* b = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
    ASSERT_NE(nullptr, b);
    sockaddr_in sin{};
    socklen_t len = sizeof(sin);
    getsockname(evhttp_bound_socket_get_fd(b), reinterpret_cast<sockaddr*>(&sin), &len);
    port = ntohs(sin.sin_port);
  }
  void TearDown() override {
    if (evcon != nullptr) evhttp_connection_free(evcon);
    if (http != nullptr) evhttp_free(http);
    SSL_CTX_free(served.ctx);
    SSL_CTX_free(cctx);
    evtest::PerBackend::TearDown();
  }
  void connect() {
    bufferevent* bev = bufferevent_openssl_socket_new(
        base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, bev);
    evcon = evhttp_connection_base_bufferevent_new(base, nullptr, bev, "127.0.0.1",
                                                   static_cast<uint16_t>(port));
    ASSERT_NE(nullptr, evcon);
  }
  Got request(evhttp_cmd_type type, const char* uri, const std::string& body = "") {
    Got g;
    g.base = base;
    evhttp_request* req = evhttp_request_new(got_cb, &g);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "localhost");
    if (!body.empty())
      evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size());
    EXPECT_EQ(0, evhttp_make_request(evcon, req, type, uri));
    timeval limit{5, 0};
    event_base_loopexit(base, &limit);
    event_base_dispatch(base);
    return g;
  }

  Served served;
  SSL_CTX* cctx = nullptr;
  evhttp* http = nullptr;
  evhttp_connection* evcon = nullptr;
  int port = 0;
};

TEST_P(HttpTls, RequestsOnOneKeepAliveConnection) {
  connect();
  Got a = request(EVHTTP_REQ_GET, "/a");
  EXPECT_EQ(200, a.code);
  EXPECT_EQ("1 /a 0", a.body);
  Got b = request(EVHTTP_REQ_POST, "/b", tlstest::pattern(100000));
  EXPECT_EQ(200, b.code);
  EXPECT_EQ("2 /b 100000", b.body);
  Got c = request(EVHTTP_REQ_PUT, "/c", "xyz");
  EXPECT_EQ("8 /c 3", c.body);
  EXPECT_EQ(1, served.bevs);  // one TLS connection for all three
  EXPECT_EQ(
      SSL_get_verify_result(bufferevent_openssl_get_ssl(evhttp_connection_get_bufferevent(evcon))),
      X509_V_OK);
}

TEST_P(HttpTls, StreamedReply) {
  connect();
  Got g = request(EVHTTP_REQ_GET, "/stream");
  EXPECT_EQ(200, g.code);
  EXPECT_EQ("onetwothree", g.body);
}

// Debian's curl (OpenSSL) as the client of our TLS server.
TEST_P(HttpTls, CurlClient) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "curl is not installed";
  std::string url = "https://127.0.0.1:" + std::to_string(port);
  int st = 0;
  std::string out = httptest::run_while_serving(base,
                                                "curl -sS -k --max-time 10 --noproxy '*' " + url +
                                                    "/x " + url + "/y --data-binary hello 2>&1",
                                                &st);
  EXPECT_EQ(0, st) << out;
  EXPECT_EQ("2 /x 52 /y 5", out);  // --data-binary makes both POSTs
}

EVTEST_INSTANTIATE_PER_BACKEND(HttpTls);

}  // namespace
