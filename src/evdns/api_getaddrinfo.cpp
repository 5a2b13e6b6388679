// evdns_getaddrinfo and its cancel, and their installation into core for
// bufferevent_socket_connect_hostname.
#include <event2/dns.h>

#include "core/locking.hpp"
#include "core/log.hpp"
#include "evdns/gai_hook.hpp"
#include "evdns/resolver.hpp"
#include "util/evdns_hook.hpp"

namespace ev::dns {
evdns_getaddrinfo_request* getaddrinfo_start(evdns_base* base, const char* node,
                                             const char* service, const evutil_addrinfo* hints,
                                             evdns_getaddrinfo_cb cb, void* arg);
void getaddrinfo_cancel(evdns_getaddrinfo_request* g);
}  // namespace ev::dns

extern "C" {

struct evdns_getaddrinfo_request* evdns_getaddrinfo(struct evdns_base* dns_base,
                                                    const char* nodename, const char* servname,
                                                    const struct evutil_addrinfo* hints_in,
                                                    evdns_getaddrinfo_cb cb, void* arg) {
  if (dns_base == nullptr || cb == nullptr) {
    evpriv_warnx("%s: NULL %s", __func__, dns_base == nullptr ? "dns_base" : "callback");
    return nullptr;
  }
  if (nodename == nullptr && servname == nullptr) {
    cb(EVUTIL_EAI_NONAME, nullptr, arg);
    return nullptr;
  }
  ev::LockGuard g(dns_base->lock);
  return ev::dns::getaddrinfo_start(dns_base, nodename, servname, hints_in, cb, arg);
}

void evdns_getaddrinfo_cancel(struct evdns_getaddrinfo_request* req) {
  if (req == nullptr) return;
  ev::dns::getaddrinfo_cancel(req);
}

}  // extern "C"

namespace ev::dns {

void install_gai_hook() { evpriv_set_dns_getaddrinfo(evdns_getaddrinfo, evdns_getaddrinfo_cancel); }

}  // namespace ev::dns
