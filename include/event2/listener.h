/** @file
 * Connection listeners.
 *
 * An evconnlistener waits on a listening socket and hands every accepted
 * connection to a user callback.
 *
 * The accept callback runs from the event loop with the new socket, which
 * it owns from then on; it may call evconnlistener_disable() or
 * evconnlistener_free() on its listener.  With LEV_OPT_THREADSAFE (and
 * threads enabled) the functions may be called from any thread.
 * evconnlistener_free() closes the listening socket when the listener was
 * created with LEV_OPT_CLOSE_ON_FREE. */
#ifndef EVENT2_LISTENER_H_INCLUDED_
#define EVENT2_LISTENER_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event.h>

struct sockaddr;
struct evconnlistener;

/** Called from the event loop with each accepted connection.
 *
 * Arguments, in order (unnamed in the declaration):
 * - listener: the listener
 * - fd: the new socket, non-blocking unless LEV_OPT_LEAVE_SOCKETS_BLOCKING;
 *   the callback owns it (close it, or hand it to bufferevent_socket_new()
 *   with BEV_OPT_CLOSE_ON_FREE)
 * - addr: the peer's address, valid during the call only
 * - socklen: the size of *addr
 * - ptr: the argument given when the listener was created */
typedef void (*evconnlistener_cb)(struct evconnlistener *, evutil_socket_t, struct sockaddr *, int socklen, void *);

/** Called when accept() fails; EVUTIL_SOCKET_ERROR() tells why. */
typedef void (*evconnlistener_errorcb)(struct evconnlistener *, void *);

/* Flags for evconnlistener_new and evconnlistener_new_bind. */
/** Leave accepted sockets blocking instead of making them non-blocking. */
#define LEV_OPT_LEAVE_SOCKETS_BLOCKING	(1u<<0)
/** Close the listening socket when the listener is freed. */
#define LEV_OPT_CLOSE_ON_FREE		(1u<<1)
/** Set close-on-exec on the listening socket. */
#define LEV_OPT_CLOSE_ON_EXEC		(1u<<2)
/** Allow rebinding the address right after the listener closes. */
#define LEV_OPT_REUSEABLE		(1u<<3)
/** Protect the listener with a lock for multi-threaded use. */
#define LEV_OPT_THREADSAFE		(1u<<4)
/** Create the listener disabled; call evconnlistener_enable later. */
#define LEV_OPT_DISABLED		(1u<<5)
/** Delay accepting until the client has sent data, where supported. */
#define LEV_OPT_DEFERRED_ACCEPT		(1u<<6)
/** Let several sockets bind the same port (SO_REUSEPORT). */
#define LEV_OPT_REUSEABLE_PORT		(1u<<7)
/** Make an IPv6 listener accept IPv6 only (IPV6_V6ONLY). */
#define LEV_OPT_BIND_IPV6ONLY		(1u<<8)

/** Listen on an already bound socket 'fd'.  A positive backlog makes the
 * listener call listen() with it, a negative one with a default; 0 means fd
 * is already listening.  Returns NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evconnlistener_new(struct event_base *base,
    evconnlistener_cb cb, void *ptr, unsigned flags, int backlog,
    evutil_socket_t fd);

/** Create a listening socket bound to an address, and a listener on it.
 *
 * @param base the base the listener runs on
 * @param cb called with each accepted connection (see evconnlistener_cb);
 *   with NULL nothing is accepted until evconnlistener_set_cb() sets one
 * @param ptr passed to cb
 * @param flags LEV_OPT_* flags, e.g. LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE
 * @param backlog listen() backlog; negative for a reasonable default
 * @param sa the address to bind to
 * @param socklen the size of *sa
 * @return the listener, owned by the caller (release it with
 *   evconnlistener_free()), or NULL when the socket could not be created,
 *   bound or put in listening state (errno tells why). */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evconnlistener_new_bind(struct event_base *base,
    evconnlistener_cb cb, void *ptr, unsigned flags, int backlog,
    const struct sockaddr *sa, int socklen);

/** Stop listening and release the listener. */
EVENT2_EXPORT_SYMBOL
void evconnlistener_free(struct evconnlistener *lev);

/** Resume accepting connections.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evconnlistener_enable(struct evconnlistener *lev);

/** Stop accepting connections for now.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evconnlistener_disable(struct evconnlistener *lev);

/** The event base the listener runs on. */
EVENT2_EXPORT_SYMBOL
struct event_base *evconnlistener_get_base(struct evconnlistener *lev);

/** The listening socket. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t evconnlistener_get_fd(struct evconnlistener *lev);

/** Replace the accept callback and its argument; a NULL callback makes the
 * listener stop accepting until one is set. */
EVENT2_EXPORT_SYMBOL
void evconnlistener_set_cb(struct evconnlistener *lev,
    evconnlistener_cb cb, void *arg);

/** Set the callback for accept errors. */
EVENT2_EXPORT_SYMBOL
void evconnlistener_set_error_cb(struct evconnlistener *lev,
    evconnlistener_errorcb errorcb);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_LISTENER_H_INCLUDED_ */
