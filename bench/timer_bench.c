/* Timers, two ways.
 *
 * -m churn (default): N timers with random timeouts (seeded, so both
 *   libraries see the same sequence).  A round adds every timer, runs the
 *   loop once without blocking (it computes its timeout from the full set),
 *   re-adds every timer with a new timeout (a pending timer is moved), and
 *   deletes every timer.  Events = 3N timer operations per round.
 *
 * -m common: N timers spread over a few common timeouts
 *   (event_base_init_common_timeout) of a few milliseconds.  A round adds
 *   them all and dispatches until every one has fired.  Events = N fired
 *   timers per round.
 *
 * Usage: timer_bench [-m churn|common] [-n timers] [-r rounds] [-u warmup] [-x]
 * Prints the result line of bench_run_rounds, named timer_churn or common_timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bench_common.h"

enum { kCommonQueues = 4 };

struct timer_bench {
  struct event_base* base;
  int ntimers;
  struct event** timers;
  uint64_t rng;
  const struct timeval* common[kCommonQueues];
  long fired;
};

static struct timer_bench bench;

static void on_churn_timer(evutil_socket_t fd, short what, void* arg) {
  (void)fd, (void)what, (void)arg;
  bench_die("a churn timer fired: its timeout is at least 1000 s");
}

static void on_common_timer(evutil_socket_t fd, short what, void* arg) {
  (void)fd, (void)arg;
  if (!(what & EV_TIMEOUT)) bench_die("a common-timeout callback ran without EV_TIMEOUT");
  bench.fired++;
}

/* A timeout between 1000 and 4600 s with microsecond resolution: never
 * reached during a run, and spread enough to exercise the heap order. */
static struct timeval random_timeout(void) {
  uint64_t r = bench_random(&bench.rng);
  struct timeval tv;
  tv.tv_sec = 1000 + (long)(r % 3600);
  tv.tv_usec = (long)((r >> 32) % 1000000);
  return tv;
}

static void add_or_die(struct event* ev, const struct timeval* tv) {
  if (event_add(ev, tv) != 0) bench_die("event_add of a timer failed");
}

BENCH_TIMED void bench_timed_timer_churn(void) {
  for (int i = 0; i < bench.ntimers; i++) {
    struct timeval tv = random_timeout();
    add_or_die(bench.timers[i], &tv);
  }
  if (event_base_loop(bench.base, EVLOOP_NONBLOCK) < 0) bench_die("event_base_loop failed");
  for (int i = 0; i < bench.ntimers; i++) {
    struct timeval tv = random_timeout();
    add_or_die(bench.timers[i], &tv);
  }
  for (int i = 0; i < bench.ntimers; i++) {
    if (event_del(bench.timers[i]) != 0) bench_die("event_del of a timer failed");
  }
}

BENCH_TIMED void bench_timed_common_timeouts(void) {
  bench.fired = 0;
  for (int i = 0; i < bench.ntimers; i++)
    add_or_die(bench.timers[i], bench.common[i % kCommonQueues]);
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (bench.fired != bench.ntimers) bench_die("dispatch ended before every timer fired");
}

static void setup(int common) {
  bench.base = bench_new_base();
  bench.rng = UINT64_C(0x9e3779b97f4a7c15);
  bench.timers = calloc((size_t)bench.ntimers, sizeof *bench.timers);
  if (!bench.timers) bench_die("out of memory");
  for (int q = 0; q < kCommonQueues && common; q++) {
    struct timeval duration = {0, 1000 * (q + 1)};
    bench.common[q] = event_base_init_common_timeout(bench.base, &duration);
    if (!bench.common[q]) bench_die("event_base_init_common_timeout failed");
  }
  event_callback_fn callback = common ? on_common_timer : on_churn_timer;
  for (int i = 0; i < bench.ntimers; i++) {
    bench.timers[i] = evtimer_new(bench.base, callback, NULL);
    if (!bench.timers[i]) bench_die("evtimer_new failed");
  }
}

static void teardown(void) {
  for (int i = 0; i < bench.ntimers; i++) event_free(bench.timers[i]);
  free(bench.timers);
  event_base_free(bench.base);
}

int main(int argc, char** argv) {
  struct bench_args args = {"churn", 5, 1, 0};
  bench.ntimers = -1;
  int opt;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "n:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'n':
        bench.ntimers = (int)bench_parse_count("-n", optarg);
        break;
      default:
        bench_die("usage: timer_bench [-m churn|common] [-n timers] [-r n] [-u n] [-x]");
    }
  }
  int common = strcmp(args.mode, "common") == 0;
  if (!common && strcmp(args.mode, "churn") != 0) bench_die("-m must be churn or common");
  if (bench.ntimers < 0) bench.ntimers = common ? 1000000 : 100000;
  if (bench.ntimers < 1) bench_die("-n must be at least 1");

  bench_check_loaded_library();
  setup(common);
  if (common)
    bench_run_rounds("common_timeout", bench_timed_common_timeouts, args.warmup, args.rounds,
                     bench.ntimers);
  else
    bench_run_rounds("timer_churn", bench_timed_timer_churn, args.warmup, args.rounds,
                     3LL * bench.ntimers);
  if (!args.skip_teardown) teardown();
  return 0;
}
