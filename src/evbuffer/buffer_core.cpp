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
  ev::destroy(ext);
  ext = nullptr;
  void* my_lock = lock_;
  bool owned = own_lock;
  unlock();
  if (owned) evpriv_lock_free(my_lock, 1 /* EVTHREAD_LOCKTYPE_RECURSIVE */);
  // An embedded buffer's storage belongs to its owner.
  if (owner_tag != ev::kOwnerNone) {
    ev::owner_buffer_released(this, owner_tag);
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
  maybe_unmapped = false;
}

void evbuffer::drain_front_chains(size_t len) {
  EV_ASSERT(len <= total_len);
  if (len == 0) return;
  if (len == total_len) {
    free_all_chains();
    return;
  }
  total_len -= len;
  while (len > 0) {
    Chain* c = first;
    if (c->off > len) {
      c->misalign += len;
      c->off -= len;
      break;
    }
    len -= c->off;
    first = c->next;
    // Total stays positive, so the last data chain is never consumed here.
    EV_ASSERT(c != last_with_data);
    ev::chain_release(c);
  }
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
  maybe_unmapped = false;
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
  return past_data && prev == last && sum == total_len && (unmapped == 0 || maybe_unmapped) &&
         (first != nullptr || last == nullptr);
}

namespace ev {

void lock_pair(evbuffer* a, evbuffer* b) {
  if (a->lock_ == b->lock_ ||
      reinterpret_cast<uintptr_t>(a->lock_) < reinterpret_cast<uintptr_t>(b->lock_)) {
    a->lock();
    b->lock();
  } else {
    b->lock();
    a->lock();
  }
}

}  // namespace ev
