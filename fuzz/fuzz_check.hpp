// The fuzz targets' own checks: a failed CHECK names the target file and line
// and aborts, which libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>

[[noreturn]] inline void fuzz_fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
  std::abort();
}

#define CHECK(c)                                 \
  do {                                           \
    if (!(c)) fuzz_fail(__FILE__, __LINE__, #c); \
  } while (0)
