/** @file
 * event2/event_compat.h: the libevent 1.x event API.
 *
 * These calls act on a hidden "current" base (the one the last
 * event_init() created), which makes them unsafe with several bases or
 * threads.  They remain for old programs; new code uses event.h. */
#ifndef EVENT2_EVENT_COMPAT_H_INCLUDED_
#define EVENT2_EVENT_COMPAT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
/* evutil_socket_t. */
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;
struct event;

/** Create a base and make it the current one; use event_base_new(). */
EVENT2_EXPORT_SYMBOL
struct event_base *event_init(void);

/** event_base_dispatch() on the current base. */
EVENT2_EXPORT_SYMBOL
int event_dispatch(void);

/** event_base_loop() on the current base. */
EVENT2_EXPORT_SYMBOL
int event_loop(int);

/** event_base_loopexit() on the current base. */
EVENT2_EXPORT_SYMBOL
int event_loopexit(const struct timeval *);

/** event_base_loopbreak() on the current base. */
EVENT2_EXPORT_SYMBOL
int event_loopbreak(void);

/** event_base_once() on the current base. */
EVENT2_EXPORT_SYMBOL
int event_once(evutil_socket_t , short,
    void (*)(evutil_socket_t, short, void *), void *, const struct timeval *);

/** event_base_get_method() of the current base. */
EVENT2_EXPORT_SYMBOL
const char *event_get_method(void);

/** event_base_priority_init() on the current base. */
EVENT2_EXPORT_SYMBOL
int	event_priority_init(int);

/** Set up an event on the current base (fd, EV_* flags, callback,
 * argument); prefer event_assign() or event_new(). */
EVENT2_EXPORT_SYMBOL
void event_set(struct event *, evutil_socket_t, short, void (*)(evutil_socket_t, short, void *), void *);

/** @{ */
/** event_set() shorthands for timers and persistent signal events. */
#define evtimer_set(ev, cb, arg)	event_set((ev), -1, 0, (cb), (arg))
#define evsignal_set(ev, x, cb, arg)	\
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
/** @} */

/** @{ */
/** Old timer names; use the evtimer_* macros. */
#define timeout_add(ev, tv)		event_add((ev), (tv))
#define timeout_set(ev, cb, arg)	event_set((ev), -1, 0, (cb), (arg))
#define timeout_del(ev)			event_del(ev)
#define timeout_pending(ev, tv)		event_pending((ev), EV_TIMEOUT, (tv))
#define timeout_initialized(ev)		event_initialized(ev)
/** @} */

/** @{ */
/** Old signal names; use the evsignal_* macros. */
#define signal_add(ev, tv)		event_add((ev), (tv))
#define signal_set(ev, x, cb, arg)				\
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
#define signal_del(ev)			event_del(ev)
#define signal_pending(ev, tv)		event_pending((ev), EV_SIGNAL, (tv))
#define signal_initialized(ev)		event_initialized(ev)
/** @} */

/* Old accessors; use event_get_fd() and event_get_signal(). */
#ifndef EVENT_FD
/** The fd an event watches, as an int: event_get_fd(). */
#define EVENT_FD(ev)		((int)event_get_fd(ev))
/** The signal an event watches: event_get_signal(). */
#define EVENT_SIGNAL(ev)	event_get_signal(ev)
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_COMPAT_H_INCLUDED_ */
