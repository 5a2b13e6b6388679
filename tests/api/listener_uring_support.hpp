// Shared by the listener tests of completion accepts (io_uring): a base on
// the io_uring method with or without completion IO, and a count of the
// accept4() calls the libraries make, so that a listener that silently
// polls and calls accept4() (the readiness path) fails the tests.
#pragma once

#include <event2/event.h>
#include <event2/listener.h>
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "listener_test_support.hpp"

namespace lutest {

// accept4() calls since the start of the process (every thread).
inline std::atomic<long> g_accept4_calls{0};

inline bool have_io_uring() {
  for (const std::string& m : evtest::supported_methods())
    if (m == "io_uring") return true;
  return false;
}

// A base on io_uring; `completion` false sets EVENT_IOURING_NOCOMPLETION
// for its creation (the environment is read then).  nullptr: unavailable.
inline event_base* uring_base(bool completion = true, int flags = 0) {
  if (!have_io_uring()) return nullptr;
  if (!completion) setenv("EVENT_IOURING_NOCOMPLETION", "1", 1);
  event_config* cfg = event_config_new();
  for (const std::string& m : evtest::supported_methods())
    if (m != "io_uring") event_config_avoid_method(cfg, m.c_str());
  if (flags != 0) event_config_set_flag(cfg, flags);
  event_base* base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  unsetenv("EVENT_IOURING_NOCOMPLETION");
  if (base != nullptr && std::string(event_base_get_method(base)) != "io_uring") {
    event_base_free(base);
    return nullptr;
  }
  return base;
}

// valgrind 3.19 lets no other thread run while one waits in io_uring_enter:
// tests whose clients are other threads skip under it.
inline bool under_valgrind() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, "vgpreload") != nullptr;
}

#define LUTEST_REQUIRE(base)                                                           \
  do {                                                                                 \
    if (!::lutest::have_io_uring()) GTEST_SKIP() << "io_uring not compiled in";        \
    if ((base) == nullptr) GTEST_SKIP() << "io_uring refused here (kernel or filter)"; \
  } while (0)

}  // namespace lutest

// The seam: the libraries' accept4() calls come here first (the test
// executable's symbol wins the dynamic lookup), then go to the real one.
extern "C" __attribute__((visibility("default"))) int accept4(int fd, sockaddr* addr,
                                                              socklen_t* len, int flags) {
  using Fn = int (*)(int, sockaddr*, socklen_t*, int);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "accept4"));
  lutest::g_accept4_calls.fetch_add(1, std::memory_order_relaxed);
  return real(fd, addr, len, flags);
}
