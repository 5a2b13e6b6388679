// Allocation failure in evhttp (the harness: alloc_failure_harness.hpp):
// URIs parsed and joined, a keyvalq of headers and a parsed query, and an
// evhttp server on a loopback port of its own answering a POST that an
// evhttp client connection makes (request headers and body in, reply
// headers and body out), then the server and connection freed.  For every
// allocation the scenario makes, failed alone and with every later one
// failing, each call must report the failure (NULL, -1, or the request's
// callback with no response), the client's callback must run exactly once,
// nothing may leak, crash or hang, and the loop must return.
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "alloc_failure_harness.hpp"

namespace {

using namespace allocfail;

// evhttp_uri: parse, read back, join.
int uri_part() {
  Scope s;
  const char* text = "http://user@example.test:8080/a%20b/c?q=1&r=%41#frag";
  evhttp_uri* uri = s.own(evhttp_uri_parse_with_flags(text, 0), evhttp_uri_free);
  TRY(uri != nullptr);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_scheme(uri), "http") == 0);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_userinfo(uri), "user") == 0);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_host(uri), "example.test") == 0);
  EXPECT_DATA(evhttp_uri_get_port(uri) == 8080);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_path(uri), "/a%20b/c") == 0);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_query(uri), "q=1&r=%41") == 0);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_fragment(uri), "frag") == 0);
  TRY(evhttp_uri_set_path(uri, "/other") == 0);
  EXPECT_DATA(std::strcmp(evhttp_uri_get_path(uri), "/other") == 0);
  char joined[256];
  TRY(evhttp_uri_join(uri, joined, sizeof joined) != nullptr);
  EXPECT_DATA(std::strcmp(joined, "http://user@example.test:8080/other?q=1&r=%41#frag") == 0);
  evhttp_uri* bad = evhttp_uri_parse("http://[::1/");
  EXPECT_DATA(bad == nullptr);
  return kDone;
}

// A keyvalq: headers added, found, removed; a query string parsed into one.
int keyvalq_part() {
  evkeyvalq headers;
  TAILQ_INIT(&headers);
  struct Clear {
    evkeyvalq* q;
    ~Clear() { evhttp_clear_headers(q); }
  } clear{&headers};
  TRY(evhttp_add_header(&headers, "Host", "example.test") == 0);
  TRY(evhttp_add_header(&headers, "X-Twice", "one") == 0);
  TRY(evhttp_add_header(&headers, "X-Twice", "two") == 0);
  EXPECT_DATA(std::strcmp(evhttp_find_header(&headers, "host"), "example.test") == 0);
  EXPECT_DATA(std::strcmp(evhttp_find_header(&headers, "x-twice"), "one") == 0);
  EXPECT_DATA(evhttp_remove_header(&headers, "X-Twice") == 0);
  EXPECT_DATA(std::strcmp(evhttp_find_header(&headers, "X-Twice"), "two") == 0);
  EXPECT_DATA(evhttp_add_header(&headers, "Bad\r\nName", "x") == -1);

  evkeyvalq query;
  TAILQ_INIT(&query);
  struct ClearQuery {
    evkeyvalq* q;
    ~ClearQuery() { evhttp_clear_headers(q); }
  } clear_query{&query};
  int rc = evhttp_parse_query_str("a=1&b=two%20words&c=", &query);
  if (rc != 0) {
    // A failed parse leaves no partial list.
    EXPECT_DATA(TAILQ_EMPTY(&query));
    return kReported;
  }
  EXPECT_DATA(std::strcmp(evhttp_find_header(&query, "b"), "two words") == 0);
  EXPECT_DATA(std::strcmp(evhttp_find_header(&query, "c"), "") == 0);
  return kDone;
}

const std::string& request_body() {
  static const std::string body = pattern(20000);
  return body;
}
const std::string& reply_body() {
  static const std::string body = pattern(30000).substr(7);
  return body;
}

struct Exchange {
  int server_calls = 0;
  bool server_saw_right = false;
  int client_calls = 0;
  int code = -1;  // the response's code; 0: no response
  bool client_saw_right = false;
  int errors = 0;  // the client request's error callback
};

void on_server_request(evhttp_request* req, void* arg) {
  auto* x = static_cast<Exchange*>(arg);
  ++x->server_calls;
  evkeyvalq* in = evhttp_request_get_input_headers(req);
  const char* h = evhttp_find_header(in, "X-Test");
  evbuffer* body = evhttp_request_get_input_buffer(req);
  const std::string& want = request_body();
  bool right = h != nullptr && std::strcmp(h, "yes") == 0 &&
               evhttp_request_get_command(req) == EVHTTP_REQ_POST &&
               evbuffer_get_length(body) == want.size();
  if (right) {
    unsigned char* p = evbuffer_pullup(body, -1);
    if (p == nullptr) {  // no memory to look at it: an error answer
      evhttp_send_error(req, HTTP_INTERNAL, nullptr);
      return;
    }
    right = std::memcmp(p, want.data(), want.size()) == 0;
  }
  // The query of the request's URI.
  if (right) {
    const evhttp_uri* uri = evhttp_request_get_evhttp_uri(req);
    evkeyvalq query;
    TAILQ_INIT(&query);
    if (uri == nullptr || evhttp_parse_query_str(evhttp_uri_get_query(uri), &query) != 0) {
      evhttp_send_error(req, HTTP_INTERNAL, nullptr);
      return;
    }
    const char* y = evhttp_find_header(&query, "y");
    right = y != nullptr && std::strcmp(y, "two") == 0;
    evhttp_clear_headers(&query);
  }
  x->server_saw_right = right;
  if (!right) {
    evhttp_send_error(req, HTTP_BADREQUEST, nullptr);
    return;
  }
  evbuffer* out = evbuffer_new();
  if (out == nullptr) {
    evhttp_send_error(req, HTTP_INTERNAL, nullptr);
    return;
  }
  const std::string& reply = reply_body();
  if (evbuffer_add(out, reply.data(), reply.size()) != 0 ||
      evhttp_add_header(evhttp_request_get_output_headers(req), "X-Reply", "ok") != 0) {
    evbuffer_free(out);
    evhttp_send_error(req, HTTP_INTERNAL, nullptr);
    return;
  }
  evhttp_send_reply(req, HTTP_OK, "OK", out);
  evbuffer_free(out);
}

void on_client_response(evhttp_request* req, void* arg) {
  auto* x = static_cast<Exchange*>(arg);
  ++x->client_calls;
  if (req == nullptr) {
    x->code = 0;
    return;
  }
  x->code = evhttp_request_get_response_code(req);
  if (x->code != HTTP_OK) return;
  const char* h = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Reply");
  evbuffer* body = evhttp_request_get_input_buffer(req);
  const std::string& want = reply_body();
  if (h == nullptr || std::strcmp(h, "ok") != 0 || evbuffer_get_length(body) != want.size()) return;
  std::string got(want.size(), '\0');
  x->client_saw_right =
      evbuffer_copyout(body, got.data(), got.size()) == static_cast<ev_ssize_t>(got.size()) &&
      got == want;
}

void on_client_error(evhttp_request_error, void* arg) { ++static_cast<Exchange*>(arg)->errors; }

int exchange_part() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  // Frees happen in reverse: the connection, the server, then the loop
  // runs what they left deferred, then the base goes.
  s.own(
      base, +[](event_base* b) {
        for (int i = 0; i < 3; ++i) event_base_loop(b, EVLOOP_NONBLOCK);
      });
  Guard guard;
  TRY(add_guard(base, s, guard, 5) != nullptr);
  Exchange x;

  evhttp* http = s.own(evhttp_new(base), evhttp_free);
  TRY(http != nullptr);
  TRY(evhttp_set_cb(http, "/echo", on_server_request, &x) == 0);
  evhttp_bound_socket* bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
  TRY(bound != nullptr);
  sockaddr_in sin{};
  socklen_t len = sizeof sin;
  getsockname(evhttp_bound_socket_get_fd(bound), reinterpret_cast<sockaddr*>(&sin), &len);
  int port = ntohs(sin.sin_port);

  evhttp_connection* conn =
      s.own(evhttp_connection_base_new(base, nullptr, "127.0.0.1", static_cast<ev_uint16_t>(port)),
            evhttp_connection_free);
  TRY(conn != nullptr);
  evhttp_request* req = evhttp_request_new(on_client_response, &x);
  TRY(req != nullptr);
  evhttp_request_set_error_cb(req, on_client_error);
  const std::string& body = request_body();
  if (evhttp_add_header(evhttp_request_get_output_headers(req), "X-Test", "yes") != 0 ||
      evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "127.0.0.1") != 0 ||
      evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size()) != 0) {
    evhttp_request_free(req);  // not made: still ours
    return kReported;
  }
  // On failure the request is freed for us (it is not owned), as in
  // libevent.
  // A URI longer than the request's inline room: its copy is allocated.
  std::string uri = "/echo?x=1&y=two&pad=" + std::string(200, 'p');
  TRY(evhttp_make_request(conn, req, EVHTTP_REQ_POST, uri.c_str()) == 0);
  while (x.client_calls == 0 && !guard.fired) TRY(event_base_loop(base, EVLOOP_ONCE) >= 0);
  if (guard.fired) {
    note("guard fired: server called %d times, after %ld failures\n", x.server_calls, g_failures);
    return kHung;
  }
  EXPECT_DATA(x.client_calls == 1);
  EXPECT_DATA(x.server_calls <= 1);
  // Without failures the exchange is complete; with them, either the
  // answer is right or there was none (or an error code).
  EXPECT_DATA(g_failures > 0 || (x.code == HTTP_OK && x.client_saw_right && x.server_saw_right));
  if (x.code == HTTP_OK) EXPECT_DATA(x.client_saw_right && x.server_saw_right);
  TRY(x.code == HTTP_OK);
  return kDone;
}

int http_scenario() {
  int rc = uri_part();
  if (rc != kDone) return rc;
  rc = keyvalq_part();
  if (rc != kDone) return rc;
  return exchange_part();
}

TEST(AllocFailureHttp, EveryFailingAllocationIsReportedAndNothingLeaks) {
  alloc_sweep("evhttp uri, keyvalq, server and client", http_scenario, true);
}

}  // namespace
