/** @file
 * event2/util.h: portable helpers that the rest of the API builds on.
 *
 * Fixed-width integer names (ev_uint32_t, ...), the socket type, timeval
 * arithmetic, address parsing and formatting, a getaddrinfo() wrapper with
 * its own error and flag constants, monotonic clocks and a secure random
 * number generator.
 *
 * @par Thread safety
 * These functions keep no state of their own except the secure random
 * number generator, which has its own lock: they may be called from any
 * thread.  Exceptions: one evutil_monotonic_timer must not be used by two
 * threads at once, and evutil_secure_rng_set_urandom_device_file() should
 * be called before other threads use the generator.
 *
 * @par Callbacks
 * None of these functions calls back into the program, and all may be
 * called from any library callback.  evutil_getaddrinfo() blocks while it
 * asks the system resolver, which stalls the event loop when called from a
 * callback; prefer evdns_getaddrinfo() there. */
#ifndef EVENT2_UTIL_H_INCLUDED_
#define EVENT2_UTIL_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>

/* Programs rely on these arriving through this header. */
#include <sys/time.h>
#include <stdint.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdarg.h>
#include <netdb.h>
#include <errno.h>
#include <sys/socket.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Integer types ----------------------------------------------------
 * Macros rather than typedefs, as in libevent, so "#ifdef ev_uint64_t"
 * keeps working in programs. */
/** @{ */
/** Fixed-width integer types under libevent's names: each is the <stdint.h>
 * type of the same width and signedness (a macro, so that "#ifdef" works). */
#define ev_uint64_t uint64_t
#define ev_int64_t int64_t
#define ev_uint32_t uint32_t
#define ev_int32_t int32_t
#define ev_uint16_t uint16_t
#define ev_int16_t  int16_t
#define ev_uint8_t uint8_t
#define ev_int8_t int8_t
#define ev_uintptr_t uintptr_t
#define ev_intptr_t intptr_t
/** @} */
/** Signed counterpart of size_t. */
#define ev_ssize_t ssize_t
/** File offsets are 64-bit whatever _FILE_OFFSET_BITS the program uses. */
#define ev_off_t ev_int64_t

/* ---- Limits of the integer types above -------------------------------- */
/** @{ */
/** Largest and smallest values of the ev_* integer types: the <stdint.h>
 * limits of the same types. */
#define EV_UINT64_MAX UINT64_MAX
#define EV_INT64_MAX  INT64_MAX
#define EV_INT64_MIN  INT64_MIN
#define EV_UINT32_MAX UINT32_MAX
#define EV_INT32_MAX  INT32_MAX
#define EV_INT32_MIN  INT32_MIN
#define EV_UINT16_MAX UINT16_MAX
#define EV_INT16_MIN  INT16_MIN
#define EV_INT16_MAX  INT16_MAX
#define EV_UINT8_MAX  UINT8_MAX
#define EV_INT8_MAX   INT8_MAX
#define EV_INT8_MIN   INT8_MIN
/** @} */

/** @{ */
/** size_t and ev_ssize_t are 64 bits wide. */
#define EV_SIZE_MAX EV_UINT64_MAX
#define EV_SSIZE_MAX EV_INT64_MAX
#define EV_SSIZE_MIN ((-EV_SSIZE_MAX) - 1)
/** @} */

/* ---- Sockets ------------------------------------------------------------ */
/** Length argument of the socket calls. */
#define ev_socklen_t socklen_t
/** What socket() and accept() return: a plain descriptor here. */
#define evutil_socket_t int
/** The value no valid socket ever has. */
#define EVUTIL_INVALID_SOCKET -1

/** The last socket error (errno on POSIX systems). */
#define EVUTIL_SOCKET_ERROR() (errno)
/** Overwrite the last socket error. */
#define EVUTIL_SET_SOCKET_ERROR(errcode)		\
		do { errno = (errcode); } while (0)
/** The pending error of a socket; on POSIX simply errno. */
#define evutil_socket_geterror(sock) (errno)
/** Describe a socket error code (needs <string.h> for strerror). */
#define evutil_socket_error_to_string(errcode) (strerror(errcode))

/** @brief Create a connected pair of sockets.
 *
 * For AF_UNIX this is socketpair(); for AF_INET and AF_INET6 the pair is
 * made by connecting two TCP sockets over loopback.
 * @param d the address family (AF_UNIX, AF_INET or AF_INET6).
 * @param type the socket type, as for socketpair() (e.g. SOCK_STREAM).
 * @param protocol the protocol, normally 0.
 * @param sv receives the two sockets, owned by the caller (close them with
 *   evutil_closesocket()).
 * @return 0, or -1 with errno set (EINVAL when sv is NULL). */
EVENT2_EXPORT_SYMBOL
int evutil_socketpair(int d, int type, int protocol, evutil_socket_t sv[2]);

/** @brief Put a socket into non-blocking mode (O_NONBLOCK).
 * @param sock the socket.
 * @return 0, or -1 with errno set by fcntl(). */
EVENT2_EXPORT_SYMBOL
int evutil_make_socket_nonblocking(evutil_socket_t sock);

/** @brief Let a listener's address be bound again right after it is
 * closed (SO_REUSEADDR).
 * @param sock the socket, before bind().
 * @return 0, or -1 with errno set by setsockopt(). */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_reuseable(evutil_socket_t sock);

/** @brief Let several sockets listen on the same port (SO_REUSEPORT).
 * @param sock the socket, before bind().
 * @return 0, or -1 with errno set by setsockopt(). */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_reuseable_port(evutil_socket_t sock);

/** @brief Restrict an IPv6 listener to IPv6 traffic (IPV6_V6ONLY).
 * @param sock an AF_INET6 socket, before bind().
 * @return 0, or -1 with errno set by setsockopt(). */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_ipv6only(evutil_socket_t sock);

/** @brief Close a socket automatically in exec'd programs (FD_CLOEXEC).
 * @param sock the socket.
 * @return 0, or -1 with errno set by fcntl(). */
EVENT2_EXPORT_SYMBOL
int evutil_make_socket_closeonexec(evutil_socket_t sock);

/** @brief Close a socket.
 * @param sock the socket; invalid afterwards.
 * @return 0, or -1 with errno set by close(). */
EVENT2_EXPORT_SYMBOL
int evutil_closesocket(evutil_socket_t sock);
/** Older name of evutil_closesocket(). */
#define EVUTIL_CLOSESOCKET(s) evutil_closesocket(s)

/** @brief Complete accept() only once the client has sent data
 * (TCP_DEFER_ACCEPT).
 * @param sock a TCP listening socket.
 * @return 0, or -1 with errno set by setsockopt(). */
EVENT2_EXPORT_SYMBOL
int evutil_make_tcp_listen_socket_deferred(evutil_socket_t sock);

/* ---- struct timeval arithmetic ----------------------------------------- */
/** vvp = tvp + uvp */
#define evutil_timeradd(tvp, uvp, vvp) timeradd((tvp), (uvp), (vvp))
/** vvp = tvp - uvp */
#define evutil_timersub(tvp, uvp, vvp) timersub((tvp), (uvp), (vvp))
/** Set a timeval to zero. */
#define evutil_timerclear(tvp) timerclear(tvp)
/** Compare two timevals with a relational operator: ==, <, <=, >, >=. */
#define	evutil_timercmp(tvp, uvp, cmp)					\
	(((tvp)->tv_sec == (uvp)->tv_sec) ?				\
	 ((tvp)->tv_usec cmp (uvp)->tv_usec) :				\
	 ((tvp)->tv_sec cmp (uvp)->tv_sec))
/** Nonzero when the timeval is not zero. */
#define evutil_timerisset(tvp) timerisset(tvp)

/** offsetof() under the library's name. */
#define evutil_offsetof(type, field) offsetof(type, field)

/** Current wall-clock time; gettimeofday() itself on this platform. */
#define evutil_gettimeofday(tv, tz) gettimeofday((tv), (tz))

/* ---- Monotonic clocks --------------------------------------------------- */
/** Opaque clock state; create with evutil_monotonic_timer_new(). */
struct evutil_monotonic_timer;

/** evutil_configure_monotonic_time(): prefer precision over speed. */
#define EV_MONOT_PRECISE  1
/** evutil_configure_monotonic_time(): use the portable fallback clock
 * (gettimeofday() made monotonic). */
#define EV_MONOT_FALLBACK 2

/** @brief Allocate a monotonic clock.
 *
 * Configure it with evutil_configure_monotonic_time() before reading it.
 * @return the clock, owned by the caller (release it with
 *   evutil_monotonic_timer_free()), or NULL when out of memory. */
EVENT2_EXPORT_SYMBOL
struct evutil_monotonic_timer * evutil_monotonic_timer_new(void);

/** @brief Release a clock from evutil_monotonic_timer_new().
 * @param timer the clock; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void evutil_monotonic_timer_free(struct evutil_monotonic_timer *timer);

/** @brief Choose a clock's source.
 * @param timer the clock.
 * @param flags 0, EV_MONOT_PRECISE and/or EV_MONOT_FALLBACK.
 * @return 0 (without a usable monotonic clock the fallback is chosen), or
 *   -1 when timer is NULL. */
EVENT2_EXPORT_SYMBOL
int evutil_configure_monotonic_time(struct evutil_monotonic_timer *timer,
                                    int flags);

/** @brief Read a configured monotonic clock.
 *
 * The value never goes backwards but has no fixed origin: only differences
 * are meaningful.
 * @note One clock must not be read by two threads at once.
 * @param timer the clock.
 * @param tp receives the time.
 * @return 0, or -1 when an argument is NULL or the clock failed. */
EVENT2_EXPORT_SYMBOL
int evutil_gettime_monotonic(struct evutil_monotonic_timer *timer,
                             struct timeval *tp);

/* ---- Strings and numbers ------------------------------------------------ */
/** @brief Format a date as HTTP does (RFC 1123), e.g.
 * "Sun, 06 Nov 1994 08:49:37 GMT".
 * @param date where to write the NUL-terminated text.
 * @param datelen the room in date (30 bytes hold any date with a
 *   four-digit year).
 * @param tm the broken-down UTC time (as from gmtime_r()), or NULL for now.
 * @return the length of the full text (as for evutil_snprintf(); more than
 *   datelen - 1 means it was cut), or -1 when tm has an out-of-range
 *   weekday or month. */
EVENT2_EXPORT_SYMBOL int
evutil_date_rfc1123(char *date, const size_t datelen, const struct tm *tm);

/** @brief Parse a 64-bit integer, as strtoll().
 * @param s the text; NULL sets errno to EINVAL and returns 0.
 * @param endptr if not NULL, receives where parsing stopped.
 * @param base the base, as for strtoll() (0 accepts 0x and 0 prefixes).
 * @return the value; on overflow the nearest limit with errno ERANGE. */
EVENT2_EXPORT_SYMBOL
ev_int64_t evutil_strtoll(const char *s, char **endptr, int base);

/** @brief snprintf() that always terminates its output.
 * @param buf where to write; NULL (or buflen 0) writes nothing.
 * @param buflen the room in buf.
 * @param format a printf() format.
 * @param ... the values for format.
 * @return the length the full output would have had; 0 when buf is NULL or
 *   buflen is 0; -1 when format is NULL or formatting failed. */
EVENT2_EXPORT_SYMBOL
int evutil_snprintf(char *buf, size_t buflen, const char *format, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
;

/** @brief vsnprintf() that always terminates its output.
 * @param buf where to write; NULL (or buflen 0) writes nothing.
 * @param buflen the room in buf.
 * @param format a printf() format.
 * @param ap the values for format.
 * @return as for evutil_snprintf(). */
EVENT2_EXPORT_SYMBOL
int evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 0)))
#endif
;

/** @brief Compare strings ignoring ASCII case, whatever the locale.
 *
 * Meant for text protocols (header names and the like).
 * @param str1 the first string.
 * @param str2 the second string.
 * @return negative, 0 or positive as str1 sorts before, equal to or after
 *   str2; a NULL string sorts before any other. */
EVENT2_EXPORT_SYMBOL
int evutil_ascii_strcasecmp(const char *str1, const char *str2);

/** @brief Compare at most n characters ignoring ASCII case.
 * @param str1 the first string.
 * @param str2 the second string.
 * @param n the most characters to compare.
 * @return as for evutil_ascii_strcasecmp(). */
EVENT2_EXPORT_SYMBOL
int evutil_ascii_strncasecmp(const char *str1, const char *str2, size_t n);

/* ---- Addresses ------------------------------------------------------------ */
/** @brief Format a binary address as text, as inet_ntop().
 * @param af AF_INET or AF_INET6.
 * @param src a struct in_addr or struct in6_addr.
 * @param dst where to write the NUL-terminated text.
 * @param len the room in dst (INET6_ADDRSTRLEN holds any address).
 * @return dst, or NULL when an argument is NULL, af is unknown or dst is
 *   too small. */
EVENT2_EXPORT_SYMBOL
const char *evutil_inet_ntop(int af, const void *src, char *dst, size_t len);

/** @brief Parse a textual address that may carry an IPv6 zone.
 *
 * As evutil_inet_pton(), also accepting "fe80::1%eth0" or "fe80::1%2" for
 * AF_INET6.
 * @param af AF_INET or AF_INET6.
 * @param src the text.
 * @param dst receives the struct in_addr or struct in6_addr.
 * @param indexp if not NULL, receives the zone's interface index (0 when
 *   there is no zone).
 * @return 1 on success, 0 when the text is not a valid address (or the
 *   zone is neither an interface name nor a number), -1 when af is unknown
 *   or an argument is NULL. */
EVENT2_EXPORT_SYMBOL
int evutil_inet_pton_scope(int af, const char *src, void *dst,
	unsigned *indexp);

/** @brief Parse a textual address into binary, as inet_pton().
 * @param af AF_INET or AF_INET6.
 * @param src the text ("192.0.2.1", "2001:db8::1").
 * @param dst receives the struct in_addr or struct in6_addr.
 * @return 1 on success, 0 when the text is not a valid address, -1 when af
 *   is unknown or an argument is NULL. */
EVENT2_EXPORT_SYMBOL
int evutil_inet_pton(int af, const char *src, void *dst);

struct sockaddr;

/** @brief Parse an address with an optional port into a sockaddr.
 *
 * Accepts "1.2.3.4", "1.2.3.4:80", "::1", "[::1]" and "[::1]:80"; a
 * missing port becomes 0.  No name lookup is done.
 * @param str the text.
 * @param out receives a struct sockaddr_in or sockaddr_in6; all *outlen
 *   bytes are cleared first.
 * @param outlen on entry the room in out, on success the bytes used.
 * @return 0, or -1 when an argument is NULL, the address or port is
 *   malformed (a port must be 1 to 65535), or out is too small. */
EVENT2_EXPORT_SYMBOL
int evutil_parse_sockaddr_port(const char *str, struct sockaddr *out, int *outlen);

/** @brief Order two socket addresses.
 *
 * Addresses of different families order by family; AF_INET and AF_INET6
 * addresses by address, then port.
 * @param sa1 the first address.
 * @param sa2 the second address.
 * @param include_port nonzero to compare ports too.
 * @return negative, 0 or positive as sa1 sorts before, equal to or after
 *   sa2. */
EVENT2_EXPORT_SYMBOL
int evutil_sockaddr_cmp(const struct sockaddr *sa1, const struct sockaddr *sa2,
    int include_port);

/* ---- Name resolution -----------------------------------------------------
 * The system struct addrinfo serves as struct evutil_addrinfo. */
/** The address list of evutil_getaddrinfo(): the system's struct addrinfo
 * (ai_flags, ai_family, ai_socktype, ai_protocol, ai_addrlen, ai_addr,
 * ai_canonname, ai_next); free a list with evutil_freeaddrinfo(). */
#define evutil_addrinfo addrinfo

/* Error codes of evutil_getaddrinfo().  They are the system's EAI_* values
 * when <netdb.h> declared them, and libevent's own numbers otherwise (for
 * example when the program's feature-test macros hid them). */
/** @{ */
/** Error codes returned by evutil_getaddrinfo() (and passed to the callbacks
 * of evdns_getaddrinfo()), named as getaddrinfo()'s EAI_* codes: the
 * system's value where <netdb.h> defines it, libevent's own number (-901 to
 * -911) otherwise.  evutil_gai_strerror() turns one into a message. */
/** getaddrinfo error: the host has no address of the requested family. */
#if defined(EAI_ADDRFAMILY)
#define EVUTIL_EAI_ADDRFAMILY EAI_ADDRFAMILY
#else
#define EVUTIL_EAI_ADDRFAMILY -901
#endif
/** getaddrinfo error: a temporary failure: try again later. */
#if defined(EAI_AGAIN)
#define EVUTIL_EAI_AGAIN EAI_AGAIN
#else
#define EVUTIL_EAI_AGAIN -902
#endif
/** getaddrinfo error: invalid ai_flags in the hints. */
#if defined(EAI_BADFLAGS)
#define EVUTIL_EAI_BADFLAGS EAI_BADFLAGS
#else
#define EVUTIL_EAI_BADFLAGS -903
#endif
/** getaddrinfo error: a permanent failure of the lookup. */
#if defined(EAI_FAIL)
#define EVUTIL_EAI_FAIL EAI_FAIL
#else
#define EVUTIL_EAI_FAIL -904
#endif
/** getaddrinfo error: the address family is not supported. */
#if defined(EAI_FAMILY)
#define EVUTIL_EAI_FAMILY EAI_FAMILY
#else
#define EVUTIL_EAI_FAMILY -905
#endif
/** getaddrinfo error: out of memory. */
#if defined(EAI_MEMORY)
#define EVUTIL_EAI_MEMORY EAI_MEMORY
#else
#define EVUTIL_EAI_MEMORY -906
#endif
/** getaddrinfo error: the host exists but has no address. */
#if defined(EAI_NODATA) && (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
#define EVUTIL_EAI_NODATA EAI_NODATA
#else
#define EVUTIL_EAI_NODATA -907
#endif
/** getaddrinfo error: the name or service is unknown. */
#if defined(EAI_NONAME)
#define EVUTIL_EAI_NONAME EAI_NONAME
#else
#define EVUTIL_EAI_NONAME -908
#endif
/** getaddrinfo error: the service is not available for the socket type. */
#if defined(EAI_SERVICE)
#define EVUTIL_EAI_SERVICE EAI_SERVICE
#else
#define EVUTIL_EAI_SERVICE -909
#endif
/** getaddrinfo error: the socket type is not supported. */
#if defined(EAI_SOCKTYPE)
#define EVUTIL_EAI_SOCKTYPE EAI_SOCKTYPE
#else
#define EVUTIL_EAI_SOCKTYPE -910
#endif
/** getaddrinfo error: a system error: see errno. */
#if defined(EAI_SYSTEM)
#define EVUTIL_EAI_SYSTEM EAI_SYSTEM
#else
#define EVUTIL_EAI_SYSTEM -911
#endif
/** @} */
/** The request was cancelled (evdns_getaddrinfo_cancel()). */
#define EVUTIL_EAI_CANCEL -90001

/* Hint flags of evutil_getaddrinfo(): the system's AI_* values, with the
 * same fallback rule as the error codes. */
/** @{ */
/** Flags for the ai_flags field of evutil_getaddrinfo()'s hints, with the
 * meaning of getaddrinfo()'s AI_* flags (PASSIVE: an address to bind;
 * CANONNAME: fill ai_canonname; NUMERICHOST/NUMERICSERV: no name lookup;
 * V4MAPPED/ALL: IPv4 results as IPv6; ADDRCONFIG: only families the host
 * has addresses of).  The system's values where defined. */
/** getaddrinfo hint flag: return addresses to bind (the wildcard when nodename is NULL). */
#if defined(AI_PASSIVE)
#define EVUTIL_AI_PASSIVE AI_PASSIVE
#else
#define EVUTIL_AI_PASSIVE 0x1000
#endif
/** getaddrinfo hint flag: fill ai_canonname of the first result. */
#if defined(AI_CANONNAME)
#define EVUTIL_AI_CANONNAME AI_CANONNAME
#else
#define EVUTIL_AI_CANONNAME 0x2000
#endif
/** getaddrinfo hint flag: nodename must be a numeric address: no name lookup. */
#if defined(AI_NUMERICHOST)
#define EVUTIL_AI_NUMERICHOST AI_NUMERICHOST
#else
#define EVUTIL_AI_NUMERICHOST 0x4000
#endif
/** getaddrinfo hint flag: servname must be a port number: no service lookup. */
#if defined(AI_NUMERICSERV)
#define EVUTIL_AI_NUMERICSERV AI_NUMERICSERV
#else
#define EVUTIL_AI_NUMERICSERV 0x8000
#endif
/** getaddrinfo hint flag: with AF_INET6, return IPv4 results as IPv4-mapped IPv6 addresses. */
#if defined(AI_V4MAPPED)
#define EVUTIL_AI_V4MAPPED AI_V4MAPPED
#else
#define EVUTIL_AI_V4MAPPED 0x10000
#endif
/** getaddrinfo hint flag: with V4MAPPED, return IPv6 and mapped IPv4 results. */
#if defined(AI_ALL)
#define EVUTIL_AI_ALL AI_ALL
#else
#define EVUTIL_AI_ALL 0x20000
#endif
/** getaddrinfo hint flag: only return families the host has addresses of. */
#if defined(AI_ADDRCONFIG)
#define EVUTIL_AI_ADDRCONFIG AI_ADDRCONFIG
#else
#define EVUTIL_AI_ADDRCONFIG 0x40000
#endif
/** @} */

struct evutil_addrinfo;

/** @brief Resolve a host and service name, blocking (getaddrinfo()).
 *
 * Numeric addresses and ports are answered without asking the system;
 * everything else goes to the system's getaddrinfo(), which may block on
 * the network.  Only ai_flags, ai_family, ai_socktype and ai_protocol of
 * the hints are used; without hints any family is asked for with no flags.
 * evdns_getaddrinfo() is the non-blocking variant.
 * @param nodename the host name or numeric address, or NULL (with
 *   EVUTIL_AI_PASSIVE: the wildcard address; otherwise loopback).
 * @param servname the service name or port number, or NULL.
 * @param hints_in the hints, or NULL.
 * @param res receives the list of results, owned by the caller (release it
 *   with evutil_freeaddrinfo()); NULL on failure.
 * @return 0, or an EVUTIL_EAI_* code (EVUTIL_EAI_SYSTEM with errno EINVAL
 *   when res is NULL). */
EVENT2_EXPORT_SYMBOL
int evutil_getaddrinfo(const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in, struct evutil_addrinfo **res);

/** @brief Free a result list of evutil_getaddrinfo() or
 * evdns_getaddrinfo().
 * @param ai the list; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void evutil_freeaddrinfo(struct evutil_addrinfo *ai);

/** @brief Describe an EVUTIL_EAI_* code.
 * @param err the code (0, EVUTIL_EAI_CANCEL and the others).
 * @return a static English message, owned by the library. */
EVENT2_EXPORT_SYMBOL
const char *evutil_gai_strerror(int err);

/* ---- Random numbers ------------------------------------------------------ */
/** @brief Fill memory with random bytes.
 *
 * The generator (a ChaCha20 stream) is seeded from the kernel on first use
 * and re-seeded after fork().  Good for DNS transaction ids and the like.
 * @param buf where to write.
 * @param n how many bytes; NULL buf or 0 does nothing. */
EVENT2_EXPORT_SYMBOL
void evutil_secure_rng_get_bytes(void *buf, size_t n);

/** @brief Seed the random number generator now.
 *
 * Useful before chroot() or dropping the privileges that reading the
 * random device needs.
 * @return 0 once seeded (also when it already was), -1 when no seed could
 *   be read. */
EVENT2_EXPORT_SYMBOL
int evutil_secure_rng_init(void);

/** @brief Name the device read for a seed when getrandom() is not
 * available.
 * @param fname the device path, copied; NULL or "" restores /dev/urandom.
 * @return 0, or -1 when the path is too long. */
EVENT2_EXPORT_SYMBOL
int evutil_secure_rng_set_urandom_device_file(char *fname);

/** @brief Mix extra entropy into the random number generator.
 * @param dat the bytes; NULL does nothing.
 * @param datlen their number. */
EVENT2_EXPORT_SYMBOL
void evutil_secure_rng_add_bytes(const char *dat, size_t datlen);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_UTIL_H_INCLUDED_ */
