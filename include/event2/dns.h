/** @file
 * Asynchronous DNS ("evdns").
 *
 * An evdns_base holds a set of nameservers, search domains and options (read
 * from resolv.conf or configured by hand) and resolves names without
 * blocking the event loop.  The same module can also act as a small DNS
 * server: evdns_add_server_port_with_base() hands incoming questions to a
 * callback, which answers them with the evdns_server_request_* functions.
 *
 * Results arrive through callbacks; a request may be cancelled until its
 * callback has run. */
#ifndef EVENT2_DNS_H_INCLUDED_
#define EVENT2_DNS_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/util.h>

/* Result codes passed to resolution callbacks. */
/** Success. */
#define DNS_ERR_NONE 0
/** The nameserver could not parse the query. */
#define DNS_ERR_FORMAT 1
/** The nameserver failed internally. */
#define DNS_ERR_SERVERFAILED 2
/** The name does not exist. */
#define DNS_ERR_NOTEXIST 3
/** The nameserver does not support this kind of query. */
#define DNS_ERR_NOTIMPL 4
/** The nameserver refused to answer. */
#define DNS_ERR_REFUSED 5
/** The reply was truncated or malformed. */
#define DNS_ERR_TRUNCATED 65
/** Some other error. */
#define DNS_ERR_UNKNOWN 66
/** No answer arrived in time. */
#define DNS_ERR_TIMEOUT 67
/** The evdns_base was freed while the request was pending. */
#define DNS_ERR_SHUTDOWN 68
/** The request was cancelled. */
#define DNS_ERR_CANCEL 69
/** The name exists but has no record of the requested type. */
#define DNS_ERR_NODATA 70

/** @{ */
/** The 'type' argument of an evdns_callback_type. */
#define DNS_IPv4_A 1
#define DNS_PTR 2
#define DNS_IPv6_AAAA 3
/** @} */

/** Resolve flag: look the name up as given, without the search list. */
#define DNS_QUERY_NO_SEARCH 1

/** @{ */
/** Which parts of resolv.conf evdns_base_resolv_conf_parse() applies. */
#define DNS_OPTION_SEARCH 1
#define DNS_OPTION_NAMESERVERS 2
#define DNS_OPTION_MISC 4
#define DNS_OPTION_HOSTSFILE 8
#define DNS_OPTIONS_ALL (						\
		DNS_OPTION_SEARCH |				\
		DNS_OPTION_NAMESERVERS |			\
		DNS_OPTION_MISC |				\
		DNS_OPTION_HOSTSFILE |				\
		0						\
	)
/** @} */
/** Do not fall back to 127.0.0.1 when resolv.conf names no nameserver. */
#define DNS_OPTION_NAMESERVERS_NO_DEFAULT 16

/** Older name of DNS_QUERY_NO_SEARCH. */
#define DNS_NO_SEARCH DNS_QUERY_NO_SEARCH

/** Called once per request.  'result' is a DNS_ERR_* code, 'type' a DNS_*
 * record type, 'count' the number of addresses (or 1 for a PTR name),
 * 'ttl' in seconds; 'addresses' points to in_addr, in6_addr or a char*
 * name and is only valid during the call. */
typedef void (*evdns_callback_type) (int result, char type, int count, int ttl, void *addresses, void *arg);

struct evdns_base;
struct event_base;

/* Flags for evdns_base_new. */
/** Configure nameservers from the system (resolv.conf). */
#define EVDNS_BASE_INITIALIZE_NAMESERVERS 1
/** Let the event loop exit while no request is in flight. */
#define EVDNS_BASE_DISABLE_WHEN_INACTIVE 0x8000
/** Do not add 127.0.0.1 when the system configuration has no nameserver. */
#define EVDNS_BASE_NAMESERVERS_NO_DEFAULT 0x10000

/** Create a resolver on 'event_base'; 'initialize_nameservers' is a mask of
 * EVDNS_BASE_* flags (1 for the system configuration).  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evdns_base * evdns_base_new(struct event_base *event_base, int initialize_nameservers);

/** Free the resolver.  Pending requests get DNS_ERR_SHUTDOWN callbacks when
 * 'fail_requests' is true and are dropped silently otherwise. */
EVENT2_EXPORT_SYMBOL
void evdns_base_free(struct evdns_base *base, int fail_requests);

/** Forget everything loaded from a hosts file. */
EVENT2_EXPORT_SYMBOL
void evdns_base_clear_host_addresses(struct evdns_base *base);

/** A human-readable string for a DNS_ERR_* code. */
EVENT2_EXPORT_SYMBOL
const char *evdns_err_to_string(int err);

/** Add an IPv4 nameserver given in network byte order.  Returns 0 on success
 * or a positive error code. */
EVENT2_EXPORT_SYMBOL
int evdns_base_nameserver_add(struct evdns_base *base,
    unsigned long int address);

/** Number of configured nameservers. */
EVENT2_EXPORT_SYMBOL
int evdns_base_count_nameservers(struct evdns_base *base);

/** Drop all nameservers and hold new requests until nameservers are added
 * and evdns_base_resume() is called.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evdns_base_clear_nameservers_and_suspend(struct evdns_base *base);

/** Restart request processing after evdns_base_clear_nameservers_and_suspend. */
EVENT2_EXPORT_SYMBOL
int evdns_base_resume(struct evdns_base *base);

/** Add a nameserver given as text ("1.2.3.4", "[::1]:53", ...).  Returns 0
 * on success or a non-zero error code. */
EVENT2_EXPORT_SYMBOL
int evdns_base_nameserver_ip_add(struct evdns_base *base,
    const char *ip_as_string);

/** Add a nameserver given as a socket address; 'flags' must be 0. */
EVENT2_EXPORT_SYMBOL
int
evdns_base_nameserver_sockaddr_add(struct evdns_base *base,
    const struct sockaddr *sa, ev_socklen_t len, unsigned flags);

struct evdns_request;

/** Look up the IPv4 addresses of 'name'; 'flags' may hold
 * DNS_QUERY_NO_SEARCH.  Returns a handle usable with evdns_cancel_request,
 * or NULL on immediate failure. */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_ipv4(struct evdns_base *base, const char *name, int flags, evdns_callback_type callback, void *ptr);

/** Look up the IPv6 addresses of 'name'; see evdns_base_resolve_ipv4. */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_ipv6(struct evdns_base *base, const char *name, int flags, evdns_callback_type callback, void *ptr);

struct in_addr;
struct in6_addr;

/** Look up the name of an IPv4 address (PTR query). */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_reverse(struct evdns_base *base, const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr);

/** Look up the name of an IPv6 address (PTR query). */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_reverse_ipv6(struct evdns_base *base, const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr);

/** Cancel a pending request; its callback runs once with DNS_ERR_CANCEL. */
EVENT2_EXPORT_SYMBOL
void evdns_cancel_request(struct evdns_base *base, struct evdns_request *req);

/** Set one resolver option, named as in resolv.conf with a trailing colon
 * ("ndots:", "timeout:", "attempts:", "max-timeouts:", "randomize-case:",
 * "initial-probe-timeout:", ...).  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evdns_base_set_option(struct evdns_base *base, const char *option, const char *val);

/** Read a resolv.conf-format file and apply the parts selected by 'flags'
 * (DNS_OPTION_*).  Returns 0 on success, or a positive code: 1 unreadable,
 * 2 unstat-able, 3 too large, 4 out of memory, 5 short read, 6 no
 * nameservers found. */
EVENT2_EXPORT_SYMBOL
int evdns_base_resolv_conf_parse(struct evdns_base *base, int flags, const char *const filename);

/** Load a hosts file (NULL for the system default).  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evdns_base_load_hosts(struct evdns_base *base, const char *hosts_fname);

#if defined(EVENT_IN_DOXYGEN_) || defined(_WIN32)
/** @{ */
/** Windows only: take the nameservers from the registry. */
EVENT2_EXPORT_SYMBOL
int evdns_base_config_windows_nameservers(struct evdns_base *);
#define EVDNS_BASE_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
/** @} */
#endif

/** Empty the search domain list. */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_clear(struct evdns_base *base);

/** Append a domain to the search list. */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_add(struct evdns_base *base, const char *domain);

/** Names with fewer than 'ndots' dots are tried with the search domains
 * first. */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_ndots_set(struct evdns_base *base, const int ndots);

/** Receives evdns's diagnostic messages. */
typedef void (*evdns_debug_log_fn_type)(int is_warning, const char *msg);

/** Route evdns's diagnostics to 'fn' (NULL restores the default). */
EVENT2_EXPORT_SYMBOL
void evdns_set_log_fn(evdns_debug_log_fn_type fn);

/** Obsolete: transaction ids now come from the library's own secure random
 * generator, so this has no effect. */
EVENT2_EXPORT_SYMBOL
void evdns_set_transaction_id_fn(ev_uint16_t (*fn)(void));

/** Obsolete: random bytes now come from evutil_secure_rng_*; no effect. */
EVENT2_EXPORT_SYMBOL
void evdns_set_random_bytes_fn(void (*fn)(char *, size_t));

/* ---- DNS server side ---- */

struct evdns_server_request;
struct evdns_server_question;

/** Called for each request arriving on a server port.  The callback (or
 * code it hands the request to) must eventually call
 * evdns_server_request_respond() or evdns_server_request_drop(). */
typedef void (*evdns_request_callback_fn_type)(struct evdns_server_request *, void *);

/** @{ */
/** Reply sections for evdns_server_request_add_reply. */
#define EVDNS_ANSWER_SECTION 0
#define EVDNS_AUTHORITY_SECTION 1
#define EVDNS_ADDITIONAL_SECTION 2
/** @} */

/** @{ */
/** Record types. */
#define EVDNS_TYPE_A	   1
#define EVDNS_TYPE_NS	   2
#define EVDNS_TYPE_CNAME   5
#define EVDNS_TYPE_SOA	   6
#define EVDNS_TYPE_PTR	  12
#define EVDNS_TYPE_MX	  15
#define EVDNS_TYPE_TXT	  16
#define EVDNS_TYPE_AAAA	  28
/** @} */

/** @{ */
/** Query-only types. */
#define EVDNS_QTYPE_AXFR 252
#define EVDNS_QTYPE_ALL	 255
/** @} */

/** The Internet class. */
#define EVDNS_CLASS_INET   1

/** @{ */
/** Header flags: authoritative answer, recursion desired. */
#define EVDNS_FLAGS_AA	0x400
#define EVDNS_FLAGS_RD	0x080
/** @} */

/** Serve DNS on the bound UDP socket 'socket'; 'flags' must be 0.  Returns
 * NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct evdns_server_port *evdns_add_server_port_with_base(struct event_base *base, evutil_socket_t socket, int flags, evdns_request_callback_fn_type callback, void *user_data);

/** Stop serving and release the port (the socket is not closed). */
EVENT2_EXPORT_SYMBOL
void evdns_close_server_port(struct evdns_server_port *port);

/** Set the header flags (EVDNS_FLAGS_*) of the reply. */
EVENT2_EXPORT_SYMBOL
void evdns_server_request_set_flags(struct evdns_server_request *req, int flags);

/** Add a resource record to one section of the reply.  When 'is_name' is
 * true 'data' is a domain name, else 'datalen' raw bytes.  Returns 0/-1. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_reply(struct evdns_server_request *req, int section, const char *name, int type, int dns_class, int ttl, int datalen, int is_name, const char *data);

/** Answer with 'n' IPv4 addresses (4 bytes each, network order). */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_a_reply(struct evdns_server_request *req, const char *name, int n, const void *addrs, int ttl);

/** Answer with 'n' IPv6 addresses (16 bytes each). */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_aaaa_reply(struct evdns_server_request *req, const char *name, int n, const void *addrs, int ttl);

/** Answer a reverse lookup, naming the address either by 'in' or by its
 * in-addr.arpa name 'inaddr_name'. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_ptr_reply(struct evdns_server_request *req, struct in_addr *in, const char *inaddr_name, const char *hostname, int ttl);

/** Answer with a CNAME record. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_cname_reply(struct evdns_server_request *req, const char *name, const char *cname, int ttl);

/** Send the reply with DNS error code 'err' and free the request. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_respond(struct evdns_server_request *req, int err);

/** Free the request without answering. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_drop(struct evdns_server_request *req);

struct sockaddr;

/** Copy the requester's address into 'sa' (of size 'addr_len').  Returns
 * the address length, or -1 if it does not fit. */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_get_requesting_addr(struct evdns_server_request *req, struct sockaddr *sa, int addr_len);

/* ---- getaddrinfo on top of evdns ---- */

/** Receives the result of evdns_getaddrinfo: an EVUTIL_EAI_* code and, on
 * success, a list the callee must free with evutil_freeaddrinfo(). */
typedef void (*evdns_getaddrinfo_cb)(int result, struct evutil_addrinfo *res, void *arg);

struct evdns_base;
struct evdns_getaddrinfo_request;

/** Asynchronous evutil_getaddrinfo().  The callback may run before this
 * returns (numeric hosts, hosts file, errors), in which case NULL is
 * returned; otherwise the result is a handle for cancellation. */
EVENT2_EXPORT_SYMBOL
struct evdns_getaddrinfo_request *evdns_getaddrinfo(
    struct evdns_base *dns_base,
    const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in,
    evdns_getaddrinfo_cb cb, void *arg);

/** Cancel a pending lookup; the callback runs with EVUTIL_EAI_CANCEL. */
EVENT2_EXPORT_SYMBOL
void evdns_getaddrinfo_cancel(struct evdns_getaddrinfo_request *req);

/** Copy the address of nameserver number 'idx' into 'sa'.  Returns the
 * address length, -1 for a bad index, or the needed length when 'len' is
 * too small. */
EVENT2_EXPORT_SYMBOL
int evdns_base_get_nameserver_addr(struct evdns_base *base, int idx,
    struct sockaddr *sa, ev_socklen_t len);

#ifdef __cplusplus
}
#endif

#endif /* !EVENT2_DNS_H_INCLUDED_ */
