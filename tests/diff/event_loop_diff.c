/* Differential test of the event loop itself: priorities, event_active and
 * its result flags, loop flags, loopexit/loopbreak/loopcontinue and the
 * got_exit/got_break flags, and callbacks that delete, free or re-add
 * events.  Events are made active with event_active (never by time), so
 * every order printed is fully determined by the API. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaded_lib.h"
#include "method_base.h"

static char order[4096];
static void note(const char *fmt, const char *name, int v)
{
	size_t used = strlen(order);
	if (used)
		order[used++] = ' ';
	snprintf(order + used, sizeof(order) - used, fmt, name, v);
}
static void print_order(const char *label)
{
	printf("%s: %s\n", label, order);
	order[0] = '\0';
}

static struct event_base *base;

/* Actions a callback may take, selected per event. */
enum action { NONE, BREAK, EXIT, CONTINUE, DEL_OTHER, FREE_OTHER, ACTIVATE_OTHER,
	READD_SELF, FREE_SELF, DEL_SELF };

struct item {
	const char *name;
	struct event *ev;
	enum action act;
	struct item *other;
	short other_res;
	int calls;
};

static void item_cb(evutil_socket_t fd, short what, void *arg)
{
	struct item *it = arg;
	(void)fd;
	it->calls++;
	note("%s:%x", it->name, what);
	switch (it->act) {
	case BREAK: event_base_loopbreak(base); break;
	case EXIT: event_base_loopexit(base, NULL); break;
	case CONTINUE: event_base_loopcontinue(base); break;
	case DEL_OTHER: event_del(it->other->ev); break;
	case FREE_OTHER:
		event_free(it->other->ev);
		it->other->ev = NULL;
		break;
	case ACTIVATE_OTHER: event_active(it->other->ev, it->other_res, 0); break;
	case READD_SELF:
		it->act = NONE;
		event_active(it->ev, EV_TIMEOUT, 0);
		break;
	case FREE_SELF:
		event_free(it->ev);
		it->ev = NULL;
		break;
	case DEL_SELF: event_del(it->ev); break;
	case NONE: break;
	}
}

static struct item items[12];
static const char *item_names[12] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l" };

/* Creates n fresh items with the given priorities (-1: default). */
static void make_items(int n, const int *prios)
{
	int i;
	for (i = 0; i < n; ++i) {
		items[i].name = item_names[i];
		items[i].act = NONE;
		items[i].other = NULL;
		items[i].calls = 0;
		items[i].ev = event_new(base, -1, 0, item_cb, &items[i]);
		if (prios && prios[i] >= 0)
			event_priority_set(items[i].ev, prios[i]);
	}
}

static void free_items(int n)
{
	int i;
	for (i = 0; i < n; ++i) {
		if (items[i].ev)
			event_free(items[i].ev);
		items[i].ev = NULL;
	}
}

static void print_flags(const char *label, int r)
{
	printf("%s -> %d got_exit %d got_break %d\n", label, r, event_base_got_exit(base),
	    event_base_got_break(base));
}

static void test_priorities(void)
{
	static const int prios[] = { 2, 0, 1, 0, 2, 1, -1 };
	int r, i;
	printf("== priorities\n");
	printf("npriorities %d\n", event_base_get_npriorities(base));
	make_items(7, prios);
	for (i = 0; i < 7; ++i)
		printf("%s priority %d\n", items[i].name, event_get_priority(items[i].ev));
	/* Activation order within one priority is kept. */
	for (i = 6; i >= 0; --i)
		event_active(items[i].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_ONCE);
	print_flags("loop once", r);
	print_order("order");
	/* A callback of a low priority activates a higher one: the rest of the
	 * current priority's queue runs first, then the higher priority. */
	items[0].act = ACTIVATE_OTHER; /* a (2) activates b (0) */
	items[0].other = &items[1];
	items[0].other_res = EV_WRITE;
	items[5].act = ACTIVATE_OTHER; /* f (1) activates c (1): same queue */
	items[5].other = &items[2];
	items[5].other_res = EV_SIGNAL;
	event_active(items[5].ev, EV_READ, 0);
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[4].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("loop nonblock", r);
	print_order("order");
	items[0].act = items[5].act = NONE;
	/* event_priority_set fails on an active event. */
	event_active(items[3].ev, EV_READ, 0);
	printf("priority_set active -> %d\n", event_priority_set(items[3].ev, 1));
	printf("priority_set out of range -> %d\n", event_priority_set(items[2].ev, 3));
	printf("priority_set negative -> %d\n", event_priority_set(items[2].ev, -1));
	event_base_loop(base, EVLOOP_NONBLOCK);
	print_order("order");
	free_items(7);
}

static void test_active_flags(void)
{
	int r;
	printf("== event_active flags\n");
	make_items(3, NULL);
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[0].ev, EV_WRITE, 0);
	event_active(items[0].ev, EV_TIMEOUT, 5);
	event_active(items[1].ev, EV_SIGNAL | EV_CLOSED, 0);
	event_active(items[2].ev, 0, 0);
	printf("pending a -> %#x\n",
	    event_pending(items[0].ev, EV_READ | EV_WRITE | EV_TIMEOUT | EV_SIGNAL, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("loop", r);
	print_order("order");
	printf("calls %d %d %d\n", items[0].calls, items[1].calls, items[2].calls);
	/* After running, a non-persistent event is neither active nor pending. */
	printf("pending a after -> %#x\n",
	    event_pending(items[0].ev, EV_READ | EV_WRITE | EV_TIMEOUT | EV_SIGNAL, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("idle loop", r);
	print_order("order");
	free_items(3);
}

static void test_break_exit_continue(void)
{
	int r;
	printf("== loopbreak/loopexit/loopcontinue\n");
	make_items(4, NULL);
	/* loopbreak: nothing after the breaking callback runs. */
	items[1].act = BREAK;
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[1].ev, EV_READ, 0);
	event_active(items[2].ev, EV_READ, 0);
	r = event_base_dispatch(base);
	print_flags("break", r);
	print_order("order");
	items[1].act = NONE;
	/* The flags are reset when the loop starts again; the event that was
	 * left active runs then. */
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("after break", r);
	print_order("order");
	/* loopexit(NULL): the current batch of active callbacks completes. */
	items[1].act = EXIT;
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[1].ev, EV_READ, 0);
	event_active(items[2].ev, EV_READ, 0);
	r = event_base_dispatch(base);
	print_flags("exit", r);
	print_order("order");
	items[1].act = NONE;
	/* loopexit requested before the loop runs: honoured on the next run. */
	printf("loopexit outside -> %d\n", event_base_loopexit(base, NULL));
	event_active(items[3].ev, EV_READ, 0);
	r = event_base_dispatch(base);
	print_flags("pre-exit", r);
	print_order("order");
	/* loopbreak requested before the loop runs is forgotten. */
	printf("loopbreak outside -> %d\n", event_base_loopbreak(base));
	event_active(items[3].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("pre-break", r);
	print_order("order");
	/* loopcontinue: the loop goes on, later callbacks still run. */
	items[0].act = CONTINUE;
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[1].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("continue nonblock", r);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("continue nonblock again", r);
	print_order("order");
	items[0].act = NONE;
	printf("loopcontinue outside -> %d\n", event_base_loopcontinue(base));
	/* loopexit with a timeout on an otherwise empty loop. */
	{
		struct timeval tv = { 0, 20000 };
		printf("loopexit 20ms -> %d\n", event_base_loopexit(base, &tv));
		r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
		print_flags("no-exit-on-empty + loopexit", r);
		printf("loopexit 20ms -> %d\n", event_base_loopexit(base, &tv));
		r = event_base_dispatch(base);
		print_flags("dispatch with only loopexit timer", r);
	}
	free_items(4);
}

static void test_loop_flags(void)
{
	struct timeval tv = { 0, 10000 };
	int r;
	printf("== loop flags\n");
	r = event_base_dispatch(base);
	print_flags("empty dispatch", r);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("empty nonblock", r);
	r = event_base_loop(base, EVLOOP_ONCE);
	print_flags("empty once", r);
	make_items(2, NULL);
	/* A pending timer that is not due: NONBLOCK returns without running it. */
	event_add(items[0].ev, &tv);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("nonblock with pending timer", r);
	print_order("order");
	/* ONCE waits for it. */
	r = event_base_loop(base, EVLOOP_ONCE);
	print_flags("once with pending timer", r);
	print_order("order");
	/* ONCE runs events activated by callbacks too before returning. */
	items[0].act = ACTIVATE_OTHER;
	items[0].other = &items[1];
	items[0].other_res = EV_WRITE;
	event_active(items[0].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_ONCE);
	print_flags("once chain", r);
	print_order("order");
	items[0].act = NONE;
	/* ONCE | NONBLOCK with nothing ready. */
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	print_flags("once|nonblock empty", r);
	free_items(2);
}

static void test_callback_mutations(void)
{
	int r;
	printf("== del/free/re-add inside callbacks\n");
	make_items(6, NULL);
	/* a deletes c and frees d, both active and not yet run. */
	items[0].act = DEL_OTHER;
	items[0].other = &items[2];
	items[1].act = FREE_OTHER;
	items[1].other = &items[3];
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[1].ev, EV_READ, 0);
	event_active(items[2].ev, EV_READ, 0);
	event_active(items[3].ev, EV_READ, 0);
	event_active(items[4].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("loop", r);
	print_order("order");
	printf("c pending %#x d freed %d\n", event_pending(items[2].ev, EV_READ | EV_TIMEOUT, NULL),
	    items[3].ev == NULL);
	/* Self re-activation runs again in the same loop pass; self free. */
	items[0].act = READD_SELF;
	items[4].act = FREE_SELF;
	event_active(items[0].ev, EV_READ, 0);
	event_active(items[4].ev, EV_READ, 0);
	event_active(items[5].ev, EV_READ, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	print_flags("loop", r);
	print_order("order");
	printf("e freed %d\n", items[4].ev == NULL);
	/* A persistent timer deleting itself. */
	event_free(items[5].ev);
	items[5].ev = event_new(base, -1, EV_PERSIST, item_cb, &items[5]);
	items[5].act = DEL_SELF;
	{
		struct timeval tv = { 0, 1000 };
		event_add(items[5].ev, &tv);
	}
	r = event_base_dispatch(base);
	print_flags("persist del self", r);
	print_order("order");
	free_items(6);
}

/* event_base_get_running_event and event_self_cbarg seen from callbacks. */
static struct event *self_ev;
static void self_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	printf("running is self %d cbarg is self %d\n",
	    event_base_get_running_event(base) == self_ev, arg == (void *)self_ev);
}

static void test_self(void)
{
	printf("== self\n");
	self_ev = event_new(base, -1, 0, self_cb, event_self_cbarg());
	/* Not asked outside a callback: the reference dereferences NULL there. */
	event_active(self_ev, EV_READ, 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_free(self_ev);
}

static void run_scenarios(struct event_base *method_base)
{
	base = method_base;
	printf("priority_init 3 -> %d\n", event_base_priority_init(base, 3));
	test_priorities();
	printf("priority_init 1 -> %d\n", event_base_priority_init(base, 1));
	test_active_flags();
	test_break_exit_continue();
	test_loop_flags();
	test_callback_mutations();
	test_self();
}

int main(void)
{
	diff_report_loaded_libevent();
	diff_for_each_method(run_scenarios);
	return 0;
}
