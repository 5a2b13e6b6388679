// Timeouts of the bufferevent types without a file descriptor (pair,
// filter): ev_read and ev_write serve as plain timers, armed while their
// direction is enabled and not suspended (the write timer, as libevent's,
// only with output queued when timeouts are set), and restarted on progress.
#include "bufferevent/bev_core.hpp"

namespace ev {
namespace {

bool timeout_set(const timeval& tv) { return tv.tv_sec != 0 || tv.tv_usec != 0; }

void on_timeout(bufferevent* bev, short direction, short what) {
  BevCore* c = core_of(bev);
  bev_lock(bev);
  if (c->dying) {
    bev_unlock(bev);
    return;
  }
  bev_incref_locked(bev);
  bev_handler_enter(c);
  bev_disable_locked(bev, direction);
  bev_run_eventcb(bev, what, 0);
  bev_handler_leave(c);
  bev_decref_and_unlock(bev);
}

void read_timeout_cb(evutil_socket_t, short, void* arg) {
  on_timeout(static_cast<bufferevent*>(arg), EV_READ, BEV_EVENT_TIMEOUT | BEV_EVENT_READING);
}

void write_timeout_cb(evutil_socket_t, short, void* arg) {
  on_timeout(static_cast<bufferevent*>(arg), EV_WRITE, BEV_EVENT_TIMEOUT | BEV_EVENT_WRITING);
}

}  // namespace

void bev_init_generic_timers(bufferevent* bev) {
  event_assign(&bev->ev_read, bev->ev_base, -1, 0, read_timeout_cb, bev);
  event_assign(&bev->ev_write, bev->ev_base, -1, 0, write_timeout_cb, bev);
}

int bev_generic_adj_timeouts(bufferevent* bev) {
  BevCore* c = core_of(bev);
  int r = 0;
  if ((bev->enabled & EV_READ) && c->read_suspended == 0 && timeout_set(bev->timeout_read)) {
    if (event_add(&bev->ev_read, &bev->timeout_read) < 0) r = -1;
  } else {
    event_del(&bev->ev_read);
  }
  if ((bev->enabled & EV_WRITE) && c->write_suspended == 0 && timeout_set(bev->timeout_write) &&
      evbuffer_get_length(bev->output) != 0) {
    if (event_add(&bev->ev_write, &bev->timeout_write) < 0) r = -1;
  } else {
    event_del(&bev->ev_write);
  }
  return r;
}

// A zero timeout means none (see bev_generic_adj_timeouts): nothing to
// re-arm, and no need to ask the base.
void bev_generic_reset_read_timer(bufferevent* bev) {
  if (timeout_set(bev->timeout_read) && event_pending(&bev->ev_read, EV_TIMEOUT, nullptr))
    event_add(&bev->ev_read, &bev->timeout_read);
}

void bev_generic_reset_write_timer(bufferevent* bev) {
  if (timeout_set(bev->timeout_write) && event_pending(&bev->ev_write, EV_TIMEOUT, nullptr))
    event_add(&bev->ev_write, &bev->timeout_write);
}

void bev_generic_arm_read_timer(bufferevent* bev) {
  if (timeout_set(bev->timeout_read)) event_add(&bev->ev_read, &bev->timeout_read);
}

void bev_generic_arm_write_timer(bufferevent* bev) {
  if (timeout_set(bev->timeout_write)) event_add(&bev->ev_write, &bev->timeout_write);
}

void bev_generic_del_timers(bufferevent* bev, short what) {
  if (what & EV_READ) event_del(&bev->ev_read);
  if (what & EV_WRITE) event_del(&bev->ev_write);
}

}  // namespace ev
