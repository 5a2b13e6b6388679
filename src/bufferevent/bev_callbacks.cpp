// Delivery of user callbacks, immediately or through the deferred callback
// that runs from the event loop (BEV_OPT_DEFER_CALLBACKS,
// BEV_TRIG_DEFER_CALLBACKS), and the "try to write" requests the socket
// type batches until its handlers finish.
#include <cerrno>

#include "bufferevent/bev_core.hpp"
#include "core/deferred.hpp"

namespace ev {
namespace {

bool deferring(const BevCore* c, int options) {
  return ((c->options | options) & BEV_OPT_DEFER_CALLBACKS) != 0;
}

// Runs one user callback, without the lock under BEV_OPT_UNLOCK_CALLBACKS.
template <class Fn>
void call_user(BevCore* c, Fn&& fn) {
  const bool unlock = (c->options & BEV_OPT_UNLOCK_CALLBACKS) != 0;
  if (unlock) bev_unlock(&c->pub);
  fn();
  if (unlock) bev_lock(&c->pub);
}

}  // namespace

bool bev_schedule_deferred(BevCore* c) {
  // Its state is allocated on first use (idle bufferevents never need it).
  BevExtra* x = bev_extra(c);
  if (x == nullptr) return false;
  // No reference is held while queued: a teardown cancels the queued run
  // (so an event_base freed before its loop runs again leaks nothing).
  evpriv_callback_schedule(c->pub.ev_base, &x->deferred);
  return true;
}

namespace {

// Queues the pending write attempt; out of memory, waits for writability
// instead (only the socket type, whose ev_write watches the fd, asks).
void schedule_try_write(BevCore* c) {
  if (bev_schedule_deferred(c)) return;
  c->pending &= static_cast<uint8_t>(~kPendingTryWrite);
  bev_add_event(&c->pub.ev_write, &c->pub.timeout_write);
}

}  // namespace

void bev_request_write(BevCore* c) {
  c->pending |= kPendingTryWrite;
  if (c->handler_depth == 0) schedule_try_write(c);
}

void bev_handler_leave(BevCore* c) {
  bufferevent* bev = &c->pub;
  if (c->handler_depth == 1 && (c->pending & kPendingTryWrite)) {
    c->pending &= static_cast<uint8_t>(~kPendingTryWrite);
    if (!c->dying && bev->be_ops->try_write != nullptr) bev->be_ops->try_write(bev);
    // Output queued by a write callback run from try_write goes through the
    // loop, so that a writer refilling on every callback cannot starve it.
    if (c->pending & kPendingTryWrite) schedule_try_write(c);
  }
  --c->handler_depth;
}

namespace {

// After a read callback: input still at the read high watermark (reading
// suspended) means the callback drained nothing, and no new data will come
// to call it again; so, as libevent does, it is called again from the loop
// until it drains.
void inbuf_wm_check(bufferevent* bev) {
  if (bev->wm_read.high == 0 || !(bev->enabled & EV_READ) || core_of(bev)->dying) return;
  if (evbuffer_get_length(bev->input) < bev->wm_read.high) return;
  bev_trigger_locked(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

}  // namespace

void bev_run_readcb(bufferevent* bev, int options) {
  BevCore* c = core_of(bev);
  if (bev->readcb == nullptr) return;
  if (deferring(c, options) && bev_schedule_deferred(c)) {
    c->pending |= kPendingRead;
  } else {
    bev->readcb(bev, bev->cbarg);  // (out of memory: no deferral)
    inbuf_wm_check(bev);
  }
}

void bev_run_writecb(bufferevent* bev, int options) {
  BevCore* c = core_of(bev);
  if (bev->writecb == nullptr) return;
  if (deferring(c, options) && bev_schedule_deferred(c)) {
    c->pending |= kPendingWrite;
  } else {
    bev->writecb(bev, bev->cbarg);  // (out of memory: no deferral)
  }
}

void bev_run_eventcb(bufferevent* bev, short what, int options) {
  BevCore* c = core_of(bev);
  if (bev->errorcb == nullptr) return;
  const int err = errno;  // allocating the deferred state may change it
  if (deferring(c, options) && bev_schedule_deferred(c)) {
    c->pending_events = static_cast<uint16_t>(c->pending_events | static_cast<uint16_t>(what));
    if (what & BEV_EVENT_ERROR) c->extra->pending_errno = err;
  } else {
    errno = err;
    bev->errorcb(bev, what, bev->cbarg);  // (out of memory: no deferral)
  }
}

void bev_trigger_locked(bufferevent* bev, short iotype, int options) {
  const bool ignore_wm = (options & BEV_TRIG_IGNORE_WATERMARKS) != 0;
  if ((iotype & EV_READ) && (ignore_wm || evbuffer_get_length(bev->input) >= bev->wm_read.low))
    bev_run_readcb(bev, options);
  if ((iotype & EV_WRITE) && (ignore_wm || evbuffer_get_length(bev->output) <= bev->wm_write.low))
    bev_run_writecb(bev, options);
}

namespace {

// The deferred run: pending write attempt and queued user callbacks, in the
// order libevent uses (connected first, then read, write, other events).
void deferred_run_impl(BevCore* c) {
  bufferevent* bev = &c->pub;
  if ((c->pending_events & BEV_EVENT_CONNECTED) && bev->errorcb != nullptr) {
    c->pending_events = static_cast<uint16_t>(c->pending_events & ~BEV_EVENT_CONNECTED);
    call_user(c, [&] { bev->errorcb(bev, BEV_EVENT_CONNECTED, bev->cbarg); });
  }
  if (c->pending & kPendingRead) {
    c->pending &= static_cast<uint8_t>(~kPendingRead);
    if (bev->readcb != nullptr) {
      call_user(c, [&] { bev->readcb(bev, bev->cbarg); });
      inbuf_wm_check(bev);
    }
  }
  if (c->pending & kPendingWrite) {
    c->pending &= static_cast<uint8_t>(~kPendingWrite);
    if (bev->writecb != nullptr) call_user(c, [&] { bev->writecb(bev, bev->cbarg); });
  }
  if (c->pending_events != 0) {
    const short what = static_cast<short>(c->pending_events);
    int err = c->extra->pending_errno;
    c->pending_events = 0;
    c->extra->pending_errno = 0;
    if (bev->errorcb != nullptr) {
      errno = err;
      call_user(c, [&] { bev->errorcb(bev, what, bev->cbarg); });
    }
  }
}

}  // namespace

void deferred_run(event_callback*, void* arg) {
  auto* c = static_cast<BevCore*>(arg);
  bev_lock(&c->pub);
  if (c->dying) {  // another thread is tearing it down (bev_core.cpp)
    bev_unlock(&c->pub);
    return;
  }
  bev_incref_locked(&c->pub);
  bev_handler_enter(c);
  deferred_run_impl(c);
  bev_handler_leave(c);
  bev_decref_and_unlock(&c->pub);
}

}  // namespace ev
