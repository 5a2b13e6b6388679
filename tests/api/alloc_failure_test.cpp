// Allocation failure: memory functions that fail the Nth allocation (or
// every allocation from the Nth on) are installed with
// event_set_mem_functions (alloc_failure_harness.hpp), and a scenario is
// run for every N it makes:
// bases, events, timers, evbuffers with data, socket and pair (+ filter)
// bufferevents, a listener with a connection, freeing a base with events
// still added.  Each run is a child process of its own (the memory
// functions must be set before the library allocates anything, and the
// parent never calls the library).  A run passes when the child exits
// normally, every call that reports success did its job (data arrives
// intact), no allocation is left live afterwards (counted through the
// hooks), nothing was freed that the hooks did not hand out, and nothing
// hung: the scenario's own guard timer must never be what ends it, and
// with every allocation failing the loop must still return.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "alloc_failure_harness.hpp"

namespace {

using namespace allocfail;

// ---- scenarios ----

int scenario_base() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  TRY(event_base_priority_init(base, 4) == 0);
  EXPECT_DATA(std::strcmp(event_base_get_method(base), g_method) == 0);
  TRY(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
  return kDone;
}

struct Counter {
  int n = 0;
  static void cb(evutil_socket_t fd, short what, void* arg) {
    auto* c = static_cast<Counter*>(arg);
    ++c->n;
    if (fd >= 0 && (what & EV_READ)) {
      char buf[64];
      while (recv(fd, buf, sizeof buf, 0) > 0) {
      }
    }
  }
};

int scenario_events() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  int sv[2];
  TRY(make_socketpair(s, sv));
  s.close_fd(sv[0]);
  s.close_fd(sv[1]);
  Counter io, act, once;
  event* rd = s.own(event_new(base, sv[0], EV_READ | EV_PERSIST, Counter::cb, &io), event_free);
  TRY(rd != nullptr);
  event* wr = s.own(event_new(base, sv[1], EV_WRITE, Counter::cb, &io), event_free);
  TRY(wr != nullptr);
  event* manual = s.own(event_new(base, -1, 0, Counter::cb, &act), event_free);
  TRY(manual != nullptr);
  TRY(event_add(rd, nullptr) == 0);
  TRY(event_add(wr, nullptr) == 0);
  event_active(manual, EV_TIMEOUT, 1);
  timeval zero{0, 0};
  TRY(event_base_once(base, -1, EV_TIMEOUT, Counter::cb, &once, &zero) == 0);
  TRY(send(sv[1], "x", 1, 0) == 1);
  for (int i = 0; i < 20 && (io.n < 2 || act.n < 1 || once.n < 1); ++i)
    TRY(event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) >= 0);
  EXPECT_DATA(io.n >= 2 && act.n == 1 && once.n == 1);
  TRY(event_del(rd) == 0);
  return kDone;
}

int scenario_timers() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  Counter fired, common_fired, persist;
  for (int i = 0; i < 8; ++i) {
    event* t = s.own(evtimer_new(base, Counter::cb, &fired), event_free);
    TRY(t != nullptr);
    timeval tv{0, 1000 * (i % 3)};
    TRY(evtimer_add(t, &tv) == 0);
  }
  timeval ms{0, 2000};
  const timeval* common = event_base_init_common_timeout(base, &ms);
  TRY(common != nullptr);
  for (int i = 0; i < 4; ++i) {
    event* t = s.own(evtimer_new(base, Counter::cb, &common_fired), event_free);
    TRY(t != nullptr);
    TRY(evtimer_add(t, common) == 0);
  }
  event* p = s.own(event_new(base, -1, EV_PERSIST, Counter::cb, &persist), event_free);
  TRY(p != nullptr);
  timeval tick{0, 500};
  TRY(event_add(p, &tick) == 0);
  while (persist.n < 3 || fired.n < 8 || common_fired.n < 4) {
    TRY(event_base_loop(base, EVLOOP_ONCE) >= 0);
  }
  TRY(event_del(p) == 0);
  TRY(event_base_dispatch(base) >= 0);  // nothing left: returns at once
  EXPECT_DATA(fired.n == 8 && common_fired.n == 4);
  return kDone;
}

void ref_cleanup(const void*, size_t, void* arg) { ++*static_cast<int*>(arg); }

int scenario_evbuffers() {
  Scope s;
  int cleanups = 0;
  std::string big = pattern(70000);
  std::string model;
  {
    Scope inner;
    evbuffer* a = inner.own(evbuffer_new(), evbuffer_free);
    TRY(a != nullptr);
    evbuffer* b = inner.own(evbuffer_new(), evbuffer_free);
    TRY(b != nullptr);
    TRY(evbuffer_add(a, big.data(), 100) == 0);
    model.append(big, 0, 100);
    TRY(evbuffer_add(a, big.data() + 100, 30000) == 0);
    model.append(big, 100, 30000);
    TRY(evbuffer_add_printf(a, "[%d]\n", 12345) > 0);
    model += "[12345]\n";
    evbuffer_iovec v[2];
    int n = evbuffer_reserve_space(a, 5000, v, 2);
    TRY(n > 0);
    size_t left = 5000;
    for (int i = 0; i < n; ++i) {
      size_t k = v[i].iov_len < left ? v[i].iov_len : left;
      std::memset(v[i].iov_base, 'r', k);
      v[i].iov_len = k;
      left -= k;
    }
    TRY(evbuffer_commit_space(a, v, n) == 0);
    model.append(5000, 'r');
    if (evbuffer_add_reference(a, big.data(), 1000, ref_cleanup, &cleanups) != 0) {
      // Refused: the cleanup is still ours to expect only if it ran.
      return kReported;
    }
    model.append(big, 0, 1000);
    TRY(evbuffer_add(b, "line one\r\nline two\n", 19) == 0);
    TRY(evbuffer_add_buffer(a, b) == 0);
    model += "line one\r\nline two\n";
    TRY(evbuffer_prepend(a, "head\n", 5) == 0);
    model.insert(0, "head\n");
    TRY(evbuffer_add_buffer_reference(b, a) == 0);
    EXPECT_DATA(evbuffer_get_length(b) == model.size());
    TRY(evbuffer_remove_buffer(a, b, 20000) == 20000);
    size_t len = 0;
    char* line = evbuffer_readln(b, &len, EVBUFFER_EOL_CRLF);
    TRY(line != nullptr);
    bool head = len == 4 && std::memcmp(line, "head", 4) == 0;
    hook_free(line);  // the library's memory functions allocated it
    EXPECT_DATA(head);
    model.erase(0, 5);
    unsigned char* flat = evbuffer_pullup(b, -1);
    TRY(flat != nullptr);
    // b: the view of the whole model, then a's first 20000 bytes.
    EXPECT_DATA(std::memcmp(flat, model.data(), model.size()) == 0);
    evbuffer_ptr at = evbuffer_search(a, "line two", 8, nullptr);
    EXPECT_DATA(at.pos >= 0);
  }
  EXPECT_DATA(cleanups == 1);
  return kDone;
}

struct Echo {
  std::string want;
  std::string got;
  bool error = false;
  event_base* base = nullptr;
  static void on_read(bufferevent* bev, void* arg) {
    auto* e = static_cast<Echo*>(arg);
    char buf[4096];
    size_t n;
    while ((n = bufferevent_read(bev, buf, sizeof buf)) > 0) e->got.append(buf, n);
    if (e->got.size() >= e->want.size()) event_base_loopbreak(e->base);
  }
  static void on_event(bufferevent*, short what, void* arg) {
    auto* e = static_cast<Echo*>(arg);
    if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) {
      e->error = true;
      event_base_loopbreak(e->base);
    }
  }
};

// Runs the loop until `done` or an error, with a guard; kHung if the guard
// fired.
int run_until_done(event_base* base, Echo& echo, Scope& s) {
  Guard guard;
  event* g = s.own(evtimer_new(base, Guard::cb, &guard), event_free);
  TRY(g != nullptr);
  timeval limit{3, 0};
  TRY(evtimer_add(g, &limit) == 0);
  while (!echo.error && echo.got.size() < echo.want.size() && !guard.fired)
    TRY(event_base_loop(base, EVLOOP_ONCE) >= 0);
  if (guard.fired) {
    note("guard fired: %zu of %zu bytes after %ld failures\n", echo.got.size(), echo.want.size(),
         g_failures);
    return kHung;
  }
  if (echo.error) return kReported;
  EXPECT_DATA(echo.got == echo.want);
  return kDone;
}

int scenario_socket_bev() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  int sv[2];
  TRY(make_socketpair(s, sv));
  bufferevent* a =
      s.own(bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE), bufferevent_free);
  if (a == nullptr) {
    close(sv[0]);
    close(sv[1]);
    return kReported;
  }
  bufferevent* b =
      s.own(bufferevent_socket_new(base, sv[1], BEV_OPT_CLOSE_ON_FREE), bufferevent_free);
  if (b == nullptr) {
    close(sv[1]);
    return kReported;
  }
  Echo echo;
  echo.base = base;
  echo.want = pattern(40000);
  bufferevent_setcb(b, Echo::on_read, nullptr, Echo::on_event, &echo);
  bufferevent_setcb(a, nullptr, nullptr, Echo::on_event, &echo);
  TRY(bufferevent_enable(b, EV_READ) == 0);
  TRY(bufferevent_write(a, echo.want.data(), 1000) == 0);
  TRY(bufferevent_write(a, echo.want.data() + 1000, echo.want.size() - 1000) == 0);
  return run_until_done(base, echo, s);
}

bufferevent_filter_result copy_filter(evbuffer* src, evbuffer* dst, ev_ssize_t limit,
                                      bufferevent_flush_mode, void*) {
  size_t n = evbuffer_get_length(src);
  if (limit >= 0 && static_cast<size_t>(limit) < n) n = static_cast<size_t>(limit);
  if (n == 0) return BEV_NEED_MORE;
  return evbuffer_remove_buffer(src, dst, n) == static_cast<int>(n) ? BEV_OK : BEV_ERROR;
}

int scenario_pair_bev() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  bufferevent* pair[2];
  TRY(bufferevent_pair_new(base, BEV_OPT_DEFER_CALLBACKS, pair) == 0);
  s.own(pair[0], bufferevent_free);
  bufferevent* f = bufferevent_filter_new(pair[1], copy_filter, copy_filter, BEV_OPT_CLOSE_ON_FREE,
                                          nullptr, nullptr);
  if (f == nullptr) {
    bufferevent_free(pair[1]);
    return kReported;
  }
  s.own(f, bufferevent_free);
  Echo echo;
  echo.base = base;
  echo.want = pattern(20000);
  bufferevent_setcb(f, Echo::on_read, nullptr, Echo::on_event, &echo);
  TRY(bufferevent_enable(f, EV_READ) == 0);
  TRY(bufferevent_enable(pair[0], EV_WRITE) == 0);
  TRY(bufferevent_write(pair[0], echo.want.data(), echo.want.size()) == 0);
  return run_until_done(base, echo, s);
}

struct Server {
  Echo* echo;
  bufferevent* conn = nullptr;
  bool accept_failed = false;
  static void on_accept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
    auto* srv = static_cast<Server*>(arg);
    srv->conn = bufferevent_socket_new(srv->echo->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (srv->conn == nullptr) {
      close(fd);
      srv->accept_failed = true;
      srv->echo->error = true;
      event_base_loopbreak(srv->echo->base);
      return;
    }
    bufferevent_setcb(srv->conn, Echo::on_read, nullptr, Echo::on_event, srv->echo);
    if (bufferevent_enable(srv->conn, EV_READ) != 0) {
      srv->echo->error = true;
      event_base_loopbreak(srv->echo->base);
    }
  }
  static void on_error(evconnlistener*, void* arg) {
    auto* srv = static_cast<Server*>(arg);
    srv->echo->error = true;
    event_base_loopbreak(srv->echo->base);
  }
};

int scenario_listener() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  Echo echo;
  echo.base = base;
  echo.want = pattern(3000);
  Server srv{&echo};
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  evconnlistener* lev = evconnlistener_new_bind(base, Server::on_accept, &srv,
                                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
                                                reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  TRY(lev != nullptr);
  s.own(lev, evconnlistener_free);
  evconnlistener_set_error_cb(lev, Server::on_error);
  socklen_t len = sizeof sin;
  getsockname(evconnlistener_get_fd(lev), reinterpret_cast<sockaddr*>(&sin), &len);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  s.close_fd(client);
  if (connect(client, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) return kWrong;
  if (send(client, echo.want.data(), echo.want.size(), 0) != static_cast<ssize_t>(echo.want.size()))
    return kWrong;
  int rc = run_until_done(base, echo, s);
  if (srv.conn != nullptr) bufferevent_free(srv.conn);
  return rc;
}

void noop_cb(evutil_socket_t, short, void*) {}

// Events still added (I/O, timer, signal) and a buffer of data when the
// base goes: the base frees everything it allocated for them.
int scenario_base_free() {
  Scope s;
  int sv[2];
  TRY(make_socketpair(s, sv));
  s.close_fd(sv[0]);
  s.close_fd(sv[1]);
  std::vector<unsigned char> storage(4 * event_get_struct_event_size());
  auto* evs = reinterpret_cast<event*>(storage.data());
  auto ev_at = [&](int i) {
    return reinterpret_cast<event*>(storage.data() + i * event_get_struct_event_size());
  };
  (void)evs;
  event_base* base = new_base();
  TRY(base != nullptr);
  int rc = kDone;
  timeval later{60, 0};
  if (event_assign(ev_at(0), base, sv[0], EV_READ | EV_PERSIST, noop_cb, nullptr) != 0 ||
      event_add(ev_at(0), nullptr) != 0 ||
      event_assign(ev_at(1), base, -1, 0, noop_cb, nullptr) != 0 ||
      event_add(ev_at(1), &later) != 0 ||
      event_assign(ev_at(2), base, SIGUSR2, EV_SIGNAL | EV_PERSIST, noop_cb, nullptr) != 0 ||
      event_add(ev_at(2), nullptr) != 0 ||
      event_assign(ev_at(3), base, sv[1], EV_WRITE, noop_cb, nullptr) != 0 ||
      event_add(ev_at(3), &later) != 0) {
    rc = kReported;
  }
  event_base_free(base);
  return rc;
}

// evbuffer_read() that cannot get memory says so in errno: the memory
// functions need not set it, and a stale EAGAIN made a socket bufferevent
// retry the read forever (the loop spun at 100% CPU).
int scenario_read_enomem() {
  Scope s;
  int sv[2];
  TRY(make_socketpair(s, sv));
  s.close_fd(sv[0]);
  s.close_fd(sv[1]);
  evbuffer* buf = s.own(evbuffer_new(), evbuffer_free);
  TRY(buf != nullptr);
  TRY(send(sv[1], "data", 4, 0) == 4);
  g_fail_at = g_count + 1;  // every allocation from here on fails
  g_fail_from = true;
  errno = EAGAIN;
  int n = evbuffer_read(buf, sv[0], 4096);
  EXPECT_DATA(n == -1 && errno == ENOMEM);
  g_fail_at = 0;
  return kDone;
}

struct Named {
  const char* name;
  Scenario fn;
};
const Named kScenarios[] = {
    {"base", scenario_base},
    {"events", scenario_events},
    {"timers", scenario_timers},
    {"evbuffers", scenario_evbuffers},
    {"socket_bev", scenario_socket_bev},
    {"pair_filter_bev", scenario_pair_bev},
    {"listener", scenario_listener},
    {"base_free", scenario_base_free},
};

class AllocFailure : public ::testing::TestWithParam<int> {};

TEST_P(AllocFailure, EveryFailingAllocationIsReportedAndNothingLeaks) {
  std::string name = kScenarios[GetParam()].name;
  bool io = name != "evbuffers";
  alloc_sweep(kScenarios[GetParam()].name, kScenarios[GetParam()].fn, io);
}

TEST_F(AllocFailure, EvbufferReadWithoutMemoryReportsENOMEM) {
  ChildRun r = run_child(scenario_read_enomem, "epoll", 0, false);
  EXPECT_EQ(r.status, kDone) << r.report.text;
  EXPECT_EQ(r.report.live, 0);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, AllocFailure,
                         ::testing::Range(0, static_cast<int>(std::size(kScenarios))),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(kScenarios[info.param].name);
                         });

}  // namespace
