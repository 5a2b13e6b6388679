/* Differential test of OpenSSL bufferevents (socket and filter mode): the
 * handshake in both roles and TLS 1.2/1.3, an echoed exchange, shutdown by
 * close_notify, a TCP close without it (dirty shutdown not allowed), a
 * certificate the client does not trust, connecting with fd -1 and the
 * accessors.  Left out: the cases where 2.1.12 is broken on OpenSSL 3
 * (an allowed dirty shutdown is reported as an error there) and how often
 * callbacks run (the reference reads 4 KiB at a time).  Events are
 * recorded per side and printed when a scenario ends, so the order in
 * which the two sides run does not matter.  Keys and certificates:
 * openssl_pki.h. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/util.h>

#include <openssl/err.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diff_check.h"
#include "loaded_lib.h"
#include "openssl_pki.h"

static struct event_base *base;

/* What one side saw. */
struct side {
	const char *name;
	struct bufferevent *bev;
	char events[256];
	int connected;
	int done; /* EOF, error or timeout seen */
	int echo; /* server: echo what it reads */
	struct evbuffer *got;
	unsigned long first_error;
};

static void note(struct side *s, const char *what)
{
	size_t n = strlen(s->events);
	snprintf(s->events + n, sizeof(s->events) - n, "%s%s", n ? " " : "", what);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;
	if (s->echo)
		bufferevent_write_buffer(bev, bufferevent_get_input(bev));
	else
		evbuffer_add_buffer(s->got, bufferevent_get_input(bev));
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct side *s = arg;
	char buf[64];
	snprintf(buf, sizeof(buf), "event:0x%x", (unsigned)what);
	note(s, buf);
	if (what & BEV_EVENT_CONNECTED) {
		s->connected = 1;
	} else {
		s->done = 1;
		if ((what & BEV_EVENT_ERROR) && s->first_error == 0)
			s->first_error = bufferevent_get_openssl_error(bev);
	}
}

static void init_side(struct side *s, const char *name, struct bufferevent *bev, int echo)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->bev = diff_must(bev, name);
	s->echo = echo;
	s->got = evbuffer_new();
	bufferevent_setcb(bev, read_cb, NULL, event_cb, s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void print_side(const struct side *s)
{
	printf("  %s: %s", s->name, s->events[0] ? s->events : "(no events)");
	if (s->first_error)
		printf(" error-reason:%d", ERR_GET_REASON(s->first_error));
	printf("\n");
}

static void free_side(struct side *s)
{
	if (s->bev)
		bufferevent_free(s->bev);
	evbuffer_free(s->got);
	s->bev = NULL;
}

static int run_until(int (*pred)(void *), void *arg)
{
	int i;
	for (i = 0; i < 2000 && !pred(arg); ++i) {
		struct timeval tv = {0, 5000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	return pred(arg);
}

struct two {
	struct side *a, *b;
	size_t want;
};

static int both_connected(void *p)
{
	struct two *t = p;
	return (t->a->connected || t->a->done) && (t->b->connected || t->b->done);
}

static int both_done(void *p)
{
	struct two *t = p;
	return t->a->done && t->b->done;
}

static int a_done(void *p) { return ((struct two *)p)->a->done; }

static int got_all(void *p)
{
	struct two *t = p;
	return evbuffer_get_length(t->b->got) >= t->want || t->b->done;
}

static void fill_pattern(char *buf, size_t n, unsigned seed)
{
	size_t i;
	unsigned x = seed;
	for (i = 0; i < n; ++i) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
}

/* Client sends `n` bytes, the server echoes them back. */
static void echo_exchange(struct side *srv_side, struct side *cli_side, size_t n)
{
	struct two t = {srv_side, cli_side, n};
	char *data = malloc(n);
	char *back = malloc(n);
	fill_pattern(data, n, (unsigned)n);
	bufferevent_write(cli_side->bev, data, n);
	run_until(got_all, &t);
	{
		size_t got = evbuffer_get_length(cli_side->got);
		int same = got == n && evbuffer_remove(cli_side->got, back, n) == (int)n &&
		    memcmp(data, back, n) == 0;
		printf("  echoed %u of %u bytes, %s\n", (unsigned)got, (unsigned)n,
		    same ? "identical" : "DIFFERENT");
	}
	free(data);
	free(back);
}

/* A server and a client TLS socket bufferevent on the two ends of a socket
 * pair, the server echoing, both closing their end when freed.  Returns
 * the client's descriptor. */
static int socket_sides(struct side *s, struct side *c, SSL_CTX *sc, SSL_CTX *cc)
{
	int fd[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0) {
		fprintf(stderr, "FAIL: socketpair\n");
		exit(1);
	}
	evutil_make_socket_nonblocking(fd[0]);
	evutil_make_socket_nonblocking(fd[1]);
	init_side(s, "server", bufferevent_openssl_socket_new(base, fd[0], SSL_new(sc),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE), 1);
	init_side(c, "client", bufferevent_openssl_socket_new(base, fd[1], SSL_new(cc),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE), 0);
	return fd[1];
}

static const char *vname(int v) { return v == TLS1_3_VERSION ? "TLS1.3" : "TLS1.2"; }

/* Socket mode: handshake, echo, then the server sends close_notify. */
static void scenario_socket_clean(int version)
{
	SSL_CTX *sc = server_ctx(version), *cc = client_ctx(version, ca);
	struct side s, c;
	struct two t = {&s, &c, 0};
	int client_fd;
	printf("socket %s: handshake, echo, close_notify\n", vname(version));
	client_fd = socket_sides(&s, &c, sc, cc);
	run_until(both_connected, &t);
	printf("  version %s, dirty allowed %d, underlying %s, fd %s\n",
	    SSL_get_version(bufferevent_openssl_get_ssl(c.bev)),
	    bufferevent_openssl_get_allow_dirty_shutdown(c.bev),
	    bufferevent_get_underlying(c.bev) ? "set" : "none",
	    bufferevent_getfd(c.bev) == client_fd ? "same" : "other");
	echo_exchange(&s, &c, 5);
	echo_exchange(&s, &c, 300000);
	SSL_shutdown(bufferevent_openssl_get_ssl(s.bev));
	t.a = &c;
	run_until(a_done, &t);
	print_side(&s);
	print_side(&c);
	free_side(&s);
	free_side(&c);
	SSL_CTX_free(sc);
	SSL_CTX_free(cc);
}

/* Socket mode: the server's socket closes without close_notify. */
static void scenario_socket_dirty(int version)
{
	SSL_CTX *sc = server_ctx(version), *cc = client_ctx(version, NULL);
	struct side s, c;
	struct two t = {&c, &s, 0};
	printf("socket %s: TCP close without close_notify\n", vname(version));
	socket_sides(&s, &c, sc, cc);
	run_until(both_connected, &t);
	echo_exchange(&s, &c, 1000);
	print_side(&s);
	free_side(&s);
	run_until(a_done, &t);
	print_side(&c);
	free_side(&c);
	SSL_CTX_free(sc);
	SSL_CTX_free(cc);
}

/* The client does not trust the server's certificate. */
static void scenario_untrusted(int version)
{
	SSL_CTX *sc = server_ctx(version), *cc = client_ctx(version, other_ca);
	struct side s, c;
	struct two t = {&s, &c, 0};
	printf("socket %s: untrusted certificate\n", vname(version));
	socket_sides(&s, &c, sc, cc);
	run_until(both_done, &t);
	print_side(&c);
	printf("  server failed too: %s\n", s.done && !s.connected ? "yes" : "no");
	free_side(&s);
	free_side(&c);
	SSL_CTX_free(sc);
	SSL_CTX_free(cc);
}

/* Filter mode over a bufferevent pair. */
static void scenario_filter_pair(int version)
{
	struct bufferevent *pair[2];
	SSL_CTX *sc = server_ctx(version), *cc = client_ctx(version, ca);
	struct side s, c;
	struct two t = {&s, &c, 0};
	printf("filter over pair %s: handshake, echo, close_notify\n", vname(version));
	if (bufferevent_pair_new(base, 0, pair) != 0) {
		fprintf(stderr, "FAIL: pair\n");
		exit(1);
	}
	init_side(&s, "server", bufferevent_openssl_filter_new(base, pair[0], SSL_new(sc),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE), 1);
	init_side(&c, "client", bufferevent_openssl_filter_new(base, pair[1], SSL_new(cc),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE), 0);
	printf("  underlying is the pair: %s\n", bufferevent_get_underlying(c.bev) == pair[1] ? "yes" : "no");
	run_until(both_connected, &t);
	echo_exchange(&s, &c, 20);
	echo_exchange(&s, &c, 100000);
	SSL_shutdown(bufferevent_openssl_get_ssl(c.bev));
	run_until(a_done, &t);
	print_side(&s);
	print_side(&c);
	free_side(&s);
	free_side(&c);
	SSL_CTX_free(sc);
	SSL_CTX_free(cc);
}

/* fd -1, then bufferevent_socket_connect() to a loopback listener. */
static void scenario_connect(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), afd = -1, i;
	SSL_CTX *sc = server_ctx(TLS1_3_VERSION), *cc = client_ctx(TLS1_3_VERSION, ca);
	struct side s, c;
	struct two t = {&s, &c, 0};
	printf("connect with fd -1\n");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, 4) != 0) {
		fprintf(stderr, "FAIL: listen\n");
		exit(1);
	}
	getsockname(lfd, (struct sockaddr *)&sin, &len);
	init_side(&c, "client", bufferevent_openssl_socket_new(base, -1, SSL_new(cc),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE), 0);
	printf("  fd before connect: %d\n", (int)bufferevent_getfd(c.bev));
	printf("  connect: %d\n", bufferevent_socket_connect(c.bev, (struct sockaddr *)&sin, sizeof(sin)));
	for (i = 0; i < 1000 && afd < 0; ++i) {
		struct timeval tv = {0, 2000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		afd = accept(lfd, NULL, NULL);
	}
	evutil_make_socket_nonblocking(afd);
	init_side(&s, "server", bufferevent_openssl_socket_new(base, afd, SSL_new(sc),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE), 1);
	run_until(both_connected, &t);
	echo_exchange(&s, &c, 4096);
	print_side(&s);
	print_side(&c);
	free_side(&s);
	free_side(&c);
	close(lfd);
	SSL_CTX_free(sc);
	SSL_CTX_free(cc);
}

static void scenario_accessors(void)
{
	struct bufferevent *plain = bufferevent_socket_new(base, -1, 0);
	printf("accessors on a plain bufferevent\n");
	printf("  get_ssl %s, error %lu, dirty %d, renegotiate %d\n",
	    bufferevent_openssl_get_ssl(plain) ? "set" : "null", bufferevent_get_openssl_error(plain),
	    bufferevent_openssl_get_allow_dirty_shutdown(plain), bufferevent_ssl_renegotiate(plain));
	bufferevent_free(plain);
}

/* Our libevent_openssl must come from the same place as libevent. */
static void check_openssl_lib(void)
{
	char first[4096], line[4096];
	const char *p = diff_loaded_libevent(first, sizeof(first));
	FILE *maps = fopen("/proc/self/maps", "r");
	char *slash;
	int ok = 0;
	if (p == NULL || maps == NULL)
		exit(3);
	slash = strrchr(first, '/');
	*slash = '\0';
	while (fgets(line, sizeof(line), maps) != NULL) {
		char *path = strchr(line, '/');
		if (path && strstr(path, "libevent_openssl") &&
		    strncmp(path, first, strlen(first)) == 0 && path[strlen(first)] == '/')
			ok = 1;
	}
	fclose(maps);
	if (!ok) {
		fprintf(stderr, "FAIL: libevent_openssl not loaded from %s\n", first);
		exit(3);
	}
}

int main(void)
{
	int i;
	static const int versions[] = {TLS1_2_VERSION, TLS1_3_VERSION};
	signal(SIGPIPE, SIG_IGN);
	base = diff_must(event_base_new(), "event_base_new");
	diff_report_loaded_libevent();
	check_openssl_lib();
	make_pki();
	for (i = 0; i < 2; ++i) {
		scenario_socket_clean(versions[i]);
		scenario_socket_dirty(versions[i]);
		scenario_untrusted(versions[i]);
		scenario_filter_pair(versions[i]);
	}
	scenario_connect();
	scenario_accessors();
	event_base_free(base);
	return 0;
}
