// The internal evbuffer API declared in evbuffer/evbuffer.hpp.
#include "evbuffer/evbuffer.hpp"

#include "evbuffer/buffer.hpp"

namespace ev {

int buffer_read_fd(evbuffer* buf, int fd, size_t howmuch) {
  BufferLock guard(buf);
  if (buf->freeze_end) return -1;
  return buffer_read(buf, fd, howmuch);
}

int buffer_write_fd(evbuffer* buf, int fd, size_t howmuch) {
  BufferLock guard(buf);
  if (buf->freeze_start) return -1;
  return buffer_write(buf, fd, howmuch);
}

void buffer_set_max_read(evbuffer* buf, size_t max) {
  BufferLock guard(buf);
  buf->max_read = max == 0 ? kDefaultMaxRead : max;
}

size_t buffer_get_max_read(evbuffer* buf) {
  BufferLock guard(buf);
  return buf->max_read;
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
  buf->parent = parent;
  buf->parent_incref = incref;
  buf->parent_decref = decref;
}

void* buffer_get_lock(evbuffer* buf) { return buf->lock_; }

void buffer_incref(evbuffer* buf) {
  BufferLock guard(buf);
  buf->incref();
}

void buffer_decref(evbuffer* buf) {
  buf->lock();
  buf->decref_and_unlock();
}

}  // namespace ev
