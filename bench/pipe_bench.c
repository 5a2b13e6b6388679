/* Pipe dispatch: N socketpairs, each with a read event.  A round re-arms
 * every event (delete + add, as a server re-arming its connections would),
 * starts A "active" bytes on evenly spaced pairs and dispatches until W
 * bytes have travelled: each read callback consumes one byte and, while
 * writes remain, sends one to the next pair.
 *
 * With -o the events are not persistent: each callback re-adds its own
 * event, which is where a library can coalesce the delete/add syscalls.
 *
 * With -f (the floor) the same bytes travel without libevent: plain epoll
 * (each socket registered once), read(2) and write(2).  Its CPU time is
 * what the kernel and this program's own calls cost, whatever the library.
 *
 * With -t no pipes: N timers dispatched through the loop's wait, each
 * re-added by its callback with a timeout of 1-10 ms (whole milliseconds,
 * which every method's wait can express: each wakes at the same deadlines),
 * until W have fired: the sleeping wait with a timeout, as a method
 * implements it.
 *
 * Usage: pipe_bench [-n pipes] [-a active] [-w writes] [-r rounds]
 *                   [-u warmup-rounds] [-o | -f | -t] [-x]
 * -x exits without freeing anything (fewer syscalls to trace).
 * Prints the result line of bench_run_rounds, named pipe_<persist|oneshot>_n<N>
 * (-f: raw_pipe_n<N>, -t: timer_dispatch_n<N>). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "bench_common.h"

struct pipe_bench {
  struct event_base* base;
  int npipes;
  int nactive;
  int nwrites;
  int persistent;
  int raw_epoll;               /* -f: the floor, without libevent */
  int timers;                  /* -t: timers instead of pipes */
  int epfd;                    /* -f: every watched end registered once */
  evutil_socket_t (*pairs)[2]; /* [i][0] is watched, [i][1] is written */
  struct event** events;
  int writes_done;
  int reads_done;
};

static struct pipe_bench bench;

static void send_byte(int pipe_index) {
  if (write(bench.pairs[pipe_index][1], "x", 1) != 1) bench_die("write to socketpair failed");
  bench.writes_done++;
}

static void on_readable(evutil_socket_t fd, short what, void* arg) {
  intptr_t index = (intptr_t)arg;
  char byte;
  (void)what;
  if (read(fd, &byte, 1) != 1) bench_die("read callback ran, but the socket had no byte");
  bench.reads_done++;
  if (bench.writes_done < bench.nwrites) send_byte((int)((index + 1) % bench.npipes));
  if (!bench.persistent && event_add(bench.events[index], NULL) != 0)
    bench_die("event_add in callback failed");
  if (bench.reads_done == bench.nwrites) event_base_loopbreak(bench.base);
}

static struct timeval timer_delay(intptr_t index) {
  struct timeval tv = {0, (suseconds_t)(1000 * (1 + index % 10))};
  return tv;
}

static void on_timer(evutil_socket_t fd, short what, void* arg) {
  intptr_t index = (intptr_t)arg;
  (void)fd;
  (void)what;
  bench.reads_done++;
  if (bench.reads_done == bench.nwrites) {
    event_base_loopbreak(bench.base);
    return;
  }
  struct timeval tv = timer_delay(index);
  if (event_add(bench.events[index], &tv) != 0) bench_die("re-adding a timer failed");
}

BENCH_TIMED void bench_timed_timer_round(void) {
  bench.reads_done = 0;
  for (int i = 0; i < bench.npipes; i++) {
    struct timeval tv = timer_delay(i);
    if (event_add(bench.events[i], &tv) != 0) bench_die("adding a timer failed");
  }
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (bench.reads_done != bench.nwrites) bench_die("dispatch ended before every timer fired");
  for (int i = 0; i < bench.npipes; i++) event_del(bench.events[i]);
}

/* The timed phase: one full round of re-arming and dispatching. */
BENCH_TIMED void bench_timed_pipe_round(void) {
  for (int i = 0; i < bench.npipes; i++) {
    if (event_del(bench.events[i]) != 0 || event_add(bench.events[i], NULL) != 0)
      bench_die("re-arming an event failed");
  }
  bench.writes_done = 0;
  bench.reads_done = 0;
  int spacing = bench.npipes / bench.nactive;
  for (int i = 0; i < bench.nactive; i++) send_byte(i * spacing);
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (bench.reads_done != bench.nwrites) bench_die("dispatch ended before every byte was read");
}

BENCH_TIMED void bench_timed_raw_pipe_round(void) {
  bench.writes_done = 0;
  bench.reads_done = 0;
  int spacing = bench.npipes / bench.nactive;
  for (int i = 0; i < bench.nactive; i++) send_byte(i * spacing);
  struct epoll_event ready[64];
  while (bench.reads_done < bench.nwrites) {
    int k = epoll_wait(bench.epfd, ready, 64, -1);
    if (k < 0) bench_die("epoll_wait failed");
    for (int j = 0; j < k && bench.reads_done < bench.nwrites; j++) {
      int index = (int)ready[j].data.u32;
      char byte;
      if (read(bench.pairs[index][0], &byte, 1) != 1) bench_die("raw read found no byte");
      bench.reads_done++;
      if (bench.writes_done < bench.nwrites) send_byte((index + 1) % bench.npipes);
    }
  }
}

static void setup(void) {
  bench_raise_fd_limit(2L * bench.npipes + 64);
  bench.base = bench_new_base();
  if (bench.timers) {
    bench.events = calloc((size_t)bench.npipes, sizeof *bench.events);
    if (!bench.events) bench_die("out of memory");
    for (int i = 0; i < bench.npipes; i++) {
      bench.events[i] = evtimer_new(bench.base, on_timer, (void*)(intptr_t)i);
      if (!bench.events[i]) bench_die("creating a timer failed");
    }
    return;
  }
  bench.pairs = calloc((size_t)bench.npipes, sizeof *bench.pairs);
  bench.events = calloc((size_t)bench.npipes, sizeof *bench.events);
  if (!bench.pairs || !bench.events) bench_die("out of memory");
  if (bench.raw_epoll && (bench.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
    bench_die("epoll_create1 failed");
  short flags = (short)(EV_READ | (bench.persistent ? EV_PERSIST : 0));
  for (int i = 0; i < bench.npipes; i++) {
    /* Non-blocking: a callback run on an empty socket fails loudly, not hangs. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, bench.pairs[i]) != 0)
      bench_die("socketpair failed");
    bench.events[i] =
        event_new(bench.base, bench.pairs[i][0], flags, on_readable, (void*)(intptr_t)i);
    if (!bench.events[i]) bench_die("creating a read event failed");
    if (bench.raw_epoll) {
      struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
      if (epoll_ctl(bench.epfd, EPOLL_CTL_ADD, bench.pairs[i][0], &ev) != 0)
        bench_die("epoll_ctl failed");
    } else if (event_add(bench.events[i], NULL) != 0) {
      bench_die("adding a read event failed");
    }
  }
}

static void teardown(void) {
  if (bench.timers) {
    for (int i = 0; i < bench.npipes; i++) event_free(bench.events[i]);
    free(bench.events);
    event_base_free(bench.base);
    return;
  }
  for (int i = 0; i < bench.npipes; i++) {
    event_free(bench.events[i]);
    close(bench.pairs[i][0]);
    close(bench.pairs[i][1]);
  }
  free(bench.events);
  free(bench.pairs);
  if (bench.raw_epoll) close(bench.epfd);
  event_base_free(bench.base);
}

int main(int argc, char** argv) {
  struct bench_args args = {"", 20, 1, 0};
  bench.npipes = 100;
  bench.nactive = 100;
  bench.nwrites = 1000;
  bench.persistent = 1;
  int opt;
  while ((opt = getopt(argc, argv, "n:a:w:oftr:u:x")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'n':
        bench.npipes = (int)bench_parse_count("-n", optarg);
        break;
      case 'a':
        bench.nactive = (int)bench_parse_count("-a", optarg);
        break;
      case 'w':
        bench.nwrites = (int)bench_parse_count("-w", optarg);
        break;
      case 'o':
        bench.persistent = 0;
        break;
      case 'f':
        bench.raw_epoll = 1;
        break;
      case 't':
        bench.timers = 1;
        break;
      default:
        bench_die(
            "usage: pipe_bench [-n pipes] [-a active] [-w writes] [-r n] [-u n] [-o|-f|-t] [-x]");
    }
  }
  if (bench.npipes < 2 || bench.npipes > 9000) bench_die("-n must be between 2 and 9000");
  if (bench.nwrites < 1) bench_die("-w must be at least 1");
  if (bench.nactive < 1 || bench.nactive > bench.npipes) bench.nactive = bench.npipes;
  if (bench.nactive > bench.nwrites) bench.nactive = bench.nwrites;

  bench_check_loaded_library();
  setup();
  char name[64];
  void (*round)(void) = bench_timed_pipe_round;
  if (bench.timers) {
    snprintf(name, sizeof name, "timer_dispatch_n%d", bench.npipes);
    round = bench_timed_timer_round;
  } else if (bench.raw_epoll) {
    snprintf(name, sizeof name, "raw_pipe_n%d", bench.npipes);
    round = bench_timed_raw_pipe_round;
  } else {
    snprintf(name, sizeof name, "pipe_%s_n%d", bench.persistent ? "persist" : "oneshot",
             bench.npipes);
  }
  bench_run_rounds(name, round, args.warmup, args.rounds, bench.nwrites);
  if (!args.skip_teardown) teardown();
  return 0;
}
