// The pool of receive buffers an io_uring base shares among its sockets
// (provided buffers: a buffer ring registered with IORING_REGISTER_PBUF_RING,
// Linux 5.19+).  The kernel takes a buffer from the ring for each receive
// completion; the completion names it, and the buffer goes back to the ring
// once its bytes were copied out.
//
// Buffers come in chunks of kPerChunk (mapped on demand, never through the
// heap): the first chunk (16 KiB) is made with the pool, and each time the
// ring runs dry the pool doubles, up to kMaxBuffers (4 MiB).  Idle
// connections hold no buffer.
#pragma once

#include "backends/available.hpp"

#if EV_BACKEND_HAVE_IO_URING

#include <linux/io_uring.h>

#include <cstddef>
#include <cstdint>

namespace ev::uring {

struct BufferPool {
  static constexpr unsigned kMaxBuffers = 1024;  // ring slots; a power of two
  static constexpr unsigned kBufBytes = 4096;
  static constexpr unsigned kPerChunk = 4;
  static constexpr unsigned kMaxChunks = kMaxBuffers / kPerChunk;
  static constexpr uint16_t kGroup = 0;

  io_uring_buf_ring* ring = nullptr;
  unsigned char* chunks[kMaxChunks] = {};
  unsigned nchunks = 0;
  unsigned tail = 0;       // next slot to fill (published with publish())
  unsigned available = 0;  // buffers in the ring

  // Maps and registers the ring with `ring_fd` and adds the first chunk;
  // 0 or -errno.
  int setup(int ring_fd);
  bool ready() const { return ring != nullptr; }
  // Adds another chunk to the ring; false at the limit or out of memory.
  bool grow();
  // The ring ran dry: doubles the pool (as far as allowed); false when not
  // one chunk could be added.
  bool grow_double() {
    const unsigned want = nchunks;
    unsigned added = 0;
    while (added < want && grow()) ++added;
    return added != 0;
  }
  // Hands buffer `bid` back (visible to the kernel at once).
  void put(unsigned bid) {
    add(bid);
    publish();
  }
  const unsigned char* data(int bid) const {
    return chunks[static_cast<unsigned>(bid) / kPerChunk] +
           (static_cast<unsigned>(bid) % kPerChunk) * kBufBytes;
  }
  // A completion took one buffer out of the ring.
  void taken() { --available; }
  // Unmaps everything; call after the ring is closed.
  void destroy();

 private:
  void add(unsigned bid);
  void publish() { __atomic_store_n(&ring->tail, static_cast<uint16_t>(tail), __ATOMIC_RELEASE); }
};

}  // namespace ev::uring

#endif  // EV_BACKEND_HAVE_IO_URING
