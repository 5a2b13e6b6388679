/** @file
 * Deprecated evhttp interfaces from libevent 1.4.
 *
 * They use the global "current" event base, the one made by the last call
 * of event_init(); call event_init() before them.  New code should use evhttp_new(),
 * evhttp_bind_socket() and evhttp_connection_base_new() from
 * <event2/http.h>, which this header expects to be included first.
 *
 * <b>Thread safety.</b>  As for <event2/http.h>: no locking; use the
 * objects from the thread that runs their base.  Relying on the global
 * current base is itself unsafe with several threads.
 *
 * <b>Callbacks.</b>  These functions may be called wherever the
 * corresponding <event2/http.h> functions may. */
#ifndef EVENT2_HTTP_COMPAT_H_INCLUDED_
#define EVENT2_HTTP_COMPAT_H_INCLUDED_

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

/** Declared here too so that this header compiles on its own. */
struct event_base;

/**
 * @brief Create a server on the current base and bind it.
 *
 * Same as evhttp_new() on the current base followed by
 * evhttp_bind_socket().
 *
 * @param address the address to bind to, as for evhttp_bind_socket().
 * @param port the TCP port.
 * @return the server, to be freed with evhttp_free(); NULL if memory ran
 *         out or binding failed.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_start(const char *address, ev_uint16_t port);

/**
 * @brief Create a client connection on the current base.
 *
 * Same as evhttp_connection_base_new() on the current base with no DNS
 * base, so host names are resolved with the blocking system resolver.
 *
 * @param address the server's host name or numeric address; copied.
 * @param port the server's TCP port.
 * @return the connection, to be freed with evhttp_connection_free(); NULL
 *         when out of memory.
 */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_new(
	const char *address, ev_uint16_t port);

/**
 * @brief Move a connection to another event base.
 *
 * Changes the base the connection and its bufferevent use.  Do it only
 * while the connection is idle (no request pending).
 *
 * @param evcon the connection; nothing happens if NULL.
 * @param base the new base; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_base(struct evhttp_connection *evcon,
    struct event_base *base);

/** Old name of evhttp_request_get_uri. */
#define evhttp_request_uri evhttp_request_get_uri

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_COMPAT_H_INCLUDED_ */
