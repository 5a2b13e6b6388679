/** @file
 * event2/event.h: event bases, events and the event loop.
 *
 * Usage in brief: create a base (event_base_new), create events that watch
 * an fd, a signal or just a timeout (event_new) and add them (event_add),
 * then run the loop (event_base_dispatch); callbacks run from the loop.
 * Threading, memory and logging hooks must be installed before the first
 * base is created.
 *
 * Threads: a base is used from one thread unless locking was enabled with
 * evthread_use_pthreads() (<event2/thread.h>) before the base was created;
 * then events may be added, deleted and activated from any thread, and
 * event_base_loopbreak()/event_base_loopexit() wake a loop running in
 * another thread.  The loop itself runs in one thread at a time.
 *
 * Callbacks run from the loop, never from signal context; a callback may
 * call any function of this header, including event_del() or event_free()
 * on its own event and event_base_loopbreak() on its base, but must not free
 * the base that is running it.
 *
 * Ownership: what a *_new() function returns is the caller's, released with
 * the matching *_free(); event_assign() initialises memory the caller owns
 * (see event_get_struct_event_size()).  Functions returning -1 on error set
 * no particular errno unless their comment says so. */
#ifndef EVENT2_EVENT_H_INCLUDED_
#define EVENT2_EVENT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
/* FILE, for event_base_dump_events(). */
#include <stdio.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque: one event loop with its backend, timers and queues. */
struct event_base;
/** One watched fd, signal or timer; layout in <event2/event_struct.h>. */
struct event;
/** Opaque: options gathered before creating a base. */
struct event_config;

/* ---- Debugging ----------------------------------------------------------- */
/** Track every event to catch misuse (re-assigning a pending event, using an
 * uninitialised one, ...).  Call before creating any event or base. */
EVENT2_EXPORT_SYMBOL
void event_enable_debug_mode(void);

/** Forget a non-pending event in debug mode before its memory is reused
 * without event_free(); no effect outside debug mode. */
EVENT2_EXPORT_SYMBOL
void event_debug_unassign(struct event *);

/* ---- Event bases ----------------------------------------------------------- */
/** Create an event base with the default configuration.
 *
 * The backend is the best one the system offers (epoll on Linux) that the
 * EVENT_NO* environment variables do not rule out.  Install memory, logging
 * and threading hooks (event_set_mem_functions(), event_set_log_callback(),
 * evthread_use_pthreads()) before the first call.
 * @return the new base, owned by the caller (release it with
 *   event_base_free()), or NULL when memory or every backend failed. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_base_new(void);

/** Re-create the backend state after fork(), in the child; 0, or -1 if some
 * events could not be re-added. */
EVENT2_EXPORT_SYMBOL
int event_reinit(struct event_base *base);

/** Run the event loop until no event is pending or active, or until
 * event_base_loopexit() or event_base_loopbreak() stops it; the same as
 * event_base_loop(base, 0).
 *
 * Callbacks run in the calling thread, one at a time, in priority order.  A
 * base's loop runs in one thread at a time; do not call this from a callback
 * of the same base.
 * Arguments, in order (unnamed in the declaration):
 * - base: the base to run
 * @return 0 when stopped by loopexit/loopbreak, 1 when no events were
 *   pending or active, -1 on a backend error. */
EVENT2_EXPORT_SYMBOL
int event_base_dispatch(struct event_base *);

/** Name of the backend the base uses ("epoll", "poll", "select", ...). */
EVENT2_EXPORT_SYMBOL
const char *event_base_get_method(const struct event_base *);

/** NULL-terminated list of the backends compiled in, most preferred first;
 * the system may still refuse some of them. */
EVENT2_EXPORT_SYMBOL
const char **event_get_supported_methods(void);

/** Read the base's monotonic clock into *tp; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_gettime_monotonic(struct event_base *base, struct timeval *tp);

/** @{ */
/** What event_base_get_num_events()/_max_events() count; combinable. */
#define EVENT_BASE_COUNT_ACTIVE                1U
#define EVENT_BASE_COUNT_VIRTUAL       2U
#define EVENT_BASE_COUNT_ADDED         4U
/** @} */

/** Number of events of the EVENT_BASE_COUNT_* kinds in flags (the library's
 * internal events included; an event in two kinds counts twice). */
EVENT2_EXPORT_SYMBOL
int event_base_get_num_events(struct event_base *, unsigned int);

/** Highest number of events of the given kinds seen so far; a nonzero last
 * argument resets the maxima. */
EVENT2_EXPORT_SYMBOL
int event_base_get_max_events(struct event_base *, unsigned int, int);

/* ---- Configuration ---------------------------------------------------------- */
/** Create an empty configuration; NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct event_config *event_config_new(void);

/** Free a configuration (bases made from it are unaffected). */
EVENT2_EXPORT_SYMBOL
void event_config_free(struct event_config *cfg);

/** Never use the named backend; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_config_avoid_method(struct event_config *cfg, const char *method);

/** Backend capabilities, for event_config_require_features() and
 * event_base_get_features(). */
enum event_method_feature {
    /** Edge-triggered notification (EV_ET). */
    EV_FEATURE_ET = 0x01,
    /** Adding, removing and reporting one event costs O(1). */
    EV_FEATURE_O1 = 0x02,
    /** Any kind of fd works, not only sockets. */
    EV_FEATURE_FDS = 0x04,
    /** Peer close is reported without reading (EV_CLOSED). */
    EV_FEATURE_EARLY_CLOSE = 0x08
};

/** Behaviour switches for event_config_set_flag(). */
enum event_base_config_flag {
	/** No lock for the base, even with threading set up: the base must
	 * then be used from one thread only. */
	EVENT_BASE_FLAG_NOLOCK = 0x01,
	/** Ignore the EVENT_* environment variables. */
	EVENT_BASE_FLAG_IGNORE_ENV = 0x02,
	/** Windows only: start IOCP at once; harmless elsewhere. */
	EVENT_BASE_FLAG_STARTUP_IOCP = 0x04,
	/** Read the clock after every timeout callback instead of caching
	 * it once per loop iteration. */
	EVENT_BASE_FLAG_NO_CACHE_TIME = 0x08,
	/** epoll: batch changes and apply them just before waiting.  Faster,
	 * but wrong for fds shared through dup(). */
	EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST = 0x10,
	/** Use the most precise monotonic clock, even if slower. */
	EVENT_BASE_FLAG_PRECISE_TIMER = 0x20
};

/** Bitwise OR of the event_method_feature values the base's backend has. */
EVENT2_EXPORT_SYMBOL
int event_base_get_features(const struct event_base *base);

/** Require a set of event_method_feature bits (replacing earlier calls);
 * creating a base fails when no backend offers them.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_config_require_features(struct event_config *cfg, int feature);

/** Add event_base_config_flag bits; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_config_set_flag(struct event_config *cfg, int flag);

/** Tell the base how many CPUs it may use (only meaningful for IOCP). */
EVENT2_EXPORT_SYMBOL
int event_config_set_num_cpus_hint(struct event_config *cfg, int cpus);

/** Make the loop look for new events after running callbacks for
 * max_interval or max_callbacks (whichever comes first), for callbacks of
 * priority >= min_priority.  NULL / -1 disable each limit.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_config_set_max_dispatch_interval(struct event_config *cfg,
    const struct timeval *max_interval, int max_callbacks,
    int min_priority);

/** Create a base following a configuration (NULL: defaults); NULL when no
 * backend satisfies it or on error. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_base_new_with_config(const struct event_config *);

/** Release a base and its backend.
 *
 * Events still assigned to the base are not freed; they must be freed by the
 * caller and must not be used with this base again.  Must not be called while
 * the base's loop runs (in any thread) nor from one of its callbacks.
 * Finalizers registered with event_finalize() run first.
 * Arguments, in order (unnamed in the declaration):
 * - base: the base to free; NULL does nothing */
EVENT2_EXPORT_SYMBOL
void event_base_free(struct event_base *);

/** As event_base_free() but without running finalizers. */
EVENT2_EXPORT_SYMBOL
void event_base_free_nofinalize(struct event_base *);

/* ---- Logging ----------------------------------------------------------------- */
/** @{ */
/** Severities passed to an event_log_cb. */
#define EVENT_LOG_DEBUG 0
#define EVENT_LOG_MSG   1
#define EVENT_LOG_WARN  2
#define EVENT_LOG_ERR   3
/** @} */

/** @{ */
/** Older names of the severities. */
#define _EVENT_LOG_DEBUG EVENT_LOG_DEBUG
#define _EVENT_LOG_MSG EVENT_LOG_MSG
#define _EVENT_LOG_WARN EVENT_LOG_WARN
#define _EVENT_LOG_ERR EVENT_LOG_ERR
/** @} */

/** Receives every log message instead of stderr. */
typedef void (*event_log_cb)(int severity, const char *msg);

/** Route log messages to cb (NULL: back to stderr).  The callback must not
 * call into the library. */
EVENT2_EXPORT_SYMBOL
void event_set_log_callback(event_log_cb cb);

/** Called on a fatal internal error instead of exit(); it must not return
 * into the library. */
typedef void (*event_fatal_cb)(int err);

/** Install the fatal-error handler (NULL: exit()). */
EVENT2_EXPORT_SYMBOL
void event_set_fatal_callback(event_fatal_cb cb);

/** @{ */
/** Arguments of event_enable_debug_logging(). */
#define EVENT_DBG_ALL 0xffffffffu
#define EVENT_DBG_NONE 0
/** @} */

/** Turn debug-level log messages on (EVENT_DBG_ALL) or off (EVENT_DBG_NONE). */
EVENT2_EXPORT_SYMBOL
void event_enable_debug_logging(ev_uint32_t which);

/** Move a non-pending event to another base; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_base_set(struct event_base *, struct event *);

/* ---- Running the loop ---------------------------------------------------- */
/* Flags of event_base_loop(). */
/** Wait for events once, run them, return. */
#define EVLOOP_ONCE	0x01
/** Run whatever is ready now without waiting. */
#define EVLOOP_NONBLOCK	0x02
/** Keep running even with no events pending (until told to stop). */
#define EVLOOP_NO_EXIT_ON_EMPTY 0x04

/** Run the event loop, as event_base_dispatch() does, with EVLOOP_* flags.
 *
 * Arguments, in order (unnamed in the declaration):
 * - base: the base to run
 * - flags: 0, or EVLOOP_ONCE (wait once, run what became active,
 *   return), EVLOOP_NONBLOCK (run what is ready now, never wait),
 *   EVLOOP_NO_EXIT_ON_EMPTY (keep running with no events pending)
 * @return 0 on a normal return or when stopped by loopexit/loopbreak, 1 when
 *   no events were pending or active, -1 on a backend error. */
EVENT2_EXPORT_SYMBOL
int event_base_loop(struct event_base *, int);

/** Ask a running loop to stop after a delay.
 *
 * When the delay expires the loop finishes the callbacks already active, then
 * returns.  Safe from callbacks of the base and, with threads enabled, from
 * any thread.
 * Arguments, in order (unnamed in the declaration):
 * - base: the base whose loop should stop
 * - tv: how long to keep running, or NULL for no delay
 * @return 0, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int event_base_loopexit(struct event_base *, const struct timeval *);

/** Ask a running loop to stop as soon as the callback now running returns;
 * active callbacks not yet run stay active.
 *
 * Safe from callbacks of the base and, with threads enabled, from any thread
 * (the loop is woken up).
 * Arguments, in order (unnamed in the declaration):
 * - base: the base whose loop should stop
 * @return 0, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int event_base_loopbreak(struct event_base *);

/** Make the loop look for new events right after the running callback,
 * before the remaining active ones; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_base_loopcontinue(struct event_base *);

/** Nonzero if the loop was last stopped by event_base_loopexit(). */
EVENT2_EXPORT_SYMBOL
int event_base_got_exit(struct event_base *);

/** Nonzero if the loop was last stopped by event_base_loopbreak(). */
EVENT2_EXPORT_SYMBOL
int event_base_got_break(struct event_base *);

/* ---- Event flags ------------------------------------------------------------ */
/** The timeout expired. */
#define EV_TIMEOUT	0x01
/** The fd is readable. */
#define EV_READ		0x02
/** The fd is writable. */
#define EV_WRITE	0x04
/** The fd field is a signal number, which was delivered. */
#define EV_SIGNAL	0x08
/** Stay pending after the callback ran. */
#define EV_PERSIST	0x10
/** Edge-triggered, if the backend can. */
#define EV_ET		0x20
/** event_del() won't wait for a callback running in another thread; use
 * event_finalize() to free such an event. */
#define EV_FINALIZE     0x40
/** The peer closed the connection (needs EV_FEATURE_EARLY_CLOSE). */
#define EV_CLOSED	0x80

/** @{ */
/** Timer shorthands: events with no fd and no flags. */
#define evtimer_assign(ev, b, cb, arg) \
	event_assign((ev), (b), -1, 0, (cb), (arg))
#define evtimer_new(b, cb, arg)	       event_new((b), -1, 0, (cb), (arg))
#define evtimer_add(ev, tv)		event_add((ev), (tv))
#define evtimer_del(ev)			event_del(ev)
#define evtimer_pending(ev, tv)		event_pending((ev), EV_TIMEOUT, (tv))
#define evtimer_initialized(ev)		event_initialized(ev)
/** @} */

/** @{ */
/** Signal shorthands: persistent EV_SIGNAL events on signal number x. */
#define evsignal_add(ev, tv)		event_add((ev), (tv))
#define evsignal_assign(ev, b, x, cb, arg)			\
	event_assign((ev), (b), (x), EV_SIGNAL|EV_PERSIST, cb, (arg))
#define evsignal_new(b, x, cb, arg)				\
	event_new((b), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
#define evsignal_del(ev)		event_del(ev)
#define evsignal_pending(ev, tv)	event_pending((ev), EV_SIGNAL, (tv))
#define evsignal_initialized(ev)	event_initialized(ev)
/** @} */

/** @{ */
/** User-triggered event shorthands: fire with evuser_trigger(). */
#define evuser_new(b, cb, arg)		event_new((b), -1, 0, (cb), (arg))
#define evuser_del(ev)			event_del(ev)
#define evuser_pending(ev, tv)		event_pending((ev), 0, (tv))
#define evuser_initialized(ev)		event_initialized(ev)
#define evuser_trigger(ev)		event_active((ev), 0, 0)
/** @} */

/* ---- Events ----------------------------------------------------------------- */
/** An event's callback, called from the event loop.
 *
 * Arguments, in order (unnamed in the declaration):
 * - fd: the event's fd, signal number, or -1
 * - what: the EV_* flags that made it run (EV_READ, EV_WRITE,
 *   EV_TIMEOUT, EV_SIGNAL, EV_CLOSED, or those given to event_active())
 * - arg: the argument given when the event was set up */
typedef void (*event_callback_fn)(evutil_socket_t, short, void *);

/** A placeholder for the callback argument of event_new()/event_assign():
 * the new event itself is passed to the callback. */
EVENT2_EXPORT_SYMBOL
void *event_self_cbarg(void);

/** Allocate an event and set it up; it is not pending until event_add().
 *
 * Arguments, in order (unnamed in the declaration):
 * - base: the base the event belongs to
 * - fd: the fd to watch for EV_READ/EV_WRITE/EV_CLOSED, the signal
 *   number for EV_SIGNAL, or -1 for a timer or manually activated event
 * - events: a combination of EV_READ, EV_WRITE, EV_CLOSED, EV_SIGNAL,
 *   EV_PERSIST, EV_ET and EV_FINALIZE (0 for a plain timer)
 * - callback: called from the loop as callback(fd, flags that fired, arg)
 * - arg: passed to the callback; event_self_cbarg() passes the event
 * @return the event, owned by the caller (release it with event_free()), or
 *   NULL on failure (out of memory, invalid flags). */
EVENT2_EXPORT_SYMBOL
struct event *event_new(struct event_base *, evutil_socket_t, short, event_callback_fn, void *);

/** Set up an event in storage the caller provides, as event_new() does.
 *
 * The storage must hold event_get_struct_event_size() bytes (or a struct
 * event from <event2/event_struct.h>) and must not be a pending or active
 * event; it stays the caller's, and must outlive the event's last use.
 * @return 0, or -1 on invalid arguments. */
EVENT2_EXPORT_SYMBOL
int event_assign(struct event *, struct event_base *, evutil_socket_t, short, event_callback_fn, void *);

/** Make an event non-pending and non-active, as event_del() does, then
 * release it.
 *
 * Only for events from event_new().  May be called from the event's own
 * callback.  With threads enabled, waits for the callback to finish if it is
 * running in another thread (use event_free_finalize() to avoid waiting).
 * Arguments, in order (unnamed in the declaration):
 * - ev: the event; NULL does nothing */
EVENT2_EXPORT_SYMBOL
void event_free(struct event *);

/** Runs once an event is finalized, from the loop. */
typedef void (*event_finalize_callback_fn)(struct event *, void *);

/** Remove an event without blocking and call cb once no callback of it can
 * be running any more; the event must not be touched in between.  The
 * first argument is reserved (pass 0).  0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_finalize(unsigned, struct event *, event_finalize_callback_fn);

/** As event_finalize(), then free the event as event_free() would. */
EVENT2_EXPORT_SYMBOL
int event_free_finalize(unsigned, struct event *, event_finalize_callback_fn);

/** Run cb once, when fd becomes ready for events or the timeout expires,
 * without managing a struct event.  EV_SIGNAL and EV_PERSIST are not
 * allowed.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_base_once(struct event_base *, evutil_socket_t, short, event_callback_fn, void *, const struct timeval *);

/** Make an event pending: its callback runs when its fd or signal is ready
 * or its timeout expires.
 *
 * Adding an event that is already pending keeps it pending and replaces its
 * timeout.  Safe from any callback, including the event's own, and, with
 * threads enabled, from any thread.
 * @param ev an event from event_new() or event_assign()
 * @param timeout how long to wait, relative to now, or NULL for no timeout
 * @return 0, or -1 on error (for example the backend refused the fd). */
EVENT2_EXPORT_SYMBOL
int event_add(struct event *ev, const struct timeval *timeout);

/** Drop only the timeout of a pending event; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_remove_timer(struct event *ev);

/** Make an event neither pending nor active; no effect on an event that
 * was neither.
 *
 * Safe from any callback, including the event's own.  With threads enabled,
 * when the event's callback is running in another thread this waits for it to
 * finish, unless the event has EV_FINALIZE.
 * Arguments, in order (unnamed in the declaration):
 * - ev: the event
 * @return 0, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int event_del(struct event *);

/** As event_del(), never waiting for the callback to finish in another
 * thread. */
EVENT2_EXPORT_SYMBOL
int event_del_noblock(struct event *ev);

/** As event_del(), always waiting for the callback to finish in another
 * thread, even for EV_FINALIZE events. */
EVENT2_EXPORT_SYMBOL
int event_del_block(struct event *ev);

/** Make an event active as if the flags in res had fired, whether or not it
 * is pending; its callback runs from the loop with those flags.
 *
 * Safe from callbacks and, with threads enabled, from any thread (the loop is
 * woken up).
 * @param ev the event
 * @param res the EV_* flags to pass to the callback
 * @param ncalls unused (kept for compatibility) */
EVENT2_EXPORT_SYMBOL
void event_active(struct event *ev, int res, short ncalls);

/** Nonzero if the event is pending or active for any of the given EV_*
 * flags; when tv is given and a timeout is set, stores its expiry time. */
EVENT2_EXPORT_SYMBOL
int event_pending(const struct event *ev, short events, struct timeval *tv);

/** The event whose callback is running (only meaningful inside one). */
EVENT2_EXPORT_SYMBOL
struct event *event_base_get_running_event(struct event_base *base);

/** Nonzero if the memory looks like a set-up event; only reliable for
 * telling one from zeroed memory. */
EVENT2_EXPORT_SYMBOL
int event_initialized(const struct event *ev);

/* ---- Inspecting events ----------------------------------------------------- */
/** The signal number of a signal event. */
#define event_get_signal(ev) ((int)event_get_fd(ev))

/** The fd (or signal number) of an event, -1 if none. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t event_get_fd(const struct event *ev);

/** The base an event belongs to. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_get_base(const struct event *ev);

/** The EV_* flags an event was set up with. */
EVENT2_EXPORT_SYMBOL
short event_get_events(const struct event *ev);

/** The callback of an event. */
EVENT2_EXPORT_SYMBOL
event_callback_fn event_get_callback(const struct event *ev);

/** The callback argument of an event. */
EVENT2_EXPORT_SYMBOL
void *event_get_callback_arg(const struct event *ev);

/** The priority of an event. */
EVENT2_EXPORT_SYMBOL
int event_get_priority(const struct event *ev);

/** Copy out everything an event was set up with; NULL outputs are skipped. */
EVENT2_EXPORT_SYMBOL
void event_get_assignment(const struct event *event,
    struct event_base **base_out, evutil_socket_t *fd_out, short *events_out,
    event_callback_fn *callback_out, void **arg_out);

/** sizeof(struct event) as the library was built, which may be smaller
 * than the headers' in other versions. */
EVENT2_EXPORT_SYMBOL
size_t event_get_struct_event_size(void);

/* ---- Version ----------------------------------------------------------------- */
/** Version of the running library, e.g. "2.1.12-stable". */
EVENT2_EXPORT_SYMBOL
const char *event_get_version(void);

/** The same as a number: one byte each for major, minor, patch (0x02010c00). */
EVENT2_EXPORT_SYMBOL
ev_uint32_t event_get_version_number(void);

/** @{ */
/** Version of these headers, as opposed to the library's. */
#define LIBEVENT_VERSION EVENT__VERSION
#define LIBEVENT_VERSION_NUMBER EVENT__NUMERIC_VERSION
/** @} */

/* ---- Priorities ----------------------------------------------------------- */
/** Upper bound for event_base_priority_init(). */
#define EVENT_MAX_PRIORITIES 256

/** Give the base npriorities priority levels (0 is the most urgent); new
 * events get the middle one.  Call before events become active.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int	event_base_priority_init(struct event_base *, int);

/** The number of priority levels of a base. */
EVENT2_EXPORT_SYMBOL
int	event_base_get_npriorities(struct event_base *eb);

/** Set the priority of a non-active event; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int	event_priority_set(struct event *, int);

/* ---- Common timeouts ------------------------------------------------------ */
/** Return a special timeval standing for duration; passing it to
 * event_add() makes many timeouts of that same length cheap.  NULL on
 * failure. */
EVENT2_EXPORT_SYMBOL
const struct timeval *event_base_init_common_timeout(struct event_base *base,
    const struct timeval *duration);

/* ---- Memory ------------------------------------------------------------------ */
/** Replace malloc, realloc and free for everything the library allocates
 * (and everything it hands out for the caller to free).  Call before any
 * other library function. */
EVENT2_EXPORT_SYMBOL
void event_set_mem_functions(
	void *(*malloc_fn)(size_t sz),
	void *(*realloc_fn)(void *ptr, size_t sz),
	void (*free_fn)(void *ptr));
/** Defined because event_set_mem_functions() is available. */
#define EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED

/* ---- Introspection ---------------------------------------------------------- */
/** Write a description of all added and active events to output (for
 * debugging; the format is not stable). */
EVENT2_EXPORT_SYMBOL
void event_base_dump_events(struct event_base *, FILE *);

/** Activate the pending events on fd that wait for any of the EV_* flags. */
EVENT2_EXPORT_SYMBOL
void event_base_active_by_fd(struct event_base *base, evutil_socket_t fd, short events);

/** Activate the pending events for signal sig. */
EVENT2_EXPORT_SYMBOL
void event_base_active_by_signal(struct event_base *base, int sig);

/** Visitor for event_base_foreach_event(): return 0 to go on, anything else
 * to stop. */
typedef int (*event_base_foreach_event_cb)(const struct event_base *, const struct event *, void *);

/** Call fn on every added or active event (the library's own included),
 * holding the base lock; fn must not change the base or its events.
 * Returns 0, or the nonzero value that stopped the walk. */
EVENT2_EXPORT_SYMBOL
int event_base_foreach_event(struct event_base *base, event_base_foreach_event_cb fn, void *arg);

/* ---- Cached time ------------------------------------------------------------ */
/** The time the loop last read the clock (when cached) or the current time;
 * cheap but coarse.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_base_gettimeofday_cached(struct event_base *base,
    struct timeval *tv);

/** Refresh the base's cached time now; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int event_base_update_cache_time(struct event_base *base);

/* ---- Shutdown ---------------------------------------------------------------- */
/** Release the library's global resources (locks, debug tables).  Only for
 * leak checkers at exit: no library call may follow. */
EVENT2_EXPORT_SYMBOL
void libevent_global_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_H_INCLUDED_ */
