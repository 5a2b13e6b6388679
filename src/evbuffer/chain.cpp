// Creation and release of the four kinds of chain.
#include "evbuffer/chain.hpp"

#include <cstring>
#include <new>

#include "core/mm.hpp"
#include "evbuffer/buffer.hpp"
#include "evbuffer/file_segment.hpp"

namespace ev {

namespace {

Chain* alloc_header(size_t extra) {
  void* mem = mm_malloc(sizeof(Chain) + extra);
  if (mem == nullptr) return nullptr;
  return ::new (mem) Chain();
}

}  // namespace

Chain* chain_new_memory(size_t min_capacity) {
  if (min_capacity > kMaxChainCapacity) return nullptr;
  size_t capacity = min_capacity;
  if (sizeof(Chain) + capacity < kMinBlockBytes) capacity = kMinBlockBytes - sizeof(Chain);
  // Round the whole allocation to 16 bytes, the malloc granule, and give the
  // slack to the data area instead of wasting it.
  size_t total = (sizeof(Chain) + capacity + 15) & ~size_t{15};
  Chain* chain = alloc_header(total - sizeof(Chain));
  if (chain == nullptr) return nullptr;
  chain->base = reinterpret_cast<unsigned char*>(chain + 1);
  chain->capacity = total - sizeof(Chain);
  return chain;
}

Chain* chain_new_reference(const void* data, size_t len, evbuffer_ref_cleanup_cb fn, void* arg) {
  Chain* chain = alloc_header(0);
  if (chain == nullptr) return nullptr;
  chain->kind = ChainKind::kReference;
  // The bytes are never written through this pointer: the kind forbids it.
  chain->base = static_cast<unsigned char*>(const_cast<void*>(data));
  chain->capacity = chain->off = len;
  chain->u.ref.fn = fn;
  chain->u.ref.data = data;
  chain->u.ref.len = len;
  chain->u.ref.arg = arg;
  return chain;
}

Chain* chain_new_segment(evbuffer_file_segment* seg, int64_t start, size_t len, bool use_sendfile) {
  if (!use_sendfile && !segment_materialize(seg)) return nullptr;
  Chain* chain = alloc_header(0);
  if (chain == nullptr) return nullptr;
  chain->kind = ChainKind::kSegment;
  chain->capacity = chain->off = len;
  chain->u.seg.seg = seg;
  chain->u.seg.start = start;
  if (!use_sendfile) chain->base = seg->contents + start;
  segment_incref(seg);
  return chain;
}

Chain* chain_new_view(Chain* parent, evbuffer* source) {
  Chain* chain = alloc_header(0);
  if (chain == nullptr) return nullptr;
  chain->kind = ChainKind::kView;
  chain->base = parent->data();
  chain->capacity = chain->off = parent->off;
  chain->u.view.parent = parent;
  chain->u.view.source = source;
  ++parent->refcnt;
  parent->shared = true;
  source->incref();
  return chain;
}

bool chain_materialize(Chain* chain) {
  if (!chain->unmapped()) return true;
  evbuffer_file_segment* seg = chain->u.seg.seg;
  if (!segment_materialize(seg)) return false;
  chain->base = seg->contents + chain->u.seg.start;
  return true;
}

void chain_realign(Chain* chain) {
  if (chain->misalign == 0) return;
  std::memmove(chain->base, chain->data(), chain->off);
  chain->misalign = 0;
}

void chain_release(Chain* chain) {
  if (--chain->refcnt > 0) {
    // Only the owner is left: its bytes may move again.
    if (chain->refcnt == 1) chain->shared = false;
    return;
  }
  switch (chain->kind) {
    case ChainKind::kMemory:
      break;
    case ChainKind::kReference:
      if (chain->u.ref.fn != nullptr)
        chain->u.ref.fn(chain->u.ref.data, chain->u.ref.len, chain->u.ref.arg);
      break;
    case ChainKind::kSegment:
      segment_decref(chain->u.seg.seg);
      break;
    case ChainKind::kView: {
      // The parent belongs to another buffer: change it under that lock.
      evbuffer* source = chain->u.view.source;
      source->lock();
      chain_release(chain->u.view.parent);
      source->decref_and_unlock();
      break;
    }
  }
  chain->~Chain();
  mm_free(chain);
}

}  // namespace ev
