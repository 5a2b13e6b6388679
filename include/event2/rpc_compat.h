/** @file
 * Deprecated RPC accessor macros.
 *
 * Older code passed a variable number of arguments to EVTAG_ASSIGN,
 * EVTAG_GET and EVTAG_ADD.  With GNU C (outside strict ISO mode) this
 * header restores those variadic forms; include it after <event2/rpc.h>.
 *
 * <b>Thread safety</b> and <b>Callbacks</b>: the macros call the generated
 * accessors of a message, which has no lock; see <event2/rpc.h>. */
#ifndef EVENT2_RPC_COMPAT_H_INCLUDED_
#define EVENT2_RPC_COMPAT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(__STRICT_ANSI__)
#undef EVTAG_ASSIGN
#undef EVTAG_GET
#undef EVTAG_ADD

/* Forward any extra arguments to the generated accessor.  The named
 * variadic form is a GNU extension; keep -pedantic builds quiet about it
 * where the compiler lets a pragma do so. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvariadic-macros"
/** Call the generated assign accessor of @p member with any arguments. */
#define EVTAG_ASSIGN(msg, member, args...) \
	(*(msg)->base->member##_assign)(msg, ## args)
/** Call the generated get accessor of @p member with any arguments. */
#define EVTAG_GET(msg, member, args...) \
	(*(msg)->base->member##_get)(msg, ## args)
/** Call the generated add accessor of array @p member with any
 * arguments. */
#define EVTAG_ADD(msg, member, args...) \
	(*(msg)->base->member##_add)(msg, ## args)
#pragma GCC diagnostic pop
#endif

/** Old name of EVTAG_ARRAY_LEN. */
#define EVTAG_LEN(msg, member) ((msg)->member ##_length)

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_COMPAT_H_INCLUDED_ */
