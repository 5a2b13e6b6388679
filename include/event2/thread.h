/** @file
 * event2/thread.h: making the library safe to use from several threads.
 *
 * The library takes locks only if told how: call evthread_use_pthreads()
 * (from libevent_pthreads), or install your own primitives with
 * evthread_set_lock_callbacks() and evthread_set_condition_callbacks().
 * This has to happen before the first event_base is created. */
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

/** Lock kinds, passed to the alloc and free callbacks.  Recursive locks may
 * be re-taken by the thread holding them; they are required. */
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

/** Install locking primitives (NULL removes them while no lock exists);
 * they cannot be changed once in use.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int evthread_set_lock_callbacks(const struct evthread_lock_callbacks *);

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

/** Install condition-variable primitives; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evthread_set_condition_callbacks(
	const struct evthread_condition_callbacks *);

/** Install the function that identifies the calling thread. */
EVENT2_EXPORT_SYMBOL
void evthread_set_id_callback(
    unsigned long (*id_fn)(void));

/* ---- Ready-made setups ---------------------------------------------------- */
/** Use pthread mutexes, conditions and thread ids (link libevent_pthreads).
 * 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evthread_use_pthreads(void);
/** Defined because evthread_use_pthreads() is available. */
#define EVTHREAD_USE_PTHREADS_IMPLEMENTED 1

/** Wrap the installed lock callbacks with checks that abort on misuse
 * (unlocking an unheld lock, ...).  Call before any lock is created. */
EVENT2_EXPORT_SYMBOL
void evthread_enable_lock_debugging(void);

/** Misspelt older name of evthread_enable_lock_debugging(). */
EVENT2_EXPORT_SYMBOL
void evthread_enable_lock_debuging(void);

struct event_base;

/** Let other threads and signal handlers wake the base's loop; done
 * automatically when threading is set up.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int evthread_make_base_notifiable(struct event_base *base);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_THREAD_H_INCLUDED_ */
