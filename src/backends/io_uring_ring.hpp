// A minimal io_uring ring over the raw system calls (no liburing, so no new
// run-time dependency): setup with feature probing, the mapped submission
// and completion queues, and io_uring_enter.
//
// Threading: the owner serialises every call with its own lock, except that
// enter() is made with that lock released.  The kernel only ever consumes
// submissions up to the published tail, each fully written before the tail
// moves (release store), so queueing from one thread while another waits in
// the kernel is safe; two concurrent submits are serialised by the kernel
// and each takes min(to_submit, queued) entries from the head, in order.
#pragma once

#include "backends/available.hpp"

#if EV_BACKEND_HAVE_IO_URING

#include <linux/io_uring.h>

#include <cstddef>
#include <cstdint>

namespace ev::uring {

struct Ring {
  int fd = -1;
  unsigned features = 0;
  bool can_skip_cqe = false;  // IOSQE_CQE_SKIP_SUCCESS works (IORING_FEAT_CQE_SKIP)
  bool can_cancel_any = false;
  bool has_sock_ops = false;  // IORING_OP_RECV, IORING_OP_SEND and IORING_OP_SENDMSG
  bool has_accept = false;    // IORING_OP_ACCEPT (listener completion accepts)
  bool taskrun_flag = false;  // IORING_SETUP_TASKRUN_FLAG: see task_work_pending()

  // Submission queue.
  unsigned* sq_head = nullptr;
  unsigned* sq_tail = nullptr;
  unsigned* sq_flags = nullptr;
  unsigned sq_mask = 0;
  unsigned sq_entries = 0;
  unsigned sq_local_tail = 0;
  io_uring_sqe* sqes = nullptr;

  // Completion queue.
  unsigned* cq_head = nullptr;
  unsigned* cq_tail = nullptr;
  unsigned cq_mask = 0;
  io_uring_cqe* cqes = nullptr;

  void* ring_map = nullptr;
  size_t ring_map_size = 0;
  size_t sqes_map_size = 0;

  // Sets up a ring with `entries` submission slots.  Returns 0, or -errno
  // (ENOSYS/EPERM when the kernel or a filter refuses io_uring, EOPNOTSUPP
  // when it lacks what the backend needs).
  int init(unsigned entries, unsigned cq_entries);
  // Unmaps and closes (no cancellation: see the backend's destructor).
  void destroy();

  // A zeroed submission slot, or nullptr when the queue is full (then
  // submit() and retry).  publish() makes the written slots visible.
  io_uring_sqe* next_sqe();
  void publish() { __atomic_store_n(sq_tail, sq_local_tail, __ATOMIC_RELEASE); }
  unsigned queued() const { return sq_local_tail - __atomic_load_n(sq_head, __ATOMIC_ACQUIRE); }

  // io_uring_enter(2); returns its result or -errno.
  int enter(unsigned to_submit, unsigned min_complete, unsigned flags, const void* arg,
            size_t argsz);
  // Submits what is queued without waiting.
  int submit() { return enter(queued(), 0, 0, nullptr, 0); }

  // Completion work waits for an io_uring_enter (COOP_TASKRUN).
  bool task_work_pending() const {
    return taskrun_flag && (__atomic_load_n(sq_flags, __ATOMIC_RELAXED) & IORING_SQ_TASKRUN) != 0;
  }
  bool cq_overflowed() const {
    return (__atomic_load_n(sq_flags, __ATOMIC_RELAXED) & IORING_SQ_CQ_OVERFLOW) != 0;
  }
};

}  // namespace ev::uring

#endif  // EV_BACKEND_HAVE_IO_URING
