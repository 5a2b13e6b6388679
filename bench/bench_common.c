/* Shared helpers of the benchmark programs (see bench_common.h). */
#include "bench_common.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <event2/event.h>

/* The file every program links against (its SONAME). */
static const char kMainLibrary[] = "libevent-2.1.so";

void bench_die(const char* message) {
  fprintf(stderr, "bench: %s\n", message);
  exit(2);
}

static long clock_reads;
long bench_harness_reads, bench_harness_writes;

long long bench_cpu_ns(void) {
  struct timespec ts;
  clock_reads++;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) bench_die("clock_gettime failed");
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* True when `path` is a file directly inside directory `dir` (both resolved,
 * so symlinked library directories compare equal). */
static int file_is_in_dir(const char* path, const char* dir) {
  char real_file[PATH_MAX];
  char real_dir[PATH_MAX];
  if (!realpath(path, real_file) || !realpath(dir, real_dir)) return 0;
  char* slash = strrchr(real_file, '/');
  if (!slash) return 0;
  *slash = '\0';
  return strcmp(real_file, real_dir) == 0;
}

void bench_check_loaded_library(void) {
  FILE* maps = fopen("/proc/self/maps", "r");
  if (!maps) bench_die("cannot read /proc/self/maps");
  char line[4096];
  char seen[8][PATH_MAX];
  int nseen = 0;
  char main_path[PATH_MAX] = "";
  while (fgets(line, sizeof line, maps)) {
    char* path = strchr(line, '/');
    if (!path) continue;
    path[strcspn(path, "\n")] = '\0';
    const char* base = strrchr(path, '/') + 1;
    if (strncmp(base, "libevent", 8) != 0) continue;
    int known = 0;
    for (int i = 0; i < nseen; i++) known |= strcmp(seen[i], path) == 0;
    if (known || nseen == 8) continue;
    snprintf(seen[nseen++], PATH_MAX, "%s", path);
    printf("loaded lib=%s\n", path);
    if (strncmp(base, kMainLibrary, sizeof kMainLibrary - 1) == 0)
      snprintf(main_path, sizeof main_path, "%s", path);
  }
  fclose(maps);
  printf("loaded version=%s\n", event_get_version());
  if (!main_path[0]) bench_die("no libevent-2.1.so mapped into this process");
  const char* expected = getenv("BENCH_EXPECT_LIBDIR");
  if (expected && *expected && !file_is_in_dir(main_path, expected)) {
    fprintf(stderr, "bench: loaded %s, which is not in %s\n", main_path, expected);
    exit(3);
  }
  fflush(stdout);
}

struct event_base* bench_new_base(void) {
  struct event_base* base = event_base_new();
  if (!base) bench_die("event_base_new failed");
  printf("loaded method=%s\n", event_base_get_method(base));
  return base;
}

void bench_raise_fd_limit(long wanted) {
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) bench_die("getrlimit failed");
  if (lim.rlim_cur != RLIM_INFINITY && (long)lim.rlim_cur >= wanted) return;
  if (lim.rlim_max != RLIM_INFINITY && (long)lim.rlim_max < wanted) {
    fprintf(stderr, "bench: need %ld descriptors, hard limit is %ld\n", wanted, (long)lim.rlim_max);
    exit(2);
  }
  lim.rlim_cur = (rlim_t)wanted;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) bench_die("setrlimit(RLIMIT_NOFILE) failed");
}

long long bench_wall_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) bench_die("clock_gettime failed");
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void bench_run_rounds(const char* name, void (*round)(void), long warmup, long rounds,
                      long long events_per_round) {
  for (long i = 0; i < warmup; i++) round();
  long long total = 0, best = 0, wall_total = 0, wall_best = 0;
  for (long i = 0; i < rounds; i++) {
    long long wall_start = bench_wall_ns();
    long long start = bench_cpu_ns();
    round();
    long long spent = bench_cpu_ns() - start;
    long long wall = bench_wall_ns() - wall_start;
    total += spent;
    wall_total += wall;
    if (i == 0 || spent < best) best = spent;
    if (i == 0 || wall < wall_best) wall_best = wall;
  }
  printf(
      "result name=%s cpu_ns=%lld events=%lld rounds=%ld best_ns=%lld clock_reads=%ld"
      " wall_ns=%lld best_wall_ns=%lld harness_read=%ld harness_write=%ld\n",
      name, total, rounds * events_per_round, rounds, best, clock_reads, wall_total, wall_best,
      bench_harness_reads, bench_harness_writes);
  fflush(stdout);
}

long bench_parse_count(const char* option, const char* text) {
  char* end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0) {
    fprintf(stderr, "bench: option %s wants a non-negative integer, not '%s'\n", option, text);
    exit(2);
  }
  return value;
}

int bench_shared_option(struct bench_args* args, int opt, const char* value) {
  switch (opt) {
    case 'm':
      args->mode = value;
      return 1;
    case 'r':
      args->rounds = bench_parse_count("-r", value);
      return 1;
    case 'u':
      args->warmup = bench_parse_count("-u", value);
      return 1;
    case 'x':
      args->skip_teardown = 1;
      return 1;
    default:
      return 0;
  }
}
