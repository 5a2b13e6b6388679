// URIs, percent-encoding, query strings, HTML escaping and header lists.
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace {

std::string join(evhttp_uri* u) {
  char buf[1024];
  const char* r = evhttp_uri_join(u, buf, sizeof(buf));
  return r != nullptr ? r : "(null)";
}

std::string s(const char* p) { return p != nullptr ? p : "(null)"; }

TEST(HttpUri, ParsesEveryPart) {
  evhttp_uri* u = evhttp_uri_parse("http://user:pw@www.example.com:8080/a/b?x=1&y=2#frag");
  ASSERT_NE(nullptr, u);
  EXPECT_EQ("http", s(evhttp_uri_get_scheme(u)));
  EXPECT_EQ("user:pw", s(evhttp_uri_get_userinfo(u)));
  EXPECT_EQ("www.example.com", s(evhttp_uri_get_host(u)));
  EXPECT_EQ(8080, evhttp_uri_get_port(u));
  EXPECT_EQ("/a/b", s(evhttp_uri_get_path(u)));
  EXPECT_EQ("x=1&y=2", s(evhttp_uri_get_query(u)));
  EXPECT_EQ("frag", s(evhttp_uri_get_fragment(u)));
  EXPECT_EQ("http://user:pw@www.example.com:8080/a/b?x=1&y=2#frag", join(u));
  evhttp_uri_free(u);
}

TEST(HttpUri, RelativeIpv6AndEdgeCases) {
  evhttp_uri* u = evhttp_uri_parse("/path?q");
  ASSERT_NE(nullptr, u);
  EXPECT_EQ(nullptr, evhttp_uri_get_scheme(u));
  EXPECT_EQ(nullptr, evhttp_uri_get_host(u));
  EXPECT_EQ(-1, evhttp_uri_get_port(u));
  evhttp_uri_free(u);
  u = evhttp_uri_parse("http://[::1]:80/");
  ASSERT_NE(nullptr, u);
  EXPECT_EQ("[::1]", s(evhttp_uri_get_host(u)));
  evhttp_uri_free(u);
  u = evhttp_uri_parse("http://host:/");
  ASSERT_NE(nullptr, u);
  EXPECT_EQ(-1, evhttp_uri_get_port(u));
  evhttp_uri_free(u);
  u = evhttp_uri_parse("mailto:a@b");
  ASSERT_NE(nullptr, u);
  EXPECT_EQ("a@b", s(evhttp_uri_get_path(u)));
  evhttp_uri_free(u);
  // Bad port, bracket, space, control byte, IPvFuture, colon in a first
  // relative segment, "%zz" that is no escape.
  for (const char* bad : {"http://host:65536/", "http://[::1/", "http://a b/", "/a b", "//x/\x01",
                          "http://[v1x]/", "1a:b", "/a%zz"}) {
    evhttp_uri* b = evhttp_uri_parse(bad);
    EXPECT_EQ(nullptr, b) << bad;
    evhttp_uri_free(b);
  }
  u = evhttp_uri_parse("a/b:c?#");
  EXPECT_NE(nullptr, u);
  evhttp_uri_free(u);
  u = evhttp_uri_parse_with_flags("/a b?c d#e f", EVHTTP_URI_NONCONFORMANT);
  ASSERT_NE(nullptr, u);
  EXPECT_EQ("/a b", s(evhttp_uri_get_path(u)));
  EXPECT_EQ("c d", s(evhttp_uri_get_query(u)));
  EXPECT_EQ("e f", s(evhttp_uri_get_fragment(u)));
  evhttp_uri_free(u);
}

TEST(HttpUri, SettersValidateAndJoin) {
  evhttp_uri* u = evhttp_uri_new();
  EXPECT_EQ(0, evhttp_uri_set_scheme(u, "https"));
  EXPECT_EQ(-1, evhttp_uri_set_scheme(u, "1x"));
  EXPECT_EQ(0, evhttp_uri_set_host(u, "[::1]"));
  EXPECT_EQ(-1, evhttp_uri_set_host(u, "a b"));
  EXPECT_EQ(0, evhttp_uri_set_port(u, 443));
  EXPECT_EQ(-1, evhttp_uri_set_port(u, -2));
  EXPECT_EQ(0, evhttp_uri_set_path(u, "/p"));
  EXPECT_EQ(-1, evhttp_uri_set_path(u, "/p?"));
  EXPECT_EQ(0, evhttp_uri_set_query(u, "a=b?c"));
  EXPECT_EQ(0, evhttp_uri_set_fragment(u, "f"));
  EXPECT_EQ(-1, evhttp_uri_set_fragment(u, "f#"));
  EXPECT_EQ(0, evhttp_uri_set_userinfo(u, "me"));
  EXPECT_EQ("https://me@[::1]:443/p?a=b?c#f", join(u));
  char tiny[8];
  EXPECT_EQ(nullptr, evhttp_uri_join(u, tiny, sizeof(tiny)));
  EXPECT_EQ(0, evhttp_uri_set_path(u, "rel"));
  EXPECT_EQ(nullptr, evhttp_uri_join(u, tiny, sizeof(tiny)));
  evhttp_uri_free(u);
}

TEST(HttpEncode, EncodeDecode) {
  char* e = evhttp_encode_uri("a b/c~d_é");
  EXPECT_STREQ("a%20b%2Fc~d_%C3%A9", e);
  free(e);
  e = evhttp_uriencode("a b\0c", 5, 1);
  EXPECT_STREQ("a+b%00c", e);
  free(e);
  char* d = evhttp_decode_uri("a+b%20c?d+e%2");
  EXPECT_STREQ("a+b c?d e%2", d);
  free(d);
  size_t n = 0;
  d = evhttp_uridecode("a+b%00c", 1, &n);
  EXPECT_EQ(5u, n);
  EXPECT_EQ(0, memcmp(d, "a b\0c", 5));
  free(d);
  d = evhttp_uridecode("a+b", 0, &n);
  EXPECT_STREQ("a+b", d);
  free(d);
  char* h = evhttp_htmlescape("<a href=\"x\">'&'</a>");
  EXPECT_STREQ("&lt;a href=&quot;x&quot;&gt;&#039;&amp;&#039;&lt;/a&gt;", h);
  free(h);
}

TEST(HttpEncode, QueryStrings) {
  evkeyvalq q;
  ASSERT_EQ(0, evhttp_parse_query("http://h/p?a=1&b=x+y%21&c=", &q));
  EXPECT_STREQ("1", evhttp_find_header(&q, "a"));
  EXPECT_STREQ("x y!", evhttp_find_header(&q, "b"));
  EXPECT_STREQ("", evhttp_find_header(&q, "c"));
  evhttp_clear_headers(&q);
  ASSERT_EQ(0, evhttp_parse_query("/p", &q));
  EXPECT_EQ(nullptr, q.tqh_first);
  EXPECT_EQ(-1, evhttp_parse_query_str("a=1&&b=2", &q));
  EXPECT_EQ(nullptr, q.tqh_first);
  EXPECT_EQ(-1, evhttp_parse_query_str("a", &q));
  EXPECT_EQ(-1, evhttp_parse_query_str("=a", &q));
  // A trailing '&' ends the list (an empty pair in the middle does not).
  ASSERT_EQ(0, evhttp_parse_query_str("t=1&", &q));
  EXPECT_STREQ("1", evhttp_find_header(&q, "t"));
  evhttp_clear_headers(&q);
  ASSERT_EQ(0, evhttp_parse_query_str("k=a=b", &q));
  EXPECT_STREQ("a=b", evhttp_find_header(&q, "K"));
  evhttp_clear_headers(&q);
}

TEST(HttpHeaders, AddFindRemoveClear) {
  evkeyvalq h;
  h.tqh_first = nullptr;
  h.tqh_last = &h.tqh_first;
  EXPECT_EQ(0, evhttp_add_header(&h, "A", "1"));
  EXPECT_EQ(0, evhttp_add_header(&h, "a", "2"));
  EXPECT_EQ(-1, evhttp_add_header(&h, "B\r\n", "x"));
  EXPECT_EQ(-1, evhttp_add_header(&h, "B", "x\r\nInjected: 1"));
  EXPECT_EQ(-1, evhttp_add_header(&h, "B", "x\n"));
  EXPECT_STREQ("1", evhttp_find_header(&h, "a"));
  EXPECT_EQ(0, evhttp_remove_header(&h, "A"));
  EXPECT_STREQ("2", evhttp_find_header(&h, "A"));
  EXPECT_EQ(0, evhttp_remove_header(&h, "A"));
  EXPECT_EQ(-1, evhttp_remove_header(&h, "A"));
  evhttp_add_header(&h, "C", "3");
  evhttp_clear_headers(&h);
  EXPECT_EQ(nullptr, h.tqh_first);
  EXPECT_EQ(nullptr, evhttp_find_header(&h, "C"));
}

}  // namespace

// evhttp_uri_set_flags: setters check their part by the URI's flags; with
// EVHTTP_URI_NONCONFORMANT a path may hold what RFC 3986 forbids.
TEST(HttpUri, SetFlagsGovernsTheSetters) {
  evhttp_uri* u = evhttp_uri_new();
  ASSERT_NE(nullptr, u);
  EXPECT_EQ(-1, evhttp_uri_set_path(u, "/a b"));
  EXPECT_EQ(-1, evhttp_uri_set_query(u, "x=<y>"));
  evhttp_uri_set_flags(u, EVHTTP_URI_NONCONFORMANT);
  EXPECT_EQ(0, evhttp_uri_set_path(u, "/a b"));
  EXPECT_EQ(0, evhttp_uri_set_query(u, "x=<y>"));
  EXPECT_STREQ("/a b", evhttp_uri_get_path(u));
  EXPECT_EQ(-1, evhttp_uri_set_path(u, "/a?b"));  // still ends at '?'
  evhttp_uri_set_flags(u, 0);
  EXPECT_EQ(-1, evhttp_uri_set_path(u, "/c d"));
  EXPECT_STREQ("/a b", evhttp_uri_get_path(u));
  evhttp_uri_set_flags(nullptr, 0);  // no crash
  evhttp_uri_free(u);
}
