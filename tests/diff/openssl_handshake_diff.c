/* Differential test of the TLS handshake against the enabled directions:
 * which side completes it when reading and/or writing is disabled before
 * the loop runs or while it is under way, over a socket, over a socket
 * bufferevent and over a bufferevent pair, and with fd -1 then
 * bufferevent_socket_connect().  After each step the program prints which
 * side has reported BEV_EVENT_CONNECTED (a step that must stall waits a
 * bounded time); in the end both sides enable everything and the
 * handshake must complete.  Only the event callbacks are recorded, so
 * the number of read/write callbacks does not matter. */
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
static SSL_CTX *sctx, *cctx;

struct side {
	const char *name;
	struct bufferevent *bev;
	int connected;
	int ended;
	char events[128];
};

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct side *s = arg;
	size_t n = strlen(s->events);
	(void)bev;
	/* Which of the four outcomes, not the direction bits (a timeout is
	 * never armed here). */
	snprintf(s->events + n, sizeof(s->events) - n, "%s%s", n ? "," : "",
	    (what & BEV_EVENT_CONNECTED) ? "connected" :
	    (what & BEV_EVENT_EOF)       ? "eof" :
	    (what & BEV_EVENT_ERROR)     ? "error" : "other");
	if (what & BEV_EVENT_CONNECTED)
		s->connected = 1;
	else
		s->ended = 1;
}

static void nop_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)arg;
}

static void setup(struct side *s, const char *name, struct bufferevent *bev)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->bev = diff_must(bev, name);
	bufferevent_setcb(bev, nop_cb, nop_cb, event_cb, s);
}

/* What a side does to its directions before the loop first runs. */
enum dirs { D_DEFAULT, D_NONE, D_READ, D_WRITE, D_BOTH };
static const char *dirs_name[] = {"default", "none", "read", "write", "both"};

static void apply(struct side *s, enum dirs d)
{
	if (d == D_DEFAULT)
		return;
	bufferevent_disable(s->bev, EV_READ | EV_WRITE);
	if (d == D_READ)
		bufferevent_enable(s->bev, EV_READ);
	else if (d == D_WRITE)
		bufferevent_enable(s->bev, EV_WRITE);
	else if (d == D_BOTH)
		bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

static int both_connected(struct side *a, struct side *b)
{
	return (a->connected || a->ended) && (b->connected || b->ended);
}

/* Runs the loop until both sides connected or ended, at most `ms`. */
static void run(struct side *a, struct side *b, int ms)
{
	int i;
	for (i = 0; i < ms / 5 && !both_connected(a, b); ++i) {
		struct timeval tv = {0, 5000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
}

static void report(const char *step, struct side *c, struct side *s)
{
	printf("  %-22s client %-10s server %s\n", step, c->events[0] ? c->events : "-",
	    s->events[0] ? s->events : "-");
}

static void finish(struct side *c, struct side *s)
{
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	run(c, s, 5000);
	report("then both enabled:", c, s);
	bufferevent_free(c->bev);
	bufferevent_free(s->bev);
}

enum mode { M_SOCKET, M_FILTER_SOCKET, M_FILTER_PAIR };
static const char *mode_name[] = {"socket", "filter over socket", "filter over pair"};

static void make_pair(enum mode m, struct side *c, struct side *s)
{
	if (m == M_FILTER_PAIR) {
		struct bufferevent *p[2];
		if (bufferevent_pair_new(base, 0, p) != 0)
			diff_must(NULL, "pair");
		setup(c, "client", bufferevent_openssl_filter_new(base, p[0], SSL_new(cctx),
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE));
		setup(s, "server", bufferevent_openssl_filter_new(base, p[1], SSL_new(sctx),
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE));
		return;
	}
	{
		int fd[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0)
			diff_must(NULL, "socketpair");
		evutil_make_socket_nonblocking(fd[0]);
		evutil_make_socket_nonblocking(fd[1]);
		if (m == M_SOCKET) {
			setup(c, "client", bufferevent_openssl_socket_new(base, fd[0], SSL_new(cctx),
			    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE));
			setup(s, "server", bufferevent_openssl_socket_new(base, fd[1], SSL_new(sctx),
			    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE));
		} else {
			struct bufferevent *u0 = bufferevent_socket_new(base, fd[0], BEV_OPT_CLOSE_ON_FREE);
			struct bufferevent *u1 = bufferevent_socket_new(base, fd[1], BEV_OPT_CLOSE_ON_FREE);
			setup(c, "client", bufferevent_openssl_filter_new(base, u0, SSL_new(cctx),
			    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE));
			setup(s, "server", bufferevent_openssl_filter_new(base, u1, SSL_new(sctx),
			    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE));
		}
	}
}

/* The directions are set before the loop first runs. */
static void before_loop(enum mode m, enum dirs cd, enum dirs sd)
{
	struct side c, s;
	char step[64];
	printf("%s: client %s, server %s\n", mode_name[m], dirs_name[cd], dirs_name[sd]);
	make_pair(m, &c, &s);
	apply(&c, cd);
	apply(&s, sd);
	run(&c, &s, 150);
	snprintf(step, sizeof(step), "loop ran:");
	report(step, &c, &s);
	finish(&c, &s);
}

/* The client has sent its hello and waits for the server's answer (the
 * server was held back) when it turns `off` off; then the server goes. */
static void during(enum mode m, short off)
{
	struct side c, s;
	printf("%s: client turns %s off while waiting for the server\n", mode_name[m],
	    off == EV_READ ? "read" : off == EV_WRITE ? "write" : "both");
	make_pair(m, &c, &s);
	bufferevent_enable(c.bev, EV_READ | EV_WRITE);
	apply(&s, D_NONE);
	run(&c, &s, 60);
	report("client sent hello:", &c, &s);
	bufferevent_disable(c.bev, off);
	bufferevent_enable(s.bev, EV_READ | EV_WRITE);
	run(&c, &s, 150);
	report("server enabled:", &c, &s);
	finish(&c, &s);
}

/* fd -1, then bufferevent_socket_connect() with the directions set. */
static void connect_with(enum dirs cd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), afd = -1, i;
	struct side c, s;
	printf("connect with fd -1: client %s\n", dirs_name[cd]);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(lfd, 4) != 0)
		diff_must(NULL, "listen");
	getsockname(lfd, (struct sockaddr *)&sin, &len);
	setup(&c, "client", bufferevent_openssl_socket_new(base, -1, SSL_new(cctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE));
	apply(&c, cd);
	if (bufferevent_socket_connect(c.bev, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		diff_must(NULL, "connect");
	for (i = 0; i < 1000 && afd < 0; ++i) {
		struct timeval tv = {0, 2000};
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		afd = accept(lfd, NULL, NULL);
	}
	evutil_make_socket_nonblocking(afd);
	setup(&s, "server", bufferevent_openssl_socket_new(base, afd, SSL_new(sctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE));
	bufferevent_enable(s.bev, EV_READ | EV_WRITE);
	run(&c, &s, 150);
	report("loop ran:", &c, &s);
	finish(&c, &s);
	close(lfd);
}

int main(void)
{
	int m, d;
	signal(SIGPIPE, SIG_IGN);
	base = diff_must(event_base_new(), "event_base_new");
	diff_report_loaded_libevent();
	make_pki();
	sctx = server_ctx(TLS1_3_VERSION);
	cctx = client_ctx(TLS1_3_VERSION, ca);
	for (m = M_SOCKET; m <= M_FILTER_PAIR; ++m) {
		for (d = D_DEFAULT; d <= D_BOTH; ++d)
			before_loop((enum mode)m, (enum dirs)d, D_BOTH);
		for (d = D_DEFAULT; d < D_BOTH; ++d)
			before_loop((enum mode)m, D_BOTH, (enum dirs)d);
		before_loop((enum mode)m, D_NONE, D_NONE);
		during((enum mode)m, EV_READ);
		during((enum mode)m, EV_WRITE);
		during((enum mode)m, EV_READ | EV_WRITE);
	}
	for (d = D_DEFAULT; d <= D_BOTH; ++d)
		connect_with((enum dirs)d);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	event_base_free(base);
	return 0;
}
