/* Differential test of filtering bufferevents over a bufferevent pair:
 * input and output filters (transforming, line framing with BEV_NEED_MORE,
 * failing with BEV_ERROR), flush modes reaching the filters, EOF relayed
 * from the underlying bufferevent, watermarks and BEV_OPT_CLOSE_ON_FREE.
 * Filter calls with nothing to do are not printed: how often a library
 * polls its filter is not part of the API. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaded_lib.h"
#include "diff_check.h"

static struct event_base *base;

/* The pair under the filter; nothing below means anything without it. */
static void new_pair(struct bufferevent *p[2])
{
	if (bufferevent_pair_new(base, 0, p) != 0) {
		fprintf(stderr, "FAIL: bufferevent_pair_new\n");
		exit(1);
	}
}

static int frees;

static const char *mode_name(enum bufferevent_flush_mode m)
{
	switch (m) {
	case BEV_NORMAL: return "normal";
	case BEV_FLUSH: return "flush";
	case BEV_FINISHED: return "finished";
	}
	return "?";
}

static void log_call(const char *name, struct evbuffer *src, enum bufferevent_flush_mode mode)
{
	size_t n = evbuffer_get_length(src);
	if (n == 0 && mode == BEV_NORMAL)
		return;
	printf("  filter %s: src %u mode %s\n", name, (unsigned)n, mode_name(mode));
}

/* Output filter: upper-cases everything. */
static enum bufferevent_filter_result upper_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *ctx)
{
	char buf[256];
	int n;
	(void)limit;
	(void)ctx;
	log_call("upper", src, mode);
	while ((n = evbuffer_remove(src, buf, sizeof(buf))) > 0) {
		int i;
		for (i = 0; i < n; ++i)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		evbuffer_add(dst, buf, n);
	}
	return BEV_OK;
}

/* Input filter: passes complete lines only, wrapped in brackets; "bad"
 * makes it fail. */
static enum bufferevent_filter_result line_filter(struct evbuffer *src, struct evbuffer *dst,
    ev_ssize_t limit, enum bufferevent_flush_mode mode, void *ctx)
{
	char *line;
	size_t n;
	int any = 0;
	(void)limit;
	(void)ctx;
	log_call("lines", src, mode);
	while ((line = evbuffer_readln(src, &n, EVBUFFER_EOL_LF)) != NULL) {
		if (strcmp(line, "bad") == 0) {
			free(line);
			return BEV_ERROR;
		}
		evbuffer_add_printf(dst, "[%s]", line);
		free(line);
		any = 1;
	}
	if (mode == BEV_FINISHED && evbuffer_get_length(src) > 0) {
		evbuffer_add_printf(dst, "<partial %u>", (unsigned)evbuffer_get_length(src));
		evbuffer_drain(src, evbuffer_get_length(src));
		any = 1;
	}
	return any ? BEV_OK : BEV_NEED_MORE;
}

static void free_ctx(void *ctx)
{
	frees++;
	printf("  free context %s\n", (const char *)ctx);
}

struct user {
	const char *name;
	int drain;
};

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct user *u = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	char buf[256];
	printf("  %s read: input %u", u->name, (unsigned)len);
	if (u->drain) {
		size_t n = bufferevent_read(bev, buf, sizeof(buf) - 1);
		buf[n] = '\0';
		printf(" '%s'", buf);
	}
	printf("\n");
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct user *u = arg;
	printf("  %s write: output %u\n", u->name,
	    (unsigned)evbuffer_get_length(bufferevent_get_output(bev)));
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct user *u = arg;
	(void)bev;
	printf("  %s event: %#x\n", u->name, what);
}

static void loop(const char *label)
{
	int i;
	for (i = 0; i < 5; ++i)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("loop %s\n", label);
}

static void peer_read(struct bufferevent *peer)
{
	char buf[256];
	size_t n = bufferevent_read(peer, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	printf("peer has '%s'\n", buf);
}

static void test_filter(int options, const char *label)
{
	struct bufferevent *p[2], *f;
	struct user fu = { "filter", 1 }, pu = { "peer", 0 };
	int r;
	printf("== filter %s\n", label);
	frees = 0;
	new_pair(p);
	f = bufferevent_filter_new(p[0], line_filter, upper_filter,
	    BEV_OPT_CLOSE_ON_FREE | options, free_ctx, (void *)"ctx");
	printf("filter_new -> %s underlying %d\n", f ? "bev" : "NULL",
	    f && bufferevent_get_underlying(f) == p[0]);
	bufferevent_setcb(f, read_cb, write_cb, event_cb, &fu);
	bufferevent_setcb(p[1], read_cb, write_cb, event_cb, &pu);
	bufferevent_enable(f, EV_READ | EV_WRITE);
	bufferevent_enable(p[1], EV_READ);
	printf("enabled filter %#x underlying %#x\n", bufferevent_get_enabled(f),
	    bufferevent_get_enabled(p[0]));
	/* Output path. */
	printf("write 'hello world'\n");
	r = bufferevent_write(f, "hello world", 11);
	printf("write -> %d\n", r);
	loop("1");
	peer_read(p[1]);
	/* Input path: incomplete line first. */
	printf("peer writes 'abc'\n");
	bufferevent_write(p[1], "abc", 3);
	loop("2");
	printf("peer writes 'def\\nxyz\\n12'\n");
	bufferevent_write(p[1], "def\nxyz\n12", 10);
	loop("3");
	/* Flush modes reach the filter. */
	r = bufferevent_flush(f, EV_READ, BEV_FLUSH);
	printf("flush read flush -> %d\n", r);
	loop("4");
	r = bufferevent_flush(f, EV_READ, BEV_FINISHED);
	printf("flush read finished -> %d\n", r);
	loop("5");
	bufferevent_write(f, "tail", 4);
	r = bufferevent_flush(f, EV_WRITE, BEV_FINISHED);
	printf("flush write finished -> %d\n", r);
	loop("6");
	peer_read(p[1]);
	/* A failing input filter. */
	printf("peer writes 'bad\\n'\n");
	bufferevent_write(p[1], "bad\n", 4);
	loop("7");
	/* EOF from the peer is relayed. */
	printf("peer finishes\n");
	bufferevent_flush(p[1], EV_WRITE, BEV_FINISHED);
	loop("8");
	/* Freeing may be finished later by the loop. */
	bufferevent_free(f);
	loop("after free");
	printf("after free: context frees %d\n", frees);
	bufferevent_free(p[1]);
	loop("after freeing the peer");
}

static void test_watermark(void)
{
	struct bufferevent *p[2], *f;
	struct user fu = { "filter", 0 };
	size_t lo = 0, hi = 0;
	printf("== filter watermark\n");
	frees = 0;
	new_pair(p);
	f = bufferevent_filter_new(p[0], line_filter, NULL, 0, free_ctx, (void *)"wm");
	bufferevent_setcb(f, read_cb, NULL, event_cb, &fu);
	bufferevent_enable(f, EV_READ);
	bufferevent_setwatermark(f, EV_READ, 12, 0);
	bufferevent_getwatermark(f, EV_READ, &lo, &hi);
	printf("wm %u %u\n", (unsigned)lo, (unsigned)hi);
	bufferevent_write(p[1], "a\n", 2);
	loop("short line (below low)");
	bufferevent_write(p[1], "bbbbbbbb\n", 9);
	loop("long line");
	printf("input %u\n", (unsigned)evbuffer_get_length(bufferevent_get_input(f)));
	/* Without CLOSE_ON_FREE the underlying bufferevent survives. */
	bufferevent_free(f);
	loop("after free");
	printf("after free: context frees %d\n", frees);
	printf("underlying usable %d\n", bufferevent_write(p[0], "x", 1) == 0);
	bufferevent_free(p[0]);
	bufferevent_free(p[1]);
	loop("after freeing the pair");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	diff_report_loaded_libevent();
	base = diff_must(event_base_new(), "event_base_new");
	test_filter(0, "plain");
	test_filter(BEV_OPT_DEFER_CALLBACKS, "deferred");
	test_watermark();
	event_base_free(base);
	return 0;
}
