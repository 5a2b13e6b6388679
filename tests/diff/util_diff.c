/* Differential test of event2/util.h: runs many inputs through the evutil
 * API and prints every result, so the reference and our library can be
 * compared line by line.  Nothing here may depend on time, addresses of
 * memory, or other run-to-run noise. */
#include <event2/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "loaded_lib.h"

/* ai_flags bit libevent sets on lists it allocated itself; whether a list
 * came from the system resolver or not is not observable behaviour. */
#define LIBEVENT_ALLOCATED_FLAG 0x80000000

static void hex(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;
	for (i = 0; i < n; ++i)
		printf("%02x", b[i]);
}

static void print_sockaddr(const struct sockaddr *sa)
{
	char buf[128];
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		printf("inet %s port %d",
		    inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)),
		    ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		printf("inet6 %s port %d scope %u flow %u",
		    inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf)),
		    ntohs(sin6->sin6_port), (unsigned)sin6->sin6_scope_id,
		    (unsigned)sin6->sin6_flowinfo);
	} else {
		printf("family %d", sa->sa_family);
	}
}

static void test_inet_pton(void)
{
	static const char *v4[] = { "1.2.3.4", "0.0.0.0", "255.255.255.255",
	    "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4",
	    "1..3.4", "", "a.b.c.d", "1.2.3.04", "127.0.0.1", "1.2.3.-4",
	    "4294967295", "0x1.2.3.4", "1.2.3.4:80", "1.2.3.+4", "1. 2.3.4",
	    "4294967297.1.1.1", "1.2.3.-0", "1.2.3.4\n", "1.2.3.-4294967295", "+1.2.3.4",
	    "1.2.3.99999999999999999999999" };
	static const char *v6[] = { "::", "::1", "1::", "1:2:3:4:5:6:7:8",
	    "1:2:3:4:5:6:7:8:9", "1::2::3", "fe80::1", "::ffff:1.2.3.4",
	    "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", ":::",
	    "12345::", "g::1", "", "::1%1", "ABCD:ef01::", "[::1]", "1:2:3:4:5:6:7::",
	    "::2:3:4:5:6:7:8", "0:0:0:0:0:0:0:0", "1.2.3.4", ":1::", "0x12::", "00001::", "::ffff: 1.2.3.4",
	    "1:2:3:4:5:6:7:8::", "::1.2.3.4x", "1.2.3.4::", "::a1.2.3.4", "0x::",
	    "::+1.2.3.4", "::1. 2.3.4", "::ffff1.2.3.4", "::ff1.2.3.4", "1:2:3:4:5::1.2.3.4",
	    "1:2:3:4:5:6::1.2.3.4", "::1:2:3:4:5:6:7", "1::2:3:4:5:6:7", "0xfff::", ".1::",
	    "1:2:3:4:5:6:7:8.", "fFfF::eEeE", "1::1.2.3.4", ":", "::0:", "0X1::" };
	size_t i;
	unsigned char out[16];
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); ++i) {
		int r;
		memset(out, 0xee, sizeof(out));
		r = evutil_inet_pton(AF_INET, v4[i], out);
		printf("pton4 '%s' -> %d ", v4[i], r);
		if (r == 1)
			hex(out, 4);
		printf("\n");
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); ++i) {
		int r;
		memset(out, 0xee, sizeof(out));
		r = evutil_inet_pton(AF_INET6, v6[i], out);
		printf("pton6 '%s' -> %d ", v6[i], r);
		if (r == 1)
			hex(out, 16);
		printf("\n");
	}
	{
		int r;
		errno = 0;
		r = evutil_inet_pton(AF_UNIX, "1.2.3.4", out);
		printf("pton badfamily -> %d errno %d\n", r, errno);
	}
}

static void test_inet_pton_scope(void)
{
	static const char *cases[] = { "fe80::1%lo", "fe80::1%1", "fe80::1%0",
	    "fe80::1%", "fe80::1%99999", "fe80::1%nosuchif0", "fe80::1%1x",
	    "::1", "fe80::1%%1", "fe80::1%-1", "bad%1", "fe80::1%4294967296",
	    "fe80::1%+5", "fe80::1% 5" };
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		unsigned char out[16];
		unsigned idx = 12345;
		int r = evutil_inet_pton_scope(AF_INET6, cases[i], out, &idx);
		printf("pton_scope6 '%s' -> %d", cases[i], r);
		if (r == 1) {
			printf(" idx %u ", idx);
			hex(out, 16);
		}
		printf("\n");
	}
	{
		unsigned char out[4];
		unsigned idx = 7;
		int r = evutil_inet_pton_scope(AF_INET, "1.2.3.4", out, &idx);
		printf("pton_scope4 -> %d idx %u ", r, idx);
		hex(out, 4);
		printf("\n");
		r = evutil_inet_pton_scope(AF_INET, "1.2.3.4%1", out, &idx);
		printf("pton_scope4 with scope -> %d\n", r);
	}
}

static void test_inet_ntop(void)
{
	static const char *v6[] = { "::", "::1", "1::", "1:2:3:4:5:6:7:8",
	    "::ffff:1.2.3.4", "::1.2.3.4", "1:0:0:2:0:0:0:3", "1:0:0:2:0:0:3:4",
	    "fe80::1", "0:0:1::", "1:0:1:0:1:0:1:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "::fffe:1.2.3.4", "::ffff:0:1.2.3.4", "0:0:0:0:0:1:0:0" };
	size_t i, len;
	char buf[64];
	struct in_addr a4;
	inet_pton(AF_INET, "192.168.100.200", &a4);
	for (len = 0; len <= 16; ++len) {
		const char *r;
		memset(buf, 'x', sizeof(buf));
		errno = 0;
		r = evutil_inet_ntop(AF_INET, &a4, buf, len);
		printf("ntop4 len %u -> %s", (unsigned)len, r ? r : "NULL");
		if (!r)
			printf(" errno %d", errno);
		printf("\n");
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); ++i) {
		struct in6_addr a6;
		const char *r;
		inet_pton(AF_INET6, v6[i], &a6);
		r = evutil_inet_ntop(AF_INET6, &a6, buf, sizeof(buf));
		printf("ntop6 %s -> %s\n", v6[i], r ? r : "NULL");
		r = evutil_inet_ntop(AF_INET6, &a6, buf, 8);
		printf("ntop6 short %s -> %s\n", v6[i], r ? r : "NULL");
	}
	{
		const char *r;
		errno = 0;
		r = evutil_inet_ntop(AF_UNIX, &a4, buf, sizeof(buf));
		printf("ntop badfamily -> %s errno %d\n", r ? "ok" : "NULL", errno);
	}
}

static void test_parse_sockaddr_port(void)
{
	static const char *cases[] = { "1.2.3.4", "1.2.3.4:80", "1.2.3.4:0",
	    "1.2.3.4:65535", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:", "1.2.3.4:x",
	    "1.2.3.4:80x", "1.2.3.4: 80", "1.2.3.4:+80", "1.2.3.4:99999999999999",
	    "[::1]", "[::1]:80", "[::1]:", "[::1]:0", "[::1]:65536", "[::1]x",
	    "[::1]:80:90", "[::1", "::1", "::1:80", "fe80::1", "[fe80::1%1]:8080",
	    "fe80::1%1", "[fe80::1%lo]:1", "[1.2.3.4]:80", "[1.2.3.4]", "",
	    ":80", "[]:80", "[]", "localhost:80", "example.com", "1.2.3:80",
	    "256.0.0.1:80", "1.2.3.4:80:90", "[::ffff:1.2.3.4]:443",
	    "111111111111111111111111111111111111111111111111111111111111111:1",
	    "[1111:1111:1111:1111:1111:1111:1111:1111:1111:1111:1111:1111:1111]:1",
	    "0.0.0.0:1", "[::]:1" };
	static const int lens[] = { (int)sizeof(struct sockaddr_storage),
	    (int)sizeof(struct sockaddr_in6), (int)sizeof(struct sockaddr_in), 8, 0 };
	size_t i, j;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); ++j) {
			struct sockaddr_storage ss;
			int outlen = lens[j];
			int r;
			memset(&ss, 0xaa, sizeof(ss));
			r = evutil_parse_sockaddr_port(cases[i], (struct sockaddr *)&ss, &outlen);
			printf("parse '%s' len %d -> %d outlen %d", cases[i], lens[j], r, outlen);
			if (r == 0) {
				printf(" ");
				print_sockaddr((struct sockaddr *)&ss);
			}
			printf(" bytes ");
			hex(&ss, 40);
			printf("\n");
		}
	}
}

static void set_sa(struct sockaddr_storage *ss, const char *s)
{
	int len = sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	if (evutil_parse_sockaddr_port(s, (struct sockaddr *)ss, &len) != 0)
		printf("setup failed for %s\n", s);
}

static int sign(int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }

static void test_sockaddr_cmp(void)
{
	static const char *addrs[] = { "1.2.3.4:80", "1.2.3.4:81", "1.2.3.5:80",
	    "1.2.3.4", "10.0.0.1:1", "[::1]:80", "[::1]:81", "[::2]:80", "[::1]",
	    "[fe80::1%1]:80", "[fe80::1%2]:80", "1.2.3.4:255", "1.2.3.4:256",
	    "[::1]:255", "[::1]:256", "255.0.0.1", "1.0.0.255" };
	size_t i, j;
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); ++i) {
		for (j = 0; j < sizeof(addrs) / sizeof(addrs[0]); ++j) {
			struct sockaddr_storage a, b;
			set_sa(&a, addrs[i]);
			set_sa(&b, addrs[j]);
			printf("cmp %s %s -> %d %d\n", addrs[i], addrs[j],
			    sign(evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 1)),
			    sign(evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 0)));
		}
	}
	{
		struct sockaddr_un u1, u2;
		memset(&u1, 0, sizeof(u1));
		memset(&u2, 0, sizeof(u2));
		u1.sun_family = u2.sun_family = AF_UNIX;
		printf("cmp unix -> %d\n",
		    sign(evutil_sockaddr_cmp((struct sockaddr *)&u1, (struct sockaddr *)&u2, 1)));
	}
}

static int call_vsnprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evutil_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return r;
}

static void test_snprintf(void)
{
	size_t len;
	char buf[32];
	for (len = 0; len <= 12; ++len) {
		int r;
		memset(buf, 'x', sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		r = evutil_snprintf(buf, len, "%d-%s", 12345, "abcd");
		printf("snprintf len %u -> %d '%s'\n", (unsigned)len, r, buf);
		memset(buf, 'x', sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		r = call_vsnprintf(buf, len, "%s|%c|%x", "hi", 'Z', 255);
		printf("vsnprintf len %u -> %d '%s'\n", (unsigned)len, r, buf);
	}
	printf("snprintf NULL,0 -> %d\n", evutil_snprintf(NULL, 0, "%s", "twelve chars"));
	printf("snprintf empty -> %d\n", evutil_snprintf(buf, sizeof(buf), "%s", ""));
	evutil_snprintf(buf, sizeof(buf), "%lld %5.2f %-4s|", (long long)-42, 3.14159, "ab");
	printf("snprintf mix '%s'\n", buf);
}

static void test_strtoll(void)
{
	static const struct { const char *s; int base; } cases[] = {
		{ "0", 10 }, { "123", 10 }, { "-123", 10 }, { "+77", 10 },
		{ "  42abc", 10 }, { "0x1f", 16 }, { "0x1f", 0 }, { "017", 0 },
		{ "017", 10 }, { "zz", 36 }, { "9223372036854775807", 10 },
		{ "9223372036854775808", 10 }, { "-9223372036854775808", 10 },
		{ "-9223372036854775809", 10 }, { "", 10 }, { "abc", 10 },
		{ "1010", 2 }, { "  -0x10", 16 }, { "99999999999999999999999", 0 } };
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		char *end = NULL;
		ev_int64_t v;
		errno = 0;
		v = evutil_strtoll(cases[i].s, &end, cases[i].base);
		printf("strtoll '%s' %d -> %lld end %d errno %d\n", cases[i].s,
		    cases[i].base, (long long)v, (int)(end - cases[i].s), errno);
	}
	printf("strtoll noend -> %lld\n", (long long)evutil_strtoll("55", NULL, 10));
}

static void test_strcasecmp(void)
{
	static const char *cases[][2] = { { "abc", "ABC" }, { "abc", "abd" },
	    { "abd", "abc" }, { "", "" }, { "a", "" }, { "", "a" },
	    { "Hello World", "hello world" }, { "[", "{" }, { "@", "`" },
	    { "\xc4", "\xe4" }, { "\x80", "a" }, { "a", "\xff" }, { "Z", "z" },
	    { "_", "a" }, { "abcdef", "ABCxyz" }, { "abc", "abcd" } };
	size_t i, n;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		printf("strcasecmp %u -> %d", (unsigned)i,
		    evutil_ascii_strcasecmp(cases[i][0], cases[i][1]));
		for (n = 0; n <= 4; ++n)
			printf(" n%u:%d", (unsigned)n,
			    evutil_ascii_strncasecmp(cases[i][0], cases[i][1], n));
		printf("\n");
	}
}

static void print_ai_list(const struct evutil_addrinfo *ai)
{
	for (; ai; ai = ai->ai_next) {
		printf("    flags %#x family %d socktype %d protocol %d addrlen %d canon %s ",
		    ai->ai_flags & ~LIBEVENT_ALLOCATED_FLAG, ai->ai_family,
		    ai->ai_socktype, ai->ai_protocol, (int)ai->ai_addrlen,
		    ai->ai_canonname ? ai->ai_canonname : "(null)");
		print_sockaddr(ai->ai_addr);
		printf("\n");
	}
}

static void test_getaddrinfo(void)
{
	static const char *nodes[] = { "1.2.3.4", "::1", "fe80::1%1", "127.0.0.1",
	    NULL, "0.0.0.0", "::", "::ffff:1.2.3.4", "1.2.3", "[::1]", "" };
	static const char *servs[] = { NULL, "80", "0", "65535", "65536", "-1",
	    "http", "80x", "" };
	static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX };
	static const int socktypes[] = { 0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 99 };
	static const int protocols[] = { 0, IPPROTO_TCP, IPPROTO_UDP };
	static const int flagsets[] = { 0, EVUTIL_AI_PASSIVE, EVUTIL_AI_NUMERICHOST,
	    EVUTIL_AI_NUMERICSERV, EVUTIL_AI_CANONNAME,
	    EVUTIL_AI_V4MAPPED, EVUTIL_AI_V4MAPPED | EVUTIL_AI_ALL,
	    EVUTIL_AI_PASSIVE | EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV,
	    EVUTIL_AI_ADDRCONFIG, EVUTIL_AI_ADDRCONFIG | EVUTIL_AI_V4MAPPED,
	    EVUTIL_AI_CANONNAME | EVUTIL_AI_PASSIVE, 0x40000000 };
	size_t n, s, f, t, p, fl;
	for (n = 0; n < sizeof(nodes) / sizeof(nodes[0]); ++n)
	for (s = 0; s < sizeof(servs) / sizeof(servs[0]); ++s)
	for (f = 0; f < sizeof(families) / sizeof(families[0]); ++f)
	for (t = 0; t < sizeof(socktypes) / sizeof(socktypes[0]); ++t)
	for (p = 0; p < sizeof(protocols) / sizeof(protocols[0]); ++p)
	for (fl = 0; fl < sizeof(flagsets) / sizeof(flagsets[0]); ++fl) {
		struct evutil_addrinfo hints, *res = NULL;
		int r;
		/* Service names and "http" need /etc/services; keep to the
		 * common combinations to bound the output. */
		if (p && t > 2)
			continue;
		if (fl && (p || t > 1))
			continue;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = families[f];
		hints.ai_socktype = socktypes[t];
		hints.ai_protocol = protocols[p];
		hints.ai_flags = flagsets[fl];
		r = evutil_getaddrinfo(nodes[n], servs[s], &hints, &res);
		printf("gai node %s serv %s fam %d type %d proto %d flags %#x -> %d (%s)\n",
		    nodes[n] ? nodes[n] : "NULL", servs[s] ? servs[s] : "NULL",
		    families[f], socktypes[t], protocols[p], flagsets[fl], r,
		    evutil_gai_strerror(r));
		if (r == 0) {
			print_ai_list(res);
			evutil_freeaddrinfo(res);
		}
	}
	{
		struct evutil_addrinfo *res = NULL;
		int r = evutil_getaddrinfo("1.2.3.4", "80", NULL, &res);
		printf("gai no hints -> %d\n", r);
		if (r == 0) {
			print_ai_list(res);
			evutil_freeaddrinfo(res);
		}
		r = evutil_getaddrinfo(NULL, NULL, NULL, &res);
		printf("gai NULL NULL -> %d (%s)\n", r, evutil_gai_strerror(r));
	}
}

static void test_gai_strerror(void)
{
	static const int codes[] = { 0, EVUTIL_EAI_ADDRFAMILY, EVUTIL_EAI_AGAIN,
	    EVUTIL_EAI_BADFLAGS, EVUTIL_EAI_FAIL, EVUTIL_EAI_FAMILY,
	    EVUTIL_EAI_MEMORY, EVUTIL_EAI_NODATA, EVUTIL_EAI_NONAME,
	    EVUTIL_EAI_SERVICE, EVUTIL_EAI_SOCKTYPE, EVUTIL_EAI_SYSTEM,
	    EVUTIL_EAI_CANCEL, 12345, -12345 };
	size_t i;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); ++i)
		printf("gai_strerror %d -> %s\n", codes[i], evutil_gai_strerror(codes[i]));
}

static void test_date(void)
{
	static const int wdays[] = { 0, 3, 6 };
	static const int mons[] = { 0, 5, 11 };
	size_t i;
	for (i = 0; i < 3; ++i) {
		struct tm tm;
		char buf[64];
		int r;
		memset(&tm, 0, sizeof(tm));
		tm.tm_wday = wdays[i];
		tm.tm_mon = mons[i];
		tm.tm_mday = 1 + (int)i * 9;
		tm.tm_year = 70 + (int)i * 40;
		tm.tm_hour = 1 + (int)i * 11;
		tm.tm_min = 2 + (int)i * 28;
		tm.tm_sec = 3 + (int)i * 28;
		r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
		printf("date %d '%s'\n", r, buf);
		memset(buf, 0, sizeof(buf));
		r = evutil_date_rfc1123(buf, 10, &tm);
		printf("date short %d '%s'\n", r, buf);
	}
	{
		char buf[64];
		int r = evutil_date_rfc1123(buf, sizeof(buf), NULL);
		/* Current time: only the shape is comparable. */
		printf("date now %d len %u gmt %d\n", r, (unsigned)strlen(buf),
		    strcmp(buf + strlen(buf) - 4, " GMT") == 0);
	}
}

static void test_sockets(void)
{
	evutil_socket_t fds[2];
	int r = evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
	printf("socketpair unix -> %d\n", r);
	if (r == 0) {
		char c = 0;
		r = evutil_make_socket_nonblocking(fds[0]);
		printf("nonblock -> %d flag %d\n", r,
		    (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
		printf("nonblock again -> %d\n", evutil_make_socket_nonblocking(fds[0]));
		printf("read nonblocking -> %d\n", (int)read(fds[0], &c, 1));
		r = evutil_make_socket_closeonexec(fds[0]);
		printf("cloexec -> %d flag %d\n", r,
		    (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) != 0);
		printf("close -> %d %d\n", evutil_closesocket(fds[0]),
		    evutil_closesocket(fds[1]));
	}
	printf("socketpair bad family -> %d\n", evutil_socketpair(12345, SOCK_STREAM, 0, fds));
	printf("nonblock bad -> %d\n", evutil_make_socket_nonblocking(-1));
	printf("cloexec bad -> %d\n", evutil_make_socket_closeonexec(-1));
	printf("reuse bad -> %d\n", evutil_make_listen_socket_reuseable(-1));
	printf("reuseport bad -> %d\n", evutil_make_listen_socket_reuseable_port(-1));
	printf("v6only bad -> %d\n", evutil_make_listen_socket_ipv6only(-1));
	printf("deferred bad -> %d\n", evutil_make_tcp_listen_socket_deferred(-1));
	printf("close bad -> %d\n", evutil_closesocket(-1));
	{
		int s = socket(AF_INET6, SOCK_STREAM, 0);
		if (s >= 0) {
			printf("reuse -> %d\n", evutil_make_listen_socket_reuseable(s));
			printf("reuseport -> %d\n", evutil_make_listen_socket_reuseable_port(s));
			printf("v6only -> %d\n", evutil_make_listen_socket_ipv6only(s));
			printf("deferred -> %d\n", evutil_make_tcp_listen_socket_deferred(s));
			evutil_closesocket(s);
		}
	}
}

static void test_misc(void)
{
	struct evutil_monotonic_timer *t = evutil_monotonic_timer_new();
	struct timeval a, b;
	int flags;
	for (flags = 0; flags < 4; ++flags) {
		int r1 = evutil_configure_monotonic_time(t, flags);
		int r2 = evutil_gettime_monotonic(t, &a);
		int r3 = evutil_gettime_monotonic(t, &b);
		printf("monotonic flags %d -> %d %d %d ordered %d\n", flags, r1, r2, r3,
		    evutil_timercmp(&a, &b, <=));
	}
	evutil_monotonic_timer_free(t);
	{
		unsigned char buf[64];
		size_t i, nz = 0;
		printf("rng init -> %d\n", evutil_secure_rng_init());
		memset(buf, 0, sizeof(buf));
		evutil_secure_rng_add_bytes("0123456789abcdef", 16);
		evutil_secure_rng_get_bytes(buf, sizeof(buf));
		for (i = 0; i < sizeof(buf); ++i)
			nz += buf[i] != 0;
		printf("rng nonzero bytes > 32: %d\n", nz > 32);
		evutil_secure_rng_get_bytes(buf, 0);
	}
}

int main(void)
{
	diff_report_loaded_libevent();
	test_inet_pton();
	test_inet_pton_scope();
	test_inet_ntop();
	test_parse_sockaddr_port();
	test_sockaddr_cmp();
	test_snprintf();
	test_strtoll();
	test_strcasecmp();
	test_gai_strerror();
	test_getaddrinfo();
	test_date();
	test_sockets();
	test_misc();
	return 0;
}
