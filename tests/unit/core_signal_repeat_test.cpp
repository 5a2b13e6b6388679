// A signal delivered several times runs its callback once per delivery; the
// loop counts the runs down through a pointer into its own stack frame.
// Deleting the event from the callback cuts the runs short and must leave
// no pointer to that frame behind in the caller's struct event.
#include <event2/event.h>
#include <event2/event_struct.h>
#include <gtest/gtest.h>

#include <csignal>

namespace {

struct Seen {
  event* ev = nullptr;
  int calls = 0;
};

void delete_self(evutil_socket_t, short, void* arg) {
  auto* seen = static_cast<Seen*>(arg);
  ++seen->calls;
  event_del(seen->ev);
}

TEST(CoreSignalRepeat, DeletingFromTheCallbackForgetsTheLoopFrame) {
  event_base* base = event_base_new();
  ASSERT_NE(nullptr, base);
  Seen seen;
  seen.ev = evsignal_new(base, SIGUSR2, delete_self, &seen);
  ASSERT_NE(nullptr, seen.ev);
  ASSERT_EQ(0, event_add(seen.ev, nullptr));
  raise(SIGUSR2);
  raise(SIGUSR2);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(1, seen.calls);
  EXPECT_EQ(0, seen.ev->ev_.ev_signal.ev_ncalls);
  EXPECT_EQ(nullptr, seen.ev->ev_.ev_signal.ev_pncalls);
  // Re-added and delivered again, it runs normally.
  ASSERT_EQ(0, event_add(seen.ev, nullptr));
  raise(SIGUSR2);
  event_base_loop(base, EVLOOP_ONCE);
  EXPECT_EQ(2, seen.calls);
  event_free(seen.ev);
  event_base_free(base);
}

}  // namespace
