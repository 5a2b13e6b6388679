/* Differential test of socket bufferevents, once per backend: reading and
 * writing through a socketpair, watermarks, EOF and error events, timeouts,
 * BEV_OPT_CLOSE_ON_FREE, and connecting over TCP on the loopback (success
 * and refusal).  How many bytes one read call takes from the kernel differs
 * between libraries, so large transfers are reported as totals, never as
 * callback counts. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loaded_lib.h"
#include "method_base.h"

static struct event_base *base;

struct side {
	const char *name;
	int reads, writes, events;
	short last_event;
	size_t total_read, max_seen;
	int drain;        /* drain input in the read callback */
	int quiet_reads;  /* do not print read callbacks */
	int stop_on_event;
};

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	s->reads++;
	if (len > s->max_seen)
		s->max_seen = len;
	if (!s->quiet_reads)
		printf("  %s read: input %u\n", s->name, (unsigned)len);
	if (s->drain) {
		s->total_read += len;
		evbuffer_drain(in, len);
	}
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;
	s->writes++;
	printf("  %s write: output %u\n", s->name,
	    (unsigned)evbuffer_get_length(bufferevent_get_output(bev)));
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct side *s = arg;
	(void)bev;
	s->events++;
	s->last_event = what;
	printf("  %s event: %#x\n", s->name, what);
	if (s->stop_on_event)
		event_base_loopexit(base, NULL);
}

static void init_side(struct side *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
}

static void pair(evutil_socket_t fds[2])
{
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		exit(1);
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
}

/* Runs single passes of the loop until nothing more happens. */
static void settle(const char *label)
{
	int i;
	for (i = 0; i < 5; ++i)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("settled %s\n", label);
}

static void test_read_write(void)
{
	evutil_socket_t fds[2];
	struct bufferevent *bev;
	struct side s;
	char buf[64];
	ssize_t n;
	printf("== read/write\n");
	pair(fds);
	init_side(&s, "bev");
	bev = bufferevent_socket_new(base, fds[0], 0);
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, &s);
	printf("fd matches %d enabled %#x\n", bufferevent_getfd(bev) == fds[0],
	    bufferevent_get_enabled(bev));
	send(fds[1], "abc", 3, 0);
	settle("read disabled");
	printf("input %u\n", (unsigned)evbuffer_get_length(bufferevent_get_input(bev)));
	bufferevent_enable(bev, EV_READ);
	settle("read enabled");
	send(fds[1], "defg", 4, 0);
	settle("more data");
	n = (ssize_t)bufferevent_read(bev, buf, sizeof(buf));
	printf("bufferevent_read -> %d '%.*s'\n", (int)n, (int)n, buf);
	printf("write -> %d\n", bufferevent_write(bev, "to peer", 7));
	printf("output before loop %u\n", (unsigned)evbuffer_get_length(bufferevent_get_output(bev)));
	settle("write");
	n = recv(fds[1], buf, sizeof(buf), 0);
	printf("peer got %d '%.*s'\n", (int)n, (int)(n > 0 ? n : 0), buf);
	/* write_buffer moves a whole evbuffer. */
	{
		struct evbuffer *tmp = evbuffer_new();
		int r;
		evbuffer_add_printf(tmp, "buffer %d", 42);
		r = bufferevent_write_buffer(bev, tmp);
		printf("write_buffer -> %d left %u\n", r, (unsigned)evbuffer_get_length(tmp));
		evbuffer_free(tmp);
	}
	settle("write_buffer");
	n = recv(fds[1], buf, sizeof(buf), 0);
	printf("peer got %d '%.*s'\n", (int)n, (int)(n > 0 ? n : 0), buf);
	/* Disabling writes holds data back. */
	bufferevent_disable(bev, EV_WRITE);
	bufferevent_write(bev, "held", 4);
	settle("write disabled");
	errno = 0;
	n = recv(fds[1], buf, sizeof(buf), 0);
	printf("peer got %d\n", (int)n);
	bufferevent_enable(bev, EV_WRITE);
	settle("write enabled");
	n = recv(fds[1], buf, sizeof(buf), 0);
	printf("peer got %d '%.*s'\n", (int)n, (int)(n > 0 ? n : 0), buf);
	printf("counts r%d w%d e%d\n", s.reads, s.writes, s.events);
	bufferevent_free(bev);
	/* Without CLOSE_ON_FREE the fd stays open. */
	printf("fd still open %d\n", send(fds[0], "x", 1, 0) == 1);
	evutil_closesocket(fds[0]);
	evutil_closesocket(fds[1]);
}

static void test_watermarks(void)
{
	evutil_socket_t fds[2];
	struct bufferevent *bev;
	struct side s;
	char data[1000];
	printf("== watermarks\n");
	pair(fds);
	init_side(&s, "bev");
	memset(data, 'm', sizeof(data));
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, &s);
	bufferevent_setwatermark(bev, EV_READ, 10, 100);
	bufferevent_enable(bev, EV_READ);
	send(fds[1], data, 5, 0);
	settle("5 bytes, low 10");
	send(fds[1], data, 6, 0);
	settle("11 bytes");
	evbuffer_drain(bufferevent_get_input(bev), 11);
	/* The reference spins forever when the input sits at the high
	 * watermark and the read callback leaves it there, so from here on
	 * the callback always drains. */
	s.drain = 1;
	s.quiet_reads = 1;
	s.reads = 0;
	send(fds[1], data, 500, 0);
	settle("500 bytes, high 100, draining");
	printf("reads %d drained %u max input seen %u\n", s.reads, (unsigned)s.total_read,
	    (unsigned)s.max_seen);
	/* Without a high watermark everything available is taken. */
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	s.max_seen = s.total_read = 0;
	send(fds[1], data, 1000, 0);
	settle("1000 bytes, no watermarks");
	printf("drained %u\n", (unsigned)s.total_read);
	bufferevent_free(bev);
	evutil_closesocket(fds[1]);
}

static void test_eof_error(void)
{
	evutil_socket_t fds[2];
	struct bufferevent *bev;
	struct side s;
	printf("== eof/error\n");
	pair(fds);
	init_side(&s, "bev");
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, &s);
	bufferevent_enable(bev, EV_READ);
	send(fds[1], "last words", 10, 0);
	evutil_closesocket(fds[1]);
	settle("peer closed");
	printf("enabled after eof %#x input %u\n", bufferevent_get_enabled(bev),
	    (unsigned)evbuffer_get_length(bufferevent_get_input(bev)));
	/* Writing to a closed peer fails with EPIPE (SIGPIPE is ignored). */
	bufferevent_write(bev, "nobody", 6);
	settle("write to closed peer");
	printf("last event %#x counts r%d w%d e%d\n", s.last_event, s.reads, s.writes, s.events);
	bufferevent_free(bev);
}

static void test_timeouts(void)
{
	evutil_socket_t fds[2];
	struct bufferevent *bev;
	struct side s;
	struct timeval tv = { 0, 20000 };
	int r;
	printf("== timeouts\n");
	pair(fds);
	init_side(&s, "bev");
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, &s);
	bufferevent_enable(bev, EV_READ);
	printf("set_timeouts -> %d\n", bufferevent_set_timeouts(bev, &tv, &tv));
	r = event_base_dispatch(base);
	printf("dispatch -> %d enabled %#x\n", r, bufferevent_get_enabled(bev));
	/* A write timeout needs pending output the peer will not take. */
	{
		char chunk[4096];
		memset(chunk, 'f', sizeof(chunk));
		while (send(fds[0], chunk, sizeof(chunk), 0) > 0)
			;
		bufferevent_write(bev, chunk, sizeof(chunk));
		bufferevent_set_timeouts(bev, NULL, &tv);
		r = event_base_dispatch(base);
		printf("dispatch -> %d enabled %#x\n", r, bufferevent_get_enabled(bev));
	}
	printf("counts r%d w%d e%d\n", s.reads, s.writes, s.events);
	bufferevent_free(bev);
	evutil_closesocket(fds[1]);
}

static void test_connect(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	evutil_socket_t lsock;
	struct bufferevent *bev;
	struct side s;
	int r;
	printf("== connect\n");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsock = socket(AF_INET, SOCK_STREAM, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lsock, 5) < 0 || getsockname(lsock, (struct sockaddr *)&sin, &len) < 0) {
		printf("no loopback listener\n");
		return;
	}
	init_side(&s, "client");
	s.stop_on_event = 1;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, &s);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	printf("connect -> %d fd set %d\n", r, bufferevent_getfd(bev) >= 0);
	bufferevent_write(bev, "queued before connect", 21);
	r = event_base_dispatch(base);
	printf("dispatch -> %d last event %#x enabled %#x\n", r, s.last_event,
	    bufferevent_get_enabled(bev));
	{
		evutil_socket_t c = accept(lsock, NULL, NULL);
		char buf[64];
		ssize_t n;
		settle("after connect");
		n = recv(c, buf, sizeof(buf), 0);
		printf("server got %d '%.*s'\n", (int)n, (int)(n > 0 ? n : 0), buf);
		evutil_closesocket(c);
	}
	bufferevent_free(bev);
	/* Refused: nobody listens on the port any more. */
	evutil_closesocket(lsock);
	init_side(&s, "refused");
	s.stop_on_event = 1;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, read_cb, write_cb, event_cb, &s);
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	printf("connect -> %d\n", r);
	if (r == 0) {
		r = event_base_dispatch(base);
		printf("dispatch -> %d last event %#x dns error %d\n", r, s.last_event,
		    bufferevent_socket_get_dns_error(bev));
	}
	bufferevent_free(bev);
}

static void run_scenarios(struct event_base *method_base)
{
	base = method_base;
	test_read_write();
	test_watermarks();
	test_eof_error();
	test_timeouts();
	test_connect();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	diff_report_loaded_libevent();
	diff_for_each_method(run_scenarios);
	return 0;
}
