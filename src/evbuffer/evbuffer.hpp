// Internal evbuffer API for the other modules of libevent_core
// (bufferevents above all).  All functions are hidden C++; they take the
// buffer's lock themselves unless the name ends in `_locked`, in which case
// the caller holds it (evbuffer_lock()).
#pragma once

#include <event2/buffer.h>

#include <cstddef>
#include <cstdint>

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

// The largest single evbuffer_read() (16 KiB unless changed; at most
// INT_MAX); 0 restores the default.
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

// ---- buffers embedded in another object ----
// A bufferevent allocates its two buffers inside its own block.  Such a
// buffer carries a tag naming its role; it reports to its owner through
// the owner_buffer_* hooks below, which the owning module (bufferevent)
// defines, instead of through allocated callback entries or parent
// pointers.  Its storage is the owner's: the last reference calls
// owner_buffer_released() instead of freeing it.
enum BufferOwnerTag : uint8_t {
  kOwnerNone = 0,
  kOwnerBevInput = 1,
  kOwnerBevOutput = 2,
};
// Size of struct evbuffer (checked where it is defined).
inline constexpr size_t kEvbufferBytes = 72;
struct alignas(8) EmbeddedBuffer {
  unsigned char bytes[kEvbufferBytes];
};
// Constructs an empty buffer in `slot`.
evbuffer* buffer_init_embedded(EmbeddedBuffer* slot, BufferOwnerTag tag);
// Whether owner_buffer_changed() hears about changes (immediately, after
// the user callbacks, even when they are deferred).
void buffer_set_owner_watch(evbuffer* buf, bool on);

// The hooks, defined by the owner.  changed() and incref() are called with
// the buffer locked; decref() and released() (after the last reference has
// gone) without.
void owner_buffer_changed(evbuffer* buf, uint8_t tag, const evbuffer_cb_info* info);
// A deferred callback run was queued / has finished: keep the owner alive.
void owner_buffer_incref(evbuffer* buf, uint8_t tag);
void owner_buffer_decref(evbuffer* buf, uint8_t tag);
void owner_buffer_released(evbuffer* buf, uint8_t tag);

// Extra references on the buffer: it is freed when the last one goes,
// whichever of evbuffer_free() and buffer_decref() comes last.
void buffer_incref(evbuffer* buf);
void buffer_decref(evbuffer* buf);

}  // namespace ev
