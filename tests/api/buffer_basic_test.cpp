// evbuffer basics through the public API: creating, adding, prepending,
// removing, draining, copying out, pulling up, expanding, reserving space,
// formatted output, freezing, and rejecting bad input.
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <string>

namespace {

std::string contents(evbuffer* buf) {
  std::string s(evbuffer_get_length(buf), '\0');
  EXPECT_EQ(evbuffer_copyout(buf, s.data(), s.size()), static_cast<ev_ssize_t>(s.size()));
  return s;
}

class BufferBasic : public ::testing::Test {
 protected:
  void SetUp() override {
    buf = evbuffer_new();
    ASSERT_NE(buf, nullptr);
  }
  void TearDown() override { evbuffer_free(buf); }
  evbuffer* buf = nullptr;
};

TEST_F(BufferBasic, NewBufferIsEmpty) {
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 0u);
  EXPECT_EQ(evbuffer_pullup(buf, -1), nullptr);
  EXPECT_EQ(EVBUFFER_LENGTH(buf), 0u);
  EXPECT_EQ(EVBUFFER_DATA(buf), nullptr);
}

TEST_F(BufferBasic, AddAppendsAndRemoveTakesFromFront) {
  ASSERT_EQ(evbuffer_add(buf, "hello ", 6), 0);
  ASSERT_EQ(evbuffer_add(buf, "world", 5), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 11u);
  char out[8] = {};
  EXPECT_EQ(evbuffer_remove(buf, out, 5), 5);
  EXPECT_STREQ(out, "hello");
  EXPECT_EQ(contents(buf), " world");
  // Asking for more than there is returns what there is.
  char rest[32];
  EXPECT_EQ(evbuffer_remove(buf, rest, sizeof rest), 6);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_remove(buf, rest, sizeof rest), 0);
}

TEST_F(BufferBasic, AddZeroBytesIsANoOp) {
  EXPECT_EQ(evbuffer_add(buf, nullptr, 0), 0);
  EXPECT_EQ(evbuffer_add(buf, "x", 0), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

TEST_F(BufferBasic, PrependPutsBytesInFront) {
  evbuffer_add(buf, "world", 5);
  ASSERT_EQ(evbuffer_prepend(buf, "hello ", 6), 0);
  EXPECT_EQ(contents(buf), "hello world");
  evbuffer_drain(buf, 11);
  ASSERT_EQ(evbuffer_prepend(buf, "abc", 3), 0);
  ASSERT_EQ(evbuffer_prepend(buf, "xyz", 3), 0);
  EXPECT_EQ(contents(buf), "xyzabc");
}

TEST_F(BufferBasic, DrainDropsBytesAndToleratesTooMuch) {
  evbuffer_add(buf, "0123456789", 10);
  EXPECT_EQ(evbuffer_drain(buf, 3), 0);
  EXPECT_EQ(contents(buf), "3456789");
  EXPECT_EQ(evbuffer_drain(buf, 1000), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_drain(buf, 1), 0);
}

TEST_F(BufferBasic, CopyoutLeavesTheBufferAlone) {
  evbuffer_add(buf, "abcdef", 6);
  char out[4];
  EXPECT_EQ(evbuffer_copyout(buf, out, 4), 4);
  EXPECT_EQ(std::memcmp(out, "abcd", 4), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 6u);
  evbuffer_ptr p;
  ASSERT_EQ(evbuffer_ptr_set(buf, &p, 4, EVBUFFER_PTR_SET), 0);
  EXPECT_EQ(evbuffer_copyout_from(buf, &p, out, 4), 2);
  EXPECT_EQ(std::memcmp(out, "ef", 2), 0);
  p.pos = 7;  // forged, beyond the end
  EXPECT_EQ(evbuffer_copyout_from(buf, &p, out, 4), -1);
}

TEST_F(BufferBasic, LargeDataSpansBlocksAndStaysIntact) {
  std::string big;
  for (int i = 0; i < 100000; ++i) big += static_cast<char>('a' + i % 26);
  for (size_t off = 0; off < big.size(); off += 777) {
    ASSERT_EQ(evbuffer_add(buf, big.data() + off, std::min<size_t>(777, big.size() - off)), 0);
  }
  EXPECT_EQ(contents(buf), big);
  EXPECT_LE(evbuffer_get_contiguous_space(buf), big.size());
}

TEST_F(BufferBasic, PullupLinearisesOnlyWhatIsAsked) {
  for (int i = 0; i < 10; ++i) {
    std::string piece(3000, static_cast<char>('a' + i));
    evbuffer_add_reference(
        buf, strdup(piece.c_str()), piece.size(),
        [](const void* d, size_t, void*) { free(const_cast<void*>(d)); }, nullptr);
  }
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 3000u);
  unsigned char* p = evbuffer_pullup(buf, 4000);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p[2999], 'a');
  EXPECT_EQ(p[3000], 'b');
  EXPECT_GE(evbuffer_get_contiguous_space(buf), 4000u);
  EXPECT_LT(evbuffer_get_contiguous_space(buf), 30000u);
  // Pulling up what is already contiguous does not move it.
  size_t c = evbuffer_get_contiguous_space(buf);
  EXPECT_EQ(evbuffer_pullup(buf, static_cast<ev_ssize_t>(c)), p);
  EXPECT_EQ(evbuffer_pullup(buf, 0), nullptr);
  EXPECT_EQ(evbuffer_pullup(buf, 30001), nullptr);
  unsigned char* all = evbuffer_pullup(buf, -1);
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(all[29999], 'j');
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 30000u);
}

TEST_F(BufferBasic, ExpandMakesRoomWithoutChangingContents) {
  evbuffer_add(buf, "x", 1);
  ASSERT_EQ(evbuffer_expand(buf, 100000), 0);
  EXPECT_EQ(contents(buf), "x");
  EXPECT_EQ(evbuffer_expand(buf, SIZE_MAX), -1);
}

TEST_F(BufferBasic, ReserveAndCommitAppend) {
  evbuffer_add(buf, "head:", 5);
  evbuffer_iovec v[2];
  int n = evbuffer_reserve_space(buf, 3000, v, 2);
  ASSERT_GE(n, 1);
  ASSERT_LE(n, 2);
  size_t total = 0;
  for (int i = 0; i < n; ++i) total += v[i].iov_len;
  EXPECT_GE(total, 3000u);
  // Nothing is visible before the commit.
  EXPECT_EQ(evbuffer_get_length(buf), 5u);
  std::memcpy(v[0].iov_base, "body", 4);
  v[0].iov_len = 4;
  ASSERT_EQ(evbuffer_commit_space(buf, v, 1), 0);
  EXPECT_EQ(contents(buf), "head:body");
}

// A larger reservation keeps the space reserved before (the caller may
// already have written there) and adds extents up to n_vec, as libevent's
// evbuffer_reserve_space does: the first extent stays where it was.
TEST_F(BufferBasic, GrowingReservationKeepsEarlierSpaceAndUsesEveryVector) {
  evbuffer_iovec v[3];
  ASSERT_EQ(evbuffer_reserve_space(buf, 128, v, 2), 1);
  void* first = v[0].iov_base;
  size_t first_len = v[0].iov_len;

  ASSERT_EQ(evbuffer_reserve_space(buf, first_len + 128, v, 2), 2);
  EXPECT_EQ(v[0].iov_base, first);
  EXPECT_GE(v[0].iov_len + v[1].iov_len, first_len + 128);
  void* second = v[1].iov_base;
  size_t two = v[0].iov_len + v[1].iov_len;

  ASSERT_EQ(evbuffer_reserve_space(buf, two + 128, v, 3), 3);
  EXPECT_EQ(v[0].iov_base, first);
  EXPECT_EQ(v[1].iov_base, second);

  // What is written into all three extents is committed in order.
  std::string expect;
  for (int i = 0; i < 3; ++i) {
    std::memset(v[i].iov_base, 'a' + i, 10);
    v[i].iov_len = 10;
    expect.append(10, static_cast<char>('a' + i));
  }
  ASSERT_EQ(evbuffer_commit_space(buf, v, 3), 0);
  EXPECT_EQ(contents(buf), expect);
}

TEST_F(BufferBasic, ReserveOneExtentIsContiguous) {
  evbuffer_iovec v[1];
  ASSERT_EQ(evbuffer_reserve_space(buf, 10000, v, 1), 1);
  EXPECT_GE(v[0].iov_len, 10000u);
  std::memset(v[0].iov_base, 'z', 10000);
  v[0].iov_len = 10000;
  ASSERT_EQ(evbuffer_commit_space(buf, v, 1), 0);
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 10000u);
}

TEST_F(BufferBasic, CommitRejectsForeignOrOversizedExtents) {
  evbuffer_iovec v[2];
  ASSERT_GE(evbuffer_reserve_space(buf, 100, v, 1), 1);
  char other[10];
  evbuffer_iovec bad = {other, 5};
  EXPECT_EQ(evbuffer_commit_space(buf, &bad, 1), -1);
  evbuffer_iovec too_big = {v[0].iov_base, v[0].iov_len + 1};
  EXPECT_EQ(evbuffer_commit_space(buf, &too_big, 1), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_commit_space(buf, v, 0), 0);
}

TEST_F(BufferBasic, ReserveRejectsBadArguments) {
  evbuffer_iovec v[2];
  EXPECT_EQ(evbuffer_reserve_space(buf, -1, v, 2), -1);
  EXPECT_EQ(evbuffer_reserve_space(buf, 10, v, 0), -1);
  EXPECT_EQ(evbuffer_reserve_space(buf, 10, nullptr, 1), -1);
}

TEST_F(BufferBasic, PrintfAppendsFormattedText) {
  EXPECT_EQ(evbuffer_add_printf(buf, "Hello %s %d.%d.%d", "world", 2, 0, 1), 17);
  EXPECT_EQ(contents(buf), "Hello world 2.0.1");
  std::string wide(5000, '-');
  EXPECT_EQ(evbuffer_add_printf(buf, "%s|", wide.c_str()), 5001);
  EXPECT_EQ(evbuffer_get_length(buf), 17u + 5001u);
  EXPECT_EQ(evbuffer_add_printf(buf, "%s", ""), 0);
}

TEST_F(BufferBasic, AddIovecAppendsAllExtentsInOrder) {
  char a[] = "abc", b[] = "defgh";
  evbuffer_iovec v[2] = {{a, 3}, {b, 5}};
  EXPECT_EQ(evbuffer_add_iovec(buf, v, 2), 8u);
  EXPECT_EQ(contents(buf), "abcdefgh");
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 8u);
  EXPECT_EQ(evbuffer_add_iovec(buf, v, 0), 0u);
  EXPECT_EQ(evbuffer_add_iovec(buf, v, -3), 0u);
}

TEST_F(BufferBasic, FrozenFrontRefusesDrainingAndPrepending) {
  evbuffer_add(buf, "abc", 3);
  ASSERT_EQ(evbuffer_freeze(buf, 1), 0);
  char out[3];
  EXPECT_EQ(evbuffer_drain(buf, 1), -1);
  EXPECT_EQ(evbuffer_remove(buf, out, 1), -1);
  EXPECT_EQ(evbuffer_prepend(buf, "x", 1), -1);
  EXPECT_EQ(evbuffer_readln(buf, nullptr, EVBUFFER_EOL_ANY), nullptr);
  // The back stays open.
  EXPECT_EQ(evbuffer_add(buf, "d", 1), 0);
  ASSERT_EQ(evbuffer_unfreeze(buf, 1), 0);
  EXPECT_EQ(contents(buf), "abcd");
  EXPECT_EQ(evbuffer_drain(buf, 1), 0);
}

TEST_F(BufferBasic, FrozenBackRefusesAppending) {
  evbuffer_add(buf, "abc", 3);
  ASSERT_EQ(evbuffer_freeze(buf, 0), 0);
  evbuffer_iovec v[2];
  EXPECT_EQ(evbuffer_add(buf, "x", 1), -1);
  EXPECT_EQ(evbuffer_add_printf(buf, "%d", 1), -1);
  EXPECT_EQ(evbuffer_reserve_space(buf, 10, v, 2), -1);
  EXPECT_EQ(evbuffer_add_reference(buf, "r", 1, nullptr, nullptr), -1);
  EXPECT_EQ(evbuffer_add_iovec(buf, v, 0), 0u);
  // The front stays open.
  EXPECT_EQ(evbuffer_prepend(buf, "p", 1), 0);
  EXPECT_EQ(evbuffer_drain(buf, 1), 0);
  ASSERT_EQ(evbuffer_unfreeze(buf, 0), 0);
  EXPECT_EQ(evbuffer_add(buf, "x", 1), 0);
  EXPECT_EQ(contents(buf), "abcx");
}

TEST_F(BufferBasic, NullArgumentsAreRejected) {
  EXPECT_EQ(evbuffer_add(nullptr, "x", 1), -1);
  EXPECT_EQ(evbuffer_add(buf, nullptr, 5), -1);
  EXPECT_EQ(evbuffer_prepend(buf, nullptr, 5), -1);
  EXPECT_EQ(evbuffer_get_length(nullptr), 0u);
  EXPECT_EQ(evbuffer_drain(nullptr, 1), -1);
  EXPECT_EQ(evbuffer_pullup(nullptr, 1), nullptr);
  EXPECT_EQ(evbuffer_copyout(buf, nullptr, 0), 0);
  evbuffer_add(buf, "x", 1);
  EXPECT_EQ(evbuffer_copyout(buf, nullptr, 1), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 1u);
  evbuffer_free(nullptr);
}

TEST_F(BufferBasic, OversizedLengthsFailWithoutChange) {
  evbuffer_add(buf, "abc", 3);
  EXPECT_EQ(evbuffer_add(buf, "abc", SIZE_MAX), -1);
  EXPECT_EQ(evbuffer_prepend(buf, "abc", SIZE_MAX - 1), -1);
  EXPECT_EQ(contents(buf), "abc");
  char out[3];
  // A huge request just returns what there is.
  EXPECT_EQ(evbuffer_remove(buf, out, SIZE_MAX), 3);
}

TEST(BufferLocking, LockingNeedsThreadSupportOrALock) {
  evbuffer* buf = evbuffer_new();
  // Without evthread_use_pthreads() there is no lock to create...
  EXPECT_EQ(evbuffer_enable_locking(buf, nullptr), -1);
  // ...and evbuffer_lock()/unlock() are harmless no-ops.
  evbuffer_lock(buf);
  evbuffer_add(buf, "x", 1);
  evbuffer_unlock(buf);
  EXPECT_EQ(evbuffer_get_length(buf), 1u);
  evbuffer_free(buf);
}

}  // namespace
