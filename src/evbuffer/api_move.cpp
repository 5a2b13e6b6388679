// C entry points of event2/buffer.h that move or share storage between
// buffers (add_buffer, prepend_buffer, remove_buffer,
// add_buffer_reference), add memory by reference, and add file segments.
#include <cstdint>
#include <cstring>

#include "core/locking.hpp"
#include "evbuffer/api_util.hpp"
#include "evbuffer/buffer.hpp"
#include "evbuffer/file_segment.hpp"

using ev::BufferLock;
using ev::Chain;
using ev::PairLock;

namespace {

// Appending this few bytes copies them into the destination rather than
// relinking blocks: small writes do not fragment it, and the source keeps
// its block for its next appends.
constexpr size_t kCopyInsteadOfMoveBytes = 256;

// Copies src's few bytes (len <= kCopyInsteadOfMoveBytes) to the end of
// dst, counted there; false, with nothing changed, if that needs a block
// that cannot be allocated.
bool copy_small(evbuffer* dst, evbuffer* src, size_t len) {
  // References and file segments move as they are: their cleanup runs only
  // when their last byte leaves the destination, as with libevent.
  for (Chain* c = src->first; c != nullptr && c->off > 0; c = c->next) {
    if (c->kind != ev::ChainKind::kMemory) return false;
  }
  Chain* only = src->first;
  if (only->off == len) return dst->add(only->data(), len) == 0;
  unsigned char bytes[kCopyInsteadOfMoveBytes];
  src->copy_out(0, bytes, len);
  return dst->add(bytes, len) == 0;
}

// Moves all of src's bytes to the end of dst (counts included, no callbacks).
void move_all(evbuffer* dst, evbuffer* src) {
  size_t len = src->total_len;
  if (len == 0) return;
  if (len <= kCopyInsteadOfMoveBytes && copy_small(dst, src, len)) {
    src->drain_front(len);
    src->note_deleted(len);
    return;
  }
  src->free_trailing_empty();
  dst->free_trailing_empty();
  if (dst->last != nullptr) {
    dst->last->next = src->first;
  } else {
    dst->first = src->first;
  }
  dst->last = src->last;
  dst->last_with_data = src->last_with_data;
  dst->flags.maybe_unmapped = dst->flags.maybe_unmapped || src->flags.maybe_unmapped;
  src->first = src->last = src->last_with_data = nullptr;
  src->flags.maybe_unmapped = false;
  src->total_len = 0;
  src->note_deleted(len);
  dst->note_added(len);
}

// Unlinks the first chain of `buf`, which must hold data.
Chain* unlink_first(evbuffer* buf) {
  Chain* c = buf->first;
  buf->first = c->next;
  if (c == buf->last_with_data) buf->last_with_data = nullptr;
  if (c == buf->last) buf->last = nullptr;
  buf->total_len -= c->off;
  c->next = nullptr;
  return c;
}

// evbuffer_add_file_segment(), also behind evbuffer_add_file() (called
// directly: an exported function would be reached through the PLT).
int add_segment(evbuffer* buf, evbuffer_file_segment* seg, ev_off_t offset, ev_off_t length,
                const char* fn) {
  EVBUF_REQUIRE_IN(fn, buf, -1);
  EVBUF_REQUIRE_IN(fn, seg, -1);
  if (offset < 0 || offset > seg->length || length < -1) return -1;
  if (length == -1) length = seg->length - offset;
  if (length > seg->length - offset) return -1;
  BufferLock guard(buf);
  if (buf->flags.freeze_end) return -1;
  if (length == 0) return 0;
  auto len = static_cast<size_t>(length);
  if (len > SIZE_MAX / 2 - buf->total_len) return -1;
  bool sendfile_ok = (buf->flags.drains_to_fd) && seg->can_sendfile;
  Chain* c = ev::chain_new_segment(seg, offset, len, sendfile_ok);
  if (c == nullptr) return -1;
  buf->append_data_chain(c);
  buf->note_added(len);
  buf->invoke_callbacks();
  return 0;
}

}  // namespace

extern "C" {

int evbuffer_add_buffer(struct evbuffer* outbuf, struct evbuffer* inbuf) {
  EVBUF_REQUIRE(outbuf, -1);
  EVBUF_REQUIRE(inbuf, -1);
  PairLock guard(outbuf, inbuf);
  if (inbuf->total_len == 0 || outbuf == inbuf) return 0;
  if (inbuf->flags.freeze_start || outbuf->flags.freeze_end) return -1;
  if (inbuf->total_len > SIZE_MAX / 2 - outbuf->total_len) return -1;
  move_all(outbuf, inbuf);
  inbuf->invoke_callbacks();
  outbuf->invoke_callbacks();
  return 0;
}

int evbuffer_prepend_buffer(struct evbuffer* dst, struct evbuffer* src) {
  EVBUF_REQUIRE(dst, -1);
  EVBUF_REQUIRE(src, -1);
  PairLock guard(dst, src);
  if (src->total_len == 0 || dst == src) return 0;
  if (src->flags.freeze_start || dst->flags.freeze_start) return -1;
  if (src->total_len > SIZE_MAX / 2 - dst->total_len) return -1;
  size_t len = src->total_len;
  src->free_trailing_empty();
  src->last->next = dst->first;
  dst->first = src->first;
  if (dst->last == nullptr) dst->last = src->last;
  if (dst->last_with_data == nullptr) dst->last_with_data = src->last_with_data;
  dst->flags.maybe_unmapped = dst->flags.maybe_unmapped || src->flags.maybe_unmapped;
  src->first = src->last = src->last_with_data = nullptr;
  src->flags.maybe_unmapped = false;
  src->total_len = 0;
  src->note_deleted(len);
  dst->note_added(len);
  src->invoke_callbacks();
  dst->invoke_callbacks();
  return 0;
}

int evbuffer_remove_buffer(struct evbuffer* src, struct evbuffer* dst, size_t datlen) {
  EVBUF_REQUIRE(src, -1);
  EVBUF_REQUIRE(dst, -1);
  PairLock guard(src, dst);
  if (datlen == 0 || src == dst) return 0;
  if (dst->flags.freeze_end || src->flags.freeze_start) return -1;
  if (datlen > INT32_MAX) datlen = INT32_MAX;
  if (datlen >= src->total_len) {
    datlen = src->total_len;
    if (datlen > SIZE_MAX / 2 - dst->total_len) return -1;
    move_all(dst, src);
  } else {
    // Whole blocks move; the block straddling the end is split.
    size_t left = datlen;
    while (left > 0 && src->first->off <= left) {
      Chain* c = unlink_first(src);
      left -= c->off;
      dst->append_data_chain(c);
      dst->total_len += c->off;
    }
    if (left > 0) {
      Chain* c = src->first;
      bool ok;
      if (c->unmapped()) {
        // Still on disk: share the segment instead of reading it.
        Chain* part = ev::chain_new_segment(
            c->u.seg.seg, c->u.seg.start + static_cast<int64_t>(c->misalign), left, true);
        ok = part != nullptr;
        if (ok) {
          dst->append_data_chain(part);
          dst->total_len += left;
        }
      } else {
        size_t before = dst->total_len;
        ok = dst->add(c->data(), left) == 0;
        dst->n_add_for_cb -= dst->total_len - before;  // counted once below
      }
      if (ok) {
        c->misalign += left;
        c->off -= left;
        src->total_len -= left;
        left = 0;
      }
    }
    datlen -= left;
    src->note_deleted(datlen);
    dst->n_add_for_cb += datlen;
  }
  src->invoke_callbacks();
  dst->invoke_callbacks();
  return static_cast<int>(datlen);
}

int evbuffer_add_buffer_reference(struct evbuffer* outbuf, struct evbuffer* inbuf) {
  EVBUF_REQUIRE(outbuf, -1);
  EVBUF_REQUIRE(inbuf, -1);
  if (outbuf == inbuf) return -1;
  PairLock guard(outbuf, inbuf);
  if (inbuf->total_len == 0) return 0;
  if (outbuf->flags.freeze_end) return -1;
  if (inbuf->total_len > SIZE_MAX / 2 - outbuf->total_len) return -1;
  // Views of views and of file segments are not supported (as in libevent).
  for (Chain* c = inbuf->first; c != nullptr && c->off > 0; c = c->next) {
    if (c->kind == ev::ChainKind::kSegment || c->kind == ev::ChainKind::kView) return -1;
  }
  // Build every view first so that a failure changes nothing.
  Chain* head = nullptr;
  Chain* tail = nullptr;
  for (Chain* c = inbuf->first; c != nullptr && c->off > 0; c = c->next) {
    Chain* v = ev::chain_new_view(c, inbuf);
    if (v == nullptr) {
      while (head != nullptr) {
        Chain* next = head->next;
        ev::chain_release(head);
        head = next;
      }
      return -1;
    }
    if (tail != nullptr) {
      tail->next = v;
    } else {
      head = v;
    }
    tail = v;
  }
  for (Chain* v = head; v != nullptr;) {
    Chain* next = v->next;
    outbuf->append_data_chain(v);
    v = next;
  }
  outbuf->note_added(inbuf->total_len);
  outbuf->invoke_callbacks();
  return 0;
}

int evbuffer_add_reference(struct evbuffer* outbuf, const void* data, size_t datlen,
                           evbuffer_ref_cleanup_cb cleanupfn, void* cleanupfn_arg) {
  EVBUF_REQUIRE(outbuf, -1);
  if (data == nullptr && datlen > 0) {
    evpriv_warnx("%s: NULL data", __func__);
    return -1;
  }
  {
    BufferLock guard(outbuf);
    if (outbuf->flags.freeze_end) return -1;
    if (datlen > SIZE_MAX / 2 - outbuf->total_len) return -1;
    if (datlen > 0) {
      Chain* c = ev::chain_new_reference(data, datlen, cleanupfn, cleanupfn_arg);
      if (c == nullptr) return -1;
      outbuf->append_data_chain(c);
      outbuf->note_added(datlen);
      outbuf->invoke_callbacks();
      return 0;
    }
  }
  // Nothing was stored, so nothing will ever need the memory.
  if (cleanupfn != nullptr) cleanupfn(data, 0, cleanupfn_arg);
  return 0;
}

struct evbuffer_file_segment* evbuffer_file_segment_new(int fd, ev_off_t offset, ev_off_t length,
                                                        unsigned flags) {
  return ev::segment_new(fd, offset, length, flags);
}

void evbuffer_file_segment_free(struct evbuffer_file_segment* seg) {
  if (seg != nullptr) ev::segment_decref(seg);
}

void evbuffer_file_segment_add_cleanup_cb(struct evbuffer_file_segment* seg,
                                          evbuffer_file_segment_cleanup_cb cb, void* arg) {
  EVBUF_REQUIRE(seg, );
  ev::LockGuard guard(seg->lock);
  seg->cleanup_cb = cb;
  seg->cleanup_arg = arg;
}

int evbuffer_add_file_segment(struct evbuffer* buf, struct evbuffer_file_segment* seg,
                              ev_off_t offset, ev_off_t length) {
  return add_segment(buf, seg, offset, length, "evbuffer_add_file_segment");
}

int evbuffer_add_file(struct evbuffer* buf, int fd, ev_off_t offset, ev_off_t length) {
  EVBUF_REQUIRE(buf, -1);
  evbuffer_file_segment* seg = ev::segment_new(fd, offset, length, EVBUF_FS_CLOSE_ON_FREE);
  if (seg == nullptr) return -1;
  int r = add_segment(buf, seg, 0, -1, "evbuffer_add_file");
  // The buffer holds its own reference now; on failure this closes `fd`.
  ev::segment_decref(seg);
  return r;
}

}  // extern "C"
