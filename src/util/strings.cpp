// evutil string and number helpers: strtoll, snprintf with C99 results,
// ASCII-only case-insensitive comparison.
#include <event2/util.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "util/chars.hpp"

extern "C" {

ev_int64_t evutil_strtoll(const char* s, char** endptr, int base) {
  if (s == nullptr) {
    if (endptr != nullptr) *endptr = nullptr;
    errno = EINVAL;
    return 0;
  }
  return strtoll(s, endptr, base);
}

int evutil_vsnprintf(char* buf, size_t buflen, const char* format, va_list ap) {
  // libevent reports 0 for an empty buffer instead of the would-be length.
  if (buflen == 0 || buf == nullptr) return 0;
  if (format == nullptr) {
    buf[0] = '\0';
    return -1;
  }
  int r = vsnprintf(buf, buflen, format, ap);
  buf[buflen - 1] = '\0';  // Terminated even if a libc ever forgets to.
  return r;
}

int evutil_snprintf(char* buf, size_t buflen, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  int r = evutil_vsnprintf(buf, buflen, format, ap);
  va_end(ap);
  return r;
}

// Both comparisons order bytes as (signed) char values after folding A-Z,
// which is what programs written against libevent observe.
int evutil_ascii_strcasecmp(const char* s1, const char* s2) {
  return evutil_ascii_strncasecmp(s1, s2, static_cast<size_t>(-1));
}

int evutil_ascii_strncasecmp(const char* s1, const char* s2, size_t n) {
  if (s1 == nullptr || s2 == nullptr) return (s1 == s2) ? 0 : (s1 == nullptr ? -1 : 1);
  for (size_t i = 0; i < n; ++i) {
    signed char c1 = static_cast<signed char>(ev::to_lower(s1[i]));
    signed char c2 = static_cast<signed char>(ev::to_lower(s2[i]));
    if (c1 < c2) return -1;
    if (c1 > c2) return 1;
    if (c1 == 0) return 0;
  }
  return 0;
}

}  // extern "C"
