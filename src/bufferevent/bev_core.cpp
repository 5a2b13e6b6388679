// Life cycle of every bufferevent: creation of the common state, locking,
// reference counting and teardown.
//
// Teardown happens when the last reference goes.  Our own handlers hold a
// reference while they run, so bufferevent_free() from inside a callback
// only drops the user's reference and the memory goes when the handler
// returns.  Without locking the teardown is immediate (the fd is closed at
// once).  With BEV_OPT_THREADSAFE another thread may drop the last
// reference while the loop thread is about to enter one of our handlers:
// the handlers check `dying` under the lock and back off, and the rest of
// the teardown runs as an event finalizer in the loop thread, as libevent
// does.
#include <event2/thread.h>

#include "bufferevent/bev_core.hpp"
#include "core/deferred.hpp"
#include "core/locking.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "evbuffer/evbuffer.hpp"

namespace ev {
namespace {

void parent_incref(void* p) {
  auto* bev = static_cast<bufferevent*>(p);
  bev_lock(bev);
  bev_incref_locked(bev);
  bev_unlock(bev);
}

void parent_decref(void* p) {
  auto* bev = static_cast<bufferevent*>(p);
  bev_lock(bev);
  bev_decref_and_unlock(bev);
}

bool enable_locking(BevCore* c, void* shared_lock) {
  void* lock = shared_lock;
  if (lock == nullptr) {
    lock = evpriv_lock_new(EVTHREAD_LOCKTYPE_RECURSIVE);
    if (lock == nullptr) {
      evpriv_warnx("%s: BEV_OPT_THREADSAFE needs thread support (evthread_use_pthreads)", __func__);
      return false;
    }
    c->own_lock = true;
  }
  c->lock = lock;
  evbuffer_enable_locking(c->pub.input, lock);
  evbuffer_enable_locking(c->pub.output, lock);
  return true;
}

// Frees everything once nothing can reach the bufferevent any more.
// `read_finalized`: ev_read went through event_finalize() and is done.
void finish_teardown(BevCore* c, bool read_finalized) {
  bufferevent* bev = &c->pub;
  if (!read_finalized) event_del(&bev->ev_read);
  event_del(&bev->ev_write);
  evpriv_callback_cancel(bev->ev_base, &c->deferred);
  bev_rate_teardown(c);
  if (c->output_cb != nullptr) evbuffer_remove_cb_entry(bev->output, c->output_cb);
  if (c->input_wm_cb != nullptr) evbuffer_remove_cb_entry(bev->input, c->input_wm_cb);
  // The buffers may outlive us (a deferred buffer callback holds them):
  // make sure they no longer point back here.
  buffer_set_parent(bev->input, nullptr, nullptr, nullptr);
  buffer_set_parent(bev->output, nullptr, nullptr, nullptr);
  evbuffer_free(bev->input);
  evbuffer_free(bev->output);
  // Last, as it may drop a bufferevent whose lock the buffers shared.
  if (bev->be_ops->destruct != nullptr) bev->be_ops->destruct(bev);
  if (c->own_lock) evpriv_lock_free(c->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
  // Subtypes are allocated whole with ev::mm_malloc and hold only trivially
  // destructible members beyond what destruct() released.
  mm_free(c);
}

void finalize_cb(event*, void* arg) { finish_teardown(static_cast<BevCore*>(arg), true); }

}  // namespace

bool bev_init_common(BevCore* c, event_base* base, const bufferevent_ops* ops, int options,
                     void* shared_lock) {
  if ((options & (BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS)) ==
      BEV_OPT_UNLOCK_CALLBACKS) {
    evpriv_warnx("UNLOCK_CALLBACKS requires DEFER_CALLBACKS");
    return false;
  }
  bufferevent* bev = &c->pub;
  bev->ev_base = base;
  bev->be_ops = ops;
  bev->input = evbuffer_new();
  bev->output = evbuffer_new();
  if (bev->input == nullptr || bev->output == nullptr) {
    bev_abort_init(c);
    return false;
  }
  bev->enabled = EV_WRITE;  // as libevent: writing starts enabled
  c->options = options;
  c->max_single_read = kDefaultMaxSingleIo;
  c->max_single_write = kDefaultMaxSingleIo;
  if ((options & BEV_OPT_THREADSAFE) && !enable_locking(c, shared_lock)) {
    bev_abort_init(c);
    return false;
  }
  if (options & BEV_OPT_DEFER_CALLBACKS) {
    evbuffer_defer_callbacks(bev->input, base);
    evbuffer_defer_callbacks(bev->output, base);
  }
  int npri = event_base_get_npriorities(base);
  evpriv_callback_init(&c->deferred, deferred_run, c, npri > 0 ? npri / 2 : 0);
  buffer_set_parent(bev->input, bev, parent_incref, parent_decref);
  buffer_set_parent(bev->output, bev, parent_incref, parent_decref);
  return true;
}

void bev_abort_init(BevCore* c) {
  bufferevent* bev = &c->pub;
  if (bev->input != nullptr) evbuffer_free(bev->input);
  if (bev->output != nullptr) evbuffer_free(bev->output);
  bev->input = bev->output = nullptr;
  if (c->own_lock) evpriv_lock_free(c->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
  c->lock = nullptr;
  c->own_lock = false;
}

void bev_lock(bufferevent* bev) {
  void* lock = core_of(bev)->lock;
  if (lock != nullptr) evpriv_lock_acquire(lock, 0);
}

void bev_unlock(bufferevent* bev) {
  void* lock = core_of(bev)->lock;
  if (lock != nullptr) evpriv_lock_release(lock, 0);
}

void bev_incref_locked(bufferevent* bev) { ++core_of(bev)->refcnt; }

void bev_incref_and_lock(bufferevent* bev) {
  bev_lock(bev);
  ++core_of(bev)->refcnt;
}

bool bev_decref_and_unlock(bufferevent* bev) {
  BevCore* c = core_of(bev);
  EV_ASSERT(c->refcnt > 0);
  if (--c->refcnt > 0) {
    bev_unlock(bev);
    return false;
  }
  c->dying = true;
  if (bev->be_ops->unlink != nullptr) bev->be_ops->unlink(bev);
  bev_unlock(bev);
  if (c->lock != nullptr) {
    // Another thread may be about to run one of our handlers, and the fd
    // must not be closed under the loop: finish from the loop thread (or
    // from event_base_free), after whatever handler is running.
    event_finalize(0, &bev->ev_read, finalize_cb);
    return true;
  }
  finish_teardown(c, false);
  return true;
}

int bev_enable_locked(bufferevent* bev, short what) {
  BevCore* c = core_of(bev);
  short impl = what;
  if (c->read_suspended != 0) impl = static_cast<short>(impl & ~EV_READ);
  if (c->write_suspended != 0) impl = static_cast<short>(impl & ~EV_WRITE);
  bev->enabled = static_cast<short>(bev->enabled | what);
  if (impl != 0 && bev->be_ops->enable(bev, impl) < 0) return -1;
  return 0;
}

int bev_disable_locked(bufferevent* bev, short what) {
  bev->enabled = static_cast<short>(bev->enabled & ~what);
  return bev->be_ops->disable(bev, what) < 0 ? -1 : 0;
}

void bev_suspend_read(bufferevent* bev, uint16_t why) {
  BevCore* c = core_of(bev);
  if (c->read_suspended == 0) bev->be_ops->disable(bev, EV_READ);
  c->read_suspended |= why;
}

void bev_unsuspend_read(bufferevent* bev, uint16_t why) {
  BevCore* c = core_of(bev);
  if (c->read_suspended == 0) return;
  c->read_suspended &= static_cast<uint16_t>(~why);
  if (c->read_suspended == 0 && (bev->enabled & EV_READ)) bev->be_ops->enable(bev, EV_READ);
}

void bev_suspend_write(bufferevent* bev, uint16_t why) {
  BevCore* c = core_of(bev);
  if (c->write_suspended == 0) bev->be_ops->disable(bev, EV_WRITE);
  c->write_suspended |= why;
}

void bev_unsuspend_write(bufferevent* bev, uint16_t why) {
  BevCore* c = core_of(bev);
  if (c->write_suspended == 0) return;
  c->write_suspended &= static_cast<uint16_t>(~why);
  if (c->write_suspended == 0 && (bev->enabled & EV_WRITE)) bev->be_ops->enable(bev, EV_WRITE);
}

int bev_add_event(event* e, const timeval* tv) {
  if (tv->tv_sec == 0 && tv->tv_usec == 0) return event_add(e, nullptr);
  return event_add(e, tv);
}

}  // namespace ev
