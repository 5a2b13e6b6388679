// Logging and fatal errors, routed through event_set_log_callback() and
// event_set_fatal_callback() exactly as libevent does: warnings that carry
// errno append ": <strerror>", debug messages appear only when debug logging
// is enabled, and the err/errx forms call the fatal callback (or exit).
#pragma once

#include "core/export.hpp"

extern "C" {
// Severity values match EVENT_LOG_DEBUG/MSG/WARN/ERR from event2/event.h.
EVPRIV_API void evpriv_log(int severity, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));
// "<message>: <strerror(errno)>" at warn severity.
EVPRIV_API void evpriv_warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Same, for a socket error code instead of errno.
EVPRIV_API void evpriv_sock_warn(int sock, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));
EVPRIV_API void evpriv_warnx(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
EVPRIV_API void evpriv_msgx(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Logged only when event_enable_debug_logging() turned debug output on.
EVPRIV_API void evpriv_debugx(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
EVPRIV_API int evpriv_debug_logging_enabled(void);
// Fatal: log at error severity, then call the fatal callback or exit(eval).
[[noreturn]] EVPRIV_API void evpriv_err(int eval, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));
[[noreturn]] EVPRIV_API void evpriv_errx(int eval, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));
// An internal invariant failed: logs file/line and aborts through the fatal path.
[[noreturn]] EVPRIV_API void evpriv_assert_failed(const char* file, int line, const char* func,
                                                  const char* expr);
}

#define EV_ASSERT(cond)                                                                          \
  do {                                                                                           \
    if (__builtin_expect(!(cond), 0)) evpriv_assert_failed(__FILE__, __LINE__, __func__, #cond); \
  } while (0)
