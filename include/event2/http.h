/** @file
 * An embeddable HTTP/1.x server and client ("evhttp").
 *
 * Server side: create a struct evhttp with evhttp_new(), give it sockets
 * (evhttp_bind_socket(), evhttp_accept_socket() or evhttp_bind_listener()),
 * and register callbacks per path (evhttp_set_cb()) or a catch-all callback
 * (evhttp_set_gencb()).  Each callback receives a struct evhttp_request and
 * answers it with evhttp_send_reply(), evhttp_send_error() or the streaming
 * trio evhttp_send_reply_start() / evhttp_send_reply_chunk() /
 * evhttp_send_reply_end().  The library frees a server request once its
 * reply has been written (or its connection failed).
 *
 * Client side: open a struct evhttp_connection with
 * evhttp_connection_base_new(), create a request with evhttp_request_new()
 * and a completion callback, fill in its output headers and body, and pass
 * it to evhttp_make_request().  Requests on one connection are sent one
 * after the other; the connection connects (and reconnects) on demand.
 *
 * The header-list helpers (evhttp_find_header() etc.), the encoding
 * helpers and the URI parser (evhttp_uri_*) are pure functions that need no
 * server, connection or event base.  Strings they return for the caller to
 * free come from the library's allocator: release them with free(), or
 * with the free function given to event_set_mem_functions() if one was.
 *
 * <b>Thread safety.</b>  evhttp takes no locks.  A server, its connections
 * and its requests, and a client connection and its requests, belong to the
 * thread that runs their event base's loop: call these functions only from
 * that thread (normally from inside callbacks of that base), or make sure
 * yourself that the loop is not running them at the same time.  Different
 * servers or connections on different bases may be used from different
 * threads.  The header, encoding and URI helpers are safe from any thread
 * as long as no two threads touch the same list or URI object at once.
 *
 * <b>Callbacks.</b>  Every evhttp callback runs from the event loop of the
 * base the object belongs to.  From a server request callback a program may
 * read the request, fill in its output headers and buffer, and send the
 * reply (now or later, from another callback of the same base).  From a
 * client request callback it may read the response and make new requests,
 * on this or another connection.  evhttp_connection_free() called from
 * inside a callback of that connection takes effect once the callback
 * returns.  Functions whose rule differs say so in a note.
 */
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

/** @name Response status codes
 * The codes evhttp uses itself; any other number may be sent too. @{ */
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

/**
 * @brief Create an HTTP server that runs on an event base.
 *
 * The new server has no sockets yet, accepts GET, POST, HEAD, PUT and
 * DELETE, has no size limits and no idle timeout, and adds
 * "Content-Type: text/html; charset=ISO-8859-1" to replies that carry a
 * body but no Content-Type of their own.
 *
 * @param base the event base whose loop will serve connections; it must
 *        outlive the server.
 * @return the new server, to be freed with evhttp_free(); NULL when out of
 *         memory.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_new(struct event_base *base);

/**
 * @brief Listen for HTTP connections on an address and port.
 *
 * Resolves @p address (with evutil_getaddrinfo(), passive, first result
 * only), creates a non-blocking socket with SO_REUSEADDR and SO_KEEPALIVE,
 * binds and listens on it.  May be called several times to serve several
 * addresses.
 *
 * @param http the server.
 * @param address a numeric address or host name to bind to; NULL binds to
 *        the wildcard address.
 * @param port the TCP port; 0 lets the system choose (find it with
 *        evhttp_bind_socket_with_handle() and evhttp_bound_socket_get_fd()).
 * @return 0 on success; -1 if @p http is NULL or resolving, creating,
 *         binding or listening failed (a warning is logged).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_bind_socket(struct evhttp *http, const char *address, ev_uint16_t port);

/**
 * @brief Like evhttp_bind_socket(), and return a handle to the new socket.
 *
 * @param http the server.
 * @param address the address to bind to, as for evhttp_bind_socket().
 * @param port the TCP port, as for evhttp_bind_socket().
 * @return a handle owned by the server (valid until
 *         evhttp_del_accept_socket() or evhttp_free()); NULL on the errors
 *         listed for evhttp_bind_socket().
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_bind_socket_with_handle(struct evhttp *http, const char *address, ev_uint16_t port);

/**
 * @brief Serve connections arriving on an already bound, listening socket.
 *
 * The server takes ownership of @p fd and closes it when the socket is
 * removed or the server is freed.  The socket should be non-blocking.
 *
 * @param http the server.
 * @param fd a socket on which listen() has been called.
 * @return 0 on success; -1 if @p http is NULL, @p fd is negative or the
 *         listener could not be created (then @p fd is not closed).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_accept_socket(struct evhttp *http, evutil_socket_t fd);

/**
 * @brief Like evhttp_accept_socket(), and return a handle to the socket.
 *
 * @param http the server.
 * @param fd a listening socket; the server takes ownership of it.
 * @return a handle owned by the server; NULL on the errors listed for
 *         evhttp_accept_socket().
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_accept_socket_with_handle(struct evhttp *http, evutil_socket_t fd);

/**
 * @brief Serve connections accepted by an existing connection listener.
 *
 * The server replaces the listener's callback with its own and takes
 * ownership of the listener: it is freed by evhttp_del_accept_socket() or
 * evhttp_free().
 *
 * @param http the server.
 * @param listener the listener (see <event2/listener.h>); its base should
 *        be the server's.
 * @return a handle owned by the server; NULL if either argument is NULL or
 *         memory ran out (then the listener stays the caller's).
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_bound_socket *evhttp_bind_listener(struct evhttp *http, struct evconnlistener *listener);

/**
 * @brief Get the connection listener behind a bound socket.
 *
 * @param bound a handle returned by one of the bind/accept functions.
 * @return the listener, still owned by the server; NULL if @p bound is
 *         NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evhttp_bound_socket_get_listener(struct evhttp_bound_socket *bound);

/**
 * @brief Visitor called by evhttp_foreach_bound_socket().
 *
 * The first argument is the bound socket, the second the caller's argument.
 */
typedef void evhttp_bound_socket_foreach_fn(struct evhttp_bound_socket *, void *);

/**
 * @brief Call a function on every bound socket of a server.
 *
 * Sockets are visited in the order they were added.  The visitor may remove
 * the socket it is given with evhttp_del_accept_socket().
 *
 * @param http the server; nothing happens if NULL.
 * @param function the visitor; nothing happens if NULL.
 * @param argument passed to every call of @p function.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_foreach_bound_socket(struct evhttp *http, evhttp_bound_socket_foreach_fn *function, void *argument);

/**
 * @brief Stop listening on one socket, close it and free its handle.
 *
 * Connections already accepted on it go on.
 *
 * @param http the server that owns the socket; nothing happens if NULL.
 * @param bound_socket the handle; invalid afterwards.  Nothing happens if
 *        NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_del_accept_socket(struct evhttp *http, struct evhttp_bound_socket *bound_socket);

/**
 * @brief Get the file descriptor of a bound socket.
 *
 * @param bound_socket the handle.
 * @return the listening socket (still owned by the server); -1 if
 *         @p bound_socket is NULL.
 */
EVENT2_EXPORT_SYMBOL
evutil_socket_t evhttp_bound_socket_get_fd(struct evhttp_bound_socket *bound_socket);

/**
 * @brief Free a server with its sockets, connections and virtual hosts.
 *
 * Closes every bound socket, frees every open connection (requests still
 * held by the program lose their connection), frees the virtual hosts
 * added to it and all path callbacks and aliases.
 *
 * @param http the server; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_free(struct evhttp* http);

/**
 * @brief Limit the size of the request line and headers the server reads.
 *
 * A request whose head is larger is answered with 400 Bad Request and its
 * connection closed.  Applies to connections accepted afterwards.
 *
 * @param http the server; nothing happens if NULL.
 * @param max_headers_size the limit in bytes; negative means no limit.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_max_headers_size(struct evhttp* http, ev_ssize_t max_headers_size);

/**
 * @brief Limit the size of request bodies the server reads.
 *
 * A request with a larger body is answered with 413 Request Entity Too
 * Large (see also EVHTTP_SERVER_LINGERING_CLOSE).  Applies to connections
 * accepted afterwards.
 *
 * @param http the server; nothing happens if NULL.
 * @param max_body_size the limit in bytes; negative means no limit.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_max_body_size(struct evhttp* http, ev_ssize_t max_body_size);

/**
 * @brief Set the Content-Type added to replies that do not set one.
 *
 * It is added only to replies that have a body.
 *
 * @param http the server; nothing happens if NULL.
 * @param content_type the value, copied; NULL adds no Content-Type.  If the
 *        copy cannot be made the old value stays.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_default_content_type(struct evhttp *http,
	const char *content_type);

/**
 * @brief Choose which request methods the server accepts.
 *
 * Requests with any other method are answered with 501 Not Implemented
 * before a callback sees them.
 *
 * @param http the server; nothing happens if NULL.
 * @param methods a mask of enum evhttp_cmd_type values.  The default is
 *        GET, POST, HEAD, PUT and DELETE.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_allowed_methods(struct evhttp* http, ev_uint16_t methods);

/**
 * @brief Handle requests for one exact path with a callback.
 *
 * The path of each request (without query, %-decoded) is compared
 * byte-for-byte with the registered paths; the matching callback is run.
 *
 * @param http the server.
 * @param path the path, e.g. "/status"; copied.
 * @param cb called with the request and @p cb_arg once the request (with
 *        its body) has been read.  It must eventually answer the request
 *        with one of the evhttp_send_* functions.
 * @param cb_arg passed to @p cb.
 * @return 0 on success; -1 if @p http or @p path is NULL or the path
 *         already has a callback; -2 or -3 when out of memory.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_set_cb(struct evhttp *http, const char *path,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg);

/**
 * @brief Remove the callback registered for a path.
 *
 * @param http the server.
 * @param path the path given to evhttp_set_cb().
 * @return 0 on success; -1 if an argument is NULL or the path has no
 *         callback.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_del_cb(struct evhttp *http, const char *path);

/**
 * @brief Handle every request that no path callback matched.
 *
 * Without a generic callback such requests are answered with 404 Not
 * Found.
 *
 * @param http the server; nothing happens if NULL.
 * @param cb the callback, as for evhttp_set_cb(); NULL removes it.
 * @param arg passed to @p cb.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_gencb(struct evhttp *http,
    void (*cb)(struct evhttp_request *, void *), void *arg);

/**
 * @brief Create the bufferevent of each accepted connection with a callback.
 *
 * Lets a server speak TLS or use a filter: @p cb returns a new bufferevent
 * without a socket (for TLS, one made by
 * bufferevent_openssl_socket_new() with fd -1 and BUFFEREVENT_SSL_ACCEPTING);
 * the server sets the accepted socket on it and owns it from then on.  If
 * @p cb returns NULL a plain socket bufferevent is used.
 *
 * @param http the server; nothing happens if NULL.
 * @param cb called with the server's base and @p arg for each accepted
 *        connection; NULL restores plain socket bufferevents.
 * @param arg passed to @p cb.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_bevcb(struct evhttp *http,
    struct bufferevent *(*cb)(struct event_base *, void *), void *arg);

/**
 * @brief Add a name-based virtual host.
 *
 * Requests whose host (see evhttp_request_get_host()) matches @p pattern
 * are routed to the callbacks of @p vhost instead of those of @p http.
 * The pattern may contain '*' wildcards and is matched without regard to
 * ASCII case.  Virtual hosts may nest.  @p http owns @p vhost from now on
 * and frees it in evhttp_free().
 *
 * @param http the server that owns the sockets.
 * @param pattern the host pattern, e.g. "*.example.com"; copied.
 * @param vhost a server made with evhttp_new() that has no sockets and is
 *        not already a virtual host.
 * @return 0 on success; -1 if an argument is NULL, @p vhost is already a
 *         virtual host or has sockets, or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_add_virtual_host(struct evhttp* http, const char *pattern,
    struct evhttp* vhost);

/**
 * @brief Detach a virtual host.
 *
 * @param http the server it was added to.
 * @param vhost the virtual host; the caller owns it again and must free it
 *        with evhttp_free().
 * @return 0 on success; -1 if an argument is NULL or @p vhost is not a
 *         virtual host of @p http.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_virtual_host(struct evhttp* http, struct evhttp* vhost);

/**
 * @brief Treat requests for another host name as addressed to this server.
 *
 * Aliases are compared without regard to ASCII case and are checked before
 * virtual host patterns; an alias of a virtual host routes to that virtual
 * host.  Aliases also decide whether an absolute request URI is a proxy
 * request.
 *
 * @param http the server or virtual host.
 * @param alias the host name; copied.
 * @return 0 on success; -1 if an argument is NULL or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_add_server_alias(struct evhttp *http, const char *alias);

/**
 * @brief Remove an alias added with evhttp_add_server_alias().
 *
 * @param http the server or virtual host.
 * @param alias the host name, compared without regard to ASCII case.
 * @return 0 on success; -1 if an argument is NULL or there is no such
 *         alias.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_server_alias(struct evhttp *http, const char *alias);

/**
 * @brief Set the read/write timeout of server connections, in seconds.
 *
 * Applies to connections accepted afterwards.  A connection on which no
 * progress is made for this long while waiting for or reading a request,
 * or writing a reply, is closed; while a request callback holds the request, the
 * connection waits for the reply.
 *
 * @param http the server; nothing happens if NULL.
 * @param timeout_in_secs the timeout; -1 means none (the default).
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_timeout(struct evhttp *http, int timeout_in_secs);

/**
 * @brief Set the read/write timeout of server connections as a timeval.
 *
 * @param http the server; nothing happens if NULL.
 * @param tv the timeout, copied; NULL means none.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_set_timeout_tv(struct evhttp *http, const struct timeval* tv);

/** Server flag: when a request body is over the size limit, read and
 * discard it to its end before answering 413 and closing, so that the
 * client (which may still be sending) sees the reply. */
#define EVHTTP_SERVER_LINGERING_CLOSE	0x0001

/**
 * @brief Set server flags.
 *
 * Applies to connections accepted afterwards.
 *
 * @param http the server.
 * @param flags a mask of EVHTTP_SERVER_* flags; it replaces the previous
 *        one.
 * @return 0 on success; -1 if @p http is NULL; 1 if @p flags contains an
 *         unknown bit (nothing is changed).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_set_flags(struct evhttp *http, int flags);

/* ---- Replies ---- */

/**
 * @brief Answer a request with an HTML error page and close the connection.
 *
 * Replaces the output headers by "Content-Type: text/html" and
 * "Connection: close" and sends a small page naming the error.  The
 * connection is closed once the page is written and the request freed.
 *
 * @param req the request received by a server callback; nothing happens if
 *        NULL.
 * @param error the status code, e.g. HTTP_NOTFOUND.
 * @param reason the reason phrase, copied; NULL uses the standard phrase
 *        for @p error.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_send_error(struct evhttp_request *req, int error,
    const char *reason);

/**
 * @brief Answer a request with a status and a complete body.
 *
 * Writes the status line, the request's output headers and, where the
 * protocol asks for them, Date, Content-Length, Content-Type (the server
 * default) and Connection; then the body (nothing for HEAD requests and
 * 1xx/204/304 replies).  The connection is kept for the next request
 * unless either side asked to close it.  The request is freed once the
 * reply has been written.
 *
 * @param req the request received by a server callback; nothing happens if
 *        NULL.  If it lost its connection (the client went away) it is just
 *        freed.
 * @param code the status code.
 * @param reason the reason phrase, copied; NULL uses the standard phrase
 *        for @p code.
 * @param databuf the body: its contents are moved out (the buffer is left
 *        empty and stays the caller's).  NULL sends the request's output
 *        buffer instead.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply(struct evhttp_request *req, int code,
    const char *reason, struct evbuffer *databuf);

/**
 * @brief Begin a streamed reply whose body follows in pieces.
 *
 * Sends the status line and headers now.  Unless the output headers set a
 * Content-Length, an HTTP/1.1 reply uses chunked transfer encoding and an
 * HTTP/1.0 reply is ended by closing the connection.  Follow with any
 * number of evhttp_send_reply_chunk() calls and one
 * evhttp_send_reply_end().
 *
 * @param req the request received by a server callback; nothing happens if
 *        NULL or without a connection.
 * @param code the status code.
 * @param reason the reason phrase, copied; NULL uses the standard phrase.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_start(struct evhttp_request *req, int code,
    const char *reason);

/**
 * @brief Send one more piece of a streamed reply.
 *
 * @param req a request after evhttp_send_reply_start(); nothing happens if
 *        NULL or without a connection.
 * @param databuf the data: moved out, the buffer is left empty and stays
 *        the caller's.  Nothing is sent if it is NULL or empty (an empty
 *        chunk would end the body), or if the reply has no body (HEAD).
 */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_chunk(struct evhttp_request *req,
    struct evbuffer *databuf);

/**
 * @brief Like evhttp_send_reply_chunk(), with a callback once it is written.
 *
 * @param req a request after evhttp_send_reply_start().
 * @param databuf the data, moved out as for evhttp_send_reply_chunk().
 * @param cb called with the connection and @p arg when the connection's
 *        output buffer has been flushed to the socket; NULL for none.  Not
 *        called if nothing was sent.
 * @param arg passed to @p cb.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_chunk_with_cb(struct evhttp_request *req, struct evbuffer *databuf,
    void (*cb)(struct evhttp_connection *, void *), void *arg);

/**
 * @brief Finish a streamed reply.
 *
 * Sends the final empty chunk when the reply is chunked.  Once everything
 * is written the request is freed and the connection either
 * reads the next request or closes.
 *
 * @param req a request after evhttp_send_reply_start(); nothing happens if
 *        NULL.  If it lost its connection it is just freed.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_send_reply_end(struct evhttp_request *req);

/** Request methods, as bits so they can be combined into a mask (see
 * evhttp_set_allowed_methods()). */
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

/** Whether a request object currently describes a request or a response. */
enum evhttp_request_kind {
	EVHTTP_REQUEST, /**< a request (sent by a client, read by a server) */
	EVHTTP_RESPONSE /**< a response (sent by a server, read by a client) */
};

/* ---- Client connections ---- */

/**
 * @brief Create a client connection that uses a given bufferevent.
 *
 * Nothing is connected yet: the connection resolves and connects when the
 * first request is made, and reconnects when a later request finds it
 * closed.
 *
 * @param base the event base; NULL uses the base of @p bev.
 * @param dnsbase used to resolve @p address without blocking; NULL resolves
 *        with the blocking system resolver (evutil_getaddrinfo()).
 * @param bev the transport (e.g. an OpenSSL bufferevent made with fd -1 and
 *        BUFFEREVENT_SSL_CONNECTING); the connection takes ownership and
 *        frees it.  NULL creates a plain socket bufferevent.
 * @param address the server's host name or numeric address; copied.
 * @param port the server's TCP port.
 * @return the connection, to be freed with evhttp_connection_free(); NULL
 *         when out of memory (@p bev is then not freed).
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_base_bufferevent_new(
	struct event_base *base, struct evdns_base *dnsbase, struct bufferevent* bev, const char *address, ev_uint16_t port);

/**
 * @brief Get the bufferevent that carries a connection.
 *
 * The program may read its settings or add TLS details, but must not free
 * it, replace its callbacks or read/write its buffers directly.
 *
 * @param evcon the connection.
 * @return the bufferevent, owned by the connection; NULL if @p evcon is
 *         NULL.
 */
EVENT2_EXPORT_SYMBOL
struct bufferevent* evhttp_connection_get_bufferevent(struct evhttp_connection *evcon);

/**
 * @brief Get the server an incoming connection belongs to.
 *
 * @param evcon the connection.
 * @return the server for a connection the server accepted; NULL for a
 *         client connection, or if @p evcon is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_connection_get_server(struct evhttp_connection *evcon);

/**
 * @brief Create a request object.
 *
 * For a client request, fill in its output headers and buffer and pass it
 * to evhttp_make_request().  The library frees the request after @p cb
 * returns, unless the program calls evhttp_request_own() (then it frees it
 * with evhttp_request_free()).
 *
 * @param cb called with the request and @p arg once the whole response has
 *        been read; on failure called with NULL instead of the request
 *        (after the error callback, see evhttp_request_set_error_cb()).
 *        May be NULL.
 * @param arg passed to @p cb and to the chunked, header and error
 *        callbacks.
 * @return the request; NULL when out of memory.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_request *evhttp_request_new(
	void (*cb)(struct evhttp_request *, void *), void *arg);

/**
 * @brief Receive a client response's body piece by piece.
 *
 * After each read that added body bytes, @p cb is called with the request
 * and the argument of evhttp_request_new(); the request's input buffer
 * holds the new bytes and is emptied when @p cb returns.  The completion
 * callback still runs at the end.
 *
 * @param req the client request; nothing happens if NULL.
 * @param cb the callback; NULL turns it off.
 * @note @p cb may call evhttp_request_free() on @p req: the request is
 *       then dropped (its completion callback does not run) and its
 *       connection closed.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_chunked_cb(struct evhttp_request *req,
    void (*cb)(struct evhttp_request *, void *));

/**
 * @brief Inspect a client response's headers before its body is read.
 *
 * @param req the client request; nothing happens if NULL.
 * @param cb called with the request and the argument of
 *        evhttp_request_new() once the status line and headers are in.  If
 *        it returns a negative value, or frees the request, the request
 *        fails with EVREQ_HTTP_REQUEST_CANCEL.  NULL turns it off.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_header_cb(struct evhttp_request *req,
    int (*cb)(struct evhttp_request *, void *));

/** Why a client request failed (passed to the callback of
 * evhttp_request_set_error_cb()). */
enum evhttp_request_error {
	/** A timeout expired while connecting, writing or reading. */
	EVREQ_HTTP_TIMEOUT,
	/** The connection closed (or could not be made) before the response
	 * was complete. */
	EVREQ_HTTP_EOF,
	/** The response line or headers were malformed or too large. */
	EVREQ_HTTP_INVALID_HEADER,
	/** Reading or writing the bufferevent failed. */
	EVREQ_HTTP_BUFFER_ERROR,
	/** The request was cancelled (evhttp_cancel_request() or the header
	 * callback). */
	EVREQ_HTTP_REQUEST_CANCEL,
	/** The body exceeded the connection's maximum body size. */
	EVREQ_HTTP_DATA_TOO_LONG
};

/**
 * @brief Learn why a client request failed.
 *
 * When the request fails, @p cb is called with the reason and the argument
 * of evhttp_request_new(); the request has already been freed (unless the
 * program owns it) and must not be used.  The completion callback is then
 * called with NULL, except after a cancellation.
 *
 * @param req the client request; nothing happens if NULL.
 * @param cb the callback; NULL turns it off.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_error_cb(struct evhttp_request *req,
    void (*cb)(enum evhttp_request_error, void *));

/**
 * @brief Be told when a server request is done.
 *
 * On the server side, @p cb runs after the reply has been written, just
 * before the library frees the request.  It is
 * not called for client requests nor for requests whose connection failed.
 *
 * @param req the request; nothing happens if NULL.
 * @param cb the callback, given the request and @p cb_arg; NULL turns it
 *        off.
 * @param cb_arg passed to @p cb.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_request_set_on_complete_cb(struct evhttp_request *req,
    void (*cb)(struct evhttp_request *, void *), void *cb_arg);

/**
 * @brief Free a request.
 *
 * Frees the request with its headers, buffers and strings.  Call it for a
 * request that was never passed to evhttp_make_request(), or one the
 * program owns (evhttp_request_own()) once the library is done with it.
 * Freeing a request the library still uses otherwise is an error.
 *
 * @param req the request; nothing happens if NULL.
 * @note From inside the request's chunked or header callback the free is
 *       postponed until the callback returns, and the request is dropped.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_request_free(struct evhttp_request *req);

/**
 * @brief Create a client connection to a server.
 *
 * Same as evhttp_connection_base_bufferevent_new() with a NULL bufferevent.
 *
 * @param base the event base.
 * @param dnsbase used to resolve @p address without blocking; NULL uses the
 *        blocking system resolver.
 * @param address the server's host name or numeric address; copied.
 * @param port the server's TCP port.
 * @return the connection, to be freed with evhttp_connection_free(); NULL
 *         when out of memory.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_base_new(
	struct event_base *base, struct evdns_base *dnsbase,
	const char *address, ev_uint16_t port);

/**
 * @brief Choose the address family used when resolving the server.
 *
 * Takes effect at the next connection attempt.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param family AF_INET, AF_INET6 or AF_UNSPEC (the default: whichever
 *        the resolver returns).
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_family(struct evhttp_connection *evcon,
	int family);

/* Flags for evhttp_connection_set_flags. */
/** Reconnect to the address resolved first instead of resolving again. */
#define EVHTTP_CON_REUSE_CONNECTED_ADDR	0x0008
/** After a write error, still try to read the server's response. */
#define EVHTTP_CON_READ_ON_WRITE_ERROR	0x0010
/** Like EVHTTP_SERVER_LINGERING_CLOSE, for one connection. */
#define EVHTTP_CON_LINGERING_CLOSE	0x0020
/** Flags at or above this value are internal. */
#define EVHTTP_CON_PUBLIC_FLAGS_END	0x100000

/**
 * @brief Set connection flags.
 *
 * @param evcon the connection.
 * @param flags a mask of EVHTTP_CON_* flags; it replaces the previous
 *        public flags.
 * @return 0 on success; -1 if @p evcon is NULL; 1 if @p flags contains an
 *         unknown bit (nothing is changed).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_connection_set_flags(struct evhttp_connection *evcon,
	int flags);

/**
 * @brief Take ownership of a client request.
 *
 * The library will no longer free the request after its completion
 * callback, after a failure or when its connection is freed; the program
 * frees it with evhttp_request_free() once the request is done.  This has
 * no effect on server requests, which the library always frees after the
 * reply.
 *
 * @param req the request; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_request_own(struct evhttp_request *req);

/**
 * @brief Tell whether the program owns a request.
 *
 * @param req the request.
 * @return 1 after evhttp_request_own(); 0 otherwise or if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_request_is_owned(struct evhttp_request *req);

/**
 * @brief Get the connection a request travels on.
 *
 * @param req the request.
 * @return the connection; NULL if the request has none (not yet made, done,
 *         or its connection was closed) or @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_request_get_connection(struct evhttp_request *req);

/**
 * @brief Get the event base of a connection.
 *
 * @param req the connection.
 * @return the base; NULL if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct event_base *evhttp_connection_get_base(struct evhttp_connection *req);

/**
 * @brief Limit the size of the status line and headers read on a connection.
 *
 * A larger response fails with EVREQ_HTTP_INVALID_HEADER (a larger request,
 * on a server connection, is answered with 400).
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param new_max_headers_size the limit in bytes; negative means no limit.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_max_headers_size(struct evhttp_connection *evcon,
    ev_ssize_t new_max_headers_size);

/**
 * @brief Limit the size of bodies read on a connection.
 *
 * A larger response fails with EVREQ_HTTP_DATA_TOO_LONG.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param new_max_body_size the limit in bytes; negative means no limit.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_max_body_size(struct evhttp_connection* evcon,
    ev_ssize_t new_max_body_size);

/**
 * @brief Close and free a connection.
 *
 * If the connection was connected its close callback runs first.  Pending
 * requests are freed without their callbacks being called (client requests
 * the program owns are only detached from the connection).  The bufferevent
 * is freed.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @note Called from inside one of the connection's own callbacks, the free
 *       is postponed until that callback returns.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_free(struct evhttp_connection *evcon);

/**
 * @brief Free a client connection automatically when it becomes idle.
 *
 * Once its last pending request is complete (or has failed) and no other
 * request is queued, the connection frees itself.
 *
 * @param evcon the connection; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_free_on_completion(struct evhttp_connection *evcon);

/**
 * @brief Bind outgoing connections to a local address.
 *
 * Takes effect at the next connection attempt.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param address a numeric local address, copied; NULL lets the system
 *        choose.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_local_address(struct evhttp_connection *evcon,
    const char *address);

/**
 * @brief Bind outgoing connections to a local port.
 *
 * Takes effect at the next connection attempt.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param port the local port; 0 lets the system choose.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_local_port(struct evhttp_connection *evcon,
    ev_uint16_t port);

/**
 * @brief Set the connection's timeout in seconds.
 *
 * The timeout limits connecting and each wait for the peer while reading or
 * writing.  A client request that hits it fails with EVREQ_HTTP_TIMEOUT.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param timeout_in_secs the timeout; -1 restores the default, which is
 *        50 seconds for client connections and none for connections a
 *        server accepted.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_timeout(struct evhttp_connection *evcon,
    int timeout_in_secs);

/**
 * @brief Set the connection's timeout as a timeval.
 *
 * Applies at once to a connected connection.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param tv the timeout, copied; NULL restores the default (50 seconds for
 *        client connections, none for server connections).
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_timeout_tv(struct evhttp_connection *evcon,
    const struct timeval *tv);

/**
 * @brief Set the delay before the first reconnection attempt.
 *
 * Used only when retries are enabled (evhttp_connection_set_retries()).
 * The delay doubles after each failed attempt, up to one hour.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param tv the delay, copied; NULL restores the default of 2 seconds.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_initial_retry_tv(struct evhttp_connection *evcon,
    const struct timeval *tv);

/**
 * @brief Set how often a failed connection attempt is retried.
 *
 * When connecting fails and retries remain, the pending requests wait and
 * the connection tries again after the retry delay; when none remain they
 * fail.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param retry_max the number of retries; 0 (the default) means none, -1
 *        means retry forever.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_retries(struct evhttp_connection *evcon,
    int retry_max);

/**
 * @brief Be told when a connection closes.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param cb called with the connection and @p cbarg when an established
 *        connection is freed by evhttp_connection_free() (or by its
 *        server); NULL turns it off.  The connection must not be freed from
 *        it.
 * @param cbarg passed to @p cb.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_closecb(struct evhttp_connection *evcon,
    void (*cb)(struct evhttp_connection *, void *), void *cbarg);

/**
 * @brief Get the peer's host and port.
 *
 * For a client connection, the host and port it was created with; for a
 * server connection, the client's numeric address (or socket path) and
 * port.
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param address receives the host, a string owned by the connection and
 *        valid while it lives; may be NULL.
 * @param port receives the port; may be NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_get_peer(struct evhttp_connection *evcon,
    char **address, ev_uint16_t *port);

/**
 * @brief Get the peer's socket address.
 *
 * @param evcon the connection.
 * @return the address, owned by the connection; NULL before the connection
 *         was first established or if @p evcon is NULL.
 */
EVENT2_EXPORT_SYMBOL
const struct sockaddr*
evhttp_connection_get_addr(struct evhttp_connection *evcon);

/**
 * @brief Send a client request.
 *
 * Sets the request's method and URI (HTTP/1.1 unless the program set
 * another version in the request's fields) and queues it on the
 * connection, connecting first if needed.  The request line, the output
 * headers and the output buffer are sent; a Content-Length header is added
 * when the method is POST, PUT or PATCH or the body is not empty, but no
 * Host header: add one to the output headers yourself.  With
 * "Expect: 100-continue" the body waits for the server's interim answer.
 * The response arrives through the request's callbacks.  From now on the library owns the request (see
 * evhttp_request_own()).
 *
 * @param evcon a client connection.
 * @param req a new request that has not been made before.
 * @param type the method.
 * @param uri the request target, e.g. "/index.html?x=1"; copied.
 * @return 0 when the request was queued; -1 if an argument is NULL,
 *         @p evcon is a server connection, @p req is already queued on a
 *         connection or memory ran out.  On failure the request is not
 *         queued and stays the caller's to free.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_make_request(struct evhttp_connection *evcon,
    struct evhttp_request *req,
    enum evhttp_cmd_type type, const char *uri);

/**
 * @brief Abort a pending client request.
 *
 * If the request is in progress, its connection is reset and the error
 * callback (not the completion callback) is called with
 * EVREQ_HTTP_REQUEST_CANCEL; the other queued requests are sent on a new
 * connection.  A request still waiting in the queue is just removed.  The
 * request is freed unless the program owns it.
 *
 * @param req the request; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_cancel_request(struct evhttp_request *req);

/* ---- Request accessors ---- */

struct evhttp_uri;

/**
 * @brief Get the URI of a request.
 *
 * @param req the request.
 * @return the request target as received (server) or as given to
 *         evhttp_make_request() (client), not decoded; owned by the
 *         request.  NULL if there is none (e.g. the request line was bad)
 *         or @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_request_get_uri(const struct evhttp_request *req);

/**
 * @brief Get the parsed URI of a received request.
 *
 * @param req the request.
 * @return the parsed request target of a server request (parsed leniently,
 *         with EVHTTP_URI_NONCONFORMANT), owned by the request; NULL for a
 *         client request or if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
const struct evhttp_uri *evhttp_request_get_evhttp_uri(const struct evhttp_request *req);

/**
 * @brief Get the method of a request.
 *
 * @param req the request; must not be NULL.
 * @return the method.
 */
EVENT2_EXPORT_SYMBOL
enum evhttp_cmd_type evhttp_request_get_command(const struct evhttp_request *req);

/**
 * @brief Get the response status code.
 *
 * @param req the request (client: in its completion callback).
 * @return the status code received (client) or set for the reply (server);
 *         0 if none yet or @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_request_get_response_code(const struct evhttp_request *req);

/**
 * @brief Get the response reason phrase.
 *
 * @param req the request.
 * @return the reason phrase (e.g. "Not Found"), owned by the request; NULL
 *         if none yet or @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char * evhttp_request_get_response_code_line(const struct evhttp_request *req);

/**
 * @brief Get the headers received.
 *
 * @param req the request.
 * @return the request's headers (server) or the response's headers
 *         (client), owned by the request; NULL if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evkeyvalq *evhttp_request_get_input_headers(struct evhttp_request *req);

/**
 * @brief Get the headers to send.
 *
 * Add headers with evhttp_add_header() before sending the request or the
 * reply.
 *
 * @param req the request.
 * @return the list, owned by the request; NULL if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evkeyvalq *evhttp_request_get_output_headers(struct evhttp_request *req);

/**
 * @brief Get the body received.
 *
 * @param req the request.
 * @return the buffer holding the request body (server) or the response
 *         body (client), owned by the request; the program may drain it.
 *         NULL if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evhttp_request_get_input_buffer(struct evhttp_request *req);

/**
 * @brief Get the body to send.
 *
 * @param req the request.
 * @return the buffer whose contents are sent as the request body (client)
 *         or as the reply body when evhttp_send_reply() is given no buffer
 *         (server); owned by the request.  NULL if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evhttp_request_get_output_buffer(struct evhttp_request *req);

/**
 * @brief Get the host a request was addressed to.
 *
 * Taken from the request URI when it is absolute, else from the Host
 * header without its ":port" suffix.
 *
 * @param req the request.
 * @return the host name, owned by the request; NULL if there is none, if
 *         @p req is NULL or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_request_get_host(struct evhttp_request *req);

/* ---- Header lists ---- */

/**
 * @brief Find a header's value.
 *
 * @param headers the list.
 * @param key the header name, compared without regard to ASCII case.
 * @return the value of the first entry named @p key, owned by the list;
 *         NULL if there is none or an argument is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_find_header(const struct evkeyvalq *headers,
    const char *key);

/**
 * @brief Remove a header.
 *
 * @param headers the list.
 * @param key the header name, compared without regard to ASCII case.
 * @return 0 if the first entry named @p key was removed and freed; -1 if
 *         there is none or an argument is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_remove_header(struct evkeyvalq *headers, const char *key);

/**
 * @brief Append a header.
 *
 * Existing entries with the same name are kept (use evhttp_remove_header()
 * first to replace one).
 *
 * @param headers the list.
 * @param key the header name; copied.
 * @param value the value; copied.
 * @return 0 on success; -1 if an argument is NULL, if @p key or @p value
 *         contains CR or LF (which would let it forge other headers), or
 *         memory ran out.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_add_header(struct evkeyvalq *headers, const char *key, const char *value);

/**
 * @brief Remove and free every entry of a list.
 *
 * The list head itself is not freed and may be reused.
 *
 * @param headers the list; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_clear_headers(struct evkeyvalq *headers);

/* ---- Encoding helpers (results are allocated; the caller frees them) ---- */

/**
 * @brief Percent-encode a string.
 *
 * Same as evhttp_uriencode(str, -1, 0): every byte except letters, digits
 * and "-._~" becomes %XX.
 *
 * @param str the NUL-terminated string.
 * @return a new string to be freed with free(); NULL if @p str is NULL or
 *         memory ran out.
 */
EVENT2_EXPORT_SYMBOL
char *evhttp_encode_uri(const char *str);

/**
 * @brief Percent-encode bytes.
 *
 * Every byte except letters, digits and "-._~" becomes %XX (upper-case
 * hex); with @p space_to_plus a space becomes '+' instead.
 *
 * @param str the bytes; may contain NULs when @p size is given.
 * @param size the number of bytes; negative means up to the first NUL.
 * @param space_to_plus nonzero to write spaces as '+'.
 * @return a new NUL-terminated string to be freed with free(); NULL if
 *         @p str is NULL or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
char *evhttp_uriencode(const char *str, ev_ssize_t size, int space_to_plus);

/**
 * @brief Percent-decode a URI.
 *
 * %XX sequences become bytes (a '%' not followed by two hex digits is
 * kept); '+' becomes a space only after the first '?'.
 *
 * @param uri the NUL-terminated text.
 * @return a new string to be freed with free(); NULL if @p uri is NULL or
 *         memory ran out.
 */
EVENT2_EXPORT_SYMBOL
char *evhttp_decode_uri(const char *uri);

/**
 * @brief Percent-decode a string, optionally turning '+' into space.
 *
 * @param uri the NUL-terminated text.
 * @param decode_plus nonzero to turn every '+' into a space; zero keeps
 *        '+'.
 * @param size_out when not NULL, receives the decoded length (the result
 *        may contain NUL bytes from %00).
 * @return a new NUL-terminated string to be freed with free(); NULL if
 *         @p uri is NULL or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
char *evhttp_uridecode(const char *uri, int decode_plus,
    size_t *size_out);

/**
 * @brief Parse the query part of a URI into key/value pairs.
 *
 * Parses @p uri as a URI, takes its query ("a=1&b=x+y") and appends one
 * entry per parameter, with the value percent-decoded and '+' turned into
 * space (keys are not decoded).
 *
 * @param uri a URI, e.g. "/search?q=a+b&n=2".
 * @param headers an uninitialised or empty list: it is initialised first
 *        (existing entries would be leaked).  Free the entries with
 *        evhttp_clear_headers().
 * @return 0 on success (also when there is no query); -1 if an argument is
 *         NULL, the URI does not parse, a parameter has no '=' or an empty
 *         key, or memory ran out.  On failure the list is left empty.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_parse_query(const char *uri, struct evkeyvalq *headers);

/**
 * @brief Parse a bare query string into key/value pairs.
 *
 * As evhttp_parse_query(), for the query alone ("a=1&b=2", no '?').
 *
 * @param uri the query string.
 * @param headers an uninitialised or empty list, initialised first.
 * @return 0 on success; -1 on the errors listed for evhttp_parse_query()
 *         (the list is then left empty).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_parse_query_str(const char *uri, struct evkeyvalq *headers);

/**
 * @brief Escape text for inclusion in HTML.
 *
 * Replaces <, >, &, " and ' by &lt;, &gt;, &amp;, &quot; and &#039;.
 *
 * @param html the NUL-terminated text.
 * @return a new string to be freed with free(); NULL if @p html is NULL
 *         or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
char *evhttp_htmlescape(const char *html);

/* ---- Parsed URIs ---- */

/**
 * @brief Create an empty URI object.
 *
 * Fill it with the evhttp_uri_set_* functions and format it with
 * evhttp_uri_join().
 *
 * @return the object, with no components and port -1, to be freed with
 *         evhttp_uri_free(); NULL when out of memory.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_new(void);

/**
 * @brief Set the flags that affect later setters.
 *
 * @param uri the URI; nothing happens if NULL.
 * @param flags a mask of EVHTTP_URI_* flags (EVHTTP_URI_NONCONFORMANT makes
 *        evhttp_uri_set_path(), _query() and _fragment() accept any
 *        characters).
 */
EVENT2_EXPORT_SYMBOL
void evhttp_uri_set_flags(struct evhttp_uri *uri, unsigned flags);

/**
 * @brief Get the scheme of a URI.
 *
 * The scheme, e.g. "http".
 *
 * @param uri the URI.
 * @return the component as stored (not percent-decoded), owned by the URI and
 *         valid until it is changed or the URI freed; NULL when absent or
 *         if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_scheme(const struct evhttp_uri *uri);

/**
 * @brief Get the userinfo of a URI.
 *
 * The userinfo (the part before '@' in the authority).
 *
 * @param uri the URI.
 * @return the component as stored (not percent-decoded), owned by the URI and
 *         valid until it is changed or the URI freed; NULL when absent or
 *         if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_userinfo(const struct evhttp_uri *uri);

/**
 * @brief Get the host of a URI.
 *
 * The host; an IPv6 literal keeps its brackets.
 *
 * @param uri the URI.
 * @return the component as stored (not percent-decoded), owned by the URI and
 *         valid until it is changed or the URI freed; NULL when absent or
 *         if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_host(const struct evhttp_uri *uri);

/**
 * @brief Get the port of a URI.
 *
 * @param uri the URI.
 * @return the port; -1 when absent or if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_get_port(const struct evhttp_uri *uri);

/**
 * @brief Get the path of a URI.
 *
 * The path; a parsed URI always has one, possibly "".
 *
 * @param uri the URI.
 * @return the component as stored (not percent-decoded), owned by the URI and
 *         valid until it is changed or the URI freed; NULL when absent or
 *         if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_path(const struct evhttp_uri *uri);

/**
 * @brief Get the query of a URI.
 *
 * The query, without the '?'.
 *
 * @param uri the URI.
 * @return the component as stored (not percent-decoded), owned by the URI and
 *         valid until it is changed or the URI freed; NULL when absent or
 *         if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_query(const struct evhttp_uri *uri);

/**
 * @brief Get the fragment of a URI.
 *
 * The fragment, without the '#'.
 *
 * @param uri the URI.
 * @return the component as stored (not percent-decoded), owned by the URI and
 *         valid until it is changed or the URI freed; NULL when absent or
 *         if @p uri is NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evhttp_uri_get_fragment(const struct evhttp_uri *uri);

/**
 * @brief Set or remove the scheme of a URI.
 *
 * The value is checked against the URI grammar for this component
 * and stored as a copy, as given (not encoded).
 *
 * @param uri the URI.
 * @param scheme a letter followed by letters, digits, '+', '-' or '.'; NULL removes
 *        it.
 * @return 0 on success; -1 if
 *         @p uri is NULL, the value is not well-formed, or memory ran
 *         out (the old value then stays).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_scheme(struct evhttp_uri *uri, const char *scheme);

/**
 * @brief Set or remove the userinfo of a URI.
 *
 * The value is checked against the URI grammar for this component
 * and stored as a copy, as given (not encoded).
 *
 * @param uri the URI.
 * @param userinfo unreserved, sub-delimiter, ':' and %XX characters; NULL removes it.
 * @return 0 on success; -1 if
 *         @p uri is NULL, the value is not well-formed, or memory ran
 *         out (the old value then stays).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_userinfo(struct evhttp_uri *uri, const char *userinfo);

/**
 * @brief Set or remove the host of a URI.
 *
 * The value is checked against the URI grammar for this component
 * and stored as a copy, as given (not encoded).
 *
 * @param uri the URI.
 * @param host a registered name or IPv4 address, or an IP literal in brackets;
 *        NULL removes it.
 * @return 0 on success; -1 if
 *         @p uri is NULL, the value is not well-formed, or memory ran
 *         out (the old value then stays).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_host(struct evhttp_uri *uri, const char *host);

/**
 * @brief Set or remove the port of a URI.
 *
 * Any value from -1 up is accepted.
 *
 * @param uri the URI.
 * @param port the port; -1 removes it.
 * @return 0 on success; -1 if
 *         @p uri is NULL or @p port is below -1.
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_port(struct evhttp_uri *uri, int port);

/**
 * @brief Set or remove the path of a URI.
 *
 * The value is checked against the URI grammar for this component (the check is skipped with
 * EVHTTP_URI_NONCONFORMANT set by evhttp_uri_set_flags())
 * and stored as a copy, as given (not encoded).
 *
 * @param uri the URI.
 * @param path the path, without query or fragment; NULL removes it.
 * @return 0 on success; -1 if
 *         @p uri is NULL, the value is not well-formed, or memory ran
 *         out (the old value then stays).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_path(struct evhttp_uri *uri, const char *path);

/**
 * @brief Set or remove the query of a URI.
 *
 * The value is checked against the URI grammar for this component (the check is skipped with
 * EVHTTP_URI_NONCONFORMANT set by evhttp_uri_set_flags())
 * and stored as a copy, as given (not encoded).
 *
 * @param uri the URI.
 * @param query the query, without the '?'; NULL removes it.
 * @return 0 on success; -1 if
 *         @p uri is NULL, the value is not well-formed, or memory ran
 *         out (the old value then stays).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_query(struct evhttp_uri *uri, const char *query);

/**
 * @brief Set or remove the fragment of a URI.
 *
 * The value is checked against the URI grammar for this component (the check is skipped with
 * EVHTTP_URI_NONCONFORMANT set by evhttp_uri_set_flags())
 * and stored as a copy, as given (not encoded).
 *
 * @param uri the URI.
 * @param fragment the fragment, without the '#'; NULL removes it.
 * @return 0 on success; -1 if
 *         @p uri is NULL, the value is not well-formed, or memory ran
 *         out (the old value then stays).
 */
EVENT2_EXPORT_SYMBOL
int evhttp_uri_set_fragment(struct evhttp_uri *uri, const char *fragment);

/**
 * @brief Parse a URI.
 *
 * Accepts absolute URIs ("http://user@host:8080/p?q#f") and relative
 * references ("/p?q", "p").  Components are stored as written, not
 * decoded.
 *
 * @param source_uri the NUL-terminated text.
 * @param flags a mask of EVHTTP_URI_* flags, also stored in the result.
 * @return a new URI object to be freed with evhttp_uri_free(); NULL if
 *         @p source_uri is NULL or malformed, or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_parse_with_flags(const char *source_uri,
    unsigned flags);

/** Parse flag: accept any characters in the path, query and fragment
 * (as found in real-world requests) instead of rejecting those the URI
 * grammar forbids. */
#define EVHTTP_URI_NONCONFORMANT 0x01

/**
 * @brief Parse a URI strictly.
 *
 * Same as evhttp_uri_parse_with_flags(source_uri, 0).
 *
 * @param source_uri the NUL-terminated text.
 * @return a new URI object to be freed with evhttp_uri_free(); NULL if
 *         @p source_uri is NULL or malformed, or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_uri *evhttp_uri_parse(const char *source_uri);

/**
 * @brief Free a URI object and its components.
 *
 * @param uri the URI; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_uri_free(struct evhttp_uri *uri);

/**
 * @brief Format a URI as text.
 *
 * Writes scheme ":", "//" userinfo "@" host ":" port, path, "?" query and
 * "#" fragment, each part only when present.
 *
 * @param uri the URI.
 * @param buf where the text is written, NUL-terminated.
 * @param limit the size of @p buf in bytes, including the NUL.
 * @return @p buf on success; NULL if an argument is NULL or 0, the text
 *         (with its NUL) does not fit, or the URI has a host and a path
 *         that does not start with '/'.
 */
EVENT2_EXPORT_SYMBOL
char *evhttp_uri_join(struct evhttp_uri *uri, char *buf, size_t limit);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_H_INCLUDED_ */
