// The few C++ runtime hooks our internals need, defined here so that no
// library depends on libstdc++: global new/delete route to the memory
// functions (so objects made with plain `new` are counted too), and a pure
// virtual call is a fatal internal error.
#include <cstddef>
#include <new>

#include "core/log.hpp"
#include "core/mm.hpp"

// Without exceptions a failed allocation yields nullptr; callers check.
void* operator new(std::size_t n) { return evpriv_malloc(n == 0 ? 1 : n); }
void* operator new[](std::size_t n) { return evpriv_malloc(n == 0 ? 1 : n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return evpriv_malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return evpriv_malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { evpriv_free(p); }
void operator delete[](void* p) noexcept { evpriv_free(p); }
void operator delete(void* p, std::size_t) noexcept { evpriv_free(p); }
void operator delete[](void* p, std::size_t) noexcept { evpriv_free(p); }

extern "C" void __cxa_pure_virtual() { evpriv_errx(1, "pure virtual method called"); }
