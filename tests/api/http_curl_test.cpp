// Debian's curl against our server on loopback: keep-alive over several
// URLs, uploads (plain, chunked, with Expect: 100-continue), HTTP/1.0 and
// HEAD; and Debian's wrk, one bounded second of keep-alive load.  Each
// backend in turn.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "http_test_util.hpp"

namespace {

std::string run_curl(event_base* base, const std::string& args, int* status) {
  return httptest::run_while_serving(base, "curl -sS --max-time 10 --noproxy '*' " + args + " 2>&1",
                                     status);
}

void echo(evhttp_request* req, void*) {
  evbuffer* b = evbuffer_new();
  const char* ex = evhttp_find_header(evhttp_request_get_input_headers(req), "Expect");
  evbuffer_add_printf(b, "%s %zu%s\n", evhttp_request_get_uri(req),
                      evbuffer_get_length(evhttp_request_get_input_buffer(req)),
                      ex != nullptr ? " expect" : "");
  evhttp_send_reply(req, 200, "OK", b);
  evbuffer_free(b);
}

class HttpCurl : public httptest::Server {
 protected:
  void SetUp() override {
    if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "curl is not installed";
    httptest::Server::SetUp();
    evhttp_set_gencb(http, echo, nullptr);
    url = "http://127.0.0.1:" + std::to_string(port);
  }
  std::string url;
};

TEST_P(HttpCurl, KeepAliveAcrossUrls) {
  int st = 0;
  std::string out = run_curl(base, "-v " + url + "/a " + url + "/b " + url + "/c", &st);
  EXPECT_EQ(0, st) << out;
  EXPECT_NE(std::string::npos, out.find("/a 0\n"));
  EXPECT_NE(std::string::npos, out.find("/c 0\n"));
  EXPECT_NE(std::string::npos, out.find("Re-using existing connection")) << out;
}

TEST_P(HttpCurl, Uploads) {
  int st = 0;
  EXPECT_EQ("/p 5\n", run_curl(base, "--data-binary hello " + url + "/p", &st));
  EXPECT_EQ(0, st);
  EXPECT_EQ(
      "/c 5\n",
      run_curl(base, "-H 'Transfer-Encoding: chunked' --data-binary hello " + url + "/c", &st));
  EXPECT_EQ("/e 5 expect\n",
            run_curl(base, "-H 'Expect: 100-continue' --data-binary hello " + url + "/e", &st));
  EXPECT_EQ(0, st);
}

TEST_P(HttpCurl, Http10AndHead) {
  int st = 0;
  EXPECT_EQ("/old 0\n", run_curl(base, "--http1.0 " + url + "/old", &st));
  std::string head = run_curl(base, "-sI " + url + "/h", &st);
  EXPECT_EQ(0, st);
  EXPECT_NE(std::string::npos, head.find("HTTP/1.1 200 OK"));
  EXPECT_NE(std::string::npos, head.find("Date: "));
}

// wrk: 20 keep-alive connections for one second (bounded); every answer
// is a 2xx and no socket error is reported.
TEST_P(HttpCurl, WrkLoadWithoutErrors) {
  if (access("/usr/bin/wrk", X_OK) != 0) GTEST_SKIP() << "wrk is not installed";
  int st = 0;
  std::string out =
      httptest::run_while_serving(base, "wrk -t1 -c20 -d1s --timeout 5s " + url + "/w 2>&1", &st);
  EXPECT_EQ(0, st) << out;
  EXPECT_NE(std::string::npos, out.find(" requests in ")) << out;
  EXPECT_EQ(std::string::npos, out.find("Non-2xx")) << out;
  EXPECT_EQ(std::string::npos, out.find("Socket errors")) << out;
  long requests = std::atol(out.c_str() + out.rfind('\n', out.find(" requests in ")) + 1);
  EXPECT_GT(requests, 100) << out;
}

EVTEST_INSTANTIATE_PER_BACKEND(HttpCurl);

}  // namespace
