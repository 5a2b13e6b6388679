// Token buckets and the per-bufferevent rate limit; how many bytes the
// next read or write may move.
#include "bufferevent/ratelimit.hpp"

#include <climits>

#include "bufferevent/api_util.hpp"
#include "core/mm.hpp"

namespace ev {
namespace {

// Adds n ticks of `rate` to `limit`, saturating at `maximum`.
ev_ssize_t refill(ev_ssize_t limit, size_t rate, size_t maximum, uint32_t n) {
  const auto max = static_cast<ev_ssize_t>(maximum);
  if (limit >= max) return limit;
  if (static_cast<size_t>(max - limit) / n < rate) return max;
  return limit + static_cast<ev_ssize_t>(n * rate);
}

void refill_cb(evutil_socket_t, short, void* arg);

bool rate_timeout_ok(const timeval* tv) { return tv->tv_sec >= 0 && tv->tv_usec >= 0; }

}  // namespace

uint32_t bucket_tick(const timeval& now, const ev_token_bucket_cfg* cfg) {
  uint64_t msec =
      static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_usec) / 1000;
  return static_cast<uint32_t>(msec / cfg->msec_per_tick);
}

uint32_t current_tick(event_base* base, const ev_token_bucket_cfg* cfg) {
  timeval now;
  event_base_gettimeofday_cached(base, &now);
  return bucket_tick(now, cfg);
}

void bucket_init(TokenBucket* b, const ev_token_bucket_cfg* cfg, uint32_t tick, bool reinit) {
  if (reinit) {
    // Tokens already spent stay spent; only clip to the new bursts.
    if (b->read_limit > static_cast<ev_ssize_t>(cfg->read_maximum))
      b->read_limit = static_cast<ev_ssize_t>(cfg->read_maximum);
    if (b->write_limit > static_cast<ev_ssize_t>(cfg->write_maximum))
      b->write_limit = static_cast<ev_ssize_t>(cfg->write_maximum);
  } else {
    b->read_limit = static_cast<ev_ssize_t>(cfg->read_rate);
    b->write_limit = static_cast<ev_ssize_t>(cfg->write_rate);
  }
  b->last_updated = tick;
}

void bucket_update(TokenBucket* b, const ev_token_bucket_cfg* cfg, uint32_t tick) {
  uint32_t n = tick - b->last_updated;
  if (n == 0 || n > INT_MAX) return;  // same tick, or the clock went back
  b->read_limit = refill(b->read_limit, cfg->read_rate, cfg->read_maximum, n);
  b->write_limit = refill(b->write_limit, cfg->write_rate, cfg->write_maximum, n);
  b->last_updated = tick;
}

BevRate* bev_rate_get(BevCore* c) {
  BevExtra* x = bev_extra(c);
  if (x == nullptr) return nullptr;
  if (x->rate != nullptr) return x->rate;
  auto* r = make<BevRate>();
  if (r == nullptr) return nullptr;
  r->owner = c;
  event_assign(&r->refill, c->pub.ev_base, -1, 0, refill_cb, r);
  x->rate = r;
  return r;
}

namespace {

void update_own(BevRate* r) {
  bucket_update(&r->limit, r->cfg, current_tick(r->owner->pub.ev_base, r->cfg));
}

// A tick passed while a direction was starved: refill and resume.
void refill_cb(evutil_socket_t, short, void* arg) {
  auto* r = static_cast<BevRate*>(arg);
  bufferevent* bev = &r->owner->pub;
  BevHold hold(bev);
  if (r->cfg == nullptr || r->owner->dying) return;
  update_own(r);
  bool again = false;
  if (r->owner->read_suspended & kSuspendBandwidth) {
    if (r->limit.read_limit > 0)
      bev_unsuspend_read(bev, kSuspendBandwidth);
    else
      again = true;
  }
  if (r->owner->write_suspended & kSuspendBandwidth) {
    if (r->limit.write_limit > 0)
      bev_unsuspend_write(bev, kSuspendBandwidth);
    else
      again = true;
  }
  if (again) event_add(&r->refill, &r->cfg->tick_timeout);
}

// Applies a change of the own bucket in one direction: suspend when it
// runs dry, resume when it comes back.
void own_bucket_changed(BevRate* r, ev_ssize_t old_limit, ev_ssize_t new_limit, bool write) {
  bufferevent* bev = &r->owner->pub;
  if (old_limit > 0 && new_limit <= 0) {
    if (write)
      bev_suspend_write(bev, kSuspendBandwidth);
    else
      bev_suspend_read(bev, kSuspendBandwidth);
    event_add(&r->refill, &r->cfg->tick_timeout);
  } else if (old_limit <= 0 && new_limit > 0) {
    const uint8_t other = write ? r->owner->read_suspended : r->owner->write_suspended;
    if (!(other & kSuspendBandwidth)) event_del(&r->refill);
    if (write)
      bev_unsuspend_write(bev, kSuspendBandwidth);
    else
      bev_unsuspend_read(bev, kSuspendBandwidth);
  }
}

ev_ssize_t allowance(BevCore* c, bool write) {
  const BevExtra* x = c->extra;
  if (x == nullptr) return static_cast<ev_ssize_t>(kDefaultMaxSingleIo);
  auto max = static_cast<ev_ssize_t>(write ? x->max_single_write : x->max_single_read);
  BevRate* r = x->rate;
  if (r == nullptr) return max;
  if (r->cfg != nullptr) {
    update_own(r);
    ev_ssize_t own = write ? r->limit.write_limit : r->limit.read_limit;
    if (own < max) max = own;
  }
  if (r->group != nullptr) {
    ev_ssize_t share = group_share(r->group, write);
    if (share == 0) {
      if (write)
        bev_suspend_write(&c->pub, kSuspendGroup);
      else
        bev_suspend_read(&c->pub, kSuspendGroup);
    }
    if (share < max) max = share;
  }
  return max < 0 ? 0 : max;
}

void charge(BevCore* c, ev_ssize_t n, bool write) {
  BevRate* r = bev_rate(c);
  if (r == nullptr) return;
  if (r->cfg != nullptr) {
    ev_ssize_t& lim = write ? r->limit.write_limit : r->limit.read_limit;
    lim -= n;
    // We only move data while the bucket is positive.
    own_bucket_changed(r, 1, lim, write);
  }
  if (r->group != nullptr) group_charge(r->group, n, write);
}

}  // namespace

ev_ssize_t bev_read_allowance(BevCore* c) { return allowance(c, false); }
ev_ssize_t bev_write_allowance(BevCore* c) { return allowance(c, true); }
void bev_charge_read(BevCore* c, ev_ssize_t n) { charge(c, n, false); }
void bev_charge_write(BevCore* c, ev_ssize_t n) { charge(c, n, true); }

void bev_rate_teardown(BevCore* c) {
  BevRate* r = bev_rate(c);
  if (r == nullptr) return;
  if (r->group != nullptr) group_detach(r, false);
  event_del(&r->refill);
  destroy(r);
  c->extra->rate = nullptr;
}

}  // namespace ev

using ev::BevHold;
using ev::core_of;

extern "C" {

struct ev_token_bucket_cfg* ev_token_bucket_cfg_new(size_t read_rate, size_t read_burst,
                                                    size_t write_rate, size_t write_burst,
                                                    const struct timeval* tick_len) {
  if (read_rate > read_burst || write_rate > write_burst || read_rate < 1 || write_rate < 1) {
    evpriv_warnx("%s: rates must be at least 1 and at most the bursts", __func__);
    return nullptr;
  }
  if (read_burst > EV_RATE_LIMIT_MAX || write_burst > EV_RATE_LIMIT_MAX) {
    evpriv_warnx("%s: burst too large", __func__);
    return nullptr;
  }
  timeval one_second = {1, 0};
  if (tick_len == nullptr) tick_len = &one_second;
  if (!ev::rate_timeout_ok(tick_len)) {
    evpriv_warnx("%s: negative tick length", __func__);
    return nullptr;
  }
  uint64_t msec = static_cast<uint64_t>(tick_len->tv_sec) * 1000 +
                  static_cast<uint64_t>(tick_len->tv_usec) / 1000;
  if (msec == 0 || msec > UINT_MAX) {
    evpriv_warnx("%s: tick length must be between 1 ms and %u ms", __func__, UINT_MAX);
    return nullptr;
  }
  auto* cfg = static_cast<ev_token_bucket_cfg*>(ev::mm_calloc(1, sizeof(ev_token_bucket_cfg)));
  if (cfg == nullptr) return nullptr;
  cfg->read_rate = read_rate;
  cfg->read_maximum = read_burst;
  cfg->write_rate = write_rate;
  cfg->write_maximum = write_burst;
  cfg->tick_timeout = *tick_len;
  cfg->msec_per_tick = static_cast<unsigned>(msec);
  return cfg;
}

void ev_token_bucket_cfg_free(struct ev_token_bucket_cfg* cfg) { ev::mm_free(cfg); }

int bufferevent_set_rate_limit(struct bufferevent* bev, struct ev_token_bucket_cfg* cfg) {
  BEV_CHECK(bev, -1);
  BevHold hold(bev);
  ev::BevCore* c = core_of(bev);
  if (cfg == nullptr) {
    if (ev::BevRate* r = ev::bev_rate(c); r != nullptr && r->cfg != nullptr) {
      r->cfg = nullptr;
      event_del(&r->refill);
      ev::bev_unsuspend_read(bev, ev::kSuspendBandwidth);
      ev::bev_unsuspend_write(bev, ev::kSuspendBandwidth);
    }
    return 0;
  }
  ev::BevRate* r = ev::bev_rate_get(c);
  if (r == nullptr) return -1;
  if (r->cfg == cfg) return 0;
  const bool reinit = r->cfg != nullptr;
  r->cfg = cfg;
  ev::bucket_init(&r->limit, cfg, ev::current_tick(bev->ev_base, cfg), reinit);
  event_del(&r->refill);
  bool starved = false;
  if (r->limit.read_limit > 0) {
    ev::bev_unsuspend_read(bev, ev::kSuspendBandwidth);
  } else {
    ev::bev_suspend_read(bev, ev::kSuspendBandwidth);
    starved = true;
  }
  if (r->limit.write_limit > 0) {
    ev::bev_unsuspend_write(bev, ev::kSuspendBandwidth);
  } else {
    ev::bev_suspend_write(bev, ev::kSuspendBandwidth);
    starved = true;
  }
  if (starved) event_add(&r->refill, &cfg->tick_timeout);
  return 0;
}

const struct ev_token_bucket_cfg* bufferevent_get_token_bucket_cfg(const struct bufferevent* bev) {
  BEV_CHECK(bev, nullptr);
  auto* b = const_cast<bufferevent*>(bev);
  ev::bev_lock(b);
  const ev::BevRate* r = ev::bev_rate(core_of(bev));
  const ev_token_bucket_cfg* cfg = r != nullptr ? r->cfg : nullptr;
  ev::bev_unlock(b);
  return cfg;
}

static ev_ssize_t own_limit(struct bufferevent* bev, bool write) {
  BEV_CHECK(bev, -1);
  BevHold hold(bev);
  ev::BevRate* r = ev::bev_rate(core_of(bev));
  if (r == nullptr || r->cfg == nullptr) return EV_SSIZE_MAX;
  ev::update_own(r);
  return write ? r->limit.write_limit : r->limit.read_limit;
}

ev_ssize_t bufferevent_get_read_limit(struct bufferevent* bev) { return own_limit(bev, false); }
ev_ssize_t bufferevent_get_write_limit(struct bufferevent* bev) { return own_limit(bev, true); }

static int decrement_own(struct bufferevent* bev, ev_ssize_t decr, bool write) {
  BEV_CHECK(bev, -1);
  BevHold hold(bev);
  ev::BevRate* r = ev::bev_rate(core_of(bev));
  if (r == nullptr || r->cfg == nullptr) {
    evpriv_warnx("bufferevent_decrement_%s_limit: no rate limit set", write ? "write" : "read");
    return -1;
  }
  ev_ssize_t& lim = write ? r->limit.write_limit : r->limit.read_limit;
  ev_ssize_t old = lim;
  lim -= decr;
  ev::own_bucket_changed(r, old, lim, write);
  return 0;
}

int bufferevent_decrement_read_limit(struct bufferevent* bev, ev_ssize_t decr) {
  return decrement_own(bev, decr, false);
}

int bufferevent_decrement_write_limit(struct bufferevent* bev, ev_ssize_t decr) {
  return decrement_own(bev, decr, true);
}

}  // extern "C"
