// dns_compat.h: libevent 1.4's functions on one global resolver.
#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/event.h>
#include <event2/event_compat.h>

namespace {

evdns_base* g_current = nullptr;

// The global resolver, created empty on first use as libevent does.
evdns_base* current() {
  if (g_current == nullptr) g_current = evdns_base_new(nullptr, 0);
  return g_current;
}

}  // namespace

extern "C" {

int evdns_init(void) {
  evdns_base* base = evdns_base_new(nullptr, EVDNS_BASE_INITIALIZE_NAMESERVERS);
  if (base == nullptr) return -1;
  g_current = base;
  return 0;
}

struct evdns_base* evdns_get_global_base(void) {
  return g_current;
}

void evdns_shutdown(int fail_requests) {
  if (g_current != nullptr) {
    evdns_base_free(g_current, fail_requests);
    g_current = nullptr;
  }
}

int evdns_nameserver_add(unsigned long int address) {
  return evdns_base_nameserver_add(current(), address);
}

int evdns_count_nameservers(void) { return evdns_base_count_nameservers(current()); }

int evdns_clear_nameservers_and_suspend(void) {
  return evdns_base_clear_nameservers_and_suspend(current());
}

int evdns_resume(void) { return evdns_base_resume(current()); }

int evdns_nameserver_ip_add(const char* ip_as_string) {
  return evdns_base_nameserver_ip_add(current(), ip_as_string);
}

int evdns_resolve_ipv4(const char* name, int flags, evdns_callback_type callback, void* ptr) {
  return evdns_base_resolve_ipv4(current(), name, flags, callback, ptr) != nullptr ? 0 : -1;
}

int evdns_resolve_ipv6(const char* name, int flags, evdns_callback_type callback, void* ptr) {
  return evdns_base_resolve_ipv6(current(), name, flags, callback, ptr) != nullptr ? 0 : -1;
}

int evdns_resolve_reverse(const struct in_addr* in, int flags, evdns_callback_type callback,
                          void* ptr) {
  return evdns_base_resolve_reverse(current(), in, flags, callback, ptr) != nullptr ? 0 : -1;
}

int evdns_resolve_reverse_ipv6(const struct in6_addr* in, int flags, evdns_callback_type callback,
                               void* ptr) {
  return evdns_base_resolve_reverse_ipv6(current(), in, flags, callback, ptr) != nullptr ? 0 : -1;
}

int evdns_set_option(const char* option, const char* val, int flags) {
  (void)flags;
  return evdns_base_set_option(current(), option, val);
}

int evdns_resolv_conf_parse(int flags, const char* const filename) {
  return evdns_base_resolv_conf_parse(current(), flags, filename);
}

void evdns_search_clear(void) { evdns_base_search_clear(current()); }

void evdns_search_add(const char* domain) { evdns_base_search_add(current(), domain); }

void evdns_search_ndots_set(const int ndots) { evdns_base_search_ndots_set(current(), ndots); }

struct evdns_server_port* evdns_add_server_port(evutil_socket_t socket, int flags,
                                                evdns_request_callback_fn_type callback,
                                                void* user_data) {
  return evdns_add_server_port_with_base(nullptr, socket, flags, callback, user_data);
}

}  // extern "C"
