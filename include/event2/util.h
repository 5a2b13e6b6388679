/** @file
 * event2/util.h: portable helpers that the rest of the API builds on.
 *
 * Fixed-width integer names (ev_uint32_t, ...), the socket type, timeval
 * arithmetic, address parsing and formatting, a getaddrinfo() wrapper with
 * its own error and flag constants, monotonic clocks and a secure random
 * number generator.
 *
 * These functions keep no state of their own, except the secure random
 * number generator (seeded on first use): they may be called from any
 * thread and from any callback. */
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

/** Create a connected pair of sockets, as socketpair(); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_socketpair(int d, int type, int protocol, evutil_socket_t sv[2]);

/** Put a socket into non-blocking mode; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_make_socket_nonblocking(evutil_socket_t sock);

/** Let a listener's address be bound again right after it is closed
 * (SO_REUSEADDR); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_reuseable(evutil_socket_t sock);

/** Let several sockets listen on the same port (SO_REUSEPORT); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_reuseable_port(evutil_socket_t sock);

/** Restrict an IPv6 listener to IPv6 traffic (IPV6_V6ONLY); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_make_listen_socket_ipv6only(evutil_socket_t sock);

/** Close the socket automatically in exec'd programs (FD_CLOEXEC); 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_make_socket_closeonexec(evutil_socket_t sock);

/** @{ */
/** Close a socket; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_closesocket(evutil_socket_t sock);
#define EVUTIL_CLOSESOCKET(s) evutil_closesocket(s)
/** @} */

/** Ask the kernel to complete accept() only once the client has sent data
 * (TCP_DEFER_ACCEPT); 0 whether or not supported, -1 on error. */
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

/** @{ */
/** Configuration flags: prefer precision over speed, or force the portable
 * fallback clock. */
#define EV_MONOT_PRECISE  1
#define EV_MONOT_FALLBACK 2
/** @} */

/** Allocate a monotonic clock; configure it before reading it. */
EVENT2_EXPORT_SYMBOL
struct evutil_monotonic_timer * evutil_monotonic_timer_new(void);

/** Release a clock from evutil_monotonic_timer_new(). */
EVENT2_EXPORT_SYMBOL
void evutil_monotonic_timer_free(struct evutil_monotonic_timer *timer);

/** Choose the clock source according to EV_MONOT_* flags; 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_configure_monotonic_time(struct evutil_monotonic_timer *timer,
                                    int flags);

/** Read a configured clock into *tp.  The value never goes backwards but has
 * no fixed origin; one clock must not be read by two threads at once. */
EVENT2_EXPORT_SYMBOL
int evutil_gettime_monotonic(struct evutil_monotonic_timer *timer,
                             struct timeval *tp);

/* ---- Strings and numbers ------------------------------------------------ */
/** Write an RFC 1123 date (as used by HTTP) for tm, or for now when tm is
 * NULL, into date[datelen]; returns the number of characters written. */
EVENT2_EXPORT_SYMBOL int
evutil_date_rfc1123(char *date, const size_t datelen, const struct tm *tm);

/** Parse a 64-bit integer; arguments as for strtol(). */
EVENT2_EXPORT_SYMBOL
ev_int64_t evutil_strtoll(const char *s, char **endptr, int base);

/** snprintf() with C99 semantics: always NUL-terminates, returns the length
 * the full output would have had. */
EVENT2_EXPORT_SYMBOL
int evutil_snprintf(char *buf, size_t buflen, const char *format, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
;

/** vsnprintf() with the same guarantees as evutil_snprintf(). */
EVENT2_EXPORT_SYMBOL
int evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 0)))
#endif
;

/** Case-insensitive comparison over ASCII only, independent of the locale;
 * meant for text protocols. */
EVENT2_EXPORT_SYMBOL
int evutil_ascii_strcasecmp(const char *str1, const char *str2);

/** As evutil_ascii_strcasecmp(), looking at no more than n characters. */
EVENT2_EXPORT_SYMBOL
int evutil_ascii_strncasecmp(const char *str1, const char *str2, size_t n);

/* ---- Addresses ------------------------------------------------------------ */
/** Format a binary address as text, as inet_ntop(). */
EVENT2_EXPORT_SYMBOL
const char *evutil_inet_ntop(int af, const void *src, char *dst, size_t len);

/** inet_pton() that also accepts an IPv6 zone ("fe80::1%eth0") and stores
 * its interface index in *indexp.  Exposed for tests. */
EVENT2_EXPORT_SYMBOL
int evutil_inet_pton_scope(int af, const char *src, void *dst,
	unsigned *indexp);

/** Parse a textual address into binary, as inet_pton(). */
EVENT2_EXPORT_SYMBOL
int evutil_inet_pton(int af, const char *src, void *dst);

struct sockaddr;

/** Parse "1.2.3.4", "1.2.3.4:80", "::1", "[::1]" or "[::1]:80" into *out.
 * On entry *outlen is the room in out, on success the bytes used; a missing
 * port becomes 0.  Returns 0, or -1 for a malformed address or port or when
 * out is too small. */
EVENT2_EXPORT_SYMBOL
int evutil_parse_sockaddr_port(const char *str, struct sockaddr *out, int *outlen);

/** Order two AF_INET/AF_INET6 addresses (negative, 0, positive), comparing
 * ports too when include_port is nonzero. */
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
#if defined(EAI_ADDRFAMILY)
#define EVUTIL_EAI_ADDRFAMILY EAI_ADDRFAMILY
#else
#define EVUTIL_EAI_ADDRFAMILY -901
#endif
#if defined(EAI_AGAIN)
#define EVUTIL_EAI_AGAIN EAI_AGAIN
#else
#define EVUTIL_EAI_AGAIN -902
#endif
#if defined(EAI_BADFLAGS)
#define EVUTIL_EAI_BADFLAGS EAI_BADFLAGS
#else
#define EVUTIL_EAI_BADFLAGS -903
#endif
#if defined(EAI_FAIL)
#define EVUTIL_EAI_FAIL EAI_FAIL
#else
#define EVUTIL_EAI_FAIL -904
#endif
#if defined(EAI_FAMILY)
#define EVUTIL_EAI_FAMILY EAI_FAMILY
#else
#define EVUTIL_EAI_FAMILY -905
#endif
#if defined(EAI_MEMORY)
#define EVUTIL_EAI_MEMORY EAI_MEMORY
#else
#define EVUTIL_EAI_MEMORY -906
#endif
#if defined(EAI_NODATA) && (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
#define EVUTIL_EAI_NODATA EAI_NODATA
#else
#define EVUTIL_EAI_NODATA -907
#endif
#if defined(EAI_NONAME)
#define EVUTIL_EAI_NONAME EAI_NONAME
#else
#define EVUTIL_EAI_NONAME -908
#endif
#if defined(EAI_SERVICE)
#define EVUTIL_EAI_SERVICE EAI_SERVICE
#else
#define EVUTIL_EAI_SERVICE -909
#endif
#if defined(EAI_SOCKTYPE)
#define EVUTIL_EAI_SOCKTYPE EAI_SOCKTYPE
#else
#define EVUTIL_EAI_SOCKTYPE -910
#endif
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
#if defined(AI_PASSIVE)
#define EVUTIL_AI_PASSIVE AI_PASSIVE
#else
#define EVUTIL_AI_PASSIVE 0x1000
#endif
#if defined(AI_CANONNAME)
#define EVUTIL_AI_CANONNAME AI_CANONNAME
#else
#define EVUTIL_AI_CANONNAME 0x2000
#endif
#if defined(AI_NUMERICHOST)
#define EVUTIL_AI_NUMERICHOST AI_NUMERICHOST
#else
#define EVUTIL_AI_NUMERICHOST 0x4000
#endif
#if defined(AI_NUMERICSERV)
#define EVUTIL_AI_NUMERICSERV AI_NUMERICSERV
#else
#define EVUTIL_AI_NUMERICSERV 0x8000
#endif
#if defined(AI_V4MAPPED)
#define EVUTIL_AI_V4MAPPED AI_V4MAPPED
#else
#define EVUTIL_AI_V4MAPPED 0x10000
#endif
#if defined(AI_ALL)
#define EVUTIL_AI_ALL AI_ALL
#else
#define EVUTIL_AI_ALL 0x20000
#endif
#if defined(AI_ADDRCONFIG)
#define EVUTIL_AI_ADDRCONFIG AI_ADDRCONFIG
#else
#define EVUTIL_AI_ADDRCONFIG 0x40000
#endif
/** @} */

struct evutil_addrinfo;

/** Blocking getaddrinfo() (RFC 3493) with libevent's extra checks; results
 * are released with evutil_freeaddrinfo().  Returns 0 or an EVUTIL_EAI_*
 * code.  evdns_getaddrinfo() is the non-blocking variant. */
EVENT2_EXPORT_SYMBOL
int evutil_getaddrinfo(const char *nodename, const char *servname,
    const struct evutil_addrinfo *hints_in, struct evutil_addrinfo **res);

/** Free a list from evutil_getaddrinfo() or evdns_getaddrinfo(). */
EVENT2_EXPORT_SYMBOL
void evutil_freeaddrinfo(struct evutil_addrinfo *ai);

/** Describe an EVUTIL_EAI_* code. */
EVENT2_EXPORT_SYMBOL
const char *evutil_gai_strerror(int err);

/* ---- Random numbers ------------------------------------------------------ */
/** Fill buf with n pseudorandom bytes from the library's seeded generator.
 * Good enough for DNS ids and the like, not for keys. */
EVENT2_EXPORT_SYMBOL
void evutil_secure_rng_get_bytes(void *buf, size_t n);

/** Seed the generator now if not done yet; 0 once seeded, -1 if seeding is
 * impossible.  Useful before dropping the privileges seeding needs. */
EVENT2_EXPORT_SYMBOL
int evutil_secure_rng_init(void);

/** Use another device than /dev/urandom for seeding.  Call before any other
 * RNG function; the string is kept, not copied.  0 or -1. */
EVENT2_EXPORT_SYMBOL
int evutil_secure_rng_set_urandom_device_file(char *fname);

/** Mix datlen extra bytes of entropy from dat into the generator. */
EVENT2_EXPORT_SYMBOL
void evutil_secure_rng_add_bytes(const char *dat, size_t datlen);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_UTIL_H_INCLUDED_ */
