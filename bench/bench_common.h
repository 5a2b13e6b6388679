/* Helpers shared by the benchmark programs: CPU clock, result lines,
 * verification of which libevent the process really loaded, a fixed-seed
 * random generator and the descriptor limit.
 *
 * Every program is built once against the reference headers and library and
 * then run against either library through LD_LIBRARY_PATH, so the work it
 * does must be identical on both sides: everything random is seeded. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>

struct event_base;

/* The timed phase of each program lives in a function named bench_timed_*;
 * callgrind counts only inside it (--toggle-collect), so it must keep its
 * name: never inlined, never cloned under another symbol. */
#if defined(__GNUC__) && !defined(__clang__)
#define BENCH_TIMED __attribute__((noinline, noclone, used))
#else
#define BENCH_TIMED __attribute__((noinline, used))
#endif

/* CPU time (user + system) consumed by the whole process, in nanoseconds. */
long long bench_cpu_ns(void);

/* Wall-clock time (CLOCK_MONOTONIC, answered by the vDSO: no system call). */
long long bench_wall_ns(void);

/* Prints "loaded lib=<path>" for every libevent file mapped into the process.
 * When BENCH_EXPECT_LIBDIR is set, exits with status 3 unless
 * libevent-2.1.so.7 was loaded from that directory. */
void bench_check_loaded_library(void);

/* A new event_base (exits on failure); prints the backend it uses. */
struct event_base* bench_new_base(void);

/* Raises the soft RLIMIT_NOFILE to at least `wanted` descriptors (up to the
 * hard limit); exits with a message when that is not enough. */
void bench_raise_fd_limit(long wanted);

/* Runs `warmup` untimed rounds, then `rounds` timed ones, and prints the
 * line bench/compare reads:
 *   result name=<name> cpu_ns=<all rounds> events=<all rounds> rounds=<n>
 *          best_ns=<fastest round> clock_reads=<CPU clock reads so far>
 *          wall_ns=<all rounds> best_wall_ns=<fastest round, wall clock>
 *          harness_read=<n> harness_write=<n>
 * (clock_reads lets strace counts leave out the harness's own clock calls,
 * which are system calls for the process CPU clock; the wall clock is not.
 * Likewise harness_<syscall> counts the program's own calls in the timed
 * rounds, which compare subtracts from that system call's count.) */
void bench_run_rounds(const char* name, void (*round)(void), long warmup, long rounds,
                      long long events_per_round);

/* The program's own read(2)/write(2) calls inside timed rounds (the echo
 * server's control socket), reported in the result line. */
extern long bench_harness_reads, bench_harness_writes;

/* The options every program takes (BENCH_SHARED_OPTIONS, for getopt):
 * -m MODE, -r ROUNDS, -u WARMUP rounds, -x (exit without freeing, so that
 * strace sees fewer calls).  Programs set their defaults before parsing. */
#define BENCH_SHARED_OPTIONS "m:r:u:x"
struct bench_args {
  const char* mode;
  long rounds, warmup;
  int skip_teardown;
};

/* Applies getopt's `opt` when it is one of the shared options and returns
 * 1; returns 0 for any other letter. */
int bench_shared_option(struct bench_args* args, int opt, const char* value);

/* Parses a non-negative integer option value; exits on garbage. */
long bench_parse_count(const char* option, const char* text);

/* Exits with status 2 after printing "bench: <message>" to stderr. */
void bench_die(const char* message);

/* xorshift64*: fast, and the same sequence on every run. */
static inline uint64_t bench_random(uint64_t* state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * UINT64_C(2685821657736338717);
}

#endif /* BENCH_COMMON_H */
