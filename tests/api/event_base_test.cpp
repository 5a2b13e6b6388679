// event_base and event_config: creation, backend choice, features,
// priorities, counters and the loop-control functions.
#include <event2/event.h>
#include <event2/event_struct.h>
#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "event_backend_param.hpp"

using evtest::PerBackend;
using evtest::Pipe;

namespace {

void noop_cb(evutil_socket_t, short, void*) {}

TEST(EventConfig, NullArgumentsAreRejected) {
  EXPECT_EQ(-1, event_config_avoid_method(nullptr, "poll"));
  EXPECT_EQ(-1, event_config_require_features(nullptr, 0));
  EXPECT_EQ(-1, event_config_set_flag(nullptr, 0));
  EXPECT_EQ(-1, event_config_set_num_cpus_hint(nullptr, 2));
  EXPECT_EQ(-1, event_config_set_max_dispatch_interval(nullptr, nullptr, 0, 0));
  event_config_free(nullptr);
}

TEST(EventConfig, SupportedMethodsListIsNullTerminatedAndNonEmpty) {
  const char** methods = event_get_supported_methods();
  ASSERT_NE(nullptr, methods);
  ASSERT_NE(nullptr, methods[0]);
  int n = 0;
  while (methods[n] != nullptr) ++n;
  EXPECT_GE(n, 2);  // at least poll and select on Linux
}

TEST(EventConfig, AvoidingEveryMethodFails) {
  event_config* cfg = event_config_new();
  ASSERT_NE(nullptr, cfg);
  for (const std::string& m : evtest::supported_methods())
    EXPECT_EQ(0, event_config_avoid_method(cfg, m.c_str()));
  EXPECT_EQ(nullptr, event_base_new_with_config(cfg));
  event_config_free(cfg);
}

TEST(EventConfig, RequiredFeaturesPickACapableBackend) {
  const int wanted[] = {EV_FEATURE_ET, EV_FEATURE_O1, EV_FEATURE_FDS, EV_FEATURE_EARLY_CLOSE};
  for (int feature : wanted) {
    event_config* cfg = event_config_new();
    event_config_require_features(cfg, feature);
    event_base* base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (base == nullptr) continue;  // no backend has it: acceptable
    EXPECT_EQ(feature, event_base_get_features(base) & feature);
    event_base_free(base);
  }
  // epoll has ET, O1 and EARLY_CLOSE but not FDS: nothing has all four.
  event_config* cfg = event_config_new();
  event_config_require_features(cfg, EV_FEATURE_ET | EV_FEATURE_FDS);
  event_config_avoid_method(cfg, "kqueue");
  EXPECT_EQ(nullptr, event_base_new_with_config(cfg));
  event_config_free(cfg);
}

TEST(EventConfig, EnvironmentDisablesMethodsUnlessIgnored) {
  const std::string first = evtest::supported_methods().front();
  std::string var = "EVENT_NO";
  for (char c : first) var += static_cast<char>(toupper(c));
  setenv(var.c_str(), "1", 1);
  event_base* base = event_base_new();
  ASSERT_NE(nullptr, base);
  EXPECT_STRNE(first.c_str(), event_base_get_method(base));
  event_base_free(base);

  event_config* cfg = event_config_new();
  event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV);
  base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  ASSERT_NE(nullptr, base);
  EXPECT_STREQ(first.c_str(), event_base_get_method(base));
  event_base_free(base);
  unsetenv(var.c_str());
}

std::string g_last_log;
void capture_log(int, const char* msg) { g_last_log = msg; }

TEST(EventConfig, ShowMethodLogsTheChoice) {
  event_set_log_callback(capture_log);
  setenv("EVENT_SHOW_METHOD", "1", 1);
  g_last_log.clear();
  event_base* base = event_base_new();
  unsetenv("EVENT_SHOW_METHOD");
  event_set_log_callback(nullptr);
  ASSERT_NE(nullptr, base);
  EXPECT_EQ(std::string("libevent using: ") + event_base_get_method(base), g_last_log);
  event_base_free(base);
}

TEST(EventConfig, FlagsAndHintsAreAccepted) {
  event_config* cfg = event_config_new();
  EXPECT_EQ(0, event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK));
  EXPECT_EQ(0, event_config_set_flag(cfg, EVENT_BASE_FLAG_NO_CACHE_TIME));
  EXPECT_EQ(0, event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST));
  EXPECT_EQ(0, event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER));
  EXPECT_EQ(0, event_config_set_flag(cfg, EVENT_BASE_FLAG_STARTUP_IOCP));
  EXPECT_EQ(0, event_config_set_num_cpus_hint(cfg, 4));
  event_base* base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  ASSERT_NE(nullptr, base);
  event_base_free(base);
}

TEST(EventBase, FreeOfNullIsHarmless) { event_base_free(nullptr); }

// As libevent: epoll's changelist mode (by flag, or by environment unless
// ignored) has its own method name.
TEST(EventBase, EpollChangelistModeHasItsOwnMethodName) {
  bool have_epoll = false;
  for (const std::string& m : evtest::supported_methods()) have_epoll |= m == "epoll";
  if (!have_epoll) GTEST_SKIP() << "no epoll here";
  event_base* base = evtest::new_base_with("epoll", EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  ASSERT_NE(nullptr, base);
  EXPECT_STREQ("epoll (with changelist)", event_base_get_method(base));
  event_base_free(base);
  base = evtest::new_base_with("epoll");
  EXPECT_STREQ("epoll", event_base_get_method(base));
  event_base_free(base);
  setenv("EVENT_EPOLL_USE_CHANGELIST", "1", 1);
  base = event_base_new();
  EXPECT_STREQ("epoll (with changelist)", event_base_get_method(base));
  event_base_free(base);
  unsetenv("EVENT_EPOLL_USE_CHANGELIST");
}

TEST_P(PerBackend, PrioritiesDefaultToOneAndCanBeChanged) {
  EXPECT_EQ(1, event_base_get_npriorities(base));
  EXPECT_EQ(0, event_base_priority_init(base, 4));
  EXPECT_EQ(4, event_base_get_npriorities(base));
  EXPECT_EQ(-1, event_base_priority_init(base, 0));
  EXPECT_EQ(-1, event_base_priority_init(base, EVENT_MAX_PRIORITIES));
  event* ev = evtimer_new(base, noop_cb, nullptr);
  EXPECT_EQ(2, event_get_priority(ev));  // the middle one
  event_active(ev, EV_TIMEOUT, 1);
  // Not while callbacks are queued.
  EXPECT_EQ(-1, event_base_priority_init(base, 2));
  EXPECT_EQ(-1, event_priority_set(ev, 0));  // nor for an active event
  event_free(ev);
  EXPECT_EQ(0, event_base_priority_init(base, 2));
}

std::string g_order;
void record_cb(evutil_socket_t, short, void* arg) { g_order += static_cast<const char*>(arg); }

TEST_P(PerBackend, HigherPriorityRunsFirst) {
  ASSERT_EQ(0, event_base_priority_init(base, 3));
  event* low = evtimer_new(base, record_cb, (void*)"L");
  event* mid = evtimer_new(base, record_cb, (void*)"M");
  event* high = evtimer_new(base, record_cb, (void*)"H");
  EXPECT_EQ(0, event_priority_set(low, 2));
  EXPECT_EQ(0, event_priority_set(mid, 1));
  EXPECT_EQ(0, event_priority_set(high, 0));
  EXPECT_EQ(-1, event_priority_set(high, 3));
  EXPECT_EQ(-1, event_priority_set(high, -1));
  g_order.clear();
  event_active(low, EV_TIMEOUT, 1);
  event_active(mid, EV_TIMEOUT, 1);
  event_active(high, EV_TIMEOUT, 1);
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ("HML", g_order);
  event_free(low);
  event_free(mid);
  event_free(high);
}

TEST_P(PerBackend, EmptyBaseReturnsOneImmediately) {
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ(1, event_base_loop(base, EVLOOP_ONCE));
}

TEST_P(PerBackend, NonblockLoopReturnsZeroWithPendingEvents) {
  Pipe p;
  event* ev = event_new(base, p.r(), EV_READ, noop_cb, nullptr);
  event_add(ev, nullptr);
  EXPECT_EQ(0, event_base_loop(base, EVLOOP_NONBLOCK));
  event_free(ev);
}

void exit_after_ms_cb(evutil_socket_t, short, void* arg) {
  timeval tv{0, 20000};
  event_base_loopexit(static_cast<event_base*>(arg), &tv);
}

TEST_P(PerBackend, NoExitOnEmptyKeepsRunningUntilLoopexit) {
  event_base_once(base, -1, EV_TIMEOUT, exit_after_ms_cb, base, nullptr);
  timeval start = evtest::now_tv();
  EXPECT_EQ(0, event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY));
  EXPECT_GE(evtest::elapsed_ms(start, evtest::now_tv()), 15);
  EXPECT_TRUE(event_base_got_exit(base));
  EXPECT_FALSE(event_base_got_break(base));
}

int g_count;
void count_cb(evutil_socket_t, short, void*) { ++g_count; }

void break_cb(evutil_socket_t, short, void* arg) {
  ++g_count;
  event_base_loopbreak(static_cast<event_base*>(arg));
}

TEST_P(PerBackend, LoopbreakStopsAfterTheCurrentCallback) {
  event* a = evtimer_new(base, break_cb, base);
  event* b = evtimer_new(base, count_cb, nullptr);
  g_count = 0;
  event_active(a, EV_TIMEOUT, 1);
  event_active(b, EV_TIMEOUT, 1);
  EXPECT_EQ(0, event_base_dispatch(base));
  EXPECT_EQ(1, g_count);
  EXPECT_TRUE(event_base_got_break(base));
  EXPECT_FALSE(event_base_got_exit(base));
  // The flags are reset by the next loop.
  EXPECT_EQ(1, event_base_loop(base, EVLOOP_NONBLOCK));
  EXPECT_FALSE(event_base_got_break(base));
  EXPECT_EQ(2, g_count);
  event_free(a);
  event_free(b);
}

void exit_now_cb(evutil_socket_t, short, void* arg) {
  ++g_count;
  event_base_loopexit(static_cast<event_base*>(arg), nullptr);
}

TEST_P(PerBackend, LoopexitLetsQueuedCallbacksRun) {
  event* a = evtimer_new(base, exit_now_cb, base);
  event* b = evtimer_new(base, count_cb, nullptr);
  Pipe p;
  event* idle = event_new(base, p.r(), EV_READ | EV_PERSIST, count_cb, nullptr);
  event_add(idle, nullptr);
  g_count = 0;
  event_active(a, EV_TIMEOUT, 1);
  event_active(b, EV_TIMEOUT, 1);
  EXPECT_EQ(0, event_base_dispatch(base));
  EXPECT_EQ(2, g_count);
  EXPECT_TRUE(event_base_got_exit(base));
  event_free(a);
  event_free(b);
  event_free(idle);
}

TEST_P(PerBackend, LoopexitWithTimeoutWaits) {
  Pipe p;
  event* idle = event_new(base, p.r(), EV_READ, count_cb, nullptr);
  event_add(idle, nullptr);
  timeval tv{0, 50000};
  ASSERT_EQ(0, event_base_loopexit(base, &tv));
  timeval start = evtest::now_tv();
  EXPECT_EQ(0, event_base_dispatch(base));
  const long ms = evtest::elapsed_ms(start, evtest::now_tv());
  EXPECT_GE(ms, 45);
  EXPECT_LT(ms, 1000);
  event_free(idle);
}

TEST_P(PerBackend, LoopbreakBeforeTheLoopIsForgotten) {
  event* ev = evtimer_new(base, count_cb, nullptr);
  timeval tv{0, 1000};
  event_add(ev, &tv);
  g_count = 0;
  event_base_loopbreak(base);
  EXPECT_TRUE(event_base_got_break(base));
  EXPECT_EQ(1, event_base_dispatch(base));  // ran the timer, then empty
  EXPECT_EQ(1, g_count);
  event_free(ev);
}

struct ContinueState {
  event_base* base;
  event* high;
  std::string order;
};
void low_first_cb(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<ContinueState*>(arg);
  s->order += "1";
  event_active(s->high, EV_TIMEOUT, 1);  // higher priority becomes ready
}
void low_second_cb(evutil_socket_t, short, void* arg) {
  static_cast<ContinueState*>(arg)->order += "2";
}
void high_cb(evutil_socket_t, short, void* arg) { static_cast<ContinueState*>(arg)->order += "H"; }

TEST_P(PerBackend, NewlyActiveHigherPriorityPreemptsTheQueue) {
  ASSERT_EQ(0, event_base_priority_init(base, 2));
  ContinueState s{base, nullptr, ""};
  s.high = evtimer_new(base, high_cb, &s);
  event_priority_set(s.high, 0);
  event* a = evtimer_new(base, low_first_cb, &s);
  event* b = evtimer_new(base, low_second_cb, &s);
  event_active(a, EV_TIMEOUT, 1);
  event_active(b, EV_TIMEOUT, 1);
  event_base_dispatch(base);
  EXPECT_EQ("1H2", s.order);
  event_free(s.high);
  event_free(a);
  event_free(b);
}

void loopcontinue_cb(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<ContinueState*>(arg);
  s->order += "c";
  event_base_loopcontinue(s->base);
}

TEST_P(PerBackend, LoopcontinueEndsThePassButNotTheLoop) {
  ContinueState s{base, nullptr, ""};
  event* a = evtimer_new(base, loopcontinue_cb, &s);
  event* b = evtimer_new(base, low_second_cb, &s);
  event_active(a, EV_TIMEOUT, 1);
  event_active(b, EV_TIMEOUT, 1);
  // The pass ends, the loop goes round again and runs the rest.
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ("c2", s.order);
  EXPECT_EQ(-1, event_base_loopcontinue(nullptr));
  event_free(a);
  event_free(b);
}

void reentrant_cb(evutil_socket_t, short, void* arg) {
  g_count = event_base_loop(static_cast<event_base*>(arg), EVLOOP_NONBLOCK);
}

TEST_P(PerBackend, ReentrantLoopIsRefused) {
  event_base_once(base, -1, EV_TIMEOUT, reentrant_cb, base, nullptr);
  g_count = 0;
  event_base_dispatch(base);
  EXPECT_EQ(-1, g_count);
}

void running_event_cb(evutil_socket_t, short, void* arg) {
  auto** slot = static_cast<event**>(arg);
  *slot = event_base_get_running_event(event_get_base(slot[1]));
}

TEST_P(PerBackend, RunningEventIsReportedInsideItsCallback) {
  event* slots[2] = {nullptr, nullptr};
  event* ev = evtimer_new(base, running_event_cb, slots);
  slots[1] = ev;
  EXPECT_EQ(nullptr, event_base_get_running_event(base));
  event_active(ev, EV_TIMEOUT, 1);
  event_base_dispatch(base);
  EXPECT_EQ(ev, slots[0]);
  EXPECT_EQ(nullptr, event_base_get_running_event(base));
  event_free(ev);
}

void once_cb(evutil_socket_t fd, short what, void* arg) {
  auto* seen = static_cast<int*>(arg);
  seen[0] = fd;
  seen[1] = what;
  ++seen[2];
}

TEST_P(PerBackend, OnceRunsExactlyOnce) {
  Pipe p;
  int timer_seen[3] = {0, 0, 0};
  int io_seen[3] = {0, 0, 0};
  timeval tv{0, 10000};
  EXPECT_EQ(0, event_base_once(base, -1, EV_TIMEOUT, once_cb, timer_seen, &tv));
  EXPECT_EQ(0, event_base_once(base, p.r(), EV_READ, once_cb, io_seen, nullptr));
  p.put();
  event_base_dispatch(base);
  EXPECT_EQ(1, timer_seen[2]);
  EXPECT_EQ(EV_TIMEOUT, timer_seen[1]);
  EXPECT_EQ(1, io_seen[2]);
  EXPECT_EQ(p.r(), io_seen[0]);
  EXPECT_EQ(EV_READ, io_seen[1]);
  // Signals and persistence cannot be one-shot; no kind at all is an error.
  EXPECT_EQ(-1, event_base_once(base, SIGUSR1, EV_SIGNAL, once_cb, nullptr, nullptr));
  EXPECT_EQ(-1, event_base_once(base, -1, EV_TIMEOUT | EV_PERSIST, once_cb, nullptr, nullptr));
  EXPECT_EQ(-1, event_base_once(base, -1, 0, once_cb, nullptr, nullptr));
}

TEST_P(PerBackend, PendingOnceEventsAreFreedWithTheBase) {
  int seen[3] = {0, 0, 0};
  timeval tv{100, 0};
  EXPECT_EQ(0, event_base_once(base, -1, EV_TIMEOUT, once_cb, seen, &tv));
  event_base_free(base);
  base = nullptr;
  EXPECT_EQ(0, seen[2]);
}

TEST_P(PerBackend, NumEventsCountsEachListMembership) {
  Pipe p;
  event* io = event_new(base, p.r(), EV_READ, noop_cb, nullptr);
  event* timer = evtimer_new(base, noop_cb, nullptr);
  timeval tv{10, 0};
  event_add(io, &tv);  // inserted + timeout
  event_add(timer, &tv);
  event_active(timer, EV_TIMEOUT, 1);  // timeout + active
  EXPECT_EQ(4, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  EXPECT_EQ(1, event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));
  EXPECT_EQ(0, event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL));
  EXPECT_EQ(5, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_ACTIVE));
  event_free(timer);
  event_del(io);
  EXPECT_EQ(0, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  EXPECT_EQ(4, event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 1));
  EXPECT_EQ(0, event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0));
  EXPECT_EQ(1, event_base_get_max_events(base, EVENT_BASE_COUNT_ACTIVE, 0));
  event_free(io);
}

void cached_time_cb(evutil_socket_t, short, void* arg) {
  auto* b = static_cast<event_base*>(arg);
  timeval a, c;
  event_base_gettimeofday_cached(b, &a);
  usleep(20000);
  event_base_gettimeofday_cached(b, &c);
  g_count = timercmp(&a, &c, ==) ? 1 : 0;
  event_base_update_cache_time(b);
  event_base_gettimeofday_cached(b, &c);
  if (evtest::elapsed_ms(a, c) < 15) g_count = 0;
}

TEST_P(PerBackend, TimeIsCachedDuringCallbacksAndCanBeRefreshed) {
  g_count = -1;
  event_base_once(base, -1, EV_TIMEOUT, cached_time_cb, base, nullptr);
  event_base_dispatch(base);
  EXPECT_EQ(1, g_count);
  // Outside the loop the cached call reads the clock.
  timeval a = evtest::now_tv(), b;
  ASSERT_EQ(0, event_base_gettimeofday_cached(base, &b));
  EXPECT_LE(std::labs(evtest::elapsed_ms(a, b)), 50);
  timeval m1, m2;
  ASSERT_EQ(0, event_gettime_monotonic(base, &m1));
  usleep(2000);
  ASSERT_EQ(0, event_gettime_monotonic(base, &m2));
  EXPECT_TRUE(timercmp(&m1, &m2, <));
  EXPECT_EQ(-1, event_gettime_monotonic(nullptr, &m1));
}

struct DispatchProbe {
  Pipe* pipe;
  std::string order;
};
void probe_timer_cb(evutil_socket_t, short, void* arg) {
  auto* p = static_cast<DispatchProbe*>(arg);
  if (p->order.empty()) p->pipe->put();  // I/O becomes ready meanwhile
  p->order += "T";
}
void probe_io_cb(evutil_socket_t, short, void* arg) {
  static_cast<DispatchProbe*>(arg)->order += "I";
}

std::string run_dispatch_probe(event_base* base) {
  Pipe pipe;
  DispatchProbe probe{&pipe, ""};
  event_base_priority_init(base, 2);
  event* io = event_new(base, pipe.r(), EV_READ, probe_io_cb, &probe);
  event_priority_set(io, 0);
  event_add(io, nullptr);
  event* timers[5];
  for (auto& t : timers) {
    t = evtimer_new(base, probe_timer_cb, &probe);
    event_priority_set(t, 1);
    event_active(t, EV_TIMEOUT, 1);
  }
  event_base_dispatch(base);
  for (auto& t : timers) event_free(t);
  event_free(io);
  return probe.order;
}

TEST_P(PerBackend, WithoutDispatchLimitsAPassRunsWholeQueue) {
  EXPECT_EQ("TTTTTI", run_dispatch_probe(base));
}

TEST_P(PerBackend, MaxDispatchCallbacksLetsTheLoopPollSooner) {
  event_base_free(base);
  event_config* cfg = event_config_new();
  for (const std::string& m : evtest::supported_methods())
    if (m != GetParam()) event_config_avoid_method(cfg, m.c_str());
  ASSERT_EQ(0, event_config_set_max_dispatch_interval(cfg, nullptr, 2, 0));
  base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  ASSERT_NE(nullptr, base);
  EXPECT_EQ("TTITTT", run_dispatch_probe(base));
}

TEST_P(PerBackend, NoCacheTimeFlagReadsTheClockEachTime) {
  event_base_free(base);
  base = evtest::new_base_with(GetParam(), EVENT_BASE_FLAG_NO_CACHE_TIME);
  ASSERT_NE(nullptr, base);
  g_count = -1;
  struct Probe {
    static void cb(evutil_socket_t, short, void* arg) {
      timeval a, c;
      event_base_gettimeofday_cached(static_cast<event_base*>(arg), &a);
      usleep(5000);
      event_base_gettimeofday_cached(static_cast<event_base*>(arg), &c);
      g_count = timercmp(&a, &c, <) ? 1 : 0;
    }
  };
  event_base_once(base, -1, EV_TIMEOUT, Probe::cb, base, nullptr);
  event_base_dispatch(base);
  EXPECT_EQ(1, g_count);
}

TEST_P(PerBackend, BadArgumentsAreRejected) {
  EXPECT_EQ(-1, event_base_loop(nullptr, 0));
  EXPECT_EQ(-1, event_base_loopexit(nullptr, nullptr));
  EXPECT_EQ(-1, event_base_loopbreak(nullptr));
  EXPECT_EQ(-1, event_base_priority_init(nullptr, 2));
  EXPECT_EQ(nullptr, event_base_get_method(nullptr));
  EXPECT_EQ(-1, event_base_get_num_events(nullptr, EVENT_BASE_COUNT_ADDED));
  EXPECT_EQ(nullptr, event_base_init_common_timeout(nullptr, nullptr));
  EXPECT_EQ(-1, event_base_once(nullptr, -1, EV_TIMEOUT, noop_cb, nullptr, nullptr));
}

EVTEST_INSTANTIATE_PER_BACKEND(PerBackend);

}  // namespace
