/** @file
 * event2/event_struct.h: the layout of struct event.
 *
 * Programs may embed a struct event in their own structures (and then set it
 * up with event_assign()), so its size and field offsets are part of the
 * ABI.  The fields are the library's bookkeeping: read or write them only
 * through the functions of <event2/event.h>.
 *
 * @par Thread safety
 * The fields change under the base's lock (when the base has one); reading
 * them directly is not synchronised with the loop.  Use event_get_fd(),
 * event_pending() and the other accessors instead.
 *
 * @par Callbacks
 * This header declares no functions; see <event2/event.h> for which
 * functions callbacks may call. */
#ifndef EVENT2_EVENT_STRUCT_H_INCLUDED_
#define EVENT2_EVENT_STRUCT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>

/* ev_uint8_t, evutil_socket_t. */
#include <event2/util.h>

/* struct evkeyvalq has always come along with this header. */
#include <event2/keyvalq_struct.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Where an event currently is (the ev_flags / evcb_flags bits) ------- */
/** evcb_flags bit: the event has a pending timeout. */
#define EVLIST_TIMEOUT	    0x01	/**< has a pending timeout */
/** evcb_flags bit: the event is added and waits for I/O or a signal. */
#define EVLIST_INSERTED	    0x02	/**< added: waits for I/O or a signal */
/** evcb_flags bit: historical, for signal events (not set by this
 * library). */
#define EVLIST_SIGNAL	    0x04	/**< signal event, historical */
/** evcb_flags bit: the event is queued to run its callback. */
#define EVLIST_ACTIVE	    0x08	/**< queued to run its callback */
/** evcb_flags bit: one of the library's own events, not counted as
 * keeping the loop running. */
#define EVLIST_INTERNAL	    0x10	/**< the library's own, uncounted */
/** evcb_flags bit: the event becomes active in the next loop iteration. */
#define EVLIST_ACTIVE_LATER 0x20	/**< to be activated on the next loop */
/** evcb_flags bit: the event is being finalized and cannot be re-added. */
#define EVLIST_FINALIZING   0x40	/**< being finalized, cannot be re-added */
/** evcb_flags bit: the event was set up (event_assign()/event_new()). */
#define EVLIST_INIT	    0x80	/**< set up by event_assign() */

/** Every EVLIST_* bit. */
#define EVLIST_ALL          0xff

/* ---- List links --------------------------------------------------------
 * The <sys/queue.h> shapes, defined here only when the program has not
 * included that header, and removed again below so that a later
 * #include <sys/queue.h> does not clash.  The EVENT_DEFINED_* markers stay
 * defined, as they always have. */
#ifndef TAILQ_ENTRY
/** Defined when this header defined TAILQ_ENTRY (and undefined it again). */
#define EVENT_DEFINED_TQENTRY_
/** A tail-queue link, shaped as <sys/queue.h>'s. */
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;	/**< following entry */			\
	struct type **tqe_prev;	/**< link that points at this entry */	\
}
#endif

#ifndef TAILQ_HEAD
/** Defined when this header defined TAILQ_HEAD (and undefined it again). */
#define EVENT_DEFINED_TQHEAD_
/** A tail-queue head named struct name, shaped as <sys/queue.h>'s. */
#define TAILQ_HEAD(name, type)			\
struct name {					\
	struct type *tqh_first;	/**< first element */		\
	struct type **tqh_last;	/**< link of the last element */	\
}
#endif

#ifndef LIST_ENTRY
/** Defined when this header defined LIST_ENTRY (and undefined it again). */
#define EVENT_DEFINED_LISTENTRY_
/** A list link, shaped as <sys/queue.h>'s. */
#define LIST_ENTRY(type)						\
struct {								\
	struct type *le_next;	/**< following entry */			\
	struct type **le_prev;	/**< link that points at this entry */	\
}
#endif

#ifndef LIST_HEAD
/** Defined when this header defined LIST_HEAD (and undefined it again). */
#define EVENT_DEFINED_LISTHEAD_
/** A list head named struct name, shaped as <sys/queue.h>'s. */
#define LIST_HEAD(name, type)						\
struct name {								\
	struct type *lh_first;	/**< first entry */			\
	}
#endif

struct event;
struct event_base;

/** What every schedulable callback (events and the library's deferred work)
 * has in common; the first member of struct event. */
struct event_callback {
	TAILQ_ENTRY(event_callback) evcb_active_next;	/**< active queue link */
	short evcb_flags;		/**< EVLIST_* bits */
	ev_uint8_t evcb_pri;		/**< priority; lower runs first */
	ev_uint8_t evcb_closure;	/**< how to invoke the callback */
	/** The callback, in the signature its closure kind calls for. */
	union {
		void (*evcb_callback)(evutil_socket_t, short, void *); /**< an event's callback */
		void (*evcb_selfcb)(struct event_callback *, void *); /**< the library's deferred work */
		void (*evcb_evfinalize)(struct event *, void *); /**< an event's finalizer */
		void (*evcb_cbfinalize)(struct event_callback *, void *); /**< deferred work's finalizer */
	} evcb_cb_union;
	void *evcb_arg;			/**< user argument of the callback */
};

/** One watched fd, signal or timer: 128 bytes on x86-64. */
struct event {
	struct event_callback ev_evcallback; /**< Callback, flags and priority. */

	/** Place in the timeout structure: a common-timeout queue or the
	 * min-heap. */
	union {
		TAILQ_ENTRY(event) ev_next_with_common_timeout; /**< link in a common-timeout queue */
		int min_heap_idx; /**< index in the timer min-heap */
	} ev_timeout_pos;
	evutil_socket_t ev_fd;		/**< fd, or signal number */

	struct event_base *ev_base;	/**< owning base */

	union {
		/** I/O events: link in the fd's list. */
		struct {
			LIST_ENTRY (event) ev_io_next; /**< link in the fd's list */
			struct timeval ev_timeout;	/**< relative timeout */
		} ev_io;

		/** Signal events: link in the signal's list and call count. */
		struct {
			LIST_ENTRY (event) ev_signal_next; /**< link in the signal's list */
			short ev_ncalls; /**< deliveries left to report */
			short *ev_pncalls;	/**< lets a callback cut repeats */
		} ev_signal;
	} ev_; /**< What only I/O or only signal events need. */

	short ev_events;		/**< EV_* flags asked for */
	short ev_res;			/**< EV_* flags passed to the callback */
	struct timeval ev_timeout;	/**< absolute expiry time */
};

/** List heads the library keeps events in. */
TAILQ_HEAD (event_list, event);

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif

#ifdef EVENT_DEFINED_TQHEAD_
#undef TAILQ_HEAD
#endif

/** A list of events (per fd and per signal). */
LIST_HEAD (event_dlist, event);

#ifdef EVENT_DEFINED_LISTENTRY_
#undef LIST_ENTRY
#endif

#ifdef EVENT_DEFINED_LISTHEAD_
#undef LIST_HEAD
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_STRUCT_H_INCLUDED_ */
