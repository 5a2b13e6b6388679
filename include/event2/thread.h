/** @file
 * event2/thread.h: making the library safe to use from several threads.
 *
 * The library takes locks only if told how: call evthread_use_pthreads()
 * (from libevent_pthreads), or install your own primitives with
 * evthread_set_lock_callbacks(), evthread_set_condition_callbacks() and
 * evthread_set_id_callback().  Bases, bufferevents and buffers created
 * before that have no locks and stay single-threaded.
 *
 * @par Thread safety
 * The setup functions of this header change global state without a lock:
 * call them once, from one thread, before any event_base is created and
 * before other threads use the library.  evthread_make_base_notifiable()
 * is the exception: it takes the base's lock.
 *
 * @par Callbacks
 * The lock and condition callbacks installed here are called by the
 * library from any thread, possibly with other library locks held: they
 * must not call into the library.  None of these functions is meant to be
 * called from an event callback (evthread_make_base_notifiable() may
 * be). */
#ifndef EVENT2_THREAD_H_INCLUDED_
#define EVENT2_THREAD_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Mode bits passed to the lock and unlock callbacks ---------------- */
/** Read-write lock taken for writing. */
#define EVTHREAD_WRITE	0x04
/** Read-write lock taken for reading. */
#define EVTHREAD_READ	0x08
/** Do not block: fail (nonzero) if the lock is held elsewhere. */
#define EVTHREAD_TRY    0x10

/* ---- Locks ---------------------------------------------------------------- */
/** Value for evthread_lock_callbacks.lock_api_version. */
#define EVTHREAD_LOCK_API_VERSION 1

/** Lock kind for the alloc and free callbacks: a recursive lock, which the
 * thread holding it may take again.  Every lock the library makes is of
 * this kind. */
#define EVTHREAD_LOCKTYPE_RECURSIVE 1
/** Shared readers, exclusive writer (not used by the library yet). */
#define EVTHREAD_LOCKTYPE_READWRITE 2

/** The locking primitives the library should use. */
struct evthread_lock_callbacks {
	/** Must be EVTHREAD_LOCK_API_VERSION. */
	int lock_api_version;
	/** EVTHREAD_LOCKTYPE_* bits the callbacks can create. */
	unsigned supported_locktypes;
	/** Create a lock of the given type; NULL on failure. */
	void *(*alloc)(unsigned locktype);
	/** Destroy a lock made by alloc with the same type. */
	void (*free)(void *lock, unsigned locktype);
	/** Take a lock (mode: EVTHREAD_* bits); 0 on success. */
	int (*lock)(unsigned mode, void *lock);
	/** Release a lock; 0 on success. */
	int (*unlock)(unsigned mode, void *lock);
};

/** @brief Install the locking primitives the library uses.
 *
 * Once installed they cannot be replaced by different ones.  With lock
 * debugging on (evthread_enable_lock_debugging()) they are wrapped by the
 * checks.
 * @param cbs the primitives, copied; all four functions must be set.  NULL
 *   removes them (only safe while no lock exists; a warning is logged
 *   otherwise).
 * @return 0 (also when the same primitives are installed again), or -1
 *   when a function is missing or different primitives are already
 *   installed. */
EVENT2_EXPORT_SYMBOL
int evthread_set_lock_callbacks(const struct evthread_lock_callbacks *cbs);

/* ---- Condition variables ------------------------------------------------ */
/** Value for evthread_condition_callbacks.condition_api_version. */
#define EVTHREAD_CONDITION_API_VERSION 1

struct timeval;

/** The condition-variable primitives the library should use. */
struct evthread_condition_callbacks {
	/** Must be EVTHREAD_CONDITION_API_VERSION. */
	int condition_api_version;
	/** Create a condition (condtype is 0); NULL on failure. */
	void *(*alloc_condition)(unsigned condtype);
	/** Destroy a condition. */
	void (*free_condition)(void *cond);
	/** Wake one waiter, or all when broadcast is nonzero; called with the
	 * associated lock held.  0 or -1. */
	int (*signal_condition)(void *cond, int broadcast);
	/** Release lock, wait for a signal or for the relative timeout (NULL:
	 * forever), take lock again.  0 when signalled, 1 on timeout, -1 on
	 * error. */
	int (*wait_condition)(void *cond, void *lock,
	    const struct timeval *timeout);
};

/** @brief Install the condition-variable primitives the library uses.
 *
 * The library waits on conditions when a thread must wait for a callback
 * running in another one (event_del() of a running event).
 * @param cbs the primitives, copied; all four functions must be set.  NULL
 *   removes them (a warning is logged when they were in use).
 * @return 0 (also when the same primitives are installed again), or -1
 *   when a function is missing or different primitives are already
 *   installed. */
EVENT2_EXPORT_SYMBOL
int evthread_set_condition_callbacks(
	const struct evthread_condition_callbacks *cbs);

/** @brief Install the function that identifies the calling thread.
 * @param id_fn returns a number unique to the calling thread (for example
 *   pthread_self()); NULL removes it. */
EVENT2_EXPORT_SYMBOL
void evthread_set_id_callback(
    unsigned long (*id_fn)(void));

/* ---- Ready-made setups ---------------------------------------------------- */
/** @brief Use POSIX threads: recursive pthread mutexes, condition
 * variables and pthread_self() as the thread id.
 *
 * Defined in libevent_pthreads (link it too).  Call before creating any
 * base.
 * @return 0, or -1 when the mutex attributes could not be set up. */
EVENT2_EXPORT_SYMBOL
int evthread_use_pthreads(void);
/** Defined because evthread_use_pthreads() is available. */
#define EVTHREAD_USE_PTHREADS_IMPLEMENTED 1

/** @brief Check every use of the library's locks.
 *
 * Wraps the installed lock callbacks with checks that abort on misuse
 * (unlocking a lock not held, freeing a held lock, waiting on a condition
 * without holding its lock).  Call after installing the lock callbacks and
 * before any lock is created; a second call does nothing. */
EVENT2_EXPORT_SYMBOL
void evthread_enable_lock_debugging(void);

/** @brief Misspelt older name of evthread_enable_lock_debugging(). */
EVENT2_EXPORT_SYMBOL
void evthread_enable_lock_debuging(void);

struct event_base;

/** @brief Let other threads wake a base's loop.
 *
 * Gives the base a wake-up fd (an eventfd), so that event_add(),
 * event_active() and loopbreak from another thread interrupt a loop that
 * is waiting.  Done automatically for bases created after threading was set
 * up.
 * @param base the base.
 * @return 0 (also when it already was notifiable), or -1 when base is NULL
 *   or the wake-up fd could not be made. */
EVENT2_EXPORT_SYMBOL
int evthread_make_base_notifiable(struct event_base *base);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_THREAD_H_INCLUDED_ */
