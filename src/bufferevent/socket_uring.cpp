// Socket bufferevents on completion IO (an io_uring base; see
// backends/completion_io.hpp).
//
// Reads: a multishot receive into the base's pool of buffers stays armed
// while reading is enabled; each completion is queued here and ev_read is
// activated, whose callback copies the bytes into the input buffer, hands
// the pool buffer back and runs the usual read path (rate charge,
// watermarks, callbacks).  With a read high watermark or a rate limit, a
// single receive of at most the allowed length is armed instead (no reads
// past the watermark).  Disabling reading cancels the receive; completions
// that were already queued stay queued (holding their pool buffers) until
// reading is enabled again.  An empty pool ends the receive; it is re-armed
// when buffers come back.  Idle connections hold no buffer.
//
// Writes: one send at a time, from the output buffer's first chains (a
// plain send when one chain holds it all, else a sendmsg with an iovec per
// chain), which are pinned (an extra reference, and marked shared so their
// bytes never move) while the kernel may read them.  The completion
// activates ev_write, whose callback drains what was sent, starts the next
// send and runs the write callback.
//
// ev_read and ev_write carry no descriptor interest here: they are the
// timers of the two directions (their timeouts restart on each completion,
// as persistent events do) and the events completions activate.
//
// Lifetime: the state (UringSock) is a separate allocation with a
// reference for the bufferevent and one per request in the kernel.  When
// the bufferevent goes (or changes its fd) it detaches: its requests are
// cancelled at once, in a submission that also carries every queued request
// naming the descriptor (so none can reach a later socket with the same
// number); with BEV_OPT_CLOSE_ON_FREE the descriptor is closed right after,
// as with readiness (requests hold the file, not the number).  The last
// completion frees the state and releases the pinned chains, so the kernel
// never writes into or reads from freed memory.  All of the state
// except the queued results is guarded by the base lock; the queue is only
// touched from the loop thread (completions arrive in dispatch, the
// callbacks run in the loop) or under the bufferevent's lock.
#include "bufferevent/socket_uring.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

#include "backends/completion_io.hpp"
#include "bufferevent/socket.hpp"
#include "core/base.hpp"
#include "core/base_inline.hpp"
#include "core/event_access.hpp"
#include "core/mm.hpp"
#include "evbuffer/buffer.hpp"
#include "evbuffer/chain.hpp"
#include "evbuffer/evbuffer.hpp"

namespace ev {
namespace {

constexpr int kMaxIov = 16;
constexpr unsigned kInlineRx = 1;  // usually one result per loop iteration

enum RecvState : uint8_t { kIdle, kMulti, kOnce, kWaiting };

struct RxEntry {
  int32_t res;   // bytes left (from `off`), or 0 / -errno
  int16_t bid;   // pool buffer, or -1
  uint16_t off;  // bytes of the buffer already moved to the input
};

// The message of a send over several chains, made for that send only: an
// idle connection keeps nothing of its last send.
struct SendMsg {
  msghdr msg{};
  iovec iov[kMaxIov]{};
  Chain* pinned[kMaxIov]{};
};

struct UringSock {
  CompletionOp rop;  // the receive
  CompletionOp wop;  // the send
  CompletionIo* io = nullptr;
  event_base* base = nullptr;
  bufferevent* bev = nullptr;  // nullptr once detached
  union {                      // what the send in the kernel reads
    Chain* pinned = nullptr;   // a one-chain send's chain
    SendMsg* send_msg;         // a send over several chains (send_multi)
  };
  UringSock* prev = nullptr;  // the base's list of sockets while attached
  UringSock* next = nullptr;
  RxEntry* rx = rx_inline;  // queued receive results
  evutil_socket_t fd = -1;
  unsigned epoch = 0;  // the base's backend_epoch_ when attached
  uint16_t rx_head = 0;
  uint16_t nrx = 0;
  uint16_t rx_cap = kInlineRx;
  uint8_t refs = 1;  // attached + each request in the kernel
  RecvState recv_state = kIdle;
  // One byte of flags, all guarded by the base lock.
  bool recv_cancelling : 1 = false;
  bool send_busy : 1 = false;  // a send is in the kernel
  bool send_done : 1 = false;  // its result waits for the ev_write callback
  bool send_multi : 1 = false;
  bool rx_lost = false;  // a result found no room in the queue (ENOMEM)
  int send_res = 0;
  RxEntry rx_inline[kInlineRx];
};
// Every idle connection holds one (bench row bev_mem_idle_socket_uring).
// 104 bytes: 112 with malloc's header (120 would take 128).
static_assert(sizeof(UringSock) <= 104);

UringSock* sock_of(const BevCore* c) { return static_cast<UringSock*>(c->cio); }
UringSock* sock_of_rop(CompletionOp* op) {
  return reinterpret_cast<UringSock*>(reinterpret_cast<char*>(op) - offsetof(UringSock, rop));
}
UringSock* sock_of_wop(CompletionOp* op) {
  return reinterpret_cast<UringSock*>(reinterpret_cast<char*>(op) - offsetof(UringSock, wop));
}

// ---- with the base lock held -------------------------------------------

// Keeps a chain's bytes where they are while the kernel reads them: an
// extra reference, and marked shared so that nothing writes into it.
Chain* pin(Chain* ch) {
  ++ch->refcnt;
  ch->shared = true;
  return ch;
}

// Lets go of the chains of the last send (and of its message).
void unpin(UringSock* s) {
  if (s->send_multi) {
    SendMsg* m = s->send_msg;
    for (size_t i = 0; i < m->msg.msg_iovlen; ++i) chain_release(m->pinned[i]);
    mm_free(m);
    s->send_multi = false;
  } else if (s->pinned != nullptr) {
    chain_release(s->pinned);
  }
  s->pinned = nullptr;
}

void drop_rx(UringSock* s) {
  for (unsigned i = 0; i < s->nrx; ++i) {
    const RxEntry& e = s->rx[(s->rx_head + i) % s->rx_cap];
    if (e.bid >= 0) s->io->recycle(e.bid);
  }
  s->nrx = 0;
  s->rx_head = 0;
}

bool has_unread_data(const UringSock* s) {
  for (unsigned i = 0; i < s->nrx; ++i)
    if (s->rx[(s->rx_head + i) % s->rx_cap].res > 0) return true;
  return false;
}

void finish(UringSock* s) {
  unpin(s);
  if (s->rx != s->rx_inline) mm_free(s->rx);
  mm_free(s);
}

void unref(UringSock* s) {
  if (--s->refs == 0) finish(s);
}

// A request in the kernel keeps the loop running, as a pending event does
// in readiness mode (libevent's "virtual" events of its IOCP bufferevents).
void add_request(UringSock* s) {
  ++s->refs;
  event_base* base = s->base;
  if (++base->virtual_count_ > base->virtual_count_max_)
    base->virtual_count_max_ = base->virtual_count_;
}

// A request's last completion; may free `s`.
void end_request(UringSock* s) {
  if (!s->io->closing()) --s->base->virtual_count_;
  unref(s);
}

bool push_rx(UringSock* s, int res, int bid) {
  if (s->nrx == s->rx_cap) {
    const unsigned cap = s->rx_cap * 2u;
    if (cap > 0xffff) return false;
    auto* grown = static_cast<RxEntry*>(mm_malloc(cap * sizeof(RxEntry)));
    if (grown == nullptr) return false;
    for (unsigned i = 0; i < s->nrx; ++i) grown[i] = s->rx[(s->rx_head + i) % s->rx_cap];
    if (s->rx != s->rx_inline) mm_free(s->rx);
    s->rx = grown;
    s->rx_cap = static_cast<uint16_t>(cap);
    s->rx_head = 0;
  }
  s->rx[(s->rx_head + s->nrx) % s->rx_cap] = RxEntry{res, static_cast<int16_t>(bid), 0};
  ++s->nrx;
  return true;
}

void wake(UringSock* s, event* e, short what) {
  if (s->io->closing()) return;  // the base is being freed
  s->base->activate_locked(e, what, 1);
}

// A receive completion (dispatch, base lock held).
void recv_complete(CompletionOp* op, int res, int bid, bool more) {
  UringSock* s = sock_of_rop(op);
  const RecvState was = s->recv_state;
  if (!more) {
    s->recv_state = kIdle;
    s->recv_cancelling = false;
  }
  if (s->bev == nullptr || s->io->closing()) {
    if (bid >= 0) s->io->recycle(bid);
    if (!more) end_request(s);
    return;
  }
  if (res == -ENOBUFS && !more) {
    // The pool ran dry: wait for buffers, keeping the request's reference.
    s->recv_state = kWaiting;
    s->io->wait_for_buffers(op);  // may come back at once with -EAGAIN
    return;
  }
  if (res == -EINVAL && was == kMulti && !more) {
    s->io->no_multishot();  // 5.19 has provided buffers but no multishot receive
    res = -ECANCELED;
  }
  if (res == -ECANCELED || res == -EAGAIN) {
    // Cancelled by us, or buffers are back: the callback re-arms if wanted.
    wake(s, &s->bev->ev_read, EV_READ);
    end_request(s);
    return;
  }
  if (!push_rx(s, res, bid)) {
    if (bid >= 0) s->io->recycle(bid);
    s->rx_lost = true;
  }
  wake(s, &s->bev->ev_read, EV_READ);
  if (!more) end_request(s);
}

// A send completion (dispatch, base lock held).
void send_complete(CompletionOp* op, int res, int, bool) {
  UringSock* s = sock_of_wop(op);
  s->send_busy = false;
  if (s->bev == nullptr || s->io->closing()) {
    unpin(s);
  } else {
    s->send_res = res;
    s->send_done = true;
    wake(s, &s->bev->ev_write, EV_WRITE);
  }
  end_request(s);
}

CompletionClients& socks_of(event_base* base) {
  return base->completion_clients_[kCompletionSockets];
}

// event_reinit() made a new backend (base lock held, in the forked child,
// the only thread): every attached socket moves to it.
void after_reinit(event_base* base) {
  auto* s = static_cast<UringSock*>(socks_of(base).head);
  while (s != nullptr) {
    UringSock* next = s->next;
    bufferevent* bev = s->bev;
    bev_lock(bev);
    uring_usable(bev);  // detaches `s`, re-attaches the bufferevent
    bev_unlock(bev);
    s = next;
  }
}

// Whether the base's backend is no longer the one `s` was made with.
bool uring_stale(const UringSock* s) { return s->epoch != s->base->backend_epoch_; }

// ---- with the bufferevent lock held --------------------------------------

using BaseLock = Locked<event_base>;

// Whether a send is in the kernel or its result waits for on_write.  Read
// under the base lock: a send can start from any thread (start_send) and
// ends in dispatch (send_complete).
bool send_pending(UringSock* s) {
  BaseLock lock(s->base);
  return s->send_busy || s->send_done;
}

bool send_in_kernel(UringSock* s) {
  BaseLock lock(s->base);
  return s->send_busy;
}

// Reads must stop at a limit: one receive of the allowed length at a time.
bool bounded_read(bufferevent* bev) {
  const BevCore* c = core_of(bev);
  return bev->wm_read.high != 0 ||
         (c->extra != nullptr &&
          (c->extra->rate != nullptr || c->extra->max_single_read != kDefaultMaxSingleIo));
}

bool wants_read(bufferevent* bev) {
  return (bev->enabled & EV_READ) && core_of(bev)->read_suspended == 0;
}

// Arms a receive if reading is on and none is in the kernel; cancels a
// multishot receive that a watermark or rate limit now bounds.
void arm_recv(bufferevent* bev, UringSock* s) {
  BevCore* c = core_of(bev);
  if (!wants_read(bev)) return;
  const bool bounded = bounded_read(bev);
  size_t max = 0;
  if (bounded || !s->io->multishot_ok()) {
    // The limits first: the rate-limit group takes its own lock, never
    // under the base's.
    ev_ssize_t howmuch = bev_read_allowance(c);
    if (bev->wm_read.high != 0) {
      size_t have = evbuffer_get_length(bev->input);
      if (have >= bev->wm_read.high) {
        bev_suspend_read(bev, kSuspendWatermark);
        return;
      }
      size_t room = bev->wm_read.high - have;
      if (howmuch < 0 || static_cast<size_t>(howmuch) > room)
        howmuch = static_cast<ev_ssize_t>(room);
    }
    if (howmuch <= 0) return;
    max = static_cast<size_t>(howmuch);
  }
  // The request state changes under the base lock (completions).
  BaseLock lock(s->base);
  if (s->recv_state != kIdle) {
    if (s->recv_state == kMulti && !s->recv_cancelling && bounded) {
      s->io->cancel(&s->rop, false);
      s->recv_cancelling = true;
    }
    return;
  }
  if (s->nrx != 0 || s->rx_lost) return;
  if (!s->io->recv(s->fd, &s->rop, max)) return;
  s->recv_state = max == 0 ? kMulti : kOnce;
  add_request(s);
  s->base->notify_if_needed();
}

// Runs the read callback for queued results in the next loop iteration,
// where a readiness read would see them: after the callbacks (deferred ones
// too) that this iteration's data caused, and after a loopexit they asked
// for.
void read_later(bufferevent* bev, UringSock* s) {
  BaseLock lock(s->base);
  event_callback* cb = to_callback(&bev->ev_read);
  if (cb->evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) return;
  bev->ev_read.ev_res = EV_READ;
  s->base->activate_later_locked(cb);
}

// Moves queued receive results into the input buffer and runs the read
// path once for them all, as one readiness read would (stopping at the
// read high watermark).  An EOF or error behind data is reported on the
// next round, as a readiness read would only see it then.  False when the
// bufferevent stopped reading or left completion mode under a callback.
bool process_rx(bufferevent* bev, UringSock* s) {
  BevCore* c = core_of(bev);
  evbuffer* in = bev->input;
  if (!wants_read(bev)) return c->cio == s;
  size_t added = 0;
  bool failed = false;
  {
    BaseLock lock(s->base);
    while (s->nrx != 0) {
      RxEntry& e = s->rx[s->rx_head];
      if (e.res <= 0) break;
      size_t n = static_cast<size_t>(e.res);
      if (bev->wm_read.high != 0) {
        // Results of a multishot receive armed before the watermark was
        // set: no more than the room left goes in, the rest waits.
        if (in->total_len >= bev->wm_read.high) break;
        const size_t room = bev->wm_read.high - in->total_len;
        if (n > room) n = room;
      }
      failed = in->add(s->io->buffer_data(e.bid) + e.off, n) < 0;
      if (!failed && n < static_cast<size_t>(e.res)) {
        added += n;
        e.res -= static_cast<int32_t>(n);
        e.off = static_cast<uint16_t>(e.off + n);
        continue;
      }
      s->io->recycle(e.bid);
      s->rx_head = static_cast<uint16_t>((s->rx_head + 1) % s->rx_cap);
      --s->nrx;
      if (failed) break;  // reported below (the bytes are lost with the connection)
      added += n;
    }
  }
  if (failed) {
    errno = ENOMEM;
    bev_disable_locked(bev, EV_READ);
    bev_run_eventcb(bev, BEV_EVENT_READING | BEV_EVENT_ERROR, 0);
    return false;
  }
  if (added != 0) {
    in->invoke_callbacks();  // the watermark suspension, user callbacks
    if (c->cio != s) return false;
    bev_charge_read(c, static_cast<ev_ssize_t>(added));
    if (evbuffer_get_length(in) >= bev->wm_read.low) bev_run_readcb(bev, 0);
    if (c->cio != s) return false;
    if ((s->nrx != 0 || s->rx_lost) && wants_read(bev)) read_later(bev, s);
    return true;
  }
  if (s->nrx != 0) {
    const RxEntry e = s->rx[s->rx_head];
    if (e.res > 0) {
      // Data left from a multishot receive, the input at the watermark.
      bev_suspend_read(bev, kSuspendWatermark);
      return false;
    }
    // A reset ends both directions: while a send is out, its failure is
    // reported first (on_write re-activates us), as with readiness, where a
    // writer sees the failed write before the next wait shows the error.
    if (e.res < 0 && send_pending(s)) return false;
    s->rx_head = static_cast<uint16_t>((s->rx_head + 1) % s->rx_cap);
    --s->nrx;
    short what = BEV_EVENT_READING;
    if (e.res == 0) {
      what |= BEV_EVENT_EOF;
    } else {
      what |= BEV_EVENT_ERROR;
      errno = -e.res;
    }
    bev_disable_locked(bev, EV_READ);
    bev_run_eventcb(bev, what, 0);
    return false;
  }
  if (s->rx_lost) {
    errno = ENOMEM;
    s->rx_lost = false;
    bev_disable_locked(bev, EV_READ);
    bev_run_eventcb(bev, BEV_EVENT_READING | BEV_EVENT_ERROR, 0);
    return false;
  }
  return c->cio == s;
}

// Enters the ev_read/ev_write callback of direction `dir`: the socket's
// state, or nullptr when there is nothing more to do (torn down, left
// completion mode, or the direction's timeout fired and was reported).
// With a state, the caller is inside the handler (socket_handler_end to
// leave); with nullptr it is not.
UringSock* handler_enter(bufferevent* bev, short what, short dir) {
  if (!bev_handler_begin(bev)) return nullptr;
  UringSock* s = sock_of(core_of(bev));
  if (s != nullptr && !(what & dir)) {
    bev_disable_locked(bev, dir);
    bev_run_eventcb(bev,
                    static_cast<short>(BEV_EVENT_TIMEOUT |
                                       (dir == EV_READ ? BEV_EVENT_READING : BEV_EVENT_WRITING)),
                    0);
    s = nullptr;
  }
  if (s == nullptr) bev_handler_end(bev);
  return s;
}

void on_read(evutil_socket_t, short what, void* arg) {
  auto* bev = static_cast<bufferevent*>(arg);
  UringSock* s = handler_enter(bev, what, EV_READ);
  if (s == nullptr) return;
  if (process_rx(bev, s)) {
    if (wants_read(bev)) {
      arm_recv(bev, s);
    } else {
      // A completion re-armed the timer of a persistent event: not wanted.
      event_del(&bev->ev_read);
    }
  }
  bev_handler_end(bev);
}

// Starts a send of the output's first bytes if none is in the kernel and
// the limits allow.  True when one was started.
bool start_send(bufferevent* bev, UringSock* s) {
  BevCore* c = core_of(bev);
  evbuffer* out = bev->output;
  if (c->write_suspended != 0 || !(bev->enabled & EV_WRITE) || out->total_len == 0) return false;
  ev_ssize_t howmuch = bev_write_allowance(c);  // before the base lock (group locks)
  if (howmuch <= 0) return false;
  if (!out->materialize_all()) return false;  // file segments: their bytes in memory
  // The send state changes under the base lock (completions, possibly on
  // the loop's thread while we run on another).
  BaseLock lock(s->base);
  if (s->send_busy || s->send_done) return false;
  const size_t allowed = static_cast<size_t>(howmuch);
  Chain* first = out->first;
  while (first != nullptr && first->off == 0) first = first->next;
  if (first == nullptr) return false;
  Chain* second = first->next;
  while (second != nullptr && second->off == 0) second = second->next;
  bool queued;
  if (second == nullptr || first->off >= allowed) {
    // The common case: one chain holds all that may go.
    s->pinned = pin(first);
    queued =
        s->io->send(s->fd, first->data(), first->off < allowed ? first->off : allowed, &s->wop);
  } else {
    auto* m = make<SendMsg>();
    if (m == nullptr) return false;
    size_t left = allowed;
    size_t n = 0;
    for (Chain* ch = first; ch != nullptr && left > 0 && n < kMaxIov; ch = ch->next) {
      if (ch->off == 0) continue;
      const size_t k = ch->off < left ? ch->off : left;
      m->iov[n].iov_base = ch->data();
      m->iov[n].iov_len = k;
      m->pinned[n++] = pin(ch);
      left -= k;
    }
    m->msg.msg_iov = m->iov;
    m->msg.msg_iovlen = n;
    s->send_msg = m;
    s->send_multi = true;
    queued = s->io->sendmsg(s->fd, &m->msg, &s->wop);
  }
  if (!queued) {
    unpin(s);
    return false;
  }
  s->send_busy = true;
  add_request(s);
  s->base->notify_if_needed();
  return true;
}

void arm_write_timer(bufferevent* bev) {
  const timeval& tv = bev->timeout_write;
  if ((tv.tv_sec != 0 || tv.tv_usec != 0) && !event_pending(&bev->ev_write, EV_TIMEOUT, nullptr))
    event_add(&bev->ev_write, &tv);
}

void on_write(evutil_socket_t, short what, void* arg) {
  auto* bev = static_cast<bufferevent*>(arg);
  UringSock* s = handler_enter(bev, what, EV_WRITE);
  if (s == nullptr) return;
  BevCore* c = core_of(bev);
  evbuffer* out = bev->output;
  bool had_result = false;
  int sent = 0;
  int res = 0;
  {
    BaseLock lock(s->base);
    if (s->send_done) {
      had_result = true;
      s->send_done = false;
      res = s->send_res;
      unpin(s);
    }
  }
  if (had_result) {
    if (res <= 0 && res != -EAGAIN && res != -EINTR) {
      errno = res < 0 ? -res : 0;
      event_del(&bev->ev_write);
      bev_disable_locked(bev, EV_WRITE);
      bev_run_eventcb(
          bev, static_cast<short>(BEV_EVENT_WRITING | (res < 0 ? BEV_EVENT_ERROR : BEV_EVENT_EOF)),
          0);
      // A read error held back for this one follows.
      if (c->cio == s && s->nrx != 0 && wants_read(bev)) read_later(bev, s);
      bev_handler_end(bev);
      return;
    }
    if (res > 0) {
      sent = res;
      out->drain_front(static_cast<size_t>(res));
      out->note_deleted(static_cast<size_t>(res));
      out->invoke_callbacks();
      if (c->cio != s) {
        bev_handler_end(bev);
        return;
      }
      bev_charge_write(c, res);
    }
  }
  if (s->nrx != 0 && wants_read(bev)) read_later(bev, s);
  const bool started = start_send(bev, s);
  if (!started && out->total_len == 0 && !send_in_kernel(s)) event_del(&bev->ev_write);
  // As the readiness path: progress, or nothing to do (an enable with an
  // empty or paused output), reports through the write callback.
  if ((sent > 0 || (!had_result && !started)) && out->total_len <= bev->wm_write.low)
    bev_run_writecb(bev, 0);
  bev_handler_end(bev);
}

}  // namespace

bool uring_attach(bufferevent* bev, evutil_socket_t fd) {
  event_base* base = bev->ev_base;
  if (fd < 0 || base == nullptr) return false;
  CompletionIo* io;
  unsigned epoch;
  {
    BaseLock lock(base);
    io = base->backend_ != nullptr ? base->backend_->completion_io() : nullptr;
    epoch = base->backend_epoch_;
  }
  if (io == nullptr) return false;
  int type = 0;
  socklen_t len = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM) return false;
  auto* s = make<UringSock>();
  if (s == nullptr) return false;
  s->rop.complete = recv_complete;
  s->wop.complete = send_complete;
  s->io = io;
  s->base = base;
  s->bev = bev;
  s->fd = fd;
  s->epoch = epoch;
  event_del(&bev->ev_read);
  event_del(&bev->ev_write);
  int pri = event_get_priority(&bev->ev_read);
  event_assign(&bev->ev_read, base, fd, EV_PERSIST, on_read, bev);
  event_assign(&bev->ev_write, base, fd, EV_PERSIST, on_write, bev);
  if (pri >= 0) {
    event_priority_set(&bev->ev_read, pri);
    event_priority_set(&bev->ev_write, pri);
  }
  core_of(bev)->cio = s;
  {
    BaseLock lock(base);
    completion_link(socks_of(base), s);
    socks_of(base).after_reinit = after_reinit;
  }
  return true;
}

void uring_detach(bufferevent* bev, bool close_fd) {
  BevCore* c = core_of(bev);
  UringSock* s = sock_of(c);
  if (s == nullptr) return;
  c->cio = nullptr;
  const evutil_socket_t fd = s->fd;
  {
    BaseLock lock(s->base);
    s->bev = nullptr;
    completion_unlink(socks_of(s->base), s);
    if (uring_stale(s)) {
      // After event_reinit: the kernel requests belong to the parent's
      // ring, whose memory is gone here; nothing will complete.
      s->nrx = 0;
      s->base->virtual_count_ -= (s->recv_state != kIdle ? 1 : 0) + (s->send_busy ? 1 : 0);
      finish(s);
    } else {
      // Bytes received for a reader that never took them: with readiness
      // they would still be in the socket, and closing it would reset the
      // connection (the peer learns its data was not read, e.g. an HTTP
      // client still sending a body the server refused).  Do as the
      // kernel would have done.
      if (close_fd && has_unread_data(s)) {
        linger lg{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
      }
      drop_rx(s);
      if (s->recv_state == kWaiting) {
        s->io->stop_waiting(&s->rop);
        s->recv_state = kIdle;
        --s->base->virtual_count_;
        --s->refs;
      }
      const bool recv_busy = s->recv_state != kIdle;
      if (recv_busy) s->io->cancel(&s->rop, !s->send_busy);
      if (s->send_busy) s->io->cancel(&s->wop, true);
      if (s->send_done) {
        s->send_done = false;
        unpin(s);
      }
      unref(s);
    }
  }
  if (close_fd && fd >= 0) evutil_closesocket(fd);
}

bool uring_usable(bufferevent* bev) {
  BevCore* c = core_of(bev);
  UringSock* s = sock_of(c);
  if (s == nullptr) return false;
  // backend_ only changes in event_reinit, on the loop's thread.
  if (!uring_stale(s)) return true;
  // A forked child after event_reinit: start again on the new backend (or
  // on readiness).
  evutil_socket_t fd = s->fd;
  event_del(&bev->ev_read);
  event_del(&bev->ev_write);
  uring_detach(bev, false);
  socket_assign_fd(bev, fd);
  uring_attach(bev, fd);
  short on = bev->enabled;
  if (c->read_suspended != 0) on = static_cast<short>(on & ~EV_READ);
  if (c->write_suspended != 0) on = static_cast<short>(on & ~EV_WRITE);
  if (on != 0) bev->be_ops->enable(bev, on);
  return c->cio != nullptr;
}

int uring_enable(bufferevent* bev, short what) {
  UringSock* s = sock_of(core_of(bev));
  if (what & EV_READ) {
    if (bev_add_event(&bev->ev_read, &bev->timeout_read) < 0) return -1;
    bool queued;
    {
      BaseLock lock(s->base);
      queued = s->nrx != 0;
    }
    if (queued) {
      read_later(bev, s);
    } else {
      arm_recv(bev, s);
    }
  }
  if (what & EV_WRITE) {
    if (bev_add_event(&bev->ev_write, &bev->timeout_write) < 0) return -1;
    event_active(&bev->ev_write, EV_WRITE, 1);
  }
  return 0;
}

int uring_disable(bufferevent* bev, short what) {
  UringSock* s = sock_of(core_of(bev));
  if (what & EV_READ) {
    event_del(&bev->ev_read);
    BaseLock lock(s->base);
    if (s->recv_state == kWaiting) {
      s->io->stop_waiting(&s->rop);
      s->recv_state = kIdle;
      end_request(s);  // the bufferevent's reference remains
    } else if (s->recv_state != kIdle && !s->recv_cancelling) {
      s->io->cancel(&s->rop, false);
      s->recv_cancelling = true;
    }
  }
  // A send in the kernel completes; no new one starts.
  if (what & EV_WRITE) {
    if (!send_in_kernel(s)) event_del(&bev->ev_write);
  }
  return 0;
}

void uring_try_write(bufferevent* bev) {
  UringSock* s = sock_of(core_of(bev));
  if (start_send(bev, s)) arm_write_timer(bev);
}

void uring_output_grew(bufferevent* bev, const evbuffer_cb_info* info) {
  BevCore* c = core_of(bev);
  UringSock* s = sock_of(c);
  if (info->n_added == 0 || !(bev->enabled & EV_WRITE) || c->write_suspended != 0 ||
      send_pending(s))
    return;
  bev_request_write(c);
}

int uring_adj_timeouts(bufferevent* bev) {
  BevCore* c = core_of(bev);
  UringSock* s = sock_of(c);
  int r = 0;
  auto adj = [&r](event* e, const timeval& tv, bool on) {
    if (!on) return;
    if (tv.tv_sec != 0 || tv.tv_usec != 0) {
      if (event_add(e, &tv) < 0) r = -1;
    } else if (event_remove_timer(e) < 0) {
      r = -1;
    }
  };
  adj(&bev->ev_read, bev->timeout_read, wants_read(bev));
  adj(&bev->ev_write, bev->timeout_write,
      (bev->enabled & EV_WRITE) && (evbuffer_get_length(bev->output) != 0 || send_in_kernel(s)));
  return r;
}

}  // namespace ev
