// Exported wrappers of the bufferevent core for our other libraries
// (bev_shared.hpp).
#include "bufferevent/bev_shared.hpp"

using ev::BevCore;

extern "C" {

int evpriv_bev_init_common(BevCore* c, event_base* base, const bufferevent_ops* ops, int options,
                           void* shared_lock) {
  return ev::bev_init_common(c, base, ops, options, shared_lock) ? 1 : 0;
}
void evpriv_bev_abort_init(BevCore* c) { ev::bev_abort_init(c); }
void evpriv_bev_lock(bufferevent* bev) { ev::bev_lock(bev); }
void evpriv_bev_unlock(bufferevent* bev) { ev::bev_unlock(bev); }
void evpriv_bev_incref_locked(bufferevent* bev) { ev::bev_incref_locked(bev); }
int evpriv_bev_decref_and_unlock(bufferevent* bev) { return ev::bev_decref_and_unlock(bev); }
int evpriv_bev_enable_locked(bufferevent* bev, short what) {
  return ev::bev_enable_locked(bev, what);
}
int evpriv_bev_disable_locked(bufferevent* bev, short what) {
  return ev::bev_disable_locked(bev, what);
}
void evpriv_bev_suspend_read(bufferevent* bev, unsigned char why) {
  ev::bev_suspend_read(bev, why);
}
void evpriv_bev_unsuspend_read(bufferevent* bev, unsigned char why) {
  ev::bev_unsuspend_read(bev, why);
}
void evpriv_bev_run_readcb(bufferevent* bev, int options) { ev::bev_run_readcb(bev, options); }
void evpriv_bev_run_writecb(bufferevent* bev, int options) { ev::bev_run_writecb(bev, options); }
void evpriv_bev_run_eventcb(bufferevent* bev, short what, int options) {
  ev::bev_run_eventcb(bev, what, options);
}
void evpriv_bev_trigger_locked(bufferevent* bev, short iotype, int options) {
  ev::bev_trigger_locked(bev, iotype, options);
}
void evpriv_bev_handler_leave(BevCore* c) { ev::bev_handler_leave(c); }
int evpriv_bev_handler_begin(bufferevent* bev) { return ev::bev_handler_begin(bev) ? 1 : 0; }
void evpriv_bev_handler_end(bufferevent* bev) { ev::bev_handler_end(bev); }
void evpriv_bev_request_write(BevCore* c) { ev::bev_request_write(c); }
void evpriv_bev_init_generic_timers(bufferevent* bev) { ev::bev_init_generic_timers(bev); }
int evpriv_bev_generic_adj_timeouts(bufferevent* bev) { return ev::bev_generic_adj_timeouts(bev); }
void evpriv_bev_generic_reset_read_timer(bufferevent* bev) {
  ev::bev_generic_reset_read_timer(bev);
}
void evpriv_bev_generic_reset_write_timer(bufferevent* bev) {
  ev::bev_generic_reset_write_timer(bev);
}
void evpriv_bev_generic_del_timers(bufferevent* bev, short what) {
  ev::bev_generic_del_timers(bev, what);
}
ev_ssize_t evpriv_bev_read_allowance(BevCore* c) { return ev::bev_read_allowance(c); }
ev_ssize_t evpriv_bev_write_allowance(BevCore* c) { return ev::bev_write_allowance(c); }
void evpriv_bev_charge_read(BevCore* c, ev_ssize_t n) { ev::bev_charge_read(c, n); }
void evpriv_bev_charge_write(BevCore* c, ev_ssize_t n) { ev::bev_charge_write(c, n); }

}  // extern "C"
