/* Preloaded into libevent's regression programs when they run on our
 * libraries.  The programs were built against libevent's private headers and
 * import a few functions that are not part of the public API (their names end
 * in '_', or they live in *-internal.h).  Our libraries do not export them, so
 * this file provides them on top of what our libraries do export:
 *  - allocation and logging go through our library (evpriv_*), so
 *    event_set_mem_functions and event_set_log_callback still apply;
 *  - small utilities (character classes, weak random numbers, sleeping, address
 *    formatting) are written here;
 *  - functions that only make sense inside libevent's own data structures
 *    (event_active_later_, event_callback_finalize_, event_base_add_virtual_,
 *    ...) abort with a message: the tests that call them are excluded in
 *    expected.txt.
 * Tests that exist to test one of the utilities written here test this file,
 * not our library; they are excluded too.  Written for this project; nothing
 * here comes from libevent. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/thread.h>

#define SHIM_EXPORT __attribute__((visibility("default")))

/* Our library's internal entry points, found at run time. */
static void* ours(const char* name) {
  void* f = dlsym(RTLD_DEFAULT, name);
  return f;
}

static void shim_unsupported(const char* fn) {
  fprintf(stderr,
          "conformance shim: %s works on libevent's private data structures and has no "
          "equivalent in libevent-ng; this test must be excluded\n",
          fn);
  fflush(stderr);
  abort();
}

/* ---- memory: the user's allocator, as the library uses it ---- */
SHIM_EXPORT void* event_mm_malloc_(size_t n) {
  void* (*f)(size_t) = (void* (*)(size_t))ours("evpriv_malloc");
  return f ? f(n) : malloc(n);
}
SHIM_EXPORT void* event_mm_calloc_(size_t count, size_t size) {
  void* (*f)(size_t, size_t) = (void* (*)(size_t, size_t))ours("evpriv_calloc");
  return f ? f(count, size) : calloc(count, size);
}
SHIM_EXPORT void* event_mm_realloc_(void* p, size_t n) {
  void* (*f)(void*, size_t) = (void* (*)(void*, size_t))ours("evpriv_realloc");
  return f ? f(p, n) : realloc(p, n);
}
SHIM_EXPORT char* event_mm_strdup_(const char* s) {
  char* (*f)(const char*) = (char* (*)(const char*))ours("evpriv_strdup");
  return f ? f(s) : strdup(s);
}
SHIM_EXPORT void event_mm_free_(void* p) {
  void (*f)(void*) = (void (*)(void*))ours("evpriv_free");
  if (f)
    f(p);
  else
    free(p);
}

/* ---- logging: formatted here, delivered by our library ---- */
enum { SEV_DEBUG = 0, SEV_MSG = 1, SEV_WARN = 2, SEV_ERR = 3 };

static void deliver(int severity, const char* text) {
  void (*f)(int, const char*, ...) = (void (*)(int, const char*, ...))ours("evpriv_log");
  if (f)
    f(severity, "%s", text);
  else
    fprintf(stderr, "[%d] %s\n", severity, text);
}

static void format(char* buf, size_t len, const char* suffix, const char* fmt, va_list ap) {
  vsnprintf(buf, len, fmt, ap);
  if (suffix) {
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, ": %s", suffix);
  }
}

static __attribute__((noreturn)) void die(int eval, const char* text) {
  void (*f)(int, const char*, ...) = (void (*)(int, const char*, ...))ours("evpriv_errx");
  if (f) f(eval, "%s", text); /* does not return */
  fprintf(stderr, "[err] %s\n", text);
  exit(eval);
}

#define SHIM_LOG(sev, suffix)                    \
  do {                                           \
    char buf_[1024];                             \
    va_list ap_;                                 \
    va_start(ap_, fmt);                          \
    format(buf_, sizeof buf_, suffix, fmt, ap_); \
    va_end(ap_);                                 \
    deliver(sev, buf_);                          \
  } while (0)

#define SHIM_DIE(eval, suffix)                   \
  do {                                           \
    char buf_[1024];                             \
    va_list ap_;                                 \
    va_start(ap_, fmt);                          \
    format(buf_, sizeof buf_, suffix, fmt, ap_); \
    va_end(ap_);                                 \
    die(eval, buf_);                             \
  } while (0)

SHIM_EXPORT void event_warn(const char* fmt, ...) {
  const char* e = strerror(errno);
  SHIM_LOG(SEV_WARN, e);
}
SHIM_EXPORT void event_sock_warn(int sock, const char* fmt, ...) {
  (void)sock;
  const char* e = strerror(errno);
  SHIM_LOG(SEV_WARN, e);
}
SHIM_EXPORT void event_warnx(const char* fmt, ...) { SHIM_LOG(SEV_WARN, NULL); }
SHIM_EXPORT void event_msgx(const char* fmt, ...) { SHIM_LOG(SEV_MSG, NULL); }
SHIM_EXPORT void event_debugx_(const char* fmt, ...) {
  int (*enabled)(void) = (int (*)(void))ours("evpriv_debug_logging_enabled");
  if (enabled && !enabled()) return;
  SHIM_LOG(SEV_DEBUG, NULL);
}
SHIM_EXPORT __attribute__((noreturn)) void event_err(int eval, const char* fmt, ...) {
  const char* e = strerror(errno);
  SHIM_DIE(eval, e);
}
SHIM_EXPORT __attribute__((noreturn)) void event_sock_err(int eval, int sock, const char* fmt,
                                                          ...) {
  (void)sock;
  const char* e = strerror(errno);
  SHIM_DIE(eval, e);
}
SHIM_EXPORT __attribute__((noreturn)) void event_errx(int eval, const char* fmt, ...) {
  SHIM_DIE(eval, NULL);
}

/* ---- strings and characters (ASCII only, locale-independent) ---- */
SHIM_EXPORT size_t event_strlcpy_(char* dst, const char* src, size_t size) {
  size_t n = strlen(src);
  if (size) {
    size_t k = n < size - 1 ? n : size - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
  }
  return n;
}
SHIM_EXPORT int EVUTIL_ISDIGIT_(char c) { return c >= '0' && c <= '9'; }
SHIM_EXPORT char EVUTIL_TOUPPER_(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }
SHIM_EXPORT char EVUTIL_TOLOWER_(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
SHIM_EXPORT void evutil_rtrim_lws_(char* s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
}

/* ---- weak random numbers: a 31-bit linear congruential generator ---- */
struct shim_weakrand {
  uint32_t seed;
};
SHIM_EXPORT uint32_t evutil_weakrand_seed_(struct shim_weakrand* st, uint32_t seed) {
  if (seed == 0) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    seed = (uint32_t)tv.tv_sec ^ (uint32_t)tv.tv_usec ^ (uint32_t)getpid();
  }
  st->seed = seed;
  return seed;
}
SHIM_EXPORT int32_t evutil_weakrand_(struct shim_weakrand* st) {
  st->seed = (st->seed * 1103515245u + 12345u) & 0x7fffffffu;
  return (int32_t)st->seed;
}
SHIM_EXPORT int32_t evutil_weakrand_range_(struct shim_weakrand* st, int32_t top) {
  if (top <= 0) return 0;
  return (int32_t)(((int64_t)evutil_weakrand_(st) * top) / ((int64_t)0x7fffffff + 1));
}

/* ---- time ---- */
SHIM_EXPORT void evutil_usleep_(const struct timeval* tv) {
  if (!tv) return;
  struct timespec ts = {tv->tv_sec, tv->tv_usec * 1000};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}
/* The layout on Linux: int monotonic_clock; struct timeval adjust, last. */
struct shim_monotonic {
  int clock;
  struct timeval adjust;
  struct timeval last;
};
SHIM_EXPORT int evutil_configure_monotonic_time_(struct shim_monotonic* mt, int flags) {
  (void)flags;
  memset(mt, 0, sizeof *mt);
  mt->clock = CLOCK_MONOTONIC;
  return 0;
}
SHIM_EXPORT int evutil_gettime_monotonic_(struct shim_monotonic* mt, struct timeval* tv) {
  struct timespec ts;
  if (clock_gettime(mt->clock, &ts) == -1) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

/* ---- addresses and sockets ---- */
SHIM_EXPORT int evutil_v4addr_is_local_(const struct in_addr* in) {
  uint32_t a = ntohl(in->s_addr);
  return a == INADDR_ANY || (a >> 24) == 127 || (a >> 24) == 10 || (a >> 20) == 0xac1 ||
         (a >> 16) == 0xc0a8 || (a >> 16) == 0xa9fe || (a >> 28) == 0xe;
}
SHIM_EXPORT int evutil_v6addr_is_local_(const struct in6_addr* in) {
  static const unsigned char zero[16];
  const unsigned char* b = in->s6_addr;
  if (!memcmp(b, zero, 15) && (b[15] == 0 || b[15] == 1)) return 1;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return 1;
  return 0;
}
SHIM_EXPORT int evutil_sockaddr_is_loopback_(const struct sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in* s = (const struct sockaddr_in*)sa;
    return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6* s = (const struct sockaddr_in6*)sa;
    return IN6_IS_ADDR_LOOPBACK(&s->sin6_addr);
  }
  return 0;
}
SHIM_EXPORT const char* evutil_format_sockaddr_port_(const struct sockaddr* sa, char* out,
                                                     size_t outlen) {
  char host[INET6_ADDRSTRLEN];
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in* s = (const struct sockaddr_in*)sa;
    if (!inet_ntop(AF_INET, &s->sin_addr, host, sizeof host)) return NULL;
    snprintf(out, outlen, "%s:%d", host, ntohs(s->sin_port));
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6* s = (const struct sockaddr_in6*)sa;
    if (!inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host)) return NULL;
    snprintf(out, outlen, "[%s]:%d", host, ntohs(s->sin6_port));
  } else {
    snprintf(out, outlen, "<addr with socktype %d>", (int)sa->sa_family);
  }
  return out;
}
/* 1: connected, 0: in progress, 2: refused, -1: error. */
SHIM_EXPORT int evutil_socket_connect_(int* fd_ptr, const struct sockaddr* sa, int socklen) {
  int made = 0;
  if (*fd_ptr < 0) {
    *fd_ptr = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (*fd_ptr < 0) return -1;
    made = 1;
  }
  if (connect(*fd_ptr, sa, (socklen_t)socklen) == 0) return 1;
  if (errno == EINPROGRESS || errno == EINTR) return 0;
  if (errno == ECONNREFUSED) return 2;
  if (made) {
    close(*fd_ptr);
    *fd_ptr = -1;
  }
  return -1;
}
SHIM_EXPORT int evutil_make_internal_pipe_(int fd[2]) { return pipe2(fd, O_NONBLOCK | O_CLOEXEC); }

/* ---- deferred callbacks: our library's own equivalents ---- */
struct event_callback;
struct event_base;
typedef void (*shim_deferred_fn)(struct event_callback*, void*);
SHIM_EXPORT void event_deferred_cb_init_(struct event_callback* cb, unsigned char priority,
                                         shim_deferred_fn fn, void* arg) {
  void (*f)(struct event_callback*, shim_deferred_fn, void*, int) =
      (void (*)(struct event_callback*, shim_deferred_fn, void*, int))ours("evpriv_callback_init");
  if (!f) shim_unsupported("event_deferred_cb_init_");
  f(cb, fn, arg, priority);
}
SHIM_EXPORT int event_deferred_cb_schedule_(struct event_base* base, struct event_callback* cb) {
  int (*f)(struct event_base*, struct event_callback*) =
      (int (*)(struct event_base*, struct event_callback*))ours("evpriv_callback_schedule");
  if (!f) shim_unsupported("event_deferred_cb_schedule_");
  return f(base, cb);
}
SHIM_EXPORT int event_callback_activate_(struct event_base* base, struct event_callback* cb) {
  return event_deferred_cb_schedule_(base, cb);
}

/* ---- evhttp internals: our http module's evpriv_http_* equivalents ---- */
struct evhttp_request;
struct evhttp_connection;
struct evbuffer;
#define SHIM_FORWARD(type, name, params, ourname, args) \
  SHIM_EXPORT type name params {                        \
    type(*f) params = (type(*) params)ours(ourname);    \
    if (!f) shim_unsupported(#name);                    \
    return f args;                                      \
  }
/* enum message_read_status and the transfer-encoding status are ints. */
SHIM_FORWARD(int, evhttp_parse_firstline_, (struct evhttp_request * req, struct evbuffer* buf),
             "evpriv_http_parse_firstline", (req, buf))
SHIM_FORWARD(int, evhttp_parse_headers_, (struct evhttp_request * req, struct evbuffer* buf),
             "evpriv_http_parse_headers", (req, buf))
SHIM_FORWARD(int, evhttp_str_is_chunked_, (const char* value, const char* eos),
             "evpriv_http_str_is_chunked", (value, eos))
SHIM_FORWARD(int, evhttp_check_transfer_encoding_, (const char* value),
             "evpriv_http_check_transfer_encoding", (value))
SHIM_FORWARD(int, evhttp_decode_uri_internal, (const char* uri, size_t length, char* ret, int plus),
             "evpriv_http_decode_uri", (uri, length, ret, plus))
SHIM_EXPORT void evhttp_connection_fail_(struct evhttp_connection* evcon, int error) {
  void (*f)(struct evhttp_connection*, int) =
      (void (*)(struct evhttp_connection*, int))ours("evpriv_http_connection_fail");
  if (!f) shim_unsupported("evhttp_connection_fail_");
  f(evcon, error);
}

/* ---- libevent's private data structures: no equivalent ---- */
SHIM_EXPORT void event_base_assert_ok_(struct event_base* base) {
  /* libevent's self-check of its own heap and queues.  Our library checks
   * its invariants in its own tests; here it is a no-op. */
  (void)base;
}
SHIM_EXPORT void event_active_later_(void* ev, int res) {
  (void)ev;
  (void)res;
  shim_unsupported("event_active_later_");
}
SHIM_EXPORT void event_base_add_virtual_(struct event_base* base) {
  (void)base;
  shim_unsupported("event_base_add_virtual_");
}
SHIM_EXPORT int event_callback_finalize_(struct event_base* base, unsigned flags,
                                         struct event_callback* cb, void* fn) {
  (void)base;
  (void)flags;
  (void)cb;
  (void)fn;
  shim_unsupported("event_callback_finalize_");
  return -1;
}
SHIM_EXPORT int event_base_start_iocp_(struct event_base* base, int n_cpus) {
  (void)base;
  (void)n_cpus;
  return -1;
}

/* ---- internal objects the programs read directly ----
 * The programs' EVLOCK_* and EVTHREAD_COND_* macros call through
 * evthread_lock_fns_ and evthread_cond_fns_, the legacy tests read the base
 * event_init() made from event_global_current_base_, and event_debug() reads
 * event_debug_logging_mask_.  The programs hold copies of these (copy
 * relocations) that must be defined by some loaded object; this shim defines
 * them and keeps them equal to what was last installed through the public
 * functions, which it wraps and forwards to our library. */
SHIM_EXPORT struct evthread_lock_callbacks evthread_lock_fns_;
SHIM_EXPORT struct evthread_condition_callbacks evthread_cond_fns_;
SHIM_EXPORT struct event_base* event_global_current_base_;
SHIM_EXPORT uint32_t event_debug_logging_mask_;

static void* next(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (!f) {
    fprintf(stderr, "conformance shim: no %s in the library\n", name);
    abort();
  }
  return f;
}

SHIM_EXPORT int evthread_set_lock_callbacks(const struct evthread_lock_callbacks* cbs) {
  int (*f)(const struct evthread_lock_callbacks*) =
      (int (*)(const struct evthread_lock_callbacks*))next("evthread_set_lock_callbacks");
  int r = f(cbs);
  if (r == 0) {
    if (cbs)
      evthread_lock_fns_ = *cbs;
    else
      memset(&evthread_lock_fns_, 0, sizeof evthread_lock_fns_);
  }
  return r;
}
SHIM_EXPORT int evthread_set_condition_callbacks(const struct evthread_condition_callbacks* cbs) {
  int (*f)(const struct evthread_condition_callbacks*) =
      (int (*)(const struct evthread_condition_callbacks*))next("evthread_set_condition_callbacks");
  int r = f(cbs);
  if (r == 0) {
    if (cbs)
      evthread_cond_fns_ = *cbs;
    else
      memset(&evthread_cond_fns_, 0, sizeof evthread_cond_fns_);
  }
  return r;
}
/* libevent returns the real callbacks (not its debugging wrappers). */
SHIM_EXPORT struct evthread_lock_callbacks* evthread_get_lock_callbacks(void) {
  return &evthread_lock_fns_;
}
SHIM_EXPORT struct event_base* event_init(void) {
  struct event_base* (*f)(void) = (struct event_base * (*)(void)) next("event_init");
  struct event_base* b = f();
  if (b) event_global_current_base_ = b;
  return b;
}
SHIM_EXPORT void event_base_free(struct event_base* base) {
  void (*f)(struct event_base*) = (void (*)(struct event_base*))next("event_base_free");
  f(base); /* NULL: the library frees its current base */
  if (!base || base == event_global_current_base_) event_global_current_base_ = NULL;
}
SHIM_EXPORT void event_enable_debug_logging(uint32_t which) {
  void (*f)(uint32_t) = (void (*)(uint32_t))next("event_enable_debug_logging");
  f(which);
  event_debug_logging_mask_ = which;
}
