// evpriv_http_*: the few internal operations of libevent's evhttp that
// libevent's own regression program calls directly (its raw-socket helpers
// parse what our server sent line by line; it fails a connection by hand).
// tests/conformance/shim.c forwards libevent's internal names to these.
#include "core/export.hpp"
#include "http/http_internal.hpp"

using namespace ev::http;

namespace {

constexpr int kDataCorrupted = -1;  // libevent's DATA_CORRUPTED

}  // namespace

extern "C" {

EVPRIV_API int evpriv_http_parse_firstline(struct evhttp_request* req, struct evbuffer* buf);
EVPRIV_API int evpriv_http_parse_headers(struct evhttp_request* req, struct evbuffer* buf);
EVPRIV_API void evpriv_http_connection_fail(struct evhttp_connection* evcon, int error);
EVPRIV_API int evpriv_http_str_is_chunked(const char* value, const char* eos);
EVPRIV_API int evpriv_http_check_transfer_encoding(const char* value);
EVPRIV_API int evpriv_http_decode_uri(const char* uri, size_t length, char* ret,
                                      int decode_plus_ctl);

// libevent's evhttp_parse_firstline_: reads one CRLF line and parses it as
// a request line (req->kind EVHTTP_REQUEST) or a status line.
int evpriv_http_parse_firstline(struct evhttp_request* req, struct evbuffer* buf) {
  if (req == nullptr || buf == nullptr) return kDataCorrupted;
  return priv_parse_firstline(req, buf);
}

// libevent's evhttp_parse_headers_: reads header lines into
// req->input_headers up to the empty line.
int evpriv_http_parse_headers(struct evhttp_request* req, struct evbuffer* buf) {
  if (req == nullptr || buf == nullptr) return kDataCorrupted;
  return priv_parse_headers(req, buf);
}

// libevent's evhttp_connection_fail_: fails the connection's current
// request with `error` (the request's callbacks run; an outgoing
// connection is reset and goes on with the next request).
void evpriv_http_connection_fail(struct evhttp_connection* evcon, int error) {
  if (evcon == nullptr || TAILQ_FIRST(&evcon->requests) == nullptr) return;
  conn_enter(evcon);
  conn_fail(evcon, static_cast<evhttp_request_error>(error));
  conn_leave(evcon);
}

int evpriv_http_str_is_chunked(const char* value, const char* eos) {
  return value != nullptr && str_is_chunked(value, eos) ? 1 : 0;
}

// libevent's evhttp_check_transfer_encoding_: 0 (TE_INVALID) when
// "chunked" is followed by another coding, 1 (TE_ENDS_IN_CHUNKED), 2
// (TE_NO_CHUNKED).
int evpriv_http_check_transfer_encoding(const char* value) {
  if (value == nullptr) return 2;
  return check_transfer_encoding(value);
}

// libevent's evhttp_decode_uri_internal: decode_plus_ctl 1 turns every '+'
// into a space, -1 only after a '?', 0 none; returns the decoded length.
int evpriv_http_decode_uri(const char* uri, size_t length, char* ret, int decode_plus_ctl) {
  if (uri == nullptr || ret == nullptr) return -1;
  int ours = decode_plus_ctl == 1 ? 1 : decode_plus_ctl < 0 ? 0 : -1;
  return static_cast<int>(decode_into(uri, length, ret, ours));
}

}  // extern "C"
