/** @file
 * event2/buffer.h: evbuffer, a byte queue optimised for appending at the
 * back and consuming at the front.
 *
 * The bytes live in a list of memory blocks, so most operations never copy
 * or move data: appends fill the free tail of the last block, consumers
 * skip bytes at the front of the first one, and whole blocks move between
 * buffers by relinking them.  Readers that need contiguous memory ask for it
 * explicitly (evbuffer_pullup()) or walk the blocks (evbuffer_peek()).
 *
 * Bufferevents expose their input and output queues as evbuffers; see
 * bufferevent_get_input() and bufferevent_get_output().
 *
 * @par Ownership
 * evbuffer_new() returns a buffer the caller frees with evbuffer_free(); a
 * bufferevent's buffers belong to the bufferevent.  Pointers into a buffer
 * (from evbuffer_pullup(), evbuffer_peek(), evbuffer_reserve_space(), a
 * struct evbuffer_ptr) are valid until the buffer next changes.  Functions
 * given a NULL buffer log a warning and return their failure value.
 *
 * @par Thread safety
 * A buffer is not locked unless evbuffer_enable_locking() was called on it
 * (a bufferevent created with BEV_OPT_THREADSAFE locks its own); then every
 * function may be called on it from any thread, and
 * evbuffer_lock()/evbuffer_unlock() group several calls atomically.  An
 * unlocked buffer must be used by one thread at a time.
 *
 * @par Callbacks
 * Callbacks registered with evbuffer_add_cb() run right after every change
 * of the buffer's length (with its lock held), or from the event loop when
 * deferred with evbuffer_defer_callbacks().  They may call any function of
 * this header on the buffer, including ones that change it (which runs the
 * callbacks again) or that remove the callback itself; a change made from
 * a callback that always changes the buffer again loops forever. */
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
		void *chain; /**< private */
		size_t pos_in_chain; /**< private */
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

/** @brief Create an empty evbuffer.
 * @return the buffer, owned by the caller (release it with
 *   evbuffer_free()), or NULL when out of memory. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *evbuffer_new(void);

/** @brief Free an evbuffer and everything it still holds.
 *
 * Memory added by reference is released (its cleanup runs once no other
 * buffer shares it) and file segments lose this buffer's reference.  The
 * buffer's callbacks are not run.
 * @param buf the buffer; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void evbuffer_free(struct evbuffer *buf);

/** @brief Give a buffer a lock, so that it may be used from several
 * threads.
 *
 * Needs threading set up first (evthread_use_pthreads()).  Callbacks then
 * run with the lock held.
 * @param buf the buffer.
 * @param lock a recursive lock made through the evthread callbacks
 *   (EVTHREAD_LOCKTYPE_RECURSIVE), still owned by the caller; NULL makes a
 *   new one that the buffer owns.
 * @return 0, or -1 when buf is NULL, already has a lock, or no lock could be
 *   made (for example threading is not set up). */
EVENT2_EXPORT_SYMBOL
int evbuffer_enable_locking(struct evbuffer *buf, void *lock);

/** @brief Take a buffer's lock, to group several calls atomically.
 *
 * Recursive; does nothing when locking is not enabled.
 * @param buf the buffer. */
EVENT2_EXPORT_SYMBOL
void evbuffer_lock(struct evbuffer *buf);

/** @brief Release the lock taken by evbuffer_lock().
 * @param buf the buffer. */
EVENT2_EXPORT_SYMBOL
void evbuffer_unlock(struct evbuffer *buf);

/** Promise that bytes leave this buffer only by being written to a file
 * descriptor, drained unseen, or moved whole to another buffer.  It lets
 * file segments be sent with sendfile() instead of being mapped. */
#define EVBUFFER_FLAG_DRAINS_TO_FD 1

/** @brief Set EVBUFFER_FLAG_* bits on a buffer.
 * @param buf the buffer.
 * @param flags the bits to set; unknown bits are ignored.
 * @return 0, or -1 when buf is NULL. */
EVENT2_EXPORT_SYMBOL
int evbuffer_set_flags(struct evbuffer *buf, ev_uint64_t flags);

/** @brief Clear EVBUFFER_FLAG_* bits on a buffer.
 * @param buf the buffer.
 * @param flags the bits to clear; unknown bits are ignored.
 * @return 0, or -1 when buf is NULL. */
EVENT2_EXPORT_SYMBOL
int evbuffer_clear_flags(struct evbuffer *buf, ev_uint64_t flags);

/** @brief The number of bytes stored in a buffer.
 * @param buf the buffer.
 * @return the length; 0 when buf is NULL. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_get_length(const struct evbuffer *buf);

/** @brief The number of bytes stored contiguously at the front.
 *
 * Pulling up that many bytes (evbuffer_pullup()) never copies.
 * @param buf the buffer.
 * @return the length of the first block's data; 0 when the buffer is empty
 *   or buf is NULL. */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_get_contiguous_space(const struct evbuffer *buf);

/** @brief Make sure that appending some bytes needs no allocation.
 * @param buf the buffer.
 * @param datlen the number of bytes.
 * @return 0, or -1 when buf is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_expand(struct evbuffer *buf, size_t datlen);

/** @brief Get writable space at the end of a buffer, to fill in place.
 *
 * The bytes become part of the buffer only through evbuffer_commit_space();
 * any other change to the buffer in between invalidates the extents.
 * @param buf the buffer.
 * @param size at least this many bytes of space (0 asks for some space).
 * @param vec receives the extents.
 * @param n_vec the room in vec, at least 1: one extent forces contiguous
 *   space, two let the buffer use its existing free space.
 * @return the number of extents filled in, or -1 when buf or vec is NULL,
 *   size is negative, n_vec is below 1, the end is frozen, or out of
 *   memory. */
EVENT2_EXPORT_SYMBOL
int
evbuffer_reserve_space(struct evbuffer *buf, ev_ssize_t size,
    struct evbuffer_iovec *vec, int n_vec);

/** @brief Append the bytes written into space from evbuffer_reserve_space().
 * @param buf the buffer.
 * @param vec the extents handed out, in order, with iov_len lowered to the
 *   number of bytes actually written.
 * @param n_vecs how many extents to commit (0 commits nothing).
 * @return 0, or -1 when buf is NULL, the extents do not match the space
 *   handed out, or the end is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_commit_space(struct evbuffer *buf,
    struct evbuffer_iovec *vec, int n_vecs);

/** @brief Append a copy of some bytes.
 * @param buf the buffer.
 * @param data the bytes to copy; not referenced after the call; may be NULL
 *   only when datlen is 0.
 * @param datlen how many bytes.
 * @return 0, or -1 when buf is NULL, data is NULL with a nonzero length,
 *   out of memory, or the buffer's end is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen);

/** @brief Move bytes from the front of a buffer into the caller's memory.
 * @param buf the buffer.
 * @param data where to copy the bytes.
 * @param datlen the most bytes to move (at most INT_MAX are moved).
 * @return the number of bytes moved (fewer when the buffer held fewer, 0
 *   when empty), or -1 when buf or data is NULL, the front is frozen, or
 *   a file segment could not be read. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove(struct evbuffer *buf, void *data, size_t datlen);

/** @brief Copy bytes from the front of a buffer, leaving it unchanged.
 * @param buf the buffer.
 * @param data_out where to copy the bytes.
 * @param datlen the most bytes to copy.
 * @return the number of bytes copied (0 when empty), or -1 when buf or
 *   data_out is NULL, the front is frozen, or a file segment could not be
 *   read. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t evbuffer_copyout(struct evbuffer *buf, void *data_out, size_t datlen);

/** @brief Copy bytes from a position of a buffer, leaving it unchanged.
 * @param buf the buffer.
 * @param pos where to start, from evbuffer_ptr_set() or a search; NULL
 *   means the front.
 * @param data_out where to copy the bytes.
 * @param datlen the most bytes to copy.
 * @return the number of bytes copied (0 at the end), or -1 as for
 *   evbuffer_copyout() or when pos lies outside the buffer. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t evbuffer_copyout_from(struct evbuffer *buf, const struct evbuffer_ptr *pos, void *data_out, size_t datlen);

/** @brief Move bytes from the front of one buffer to the end of another.
 *
 * Whole blocks are relinked instead of copied where possible.
 * @param src the buffer to take from.
 * @param dst the buffer to append to.
 * @param datlen the most bytes to move (at most INT32_MAX).
 * @return the number of bytes moved (0 when src is empty or is dst), or -1
 *   when an argument is NULL, src's front or dst's end is frozen, or out of
 *   memory. */
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

/** @brief Remove one line from the front of a buffer.
 *
 * The line and its ending are drained; the line is returned without its
 * ending.
 * @param buffer the buffer.
 * @param n_read_out if not NULL, receives the line's length (the line may
 *   contain NUL bytes).
 * @param eol_style which line endings count.
 * @return the line as a new NUL-terminated string that the caller frees
 *   with free() (or the function given to event_set_mem_functions()); NULL
 *   when no complete line is there, buffer is NULL, the front is frozen, or
 *   out of memory. */
EVENT2_EXPORT_SYMBOL
char *evbuffer_readln(struct evbuffer *buffer, size_t *n_read_out,
    enum evbuffer_eol_style eol_style);

/** @brief Move all data of one buffer to the end of another.
 *
 * Memory blocks are relinked, not copied; inbuf is left empty.
 * @param outbuf the buffer to append to.
 * @param inbuf the buffer to empty.
 * @return 0 (also when inbuf is empty or is outbuf), or -1 when an argument
 *   is NULL or outbuf's end or inbuf's front is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_buffer(struct evbuffer *outbuf, struct evbuffer *inbuf);

/** @brief Append a buffer's contents by reference.
 *
 * Nothing is copied and inbuf is not emptied: both buffers share the memory
 * until each is done with it.  Later changes to inbuf do not show in
 * outbuf.
 * @param outbuf the buffer to append to.
 * @param inbuf the buffer whose contents to share.
 * @return 0, or -1 when an argument is NULL, they are the same buffer,
 *   outbuf's end is frozen, inbuf holds file segments or shared data
 *   itself, or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_buffer_reference(struct evbuffer *outbuf,
    struct evbuffer *inbuf);

/** @brief Called once a buffer no longer needs memory added by reference.
 * @param data the memory given to evbuffer_add_reference().
 * @param datalen its length.
 * @param extra the cleanupfn_arg given to evbuffer_add_reference(). */
typedef void (*evbuffer_ref_cleanup_cb)(const void *data,
    size_t datalen, void *extra);

/** @brief Append memory without copying it.
 *
 * The memory must stay valid and unchanged until the cleanup function is
 * called, which happens exactly once, when the last of these bytes has left
 * every buffer (at once for 0 bytes).
 * @param outbuf the buffer.
 * @param data the memory; may be NULL only when datlen is 0.
 * @param datlen its length.
 * @param cleanupfn called as cleanupfn(data, datlen, cleanupfn_arg), or
 *   NULL.
 * @param cleanupfn_arg passed to cleanupfn.
 * @return 0, or -1 (and then cleanupfn is not called) when outbuf is NULL,
 *   data is NULL with a nonzero length, the end is frozen, or out of
 *   memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_reference(struct evbuffer *outbuf,
    const void *data, size_t datlen,
    evbuffer_ref_cleanup_cb cleanupfn, void *cleanupfn_arg);

/** @brief Append a range of an open file, taking ownership of the fd.
 *
 * With EVBUFFER_FLAG_DRAINS_TO_FD the bytes are later sent with
 * sendfile(); otherwise they are read into memory when needed.
 * @param outbuf the buffer.
 * @param fd an open file; closed once the data is gone.  If the range
 *   cannot be used at all (bad range, fstat() failed, out of memory) fd
 *   stays open and is still the caller's; if appending fails after that, fd
 *   is closed.
 * @param offset the file offset of the first byte; not negative.
 * @param length the number of bytes, or -1 up to the end of the file.
 * @return 0, or -1 on failure (outbuf NULL, bad range, the end is frozen,
 *   out of memory). */
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

/** @brief Called when a file segment's last reference is gone, just before
 * it is released.
 * @param seg the segment (do not use it after returning).
 * @param flags the segment's EVBUF_FS_* flags.
 * @param arg the argument given to evbuffer_file_segment_add_cleanup_cb(). */
typedef void (*evbuffer_file_segment_cleanup_cb)(
    struct evbuffer_file_segment const* seg, int flags, void* arg);

/** @brief Make a file segment.
 * @param fd an open file; it must stay open while any buffer uses the
 *   segment (with EVBUF_FS_CLOSE_ON_FREE the segment closes it at the end).
 * @param offset the file offset of the first byte; not negative.
 * @param length the number of bytes, or -1 up to the end of the file.
 * @param flags a bitwise OR of EVBUF_FS_* flags.
 * @return the segment, holding one reference for the caller (drop it with
 *   evbuffer_file_segment_free()), or NULL when the range is invalid,
 *   fstat() failed, the bytes could not be read (with
 *   EVBUF_FS_DISABLE_SENDFILE), or out of memory; fd is then not closed. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_file_segment *evbuffer_file_segment_new(
	int fd, ev_off_t offset, ev_off_t length, unsigned flags);

/** @brief Drop the caller's reference to a file segment.
 *
 * It is released (cleanup callback, then closing the fd with
 * EVBUF_FS_CLOSE_ON_FREE) once no buffer uses it any more.
 * @param seg the segment; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void evbuffer_file_segment_free(struct evbuffer_file_segment *seg);

/** @brief Set the function called when a file segment is released.
 * @param seg the segment.
 * @param cb the function, or NULL for none; replaces an earlier one.
 * @param arg passed to cb. */
EVENT2_EXPORT_SYMBOL
void evbuffer_file_segment_add_cleanup_cb(struct evbuffer_file_segment *seg,
	evbuffer_file_segment_cleanup_cb cb, void* arg);

/** @brief Append part of a file segment.
 *
 * The buffer takes its own reference to the segment.
 * @param buf the buffer.
 * @param seg the segment.
 * @param offset where to start, counted from the segment's start (not the
 *   file's).
 * @param length the number of bytes, or -1 for the rest of the segment.
 * @return 0, or -1 when an argument is NULL, the range lies outside the
 *   segment, the end is frozen, or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_file_segment(struct evbuffer *buf,
    struct evbuffer_file_segment *seg, ev_off_t offset, ev_off_t length);

/** @brief Append printf-style formatted text.
 *
 * The terminating NUL is not appended.
 * @param buf the buffer.
 * @param fmt a printf() format.
 * @param ... the values for fmt.
 * @return the number of bytes appended, or -1 when buf or fmt is NULL, the
 *   end is frozen, or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_printf(struct evbuffer *buf, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 2, 3)))
#endif
;

/** @brief Append printf-style formatted text from a va_list.
 * @param buf the buffer.
 * @param fmt a printf() format.
 * @param ap the values for fmt.
 * @return as for evbuffer_add_printf(). */
EVENT2_EXPORT_SYMBOL
int evbuffer_add_vprintf(struct evbuffer *buf, const char *fmt, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 0)))
#endif
;

/** @brief Discard bytes from the front of a buffer.
 * @param buf the buffer.
 * @param len how many bytes; more than the buffer holds drains it all.
 * @return 0, or -1 when buf is NULL or the front is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_drain(struct evbuffer *buf, size_t len);

/** @brief Write as much of a buffer as an fd accepts, and drain it.
 * @param buffer the data to send.
 * @param fd a socket or other writable fd (normally non-blocking).
 * @return the number of bytes written, or -1: with errno set when the
 *   system call failed (EAGAIN when the fd is not writable now), also when
 *   the buffer is empty (no system call is made), buffer is NULL or its
 *   front is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_write(struct evbuffer *buffer, evutil_socket_t fd);

/** @brief Write at most some bytes of a buffer to an fd, and drain them.
 * @param buffer the data to send.
 * @param fd a socket or other writable fd (normally non-blocking).
 * @param howmuch the most bytes to write; negative for no limit.
 * @return as for evbuffer_write(); -1 also when howmuch is 0. */
EVENT2_EXPORT_SYMBOL
int evbuffer_write_atmost(struct evbuffer *buffer, evutil_socket_t fd,
						  ev_ssize_t howmuch);

/** @brief Read from an fd and append what arrived.
 * @param buffer where the data goes.
 * @param fd a socket or other readable fd (normally non-blocking).
 * @param howmuch the most bytes to read; negative (or more than 16384)
 *   reads at most 16384 bytes, the per-call cap.
 * @return the number of bytes read, 0 at end of file, or -1: with errno
 *   set when the system call failed (EAGAIN when nothing is available now),
 *   also when buffer is NULL, its end is frozen or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_read(struct evbuffer *buffer, evutil_socket_t fd, int howmuch);

/** @brief Find bytes in a buffer.
 * @param buffer the buffer.
 * @param what the bytes to find.
 * @param len their number.
 * @param start where to start looking, or NULL for the front.
 * @return the position of the first match at or after start; its pos is -1
 *   when there is none or an argument is invalid. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start);

/** @brief Find bytes in a range of a buffer.
 * @param buffer the buffer.
 * @param what the bytes to find.
 * @param len their number.
 * @param start where to start looking, or NULL for the front.
 * @param end only matches that end at or before this position count; NULL
 *   means the end of the buffer.
 * @return the position of the first match; its pos is -1 when there is
 *   none or an argument is invalid. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search_range(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start, const struct evbuffer_ptr *end);

/** How evbuffer_ptr_set() interprets its position argument. */
enum evbuffer_ptr_how {
	/** Absolute offset from the front; the pointer may be uninitialised. */
	EVBUFFER_PTR_SET,
	/** Advance a valid pointer by that many bytes. */
	EVBUFFER_PTR_ADD
};

/** @brief Set or move a position inside a buffer.
 *
 * The result may be anywhere from the front to just past the last byte.
 * @param buffer the buffer.
 * @param ptr the position to set or move.
 * @param position the offset (EVBUFFER_PTR_SET) or distance
 *   (EVBUFFER_PTR_ADD) in bytes.
 * @param how EVBUFFER_PTR_SET or EVBUFFER_PTR_ADD.
 * @return 0, or -1 (and ptr->pos becomes -1) when the position lies beyond
 *   the end or an argument is NULL. */
EVENT2_EXPORT_SYMBOL
int
evbuffer_ptr_set(struct evbuffer *buffer, struct evbuffer_ptr *ptr,
    size_t position, enum evbuffer_ptr_how how);

/** @brief Find the next line ending in a buffer.
 * @param buffer the buffer.
 * @param start where to start looking, or NULL for the front.
 * @param eol_len_out if not NULL, receives the length of the line ending
 *   found (0 when none).
 * @param eol_style which line endings count.
 * @return the position of the line ending; its pos is -1 when there is
 *   none. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_ptr evbuffer_search_eol(struct evbuffer *buffer,
    struct evbuffer_ptr *start, size_t *eol_len_out,
    enum evbuffer_eol_style eol_style);

/** @brief Look at a buffer's memory without copying.
 *
 * Fills vec_out with one extent per block, pointing at the buffer's own
 * memory (valid until the buffer changes; do not write through it).
 * @param buffer the buffer.
 * @param len how many bytes are wanted; negative fills all n_vec extents
 *   (or, with n_vec 0, counts the extents of the whole rest).
 * @param start_at where to start, or NULL for the front.
 * @param vec_out receives the extents; may be NULL when n_vec is 0.
 * @param n_vec the room in vec_out; 0 only counts.
 * @return how many extents the wanted bytes take, which may exceed n_vec;
 *   -1 when buffer is NULL, n_vec is negative, vec_out is NULL with n_vec
 *   above 0, or start_at lies outside the buffer. */
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

/** @brief A callback run after a buffer's length changed.
 *
 * It may change the buffer (which can run the callbacks again), add
 * callbacks or remove itself.
 * @param buffer the buffer.
 * @param info what changed since the callbacks last ran.
 * @param arg the argument given to evbuffer_add_cb(). */
typedef void (*evbuffer_cb_func)(struct evbuffer *buffer, const struct evbuffer_cb_info *info, void *arg);

/** Opaque: a callback registered on a buffer. */
struct evbuffer_cb_entry;

/** @brief Register a callback run after each change of a buffer's length.
 *
 * A buffer may have many; they run in the reverse order of registration.
 * @param buffer the buffer.
 * @param cb the callback.
 * @param cbarg passed to cb.
 * @return a handle for the other evbuffer_cb_* functions, owned by the
 *   buffer (valid until removed or the buffer is freed), or NULL when
 *   buffer or cb is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
struct evbuffer_cb_entry *evbuffer_add_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/** @brief Unregister a callback by its handle.
 * @param buffer the buffer.
 * @param ent the handle, invalid afterwards.
 * @return 0, or -1 when an argument is NULL or ent is not registered on
 *   buffer. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_cb_entry(struct evbuffer *buffer,
			     struct evbuffer_cb_entry *ent);

/** @brief Unregister the first callback with a function and argument.
 * @param buffer the buffer.
 * @param cb the callback function.
 * @param cbarg its argument.
 * @return 0, or -1 when buffer is NULL or no such callback is
 *   registered. */
EVENT2_EXPORT_SYMBOL
int evbuffer_remove_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/** Callback flag, on by default: clear it to silence a callback for a while. */
#define EVBUFFER_CB_ENABLED 1

/** @brief Set flags on a registered callback.
 * @param buffer the buffer.
 * @param cb the callback's handle.
 * @param flags EVBUFFER_CB_ENABLED; other bits are ignored.
 * @return 0, or -1 when an argument is NULL or cb is not registered on
 *   buffer. */
EVENT2_EXPORT_SYMBOL
int evbuffer_cb_set_flags(struct evbuffer *buffer,
			  struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/** @brief Clear flags on a registered callback.
 * @param buffer the buffer.
 * @param cb the callback's handle.
 * @param flags EVBUFFER_CB_ENABLED; other bits are ignored.
 * @return 0, or -1 when an argument is NULL or cb is not registered on
 *   buffer. */
EVENT2_EXPORT_SYMBOL
int evbuffer_cb_clear_flags(struct evbuffer *buffer,
			  struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/** @brief Make the first bytes of a buffer contiguous.
 *
 * They are copied into one block only if they are not contiguous already.
 * @param buf the buffer.
 * @param size how many bytes; negative means all of them.
 * @return a pointer to them, valid until the buffer changes; NULL when
 *   size is 0 (or the buffer is empty), size exceeds the length, buf is
 *   NULL, or out of memory. */
EVENT2_EXPORT_SYMBOL
unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size);

/** @brief Insert a copy of some bytes at the front of a buffer.
 * @param buf the buffer.
 * @param data the bytes; may be NULL only when size is 0.
 * @param size their number.
 * @return 0, or -1 when buf is NULL, data is NULL with a nonzero size, the
 *   front is frozen, or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_prepend(struct evbuffer *buf, const void *data, size_t size);

/** @brief Move everything from one buffer to the front of another.
 * @param dst the buffer to prepend to.
 * @param src the buffer to empty.
 * @return 0 (also when src is empty or is dst), or -1 when an argument is
 *   NULL or the front of either is frozen. */
EVENT2_EXPORT_SYMBOL
int evbuffer_prepend_buffer(struct evbuffer *dst, struct evbuffer* src);

/** @brief Freeze one end of a buffer.
 *
 * At the front, draining, removing and prepending fail; at the back,
 * appending fails.  Bufferevents freeze the ends users must not touch.
 * @param buf the buffer.
 * @param at_front nonzero for the front, 0 for the back.
 * @return 0, or -1 when buf is NULL. */
EVENT2_EXPORT_SYMBOL
int evbuffer_freeze(struct evbuffer *buf, int at_front);

/** @brief Thaw an end frozen by evbuffer_freeze().
 * @param buf the buffer.
 * @param at_front nonzero for the front, 0 for the back.
 * @return 0, or -1 when buf is NULL. */
EVENT2_EXPORT_SYMBOL
int evbuffer_unfreeze(struct evbuffer *buf, int at_front);

struct event_base;
/** @brief Run a buffer's callbacks from an event loop instead of at once.
 *
 * They then run from base's loop after changes, one run reporting several
 * changes.  Changes not yet reported go to the first such run.
 * @param buffer the buffer.
 * @param base the base whose loop runs them.
 * @return 0, or -1 when an argument is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int evbuffer_defer_callbacks(struct evbuffer *buffer, struct event_base *base);

/** @brief Append the bytes of several extents, with one allocation at
 * most.
 * @param buffer the buffer.
 * @param vec the extents.
 * @param n_vec their number.
 * @return the number of bytes appended; 0 when nothing was (NULL
 *   arguments, n_vec not positive, the end is frozen, out of memory). */
EVENT2_EXPORT_SYMBOL
size_t evbuffer_add_iovec(struct evbuffer * buffer, struct evbuffer_iovec * vec, int n_vec);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_H_INCLUDED_ */
