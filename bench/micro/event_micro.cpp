// The event core.  One iteration is the operation in brackets.
//
//   ev_add_del            event_add and event_del of a read event on a
//                         socketpair, no timeout  [add + del]
//   ev_add_del_timeout    the same with a 10 s timeout  [add + del]
//   ev_new_free           event_new and event_free of a read event  [new + free]
//   ev_timer_churn        10k pending timers (seeded 1000-4600 s); one,
//                         picked by a seeded sequence, re-added with a new
//                         timeout (it moves in the timer heap)  [re-add]
//   ev_common_timeout     10k pending timers on 4 common timeouts
//                         (event_base_init_common_timeout); one re-added
//                         (it moves to the end of its queue)  [re-add]
//   ev_active_batch       64 fd-less events activated with event_active,
//                         then event_base_loop(EVLOOP_NONBLOCK) runs their
//                         callbacks  [64 activations + callbacks, one loop]
//   ev_active_chain       each callback activates the next of 64 events in
//                         one event_base_loop(EVLOOP_NONBLOCK)  [64 callbacks]
//   ev_priority           4 priorities, 4 events each, activated lowest
//                         priority first; one loop runs them by priority
//                         [16 callbacks]
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>

#include "micro.hpp"

namespace {

void nothing(evutil_socket_t, short, void*) {}

struct Pair {
  int fds[2];
  Pair() { micro::socket_pair(fds); }
  ~Pair() {
    close(fds[0]);
    close(fds[1]);
  }
};

struct AddDel {
  struct event* ev;
  const struct timeval* timeout;
};

}  // namespace

MICRO_TIMED void micro_timed_ev_add_del(AddDel* a) {
  micro::check(event_add(a->ev, a->timeout) == 0, "event_add failed");
  micro::check(event_del(a->ev) == 0, "event_del failed");
}

MICRO_TIMED void micro_timed_ev_add_del_timeout(AddDel* a) {
  micro::check(event_add(a->ev, a->timeout) == 0, "event_add failed");
  micro::check(event_del(a->ev) == 0, "event_del failed");
}

MICRO_BENCH(ev_add_del) {
  struct event_base* base = micro::new_base();
  Pair pair;
  AddDel a{event_new(base, pair.fds[0], EV_READ | EV_PERSIST, nothing, nullptr), nullptr};
  micro::check(a.ev != nullptr, "event_new failed");
  for (auto _ : state) micro_timed_ev_add_del(&a);
  event_free(a.ev);
  event_base_free(base);
}

MICRO_BENCH(ev_add_del_timeout) {
  struct event_base* base = micro::new_base();
  Pair pair;
  const struct timeval ten = {10, 0};
  AddDel a{event_new(base, pair.fds[0], EV_READ | EV_PERSIST, nothing, nullptr), &ten};
  micro::check(a.ev != nullptr, "event_new failed");
  // Other timers pending, as in a real program: the heap is not empty.
  struct event* others[64];
  for (int i = 0; i < 64; i++) {
    const struct timeval tv = {100 + i, 0};
    others[i] = evtimer_new(base, nothing, nullptr);
    evtimer_add(others[i], &tv);
  }
  for (auto _ : state) micro_timed_ev_add_del_timeout(&a);
  for (struct event* ev : others) event_free(ev);
  event_free(a.ev);
  event_base_free(base);
}

struct NewFree {
  struct event_base* base;
  int fd;
};

MICRO_TIMED void micro_timed_ev_new_free(NewFree* n) {
  struct event* ev = event_new(n->base, n->fd, EV_READ | EV_PERSIST, nothing, nullptr);
  micro::check(ev != nullptr, "event_new failed");
  event_free(ev);
}

MICRO_BENCH(ev_new_free) {
  Pair pair;
  NewFree n{micro::new_base(), pair.fds[0]};
  for (auto _ : state) micro_timed_ev_new_free(&n);
  event_base_free(n.base);
}

namespace {

constexpr int kTimers = 10000;

struct Timers {
  struct event_base* base;
  struct event* events[kTimers];
  const struct timeval* common[4];
  uint64_t seed;
};

}  // namespace

MICRO_TIMED void micro_timed_ev_timer_churn(Timers* t) {
  uint64_t r = micro::random(&t->seed);
  const struct timeval tv = {(time_t)(1000 + (r >> 20) % 3600), (suseconds_t)(r % 1000000)};
  micro::check(event_add(t->events[(r >> 40) % kTimers], &tv) == 0, "event_add failed");
}

MICRO_BENCH(ev_timer_churn) {
  static Timers t;
  t.base = micro::new_base();
  t.seed = 1;
  for (struct event*& ev : t.events) {
    ev = evtimer_new(t.base, nothing, nullptr);
    uint64_t r = micro::random(&t.seed);
    const struct timeval tv = {(time_t)(1000 + (r >> 20) % 3600), (suseconds_t)(r % 1000000)};
    micro::check(ev != nullptr && event_add(ev, &tv) == 0, "timer setup failed");
  }
  for (auto _ : state) micro_timed_ev_timer_churn(&t);
  for (struct event* ev : t.events) event_free(ev);
  event_base_free(t.base);
}

MICRO_TIMED void micro_timed_ev_common_timeout(Timers* t) {
  uint64_t r = micro::random(&t->seed);
  micro::check(event_add(t->events[(r >> 40) % kTimers], t->common[(r >> 20) % 4]) == 0,
               "event_add failed");
}

MICRO_BENCH(ev_common_timeout) {
  static Timers t;
  t.base = micro::new_base();
  t.seed = 2;
  for (int i = 0; i < 4; i++) {
    const struct timeval tv = {1000 + i, 0};
    t.common[i] = event_base_init_common_timeout(t.base, &tv);
    micro::check(t.common[i] != nullptr, "event_base_init_common_timeout failed");
  }
  for (int i = 0; i < kTimers; i++) {
    t.events[i] = evtimer_new(t.base, nothing, nullptr);
    micro::check(t.events[i] && event_add(t.events[i], t.common[i % 4]) == 0, "timer setup");
  }
  for (auto _ : state) micro_timed_ev_common_timeout(&t);
  for (struct event* ev : t.events) event_free(ev);
  event_base_free(t.base);
}

namespace {

constexpr int kActive = 64;

struct Active {
  struct event_base* base;
  struct event* events[kActive];
  int ran;
};

void count_callback(evutil_socket_t, short, void* arg) { static_cast<Active*>(arg)->ran++; }

void chain_callback(evutil_socket_t, short, void* arg) {
  Active* a = static_cast<Active*>(arg);
  if (++a->ran < kActive) event_active(a->events[a->ran], EV_TIMEOUT, 1);
}

}  // namespace

MICRO_TIMED void micro_timed_ev_active_batch(Active* a) {
  a->ran = 0;
  for (struct event* ev : a->events) event_active(ev, EV_TIMEOUT, 1);
  micro::check(event_base_loop(a->base, EVLOOP_NONBLOCK) >= 0, "event_base_loop failed");
  micro::check(a->ran == kActive, "active_batch: callbacks missing");
}

MICRO_TIMED void micro_timed_ev_active_chain(Active* a) {
  a->ran = 0;
  event_active(a->events[0], EV_TIMEOUT, 1);
  micro::check(event_base_loop(a->base, EVLOOP_NONBLOCK) >= 0, "event_base_loop failed");
  micro::check(a->ran == kActive, "active_chain: callbacks missing");
}

namespace {

void run_active(benchmark::State& state, event_callback_fn callback, void (*timed)(Active*)) {
  static Active a;
  a.base = micro::new_base();
  for (struct event*& ev : a.events) {
    ev = event_new(a.base, -1, 0, callback, &a);
    micro::check(ev != nullptr, "event_new failed");
  }
  for (auto _ : state) timed(&a);
  state.SetItemsProcessed(state.iterations() * kActive);
  for (struct event* ev : a.events) event_free(ev);
  event_base_free(a.base);
}

}  // namespace

MICRO_BENCH(ev_active_batch) { run_active(state, count_callback, micro_timed_ev_active_batch); }

MICRO_BENCH(ev_active_chain) { run_active(state, chain_callback, micro_timed_ev_active_chain); }

namespace {

struct Priority {
  struct event_base* base;
  struct event* events[16];
  int last_priority;
  int ran;
  bool in_order;
};

struct PriorityArg {
  Priority* p;
  int priority;
};

void priority_callback(evutil_socket_t, short, void* arg) {
  PriorityArg* a = static_cast<PriorityArg*>(arg);
  if (a->priority < a->p->last_priority) a->p->in_order = false;
  a->p->last_priority = a->priority;
  a->p->ran++;
}

}  // namespace

MICRO_TIMED void micro_timed_ev_priority(Priority* p) {
  p->ran = 0;
  p->last_priority = 0;
  for (int i = 15; i >= 0; i--) event_active(p->events[i], EV_TIMEOUT, 1);
  micro::check(event_base_loop(p->base, EVLOOP_NONBLOCK) >= 0, "event_base_loop failed");
  micro::check(p->ran == 16 && p->in_order, "priority: callbacks missing or out of order");
}

MICRO_BENCH(ev_priority) {
  static Priority p;
  static PriorityArg args[16];
  p.base = micro::new_base();
  p.in_order = true;
  micro::check(event_base_priority_init(p.base, 4) == 0, "event_base_priority_init failed");
  for (int i = 0; i < 16; i++) {
    args[i] = {&p, i / 4};
    p.events[i] = event_new(p.base, -1, 0, priority_callback, &args[i]);
    micro::check(p.events[i] && event_priority_set(p.events[i], i / 4) == 0, "priority setup");
  }
  for (auto _ : state) micro_timed_ev_priority(&p);
  state.SetItemsProcessed(state.iterations() * 16);
  for (struct event* ev : p.events) event_free(ev);
  event_base_free(p.base);
}
