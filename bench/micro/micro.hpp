// Shared by the Google Benchmark micro-benchmarks in bench/micro/.
//
// Every program here is compiled once against the reference libevent's
// headers and linked to its library (never our include/ or our targets), so
// one binary runs on either library through LD_LIBRARY_PATH (both have the
// same SONAMEs).  main() (micro_main.cpp) first prints every libevent file
// the process mapped ("loaded lib=..." from /proc/self/maps, as the C
// programs do) and exits with status 3 when BENCH_EXPECT_LIBDIR names
// another directory; bench/compare checks those lines for each run.
//
// A benchmark is a function registered with MICRO_BENCH(name).  Its timed
// loop calls, once per iteration, a function named micro_timed_<name>
// (declared with MICRO_TIMED: C linkage, never inlined), which does one
// operation and nothing else: callgrind counts instructions inside it only
// (--toggle-collect), so setup never weighs in the instruction ratio.
// `--micro_iterations=N` runs every benchmark for exactly N iterations
// (bench/compare uses it for callgrind and strace, whose counts are then
// per iteration).  Everything random is seeded: both sides do the same work.
#ifndef BENCH_MICRO_MICRO_HPP
#define BENCH_MICRO_MICRO_HPP

#include <benchmark/benchmark.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__)
#define MICRO_TIMED extern "C" __attribute__((noinline, noclone, used))
#else
#define MICRO_TIMED extern "C" __attribute__((noinline, used))
#endif

namespace micro {

using BenchFunction = void (*)(benchmark::State&);

// Adds a benchmark to the program's list (registered with Google Benchmark
// by main(), after the command line is read).
struct Registration {
  Registration(const char* name, BenchFunction function);
};

// Prints "micro: <what>" to stderr and exits with status 2.
[[noreturn]] void die(const char* what);

inline void check(bool ok, const char* what) {
  if (!ok) die(what);
}

// xorshift64*: the same sequence on every run and both sides.
inline uint64_t random(uint64_t* state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * UINT64_C(2685821657736338717);
}

// A new event_base (exits on failure), for benchmarks that need one.
struct event_base* new_base();

// A connected non-blocking AF_UNIX stream socketpair.
void socket_pair(int fds[2]);

// Writes `text` to a new file in a private temporary directory (removed at
// exit); returns its path.
const char* write_temp_file(const char* name, const char* text, size_t length);

}  // namespace micro

#define MICRO_BENCH(name)                                                                \
  static void micro_bench_##name(benchmark::State& state);                               \
  static const micro::Registration micro_registration_##name(#name, micro_bench_##name); \
  static void micro_bench_##name(benchmark::State& state)

#endif  // BENCH_MICRO_MICRO_HPP
