/** @file
 * Connection listeners.
 *
 * An evconnlistener waits on a listening socket and hands every accepted
 * connection to a user callback.  Each time the socket is readable it
 * accepts up to 32 connections.  When accept() fails for a reason that
 * retrying at once cannot fix (e.g. EMFILE, out of descriptors), the error
 * callback is called once and the listener pauses, retrying after 50 ms,
 * doubling up to 1 s, instead of spinning; an accept() that succeeds ends
 * the back-off.
 *
 * <b>Thread safety.</b>  A listener created with LEV_OPT_THREADSAFE (after
 * evthread_use_pthreads()) has its own lock: its functions may then be
 * called from any thread, also while its callback runs in another.
 * Without that flag use the listener only from the thread running its
 * event base.
 *
 * <b>Callbacks.</b>  The accept and error callbacks run from the event
 * loop without the listener's lock held.  They may call any function of
 * this header on their own listener, including evconnlistener_disable(),
 * evconnlistener_set_cb() and evconnlistener_free() (the listener then
 * stops accepting at once; its memory is released after the callback
 * returns). */
#ifndef EVENT2_LISTENER_H_INCLUDED_
#define EVENT2_LISTENER_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event.h>

struct sockaddr;
struct evconnlistener;

/**
 * @brief The accept callback of a listener.
 *
 * Called from the event loop with each accepted connection.
 * Arguments, in order (unnamed in the declaration):
 * - listener: the listener
 * - fd: the new socket, non-blocking unless LEV_OPT_LEAVE_SOCKETS_BLOCKING;
 *   the callback owns it (close it, or hand it to bufferevent_socket_new()
 *   with BEV_OPT_CLOSE_ON_FREE)
 * - addr: the peer's address, valid during the call only
 * - socklen: the size of *addr
 * - ptr: the argument given when the listener was created */
typedef void (*evconnlistener_cb)(struct evconnlistener *, evutil_socket_t, struct sockaddr *, int socklen, void *);

/**
 * @brief The error callback of a listener.
 *
 * Called from the event loop, with the listener and the argument of its
 * accept callback, when accept() fails for a reason other than a
 * transient one; EVUTIL_SOCKET_ERROR() (errno) tells why.  The listener
 * then pauses for a while (see the file description).  Without an error
 * callback a warning is logged instead.
 */
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
/** Give the listener a lock so that it may be used from several threads
 * (needs evthread_use_pthreads() first). */
#define LEV_OPT_THREADSAFE		(1u<<4)
/** Create the listener disabled; call evconnlistener_enable later. */
#define LEV_OPT_DISABLED		(1u<<5)
/** Delay accepting until the client has sent data, where supported. */
#define LEV_OPT_DEFERRED_ACCEPT		(1u<<6)
/** Let several sockets bind the same port (SO_REUSEPORT). */
#define LEV_OPT_REUSEABLE_PORT		(1u<<7)
/** Make an IPv6 listener accept IPv6 only (IPV6_V6ONLY). */
#define LEV_OPT_BIND_IPV6ONLY		(1u<<8)

/**
 * @brief Create a listener on an existing socket.
 *
 * The socket is made non-blocking (and close-on-exec with
 * LEV_OPT_CLOSE_ON_EXEC).  Unless LEV_OPT_DISABLED is given the listener
 * starts accepting at once.
 *
 * @param base the event base; NULL means the current base of
 *        event_init().
 * @param cb called with each accepted connection; with NULL, connections
 *        wait in the backlog until evconnlistener_set_cb() sets one.
 * @param ptr passed to @p cb and to the error callback.
 * @param flags a mask of LEV_OPT_* flags (those that act at bind time,
 *        such as LEV_OPT_REUSEABLE, only matter for
 *        evconnlistener_new_bind()).
 * @param backlog a positive value makes the listener call listen() with
 *        it; a negative one calls listen() with a default (128); 0 means
 *        @p fd is already listening.
 * @param fd a bound stream socket.  On success the listener owns it in the
 *        sense of LEV_OPT_CLOSE_ON_FREE: it is closed by
 *        evconnlistener_free() only with that flag.  On failure it is not
 *        closed.
 * @return the listener, to be freed with evconnlistener_free(); NULL (with
 *         errno set where a system call failed) if there is no base, @p fd
 *         is negative, listen() or making the socket non-blocking failed,
 *         a lock could not be made for LEV_OPT_THREADSAFE, or memory ran
 *         out.
 */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evconnlistener_new(struct event_base *base,
    evconnlistener_cb cb, void *ptr, unsigned flags, int backlog,
    evutil_socket_t fd);

/**
 * @brief Create a socket bound to an address, and a listener on it.
 *
 * Creates a non-blocking stream socket with SO_KEEPALIVE (inherited by
 * accepted connections), applies the bind-time flags
 * (LEV_OPT_REUSEABLE, LEV_OPT_REUSEABLE_PORT, LEV_OPT_DEFERRED_ACCEPT,
 * LEV_OPT_BIND_IPV6ONLY, LEV_OPT_CLOSE_ON_EXEC), binds it, listens and
 * creates the listener as evconnlistener_new() does.
 *
 * @param base the event base; NULL means the current base of
 *        event_init().
 * @param cb called with each accepted connection (see evconnlistener_cb);
 *        with NULL nothing is accepted until evconnlistener_set_cb() sets
 *        one.
 * @param ptr passed to @p cb and to the error callback.
 * @param flags a mask of LEV_OPT_* flags; pass LEV_OPT_CLOSE_ON_FREE so
 *        that evconnlistener_free() closes the socket made here.
 * @param backlog the listen() backlog; negative for a default (128).  0 is
 *        refused.
 * @param sa the address to bind to.
 * @param socklen the size of @p sa.
 * @return the listener, to be freed with evconnlistener_free(); NULL if
 *         there is no base, @p sa is NULL, @p socklen is not positive,
 *         @p backlog is 0, or creating, configuring, binding or listening
 *         on the socket failed (errno tells why; nothing is logged, the
 *         socket is closed).
 */
EVENT2_EXPORT_SYMBOL
struct evconnlistener *evconnlistener_new_bind(struct event_base *base,
    evconnlistener_cb cb, void *ptr, unsigned flags, int backlog,
    const struct sockaddr *sa, int socklen);

/**
 * @brief Stop accepting and free a listener.
 *
 * With LEV_OPT_CLOSE_ON_FREE the listening socket is closed.  No new
 * callback of the listener starts after this returns.  Called from inside
 * the listener's own callback, the memory is released when that callback
 * returns.
 *
 * @param lev the listener; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evconnlistener_free(struct evconnlistener *lev);

/**
 * @brief Start or resume accepting connections.
 *
 * @param lev the listener.
 * @return 0 on success; -1 if @p lev is NULL (a warning is logged) or the
 *         socket could not be watched.
 */
EVENT2_EXPORT_SYMBOL
int evconnlistener_enable(struct evconnlistener *lev);

/**
 * @brief Stop accepting connections for now.
 *
 * New connections wait in the socket's backlog until
 * evconnlistener_enable().
 *
 * @param lev the listener.
 * @return 0 on success; -1 if @p lev is NULL (a warning is logged) or the
 *         socket could not be unwatched.
 */
EVENT2_EXPORT_SYMBOL
int evconnlistener_disable(struct evconnlistener *lev);

/**
 * @brief Get the event base of a listener.
 *
 * @param lev the listener.
 * @return the base; NULL (with a warning) if @p lev is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct event_base *evconnlistener_get_base(struct evconnlistener *lev);

/**
 * @brief Get the listening socket of a listener.
 *
 * @param lev the listener.
 * @return the socket, still owned by the listener; -1 (with a warning) if
 *         @p lev is NULL.
 */
EVENT2_EXPORT_SYMBOL
evutil_socket_t evconnlistener_get_fd(struct evconnlistener *lev);

/**
 * @brief Replace the accept callback and its argument.
 *
 * Setting a callback on an enabled listener that had none starts
 * accepting.  Setting NULL on a listener that is accepting does not stop
 * it: connections accepted meanwhile are closed at once (use
 * evconnlistener_disable() to leave them waiting).
 *
 * @param lev the listener; a warning is logged if it is NULL.
 * @param cb the new callback, or NULL.
 * @param arg passed to @p cb and to the error callback.
 */
EVENT2_EXPORT_SYMBOL
void evconnlistener_set_cb(struct evconnlistener *lev,
    evconnlistener_cb cb, void *arg);

/**
 * @brief Set the callback for accept errors.
 *
 * @param lev the listener; a warning is logged if it is NULL.
 * @param errorcb the callback; NULL logs a warning on errors instead.
 */
EVENT2_EXPORT_SYMBOL
void evconnlistener_set_error_cb(struct evconnlistener *lev,
    evconnlistener_errorcb errorcb);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_LISTENER_H_INCLUDED_ */
