// The allocation-failure harness shared by tests/api/*alloc_failure*_test.cpp:
// memory functions that fail the Nth allocation (or every allocation from
// the Nth on) are installed with event_set_mem_functions in a child process
// of its own, which runs one scenario; alloc_sweep() runs the scenario for
// every N it makes, in both modes, and checks that the child exited normally
// (every failing call reported an error, every call that reported success
// did its job), that no allocation is left live, that nothing was freed the
// hooks did not hand out, and that nothing hung (the scenario's guard timer
// never fired; with every allocation failing the loop still returned).
#pragma once

#include <event2/event.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <dirent.h>
#include <execinfo.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

// Present when built with a sanitizer: lets a child that ASan or UBSan
// stops exit with kSanitizer rather than their exit code 1 (kReported).
extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace allocfail {

// ---- the memory functions (child processes only) ----

inline long g_count = 0;          // allocation requests so far
inline long g_fail_at = 0;        // 1-based request to fail; 0: none
inline bool g_fail_from = false;  // fail every request from g_fail_at on
inline long g_failures = 0;       // failures injected so far
inline long g_bad_frees = 0;      // frees of pointers the hooks never returned
inline std::unordered_map<void*, long>* g_live = nullptr;  // block -> its request number
// ALLOC_FAILURE_TRACE=K (debugging a failure): the stack of allocation
// request #K goes to stderr.
inline long g_trace_at = 0;

inline bool inject() {
  ++g_count;
  if (g_count == g_trace_at) {
    void* frames[32];
    std::fprintf(stderr, "allocation #%ld:\n", g_count);
    backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
    if (std::getenv("ALLOC_FAILURE_TRAP") != nullptr) raise(SIGTRAP);  // for a debugger
  }
  bool fail = g_fail_at != 0 && (g_fail_from ? g_count >= g_fail_at : g_count == g_fail_at);
  if (fail) ++g_failures;
  return fail;
}

inline void* hook_malloc(size_t n) {
  if (inject()) return nullptr;
  void* p = std::malloc(n);
  if (p != nullptr) (*g_live)[p] = g_count;
  return p;
}

inline void hook_free(void* p) {
  if (p == nullptr) return;
  if (g_live->erase(p) == 0) {
    ++g_bad_frees;
    return;  // not ours: leave it rather than corrupt the heap
  }
  std::free(p);
}

inline void* hook_realloc(void* q, size_t n) {
  if (q != nullptr && g_live->count(q) == 0) {
    ++g_bad_frees;
    return nullptr;
  }
  if (inject()) return nullptr;
  void* p = std::realloc(q, n);
  if (p != nullptr) {
    if (q != nullptr) g_live->erase(q);
    (*g_live)[p] = g_count;
  }
  return p;
}

// ---- what a child reports ----

// Shared with the parent (mapped before fork): the child's findings.
struct Report {
  long allocations;
  long failures;
  long live;
  long bad_frees;
  long fds;  // descriptors left open by the scenario
  char text[2048];
};
inline Report* g_report = nullptr;

inline void note(const char* fmt, ...) {
  size_t used = std::strlen(g_report->text);
  if (used + 2 >= sizeof g_report->text) return;
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(g_report->text + used, sizeof g_report->text - used, fmt, ap);
  va_end(ap);
}

// How a scenario ended.
enum Outcome {
  kDone = 0,        // every call succeeded and the data checked out
  kReported = 1,    // a call reported an error; the scenario cleaned up
  kWrong = 10,      // a call reported success but its effect is wrong
  kHung = 12,       // the scenario's guard timer ended it
  kSanitizer = 13,  // ASan or UBSan reported an error (their own exit code is 1)
};

// A call that must either report failure (`ok` false) or, if it succeeds,
// have been able to do its job.  Reported failures end the scenario.
#define TRY(ok)                             \
  do {                                      \
    if (!(ok)) return allocfail::kReported; \
  } while (0)
#define EXPECT_DATA(cond)                                                    \
  do {                                                                       \
    if (!(cond)) {                                                           \
      allocfail::note("line %d: %s (after %ld failures)\n", __LINE__, #cond, \
                      allocfail::g_failures);                                \
      return allocfail::kWrong;                                              \
    }                                                                        \
  } while (0)

// Frees registered in order of creation, run in reverse on every exit.
class Scope {
 public:
  Scope() { entries_.reserve(64); }
  ~Scope() {
    for (size_t i = entries_.size(); i-- > 0;) entries_[i].fn(entries_[i].arg);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  template <typename T>
  T* own(T* p, void (*fn)(T*)) {
    if (p != nullptr) entries_.push_back({reinterpret_cast<void (*)(void*)>(fn), p});
    return p;
  }
  void close_fd(int fd) {
    if (fd >= 0)
      entries_.push_back({close_one, reinterpret_cast<void*>(static_cast<intptr_t>(fd))});
  }

 private:
  static void close_one(void* p) { close(static_cast<int>(reinterpret_cast<intptr_t>(p))); }
  struct Entry {
    void (*fn)(void*);
    void* arg;
  };
  std::vector<Entry> entries_;
};

inline const char* g_method = nullptr;  // backend of this run

inline event_base* new_base() {
  event_config* cfg = event_config_new();
  if (cfg == nullptr) return nullptr;
  const char** all = event_get_supported_methods();
  for (const char** m = all; m != nullptr && *m != nullptr; ++m) {
    if (std::strcmp(*m, g_method) != 0 && event_config_avoid_method(cfg, *m) != 0) {
      event_config_free(cfg);
      return nullptr;
    }
  }
  event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV);
  event_base* base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  return base;
}

// A guard timer: if it fires, the scenario hung.
struct Guard {
  bool fired = false;
  static void cb(evutil_socket_t, short, void* arg) {
    auto* g = static_cast<Guard*>(arg);
    g->fired = true;
  }
};

// A guard timer of `seconds` on `base`, freed by `s`; nullptr when it could
// not be made (an allocation failed).
inline bool under_valgrind();

inline Guard* add_guard(event_base* base, Scope& s, Guard& g, long seconds = 3) {
  if (under_valgrind()) seconds *= 4;  // everything runs many times slower
  event* ev = s.own(evtimer_new(base, Guard::cb, &g), event_free);
  if (ev == nullptr) return nullptr;
  timeval limit{seconds, 0};
  if (evtimer_add(ev, &limit) != 0) return nullptr;
  return &g;
}

inline bool make_socketpair(Scope& s, int sv[2]) {
  if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return false;
  evutil_make_socket_nonblocking(sv[0]);
  evutil_make_socket_nonblocking(sv[1]);
  (void)s;
  return true;
}

inline std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

// ---- the parent side ----

using Scenario = int (*)();

struct ChildRun {
  int status = -1;  // exit status, or 100 + signal
  Report report{};
};

// Run in the child before the scenario (e.g. OpenSSL's own setup, which
// must not count); may be null.
inline void (*g_child_setup)() = nullptr;

inline long count_fds() {
  long n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

inline ChildRun run_child(Scenario fn, const char* method, long fail_at, bool from) {
  if (g_report == nullptr) {
    void* m =
        mmap(nullptr, sizeof(Report), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return {};
    g_report = static_cast<Report*>(m);
  }
  g_report->allocations = g_report->failures = g_report->live = g_report->bad_frees = 0;
  g_report->fds = 0;
  g_report->text[0] = '\0';
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    alarm(30);  // a hang outside the loop guard kills the child
    if (__sanitizer_set_death_callback != nullptr)
      __sanitizer_set_death_callback([] { _exit(kSanitizer); });
    signal(SIGPIPE, SIG_IGN);
    static std::unordered_map<void*, long> live;
    live.reserve(1 << 16);
    g_live = &live;
    event_set_mem_functions(hook_malloc, hook_realloc, hook_free);
    event_set_log_callback([](int, const char*) {});
    if (const char* t = std::getenv("ALLOC_FAILURE_TRACE")) g_trace_at = std::atol(t);
    if (g_child_setup != nullptr) g_child_setup();
    g_method = method;
    long fds_before = count_fds();
    g_fail_at = fail_at;
    g_fail_from = from;
    int rc = fn();
    libevent_global_shutdown();
    g_report->fds = count_fds() - fds_before;
    g_report->allocations = g_count;
    g_report->failures = g_failures;
    g_report->live = static_cast<long>(live.size());
    g_report->bad_frees = g_bad_frees;
    for (const auto& [p, at] : live) note("leaked: the block of allocation request #%ld\n", at);
    _exit(rc);
  }
  ChildRun r;
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) return r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
  r.report = *g_report;
  return r;
}

// Under valgrind (scripts/run-valgrind) every child runs many times slower:
// one backend is swept, and scenarios may allow more time.
inline bool under_valgrind() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, "vgpreload") != nullptr;
}

inline std::vector<std::string> methods() {
  // The parent must not call the library (the children install the memory
  // functions), so the backends to try are named here.
  return {"epoll", "poll", "select"};
}

// Runs `fn` for every N it allocates, in both modes, on every backend (the
// first only when `io` is false).
inline void alloc_sweep(const char* name, Scenario fn, bool io) {
  // ALLOC_FAILURE_ONLY=METHOD:N:FROM (debugging a failure): that run only.
  if (const char* only = std::getenv("ALLOC_FAILURE_ONLY")) {
    char method[16] = "";
    long n = 0;
    int from = 0;
    if (std::sscanf(only, "%15[^:]:%ld:%d", method, &n, &from) == 3) {
      ChildRun r = run_child(fn, method, n, from != 0);
      std::printf("status %d, %ld allocations, %ld live, %ld bad frees, %ld fds open\n%s", r.status,
                  r.report.allocations, r.report.live, r.report.bad_frees, r.report.fds,
                  r.report.text);
      return;
    }
  }
  for (const std::string& method : methods()) {
    SCOPED_TRACE(name + std::string(" on ") + method);
    ChildRun clean = run_child(fn, method.c_str(), 0, false);
    ASSERT_EQ(clean.status, kDone) << clean.report.text;
    ASSERT_EQ(clean.report.live, 0) << "leak without failures";
    ASSERT_EQ(clean.report.bad_frees, 0);
    ASSERT_EQ(clean.report.fds, 0) << "descriptors left open without failures";
    long total = clean.report.allocations;
    ASSERT_GT(total, 0);
    std::printf("  %s on %s: %ld allocations, each failed alone and from it on\n", name,
                method.c_str(), total);
    for (int from = 0; from < 2; ++from) {
      for (long n = 1; n <= total + 1; ++n) {
        ChildRun r = run_child(fn, method.c_str(), n, from == 1);
        std::string what = std::string(from ? "every allocation from #" : "allocation #") +
                           std::to_string(n) + " of " + std::to_string(total) + " failing: ";
        EXPECT_TRUE(r.status == kDone || r.status == kReported)
            << what << "status " << r.status
            << (r.status == kWrong       ? " (a call reported success but did not do its job)"
                : r.status == kHung      ? " (hung: guard timer fired)"
                : r.status == kSanitizer ? " (a sanitizer report: see stderr)"
                : r.status >= 100        ? " (killed by a signal)"
                                         : "")
            << "\n"
            << r.report.text;
        EXPECT_EQ(r.report.live, 0) << what << r.report.live << " allocations leaked";
        EXPECT_EQ(r.report.bad_frees, 0) << what << "freed memory it did not allocate";
        EXPECT_EQ(r.report.fds, 0) << what << "descriptors left open";
        if (::testing::Test::HasFailure()) return;
      }
    }
    if (!io || under_valgrind()) break;
  }
}

}  // namespace allocfail
