/** @file
 * Asynchronous DNS ("evdns"): a non-blocking resolver and a small server.
 *
 * An evdns_base holds a set of nameservers, search domains and options
 * (read from resolv.conf or configured by hand) and resolves names without
 * blocking the event loop: evdns_base_resolve_ipv4() and friends ask for one
 * record type, evdns_getaddrinfo() gives evutil_getaddrinfo() results.  The
 * same module can also act as a small DNS server:
 * evdns_add_server_port_with_base() hands incoming questions to a callback,
 * which answers them with the evdns_server_request_* functions.
 *
 * <b>Thread safety.</b>  Each evdns_base has its own recursive lock when
 * locking was enabled (evthread_use_pthreads()) before the base was
 * created: the evdns_base_* functions, the resolve functions, the cancel
 * functions and evdns_getaddrinfo() may then be called from any thread.
 * Without locking, use a base only from the thread running its event loop.
 * The DNS server side (evdns_server_port and evdns_server_request) takes no
 * locks: use it only from the thread running its event base.  The global
 * functions evdns_set_log_fn(), evdns_set_transaction_id_fn() and
 * evdns_set_random_bytes_fn() should be called once, before any base
 * exists.
 *
 * <b>Callbacks.</b>  Resolution callbacks never run inside the call that
 * started the request: they run later from the event loop of the
 * evdns_base's event base (except that evdns_getaddrinfo() may answer
 * immediately, see there).  They run without the base's lock held and may
 * call any evdns function, e.g. start new requests or cancel other ones.
 * Server request callbacks run from the port's event loop and may answer the
 * request at once or keep it and answer later from the same thread. */
#ifndef EVENT2_DNS_H_INCLUDED_
#define EVENT2_DNS_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/util.h>

/* Result codes passed to resolution callbacks (evdns_callback_type). */
/** Success. */
#define DNS_ERR_NONE 0
/** The nameserver could not parse the query (also reported, without a
 * query, for a name that cannot be sent). */
#define DNS_ERR_FORMAT 1
/** The nameserver failed internally. */
#define DNS_ERR_SERVERFAILED 2
/** The name does not exist. */
#define DNS_ERR_NOTEXIST 3
/** The nameserver does not support this kind of query. */
#define DNS_ERR_NOTIMPL 4
/** The nameserver refused to answer. */
#define DNS_ERR_REFUSED 5
/** The reply could not be used (truncated or malformed). */
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

/* The 'type' argument of an evdns_callback_type. */
/** The result holds IPv4 addresses (struct in_addr). */
#define DNS_IPv4_A 1
/** The result holds a host name (a char *). */
#define DNS_PTR 2
/** The result holds IPv6 addresses (struct in6_addr). */
#define DNS_IPv6_AAAA 3

/** Resolve flag: look the name up as given, without the search list. */
#define DNS_QUERY_NO_SEARCH 1

/* Which parts of the configuration evdns_base_resolv_conf_parse() applies. */
/** The "domain" and "search" lines and the ndots option. */
#define DNS_OPTION_SEARCH 1
/** The "nameserver" lines (and the bind-to option). */
#define DNS_OPTION_NAMESERVERS 2
/** The other options (timeout, attempts, ...). */
#define DNS_OPTION_MISC 4
/** Also load /etc/hosts. */
#define DNS_OPTION_HOSTSFILE 8
/** All of the above. */
#define DNS_OPTIONS_ALL (						\
		DNS_OPTION_SEARCH |				\
		DNS_OPTION_NAMESERVERS |			\
		DNS_OPTION_MISC |				\
		DNS_OPTION_HOSTSFILE |				\
		0						\
	)
/** Do not fall back to 127.0.0.1 when resolv.conf names no nameserver. */
#define DNS_OPTION_NAMESERVERS_NO_DEFAULT 16

/** Older name of DNS_QUERY_NO_SEARCH. */
#define DNS_NO_SEARCH DNS_QUERY_NO_SEARCH

/**
 * @brief The callback of evdns_base_resolve_ipv4() and friends.
 *
 * Called exactly once per request, from the event loop (also when it fails
 * or is cancelled).  Arguments: @c result is DNS_ERR_NONE or another DNS_ERR_*
 * code; @c type is DNS_IPv4_A, DNS_IPv6_AAAA or DNS_PTR on success (0 on
 * failure); @c count the number of addresses (1 for DNS_PTR, 0 on failure);
 * @c ttl the smallest time-to-live of the answer in seconds (for a
 * negative answer, taken from its SOA record; 0 when unknown); @c addresses
 * points to @c count struct in_addr or struct in6_addr, or for DNS_PTR to
 * one char * holding the name, or is NULL on failure, and is valid only
 * during the call (copy what you keep); @c arg is the pointer given when
 * the request was made.
 */
typedef void (*evdns_callback_type) (int result, char type, int count, int ttl, void *addresses, void *arg);

struct evdns_base;
struct event_base;

/* Flags for evdns_base_new. */
/** Configure the base from /etc/resolv.conf (and /etc/hosts). */
#define EVDNS_BASE_INITIALIZE_NAMESERVERS 1
/** Let the event loop exit while no request is in flight: the
 * nameservers' sockets are watched only while requests are pending. */
#define EVDNS_BASE_DISABLE_WHEN_INACTIVE 0x8000
/** Do not add 127.0.0.1 when the system configuration has no nameserver. */
#define EVDNS_BASE_NAMESERVERS_NO_DEFAULT 0x10000

/**
 * @brief Create a resolver.
 *
 * Without EVDNS_BASE_INITIALIZE_NAMESERVERS the base has no nameservers
 * and default options (timeout 5 s, 3 attempts, ndots 1, randomize-case
 * on, at most 64 requests in flight); add nameservers before resolving.
 *
 * @param event_base the event base whose loop runs the requests and
 *        callbacks; NULL means the current base of event_init().  It must
 *        outlive the resolver.
 * @param initialize_nameservers a mask of EVDNS_BASE_* flags (the old
 *        name says it: 1 reads the system configuration).  An unknown bit
 *        is treated as EVDNS_BASE_INITIALIZE_NAMESERVERS alone, with a
 *        warning.
 * @return the resolver, to be freed with evdns_base_free(); NULL when the
 *         random number generator cannot be seeded, memory ran out, or
 *         with EVDNS_BASE_INITIALIZE_NAMESERVERS when applying
 *         /etc/resolv.conf did not return 0 (see
 *         evdns_base_resolv_conf_parse() for its codes).
 */
EVENT2_EXPORT_SYMBOL
struct evdns_base * evdns_base_new(struct event_base *event_base, int initialize_nameservers);

/**
 * @brief Free a resolver with its nameservers, search list and hosts.
 *
 * @param base the resolver; a warning is logged if it is NULL.
 * @param fail_requests nonzero: every pending request's callback is still
 *        called, with DNS_ERR_SHUTDOWN, from the event loop; zero: pending
 *        requests are dropped without calling their callbacks.
 */
EVENT2_EXPORT_SYMBOL
void evdns_base_free(struct evdns_base *base, int fail_requests);

/**
 * @brief Forget every entry loaded from hosts files.
 *
 * @param base the resolver; a warning is logged if it is NULL.
 */
EVENT2_EXPORT_SYMBOL
void evdns_base_clear_host_addresses(struct evdns_base *base);

/**
 * @brief Describe a DNS_ERR_* code.
 *
 * @param err a DNS_ERR_* code.
 * @return a static English string; "[Unknown error code]" for other
 *         values.  Never NULL.
 */
EVENT2_EXPORT_SYMBOL
const char *evdns_err_to_string(int err);

/**
 * @brief Add an IPv4 nameserver on port 53.
 *
 * The resolver opens a UDP socket for it at once.  Requests held because
 * there was no nameserver are sent.
 *
 * @param base the resolver.
 * @param address the IPv4 address in network byte order.
 * @return 0 on success; -1 if @p base is NULL; 1 if the socket could not
 *         be created; 2 if binding it to the "bind-to:" address failed; 3
 *         if the nameserver is already configured; 4 when out of memory.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_nameserver_add(struct evdns_base *base,
    unsigned long int address);

/**
 * @brief Count the configured nameservers.
 *
 * @param base the resolver.
 * @return the number of nameservers; -1 if @p base is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_count_nameservers(struct evdns_base *base);

/**
 * @brief Remove every nameserver and hold requests until resumed.
 *
 * Requests in flight go back to the front of the waiting queue (they are
 * sent again, from their first attempt) and new requests wait too, until
 * nameservers have been added and evdns_base_resume() is called.  Use it
 * to reconfigure a resolver without failing its requests.
 *
 * @param base the resolver.
 * @return 0 on success; -1 if @p base is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_clear_nameservers_and_suspend(struct evdns_base *base);

/**
 * @brief Send the requests held by evdns_base_clear_nameservers_and_suspend().
 *
 * @param base the resolver.
 * @return 0 on success; -1 if @p base is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_resume(struct evdns_base *base);

/**
 * @brief Add a nameserver given as text.
 *
 * @param base the resolver.
 * @param ip_as_string an address with optional port, in any form
 *        evutil_parse_sockaddr_port() accepts: "1.2.3.4", "1.2.3.4:5353",
 *        "::1", "[::1]:53".  The port defaults to 53.
 * @return 0 on success; -1 if an argument is NULL; 4 if the text does not
 *         parse; otherwise the codes of evdns_base_nameserver_add().
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_nameserver_ip_add(struct evdns_base *base,
    const char *ip_as_string);

/**
 * @brief Add a nameserver given as a socket address.
 *
 * @param base the resolver.
 * @param sa the address (IPv4 or IPv6, with its port); copied.
 * @param len the size of @p sa.
 * @param flags reserved; pass 0 (it is ignored).
 * @return 0 on success; -1 if @p base or @p sa is NULL or @p len is too
 *         small; otherwise the codes of evdns_base_nameserver_add() (2 also
 *         when @p len exceeds a struct sockaddr_storage).
 */
EVENT2_EXPORT_SYMBOL
int
evdns_base_nameserver_sockaddr_add(struct evdns_base *base,
    const struct sockaddr *sa, ev_socklen_t len, unsigned flags);

struct evdns_request;

/**
 * @brief Look up the IPv4 addresses of a name (A records).
 *
 * Unless @p flags has DNS_QUERY_NO_SEARCH, a name with fewer dots than
 * ndots is first tried with each search domain appended, then as given
 * (a name with enough dots is tried as given first).  The hosts file is not
 * consulted (evdns_getaddrinfo() does).  A query that times out is sent
 * again, to another nameserver when there is one, up to the "attempts:"
 * count; a truncated UDP answer is asked again over TCP.
 *
 * @param base the resolver.
 * @param name the host name; copied.
 * @param flags 0 or DNS_QUERY_NO_SEARCH.
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return a handle for evdns_cancel_request(), valid until the callback
 *         has run; NULL (without calling @p callback) if an argument is
 *         NULL, the name is empty while search domains apply, or memory ran
 *         out.  An invalid name is reported through the callback
 *         (DNS_ERR_FORMAT).
 */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_ipv4(struct evdns_base *base, const char *name, int flags, evdns_callback_type callback, void *ptr);

/**
 * @brief Look up the IPv6 addresses of a name (AAAA records).
 *
 * Works as evdns_base_resolve_ipv4().
 *
 * @param base the resolver.
 * @param name the host name; copied.
 * @param flags 0 or DNS_QUERY_NO_SEARCH.
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return a handle for evdns_cancel_request(), valid until the callback
 *         has run; NULL on the errors listed for evdns_base_resolve_ipv4().
 */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_ipv6(struct evdns_base *base, const char *name, int flags, evdns_callback_type callback, void *ptr);

struct in_addr;
struct in6_addr;

/**
 * @brief Look up the name of an IPv4 address (PTR record).
 *
 * Asks for the PTR record of the in-addr.arpa name; the search list is
 * never used.  The callback gets DNS_PTR and the name.
 *
 * @param base the resolver.
 * @param in the address; read during the call only.
 * @param flags 0 or DNS_QUERY_NO_SEARCH (implied).
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return a handle for evdns_cancel_request(), valid until the callback
 *         has run; NULL (without calling @p callback) if an argument is
 *         NULL or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_reverse(struct evdns_base *base, const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr);

/**
 * @brief Look up the name of an IPv6 address (PTR record).
 *
 * As evdns_base_resolve_reverse(), with the ip6.arpa name.
 *
 * @param base the resolver.
 * @param in the address; read during the call only.
 * @param flags 0 or DNS_QUERY_NO_SEARCH (implied).
 * @param callback called once with the result; must not be NULL.
 * @param ptr passed to @p callback.
 * @return a handle for evdns_cancel_request(), valid until the callback
 *         has run; NULL (without calling @p callback) if an argument is
 *         NULL or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
struct evdns_request *evdns_base_resolve_reverse_ipv6(struct evdns_base *base, const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr);

/**
 * @brief Cancel a pending request.
 *
 * The request stops; its callback still runs once, later from the event
 * loop, with DNS_ERR_CANCEL.  If the request had already finished but its
 * callback has not run yet, nothing changes: the callback gets the real
 * result.  Do not call it after the callback has run: the handle is then
 * freed.
 *
 * @param base the resolver of the request; NULL means the request's own.
 * @param req the handle returned by a resolve function; a warning is
 *        logged if it is NULL.
 */
EVENT2_EXPORT_SYMBOL
void evdns_cancel_request(struct evdns_base *base, struct evdns_request *req);

/**
 * @brief Set one resolver option.
 *
 * Options are named as in resolv.conf, with or without the trailing colon:
 * "ndots:" (dots a name needs to be tried as given first), "timeout:"
 * (seconds, may be fractional, before a query is retried), "attempts:"
 * (how often a query is sent before it fails with DNS_ERR_TIMEOUT, at most
 * 255), "max-timeouts:" (timeouts
 * in a row before a nameserver is considered down, 1-255),
 * "max-inflight:" (requests in flight at once, 1-65000),
 * "initial-probe-timeout:" (first delay before probing a down nameserver,
 * at most an hour), "getaddrinfo-allow-skew:" (how long
 * evdns_getaddrinfo() waits for the second address family once the first
 * answered), "randomize-case:" (0 or 1: randomise the letter case of
 * queries), "bind-to:" (local address for the nameserver sockets created
 * afterwards), "so-rcvbuf:" and "so-sndbuf:" (socket buffer sizes for
 * nameservers added afterwards).  Unknown options are ignored.
 *
 * @param base the resolver.
 * @param option the option name.
 * @param val the value as text.
 * @return 0 on success or for an unknown option; -1 if an argument is NULL
 *         or the value does not parse.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_set_option(struct evdns_base *base, const char *option, const char *val);

/**
 * @brief Configure a resolver from a resolv.conf-format file.
 *
 * Applies the "nameserver", "domain", "search" and "options" lines
 * selected by @p flags.  If no search list results, one is derived from the
 * machine's host name.  Unless @p flags has
 * DNS_OPTION_NAMESERVERS_NO_DEFAULT, 127.0.0.1 is added when the file
 * names no nameserver or cannot be opened.  With DNS_OPTION_HOSTSFILE
 * /etc/hosts is loaded as well.
 *
 * @param base the resolver.
 * @param flags a mask of DNS_OPTION_* flags.
 * @param filename the file, e.g. "/etc/resolv.conf".
 * @return 0 on success; -1 if @p base is NULL; 1 if the file cannot be
 *         opened (or @p filename is NULL); 2 if reading it failed or memory
 *         ran out; 4 if it could not be parsed; 6 if it names no
 *         nameserver and the default was added.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_resolv_conf_parse(struct evdns_base *base, int flags, const char *const filename);

/**
 * @brief Load host names and addresses from a hosts file.
 *
 * The entries are used by evdns_getaddrinfo() before asking nameservers.
 *
 * @param base the resolver.
 * @param hosts_fname a file in /etc/hosts format; NULL adds only
 *        "localhost" entries for 127.0.0.1 and ::1.
 * @return 0 on success; -1 if @p base is NULL, the file cannot be read
 *         (the localhost entries are then added) or could not be parsed.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_load_hosts(struct evdns_base *base, const char *hosts_fname);

#if defined(EVENT_IN_DOXYGEN_) || defined(_WIN32)
/** @{ */
/**
 * @brief Windows only: take the nameservers from the system.
 *
 * Not built on other systems.
 *
 * @param base the resolver.
 * @return 0 on success, -1 on failure.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_config_windows_nameservers(struct evdns_base *base);
/** Defined when evdns_base_config_windows_nameservers() exists. */
#define EVDNS_BASE_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
/** @} */
#endif

/**
 * @brief Empty the search domain list.
 *
 * @param base the resolver; a warning is logged if it is NULL.
 */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_clear(struct evdns_base *base);

/**
 * @brief Append a domain to the search list.
 *
 * Leading dots are removed.  If memory runs out the domain is not added.
 *
 * @param base the resolver; a warning is logged if it is NULL.
 * @param domain the domain, e.g. "example.com"; copied.
 */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_add(struct evdns_base *base, const char *domain);

/**
 * @brief Set the ndots option.
 *
 * Names with fewer than @p ndots dots are tried with the search domains
 * first, others as given first.
 *
 * @param base the resolver; a warning is logged if it is NULL.
 * @param ndots the number of dots (default 1).
 */
EVENT2_EXPORT_SYMBOL
void evdns_base_search_ndots_set(struct evdns_base *base, const int ndots);

/**
 * @brief A function that receives evdns's diagnostic messages.
 *
 * Arguments: @c is_warning is nonzero for warnings, zero for debug
 * messages; @c msg is the text, valid during the call only.
 */
typedef void (*evdns_debug_log_fn_type)(int is_warning, const char *msg);

/**
 * @brief Route evdns's diagnostic messages to a function.
 *
 * Affects every resolver and DNS server in the process.
 *
 * @param fn the function, which then gets every message (debug ones too);
 *        NULL sends them to the normal libevent log (see
 *        event_set_log_callback()), debug messages only when debug logging
 *        is on.
 */
EVENT2_EXPORT_SYMBOL
void evdns_set_log_fn(evdns_debug_log_fn_type fn);

/**
 * @brief Obsolete; has no effect.
 *
 * Transaction ids come from the library's secure random number generator.
 *
 * @param fn ignored.
 */
EVENT2_EXPORT_SYMBOL
void evdns_set_transaction_id_fn(ev_uint16_t (*fn)(void));

/**
 * @brief Obsolete; has no effect.
 *
 * Random bytes come from the evutil_secure_rng_* generator.
 *
 * @param fn ignored.
 */
EVENT2_EXPORT_SYMBOL
void evdns_set_random_bytes_fn(void (*fn)(char *, size_t));

/* ---- DNS server side ---- */

struct evdns_server_request;
struct evdns_server_question;

/**
 * @brief The callback of a DNS server port.
 *
 * Called from the event loop for each well-formed query that arrives, with
 * the request and the port's user data.  The program (now or later, from
 * the same thread) adds answers and must finish the request with
 * evdns_server_request_respond() or evdns_server_request_drop(), which
 * free it.
 */
typedef void (*evdns_request_callback_fn_type)(struct evdns_server_request *, void *);

/* Reply sections for evdns_server_request_add_reply(). */
/** The answer section. */
#define EVDNS_ANSWER_SECTION 0
/** The authority section. */
#define EVDNS_AUTHORITY_SECTION 1
/** The additional section. */
#define EVDNS_ADDITIONAL_SECTION 2

/* Record types. */
/** IPv4 address. */
#define EVDNS_TYPE_A	   1
/** Authoritative nameserver. */
#define EVDNS_TYPE_NS	   2
/** Canonical name (alias). */
#define EVDNS_TYPE_CNAME   5
/** Start of authority. */
#define EVDNS_TYPE_SOA	   6
/** Domain name pointer (reverse lookups). */
#define EVDNS_TYPE_PTR	  12
/** Mail exchanger. */
#define EVDNS_TYPE_MX	  15
/** Text strings. */
#define EVDNS_TYPE_TXT	  16
/** IPv6 address. */
#define EVDNS_TYPE_AAAA	  28

/* Types that appear only in questions. */
/** Zone transfer. */
#define EVDNS_QTYPE_AXFR 252
/** Any record type. */
#define EVDNS_QTYPE_ALL	 255

/** The Internet class. */
#define EVDNS_CLASS_INET   1

/* Header flags for evdns_server_request_set_flags(). */
/** Authoritative answer. */
#define EVDNS_FLAGS_AA	0x400
/** Recursion desired (copied from the query). */
#define EVDNS_FLAGS_RD	0x080

/**
 * @brief Serve DNS queries arriving on a socket.
 *
 * A bound UDP socket receives queries as datagrams; a listening TCP socket
 * accepts connections carrying length-prefixed queries.  Queries with an
 * unsupported opcode are answered with DNS_ERR_NOTIMPL without calling
 * @p callback; malformed ones are ignored.
 *
 * @param base the event base whose loop serves the port; NULL means the
 *        current base of event_init().
 * @param socket a non-blocking bound UDP socket or listening TCP socket;
 *        the port takes ownership and closes it when the port is closed.
 * @param flags must be 0.
 * @param callback called for each query; must not be NULL.
 * @param user_data passed to @p callback.
 * @return the port, to be closed with evdns_close_server_port(); NULL if
 *         @p callback is NULL, @p flags is not 0, @p socket is negative or
 *         the port could not be set up.
 */
EVENT2_EXPORT_SYMBOL
struct evdns_server_port *evdns_add_server_port_with_base(struct event_base *base, evutil_socket_t socket, int flags, evdns_request_callback_fn_type callback, void *user_data);

/**
 * @brief Stop serving on a port and release it.
 *
 * The port stops reading; open TCP connections stop reading too.
 * Requests already handed to the callback stay valid and can still be
 * answered or dropped; the port's memory and socket are released once the
 * last of them is finished.
 *
 * @param port the port; a warning is logged if it is NULL.
 */
EVENT2_EXPORT_SYMBOL
void evdns_close_server_port(struct evdns_server_port *port);

/**
 * @brief Set header flags of the reply.
 *
 * Replaces the AA and RD bits of the reply's header with those in
 * @p flags.
 *
 * @param req the request; a warning is logged if it is NULL.
 * @param flags EVDNS_FLAGS_AA and/or EVDNS_FLAGS_RD.
 */
EVENT2_EXPORT_SYMBOL
void evdns_server_request_set_flags(struct evdns_server_request *req, int flags);

/**
 * @brief Add a resource record to the reply.
 *
 * @param req the request, not yet answered.
 * @param section EVDNS_ANSWER_SECTION, EVDNS_AUTHORITY_SECTION or
 *        EVDNS_ADDITIONAL_SECTION.
 * @param name the record's owner name; copied.
 * @param type the record type (EVDNS_TYPE_*).
 * @param dns_class the record class (normally EVDNS_CLASS_INET).
 * @param ttl the time-to-live in seconds.
 * @param datalen the number of bytes of @p data when @p is_name is zero
 *        (0-65535); ignored otherwise.
 * @param is_name nonzero if @p data is a NUL-terminated domain name (as
 *        for CNAME, PTR or NS records), written in DNS name form.
 * @param data the record data; copied.
 * @return 0 on success; -1 if @p req is NULL or already answered, the
 *         section is out of range, a name is NULL or invalid, @p datalen is
 *         out of range, or memory ran out.
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_reply(struct evdns_server_request *req, int section, const char *name, int type, int dns_class, int ttl, int datalen, int is_name, const char *data);

/**
 * @brief Add IPv4 address records to the answer section.
 *
 * Adds one A record of class IN per address.
 *
 * @param req the request, not yet answered.
 * @param name the owner name; copied.
 * @param n the number of addresses.
 * @param addrs @p n addresses of 4 bytes each, in network byte order.
 * @param ttl the time-to-live in seconds.
 * @return 0 on success; -1 on the errors of
 *         evdns_server_request_add_reply(), or if @p n is negative or
 *         @p addrs NULL with @p n > 0.
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_a_reply(struct evdns_server_request *req, const char *name, int n, const void *addrs, int ttl);

/**
 * @brief Add IPv6 address records to the answer section.
 *
 * Adds one AAAA record of class IN per address.
 *
 * @param req the request, not yet answered.
 * @param name the owner name; copied.
 * @param n the number of addresses.
 * @param addrs @p n addresses of 16 bytes each.
 * @param ttl the time-to-live in seconds.
 * @return 0 on success; -1 on the errors of
 *         evdns_server_request_add_reply(), or if @p n is negative or
 *         @p addrs NULL with @p n > 0.
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_aaaa_reply(struct evdns_server_request *req, const char *name, int n, const void *addrs, int ttl);

/**
 * @brief Add a PTR record to the answer section.
 *
 * @param req the request, not yet answered.
 * @param in the IPv4 address whose in-addr.arpa name owns the record; NULL
 *        to use @p inaddr_name.
 * @param inaddr_name the owner name when @p in is NULL.
 * @param hostname the host name the record points to; copied.
 * @param ttl the time-to-live in seconds.
 * @return 0 on success; -1 if @p req or @p hostname is NULL, both @p in
 *         and @p inaddr_name are NULL, or on the errors of
 *         evdns_server_request_add_reply().
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_ptr_reply(struct evdns_server_request *req, struct in_addr *in, const char *inaddr_name, const char *hostname, int ttl);

/**
 * @brief Add a CNAME record to the answer section.
 *
 * @param req the request, not yet answered.
 * @param name the alias (owner name); copied.
 * @param cname the canonical name; copied.
 * @param ttl the time-to-live in seconds.
 * @return 0 on success; -1 on the errors of
 *         evdns_server_request_add_reply().
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_add_cname_reply(struct evdns_server_request *req, const char *name, const char *cname, int ttl);

/**
 * @brief Send the reply and free the request.
 *
 * The reply repeats the questions and carries the records added so far.
 * A UDP reply too large for one datagram is cut and marked truncated; if
 * the socket cannot take it yet, it is queued and sent when writable.
 *
 * @param req the request; must not be used after success.
 * @param err the response code, 0 (DNS_ERR_NONE) to 15, e.g.
 *        DNS_ERR_NOTEXIST.
 * @return 0 on success; -1 if @p req is NULL, @p err is out of range, or
 *         the reply could not be built (the request then stays valid).
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_respond(struct evdns_server_request *req, int err);

/**
 * @brief Free a request without answering it.
 *
 * @param req the request; must not be used afterwards.
 * @return 0 on success; -1 if @p req is NULL.
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_drop(struct evdns_server_request *req);

struct sockaddr;

/**
 * @brief Get the address the request came from.
 *
 * @param req the request.
 * @param sa receives the client's address.
 * @param addr_len the size of @p sa in bytes.
 * @return the length of the address; -1 if @p req is NULL or @p addr_len
 *         is too small (nothing is copied).
 */
EVENT2_EXPORT_SYMBOL
int evdns_server_request_get_requesting_addr(struct evdns_server_request *req, struct sockaddr *sa, int addr_len);

/* ---- getaddrinfo on top of evdns ---- */

/**
 * @brief The callback of evdns_getaddrinfo().
 *
 * Arguments: @c result is 0 or an EVUTIL_EAI_* error code (e.g.
 * EVUTIL_EAI_NONAME, EVUTIL_EAI_CANCEL); @c res is, on success, the list of
 * addresses, which the callback owns and must free with
 * evutil_freeaddrinfo(), else NULL; @c arg is the caller's argument.
 */
typedef void (*evdns_getaddrinfo_cb)(int result, struct evutil_addrinfo *res, void *arg);

struct evdns_base;
struct evdns_getaddrinfo_request;

/**
 * @brief Resolve a host and service like evutil_getaddrinfo(), without
 *        blocking.
 *
 * Numeric addresses, names in the hosts file, bad hints and missing names
 * are answered at once: @p cb runs before this function returns, which
 * then returns NULL.  Otherwise A and/or AAAA queries are sent (as
 * @p hints_in asks) and @p cb runs later from the event loop; when one
 * family has answered, the other is waited for at most the
 * "getaddrinfo-allow-skew:" time.
 *
 * @param dns_base the resolver.
 * @param nodename the host name or numeric address; may be NULL if
 *        @p servname is not.
 * @param servname the service name or port number; may be NULL if
 *        @p nodename is not.
 * @param hints_in the hints as for getaddrinfo(); NULL means none.
 * @param cb called exactly once with the result; must not be NULL.
 * @param arg passed to @p cb.
 * @return a handle for evdns_getaddrinfo_cancel(), valid until @p cb has
 *         run; NULL when @p cb has already run, or (with a warning, without
 *         calling @p cb) if @p dns_base or @p cb is NULL.
 */
EVENT2_EXPORT_SYMBOL
struct evdns_getaddrinfo_request *evdns_getaddrinfo(
    struct evdns_base *dns_base,
    const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in,
    evdns_getaddrinfo_cb cb, void *arg);

/**
 * @brief Cancel a pending evdns_getaddrinfo().
 *
 * The callback still runs once, later from the event loop, with
 * EVUTIL_EAI_CANCEL.  Do not call it after the callback has run.
 *
 * @param req the handle; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evdns_getaddrinfo_cancel(struct evdns_getaddrinfo_request *req);

/**
 * @brief Get the address of one of the nameservers.
 *
 * Nameservers are counted from the one the resolver will use next.
 *
 * @param base the resolver.
 * @param idx the index, from 0 to evdns_base_count_nameservers() - 1
 *        (negative counts as 0).
 * @param sa receives the address when it fits; may be NULL to ask for the
 *        length.
 * @param len the size of @p sa.
 * @return the address length (the address is copied only if it is at most
 *         @p len); -1 if @p base is NULL or @p idx is too large.
 */
EVENT2_EXPORT_SYMBOL
int evdns_base_get_nameserver_addr(struct evdns_base *base, int idx,
    struct sockaddr *sa, ev_socklen_t len);

#ifdef __cplusplus
}
#endif

#endif /* !EVENT2_DNS_H_INCLUDED_ */
