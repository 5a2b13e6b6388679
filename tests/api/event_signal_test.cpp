// Signal events (delivered through the loop), fork + event_reinit, and the
// compat API's "current base".
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include "event_backend_param.hpp"

using evtest::Pipe;

namespace {

class EventSignal : public evtest::PerBackend {};

struct SigSeen {
  int calls = 0;
  int sig = 0;
  short what = 0;
};
void sig_cb(evutil_socket_t fd, short what, void* arg) {
  auto* s = static_cast<SigSeen*>(arg);
  ++s->calls;
  s->sig = fd;
  s->what = what;
}

TEST_P(EventSignal, RaisedSignalRunsTheCallbackFromTheLoop) {
  SigSeen seen;
  event* ev = evsignal_new(base, SIGUSR1, sig_cb, &seen);
  ASSERT_EQ(0, evsignal_add(ev, nullptr));
  EXPECT_EQ(EV_SIGNAL, evsignal_pending(ev, nullptr));
  raise(SIGUSR1);
  EXPECT_EQ(0, seen.calls);  // never in signal context
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(SIGUSR1, seen.sig);
  EXPECT_EQ(EV_SIGNAL, seen.what);
  event_free(ev);
}

TEST_P(EventSignal, RepeatedSignalsAreCountedAndPersistentEventsStay) {
  SigSeen seen;
  event* ev = event_new(base, SIGUSR2, EV_SIGNAL | EV_PERSIST, sig_cb, &seen);
  event_add(ev, nullptr);
  raise(SIGUSR2);
  raise(SIGUSR2);
  raise(SIGUSR2);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(3, seen.calls);
  EXPECT_EQ(EV_SIGNAL, event_pending(ev, EV_SIGNAL, nullptr));
  event_free(ev);
}

TEST_P(EventSignal, HandlerIsRestoredWhenTheLastEventGoes) {
  struct sigaction before;
  sigaction(SIGUSR1, nullptr, &before);
  event* a = evsignal_new(base, SIGUSR1, sig_cb, nullptr);
  event* b = evsignal_new(base, SIGUSR1, sig_cb, nullptr);
  event_add(a, nullptr);
  event_add(b, nullptr);
  struct sigaction during;
  sigaction(SIGUSR1, nullptr, &during);
  EXPECT_NE(before.sa_handler, during.sa_handler);
  event_del(a);
  sigaction(SIGUSR1, nullptr, &during);
  EXPECT_NE(before.sa_handler, during.sa_handler);
  event_del(b);
  struct sigaction after;
  sigaction(SIGUSR1, nullptr, &after);
  EXPECT_EQ(before.sa_handler, after.sa_handler);
  event_free(a);
  event_free(b);
}

TEST_P(EventSignal, ActiveBySignalRunsItsEvents) {
  SigSeen seen;
  event* ev = evsignal_new(base, SIGHUP, sig_cb, &seen);
  event_add(ev, nullptr);
  event_base_active_by_signal(base, SIGHUP);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(EV_SIGNAL, seen.what);
  event_free(ev);
}

TEST_P(EventSignal, SigchldReportsExitedChildren) {
  SigSeen seen;
  event* ev = evsignal_new(base, SIGCHLD, sig_cb, &seen);
  event_add(ev, nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(0);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_GE(seen.calls, 1);
  int status;
  EXPECT_EQ(pid, waitpid(pid, &status, 0));
  event_free(ev);
}

TEST_P(EventSignal, OutOfRangeSignalIsRejected) {
  event* ev = evsignal_new(base, 4096, sig_cb, nullptr);
  ASSERT_NE(nullptr, ev);
  EXPECT_EQ(-1, event_add(ev, nullptr));
  event_free(ev);
}

void del_while_repeating_cb(evutil_socket_t, short, void* arg) {
  auto* ev = static_cast<event*>(arg);
  event_del(ev);
}

TEST_P(EventSignal, DeletingInsideTheCallbackStopsRepeats) {
  int calls = 0;
  struct Counter {
    static void cb(evutil_socket_t, short, void* arg) {
      auto** pair = static_cast<void**>(arg);
      ++*static_cast<int*>(pair[1]);
      event_del(static_cast<event*>(pair[0]));
    }
  };
  void* pair[2] = {nullptr, &calls};
  event* ev = evsignal_new(base, SIGUSR1, Counter::cb, pair);
  pair[0] = ev;
  event_add(ev, nullptr);
  raise(SIGUSR1);
  raise(SIGUSR1);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, calls);
  event_free(ev);
}

TEST_P(EventSignal, ChildReinitsAndStillGetsIoAndSignals) {
  Pipe p;
  SigSeen io_seen, sig_seen;
  event* io = event_new(base, p.r(), EV_READ, sig_cb, &io_seen);
  event* sig = evsignal_new(base, SIGUSR1, sig_cb, &sig_seen);
  event_add(io, nullptr);
  event_add(sig, nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int ok = event_reinit(base) == 0;
    p.put();
    raise(SIGUSR1);
    for (int i = 0; i < 10 && (io_seen.calls == 0 || sig_seen.calls == 0); ++i)
      event_base_loop(base, EVLOOP_ONCE);
    ok = ok && io_seen.calls == 1 && sig_seen.calls == 1;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status));
  // The parent's registrations are intact.
  p.drain();
  p.put();
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, io_seen.calls);
  event_free(io);
  event_free(sig);
}

EVTEST_INSTANTIATE_PER_BACKEND(EventSignal);

int g_compat_calls;
void compat_cb(evutil_socket_t, short, void*) { ++g_compat_calls; }

TEST(EventCompat, CurrentBaseApi) {
  event_base* base = event_init();
  ASSERT_NE(nullptr, base);
  EXPECT_STREQ(event_base_get_method(base), event_get_method());
  EXPECT_EQ(0, event_priority_init(2));
  struct event ev;
  event_set(&ev, -1, 0, compat_cb, nullptr);
  EXPECT_EQ(base, ev.ev_base);
  EXPECT_EQ(1, event_get_priority(&ev));
  timeval tv{0, 1000};
  g_compat_calls = 0;
  event_add(&ev, &tv);
  EXPECT_EQ(0, event_once(-1, EV_TIMEOUT, compat_cb, nullptr, nullptr));
  EXPECT_EQ(1, event_dispatch());
  EXPECT_EQ(2, g_compat_calls);
  event_add(&ev, &tv);
  EXPECT_EQ(0, event_loop(EVLOOP_ONCE));
  EXPECT_EQ(3, g_compat_calls);
  timeval exit_tv{0, 1000};
  EXPECT_EQ(0, event_loopexit(&exit_tv));
  EXPECT_EQ(0, event_loop(EVLOOP_NO_EXIT_ON_EMPTY));
  EXPECT_EQ(0, event_loopbreak());

  event_base* other = event_base_new();
  EXPECT_EQ(0, event_base_set(other, &ev));
  EXPECT_EQ(other, ev.ev_base);
  event_add(&ev, nullptr);
  event_del(&ev);
  event_base_free(other);
  event_base_free(nullptr);  // frees the current base
  EXPECT_EQ(-1, event_loop(0));
}

}  // namespace
