// struct event_config: what event_base_new_with_config() honours.
#pragma once

#include <sys/time.h>

#include <climits>

#include "core/growable_array.hpp"

struct event_config {
  event_config() = default;
  ~event_config() {
    for (std::size_t i = 0; i < avoided.size(); ++i) ev::mm_free(avoided[i]);
  }
  bool avoids(const char* method) const;

  ev::GrowableArray<char*> avoided;  // backend names not to use
  int require_features = 0;          // EV_FEATURE_* bits
  int flags = 0;                     // EVENT_BASE_FLAG_*
  int n_cpus_hint = 0;
  timeval max_dispatch_interval{-1, 0};  // tv_sec < 0: unlimited
  int max_dispatch_callbacks = INT_MAX;
  int limit_callbacks_after_prio = 1;
};
