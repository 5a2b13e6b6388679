/** @file
 * event2/event_compat.h: the libevent 1.x event API.
 *
 * These calls act on a hidden "current" base (the one the last
 * event_init() created).  They remain for old programs; new code uses
 * <event2/event.h>.  Each function below that acts on the current base
 * logs a warning and fails when event_init() was not called.
 *
 * @par Thread safety
 * The current base is a global variable without a lock: these functions
 * are only safe in a program that uses one base from one thread (or that
 * calls event_init() before starting threads and then follows the rules of
 * event_base_*() for that base).
 *
 * @par Callbacks
 * As for the event_base_*() function each one wraps (see
 * <event2/event.h>): callbacks may call them, except event_dispatch() and
 * event_loop(), which must not run the loop again from inside it. */
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

/** @brief Create a base and make it the current one.
 *
 * Prefer event_base_new().
 * @return the new base, owned by the caller (event_base_free(NULL) or
 *   event_base_free() of it releases it).  When no base can be created
 *   this is a fatal error (see event_set_fatal_callback()). */
EVENT2_EXPORT_SYMBOL
struct event_base *event_init(void);

/** @brief Run the current base's loop: event_base_dispatch().
 * @return as for event_base_dispatch(); -1 when there is no current
 *   base. */
EVENT2_EXPORT_SYMBOL
int event_dispatch(void);

/** @brief Run the current base's loop with flags: event_base_loop().
 * @param flags 0 or EVLOOP_* flags.
 * @return as for event_base_loop(); -1 when there is no current base. */
EVENT2_EXPORT_SYMBOL
int event_loop(int flags);

/** @brief Stop the current base's loop after a delay:
 * event_base_loopexit().
 * @param tv the delay, copied; NULL for none.
 * @return 0, or -1 on error or when there is no current base. */
EVENT2_EXPORT_SYMBOL
int event_loopexit(const struct timeval *tv);

/** @brief Stop the current base's loop now: event_base_loopbreak().
 * @return 0, or -1 when there is no current base. */
EVENT2_EXPORT_SYMBOL
int event_loopbreak(void);

/** @brief Run a callback once on the current base: event_base_once().
 * @param fd the fd to watch, or -1.
 * @param events EV_READ/EV_WRITE, or EV_TIMEOUT alone.
 * @param callback called once.
 * @param arg passed to callback.
 * @param tv the timeout, copied; NULL for none.
 * @return 0, or -1 on error or when there is no current base. */
EVENT2_EXPORT_SYMBOL
int event_once(evutil_socket_t fd, short events,
    void (*callback)(evutil_socket_t, short, void *), void *arg, const struct timeval *tv);

/** @brief The backend of the current base: event_base_get_method().
 * @return a static name, or NULL when there is no current base. */
EVENT2_EXPORT_SYMBOL
const char *event_get_method(void);

/** @brief Set the current base's priority levels:
 * event_base_priority_init().
 * @param npriorities the number of levels.
 * @return 0, or -1 on error or when there is no current base. */
EVENT2_EXPORT_SYMBOL
int	event_priority_init(int npriorities);

/** @brief Set up an event on the current base.
 *
 * event_assign() with the current base; prefer event_assign() or
 * event_new().  Invalid flags are only logged; without a current base the
 * event has no base until event_base_set().
 * @param ev caller-owned storage for the event.
 * @param fd the fd or signal number, or -1.
 * @param events EV_* flags.
 * @param callback called from the loop.
 * @param arg passed to callback. */
EVENT2_EXPORT_SYMBOL
void event_set(struct event *ev, evutil_socket_t fd, short events, void (*callback)(evutil_socket_t, short, void *), void *arg);

/** Set up a timer in caller-owned memory on the current base. */
#define evtimer_set(ev, cb, arg)	event_set((ev), -1, 0, (cb), (arg))
/** Set up a persistent event for signal x on the current base. */
#define evsignal_set(ev, x, cb, arg)	\
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))

/** Old name of evtimer_add(). */
#define timeout_add(ev, tv)		event_add((ev), (tv))
/** Old name of evtimer_set(). */
#define timeout_set(ev, cb, arg)	event_set((ev), -1, 0, (cb), (arg))
/** Old name of evtimer_del(). */
#define timeout_del(ev)			event_del(ev)
/** Old name of evtimer_pending(). */
#define timeout_pending(ev, tv)		event_pending((ev), EV_TIMEOUT, (tv))
/** Old name of evtimer_initialized(). */
#define timeout_initialized(ev)		event_initialized(ev)

/** Old name of evsignal_add(). */
#define signal_add(ev, tv)		event_add((ev), (tv))
/** Old name of evsignal_set(). */
#define signal_set(ev, x, cb, arg)				\
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
/** Old name of evsignal_del(). */
#define signal_del(ev)			event_del(ev)
/** Old name of evsignal_pending(). */
#define signal_pending(ev, tv)		event_pending((ev), EV_SIGNAL, (tv))
/** Old name of evsignal_initialized(). */
#define signal_initialized(ev)		event_initialized(ev)

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
