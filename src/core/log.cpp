// Log and fatal-error plumbing behind event_set_log_callback(),
// event_enable_debug_logging() and event_set_fatal_callback().
#include "core/log.hpp"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

namespace {

event_log_cb g_log_cb = nullptr;
event_fatal_cb g_fatal_cb = nullptr;
ev_uint32_t g_debug_mask = 0;

// libevent formats every message into a 1 KiB buffer; longer ones are cut.
constexpr size_t kMessageSize = 1024;

// The errno-style code libevent passes to the fatal path for failed
// internal assertions: it aborts instead of exiting.
constexpr int kAbortCode = static_cast<int>(0xdeaddead);

const char* severity_name(int severity) {
  switch (severity) {
    case EVENT_LOG_DEBUG:
      return "debug";
    case EVENT_LOG_MSG:
      return "msg";
    case EVENT_LOG_WARN:
      return "warn";
    case EVENT_LOG_ERR:
      return "err";
    default:
      return "???";
  }
}

void emit(int severity, const char* msg) {
  if (g_log_cb != nullptr) {
    g_log_cb(severity, msg);
  } else {
    fprintf(stderr, "[%s] %s\n", severity_name(severity), msg);
  }
}

// Formats "<fmt...>" and, when `suffix` is given, ": <suffix>", then emits.
void logv(int severity, const char* suffix, const char* fmt, va_list ap) {
  char buf[kMessageSize];
  buf[0] = '\0';
  if (fmt != nullptr) vsnprintf(buf, sizeof(buf), fmt, ap);
  if (suffix != nullptr) {
    size_t len = strlen(buf);
    if (len < sizeof(buf) - 3) snprintf(buf + len, sizeof(buf) - len, ": %s", suffix);
  }
  emit(severity, buf);
}

[[noreturn]] void fatal_exit(int code) {
  if (g_fatal_cb != nullptr) {
    g_fatal_cb(code);
    // The callback must not return; if it does, the process still ends.
    exit(code);
  }
  if (code == kAbortCode) abort();
  exit(code);
}

}  // namespace

extern "C" {

void event_set_log_callback(event_log_cb cb) { g_log_cb = cb; }

void event_set_fatal_callback(event_fatal_cb cb) { g_fatal_cb = cb; }

void event_enable_debug_logging(ev_uint32_t which) { g_debug_mask = which; }

int evpriv_debug_logging_enabled(void) { return g_debug_mask != 0; }

void evpriv_log(int severity, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  logv(severity, nullptr, fmt, ap);
  va_end(ap);
}

void evpriv_warn(const char* fmt, ...) {
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_WARN, strerror(saved), fmt, ap);
  va_end(ap);
  errno = saved;
}

void evpriv_sock_warn(int /*sock*/, const char* fmt, ...) {
  // On POSIX a socket error is errno.
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_WARN, strerror(saved), fmt, ap);
  va_end(ap);
  errno = saved;
}

void evpriv_warnx(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_WARN, nullptr, fmt, ap);
  va_end(ap);
}

void evpriv_msgx(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_MSG, nullptr, fmt, ap);
  va_end(ap);
}

void evpriv_debugx(const char* fmt, ...) {
  if (g_debug_mask == 0) return;
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_DEBUG, nullptr, fmt, ap);
  va_end(ap);
}

void evpriv_err(int eval, const char* fmt, ...) {
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_ERR, strerror(saved), fmt, ap);
  va_end(ap);
  fatal_exit(eval);
}

void evpriv_errx(int eval, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  logv(EVENT_LOG_ERR, nullptr, fmt, ap);
  va_end(ap);
  fatal_exit(eval);
}

void evpriv_assert_failed(const char* file, int line, const char* func, const char* expr) {
  evpriv_errx(kAbortCode, "%s:%d: Assertion %s failed in %s", file, line, expr, func);
}

}  // extern "C"
