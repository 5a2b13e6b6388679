// Events on file descriptors: add/del/active/pending, persistence, several
// events per fd, callbacks that change events (themselves included),
// finalizers and the inspection functions.
#include <event2/event.h>
#include <event2/event_struct.h>
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "event_backend_param.hpp"

using evtest::Pipe;

namespace {

class EventIo : public evtest::PerBackend {};

struct Seen {
  int calls = 0;
  short last_what = 0;
  evutil_socket_t last_fd = -2;
};

void seen_cb(evutil_socket_t fd, short what, void* arg) {
  auto* s = static_cast<Seen*>(arg);
  ++s->calls;
  s->last_what = what;
  s->last_fd = fd;
}

TEST_P(EventIo, ReadEventFiresOnceAndStopsBeingPending) {
  Pipe p;
  Seen seen;
  event* ev = event_new(base, p.r(), EV_READ, seen_cb, &seen);
  ASSERT_NE(nullptr, ev);
  EXPECT_EQ(0, event_add(ev, nullptr));
  EXPECT_EQ(EV_READ, event_pending(ev, EV_READ | EV_WRITE, nullptr));
  p.put();
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(EV_READ, seen.last_what);
  EXPECT_EQ(p.r(), seen.last_fd);
  EXPECT_EQ(0, event_pending(ev, EV_READ, nullptr));
  event_free(ev);
}

TEST_P(EventIo, WriteEventFiresForWritableFd) {
  Pipe p;
  Seen seen;
  event* ev = event_new(base, p.w(), EV_WRITE, seen_cb, &seen);
  event_add(ev, nullptr);
  event_base_dispatch(base);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(EV_WRITE, seen.last_what);
  event_free(ev);
}

struct PersistState {
  event_base* base;
  Pipe* pipe;
  int calls = 0;
};
void persist_cb(evutil_socket_t fd, short, void* arg) {
  auto* s = static_cast<PersistState*>(arg);
  char c;
  EXPECT_EQ(1, read(fd, &c, 1));
  if (++s->calls < 3)
    s->pipe->put();
  else
    event_base_loopexit(s->base, nullptr);
}

TEST_P(EventIo, PersistentEventStaysPending) {
  Pipe p;
  PersistState s{base, &p};
  event* ev = event_new(base, p.r(), EV_READ | EV_PERSIST, persist_cb, &s);
  event_add(ev, nullptr);
  p.put();
  EXPECT_EQ(0, event_base_dispatch(base));
  EXPECT_EQ(3, s.calls);
  EXPECT_EQ(EV_READ, event_pending(ev, EV_READ, nullptr));
  event_free(ev);
}

TEST_P(EventIo, SeveralEventsOnOneFdAllRun) {
  Pipe p;
  Seen a, b, w;
  event* ea = event_new(base, p.r(), EV_READ, seen_cb, &a);
  event* eb = event_new(base, p.r(), EV_READ, seen_cb, &b);
  event* ew = event_new(base, p.w(), EV_WRITE, seen_cb, &w);
  event_add(ea, nullptr);
  event_add(eb, nullptr);
  event_add(ew, nullptr);
  // Deleting one of two readers keeps the fd watched for the other.
  event_del(ea);
  event_add(ea, nullptr);
  event_del(eb);
  p.put();
  event_base_dispatch(base);
  EXPECT_EQ(1, a.calls);
  EXPECT_EQ(0, b.calls);
  EXPECT_EQ(1, w.calls);
  event_free(ea);
  event_free(eb);
  event_free(ew);
}

TEST_P(EventIo, ReadAndWriteInOneEventReportWhatIsReady) {
  Pipe p;
  int sv[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
  Seen seen;
  event* ev = event_new(base, sv[0], EV_READ | EV_WRITE, seen_cb, &seen);
  event_add(ev, nullptr);
  ASSERT_EQ(1, write(sv[1], "x", 1));
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(EV_READ | EV_WRITE, seen.last_what & (EV_READ | EV_WRITE));
  event_free(ev);
  close(sv[0]);
  close(sv[1]);
}

struct SelfFree {
  event* ev;
  int calls = 0;
};
void free_self_cb(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<SelfFree*>(arg);
  ++s->calls;
  event_free(s->ev);
}

TEST_P(EventIo, CallbackMayFreeItsOwnPersistentEvent) {
  Pipe p;
  SelfFree s{nullptr};
  s.ev = event_new(base, p.r(), EV_READ | EV_PERSIST, free_self_cb, &s);
  event_add(s.ev, nullptr);
  p.put();
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ(1, s.calls);
}

struct Pair {
  event* other;
  int calls = 0;
};
void delete_other_cb(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<Pair*>(arg);
  ++s->calls;
  event_del(s->other);
}

TEST_P(EventIo, CallbackMayDeleteAnActiveEventBeforeItRuns) {
  Pipe p;
  Pair first{nullptr}, second{nullptr};
  event* e1 = event_new(base, p.r(), EV_READ, delete_other_cb, &first);
  event* e2 = event_new(base, p.r(), EV_READ, delete_other_cb, &second);
  first.other = e2;
  second.other = e1;
  event_add(e1, nullptr);
  event_add(e2, nullptr);
  p.put();
  event_base_dispatch(base);
  EXPECT_EQ(1, first.calls + second.calls);  // whichever ran first cancelled the other
  event_free(e1);
  event_free(e2);
}

void self_arg_cb(evutil_socket_t, short, void* arg) {
  auto* ev = static_cast<event*>(arg);
  EXPECT_EQ(ev, event_base_get_running_event(event_get_base(ev)));
  event_free(ev);
}

TEST_P(EventIo, SelfCbargPassesTheEventItself) {
  event* ev = evtimer_new(base, self_arg_cb, event_self_cbarg());
  ASSERT_NE(nullptr, ev);
  EXPECT_EQ(ev, event_get_callback_arg(ev));
  event_active(ev, EV_TIMEOUT, 1);
  event_base_dispatch(base);
}

TEST_P(EventIo, AccessorsReturnTheAssignment) {
  Pipe p;
  Seen seen;
  event* ev = event_new(base, p.r(), EV_READ | EV_PERSIST, seen_cb, &seen);
  EXPECT_EQ(p.r(), event_get_fd(ev));
  EXPECT_EQ(base, event_get_base(ev));
  EXPECT_EQ(EV_READ | EV_PERSIST, event_get_events(ev));
  EXPECT_EQ(&seen_cb, event_get_callback(ev));
  EXPECT_EQ(&seen, event_get_callback_arg(ev));
  EXPECT_EQ(0, event_get_priority(ev));
  event_base* b = nullptr;
  evutil_socket_t fd = -1;
  short what = 0;
  event_callback_fn cb = nullptr;
  void* arg = nullptr;
  event_get_assignment(ev, &b, &fd, &what, &cb, &arg);
  EXPECT_EQ(base, b);
  EXPECT_EQ(p.r(), fd);
  EXPECT_EQ(EV_READ | EV_PERSIST, what);
  EXPECT_EQ(&seen_cb, cb);
  EXPECT_EQ(&seen, arg);
  event_get_assignment(ev, nullptr, nullptr, nullptr, nullptr, nullptr);
  EXPECT_EQ(sizeof(struct event), event_get_struct_event_size());
  EXPECT_EQ(128u, event_get_struct_event_size());
  event_free(ev);
}

TEST_P(EventIo, AssignUsesCallerMemoryAndPublicFields) {
  Pipe p;
  Seen seen;
  struct event ev;
  std::memset(&ev, 0, sizeof(ev));
  EXPECT_FALSE(event_initialized(&ev));
  ASSERT_EQ(0, event_assign(&ev, base, p.r(), EV_READ, seen_cb, &seen));
  EXPECT_TRUE(event_initialized(&ev));
  EXPECT_EQ(p.r(), ev.ev_fd);
  EXPECT_EQ(base, ev.ev_base);
  EXPECT_EQ(EV_READ, ev.ev_events);
  EXPECT_EQ(EVLIST_INIT, ev.ev_evcallback.evcb_flags);
  event_add(&ev, nullptr);
  EXPECT_EQ(EVLIST_INIT | EVLIST_INSERTED, ev.ev_evcallback.evcb_flags);
  timeval tv{5, 0};
  event_add(&ev, &tv);
  EXPECT_EQ(EVLIST_INIT | EVLIST_INSERTED | EVLIST_TIMEOUT, ev.ev_evcallback.evcb_flags);
  event_active(&ev, EV_READ, 1);
  EXPECT_TRUE(ev.ev_evcallback.evcb_flags & EVLIST_ACTIVE);
  EXPECT_EQ(EV_READ, ev.ev_res);
  event_del(&ev);
  EXPECT_EQ(EVLIST_INIT, ev.ev_evcallback.evcb_flags);
  // Signals cannot be combined with I/O.
  EXPECT_EQ(-1, event_assign(&ev, base, SIGUSR1, EV_SIGNAL | EV_READ, seen_cb, nullptr));
  EXPECT_EQ(nullptr, event_new(base, SIGUSR1, EV_SIGNAL | EV_WRITE, seen_cb, nullptr));
}

TEST_P(EventIo, ActiveRunsCallbackWithGivenResultAndMergesReasons) {
  Seen seen;
  event* ev = event_new(base, -1, 0, seen_cb, &seen);
  event_active(ev, EV_READ, 1);
  event_active(ev, EV_WRITE, 1);  // merged into the queued run
  EXPECT_EQ(EV_READ | EV_WRITE, event_pending(ev, EV_READ | EV_WRITE, nullptr));
  event_base_dispatch(base);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(EV_READ | EV_WRITE, seen.last_what);
  event_free(ev);
}

TEST_P(EventIo, EventWithoutBaseIsRejected) {
  struct event ev;
  std::memset(&ev, 0, sizeof(ev));
  EXPECT_EQ(-1, event_add(&ev, nullptr));
  EXPECT_EQ(-1, event_del(&ev));
  EXPECT_EQ(0, event_pending(&ev, EV_READ, nullptr));
  EXPECT_EQ(-1, event_add(nullptr, nullptr));
  EXPECT_EQ(-1, event_del(nullptr));
  event_active(nullptr, EV_READ, 1);
  event_free(nullptr);
  EXPECT_EQ(-1, event_remove_timer(nullptr));
}

TEST_P(EventIo, DelVariantsRemovePendingEvents) {
  Pipe p;
  event* a = event_new(base, p.r(), EV_READ, seen_cb, nullptr);
  event* b = event_new(base, p.r(), EV_READ | EV_FINALIZE, seen_cb, nullptr);
  event* c = event_new(base, p.w(), EV_WRITE, seen_cb, nullptr);
  event_add(a, nullptr);
  event_add(b, nullptr);
  event_add(c, nullptr);
  EXPECT_EQ(0, event_del_block(a));
  EXPECT_EQ(0, event_del_noblock(b));
  EXPECT_EQ(0, event_del(c));
  EXPECT_EQ(0, event_del(c));  // deleting twice is fine
  EXPECT_EQ(0, event_pending(a, EV_READ, nullptr) | event_pending(b, EV_READ, nullptr) |
                   event_pending(c, EV_WRITE, nullptr));
  EXPECT_EQ(1, event_base_dispatch(base));
  event_free(a);
  event_free(b);
  event_free(c);
}

TEST_P(EventIo, EdgeTriggeredEventsWhenSupported) {
  if (!(event_base_get_features(base) & EV_FEATURE_ET)) GTEST_SKIP() << "no EV_ET here";
  Pipe p;
  Seen seen;
  event* ev = event_new(base, p.r(), EV_READ | EV_ET | EV_PERSIST, seen_cb, &seen);
  event_add(ev, nullptr);
  p.put("ab");
  event_base_loop(base, EVLOOP_NONBLOCK);
  event_base_loop(base, EVLOOP_NONBLOCK);  // no new data: no new edge
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(EV_READ | EV_ET, seen.last_what);
  p.put("c");
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(2, seen.calls);
  event_free(ev);
}

TEST_P(EventIo, ClosedEventsWhenSupported) {
  if (!(event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE))
    GTEST_SKIP() << "no EV_CLOSED here";
  int sv[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
  Seen seen;
  event* ev = event_new(base, sv[0], EV_CLOSED, seen_cb, &seen);
  event_add(ev, nullptr);
  close(sv[1]);
  event_base_dispatch(base);
  EXPECT_EQ(1, seen.calls);
  EXPECT_TRUE(seen.last_what & EV_CLOSED);
  event_free(ev);
  close(sv[0]);
}

std::string g_finalized;
void finalize_cb(event* ev, void* arg) {
  g_finalized += static_cast<const char*>(arg);
  (void)ev;
}

TEST_P(EventIo, FinalizersRunFromTheLoopOrAtBaseFree) {
  Pipe p;
  g_finalized.clear();
  event* a = event_new(base, p.r(), EV_READ, seen_cb, (void*)"a");
  event_add(a, nullptr);
  EXPECT_EQ(0, event_free_finalize(0, a, finalize_cb));
  EXPECT_EQ(-1, event_add(a, nullptr));  // finalizing events cannot come back
  struct event b;
  event_assign(&b, base, p.r(), EV_READ, seen_cb, (void*)"b");
  event_add(&b, nullptr);
  EXPECT_EQ(0, event_finalize(0, &b, finalize_cb));
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(2u, g_finalized.size());
  event* c = event_new(base, p.r(), EV_READ, seen_cb, (void*)"c");
  event_free_finalize(0, c, finalize_cb);
  event_base_free(base);  // runs the pending finalizer
  base = nullptr;
  EXPECT_EQ(3u, g_finalized.size());
  EXPECT_NE(std::string::npos, g_finalized.find('c'));
}

TEST_P(EventIo, NofinalizeFreeSkipsFinalizers) {
  g_finalized.clear();
  struct event ev;
  event_assign(&ev, base, -1, 0, seen_cb, (void*)"x");
  event_finalize(0, &ev, finalize_cb);
  event_base_free_nofinalize(base);
  base = nullptr;
  EXPECT_EQ("", g_finalized);
}

TEST_P(EventIo, FreeingTheBaseDeletesRemainingEvents) {
  Pipe p;
  struct event ev;
  event_assign(&ev, base, p.r(), EV_READ, seen_cb, nullptr);
  timeval tv{10, 0};
  event_add(&ev, &tv);
  event_base_free(base);
  base = nullptr;
  EXPECT_EQ(EVLIST_INIT, ev.ev_evcallback.evcb_flags);
}

TEST_P(EventIo, ActiveByFdActivatesMatchingEvents) {
  Pipe p;
  Seen r, w, t;
  event* er = event_new(base, p.r(), EV_READ, seen_cb, &r);
  event* ew = event_new(base, p.r(), EV_WRITE, seen_cb, &w);
  event* et = event_new(base, p.r(), 0, seen_cb, &t);
  event_add(er, nullptr);
  event_add(ew, nullptr);
  timeval tv{10, 0};
  event_add(et, &tv);
  event_base_active_by_fd(base, p.r(), EV_READ);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(1, r.calls);
  EXPECT_EQ(EV_READ, r.last_what);
  EXPECT_EQ(0, w.calls);
  EXPECT_EQ(0, t.calls);
  event_base_active_by_fd(base, p.r(), EV_TIMEOUT);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(1, t.calls);
  EXPECT_EQ(EV_TIMEOUT, t.last_what);
  event_free(er);
  event_free(ew);
  event_free(et);
}

int count_visit(const event_base*, const event* ev, void* arg) {
  auto* seen = static_cast<std::string*>(arg);
  if (!(ev->ev_evcallback.evcb_flags & EVLIST_INTERNAL)) *seen += "e";
  return 0;
}
int stop_visit(const event_base*, const event*, void*) { return 42; }

TEST_P(EventIo, ForeachVisitsEachEventOnceAndCanStop) {
  Pipe p;
  event* io = event_new(base, p.r(), EV_READ, seen_cb, nullptr);
  event* timer = evtimer_new(base, seen_cb, nullptr);
  event* active = evtimer_new(base, seen_cb, nullptr);
  timeval tv{10, 0};
  event_add(io, &tv);
  event_add(timer, &tv);
  event_active(active, EV_TIMEOUT, 1);
  std::string visited;
  EXPECT_EQ(0, event_base_foreach_event(base, count_visit, &visited));
  EXPECT_EQ("eee", visited);
  EXPECT_EQ(42, event_base_foreach_event(base, stop_visit, nullptr));
  EXPECT_EQ(-1, event_base_foreach_event(nullptr, stop_visit, nullptr));
  event_free(io);
  event_free(timer);
  event_free(active);
}

TEST_P(EventIo, DumpListsInsertedAndActiveEvents) {
  Pipe p;
  event* io = event_new(base, p.r(), EV_READ | EV_PERSIST, seen_cb, nullptr);
  event* timer = evtimer_new(base, seen_cb, nullptr);
  timeval tv{10, 0};
  event_add(io, nullptr);
  event_add(timer, &tv);
  event_active(timer, EV_TIMEOUT, 1);
  char* text = nullptr;
  size_t len = 0;
  FILE* out = open_memstream(&text, &len);
  event_base_dump_events(base, out);
  fclose(out);
  std::string dump(text, len);
  free(text);
  EXPECT_EQ(0u, dump.find("Inserted events:\n"));
  EXPECT_NE(std::string::npos, dump.find("[fd  " + std::to_string(p.r()) + "] Read Persist\n"));
  EXPECT_NE(std::string::npos, dump.find("[fd  -1] Timeout="));
  EXPECT_NE(std::string::npos, dump.find("Active events:\n"));
  EXPECT_NE(std::string::npos, dump.find("[fd  -1, priority=0] Timeout active\n"));
  event_free(io);
  event_free(timer);
}

// An fd no process can have fails at once, silently, as in libevent (no
// table grown to a billion slots); the base keeps working.
int g_warnings = 0;
void count_warnings(int severity, const char*) {
  if (severity >= EVENT_LOG_WARN) ++g_warnings;
}

TEST_P(EventIo, AbsurdFdFailsAtOnce) {
  g_warnings = 0;
  event_set_log_callback(count_warnings);
  const timeval start = evtest::now_tv();
  for (int fd : {INT_MAX / 2, INT_MAX, INT_MAX / 8, 1 << 27}) {
    Seen seen;
    event* ev = event_new(base, fd, EV_READ, seen_cb, &seen);
    ASSERT_NE(nullptr, ev);
    EXPECT_EQ(-1, event_add(ev, nullptr)) << fd;
    EXPECT_EQ(0, event_pending(ev, EV_READ, nullptr));
    event_free(ev);
  }
  event_set_log_callback(nullptr);
  EXPECT_LT(evtest::elapsed_ms(start, evtest::now_tv()), 500);
  EXPECT_EQ(0, g_warnings);
  Pipe p;
  Seen seen;
  event* ev = event_new(base, p.r(), EV_READ, seen_cb, &seen);
  ASSERT_EQ(0, event_add(ev, nullptr));
  p.put();
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, seen.calls);
  event_free(ev);
}

// libevent's dup/close/dup2 sequence: fd2 = dup(fd1) watched, closed before
// its event is deleted, then dup2(fd1, fd2) and watched again for writing.
// The backend must not have put anything of its own on fd2's number
// meanwhile (dup2 would close it), and the new interest must work.
TEST_P(EventIo, DupCloseDelThenDup2OntoTheSameNumber) {
  int sv[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
  ASSERT_EQ(11, write(sv[0], "Hello world", 11));
  const int fd = sv[1];
  const int dfd = dup(fd);
  ASSERT_GE(dfd, 0);
  Seen s1, s2;
  event* ev1 = event_new(base, fd, EV_READ | EV_PERSIST, seen_cb, &s1);
  event* ev2 = event_new(base, dfd, EV_READ | EV_PERSIST, seen_cb, &s2);
  event_add(ev1, nullptr);
  event_add(ev2, nullptr);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(EV_READ, s1.last_what);
  EXPECT_EQ(EV_READ, s2.last_what);

  close(dfd);
  event_del(ev2);
  s1 = Seen();
  s2 = Seen();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(0, event_base_loop(base, EVLOOP_ONCE));
  EXPECT_EQ(EV_READ, s1.last_what);
  EXPECT_EQ(0, s2.calls);

  ASSERT_EQ(dfd, dup2(fd, dfd));
  event_free(ev2);
  ev2 = event_new(base, dfd, EV_WRITE | EV_PERSIST, seen_cb, &s2);
  event_add(ev2, nullptr);
  s1 = Seen();
  s2 = Seen();
  EXPECT_EQ(0, event_base_loop(base, EVLOOP_ONCE));
  EXPECT_EQ(EV_READ, s1.last_what);
  EXPECT_EQ(EV_WRITE, s2.last_what);
  event_free(ev1);
  event_free(ev2);
  close(dfd);
  close(sv[0]);
  close(sv[1]);
}

EVTEST_INSTANTIATE_PER_BACKEND(EventIo);

}  // namespace
