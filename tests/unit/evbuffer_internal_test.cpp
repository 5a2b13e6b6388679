// The internal evbuffer API (evbuffer/evbuffer.hpp) that bufferevents use,
// and chain-level properties the public API cannot observe directly.
#include <event2/buffer.h>
#include <event2/event.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "evbuffer/buffer.hpp"
#include "evbuffer/evbuffer.hpp"

namespace {

struct Count {
  int calls = 0;
  evbuffer_cb_info last = {};
};

void count_cb(evbuffer*, const evbuffer_cb_info* info, void* arg) {
  auto* c = static_cast<Count*>(arg);
  ++c->calls;
  c->last = *info;
}

class EvbufferInternal : public ::testing::Test {
 protected:
  void SetUp() override {
    buf = evbuffer_new();
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    for (int fd : fds) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    int size = 1 << 20;
    setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  void TearDown() override {
    evbuffer_free(buf);
    close(fds[0]);
    close(fds[1]);
  }
  evbuffer* buf = nullptr;
  int fds[2] = {-1, -1};
};

TEST_F(EvbufferInternal, ReadFdIsNotLimitedByMaxRead) {
  std::string text(100000, 'r');
  ASSERT_EQ(write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  int n = ev::buffer_read_fd(buf, fds[0], 100000);
  EXPECT_GT(n, 16384);
  EXPECT_TRUE(buf->check_invariants());
}

TEST_F(EvbufferInternal, MaxReadCapsEvbufferRead) {
  std::string text(50000, 'r');
  ASSERT_EQ(write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  EXPECT_EQ(ev::buffer_get_max_read(buf), ev::kDefaultMaxRead);
  ev::buffer_set_max_read(buf, 1000);
  EXPECT_EQ(evbuffer_read(buf, fds[0], -1), 1000);
  ev::buffer_set_max_read(buf, 0);  // back to the default
  EXPECT_EQ(evbuffer_read(buf, fds[0], -1), static_cast<int>(ev::kDefaultMaxRead));
}

TEST_F(EvbufferInternal, ReadReusesFreeTailSpace) {
  ASSERT_EQ(write(fds[1], "abc", 3), 3);
  ASSERT_EQ(evbuffer_read(buf, fds[0], -1), 3);
  ASSERT_EQ(write(fds[1], "def", 3), 3);
  ASSERT_EQ(evbuffer_read(buf, fds[0], -1), 3);
  // Both reads landed in one block.
  EXPECT_EQ(buf->first, buf->last_with_data);
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 6u);
}

TEST_F(EvbufferInternal, WriteFdHonoursTheLimit) {
  evbuffer_add(buf, "0123456789", 10);
  EXPECT_EQ(ev::buffer_write_fd(buf, fds[1], 4), 4);
  EXPECT_EQ(evbuffer_get_length(buf), 6u);
  evbuffer_freeze(buf, 1);
  EXPECT_EQ(ev::buffer_write_fd(buf, fds[1], 4), -1);
  evbuffer_unfreeze(buf, 1);
  evbuffer_freeze(buf, 0);
  EXPECT_EQ(ev::buffer_read_fd(buf, fds[0], 4), -1);
}

TEST_F(EvbufferInternal, SuspendedCallbacksRunOnceOnResume) {
  Count c;
  evbuffer_add_cb(buf, count_cb, &c);
  ev::buffer_suspend_callbacks(buf);
  ev::buffer_suspend_callbacks(buf);
  evbuffer_add(buf, "abcd", 4);
  evbuffer_drain(buf, 1);
  size_t added = 0, deleted = 0;
  ev::buffer_pending_changes(buf, &added, &deleted);
  EXPECT_EQ(added, 4u);
  EXPECT_EQ(deleted, 1u);
  ev::buffer_resume_callbacks(buf);
  EXPECT_EQ(c.calls, 0);
  ev::buffer_resume_callbacks(buf);
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(c.last.n_added, 4u);
  EXPECT_EQ(c.last.n_deleted, 1u);
  ev::buffer_pending_changes(buf, &added, &deleted);
  EXPECT_EQ(added + deleted, 0u);
}

TEST_F(EvbufferInternal, NoDeferCallbackRunsImmediatelyWhenDeferred) {
  event_base* base = event_base_new();
  Count now, later;
  evbuffer_cb_entry* e = evbuffer_add_cb(buf, count_cb, &now);
  evbuffer_add_cb(buf, count_cb, &later);
  ASSERT_EQ(ev::buffer_cb_set_nodefer(buf, e, true), 0);
  evbuffer_defer_callbacks(buf, base);
  evbuffer_add(buf, "x", 1);
  EXPECT_EQ(now.calls, 1);
  EXPECT_EQ(later.calls, 0);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(later.calls, 1);
  EXPECT_EQ(now.calls, 1);
  event_base_free(base);
}

int g_parent_refs = 0;
void parent_incref(void*) { ++g_parent_refs; }
void parent_decref(void*) { --g_parent_refs; }

TEST_F(EvbufferInternal, DeferredRunHoldsTheParent) {
  event_base* base = event_base_new();
  Count c;
  int parent = 0;
  evbuffer_add_cb(buf, count_cb, &c);
  ev::buffer_set_parent(buf, &parent, parent_incref, parent_decref);
  evbuffer_defer_callbacks(buf, base);
  evbuffer_add(buf, "x", 1);
  EXPECT_EQ(g_parent_refs, 1);
  event_base_loop(base, EVLOOP_NONBLOCK);
  EXPECT_EQ(g_parent_refs, 0);
  EXPECT_EQ(c.calls, 1);
  event_base_free(base);
}

TEST_F(EvbufferInternal, ExtraReferenceKeepsTheBufferAlive) {
  evbuffer* b = evbuffer_new();
  ev::buffer_incref(b);
  evbuffer_add(b, "x", 1);
  evbuffer_free(b);
  // Contents are released at evbuffer_free(); the object lives on.
  EXPECT_EQ(evbuffer_get_length(b), 0u);
  ev::buffer_decref(b);
}

TEST_F(EvbufferInternal, EmptyBlocksNeverSitBetweenData) {
  evbuffer_add(buf, "a", 1);
  evbuffer_iovec v[2];
  ASSERT_GE(evbuffer_reserve_space(buf, 5000, v, 2), 1);
  ASSERT_TRUE(buf->check_invariants());
  evbuffer_add(buf, "b", 1);  // invalidates the reservation
  evbuffer_expand(buf, 100000);
  ASSERT_TRUE(buf->check_invariants());
  evbuffer_add_reference(buf, "ref", 3, nullptr, nullptr);
  ASSERT_TRUE(buf->check_invariants());
  EXPECT_EQ(evbuffer_get_length(buf), 5u);
}

}  // namespace

namespace {

// The fast paths test BufferFlags through fixed masks: each named bit must
// be where the masks say.
TEST(EvbufferFlags, MasksMatchTheBitFieldLayout) {
  ev::BufferFlags f;
  EXPECT_EQ(0, ev::flag_bits(f));
  f.freeze_start = true;
  EXPECT_EQ(ev::kFlagFreezeStart, ev::flag_bits(f));
  f = {};
  f.freeze_end = true;
  EXPECT_EQ(ev::kFlagFreezeEnd, ev::flag_bits(f));
  f = {};
  f.owner_watch = true;
  EXPECT_EQ(ev::kFlagOwnerWatch, ev::flag_bits(f));
}

}  // namespace
