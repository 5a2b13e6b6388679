// Completion accepts for evconnlistener on an io_uring base (see
// backends/completion_io.hpp for the interface and its locking rules).
//
// Why several single-shot requests rather than one multishot accept: a
// multishot accept (IORING_ACCEPT_MULTISHOT) writes every connection's peer
// address into the one buffer of its request, each accept overwriting the
// last before we reap it, so the listener could not hand the callback the
// exact address without a getpeername() per connection, the very system
// call per connection we remove.  Instead kUringAcceptSlots single-shot
// IORING_OP_ACCEPT requests stay armed, each with its own sockaddr_storage
// and socklen_t; a completion re-arms its request at once (the submission
// goes out with the loop's next wait), so accepts stay armed with no
// system call per connection and up to kUringAcceptSlots connections per
// loop iteration.
//
// Results (descriptor or -errno, with the address) are queued here in
// completion order and the listener's `ready` event is activated; its
// callback (listener/accept_complete.cpp) pops them and runs the user's
// callbacks as the readiness path does.  Turning accepting off cancels the
// armed requests; a request that accepted a connection before its
// cancellation reached it still completes with the descriptor, which is
// queued and delivered when accepting is on again (or closed on free).
// Transient errors (the connection was reset before we took it) re-arm at
// once; other errors (EMFILE...) are queued once and leave their request
// idle: the listener backs off, which turns accepting off, then on.
//
// Lifetime: the state is a separate allocation with a reference for the
// listener and one per request in the kernel, so the address buffers and
// CompletionOp records outlive their last completion.  A listener that
// goes (uring_accept_detach) cancels its requests at once (from a thread
// other than the loop's, it also waits for the loop to reap them: see
// wait_for_cancellations); their completions close what they accepted.  The base's destructor
// drains every request (closing()).  After fork the requests belong to the parent's ring:
// event_reinit() restarts the state on the child's new ring (after_reinit), and a child that frees
// the listener before event_reinit touches no ring at all.
//
// Locking: every field is guarded by the base lock.
#include "listener/accept_uring.hpp"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include "backends/completion_io.hpp"
#include "core/base.hpp"
#include "core/base_inline.hpp"
#include "core/event_access.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "listener/accept_socket.hpp"

namespace ev {

struct AcceptSlot {
  CompletionOp op;
  UringAccept* owner = nullptr;
  sockaddr_storage addr;
  socklen_t len = 0;
  bool armed = false;       // a request is in the kernel
  bool cancelling = false;  // and its cancellation is queued
};

struct AcceptResult {
  int res;
  socklen_t len;
  sockaddr_storage addr;
};

struct UringAccept {
  AcceptSlot slots[kUringAcceptSlots];
  CompletionIo* io = nullptr;
  event_base* base = nullptr;
  event* ready = nullptr;       // nullptr once detached
  UringAccept* prev = nullptr;  // the base's list of listeners
  UringAccept* next = nullptr;
  AcceptResult* queue = nullptr;
  evutil_socket_t fd = -1;
  int flags = 0;
  unsigned epoch = 0;  // the base's backend_epoch_ of the requests' ring
  pid_t pid = 0;
  unsigned head = 0;
  unsigned count = 0;
  unsigned cap = 0;  // a power of two
  int refs = 1;      // the listener + each armed request
  bool on = false;
  bool error_queued = false;
};

static_assert((kUringAcceptSlots & (kUringAcceptSlots - 1)) == 0,
              "the queue grows by powers of two");

namespace {

// wait_for_cancellations(): at most this many pauses of 0.1 ms.
constexpr int kMaxCancelWaitRounds = 5000;

using BaseLock = Locked<event_base>;

CompletionIo* accept_io_of(event_base* base) {
  CompletionIo* io = base->backend_ != nullptr ? base->backend_->completion_io() : nullptr;
  return io != nullptr && io->accept_ok() ? io : nullptr;
}

CompletionClients& listeners_of(event_base* base) {
  return base->completion_clients_[kCompletionListeners];
}

void free_state(UringAccept* ua) {
  mm_free(ua->queue);
  ua->~UringAccept();
  mm_free(ua);
}

void unref(UringAccept* ua) {
  if (--ua->refs == 0) free_state(ua);
}

// Closes the descriptors of queued results (nobody will take them).
void close_queued(UringAccept* ua) {
  for (unsigned i = 0; i < ua->count; ++i) {
    const AcceptResult& r = ua->queue[(ua->head + i) & (ua->cap - 1)];
    if (r.res >= 0) evutil_closesocket(r.res);
  }
  ua->head = ua->count = 0;
  ua->error_queued = false;
}

bool push(UringAccept* ua, int res, const AcceptSlot& slot) {
  if (ua->count == ua->cap) {
    const unsigned cap = ua->cap == 0 ? 2 * kUringAcceptSlots : ua->cap * 2;
    auto* grown = static_cast<AcceptResult*>(mm_malloc(cap * sizeof(AcceptResult)));
    if (grown == nullptr) return false;
    for (unsigned i = 0; i < ua->count; ++i) grown[i] = ua->queue[(ua->head + i) & (ua->cap - 1)];
    mm_free(ua->queue);
    ua->queue = grown;
    ua->cap = cap;
    ua->head = 0;
  }
  AcceptResult& r = ua->queue[(ua->head + ua->count) & (ua->cap - 1)];
  r.res = res;
  r.len = slot.len < sizeof(r.addr) ? slot.len : sizeof(r.addr);
  if (res >= 0) memcpy(&r.addr, &slot.addr, r.len);  // what the kernel wrote
  ++ua->count;
  return true;
}

// While accepting is on the listener counts as a pending event, so that
// event_base_dispatch() keeps running for it as for a polling listener.
void set_virtual(UringAccept* ua, bool on) {
  event_base* base = ua->base;
  if (on) {
    if (++base->virtual_count_ > base->virtual_count_max_)
      base->virtual_count_max_ = base->virtual_count_;
  } else {
    --base->virtual_count_;
  }
}

bool arm(UringAccept* ua, AcceptSlot& slot) {
  slot.len = sizeof(slot.addr);  // the kernel writes the address and its length
  if (!ua->io->accept(ua->fd, reinterpret_cast<sockaddr*>(&slot.addr), &slot.len, ua->flags,
                      &slot.op))
    return false;
  slot.armed = true;
  slot.cancelling = false;
  ++ua->refs;
  return true;
}

int arm_idle(UringAccept* ua) {
  int armed = 0;
  for (AcceptSlot& slot : ua->slots) {
    if (slot.armed || arm(ua, slot)) ++armed;
  }
  return armed;
}

void wake(UringAccept* ua) {
  if (ua->ready != nullptr && ua->on && ua->count != 0)
    ua->base->activate_locked(ua->ready, EV_READ, 1);
}

// An accept's completion (dispatch or the backend's destructor, base lock
// held).
void accept_complete(CompletionOp* op, int res, int, bool) {
  AcceptSlot& slot =
      *reinterpret_cast<AcceptSlot*>(reinterpret_cast<char*>(op) - offsetof(AcceptSlot, op));
  UringAccept* ua = slot.owner;
  slot.armed = false;
  slot.cancelling = false;
  if (ua->ready == nullptr || ua->io->closing()) {
    // Detached, or the base goes: nobody takes the connection.
    if (res >= 0) evutil_closesocket(res);
    unref(ua);
    return;
  }
  --ua->refs;  // the listener's reference remains
  if (res >= 0) {
    if (!push(ua, res, slot)) {
      evutil_closesocket(res);  // out of memory: as a reset connection
      evpriv_warnx("evconnlistener: out of memory, a connection was dropped");
    }
  } else if (res != -ECANCELED && !accept_error_is_transient(-res) &&
             !accept_error_is_empty(-res)) {
    // Reported once; the listener backs off and re-arms later.
    if (!ua->error_queued && push(ua, res, slot)) ua->error_queued = true;
    wake(ua);
    return;
  }
  if (ua->on) arm(ua, slot);
  wake(ua);
}

// event_reinit() made a new backend (base lock held).  In a forked child
// (the only thread) the requests belong to the parent's ring, which this
// process must not touch and whose completions never come here; in the
// same process the old backend's destructor drained them.  Either way the
// state starts again on the new ring (the old backend is gone: `io` is not
// touched).
void after_reinit(event_base* base) {
  CompletionIo* io = accept_io_of(base);
  for (auto* ua = static_cast<UringAccept*>(listeners_of(base).head); ua != nullptr;
       ua = ua->next) {
    if (ua->epoch == base->backend_epoch_) continue;
    if (ua->pid != getpid()) close_queued(ua);  // the parent delivers its copies
    for (AcceptSlot& slot : ua->slots) {
      if (slot.armed) --ua->refs;
      slot.armed = slot.cancelling = false;
    }
    ua->pid = getpid();
    ua->io = io;
    if (io == nullptr) {
      // Cannot happen with the same options on the same kernel.
      evpriv_warnx("evconnlistener: no completion accepts after event_reinit");
      continue;
    }
    ua->epoch = base->backend_epoch_;
    if (ua->on) arm_idle(ua);
    wake(ua);
  }
}

// From a thread other than the loop's: a cancelled request finishes (and
// lets go of the listening socket) in task work of the thread that
// submitted it, the loop's, which the kernel wakes for it; until then a
// close() of the socket would leave it listening.  Waits (bounded) for the
// loop to reap the last completions.  Base lock held; released meanwhile.
void wait_for_cancellations(UringAccept* ua) {
  event_base* base = ua->base;
  base->notify_if_needed();
  for (int round = 0; round < kMaxCancelWaitRounds; ++round) {
    bool armed = false;
    for (const AcceptSlot& slot : ua->slots) armed = armed || slot.armed;
    if (!armed || !base->running_loop_) return;
    base->unlock();
    const timespec pause = {0, 100 * 1000};
    nanosleep(&pause, nullptr);
    base->lock();
  }
}

}  // namespace

bool uring_accept_offered(event_base* base) {
  BaseLock lock(base);
  return accept_io_of(base) != nullptr;
}

UringAccept* uring_accept_attach(event_base* base, evutil_socket_t fd, int flags, event* ready) {
  BaseLock lock(base);
  CompletionIo* io = accept_io_of(base);
  if (io == nullptr) return nullptr;
  auto* ua = make<UringAccept>();
  if (ua == nullptr) return nullptr;
  for (AcceptSlot& slot : ua->slots) {
    slot.op.complete = accept_complete;
    slot.owner = ua;
  }
  ua->io = io;
  ua->base = base;
  ua->ready = ready;
  ua->fd = fd;
  ua->flags = flags;
  ua->epoch = base->backend_epoch_;
  ua->pid = getpid();
  completion_link(listeners_of(base), ua);
  listeners_of(base).after_reinit = after_reinit;
  return ua;
}

int uring_accept_set(UringAccept* ua, bool on) {
  BaseLock lock(ua->base);
  if (ua->io == nullptr) return on ? -1 : 0;
  if (on != ua->on) set_virtual(ua, on);
  ua->on = on;
  if (on) {
    if (arm_idle(ua) == 0) {
      set_virtual(ua, false);
      ua->on = false;
      return -1;
    }
    wake(ua);
  } else {
    for (AcceptSlot& slot : ua->slots) {
      if (!slot.armed || slot.cancelling) continue;
      ua->io->cancel(&slot.op, false);
      slot.cancelling = true;
    }
  }
  ua->base->notify_if_needed();
  return 0;
}

bool uring_accept_pop(UringAccept* ua, int* res, sockaddr_storage* addr, socklen_t* len) {
  BaseLock lock(ua->base);
  if (ua->count == 0) return false;
  const AcceptResult& r = ua->queue[ua->head];
  *res = r.res;
  *len = r.len;
  if (r.res >= 0) memcpy(addr, &r.addr, r.len);
  if (r.res < 0) ua->error_queued = false;
  ua->head = (ua->head + 1) & (ua->cap - 1);
  --ua->count;
  return true;
}

void uring_accept_retry(UringAccept* ua) {
  BaseLock lock(ua->base);
  if (ua->ready == nullptr || ua->count == 0) return;
  event_callback* cb = to_callback(ua->ready);
  if (cb->evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) return;
  ua->ready->ev_res = EV_READ;
  ua->base->activate_later_locked(cb);
}

void uring_accept_detach(UringAccept* ua) {
  event_base* base = ua->base;
  BaseLock lock(base);
  completion_unlink(listeners_of(base), ua);
  if (ua->on) set_virtual(ua, false);
  ua->on = false;
  ua->ready = nullptr;
  close_queued(ua);
  if (ua->pid != getpid() || ua->io == nullptr) {
    // A forked child before event_reinit: the requests are the parent's,
    // in a ring this process must not write to; none completes here.
    free_state(ua);
    return;
  }
  // One submission, sent at once: the requests let go of the listening
  // socket before the listener closes it.
  AcceptSlot* last = nullptr;
  for (AcceptSlot& slot : ua->slots) {
    if (!slot.armed) continue;
    if (!slot.cancelling) ua->io->cancel(&slot.op, false);
    slot.cancelling = true;
    last = &slot;
  }
  if (last != nullptr) {
    ua->io->cancel(&last->op, true);
    if (base->running_loop_ && !base->in_loop_thread()) wait_for_cancellations(ua);
  }
  unref(ua);
}

}  // namespace ev
