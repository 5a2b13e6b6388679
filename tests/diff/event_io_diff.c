/* Differential test of fd events on socketpairs, once per backend: read and
 * write readiness, result flags, persistence, edge triggering, EV_CLOSED,
 * timeouts on fd events, EOF and full send buffers.  When several fds are
 * ready at once the backend decides in which order they are reported, so
 * such results are printed as sorted sets. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loaded_lib.h"
#include "method_base.h"

static struct event_base *base;

struct rec {
	const char *name;
	int calls;
	short res;   /* OR of all results seen */
	short first; /* result of the first call */
	int drain;   /* read one byte per call */
	struct event *ev;
	struct event *victim; /* deleted by this callback */
	int readd;
};

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;
	if (r->calls == 0)
		r->first = what;
	r->calls++;
	r->res |= what;
	if (r->drain) {
		char c;
		(void)recv(fd, &c, 1, 0);
	}
	if (r->victim)
		event_del(r->victim);
	if (r->readd > 0) {
		r->readd--;
		event_add(r->ev, NULL);
	}
}

static void init_rec(struct rec *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
}

static void show(struct rec *r);

/* Reuses r's event for a new one-shot scenario `name` on fd with timeout
 * tv, dispatches until it is done and shows what happened. */
static void rerun(struct rec *r, const char *name, evutil_socket_t fd, short what,
		  const struct timeval *tv)
{
	struct event *keep = r->ev;
	init_rec(r, name);
	r->ev = keep;
	event_assign(r->ev, base, fd, what, rec_cb, r);
	event_add(r->ev, tv);
	printf("dispatch -> %d\n", event_base_dispatch(base));
	show(r);
}

static void show(struct rec *r)
{
	printf("  %s: calls %d first %#x all %#x\n", r->name, r->calls, r->first, r->res);
}

static void pair(evutil_socket_t s[2])
{
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0) {
		perror("socketpair");
		exit(1);
	}
	evutil_make_socket_nonblocking(s[0]);
	evutil_make_socket_nonblocking(s[1]);
}

static void close_pair(evutil_socket_t s[2])
{
	evutil_closesocket(s[0]);
	evutil_closesocket(s[1]);
}

static void test_readiness(void)
{
	evutil_socket_t s[2];
	struct rec rd, wr, rw;
	int r;
	printf("== readiness\n");
	pair(s);
	init_rec(&rd, "read");
	init_rec(&wr, "write");
	init_rec(&rw, "readwrite");
	rd.ev = event_new(base, s[1], EV_READ, rec_cb, &rd);
	wr.ev = event_new(base, s[0], EV_WRITE, rec_cb, &wr);
	rw.ev = event_new(base, s[1], EV_READ | EV_WRITE, rec_cb, &rw);
	printf("add -> %d %d\n", event_add(rd.ev, NULL), event_add(wr.ev, NULL));
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop once (no data) -> %d\n", r);
	show(&rd);
	show(&wr);
	printf("  read pending %#x write pending %#x\n", event_pending(rd.ev, EV_READ, NULL),
	    event_pending(wr.ev, EV_WRITE, NULL));
	send(s[0], "xy", 2, 0);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop once (data) -> %d\n", r);
	show(&rd);
	event_add(rw.ev, NULL);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop once (readwrite) -> %d\n", r);
	show(&rw);
	/* A timeout on an fd event that never becomes ready. */
	{
		struct timeval tv = { 0, 10000 };
		char buf[8];
		(void)recv(s[1], buf, sizeof(buf), 0);
		rerun(&rd, "read timeout", s[1], EV_READ, &tv);
	}
	event_free(rd.ev);
	event_free(wr.ev);
	event_free(rw.ev);
	close_pair(s);
}

static void test_persist_and_et(int have_et)
{
	evutil_socket_t s[2];
	struct rec lt, et, pd;
	int i;
	printf("== persist level/edge\n");
	pair(s);
	init_rec(&lt, "level persist");
	init_rec(&et, "edge persist");
	init_rec(&pd, "draining persist");
	lt.ev = event_new(base, s[1], EV_READ | EV_PERSIST, rec_cb, &lt);
	event_add(lt.ev, NULL);
	send(s[0], "abc", 3, 0);
	for (i = 0; i < 3; ++i)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	show(&lt);
	event_free(lt.ev);
	/* Edge-triggered: once per arrival, even though data stays unread. */
	if (have_et) {
		et.ev = event_new(base, s[1], EV_READ | EV_PERSIST | EV_ET, rec_cb, &et);
		event_add(et.ev, NULL);
		for (i = 0; i < 3; ++i)
			event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		send(s[0], "d", 1, 0);
		for (i = 0; i < 3; ++i)
			event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		show(&et);
		event_free(et.ev);
	}
	/* A persistent reader that consumes one byte per call. */
	pd.drain = 1;
	pd.ev = event_new(base, s[1], EV_READ | EV_PERSIST, rec_cb, &pd);
	event_add(pd.ev, NULL);
	for (i = 0; i < 6; ++i)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	show(&pd);
	event_free(pd.ev);
	close_pair(s);
}

static void test_closed(int have_early_close)
{
	evutil_socket_t s[2];
	struct rec cl, rc, rd;
	struct timeval tv = { 0, 30000 };
	int r;
	printf("== EV_CLOSED and EOF\n");
	pair(s);
	init_rec(&cl, "closed");
	init_rec(&rc, "read|closed");
	init_rec(&rd, "read");
	if (have_early_close) {
		cl.ev = event_new(base, s[1], EV_CLOSED, rec_cb, &cl);
		rc.ev = event_new(base, s[1], EV_READ | EV_CLOSED, rec_cb, &rc);
		printf("add closed -> %d\n", event_add(cl.ev, &tv));
		printf("add read|closed -> %d\n", event_add(rc.ev, &tv));
	}
	rd.ev = event_new(base, s[1], EV_READ, rec_cb, &rd);
	event_add(rd.ev, &tv);
	evutil_closesocket(s[0]);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	if (have_early_close) {
		show(&cl);
		show(&rc);
		event_free(cl.ev);
		event_free(rc.ev);
	}
	show(&rd);
	{
		char c;
		printf("recv at eof -> %d\n", (int)recv(s[1], &c, 1, 0));
	}
	event_free(rd.ev);
	evutil_closesocket(s[1]);
}

static void test_full_buffer(void)
{
	evutil_socket_t s[2];
	struct rec wr;
	struct timeval tv = { 0, 20000 };
	char chunk[4096];
	long total = 0, drained = 0;
	int r;
	printf("== full send buffer\n");
	pair(s);
	memset(chunk, 'z', sizeof(chunk));
	for (;;) {
		ssize_t n = send(s[0], chunk, sizeof(chunk), 0);
		if (n <= 0)
			break;
		total += n;
	}
	printf("filled %d\n", total > 0);
	init_rec(&wr, "write on full");
	wr.ev = event_new(base, s[0], EV_WRITE, rec_cb, &wr);
	event_add(wr.ev, &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	show(&wr);
	for (;;) {
		ssize_t n = recv(s[1], chunk, sizeof(chunk), 0);
		if (n <= 0)
			break;
		drained += n;
	}
	printf("drained all %d\n", drained == total);
	rerun(&wr, "write after drain", s[0], EV_WRITE, &tv);
	event_free(wr.ev);
	close_pair(s);
}

static void test_multi(void)
{
	evutil_socket_t s[2], t[2];
	struct rec a, b, c, x, y;
	int r, i;
	printf("== several events\n");
	pair(s);
	pair(t);
	init_rec(&a, "a");
	init_rec(&b, "b");
	init_rec(&c, "c");
	/* Two readers on one fd, one writer on the other end. */
	a.ev = event_new(base, s[1], EV_READ, rec_cb, &a);
	b.ev = event_new(base, s[1], EV_READ | EV_PERSIST, rec_cb, &b);
	c.ev = event_new(base, s[0], EV_WRITE, rec_cb, &c);
	event_add(a.ev, NULL);
	event_add(b.ev, NULL);
	event_add(c.ev, NULL);
	send(s[0], "1", 1, 0);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop once -> %d\n", r);
	show(&a);
	show(&b);
	show(&c);
	/* Removing one reader leaves the other registered. */
	event_del(b.ev);
	event_add(a.ev, NULL);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("loop once|nonblock -> %d\n", r);
	show(&a);
	show(&b);
	event_free(a.ev);
	event_free(b.ev);
	event_free(c.ev);
	/* Two fds ready at once, each callback deletes the other's event:
	 * exactly one runs. */
	init_rec(&x, "x");
	init_rec(&y, "y");
	x.ev = event_new(base, s[1], EV_READ | EV_PERSIST, rec_cb, &x);
	y.ev = event_new(base, t[1], EV_READ | EV_PERSIST, rec_cb, &y);
	x.victim = y.ev;
	y.victim = x.ev;
	event_add(x.ev, NULL);
	event_add(y.ev, NULL);
	send(t[0], "2", 1, 0);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("mutual delete: loop -> %d total calls %d\n", r, x.calls + y.calls);
	event_free(x.ev);
	event_free(y.ev);
	/* Non-persistent event re-added from its callback. */
	init_rec(&a, "readd");
	a.readd = 2;
	a.ev = event_new(base, s[1], EV_READ, rec_cb, &a);
	event_add(a.ev, NULL);
	for (i = 0; i < 5; ++i)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	show(&a);
	printf("  pending after %#x\n", event_pending(a.ev, EV_READ, NULL));
	event_free(a.ev);
	close_pair(s);
	close_pair(t);
}

static void once_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	printf("once %s res %#x\n", (const char *)arg, what);
}

static void test_once_fd(void)
{
	evutil_socket_t s[2];
	struct timeval tv = { 0, 10000 };
	int r;
	printf("== event_base_once on fds\n");
	pair(s);
	r = event_base_once(base, s[1], EV_READ, once_cb, "read idle", &tv);
	printf("once read -> %d\n", r);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	send(s[0], "q", 1, 0);
	r = event_base_once(base, s[1], EV_READ, once_cb, "read data", &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	r = event_base_once(base, s[0], EV_WRITE, once_cb, "write", NULL);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	close_pair(s);
}

static void run_scenarios(struct event_base *method_base)
{
	int f;
	base = method_base;
	f = event_base_get_features(base);
	printf("features %#x\n", f);
	test_readiness();
	test_persist_and_et(f & EV_FEATURE_ET);
	test_closed(f & EV_FEATURE_EARLY_CLOSE);
	test_full_buffer();
	test_multi();
	test_once_fd();
}

int main(void)
{
	/* Plain EVLOOP_NONBLOCK keeps looping while a level-triggered event
	 * stays ready, so single passes use EVLOOP_ONCE | EVLOOP_NONBLOCK. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	diff_report_loaded_libevent();
	diff_for_each_method(run_scenarios);
	return 0;
}
