// Bufferevent pairs: in-memory transfer, enabling rules, watermarks,
// deferred callbacks, flushing and freeing one end.
#include <string>

#include <event2/event_compat.h>

#include "bufferevent_test_util.hpp"
#include "event_backend_param.hpp"

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;

namespace {

class BevPair : public evtest::PerBackend {
 protected:
  void SetUp() override {
    PerBackend::SetUp();
    ASSERT_EQ(0, bufferevent_pair_new(base, 0, p));
    ra.attach(p[0]);
    rb.attach(p[1]);
  }
  void TearDown() override {
    if (p[0] != nullptr) bufferevent_free(p[0]);
    if (p[1] != nullptr) bufferevent_free(p[1]);
    // Pair buffers defer their callbacks; a queued run holds references
    // until the loop runs it (as in libevent), so let it run.
    run_for(base, 1);
    PerBackend::TearDown();
  }
  bufferevent* p[2] = {nullptr, nullptr};
  Recorder ra, rb;
};

TEST_P(BevPair, EndsKnowEachOther) {
  EXPECT_EQ(p[1], bufferevent_pair_get_partner(p[0]));
  EXPECT_EQ(p[0], bufferevent_pair_get_partner(p[1]));
  EXPECT_EQ(EV_WRITE, bufferevent_get_enabled(p[0]));
  EXPECT_EQ(-1, bufferevent_getfd(p[0]));
  EXPECT_EQ(base, bufferevent_get_base(p[1]));
  EXPECT_EQ(nullptr, bufferevent_get_underlying(p[0]));
}

TEST_P(BevPair, DataMovesAtOnceAndCallbacksAreDeferred) {
  bufferevent_enable(p[1], EV_READ);
  ASSERT_EQ(0, bufferevent_write(p[0], "hello", 5));
  EXPECT_EQ(5u, evbuffer_get_length(bufferevent_get_input(p[1])));
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_output(p[0])));
  EXPECT_EQ(0, rb.reads);
  EXPECT_EQ(0, ra.writes);
  run_for(base, 10);
  EXPECT_EQ(1, rb.reads);
  EXPECT_EQ("hello", rb.data);
  EXPECT_EQ(1, ra.writes);
}

TEST_P(BevPair, DataWaitsUntilTheReaderEnablesReading) {
  bufferevent_write(p[0], "abc", 3);
  run_for(base, 10);
  EXPECT_EQ(3u, evbuffer_get_length(bufferevent_get_output(p[0])));
  EXPECT_EQ(0, rb.reads);
  bufferevent_enable(p[1], EV_READ);
  EXPECT_EQ(3u, evbuffer_get_length(bufferevent_get_input(p[1])));
  run_for(base, 10);
  EXPECT_EQ("abc", rb.data);
}

TEST_P(BevPair, DataWaitsUntilTheWriterEnablesWriting) {
  bufferevent_enable(p[1], EV_READ);
  bufferevent_disable(p[0], EV_WRITE);
  bufferevent_write(p[0], "xyz", 3);
  run_for(base, 10);
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_input(p[1])));
  bufferevent_enable(p[0], EV_WRITE);
  run_for(base, 10);
  EXPECT_EQ("xyz", rb.data);
}

TEST_P(BevPair, BothDirectionsWork) {
  bufferevent_enable(p[0], EV_READ);
  bufferevent_enable(p[1], EV_READ);
  bufferevent_write(p[0], "to b", 4);
  bufferevent_write(p[1], "to a", 4);
  run_for(base, 10);
  EXPECT_EQ("to b", rb.data);
  EXPECT_EQ("to a", ra.data);
}

TEST_P(BevPair, ReadHighWatermarkLimitsTheTransfer) {
  rb.drain = false;
  bufferevent_setwatermark(p[1], EV_READ, 0, 4);
  bufferevent_enable(p[1], EV_READ);
  bufferevent_write(p[0], "0123456789", 10);
  EXPECT_EQ(4u, evbuffer_get_length(bufferevent_get_input(p[1])));
  EXPECT_EQ(6u, evbuffer_get_length(bufferevent_get_output(p[0])));
  evbuffer_drain(bufferevent_get_input(p[1]), 4);  // resumes reading
  EXPECT_EQ(4u, evbuffer_get_length(bufferevent_get_input(p[1])));
  evbuffer_drain(bufferevent_get_input(p[1]), 4);
  EXPECT_EQ(2u, evbuffer_get_length(bufferevent_get_input(p[1])));
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_output(p[0])));
}

TEST_P(BevPair, ReadLowWatermarkGatesTheReadCallback) {
  rb.drain = false;
  bufferevent_setwatermark(p[1], EV_READ, 6, 0);
  bufferevent_enable(p[1], EV_READ);
  bufferevent_write(p[0], "abc", 3);
  run_for(base, 10);
  EXPECT_EQ(0, rb.reads);
  bufferevent_write(p[0], "def", 3);
  run_for(base, 10);
  EXPECT_EQ(1, rb.reads);
}

TEST_P(BevPair, FlushMovesDataEvenWhenReadingIsDisabled) {
  bufferevent_write(p[0], "flushed", 7);
  EXPECT_EQ(0, bufferevent_flush(p[0], EV_WRITE, BEV_NORMAL));
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_input(p[1])));
  EXPECT_EQ(0, bufferevent_flush(p[0], EV_WRITE, BEV_FLUSH));
  EXPECT_EQ(7u, evbuffer_get_length(bufferevent_get_input(p[1])));
  EXPECT_EQ(0, rb.events);
}

TEST_P(BevPair, FlushFinishedSendsEofToThePartner) {
  EXPECT_EQ(0, bufferevent_flush(p[0], EV_WRITE, BEV_FINISHED));
  EXPECT_EQ(0, rb.events);  // deferred
  run_for(base, 10);
  EXPECT_EQ(1, rb.events);
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, rb.last_what);
  EXPECT_EQ(0, ra.events);
}

TEST_P(BevPair, FlushFinishedOnTheReadSideReportsWriting) {
  bufferevent_flush(p[0], EV_READ, BEV_FINISHED);
  run_for(base, 10);
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_WRITING, rb.last_what);
}

TEST_P(BevPair, FreeingOneEndDetachesTheOtherWithoutEvents) {
  bufferevent_enable(p[1], EV_READ);
  bufferevent_free(p[0]);
  p[0] = nullptr;
  run_for(base, 10);
  EXPECT_EQ(nullptr, bufferevent_pair_get_partner(p[1]));
  EXPECT_EQ(0, rb.events);
  EXPECT_EQ(0, bufferevent_write(p[1], "nobody", 6));  // just stays queued
  run_for(base, 10);
  EXPECT_EQ(6u, evbuffer_get_length(bufferevent_get_output(p[1])));
}

TEST_P(BevPair, FreeFromTheReadCallback) {
  rb.free_on_read = true;
  bufferevent_enable(p[1], EV_READ);
  bufferevent_write(p[0], "x", 1);
  ASSERT_TRUE(run_until(base, [&] { return rb.bev == nullptr; }));
  p[1] = nullptr;
  EXPECT_EQ(nullptr, bufferevent_pair_get_partner(p[0]));
}

TEST_P(BevPair, ReadTimeoutFiresWithoutData) {
  timeval tv = {0, 30 * 1000};
  bufferevent_set_timeouts(p[1], &tv, nullptr);
  bufferevent_enable(p[1], EV_READ);
  ASSERT_TRUE(run_until(base, [&] { return rb.events > 0; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_READING, rb.last_what);
  EXPECT_FALSE(bufferevent_get_enabled(p[1]) & EV_READ);
}

TEST_P(BevPair, TimeoutSetAfterEnablingApplies) {
  bufferevent_enable(p[1], EV_READ);
  timeval tv = {0, 30 * 1000};
  bufferevent_set_timeouts(p[1], &tv, nullptr);
  ASSERT_TRUE(run_until(base, [&] { return rb.events > 0; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_READING, rb.last_what);
}

TEST_P(BevPair, ReadTimeoutDoesNotCountWhileDisabled) {
  timeval tv = {0, 20 * 1000};
  bufferevent_set_timeouts(p[1], &tv, nullptr);
  run_for(base, 60);
  EXPECT_EQ(0, rb.events);
}

TEST_P(BevPair, ManyMessagesEchoThroughAPair) {
  auto echo = [](bufferevent* bev, void*) {
    bufferevent_write_buffer(bev, bufferevent_get_input(bev));
  };
  bufferevent_setcb(p[1], echo, nullptr, nullptr, nullptr);
  bufferevent_enable(p[0], EV_READ);
  bufferevent_enable(p[1], EV_READ);
  std::string expect;
  for (int i = 0; i < 100; ++i) {
    std::string m = std::to_string(i) + ",";
    expect += m;
    bufferevent_write(p[0], m.data(), m.size());
    run_for(base, 0);
  }
  ASSERT_TRUE(run_until(base, [&] { return ra.data.size() == expect.size(); }));
  EXPECT_EQ(expect, ra.data);
}

// A pair's write timeout measures a stalled write: with nothing to write
// it is not armed (as libevent: generic write timeouts need queued output).
TEST_P(BevPair, IdleWriteTimeoutNeverFires) {
  timeval tv = {0, 20 * 1000};
  bufferevent_set_timeouts(p[0], nullptr, &tv);
  bufferevent_enable(p[0], EV_WRITE);
  run_for(base, 80);
  EXPECT_EQ(0, ra.events) << "what=" << ra.last_what;
}

TEST_P(BevPair, WriteTimeoutFiresWhileOutputIsStuck) {
  ASSERT_EQ(0, bufferevent_write(p[0], "abc", 3));  // p[1] does not read
  timeval tv = {0, 20 * 1000};
  bufferevent_set_timeouts(p[0], nullptr, &tv);
  ASSERT_TRUE(run_until(base, [&] { return ra.events > 0; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_WRITING, ra.last_what);
}

// bufferevent_trigger_event() delivers every bit of the short, also when
// deferred (BEV_EVENT_CONNECTED, which libevent delivers first on its own,
// aside).
TEST_P(BevPair, DeferredTriggeredEventKeepsEveryBit) {
  const short what = static_cast<short>(0x7f00 | BEV_EVENT_EOF);
  bufferevent_trigger_event(p[0], what, BEV_TRIG_DEFER_CALLBACKS);
  EXPECT_EQ(0, ra.events);
  ASSERT_TRUE(run_until(base, [&] { return ra.events > 0; }));
  EXPECT_EQ(1, ra.events);
  EXPECT_EQ(what, ra.last_what);

  ra.events = 0;
  ra.all_what = 0;
  bufferevent_trigger_event(p[0], static_cast<short>(~0), BEV_TRIG_DEFER_CALLBACKS);
  ASSERT_TRUE(run_until(base, [&] { return ra.events >= 2; }));
  EXPECT_EQ(2, ra.events);
  EXPECT_EQ(static_cast<short>(~0), ra.all_what);
  EXPECT_EQ(static_cast<short>(~BEV_EVENT_CONNECTED), ra.last_what);
}

EVTEST_INSTANTIATE_PER_BACKEND(BevPair);

// The legacy API: a NULL base means the one event_init() made current, for
// pairs as for every other constructor.
TEST(BevPairLegacy, NullBaseUsesTheCurrentBase) {
  event_base* current = event_init();
  ASSERT_NE(nullptr, current);
  bufferevent* p[2] = {nullptr, nullptr};
  ASSERT_EQ(0, bufferevent_pair_new(nullptr, 0, p));
  Recorder rb;
  rb.attach(p[1]);
  bufferevent_enable(p[1], EV_READ);
  ASSERT_EQ(0, bufferevent_write(p[0], "legacy", 6));
  timeval tv = {0, 10 * 1000};
  event_loopexit(&tv);
  event_dispatch();
  EXPECT_EQ("legacy", rb.data);
  bufferevent_free(p[0]);
  bufferevent_free(p[1]);
  event_base_loop(current, EVLOOP_NONBLOCK);
  event_base_free(current);
}

}  // namespace
