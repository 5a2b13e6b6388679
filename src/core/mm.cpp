// The replaceable memory functions (event_set_mem_functions) and the
// allocation entry points every module uses.
#include "core/mm.hpp"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

namespace {

// nullptr means "use the C library"; set once, before any other call, as
// the API requires, so plain loads are enough.
void* (*g_malloc)(size_t) = nullptr;
void* (*g_realloc)(void*, size_t) = nullptr;
void (*g_free)(void*) = nullptr;

}  // namespace

extern "C" {

void event_set_mem_functions(void* (*malloc_fn)(size_t sz),
                             void* (*realloc_fn)(void* ptr, size_t sz),
                             void (*free_fn)(void* ptr)) {
  g_malloc = malloc_fn;
  g_realloc = realloc_fn;
  g_free = free_fn;
}

void* evpriv_malloc(size_t n) {
  // libevent returns NULL for zero-byte requests instead of a unique pointer.
  if (n == 0) return nullptr;
  return g_malloc ? g_malloc(n) : malloc(n);
}

void* evpriv_calloc(size_t count, size_t size) {
  if (count == 0 || size == 0) return nullptr;
  if (count > SIZE_MAX / size) {
    errno = ENOMEM;
    return nullptr;
  }
  if (g_malloc == nullptr) return calloc(count, size);
  size_t total = count * size;
  void* p = g_malloc(total);
  if (p != nullptr) memset(p, 0, total);
  return p;
}

void* evpriv_realloc(void* p, size_t n) { return g_realloc ? g_realloc(p, n) : realloc(p, n); }

void evpriv_free(void* p) {
  // A user's free function never sees NULL (libevent never passes it one).
  if (p == nullptr) return;
  if (g_free) {
    g_free(p);
  } else {
    free(p);
  }
}

char* evpriv_strdup(const char* s) {
  if (s == nullptr) {
    errno = EINVAL;
    return nullptr;
  }
  size_t len = strlen(s);
  if (len == SIZE_MAX) {
    errno = ENOMEM;
    return nullptr;
  }
  char* copy = static_cast<char*>(evpriv_malloc(len + 1));
  if (copy != nullptr) memcpy(copy, s, len + 1);
  return copy;
}

}  // extern "C"
