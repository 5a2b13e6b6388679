/** @file
 * event2/event.h: event bases, events and the event loop.
 *
 * Usage in brief: create a base (event_base_new()), create events that watch
 * an fd, a signal or just a timeout (event_new()) and add them (event_add()),
 * then run the loop (event_base_dispatch()); callbacks run from the loop.
 * Memory, logging and threading hooks must be installed before the first
 * base is created.
 *
 * @par Thread safety
 * A base is used from one thread unless locking was enabled with
 * evthread_use_pthreads() (<event2/thread.h>) before the base was created
 * (and the base was not created with EVENT_BASE_FLAG_NOLOCK).  With locking,
 * events may be added, deleted and activated from any thread, and
 * event_base_loopbreak()/event_base_loopexit() wake a loop that is waiting
 * in another thread.  The loop of one base runs in one thread at a time.
 * The global setup functions (event_set_mem_functions(),
 * event_set_log_callback(), event_set_fatal_callback(),
 * event_enable_debug_mode(), event_enable_debug_logging()) take no lock:
 * call them before any other thread uses the library.  Functions that only
 * read an event's setup (event_get_fd() and friends) take no lock either.
 *
 * @par Callbacks
 * Callbacks run from the loop in the thread that runs it, never from
 * signal context.  A callback may call any function of this header on its
 * own base and events, including event_del() or event_free() on its own
 * event and event_base_loopbreak() on its base; it must not run the same
 * base's loop again (event_base_dispatch()/event_base_loop()) nor free the
 * base that is running it.  Functions with a different rule say so.
 *
 * @par Ownership and errors
 * What a *_new() function returns is the caller's, released with the
 * matching *_free(); event_assign() initialises memory the caller owns (see
 * event_get_struct_event_size()).  Functions returning -1 on error set no
 * particular errno unless their comment says so; most also log a warning
 * through the log callback when given a NULL object. */
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
/** @brief Check every use of an event for misuse from now on.
 *
 * In debug mode the library remembers every event that was set up and
 * reports (as a fatal error) re-assigning a pending event, adding or
 * deleting an event that was never set up, and similar mistakes; it also
 * checks that the fds given to events are non-blocking.  It costs a hash
 * table lookup per call.  Call before creating any event or base: once one
 * exists, the call is refused with a fatal error.
 * @note Not thread-safe: call before other threads use the library. */
EVENT2_EXPORT_SYMBOL
void event_enable_debug_mode(void);

/** @brief Forget an event in debug mode before its memory is reused.
 *
 * For events in caller-owned memory (event_assign()) that are released
 * without event_free(): tells debug mode the memory no longer holds an
 * event.  No effect outside debug mode.
 * @param ev a non-pending, non-active event; a pending one is a fatal error
 *   in debug mode. */
EVENT2_EXPORT_SYMBOL
void event_debug_unassign(struct event *ev);

/* ---- Event bases ----------------------------------------------------------- */
/** @brief Create an event base with the default configuration.
 *
 * The backend is the best one the system offers (epoll on Linux) that the
 * EVENT_NO* environment variables do not rule out.  Install memory, logging
 * and threading hooks (event_set_mem_functions(), event_set_log_callback(),
 * evthread_use_pthreads()) before the first call.
 * @return the new base, owned by the caller (release it with
 *   event_base_free()), or NULL when memory or every backend failed. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_base_new(void);

/** @brief Re-create a base's kernel state in the child after fork().
 *
 * The backend (for epoll, a new epoll fd told about every added event), the
 * signal socketpair and the wake-up fd are re-created so that the child
 * shares none of them with the parent.  Call it in the child before running
 * the loop there.
 * @param base the base to re-initialise; NULL fails.
 * @return 0 on success, -1 when base is NULL or some events could not be
 *   re-added. */
EVENT2_EXPORT_SYMBOL
int event_reinit(struct event_base *base);

/** @brief Run the event loop until nothing is left to wait for.
 *
 * The same as event_base_loop(base, 0): runs until no event is pending or
 * active, or until event_base_loopexit() or event_base_loopbreak() stops it.
 * Callbacks run in the calling thread, one at a time, in priority order.
 * @note Must not be called from a callback of the same base, nor while the
 *   loop runs in another thread.
 * @param base the base to run; NULL fails.
 * @return 0 when stopped by loopexit/loopbreak, 1 when no events were
 *   pending or active, -1 on a backend error, a NULL base, or when the
 *   base's loop is already running (a warning is logged). */
EVENT2_EXPORT_SYMBOL
int event_base_dispatch(struct event_base *base);

/** @brief Name the backend a base uses.
 * @param base the base.
 * @return a static string ("epoll", "poll", "select", ...), owned by the
 *   library; NULL when base is NULL. */
EVENT2_EXPORT_SYMBOL
const char *event_base_get_method(const struct event_base *base);

/** @brief List the backends compiled into the library.
 *
 * The system may still refuse some of them at run time.
 * @return a NULL-terminated array of static names, most preferred first,
 *   owned by the library (do not free or modify it). */
EVENT2_EXPORT_SYMBOL
const char **event_get_supported_methods(void);

/** @brief Read the monotonic clock.
 *
 * Reads CLOCK_MONOTONIC now (not the base's cached time); the value counts
 * from an unspecified point (boot) and only differences are meaningful.
 * @param base a base (must not be NULL; its clock choice is not used).
 * @param tp receives the time; must not be NULL.
 * @return 0 on success, -1 when an argument is NULL or the clock failed. */
EVENT2_EXPORT_SYMBOL
int event_gettime_monotonic(struct event_base *base, struct timeval *tp);

/** Count active events (event_base_get_num_events()). */
#define EVENT_BASE_COUNT_ACTIVE                1U
/** Count virtual events (internal users such as bufferevents' deferred work). */
#define EVENT_BASE_COUNT_VIRTUAL       2U
/** Count added (pending) events. */
#define EVENT_BASE_COUNT_ADDED         4U

/** @brief Count a base's events of some kinds.
 *
 * The library's own internal events are included; an event in two of the
 * requested kinds counts twice.
 * @param base the base.
 * @param type a bitwise OR of EVENT_BASE_COUNT_ACTIVE,
 *   EVENT_BASE_COUNT_VIRTUAL and EVENT_BASE_COUNT_ADDED.
 * @return the sum of the counts, or -1 when base is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_get_num_events(struct event_base *base, unsigned int type);

/** @brief The highest count of events of some kinds seen so far.
 * @param base the base.
 * @param type a bitwise OR of EVENT_BASE_COUNT_* values.
 * @param clear nonzero: reset the maxima of those kinds to 0 after
 *   reading them.
 * @return the sum of the maxima, or -1 when base is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_get_max_events(struct event_base *base, unsigned int type, int clear);

/* ---- Configuration ---------------------------------------------------------- */
/** @brief Create an empty configuration for event_base_new_with_config().
 * @return the configuration, owned by the caller (release it with
 *   event_config_free()), or NULL when out of memory. */
EVENT2_EXPORT_SYMBOL
struct event_config *event_config_new(void);

/** @brief Free a configuration; bases created from it are unaffected.
 * @param cfg the configuration; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void event_config_free(struct event_config *cfg);

/** @brief Rule out a backend by name.
 * @param cfg the configuration.
 * @param method a backend name such as "epoll"; copied.
 * @return 0 on success, -1 when an argument is NULL or out of memory. */
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

/** @brief The capabilities of a base's backend.
 * @param base the base.
 * @return a bitwise OR of event_method_feature values; 0 when base is
 *   NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_get_features(const struct event_base *base);

/** @brief Require backend capabilities.
 *
 * Replaces the set given by earlier calls.  Creating a base from the
 * configuration fails when no backend has them all.
 * @param cfg the configuration.
 * @param feature a bitwise OR of event_method_feature values.
 * @return 0, or -1 when cfg is NULL. */
EVENT2_EXPORT_SYMBOL
int event_config_require_features(struct event_config *cfg, int feature);

/** @brief Turn on behaviour switches.
 * @param cfg the configuration.
 * @param flag a bitwise OR of event_base_config_flag values, added to those
 *   already set.
 * @return 0, or -1 when cfg is NULL. */
EVENT2_EXPORT_SYMBOL
int event_config_set_flag(struct event_config *cfg, int flag);

/** @brief Hint how many CPUs the base may use.
 *
 * Only meaningful for Windows IOCP; stored and otherwise ignored.
 * @param cfg the configuration.
 * @param cpus the number of CPUs.
 * @return 0, or -1 when cfg is NULL. */
EVENT2_EXPORT_SYMBOL
int event_config_set_num_cpus_hint(struct event_config *cfg, int cpus);

/** @brief Bound how long the loop runs callbacks before polling again.
 *
 * After running callbacks for max_interval or max_callbacks callbacks
 * (whichever comes first) the loop checks for new events, so that many
 * low-priority callbacks cannot starve IO.  The limits apply only to
 * callbacks of priority min_priority or higher in number (less urgent).
 * @param cfg the configuration.
 * @param max_interval the time limit, copied; NULL for none.
 * @param max_callbacks the callback count limit; negative for none.
 * @param min_priority the first priority the limits apply to; negative
 *   means 0.
 * @return 0, or -1 when cfg is NULL. */
EVENT2_EXPORT_SYMBOL
int event_config_set_max_dispatch_interval(struct event_config *cfg,
    const struct timeval *max_interval, int max_callbacks,
    int min_priority);

/** @brief Create a base following a configuration.
 * @param cfg the configuration, or NULL for the defaults; it is only read
 *   and may be freed afterwards.
 * @return the new base, owned by the caller (release it with
 *   event_base_free()), or NULL when no allowed backend satisfies the
 *   configuration or memory ran out. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_base_new_with_config(const struct event_config *cfg);

/** @brief Release a base and its backend.
 *
 * Finalizers registered with event_finalize() run first.  Events still
 * assigned to the base are not freed: the caller frees them and must not
 * use them with this base again.
 * @note Must not be called while the base's loop runs (in any thread) nor
 *   from one of its callbacks.
 * @param base the base to free; NULL frees the global base made by
 *   event_init(), if any (otherwise a warning is logged). */
EVENT2_EXPORT_SYMBOL
void event_base_free(struct event_base *base);

/** @brief Release a base without running pending finalizers.
 *
 * As event_base_free(), but callbacks registered with event_finalize() and
 * event_free_finalize() that have not run yet are dropped.
 * @param base the base to free; NULL as for event_base_free(). */
EVENT2_EXPORT_SYMBOL
void event_base_free_nofinalize(struct event_base *base);

/* ---- Logging ----------------------------------------------------------------- */
/** Severity of a debug message (only with event_enable_debug_logging()). */
#define EVENT_LOG_DEBUG 0
/** Severity of an informational message. */
#define EVENT_LOG_MSG   1
/** Severity of a warning: something failed but the library goes on. */
#define EVENT_LOG_WARN  2
/** Severity of an error, including the message logged before a fatal error. */
#define EVENT_LOG_ERR   3

/** Older name of EVENT_LOG_DEBUG. */
#define _EVENT_LOG_DEBUG EVENT_LOG_DEBUG
/** Older name of EVENT_LOG_MSG. */
#define _EVENT_LOG_MSG EVENT_LOG_MSG
/** Older name of EVENT_LOG_WARN. */
#define _EVENT_LOG_WARN EVENT_LOG_WARN
/** Older name of EVENT_LOG_ERR. */
#define _EVENT_LOG_ERR EVENT_LOG_ERR

/** @brief Receives every log message instead of stderr.
 * @param severity one of the EVENT_LOG_* values.
 * @param msg the message, without a trailing newline; valid only during
 *   the call. */
typedef void (*event_log_cb)(int severity, const char *msg);

/** @brief Route the library's log messages to a callback.
 * @note The callback may be called from any thread that uses the library
 *   and with library locks held: it must not call into the library.
 *   Not thread-safe itself: set it before other threads use the library.
 * @param cb the callback, or NULL to print to stderr again. */
EVENT2_EXPORT_SYMBOL
void event_set_log_callback(event_log_cb cb);

/** @brief Called on a fatal internal error (or misuse detected in debug
 * mode) before the process exits.
 *
 * It should not return (exit or abort instead): the library state is no
 * longer consistent, and if it returns the library calls exit(err).
 * @param err the exit code the library would use. */
typedef void (*event_fatal_cb)(int err);

/** @brief Install the handler for fatal internal errors.
 * @note Not thread-safe: set it before other threads use the library.
 * @param cb the handler, or NULL to call exit() directly again. */
EVENT2_EXPORT_SYMBOL
void event_set_fatal_callback(event_fatal_cb cb);

/** event_enable_debug_logging(): log every debug message. */
#define EVENT_DBG_ALL 0xffffffffu
/** event_enable_debug_logging(): log no debug message (the default). */
#define EVENT_DBG_NONE 0

/** @brief Turn debug-level log messages on or off.
 * @note Not thread-safe: call before other threads use the library.
 * @param which EVENT_DBG_ALL or EVENT_DBG_NONE. */
EVENT2_EXPORT_SYMBOL
void event_enable_debug_logging(ev_uint32_t which);

/** @brief Move a set-up event to another base.
 *
 * The event gets the middle priority of its new base.
 * @param base the new base.
 * @param ev an event that is set up but neither pending nor active.
 * @return 0 on success, -1 when an argument is NULL or the event is
 *   pending or active. */
EVENT2_EXPORT_SYMBOL
int event_base_set(struct event_base *base, struct event *ev);

/* ---- Running the loop ---------------------------------------------------- */
/** event_base_loop(): wait for events once, run the active ones, return. */
#define EVLOOP_ONCE	0x01
/** event_base_loop(): run whatever is ready now without waiting. */
#define EVLOOP_NONBLOCK	0x02
/** event_base_loop(): keep running even with no events pending, until
 * event_base_loopexit() or event_base_loopbreak(). */
#define EVLOOP_NO_EXIT_ON_EMPTY 0x04

/** @brief Run the event loop with EVLOOP_* flags.
 *
 * Like event_base_dispatch(), with flags to run one iteration only or not
 * to wait.  The loopexit/loopbreak state of the base is cleared on entry.
 * @note Must not be called from a callback of the same base, nor while the
 *   loop runs in another thread.
 * @param base the base to run; NULL fails.
 * @param flags 0, or a bitwise OR of EVLOOP_ONCE, EVLOOP_NONBLOCK and
 *   EVLOOP_NO_EXIT_ON_EMPTY.
 * @return 0 on a normal return (EVLOOP_ONCE/EVLOOP_NONBLOCK) or when
 *   stopped by loopexit/loopbreak, 1 when no events were pending or active,
 *   -1 on a backend error, a NULL base, or when the base's loop is already
 *   running (a warning is logged). */
EVENT2_EXPORT_SYMBOL
int event_base_loop(struct event_base *base, int flags);

/** @brief Ask a loop to stop after a delay.
 *
 * When the delay expires the loop finishes the callbacks that are already
 * active, then returns.  If no loop is running when the delay expires, the
 * next loop of the base stops after its first round of callbacks.
 * @note Safe from callbacks of the base and, with locking, from any thread.
 * @param base the base whose loop should stop.
 * @param tv how long to keep running, copied; NULL for no delay.
 * @return 0 on success, -1 when base is NULL or the timer could not be
 *   added. */
EVENT2_EXPORT_SYMBOL
int event_base_loopexit(struct event_base *base, const struct timeval *tv);

/** @brief Ask a loop to stop as soon as the running callback returns.
 *
 * Active callbacks not yet run stay active for the next loop.  A loop that
 * starts later clears the request: calling this while no loop runs has no
 * effect on the loop.
 * @note Safe from callbacks of the base and, with locking, from any thread
 *   (the loop is woken up).
 * @param base the base whose loop should stop.
 * @return 0, or -1 when base is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_loopbreak(struct event_base *base);

/** @brief Make the loop poll for new events right after the running
 * callback, before the remaining active ones.
 * @note Safe from callbacks of the base and, with locking, from any thread.
 * @param base the base.
 * @return 0, or -1 when base is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_loopcontinue(struct event_base *base);

/** @brief Whether the loop was last stopped by event_base_loopexit().
 * @param base the base.
 * @return 1 if so, 0 if not or when base is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_got_exit(struct event_base *base);

/** @brief Whether the loop was last stopped by event_base_loopbreak().
 * @param base the base.
 * @return 1 if so, 0 if not or when base is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_got_break(struct event_base *base);

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

/** Set up a timer (no fd, no flags) in caller-owned memory: event_assign(). */
#define evtimer_assign(ev, b, cb, arg) \
	event_assign((ev), (b), -1, 0, (cb), (arg))
/** Allocate a timer (no fd, no flags): event_new(). */
#define evtimer_new(b, cb, arg)	       event_new((b), -1, 0, (cb), (arg))
/** Start a timer: event_add(). */
#define evtimer_add(ev, tv)		event_add((ev), (tv))
/** Stop a timer: event_del(). */
#define evtimer_del(ev)			event_del(ev)
/** Whether a timer is pending: event_pending() for EV_TIMEOUT. */
#define evtimer_pending(ev, tv)		event_pending((ev), EV_TIMEOUT, (tv))
/** Whether a timer is set up: event_initialized(). */
#define evtimer_initialized(ev)		event_initialized(ev)

/** Start watching a signal event: event_add(). */
#define evsignal_add(ev, tv)		event_add((ev), (tv))
/** Set up a persistent event for signal x in caller-owned memory. */
#define evsignal_assign(ev, b, x, cb, arg)			\
	event_assign((ev), (b), (x), EV_SIGNAL|EV_PERSIST, cb, (arg))
/** Allocate a persistent event for signal x. */
#define evsignal_new(b, x, cb, arg)				\
	event_new((b), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
/** Stop watching a signal: event_del(). */
#define evsignal_del(ev)		event_del(ev)
/** Whether a signal event is pending: event_pending() for EV_SIGNAL. */
#define evsignal_pending(ev, tv)	event_pending((ev), EV_SIGNAL, (tv))
/** Whether a signal event is set up: event_initialized(). */
#define evsignal_initialized(ev)	event_initialized(ev)

/** Allocate an event fired only by evuser_trigger(). */
#define evuser_new(b, cb, arg)		event_new((b), -1, 0, (cb), (arg))
/** Cancel a user event: event_del(). */
#define evuser_del(ev)			event_del(ev)
/** Whether a user event is pending or triggered. */
#define evuser_pending(ev, tv)		event_pending((ev), 0, (tv))
/** Whether a user event is set up: event_initialized(). */
#define evuser_initialized(ev)		event_initialized(ev)
/** Fire a user event: event_active() with no flags. */
#define evuser_trigger(ev)		event_active((ev), 0, 0)

/* ---- Events ----------------------------------------------------------------- */
/** @brief An event's callback, called from the event loop.
 * @param fd the event's fd, signal number, or -1.
 * @param what the EV_* flags that made it run (EV_READ, EV_WRITE,
 *   EV_TIMEOUT, EV_SIGNAL, EV_CLOSED, or those given to event_active()).
 * @param arg the argument given when the event was set up. */
typedef void (*event_callback_fn)(evutil_socket_t fd, short what, void *arg);

/** @brief A marker meaning "the event itself" as a callback argument.
 *
 * Passed as the arg of event_new() or event_assign(), it makes the callback
 * receive the new event, which is otherwise impossible to name before it
 * exists.
 * @return the marker (a static address, never dereferenced). */
EVENT2_EXPORT_SYMBOL
void *event_self_cbarg(void);

/** @brief Allocate an event and set it up.
 *
 * The event is not pending until event_add().
 * @param base the base the event belongs to.  NULL uses the global base of
 *   event_init(); when there is none the event has no base until
 *   event_base_set(), and adding it fails.
 * @param fd the fd to watch for EV_READ/EV_WRITE/EV_CLOSED (it should be
 *   non-blocking), the signal number for EV_SIGNAL, or -1 for a timer or a
 *   manually activated event.
 * @param events a bitwise OR of EV_READ, EV_WRITE, EV_CLOSED, EV_SIGNAL,
 *   EV_PERSIST, EV_ET and EV_FINALIZE (0 for a plain timer).
 * @param callback called from the loop as callback(fd, flags that fired,
 *   arg).
 * @param arg passed to the callback; event_self_cbarg() passes the event;
 *   never freed by the library.
 * @return the event, owned by the caller (release it with event_free()), or
 *   NULL when out of memory or the flags are invalid (EV_SIGNAL together
 *   with EV_READ/EV_WRITE/EV_CLOSED). */
EVENT2_EXPORT_SYMBOL
struct event *event_new(struct event_base *base, evutil_socket_t fd, short events, event_callback_fn callback, void *arg);

/** @brief Set up an event in storage the caller provides.
 *
 * As event_new(), without allocating.  The storage must hold
 * event_get_struct_event_size() bytes (or be a struct event from
 * <event2/event_struct.h>); it stays the caller's and must outlive the
 * event's last use.
 * @param ev the storage; must not hold a pending or active event (debug
 *   mode reports that as a fatal error).
 * @param base the base; NULL as for event_new().
 * @param fd as for event_new().
 * @param events as for event_new().
 * @param callback as for event_new().
 * @param arg as for event_new().
 * @return 0, or -1 when ev is NULL or the flags are invalid. */
EVENT2_EXPORT_SYMBOL
int event_assign(struct event *ev, struct event_base *base, evutil_socket_t fd, short events, event_callback_fn callback, void *arg);

/** @brief Make an event neither pending nor active, then release it.
 *
 * Only for events from event_new().  May be called from the event's own
 * callback.  With locking, waits for the event's callback to finish if it
 * runs in another thread, unless the event has EV_FINALIZE (use
 * event_free_finalize() to avoid waiting).
 * @param ev the event; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void event_free(struct event *ev);

/** @brief Runs once an event is finalized, from the loop.
 * @param ev the event (freed after this returns, for event_free_finalize()).
 * @param arg the event's callback argument. */
typedef void (*event_finalize_callback_fn)(struct event *ev, void *arg);

/** @brief Remove an event without blocking and be told when it is unused.
 *
 * The event is made non-pending at once; cb runs from the loop once no
 * callback of the event can still be running.  The event must not be
 * touched (added, assigned, freed) in between.
 * @note Safe from any thread with locking, including from the event's own
 *   callback.
 * @param flags reserved; pass 0.
 * @param ev the event.
 * @param cb called once the event is finalized.
 * @return 0, or -1 when ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_finalize(unsigned flags, struct event *ev, event_finalize_callback_fn cb);

/** @brief As event_finalize(), then free the event as event_free() would.
 *
 * Only for events from event_new().
 * @param flags reserved; pass 0.
 * @param ev the event.
 * @param cb called just before the event is freed.
 * @return 0, or -1 when ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_free_finalize(unsigned flags, struct event *ev, event_finalize_callback_fn cb);

/** @brief Run a callback once, without managing a struct event.
 *
 * The callback runs when fd becomes ready for events or the timeout
 * expires, whichever comes first; the library allocates and frees the
 * event.  If the base is freed first, the callback never runs.
 * @param base the base.
 * @param fd the fd to watch, or -1 for a timeout only.
 * @param events EV_READ and/or EV_WRITE, or EV_TIMEOUT alone for a timeout
 *   only; 0, EV_SIGNAL and EV_PERSIST are refused.
 * @param callback called once; must not be NULL.
 * @param arg passed to the callback.
 * @param tv the timeout, copied; NULL for none (with EV_TIMEOUT alone, NULL
 *   or a zero timeout runs the callback in the next loop iteration, in the
 *   order of the calls).
 * @return 0, or -1 when base or callback is NULL, the flags are refused or
 *   out of memory. */
EVENT2_EXPORT_SYMBOL
int event_base_once(struct event_base *base, evutil_socket_t fd, short events, event_callback_fn callback, void *arg, const struct timeval *tv);

/** @brief Make an event pending.
 *
 * Its callback runs when its fd or signal is ready or its timeout expires.
 * Adding an event that is already pending keeps it pending and replaces its
 * timeout (NULL removes it).
 * @param ev an event from event_new() or event_assign().
 * @param timeout how long to wait, relative to now, copied (or a value
 *   from event_base_init_common_timeout()); NULL for no timeout.
 * @return 0, or -1 when ev is NULL or has no base, or the backend refused
 *   the fd (for example a regular file with epoll). */
EVENT2_EXPORT_SYMBOL
int event_add(struct event *ev, const struct timeval *timeout);

/** @brief Drop only the timeout of a pending event.
 *
 * The event stays pending for its fd or signal.
 * @param ev the event.
 * @return 0, or -1 when ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_remove_timer(struct event *ev);

/** @brief Make an event neither pending nor active.
 *
 * No effect on an event that was neither.  With locking, when the event's
 * callback is running in another thread this waits for it to finish,
 * unless the event has EV_FINALIZE.
 * @param ev the event.
 * @return 0, or -1 when ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_del(struct event *ev);

/** @brief As event_del(), never waiting for a callback in another thread.
 * @param ev the event.
 * @return 0, or -1 when ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_del_noblock(struct event *ev);

/** @brief As event_del(), always waiting for a callback in another thread,
 * even for EV_FINALIZE events.
 * @param ev the event.
 * @return 0, or -1 when ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_del_block(struct event *ev);

/** @brief Make an event active as if some of its flags had fired.
 *
 * Works whether or not the event is pending; its callback runs from the
 * loop with those flags.  Activating an already active event adds the
 * flags to those it will see.
 * @note Safe from callbacks and, with locking, from any thread (the loop is
 *   woken up).
 * @param ev the event; NULL logs a warning and does nothing.
 * @param res the EV_* flags to pass to the callback.
 * @param ncalls for a signal event, how many times the callback runs (as
 *   if the signal had arrived that often); ignored for other events. */
EVENT2_EXPORT_SYMBOL
void event_active(struct event *ev, int res, short ncalls);

/** @brief Whether an event is pending or active for some flags.
 * @param ev the event.
 * @param events the EV_TIMEOUT, EV_READ, EV_WRITE, EV_CLOSED and EV_SIGNAL
 *   flags to ask about.
 * @param tv if not NULL and the event has a pending timeout asked about,
 *   receives its expiry time on the wall clock (gettimeofday() scale).
 * @return the asked flags that are pending or active; 0 for none or when
 *   ev is NULL or has no base. */
EVENT2_EXPORT_SYMBOL
int event_pending(const struct event *ev, short events, struct timeval *tv);

/** @brief The event whose callback is running.
 * @param base the base.
 * @return the event whose callback the loop is running, or NULL when no
 *   event's callback is running (the library's deferred callbacks are not
 *   events) or base is NULL. */
EVENT2_EXPORT_SYMBOL
struct event *event_base_get_running_event(struct event_base *base);

/** @brief Whether memory holds an event that was set up.
 *
 * Only reliable for telling a set-up event from zeroed memory.
 * @param ev the memory.
 * @return 1 if set up, 0 otherwise or when ev is NULL. */
EVENT2_EXPORT_SYMBOL
int event_initialized(const struct event *ev);

/* ---- Inspecting events ----------------------------------------------------- */
/** The signal number of a signal event (its fd field). */
#define event_get_signal(ev) ((int)event_get_fd(ev))

/** @brief The fd (or signal number) of an event.
 * @param ev the event.
 * @return the fd or signal number; -1 when none or ev is NULL. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t event_get_fd(const struct event *ev);

/** @brief The base an event belongs to.
 * @param ev the event.
 * @return the base, or NULL when ev is NULL. */
EVENT2_EXPORT_SYMBOL
struct event_base *event_get_base(const struct event *ev);

/** @brief The EV_* flags an event was set up with.
 * @param ev the event.
 * @return the flags, or 0 when ev is NULL. */
EVENT2_EXPORT_SYMBOL
short event_get_events(const struct event *ev);

/** @brief The callback of an event.
 * @param ev the event.
 * @return the callback, or NULL when ev is NULL. */
EVENT2_EXPORT_SYMBOL
event_callback_fn event_get_callback(const struct event *ev);

/** @brief The callback argument of an event.
 * @param ev the event.
 * @return the argument, or NULL when ev is NULL. */
EVENT2_EXPORT_SYMBOL
void *event_get_callback_arg(const struct event *ev);

/** @brief The priority of an event.
 * @param ev the event.
 * @return the priority (0 is the most urgent), or -1 when ev is NULL. */
EVENT2_EXPORT_SYMBOL
int event_get_priority(const struct event *ev);

/** @brief Copy out everything an event was set up with.
 * @param event the event; NULL does nothing.
 * @param base_out receives the base, or NULL to skip.
 * @param fd_out receives the fd or signal number, or NULL to skip.
 * @param events_out receives the EV_* flags, or NULL to skip.
 * @param callback_out receives the callback, or NULL to skip.
 * @param arg_out receives the callback argument, or NULL to skip. */
EVENT2_EXPORT_SYMBOL
void event_get_assignment(const struct event *event,
    struct event_base **base_out, evutil_socket_t *fd_out, short *events_out,
    event_callback_fn *callback_out, void **arg_out);

/** @brief The size of struct event as the library was built.
 *
 * Programs that allocate events themselves for event_assign() should use
 * this rather than sizeof, which may differ between versions.
 * @return sizeof(struct event) inside the library. */
EVENT2_EXPORT_SYMBOL
size_t event_get_struct_event_size(void);

/* ---- Version ----------------------------------------------------------------- */
/** @brief The version of the running library.
 * @return a static string, "2.1.12-stable". */
EVENT2_EXPORT_SYMBOL
const char *event_get_version(void);

/** @brief The version of the running library as a number.
 * @return one byte each for major, minor and patch, then 0: 0x02010c00. */
EVENT2_EXPORT_SYMBOL
ev_uint32_t event_get_version_number(void);

/** Version string of these headers (compare with event_get_version()). */
#define LIBEVENT_VERSION EVENT__VERSION
/** Version number of these headers (compare with event_get_version_number()). */
#define LIBEVENT_VERSION_NUMBER EVENT__NUMERIC_VERSION

/* ---- Priorities ----------------------------------------------------------- */
/** Upper bound for event_base_priority_init(). */
#define EVENT_MAX_PRIORITIES 256

/** @brief Set the number of priority levels of a base.
 *
 * Levels run from 0 (most urgent) to npriorities - 1; events set up
 * afterwards get the middle one (npriorities / 2).  A base starts with one
 * level.  Call it before any event is active.
 * @param base the base.
 * @param npriorities 1 to EVENT_MAX_PRIORITIES - 1.
 * @return 0, or -1 when base is NULL, npriorities is out of range, events
 *   are active, or out of memory. */
EVENT2_EXPORT_SYMBOL
int	event_base_priority_init(struct event_base *base, int npriorities);

/** @brief The number of priority levels of a base.
 * @param eb the base; NULL asks the global base of event_init().
 * @return the number of levels, or -1 when there is no base. */
EVENT2_EXPORT_SYMBOL
int	event_base_get_npriorities(struct event_base *eb);

/** @brief Set the priority of an event.
 * @param ev a set-up event that is not active.
 * @param priority 0 (most urgent) to the base's number of levels - 1.
 * @return 0, or -1 when ev is NULL or active, has no base, or the priority
 *   is out of range. */
EVENT2_EXPORT_SYMBOL
int	event_priority_set(struct event *ev, int priority);

/* ---- Common timeouts ------------------------------------------------------ */
/** @brief Get a marker timeval that stands for a duration shared by many
 * events.
 *
 * Passing the returned value to event_add() puts the event in a queue of
 * events with that same duration instead of the timer heap, which makes
 * adding and expiring many such timeouts cheap.  The value is only
 * meaningful to this base.
 * @param base the base.
 * @param duration the duration, copied.
 * @return the marker, owned by the base and valid until it is freed; NULL
 *   when an argument is NULL, the base already has 256 common timeouts, or
 *   out of memory. */
EVENT2_EXPORT_SYMBOL
const struct timeval *event_base_init_common_timeout(struct event_base *base,
    const struct timeval *duration);

/* ---- Memory ------------------------------------------------------------------ */
/** @brief Replace malloc, realloc and free for the whole library.
 *
 * Everything the library allocates, including what it hands out for the
 * caller to free (for example evbuffer_readln() results), goes through
 * these.  The library never asks malloc_fn for 0 bytes and never passes
 * NULL to free_fn.
 * @note Call before any other library function, from one thread; memory
 *   allocated before the call must not be freed after it.
 * @param malloc_fn replaces malloc(); NULL restores it.
 * @param realloc_fn replaces realloc(); NULL restores it.
 * @param free_fn replaces free(); NULL restores it. */
EVENT2_EXPORT_SYMBOL
void event_set_mem_functions(
	void *(*malloc_fn)(size_t sz),
	void *(*realloc_fn)(void *ptr, size_t sz),
	void (*free_fn)(void *ptr));
/** Defined because event_set_mem_functions() is available. */
#define EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED

/* ---- Introspection ---------------------------------------------------------- */
/** @brief Print every added and every active event of a base.
 *
 * For debugging; the format is not stable.
 * @param base the base; NULL does nothing.
 * @param output the stream to write to; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void event_base_dump_events(struct event_base *base, FILE *output);

/** @brief Activate the pending events on an fd as if it were ready.
 * @param base the base; NULL does nothing.
 * @param fd the fd; negative does nothing.
 * @param events the EV_READ/EV_WRITE/EV_CLOSED flags to report to the
 *   events that wait for them; with EV_TIMEOUT, the timers of events on fd
 *   fire instead. */
EVENT2_EXPORT_SYMBOL
void event_base_active_by_fd(struct event_base *base, evutil_socket_t fd, short events);

/** @brief Activate the pending events for a signal as if it had arrived.
 * @param base the base; NULL does nothing.
 * @param sig the signal number; out of range does nothing. */
EVENT2_EXPORT_SYMBOL
void event_base_active_by_signal(struct event_base *base, int sig);

/** @brief Visitor for event_base_foreach_event().
 * @param base the base being walked.
 * @param ev an added or active event; must not be changed.
 * @param arg the argument given to event_base_foreach_event().
 * @return 0 to go on, anything else to stop the walk. */
typedef int (*event_base_foreach_event_cb)(const struct event_base *base, const struct event *ev, void *arg);

/** @brief Call a function on every added or active event of a base.
 *
 * The library's own internal events are included.  The base lock is held
 * during the walk.
 * @note fn must not add, delete, activate or free events, nor call any
 *   function that takes the base's lock.
 * @param base the base.
 * @param fn the visitor.
 * @param arg passed to fn.
 * @return 0 when every event was visited, the nonzero value fn returned to
 *   stop, or -1 when base or fn is NULL. */
EVENT2_EXPORT_SYMBOL
int event_base_foreach_event(struct event_base *base, event_base_foreach_event_cb fn, void *arg);

/* ---- Cached time ------------------------------------------------------------ */
/** @brief The wall-clock time the loop last read, cheaply.
 *
 * Inside callbacks this is the time the loop read before running them (no
 * system call); outside the loop, or with EVENT_BASE_FLAG_NO_CACHE_TIME,
 * it is gettimeofday().
 * @param base the base; NULL asks the global base of event_init(), or
 *   gettimeofday() if there is none.
 * @param tv receives the time.
 * @return 0, or -1 when tv is NULL or gettimeofday() failed. */
EVENT2_EXPORT_SYMBOL
int event_base_gettimeofday_cached(struct event_base *base,
    struct timeval *tv);

/** @brief Refresh the base's cached time now.
 *
 * Useful in a long callback before reading event_base_gettimeofday_cached()
 * or adding timeouts; no effect when the loop is not running.
 * @param base the base; NULL means the global base of event_init().
 * @return 0, or -1 when there is no base. */
EVENT2_EXPORT_SYMBOL
int event_base_update_cache_time(struct event_base *base);

/* ---- Shutdown ---------------------------------------------------------------- */
/** @brief Release the library's global resources (debug-mode tables).
 *
 * Only for leak checkers at exit: every base and event must already be
 * freed, and no library call may follow. */
EVENT2_EXPORT_SYMBOL
void libevent_global_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_H_INCLUDED_ */
