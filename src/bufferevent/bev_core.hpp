// The part shared by every bufferevent type: the private state that follows
// the public struct bufferevent, the per-type operations table, reference
// counting, locking, suspension and callback dispatch (immediate or
// deferred to the loop).  Types live in their own files (socket, pair,
// filter); rate limiting in ratelimit*.cpp.
//
// Memory: one block holds the public struct, the private state and both
// evbuffers (embedded, reporting to us through the evbuffer owner hooks
// rather than allocated callback entries).  Whatever not every bufferevent
// needs (the deferred callback, rate limits, per-read/write caps, the DNS
// error) lives in a BevExtra allocated on first use.  An idle socket
// bufferevent is a single allocation of sizeof(BevCore).
#pragma once

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <event2/event_struct.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "evbuffer/evbuffer.hpp"

namespace ev {
struct BevRate;
struct BevCore;
}  // namespace ev

// The per-type operations table (struct bufferevent::be_ops).  Every hook
// is called with the bufferevent locked.
struct bufferevent_ops {
  const char* type;
  // Start moving data in the EV_READ/EV_WRITE directions; 0 or -1.
  int (*enable)(bufferevent* bev, short what);
  // Stop moving data in the given directions; 0 or -1.
  int (*disable)(bufferevent* bev, short what);
  // The last reference is gone: detach from other objects and events.
  void (*unlink)(bufferevent* bev);
  // Release type-specific resources right before the memory goes.
  void (*destruct)(bufferevent* bev);
  // Timeouts changed: re-arm whatever measures them; 0 or -1.
  int (*adj_timeouts)(bufferevent* bev);
  // bufferevent_flush(); -1, 0 (nothing moved) or 1.
  int (*flush)(bufferevent* bev, short iotype, bufferevent_flush_mode mode);
  // getfd/setfd/get_underlying; the pointer/fd hooks may be null.
  evutil_socket_t (*get_fd)(bufferevent* bev);
  int (*set_fd)(bufferevent* bev, evutil_socket_t fd);
  bufferevent* (*get_underlying)(bufferevent* bev);
  // Move queued output now if the transport allows (socket only; may be
  // null).  Called when the outermost handler ends or from the deferred run.
  void (*try_write)(bufferevent* bev);
  // The output buffer changed (the owner hook of the embedded buffer; not
  // called while the type turned the watch off).  May be null.
  void (*output_changed)(bufferevent* bev, const evbuffer_cb_info* info);
  // The input buffer changed while its watch is on (a read high watermark
  // is set), after the watermark suspension was updated.  May be null.
  void (*input_changed)(bufferevent* bev);
  // ev_read/ev_write watch the descriptor given to set_fd, and the write
  // handler finishes a connect while `connecting` is set, so
  // bufferevent_socket_connect() may be used (the socket type sets none of
  // this: it is recognised by its table; the OpenSSL socket type sets it).
  bool connectable;
};

namespace ev {

// Why reading or writing is paused independently of bufferevent_enable().
enum BevSuspend : uint8_t {
  kSuspendWatermark = 0x01,   // input reached the read high watermark
  kSuspendBandwidth = 0x02,   // own token bucket is empty
  kSuspendGroup = 0x04,       // the rate-limit group is empty
  kSuspendLookup = 0x08,      // a hostname lookup is in progress
  kSuspendFilterRead = 0x10,  // a filter on top does not want data
};

// Work waiting for the deferred callback.
enum BevPending : uint8_t {
  kPendingRead = 0x01,
  kPendingWrite = 0x02,
  kPendingTryWrite = 0x04,  // the socket type should attempt a write
};

inline constexpr size_t kDefaultMaxSingleIo = 16384;

// State that not every bufferevent needs, allocated on first use
// (bev_extra()) and freed at teardown.
struct BevExtra {
  event_callback deferred{};  // runs deferred_run(); see bev_schedule_deferred
  size_t max_single_read = kDefaultMaxSingleIo;
  size_t max_single_write = kDefaultMaxSingleIo;
  BevRate* rate = nullptr;  // rate limiting, when used
  int dns_error = 0;        // socket: last bufferevent_socket_connect_hostname
  int pending_errno = 0;    // errno of a deferred BEV_EVENT_ERROR
  // BEV_OPT_THREADSAFE: the recursive lock shared with both evbuffers.  It
  // lives here (created with the bufferevent) to keep idle unlocked
  // bufferevents small, and goes with the block (release_block()).
  void* lock = nullptr;
};

// Private state; the public struct comes first so that a bufferevent*
// handed to users converts back with a cast.
struct BevCore {
  bufferevent pub{};
  BevExtra* extra = nullptr;  // see bev_extra(); also holds the lock
  int refcnt = 1;
  uint16_t pending_events = 0;  // BEV_EVENT_* (any short) waiting for the deferred run
  uint8_t options = 0;          // BEV_OPT_* given at creation
  uint8_t read_suspended = 0;   // BevSuspend bits
  uint8_t write_suspended = 0;  // BevSuspend bits
  uint8_t pending = 0;          // BevPending bits
  uint8_t handler_depth = 0;    // nesting of our own handlers running
  // Users of the block: this bufferevent until its teardown, and each
  // embedded buffer until its last reference (views may outlive us).
  std::atomic<uint8_t> block_refs{3};
  bool own_lock : 1 = false;
  bool dying : 1 = false;       // refcnt reached zero, teardown in progress
  bool connecting : 1 = false;  // socket: non-blocking connect outstanding
  bool connection_refused : 1 = false;
  // socket: completion IO owns the descriptor's closing (socket_uring.cpp).
  bool fd_handed_off : 1 = false;
  // socket: the next set_fd is for a connect (stay in readiness mode).
  bool connect_setup : 1 = false;
  // socket on an io_uring base: the completion IO state (socket_uring.cpp).
  void* cio = nullptr;
  EmbeddedBuffer input_storage;
  EmbeddedBuffer output_storage;
};

inline BevCore* core_of(bufferevent* bev) { return reinterpret_cast<BevCore*>(bev); }
inline const BevCore* core_of(const bufferevent* bev) {
  return reinterpret_cast<const BevCore*>(bev);
}

// Sets up the common state of a freshly allocated bufferevent: buffers,
// lock (THREADSAFE, sharing `shared_lock` when given), deferred callbacks.
// On failure frees `c` entirely and returns false.
bool bev_init_common(BevCore* c, event_base* base, const bufferevent_ops* ops, int options,
                     void* shared_lock);
// Frees a bufferevent that bev_init_common() set up but that never went
// live (no events added, no references handed out).
void bev_abort_init(BevCore* c);
// The input buffer changed while its watch is on (read high watermark).
void bev_input_changed(bufferevent* bev);

// The extra state, created on first use (lock held); nullptr when out of
// memory.
BevExtra* bev_extra(BevCore* c);
inline void* bev_lock_of(const BevCore* c) {
  return c->extra != nullptr ? c->extra->lock : nullptr;
}
inline BevRate* bev_rate(const BevCore* c) {
  return c->extra != nullptr ? c->extra->rate : nullptr;
}

void bev_lock(bufferevent* bev);
void bev_unlock(bufferevent* bev);
void bev_incref_locked(bufferevent* bev);
void bev_incref_and_lock(bufferevent* bev);
// Drops a reference and the lock; frees on the last reference.  Returns
// true when the bufferevent is gone.
bool bev_decref_and_unlock(bufferevent* bev);

// Scoped "incref and lock" for handlers and API calls.
class BevHold {
 public:
  explicit BevHold(bufferevent* bev) : bev_(bev) { bev_incref_and_lock(bev_); }
  ~BevHold() { bev_decref_and_unlock(bev_); }
  BevHold(const BevHold&) = delete;
  BevHold& operator=(const BevHold&) = delete;

 private:
  bufferevent* bev_;
};

// bufferevent_enable/disable with the lock held (also used internally,
// e.g. to stop reading after EOF).
int bev_enable_locked(bufferevent* bev, short what);
int bev_disable_locked(bufferevent* bev, short what);

// Pause or resume a direction for the given BevSuspend reason.
void bev_suspend_read(bufferevent* bev, uint8_t why);
void bev_unsuspend_read(bufferevent* bev, uint8_t why);
void bev_suspend_write(bufferevent* bev, uint8_t why);
void bev_unsuspend_write(bufferevent* bev, uint8_t why);

// Run a user callback now, or queue it when deferral is on (the
// bufferevent's option or BEV_TRIG_DEFER_CALLBACKS in `options`).
void bev_run_readcb(bufferevent* bev, int options);
void bev_run_writecb(bufferevent* bev, int options);
void bev_run_eventcb(bufferevent* bev, short what, int options);
// The read/write callbacks if the watermarks (or options) allow.
void bev_trigger_locked(bufferevent* bev, short iotype, int options);
// The deferred callback's function (bev_callbacks.cpp).
void deferred_run(event_callback* cb, void* arg);
// Queue the deferred callback; false when its state cannot be allocated.
bool bev_schedule_deferred(BevCore* c);

// Marks one of our handlers as running: while any runs, a request to try
// writing is only recorded and carried out when the outermost one ends.
inline void bev_handler_enter(BevCore* c) { ++c->handler_depth; }
void bev_handler_leave(BevCore* c);
// Enters an event handler of a bufferevent type (socket, completion, TLS):
// locks, holds a reference and enters; false, with nothing held, if the
// bufferevent is being torn down by another thread.  bev_handler_end
// leaves, drops the reference and unlocks.
bool bev_handler_begin(bufferevent* bev);
void bev_handler_end(bufferevent* bev);
// Asks for ops->try_write: at the end of the running handler, or from a
// deferred run when no handler is running.
void bev_request_write(BevCore* c);

// Adds `e` with `tv` as its timeout, or no timeout when `tv` is all zero.
int bev_add_event(event* e, const timeval* tv);

// Generic timeouts for types without file descriptors (pair, filter):
// ev_read/ev_write are pure timers that report TIMEOUT|READING/WRITING.
void bev_init_generic_timers(bufferevent* bev);
int bev_generic_adj_timeouts(bufferevent* bev);
// Restarts the timers that are currently armed (after progress).
void bev_generic_reset_read_timer(bufferevent* bev);
void bev_generic_reset_write_timer(bufferevent* bev);
void bev_generic_del_timers(bufferevent* bev, short what);
// (Re)starts a timer whether or not it is armed (when a timeout is set).
void bev_generic_arm_read_timer(bufferevent* bev);
void bev_generic_arm_write_timer(bufferevent* bev);

// Limits for the next read/write: max-single caps and token buckets.
ev_ssize_t bev_read_allowance(BevCore* c);
ev_ssize_t bev_write_allowance(BevCore* c);
// Charge the buckets after moving `n` bytes; may suspend a direction.
void bev_charge_read(BevCore* c, ev_ssize_t n);
void bev_charge_write(BevCore* c, ev_ssize_t n);
// Leaves any rate-limit configuration or group (at teardown).
void bev_rate_teardown(BevCore* c);

}  // namespace ev
