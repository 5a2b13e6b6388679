// evbuffer callbacks: registration, immediate and deferred invocation.
//
// Changes are accumulated in n_add_for_cb/n_del_for_cb and reported in one
// evbuffer_cb_info.  Entries removed while callbacks run are only marked
// dead and unlinked once the outermost run finishes, so a callback may
// remove any entry (itself included) or free the buffer safely.
#include <cstdint>

#include "core/deferred.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "evbuffer/buffer.hpp"
#include "evbuffer/evbuffer.hpp"

evbuffer_cb_entry* evbuffer::add_callback(evbuffer_cb_func fn, evbuffer_cb obsolete, void* arg) {
  auto* e = ev::make<evbuffer_cb_entry>();
  if (e == nullptr) return nullptr;
  e->fn = fn;
  e->obsolete_fn = obsolete;
  e->arg = arg;
  e->flags = EVBUFFER_CB_ENABLED;
  e->next = callbacks;
  if (callbacks != nullptr) callbacks->prev = e;
  callbacks = e;
  return e;
}

int evbuffer::remove_callback(evbuffer_cb_entry* entry) {
  evbuffer_cb_entry* e = callbacks;
  while (e != nullptr && e != entry) e = e->next;
  if (e == nullptr || e->dead) return -1;
  if (cb_depth > 0) {
    e->dead = true;
    flags.cb_dead_pending = true;
    return 0;
  }
  if (e->prev != nullptr) {
    e->prev->next = e->next;
  } else {
    callbacks = e->next;
  }
  if (e->next != nullptr) e->next->prev = e->prev;
  ev::destroy(e);
  forget_changes_if_unwatched();
  return 0;
}

void evbuffer::remove_all_callbacks() {
  for (evbuffer_cb_entry* e = callbacks; e != nullptr;) {
    evbuffer_cb_entry* next = e->next;
    if (!e->dead) remove_callback(e);
    e = next;
  }
}

void evbuffer::sweep_dead_callbacks() {
  flags.cb_dead_pending = false;
  for (evbuffer_cb_entry* e = callbacks; e != nullptr;) {
    evbuffer_cb_entry* next = e->next;
    if (e->dead) {
      e->dead = false;  // let remove_callback() unlink it for real
      remove_callback(e);
    }
    e = next;
  }
}

void evbuffer::run_callbacks(bool running_deferred) {
  if (n_add_for_cb == 0 && n_del_for_cb == 0) return;
  // Too deep a recursion of callbacks changing their own buffer: leave the
  // changes to be reported by an outer run.
  if (cb_depth == UINT8_MAX) return;
  // From the loop run the deferrable callbacks; on the spot, only the
  // internal "no defer" ones (and the owner) while deferral is on, else all.
  const bool deferring = deferred_cbs();
  uint32_t mask = EVBUFFER_CB_ENABLED;
  uint32_t want = EVBUFFER_CB_ENABLED;
  bool clear = true;
  if (running_deferred) {
    mask |= ev::kCbNoDefer;
  } else if (deferring) {
    mask |= ev::kCbNoDefer;
    want |= ev::kCbNoDefer;
    // The deferred run (queued whenever there are entries) still has to
    // report these changes; with only the owner watching, nothing will.
    clear = callbacks == nullptr;
  }
  evbuffer_cb_info info;
  info.orig_size = total_len + n_del_for_cb - n_add_for_cb;
  info.n_added = n_add_for_cb;
  info.n_deleted = n_del_for_cb;
  if (clear) n_add_for_cb = n_del_for_cb = 0;
  size_t new_size = total_len;

  // The API layer holds a reference while we run, so a callback may even
  // free the buffer: it is released when that call returns.
  ++cb_depth;
  for (evbuffer_cb_entry* e = callbacks; e != nullptr; e = e->next) {
    if (e->dead || (e->flags & mask) != want) continue;
    if (e->obsolete_fn != nullptr) {
      e->obsolete_fn(this, info.orig_size, new_size, e->arg);
    } else {
      e->fn(this, &info, e->arg);
    }
  }
  // The owner watches like the oldest "no defer" entry: last, never from
  // the deferred run.
  if (flags.owner_watch && !running_deferred)
    ev::owner_buffer_changed(this, setup.owner_tag, &info);
  if (--cb_depth == 0 && flags.cb_dead_pending) sweep_dead_callbacks();
}

namespace {

void deferred_callback(event_callback*, void* arg) {
  auto* buf = static_cast<evbuffer*>(arg);
  buf->lock();
  buf->ext->deferred_scheduled = false;
  ev::ParentRef parent = ev::buffer_parent_ref(buf);
  if (buf->cb_suspended == 0) buf->run_callbacks(true);
  buf->decref_and_unlock();
  parent.release();
}

}  // namespace

void evbuffer::invoke_watched_callbacks() {
  if (cb_suspended > 0) return;
  if (callbacks != nullptr && deferred_cbs() && !ext->deferred_scheduled &&
      (n_add_for_cb != 0 || n_del_for_cb != 0)) {
    if (evpriv_callback_schedule(ext->cb_base, &ext->deferred)) {
      // The queued run keeps the buffer (and its bufferevent) alive.
      ext->deferred_scheduled = true;
      incref();
      ev::parent_incref(this);
    }
  }
  run_callbacks(false);
}

namespace ev {

void buffer_init_deferred(evbuffer* buf, event_base* base, int priority) {
  BufferExt* x = buf->ext;  // the caller made sure it exists
  evpriv_callback_init(&x->deferred, deferred_callback, buf, priority);
  x->cb_base = base;
}

void parent_incref(evbuffer* buf) {
  if (buf->setup.owner_tag != kOwnerNone) {
    owner_buffer_incref(buf, buf->setup.owner_tag);
  } else if (buf->ext != nullptr && buf->ext->parent_incref != nullptr) {
    buf->ext->parent_incref(buf->ext->parent);
  }
}

ParentRef buffer_parent_ref(evbuffer* buf) {
  ParentRef r;
  if (buf->setup.owner_tag != kOwnerNone) {
    r.owned = buf;
    r.tag = buf->setup.owner_tag;
  } else if (buf->ext != nullptr && buf->ext->parent_incref != nullptr) {
    r.parent = buf->ext->parent;
    r.decref = buf->ext->parent_decref;
  }
  return r;
}

void ParentRef::release() {
  if (owned != nullptr) {
    owner_buffer_decref(owned, tag);
  } else if (parent != nullptr && decref != nullptr) {
    decref(parent);
  }
}

}  // namespace ev
