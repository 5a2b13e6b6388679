// evbuffer lifetime, locking and the chain list primitives.
#include <cstdint>

#include "core/deferred.hpp"
#include "core/locking.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "evbuffer/buffer.hpp"

using ev::Chain;

void evbuffer::release_last_ref() {
  EV_ASSERT(refcnt == 1);
  refcnt = 0;
  free_all_chains();
  for (evbuffer_cb_entry* e = callbacks; e != nullptr;) {
    evbuffer_cb_entry* next = e->next;
    ev::destroy(e);
    e = next;
  }
  callbacks = nullptr;
  void* my_lock = lock_ptr();
  bool owned = flags.own_lock;
  unlock();
  setup.has_lock = false;
  ev::destroy(ext);
  ext = nullptr;
  if (owned) evpriv_lock_free(my_lock, 1 /* EVTHREAD_LOCKTYPE_RECURSIVE */);
  // An embedded buffer's storage belongs to its owner.
  if (setup.owner_tag != ev::kOwnerNone) {
    ev::owner_buffer_released(this, setup.owner_tag);
    return;
  }
  ev::destroy(this);
}

BufferExt* evbuffer::get_ext() {
  if (ext == nullptr) ext = ev::make<BufferExt>();
  return ext;
}

void evbuffer::append_data_chain(Chain* chain) {
  EV_ASSERT(chain->off > 0);
  free_trailing_empty();
  note_linked(chain);
  if (last == nullptr) {
    first = chain;
  } else {
    last->next = chain;
  }
  last = last_with_data = chain;
  chain->next = nullptr;
}

void evbuffer::append_empty_chain(Chain* chain) {
  EV_ASSERT(chain->off == 0 && chain->kind == ev::ChainKind::kMemory);
  chain->next = nullptr;
  if (last == nullptr) {
    first = chain;
  } else {
    last->next = chain;
  }
  last = chain;
}

void evbuffer::prepend_chain(Chain* chain) {
  EV_ASSERT(chain->off > 0);
  note_linked(chain);
  chain->next = first;
  first = chain;
  if (last == nullptr) last = chain;
  if (last_with_data == nullptr) last_with_data = chain;
}

void evbuffer::free_trailing_empty() {
  Chain* c = last_with_data != nullptr ? last_with_data->next : first;
  while (c != nullptr) {
    Chain* next = c->next;
    ev::chain_release(c);
    c = next;
  }
  if (last_with_data != nullptr) {
    last_with_data->next = nullptr;
    last = last_with_data;
  } else {
    first = last = nullptr;
  }
}

void evbuffer::free_all_chains() {
  for (Chain* c = first; c != nullptr;) {
    Chain* next = c->next;
    ev::chain_release(c);
    c = next;
  }
  first = last = last_with_data = nullptr;
  total_len = 0;
  flags.maybe_unmapped = false;
}

void evbuffer::drain_front_chains(size_t len) {
  EV_ASSERT(len <= total_len);
  if (len == 0) return;
  if (len == total_len) {
    drain_all();
    return;
  }
  total_len -= len;
  while (len > 0) {
    Chain* c = first;
    if (c->off > len) {
      c->consume(len);
      break;
    }
    len -= c->off;
    first = c->next;
    // Total stays positive, so the last data chain is never consumed here.
    EV_ASSERT(c != last_with_data);
    retire_chain(c);
  }
}

namespace {

// Whether a drained block may be kept for later appends: plain memory
// nobody else shares, small enough that keeping it costs little.
bool reusable(const Chain* c) {
  return c->kind == ev::ChainKind::kMemory && c->refcnt == 1 && c->capacity <= ev::kMaxSpareBytes;
}

}  // namespace

void evbuffer::retire_chain(Chain* c) {
  // One free block at the end is enough: the next appends (or reads) fill
  // it instead of asking malloc for a new one.
  if (last != nullptr && last == last_with_data && reusable(c)) {
    c->misalign = c->off = 0;
    c->next = nullptr;
    last->next = c;
    last = c;
    return;
  }
  ev::chain_release(c);
}

void evbuffer::drain_all() {
  // A standalone buffer keeps one block: it is typically refilled at once
  // (a scratch or per-message buffer).  A bufferevent's buffers free
  // everything, so that idle connections cost no more than before.
  Chain* keep = nullptr;
  if (setup.owner_tag == ev::kOwnerNone) {
    if (last != nullptr && reusable(last)) {
      keep = last;
    } else if (last_with_data != nullptr && reusable(last_with_data)) {
      keep = last_with_data;
    }
  }
  for (Chain* c = first; c != nullptr;) {
    Chain* next = c->next;
    if (c != keep) ev::chain_release(c);
    c = next;
  }
  if (keep != nullptr) {
    keep->misalign = keep->off = 0;
    keep->next = nullptr;
  }
  first = last = keep;
  last_with_data = nullptr;
  total_len = 0;
  flags.maybe_unmapped = false;
}

Chain* evbuffer::locate(size_t pos, size_t* in_chain) const {
  *in_chain = 0;
  if (pos >= total_len) return nullptr;
  for (Chain* c = first; c != nullptr; c = c->next) {
    if (pos < c->off) {
      *in_chain = pos;
      return c;
    }
    pos -= c->off;
  }
  return nullptr;
}

bool evbuffer::materialize_chains() {
  for (Chain* c = first; c != nullptr; c = c->next) {
    if (!ev::chain_materialize(c)) {
      evpriv_warnx("evbuffer: cannot bring a file segment into memory");
      return false;
    }
  }
  flags.maybe_unmapped = false;
  return true;
}

bool evbuffer::check_invariants() const {
  size_t sum = 0;
  size_t unmapped = 0;
  bool past_data = last_with_data == nullptr;
  const Chain* prev = nullptr;
  for (const Chain* c = first; c != nullptr; c = c->next) {
    if (!past_data && c->off == 0) return false;
    if (past_data && (c->off != 0 || c->kind != ev::ChainKind::kMemory)) return false;
    if (c->misalign + c->off > c->capacity) return false;
    if (c->unmapped()) ++unmapped;
    sum += c->off;
    if (c == last_with_data) past_data = true;
    prev = c;
  }
  bool counts_ok = !unwatched() || (n_add_for_cb == 0 && n_del_for_cb == 0);
  return past_data && prev == last && sum == total_len && (unmapped == 0 || flags.maybe_unmapped) &&
         (first != nullptr || last == nullptr) && counts_ok;
}

namespace ev {

void lock_pair(evbuffer* a, evbuffer* b) {
  void* la = a->lock_ptr();
  void* lb = b->lock_ptr();
  if (la == lb || reinterpret_cast<uintptr_t>(la) < reinterpret_cast<uintptr_t>(lb)) {
    a->lock();
    b->lock();
  } else {
    b->lock();
    a->lock();
  }
}

}  // namespace ev
