// C entry points of event2/buffer.h that put bytes in, take them out or
// look at them: add/prepend/printf/iovec, expand, reserve/commit, remove,
// drain, copyout, pullup, peek, and file descriptor IO.
#include <climits>
#include <cstdint>
#include <cstring>

#include "evbuffer/api_util.hpp"
#include "evbuffer/buffer.hpp"
#include "evbuffer/evbuffer.hpp"

using ev::BufferLock;

namespace {

// evbuffer_copyout_from() with the lock held.
ev_ssize_t copyout_locked(evbuffer* buf, const evbuffer_ptr* pos, void* out, size_t len) {
  size_t start = 0;
  if (pos != nullptr) {
    if (pos->pos < 0 || static_cast<size_t>(pos->pos) > buf->total_len) return -1;
    start = static_cast<size_t>(pos->pos);
  }
  if (len > static_cast<size_t>(EV_SSIZE_MAX)) len = static_cast<size_t>(EV_SSIZE_MAX);
  if (len > buf->total_len - start) len = buf->total_len - start;
  if (len == 0) return 0;
  if (buf->flags.freeze_start || out == nullptr || !buf->materialize_all()) return -1;
  return static_cast<ev_ssize_t>(buf->copy_out(start, out, len));
}

// evbuffer_add() on a locked buffer with callbacks to run; unlocks it.
// Out of line to keep the unwatched path of evbuffer_add() short.
[[gnu::noinline]] int add_watched_locked(evbuffer* buf, const void* data, size_t len) {
  buf->incref();  // a callback might free buf
  int rc = buf->flags.freeze_end ? -1 : buf->add(data, len);
  if (rc == 0) buf->invoke_callbacks();
  buf->decref_and_unlock();
  return rc;
}

// evbuffer_add() beyond the fast path: locking, callbacks, a new block.
[[gnu::noinline]] int add_general(evbuffer* buf, const void* data, size_t datlen) {
  EVBUF_REQUIRE_IN("evbuffer_add", buf, -1);
  if (data == nullptr && datlen > 0) {
    evpriv_warnx("%s: NULL data", "evbuffer_add");
    return -1;
  }
  buf->lock();
  if (buf->unwatched()) {
    // No callback can run, so no reference is needed to keep buf alive.
    int rc = buf->flags.freeze_end ? -1 : buf->add(data, datlen);
    if (rc == 0) buf->n_add_for_cb = buf->n_del_for_cb = 0;
    buf->unlock();
    return rc;
  }
  return add_watched_locked(buf, data, datlen);
}

// evbuffer_drain() beyond the fast path: locking, callbacks, whole blocks.
[[gnu::noinline]] int drain_general(evbuffer* buf, size_t len) {
  EVBUF_REQUIRE_IN("evbuffer_drain", buf, -1);
  buf->lock();
  if (buf->unwatched()) {
    // No callback can run, so no reference is needed to keep buf alive.
    int rc = -1;
    if (!buf->flags.freeze_start) {
      buf->drain_front(len < buf->total_len ? len : buf->total_len);
      buf->n_add_for_cb = buf->n_del_for_cb = 0;
      rc = 0;
    }
    buf->unlock();
    return rc;
  }
  buf->incref();  // a callback might free buf
  int rc = -1;
  if (!buf->flags.freeze_start) {
    if (len > buf->total_len) len = buf->total_len;
    buf->drain_front(len);
    buf->note_deleted(len);
    buf->invoke_callbacks();
    rc = 0;
  }
  buf->decref_and_unlock();
  return rc;
}

// evbuffer_write_atmost(), shared with evbuffer_write() without a trip
// through the PLT.
int write_atmost(evbuffer* buf, evutil_socket_t fd, ev_ssize_t howmuch, const char* fn) {
  EVBUF_REQUIRE_IN(fn, buf, -1);
  BufferLock guard(buf);
  if (buf->flags.freeze_start) return -1;
  size_t want = howmuch < 0 ? buf->total_len : static_cast<size_t>(howmuch);
  // As libevent: nothing to write (an empty buffer, or howmuch 0) is -1,
  // with no system call.
  if (want == 0 || buf->total_len == 0) return -1;
  return ev::buffer_write(buf, fd, want);
}

}  // namespace

extern "C" {

int evbuffer_add(struct evbuffer* buf, const void* data, size_t datlen) {
  // Fast path: nothing to lock or notify and the bytes fit in the free
  // tail of the append block.  Bookkeeping first, so that the copy is the
  // last call and nothing has to survive it.
  if (buf != nullptr && data != nullptr && buf->quiet_for_append()) {
    ev::Chain* c = buf->last_with_data != nullptr ? buf->last_with_data : buf->first;
    // Once the bytes fit in a block, datlen is below SIZE_MAX / 4 and
    // total_len is at most SIZE_MAX / 2, so the sum cannot wrap.
    size_t new_total = buf->total_len + datlen;
    // datlen - 1 < space: the bytes fit and there is at least one.  A
    // 0-byte add must not mark an empty block (left by expand, an empty
    // commit or a drain) as holding data; the general path ignores it.
    if (c != nullptr && datlen - 1 < c->space() && new_total <= SIZE_MAX / 2) {
      unsigned char* dst = c->tail();
      c->off += datlen;
      buf->total_len = new_total;
      buf->last_with_data = c;
      // The change counts of an unwatched buffer stay zero (see
      // forget_changes_if_unwatched()).
      std::memcpy(dst, data, datlen);
      return 0;
    }
  }
  return add_general(buf, data, datlen);
}

int evbuffer_prepend(struct evbuffer* buf, const void* data, size_t size) {
  EVBUF_REQUIRE(buf, -1);
  if (data == nullptr && size > 0) {
    evpriv_warnx("%s: NULL data", __func__);
    return -1;
  }
  BufferLock guard(buf);
  if (buf->flags.freeze_start) return -1;
  if (buf->prepend(data, size) < 0) return -1;
  buf->invoke_callbacks();
  return 0;
}

int evbuffer_add_vprintf(struct evbuffer* buf, const char* fmt, va_list ap) {
  EVBUF_REQUIRE(buf, -1);
  EVBUF_REQUIRE(fmt, -1);
  BufferLock guard(buf);
  if (buf->flags.freeze_end) return -1;
  int n = buf->vprintf(fmt, ap);
  if (n > 0) buf->invoke_callbacks();
  return n;
}

int evbuffer_add_printf(struct evbuffer* buf, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = evbuffer_add_vprintf(buf, fmt, ap);
  va_end(ap);
  return n;
}

size_t evbuffer_add_iovec(struct evbuffer* buf, struct evbuffer_iovec* vec, int n_vec) {
  EVBUF_REQUIRE(buf, 0);
  if (n_vec <= 0) return 0;
  EVBUF_REQUIRE(vec, 0);
  size_t total = 0;
  for (int i = 0; i < n_vec; ++i) {
    if (vec[i].iov_len > SIZE_MAX / 2 - total) return 0;
    total += vec[i].iov_len;
  }
  BufferLock guard(buf);
  if (buf->flags.freeze_end || total == 0) return 0;
  // One block takes everything: the point of this call.
  if (buf->expand_single(total) == nullptr) return 0;
  size_t added = 0;
  for (int i = 0; i < n_vec; ++i) {
    if (buf->add(vec[i].iov_base, vec[i].iov_len) < 0) break;
    added += vec[i].iov_len;
  }
  buf->invoke_callbacks();
  return added;
}

int evbuffer_expand(struct evbuffer* buf, size_t datlen) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  return buf->expand_fast(datlen, 2) ? 0 : -1;
}

int evbuffer_reserve_space(struct evbuffer* buf, ev_ssize_t size, struct evbuffer_iovec* vec,
                           int n_vec) {
  EVBUF_REQUIRE(buf, -1);
  if (size < 0 || n_vec < 1 || vec == nullptr) return -1;
  // Fast path: no lock, and the append block (with the free block after
  // it) already has the room: the same extents the general path hands out.
  if (!buf->setup.has_lock && !buf->flags.freeze_end) {
    ev::Chain* c = buf->last_with_data != nullptr ? buf->last_with_data : buf->first;
    size_t want = size == 0 ? 1 : static_cast<size_t>(size);
    if (c != nullptr) {
      size_t room = c->space();
      ev::Chain* next = c->next;
      if (room >= want) {
        vec[0].iov_base = c->tail();
        vec[0].iov_len = room;
        return 1;
      }
      if (n_vec >= 2 && next != nullptr && room + next->space() >= want) {
        int n = 0;
        if (room > 0) {
          vec[0].iov_base = c->tail();
          vec[0].iov_len = room;
          n = 1;
        }
        vec[n].iov_base = next->tail();
        vec[n].iov_len = next->space();
        return n + 1;
      }
    }
  }
  ev::PlainLock guard(buf);
  if (buf->flags.freeze_end) return -1;
  // Even a zero-byte request hands out some space, as libevent does.
  size_t want = size == 0 ? 1 : static_cast<size_t>(size);
  if (n_vec == 1) {
    ev::Chain* c = buf->expand_single(want);
    if (c == nullptr) return -1;
    vec[0].iov_base = c->tail();
    vec[0].iov_len = c->space();
    return 1;
  }
  if (!buf->expand_fast(want, n_vec)) return -1;
  return buf->setup_space_vecs(want, vec, n_vec, false);
}

int evbuffer_commit_space(struct evbuffer* buf, struct evbuffer_iovec* vec, int n_vecs) {
  EVBUF_REQUIRE(buf, -1);
  // Fast path: nothing to lock or notify, and the extents are the free
  // space of the append block and of the block after it, as handed out.
  if (n_vecs >= 1 && n_vecs <= 2 && vec != nullptr && buf->quiet_for_append() &&
      buf->commit_in_place(vec, n_vecs))
    return 0;
  BufferLock guard(buf);
  if (buf->flags.freeze_end) return -1;
  if (buf->commit_space(vec, n_vecs) < 0) return -1;
  buf->invoke_callbacks();
  return 0;
}

ev_ssize_t evbuffer_copyout_from(struct evbuffer* buf, const struct evbuffer_ptr* pos,
                                 void* data_out, size_t datlen) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  return copyout_locked(buf, pos, data_out, datlen);
}

ev_ssize_t evbuffer_copyout(struct evbuffer* buf, void* data_out, size_t datlen) {
  return evbuffer_copyout_from(buf, nullptr, data_out, datlen);
}

int evbuffer_remove(struct evbuffer* buf, void* data, size_t datlen) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  if (datlen > INT_MAX) datlen = INT_MAX;
  ev_ssize_t n = copyout_locked(buf, nullptr, data, datlen);
  if (n > 0) {
    buf->drain_front(static_cast<size_t>(n));
    buf->note_deleted(static_cast<size_t>(n));
    buf->invoke_callbacks();
  }
  return static_cast<int>(n);
}

int evbuffer_drain(struct evbuffer* buf, size_t len) {
  // Fast path: nothing to lock or notify and the first block keeps bytes.
  if (buf != nullptr && buf->quiet_for_drain()) {
    ev::Chain* c = buf->first;
    if (c != nullptr && c->off > len) {
      c->consume(len);
      buf->total_len -= len;
      return 0;
    }
  }
  return drain_general(buf, len);
}

unsigned char* evbuffer_pullup(struct evbuffer* buf, ev_ssize_t size) {
  EVBUF_REQUIRE(buf, nullptr);
  BufferLock guard(buf);
  size_t want = size < 0 ? buf->total_len : static_cast<size_t>(size);
  if (want == 0 || want > buf->total_len) return nullptr;
  if (!buf->materialize_all()) return nullptr;
  return buf->pullup(want);
}

int evbuffer_peek(struct evbuffer* buf, ev_ssize_t len, struct evbuffer_ptr* start_at,
                  struct evbuffer_iovec* vec_out, int n_vec) {
  EVBUF_REQUIRE(buf, -1);
  if (n_vec < 0 || (n_vec > 0 && vec_out == nullptr)) return -1;
  ev::PlainLock guard(buf);  // runs no callbacks
  size_t pos = 0;
  if (start_at != nullptr) {
    if (start_at->pos < 0 || static_cast<size_t>(start_at->pos) > buf->total_len) return -1;
    pos = static_cast<size_t>(start_at->pos);
  }
  if (pos == buf->total_len) return 0;
  if (!buf->materialize_all()) return -1;
  if (n_vec == 0 && len < 0) len = static_cast<ev_ssize_t>(buf->total_len - pos);
  const size_t limit = len < 0 ? SIZE_MAX : static_cast<size_t>(len);
  // The extent holding the start position is always reported.
  if (start_at == nullptr && limit == 0) return 0;
  size_t start_in = 0;
  ev::Chain* c = buf->locate(pos, &start_in);
  size_t in = start_in;  // a local the loop can keep in a register
  int idx = 0;
  size_t so_far = 0;
  // Chain fields are read into locals before vec_out is written, which the
  // compiler must otherwise assume may alias them.
  while (c != nullptr) {
    const size_t off = c->off;
    if (off == 0) break;
    ev::Chain* const next = c->next;
    const size_t n = off - in;
    if (idx < n_vec) {
      vec_out[idx].iov_base = c->data() + in;
      vec_out[idx].iov_len = n;
    } else if (len < 0) {
      break;
    }
    ++idx;
    so_far += n;
    if (so_far >= limit) break;
    c = next;
    in = 0;
  }
  return idx;
}

size_t evbuffer_get_length(const struct evbuffer* buf) {
  EVBUF_REQUIRE(buf, 0);
  auto* mut = const_cast<evbuffer*>(buf);
  ev::PlainLock guard(mut);
  return buf->total_len;
}

size_t evbuffer_get_contiguous_space(const struct evbuffer* buf) {
  EVBUF_REQUIRE(buf, 0);
  auto* mut = const_cast<evbuffer*>(buf);
  BufferLock guard(mut);
  return buf->last_with_data != nullptr ? buf->first->off : 0;
}

int evbuffer_read(struct evbuffer* buf, evutil_socket_t fd, int howmuch) {
  EVBUF_REQUIRE(buf, -1);
  BufferLock guard(buf);
  if (buf->flags.freeze_end) return -1;
  size_t want = buf->max_read();
  if (howmuch >= 0 && static_cast<size_t>(howmuch) < want) want = static_cast<size_t>(howmuch);
  return ev::buffer_read(buf, fd, want);
}

int evbuffer_write_atmost(struct evbuffer* buf, evutil_socket_t fd, ev_ssize_t howmuch) {
  return write_atmost(buf, fd, howmuch, "evbuffer_write_atmost");
}

int evbuffer_write(struct evbuffer* buf, evutil_socket_t fd) {
  return write_atmost(buf, fd, -1, "evbuffer_write");
}

}  // extern "C"
