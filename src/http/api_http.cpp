// The entry points of event2/http.h: check arguments, then one call into
// the server, client, request, header and URI code of src/http.
#include <event2/http.h>

#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"

using namespace ev::http;

namespace {

std::uint64_t size_limit(ev_ssize_t max) {
  return max < 0 ? UINT64_MAX : static_cast<std::uint64_t>(max);
}

}  // namespace

extern "C" {

// ---- the server (struct evhttp) ----

struct evhttp* evhttp_new(struct event_base* base) {
  return server_new(base);
}

void evhttp_free(struct evhttp* http) {
  if (http != nullptr) server_free(http);
}

int evhttp_bind_socket(struct evhttp* http, const char* address, ev_uint16_t port) {
  return evhttp_bind_socket_with_handle(http, address, port) != nullptr ? 0 : -1;
}

struct evhttp_bound_socket* evhttp_bind_socket_with_handle(struct evhttp* http, const char* address,
                                                           ev_uint16_t port) {
  if (http == nullptr) return nullptr;
  return bind_socket(http, address, port);
}

int evhttp_accept_socket(struct evhttp* http, evutil_socket_t fd) {
  return evhttp_accept_socket_with_handle(http, fd) != nullptr ? 0 : -1;
}

struct evhttp_bound_socket* evhttp_accept_socket_with_handle(struct evhttp* http,
                                                             evutil_socket_t fd) {
  if (http == nullptr || fd < 0) return nullptr;
  return accept_socket(http, fd);
}

struct evhttp_bound_socket* evhttp_bind_listener(struct evhttp* http,
                                                 struct evconnlistener* listener) {
  if (http == nullptr || listener == nullptr) return nullptr;
  return bind_listener(http, listener);
}

struct evconnlistener* evhttp_bound_socket_get_listener(struct evhttp_bound_socket* bound) {
  return bound != nullptr ? bound->listener : nullptr;
}

void evhttp_foreach_bound_socket(struct evhttp* http, evhttp_bound_socket_foreach_fn* fn,
                                 void* arg) {
  if (http != nullptr && fn != nullptr) foreach_bound_socket(http, fn, arg);
}

void evhttp_del_accept_socket(struct evhttp* http, struct evhttp_bound_socket* bound) {
  if (http != nullptr && bound != nullptr) del_accept_socket(http, bound);
}

evutil_socket_t evhttp_bound_socket_get_fd(struct evhttp_bound_socket* bound) {
  return bound != nullptr ? evconnlistener_get_fd(bound->listener) : -1;
}

void evhttp_set_max_headers_size(struct evhttp* http, ev_ssize_t max_headers_size) {
  if (http != nullptr) http->max_headers = size_limit(max_headers_size);
}

void evhttp_set_max_body_size(struct evhttp* http, ev_ssize_t max_body_size) {
  if (http != nullptr) http->max_body = size_limit(max_body_size);
}

void evhttp_set_default_content_type(struct evhttp* http, const char* content_type) {
  if (http != nullptr) server_set_content_type(http, content_type);
}

void evhttp_set_allowed_methods(struct evhttp* http, ev_uint16_t methods) {
  if (http != nullptr) http->allowed_methods = methods;
}

int evhttp_set_cb(struct evhttp* http, const char* path, void (*cb)(struct evhttp_request*, void*),
                  void* cb_arg) {
  if (http == nullptr || path == nullptr) return -1;
  return server_set_cb(http, path, cb, cb_arg);
}

int evhttp_del_cb(struct evhttp* http, const char* path) {
  if (http == nullptr || path == nullptr) return -1;
  return server_del_cb(http, path);
}

void evhttp_set_gencb(struct evhttp* http, void (*cb)(struct evhttp_request*, void*), void* arg) {
  if (http == nullptr) return;
  http->gencb = cb;
  http->gencbarg = arg;
}

void evhttp_set_bevcb(struct evhttp* http, struct bufferevent* (*cb)(struct event_base*, void*),
                      void* arg) {
  if (http == nullptr) return;
  http->bevcb = cb;
  http->bevcbarg = arg;
}

int evhttp_add_virtual_host(struct evhttp* http, const char* pattern, struct evhttp* vhost) {
  if (http == nullptr || pattern == nullptr || vhost == nullptr) return -1;
  return vhost_add(http, pattern, vhost);
}

int evhttp_remove_virtual_host(struct evhttp* http, struct evhttp* vhost) {
  if (http == nullptr || vhost == nullptr) return -1;
  return vhost_remove(http, vhost);
}

int evhttp_add_server_alias(struct evhttp* http, const char* alias) {
  if (http == nullptr || alias == nullptr) return -1;
  return alias_add(http, alias);
}

int evhttp_remove_server_alias(struct evhttp* http, const char* alias) {
  if (http == nullptr || alias == nullptr) return -1;
  return alias_remove(http, alias);
}

void evhttp_set_timeout(struct evhttp* http, int timeout_in_secs) {
  if (timeout_in_secs == -1) {
    evhttp_set_timeout_tv(http, nullptr);
  } else {
    timeval tv{timeout_in_secs, 0};
    evhttp_set_timeout_tv(http, &tv);
  }
}

void evhttp_set_timeout_tv(struct evhttp* http, const struct timeval* tv) {
  if (http == nullptr) return;
  http->has_timeout = tv != nullptr;
  http->timeout = tv != nullptr ? *tv : timeval{0, 0};
}

int evhttp_set_flags(struct evhttp* http, int flags) {
  if (http == nullptr) return -1;
  const int avail = EVHTTP_SERVER_LINGERING_CLOSE;
  if (flags & ~avail) return 1;
  http->flags = (http->flags & ~avail) | flags;
  return 0;
}

// ---- replies ----

void evhttp_send_error(struct evhttp_request* req, int error, const char* reason) {
  if (req != nullptr) send_error(req, error, reason);
}

void evhttp_send_reply(struct evhttp_request* req, int code, const char* reason,
                       struct evbuffer* databuf) {
  if (req != nullptr) send_reply(req, code, reason, databuf);
}

void evhttp_send_reply_start(struct evhttp_request* req, int code, const char* reason) {
  if (req != nullptr) send_reply_start(req, code, reason);
}

void evhttp_send_reply_chunk(struct evhttp_request* req, struct evbuffer* databuf) {
  evhttp_send_reply_chunk_with_cb(req, databuf, nullptr, nullptr);
}

void evhttp_send_reply_chunk_with_cb(struct evhttp_request* req, struct evbuffer* databuf,
                                     void (*cb)(struct evhttp_connection*, void*), void* arg) {
  if (req != nullptr && databuf != nullptr) send_reply_chunk(req, databuf, cb, arg);
}

void evhttp_send_reply_end(struct evhttp_request* req) {
  if (req != nullptr) send_reply_end(req);
}

// ---- connections ----

struct evhttp_connection* evhttp_connection_base_bufferevent_new(struct event_base* base,
                                                                 struct evdns_base* dnsbase,
                                                                 struct bufferevent* bev,
                                                                 const char* address,
                                                                 ev_uint16_t port) {
  return client_new(base, dnsbase, bev, address, port);
}

struct evhttp_connection* evhttp_connection_base_new(struct event_base* base,
                                                     struct evdns_base* dnsbase,
                                                     const char* address, ev_uint16_t port) {
  return client_new(base, dnsbase, nullptr, address, port);
}

struct bufferevent* evhttp_connection_get_bufferevent(struct evhttp_connection* evcon) {
  return evcon != nullptr ? evcon->bev : nullptr;
}

struct evhttp* evhttp_connection_get_server(struct evhttp_connection* evcon) {
  return evcon != nullptr ? evcon->server : nullptr;
}

void evhttp_connection_set_family(struct evhttp_connection* evcon, int family) {
  if (evcon != nullptr) evcon->family = family;
}

int evhttp_connection_set_flags(struct evhttp_connection* evcon, int flags) {
  if (evcon == nullptr) return -1;
  const int avail =
      EVHTTP_CON_REUSE_CONNECTED_ADDR | EVHTTP_CON_READ_ON_WRITE_ERROR | EVHTTP_CON_LINGERING_CLOSE;
  if ((flags & ~avail) || flags > EVHTTP_CON_PUBLIC_FLAGS_END) return 1;
  evcon->flags = (evcon->flags & ~avail) | flags;
  return 0;
}

void evhttp_connection_free(struct evhttp_connection* evcon) {
  if (evcon != nullptr) conn_free(evcon);
}

void evhttp_connection_free_on_completion(struct evhttp_connection* evcon) {
  if (evcon != nullptr) evcon->flags |= kConAutofree;
}

void evhttp_connection_set_local_address(struct evhttp_connection* evcon, const char* address) {
  if (evcon != nullptr) client_set_local_address(evcon, address);
}

void evhttp_connection_set_local_port(struct evhttp_connection* evcon, ev_uint16_t port) {
  if (evcon != nullptr) evcon->bind_port = port;
}

void evhttp_connection_set_timeout(struct evhttp_connection* evcon, int timeout_in_secs) {
  if (timeout_in_secs == -1) {
    evhttp_connection_set_timeout_tv(evcon, nullptr);
  } else {
    timeval tv{timeout_in_secs, 0};
    evhttp_connection_set_timeout_tv(evcon, &tv);
  }
}

void evhttp_connection_set_timeout_tv(struct evhttp_connection* evcon, const struct timeval* tv) {
  if (evcon != nullptr) conn_set_timeout(evcon, tv);
}

void evhttp_connection_set_initial_retry_tv(struct evhttp_connection* evcon,
                                            const struct timeval* tv) {
  if (evcon != nullptr) evcon->initial_retry = tv != nullptr ? *tv : timeval{2, 0};
}

void evhttp_connection_set_retries(struct evhttp_connection* evcon, int retry_max) {
  if (evcon != nullptr) evcon->retry_max = retry_max;
}

void evhttp_connection_set_closecb(struct evhttp_connection* evcon,
                                   void (*cb)(struct evhttp_connection*, void*), void* cbarg) {
  if (evcon == nullptr) return;
  evcon->closecb = cb;
  evcon->closecb_arg = cbarg;
}

void evhttp_connection_set_max_headers_size(struct evhttp_connection* evcon,
                                            ev_ssize_t new_max_headers_size) {
  if (evcon != nullptr) evcon->max_headers = size_limit(new_max_headers_size);
}

void evhttp_connection_set_max_body_size(struct evhttp_connection* evcon,
                                         ev_ssize_t new_max_body_size) {
  if (evcon != nullptr) evcon->max_body = size_limit(new_max_body_size);
}

struct event_base* evhttp_connection_get_base(struct evhttp_connection* evcon) {
  return evcon != nullptr ? evcon->base : nullptr;
}

void evhttp_connection_get_peer(struct evhttp_connection* evcon, char** address,
                                ev_uint16_t* port) {
  if (evcon == nullptr) return;
  if (address != nullptr) *address = evcon->address;
  if (port != nullptr) *port = evcon->port;
}

const struct sockaddr* evhttp_connection_get_addr(struct evhttp_connection* evcon) {
  return evcon != nullptr ? evcon->conn_addr : nullptr;
}

int evhttp_make_request(struct evhttp_connection* evcon, struct evhttp_request* req,
                        enum evhttp_cmd_type type, const char* uri) {
  if (evcon == nullptr || req == nullptr || uri == nullptr) return -1;
  return client_make_request(evcon, req, type, uri);
}

void evhttp_cancel_request(struct evhttp_request* req) {
  if (req != nullptr) client_cancel(req);
}

// ---- requests ----

struct evhttp_request* evhttp_request_new(void (*cb)(struct evhttp_request*, void*), void* arg) {
  return request_new(cb, arg);
}

void evhttp_request_set_chunked_cb(struct evhttp_request* req,
                                   void (*cb)(struct evhttp_request*, void*)) {
  if (req != nullptr) req->chunk_cb = cb;
}

void evhttp_request_set_header_cb(struct evhttp_request* req,
                                  int (*cb)(struct evhttp_request*, void*)) {
  if (req != nullptr) req->header_cb = cb;
}

void evhttp_request_set_error_cb(struct evhttp_request* req,
                                 void (*cb)(enum evhttp_request_error, void*)) {
  if (req != nullptr) req->error_cb = cb;
}

void evhttp_request_set_on_complete_cb(struct evhttp_request* req,
                                       void (*cb)(struct evhttp_request*, void*), void* cb_arg) {
  if (req == nullptr) return;
  req->on_complete_cb = cb;
  req->on_complete_cb_arg = cb_arg;
}

void evhttp_request_free(struct evhttp_request* req) {
  if (req != nullptr) request_free(req);
}

void evhttp_request_own(struct evhttp_request* req) {
  if (req != nullptr) req->flags |= EVHTTP_USER_OWNED;
}

int evhttp_request_is_owned(struct evhttp_request* req) {
  return req != nullptr && (req->flags & EVHTTP_USER_OWNED) != 0;
}

struct evhttp_connection* evhttp_request_get_connection(struct evhttp_request* req) {
  return req != nullptr ? req->evcon : nullptr;
}

const char* evhttp_request_get_uri(const struct evhttp_request* req) {
  return req != nullptr ? req->uri : nullptr;
}

const struct evhttp_uri* evhttp_request_get_evhttp_uri(const struct evhttp_request* req) {
  return req != nullptr ? req->uri_elems : nullptr;
}

// libevent dereferences req here without a check; so do we.
enum evhttp_cmd_type evhttp_request_get_command(const struct evhttp_request* req) {
  return req->type;
}

int evhttp_request_get_response_code(const struct evhttp_request* req) {
  return req != nullptr ? req->response_code : 0;
}

const char* evhttp_request_get_response_code_line(const struct evhttp_request* req) {
  return req != nullptr ? req->response_code_line : nullptr;
}

struct evkeyvalq* evhttp_request_get_input_headers(struct evhttp_request* req) {
  return req != nullptr ? req->input_headers : nullptr;
}

struct evkeyvalq* evhttp_request_get_output_headers(struct evhttp_request* req) {
  return req != nullptr ? req->output_headers : nullptr;
}

struct evbuffer* evhttp_request_get_input_buffer(struct evhttp_request* req) {
  return req != nullptr ? req->input_buffer : nullptr;
}

struct evbuffer* evhttp_request_get_output_buffer(struct evhttp_request* req) {
  return req != nullptr ? req->output_buffer : nullptr;
}

const char* evhttp_request_get_host(struct evhttp_request* req) {
  return req != nullptr ? request_host(req) : nullptr;
}

// ---- header lists ----

const char* evhttp_find_header(const struct evkeyvalq* headers, const char* key) {
  if (headers == nullptr || key == nullptr) return nullptr;
  return header_find(headers, key);
}

int evhttp_remove_header(struct evkeyvalq* headers, const char* key) {
  if (headers == nullptr || key == nullptr) return -1;
  return header_remove(headers, key);
}

int evhttp_add_header(struct evkeyvalq* headers, const char* key, const char* value) {
  if (headers == nullptr || key == nullptr || value == nullptr) return -1;
  return header_add_checked(headers, key, value);
}

void evhttp_clear_headers(struct evkeyvalq* headers) {
  if (headers != nullptr) headers_clear(headers);
}

// ---- encoding and query strings ----

char* evhttp_encode_uri(const char* str) { return evhttp_uriencode(str, -1, 0); }

char* evhttp_uriencode(const char* str, ev_ssize_t size, int space_to_plus) {
  if (str == nullptr) return nullptr;
  std::size_t n = size < 0 ? std::strlen(str) : static_cast<std::size_t>(size);
  return uriencode(str, n, space_to_plus != 0);
}

char* evhttp_decode_uri(const char* uri) {
  if (uri == nullptr) return nullptr;
  return decode_dup(uri, 0, nullptr);
}

char* evhttp_uridecode(const char* uri, int decode_plus, size_t* size_out) {
  if (uri == nullptr) return nullptr;
  return decode_dup(uri, decode_plus ? 1 : -1, size_out);
}

int evhttp_parse_query(const char* uri, struct evkeyvalq* headers) {
  if (uri == nullptr || headers == nullptr) return -1;
  return parse_query(uri, headers, true);
}

int evhttp_parse_query_str(const char* uri, struct evkeyvalq* headers) {
  if (uri == nullptr || headers == nullptr) return -1;
  return parse_query(uri, headers, false);
}

char* evhttp_htmlescape(const char* html) {
  if (html == nullptr) return nullptr;
  return htmlescape(html);
}

// ---- URIs ----

struct evhttp_uri* evhttp_uri_new(void) {
  return uri_new();
}

void evhttp_uri_set_flags(struct evhttp_uri* uri, unsigned flags) {
  if (uri != nullptr) uri->flags = flags;
}

const char* evhttp_uri_get_scheme(const struct evhttp_uri* uri) {
  return uri != nullptr ? uri->scheme : nullptr;
}

const char* evhttp_uri_get_userinfo(const struct evhttp_uri* uri) {
  return uri != nullptr ? uri->userinfo : nullptr;
}

const char* evhttp_uri_get_host(const struct evhttp_uri* uri) {
  return uri != nullptr ? uri->host : nullptr;
}

int evhttp_uri_get_port(const struct evhttp_uri* uri) { return uri != nullptr ? uri->port : -1; }

const char* evhttp_uri_get_path(const struct evhttp_uri* uri) {
  return uri != nullptr ? uri->path : nullptr;
}

const char* evhttp_uri_get_query(const struct evhttp_uri* uri) {
  return uri != nullptr ? uri->query : nullptr;
}

const char* evhttp_uri_get_fragment(const struct evhttp_uri* uri) {
  return uri != nullptr ? uri->fragment : nullptr;
}

int evhttp_uri_set_scheme(struct evhttp_uri* uri, const char* scheme) {
  return uri != nullptr ? uri_set_scheme(uri, scheme) : -1;
}

int evhttp_uri_set_userinfo(struct evhttp_uri* uri, const char* userinfo) {
  return uri != nullptr ? uri_set_userinfo(uri, userinfo) : -1;
}

int evhttp_uri_set_host(struct evhttp_uri* uri, const char* host) {
  return uri != nullptr ? uri_set_host(uri, host) : -1;
}

int evhttp_uri_set_port(struct evhttp_uri* uri, int port) {
  if (uri == nullptr || port < -1) return -1;
  uri->port = port;
  return 0;
}

int evhttp_uri_set_path(struct evhttp_uri* uri, const char* path) {
  return uri != nullptr ? uri_set_path(uri, path) : -1;
}

int evhttp_uri_set_query(struct evhttp_uri* uri, const char* query) {
  return uri != nullptr ? uri_set_query(uri, query) : -1;
}

int evhttp_uri_set_fragment(struct evhttp_uri* uri, const char* fragment) {
  return uri != nullptr ? uri_set_fragment(uri, fragment) : -1;
}

struct evhttp_uri* evhttp_uri_parse_with_flags(const char* source_uri, unsigned flags) {
  return source_uri != nullptr ? uri_parse(source_uri, flags) : nullptr;
}

struct evhttp_uri* evhttp_uri_parse(const char* source_uri) {
  return source_uri != nullptr ? uri_parse(source_uri, 0) : nullptr;
}

void evhttp_uri_free(struct evhttp_uri* uri) {
  if (uri != nullptr) uri_free(uri);
}

char* evhttp_uri_join(struct evhttp_uri* uri, char* buf, size_t limit) {
  if (uri == nullptr || buf == nullptr || limit == 0) return nullptr;
  return uri_join(uri, buf, limit);
}

}  // extern "C"
