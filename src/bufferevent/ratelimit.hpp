// Token-bucket rate limiting: configurations, per-bufferevent buckets and
// groups sharing one bucket.  Buckets refill once per tick (tick_len of
// the configuration) by `rate` bytes up to `burst` bytes; they may go
// negative (bufferevent_decrement_*), and a direction stays suspended until
// its bucket is positive again.
#pragma once

#include <event2/bufferevent.h>
#include <event2/event_struct.h>

#include <cstdint>

#include "bufferevent/bev_core.hpp"

struct ev_token_bucket_cfg {
  size_t read_rate;
  size_t read_maximum;
  size_t write_rate;
  size_t write_maximum;
  timeval tick_timeout;
  unsigned msec_per_tick;
};

namespace ev {

struct TokenBucket {
  ev_ssize_t read_limit = 0;
  ev_ssize_t write_limit = 0;
  uint32_t last_updated = 0;  // tick number of the last refill
};

// The tick `now` falls in, for `cfg`.
uint32_t bucket_tick(const timeval& now, const ev_token_bucket_cfg* cfg);
// Fresh bucket (one tick's worth), or on reconfiguration clipped down to
// the new bursts.
void bucket_init(TokenBucket* b, const ev_token_bucket_cfg* cfg, uint32_t tick, bool reinit);
// Adds the tokens of the ticks elapsed since the last update.
void bucket_update(TokenBucket* b, const ev_token_bucket_cfg* cfg, uint32_t tick);
// The current tick on `base`'s clock.
uint32_t current_tick(event_base* base, const ev_token_bucket_cfg* cfg);

// Rate-limit state of one bufferevent (allocated on first use).
struct BevRate {
  BevCore* owner = nullptr;
  const ev_token_bucket_cfg* cfg = nullptr;  // own limit; null when none
  TokenBucket limit;
  event refill{};  // re-fills the own bucket while a direction is starved
  bufferevent_rate_limit_group* group = nullptr;
  BevRate* group_prev = nullptr;
  BevRate* group_next = nullptr;
};

// Creates the state on first use; nullptr on allocation failure.
BevRate* bev_rate_get(BevCore* c);

// Group hooks used by the per-bufferevent code (ratelimit_group.cpp).
// The share of the group's bucket one member may use now (0 when the
// group is exhausted), with the group's lock taken inside.
ev_ssize_t group_share(bufferevent_rate_limit_group* g, bool write);
void group_charge(bufferevent_rate_limit_group* g, ev_ssize_t n, bool write);
void group_detach(BevRate* r, bool unsuspend);

}  // namespace ev
