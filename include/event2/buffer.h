/** @file
 * event2/buffer.h: evbuffer, a byte queue optimised for appending at the
 * back and consuming at the front.
 *
 * The bytes live in a list of memory blocks, so most operations never copy
 * or move data: appends fill the free tail of the last block, consumers
 * skip bytes at the front of the first one, and whole blocks move between
 * buffers by relinking them.  Readers that need contiguous memory ask for it
 * explicitly (evbuffer_pullup) or walk the blocks (evbuffer_peek).
 *
 * Bufferevents expose their input and output queues as evbuffers; see
 * bufferevent_get_input() and bufferevent_get_output().
 *
 * Ownership: evbuffer_new() returns a buffer the caller frees with
 * evbuffer_free(); a bufferevent's buffers belong to the bufferevent.
 * Pointers into a buffer (from evbuffer_pullup(), evbuffer_peek(),
 * evbuffer_ptr) are valid until the buffer next changes.
 *
 * Threads: a buffer is not locked unless evbuffer_enable_locking() was
 * called on it (a bufferevent created with BEV_OPT_THREADSAFE locks its
 * own); evbuffer_lock()/evbuffer_unlock() group several calls atomically.
 * Callbacks registered with evbuffer_add_cb() run after every change, or
 * from the event loop when deferred with evbuffer_defer_callbacks(); they
 * may read the buffer but should not add or drain data in a way that
 * loops. */
#ifndef EVENT2_BUFFER_H_INCLUDED_
#define EVENT2_BUFFER_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#include <stdarg.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_UIO_H
#include <sys/uio.h>
#endif
#include <event2/util.h>

/** An opaque byte queue. */
struct evbuffer
#ifdef EVENT_IN_DOXYGEN_
{}
#endif
;

/** A position inside an evbuffer, from its first byte up to just past its
 * last one.  Only `pos` is meaningful to programs; set it up with
 * evbuffer_ptr_set().  Any change to the buffer invalidates it. */
struct evbuffer_ptr {
	ev_ssize_t pos; /**< Offset from the first byte of the buffer; -1 when not found. */

	/** Private bookkeeping of the library; do not read or change. */
	struct {
		void *chain;
		size_t pos_in_chain;
	} internal_;
};

/** One extent of memory inside an evbuffer, as handed out by
 * evbuffer_peek() and evbuffer_reserve_space(): the system's struct iovec
 * where there is one. */
#ifdef EVENT__HAVE_SYS_UIO_H
#define evbuffer_iovec iovec
/** Set when evbuffer_iovec is the native struct iovec. */
#define EVBUFFER_IOVEC_IS_NATIVE_
#else
struct evbuffer_iovec {
	/** First byte of the extent. */
	void *iov_base;
	/** Number of bytes in the extent. */
	size_t iov_len;
};
#endif

/** Creates an empty evbuffer; NULL when memory runs out. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evbuffer_new(void);

/** Frees an evbuffer and releases everything it still holds (references
 * and file segments get their cleanup).  Its callbacks are not invoked. */
EVENT2_EXPORT_SYMBOL
void evbuffer_free(struct evbuffer *buf);

/** Makes every operation on `buf` take a lock: `lock` when given (a
 * recursive lock made through the evthread callbacks), otherwise a new one.
 * Callbacks run with the lock held.  Returns 0, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_enable_locking(struct evbuffer *buf, void *lock);

/** Takes the buffer's lock, to group several calls atomically.  Does
 * nothing when locking is not enabled. */
EVENT2_EXPORT_SYMBOL
void evbuffer_lock(struct evbuffer *buf);

/** Releases the lock taken by evbuffer_lock(). */
EVENT2_EXPORT_SYMBOL
void evbuffer_unlock(struct evbuffer *buf);

/** Promise that bytes leave this buffer only by being written to a file
 * descriptor, drained unseen, or moved whole to another buffer.  It lets
 * file segments be sent with sendfile() instead of being mapped. */
#define EVBUFFER_FLAG_DRAINS_TO_FD 1

/** Sets EVBUFFER_FLAG_* bits on `buf`.  Returns 0, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_set_flags(struct evbuffer *buf, ev_uint64_t flags);

/** Clears EVBUFFER_FLAG_* bits on `buf`.  Returns 0, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_clear_flags(struct evbuffer *buf, ev_uint64_t flags);

/** Number of bytes stored in `buf`. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_get_length(const struct evbuffer *buf);

/** Number of bytes stored contiguously at the front of `buf` (in its first
 * block); 0 when it is empty.  Pulling up that many bytes never copies. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_get_contiguous_space(const struct evbuffer *buf);

/** Makes sure that appending `datlen` more bytes needs no allocation.
 * Returns 0, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_expand(struct evbuffer *buf, size_t datlen);

/** Hands out at least `size` bytes of writable space at the end of `buf` as
 * up to `n_vec` extents (at least 1; one extent forces contiguous space,
 * two let the buffer use its existing free space).  The bytes become part
 * of the buffer only through evbuffer_commit_space(); any other change to
 * the buffer in between invalidates the extents.  Returns the number of
 * extents filled in, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int
evbuffer_reserve_space(struct evbuffer *buf, ev_ssize_t size,
    struct evbuffer_iovec *vec, int n_vec);

/** Appends the bytes written into space from evbuffer_reserve_space().
 * The extents must be the ones handed out, in order; lower iov_len to commit
 * less.  Returns 0, or -1 when the extents do not match the buffer. */
EVENT2_EXPORT_SYMBOL
int evbuffer_commit_space(struct evbuffer *buf,
    struct evbuffer_iovec *vec, int n_vecs);

/** Append a copy of datlen bytes.
 *
 * @param buf the buffer
 * @param data the bytes to copy; not referenced after the call
 * @param datlen how many bytes
 * @return 0, or -1 (out of memory, or the buffer's end is frozen). */
EVENT2_EXPORT_SYMBOL
int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen);

/** Move bytes from the front of the buffer into memory of the caller's.
 *
 * @param buf the buffer
 * @param data where to copy the bytes
 * @param datlen the most bytes to move
 * @return the number of bytes moved (fewer when the buffer held fewer, 0
 *   when empty), or -1 when the front is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove(struct evbuffer *buf, void *data, size_t datlen);

/** Copies up to `datlen` bytes from the front of `buf` into `data_out`,
 * leaving the buffer unchanged.  Returns the number copied, or -1. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t evbuffer_copyout(struct evbuffer *buf, void *data_out, size_t datlen);

/** Like evbuffer_copyout(), starting at position `pos` (NULL: the front). */
EVENT2_EXPORT_SYMBOL
ev_ssize_t evbuffer_copyout_from(struct evbuffer *buf, const struct evbuffer_ptr *pos, void *data_out, size_t datlen);

/** Moves up to `datlen` bytes from the front of `src` to the end of `dst`,
 * relinking whole blocks instead of copying where it can.  Returns the
 * number of bytes moved, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_buffer(struct evbuffer *src, struct evbuffer *dst,
    size_t datlen);

/** Which line endings evbuffer_readln() and evbuffer_search_eol() accept. */
enum evbuffer_eol_style {
	/** Any run of CR and LF characters, in any order and number.  A CRLF
	 * that arrives in two pieces therefore ends two lines. */
	EVBUFFER_EOL_ANY,
	/** LF, or CR immediately followed by LF (lenient text protocols). */
	EVBUFFER_EOL_CRLF,
	/** Exactly CR followed by LF. */
	EVBUFFER_EOL_CRLF_STRICT,
	/** A single LF. */
	EVBUFFER_EOL_LF,
	/** A single NUL byte. */
	EVBUFFER_EOL_NUL
};

/** Removes one line from the front of `buf` and returns it as a new
 * NUL-terminated string (allocated with the library's memory functions),
 * without its line ending.  `*n_read_out`, when given, receives the line's
 * length (the line may contain NULs).  NULL when no complete line is
 * there, or on failure. */
EVENT2_EXPORT_SYMBOL
char *evbuffer_readln(struct evbuffer *buffer, size_t *n_read_out,
    enum evbuffer_eol_style eol_style);

/** Move all data of inbuf to the end of outbuf, relinking memory blocks
 * instead of copying; inbuf is left empty.
 *
 * @return 0, or -1 when outbuf's end or inbuf's front is frozen (or memory
 *   ran out). */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_buffer(struct evbuffer *outbuf, struct evbuffer *inbuf);

/** Appends the contents of `inbuf` to `outbuf` without copying and without
 * emptying `inbuf`: both share the memory until each is done with it.
 * Fails (-1) when `inbuf` holds file segments or shared data itself. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_buffer_reference(struct evbuffer *outbuf,
    struct evbuffer *inbuf);

/** Called once the buffer no longer needs memory added by reference. */
typedef void (*evbuffer_ref_cleanup_cb)(const void *data,
    size_t datalen, void *extra);

/** Appends `datlen` bytes at `data` without copying them.  The memory must
 * stay valid and unchanged until `cleanupfn(data, datlen, cleanupfn_arg)`
 * is called, which happens exactly once, when the last of these bytes has
 * left every buffer.  Returns 0, or -1 (and then no cleanup happens). */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_reference(struct evbuffer *outbuf,
    const void *data, size_t datlen,
    evbuffer_ref_cleanup_cb cleanupfn, void *cleanupfn_arg);

/** Appends `length` bytes (-1: up to the end of the file) of the open file
 * `fd`, starting at `offset`, and takes ownership of `fd`, which is closed
 * once the data is gone.  With EVBUFFER_FLAG_DRAINS_TO_FD the bytes are
 * sent with sendfile(); otherwise the file is mapped or read.
 * Returns 0, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_file(struct evbuffer *outbuf, int fd, ev_off_t offset,
    ev_off_t length);

/** A reference-counted range of a file that can be added, in whole or in
 * part, to any number of evbuffers. */
struct evbuffer_file_segment;

/** Segment flag: close the file descriptor when the segment is freed and
 * no buffer uses it any more. */
#define EVBUF_FS_CLOSE_ON_FREE    0x01
/** Segment flag: never map the file into memory. */
#define EVBUF_FS_DISABLE_MMAP     0x02
/** Segment flag: never send it with sendfile(); use this when the bytes will
 * be read out of the buffer by other means than writing to a socket. */
#define EVBUF_FS_DISABLE_SENDFILE 0x04
/** Segment flag: the segment gets no lock, so it and the buffers holding it
 * must only ever be used from one thread at a time. */
#define EVBUF_FS_DISABLE_LOCKING  0x08

/** Called when a segment's last reference is gone, just before it is
 * released; `flags` are the segment's EVBUF_FS_* flags. */
typedef void (*evbuffer_file_segment_cleanup_cb)(
    struct evbuffer_file_segment const* seg, int flags, void* arg);

/** Makes a segment for `length` bytes (-1: up to the end of the file) of
 * `fd` from file offset `offset`.  `fd` must stay open while any buffer
 * uses the segment.  `flags` is a set of EVBUF_FS_* bits.  Returns NULL on
 * failure. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_file_segment *evbuffer_file_segment_new(
	int fd, ev_off_t offset, ev_off_t length, unsigned flags);

/** Drops the caller's reference to `seg`; it is released once no buffer
 * uses it any more. */
EVENT2_EXPORT_SYMBOL
void evbuffer_file_segment_free(struct evbuffer_file_segment *seg);

/** Sets the function called when `seg` is finally released. */
EVENT2_EXPORT_SYMBOL
void evbuffer_file_segment_add_cleanup_cb(struct evbuffer_file_segment *seg,
	evbuffer_file_segment_cleanup_cb cb, void* arg);

/** Appends `length` bytes (-1: all the rest) of `seg` starting `offset`
 * bytes into the segment (not into the file).  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_file_segment(struct evbuffer *buf,
    struct evbuffer_file_segment *seg, ev_off_t offset, ev_off_t length);

/** Appends printf-style formatted text.  Returns the number of bytes
 * appended, or -1 on failure. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_printf(struct evbuffer *buf, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 2, 3)))
#endif
;

/** evbuffer_add_printf() taking a va_list. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_vprintf(struct evbuffer *buf, const char *fmt, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 0)))
#endif
;

/** Discard bytes from the front of the buffer.
 *
 * @param buf the buffer
 * @param len how many bytes; more than the buffer holds drains it all
 * @return 0, or -1 when the front is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_drain(struct evbuffer *buf, size_t len);

/** Write as much of the buffer as the fd accepts, and drain what was
 * written.
 *
 * @param buffer the data to send
 * @param fd a socket or other writable fd (normally non-blocking)
 * @return the number of bytes written, or -1 with errno set (EAGAIN when the
 *   fd is not writable now). */
EVENT2_EXPORT_SYMBOL
int evbuffer_write(struct evbuffer *buffer, evutil_socket_t fd);

/** Like evbuffer_write(), writing at most `howmuch` bytes (negative: no
 * limit). */
EVENT2_EXPORT_SYMBOL
int evbuffer_write_atmost(struct evbuffer *buffer, evutil_socket_t fd,
						  ev_ssize_t howmuch);

/** Read from an fd and append what arrived.
 *
 * @param buffer where the data goes
 * @param fd a socket or other readable fd (normally non-blocking)
 * @param howmuch the most bytes to read; negative lets the library choose
 * @return the number of bytes read, 0 at end of file, or -1 with errno set
 *   (EAGAIN when nothing is available now). */
EVENT2_EXPORT_SYMBOL
int evbuffer_read(struct evbuffer *buffer, evutil_socket_t fd, int howmuch);

/** Finds the first occurrence of `len` bytes `what` at or after `start`
 * (NULL: the front).  The result's pos is -1 when there is none. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start);

/** Like evbuffer_search(), counting only occurrences that end at or before
 * `end` (NULL: the end of the buffer). */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search_range(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start, const struct evbuffer_ptr *end);

/** How evbuffer_ptr_set() interprets its position argument. */
enum evbuffer_ptr_how {
	/** Absolute offset from the front; the pointer may be uninitialised. */
	EVBUFFER_PTR_SET,
	/** Advance a valid pointer by that many bytes. */
	EVBUFFER_PTR_ADD
};

/** Moves `ptr` within `buffer` as `how` says.  The result may be anywhere
 * from the front to just past the last byte.  Returns 0, or -1 (and marks
 * `ptr` invalid, pos -1) when the position lies beyond the end. */
EVENT2_EXPORT_SYMBOL
int
evbuffer_ptr_set(struct evbuffer *buffer, struct evbuffer_ptr *ptr,
    size_t position, enum evbuffer_ptr_how how);

/** Finds the next line ending of style `eol_style` at or after `start`
 * (NULL: the front).  `*eol_len_out`, when given, receives its length
 * (0 when none is found).  The result's pos is -1 when there is none. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search_eol(struct evbuffer *buffer,
    struct evbuffer_ptr *start, size_t *eol_len_out,
    enum evbuffer_eol_style eol_style);

/** Points `vec_out` at the buffer's own memory, from `start_at` (NULL: the
 * front), one extent per block, without copying.  `len` bytes are wanted
 * (negative: fill all `n_vec` extents).  Returns how many extents that
 * takes, which may exceed `n_vec`; with n_vec 0 it only counts. */
EVENT2_EXPORT_SYMBOL
int evbuffer_peek(struct evbuffer *buffer, ev_ssize_t len,
    struct evbuffer_ptr *start_at,
    struct evbuffer_iovec *vec_out, int n_vec);


/** What changed since a buffer's callbacks last ran. */
struct evbuffer_cb_info {
	/** Length of the buffer when its callbacks last ran. */
	size_t orig_size;
	/** Bytes added since then. */
	size_t n_added;
	/** Bytes removed since then. */
	size_t n_deleted;
};

/** A callback run after the buffer's length changed.  It may change the
 * buffer (which can run the callbacks again), add callbacks or remove
 * itself. */
typedef void (*evbuffer_cb_func)(struct evbuffer *buffer, const struct evbuffer_cb_info *info, void *arg);

/** A registered callback. */
struct evbuffer_cb_entry;

/** Registers `cb(buffer, info, cbarg)`; a buffer may have many.  Returns a
 * handle for the other evbuffer_cb_* functions, or NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_cb_entry *evbuffer_add_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/** Unregisters the callback `ent`, which becomes invalid.  Returns 0, or -1
 * when it is not registered on `buffer`. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_cb_entry(struct evbuffer *buffer,
			     struct evbuffer_cb_entry *ent);

/** Unregisters the first callback registered with this function and
 * argument.  Returns 0, or -1 when there is none. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/** Callback flag, on by default: clear it to silence a callback for a while. */
#define EVBUFFER_CB_ENABLED 1

/** Sets flags (EVBUFFER_CB_ENABLED) on a callback.  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_cb_set_flags(struct evbuffer *buffer,
			  struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/** Clears flags (EVBUFFER_CB_ENABLED) on a callback.  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_cb_clear_flags(struct evbuffer *buffer,
			  struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/** Returns a pointer to the first `size` bytes (negative: all of them),
 * copying them into one block only if they are not already contiguous.
 * NULL when `size` is 0 or exceeds the buffer's length. */
EVENT2_EXPORT_SYMBOL
unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size);

/** Inserts a copy of `size` bytes at the front.  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_prepend(struct evbuffer *buf, const void *data, size_t size);

/** Moves everything from `src` to the front of `dst`.  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_prepend_buffer(struct evbuffer *dst, struct evbuffer* src);

/** Freezes one end of `buf`: at the front (at_front != 0) draining and
 * prepending fail; at the back, appending fails.  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_freeze(struct evbuffer *buf, int at_front);

/** Thaws an end frozen by evbuffer_freeze().  Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_unfreeze(struct evbuffer *buf, int at_front);

struct event_base;
/** Runs the buffer's callbacks later, from `base`'s event loop, instead of
 * right after each change; one run then reports several changes.
 * Returns 0, or -1. */
EVENT2_EXPORT_SYMBOL
int evbuffer_defer_callbacks(struct evbuffer *buffer, struct event_base *base);

/** Appends the bytes of `n_vec` extents, with one allocation at most.
 * Returns the number of bytes appended. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_add_iovec(struct evbuffer * buffer, struct evbuffer_iovec * vec, int n_vec);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_H_INCLUDED_ */
