// Membership of events in the base's lists, and the counters that
// event_base_get_num_events() / event_base_get_max_events() report: every
// list membership of a non-internal callback counts once in event_count_.
#include "core/base.hpp"
#include "core/log.hpp"

using ev::count_up;

void event_base::insert_active_later(event_callback* cb) {
  if (cb->evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)) return;
  if (!(cb->evcb_flags & EVLIST_INTERNAL)) count_up(event_count_, event_count_max_);
  cb->evcb_flags |= EVLIST_ACTIVE_LATER;
  count_up(active_count_, active_count_max_);
  active_later_.push_back(cb);
}

void event_base::remove_active_later(event_callback* cb) {
  if (!(cb->evcb_flags & EVLIST_INTERNAL)) --event_count_;
  cb->evcb_flags &= ~EVLIST_ACTIVE_LATER;
  --active_count_;
  active_later_.remove(cb);
}

void event_base::make_later_events_active() {
  while (event_callback* cb = active_later_.front()) {
    active_later_.remove(cb);
    cb->evcb_flags = static_cast<short>((cb->evcb_flags & ~EVLIST_ACTIVE_LATER) | EVLIST_ACTIVE);
    if (cb->evcb_pri >= n_active_queues_) cb->evcb_pri = static_cast<uint8_t>(n_active_queues_ - 1);
    active_queues_[cb->evcb_pri].push_back(cb);
    n_deferreds_queued_ += (cb->evcb_closure == ev::kClosureCbSelf);
  }
}
