/** @file
 * The key/value list used for HTTP headers and URI query parameters.
 *
 * struct evkeyvalq is a BSD-style tail queue of struct evkeyval.  When
 * <sys/queue.h> has not been included we provide just enough of its
 * TAILQ_ENTRY/TAILQ_HEAD macros to declare the types, and remove them again
 * so the user's own <sys/queue.h> can still be included afterwards.
 *
 * Walk a list with TAILQ_FOREACH (from <sys/queue.h>) or by following
 * tqh_first and next.tqe_next; change it only through the evhttp_*_header
 * functions of <event2/http.h>, which own the strings.
 *
 * <b>Thread safety.</b>  A list has no lock: one thread at a time.  The
 * header lists of a request follow the request's rules.
 *
 * <b>Callbacks.</b>  No callbacks are involved. */
#ifndef EVENT2_KEYVALQ_STRUCT_H_INCLUDED_
#define EVENT2_KEYVALQ_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TAILQ_ENTRY
/** Defined when this header defined TAILQ_ENTRY (and undefined it again). */
#define EVENT_DEFINED_TQENTRY_
/** Links of one element: the next element and the previous one's link. */
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;						\
	struct type **tqe_prev;						\
}
#endif /* !TAILQ_ENTRY */

#ifndef TAILQ_HEAD
/** Defined when this header defined TAILQ_HEAD (and undefined it again). */
#define EVENT_DEFINED_TQHEAD_
/** A list head: first element and the address of the last link. */
#define TAILQ_HEAD(name, type)						\
struct name {								\
	struct type *tqh_first;	/**< first element */		\
	struct type **tqh_last;	/**< link of the last element */	\
}
#endif

/** One header line or query parameter. */
struct evkeyval {
	TAILQ_ENTRY(evkeyval) next; /**< Link to the neighbouring entries. */

	/** The name; NUL-terminated, owned by the list. */
	char *key;
	/** The value; NUL-terminated, owned by the list. */
	char *value;
};

/** An ordered list of struct evkeyval. */
TAILQ_HEAD (evkeyvalq, evkeyval);

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif

#ifdef EVENT_DEFINED_TQHEAD_
#undef TAILQ_HEAD
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_KEYVALQ_STRUCT_H_INCLUDED_ */
