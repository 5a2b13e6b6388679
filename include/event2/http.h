/** @file
 * An embeddable HTTP/1.x server and client ("evhttp").
 *
 * Server side: create a struct evhttp with evhttp_new(), bind sockets, and
 * register callbacks per path (evhttp_set_cb) or a catch-all callback
 * (evhttp_set_gencb).  Each callback receives a struct evhttp_request and
 * answers it with one of the evhttp_send_* functions.
 *
 * Client side: open a struct evhttp_connection, create a request with a
 * completion callback, fill in its output headers and body, and pass it to
 * evhttp_make_request().
 *
 * The URI helpers (evhttp_uri_*, encoding and query parsing) work without
 * any server or connection. */
#ifndef EVENT2_HTTP_H_INCLUDED_
#define EVENT2_HTTP_H_INCLUDED_

#include <event2/util.h>
#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

struct evbuffer;
struct event_base;
struct bufferevent;
struct evhttp_connection;

/** @{ */
/** Common response status codes. */
#define HTTP_OK			200	/**< success */
#define HTTP_NOCONTENT		204	/**< success without a body */
#define HTTP_MOVEPERM		301	/**< resource has a new permanent URI */
#define HTTP_MOVETEMP		302	/**< resource is elsewhere for now */
#define HTTP_NOTMODIFIED	304	/**< cached copy is still valid */
#define HTTP_BADREQUEST		400	/**< malformed request */
#define HTTP_NOTFOUND		404	/**< no such resource */
#define HTTP_BADMETHOD		405	/**< method not allowed here */
#define HTTP_ENTITYTOOLARGE	413	/**< body exceeds the limit */
#define HTTP_EXPECTATIONFAILED	417	/**< "Expect:" cannot be met */
#define HTTP_INTERNAL		500	/**< server-side failure */
#define HTTP_NOTIMPLEMENTED	501	/**< method not implemented */
#define HTTP_SERVUNAVAIL	503	/**< server temporarily unavailable */
/** @} */

struct evhttp;
struct evhttp_request;
struct evkeyvalq;
struct evhttp_bound_socket;
struct evconnlistener;
struct evdns_base;

/* ---- Server ---- */

/** Create an HTTP server on 'base' (no sockets yet).  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_new(struct event_base *base);

/** Listen on address:port; may be called several times.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evhttp_bind_socket(struct evhttp *http, const char *address, ev_uint16_t port);

/** As evhttp_bind_socket, returning a handle for the new socket (or NULL). */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_bind_socket_with_handle(struct evhttp *http, const char *address, ev_uint16_t port);

/** Serve connections arriving on an already bound, listening socket.
 * Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evhttp_accept_socket(struct evhttp *http, evutil_socket_t fd);

/** As evhttp_accept_socket, returning a handle (or NULL). */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_accept_socket_with_handle(struct evhttp *http, evutil_socket_t fd);

/** Serve connections accepted by an existing listener, which the server
 * takes over.  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_bind_listener(struct evhttp *http, struct evconnlistener *listener);

/** The listener behind a bound socket. */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evhttp_bound_socket_get_listener(struct evhttp_bound_socket *bound);

/** Visitor for evhttp_foreach_bound_socket. */
typedef void evhttp_bound_socket_foreach_fn(struct evhttp_bound_socket *, void *);

/** Call 'function' on every bound socket of the server. */
EVENT2_EXPORT_SYMBOL
void evhttp_foreach_bound_socket(struct evhttp *http, evhttp_bound_socket_foreach_fn *function, void *argument);

/** Stop listening on one bound socket and close it. */
EVENT2_EXPORT_SYMBOL
void evhttp_del_accept_socket(struct evhttp *http, struct evhttp_bound_socket *bound_socket);

/** The file descriptor of a bound socket. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t evhttp_bound_socket_get_fd(struct evhttp_bound_socket *bound_socket);

/** Close all sockets and connections and free the server. */
EVENT2_EXPORT_SYMBOL
void evhttp_free(struct evhttp* http);

/** Limit the total header size of incoming requests. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_max_headers_size(struct evhttp* http, ev_ssize_t max_headers_size);

/** Limit the body size of incoming requests. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_max_body_size(struct evhttp* http, ev_ssize_t max_body_size);

/** Content-Type added to replies that do not set one (NULL for none). */
EVENT2_EXPORT_SYMBOL
void evhttp_set_default_content_type(struct evhttp *http,
	const char *content_type);

/** Which methods (EVHTTP_REQ_* mask) the server accepts; others get 405. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_allowed_methods(struct evhttp* http, ev_uint16_t methods);

/** Handle requests for exactly 'path'.  Returns 0, -1 on failure, or -2 if
 * the path already has a callback. */
EVENT2_EXPORT_SYMBOL
int evhttp_set_cb(struct evhttp *http, const char *path,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg);

/** Remove the callback for a path.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evhttp_del_cb(struct evhttp *, const char *);

/** Handle every request that no path callback matched. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_gencb(struct evhttp *http,
    void (*cb)(struct evhttp_request *, void *), void *arg);

/** Create the bufferevent of each accepted connection with 'cb' (e.g. to
 * add TLS) instead of a plain socket bufferevent. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_bevcb(struct evhttp *http,
    struct bufferevent *(*cb)(struct event_base *, void *), void *arg);

/** Route requests whose Host matches 'pattern' (with * and ? wildcards) to
 * the server 'vhost', which must not be bound to sockets itself. */
EVENT2_EXPORT_SYMBOL
int evhttp_add_virtual_host(struct evhttp* http, const char *pattern,
    struct evhttp* vhost);

/** Detach a virtual host (which the caller then owns again). */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_virtual_host(struct evhttp* http, struct evhttp* vhost);

/** Treat requests for host 'alias' as addressed to this server. */
EVENT2_EXPORT_SYMBOL
int evhttp_add_server_alias(struct evhttp *http, const char *alias);

/** Remove an alias added by evhttp_add_server_alias. */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_server_alias(struct evhttp *http, const char *alias);

/** Idle timeout of server connections, in seconds. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_timeout(struct evhttp *http, int timeout_in_secs);

/** Idle timeout of server connections, as a timeval. */
EVENT2_EXPORT_SYMBOL
void evhttp_set_timeout_tv(struct evhttp *http, const struct timeval* tv);

/** Server flag: read and discard the rest of an oversized request before
 * closing, so the client sees the error reply. */
#define EVHTTP_SERVER_LINGERING_CLOSE	0x0001

/** Set EVHTTP_SERVER_* flags.  Returns 0, or -1 for unknown flags. */
EVENT2_EXPORT_SYMBOL
int evhttp_set_flags(struct evhttp *http, int flags);

/* ---- Replies ---- */

/** Reply with an error page; 'reason' NULL uses the standard phrase. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_error(struct evhttp_request *req, int error,
    const char *reason);

/** Reply with 'code', 'reason' and the contents of 'databuf' (may be NULL). */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply(struct evhttp_request *req, int code,
    const char *reason, struct evbuffer *databuf);

/** Begin a streamed (chunked where possible) reply. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_start(struct evhttp_request *req, int code,
    const char *reason);

/** Send the contents of 'databuf' as one more chunk of a streamed reply. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_chunk(struct evhttp_request *req,
    struct evbuffer *databuf);

/** As evhttp_send_reply_chunk, calling 'cb' once the chunk was written. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_chunk_with_cb(struct evhttp_request *, struct evbuffer *,
    void (*cb)(struct evhttp_connection *, void *), void *arg);

/** Finish a streamed reply. */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_end(struct evhttp_request *req);

/** Request methods, as bits so they can be combined into a mask. */
enum evhttp_cmd_type {
	EVHTTP_REQ_GET     = 1 << 0, /**< GET: fetch a resource */
	EVHTTP_REQ_POST    = 1 << 1, /**< POST: submit a body */
	EVHTTP_REQ_HEAD    = 1 << 2, /**< HEAD: GET without the body */
	EVHTTP_REQ_PUT     = 1 << 3, /**< PUT: store a resource */
	EVHTTP_REQ_DELETE  = 1 << 4, /**< DELETE: remove a resource */
	EVHTTP_REQ_OPTIONS = 1 << 5, /**< OPTIONS: ask what the server allows */
	EVHTTP_REQ_TRACE   = 1 << 6, /**< TRACE: echo the request back */
	EVHTTP_REQ_CONNECT = 1 << 7, /**< CONNECT: open a tunnel */
	EVHTTP_REQ_PATCH   = 1 << 8 /**< PATCH: modify part of a resource */
};

/** Whether a request object carries a request or a response. */
enum evhttp_request_kind { EVHTTP_REQUEST, EVHTTP_RESPONSE };

/* ---- Client connections ---- */

/** New client connection to address:port using 'bev' as transport (NULL
 * creates a socket bufferevent) and 'dnsbase' for name resolution (NULL
 * resolves blocking).  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_base_bufferevent_new(
	struct event_base *base, struct evdns_base *dnsbase, struct bufferevent* bev, const char *address, ev_uint16_t port);

/** The bufferevent carrying the connection. */
EVENT2_EXPORT_SYMBOL
struct bufferevent* evhttp_connection_get_bufferevent(struct evhttp_connection *evcon);

/** For a server-side connection, the server it belongs to; else NULL. */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_connection_get_server(struct evhttp_connection *evcon);

/** New request whose callback 'cb' runs when the response is complete (or
 * with NULL on failure).  NULL when out of memory. */
EVENT2_EXPORT_SYMBOL
struct evhttp_request *evhttp_request_new(
	void (*cb)(struct evhttp_request *, void *), void *arg);

/** Receive the response body piece by piece as it arrives. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_chunked_cb(struct evhttp_request *,
    void (*cb)(struct evhttp_request *, void *));

/** Called once the response headers are in; returning -1 aborts. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_header_cb(struct evhttp_request *,
    int (*cb)(struct evhttp_request *, void *));

/** Why a client request failed. */
enum evhttp_request_error {
	/** The connection timed out. */
	EVREQ_HTTP_TIMEOUT,
	/** The peer closed the connection early. */
	EVREQ_HTTP_EOF,
	/** The response line or headers were malformed. */
	EVREQ_HTTP_INVALID_HEADER,
	/** Reading or writing the bufferevent failed. */
	EVREQ_HTTP_BUFFER_ERROR,
	/** The request was cancelled (e.g. its header callback failed). */
	EVREQ_HTTP_REQUEST_CANCEL,
	/** The body exceeded the configured maximum. */
	EVREQ_HTTP_DATA_TOO_LONG
};

/** Called with the reason when a request fails. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_error_cb(struct evhttp_request *,
    void (*)(enum evhttp_request_error, void *));

/** Called after the request is fully done, before it is freed. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_on_complete_cb(struct evhttp_request *req,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg);

/** Free a request that was never handed to evhttp_make_request, or one the
 * user owns (evhttp_request_own). */
EVENT2_EXPORT_SYMBOL
void evhttp_request_free(struct evhttp_request *req);

/** New client connection to address:port.  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_base_new(
	struct event_base *base, struct evdns_base *dnsbase,
	const char *address, ev_uint16_t port);

/** Address family used when resolving the server (AF_UNSPEC by default). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_family(struct evhttp_connection *evcon,
	int family);

/* Flags for evhttp_connection_set_flags. */
/** Reconnect to the address resolved first instead of resolving again. */
#define EVHTTP_CON_REUSE_CONNECTED_ADDR	0x0008
/** After a write error, still try to read the server's response. */
#define EVHTTP_CON_READ_ON_WRITE_ERROR	0x0010
/** See EVHTTP_SERVER_LINGERING_CLOSE. */
#define EVHTTP_CON_LINGERING_CLOSE	0x0020
/** Flags at or above this value are internal. */
#define EVHTTP_CON_PUBLIC_FLAGS_END	0x100000

/** Set EVHTTP_CON_* flags.  Returns 0, or -1 for unknown flags. */
EVENT2_EXPORT_SYMBOL
int evhttp_connection_set_flags(struct evhttp_connection *evcon,
	int flags);

/** Take ownership of a request: the library will not free it after its
 * callback; free it with evhttp_request_free. */
EVENT2_EXPORT_SYMBOL
void evhttp_request_own(struct evhttp_request *req);

/** Whether the user owns the request. */
EVENT2_EXPORT_SYMBOL
int evhttp_request_is_owned(struct evhttp_request *req);

/** The connection a request travels on (NULL if none yet). */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_request_get_connection(struct evhttp_request *req);

/** The event base of a connection. */
EVENT2_EXPORT_SYMBOL
struct event_base *evhttp_connection_get_base(struct evhttp_connection *req);

/** Limit the header size of responses read on this connection. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_max_headers_size(struct evhttp_connection *evcon,
    ev_ssize_t new_max_headers_size);

/** Limit the body size of responses read on this connection. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_max_body_size(struct evhttp_connection* evcon,
    ev_ssize_t new_max_body_size);

/** Close and free a connection; its pending requests fail. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_free(struct evhttp_connection *evcon);

/** Free the connection automatically once its last request completed. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_free_on_completion(struct evhttp_connection *evcon);

/** Bind outgoing connections to this local address. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_local_address(struct evhttp_connection *evcon,
    const char *address);

/** Bind outgoing connections to this local port. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_local_port(struct evhttp_connection *evcon,
    ev_uint16_t port);

/** Timeout for connecting and for each read/write, in seconds. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_timeout(struct evhttp_connection *evcon,
    int timeout_in_secs);

/** Timeout for connecting and for each read/write, as a timeval. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_timeout_tv(struct evhttp_connection *evcon,
    const struct timeval *tv);

/** Delay before the first reconnection attempt; it doubles each retry. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_initial_retry_tv(struct evhttp_connection *evcon,
    const struct timeval *tv);

/** How often a failed connection is retried (-1: forever). */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_retries(struct evhttp_connection *evcon,
    int retry_max);

/** Called when the connection closes. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_closecb(struct evhttp_connection *evcon,
    void (*)(struct evhttp_connection *, void *), void *);

/** The peer's host (owned by the connection) and port. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_get_peer(struct evhttp_connection *evcon,
    char **address, ev_uint16_t *port);

/** The peer's socket address, or NULL when not connected. */
EVENT2_EXPORT_SYMBOL
const struct sockaddr*
evhttp_connection_get_addr(struct evhttp_connection *evcon);

/** Send 'req' as method 'type' for 'uri'; the connection takes ownership
 * of the request.  Returns 0, or -1 (the request is then freed). */
EVENT2_EXPORT_SYMBOL
int evhttp_make_request(struct evhttp_connection *evcon,
    struct evhttp_request *req,
    enum evhttp_cmd_type type, const char *uri);

/** Abort a pending client request; its callback does not run. */
EVENT2_EXPORT_SYMBOL
void evhttp_cancel_request(struct evhttp_request *req);

/* ---- Request accessors ---- */

struct evhttp_uri;

/** The request URI as received or sent. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_request_get_uri(const struct evhttp_request *req);

/** The parsed request URI (server side). */
EVENT2_EXPORT_SYMBOL
const struct evhttp_uri *evhttp_request_get_evhttp_uri(const struct evhttp_request *req);

/** The request method. */
EVENT2_EXPORT_SYMBOL
enum evhttp_cmd_type evhttp_request_get_command(const struct evhttp_request *req);

/** The response status code. */
EVENT2_EXPORT_SYMBOL
int evhttp_request_get_response_code(const struct evhttp_request *req);

/** The response reason phrase. */
EVENT2_EXPORT_SYMBOL
const char * evhttp_request_get_response_code_line(const struct evhttp_request *req);

/** Headers received. */
EVENT2_EXPORT_SYMBOL
struct evkeyvalq *evhttp_request_get_input_headers(struct evhttp_request *req);

/** Headers to send. */
EVENT2_EXPORT_SYMBOL
struct evkeyvalq *evhttp_request_get_output_headers(struct evhttp_request *req);

/** Body received. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evhttp_request_get_input_buffer(struct evhttp_request *req);

/** Body to send. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evhttp_request_get_output_buffer(struct evhttp_request *req);

/** The host the request was addressed to: from the URI, else the Host
 * header, else NULL. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_request_get_host(struct evhttp_request *req);

/* ---- Header lists ---- */

/** The value of the first header named 'key' (case-insensitive), or NULL. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_find_header(const struct evkeyvalq *headers,
    const char *key);

/** Remove the first header named 'key'.  Returns 0, or -1 if absent. */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_header(struct evkeyvalq *headers, const char *key);

/** Append a header.  Returns 0, or -1 if key or value is invalid. */
EVENT2_EXPORT_SYMBOL
int evhttp_add_header(struct evkeyvalq *headers, const char *key, const char *value);

/** Remove and free every header of the list. */
EVENT2_EXPORT_SYMBOL
void evhttp_clear_headers(struct evkeyvalq *headers);

/* ---- Encoding helpers (results are allocated; the caller frees them) ---- */

/** Percent-encode everything except unreserved URI characters. */
EVENT2_EXPORT_SYMBOL
char *evhttp_encode_uri(const char *str);

/** Percent-encode 'size' bytes (-1: up to the NUL), optionally writing
 * spaces as '+'. */
EVENT2_EXPORT_SYMBOL
char *evhttp_uriencode(const char *str, ev_ssize_t size, int space_to_plus);

/** Percent-decode, also turning '+' into space in the query part. */
EVENT2_EXPORT_SYMBOL
char *evhttp_decode_uri(const char *uri);

/** Percent-decode; 'decode_plus' turns '+' into space; the decoded length
 * goes to 'size_out' when not NULL. */
EVENT2_EXPORT_SYMBOL
char *evhttp_uridecode(const char *uri, int decode_plus,
    size_t *size_out);

/** Parse the query part of a full URI into key/value pairs.  Returns 0/-1. */
EVENT2_EXPORT_SYMBOL
int evhttp_parse_query(const char *uri, struct evkeyvalq *headers);

/** Parse a bare query string ("a=1&b=2") into key/value pairs. */
EVENT2_EXPORT_SYMBOL
int evhttp_parse_query_str(const char *uri, struct evkeyvalq *headers);

/** Escape <, >, ", ' and & for HTML. */
EVENT2_EXPORT_SYMBOL
char *evhttp_htmlescape(const char *html);

/* ---- Parsed URIs ---- */

/** An empty URI object. */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_new(void);

/** Set EVHTTP_URI_* flags that affect later parsing and setting. */
EVENT2_EXPORT_SYMBOL
void evhttp_uri_set_flags(struct evhttp_uri *uri, unsigned flags);

/** @{ */
/** Components of a URI; NULL (or -1 for the port) when absent. */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_scheme(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_userinfo(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_host(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_get_port(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_path(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_query(const struct evhttp_uri *uri);
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_fragment(const struct evhttp_uri *uri);
/** @} */

/** @{ */
/** Replace one component (NULL, or -1 for the port, removes it).  Each
 * returns 0, or -1 if the value is not well-formed for that component. */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_scheme(struct evhttp_uri *uri, const char *scheme);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_userinfo(struct evhttp_uri *uri, const char *userinfo);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_host(struct evhttp_uri *uri, const char *host);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_port(struct evhttp_uri *uri, int port);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_path(struct evhttp_uri *uri, const char *path);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_query(struct evhttp_uri *uri, const char *query);
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_fragment(struct evhttp_uri *uri, const char *fragment);
/** @} */

/** Parse a URI (absolute or relative) according to 'flags'.  NULL if it is
 * malformed. */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_parse_with_flags(const char *source_uri,
    unsigned flags);

/** Parse flag: accept common but non-conforming URIs (e.g. stray
 * characters) instead of rejecting them. */
#define EVHTTP_URI_NONCONFORMANT 0x01

/** evhttp_uri_parse_with_flags with no flags. */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_parse(const char *source_uri);

/** Free a URI object. */
EVENT2_EXPORT_SYMBOL
void evhttp_uri_free(struct evhttp_uri *uri);

/** Write the URI as text into buf (at most 'limit' bytes with the NUL).
 * Returns buf, or NULL if it does not fit or the URI is inconsistent. */
EVENT2_EXPORT_SYMBOL
char *evhttp_uri_join(struct evhttp_uri *uri, char *buf, size_t limit);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_H_INCLUDED_ */
