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

#include <atomic>
#include <cstddef>

#include "bufferevent/bev_core.hpp"
#include "core/deferred.hpp"
#include "core/locking.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "evbuffer/evbuffer.hpp"

namespace ev {
namespace {

BevCore* owner_of(evbuffer* buf, uint8_t tag) {
  size_t offset =
      tag == kOwnerBevInput ? offsetof(BevCore, input_storage) : offsetof(BevCore, output_storage);
  return reinterpret_cast<BevCore*>(reinterpret_cast<unsigned char*>(buf) - offset);
}

bool enable_locking(BevCore* c, void* shared_lock) {
  BevExtra* x = bev_extra(c);
  if (x == nullptr) return false;
  void* lock = shared_lock;
  if (lock == nullptr) {
    lock = evpriv_lock_new(EVTHREAD_LOCKTYPE_RECURSIVE);
    if (lock == nullptr) {
      evpriv_warnx("%s: BEV_OPT_THREADSAFE needs thread support (evthread_use_pthreads)", __func__);
      return false;
    }
    c->own_lock = true;
  }
  x->lock = lock;
  evbuffer_enable_locking(c->pub.input, lock);
  evbuffer_enable_locking(c->pub.output, lock);
  return true;
}

// One user of the block is done with it; the last frees it (and the lock,
// which a buffer outliving the bufferevent still takes).
void release_block(BevCore* c) {
  if (c->block_refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (c->extra != nullptr) {
    if (c->own_lock) evpriv_lock_free(c->extra->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
    destroy(c->extra);
  }
  // Subtypes hold only trivially destructible members beyond what
  // destruct() released.
  mm_free(c);
}

// Frees everything once nothing can reach the bufferevent any more.
// `read_finalized`: ev_read went through event_finalize() and is done.
void finish_teardown(BevCore* c, bool read_finalized) {
  bufferevent* bev = &c->pub;
  if (!read_finalized) event_del(&bev->ev_read);
  event_del(&bev->ev_write);
  // Debug mode: the memory goes, so the events leave its registry.
  event_debug_unassign(&bev->ev_read);
  event_debug_unassign(&bev->ev_write);
  bev_rate_teardown(c);
  // The extra state itself stays with the block: it holds the lock.
  if (c->extra != nullptr) evpriv_callback_cancel(bev->ev_base, &c->extra->deferred);
  // The buffers may outlive us (a view in another buffer holds them): they
  // stop reporting here, and the block stays until they are gone.
  buffer_set_owner_watch(bev->input, false);
  buffer_set_owner_watch(bev->output, false);
  evbuffer_free(bev->input);
  evbuffer_free(bev->output);
  // Last, as it may drop a bufferevent whose lock the buffers shared.
  if (bev->be_ops->destruct != nullptr) bev->be_ops->destruct(bev);
  release_block(c);
}

void finalize_cb(event*, void* arg) { finish_teardown(static_cast<BevCore*>(arg), true); }

}  // namespace

// ---- owner hooks of the embedded buffers (evbuffer/evbuffer.hpp) ----

void owner_buffer_changed(evbuffer* buf, uint8_t tag, const evbuffer_cb_info* info) {
  BevCore* c = owner_of(buf, tag);
  if (tag == kOwnerBevInput) {
    bev_input_changed(&c->pub);
    if (c->pub.be_ops->input_changed != nullptr) c->pub.be_ops->input_changed(&c->pub);
  } else if (c->pub.be_ops->output_changed != nullptr) {
    c->pub.be_ops->output_changed(&c->pub, info);
  }
}

void owner_buffer_incref(evbuffer* buf, uint8_t tag) {
  bufferevent* bev = &owner_of(buf, tag)->pub;
  bev_lock(bev);
  bev_incref_locked(bev);
  bev_unlock(bev);
}

void owner_buffer_decref(evbuffer* buf, uint8_t tag) {
  bufferevent* bev = &owner_of(buf, tag)->pub;
  bev_lock(bev);
  bev_decref_and_unlock(bev);
}

void owner_buffer_released(evbuffer* buf, uint8_t tag) { release_block(owner_of(buf, tag)); }

bool bev_init_common(BevCore* c, event_base* base, const bufferevent_ops* ops, int options,
                     void* shared_lock) {
  bufferevent* bev = &c->pub;
  bev->ev_base = base;
  bev->be_ops = ops;
  bev->input = buffer_init_embedded(&c->input_storage, kOwnerBevInput);
  bev->output = buffer_init_embedded(&c->output_storage, kOwnerBevOutput);
  bev->enabled = EV_WRITE;  // as libevent: writing starts enabled
  c->options = static_cast<uint8_t>(options);
  if ((options & (BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS)) ==
      BEV_OPT_UNLOCK_CALLBACKS) {
    evpriv_warnx("UNLOCK_CALLBACKS requires DEFER_CALLBACKS");
    bev_abort_init(c);
    return false;
  }
  if ((options & BEV_OPT_THREADSAFE) && !enable_locking(c, shared_lock)) {
    bev_abort_init(c);
    return false;
  }
  if (options & BEV_OPT_DEFER_CALLBACKS) {
    // Every callback goes through the loop: set that up now, so that
    // running them cannot fail later.
    if (bev_extra(c) == nullptr || evbuffer_defer_callbacks(bev->input, base) < 0 ||
        evbuffer_defer_callbacks(bev->output, base) < 0) {
      bev_abort_init(c);
      return false;
    }
  }
  if (ops->output_changed != nullptr) buffer_set_owner_watch(bev->output, true);
  return true;
}

void bev_abort_init(BevCore* c) {
  // Nothing but our own code has seen it: no events, no references.
  evbuffer_free(c->pub.input);
  evbuffer_free(c->pub.output);
  release_block(c);
}

BevExtra* bev_extra(BevCore* c) {
  if (c->extra != nullptr) return c->extra;
  auto* x = make<BevExtra>();
  if (x == nullptr) return nullptr;
  // The deferred callback runs at the bufferevent's priority (that of its
  // events; the base's middle one unless bufferevent_priority_set()).
  event* e = &c->pub.ev_read;
  int pri;
  if (event_initialized(e)) {
    pri = event_get_priority(e);
  } else {
    int npri = event_base_get_npriorities(c->pub.ev_base);
    pri = npri > 0 ? npri / 2 : 0;
  }
  evpriv_callback_init(&x->deferred, deferred_run, c, pri);
  c->extra = x;
  return x;
}

void bev_lock(bufferevent* bev) {
  void* lock = bev_lock_of(core_of(bev));
  if (lock != nullptr) evpriv_lock_acquire(lock, 0);
}

void bev_unlock(bufferevent* bev) {
  void* lock = bev_lock_of(core_of(bev));
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
  if (bev_lock_of(c) != nullptr) {
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

void bev_suspend_read(bufferevent* bev, uint8_t why) {
  BevCore* c = core_of(bev);
  if (c->read_suspended == 0) bev->be_ops->disable(bev, EV_READ);
  c->read_suspended |= why;
}

void bev_unsuspend_read(bufferevent* bev, uint8_t why) {
  BevCore* c = core_of(bev);
  if (c->read_suspended == 0) return;
  c->read_suspended &= static_cast<uint8_t>(~why);
  if (c->read_suspended == 0 && (bev->enabled & EV_READ)) bev->be_ops->enable(bev, EV_READ);
}

void bev_suspend_write(bufferevent* bev, uint8_t why) {
  BevCore* c = core_of(bev);
  if (c->write_suspended == 0) bev->be_ops->disable(bev, EV_WRITE);
  c->write_suspended |= why;
}

void bev_unsuspend_write(bufferevent* bev, uint8_t why) {
  BevCore* c = core_of(bev);
  if (c->write_suspended == 0) return;
  c->write_suspended &= static_cast<uint8_t>(~why);
  if (c->write_suspended == 0 && (bev->enabled & EV_WRITE)) bev->be_ops->enable(bev, EV_WRITE);
}

int bev_add_event(event* e, const timeval* tv) {
  if (tv->tv_sec == 0 && tv->tv_usec == 0) return event_add(e, nullptr);
  return event_add(e, tv);
}

bool bev_handler_begin(bufferevent* bev) {
  bev_lock(bev);
  BevCore* c = core_of(bev);
  if (c->dying) {
    bev_unlock(bev);
    return false;
  }
  bev_incref_locked(bev);
  bev_handler_enter(c);
  return true;
}

void bev_handler_end(bufferevent* bev) {
  bev_handler_leave(core_of(bev));
  bev_decref_and_unlock(bev);
}

}  // namespace ev
