// One block of an evbuffer's storage, and the ways a block can be backed.
//
// A chain describes `off` live bytes that start `misalign` bytes into a
// storage area of `capacity` bytes at `base`.  Consuming bytes at the front
// only grows `misalign` (no memmove); appending fills the free tail.
// Plain memory blocks are allocated together with their header, sized for
// the data they were made for (never rounded up to a power of two).
#pragma once

#include <event2/buffer.h>

#include <cstddef>
#include <cstdint>

struct evbuffer;
struct evbuffer_file_segment;

namespace ev {

// What backs a chain's bytes.
enum class ChainKind : uint8_t {
  kMemory,     // owned bytes right after the header; the only writable kind
  kReference,  // caller memory from evbuffer_add_reference(), with a cleanup
  kSegment,    // part of a file segment: mapped/read contents, or sendfile()
  kView,       // bytes of another buffer's chain (evbuffer_add_buffer_reference)
};

// Smallest data area of a fresh memory block: small appends coalesce into
// it.  Header + data is one allocation of 1 KiB.
inline constexpr size_t kMinBlockBytes = 1024;
// Largest block we ever try to allocate; larger requests fail cleanly.
inline constexpr size_t kMaxChainCapacity = SIZE_MAX / 4;
// Realigning (moving live bytes to the start of their block) is worth it
// only for this many bytes or fewer.
inline constexpr size_t kMaxRealignBytes = 2048;

// An empty asm that claims to change `v`: GCC would otherwise merge two
// adjacent 8-byte field updates into SSE shuffles costing more than they
// save (seen in the drain fast path).
inline void keep_scalar(size_t& v) {
#if defined(__GNUC__)
  asm("" : "+r"(v));
#else
  (void)v;
#endif
}

struct Chain {
  Chain* next = nullptr;
  // Start of the storage area; nullptr for a segment chain whose file range
  // has not been brought into memory (it is sent with sendfile()).
  unsigned char* base = nullptr;
  size_t capacity = 0;  // bytes of storage at `base`
  size_t misalign = 0;  // bytes already consumed at the front
  size_t off = 0;       // live bytes, starting at base + misalign
  // 1 for the buffer holding it, +1 per view sharing its bytes.
  int refcnt = 1;
  ChainKind kind = ChainKind::kMemory;
  // Views point into the live bytes: they must never move or be overwritten
  // (no realign, no prepend into the consumed front).  Appends stay legal.
  bool shared = false;

  union {
    struct {
      evbuffer_ref_cleanup_cb fn;
      const void* data;
      size_t len;
      void* arg;
    } ref;
    struct {
      evbuffer_file_segment* seg;
      int64_t start;  // offset within the segment of storage byte 0
    } seg;
    struct {
      Chain* parent;     // the chain whose bytes we show
      evbuffer* source;  // the buffer that owns `parent` (kept alive)
    } view;
  } u{};

  unsigned char* data() const { return base + misalign; }
  // Forgets the first `n` live bytes (n <= off).
  void consume(size_t n) {
    misalign += n;
    keep_scalar(n);
    off -= n;
  }
  unsigned char* tail() const { return base + misalign + off; }
  // Only memory blocks accept appended bytes.
  bool appendable() const { return kind == ChainKind::kMemory; }
  size_t space() const { return appendable() ? capacity - misalign - off : 0; }
  // Whether the live bytes may be moved or bytes written before them.
  bool movable() const { return kind == ChainKind::kMemory && !shared; }
  // A segment chain that must be materialised before its bytes are read.
  bool unmapped() const { return base == nullptr && kind == ChainKind::kSegment; }
};

// A memory block able to hold at least `min_capacity` bytes; nullptr when
// the allocation fails or the size is absurd.
Chain* chain_new_memory(size_t min_capacity);
// A block showing `len` caller bytes; `fn` runs when it is released.
Chain* chain_new_reference(const void* data, size_t len, evbuffer_ref_cleanup_cb fn, void* arg);
// A block for `len` bytes of `seg` from segment offset `start`; takes a
// segment reference.  Materialised at once unless `use_sendfile`.
Chain* chain_new_segment(evbuffer_file_segment* seg, int64_t start, size_t len, bool use_sendfile);
// A block sharing the live bytes of `parent`, owned by `source`.
Chain* chain_new_view(Chain* parent, evbuffer* source);

// Drops one reference; the last one runs the block's cleanup and frees it.
void chain_release(Chain* chain);

// Brings an unmapped segment chain's bytes into memory; false on failure.
bool chain_materialize(Chain* chain);

// Moves a movable block's live bytes to the start of its storage.
void chain_realign(Chain* chain);

}  // namespace ev
