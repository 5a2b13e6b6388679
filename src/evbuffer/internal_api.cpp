// The internal evbuffer API declared in evbuffer/evbuffer.hpp.
#include "evbuffer/evbuffer.hpp"

#include <climits>
#include <cstdint>
#include <new>

#include "core/log.hpp"
#include "evbuffer/buffer.hpp"

namespace ev {

int buffer_read_fd(evbuffer* buf, int fd, size_t howmuch) {
  BufferLock guard(buf);
  if (buf->flags.freeze_end) return -1;
  return buffer_read(buf, fd, howmuch);
}

int buffer_write_fd(evbuffer* buf, int fd, size_t howmuch) {
  BufferLock guard(buf);
  if (buf->flags.freeze_start) return -1;
  return buffer_write(buf, fd, howmuch);
}

void buffer_set_max_read(evbuffer* buf, size_t max) {
  BufferLock guard(buf);
  if (max == 0) max = kDefaultMaxRead;
  if (max > INT_MAX) max = INT_MAX;
  if (max == buf->max_read()) return;
  BufferExt* x = buf->get_ext();
  if (x == nullptr) {
    evpriv_warnx("%s: out of memory", __func__);
    return;
  }
  x->max_read = static_cast<uint32_t>(max);
}

size_t buffer_get_max_read(evbuffer* buf) {
  BufferLock guard(buf);
  return buf->max_read();
}

int buffer_cb_set_nodefer(evbuffer* buf, evbuffer_cb_entry* cb, bool nodefer) {
  BufferLock guard(buf);
  for (evbuffer_cb_entry* e = buf->callbacks; e != nullptr; e = e->next) {
    if (e != cb || e->dead) continue;
    if (nodefer) {
      e->flags |= kCbNoDefer;
    } else {
      e->flags &= ~kCbNoDefer;
    }
    return 0;
  }
  return -1;
}

void buffer_suspend_callbacks(evbuffer* buf) {
  BufferLock guard(buf);
  EV_ASSERT(buf->cb_suspended < UINT8_MAX);
  ++buf->cb_suspended;
}

void buffer_resume_callbacks(evbuffer* buf) {
  BufferLock guard(buf);
  if (buf->cb_suspended > 0 && --buf->cb_suspended == 0) buf->invoke_callbacks();
}

void buffer_pending_changes(evbuffer* buf, size_t* added, size_t* deleted) {
  BufferLock guard(buf);
  if (added != nullptr) *added = buf->n_add_for_cb;
  if (deleted != nullptr) *deleted = buf->n_del_for_cb;
}

void buffer_invoke_callbacks(evbuffer* buf) {
  BufferLock guard(buf);
  buf->invoke_callbacks();
}

void buffer_set_parent(evbuffer* buf, void* parent, void (*incref)(void*), void (*decref)(void*)) {
  BufferLock guard(buf);
  BufferExt* x = parent != nullptr ? buf->get_ext() : buf->ext;
  if (x == nullptr) {
    if (parent != nullptr) evpriv_warnx("%s: out of memory", __func__);
    return;
  }
  x->parent = parent;
  x->parent_incref = incref;
  x->parent_decref = decref;
}

void* buffer_get_lock(evbuffer* buf) { return buf->lock_ptr(); }

void buffer_incref(evbuffer* buf) {
  BufferLock guard(buf);
  buf->incref();
}

void buffer_decref(evbuffer* buf) {
  buf->lock();
  buf->decref_and_unlock();
}

evbuffer* buffer_init_embedded(EmbeddedBuffer* slot, BufferOwnerTag tag) {
  static_assert(sizeof(evbuffer) == sizeof(EmbeddedBuffer), "update kEvbufferBytes");
  static_assert(alignof(evbuffer) <= alignof(EmbeddedBuffer));
  auto* buf = ::new (static_cast<void*>(slot)) evbuffer();
  buf->setup.owner_tag = tag;
  return buf;
}

void buffer_set_owner_watch(evbuffer* buf, bool on) {
  BufferLock guard(buf);
  buf->flags.owner_watch = on;
  buf->forget_changes_if_unwatched();
}

}  // namespace ev
