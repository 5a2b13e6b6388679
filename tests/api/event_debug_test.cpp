// Debug mode (event_enable_debug_mode): misuse of events ends the program
// with a clear message.  Each death test runs in a fresh process, because
// debug mode must be enabled before any event or base exists.
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace {

void noop_cb(evutil_socket_t, short, void*) {}

class EventDebug : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

int nonblocking_pipe_read_end() {
  int p[2];
  if (pipe2(p, O_NONBLOCK) != 0) return -1;
  return p[0];
}

TEST_F(EventDebug, AddingAnUninitialisedEventIsCaught) {
  EXPECT_DEATH(
      {
        event_enable_debug_mode();
        event_base* base = event_base_new();
        struct event ev;
        std::memset(&ev, 0, sizeof(ev));
        ev.ev_base = base;
        event_add(&ev, nullptr);
      },
      "non-initialized event");
}

TEST_F(EventDebug, ReassigningAPendingEventIsCaught) {
  EXPECT_DEATH(
      {
        event_enable_debug_mode();
        event_base* base = event_base_new();
        int fd = nonblocking_pipe_read_end();
        struct event ev;
        event_assign(&ev, base, fd, EV_READ, noop_cb, nullptr);
        event_add(&ev, nullptr);
        event_assign(&ev, base, fd, EV_READ, noop_cb, nullptr);
      },
      "already added event");
}

TEST_F(EventDebug, DoubleFreeIsCaught) {
  EXPECT_DEATH(
      {
        event_enable_debug_mode();
        event_base* base = event_base_new();
        event* ev = event_new(base, nonblocking_pipe_read_end(), EV_READ, noop_cb, nullptr);
        event_free(ev);
        event_free(ev);
      },
      "non-setup event");
}

TEST_F(EventDebug, BlockingFdIsCaught) {
  EXPECT_DEATH(
      {
        event_enable_debug_mode();
        event_base* base = event_base_new();
        int p[2];
        if (pipe(p) == 0) event_new(base, p[0], EV_READ, noop_cb, nullptr);
      },
      "nonblocking");
}

TEST_F(EventDebug, EnablingTwiceOrTooLateIsFatal) {
  EXPECT_EXIT(
      {
        event_enable_debug_mode();
        event_enable_debug_mode();
      },
      ::testing::ExitedWithCode(1), "called twice");
  EXPECT_EXIT(
      {
        event_base* base = event_base_new();
        (void)base;
        event_enable_debug_mode();
      },
      ::testing::ExitedWithCode(1), "before");
}

TEST_F(EventDebug, CorrectUseRunsNormally) {
  EXPECT_EXIT(
      {
        event_enable_debug_mode();
        event_base* base = event_base_new();
        event* ev = event_new(base, nonblocking_pipe_read_end(), EV_READ, noop_cb, nullptr);
        event_add(ev, nullptr);
        event_del(ev);
        event_debug_unassign(ev);
        event_assign(ev, base, -1, 0, noop_cb, nullptr);
        event_free(ev);
        event_base_free(base);
        libevent_global_shutdown();
        _exit(7);
      },
      ::testing::ExitedWithCode(7), "");
}

// As libevent: debug mode refuses edge- and level-triggered events on one fd
// (the backend could honour only one of them), with its warning.
char g_last_warning[256];
void keep_warning(int severity, const char* msg) {
  if (severity == EVENT_LOG_WARN) snprintf(g_last_warning, sizeof(g_last_warning), "%s", msg);
}

TEST_F(EventDebug, MixingEdgeAndLevelTriggeredOnOneFdFails) {
  EXPECT_EXIT(
      {
        event_enable_debug_mode();
        event_set_log_callback(keep_warning);
        int failures = 0;
        // (libevent frees the array at the next call: keep copies)
        char methods[8][16] = {};
        int n = 0;
        for (const char** m = event_get_supported_methods(); *m != nullptr && n < 8; ++m)
          snprintf(methods[n++], sizeof(methods[0]), "%s", *m);
        for (int i = 0; i < n; ++i) {
          event_config* cfg = event_config_new();
          for (int j = 0; j < n; ++j)
            if (j != i) event_config_avoid_method(cfg, methods[j]);
          event_base* base = event_base_new_with_config(cfg);
          event_config_free(cfg);
          const int fd = nonblocking_pipe_read_end();
          char expect[128];
          snprintf(expect, sizeof(expect),
                   "Tried to mix edge-triggered and non-edge-triggered events on fd %d", fd);
          event* et = event_new(base, fd, EV_READ | EV_ET, noop_cb, nullptr);
          event* lt = event_new(base, fd, EV_READ, noop_cb, nullptr);
          event* et2 = event_new(base, fd, EV_WRITE | EV_ET, noop_cb, nullptr);
          g_last_warning[0] = '\0';
          if (event_add(et, nullptr) != 0) ++failures;
          if (event_add(lt, nullptr) != -1 || strcmp(g_last_warning, expect) != 0) ++failures;
          if (event_add(et2, nullptr) != 0) ++failures;  // the same kind is fine
          event_del(et);
          event_del(et2);
          if (event_add(lt, nullptr) != 0) ++failures;  // alone now
          event_free(et);
          event_free(lt);
          event_free(et2);
          event_base_free(base);
        }
        _exit(failures == 0 ? 7 : 1);
      },
      ::testing::ExitedWithCode(7), "");
}

// What libevent's own suite does in debug mode must not be reported as
// misuse: re-assigning an event whose base was freed while it was added,
// visiting a base's internal events, freeing a finalized event (also from
// its finalizer), and a thread-safe bufferevent's finalized teardown.
int g_visited = 0;
int visit_cb(const event_base*, const event* e, void*) {
  if (event_get_callback(e) != nullptr) ++g_visited;
  (void)event_get_callback_arg(e);
  return 0;
}
void free_in_finalizer(event* e, void*) { event_free(e); }
void nothing_finalizer(event*, void*) {}

// Each runs in its own process with debug mode and pthreads on, and exits
// with 7 when nothing was reported.
template <class Body>
void expect_no_misuse_reported(Body body) {
  EXPECT_EXIT(
      {
        event_enable_debug_mode();
        if (evthread_use_pthreads() != 0) _exit(2);
        body();
        _exit(7);
      },
      ::testing::ExitedWithCode(7), "");
}

TEST_F(EventDebug, EventAddedWhenItsBaseIsFreedMayBeAssignedAgain) {
  expect_no_misuse_reported([] {
    event_base* base = event_base_new();
    const int fd = nonblocking_pipe_read_end();
    event ev;
    event_assign(&ev, base, fd, EV_READ, noop_cb, nullptr);
    event_add(&ev, nullptr);
    event_base_free(base);
    base = event_base_new();
    event_assign(&ev, base, fd, EV_READ, noop_cb, nullptr);
    event_base_free(base);
  });
}

TEST_F(EventDebug, ForeachMayInspectInternalEvents) {
  expect_no_misuse_reported([] {
    event_base* base = event_base_new();
    event* ev = event_new(base, nonblocking_pipe_read_end(), EV_READ, noop_cb, nullptr);
    event_add(ev, nullptr);
    event_base_foreach_event(base, visit_cb, nullptr);
    if (g_visited == 0) _exit(4);
    event_free(ev);
    event_base_free(base);
  });
}

TEST_F(EventDebug, FinalizedEventsMayBeFreed) {
  expect_no_misuse_reported([] {
    event_base* base = event_base_new();
    event* a = event_new(base, -1, 0, noop_cb, nullptr);
    event* b = event_new(base, -1, 0, noop_cb, nullptr);
    event_finalize(0, a, nothing_finalizer);
    event_finalize(0, b, free_in_finalizer);
    event_base_loop(base, EVLOOP_NONBLOCK);
    event_free(a);
    event_base_free(base);
  });
}

TEST_F(EventDebug, ThreadSafeBufferEventTeardownIsNotMisuse) {
  expect_no_misuse_reported([] {
    event_base* base = event_base_new();
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) _exit(3);
    bufferevent* bev =
        bufferevent_socket_new(base, sv[0], BEV_OPT_THREADSAFE | BEV_OPT_CLOSE_ON_FREE);
    bufferevent_enable(bev, EV_READ);
    bufferevent_free(bev);
    event_base_loop(base, EVLOOP_NONBLOCK);
    event_base_free(base);
  });
}

}  // namespace
