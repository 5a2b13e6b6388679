// C entry points of event2/buffer.h (and buffer_compat.h) about the buffer
// itself: lifetime, locking, flags, freezing and callbacks.
#include <event2/event.h>

#include "core/deferred.hpp"
#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evbuffer/api_util.hpp"
#include "evbuffer/buffer.hpp"

using ev::BufferLock;
using ev::ParentRef;

namespace {

constexpr unsigned kRecursiveLock = 1;  // EVTHREAD_LOCKTYPE_RECURSIVE

// Whether `entry` is a live callback of `buf`.
bool owns_entry(const evbuffer* buf, const evbuffer_cb_entry* entry) {
  for (const evbuffer_cb_entry* e = buf->callbacks; e != nullptr; e = e->next) {
    if (e == entry) return !e->dead;
  }
  return false;
}

// Cancels a queued deferred run and drops the buffer reference it held;
// `parent` receives the parent reference the run held, which the caller
// drops once unlocked.
bool cancel_deferred(evbuffer* buf, ParentRef* parent) {
  BufferExt* x = buf->ext;
  *parent = ParentRef{};
  if (x == nullptr || !x->deferred_scheduled || !evpriv_callback_cancel(x->cb_base, &x->deferred))
    return false;
  x->deferred_scheduled = false;
  --buf->refcnt;  // the queued run's reference; the caller still holds one
  *parent = ev::buffer_parent_ref(buf);
  return true;
}

}  // namespace

extern "C" {

struct evbuffer* evbuffer_new(void) {
  return ev::make<evbuffer>();
}

void evbuffer_free(struct evbuffer* buf) {
  if (buf == nullptr) return;
  buf->lock();
  // Release the contents and callbacks now; the structure itself lives on
  // while a callback run, a queued deferred run or a view still uses it.
  buf->flags.user_freed = true;
  buf->remove_all_callbacks();
  buf->free_all_chains();
  ParentRef parent;
  cancel_deferred(buf, &parent);
  buf->decref_and_unlock();
  parent.release();
}

int evbuffer_enable_locking(struct evbuffer* buf, void* lock) {
  EVBUF_REQUIRE(buf, -1);
  if (buf->setup.has_lock) return -1;
  BufferExt* x = buf->get_ext();
  if (x == nullptr) return -1;
  if (lock == nullptr) {
    lock = evpriv_lock_new(kRecursiveLock);
    if (lock == nullptr) return -1;
    buf->flags.own_lock = true;
  }
  x->lock = lock;
  buf->setup.has_lock = true;
  return 0;
}

void evbuffer_lock(struct evbuffer* buf) {
  EVBUF_REQUIRE(buf, );
  buf->lock();
}

void evbuffer_unlock(struct evbuffer* buf) {
  EVBUF_REQUIRE(buf, );
  buf->unlock();
}

int evbuffer_set_flags(struct evbuffer* buf, ev_uint64_t flags) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  // Only DRAINS_TO_FD means anything; nothing reads the flags back.
  if (flags & EVBUFFER_FLAG_DRAINS_TO_FD) buf->flags.drains_to_fd = true;
  return 0;
}

int evbuffer_clear_flags(struct evbuffer* buf, ev_uint64_t flags) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  if (flags & EVBUFFER_FLAG_DRAINS_TO_FD) buf->flags.drains_to_fd = false;
  return 0;
}

int evbuffer_freeze(struct evbuffer* buf, int at_front) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  if (at_front) {
    buf->flags.freeze_start = true;
  } else {
    buf->flags.freeze_end = true;
  }
  return 0;
}

int evbuffer_unfreeze(struct evbuffer* buf, int at_front) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  if (at_front) {
    buf->flags.freeze_start = false;
  } else {
    buf->flags.freeze_end = false;
  }
  return 0;
}

int evbuffer_defer_callbacks(struct evbuffer* buf, struct event_base* base) {
  EVBUF_REQUIRE(buf, -1);
  EVBUF_REQUIRE(base, -1);
  ParentRef parent;
  {
    BufferLock guard(buf);
    if (buf->get_ext() == nullptr) return -1;
    cancel_deferred(buf, &parent);
    int npri = event_base_get_npriorities(base);
    ev::buffer_init_deferred(buf, base, npri > 0 ? npri / 2 : 0);
    // Changes not yet reported go to the first run on the new base.
    if (buf->n_add_for_cb != 0 || buf->n_del_for_cb != 0) buf->invoke_callbacks();
  }
  parent.release();
  return 0;
}

struct evbuffer_cb_entry* evbuffer_add_cb(struct evbuffer* buf, evbuffer_cb_func cb, void* cbarg) {
  EVBUF_REQUIRE(buf, nullptr);
  EVBUF_REQUIRE(cb, nullptr);
  BufferLock guard(buf);
  return buf->add_callback(cb, nullptr, cbarg);
}

int evbuffer_remove_cb_entry(struct evbuffer* buf, struct evbuffer_cb_entry* ent) {
  EVBUF_REQUIRE(buf, -1);
  EVBUF_REQUIRE(ent, -1);
  BufferLock guard(buf);
  return buf->remove_callback(ent);
}

int evbuffer_remove_cb(struct evbuffer* buf, evbuffer_cb_func cb, void* cbarg) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  for (evbuffer_cb_entry* e = buf->callbacks; e != nullptr; e = e->next) {
    if (!e->dead && e->obsolete_fn == nullptr && e->fn == cb && e->arg == cbarg)
      return buf->remove_callback(e);
  }
  return -1;
}

int evbuffer_cb_set_flags(struct evbuffer* buf, struct evbuffer_cb_entry* cb, ev_uint32_t flags) {
  EVBUF_REQUIRE(buf, -1);
  EVBUF_REQUIRE(cb, -1);
  BufferLock guard(buf);
  if (!owns_entry(buf, cb)) return -1;
  // Only the public flag may be changed from outside.
  cb->flags |= flags & EVBUFFER_CB_ENABLED;
  return 0;
}

int evbuffer_cb_clear_flags(struct evbuffer* buf, struct evbuffer_cb_entry* cb, ev_uint32_t flags) {
  EVBUF_REQUIRE(buf, -1);
  EVBUF_REQUIRE(cb, -1);
  BufferLock guard(buf);
  if (!owns_entry(buf, cb)) return -1;
  cb->flags &= ~(flags & EVBUFFER_CB_ENABLED);
  return 0;
}

int evbuffer_setcb(struct evbuffer* buf, evbuffer_cb cb, void* cbarg) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  buf->remove_all_callbacks();
  if (cb != nullptr && buf->add_callback(nullptr, cb, cbarg) == nullptr) return -1;
  return 0;
}

}  // extern "C"
