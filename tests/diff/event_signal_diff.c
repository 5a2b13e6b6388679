/* Differential test of signal events, once per backend.  Signals are raised
 * by the program itself with raise(), which runs the handler before it
 * returns, so the number of deliveries is exact.  SIGUSR1/SIGUSR2 are
 * ignored before any event is added: when the last event for a signal goes
 * away the library restores that disposition, and a stray signal is
 * harmless. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaded_lib.h"
#include "diff_check.h"
#include "method_base.h"

static struct event_base *base;

struct sig_rec {
	const char *name;
	int calls;
	short res;
	int break_after; /* call loopbreak on this call number (0: never) */
	int del_after;   /* delete itself on this call number */
	int quiet;       /* events sharing a signal run in unspecified order */
	struct event *ev;
};

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sig_rec *r = arg;
	r->calls++;
	r->res |= what;
	if (!r->quiet)
		printf("  %s: signal %d res %#x call %d\n", r->name, (int)fd, what, r->calls);
	if (r->break_after == r->calls)
		event_base_loopbreak(base);
	if (r->del_after == r->calls)
		event_del(r->ev);
}

/* raise() that must work: a signal that never arrives would tell another
 * story than the library's. */
static void send_signal(int sig)
{
	if (raise(sig) != 0) {
		fprintf(stderr, "FAIL: raise(%d)\n", sig);
		exit(1);
	}
}

static void init_rec(struct sig_rec *r, const char *name, int sig, short flags)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->ev = diff_must(event_new(base, sig, EV_SIGNAL | flags, sig_cb, r), "event_new");
}

static void run_once(const char *label)
{
	int r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("%s: loop -> %d\n", label, r);
}

static void test_basic(void)
{
	struct sig_rec once, pers;
	printf("== basic\n");
	init_rec(&once, "once", SIGUSR1, 0);
	init_rec(&pers, "persist", SIGUSR2, EV_PERSIST);
	printf("add -> %d\n", event_add(once.ev, NULL));
	printf("add -> %d\n", event_add(pers.ev, NULL));
	printf("pending once %#x persist %#x\n", evsignal_pending(once.ev, NULL),
	    event_pending(pers.ev, EV_SIGNAL | EV_READ, NULL));
	send_signal(SIGUSR1);
	run_once("after USR1");
	printf("pending once %#x\n", evsignal_pending(once.ev, NULL));
	/* Raised three times before the loop runs: three calls. */
	send_signal(SIGUSR2);
	send_signal(SIGUSR2);
	send_signal(SIGUSR2);
	run_once("after 3x USR2");
	send_signal(SIGUSR2);
	run_once("after USR2");
	/* The non-persistent event is gone: raising USR1 is ignored. */
	send_signal(SIGUSR1);
	run_once("after USR1 again");
	printf("calls once %d persist %d\n", once.calls, pers.calls);
	event_free(once.ev);
	event_free(pers.ev);
	/* Nothing registered any more. */
	printf("dispatch empty -> %d\n", event_base_dispatch(base));
}

static void test_two_events_one_signal(void)
{
	struct sig_rec a, b;
	printf("== two events on one signal\n");
	init_rec(&a, "a", SIGUSR1, EV_PERSIST);
	init_rec(&b, "b", SIGUSR1, EV_PERSIST);
	a.quiet = b.quiet = 1;
	event_add(a.ev, NULL);
	event_add(b.ev, NULL);
	send_signal(SIGUSR1);
	send_signal(SIGUSR1);
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("calls a %d b %d\n", a.calls, b.calls);
	event_del(a.ev);
	send_signal(SIGUSR1);
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("after del a: calls a %d b %d\n", a.calls, b.calls);
	event_free(a.ev);
	event_free(b.ev);
}

static void test_break_and_del(void)
{
	struct sig_rec br, del;
	int r;
	printf("== loopbreak and delete during repeated calls\n");
	init_rec(&br, "breaker", SIGUSR1, EV_PERSIST);
	br.break_after = 2;
	event_add(br.ev, NULL);
	send_signal(SIGUSR1);
	send_signal(SIGUSR1);
	send_signal(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("break: loop -> %d got_break %d calls %d\n", r, event_base_got_break(base),
	    br.calls);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("after break: loop -> %d calls %d\n", r, br.calls);
	event_free(br.ev);
	init_rec(&del, "deleter", SIGUSR2, EV_PERSIST);
	del.del_after = 1;
	event_add(del.ev, NULL);
	send_signal(SIGUSR2);
	send_signal(SIGUSR2);
	send_signal(SIGUSR2);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("del: loop -> %d calls %d pending %#x\n", r, del.calls,
	    evsignal_pending(del.ev, NULL));
	event_free(del.ev);
}

static void test_signal_with_timeout(void)
{
	struct sig_rec t;
	struct timeval tv = { 0, 10000 };
	int r;
	printf("== signal with timeout\n");
	init_rec(&t, "timed", SIGUSR1, 0);
	event_add(t.ev, &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d calls %d res %#x\n", r, t.calls, t.res);
	event_free(t.ev);
}

static void test_invalid(void)
{
	struct event *ev;
	printf("== invalid\n");
	ev = event_new(base, SIGUSR1, EV_SIGNAL | EV_READ, sig_cb, NULL);
	printf("signal|read -> %s\n", ev ? "event" : "NULL");
	if (ev)
		event_free(ev);
	ev = event_new(base, SIGUSR1, EV_SIGNAL | EV_CLOSED, sig_cb, NULL);
	printf("signal|closed -> %s\n", ev ? "event" : "NULL");
	if (ev)
		event_free(ev);
}

/* Only one base at a time may watch signals. */
static void test_second_base(void)
{
	struct event_base *other = diff_must(event_base_new(), "event_base_new");
	struct sig_rec a;
	struct event *o;
	int r;
	printf("== second base\n");
	init_rec(&a, "first", SIGUSR1, EV_PERSIST);
	event_add(a.ev, NULL);
	o = event_new(other, SIGUSR2, EV_SIGNAL, sig_cb, &a);
	r = event_add(o, NULL);
	printf("add on other base while first has signals -> %d\n", r);
	event_free(o);
	event_free(a.ev);
	event_base_free(other);
}

static void run_scenarios(struct event_base *method_base)
{
	base = method_base;
	test_basic();
	test_two_events_one_signal();
	test_break_and_del();
	test_signal_with_timeout();
	test_invalid();
	test_second_base();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	diff_report_loaded_libevent();
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	diff_for_each_method(run_scenarios);
	return 0;
}
