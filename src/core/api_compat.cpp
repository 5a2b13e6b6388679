// event2/event_compat.h: the pre-2.0 API, acting on the "current base" that
// event_init() creates.
#include <event2/event.h>
#include <event2/event_compat.h>

#include "core/base.hpp"
#include "core/debug.hpp"
#include "core/log.hpp"

using namespace ev;

namespace {

bool have_current(const char* func) {
  if (g_current_base != nullptr) return true;
  evpriv_warnx("%s: no current event base; call event_init() first", func);
  return false;
}

}  // namespace

extern "C" {

struct event_base* event_init(void) {
  event_base* base = event_base_new_with_config(nullptr);
  if (base == nullptr) {
    evpriv_errx(1, "%s: Unable to construct event_base", "event_init");
  }
  g_current_base = base;
  return base;
}

int event_dispatch(void) { return event_loop(0); }

int event_loop(int flags) {
  if (!have_current("event_loop")) return -1;
  return event_base_loop(g_current_base, flags);
}

int event_loopexit(const struct timeval* tv) {
  if (!have_current("event_loopexit")) return -1;
  return event_base_loopexit(g_current_base, tv);
}

int event_loopbreak(void) {
  if (!have_current("event_loopbreak")) return -1;
  return event_base_loopbreak(g_current_base);
}

int event_once(evutil_socket_t fd, short events, event_callback_fn cb, void* arg,
               const struct timeval* tv) {
  if (!have_current("event_once")) return -1;
  return event_base_once(g_current_base, fd, events, cb, arg, tv);
}

const char* event_get_method(void) {
  if (!have_current("event_get_method")) return nullptr;
  return event_base_get_method(g_current_base);
}

int event_priority_init(int npriorities) {
  if (!have_current("event_priority_init")) return -1;
  return event_base_priority_init(g_current_base, npriorities);
}

void event_set(struct event* e, evutil_socket_t fd, short events,
               void (*cb)(evutil_socket_t, short, void*), void* arg) {
  // event_assign() falls back to the current base.
  event_assign(e, g_current_base, fd, events, cb, arg);
}

int event_base_set(struct event_base* base, struct event* e) {
  if (base == nullptr || e == nullptr) return -1;
  // Only events that are set up and not pending or active may move.
  if (e->ev_evcallback.evcb_flags != EVLIST_INIT) return -1;
  debug_assert_is_setup(e);
  e->ev_base = base;
  e->ev_evcallback.evcb_pri = static_cast<ev_uint8_t>(base->n_active_queues_ / 2);
  return 0;
}

}  // extern "C"
