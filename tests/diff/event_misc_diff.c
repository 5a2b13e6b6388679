/* Differential test of the event API's bookkeeping and configuration:
 * event counts and maxima, event_get_assignment and the accessors,
 * event_base_foreach_event (printed order-insensitively), backend choice by
 * config and environment, features, version, and the compat API
 * (event_init/event_set/event_dispatch/event_loopexit). */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loaded_lib.h"

static void noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static void print_counts(struct event_base *base, const char *label)
{
	printf("%s: active %d virtual %d added %d all %d\n", label,
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base,
		EVENT_BASE_COUNT_ACTIVE | EVENT_BASE_COUNT_VIRTUAL | EVENT_BASE_COUNT_ADDED));
}

static void print_max(struct event_base *base, const char *label, int clear)
{
	int a = event_base_get_max_events(base, EVENT_BASE_COUNT_ACTIVE, 0);
	int v = event_base_get_max_events(base, EVENT_BASE_COUNT_VIRTUAL, 0);
	int d = event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0);
	printf("%s: max active %d virtual %d added %d\n", label, a, v, d);
	if (clear)
		event_base_get_max_events(base,
		    EVENT_BASE_COUNT_ACTIVE | EVENT_BASE_COUNT_VIRTUAL | EVENT_BASE_COUNT_ADDED, 1);
}

/* foreach: collect a sorted summary of (fd, events) pairs. */
struct seen {
	int n;
	int keys[64];
};
static evutil_socket_t pair_fds[2];
/* Fd numbers differ between libraries (internal fds): print roles. */
static int fd_role(evutil_socket_t fd)
{
	if (fd == pair_fds[0])
		return 0;
	if (fd == pair_fds[1])
		return 1;
	if (fd == SIGUSR1)
		return 2;
	return fd < 0 ? 3 : 4;
}
static const char *const role_names[] = { "s0", "s1", "sigusr1", "none", "other" };

static int collect_cb(const struct event_base *base, const struct event *ev, void *arg)
{
	struct seen *s = arg;
	(void)base;
	/* Only this program's events: whether the library's own internal
	 * events are visited is not specified. */
	if (event_get_callback(ev) != noop_cb)
		return 0;
	if (s->n < 64)
		s->keys[s->n++] = fd_role(event_get_fd(ev)) * 1000 + event_get_events(ev);
	return 0;
}
static int stop_cb(const struct event_base *base, const struct event *ev, void *arg)
{
	(void)base;
	(void)ev;
	++*(int *)arg;
	return 7;
}
static void print_foreach(struct event_base *base, const char *label)
{
	struct seen s;
	int i, j, r, stops = 0;
	s.n = 0;
	r = event_base_foreach_event(base, collect_cb, &s);
	for (i = 1; i < s.n; ++i)
		for (j = i; j > 0 && s.keys[j - 1] > s.keys[j]; --j) {
			int t = s.keys[j];
			s.keys[j] = s.keys[j - 1];
			s.keys[j - 1] = t;
		}
	printf("%s: foreach -> %d, %d events:", label, r, s.n);
	for (i = 0; i < s.n; ++i)
		printf(" %s/%#x", role_names[s.keys[i] / 1000], s.keys[i] % 1000);
	r = event_base_foreach_event(base, stop_cb, &stops);
	printf("; stopping foreach -> %d after %d\n", r, stops);
}

static void test_counts(void)
{
	struct event_base *base = event_base_new();
	evutil_socket_t s[2];
	struct event *io, *iot, *tm, *sig, *act;
	struct timeval tv = { 10, 0 };
	printf("== counts\n");
	evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	pair_fds[0] = s[0];
	pair_fds[1] = s[1];
	print_counts(base, "fresh");
	print_max(base, "fresh", 0);
	io = event_new(base, s[0], EV_READ | EV_PERSIST, noop_cb, NULL);
	iot = event_new(base, s[1], EV_READ | EV_WRITE, noop_cb, NULL);
	tm = evtimer_new(base, noop_cb, NULL);
	sig = evsignal_new(base, SIGUSR1, noop_cb, NULL);
	act = event_new(base, -1, 0, noop_cb, NULL);
	event_add(io, NULL);
	print_counts(base, "io");
	event_add(iot, &tv);
	print_counts(base, "io + io with timeout");
	event_add(tm, &tv);
	print_counts(base, "+ timer");
	event_add(sig, NULL);
	print_counts(base, "+ signal");
	print_foreach(base, "added");
	event_active(act, EV_READ, 0);
	event_active(tm, EV_TIMEOUT, 0);
	print_counts(base, "+ 2 active");
	print_foreach(base, "with active");
	print_max(base, "max", 1);
	print_max(base, "max after clear", 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	print_counts(base, "after loop");
	event_del(iot);
	event_del(sig);
	print_counts(base, "after del");
	print_foreach(base, "after del");
	print_max(base, "before free", 0);
	event_free(io);
	event_free(iot);
	event_free(tm);
	event_free(sig);
	event_free(act);
	print_counts(base, "all freed");
	evutil_closesocket(s[0]);
	evutil_closesocket(s[1]);
	event_base_free(base);
}

static void test_assignment(void)
{
	struct event_base *base = event_base_new();
	struct event *ev = event_new(base, 55, EV_READ | EV_ET, noop_cb, &base);
	struct event_base *b = NULL;
	evutil_socket_t fd = -1;
	short events = 0;
	event_callback_fn cb = NULL;
	void *arg = NULL;
	struct event stack_ev;
	printf("== assignment\n");
	event_get_assignment(ev, &b, &fd, &events, &cb, &arg);
	printf("assignment base %d fd %d events %#x cb %d arg %d\n", b == base, (int)fd, events,
	    cb == noop_cb, arg == (void *)&base);
	event_get_assignment(ev, NULL, NULL, NULL, NULL, NULL);
	printf("accessors base %d fd %d events %#x cb %d arg %d prio %d\n",
	    event_get_base(ev) == base, (int)event_get_fd(ev), event_get_events(ev),
	    event_get_callback(ev) == noop_cb, event_get_callback_arg(ev) == (void *)&base,
	    event_get_priority(ev));
	printf("struct event size matches %d\n", event_get_struct_event_size() == sizeof(struct event));
	memset(&stack_ev, 0, sizeof(stack_ev));
	printf("initialized zeroed %d new %d\n", event_initialized(&stack_ev), event_initialized(ev));
	printf("assign -> %d\n", event_assign(&stack_ev, base, -1, EV_PERSIST, noop_cb, NULL));
	printf("initialized assigned %d events %#x\n", event_initialized(&stack_ev),
	    event_get_events(&stack_ev));
	printf("evtimer_initialized %d\n", evtimer_initialized(&stack_ev));
	event_free(ev);
	event_base_free(base);
}

static void print_method(struct event_config *cfg, const char *label)
{
	struct event_base *base = event_base_new_with_config(cfg);
	if (!base) {
		printf("%s -> no base\n", label);
		return;
	}
	printf("%s -> %s features %#x\n", label, event_base_get_method(base),
	    event_base_get_features(base));
	event_base_free(base);
}

static void test_methods(void)
{
	const char **m = event_get_supported_methods();
	struct event_config *cfg;
	int i;
	printf("== methods\n");
	printf("supported:");
	/* io_uring: an opt-in method of ours that libevent lacks (DIFFERENCES.md). */
	for (i = 0; m[i]; ++i)
		if (strcmp(m[i], "io_uring") != 0)
			printf(" %s", m[i]);
	printf("\n");
	cfg = event_config_new();
	print_method(cfg, "default");
	printf("require FDS -> %d\n", event_config_require_features(cfg, EV_FEATURE_FDS));
	print_method(cfg, "require FDS");
	event_config_require_features(cfg, EV_FEATURE_ET | EV_FEATURE_O1);
	print_method(cfg, "require ET|O1");
	event_config_require_features(cfg, EV_FEATURE_EARLY_CLOSE);
	print_method(cfg, "require EARLY_CLOSE");
	event_config_require_features(cfg, EV_FEATURE_ET | EV_FEATURE_FDS);
	print_method(cfg, "require ET|FDS");
	event_config_free(cfg);
	cfg = event_config_new();
	printf("avoid epoll -> %d\n", event_config_avoid_method(cfg, "epoll"));
	print_method(cfg, "avoid epoll");
	event_config_avoid_method(cfg, "poll");
	print_method(cfg, "avoid epoll,poll");
	event_config_avoid_method(cfg, "select");
	/* Avoiding libevent's three picks our opt-in io_uring; a name the
	 * reference does not know is merely recorded there. */
	event_config_avoid_method(cfg, "io_uring");
	print_method(cfg, "avoid all");
	event_config_free(cfg);
	cfg = event_config_new();
	printf("avoid unknown -> %d\n", event_config_avoid_method(cfg, "nosuchmethod"));
	printf("set_flag -> %d\n", event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER));
	print_method(cfg, "precise timer");
	event_config_free(cfg);
	/* The environment picks the backend unless told to ignore it. */
	setenv("EVENT_NOEPOLL", "1", 1);
	cfg = event_config_new();
	print_method(cfg, "EVENT_NOEPOLL");
	event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV);
	print_method(cfg, "EVENT_NOEPOLL ignored");
	event_config_free(cfg);
	setenv("EVENT_NOPOLL", "1", 1);
	cfg = event_config_new();
	print_method(cfg, "EVENT_NOEPOLL,NOPOLL");
	event_config_free(cfg);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	printf("version %s number %#x\n", event_get_version(),
	    (unsigned)event_get_version_number());
}

/* The compat API works on the global "current" base. */
static int compat_calls;
static void compat_cb(int fd, short what, void *arg)
{
	compat_calls++;
	printf("  compat %s fd %d res %#x\n", (const char *)arg, fd, what);
}

static void test_compat(void)
{
	struct event_base *cur;
	struct event ev1, ev2, ev3;
	/* Wide margins: a stalled machine must not merge these deadlines. */
	struct timeval t10 = { 0, 10000 }, t30 = { 0, 30000 }, t60 = { 0, 200000 };
	int r;
	printf("== compat\n");
	cur = event_init();
	printf("event_init -> %s method %s\n", cur ? "base" : "NULL", event_get_method());
	event_set(&ev1, -1, 0, compat_cb, "t10");
	event_set(&ev2, -1, 0, compat_cb, "t60");
	evtimer_set(&ev3, compat_cb, "t30");
	printf("event_set base is current %d prio %d\n", event_get_base(&ev1) == cur,
	    event_get_priority(&ev1));
	event_add(&ev1, &t10);
	event_add(&ev2, &t60);
	event_add(&ev3, &t30);
	printf("loopexit 100ms -> %d\n", event_loopexit(&(struct timeval){ 0, 100000 }));
	r = event_dispatch();
	printf("event_dispatch -> %d calls %d pending t60 %d\n", r, compat_calls,
	    event_pending(&ev2, EV_TIMEOUT, NULL));
	r = event_loop(EVLOOP_ONCE);
	printf("event_loop once -> %d calls %d\n", r, compat_calls);
	printf("event_once -> %d\n", event_once(-1, EV_TIMEOUT, compat_cb, "once", &t10));
	r = event_loop(0);
	printf("event_loop -> %d\n", r);
	printf("priority_init -> %d\n", event_priority_init(4));
	event_set(&ev1, -1, 0, compat_cb, "prio");
	printf("event_set prio with 4 queues %d\n", event_get_priority(&ev1));
	printf("event_loopbreak -> %d\n", event_loopbreak());
	/* event_base_set moves an event to another base. */
	{
		struct event_base *other = event_base_new();
		int rs = event_base_set(other, &ev1);
		printf("event_base_set -> %d same %d\n", rs, event_get_base(&ev1) == other);
		event_base_free(other);
	}
	event_base_free(cur);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	diff_report_loaded_libevent();
	test_counts();
	test_assignment();
	test_methods();
	test_compat();
	return 0;
}
