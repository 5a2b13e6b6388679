/* time-test: a timer event.  With -p it is persistent (re-armed by the
 * library); without, the callback re-adds it.  Runs COUNT times with the
 * given interval in milliseconds and prints the elapsed time at each firing.
 * Usage: time-test [-p] [interval-ms] [count]   (defaults: 1000 ms, 5) */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct timeval start, interval;
static int persistent, remaining;

static void on_timeout(evutil_socket_t fd, short what, void* arg) {
  struct event* self = arg;
  struct timeval now, elapsed;
  (void)fd;
  (void)what;
  evutil_gettimeofday(&now, NULL);
  evutil_timersub(&now, &start, &elapsed);
  printf("timeout_cb: fired, %d left, %.3f seconds elapsed\n", remaining - 1,
         elapsed.tv_sec + elapsed.tv_usec / 1e6);
  fflush(stdout);
  if (--remaining == 0) {
    event_del(self);
  } else if (!persistent) {
    event_add(self, &interval);
  }
}

int main(int argc, char** argv) {
  struct event_base* base;
  struct event timeout;
  int argi = 1, ms = 1000;

  if (argi < argc && strcmp(argv[argi], "-p") == 0) {
    persistent = 1;
    ++argi;
  }
  if (argi < argc) ms = atoi(argv[argi++]);
  remaining = argi < argc ? atoi(argv[argi++]) : 5;
  if (ms < 0 || remaining <= 0) {
    fprintf(stderr, "usage: %s [-p] [interval-ms] [count]\n", argv[0]);
    return 1;
  }
  base = event_base_new();
  if (base == NULL) return 1;
  /* A struct event embedded in the caller's memory, as many programs do. */
  event_assign(&timeout, base, -1, persistent ? EV_PERSIST : 0, on_timeout, &timeout);
  interval.tv_sec = ms / 1000;
  interval.tv_usec = (ms % 1000) * 1000;
  evutil_gettimeofday(&start, NULL);
  event_add(&timeout, &interval);
  event_base_dispatch(base);
  printf("time-test done\n");
  event_base_free(base);
  return 0;
}
