// Public entry points of event2/bufferevent.h and bufferevent_compat.h:
// timeouts, flushing, life cycle, locking, base and priority, file
// descriptors, triggers and per-operation size caps.
#include <event2/bufferevent.h>
// The compat header has no C++ guards of its own (neither has libevent's).
extern "C" {
#include <event2/bufferevent_compat.h>
}

#include "bufferevent/api_util.hpp"

using ev::BevHold;
using ev::core_of;

namespace {

// The per-direction cap lives in the lazily allocated BevExtra; the default
// needs no allocation.  0 or an out-of-range size restores the default.
int set_max_single(bufferevent* bev, size_t ev::BevExtra::*field, size_t size) {
  if (size == 0 || size > static_cast<size_t>(EV_SSIZE_MAX)) size = ev::kDefaultMaxSingleIo;
  ev::BevHold hold(bev);
  ev::BevCore* c = core_of(bev);
  if (c->extra == nullptr && size == ev::kDefaultMaxSingleIo) return 0;
  ev::BevExtra* x = ev::bev_extra(c);
  if (x == nullptr) return -1;
  x->*field = size;
  return 0;
}

ev_ssize_t get_max_single(bufferevent* bev, size_t ev::BevExtra::*field) {
  ev::bev_lock(bev);
  const ev::BevExtra* x = core_of(bev)->extra;
  auto r = static_cast<ev_ssize_t>(x != nullptr ? x->*field : ev::kDefaultMaxSingleIo);
  ev::bev_unlock(bev);
  return r;
}

}  // namespace

extern "C" {

int bufferevent_set_timeouts(struct bufferevent* bufev, const struct timeval* timeout_read,
                             const struct timeval* timeout_write) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  if (timeout_read != nullptr)
    bufev->timeout_read = *timeout_read;
  else
    timerclear(&bufev->timeout_read);
  if (timeout_write != nullptr)
    bufev->timeout_write = *timeout_write;
  else
    timerclear(&bufev->timeout_write);
  return bufev->be_ops->adj_timeouts != nullptr ? bufev->be_ops->adj_timeouts(bufev) : 0;
}

void bufferevent_settimeout(struct bufferevent* bufev, int timeout_read, int timeout_write) {
  BEV_CHECK_VOID(bufev);
  timeval tr = {timeout_read, 0};
  timeval tw = {timeout_write, 0};
  bufferevent_set_timeouts(bufev, timeout_read ? &tr : nullptr, timeout_write ? &tw : nullptr);
}

int bufferevent_flush(struct bufferevent* bufev, short iotype, enum bufferevent_flush_mode mode) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  if (bufev->be_ops->flush == nullptr) return -1;
  return bufev->be_ops->flush(bufev, iotype, mode);
}

void bufferevent_free(struct bufferevent* bufev) {
  BEV_CHECK_VOID(bufev);
  ev::bev_lock(bufev);
  // No callback may run for a freed bufferevent, even if references keep
  // it alive a little longer.
  bufev->readcb = nullptr;
  bufev->writecb = nullptr;
  bufev->errorcb = nullptr;
  bufev->cbarg = nullptr;
  ev::bev_decref_and_unlock(bufev);
}

void bufferevent_incref(struct bufferevent* bufev) {
  BEV_CHECK_VOID(bufev);
  ev::bev_incref_and_lock(bufev);
  ev::bev_unlock(bufev);
}

int bufferevent_decref(struct bufferevent* bufev) {
  BEV_CHECK(bufev, -1);
  ev::bev_lock(bufev);
  return ev::bev_decref_and_unlock(bufev) ? 1 : 0;
}

void bufferevent_lock(struct bufferevent* bufev) {
  BEV_CHECK_VOID(bufev);
  ev::bev_lock(bufev);
}

void bufferevent_unlock(struct bufferevent* bufev) {
  BEV_CHECK_VOID(bufev);
  ev::bev_unlock(bufev);
}

struct event_base* bufferevent_get_base(struct bufferevent* bufev) {
  BEV_CHECK(bufev, nullptr);
  return bufev->ev_base;
}

int bufferevent_priority_set(struct bufferevent* bufev, int pri) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  if (event_priority_set(&bufev->ev_read, pri) == -1) return -1;
  if (event_priority_set(&bufev->ev_write, pri) == -1) return -1;
  // The deferred callback follows, unless it is queued right now (its
  // queue position depends on the priority); it then moves next time.
  // (Not allocated yet: it will take the events' priority.)
  if (ev::BevExtra* x = core_of(bufev)->extra; x != nullptr) {
    event_callback& d = x->deferred;
    if (!(d.evcb_flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER)))
      d.evcb_pri = static_cast<ev_uint8_t>(pri);
  }
  return 0;
}

int bufferevent_get_priority(const struct bufferevent* bufev) {
  BEV_CHECK(bufev, -1);
  return event_get_priority(&bufev->ev_read);
}

evutil_socket_t bufferevent_getfd(struct bufferevent* bufev) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  return bufev->be_ops->get_fd != nullptr ? bufev->be_ops->get_fd(bufev) : -1;
}

int bufferevent_setfd(struct bufferevent* bufev, evutil_socket_t fd) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  return bufev->be_ops->set_fd != nullptr ? bufev->be_ops->set_fd(bufev, fd) : -1;
}

struct bufferevent* bufferevent_get_underlying(struct bufferevent* bufev) {
  BEV_CHECK(bufev, nullptr);
  BevHold hold(bufev);
  return bufev->be_ops->get_underlying != nullptr ? bufev->be_ops->get_underlying(bufev) : nullptr;
}

void bufferevent_trigger(struct bufferevent* bufev, short iotype, int options) {
  BEV_CHECK_VOID(bufev);
  BevHold hold(bufev);
  ev::bev_trigger_locked(bufev, iotype, options);
}

void bufferevent_trigger_event(struct bufferevent* bufev, short what, int options) {
  BEV_CHECK_VOID(bufev);
  BevHold hold(bufev);
  ev::bev_run_eventcb(bufev, what, options);
}

int bufferevent_set_max_single_read(struct bufferevent* bev, size_t size) {
  BEV_CHECK(bev, -1);
  return set_max_single(bev, &ev::BevExtra::max_single_read, size);
}

int bufferevent_set_max_single_write(struct bufferevent* bev, size_t size) {
  BEV_CHECK(bev, -1);
  return set_max_single(bev, &ev::BevExtra::max_single_write, size);
}

ev_ssize_t bufferevent_get_max_single_read(struct bufferevent* bev) {
  BEV_CHECK(bev, -1);
  return get_max_single(bev, &ev::BevExtra::max_single_read);
}

ev_ssize_t bufferevent_get_max_single_write(struct bufferevent* bev) {
  BEV_CHECK(bev, -1);
  return get_max_single(bev, &ev::BevExtra::max_single_write);
}

ev_ssize_t bufferevent_get_max_to_read(struct bufferevent* bev) {
  BEV_CHECK(bev, -1);
  ev::bev_lock(bev);
  ev_ssize_t r = ev::bev_read_allowance(core_of(bev));
  ev::bev_unlock(bev);
  return r;
}

ev_ssize_t bufferevent_get_max_to_write(struct bufferevent* bev) {
  BEV_CHECK(bev, -1);
  ev::bev_lock(bev);
  ev_ssize_t r = ev::bev_write_allowance(core_of(bev));
  ev::bev_unlock(bev);
  return r;
}

}  // extern "C"
