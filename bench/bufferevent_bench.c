/* bufferevents, one mode per run (-m).  Events per round in brackets.
 *
 *   pair    ping-pong of -s byte messages over bufferevent_pair_new (with
 *           BEV_OPT_DEFER_CALLBACKS, so each hop goes through the loop):
 *           one end sends, the other echoes with bufferevent_write_buffer,
 *           the first sends the next once the whole echo is back
 *           [N round trips]
 *   filter  the same ping-pong, but the sending end is a
 *           bufferevent_filter_new over the pair with identity filters in
 *           both directions  [N round trips]
 *   echo    an echo server: -c TCP connections over loopback, each a socket
 *           bufferevent whose read callback writes its input back.  The
 *           load generator is this program re-executed (-C, see
 *           load_generator.c): its own process, plain sockets and epoll,
 *           no libevent, so it costs the same whichever library the server
 *           uses and neither callgrind nor a strace without -f sees it.  A
 *           round tells it to start over a control socket; each connection
 *           sends N/c messages, the next one once the previous echo is
 *           complete; it reports the end of the round over the control
 *           socket.  CPU time is the server's alone.  [c * (N/c) messages]
 *   floor   the echo server's work with plain epoll, read(2) and write(2),
 *           no libevent (raw_echo.c), under the same load generator: the
 *           CPU the kernel alone charges per message, a floor for both
 *           libraries  [c * (N/c) messages]
 *   mem     no rounds: -c idle socket bufferevents (socketpairs whose peer
 *           ends sit above the watched ends, so the watched fds are dense
 *           as a server's are; created with BEV_OPT_CLOSE_ON_FREE and
 *           EV_READ enabled) under counting
 *           event_set_mem_functions; prints the heap bytes per bufferevent
 *           as a "metric" line
 *
 * Usage: bufferevent_bench -m pair|filter|echo|floor|mem [-n messages] [-c conns]
 *                          [-s bytes] [-r rounds] [-u warmup] [-x]
 * Prints the result line of bench_run_rounds, named bev_pair, bev_filter or
 * bev_echo_c<conns> (floor: raw_echo_c<conns>). */
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bench_common.h"
#include "bench_heap.h"
#include "load_generator.h"
#include "raw_echo.h"

/* A run that never ends is a library bug: fail it long before compare's
 * own timeout would. */
enum { kRunAlarmSeconds = 400 };

struct bev_bench {
  struct event_base* base;
  long nmessages; /* per round */
  long nconns;
  long msg_size;
  unsigned char* message;
  /* pair and filter */
  struct bufferevent* sender;
  struct bufferevent* echoer;
  long round_trips;
  /* echo */
  struct bufferevent** conns;
  int control; /* our end of the control socket */
  pid_t generator;
  struct event* control_event;
  int round_done;
};

static struct bev_bench bench;

static void on_alarm(int signal_number) {
  static const char message[] = "bench: the run did not end within its alarm (a hang?)\n";
  (void)signal_number;
  if (write(2, message, sizeof message - 1) < 0) _exit(2);
  _exit(2);
}

static void on_echo_read(struct bufferevent* bev, void* arg) {
  (void)arg;
  if (bufferevent_write_buffer(bev, bufferevent_get_input(bev)) != 0)
    bench_die("bufferevent_write_buffer failed");
}

static void on_unexpected_event(struct bufferevent* bev, short what, void* arg) {
  (void)bev, (void)arg;
  fprintf(stderr, "bench: bufferevent event 0x%x during a round\n", what);
  exit(2);
}

/* The sending end of the ping-pong: the echo is complete, send the next. */
static void on_pong(struct bufferevent* bev, void* arg) {
  (void)arg;
  struct evbuffer* input = bufferevent_get_input(bev);
  if (evbuffer_get_length(input) < (size_t)bench.msg_size) return;
  if (evbuffer_get_length(input) > (size_t)bench.msg_size)
    bench_die("echo longer than the message");
  evbuffer_drain(input, (size_t)bench.msg_size);
  if (++bench.round_trips == bench.nmessages) {
    event_base_loopbreak(bench.base);
    return;
  }
  if (bufferevent_write(bev, bench.message, (size_t)bench.msg_size) != 0)
    bench_die("bufferevent_write failed");
}

static enum bufferevent_filter_result pass_through(struct evbuffer* src, struct evbuffer* dst,
                                                   ev_ssize_t limit,
                                                   enum bufferevent_flush_mode mode, void* arg) {
  (void)limit, (void)mode, (void)arg;
  if (evbuffer_add_buffer(dst, src) != 0) return BEV_ERROR;
  return BEV_OK;
}

/* `filtered` only names the mode in errors (it also keeps the two timed
 * functions distinct, so the compiler cannot fold them into one symbol). */
static void ping_pong_round(int filtered) {
  bench.round_trips = 0;
  if (bufferevent_write(bench.sender, bench.message, (size_t)bench.msg_size) != 0)
    bench_die("bufferevent_write failed");
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (bench.round_trips != bench.nmessages) {
    fprintf(stderr, "bench: %s: the loop ended after %ld of %ld round trips\n",
            filtered ? "filter" : "pair", bench.round_trips, bench.nmessages);
    exit(2);
  }
}

BENCH_TIMED void bench_timed_bev_pair(void) { ping_pong_round(0); }

BENCH_TIMED void bench_timed_bev_filter(void) { ping_pong_round(1); }

static void on_control(evutil_socket_t fd, short what, void* arg) {
  (void)what, (void)arg;
  bench_generator_done(fd);
  bench.round_done = 1;
  event_base_loopbreak(bench.base);
}

static void start_generator_round(void) { bench_generator_go(bench.control); }

BENCH_TIMED void bench_timed_bev_echo(void) {
  bench.round_done = 0;
  start_generator_round();
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (!bench.round_done) bench_die("the loop ended before the load generator finished");
}

BENCH_TIMED void bench_timed_raw_echo(void) {
  start_generator_round();
  raw_echo_round();
}

static void setup_ping_pong(int filtered) {
  struct bufferevent* pair[2];
  if (bufferevent_pair_new(bench.base, BEV_OPT_DEFER_CALLBACKS, pair) != 0)
    bench_die("bufferevent_pair_new failed");
  bench.sender = pair[0];
  bench.echoer = pair[1];
  if (filtered) {
    bench.sender =
        bufferevent_filter_new(pair[0], pass_through, pass_through,
                               BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, NULL, NULL);
    if (!bench.sender) bench_die("bufferevent_filter_new failed");
  }
  bufferevent_setcb(bench.sender, on_pong, NULL, on_unexpected_event, NULL);
  bufferevent_setcb(bench.echoer, on_echo_read, NULL, on_unexpected_event, NULL);
  if (bufferevent_enable(bench.sender, EV_READ | EV_WRITE) != 0 ||
      bufferevent_enable(bench.echoer, EV_READ | EV_WRITE) != 0)
    bench_die("bufferevent_enable failed");
}

/* The echo server: socket bufferevents, or plain descriptors for the floor. */
static void setup_echo(int raw) {
  bench_raise_fd_limit(2 * bench.nconns + 64);
  int listener = bench_listen_loopback();
  bench.control = bench_launch_load_generator(
      listener, bench.nconns, bench.nmessages / bench.nconns, bench.msg_size, &bench.generator);
  bench.conns = calloc((size_t)bench.nconns, sizeof *bench.conns);
  int* fds = calloc((size_t)bench.nconns, sizeof *fds);
  if (!bench.conns || !fds) bench_die("out of memory");
  for (long i = 0; i < bench.nconns; i++) {
    int fd = fds[i] = bench_accept_connection(listener);
    if (raw) continue;
    bench.conns[i] = bufferevent_socket_new(bench.base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!bench.conns[i]) bench_die("bufferevent_socket_new failed");
    bufferevent_setcb(bench.conns[i], on_echo_read, NULL, on_unexpected_event, NULL);
    if (bufferevent_enable(bench.conns[i], EV_READ) != 0) bench_die("bufferevent_enable failed");
  }
  close(listener);
  if (raw) {
    raw_echo_setup(fds, bench.nconns, bench.control);
    free(fds); /* the descriptors stay open until the process exits */
    return;
  }
  free(fds);
  bench.control_event =
      event_new(bench.base, bench.control, EV_READ | EV_PERSIST, on_control, NULL);
  if (!bench.control_event || event_add(bench.control_event, NULL) != 0)
    bench_die("cannot watch the control socket");
}

/* Resident anonymous bytes of this process (heap and private mappings,
 * not the pages of code: /proc/self/smaps_rollup), or -1. */
static long long anonymous_bytes(void) {
  FILE* f = fopen("/proc/self/smaps_rollup", "r");
  char line[256];
  long long kib = -1;
  if (f == NULL) return -1;
  while (kib < 0 && fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "Anonymous: %lld kB", &kib) != 1) kib = -1;
  fclose(f);
  return kib < 0 ? -1 : kib * 1024;
}

/* Memory of idle socket bufferevents: heap bytes per bufferevent, and the
 * growth of resident anonymous memory per bufferevent, which also counts
 * what the library maps outside the heap (an io_uring base's receive
 * buffers) and the heap's own overhead. */
static void measure_memory(void) {
  bench_raise_fd_limit(2 * bench.nconns + 64);
  int(*pairs)[2] = malloc((size_t)bench.nconns * sizeof *pairs);
  struct bufferevent** bevs = malloc((size_t)bench.nconns * sizeof *bevs);
  if (!pairs || !bevs) bench_die("out of memory");
  /* As in a server, the watched descriptors are dense: each peer end moves
   * above them, so the base's fd-indexed tables hold one slot per
   * bufferevent, not a second one for an fd the library never sees. */
  int peers_from = (int)bench.nconns + 32;
  for (long i = 0; i < bench.nconns; i++) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pairs[i]) != 0)
      bench_die("socketpair failed");
    int peer = fcntl(pairs[i][1], F_DUPFD_CLOEXEC, peers_from);
    if (peer < 0) bench_die("moving a socketpair's peer end failed");
    close(pairs[i][1]);
    pairs[i][1] = peer;
  }
  /* Free memory the heap keeps (already resident) would hide growth. */
  malloc_trim(0);
  long long anon_before = anonymous_bytes();
  long long before = bench_heap_live_bytes();
  long long allocations_before = bench_heap_allocations();
  for (long i = 0; i < bench.nconns; i++) {
    bevs[i] = bufferevent_socket_new(bench.base, pairs[i][0], BEV_OPT_CLOSE_ON_FREE);
    if (!bevs[i] || bufferevent_enable(bevs[i], EV_READ) != 0)
      bench_die("creating a socket bufferevent failed");
  }
  /* Idle with reading on, as a server's connections wait for requests: one
   * loop pass sends what the bufferevents queued (receives on io_uring). */
  event_base_loop(bench.base, EVLOOP_NONBLOCK);
  long long anon_after = anonymous_bytes();
  long long used = bench_heap_live_bytes() - before;
  if (used <= 0) bench_die("the library allocated nothing through event_set_mem_functions");
  bench_print_metric("bev_mem_idle_socket", (double)used / (double)bench.nconns, "bytes");
  bench_print_metric("bev_mem_idle_socket_allocs",
                     (double)(bench_heap_allocations() - allocations_before) / (double)bench.nconns,
                     "allocations");
  if (anon_before < 0 || anon_after < 0) bench_die("cannot read /proc/self/smaps_rollup");
  bench_print_metric("bev_mem_idle_socket_anon",
                     (double)(anon_after - anon_before) / (double)bench.nconns, "bytes");
  for (long i = 0; i < bench.nconns; i++) {
    bufferevent_free(bevs[i]);
    close(pairs[i][1]);
  }
  free(bevs);
  free(pairs);
}

static void teardown(void) {
  if (bench.conns) {
    for (long i = 0; i < bench.nconns; i++)
      if (bench.conns[i]) bufferevent_free(bench.conns[i]);
    if (bench.control_event) event_free(bench.control_event);
    free(bench.conns);
  } else if (bench.sender) {
    bufferevent_free(bench.sender);
    bufferevent_free(bench.echoer);
  }
  event_base_free(bench.base);
}

int main(int argc, char** argv) {
  struct bench_args args = {"pair", 5, 1, 0};
  bench.nmessages = -1;
  bench.nconns = -1;
  bench.msg_size = 1024;
  int opt;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "n:c:s:C:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'C':
        return bench_run_load_generator(optarg);
      case 'n':
        bench.nmessages = bench_parse_count("-n", optarg);
        break;
      case 'c':
        bench.nconns = bench_parse_count("-c", optarg);
        break;
      case 's':
        bench.msg_size = bench_parse_count("-s", optarg);
        break;
      default:
        bench_die(
            "usage: bufferevent_bench -m pair|filter|echo|floor|mem [-n messages] [-c conns] "
            "[-s bytes] [-r n] [-u n] [-x]");
    }
  }
  const char* mode = args.mode;
  int is_floor = strcmp(mode, "floor") == 0, is_mem = strcmp(mode, "mem") == 0;
  int is_echo = is_floor || strcmp(mode, "echo") == 0; /* the floor serves echo too */
  int is_filter = strcmp(mode, "filter") == 0;
  if (!is_echo && !is_mem && !is_filter && strcmp(mode, "pair") != 0)
    bench_die("-m must be pair, filter, echo, floor or mem");
  if (bench.nmessages < 0) bench.nmessages = is_echo ? 20000 : 50000;
  if (bench.nconns < 0) bench.nconns = is_mem ? 1000 : 100;
  if (bench.nconns < 1 || bench.nconns > 9000) bench_die("-c must be between 1 and 9000");
  if (bench.nmessages < 1) bench_die("-n must be at least 1");
  if (bench.msg_size < 1 || bench.msg_size > 65536) bench_die("-s must be 1..65536");
  if (is_echo && bench.nmessages < bench.nconns) bench.nmessages = bench.nconns;
  if (is_echo) bench.nmessages -= bench.nmessages % bench.nconns; /* whole messages per conn */
  bench.message = malloc((size_t)bench.msg_size);
  if (!bench.message) bench_die("out of memory");
  memset(bench.message, 'm', (size_t)bench.msg_size);
  bench_remember_own_path();

  if (is_mem) bench_heap_count(); /* before the library allocates anything */
  bench_check_loaded_library();
  signal(SIGALRM, on_alarm);
  alarm(kRunAlarmSeconds);
  bench.base = bench_new_base();
  if (is_mem) {
    measure_memory();
    if (!args.skip_teardown) event_base_free(bench.base);
    return 0;
  }
  char name[64];
  if (is_echo) {
    setup_echo(is_floor);
    snprintf(name, sizeof name, "%s_c%ld", is_floor ? "raw_echo" : "bev_echo", bench.nconns);
    bench_run_rounds(name, is_floor ? bench_timed_raw_echo : bench_timed_bev_echo, args.warmup,
                     args.rounds, bench.nmessages);
    bench_stop_load_generator(bench.control, bench.generator);
  } else {
    setup_ping_pong(is_filter);
    bench_run_rounds(is_filter ? "bev_filter" : "bev_pair",
                     is_filter ? bench_timed_bev_filter : bench_timed_bev_pair, args.warmup,
                     args.rounds, bench.nmessages);
  }
  if (!args.skip_teardown) teardown();
  free(bench.message);
  return 0;
}
