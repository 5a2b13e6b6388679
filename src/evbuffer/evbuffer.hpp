// Internal evbuffer API for the other modules of libevent_core
// (bufferevents above all).  All functions are hidden C++; they take the
// buffer's lock themselves unless the name ends in `_locked`, in which case
// the caller holds it (evbuffer_lock()).
#pragma once

#include <event2/buffer.h>

#include <cstddef>

namespace ev {

// Reads up to `howmuch` bytes (not capped by the buffer's max read) from
// `fd` with one readv().  Returns bytes read, 0 at EOF, -1 with errno.
// Fails with -1 when the back of the buffer is frozen.
int buffer_read_fd(evbuffer* buf, int fd, size_t howmuch);
// Writes at most `howmuch` bytes from the front to `fd` and drains them.
// Returns bytes written or -1 with errno; -1 when the front is frozen.
int buffer_write_fd(evbuffer* buf, int fd, size_t howmuch);

// The same two with the lock already held and freeze checks done.
int buffer_read(evbuffer* buf, int fd, size_t howmuch);
int buffer_write(evbuffer* buf, int fd, size_t howmuch);

// The largest single evbuffer_read() (16 KiB unless changed); 0 restores
// the default.
void buffer_set_max_read(evbuffer* buf, size_t max);
size_t buffer_get_max_read(evbuffer* buf);

// Marks a callback to run immediately even when the buffer defers its
// callbacks (what a bufferevent needs for its own bookkeeping callbacks).
int buffer_cb_set_nodefer(evbuffer* buf, evbuffer_cb_entry* cb, bool nodefer);

// Suspends callbacks: changes keep accumulating and the callbacks run once,
// with the combined counts, when the last suspension is lifted.  Nests.
void buffer_suspend_callbacks(evbuffer* buf);
void buffer_resume_callbacks(evbuffer* buf);

// Bytes added and removed since the callbacks last ran.
void buffer_pending_changes(evbuffer* buf, size_t* added, size_t* deleted);

// Runs (or schedules) the callbacks now if anything changed.
void buffer_invoke_callbacks(evbuffer* buf);

// Ties the buffer to the bufferevent that owns it: a scheduled deferred
// callback run holds a reference to `parent` through `incref`/`decref`.
void buffer_set_parent(evbuffer* buf, void* parent, void (*incref)(void*), void (*decref)(void*));

// The lock evbuffer_enable_locking() installed (nullptr when none).
void* buffer_get_lock(evbuffer* buf);

// Extra references on the buffer: it is freed when the last one goes,
// whichever of evbuffer_free() and buffer_decref() comes last.
void buffer_incref(evbuffer* buf);
void buffer_decref(evbuffer* buf);

}  // namespace ev
