/* Differential test of timer events: the order callbacks run in, persistent
 * timers, re-arming and removal from callbacks, common timeouts, and
 * event_base_once.  No time is ever printed, only orders and counts; every
 * ordering printed here depends on deadlines at least several milliseconds
 * apart, so a loaded machine cannot reorder them.  Timers with identical
 * deadlines are printed as sets: which of them runs first depends on the
 * timer heap's layout, which the API does not promise. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaded_lib.h"
#include "diff_check.h"
#include "method_base.h"

/* Every delay is stretched by this factor: the scenarios order timers a few
 * "ms" apart, and a loaded 2-core CI machine can stall a process for tens
 * of milliseconds; the order, not the speed, is what is compared. */
#define TIME_SCALE 4

/* evtimer_add() of a valid timer must work: a timer that silently never
 * fires would tell another story than the library's. */
static void add_timer(struct event *ev, const struct timeval *tv)
{
	if (evtimer_add(ev, tv) != 0) {
		fprintf(stderr, "FAIL: evtimer_add\n");
		exit(1);
	}
}

static struct timeval ms(int n)
{
	struct timeval tv;
	n *= TIME_SCALE;
	tv.tv_sec = n / 1000;
	tv.tv_usec = (n % 1000) * 1000;
	return tv;
}

/* Order log: callbacks append their name; printed at the end of a scenario. */
static char order[4096];
static void note(const char *s)
{
	size_t used = strlen(order);
	snprintf(order + used, sizeof(order) - used, "%s%s", used ? " " : "", s);
}
static void print_order(const char *label)
{
	printf("%s: %s\n", label, order);
	order[0] = '\0';
}

static void print_sorted_set(const char *label, int *ids, int n)
{
	int i, j;
	for (i = 1; i < n; ++i)
		for (j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
			int t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	printf("%s: {", label);
	for (i = 0; i < n; ++i)
		printf("%s%d", i ? " " : "", ids[i]);
	printf("}\n");
}

struct named {
	const char *name;
	struct event *ev;
	int count;
	short last_res;
};

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	struct named *n = arg;
	(void)fd;
	n->count++;
	n->last_res = what;
	note(n->name);
}

/* Timers added in shuffled order run in deadline order. */
static void test_distinct_order(struct event_base *base)
{
	static const int timeouts[] = { 40, 0, 25, 5, 60, 15, 50, 10 };
	struct named n[8];
	char names[8][8];
	int i;
	for (i = 0; i < 8; ++i) {
		struct timeval tv = ms(timeouts[i]);
		snprintf(names[i], sizeof(names[i]), "t%d", timeouts[i]);
		n[i].name = names[i];
		n[i].count = 0;
		n[i].ev = diff_must(evtimer_new(base, named_cb, &n[i]), "evtimer_new");
		add_timer(n[i].ev, &tv);
	}
	printf("dispatch -> %d\n", event_base_dispatch(base));
	print_order("distinct order");
	for (i = 0; i < 8; ++i) {
		printf("%s res %#x pending %d\n", n[i].name, n[i].last_res,
		    event_pending(n[i].ev, EV_TIMEOUT, NULL));
		event_free(n[i].ev);
	}
}

/* Identical timeouts: all run, in one batch, before a later timer. */
static int same_ids[16], same_count;
static void same_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	same_ids[same_count++] = (int)(size_t)arg;
}
static void later_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	printf("later timer ran after %d identical ones\n", same_count);
}

static void test_identical(struct event_base *base)
{
	struct event *evs[10], *later;
	struct timeval tv = ms(10), tv2 = ms(40);
	int i;
	same_count = 0;
	for (i = 0; i < 10; ++i) {
		evs[i] = diff_must(evtimer_new(base, same_cb, (void *)(size_t)i), "evtimer_new");
		add_timer(evs[i], &tv);
	}
	later = diff_must(evtimer_new(base, later_cb, NULL), "evtimer_new");
	add_timer(later, &tv2);
	event_base_dispatch(base);
	print_sorted_set("identical timeouts ran", same_ids, same_count);
	for (i = 0; i < 10; ++i)
		event_free(evs[i]);
	event_free(later);
}

/* Common timeouts keep the order in which the events were added. */
static void test_common_timeouts(struct event_base *base)
{
	struct timeval tv = ms(15), tv30 = ms(30), plain = ms(22), t75 = ms(75), t105 = ms(105);
	const struct timeval *c15 = event_base_init_common_timeout(base, &tv);
	const struct timeval *c15b = event_base_init_common_timeout(base, &tv);
	const struct timeval *c30 = event_base_init_common_timeout(base, &tv30);
	struct named n[7];
	static const char *names[] = { "c15a", "c15b", "c15c", "c30a", "c30b", "plain22", "c15d" };
	int i;
	printf("common 15 same pointer twice: %d, differs from 30: %d\n", c15 == c15b, c15 != c30);
	for (i = 0; i < 7; ++i) {
		n[i].name = names[i];
		n[i].count = 0;
		n[i].ev = diff_must(evtimer_new(base, named_cb, &n[i]), "evtimer_new");
	}
	add_timer(n[3].ev, c30);
	add_timer(n[0].ev, c15);
	add_timer(n[5].ev, &plain);
	add_timer(n[1].ev, c15);
	add_timer(n[4].ev, c30);
	add_timer(n[2].ev, c15);
	add_timer(n[6].ev, c15);
	/* Removing one in the middle keeps the others' order. */
	evtimer_del(n[2].ev);
	{
		struct timeval left, now;
		int p = event_pending(n[0].ev, EV_TIMEOUT, &left);
		long long d;
		evutil_gettimeofday(&now, NULL);
		d = (long long)(left.tv_sec - now.tv_sec) * 1000000 + (left.tv_usec - now.tv_usec);
		/* The wall-clock deadline is derived from a cached clock offset:
		 * only roughly 15ms away. */
		printf("common pending %#x deadline soon %d\n", p, d > 0 && d < 400000);
	}
	event_base_dispatch(base);
	print_order("common order");
	/* A persistent event on a common timeout: fires at 30 and 60, the
	 * plain timers at 75 and 105. */
	n[0].count = 0;
	event_assign(n[0].ev, base, -1, EV_PERSIST, named_cb, &n[0]);
	add_timer(n[0].ev, c30);
	add_timer(n[3].ev, &t75);
	add_timer(n[5].ev, &t105);
	event_base_loop(base, EVLOOP_ONCE);
	event_base_loop(base, EVLOOP_ONCE);
	event_base_loop(base, EVLOOP_ONCE);
	event_del(n[0].ev);
	event_base_dispatch(base);
	print_order("common persist");
	for (i = 0; i < 7; ++i)
		event_free(n[i].ev);
}

/* A persistent timer keeps firing until deleted; re-adding changes its
 * period. */
static struct event *persist_ev, *stop_ev;
static int persist_count;
static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)arg;
	persist_count++;
	printf("persist fire %d res %#x pending %d\n", persist_count, what,
	    event_pending(persist_ev, EV_TIMEOUT, NULL) ? 1 : 0);
	if (persist_count == 3)
		event_del(persist_ev);
}

static void test_persist(struct event_base *base)
{
	struct timeval tv = ms(10);
	int i;
	persist_count = 0;
	persist_ev = diff_must(event_new(base, -1, EV_PERSIST, persist_cb, NULL), "event_new");
	event_add(persist_ev, &tv);
	i = event_base_dispatch(base);
	printf("persist dispatch -> %d count %d\n", i, persist_count);
	event_free(persist_ev);
}

/* Callbacks that re-arm, delete or free timers. */
static struct named chain[4];
static void rearm_cb(evutil_socket_t fd, short what, void *arg)
{
	struct named *n = arg;
	struct timeval tv = ms(20);
	(void)fd;
	(void)what;
	n->count++;
	note(n->name);
	if (n->count < 3)
		add_timer(n->ev, &tv);
}

static void killer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	note("killer");
	/* Stop a pending timer, and free another one while it is pending. */
	event_del(chain[1].ev);
	event_free(chain[2].ev);
	chain[2].ev = NULL;
}

static void self_free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct named *n = arg;
	(void)fd;
	(void)what;
	note(n->name);
	event_free(n->ev);
	n->ev = NULL;
}

static void test_callback_changes(struct event_base *base)
{
	struct event *killer;
	int r;
	struct timeval t10 = ms(10), t60 = ms(60), t20 = ms(20), t40 = ms(40);
	struct timeval t70 = ms(70), t5 = ms(5);
	chain[0].name = "rearm";
	chain[0].count = 0;
	chain[0].ev = diff_must(evtimer_new(base, rearm_cb, &chain[0]), "evtimer_new");
	chain[1].name = "victim";
	chain[1].ev = diff_must(evtimer_new(base, named_cb, &chain[1]), "evtimer_new");
	chain[2].name = "freed";
	chain[2].ev = diff_must(evtimer_new(base, named_cb, &chain[2]), "evtimer_new");
	chain[3].name = "selffree";
	chain[3].ev = diff_must(evtimer_new(base, self_free_cb, &chain[3]), "evtimer_new");
	/* rearm: 10, 30, 50; selffree 20; killer 40; victim 60; freed 70. */
	add_timer(chain[0].ev, &t10);
	add_timer(chain[1].ev, &t60);
	add_timer(chain[2].ev, &t70);
	add_timer(chain[3].ev, &t20);
	killer = diff_must(evtimer_new(base, killer_cb, NULL), "evtimer_new");
	add_timer(killer, &t40);
	event_base_dispatch(base);
	print_order("callback changes");
	printf("selffree gone %d victim pending %d\n", chain[3].ev == NULL,
	    event_pending(chain[1].ev, EV_TIMEOUT, NULL));
	/* Re-adding a pending timer replaces its deadline. */
	add_timer(chain[1].ev, &t40);
	add_timer(chain[0].ev, &t20);
	add_timer(chain[1].ev, &t5);
	chain[0].count = 5;
	event_base_dispatch(base);
	print_order("re-add moves deadline");
	/* event_remove_timer keeps a timer-only event initialised but idle. */
	add_timer(chain[1].ev, &t5);
	r = event_remove_timer(chain[1].ev);
	printf("remove_timer -> %d pending %d\n", r, event_pending(chain[1].ev, EV_TIMEOUT, NULL));
	printf("dispatch empty -> %d\n", event_base_dispatch(base));
	print_order("after remove_timer");
	event_free(chain[0].ev);
	event_free(chain[1].ev);
	event_free(killer);
}

/* event_base_once: runs exactly once, in deadline order with the rest. */
static void once_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s(fd %d res %#x)", (const char *)arg, (int)fd, what);
	note(buf);
}

static void test_once(struct event_base *base)
{
	struct timeval t20 = ms(20), t5 = ms(5), t0 = ms(0);
	printf("once 20 -> %d\n", event_base_once(base, -1, EV_TIMEOUT, once_cb, "o20", &t20));
	printf("once 5 -> %d\n", event_base_once(base, -1, EV_TIMEOUT, once_cb, "o5", &t5));
	printf("once 0 -> %d\n", event_base_once(base, -1, EV_TIMEOUT, once_cb, "o0", &t0));
	printf("once NULL tv -> %d\n", event_base_once(base, -1, EV_TIMEOUT, once_cb, "onull", NULL));
	printf("once persist -> %d\n",
	    event_base_once(base, -1, EV_TIMEOUT | EV_PERSIST, once_cb, "bad", &t5));
	printf("once signal -> %d\n", event_base_once(base, 2, EV_SIGNAL, once_cb, "bad", &t5));
	printf("dispatch -> %d\n", event_base_dispatch(base));
	print_order("once order");
}

/* event_pending reports a timer and its deadline; after firing it is gone. */
static void test_pending(struct event_base *base)
{
	struct event *ev = diff_must(evtimer_new(base, named_cb, &chain[0]), "evtimer_new");
	struct timeval tv = ms(30), left, now;
	int r;
	chain[0].name = "p";
	printf("pending fresh -> %d\n", event_pending(ev, EV_TIMEOUT | EV_READ, NULL));
	add_timer(ev, &tv);
	memset(&left, 0, sizeof(left));
	r = event_pending(ev, EV_TIMEOUT | EV_READ | EV_WRITE | EV_SIGNAL, &left);
	event_base_gettimeofday_cached(base, &now);
	/* The deadline is reported on the wall clock, 30ms in the future. */
	{
		long long d = (long long)(left.tv_sec - now.tv_sec) * 1000000 +
		    (left.tv_usec - now.tv_usec);
		printf("pending armed -> %#x deadline in future %d within 1s %d\n", r, d > 0,
		    d < 1000000);
	}
	printf("pending READ only -> %d\n", event_pending(ev, EV_READ, NULL));
	event_active(ev, EV_TIMEOUT, 0);
	printf("pending armed+active -> %#x\n", event_pending(ev, EV_TIMEOUT, NULL));
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("pending after active run -> %#x\n", event_pending(ev, EV_TIMEOUT, NULL));
	event_base_dispatch(base);
	printf("pending after fire -> %#x\n", event_pending(ev, EV_TIMEOUT, NULL));
	print_order("pending order");
	event_free(ev);
}

static void run_scenarios(struct event_base *base)
{
	test_distinct_order(base);
	test_identical(base);
	test_common_timeouts(base);
	test_persist(base);
	test_callback_changes(base);
	test_once(base);
	test_pending(base);
}

int main(void)
{
	diff_report_loaded_libevent();
	diff_for_each_method(run_scenarios);
	return 0;
}
