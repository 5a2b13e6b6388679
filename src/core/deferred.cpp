// Deferred callbacks (core/deferred.hpp): event_callbacks queued straight
// into the base's active queues.  After kMaxDeferredPerPass of them in one
// loop pass, further ones wait for the next pass, so that a callback that
// keeps rescheduling work cannot starve I/O.
#include "core/deferred.hpp"

#include <cstring>

#include "core/base.hpp"

namespace {
constexpr int kMaxDeferredPerPass = 32;
}  // namespace

extern "C" {

void evpriv_callback_init(struct event_callback* cb, void (*fn)(struct event_callback*, void*),
                          void* arg, int priority) {
  std::memset(cb, 0, sizeof(*cb));
  cb->evcb_cb_union.evcb_selfcb = fn;
  cb->evcb_arg = arg;
  cb->evcb_pri = static_cast<ev_uint8_t>(priority < 0 ? 0 : priority > 255 ? 255 : priority);
  cb->evcb_closure = ev::kClosureCbSelf;
}

int evpriv_callback_schedule(struct event_base* base, struct event_callback* cb) {
  if (base == nullptr) base = ev::g_current_base;
  if (base == nullptr || cb == nullptr) return 0;
  base->lock();
  if (cb->evcb_pri >= base->n_active_queues_)
    cb->evcb_pri = static_cast<ev_uint8_t>(base->n_active_queues_ - 1);
  int r;
  if (base->n_deferreds_queued_ > kMaxDeferredPerPass) {
    r = base->activate_later_locked(cb);
  } else {
    r = base->activate_callback_locked(cb);
    if (r != 0) ++base->n_deferreds_queued_;
  }
  base->unlock();
  return r;
}

int evpriv_callback_cancel(struct event_base* base, struct event_callback* cb) {
  if (base == nullptr) base = ev::g_current_base;
  if (base == nullptr || cb == nullptr) return 0;
  base->lock();
  int r = base->cancel_callback_locked(cb, false);
  base->unlock();
  return r;
}

}  // extern "C"
