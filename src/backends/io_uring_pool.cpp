// The receive buffer pool of an io_uring base (see io_uring_pool.hpp).
#include "backends/io_uring_pool.hpp"

#if EV_BACKEND_HAVE_IO_URING

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace ev::uring {
namespace {

constexpr size_t kRingBytes = BufferPool::kMaxBuffers * sizeof(io_uring_buf);
constexpr size_t kChunkBytes = size_t{BufferPool::kPerChunk} * BufferPool::kBufBytes;

void* map_anon(size_t n) {
  void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

int BufferPool::setup(int ring_fd) {
  void* mem = map_anon(kRingBytes);
  if (mem == nullptr) return -ENOMEM;
  ring = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg;
  std::memset(&reg, 0, sizeof(reg));
  reg.ring_addr = reinterpret_cast<uint64_t>(mem);
  reg.ring_entries = kMaxBuffers;
  reg.bgid = kGroup;
  if (syscall(__NR_io_uring_register, ring_fd, IORING_REGISTER_PBUF_RING, &reg, 1) < 0) {
    int err = errno;
    munmap(mem, kRingBytes);
    ring = nullptr;
    return -err;
  }
  tail = 0;
  if (!grow()) return -ENOMEM;  // the registration goes with the ring
  return 0;
}

bool BufferPool::grow() {
  if (nchunks == kMaxChunks) return false;
  void* mem = map_anon(kChunkBytes);
  if (mem == nullptr) return false;
  chunks[nchunks] = static_cast<unsigned char*>(mem);
  const unsigned first = nchunks * kPerChunk;
  ++nchunks;
  for (unsigned i = 0; i < kPerChunk; ++i) add(first + i);
  publish();
  return true;
}

void BufferPool::add(unsigned bid) {
  // Not ring->bufs: in C++ the header's flexible-array wrapper (an empty
  // struct, one byte) moves the array 8 bytes from where the kernel reads
  // it.  Entry 0 overlays the ring header, its `resv` being the tail.
  io_uring_buf& b = reinterpret_cast<io_uring_buf*>(ring)[tail & (kMaxBuffers - 1)];
  b.addr = reinterpret_cast<uint64_t>(data(static_cast<int>(bid)));
  b.len = kBufBytes;
  b.bid = static_cast<uint16_t>(bid);
  ++tail;
  ++available;
}

void BufferPool::destroy() {
  for (unsigned i = 0; i < nchunks; ++i) munmap(chunks[i], kChunkBytes);
  nchunks = 0;
  if (ring != nullptr) munmap(ring, kRingBytes);
  ring = nullptr;
}

}  // namespace ev::uring

#endif  // EV_BACKEND_HAVE_IO_URING
