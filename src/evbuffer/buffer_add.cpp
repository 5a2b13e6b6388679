// Putting bytes into an evbuffer: append, prepend, free-space management
// (expand, reserve/commit) and formatted output.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/log.hpp"
#include "evbuffer/buffer.hpp"

using ev::Chain;

namespace {

// The chain where the next appended byte goes first.
inline Chain* append_chain(const evbuffer* buf) {
  return buf->last_with_data != nullptr ? buf->last_with_data : buf->first;
}

// Worth moving `c`'s few live bytes to the front to make `need` fit?
inline bool realign_fits(const Chain* c, size_t need) {
  return c->off > 0 && c->movable() && c->misalign > 0 && c->off <= ev::kMaxRealignBytes &&
         c->capacity - c->off >= need;
}

// Data bytes of a new block for `need` more bytes in a buffer holding
// `held`: a buffer that keeps growing by small appends gets blocks as large
// as what it already holds (up to kMaxGrowBlockBytes), so it needs few
// allocations, while the unused tail stays smaller than its contents.
inline size_t grown_block_size(size_t need, size_t held) {
  size_t grown = held < ev::kMaxGrowBlockBytes ? held : ev::kMaxGrowBlockBytes;
  return need > grown ? need : grown;
}

}  // namespace

int evbuffer::add_slow(const void* data, size_t len) {
  if (len > SIZE_MAX / 2 - total_len) return -1;
  Chain* c = append_chain(this);
  size_t avail = 0;
  for (Chain* t = c; t != nullptr; t = t->next) avail += t->space();
  // Free blocks after the append block (one kept from a drain) are used
  // before moving bytes around to make room.
  if (avail < len && c != nullptr && realign_fits(c, len)) {
    avail -= c->space();
    ev::chain_realign(c);
    avail += c->space();
  }
  // Allocate before touching anything, so a failure leaves no trace.
  Chain* fresh = nullptr;
  if (avail < len) {
    fresh = ev::chain_new_memory(grown_block_size(len - avail, total_len));
    if (fresh == nullptr) return -1;
  }
  const auto* src = static_cast<const unsigned char*>(data);
  size_t left = len;
  for (Chain* t = c; t != nullptr && left > 0; t = t->next) {
    size_t k = t->space() < left ? t->space() : left;
    if (k == 0) continue;
    std::memcpy(t->tail(), src, k);
    t->off += k;
    src += k;
    left -= k;
    last_with_data = t;
  }
  if (fresh != nullptr) {
    std::memcpy(fresh->base, src, left);
    fresh->off = left;
    append_data_chain(fresh);
  }
  note_added(len);
  return 0;
}

int evbuffer::prepend(const void* data, size_t len) {
  if (len == 0) return 0;
  if (len > SIZE_MAX / 2 - total_len) return -1;
  Chain* c = first;
  if (c != nullptr && c->movable()) {
    if (c->off == 0 && c->capacity >= len) {
      // An empty block: put the bytes at its end so later prepends fit too.
      c->misalign = c->capacity - len;
      c->off = len;
      std::memcpy(c->data(), data, len);
      last_with_data = c;
      note_added(len);
      return 0;
    }
    if (c->off > 0 && c->misalign >= len) {
      c->misalign -= len;
      c->off += len;
      std::memcpy(c->data(), data, len);
      note_added(len);
      return 0;
    }
  }
  Chain* fresh = ev::chain_new_memory(len);
  if (fresh == nullptr) return -1;
  fresh->misalign = fresh->capacity - len;
  fresh->off = len;
  std::memcpy(fresh->data(), data, len);
  prepend_chain(fresh);
  note_added(len);
  return 0;
}

Chain* evbuffer::expand_single(size_t need) {
  if (need > ev::kMaxChainCapacity) return nullptr;
  Chain* c = append_chain(this);
  if (c != nullptr) {
    if (c->space() >= need) return c;
    if (realign_fits(c, need)) {
      ev::chain_realign(c);
      return c;
    }
    if (c->off > 0 && c->next != nullptr && c->next->space() >= need) return c->next;
  }
  Chain* fresh = ev::chain_new_memory(need);
  if (fresh == nullptr) return nullptr;
  free_trailing_empty();
  append_empty_chain(fresh);
  return fresh;
}

bool evbuffer::expand_fast(size_t need, int max_vecs) {
  if (need > ev::kMaxChainCapacity) return false;
  Chain* c = append_chain(this);
  size_t avail = 0;
  int used = 0;
  for (Chain* t = c; t != nullptr && used < max_vecs; t = t->next) {
    if (t->space() == 0) continue;
    avail += t->space();
    ++used;
  }
  if (avail >= need) return true;
  if (c != nullptr && realign_fits(c, need)) {
    ev::chain_realign(c);
    return true;
  }
  if (used < max_vecs) {
    // An extent is left: keep the space handed out before (a caller may
    // still hold those pointers, as libevent lets it) and add a block for
    // the rest.
    Chain* fresh = ev::chain_new_memory(grown_block_size(need - avail, total_len));
    if (fresh == nullptr) return false;
    append_empty_chain(fresh);
    return true;
  }
  // Keep the free tail of the last data block, replace the empty blocks by
  // one block large enough for the whole request: sized for the rest only,
  // a stream of partly filled reservations would reallocate every time.
  Chain* fresh = ev::chain_new_memory(grown_block_size(need, total_len));
  if (fresh == nullptr) return false;
  free_trailing_empty();
  append_empty_chain(fresh);
  return true;
}

int evbuffer::setup_space_vecs(size_t want, iovec* vec, int max_vecs, bool exact) {
  int n = 0;
  size_t got = 0;
  for (Chain* t = append_chain(this); t != nullptr && n < max_vecs; t = t->next) {
    size_t space = t->space();
    if (space == 0) continue;
    if (exact && space > want - got) space = want - got;
    vec[n].iov_base = t->tail();
    vec[n].iov_len = space;
    ++n;
    got += space;
    if (got >= want) break;
  }
  return n;
}

void evbuffer::mark_filled(Chain* chain) {
  if (chain == last_with_data) return;
  // Blocks the same commit filled before `chain` stay; empty blocks between
  // the old last data chain and `chain` go away.
  Chain* prev = last_with_data;
  Chain* t = prev != nullptr ? prev->next : first;
  while (t != chain) {
    Chain* next = t->next;
    if (t->off == 0) {
      ev::chain_release(t);
    } else {
      if (prev != nullptr) {
        prev->next = t;
      } else {
        first = t;
      }
      prev = t;
    }
    t = next;
  }
  if (prev != nullptr) {
    prev->next = chain;
  } else {
    first = chain;
  }
  last_with_data = chain;
}

void evbuffer::commit_appended(size_t n) {
  size_t left = n;
  Chain* filled = nullptr;
  for (Chain* t = append_chain(this); t != nullptr && left > 0; t = t->next) {
    size_t k = t->space() < left ? t->space() : left;
    if (k == 0) continue;
    t->off += k;
    left -= k;
    filled = t;
  }
  EV_ASSERT(left == 0);
  if (filled != nullptr) mark_filled(filled);
  note_added(n);
}

bool evbuffer::commit_in_place(const iovec* vec, int n_vecs) {
  Chain* c = append_chain(this);
  // A full append block is skipped by the general path: leave it that case.
  if (c == nullptr || c->space() == 0 || vec[0].iov_base != c->tail() ||
      vec[0].iov_len > c->space())
    return false;
  size_t first_len = vec[0].iov_len;
  size_t second_len = 0;
  Chain* d = c->next;
  if (n_vecs == 2) {
    if (d == nullptr || vec[1].iov_base != d->tail() || vec[1].iov_len > d->space()) return false;
    second_len = vec[1].iov_len;
    // An append block left empty in front of filled space: the general
    // path unlinks it.
    if (second_len > 0 && c->off + first_len == 0) return false;
  }
  c->off += first_len;
  if (second_len > 0) {
    d->off += second_len;
    last_with_data = d;
  } else if (first_len > 0) {
    last_with_data = c;
  }
  total_len += first_len + second_len;
  return true;
}

int evbuffer::commit_space(const iovec* vec, int n_vecs) {
  if (n_vecs == 0) return 0;
  if (n_vecs < 0 || vec == nullptr) return -1;
  Chain* start = append_chain(this);
  // A single extent from expand_single() may sit in the block after a
  // data block that still has a little room.
  if (n_vecs == 1 && start != nullptr && start->off > 0 && start->next != nullptr &&
      vec[0].iov_base == start->next->tail())
    start = start->next;
  else if (start != nullptr && start->space() == 0)
    start = start->next;
  // Pass 1: every extent must be the free space of consecutive blocks.
  Chain* t = start;
  for (int i = 0; i < n_vecs; ++i, t = t->next) {
    if (t == nullptr || vec[i].iov_base != t->tail() || vec[i].iov_len > t->space()) return -1;
  }
  // Pass 2: commit; a later extent may be used only if earlier ones are
  // full, otherwise bytes would sit behind a gap.
  size_t added = 0;
  Chain* filled = nullptr;
  t = start;
  for (int i = 0; i < n_vecs; ++i, t = t->next) {
    if (vec[i].iov_len == 0) continue;
    t->off += vec[i].iov_len;
    added += vec[i].iov_len;
    filled = t;
  }
  if (filled != nullptr && filled != last_with_data) {
    // Blocks left empty before the last filled one cannot stay in the middle.
    Chain* prev = last_with_data;
    for (Chain* c = prev != nullptr ? prev->next : first; c != filled;) {
      Chain* next = c->next;
      if (c->off == 0) {
        if (prev != nullptr) {
          prev->next = next;
        } else {
          first = next;
        }
        ev::chain_release(c);
      } else {
        prev = c;
      }
      c = next;
    }
    last_with_data = filled;
    if (filled->next == nullptr) last = filled;
  }
  note_added(added);
  return 0;
}

int evbuffer::vprintf(const char* fmt, va_list ap) {
  Chain* c = expand_single(64);
  for (int attempt = 0; c != nullptr && attempt < 2; ++attempt) {
    size_t space = c->space();
    va_list aq;
    va_copy(aq, ap);
    int n = std::vsnprintf(reinterpret_cast<char*>(c->tail()), space, fmt, aq);
    va_end(aq);
    if (n < 0) return -1;
    if (static_cast<size_t>(n) < space) {
      if (n == 0) return 0;
      c->off += static_cast<size_t>(n);
      mark_filled(c);
      note_added(static_cast<size_t>(n));
      return n;
    }
    c = expand_single(static_cast<size_t>(n) + 1);
  }
  return -1;
}
