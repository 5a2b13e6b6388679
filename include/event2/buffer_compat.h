/** @file
 * event2/buffer_compat.h: the evbuffer interface of libevent 1.x, kept for
 * old programs.  New code uses event2/buffer.h. */
#ifndef EVENT2_BUFFER_COMPAT_H_INCLUDED_
#define EVENT2_BUFFER_COMPAT_H_INCLUDED_

#include <event2/visibility.h>

/* C linkage for C++ programs too (the functions are plain C). */
#ifdef __cplusplus
extern "C" {
#endif

/** Same as evbuffer_readln(buffer, NULL, EVBUFFER_EOL_ANY).  Deprecated:
 * that line-ending style suits almost no protocol. */
EVENT2_EXPORT_SYMBOL
char *evbuffer_readline(struct evbuffer *buffer);

/** Old-style callback: told the buffer's length before and after a change. */
typedef void (*evbuffer_cb)(struct evbuffer *buffer, size_t old_len, size_t new_len, void *arg);

/** Replaces every callback of `buffer` with `cb` (NULL: removes them all).
 * Deprecated because it also removes callbacks that other code added.
 * Returns 0, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_setcb(struct evbuffer *buffer, evbuffer_cb cb, void *cbarg);

/** Finds the first occurrence of `len` bytes `what` and returns a pointer to
 * it, after making the buffer contiguous up to the end of the match; NULL
 * when there is none. */
EVENT2_EXPORT_SYMBOL
unsigned char *evbuffer_find(struct evbuffer *buffer, const unsigned char *what, size_t len);

/** Old name of evbuffer_get_length(). */
#define EVBUFFER_LENGTH(x)	evbuffer_get_length(x)
/** Old accessor: the whole contents, made contiguous (may copy a lot). */
#define EVBUFFER_DATA(x)	evbuffer_pullup((x), -1)

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_COMPAT_H_INCLUDED_ */
