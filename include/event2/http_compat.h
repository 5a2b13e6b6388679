/** @file
 * Deprecated evhttp interfaces from libevent 1.4.
 *
 * They use the global "current" event base.  New code should use
 * evhttp_new/evhttp_bind_socket and evhttp_connection_base_new from
 * <event2/http.h>, which this header expects to be included first. */
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

/** Create a server on the global base bound to address:port.  NULL on
 * failure. */
EVENT2_EXPORT_SYMBOL
struct evhttp *evhttp_start(const char *address, ev_uint16_t port);

/** Create a client connection on the global base (no DNS base). */
EVENT2_EXPORT_SYMBOL
struct evhttp_connection *evhttp_connection_new(
	const char *address, ev_uint16_t port);

/** Move a connection to another event base. */
EVENT2_EXPORT_SYMBOL
void evhttp_connection_set_base(struct evhttp_connection *evcon,
    struct event_base *base);

/** Old name of evhttp_request_get_uri. */
#define evhttp_request_uri evhttp_request_get_uri

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_COMPAT_H_INCLUDED_ */
