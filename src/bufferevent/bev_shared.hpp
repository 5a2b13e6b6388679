// The bufferevent core as other libraries of ours see it.  The OpenSSL
// bufferevents live in libevent_openssl, which links against
// libevent_core and can reach its internals only through exported C
// functions with the private prefix: these wrap the ev::bev_* functions
// of bev_core.hpp one for one (see there for what each does).  The layout
// types (BevCore, BevExtra, bufferevent_ops) and the inline helpers of
// bev_core.hpp may be used directly.
#pragma once

#include "bufferevent/bev_core.hpp"
#include "core/export.hpp"

extern "C" {
EVPRIV_API int evpriv_bev_init_common(ev::BevCore* c, struct event_base* base,
                                      const struct bufferevent_ops* ops, int options,
                                      void* shared_lock);
EVPRIV_API void evpriv_bev_abort_init(ev::BevCore* c);
EVPRIV_API void evpriv_bev_lock(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_unlock(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_incref_locked(struct bufferevent* bev);
EVPRIV_API int evpriv_bev_decref_and_unlock(struct bufferevent* bev);
EVPRIV_API int evpriv_bev_enable_locked(struct bufferevent* bev, short what);
EVPRIV_API int evpriv_bev_disable_locked(struct bufferevent* bev, short what);
EVPRIV_API void evpriv_bev_suspend_read(struct bufferevent* bev, unsigned char why);
EVPRIV_API void evpriv_bev_unsuspend_read(struct bufferevent* bev, unsigned char why);
EVPRIV_API void evpriv_bev_run_readcb(struct bufferevent* bev, int options);
EVPRIV_API void evpriv_bev_run_writecb(struct bufferevent* bev, int options);
EVPRIV_API void evpriv_bev_run_eventcb(struct bufferevent* bev, short what, int options);
EVPRIV_API void evpriv_bev_trigger_locked(struct bufferevent* bev, short iotype, int options);
EVPRIV_API void evpriv_bev_handler_leave(ev::BevCore* c);
EVPRIV_API int evpriv_bev_handler_begin(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_handler_end(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_request_write(ev::BevCore* c);
EVPRIV_API void evpriv_bev_init_generic_timers(struct bufferevent* bev);
EVPRIV_API int evpriv_bev_generic_adj_timeouts(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_generic_reset_read_timer(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_generic_reset_write_timer(struct bufferevent* bev);
EVPRIV_API void evpriv_bev_generic_del_timers(struct bufferevent* bev, short what);
EVPRIV_API ev_ssize_t evpriv_bev_read_allowance(ev::BevCore* c);
EVPRIV_API ev_ssize_t evpriv_bev_write_allowance(ev::BevCore* c);
EVPRIV_API void evpriv_bev_charge_read(ev::BevCore* c, ev_ssize_t n);
EVPRIV_API void evpriv_bev_charge_write(ev::BevCore* c, ev_ssize_t n);
}
