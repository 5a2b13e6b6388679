// The hook through which libevent_extra's evdns gives libevent_core an
// asynchronous getaddrinfo: core cannot link evdns, so evdns_base_new()
// installs its evdns_getaddrinfo/evdns_getaddrinfo_cancel here, and
// bufferevent_socket_connect_hostname() resolves through them whenever it is
// given an evdns_base.  Until then (no evdns_base was ever created) names are
// resolved with the blocking evutil_getaddrinfo.
#pragma once

#include <event2/util.h>

#include "core/export.hpp"

struct evdns_base;
struct evdns_getaddrinfo_request;

extern "C" {
typedef struct evdns_getaddrinfo_request* (*evpriv_dns_gai_fn)(
    struct evdns_base* base, const char* node, const char* service,
    const struct evutil_addrinfo* hints, void (*cb)(int, struct evutil_addrinfo*, void*),
    void* arg);
typedef void (*evpriv_dns_gai_cancel_fn)(struct evdns_getaddrinfo_request* req);

// Installs the functions (the first installation wins, as in libevent).
EVPRIV_API void evpriv_set_dns_getaddrinfo(evpriv_dns_gai_fn fn, evpriv_dns_gai_cancel_fn cancel);
// The installed function, or NULL.
EVPRIV_API evpriv_dns_gai_fn evpriv_get_dns_getaddrinfo(void);
EVPRIV_API evpriv_dns_gai_cancel_fn evpriv_get_dns_getaddrinfo_cancel(void);
}
