// evhttp server: routing, virtual hosts, limits, keep-alive, pipelining,
// Expect, HEAD, error pages, streaming, timeouts and deferred replies, on
// every backend, through a raw loopback client.
#include <sys/un.h>

#include <cstring>
#include <string>
#include <vector>

#include "http_test_util.hpp"
#include <event2/bufferevent.h>
#include <event2/listener.h>
// After http.h, which declares the enums it uses.
#include <event2/http_struct.h>

using httptest::body_of;
using httptest::status_of;

namespace {

void reply_text(evhttp_request* req, void* arg) {
  evbuffer* b = evbuffer_new();
  evbuffer_add_printf(b, "%s", arg != nullptr ? static_cast<const char*>(arg) : "hello");
  evhttp_send_reply(req, HTTP_OK, "OK", b);
  evbuffer_free(b);
}

// Replies with the URI and the body it received.
void echo_cb(evhttp_request* req, void*) {
  evbuffer* b = evbuffer_new();
  evbuffer_add_printf(b, "%s|", evhttp_request_get_uri(req));
  evbuffer_add_buffer(b, evhttp_request_get_input_buffer(req));
  evhttp_send_reply(req, HTTP_OK, "OK", b);
  evbuffer_free(b);
}

class HttpServer : public httptest::Server {
 protected:
  // Sends each part in turn on one connection: after every part but the
  // last the server must neither answer nor close (it is still reading);
  // returns what came after the last part, with *closed set.
  std::string send_parts(const std::vector<std::string>& parts, bool* closed) {
    int fd = httptest::connect_to(port);
    EXPECT_GE(fd, 0);
    std::string r;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      httptest::send_all(fd, parts[i]);
      bool last = i + 1 == parts.size();
      r = httptest::pump(base, fd, nullptr, closed, last ? 3000 : 200);
      if (!last) {
        EXPECT_EQ("", r) << "after part " << i;
        EXPECT_FALSE(*closed) << "after part " << i;
      }
    }
    close(fd);
    return r;
  }
};

TEST_P(HttpServer, GenericCallbackAnswersWithContentLengthAndDate) {
  evhttp_set_gencb(http, reply_text, nullptr);
  std::string r = request("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(200, status_of(r));
  EXPECT_NE(std::string::npos, r.find("Content-Length: 5\r\n"));
  EXPECT_NE(std::string::npos, r.find("Date: "));
  EXPECT_NE(std::string::npos, r.find("Content-Type: text/html; charset=ISO-8859-1\r\n"));
  EXPECT_EQ("hello", body_of(r));
}

TEST_P(HttpServer, PathCallbacksMatchTheDecodedPathExactly) {
  static char a[] = "A", b[] = "B";
  ASSERT_EQ(0, evhttp_set_cb(http, "/a b", reply_text, a));
  ASSERT_EQ(0, evhttp_set_cb(http, "/b", reply_text, b));
  EXPECT_EQ(-1, evhttp_set_cb(http, "/b", reply_text, b));
  EXPECT_EQ("A", body_of(request("GET /a%20b?q=1 HTTP/1.1\r\n\r\n")));
  EXPECT_EQ("B", body_of(request("GET /b HTTP/1.1\r\n\r\n")));
  std::string r = request("GET /c<x> HTTP/1.1\r\n\r\n");
  EXPECT_EQ(404, status_of(r));
  EXPECT_NE(std::string::npos, r.find("/c&lt;x&gt;"));
  EXPECT_EQ(0, evhttp_del_cb(http, "/b"));
  EXPECT_EQ(-1, evhttp_del_cb(http, "/b"));
  EXPECT_EQ(404, status_of(request("GET /b HTTP/1.1\r\n\r\n")));
}

TEST_P(HttpServer, NulInDecodedPathIsRefused) {
  evhttp_set_gencb(http, reply_text, nullptr);
  EXPECT_EQ(400, status_of(request("GET /a%00b HTTP/1.1\r\n\r\n")));
}

TEST_P(HttpServer, VirtualHostsAndAliases) {
  static char main_s[] = "main", v1[] = "v1", v2[] = "v2";
  evhttp_set_gencb(http, reply_text, main_s);
  evhttp* vh1 = evhttp_new(base);
  evhttp* vh2 = evhttp_new(base);
  evhttp_set_gencb(vh1, reply_text, v1);
  evhttp_set_gencb(vh2, reply_text, v2);
  ASSERT_EQ(0, evhttp_add_virtual_host(http, "*.example.com", vh1));
  ASSERT_EQ(0, evhttp_add_virtual_host(http, "other.org", vh2));
  EXPECT_EQ(-1, evhttp_add_virtual_host(http, "again", vh2));
  ASSERT_EQ(0, evhttp_add_server_alias(vh2, "alias.net"));
  EXPECT_EQ("v1", body_of(request("GET / HTTP/1.1\r\nHost: www.Example.com:8080\r\n\r\n")));
  EXPECT_EQ("v2", body_of(request("GET / HTTP/1.1\r\nHost: other.org\r\n\r\n")));
  EXPECT_EQ("v2", body_of(request("GET / HTTP/1.1\r\nHost: alias.net\r\n\r\n")));
  EXPECT_EQ("v1", body_of(request("GET http://x.example.com/ HTTP/1.1\r\nHost: z\r\n\r\n")));
  EXPECT_EQ("main", body_of(request("GET / HTTP/1.1\r\nHost: nowhere\r\n\r\n")));
  EXPECT_EQ(0, evhttp_remove_server_alias(vh2, "alias.net"));
  EXPECT_EQ(-1, evhttp_remove_server_alias(vh2, "alias.net"));
  EXPECT_EQ("main", body_of(request("GET / HTTP/1.1\r\nHost: alias.net\r\n\r\n")));
  EXPECT_EQ(0, evhttp_remove_virtual_host(http, vh2));
  EXPECT_EQ(-1, evhttp_remove_virtual_host(http, vh2));
  evhttp_free(vh2);
}

TEST_P(HttpServer, DisallowedMethodIsNotImplemented) {
  evhttp_set_gencb(http, reply_text, nullptr);
  EXPECT_EQ(501, status_of(request("PATCH / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")));
  EXPECT_EQ(501, status_of(request("BREW / HTTP/1.1\r\n\r\n")));
  evhttp_set_allowed_methods(http, EVHTTP_REQ_PATCH);
  EXPECT_EQ(200, status_of(request("PATCH / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")));
  EXPECT_EQ(501, status_of(request("GET / HTTP/1.1\r\n\r\n")));
}

TEST_P(HttpServer, HeaderAndBodyLimits) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  evhttp_set_max_headers_size(http, 100);
  evhttp_set_max_body_size(http, 10);
  bool closed = false;
  std::string big(200, 'x');
  std::string r = request("GET / HTTP/1.1\r\nX: " + big + "\r\n\r\n", &closed, true);
  EXPECT_EQ(400, status_of(r));  // a head over the limit is a bad head, as in the reference
  EXPECT_TRUE(closed);
  r = request("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n01234567890", &closed, true);
  EXPECT_EQ(413, status_of(r));
  r = request(
      "POST / HTTP/1.1\r\nTransfer-Encoding: "
      "chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n",
      &closed, true);
  EXPECT_EQ(413, status_of(r));
  r = request("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789");
  EXPECT_EQ(200, status_of(r));
  EXPECT_EQ("/|0123456789", body_of(r));
}

// EVHTTP_SERVER_LINGERING_CLOSE: a body over the limit is read to its end
// and discarded before the 413 and the close, so the client is not reset
// while it is still sending (libevent; regress http/lingering_close).
TEST_P(HttpServer, LingeringCloseReadsTheBodyBeforeAnswering413) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  ASSERT_EQ(0, evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE));
  evhttp_set_max_body_size(http, 10);
  bool closed = false;
  std::string r = send_parts(
      {"POST / HTTP/1.1\r\nContent-Length: 20\r\n\r\n0123456789", "0123456789"}, &closed);
  EXPECT_EQ(413, status_of(r));
  EXPECT_TRUE(closed);
}

// The same for a chunked body: once its chunks pass the limit the rest is
// read and dropped (chunk framing still checked) up to the last chunk and
// the trailer, then the 413 and the close.  Before the fix the 413 went at
// once and the close reset a client still sending.
TEST_P(HttpServer, LingeringCloseReadsAChunkedBodyBeforeAnswering413) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  ASSERT_EQ(0, evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE));
  evhttp_set_max_body_size(http, 10);
  bool closed = false;
  std::string r = send_parts({"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "a\r\n0123456789\r\n5\r\nabcde\r\n",
                              "3\r\nxyz\r\n0\r\nTrailer: dropped\r\n", "\r\n"},
                             &closed);
  EXPECT_EQ(413, status_of(r));
  EXPECT_TRUE(closed);
}

// Lingering is bounded: a chunked body that goes on past the limit by more
// than the discard allowance (4 MiB) gets its 413 and the close without
// waiting for the last chunk.
TEST_P(HttpServer, LingeringOnAChunkedBodyIsBounded) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  ASSERT_EQ(0, evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE));
  evhttp_set_max_body_size(http, 10);
  int fd = httptest::connect_to(port);
  ASSERT_GE(fd, 0);
  httptest::send_all(fd, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  std::string r;
  bool closed = false;
  for (int i = 0; i < 80 && !closed && r.empty(); ++i) {  // 5 MiB at most
    httptest::send_all(fd, chunk);
    r += httptest::pump(base, fd, nullptr, &closed, 5);
  }
  r += httptest::pump(base, fd, nullptr, &closed, 2000);
  EXPECT_EQ(413, status_of(r));
  EXPECT_TRUE(closed);
  close(fd);
}

// A malformed request line is answered as soon as it arrives, without
// waiting for the rest of the head (libevent; regress http/failure).
TEST_P(HttpServer, BadRequestLineIsAnsweredBeforeTheHeadEnds) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  int fd = httptest::connect_to(port);
  ASSERT_GE(fd, 0);
  httptest::send_all(fd, "illegal request\r\n");
  bool closed = false;
  std::string r = httptest::pump(base, fd, nullptr, &closed, 1000);
  EXPECT_EQ(400, status_of(r));
  EXPECT_TRUE(closed);
  close(fd);
}

// A client that leaves in the middle of a streamed reply: the connection
// closes (close callback), the request, which the user still holds, is
// detached from it and left to the user (libevent; regress
// http/terminate_chunked, terminate_chunked_oneshot).
struct Stream {
  evhttp_request* req = nullptr;
  int closed = 0;
};

TEST_P(HttpServer, ClientLeavingAStreamDetachesTheRequest) {
  Stream st;
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void* arg) {
        auto* s = static_cast<Stream*>(arg);
        s->req = req;
        evhttp_connection_set_closecb(
            evhttp_request_get_connection(req),
            [](evhttp_connection*, void* a) { static_cast<Stream*>(a)->closed++; }, s);
        evhttp_send_reply_start(req, 200, "OK");
        evbuffer* b = evbuffer_new();
        evbuffer_add_printf(b, "first");
        evhttp_send_reply_chunk(req, b);
        evbuffer_free(b);
      },
      &st);
  int fd = httptest::connect_to(port);
  ASSERT_GE(fd, 0);
  httptest::send_all(fd, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string r = httptest::pump(
      base, fd, [](const std::string& s) { return s.find("first") != std::string::npos; });
  ASSERT_NE(std::string::npos, r.find("first"));
  close(fd);
  for (int i = 0; i < 200 && st.closed == 0; ++i) {
    event_base_loop(base, EVLOOP_NONBLOCK);
    usleep(1000);
  }
  EXPECT_EQ(1, st.closed);
  ASSERT_NE(nullptr, st.req);
  EXPECT_EQ(nullptr, evhttp_request_get_connection(st.req));
  evhttp_request_free(st.req);
}

TEST_P(HttpServer, KeepAliveRules) {
  evhttp_set_gencb(http, reply_text, nullptr);
  int fd = httptest::connect_to(port);
  bool closed = false;
  httptest::send_all(fd, "GET /1 HTTP/1.1\r\n\r\n");
  std::string r = httptest::pump(base, fd, httptest::has_full_body, &closed);
  EXPECT_EQ(200, status_of(r));
  EXPECT_FALSE(closed);
  httptest::send_all(fd, "GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  r = httptest::pump(base, fd, httptest::has_full_body, &closed);
  EXPECT_NE(std::string::npos, r.find("HTTP/1.0 200 OK\r\n"));
  EXPECT_NE(std::string::npos, r.find("Connection: keep-alive\r\n"));
  EXPECT_FALSE(closed);
  httptest::send_all(fd, "GET /3 HTTP/1.0\r\n\r\n");
  r = httptest::pump(base, fd, nullptr, &closed);
  EXPECT_EQ(200, status_of(r));
  EXPECT_TRUE(closed);
  close(fd);
  r = request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &closed, true);
  EXPECT_NE(std::string::npos, r.find("Connection: close\r\n"));
  EXPECT_TRUE(closed);
}

TEST_P(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  int fd = httptest::connect_to(port);
  std::string all;
  for (int i = 0; i < 20; ++i)
    all += "POST /" + std::to_string(i) + " HTTP/1.1\r\nContent-Length: 1\r\n\r\n" +
           std::string(1, static_cast<char>('a' + i));
  httptest::send_all(fd, all);
  std::string r = httptest::pump(base, fd, [](const std::string& s) {
    return httptest::count_status_lines(s) == 20 && s.find("/19|t") != std::string::npos;
  });
  size_t pos = 0;
  for (int i = 0; i < 20; ++i) {
    std::string want = "/" + std::to_string(i) + "|" + std::string(1, static_cast<char>('a' + i));
    size_t at = r.find(want, pos);
    ASSERT_NE(std::string::npos, at) << want;
    pos = at;
  }
  close(fd);
}

TEST_P(HttpServer, ExpectContinue) {
  evhttp_set_gencb(http, echo_cb, nullptr);
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  std::string r = httptest::pump(
      base, fd, [](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  EXPECT_EQ("HTTP/1.1 100 Continue\r\n\r\n", r);
  httptest::send_all(fd, "abc");
  r = httptest::pump(base, fd, httptest::has_full_body);
  EXPECT_EQ("/e|abc", body_of(r));
  close(fd);
  EXPECT_EQ(417,
            status_of(request("POST / HTTP/1.1\r\nExpect: tea\r\nContent-Length: 1\r\n\r\nx")));
}

TEST_P(HttpServer, HeadHasNoBody) {
  evhttp_set_gencb(http, reply_text, nullptr);
  bool closed = false;
  std::string r = request("HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n", &closed, true);
  EXPECT_EQ(200, status_of(r));
  EXPECT_EQ("", body_of(r));
}

TEST_P(HttpServer, SendErrorPage) {
  evhttp_set_gencb(
      http, [](evhttp_request* req, void*) { evhttp_send_error(req, 503, nullptr); }, nullptr);
  bool closed = false;
  std::string r = request("GET / HTTP/1.1\r\n\r\n", &closed, true);
  EXPECT_NE(std::string::npos, r.find("HTTP/1.1 503 Service Unavailable\r\n"));
  EXPECT_NE(std::string::npos, r.find("Connection: close\r\n"));
  EXPECT_NE(std::string::npos,
            r.find("<TITLE>503 Service Unavailable</TITLE>\n</HEAD><BODY>\n<H1>Service "
                   "Unavailable</H1>"));
  EXPECT_TRUE(closed);
}

TEST_P(HttpServer, ChunkedStreamingFor11CloseDelimitedFor10) {
  evhttp_set_gencb(http, httptest::reply_three_chunks, const_cast<char*>("part"));
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  std::string r = httptest::pump(
      base, fd, [](const std::string& s) { return s.find("0\r\n\r\n") != std::string::npos; });
  EXPECT_NE(std::string::npos, r.find("Transfer-Encoding: chunked\r\n"));
  EXPECT_EQ("5\r\npart0\r\n5\r\npart1\r\n5\r\npart2\r\n0\r\n\r\n", body_of(r));
  close(fd);
  bool closed = false;
  r = request("GET / HTTP/1.0\r\n\r\n", &closed, true);
  EXPECT_EQ("part0part1part2", body_of(r));
  EXPECT_TRUE(closed);
}

TEST_P(HttpServer, ChunkedRequestBodyAndDiscardedTrailers) {
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void*) {
        EXPECT_EQ(nullptr, evhttp_find_header(evhttp_request_get_input_headers(req), "X-Trailer"));
        echo_cb(req, nullptr);
      },
      nullptr);
  std::string r = request(
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n"
      "X-Trailer: 1\r\n\r\n");
  EXPECT_EQ("/c|abcde", body_of(r));
}

// Obsolete line folding: a continuation line extends the previous field,
// joined by one space, as in libevent (regress http/multi_line_header).
TEST_P(HttpServer, FoldedHeaderLinesAreJoined) {
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void*) {
        const evkeyvalq* in = evhttp_request_get_input_headers(req);
        EXPECT_STREQ("libevent 2.1", evhttp_find_header(in, "X-Multi-Extra-WS"));
        EXPECT_STREQ("aaaaaaaa a END", evhttp_find_header(in, "X-Multi"));
        EXPECT_STREQ("last", evhttp_find_header(in, "X-Last"));
        evhttp_send_reply(req, 200, "OK", nullptr);
      },
      nullptr);
  std::string r = request(
      "GET / HTTP/1.1\r\nHost: h\r\nX-Multi-Extra-WS:  libevent  \r\n\t\t\t2.1 \r\n"
      "X-Multi:  aaaaaaaa\r\n a\r\n\tEND\r\nX-Last: last\r\n\r\n");
  EXPECT_EQ(200, status_of(r));
}

// Deferred reply from a timer, with the on-complete and close callbacks.
struct Deferred {
  evhttp_request* req = nullptr;
  event* ev = nullptr;
  int completed = 0;
  int closed = 0;
};

TEST_P(HttpServer, DeferredReplyAndCompletionCallbacks) {
  Deferred d;
  d.ev = evtimer_new(
      base,
      [](evutil_socket_t, short, void* arg) {
        auto* d = static_cast<Deferred*>(arg);
        reply_text(d->req, nullptr);
      },
      &d);
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void* arg) {
        auto* d = static_cast<Deferred*>(arg);
        d->req = req;
        evhttp_request_set_on_complete_cb(
            req, [](evhttp_request*, void* a) { static_cast<Deferred*>(a)->completed++; }, d);
        evhttp_connection_set_closecb(
            evhttp_request_get_connection(req),
            [](evhttp_connection*, void* a) { static_cast<Deferred*>(a)->closed++; }, d);
        timeval tv{0, 50000};
        evtimer_add(d->ev, &tv);
      },
      &d);
  bool closed = false;
  std::string r = request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &closed, true);
  EXPECT_EQ("hello", body_of(r));
  EXPECT_EQ(1, d.completed);
  EXPECT_EQ(1, d.closed);
  event_free(d.ev);
}

TEST_P(HttpServer, IdleConnectionTimesOut) {
  evhttp_set_gencb(http, reply_text, nullptr);
  timeval tv{0, 200000};
  evhttp_set_timeout_tv(http, &tv);
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  bool closed = false;
  auto t0 = evtest::now_tv();
  std::string r = httptest::pump(base, fd, nullptr, &closed, 3000);
  EXPECT_EQ(200, status_of(r));
  EXPECT_TRUE(closed);
  EXPECT_GE(evtest::elapsed_ms(t0, evtest::now_tv()), 150);
  close(fd);
}

TEST_P(HttpServer, FreeingTheServerWithOpenConnections) {
  evhttp_set_gencb(http, reply_text, nullptr);
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  httptest::pump(base, fd, httptest::has_full_body);
  evhttp_free(http);
  http = nullptr;
  bool closed = false;
  httptest::pump(base, fd, nullptr, &closed, 1000);
  EXPECT_TRUE(closed);
  close(fd);
}

TEST_P(HttpServer, RequestAccessors) {
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void*) {
        EXPECT_EQ(EVHTTP_REQ_GET, evhttp_request_get_command(req));
        EXPECT_STREQ("/p?q=1#f", evhttp_request_get_uri(req));
        EXPECT_STREQ("/p", evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)));
        EXPECT_STREQ("q=1", evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req)));
        EXPECT_STREQ("h", evhttp_request_get_host(req));
        EXPECT_STREQ("v  x", evhttp_find_header(evhttp_request_get_input_headers(req), "x-a"));
        EXPECT_STREQ("127.0.0.1", req->remote_host);
        char* addr = nullptr;
        ev_uint16_t port = 0;
        evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr, &port);
        EXPECT_STREQ("127.0.0.1", addr);
        EXPECT_NE(0, port);
        EXPECT_NE(nullptr, evhttp_connection_get_server(evhttp_request_get_connection(req)));
        evhttp_add_header(evhttp_request_get_output_headers(req), "X-Out", "1");
        evhttp_send_reply(req, 201, nullptr, nullptr);
      },
      nullptr);
  std::string r = request("GET /p?q=1#f HTTP/1.1\r\nHost: h:80\r\nX-A:  v  x \r\n\r\n");
  EXPECT_NE(std::string::npos, r.find("HTTP/1.1 201 Created\r\n"));
  EXPECT_NE(std::string::npos, r.find("X-Out: 1\r\n"));
}

// Strict framing: each class is answered 400 and the connection closed.
TEST_P(HttpServer, MalformedRequestsAreRejectedAndClosed) {
  int calls = 0;
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void* arg) {
        ++*static_cast<int*>(arg);
        reply_text(req, nullptr);
      },
      &calls);
  const std::vector<std::string> bad = {
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\n: empty\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\rGET / HTTP/1.1\r\n\r\n",
      std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 27),
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;=x\r\nabc\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx",
      "GET  / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1 x\r\n\r\n",
      "GET /\r\n\r\n",
      "GET / HTTP/11\r\n\r\n",
      "GET\t/ HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\n folded\r\nX: a\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 1\r\n 0\r\n\r\nx",
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: 1\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
  };
  for (const std::string& req : bad) {
    bool closed = false;
    std::string r = request(req, &closed, true);
    EXPECT_EQ(400, status_of(r)) << req;
    EXPECT_TRUE(closed) << req;
  }
  EXPECT_EQ(0, calls);
}

TEST_P(HttpServer, LeadingEmptyLinesAndBareLfAreAccepted) {
  evhttp_set_gencb(http, reply_text, nullptr);
  EXPECT_EQ(200, status_of(request("\r\nGET / HTTP/1.1\nHost: x\n\n")));
  // Trailing spaces after the version, as libevent (regress http/basic_trailing_space).
  EXPECT_EQ(200, status_of(request("GET / HTTP/1.1  \r\nHost: x\r\n\r\n")));
}

TEST_P(HttpServer, AcceptSocketAndListenerAccessors) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(0, bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  ASSERT_EQ(0, listen(fd, 16));
  evhttp_bound_socket* b = evhttp_accept_socket_with_handle(http, fd);
  ASSERT_NE(nullptr, b);
  EXPECT_EQ(fd, evhttp_bound_socket_get_fd(b));
  EXPECT_NE(nullptr, evhttp_bound_socket_get_listener(b));
  int count = 0;
  evhttp_foreach_bound_socket(
      http, [](evhttp_bound_socket*, void* a) { ++*static_cast<int*>(a); }, &count);
  EXPECT_EQ(2, count);
  int p2 = httptest::bound_port(b);
  evhttp_set_gencb(http, reply_text, nullptr);
  std::swap(port, p2);
  EXPECT_EQ(200, status_of(request("GET / HTTP/1.1\r\n\r\n")));
  std::swap(port, p2);
  evhttp_del_accept_socket(http, b);
  EXPECT_LT(httptest::connect_to(p2), 0);
}

TEST_P(HttpServer, UnixSocketPeerOfAnyPathLength) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  // Padded with zeros: tools that read sun_path as a string stay in bounds.
  struct {
    sockaddr_un addr;
    char pad[8];
  } padded{}, mine_padded{};
  sockaddr_un& sun = padded.addr;
  sun.sun_family = AF_UNIX;
  std::string path = "/tmp/evhttp-test-" + std::to_string(getpid()) + "-";
  path.resize(sizeof(sun.sun_path), 'x');  // fills sun_path with no NUL
  std::memcpy(sun.sun_path, path.data(), sizeof(sun.sun_path));
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0) {
    close(fd);
    GTEST_SKIP() << "cannot bind a full-length unix path";
  }
  ASSERT_EQ(0, listen(fd, 4));
  ASSERT_NE(nullptr, evhttp_accept_socket_with_handle(http, fd));
  evhttp_set_gencb(http, reply_text, nullptr);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  // The client binds a full-length path too, so the peer address has one.
  sockaddr_un& me = mine_padded.addr;
  me.sun_family = AF_UNIX;
  std::string mine = path;
  mine[mine.size() - 1] = 'y';
  std::memcpy(me.sun_path, mine.data(), sizeof(me.sun_path));
  unlink(mine.c_str());
  bind(c, reinterpret_cast<sockaddr*>(&me), sizeof(me));
  ASSERT_EQ(0, connect(c, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)));
  httptest::send_all(c, "GET / HTTP/1.1\r\n\r\n");
  std::string r = httptest::pump(base, c, httptest::has_full_body);
  EXPECT_EQ(200, status_of(r));
  close(c);
  unlink(path.c_str());
  unlink(mine.c_str());
}

TEST_P(HttpServer, BufferEventCallbackSuppliesEachConnection) {
  struct Ctx {
    int calls = 0;
  } ctx;
  evhttp_set_bevcb(
      http,
      [](event_base* b, void* arg) {
        static_cast<Ctx*>(arg)->calls++;
        return bufferevent_socket_new(b, -1, BEV_OPT_CLOSE_ON_FREE);
      },
      &ctx);
  evhttp_set_gencb(http, reply_text, nullptr);
  EXPECT_EQ(200, status_of(request("GET / HTTP/1.1\r\n\r\n")));
  EXPECT_EQ(200, status_of(request("GET / HTTP/1.1\r\n\r\n")));
  EXPECT_EQ(2, ctx.calls);
}

TEST_P(HttpServer, FreeingTheServerOrConnectionInsideAHandler) {
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void*) {
        evhttp_connection_free(evhttp_request_get_connection(req));
      },
      nullptr);
  bool closed = false;
  std::string r = request("GET / HTTP/1.1\r\n\r\n", &closed, true);
  EXPECT_EQ("", r);
  EXPECT_TRUE(closed);
  struct Ctx {
    evhttp** http;
  } ctx{&http};
  evhttp_set_gencb(
      http,
      [](evhttp_request*, void* arg) {
        auto* c = static_cast<Ctx*>(arg);
        evhttp_free(*c->http);
        *c->http = nullptr;
      },
      &ctx);
  r = request("GET / HTTP/1.1\r\n\r\n", &closed, true);
  EXPECT_TRUE(closed);
  EXPECT_EQ(nullptr, http);
}

TEST_P(HttpServer, ReplyAfterTheClientLeftFreesTheRequest) {
  evhttp_request* held = nullptr;
  evhttp_set_gencb(
      http, [](evhttp_request* req, void* arg) { *static_cast<evhttp_request**>(arg) = req; },
      &held);
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  httptest::pump(
      base, fd, [&](const std::string&) { return held != nullptr; }, nullptr, 500);
  ASSERT_NE(nullptr, held);
  // A reset (not a half-close) from the client.
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close(fd);
  for (int i = 0; i < 20; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
  // Whether or not the connection is gone yet, replying is safe.
  reply_text(held, nullptr);
  for (int i = 0; i < 20; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
}

// evhttp_bind_socket (no handle: the socket is found through
// evhttp_foreach_bound_socket) and evhttp_bind_listener (a program's
// listener) both serve; the listener is the bound socket's.
TEST_P(HttpServer, BindSocketAndBindListenerServe) {
  evhttp_set_gencb(http, reply_text, nullptr);
  evhttp* other = evhttp_new(base);
  ASSERT_NE(nullptr, other);
  evhttp_set_gencb(other, reply_text, const_cast<char*>("other"));
  ASSERT_EQ(0, evhttp_bind_socket(other, "127.0.0.1", 0));
  std::vector<evhttp_bound_socket*> bound;
  evhttp_foreach_bound_socket(
      other,
      [](evhttp_bound_socket* b, void* arg) {
        static_cast<std::vector<evhttp_bound_socket*>*>(arg)->push_back(b);
      },
      &bound);
  ASSERT_EQ(1u, bound.size());
  int p1 = httptest::bound_port(bound[0]);
  int fd = httptest::connect_to(p1);
  ASSERT_GE(fd, 0);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ("other", body_of(httptest::pump(base, fd, httptest::has_full_body)));
  close(fd);
  EXPECT_EQ(-1, evhttp_bind_socket(nullptr, "127.0.0.1", 0));

  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  evconnlistener* l =
      evconnlistener_new_bind(base, nullptr, nullptr, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
                              reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  ASSERT_NE(nullptr, l);
  evhttp_bound_socket* b = evhttp_bind_listener(other, l);
  ASSERT_NE(nullptr, b);
  EXPECT_EQ(l, evhttp_bound_socket_get_listener(b));
  EXPECT_EQ(evconnlistener_get_fd(l), evhttp_bound_socket_get_fd(b));
  EXPECT_EQ(nullptr, evhttp_bind_listener(other, nullptr));
  fd = httptest::connect_to(httptest::bound_port(b));
  ASSERT_GE(fd, 0);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ("other", body_of(httptest::pump(base, fd, httptest::has_full_body)));
  close(fd);
  evhttp_free(other);  // frees the listener too
}

// evhttp_set_default_content_type: the header of replies that set none;
// NULL leaves it out; a reply's own Content-Type wins.
TEST_P(HttpServer, DefaultContentType) {
  evhttp_set_gencb(http, reply_text, nullptr);
  evhttp_set_default_content_type(http, "text/plain");
  std::string r = request("GET / HTTP/1.1\r\n\r\n");
  EXPECT_NE(std::string::npos, r.find("Content-Type: text/plain\r\n")) << r;
  evhttp_set_default_content_type(http, nullptr);
  r = request("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(std::string::npos, r.find("Content-Type:")) << r;
  evhttp_set_default_content_type(http, "text/plain");
  evhttp_set_cb(
      http, "/own",
      [](evhttp_request* req, void*) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "image/png");
        reply_text(req, nullptr);
      },
      nullptr);
  r = request("GET /own HTTP/1.1\r\n\r\n");
  EXPECT_NE(std::string::npos, r.find("Content-Type: image/png\r\n")) << r;
  EXPECT_EQ(std::string::npos, r.find("text/plain")) << r;
}

// evhttp_set_timeout in whole seconds: a request head that stops coming
// is dropped after the timeout; -1 restores no timeout.
TEST_P(HttpServer, TimeoutInSeconds) {
  evhttp_set_gencb(http, reply_text, nullptr);
  evhttp_set_timeout(http, 1);
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n");
  bool closed = false;
  auto t0 = evtest::now_tv();
  std::string r = httptest::pump(base, fd, nullptr, &closed, 4000);
  EXPECT_TRUE(closed);
  EXPECT_EQ("", r);
  long ms = evtest::elapsed_ms(t0, evtest::now_tv());
  EXPECT_GE(ms, 900);
  EXPECT_LT(ms, 3000);
  close(fd);
  evhttp_set_timeout(http, -1);
  fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n");
  r = httptest::pump(base, fd, nullptr, &closed, 1300);
  EXPECT_FALSE(closed);
  close(fd);
}

// evhttp_send_reply_chunk_with_cb: the callback runs once the chunk has
// been written, with the request's connection and its argument; a stream
// goes on from it (as in libevent, a later write before then replaces it).
TEST_P(HttpServer, ReplyChunkWithCallbackRunsAfterTheWrite) {
  struct Ctx {
    int calls = 0;
    evhttp_request* req = nullptr;
    evhttp_connection* conn = nullptr;
    evhttp_connection* seen = nullptr;
  } ctx;
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void* arg) {
        auto* c = static_cast<Ctx*>(arg);
        c->req = req;
        c->conn = evhttp_request_get_connection(req);
        evhttp_send_reply_start(req, 200, "OK");
        evbuffer* b = evbuffer_new();
        evbuffer_add(b, "abc", 3);
        evhttp_send_reply_chunk_with_cb(
            req, b,
            [](evhttp_connection* conn, void* a) {
              auto* cc = static_cast<Ctx*>(a);
              if (cc->calls++ == 0) {
                cc->seen = conn;
                evbuffer* more = evbuffer_new();
                evbuffer_add(more, "de", 2);
                evhttp_send_reply_chunk(cc->req, more);
                evbuffer_free(more);
                evhttp_send_reply_end(cc->req);
              }
            },
            c);
        EXPECT_EQ(0u, evbuffer_get_length(b));
        evbuffer_free(b);
      },
      &ctx);
  int fd = httptest::connect_to(port);
  httptest::send_all(fd, "GET / HTTP/1.1\r\n\r\n");
  std::string r = httptest::pump(
      base, fd, [](const std::string& s) { return s.find("0\r\n\r\n") != std::string::npos; });
  close(fd);
  EXPECT_NE(std::string::npos, r.find("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")) << r;
  EXPECT_EQ(1, ctx.calls);
  EXPECT_EQ(ctx.conn, ctx.seen);
}

EVTEST_INSTANTIATE_PER_BACKEND(HttpServer);

}  // namespace
