// Deferred callbacks (core/deferred.hpp) run from the base's loop, once per
// schedule, and can be cancelled.
#include <event2/event.h>
#include <gtest/gtest.h>

#include "core/deferred.hpp"

namespace {

void bump(event_callback*, void* arg) { ++*static_cast<int*>(arg); }

TEST(CoreDeferred, ScheduledCallbackRunsOnceFromTheLoop) {
  event_base* base = event_base_new();
  ASSERT_NE(nullptr, base);
  int calls = 0;
  event_callback cb;
  evpriv_callback_init(&cb, bump, &calls, 0);
  EXPECT_EQ(1, evpriv_callback_schedule(base, &cb));
  EXPECT_EQ(0, evpriv_callback_schedule(base, &cb));  // already queued
  EXPECT_EQ(0, calls);
  EXPECT_EQ(1, event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(1, calls);
  EXPECT_EQ(1, evpriv_callback_schedule(base, &cb));
  EXPECT_EQ(1, evpriv_callback_cancel(base, &cb));
  EXPECT_EQ(0, evpriv_callback_cancel(base, &cb));
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(1, calls);
  event_base_free(base);
}

struct Chain {
  event_base* base;
  event_callback cb;
  int runs = 0;
};
void reschedule(event_callback* cb, void* arg) {
  auto* c = static_cast<Chain*>(arg);
  if (++c->runs < 100) evpriv_callback_schedule(c->base, cb);
}

TEST(CoreDeferred, SelfReschedulingCallbackDoesNotStarveTheLoop) {
  event_base* base = event_base_new();
  Chain c{base, {}};
  evpriv_callback_init(&c.cb, reschedule, &c, 0);
  evpriv_callback_schedule(base, &c.cb);
  EXPECT_EQ(1, event_base_dispatch(base));
  EXPECT_EQ(100, c.runs);
  event_base_free(base);
}

TEST(CoreDeferred, PriorityIsClampedToTheBase) {
  event_base* base = event_base_new();
  int calls = 0;
  event_callback cb;
  evpriv_callback_init(&cb, bump, &calls, 200);
  EXPECT_EQ(1, evpriv_callback_schedule(base, &cb));
  event_base_dispatch(base);
  EXPECT_EQ(1, calls);
  event_base_free(base);
}

}  // namespace
