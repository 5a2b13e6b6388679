/** @file
 * Deprecated evdns interfaces from libevent 1.4.
 *
 * These operate on one process-wide resolver on the global "current" event
 * base (the one made by event_init()).  evdns_init() creates it from the
 * system configuration; any other function creates it, empty, if it does
 * not exist yet.  New code should create an evdns_base with
 * evdns_base_new() and use the evdns_base_* functions of <event2/dns.h>,
 * which this header expects to be included first.
 *
 * <b>Thread safety.</b>  The global resolver itself is created and freed
 * without locking: call evdns_init() and evdns_shutdown() from one thread
 * while no other uses the resolver.  The other functions lock like their
 * evdns_base_* versions.
 *
 * <b>Callbacks.</b>  As for <event2/dns.h>: the callbacks run from the
 * current base's event loop and may call these functions, except
 * evdns_init() and evdns_shutdown(). */
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

/**
 * @brief Create the global resolver from the system configuration.
 *
 * Same as evdns_base_new(NULL, EVDNS_BASE_INITIALIZE_NAMESERVERS); the
 * result becomes the global resolver (a previous one is not freed).
 *
 * @return 0 on success; -1 if evdns_base_new() failed.
 */
EVENT2_EXPORT_SYMBOL
int evdns_init(void);

struct evdns_base;

/**
 * @brief Get the global resolver.
 *
 * @return the global resolver, owned by the library (free it only with
 *         evdns_shutdown()); NULL if none was created yet.
 */
EVENT2_EXPORT_SYMBOL
struct evdns_base *evdns_get_global_base(void);

/**
 * @brief Free the global resolver.
 *
 * Same as evdns_base_free() on the global resolver; nothing happens if
 * there is none.
 *
 * @param fail_requests nonzero to call pending requests' callbacks with
 *        DNS_ERR_SHUTDOWN, zero to drop them silently.
 */
EVENT2_EXPORT_SYMBOL
void evdns_shutdown(int fail_requests);

/**
 * @brief evdns_base_nameserver_add() on the global resolver.
 *
 * @param address an IPv4 address in network byte order.
 * @return as evdns_base_nameserver_add().
 */
EVENT2_EXPORT_SYMBOL
int evdns_nameserver_add(unsigned long int address);

/**
 * @brief evdns_base_count_nameservers() on the global resolver.
 *
 * @return the number of nameservers; -1 if the resolver cannot be created.
 */
EVENT2_EXPORT_SYMBOL
int evdns_count_nameservers(void);

/**
 * @brief evdns_base_clear_nameservers_and_suspend() on the global resolver.
 *
 * @return 0 on success; -1 if the resolver cannot be created.
 */
EVENT2_EXPORT_SYMBOL
int evdns_clear_nameservers_and_suspend(void);

/**
 * @brief evdns_base_resume() on the global resolver.
 *
 * @return 0 on success; -1 if the resolver cannot be created.
 */
EVENT2_EXPORT_SYMBOL
int evdns_resume(void);

/**
 * @brief evdns_base_nameserver_ip_add() on the global resolver.
 *
 * @param ip_as_string the address with optional port, e.g. "[::1]:53".
 * @return as evdns_base_nameserver_ip_add().
 */
EVENT2_EXPORT_SYMBOL
int evdns_nameserver_ip_add(const char *ip_as_string);

/**
 * @brief evdns_base_resolve_ipv4() on the global resolver.
 *
 * @param name the host name; copied.
 * @param flags 0 or DNS_QUERY_NO_SEARCH.
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return 0 when the request was started (no handle is returned, so it
 *         cannot be cancelled); -1 otherwise.
 */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_ipv4(const char *name, int flags, evdns_callback_type callback, void *ptr);

/**
 * @brief evdns_base_resolve_ipv6() on the global resolver.
 *
 * @param name the host name; copied.
 * @param flags 0 or DNS_QUERY_NO_SEARCH.
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return 0 when the request was started; -1 otherwise.
 */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_ipv6(const char *name, int flags, evdns_callback_type callback, void *ptr);

struct in_addr;
struct in6_addr;

/**
 * @brief evdns_base_resolve_reverse() on the global resolver.
 *
 * @param in the IPv4 address.
 * @param flags 0 or DNS_QUERY_NO_SEARCH.
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return 0 when the request was started; -1 otherwise.
 */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_reverse(const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr);

/**
 * @brief evdns_base_resolve_reverse_ipv6() on the global resolver.
 *
 * @param in the IPv6 address.
 * @param flags 0 or DNS_QUERY_NO_SEARCH.
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return 0 when the request was started; -1 otherwise.
 */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_reverse_ipv6(const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr);

/**
 * @brief evdns_base_set_option() on the global resolver.
 *
 * @param option the option name, e.g. "timeout:".
 * @param val the value as text.
 * @param flags ignored.
 * @return as evdns_base_set_option().
 */
EVENT2_EXPORT_SYMBOL
int evdns_set_option(const char *option, const char *val, int flags);

/**
 * @brief evdns_base_resolv_conf_parse() on the global resolver.
 *
 * @param flags a mask of DNS_OPTION_* flags.
 * @param filename the resolv.conf-format file.
 * @return as evdns_base_resolv_conf_parse().
 */
EVENT2_EXPORT_SYMBOL
int evdns_resolv_conf_parse(int flags, const char *const filename);

/**
 * @brief evdns_base_search_clear() on the global resolver.
 */
EVENT2_EXPORT_SYMBOL
void evdns_search_clear(void);

/**
 * @brief evdns_base_search_add() on the global resolver.
 *
 * @param domain the domain; copied.
 */
EVENT2_EXPORT_SYMBOL
void evdns_search_add(const char *domain);

/**
 * @brief evdns_base_search_ndots_set() on the global resolver.
 *
 * @param ndots the number of dots.
 */
EVENT2_EXPORT_SYMBOL
void evdns_search_ndots_set(const int ndots);

/**
 * @brief evdns_add_server_port_with_base() on the current event base.
 *
 * @param socket a bound UDP or listening TCP socket; the port takes
 *        ownership.
 * @param flags must be 0.
 * @param callback called for each query; must not be NULL.
 * @param user_data passed to @p callback.
 * @return the port; NULL on the errors of
 *         evdns_add_server_port_with_base().
 */
EVENT2_EXPORT_SYMBOL
struct evdns_server_port *
evdns_add_server_port(evutil_socket_t socket, int flags,
	evdns_request_callback_fn_type callback, void *user_data);

#ifdef _WIN32
/** @{ */
/** Windows only: evdns_base_config_windows_nameservers() on the global
 * resolver. */
EVENT2_EXPORT_SYMBOL
int evdns_config_windows_nameservers(void);
/** Defined when evdns_config_windows_nameservers() exists. */
#define EVDNS_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
/** @} */
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_COMPAT_H_INCLUDED_ */
