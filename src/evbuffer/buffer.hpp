// struct evbuffer: the chain list, its bookkeeping and the operations the
// API layer (api_*.cpp) composes.  Private to src/evbuffer; other modules
// use evbuffer/evbuffer.hpp.
//
// Chain list invariants (checked by check_invariants()):
// - every chain from `first` up to `last_with_data` holds live bytes;
// - chains after `last_with_data` (all of them when it is null) are empty
//   memory blocks kept as free space (from expand/reserve/read);
// - total_len is the sum of `off` over the list.
// Every method expects the buffer's lock to be held by the caller.
#pragma once

#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event_struct.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/locking.hpp"
#include "evbuffer/chain.hpp"
#include "evbuffer/evbuffer.hpp"

// One registered callback, in a doubly linked list (newest first).
struct evbuffer_cb_entry {
  evbuffer_cb_entry* next = nullptr;
  evbuffer_cb_entry* prev = nullptr;
  evbuffer_cb_func fn = nullptr;      // modern callback
  evbuffer_cb obsolete_fn = nullptr;  // evbuffer_setcb() callback
  void* arg = nullptr;
  uint32_t flags = 0;  // EVBUFFER_CB_ENABLED | ev::kCbNoDefer
  bool dead = false;   // removed while callbacks were running
};

namespace ev {

// Internal callback flag: run immediately even when callbacks are deferred.
inline constexpr uint32_t kCbNoDefer = 0x2;
// Default and bounds of the largest single evbuffer_read().
inline constexpr size_t kDefaultMaxRead = 16384;
// Largest block a buffer keeps as free space once its bytes are drained,
// instead of returning it to malloc (a drain followed by appends is the
// common pattern: the next appends then need no allocation).
inline constexpr size_t kMaxSpareBytes = 16 * 1024;
// Largest block an append allocates beyond what it needs, when the buffer
// already holds that much (see add_slow()).
inline constexpr size_t kMaxGrowBlockBytes = 16 * 1024;
// Extents per readv() and writev().
inline constexpr int kReadIovecs = 4;
inline constexpr int kWriteIovecs = 128;

}  // namespace ev

namespace ev {

// One byte of state bits, grouped so that a fast path's tests of several
// of them compile to one masked test.
struct BufferFlags {
  bool freeze_start : 1 = false;
  bool freeze_end : 1 = false;
  bool user_freed : 1 = false;
  bool cb_dead_pending : 1 = false;
  bool owner_watch : 1 = false;     // report changes to the owner
  bool maybe_unmapped : 1 = false;  // may hold segment chains still on disk
  bool own_lock : 1 = false;
  bool drains_to_fd : 1 = false;  // EVBUFFER_FLAG_DRAINS_TO_FD
};
static_assert(sizeof(BufferFlags) == 1);

// Masks of BufferFlags' bits, for the fast paths' one-test checks: bit-fields
// are laid out from the lowest bit in declaration order (GCC and Clang on
// Linux; checked by unit_evbuffer_internal).
inline constexpr uint8_t kFlagFreezeStart = 1u << 0;
inline constexpr uint8_t kFlagFreezeEnd = 1u << 1;
inline constexpr uint8_t kFlagOwnerWatch = 1u << 4;
inline uint8_t flag_bits(const BufferFlags& f) {
  uint8_t bits;
  std::memcpy(&bits, &f, 1);
  return bits;
}

// Set up before the buffer is shared and never changed after, so read
// without the lock (a byte of its own: BufferFlags changes under the lock).
struct BufferSetup {
  bool has_lock : 1 = false;  // ext->lock is set (evbuffer_enable_locking)
  uint8_t owner_tag : 2 = 0;  // ev::BufferOwnerTag of an embedded buffer
};
static_assert(sizeof(BufferSetup) == 1);

}  // namespace ev

// Rarely used state, allocated on first need so that a plain buffer stays
// small: deferred callbacks, the parent hooks, a non-default max read.
struct BufferExt {
  event_base* cb_base = nullptr;  // deferral is on when set
  event_callback deferred{};
  void* parent = nullptr;  // kept alive by deferred runs
  void (*parent_incref)(void*) = nullptr;
  void (*parent_decref)(void*) = nullptr;
  // Reads never exceed INT_MAX bytes anyway.
  uint32_t max_read = ev::kDefaultMaxRead;
  bool deferred_scheduled = false;
  // The lock (evbuffer_enable_locking) lives here, not in every buffer:
  // most buffers never get one.  setup.has_lock tells whether it is set.
  void* lock = nullptr;
};

// Hot fields only, packed: 72 bytes.  A bufferevent embeds two of these in
// its own allocation (owner_tag != 0, see evbuffer/evbuffer.hpp).
struct evbuffer {
  // ---- chain list ----
  ev::Chain* first = nullptr;
  ev::Chain* last = nullptr;
  ev::Chain* last_with_data = nullptr;
  size_t total_len = 0;

  // ---- callbacks: changes not yet reported ----
  size_t n_add_for_cb = 0;
  size_t n_del_for_cb = 0;

  evbuffer_cb_entry* callbacks = nullptr;
  BufferExt* ext = nullptr;  // null until needed
  int refcnt = 1;
  uint8_t cb_depth = 0;      // nesting of run_callbacks()
  uint8_t cb_suspended = 0;  // ev::buffer_suspend_callbacks() nesting
  ev::BufferFlags flags;     // changed under the buffer's lock
  ev::BufferSetup setup;

  bool deferred_cbs() const { return ext != nullptr && ext->cb_base != nullptr; }
  size_t max_read() const { return ext != nullptr ? ext->max_read : ev::kDefaultMaxRead; }
  // The side block, allocated on first use; nullptr when that fails.
  BufferExt* get_ext();

  // ---- lifetime and locking (buffer_core.cpp) ----
  // Inline so that an unlocked buffer (the common case) pays no call.
  void* lock_ptr() const { return setup.has_lock ? ext->lock : nullptr; }
  void lock() {
    if (setup.has_lock) evpriv_lock_acquire(ext->lock, 0);
  }
  void unlock() {
    if (setup.has_lock) evpriv_lock_release(ext->lock, 0);
  }
  void incref() { ++refcnt; }
  // Drops a reference and the lock; the last reference frees everything.
  void decref_and_unlock() {
    if (refcnt > 1) {
      --refcnt;
      unlock();
      return;
    }
    release_last_ref();
  }
  // decref_and_unlock() for the last reference.
  void release_last_ref();

  // ---- chain list primitives (buffer_core.cpp) ----
  // Links a chain holding data after the last data chain, dropping empty
  // trailing blocks first.
  void append_data_chain(ev::Chain* chain);
  // Links an empty memory block at the very end.
  void append_empty_chain(ev::Chain* chain);
  void prepend_chain(ev::Chain* chain);
  void free_trailing_empty();
  void free_all_chains();
  // Removes `len` bytes from the front (len <= total_len); no callbacks.
  void drain_front(size_t len) {
    // Common case: the first chain keeps some of its bytes.
    if (first != nullptr && first->off > len) {
      first->consume(len);
      total_len -= len;
      return;
    }
    drain_front_chains(len);
  }
  // drain_front() when whole chains go away.
  void drain_front_chains(size_t len);
  // Empties the buffer; a standalone one keeps one small block as free
  // space (see kMaxSpareBytes).
  void drain_all();
  // Disposes of a block unlinked from the front: kept as the free block at
  // the end when there is none yet and it is reusable, else released.
  void retire_chain(ev::Chain* c);
  // The chain holding byte `pos` (pos < total_len) and the offset in it;
  // for pos == total_len returns nullptr.
  ev::Chain* locate(size_t pos, size_t* in_chain) const;
  // Brings every unmapped segment into memory; false on failure.
  bool materialize_all() { return !flags.maybe_unmapped || materialize_chains(); }
  bool materialize_chains();
  // A chain just linked in: notes whether it is still on disk.
  void note_linked(const ev::Chain* chain) {
    if (chain->unmapped()) flags.maybe_unmapped = true;
  }
  bool check_invariants() const;

  // ---- writing (buffer_add.cpp) ----
  int add(const void* data, size_t len) {
    if (len == 0) return 0;
    // Common case: the bytes fit in the free tail of the append chain.
    ev::Chain* c = last_with_data != nullptr ? last_with_data : first;
    if (c != nullptr && c->space() >= len && len <= SIZE_MAX / 2 - total_len) {
      std::memcpy(c->tail(), data, len);
      c->off += len;
      last_with_data = c;
      note_added(len);
      return 0;
    }
    return add_slow(data, len);
  }
  // add() when a block must be realigned, spanned or allocated.
  int add_slow(const void* data, size_t len);
  int prepend(const void* data, size_t len);
  // A chain whose tail offers `need` contiguous bytes, where the next
  // append goes; nullptr on allocation failure.
  ev::Chain* expand_single(size_t need);
  // Free space of at least `need` bytes over at most `max_vecs` chains.
  bool expand_fast(size_t need, int max_vecs);
  // Fills `vec` with the free space appends would use, at most `want`
  // bytes when `exact`, else whole blocks; returns the count.
  int setup_space_vecs(size_t want, iovec* vec, int max_vecs, bool exact);
  // Marks `n` bytes written into the free space as live (spread over the
  // chains in order, as setup_space_vecs() handed them out).
  void commit_appended(size_t n);
  // evbuffer_commit_space() for one or two extents that are exactly the
  // free space of the append block and the block after it (no counts, the
  // caller checked nobody watches); false, with nothing changed, otherwise.
  bool commit_in_place(const iovec* vec, int n_vecs);
  // evbuffer_commit_space(): validates the extents, then commits them.
  int commit_space(const iovec* vec, int n_vecs);
  // Makes `chain` (the append chain or an empty block after it) the last
  // chain with data, dropping empty blocks in between.
  void mark_filled(ev::Chain* chain);
  int vprintf(const char* fmt, va_list ap);

  // ---- reading (buffer_read.cpp) ----
  // Copies up to `len` bytes from `pos` without consuming; returns count.
  size_t copy_out(size_t pos, void* out, size_t len);
  unsigned char* pullup(size_t size);

  // ---- searching (buffer_search.cpp) ----
  // Offset of the first match of `what` starting in [from, limit - len];
  // -1 when there is none.
  ev_ssize_t find(const unsigned char* what, size_t len, size_t from, size_t limit);
  // Offset of the first `b` in [from, total_len); -1 when there is none.
  ev_ssize_t find_byte(unsigned char b, size_t from);
  // Offset of the first byte in [from, total_len) that is in `set`.
  ev_ssize_t find_any(const char* set, size_t from);
  // Length of the run of bytes from `set` starting at `from`.
  size_t span(const char* set, size_t from);
  unsigned char byte_at(size_t pos);
  // Line ending search: offset, and its length in *eol_len (0 if none).
  ev_ssize_t find_eol(size_t from, evbuffer_eol_style style, size_t* eol_len);

  // ---- callbacks (callbacks.cpp) ----
  // Runs (or schedules) callbacks after a change.
  void invoke_callbacks() {
    // Nobody watches: just forget the pending change counts.
    if (callbacks == nullptr && !flags.owner_watch) {
      n_add_for_cb = n_del_for_cb = 0;
      return;
    }
    invoke_watched_callbacks();
  }
  void invoke_watched_callbacks();
  void run_callbacks(bool running_deferred);
  evbuffer_cb_entry* add_callback(evbuffer_cb_func fn, evbuffer_cb obsolete, void* arg);
  int remove_callback(evbuffer_cb_entry* entry);
  void remove_all_callbacks();
  void sweep_dead_callbacks();

  // ---- accounting helpers ----
  void note_added(size_t n) { total_len += n, n_add_for_cb += n; }
  void note_deleted(size_t n) { n_del_for_cb += n; }
  // No callback (nor owner) can run after a change.
  bool unwatched() const { return callbacks == nullptr && !flags.owner_watch; }
  // Keeps the invariant "an unwatched buffer has no pending change counts"
  // (every operation on one resets them anyway), so that the API fast
  // paths need not touch the counts.
  void forget_changes_if_unwatched() {
    if (unwatched()) n_add_for_cb = n_del_for_cb = 0;
  }
  // The API fast paths: no lock to take, nobody to notify, and the end
  // (append) or the front (drain) not frozen.
  bool quiet_for_append() const {
    // Lock first: the flags of a shared buffer are read under its lock only.
    return !setup.has_lock && callbacks == nullptr &&
           (ev::flag_bits(flags) & (ev::kFlagOwnerWatch | ev::kFlagFreezeEnd)) == 0;
  }
  bool quiet_for_drain() const {
    // Lock first: the flags of a shared buffer are read under its lock only.
    return !setup.has_lock && callbacks == nullptr &&
           (ev::flag_bits(flags) & (ev::kFlagOwnerWatch | ev::kFlagFreezeStart)) == 0;
  }
};

namespace ev {

// A reference on a buffer's parent (the bufferevent that owns it), taken
// for a queued deferred run; release() drops it (call it unlocked).
struct ParentRef {
  evbuffer* owned = nullptr;  // embedded buffer: the owner hooks
  uint8_t tag = 0;
  void* parent = nullptr;  // ev::buffer_set_parent() hooks
  void (*decref)(void*) = nullptr;
  void release();
};
// Takes a reference on the parent of `buf`, if it has one.
void parent_incref(evbuffer* buf);
// Describes the reference parent_incref() took (nothing without a parent).
ParentRef buffer_parent_ref(evbuffer* buf);

// Locks two buffers in a fixed order (either may share the other's lock).
void lock_pair(evbuffer* a, evbuffer* b);
// Sets up deferred callbacks on `base` (callbacks.cpp).
void buffer_init_deferred(evbuffer* buf, event_base* base, int priority);

// RAII helpers for the API boundary: lock, and hold a reference so that a
// callback freeing the buffer cannot pull it away from under the call.
class BufferLock {
 public:
  explicit BufferLock(evbuffer* buf) : buf_(buf) {
    buf_->lock();
    buf_->incref();
  }
  ~BufferLock() { buf_->decref_and_unlock(); }
  BufferLock(const BufferLock&) = delete;
  BufferLock& operator=(const BufferLock&) = delete;

 private:
  evbuffer* buf_;
};

// The lock alone, for calls that never run callbacks (so nothing can free
// the buffer while they hold it) and for paths that checked unwatched().
using PlainLock = Locked<evbuffer>;

class PairLock {
 public:
  PairLock(evbuffer* a, evbuffer* b) : a_(a), b_(b) {
    lock_pair(a_, b_);
    a_->incref();
    b_->incref();
  }
  ~PairLock() {
    // Release in reverse order; each drop may free its buffer.
    b_->decref_and_unlock();
    a_->decref_and_unlock();
  }
  PairLock(const PairLock&) = delete;
  PairLock& operator=(const PairLock&) = delete;

 private:
  evbuffer* a_;
  evbuffer* b_;
};

}  // namespace ev
