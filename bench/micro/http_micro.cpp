// HTTP helpers that need no connection: query strings, URIs, percent
// encoding, header lists.  One iteration is the operation in brackets.
//
//   http_parse_query_str   evhttp_parse_query_str of a 7-pair query (with
//                          %-escapes and '+'), evhttp_clear_headers  [query]
//   http_uri_parse         evhttp_uri_parse and evhttp_uri_free of 4 URIs
//                          (full, IPv6 host, relative, query only)  [4 URIs]
//   http_uri_join          evhttp_uri_join of a parsed full URI  [join]
//   http_uriencode         evhttp_uriencode of 96 mixed bytes  [encode]
//   http_uridecode         evhttp_uridecode of the result (plus decoded)
//                          [decode]
//   http_encode_uri        evhttp_encode_uri of a 60-byte path  [encode]
//   http_decode_uri        evhttp_decode_uri of its encoding  [decode]
//   http_htmlescape        evhttp_htmlescape of 80 bytes of markup  [escape]
//   http_header_find       evhttp_find_header of 4 names (other case, one
//                          absent) in a list of 16 headers  [4 lookups]
//   http_header_add_remove evhttp_add_header and evhttp_remove_header at
//                          the end of a list of 16 headers  [add + remove]
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "micro.hpp"

namespace {

const char kQuery[] =
    "q=libevent+benchmark&lang=en&page=3&sort=date%20desc&filter=a%2Cb%2Cc&empty=&id=1234567";
const char* const kUris[] = {
    "http://user:secret@www.example.com:8080/catalog/items/42.html?view=full&id=7#reviews",
    "https://[2001:db8::17]:8443/a/b/c?x=1",
    "/relative/path/to/resource.txt?download=1",
    "?only=query&and=more",
};
const char kRawText[] =
    "Hello, World! name=J\xc3\xa9r\xc3\xb4me & friends; path=/tmp/a b/c?d=e#f; 100% sure ~ok~";
const char kPath[] = "/files/r\xc3\xa9sum\xc3\xa9 2024 (final)/report #3 & notes.pdf";
const char kMarkup[] = "<a href=\"/x?a=1&b=2\">Tom's \"quoted\" <b>bold</b> text</a> & more";

void init_headers(struct evkeyvalq* headers) {
  headers->tqh_first = nullptr;
  headers->tqh_last = &headers->tqh_first;
}

const char* const kHeaderNames[] = {"Host",
                                    "User-Agent",
                                    "Accept",
                                    "Accept-Language",
                                    "Accept-Encoding",
                                    "Connection",
                                    "Cookie",
                                    "Cache-Control",
                                    "If-None-Match",
                                    "Referer",
                                    "Upgrade-Insecure-Requests",
                                    "Content-Type",
                                    "Content-Length",
                                    "X-Request-Id",
                                    "X-Forwarded-For",
                                    "Authorization"};

void fill_headers(struct evkeyvalq* headers) {
  init_headers(headers);
  for (const char* name : kHeaderNames)
    micro::check(evhttp_add_header(headers, name, "some value of a header") == 0,
                 "evhttp_add_header failed");
}

}  // namespace

MICRO_TIMED void micro_timed_http_parse_query_str(const char* query) {
  struct evkeyvalq headers;
  init_headers(&headers);
  micro::check(evhttp_parse_query_str(query, &headers) == 0, "evhttp_parse_query_str failed");
  micro::check(headers.tqh_first != nullptr, "evhttp_parse_query_str found nothing");
  evhttp_clear_headers(&headers);
}

MICRO_BENCH(http_parse_query_str) {
  for (auto _ : state) micro_timed_http_parse_query_str(kQuery);
}

MICRO_TIMED void micro_timed_http_uri_parse(const char* const* uris) {
  for (int i = 0; i < 4; i++) {
    struct evhttp_uri* uri = evhttp_uri_parse(uris[i]);
    micro::check(uri != nullptr, "evhttp_uri_parse failed");
    evhttp_uri_free(uri);
  }
}

MICRO_BENCH(http_uri_parse) {
  for (auto _ : state) micro_timed_http_uri_parse(kUris);
}

MICRO_TIMED void micro_timed_http_uri_join(struct evhttp_uri* uri) {
  char out[256];
  micro::check(evhttp_uri_join(uri, out, sizeof out) != nullptr, "evhttp_uri_join failed");
  benchmark::DoNotOptimize(out);
}

MICRO_BENCH(http_uri_join) {
  struct evhttp_uri* uri = evhttp_uri_parse(kUris[0]);
  micro::check(uri != nullptr, "evhttp_uri_parse failed");
  for (auto _ : state) micro_timed_http_uri_join(uri);
  evhttp_uri_free(uri);
}

MICRO_TIMED void micro_timed_http_uriencode(const char* text) {
  char* encoded = evhttp_uriencode(text, -1, 1);
  micro::check(encoded != nullptr, "evhttp_uriencode failed");
  free(encoded);
}

MICRO_BENCH(http_uriencode) {
  for (auto _ : state) micro_timed_http_uriencode(kRawText);
}

MICRO_TIMED void micro_timed_http_uridecode(const char* encoded) {
  size_t length = 0;
  char* decoded = evhttp_uridecode(encoded, 1, &length);
  micro::check(decoded != nullptr && length == sizeof kRawText - 1, "evhttp_uridecode failed");
  free(decoded);
}

MICRO_BENCH(http_uridecode) {
  char* encoded = evhttp_uriencode(kRawText, -1, 1);
  micro::check(encoded != nullptr, "evhttp_uriencode failed");
  for (auto _ : state) micro_timed_http_uridecode(encoded);
  free(encoded);
}

MICRO_TIMED void micro_timed_http_encode_uri(const char* path) {
  char* encoded = evhttp_encode_uri(path);
  micro::check(encoded != nullptr, "evhttp_encode_uri failed");
  free(encoded);
}

MICRO_BENCH(http_encode_uri) {
  for (auto _ : state) micro_timed_http_encode_uri(kPath);
}

MICRO_TIMED void micro_timed_http_decode_uri(const char* encoded) {
  char* decoded = evhttp_decode_uri(encoded);
  micro::check(decoded != nullptr && strcmp(decoded, kPath) == 0, "evhttp_decode_uri failed");
  free(decoded);
}

MICRO_BENCH(http_decode_uri) {
  char* encoded = evhttp_encode_uri(kPath);
  micro::check(encoded != nullptr, "evhttp_encode_uri failed");
  for (auto _ : state) micro_timed_http_decode_uri(encoded);
  free(encoded);
}

MICRO_TIMED void micro_timed_http_htmlescape(const char* markup) {
  char* escaped = evhttp_htmlescape(markup);
  micro::check(escaped != nullptr, "evhttp_htmlescape failed");
  free(escaped);
}

MICRO_BENCH(http_htmlescape) {
  for (auto _ : state) micro_timed_http_htmlescape(kMarkup);
}

MICRO_TIMED void micro_timed_http_header_find(const struct evkeyvalq* headers) {
  micro::check(evhttp_find_header(headers, "host") != nullptr, "Host not found");
  micro::check(evhttp_find_header(headers, "CONTENT-LENGTH") != nullptr, "length not found");
  micro::check(evhttp_find_header(headers, "authorization") != nullptr, "auth not found");
  micro::check(evhttp_find_header(headers, "X-Absent") == nullptr, "absent header found");
}

MICRO_BENCH(http_header_find) {
  struct evkeyvalq headers;
  fill_headers(&headers);
  for (auto _ : state) micro_timed_http_header_find(&headers);
  evhttp_clear_headers(&headers);
}

MICRO_TIMED void micro_timed_http_header_add_remove(struct evkeyvalq* headers) {
  micro::check(evhttp_add_header(headers, "X-Trace", "abc123") == 0, "evhttp_add_header failed");
  micro::check(evhttp_remove_header(headers, "x-trace") == 0, "evhttp_remove_header failed");
}

MICRO_BENCH(http_header_add_remove) {
  struct evkeyvalq headers;
  fill_headers(&headers);
  for (auto _ : state) micro_timed_http_header_add_remove(&headers);
  evhttp_clear_headers(&headers);
}
