/** @file
 * event2/buffer_compat.h: the evbuffer interface of libevent 1.x, kept for
 * old programs.  New code uses <event2/buffer.h>, which must be included
 * before this header.
 *
 * @par Thread safety
 * As for <event2/buffer.h>: each function takes the buffer's lock when it
 * has one.  evbuffer_find() returns a pointer into the buffer, valid only
 * until another thread (or the caller) changes it.
 *
 * @par Callbacks
 * As for <event2/buffer.h>: these functions may be called from any
 * callback, including the buffer's own. */
#ifndef EVENT2_BUFFER_COMPAT_H_INCLUDED_
#define EVENT2_BUFFER_COMPAT_H_INCLUDED_

#include <event2/visibility.h>

/* C linkage for C++ programs too (the functions are plain C). */
#ifdef __cplusplus
extern "C" {
#endif

/** @brief Remove one line, ending at any run of CR and LF characters.
 *
 * Same as evbuffer_readln(buffer, NULL, EVBUFFER_EOL_ANY).  Deprecated:
 * that line-ending style suits almost no protocol.
 * @param buffer the buffer.
 * @return the line, NUL-terminated, for the caller to free(); NULL when no
 *   complete line is there or on error (see evbuffer_readln()). */
EVENT2_EXPORT_SYMBOL
char *evbuffer_readline(struct evbuffer *buffer);

/** @brief Old-style buffer callback, run after each change of the length.
 * @param buffer the buffer.
 * @param old_len its length before the change.
 * @param new_len its length after the change.
 * @param arg the argument given to evbuffer_setcb(). */
typedef void (*evbuffer_cb)(struct evbuffer *buffer, size_t old_len, size_t new_len, void *arg);

/** @brief Replace every callback of a buffer with one old-style callback.
 *
 * Deprecated because it also removes callbacks that other code (a
 * bufferevent, for example) added; use evbuffer_add_cb().
 * @param buffer the buffer.
 * @param cb the callback, or NULL to only remove all callbacks.
 * @param cbarg passed to cb.
 * @return 0, or -1 when buffer is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_setcb(struct evbuffer *buffer, evbuffer_cb cb, void *cbarg);

/** @brief Find bytes and return a pointer to them.
 *
 * The buffer is made contiguous up to the end of the match (which may
 * copy); prefer evbuffer_search().
 * @param buffer the buffer.
 * @param what the bytes to find.
 * @param len their number.
 * @return a pointer to the first match, valid until the buffer changes;
 *   NULL when there is none, an argument is NULL, len is 0, or out of
 *   memory. */
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
