// The pure HTTP/1.x parsers: one error class per malformed input.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/parse.hpp"

using ev::http::Head;
using ev::http::ParseError;
using ev::http::Span;

namespace {

struct Fields {
  std::vector<std::pair<std::string, std::string>> v;
  std::vector<const char*> p;  // each name's pointer (null: a continuation)
  static bool add(void* ctx, Span n, Span val) {
    static_cast<Fields*>(ctx)->p.push_back(n.p);
    static_cast<Fields*>(ctx)->v.emplace_back(std::string(n.p != nullptr ? n.p : "", n.n),
                                              std::string(val.p, val.n));
    return true;
  }
};

ParseError req(const std::string& s, Head* h = nullptr, Fields* f = nullptr) {
  Head tmp;
  Fields ftmp;
  return ev::http::parse_request_head(s.data(), s.size(), h != nullptr ? h : &tmp, Fields::add,
                                      f != nullptr ? f : &ftmp);
}

ParseError framing(const std::string& s) {
  Head h;
  ParseError e = req(s, &h);
  return e != ParseError::kOk ? e : ev::http::request_framing(h);
}

// Obsolete line folding continues the previous field (libevent joins the
// lines with one space; regress http/multi_line_header).
TEST(HttpParse, FoldedLinesContinueThePreviousField) {
  Fields f;
  ASSERT_EQ(
      ParseError::kOk,
      req("GET / HTTP/1.1\r\nA:  b  \r\n\t\t c \r\nX: y\r\n d\r\n\tEND\r\n\r\n", nullptr, &f));
  ASSERT_EQ(5u, f.v.size());
  EXPECT_EQ("A", f.v[0].first);
  EXPECT_EQ("b", f.v[0].second);
  EXPECT_EQ(nullptr, f.p[1]);
  EXPECT_EQ("c", f.v[1].second);
  EXPECT_EQ("X", f.v[2].first);
  EXPECT_EQ("d", f.v[3].second);
  EXPECT_EQ("END", f.v[4].second);
  EXPECT_EQ(ParseError::kBadHeaderValue, req("GET / HTTP/1.1\r\nA: b\r\n \x01\r\n\r\n"));
}

TEST(HttpParse, RequestHead) {
  Head h;
  Fields f;
  const std::string text = "GET /a?b HTTP/1.1\r\nHost: x\r\nX-Y:\t v w \t\r\n\r\n";
  ASSERT_EQ(ParseError::kOk, req(text, &h, &f));
  EXPECT_TRUE(h.method.eq("GET"));
  EXPECT_TRUE(h.target.eq("/a?b"));
  // A target with spaces inside (libevent's nonconformant URIs).
  const std::string spaced = "GET /test nonconformant HTTP/1.1\r\n\r\n";
  ASSERT_EQ(ParseError::kOk, req(spaced, &h));
  EXPECT_TRUE(h.target.eq("/test nonconformant"));
  EXPECT_EQ(ParseError::kBadRequestLine, req("GET /a \x01b HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(1, h.major);
  EXPECT_EQ(1, h.minor);
  ASSERT_EQ(2u, f.v.size());
  EXPECT_EQ("X-Y", f.v[1].first);
  EXPECT_EQ("v w", f.v[1].second);
}

TEST(HttpParse, EachMalformedClassHasItsError) {
  EXPECT_EQ(ParseError::kBadRequestLine, req("GET  / HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadRequestLine, req("GET /\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadRequestLine, req(" GET / HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(ParseError::kOk, req("GET / HTTP/1.1  \r\n\r\n"));  // trailing spaces, as libevent
  EXPECT_EQ(ParseError::kBadVersion, req("GET / HTTP/1.1\t\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadVersion, req("GET / HTTP/1.10\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadVersion, req("GET / http/1.1\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadHeaderName, req("GET / HTTP/1.1\r\n: v\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadHeaderName, req("GET / HTTP/1.1\r\nA(b: v\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadHeaderName, req("GET / HTTP/1.1\r\nnocolon\r\n\r\n"));
  EXPECT_EQ(ParseError::kSpaceBeforeColon, req("GET / HTTP/1.1\r\nHost : v\r\n\r\n"));
  EXPECT_EQ(ParseError::kSpaceBeforeColon, req("GET / HTTP/1.1\r\nHost\t: v\r\n\r\n"));
  EXPECT_EQ(ParseError::kBareCR, req("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n"));
  EXPECT_EQ(ParseError::kBareCR, req("GET /\r HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(ParseError::kNul, req(std::string("GET / HTTP/1.1\r\nA: \0\r\n\r\n", 24)));
  EXPECT_EQ(ParseError::kObsFold, req("GET / HTTP/1.1\r\n c\r\n\r\n"));
  EXPECT_EQ(ParseError::kObsFold, req("GET / HTTP/1.1\r\nContent-Length: 1\r\n 2\r\n\r\n"));
  EXPECT_EQ(ParseError::kObsFold,
            req("GET / HTTP/1.1\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadHeaderValue, req("GET / HTTP/1.1\r\nA: \x01\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadContentLength, req("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadContentLength, req("GET / HTTP/1.1\r\nContent-Length:\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadContentLength,
            req("GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"));
  EXPECT_EQ(ParseError::kConflictingLength,
            req("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
  EXPECT_EQ(ParseError::kOk, req("GET / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadTransferEncoding,
            req("GET / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"));
  EXPECT_EQ(ParseError::kLengthAndChunked,
            framing("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadTransferEncoding,
            framing("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"));
  EXPECT_EQ(ParseError::kOk, framing("GET / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
  // List elements: one trailing empty element after a coding is tolerated,
  // any other empty element is not; Content-Length lists trim each value.
  EXPECT_EQ(ParseError::kOk, framing("GET / HTTP/1.1\r\nTransfer-Encoding: chunked,\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadTransferEncoding,
            req("GET / HTTP/1.1\r\nTransfer-Encoding: ,chunked\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadTransferEncoding,
            req("GET / HTTP/1.1\r\nTransfer-Encoding: gzip,,chunked\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadTransferEncoding,
            req("GET / HTTP/1.1\r\nTransfer-Encoding: ,\r\n\r\n"));
  EXPECT_EQ(ParseError::kOk, req("GET / HTTP/1.1\r\nContent-Length:  7 ,7\t\r\n\r\n"));
  EXPECT_EQ(ParseError::kBadContentLength, req("GET / HTTP/1.1\r\nContent-Length: 7,\r\n\r\n"));
}

TEST(HttpParse, ResponseHead) {
  Head h;
  Fields f;
  std::string s = "HTTP/1.0 404 Not here\r\nA: b\r\n\r\n";
  ASSERT_EQ(ParseError::kOk,
            ev::http::parse_response_head(s.data(), s.size(), &h, Fields::add, &f));
  EXPECT_EQ(404, h.status);
  EXPECT_TRUE(h.reason.eq("Not here"));
  s = "HTTP/1.1 200\r\n\r\n";
  ASSERT_EQ(ParseError::kOk,
            ev::http::parse_response_head(s.data(), s.size(), &h, nullptr, nullptr));
  EXPECT_EQ(0u, h.reason.n);
  for (const char* bad : {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                          "HTTP/1.1  200 OK\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n"}) {
    std::string b = bad;
    EXPECT_EQ(ParseError::kBadStatusLine,
              ev::http::parse_response_head(b.data(), b.size(), &h, nullptr, nullptr))
        << bad;
  }
}

TEST(HttpParse, HeadEnd) {
  std::string s = "GET / HTTP/1.1\r\nA: b\r\n\r\nbody";
  for (size_t cut = 0; cut < s.size(); ++cut) {
    size_t from = 0;
    size_t end = ev::http::find_head_end(s.data(), cut, &from);
    if (cut < 24) EXPECT_EQ(0u, end) << cut;
    // Resuming from the hint over the full data finds the same end.
    EXPECT_EQ(24u, ev::http::find_head_end(s.data(), s.size(), &from)) << cut;
  }
  size_t from = 0;
  EXPECT_EQ(5u, ev::http::find_head_end("A\nB\n\nx", 6, &from));
}

TEST(HttpParse, ChunkSizeLines) {
  auto chunk = [](const std::string& s, uint64_t* v) {
    return ev::http::parse_chunk_size_line(s.data(), s.size(), v);
  };
  uint64_t v = 0;
  EXPECT_EQ(ParseError::kOk, chunk("1aF", &v));
  EXPECT_EQ(0x1afu, v);
  EXPECT_EQ(ParseError::kOk, chunk("5 ; name=value; q=\"a\\\"b\"", &v));
  EXPECT_EQ(5u, v);
  EXPECT_EQ(ParseError::kOk, chunk("0000000000000000000001", &v));
  EXPECT_EQ(1u, v);
  EXPECT_EQ(ParseError::kBadChunkSize, chunk("", &v));
  EXPECT_EQ(ParseError::kBadChunkSize, chunk("x", &v));
  EXPECT_EQ(ParseError::kBadChunkSize, chunk("-1", &v));
  EXPECT_EQ(ParseError::kBadChunkSize, chunk("5x", &v));
  EXPECT_EQ(ParseError::kChunkTooLarge, chunk("10000000000000000", &v));
  EXPECT_EQ(ParseError::kChunkTooLarge, chunk("7fffffffffffffff", &v));
  EXPECT_EQ(ParseError::kBadChunkExtension, chunk("5;", &v));
  EXPECT_EQ(ParseError::kBadChunkExtension, chunk("5;=x", &v));
  EXPECT_EQ(ParseError::kBadChunkExtension, chunk("5;a=\"open", &v));
  EXPECT_EQ(ParseError::kBadChunkExtension, chunk("5 x", &v));
}

TEST(HttpParse, FindLine) {
  size_t len = 0;
  ParseError e = ParseError::kOk;
  EXPECT_EQ(4u, ev::http::find_line("ab\r\n", 4, &len, &e));
  EXPECT_EQ(2u, len);
  EXPECT_EQ(0u, ev::http::find_line("ab\r", 3, &len, &e));
  EXPECT_EQ(ParseError::kOk, e);
  EXPECT_EQ(0u, ev::http::find_line("a\rb", 3, &len, &e));
  EXPECT_EQ(ParseError::kBareCR, e);
}

}  // namespace
