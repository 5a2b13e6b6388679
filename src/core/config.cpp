// event_config_*: the options of event_base_new_with_config().
#include "core/config.hpp"

#include <event2/event.h>

#include <cstring>

#include "core/mm.hpp"

bool event_config::avoids(const char* method) const {
  for (std::size_t i = 0; i < avoided.size(); ++i)
    if (std::strcmp(avoided[i], method) == 0) return true;
  return false;
}

extern "C" {

struct event_config* event_config_new(void) {
  return ev::make<event_config>();
}

void event_config_free(struct event_config* cfg) { ev::destroy(cfg); }

int event_config_avoid_method(struct event_config* cfg, const char* method) {
  if (cfg == nullptr || method == nullptr) return -1;
  char* copy = ev::mm_strdup(method);
  if (copy == nullptr) return -1;
  if (!cfg->avoided.push_back(copy)) {
    ev::mm_free(copy);
    return -1;
  }
  return 0;
}

int event_config_require_features(struct event_config* cfg, int features) {
  if (cfg == nullptr) return -1;
  cfg->require_features = features;
  return 0;
}

int event_config_set_flag(struct event_config* cfg, int flag) {
  if (cfg == nullptr) return -1;
  cfg->flags |= flag;
  return 0;
}

int event_config_set_num_cpus_hint(struct event_config* cfg, int cpus) {
  if (cfg == nullptr) return -1;
  cfg->n_cpus_hint = cpus;
  return 0;
}

int event_config_set_max_dispatch_interval(struct event_config* cfg,
                                           const struct timeval* max_interval, int max_callbacks,
                                           int min_priority) {
  if (cfg == nullptr) return -1;
  if (max_interval != nullptr)
    cfg->max_dispatch_interval = *max_interval;
  else
    cfg->max_dispatch_interval.tv_sec = -1;
  cfg->max_dispatch_callbacks = max_callbacks >= 0 ? max_callbacks : INT_MAX;
  cfg->limit_callbacks_after_prio = min_priority < 0 ? 0 : min_priority;
  return 0;
}

}  // extern "C"
