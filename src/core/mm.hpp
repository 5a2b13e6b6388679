// Memory: every allocation of every module goes through here, and so through
// the functions installed by event_set_mem_functions().
#pragma once

#include <cstddef>
#include <new>
#include <utility>

#include "core/export.hpp"

extern "C" {
EVPRIV_API void* evpriv_malloc(std::size_t n);
EVPRIV_API void* evpriv_calloc(std::size_t count, std::size_t size);
EVPRIV_API void* evpriv_realloc(void* p, std::size_t n);
EVPRIV_API void evpriv_free(void* p);
EVPRIV_API char* evpriv_strdup(const char* s);
}

namespace ev {

inline void* mm_malloc(std::size_t n) { return evpriv_malloc(n); }
inline void* mm_calloc(std::size_t c, std::size_t s) { return evpriv_calloc(c, s); }
inline void* mm_realloc(void* p, std::size_t n) { return evpriv_realloc(p, n); }
inline void mm_free(void* p) { evpriv_free(p); }
inline char* mm_strdup(const char* s) { return evpriv_strdup(s); }

// Allocates through the memory functions and constructs a T in place;
// nullptr when the allocation fails (we build without exceptions).
template <class T, class... Args>
T* make(Args&&... args) {
  void* p = mm_malloc(sizeof(T));
  if (p == nullptr) return nullptr;
  return ::new (p) T(std::forward<Args>(args)...);
}

// Destroys an object made by make<T>(); null is ignored.
template <class T>
void destroy(T* obj) {
  if (obj == nullptr) return;
  obj->~T();
  mm_free(obj);
}

}  // namespace ev
