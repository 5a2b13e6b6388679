/** @file
 * Deprecated evdns interfaces from libevent 1.4.
 *
 * These operate on one process-wide resolver bound to the global "current"
 * event base.  New code should create an evdns_base with evdns_base_new()
 * and use the evdns_base_* functions of <event2/dns.h>, which this header
 * expects to be included first. */
#ifndef EVENT2_DNS_COMPAT_H_INCLUDED_
#define EVENT2_DNS_COMPAT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>
#include <event2/visibility.h>

/** Create the global resolver from the system configuration.  Returns 0 on
 * success. */
EVENT2_EXPORT_SYMBOL
int evdns_init(void);

struct evdns_base;

/** The global resolver, or NULL before evdns_init(). */
EVENT2_EXPORT_SYMBOL
struct evdns_base *evdns_get_global_base(void);

/** Free the global resolver; see evdns_base_free. */
EVENT2_EXPORT_SYMBOL
void evdns_shutdown(int fail_requests);

/** Global-resolver versions of the evdns_base_* functions. */
EVENT2_EXPORT_SYMBOL
int evdns_nameserver_add(unsigned long int address);

/** Number of nameservers of the global resolver: evdns_base_count_nameservers(). */
EVENT2_EXPORT_SYMBOL
int evdns_count_nameservers(void);

/** Forget the global resolver's nameservers and hold new requests:
 * evdns_base_clear_nameservers_and_suspend(). */
EVENT2_EXPORT_SYMBOL
int evdns_clear_nameservers_and_suspend(void);

/** Send the requests held since the last suspend: evdns_base_resume(). */
EVENT2_EXPORT_SYMBOL
int evdns_resume(void);

/** Add a nameserver given as text ("1.2.3.4", "[::1]:53"): evdns_base_nameserver_ip_add(). */
EVENT2_EXPORT_SYMBOL
int evdns_nameserver_ip_add(const char *ip_as_string);

/** These return 0 when the request was started, -1 otherwise. */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_ipv4(const char *name, int flags, evdns_callback_type callback, void *ptr);

/** Look up the IPv6 addresses of name: evdns_base_resolve_ipv6(); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_ipv6(const char *name, int flags, evdns_callback_type callback, void *ptr);

struct in_addr;
struct in6_addr;

/** Look up the name of an IPv4 address: evdns_base_resolve_reverse(); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_reverse(const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr);

/** Look up the name of an IPv6 address: evdns_base_resolve_reverse_ipv6(); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_reverse_ipv6(const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr);

/** As evdns_base_set_option; 'flags' is ignored. */
EVENT2_EXPORT_SYMBOL
int evdns_set_option(const char *option, const char *val, int flags);

/** Configure the global resolver from a resolv.conf file: evdns_base_resolv_conf_parse(). */
EVENT2_EXPORT_SYMBOL
int evdns_resolv_conf_parse(int flags, const char *const filename);

/** Empty the global resolver's search list: evdns_base_search_clear(). */
EVENT2_EXPORT_SYMBOL
void evdns_search_clear(void);

/** Append a domain to the global resolver's search list: evdns_base_search_add(). */
EVENT2_EXPORT_SYMBOL
void evdns_search_add(const char *domain);

/** Set the global resolver's ndots: evdns_base_search_ndots_set(). */
EVENT2_EXPORT_SYMBOL
void evdns_search_ndots_set(const int ndots);

/** As evdns_add_server_port_with_base on the global event base. */
EVENT2_EXPORT_SYMBOL
struct evdns_server_port *
evdns_add_server_port(evutil_socket_t socket, int flags,
	evdns_request_callback_fn_type callback, void *user_data);

#ifdef _WIN32
/** @{ */
/** Windows only: load nameservers from the registry. */
EVENT2_EXPORT_SYMBOL
int evdns_config_windows_nameservers(void);
#define EVDNS_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
/** @} */
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_COMPAT_H_INCLUDED_ */
