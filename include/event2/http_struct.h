/** @file
 * The layout of struct evhttp_request.
 *
 * Old programs read these fields directly; the layout is part of the ABI
 * and frozen.  New code should use the evhttp_request_get_* accessors of
 * <event2/http.h>, which this header expects to be included first (it needs
 * the evhttp enums).
 *
 * <b>Thread safety.</b>  The fields follow the rules of the request they
 * belong to (see <event2/http.h>): read or change them only from the
 * thread that runs the request's base.
 *
 * <b>Callbacks.</b>  The fields are normally read inside the request's
 * callbacks.  Writing them (other than major and minor before
 * evhttp_make_request()) bypasses the library's bookkeeping and is not
 * supported. */
#ifndef EVENT2_HTTP_STRUCT_H_INCLUDED_
#define EVENT2_HTTP_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>

/** One HTTP request together with its response. */
struct evhttp_request {
#if defined(TAILQ_ENTRY)
	/** Links in the connection's queue of requests. */
	TAILQ_ENTRY(evhttp_request) next;
#else
	/** Links in the connection's queue of requests. */
	struct {
		struct evhttp_request *tqe_next; /**< following request */
		struct evhttp_request **tqe_prev; /**< link that points at this one */
	} next;
#endif

	/** The connection the request travels on; NULL when it has none. */
	struct evhttp_connection *evcon;
	/** A mask of the EVHTTP_REQ_* / EVHTTP_* bits below. */
	int flags;
/** Set on requests received by a server. */
#define EVHTTP_REQ_OWN_CONNECTION	0x0001
/** A server request with an absolute URI naming a host that the server
 * does not serve (a proxy request). */
#define EVHTTP_PROXY_REQUEST		0x0002
/** The program took ownership with evhttp_request_own(). */
#define EVHTTP_USER_OWNED		0x0004
/** A callback of the request is running: evhttp_request_free() only
 * marks the request. */
#define EVHTTP_REQ_DEFER_FREE		0x0008
/** evhttp_request_free() was called during such a callback. */
#define EVHTTP_REQ_NEEDS_FREE		0x0010

	/** Headers received (a request's or a response's). */
	struct evkeyvalq *input_headers;
	/** Headers to send. */
	struct evkeyvalq *output_headers;

	/** Server side: the client's numeric address as text. */
	char *remote_host;
	/** Server side: the client's port. */
	ev_uint16_t remote_port;

	/** Cached result of evhttp_request_get_host() when it had to strip
	 * a port; owned by the request. */
	char *host_cache;

	/** Whether this is a request or a response. */
	enum evhttp_request_kind kind;
	/** The method (EVHTTP_REQ_GET, ...). */
	enum evhttp_cmd_type type;

	/** Bytes of the head (request/status line and headers) read. */
	size_t headers_size;
	/** Bytes of body read so far. */
	size_t body_size;

	/** The URI as text (see evhttp_request_get_uri()). */
	char *uri;
	/** The URI parsed (server side; see evhttp_request_get_evhttp_uri()). */
	struct evhttp_uri *uri_elems;

	/** HTTP major version (1 for HTTP/1.x). */
	char major;
	/** HTTP minor version (0 or 1). */
	char minor;

	/** Response status code. */
	int response_code;
	/** Response reason phrase. */
	char *response_code_line;

	/** Received body. */
	struct evbuffer *input_buffer;
	/** Body bytes still expected (-1 while unknown). */
	ev_int64_t ntoread;
	/** chunked: the body uses chunked transfer encoding; userdone: the
	 * user finished a streamed reply. */
	unsigned chunked:1,
	    userdone:1; /**< The user finished a streamed reply. */

	/** Body to send. */
	struct evbuffer *output_buffer;

	/** Completion callback (see evhttp_request_new()). */
	void (*cb)(struct evhttp_request *, void *);
	/** Argument of cb, chunk_cb, header_cb and error_cb. */
	void *cb_arg;

	/** Called for each piece of a streamed response body. */
	void (*chunk_cb)(struct evhttp_request *, void *);

	/** Called when the response headers are in; -1 aborts. */
	int (*header_cb)(struct evhttp_request *, void *);

	/** Called with the reason when the request fails. */
	void (*error_cb)(enum evhttp_request_error, void *);

	/** Called when the request is done, before it is freed. */
	void (*on_complete_cb)(struct evhttp_request *, void *);
	/** Argument of on_complete_cb. */
	void *on_complete_cb_arg;
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_STRUCT_H_INCLUDED_ */
