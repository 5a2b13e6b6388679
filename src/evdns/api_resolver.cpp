// The resolver entry points of event2/dns.h: check arguments, lock, and
// make one call into the resolver.
#include <event2/dns.h>
#include <event2/util.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>

#include <event2/thread.h>

#include "core/locking.hpp"
#include "core/log.hpp"
#include "evdns/resolver.hpp"

namespace dns = ev::dns;

namespace {

#define DNS_CHECK(p, ret)                                    \
  do {                                                       \
    if ((p) == nullptr) {                                    \
      evpriv_warnx("%s: %s must not be NULL", __func__, #p); \
      return ret;                                            \
    }                                                        \
  } while (0)

evdns_request* start(evdns_base* base, uint16_t qtype, char type, const char* name, int flags,
                     evdns_callback_type cb, void* arg) {
  ev::LockGuard g(base->lock);
  evdns_request* r = dns::request_new(base, qtype, type, name, flags, cb, arg);
  if (r == nullptr) return nullptr;
  dns::request_submit(r);
  return r;
}

void reverse_v4_name(const in_addr* in, char* buf, std::size_t len) {
  uint32_t a = ntohl(in->s_addr);
  std::snprintf(buf, len, "%d.%d.%d.%d.in-addr.arpa", static_cast<int>(a & 0xff),
                static_cast<int>((a >> 8) & 0xff), static_cast<int>((a >> 16) & 0xff),
                static_cast<int>((a >> 24) & 0xff));
}

void reverse_v6_name(const in6_addr* in, char* buf) {
  static const char hex[] = "0123456789abcdef";
  char* cp = buf;
  for (int i = 15; i >= 0; --i) {
    uint8_t byte = in->s6_addr[i];
    *cp++ = hex[byte & 0x0f];
    *cp++ = '.';
    *cp++ = hex[byte >> 4];
    *cp++ = '.';
  }
  std::memcpy(cp, "ip6.arpa", 9);
}

}  // namespace

extern "C" {

struct evdns_base* evdns_base_new(struct event_base* event_base, int flags) {
  return dns::base_new(event_base, flags);
}

void evdns_base_free(struct evdns_base* base, int fail_requests) {
  DNS_CHECK(base, );
  evpriv_lock_acquire(base->lock, 0);
  void* lock = base->lock;
  base->lock = nullptr;
  dns::base_free(base, fail_requests != 0);
  evpriv_lock_release(lock, 0);
  evpriv_lock_free(lock, EVTHREAD_LOCKTYPE_RECURSIVE);
}

void evdns_base_clear_host_addresses(struct evdns_base* base) {
  DNS_CHECK(base, );
  ev::LockGuard g(base->lock);
  dns::hosts_clear(base);
}

const char* evdns_err_to_string(int err) {
  switch (err) {
    case DNS_ERR_NONE:
      return "no error";
    case DNS_ERR_FORMAT:
      return "misformatted query";
    case DNS_ERR_SERVERFAILED:
      return "server failed";
    case DNS_ERR_NOTEXIST:
      return "name does not exist";
    case DNS_ERR_NOTIMPL:
      return "query not implemented";
    case DNS_ERR_REFUSED:
      return "refused";
    case DNS_ERR_TRUNCATED:
      return "reply truncated or ill-formed";
    case DNS_ERR_UNKNOWN:
      return "unknown";
    case DNS_ERR_TIMEOUT:
      return "request timed out";
    case DNS_ERR_SHUTDOWN:
      return "dns subsystem shut down";
    case DNS_ERR_CANCEL:
      return "dns request canceled";
    case DNS_ERR_NODATA:
      return "no records in the reply";
    default:
      return "[Unknown error code]";
  }
}

int evdns_base_nameserver_add(struct evdns_base* base, unsigned long int address) {
  DNS_CHECK(base, -1);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = static_cast<in_addr_t>(address);
  sin.sin_port = htons(53);
  ev::LockGuard g(base->lock);
  return dns::nameserver_add(base, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
}

int evdns_base_count_nameservers(struct evdns_base* base) {
  DNS_CHECK(base, -1);
  ev::LockGuard g(base->lock);
  return static_cast<int>(base->servers.size());
}

int evdns_base_clear_nameservers_and_suspend(struct evdns_base* base) {
  DNS_CHECK(base, -1);
  ev::LockGuard g(base->lock);
  return dns::clear_nameservers_and_suspend(base);
}

int evdns_base_resume(struct evdns_base* base) {
  DNS_CHECK(base, -1);
  ev::LockGuard g(base->lock);
  return dns::resume(base);
}

int evdns_base_nameserver_ip_add(struct evdns_base* base, const char* ip_as_string) {
  DNS_CHECK(base, -1);
  DNS_CHECK(ip_as_string, -1);
  sockaddr_storage ss{};
  int len = sizeof(ss);
  if (evutil_parse_sockaddr_port(ip_as_string, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    dns::dns_log(EVENT_LOG_WARN, "Unable to parse nameserver address %s", ip_as_string);
    return 4;
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
  if (sin->sin_port == 0) sin->sin_port = htons(53);  // same offset in sockaddr_in6
  ev::LockGuard g(base->lock);
  return dns::nameserver_add(base, reinterpret_cast<sockaddr*>(&ss), static_cast<socklen_t>(len));
}

int evdns_base_nameserver_sockaddr_add(struct evdns_base* base, const struct sockaddr* sa,
                                       ev_socklen_t len, unsigned flags) {
  (void)flags;
  DNS_CHECK(base, -1);
  DNS_CHECK(sa, -1);
  if (len < sizeof(sa_family_t)) return -1;
  ev::LockGuard g(base->lock);
  return dns::nameserver_add(base, sa, len);
}

struct evdns_request* evdns_base_resolve_ipv4(struct evdns_base* base, const char* name, int flags,
                                              evdns_callback_type callback, void* ptr) {
  DNS_CHECK(base, nullptr);
  DNS_CHECK(name, nullptr);
  DNS_CHECK(callback, nullptr);
  dns::dns_log(EVENT_LOG_DEBUG, "Resolve requested for %s", name);
  return start(base, dns::kTypeA, DNS_IPv4_A, name, flags, callback, ptr);
}

struct evdns_request* evdns_base_resolve_ipv6(struct evdns_base* base, const char* name, int flags,
                                              evdns_callback_type callback, void* ptr) {
  DNS_CHECK(base, nullptr);
  DNS_CHECK(name, nullptr);
  DNS_CHECK(callback, nullptr);
  dns::dns_log(EVENT_LOG_DEBUG, "Resolve requested for %s", name);
  return start(base, dns::kTypeAAAA, DNS_IPv6_AAAA, name, flags, callback, ptr);
}

struct evdns_request* evdns_base_resolve_reverse(struct evdns_base* base, const struct in_addr* in,
                                                 int flags, evdns_callback_type callback,
                                                 void* ptr) {
  DNS_CHECK(base, nullptr);
  DNS_CHECK(in, nullptr);
  DNS_CHECK(callback, nullptr);
  char buf[32];
  reverse_v4_name(in, buf, sizeof(buf));
  dns::dns_log(EVENT_LOG_DEBUG, "Resolve requested for %s (reverse)", buf);
  return start(base, dns::kTypePTR, DNS_PTR, buf, flags | DNS_QUERY_NO_SEARCH, callback, ptr);
}

struct evdns_request* evdns_base_resolve_reverse_ipv6(struct evdns_base* base,
                                                      const struct in6_addr* in, int flags,
                                                      evdns_callback_type callback, void* ptr) {
  DNS_CHECK(base, nullptr);
  DNS_CHECK(in, nullptr);
  DNS_CHECK(callback, nullptr);
  char buf[80];
  reverse_v6_name(in, buf);
  dns::dns_log(EVENT_LOG_DEBUG, "Resolve requested for %s (reverse)", buf);
  return start(base, dns::kTypePTR, DNS_PTR, buf, flags | DNS_QUERY_NO_SEARCH, callback, ptr);
}

void evdns_cancel_request(struct evdns_base* base, struct evdns_request* req) {
  DNS_CHECK(req, );
  if (base == nullptr) base = req->base;
  ev::LockGuard g(base->lock);
  dns::request_cancel(req);
}

int evdns_base_set_option(struct evdns_base* base, const char* option, const char* val) {
  DNS_CHECK(base, -1);
  DNS_CHECK(option, -1);
  DNS_CHECK(val, -1);
  ev::LockGuard g(base->lock);
  return dns::set_option(base, option, val, DNS_OPTIONS_ALL);
}

int evdns_base_resolv_conf_parse(struct evdns_base* base, int flags, const char* const filename) {
  DNS_CHECK(base, -1);
  ev::LockGuard g(base->lock);
  return dns::resolv_conf_apply(base, flags, filename);
}

int evdns_base_load_hosts(struct evdns_base* base, const char* hosts_fname) {
  DNS_CHECK(base, -1);
  ev::LockGuard g(base->lock);
  return dns::load_hosts(base, hosts_fname);
}

void evdns_base_search_clear(struct evdns_base* base) {
  DNS_CHECK(base, );
  ev::LockGuard g(base->lock);
  dns::search_clear(base);
}

void evdns_base_search_add(struct evdns_base* base, const char* domain) {
  DNS_CHECK(base, );
  DNS_CHECK(domain, );
  ev::LockGuard g(base->lock);
  dns::search_add(base, domain);
}

void evdns_base_search_ndots_set(struct evdns_base* base, const int ndots) {
  DNS_CHECK(base, );
  ev::LockGuard g(base->lock);
  base->ndots = ndots;
}

void evdns_set_transaction_id_fn(ev_uint16_t (*fn)(void)) { (void)fn; }

void evdns_set_random_bytes_fn(void (*fn)(char*, size_t)) { (void)fn; }

int evdns_base_get_nameserver_addr(struct evdns_base* base, int idx, struct sockaddr* sa,
                                   ev_socklen_t len) {
  DNS_CHECK(base, -1);
  ev::LockGuard g(base->lock);
  if (idx < 0) idx = 0;  // as libevent's ring walk does
  if (static_cast<std::size_t>(idx) >= base->servers.size()) return -1;
  std::size_t n = base->servers.size();
  dns::Nameserver* ns = base->servers[(static_cast<std::size_t>(base->next_server) + idx) % n];
  if (sa != nullptr && ns->addrlen <= len) std::memcpy(sa, &ns->addr, ns->addrlen);
  return static_cast<int>(ns->addrlen);
}

}  // extern "C"
