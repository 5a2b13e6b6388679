// Reading bytes out of an evbuffer without consuming them: copying out and
// making a prefix contiguous (pullup).
#include <cstring>

#include "core/log.hpp"
#include "evbuffer/buffer.hpp"

using ev::Chain;

size_t evbuffer::copy_out(size_t pos, void* out, size_t len) {
  // Common case: the bytes all sit in the first block.
  if (first != nullptr && pos < first->off && len <= first->off - pos) {
    std::memcpy(out, first->data() + pos, len);
    return len;
  }
  if (pos >= total_len) return 0;
  if (len > total_len - pos) len = total_len - pos;
  size_t in = 0;
  Chain* c = locate(pos, &in);
  auto* dst = static_cast<unsigned char*>(out);
  size_t left = len;
  while (left > 0 && c != nullptr) {
    size_t k = c->off - in < left ? c->off - in : left;
    std::memcpy(dst, c->data() + in, k);
    dst += k;
    left -= k;
    c = c->next;
    in = 0;
  }
  return len - left;
}

unsigned char* evbuffer::pullup(size_t size) {
  EV_ASSERT(size > 0 && size <= total_len);
  Chain* c = first;
  if (c->off >= size) return c->data();
  // Prefer growing the first block in place; else one new block of
  // exactly `size` bytes (we linearise only what was asked for).
  Chain* dst = nullptr;
  if (c->movable() && c->capacity - c->misalign >= size) {
    dst = c;
  } else if (c->movable() && c->capacity >= size) {
    ev::chain_realign(c);
    dst = c;
  } else {
    dst = ev::chain_new_memory(size);
    if (dst == nullptr) return nullptr;
  }
  Chain* src = dst == c ? c->next : c;
  size_t left = size - dst->off;
  bool took_last_data = false;
  while (left > 0) {
    size_t k = src->off < left ? src->off : left;
    std::memcpy(dst->tail(), src->data(), k);
    dst->off += k;
    left -= k;
    if (k < src->off) {
      src->misalign += k;
      src->off -= k;
      break;
    }
    Chain* next = src->next;
    if (src == last_with_data) took_last_data = true;
    ev::chain_release(src);
    src = next;
  }
  // Relink: dst, then whatever was not consumed.
  dst->next = src;
  first = dst;
  if (took_last_data) last_with_data = dst;
  if (src == nullptr) last = dst;
  return dst->data();
}
