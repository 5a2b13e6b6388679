// Internal state of evhttp: the server (struct evhttp), connections (a
// state machine over one bufferevent), bound sockets and parsed URIs.
// struct evhttp_request and struct evkeyvalq are the public layouts.
#pragma once

#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include <cstddef>
#include <cstdint>

struct evhttp_uri {
  unsigned flags;
  char* scheme;
  char* userinfo;
  char* host;
  int port;
  char* path;
  char* query;
  char* fragment;
};

TAILQ_HEAD(evhttp_reqq, evhttp_request);

struct evhttp_bound_socket {
  evhttp_bound_socket* next;
  evconnlistener* listener;
};

namespace ev::http {

struct CbEntry {
  CbEntry* next;
  char* path;
  void (*cb)(evhttp_request*, void*);
  void* arg;
};

struct Alias {
  Alias* next;
  char* alias;
};

enum class State : std::uint8_t {
  kDisconnected,  // client: no socket
  kConnecting,    // client: connect in progress
  kIdle,          // client: connected, nothing in flight (close detection on)
  kReadingHead,   // request/status line and header fields
  kReadingBody,   // Content-Length, chunked or close-delimited body
  kReadingTrailer,
  kHandling,  // server: the request is with the user
  kWriting,   // a request (client) or reply (server) is being written
};

enum class Body : std::uint8_t { kNone, kLength, kChunked, kClose };

// Internal connection flags, above the public EVHTTP_CON_* bits.
constexpr int kConIncoming = 0x1000000;
constexpr int kConOutgoing = 0x2000000;
constexpr int kConAutofree = 0x4000000;

// How much of a chunked body over the limit a lingering server connection
// reads and drops before it answers 413 and closes anyway.
constexpr std::uint64_t kLingerMax = 4u << 20;

bool ascii_strieq(const char* a, const char* b);
bool ascii_strnieq(const char* a, std::size_t an, const char* b);
int header_add(evkeyvalq* q, const char* key, std::size_t kn, const char* value, std::size_t vn);
void header_free(evkeyval* kv);
// Extends the last header's value with " " + s[0, n) (a folded line).
bool header_append(evkeyvalq* q, const char* s, std::size_t n);

}  // namespace ev::http

struct evhttp_connection {
  // Membership in the server's list of connections.
  evhttp_connection* next_conn;
  evhttp_connection* prev_conn;
  struct evhttp* server;
  event_base* base;
  evdns_base* dns;
  bufferevent* bev;
  evhttp_reqq requests;

  char* address;
  char* bind_address;
  std::uint16_t port;
  std::uint16_t bind_port;
  int family;
  int flags;
  ev::http::State state;
  ev::http::Body body;
  bool expect_chunk_end;  // chunk data read, its CRLF not yet
  bool peer_eof;          // server: the client shut down its side
  bool close_after;       // server: the reply being written ends the connection
  bool free_pending;      // freed while busy: finish when the outermost call returns
  bool has_timeout;
  bool retry_armed;
  bool await_continue;  // client: the body waits for the server's 100 Continue
  bool body_unsent;     // client: a final answer came before the body was sent
  bool lingering;       // server: discarding a body over the limit before the 413
  int busy;

  std::uint64_t max_headers;
  std::uint64_t max_body;
  std::uint64_t chunk_left;
  std::size_t head_scan;
  std::size_t trailer_size;
  timeval timeout;

  int retry_max;
  int retry_cnt;
  timeval initial_retry;
  event* retry_ev;  // allocated on the first retry

  void (*closecb)(evhttp_connection*, void*);
  void* closecb_arg;
  // Run once the output buffer has drained.
  void (*write_done)(evhttp_connection*, void*);
  void* write_done_arg;

  // The peer's address (server) or the connected one (client), allocated
  // to its size.
  sockaddr* conn_addr;
  socklen_t conn_addr_len;
};

struct evhttp {
  // Virtual hosts: children of a parent server.
  evhttp* vhost_first;
  evhttp* vhost_next;
  char* vhost_pattern;

  evhttp_bound_socket* sockets;
  ev::http::CbEntry* callbacks;
  ev::http::Alias* aliases;
  evhttp_connection* connections;

  event_base* base;
  timeval timeout;
  bool has_timeout;
  int flags;
  std::uint64_t max_headers;
  std::uint64_t max_body;
  char* default_content_type;
  std::uint16_t allowed_methods;

  void (*gencb)(evhttp_request*, void*);
  void* gencbarg;
  bufferevent* (*bevcb)(event_base*, void*);
  void* bevcbarg;

  // The Date header of the current second.
  long date_time;
  char date_text[40];
};

namespace ev::http {

// request.cpp
enum class StrSlot { kHost, kReason, kUri };
// A copy of s[0, n) in the request's own block when it fits, else allocated;
// request_str_free frees only the latter.
char* request_strdup(evhttp_request* req, StrSlot slot, const char* s, std::size_t n);
void request_str_free(evhttp_request* req, char* s);
evhttp_request* request_new(void (*cb)(evhttp_request*, void*), void* arg);
void request_free_auto(evhttp_request* req);
void response_code(evhttp_request* req, int code, const char* reason);
const char* response_phrase(int code);
const char* method_name(int type);
int method_from(const char* p, std::size_t n);
bool is_keepalive(const evkeyvalq* headers);
// Does the comma-separated header value contain `token` (any case)?
bool has_token(const char* value, const char* token);
bool is_close(int flags, const evkeyvalq* headers);
bool needs_body(const evhttp_request* req);

// connection.cpp: the shared state machine
evhttp_connection* conn_new(event_base* base, evdns_base* dns, bufferevent* bev,
                            const char* address, std::uint16_t port);
void conn_free(evhttp_connection* c);
void conn_enter(evhttp_connection* c);
bool conn_leave(evhttp_connection* c);  // true when the connection is gone
void conn_process(evhttp_connection* c);
void conn_write(evhttp_connection* c, void (*done)(evhttp_connection*, void*), void* arg);
void conn_apply_timeouts(evhttp_connection* c);
void conn_start_read(evhttp_connection* c);
void conn_fail(evhttp_connection* c, evhttp_request_error error);
void conn_setcb(evhttp_connection* c);
bool conn_set_addr(evhttp_connection* c, const sockaddr* sa, socklen_t len);

// client.cpp
void client_connect(evhttp_connection* c);
void client_dispatch(evhttp_connection* c);
void client_reset(evhttp_connection* c);
void client_head_done(evhttp_connection* c, evhttp_request* req, bool* stop);
void client_response_done(evhttp_connection* c);
void client_connected(evhttp_connection* c);
void client_connect_failed(evhttp_connection* c);
void client_fail(evhttp_connection* c, evhttp_request_error error);

// server.cpp / reply.cpp
bool server_head_done(evhttp_connection* c, evhttp_request* req);
void server_request_ready(evhttp_connection* c, evhttp_request* req);
void server_fail(evhttp_connection* c, evhttp_request_error error);
bool server_new_request(evhttp_connection* c);
void server_send(evhttp_request* req, evbuffer* body);
void server_send_page(evhttp_request* req, evbuffer* body);
void server_send_done(evhttp_connection* c, void*);
void server_handle_request(evhttp_request* req, void* arg);
bool find_vhost(evhttp* http, evhttp** out, const char* hostname);
// A connected socket becomes a server connection (the listener's callback;
// fuzz targets call it with one end of a socketpair).
void server_accept(evhttp* http, evutil_socket_t fd, sockaddr* sa, int socklen);

// encode.cpp: percent-decodes uri[0, length) into out (length + 1 bytes);
// decode_plus: 1 always turns '+' into ' ', 0 only after a '?', -1 never.
std::size_t decode_into(const char* uri, std::size_t length, char* out, int decode_plus);

// Percent-encodes str[0, n) (NULL when the result's size would overflow).
char* uriencode(const char* str, std::size_t n, bool space_to_plus);
// A decoded copy of uri (decode_plus as for decode_into).
char* decode_dup(const char* uri, int decode_plus, std::size_t* size_out);
char* htmlescape(const char* html);
// Fills headers from a query string, or from the query of a whole URI;
// on failure the list is left empty.
int parse_query(const char* str, evkeyvalq* headers, bool whole_uri);

// uri.cpp
evhttp_uri* uri_parse_authority(const char* source);
evhttp_uri* uri_new();
evhttp_uri* uri_parse(const char* source, unsigned flags);
void uri_free(evhttp_uri* uri);
// Setters check their part's syntax; -1 leaves the URI as it was.
int uri_set_scheme(evhttp_uri* uri, const char* scheme);
int uri_set_userinfo(evhttp_uri* uri, const char* userinfo);
int uri_set_host(evhttp_uri* uri, const char* host);
int uri_set_path(evhttp_uri* uri, const char* path);
int uri_set_query(evhttp_uri* uri, const char* query);
int uri_set_fragment(evhttp_uri* uri, const char* fragment);
char* uri_join(const evhttp_uri* uri, char* buf, std::size_t limit);

// headers.cpp
const char* header_find(const evkeyvalq* q, const char* key);
void headers_clear(evkeyvalq* q);
int header_remove(evkeyvalq* q, const char* key);
// header_add for a program's strings: CR or LF in either is refused.
int header_add_checked(evkeyvalq* q, const char* key, const char* value);

// request.cpp
void request_free(evhttp_request* req);
// The request's host: the URI's, else the Host header's without a port.
const char* request_host(evhttp_request* req);

// reply.cpp
void send_error(evhttp_request* req, int error, const char* reason);
void send_reply(evhttp_request* req, int code, const char* reason, evbuffer* body);
void send_reply_start(evhttp_request* req, int code, const char* reason);
void send_reply_chunk(evhttp_request* req, evbuffer* body, void (*cb)(evhttp_connection*, void*),
                      void* arg);
void send_reply_end(evhttp_request* req);

// server.cpp
evhttp* server_new(event_base* base);
void server_free(evhttp* http);
evhttp_bound_socket* bind_listener(evhttp* http, evconnlistener* listener);
evhttp_bound_socket* accept_socket(evhttp* http, evutil_socket_t fd);
evhttp_bound_socket* bind_socket(evhttp* http, const char* address, std::uint16_t port);
void foreach_bound_socket(evhttp* http, evhttp_bound_socket_foreach_fn* fn, void* arg);
void del_accept_socket(evhttp* http, evhttp_bound_socket* bound);
void server_set_content_type(evhttp* http, const char* content_type);
int server_set_cb(evhttp* http, const char* path, void (*cb)(evhttp_request*, void*), void* arg);
int server_del_cb(evhttp* http, const char* path);
int vhost_add(evhttp* http, const char* pattern, evhttp* vhost);
int vhost_remove(evhttp* http, evhttp* vhost);
int alias_add(evhttp* http, const char* alias);
int alias_remove(evhttp* http, const char* alias);

// client.cpp: the entry points of an outgoing connection
evhttp_connection* client_new(event_base* base, evdns_base* dns, bufferevent* bev,
                              const char* address, std::uint16_t port);
void client_set_local_address(evhttp_connection* c, const char* address);
int client_make_request(evhttp_connection* c, evhttp_request* req, evhttp_cmd_type type,
                        const char* uri);
void client_cancel(evhttp_request* req);

// connection.cpp: NULL clears the timeout (the default applies).
void conn_set_timeout(evhttp_connection* c, const timeval* tv);

// priv_parse.cpp: libevent's line-oriented head parsing (api_priv.cpp)
int priv_parse_firstline(evhttp_request* req, evbuffer* buf);
int priv_parse_headers(evhttp_request* req, evbuffer* buf);
bool str_is_chunked(const char* value, const char* eos);
int check_transfer_encoding(const char* value);

}  // namespace ev::http
