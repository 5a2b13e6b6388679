// Bufferevent pairs: two bufferevents whose output feeds the other's
// input in memory.  Data moves as soon as the writer has writing enabled
// and the reader has reading enabled (up to the reader's high watermark);
// callbacks are always deferred, as in libevent.  Freeing one end only
// detaches the other (no EOF is delivered).
#include <atomic>

#include "bufferevent/api_util.hpp"
#include "core/base.hpp"
#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evbuffer/evbuffer.hpp"

#include <event2/thread.h>

namespace ev {
namespace {

// The lock a THREADSAFE pair shares, freed by whichever end goes last.
struct PairLock {
  std::atomic<int> refs{2};
  void* lock = nullptr;
};

struct PairBev : BevCore {
  PairBev* partner = nullptr;
  PairLock* shared = nullptr;
};

extern const bufferevent_ops kPairOps;

PairBev* pair_of(bufferevent* bev) { return static_cast<PairBev*>(core_of(bev)); }

bufferevent* partner_of(bufferevent* bev) {
  PairBev* p = pair_of(bev)->partner;
  return p != nullptr ? &p->pub : nullptr;
}

bool wants_to_talk(bufferevent* src, bufferevent* dst) {
  return (src->enabled & EV_WRITE) && (dst->enabled & EV_READ) &&
         core_of(dst)->read_suspended == 0 && core_of(src)->write_suspended == 0 &&
         evbuffer_get_length(src->output) != 0;
}

// Moves src's output into dst's input (respecting dst's read high
// watermark unless `ignore_wm`) and queues the callbacks that follow.
void transfer(bufferevent* src, bufferevent* dst, bool ignore_wm) {
  evbuffer_unfreeze(src->output, 1);
  evbuffer_unfreeze(dst->input, 0);
  bool moved = true;
  size_t high = dst->wm_read.high;
  size_t have = evbuffer_get_length(dst->input);
  if (high != 0 && have < high) {
    evbuffer_remove_buffer(src->output, dst->input, high - have);
  } else if (high == 0 || ignore_wm) {
    evbuffer_add_buffer(dst->input, src->output);
  } else {
    moved = false;
  }
  if (moved) {
    bev_generic_reset_read_timer(dst);
    // The write timeout measures a stalled write: none is left once the
    // output has gone.
    if (evbuffer_get_length(src->output) == 0)
      bev_generic_del_timers(src, EV_WRITE);
    else
      bev_generic_reset_write_timer(src);
    bev_trigger_locked(dst, EV_READ, 0);
    bev_trigger_locked(src, EV_WRITE, 0);
  }
  evbuffer_freeze(src->output, 1);
  evbuffer_freeze(dst->input, 0);
}

// ops->output_changed.
void output_grew(bufferevent* bev, const evbuffer_cb_info* info) {
  bufferevent* partner = partner_of(bev);
  if (info->n_added <= info->n_deleted || partner == nullptr) return;
  bev_incref_and_lock(partner);
  if (wants_to_talk(bev, partner)) transfer(bev, partner, false);
  bev_decref_and_unlock(partner);
}

int pair_enable(bufferevent* bev, short what) {
  // As libevent: the write timeout only runs while there is output.
  if (what & EV_READ) bev_generic_arm_read_timer(bev);
  if ((what & EV_WRITE) && evbuffer_get_length(bev->output) != 0) bev_generic_arm_write_timer(bev);
  bufferevent* partner = partner_of(bev);
  if (partner == nullptr) return 0;
  bev_incref_and_lock(partner);
  if ((what & EV_READ) && wants_to_talk(partner, bev)) transfer(partner, bev, false);
  if ((what & EV_WRITE) && wants_to_talk(bev, partner)) transfer(bev, partner, false);
  bev_decref_and_unlock(partner);
  return 0;
}

int pair_disable(bufferevent* bev, short what) {
  bev_generic_del_timers(bev, what);
  return 0;
}

void pair_unlink(bufferevent* bev) {
  PairBev* p = pair_of(bev);
  if (p->partner != nullptr) {
    p->partner->partner = nullptr;
    p->partner = nullptr;
  }
}

void pair_destruct(bufferevent* bev) {
  PairLock* shared = pair_of(bev)->shared;
  if (shared != nullptr && shared->refs.fetch_sub(1) == 1) {
    evpriv_lock_free(shared->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
    destroy(shared);
  }
}

int pair_flush(bufferevent* bev, short iotype, bufferevent_flush_mode mode) {
  if (mode == BEV_NORMAL) return 0;
  bufferevent* partner = partner_of(bev);
  if (partner == nullptr) return 0;
  bev_incref_and_lock(partner);
  if (iotype & EV_READ) transfer(partner, bev, true);
  if (iotype & EV_WRITE) transfer(bev, partner, true);
  if (mode == BEV_FINISHED) {
    // Our writing side finished means the partner's reading side did.
    short what = BEV_EVENT_EOF;
    if (iotype & EV_READ) what |= BEV_EVENT_WRITING;
    if (iotype & EV_WRITE) what |= BEV_EVENT_READING;
    bev_run_eventcb(partner, what, 0);
  }
  bev_decref_and_unlock(partner);
  return 0;
}

const bufferevent_ops kPairOps = {
    .type = "pair_elt",
    .enable = pair_enable,
    .disable = pair_disable,
    .unlink = pair_unlink,
    .destruct = pair_destruct,
    .adj_timeouts = bev_generic_adj_timeouts,
    .flush = pair_flush,
    .get_fd = nullptr,
    .set_fd = nullptr,
    .get_underlying = nullptr,
    .try_write = nullptr,
    .output_changed = output_grew,
    .input_changed = nullptr,
};

PairBev* new_end(event_base* base, int options, void* lock) {
  auto* p = make<PairBev>();
  if (p == nullptr) return nullptr;
  if (!bev_init_common(p, base, &kPairOps, options, lock)) return nullptr;
  bufferevent* bev = &p->pub;
  bev_init_generic_timers(bev);
  evbuffer_freeze(bev->input, 0);
  evbuffer_freeze(bev->output, 1);
  return p;
}

}  // namespace
}  // namespace ev

extern "C" {

int bufferevent_pair_new(struct event_base* base, int options, struct bufferevent* pair[2]) {
  // The legacy API: no base means the one event_init() made current.
  if (base == nullptr) base = ev::g_current_base;
  BEV_CHECK(base, -1);
  BEV_CHECK(pair, -1);
  options |= BEV_OPT_DEFER_CALLBACKS;
  ev::PairBev* a = ev::new_end(base, options, nullptr);
  if (a == nullptr) return -1;
  ev::PairBev* b = ev::new_end(base, options, ev::bev_lock_of(a));
  if (b == nullptr) {
    bufferevent_free(&a->pub);
    return -1;
  }
  if (ev::bev_lock_of(a) != nullptr) {
    auto* shared = ev::make<ev::PairLock>();
    if (shared == nullptr) {
      bufferevent_free(&b->pub);
      bufferevent_free(&a->pub);
      return -1;
    }
    shared->lock = ev::bev_lock_of(a);
    a->own_lock = false;  // freed through `shared` by the last end
    a->shared = b->shared = shared;
  }
  a->partner = b;
  b->partner = a;
  pair[0] = &a->pub;
  pair[1] = &b->pub;
  return 0;
}

struct bufferevent* bufferevent_pair_get_partner(struct bufferevent* bev) {
  BEV_CHECK(bev, nullptr);
  if (bev->be_ops != &ev::kPairOps) return nullptr;
  ev::bev_lock(bev);
  bufferevent* partner = ev::partner_of(bev);
  ev::bev_unlock(bev);
  return partner;
}

}  // extern "C"
