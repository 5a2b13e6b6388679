/* Differential test of bufferevent pairs: data transfer, callback order and
 * counts, watermarks, enable/disable, flush modes, triggers, timeouts and
 * deferred callbacks.  Each callback prints one line with what it saw.  The
 * reference does not tell a partner when the other end is freed, so that
 * case is not exercised. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaded_lib.h"
#include "diff_check.h"

static struct event_base *base;

struct end {
	const char *name;
	struct bufferevent *bev;
	int reads, writes, events;
	int drain_on_read; /* bytes to remove in the read callback (-1: all) */
	int echo;          /* write what was read back to the partner */
};

static const char *event_bits(short what, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s", what & BEV_EVENT_READING ? "R" : "",
	    what & BEV_EVENT_WRITING ? "W" : "", what & BEV_EVENT_EOF ? " eof" : "",
	    what & BEV_EVENT_ERROR ? " error" : "", what & BEV_EVENT_TIMEOUT ? " timeout" : "",
	    what & BEV_EVENT_CONNECTED ? " connected" : "",
	    (what & ~0xff) ? " ?" : "");
	return buf;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct end *e = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	e->reads++;
	printf("  %s read: input %u\n", e->name, (unsigned)len);
	if (e->drain_on_read) {
		char buf[4096];
		size_t n = e->drain_on_read < 0 ? len : (size_t)e->drain_on_read;
		if (n > sizeof(buf))
			n = sizeof(buf);
		n = bufferevent_read(bev, buf, n);
		printf("  %s read removed %u '%.*s'\n", e->name, (unsigned)n,
		    (int)(n > 20 ? 20 : n), buf);
		if (e->echo)
			bufferevent_write(bev, buf, n);
	}
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct end *e = arg;
	e->writes++;
	printf("  %s write: output %u\n", e->name,
	    (unsigned)evbuffer_get_length(bufferevent_get_output(bev)));
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct end *e = arg;
	char buf[64];
	(void)bev;
	e->events++;
	printf("  %s event: %s\n", e->name, event_bits(what, buf, sizeof(buf)));
}

static void make_pair(struct end *a, struct end *b, int options)
{
	struct bufferevent *p[2];
	int r = bufferevent_pair_new(base, options, p);
	printf("pair_new -> %d\n", r);
	if (r != 0) {  /* p holds nothing to go on with */
		fprintf(stderr, "FAIL: bufferevent_pair_new\n");
		exit(1);
	}
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->name = "A";
	b->name = "B";
	a->bev = p[0];
	b->bev = p[1];
	bufferevent_setcb(p[0], read_cb, write_cb, event_cb, a);
	bufferevent_setcb(p[1], read_cb, write_cb, event_cb, b);
}

static void free_pair(struct end *a, struct end *b)
{
	bufferevent_free(a->bev);
	bufferevent_free(b->bev);
}

static void lengths(struct end *a, struct end *b)
{
	printf("  lengths: A in %u out %u, B in %u out %u\n",
	    (unsigned)evbuffer_get_length(bufferevent_get_input(a->bev)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(a->bev)),
	    (unsigned)evbuffer_get_length(bufferevent_get_input(b->bev)),
	    (unsigned)evbuffer_get_length(bufferevent_get_output(b->bev)));
}

static void loop(const char *label)
{
	int r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop %s -> %d\n", label, r);
}

static void test_basic(int options, const char *label)
{
	struct end a, b;
	int r;
	printf("== basic %s\n", label);
	make_pair(&a, &b, options);
	printf("partners %d %d\n", bufferevent_pair_get_partner(a.bev) == b.bev,
	    bufferevent_pair_get_partner(b.bev) == a.bev);
	printf("enabled A %#x B %#x\n", bufferevent_get_enabled(a.bev),
	    bufferevent_get_enabled(b.bev));
	printf("fd %d\n", (int)bufferevent_getfd(a.bev));
	/* B cannot read yet: data waits in A's output. */
	printf("write\n");
	r = bufferevent_write(a.bev, "hello", 5);
	printf("write -> %d\n", r);
	lengths(&a, &b);
	loop("1");
	lengths(&a, &b);
	printf("enable B read -> %d\n", bufferevent_enable(b.bev, EV_READ));
	lengths(&a, &b);
	loop("2");
	lengths(&a, &b);
	bufferevent_enable(a.bev, EV_READ);
	b.drain_on_read = -1;
	b.echo = 1;
	printf("write with echo\n");
	bufferevent_write(a.bev, "ping", 4);
	loop("3");
	loop("4");
	lengths(&a, &b);
	printf("disable B read\n");
	bufferevent_disable(b.bev, EV_READ);
	bufferevent_write(a.bev, "held", 4);
	loop("5");
	lengths(&a, &b);
	printf("disable A write, enable B read\n");
	bufferevent_disable(a.bev, EV_WRITE);
	bufferevent_enable(b.bev, EV_READ);
	loop("6");
	lengths(&a, &b);
	printf("enable A write\n");
	bufferevent_enable(a.bev, EV_WRITE);
	loop("7");
	lengths(&a, &b);
	printf("counts A r%d w%d e%d B r%d w%d e%d\n", a.reads, a.writes, a.events, b.reads,
	    b.writes, b.events);
	free_pair(&a, &b);
}

static void test_watermarks(int options, const char *label)
{
	struct end a, b;
	char data[100];
	size_t lo = 999, hi = 999;
	int r;
	printf("== watermarks %s\n", label);
	memset(data, 'w', sizeof(data));
	make_pair(&a, &b, options);
	bufferevent_enable(b.bev, EV_READ);
	bufferevent_setwatermark(b.bev, EV_READ, 10, 25);
	r = bufferevent_getwatermark(b.bev, EV_READ, &lo, &hi);
	printf("get read wm -> %d %u %u\n", r, (unsigned)lo, (unsigned)hi);
	r = bufferevent_getwatermark(b.bev, EV_READ | EV_WRITE, &lo, &hi);
	printf("get both wm -> %d\n", r);
	printf("write 5 (below low)\n");
	bufferevent_write(a.bev, data, 5);
	loop("1");
	lengths(&a, &b);
	printf("write 7 (reaches low)\n");
	bufferevent_write(a.bev, data, 7);
	loop("2");
	lengths(&a, &b);
	/* The reference spins forever when a pair end sits at its read high
	 * watermark and the read callback never drains it, so the reader
	 * always drains from here on. */
	b.drain_on_read = 8;
	printf("write 40 (beyond high), B drains 8 per read callback\n");
	bufferevent_write(a.bev, data, 40);
	loop("3");
	lengths(&a, &b);
	b.drain_on_read = -1;
	printf("B drains all per read callback\n");
	bufferevent_write(a.bev, data, 30);
	loop("4");
	lengths(&a, &b);
	/* Write low watermark: A's write callback fires when its output is at
	 * or below 10. */
	b.drain_on_read = -1;
	bufferevent_setwatermark(b.bev, EV_READ, 0, 0);
	bufferevent_setwatermark(a.bev, EV_WRITE, 10, 0);
	bufferevent_getwatermark(a.bev, EV_WRITE, &lo, &hi);
	printf("A write wm %u %u\n", (unsigned)lo, (unsigned)hi);
	printf("write 50 with write low 10\n");
	bufferevent_write(a.bev, data, 50);
	loop("5");
	lengths(&a, &b);
	printf("counts A r%d w%d e%d B r%d w%d e%d\n", a.reads, a.writes, a.events, b.reads,
	    b.writes, b.events);
	free_pair(&a, &b);
}

static void test_flush_and_triggers(int options, const char *label)
{
	struct end a, b;
	int r;
	printf("== flush/trigger %s\n", label);
	make_pair(&a, &b, options);
	bufferevent_enable(b.bev, EV_READ);
	bufferevent_disable(a.bev, EV_WRITE);
	bufferevent_write(a.bev, "flushme", 7);
	r = bufferevent_flush(a.bev, EV_WRITE, BEV_NORMAL);
	printf("flush normal (write disabled) -> %d\n", r);
	loop("1");
	lengths(&a, &b);
	bufferevent_enable(a.bev, EV_WRITE);
	loop("1b");
	bufferevent_write(a.bev, "more", 4);
	r = bufferevent_flush(a.bev, EV_WRITE, BEV_FLUSH);
	printf("flush flush -> %d\n", r);
	loop("2");
	lengths(&a, &b);
	bufferevent_write(a.bev, "last", 4);
	r = bufferevent_flush(a.bev, EV_WRITE, BEV_FINISHED);
	printf("flush finished -> %d\n", r);
	loop("3");
	lengths(&a, &b);
	r = bufferevent_flush(a.bev, EV_READ, BEV_NORMAL);
	printf("flush read -> %d\n", r);
	r = bufferevent_flush(a.bev, EV_WRITE, BEV_NORMAL);
	printf("flush empty -> %d\n", r);
	loop("4");
	printf("trigger read ignore wm\n");
	bufferevent_trigger(b.bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	loop("5");
	printf("trigger read respecting wm (empty input)\n");
	evbuffer_drain(bufferevent_get_input(b.bev), 100);
	bufferevent_trigger(b.bev, EV_READ, 0);
	loop("6");
	printf("trigger write\n");
	bufferevent_trigger(b.bev, EV_WRITE, 0);
	loop("7");
	printf("trigger event eof|reading\n");
	bufferevent_trigger_event(b.bev, BEV_EVENT_EOF | BEV_EVENT_READING, 0);
	loop("8");
	printf("trigger event deferred\n");
	bufferevent_trigger_event(b.bev, BEV_EVENT_ERROR, BEV_TRIG_DEFER_CALLBACKS);
	printf("(before loop)\n");
	loop("9");
	printf("counts A r%d w%d e%d B r%d w%d e%d\n", a.reads, a.writes, a.events, b.reads,
	    b.writes, b.events);
	free_pair(&a, &b);
}

static void test_timeouts(void)
{
	struct end a, b;
	struct timeval tv = { 0, 20000 };
	int r;
	printf("== timeouts\n");
	make_pair(&a, &b, 0);
	bufferevent_enable(b.bev, EV_READ);
	r = bufferevent_set_timeouts(b.bev, &tv, NULL);
	printf("set_timeouts -> %d\n", r);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	printf("B enabled after read timeout %#x\n", bufferevent_get_enabled(b.bev));
	free_pair(&a, &b);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	diff_report_loaded_libevent();
	base = diff_must(event_base_new(), "event_base_new");
	/* Pairs defer their callbacks whether asked to or not; both option
	 * sets are run anyway. */
	test_basic(0, "no options");
	test_basic(BEV_OPT_DEFER_CALLBACKS, "deferred");
	test_watermarks(0, "no options");
	test_watermarks(BEV_OPT_DEFER_CALLBACKS, "deferred");
	test_flush_and_triggers(0, "no options");
	test_flush_and_triggers(BEV_OPT_DEFER_CALLBACKS | BEV_OPT_CLOSE_ON_FREE, "deferred");
	test_timeouts();
	event_base_free(base);
	return 0;
}
