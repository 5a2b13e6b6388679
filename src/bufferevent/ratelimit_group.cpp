// Rate-limit groups: bufferevents sharing one token bucket.  Each member
// may use an equal share of the bucket per operation (at least min_share);
// when the bucket runs dry every member pauses until the next tick.
//
// Lock order is bufferevent, then group.  The group walks its members
// while holding its own lock, so it only try-locks them; a member it could
// not lock is picked up on the next tick (or notices the suspension itself
// in bev_*_allowance).
#include <event2/thread.h>

#include <cstring>

#include "bufferevent/api_util.hpp"
#include "bufferevent/ratelimit.hpp"
#include "core/locking.hpp"
#include "core/mm.hpp"

struct bufferevent_rate_limit_group {
  ev::BevRate* members = nullptr;
  int n_members = 0;
  ev::TokenBucket rate_limit;
  ev_token_bucket_cfg cfg{};
  bool read_suspended = false;
  bool write_suspended = false;
  bool pending_unsuspend_read = false;
  bool pending_unsuspend_write = false;
  ev_uint64_t total_read = 0;
  ev_uint64_t total_written = 0;
  ev_ssize_t min_share = 0;
  ev_ssize_t configured_min_share = 0;
  event refill{};
  event_base* base = nullptr;
  void* lock = nullptr;
};

namespace ev {
namespace {

constexpr ev_ssize_t kDefaultMinShare = 64;

class GroupLock {
 public:
  explicit GroupLock(bufferevent_rate_limit_group* g) : g_(g) { evpriv_lock_acquire(g_->lock, 0); }
  ~GroupLock() { evpriv_lock_release(g_->lock, 0); }
  GroupLock(const GroupLock&) = delete;
  GroupLock& operator=(const GroupLock&) = delete;

 private:
  bufferevent_rate_limit_group* g_;
};

bool try_lock_member(BevRate* r) {
  void* lock = bev_lock_of(r->owner);
  return lock == nullptr || evpriv_lock_acquire(lock, EVTHREAD_TRY) == 0;
}

void unlock_member(BevRate* r) { bev_unlock(&r->owner->pub); }

// Suspends or resumes one direction of every member; group lock held.
void set_members(bufferevent_rate_limit_group* g, bool write, bool suspend) {
  bool missed = false;
  for (BevRate* r = g->members; r != nullptr; r = r->group_next) {
    if (!try_lock_member(r)) {
      missed = true;
      continue;
    }
    bufferevent* bev = &r->owner->pub;
    if (suspend)
      write ? bev_suspend_write(bev, kSuspendGroup) : bev_suspend_read(bev, kSuspendGroup);
    else
      write ? bev_unsuspend_write(bev, kSuspendGroup) : bev_unsuspend_read(bev, kSuspendGroup);
    unlock_member(r);
  }
  if (!suspend && missed) (write ? g->pending_unsuspend_write : g->pending_unsuspend_read) = true;
}

void suspend_dir(bufferevent_rate_limit_group* g, bool write) {
  (write ? g->write_suspended : g->read_suspended) = true;
  (write ? g->pending_unsuspend_write : g->pending_unsuspend_read) = false;
  set_members(g, write, true);
}

void unsuspend_dir(bufferevent_rate_limit_group* g, bool write) {
  (write ? g->write_suspended : g->read_suspended) = false;
  (write ? g->pending_unsuspend_write : g->pending_unsuspend_read) = false;
  set_members(g, write, false);
}

// Bucket changed from old to new: pause or resume the whole group.
void group_bucket_changed(bufferevent_rate_limit_group* g, ev_ssize_t old_limit,
                          ev_ssize_t new_limit, bool write) {
  if (old_limit > 0 && new_limit <= 0)
    suspend_dir(g, write);
  else if (old_limit <= 0 && new_limit > 0)
    unsuspend_dir(g, write);
}

void group_tick(evutil_socket_t, short, void* arg) {
  auto* g = static_cast<bufferevent_rate_limit_group*>(arg);
  GroupLock hold(g);
  bucket_update(&g->rate_limit, &g->cfg, current_tick(g->base, &g->cfg));
  if (g->pending_unsuspend_read || (g->read_suspended && g->rate_limit.read_limit >= g->min_share))
    unsuspend_dir(g, false);
  if (g->pending_unsuspend_write ||
      (g->write_suspended && g->rate_limit.write_limit >= g->min_share))
    unsuspend_dir(g, true);
}

void apply_min_share(bufferevent_rate_limit_group* g, size_t share) {
  g->configured_min_share = static_cast<ev_ssize_t>(share);
  // At least one member must be able to move something every tick.
  if (share > g->cfg.read_rate) share = g->cfg.read_rate;
  if (share > g->cfg.write_rate) share = g->cfg.write_rate;
  g->min_share = static_cast<ev_ssize_t>(share);
}

}  // namespace

ev_ssize_t group_share(bufferevent_rate_limit_group* g, bool write) {
  GroupLock hold(g);
  if (write ? g->write_suspended : g->read_suspended) return 0;
  ev_ssize_t lim = write ? g->rate_limit.write_limit : g->rate_limit.read_limit;
  ev_ssize_t share = g->n_members > 0 ? lim / g->n_members : lim;
  return share < g->min_share ? g->min_share : share;
}

void group_charge(bufferevent_rate_limit_group* g, ev_ssize_t n, bool write) {
  GroupLock hold(g);
  ev_ssize_t& lim = write ? g->rate_limit.write_limit : g->rate_limit.read_limit;
  ev_ssize_t old = lim;
  lim -= n;
  if (write)
    g->total_written += static_cast<ev_uint64_t>(n);
  else
    g->total_read += static_cast<ev_uint64_t>(n);
  if (lim <= 0)
    suspend_dir(g, write);
  else if (old <= 0 || (write ? g->write_suspended : g->read_suspended))
    unsuspend_dir(g, write);
}

void group_detach(BevRate* r, bool unsuspend) {
  bufferevent_rate_limit_group* g = r->group;
  {
    GroupLock hold(g);
    if (r->group_prev != nullptr)
      r->group_prev->group_next = r->group_next;
    else
      g->members = r->group_next;
    if (r->group_next != nullptr) r->group_next->group_prev = r->group_prev;
    r->group_prev = r->group_next = nullptr;
    r->group = nullptr;
    --g->n_members;
  }
  if (unsuspend) {
    bev_unsuspend_read(&r->owner->pub, kSuspendGroup);
    bev_unsuspend_write(&r->owner->pub, kSuspendGroup);
  }
}

}  // namespace ev

using ev::GroupLock;

extern "C" {

struct bufferevent_rate_limit_group* bufferevent_rate_limit_group_new(
    struct event_base* base, const struct ev_token_bucket_cfg* cfg) {
  BEV_CHECK(base, nullptr);
  BEV_CHECK(cfg, nullptr);
  auto* g = ev::make<bufferevent_rate_limit_group>();
  if (g == nullptr) return nullptr;
  g->base = base;
  std::memcpy(&g->cfg, cfg, sizeof(g->cfg));
  ev::bucket_init(&g->rate_limit, cfg, ev::current_tick(base, cfg), false);
  g->lock = evpriv_lock_new(EVTHREAD_LOCKTYPE_RECURSIVE);
  event_assign(&g->refill, base, -1, EV_PERSIST, ev::group_tick, g);
  event_add(&g->refill, &cfg->tick_timeout);
  ev::apply_min_share(g, ev::kDefaultMinShare);
  return g;
}

int bufferevent_rate_limit_group_set_cfg(struct bufferevent_rate_limit_group* g,
                                         const struct ev_token_bucket_cfg* cfg) {
  BEV_CHECK(g, -1);
  BEV_CHECK(cfg, -1);
  GroupLock hold(g);
  const bool same_tick = timercmp(&g->cfg.tick_timeout, &cfg->tick_timeout, ==);
  std::memcpy(&g->cfg, cfg, sizeof(g->cfg));
  if (g->rate_limit.read_limit > static_cast<ev_ssize_t>(cfg->read_maximum))
    g->rate_limit.read_limit = static_cast<ev_ssize_t>(cfg->read_maximum);
  if (g->rate_limit.write_limit > static_cast<ev_ssize_t>(cfg->write_maximum))
    g->rate_limit.write_limit = static_cast<ev_ssize_t>(cfg->write_maximum);
  if (!same_tick) event_add(&g->refill, &cfg->tick_timeout);
  ev::apply_min_share(g, static_cast<size_t>(g->configured_min_share));
  return 0;
}

int bufferevent_rate_limit_group_set_min_share(struct bufferevent_rate_limit_group* g,
                                               size_t share) {
  BEV_CHECK(g, -1);
  if (share > static_cast<size_t>(EV_SSIZE_MAX)) return -1;
  GroupLock hold(g);
  ev::apply_min_share(g, share);
  return 0;
}

void bufferevent_rate_limit_group_free(struct bufferevent_rate_limit_group* g) {
  if (g == nullptr) return;
  // Members left behind are released from the group rather than left
  // pointing at freed memory.
  while (g->members != nullptr) {
    ev::BevRate* r = g->members;
    bufferevent* bev = &r->owner->pub;
    ev::BevHold hold(bev);
    if (r->group == g) ev::group_detach(r, true);
  }
  event_del(&g->refill);
  evpriv_lock_free(g->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
  ev::destroy(g);
}

int bufferevent_add_to_rate_limit_group(struct bufferevent* bev,
                                        struct bufferevent_rate_limit_group* g) {
  BEV_CHECK(bev, -1);
  BEV_CHECK(g, -1);
  ev::BevHold hold(bev);
  ev::BevRate* r = ev::bev_rate_get(ev::core_of(bev));
  if (r == nullptr) return -1;
  if (r->group == g) return 0;
  if (r->group != nullptr) ev::group_detach(r, true);
  bool rsuspend, wsuspend;
  {
    GroupLock glock(g);
    r->group = g;
    r->group_next = g->members;
    if (g->members != nullptr) g->members->group_prev = r;
    g->members = r;
    ++g->n_members;
    rsuspend = g->read_suspended;
    wsuspend = g->write_suspended;
  }
  if (rsuspend) ev::bev_suspend_read(bev, ev::kSuspendGroup);
  if (wsuspend) ev::bev_suspend_write(bev, ev::kSuspendGroup);
  return 0;
}

int bufferevent_remove_from_rate_limit_group(struct bufferevent* bev) {
  BEV_CHECK(bev, -1);
  ev::BevHold hold(bev);
  ev::BevRate* r = ev::bev_rate(ev::core_of(bev));
  if (r != nullptr && r->group != nullptr) {
    ev::group_detach(r, true);
  } else {
    ev::bev_unsuspend_read(bev, ev::kSuspendGroup);
    ev::bev_unsuspend_write(bev, ev::kSuspendGroup);
  }
  return 0;
}

ev_ssize_t bufferevent_rate_limit_group_get_read_limit(struct bufferevent_rate_limit_group* g) {
  BEV_CHECK(g, -1);
  GroupLock hold(g);
  return g->rate_limit.read_limit;
}

ev_ssize_t bufferevent_rate_limit_group_get_write_limit(struct bufferevent_rate_limit_group* g) {
  BEV_CHECK(g, -1);
  GroupLock hold(g);
  return g->rate_limit.write_limit;
}

int bufferevent_rate_limit_group_decrement_read(struct bufferevent_rate_limit_group* g,
                                                ev_ssize_t decr) {
  BEV_CHECK(g, -1);
  GroupLock hold(g);
  ev_ssize_t old = g->rate_limit.read_limit;
  g->rate_limit.read_limit -= decr;
  ev::group_bucket_changed(g, old, g->rate_limit.read_limit, false);
  return 0;
}

int bufferevent_rate_limit_group_decrement_write(struct bufferevent_rate_limit_group* g,
                                                 ev_ssize_t decr) {
  BEV_CHECK(g, -1);
  GroupLock hold(g);
  ev_ssize_t old = g->rate_limit.write_limit;
  g->rate_limit.write_limit -= decr;
  ev::group_bucket_changed(g, old, g->rate_limit.write_limit, true);
  return 0;
}

void bufferevent_rate_limit_group_get_totals(struct bufferevent_rate_limit_group* grp,
                                             ev_uint64_t* total_read_out,
                                             ev_uint64_t* total_written_out) {
  BEV_CHECK_VOID(grp);
  GroupLock hold(grp);
  if (total_read_out != nullptr) *total_read_out = grp->total_read;
  if (total_written_out != nullptr) *total_written_out = grp->total_written;
}

void bufferevent_rate_limit_group_reset_totals(struct bufferevent_rate_limit_group* grp) {
  BEV_CHECK_VOID(grp);
  GroupLock hold(grp);
  grp->total_read = grp->total_written = 0;
}

}  // extern "C"
