// The raw io_uring ring (see io_uring_ring.hpp).
#include "backends/io_uring_ring.hpp"

#if EV_BACKEND_HAVE_IO_URING

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "core/mm.hpp"

namespace ev::uring {
namespace {

// What the readiness backend needs: the wait's own timeout (EXT_ARG, 5.11),
// completions never dropped (NODROP), one mapping for both rings, and
// multishot poll (5.13, which RSRC_TAGS dates).
constexpr unsigned kRequiredFeatures =
    IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG | IORING_FEAT_RSRC_TAGS;

int sys_setup(unsigned entries, io_uring_params* p) {
  return static_cast<int>(syscall(__NR_io_uring_setup, entries, p));
}

// The opcodes the kernel supports (IORING_REGISTER_PROBE), fetched once;
// nullptr when it cannot say.  mm_free() it.
io_uring_probe* fetch_probe(int fd) {
  constexpr unsigned kSlots = 256;
  const size_t size = sizeof(io_uring_probe) + kSlots * sizeof(io_uring_probe_op);
  auto* probe = static_cast<io_uring_probe*>(mm_calloc(1, size));
  if (probe != nullptr &&
      syscall(__NR_io_uring_register, fd, IORING_REGISTER_PROBE, probe, kSlots) != 0) {
    mm_free(probe);
    probe = nullptr;
  }
  return probe;
}

// Whether `probe` lists every opcode in `ops` as supported.
bool supports(const io_uring_probe* probe, const unsigned char* ops, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (probe == nullptr || ops[i] > probe->last_op || ops[i] >= probe->ops_len ||
        (probe->ops[ops[i]].flags & IO_URING_OP_SUPPORTED) == 0)
      return false;
  }
  return true;
}

}  // namespace

int Ring::init(unsigned entries, unsigned cq_size) {
  // SUBMIT_ALL (5.18) keeps submitting past one bad entry.  COOP_TASKRUN
  // (5.19) lets completion work wait for our next io_uring_enter instead of
  // interrupting the thread (an IPI each time a socket wakes a request);
  // TASKRUN_FLAG says in the ring when such work is waiting.  Older kernels
  // refuse the flags: then the ring goes without them, newest first.
  static constexpr unsigned kFlagSets[] = {
      IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
      IORING_SETUP_SUBMIT_ALL, 0};
  io_uring_params p;
  int ring = -1;
  for (unsigned extra : kFlagSets) {
    std::memset(&p, 0, sizeof(p));
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | extra;
    p.cq_entries = cq_size;
    ring = sys_setup(entries, &p);
    if (ring >= 0 || errno != EINVAL) break;
  }
  if (ring < 0) return -errno;
  fd = ring;
  features = p.features;
  taskrun_flag = (p.flags & IORING_SETUP_TASKRUN_FLAG) != 0;
  if ((features & kRequiredFeatures) != kRequiredFeatures) {
    destroy();
    return -EOPNOTSUPP;
  }
  static constexpr unsigned char kOps[] = {IORING_OP_POLL_ADD, IORING_OP_POLL_REMOVE,
                                           IORING_OP_ASYNC_CANCEL};
  static constexpr unsigned char kSockOps[] = {IORING_OP_RECV, IORING_OP_SEND, IORING_OP_SENDMSG};
  static constexpr unsigned char kAcceptOp[] = {IORING_OP_ACCEPT};
  io_uring_probe* probe = fetch_probe(fd);
  const bool usable = supports(probe, kOps, sizeof(kOps));
  has_sock_ops = supports(probe, kSockOps, sizeof(kSockOps));
  has_accept = supports(probe, kAcceptOp, sizeof(kAcceptOp));
  mm_free(probe);
  if (!usable) {
    destroy();
    return -EOPNOTSUPP;
  }
  can_skip_cqe = (features & IORING_FEAT_CQE_SKIP) != 0;
  // IORING_ASYNC_CANCEL_ANY came with 5.19, as did the LINKED_FILE feature.
  can_cancel_any = (features & IORING_FEAT_LINKED_FILE) != 0;

  const size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  const size_t cq_bytes = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
  ring_map_size = sq_size > cq_bytes ? sq_size : cq_bytes;
  void* map = mmap(nullptr, ring_map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                   IORING_OFF_SQ_RING);
  if (map == MAP_FAILED) {
    int saved = errno;
    destroy();
    return -saved;
  }
  ring_map = map;
  sqes_map_size = p.sq_entries * sizeof(io_uring_sqe);
  void* sqe_map = mmap(nullptr, sqes_map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                       fd, IORING_OFF_SQES);
  if (sqe_map == MAP_FAILED) {
    int saved = errno;
    destroy();
    return -saved;
  }
  sqes = static_cast<io_uring_sqe*>(sqe_map);

  char* base = static_cast<char*>(map);
  sq_head = reinterpret_cast<unsigned*>(base + p.sq_off.head);
  sq_tail = reinterpret_cast<unsigned*>(base + p.sq_off.tail);
  sq_flags = reinterpret_cast<unsigned*>(base + p.sq_off.flags);
  sq_mask = *reinterpret_cast<unsigned*>(base + p.sq_off.ring_mask);
  sq_entries = p.sq_entries;
  sq_local_tail = *sq_tail;
  // Slot i of the index array always names submission entry i.
  auto* array = reinterpret_cast<unsigned*>(base + p.sq_off.array);
  for (unsigned i = 0; i < sq_entries; ++i) array[i] = i;

  cq_head = reinterpret_cast<unsigned*>(base + p.cq_off.head);
  cq_tail = reinterpret_cast<unsigned*>(base + p.cq_off.tail);
  cq_mask = *reinterpret_cast<unsigned*>(base + p.cq_off.ring_mask);
  cqes = reinterpret_cast<io_uring_cqe*>(base + p.cq_off.cqes);
  return 0;
}

void Ring::destroy() {
  if (sqes != nullptr) munmap(sqes, sqes_map_size);
  if (ring_map != nullptr) munmap(ring_map, ring_map_size);
  if (fd >= 0) close(fd);
  sqes = nullptr;
  ring_map = nullptr;
  fd = -1;
}

io_uring_sqe* Ring::next_sqe() {
  if (sq_local_tail - __atomic_load_n(sq_head, __ATOMIC_ACQUIRE) >= sq_entries) return nullptr;
  io_uring_sqe* sqe = &sqes[sq_local_tail & sq_mask];
  ++sq_local_tail;
  std::memset(sqe, 0, sizeof(*sqe));
  return sqe;
}

int Ring::enter(unsigned to_submit, unsigned min_complete, unsigned flags, const void* arg,
                size_t argsz) {
  long r = syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, argsz);
  return r < 0 ? -errno : static_cast<int>(r);
}

}  // namespace ev::uring

#endif  // EV_BACKEND_HAVE_IO_URING
