/* Callback throughput through event_active, with no I/O at all.
 *
 * -m batch (default): K events without descriptors; a round activates all
 *   K and runs the loop once without blocking, repeated until T callbacks
 *   have run (one backend poll per K callbacks).
 *
 * -m chain: each callback activates the next of the K events until T
 *   callbacks have run, all inside a single event_base_dispatch: the cost
 *   of the active queue alone.
 *
 * Usage: active_bench [-m batch|chain] [-k events] [-t callbacks] [-r rounds]
 *                     [-u warmup] [-x]
 * Prints the result line of bench_run_rounds, named active_batch or active_chain. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bench_common.h"

struct active_bench {
  struct event_base* base;
  int nevents;
  long ncallbacks;
  int chain;
  struct event** events;
  long ran;
};

static struct active_bench bench;

static void on_active(evutil_socket_t fd, short what, void* arg) {
  (void)fd;
  if (!(what & EV_READ)) bench_die("an activated callback ran without the EV_READ it was given");
  bench.ran++;
  if (bench.chain && bench.ran < bench.ncallbacks) {
    intptr_t next = ((intptr_t)arg + 1) % bench.nevents;
    event_active(bench.events[next], EV_READ, 0);
  }
}

BENCH_TIMED void bench_timed_active_batch(void) {
  bench.ran = 0;
  while (bench.ran < bench.ncallbacks) {
    long batch = bench.ncallbacks - bench.ran;
    if (batch > bench.nevents) batch = bench.nevents;
    for (long i = 0; i < batch; i++) event_active(bench.events[i], EV_READ, 0);
    long before = bench.ran;
    if (event_base_loop(bench.base, EVLOOP_NONBLOCK) < 0) bench_die("event_base_loop failed");
    if (bench.ran != before + batch) bench_die("the loop did not run every activated event");
  }
}

BENCH_TIMED void bench_timed_active_chain(void) {
  bench.ran = 0;
  event_active(bench.events[0], EV_READ, 0);
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (bench.ran != bench.ncallbacks) bench_die("dispatch ended before the chain did");
}

static void setup(void) {
  bench.base = bench_new_base();
  bench.events = calloc((size_t)bench.nevents, sizeof *bench.events);
  if (!bench.events) bench_die("out of memory");
  for (int i = 0; i < bench.nevents; i++) {
    bench.events[i] = event_new(bench.base, -1, 0, on_active, (void*)(intptr_t)i);
    if (!bench.events[i]) bench_die("event_new failed");
  }
}

static void teardown(void) {
  for (int i = 0; i < bench.nevents; i++) event_free(bench.events[i]);
  free(bench.events);
  event_base_free(bench.base);
}

int main(int argc, char** argv) {
  struct bench_args args = {"batch", 5, 1, 0};
  bench.nevents = 1000;
  bench.ncallbacks = 1000000;
  int opt;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "k:t:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'k':
        bench.nevents = (int)bench_parse_count("-k", optarg);
        break;
      case 't':
        bench.ncallbacks = bench_parse_count("-t", optarg);
        break;
      default:
        bench_die("usage: active_bench [-m batch|chain] [-k events] [-t n] [-r n] [-u n] [-x]");
    }
  }
  bench.chain = strcmp(args.mode, "chain") == 0;
  if (!bench.chain && strcmp(args.mode, "batch") != 0) bench_die("-m must be batch or chain");
  if (bench.nevents < 1 || bench.ncallbacks < 1) bench_die("-k and -t must be at least 1");

  bench_check_loaded_library();
  setup();
  if (bench.chain)
    bench_run_rounds("active_chain", bench_timed_active_chain, args.warmup, args.rounds,
                     bench.ncallbacks);
  else
    bench_run_rounds("active_batch", bench_timed_active_batch, args.warmup, args.rounds,
                     bench.ncallbacks);
  if (!args.skip_teardown) teardown();
  return 0;
}
