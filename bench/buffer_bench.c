/* evbuffer socket IO, files and heap bytes, one mode per run (-m).  Events
 * per round in brackets.  (The in-memory evbuffer operations are Google
 * Benchmark micro-benchmarks now: bench/micro/evbuffer_micro.cpp.)
 *
 *   sockio   -s bytes appended, evbuffer_write into a socketpair,
 *            evbuffer_read from the other end until all arrived, drain
 *            [N messages]
 *   addfile  evbuffer_add_file of a 64 KiB file (a dup of one descriptor:
 *            the buffer closes it) to a buffer flagged
 *            EVBUFFER_FLAG_DRAINS_TO_FD, as a socket bufferevent's output is
 *            (so the library may use sendfile), evbuffer_write into a
 *            socketpair whose other end the harness reads with read(2)
 *            [N files]
 *   sendfile the floor of addfile, without libevent: dup, sendfile(2) into
 *            the socketpair, close (named raw_addfile)  [N files]
 *   mem      no rounds: heap bytes (counting event_set_mem_functions) of
 *            evbuffer_new and of evbuffer_add of 4 KiB to an empty buffer;
 *            prints "metric" lines instead of a result line
 *
 * Usage: buffer_bench -m MODE [-n ops] [-s bytes] [-r rounds] [-u warmup] [-x]
 * Prints the result line of bench_run_rounds, named buf_<mode> (sockio:
 * buf_sockio_<bytes>). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "bench_common.h"
#include "bench_heap.h"

enum { kLargeSize = 64 * 1024 /* the file, the largest message and the read scratch */ };

struct buffer_bench {
  long nops;
  long msg_size;
  struct evbuffer* a; /* the buffer every mode works on */
  struct evbuffer* b; /* sockio: the reading side */
  unsigned char* data;
  unsigned char* scratch;
  int pair[2]; /* [0] is written, [1] is read */
  int file_fd;
};

static struct buffer_bench bench;

static void check(int ok, const char* what) {
  if (!ok) bench_die(what);
}

BENCH_TIMED void bench_timed_raw_addfile(void) {
  for (long i = 0; i < bench.nops; i++) {
    int fd = dup(bench.file_fd);
    check(fd >= 0, "dup failed");
    off_t offset = 0;
    size_t got = 0;
    while (got < kLargeSize) {
      if (offset < kLargeSize &&
          sendfile(bench.pair[0], fd, &offset, (size_t)(kLargeSize - offset)) < 0 &&
          errno != EAGAIN)
        bench_die("sendfile failed");
      ssize_t n = read(bench.pair[1], bench.scratch, kLargeSize);
      if (n > 0)
        got += (size_t)n;
      else if (n == 0 || errno != EAGAIN)
        bench_die("read from the socketpair failed");
    }
    close(fd);
  }
}

static void write_pending(struct evbuffer* out) {
  if (evbuffer_get_length(out) > 0 && evbuffer_write(out, bench.pair[0]) < 0 && errno != EAGAIN)
    bench_die("evbuffer_write failed");
}

BENCH_TIMED void bench_timed_buf_sockio(void) {
  size_t size = (size_t)bench.msg_size;
  for (long i = 0; i < bench.nops; i++) {
    check(evbuffer_add(bench.a, bench.data, size) == 0, "evbuffer_add failed");
    size_t got = 0;
    while (got < size) {
      write_pending(bench.a);
      int n = evbuffer_read(bench.b, bench.pair[1], -1);
      if (n > 0)
        got += (size_t)n;
      else if (n == 0 || errno != EAGAIN)
        bench_die("evbuffer_read failed");
    }
    check(evbuffer_drain(bench.b, size) == 0, "evbuffer_drain failed");
  }
}

BENCH_TIMED void bench_timed_buf_addfile(void) {
  for (long i = 0; i < bench.nops; i++) {
    int fd = dup(bench.file_fd);
    check(fd >= 0, "dup failed");
    check(evbuffer_add_file(bench.a, fd, 0, kLargeSize) == 0, "evbuffer_add_file failed");
    size_t got = 0;
    while (got < kLargeSize) {
      write_pending(bench.a);
      ssize_t n = read(bench.pair[1], bench.scratch, kLargeSize);
      if (n > 0)
        got += (size_t)n;
      else if (n == 0 || errno != EAGAIN)
        bench_die("read from the socketpair failed");
    }
    check(evbuffer_get_length(bench.a) == 0, "addfile: data left in the buffer");
  }
}

/* Memory: what an empty evbuffer costs, and what 4 KiB added to it costs. */
static void measure_memory(void) {
  long long before = bench_heap_live_bytes();
  struct evbuffer* buf = evbuffer_new();
  check(buf != NULL, "evbuffer_new failed");
  long long after_new = bench_heap_live_bytes();
  check(evbuffer_add(buf, bench.data, 4096) == 0, "evbuffer_add failed");
  long long after_add = bench_heap_live_bytes();
  if (after_new == before || after_add == after_new)
    bench_die("the library allocated nothing through event_set_mem_functions");
  bench_print_metric("buf_mem_new", (double)(after_new - before), "bytes");
  bench_print_metric("buf_mem_add4k", (double)(after_add - after_new), "bytes");
  evbuffer_free(buf);
  check(bench_heap_live_bytes() == before, "evbuffer_free did not free everything");
}

static struct evbuffer* new_buffer(void) {
  struct evbuffer* buf = evbuffer_new();
  check(buf != NULL, "evbuffer_new failed");
  return buf;
}

static void setup(const char* mode) {
  uint64_t rng = 0x5eed0b0fULL;
  bench.data = malloc(kLargeSize);
  /* Cache-line aligned, as the libraries' block storage is. */
  if (posix_memalign((void**)&bench.scratch, 64, kLargeSize) != 0) bench.scratch = NULL;
  check(bench.data && bench.scratch, "out of memory");
  for (int i = 0; i < kLargeSize; i++)
    bench.data[i] = (unsigned char)('a' + bench_random(&rng) % 26);
  bench.a = new_buffer();
  bench.b = new_buffer();
  if (strcmp(mode, "sockio") == 0 || strcmp(mode, "addfile") == 0 ||
      strcmp(mode, "sendfile") == 0) {
    check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, bench.pair) == 0,
          "socketpair failed");
    int wanted = 4 * kLargeSize; /* room for a whole message in flight */
    setsockopt(bench.pair[0], SOL_SOCKET, SO_SNDBUF, &wanted, sizeof wanted);
    setsockopt(bench.pair[1], SOL_SOCKET, SO_RCVBUF, &wanted, sizeof wanted);
  }
  if (strcmp(mode, "addfile") == 0 || strcmp(mode, "sendfile") == 0) {
    const char* dir = getenv("TMPDIR");
    char name[4096];
    snprintf(name, sizeof name, "%s/buffer_bench.XXXXXX", dir && *dir ? dir : P_tmpdir);
    bench.file_fd = mkstemp(name);
    check(bench.file_fd >= 0, "mkstemp failed");
    unlink(name);
    check(write(bench.file_fd, bench.data, kLargeSize) == kLargeSize, "writing the file failed");
    /* As a socket bufferevent's output: the buffer may use sendfile. */
    check(evbuffer_set_flags(bench.a, EVBUFFER_FLAG_DRAINS_TO_FD) == 0,
          "evbuffer_set_flags failed");
  }
}

struct mode {
  const char* name;
  void (*round)(void);
  long default_ops;
  long events_per_op;
};

static const struct mode kModes[] = {
    {"sockio", bench_timed_buf_sockio, 10000, 1},
    {"addfile", bench_timed_buf_addfile, 200, 1},
    {"sendfile", bench_timed_raw_addfile, 200, 1},
    {"mem", NULL, 1, 1},
};

int main(int argc, char** argv) {
  struct bench_args args = {"sockio", 5, 1, 0};
  bench.nops = -1;
  bench.msg_size = 1024;
  int opt;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "n:s:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'n':
        bench.nops = bench_parse_count("-n", optarg);
        break;
      case 's':
        bench.msg_size = bench_parse_count("-s", optarg);
        break;
      default:
        bench_die("usage: buffer_bench -m MODE [-n ops] [-s bytes] [-r n] [-u n] [-x]");
    }
  }
  const struct mode* mode = NULL;
  for (size_t i = 0; i < sizeof kModes / sizeof kModes[0]; i++)
    if (strcmp(kModes[i].name, args.mode) == 0) mode = &kModes[i];
  if (!mode) bench_die("-m must be sockio, addfile, sendfile or mem");
  if (bench.nops < 0) bench.nops = mode->default_ops;
  if (bench.nops < 1) bench_die("-n must be at least 1");
  if (bench.msg_size < 1 || bench.msg_size > kLargeSize) bench_die("-s must be 1..65536");

  if (!mode->round) bench_heap_count(); /* before the library allocates anything */
  bench_check_loaded_library();
  setup(mode->name);
  if (!mode->round) {
    measure_memory();
  } else {
    char name[64];
    if (mode->round == bench_timed_buf_sockio)
      snprintf(name, sizeof name, "buf_sockio_%ld", bench.msg_size);
    else if (mode->round == bench_timed_raw_addfile)
      snprintf(name, sizeof name, "raw_addfile");
    else
      snprintf(name, sizeof name, "buf_%s", mode->name);
    bench_run_rounds(name, mode->round, args.warmup, args.rounds, bench.nops * mode->events_per_op);
  }
  if (!args.skip_teardown) {
    evbuffer_free(bench.a);
    evbuffer_free(bench.b);
    free(bench.data);
    free(bench.scratch);
  }
  return 0;
}
