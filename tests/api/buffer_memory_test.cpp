// evbuffer memory use, measured through event_set_mem_functions(): blocks
// are sized for their data (no power-of-two rounding), every allocation
// goes through the installed functions, and nothing is leaked.
#include <event2/buffer.h>
#include <event2/event.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "counting_allocator.hpp"

namespace {

using evtest::g_live_blocks;
using evtest::g_live_bytes;
const bool& g_installed = evtest::g_counting_installed;

TEST(BufferMemory, EmptyBufferIsOneSmallBlock) {
  ASSERT_TRUE(g_installed);
  size_t before = g_live_bytes;
  long blocks = g_live_blocks;
  evbuffer* buf = evbuffer_new();
  ASSERT_NE(buf, nullptr);
  EXPECT_LE(g_live_bytes - before, 96u);  // libevent 2.1.12: 136
  EXPECT_EQ(g_live_blocks - blocks, 1);
  // Ordinary settings need nothing more.
  evbuffer_freeze(buf, 0);
  evbuffer_unfreeze(buf, 0);
  evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
  EXPECT_EQ(g_live_blocks - blocks, 1);
  evbuffer_free(buf);
  EXPECT_EQ(g_live_bytes, before);
}

TEST(BufferMemory, DeferringCallbacksCostsOneSideBlockFreedWithTheBuffer) {
  size_t before = g_live_bytes;
  event_base* base = event_base_new();
  size_t with_base = g_live_bytes;
  evbuffer* buf = evbuffer_new();
  size_t plain = g_live_bytes - with_base;
  ASSERT_EQ(evbuffer_defer_callbacks(buf, base), 0);
  EXPECT_LE(g_live_bytes - with_base, plain + 96);
  evbuffer_free(buf);
  EXPECT_EQ(g_live_bytes, with_base);
  event_base_free(base);
  EXPECT_EQ(g_live_bytes, before);
}

TEST(BufferMemory, FourKilobytesCostAtMostFourAndAHalf) {
  ASSERT_TRUE(g_installed);
  size_t before = g_live_bytes;
  evbuffer* buf = evbuffer_new();
  std::string data(4096, 'x');
  ASSERT_EQ(evbuffer_add(buf, data.data(), data.size()), 0);
  EXPECT_LE(g_live_bytes - before, 4608u);
  evbuffer_free(buf);
  EXPECT_EQ(g_live_bytes, before);
}

TEST(BufferMemory, SmallAddsCoalesceIntoOneBlock) {
  long blocks = g_live_blocks;
  evbuffer* buf = evbuffer_new();
  for (int i = 0; i < 100; ++i) evbuffer_add(buf, "0123456789", 5);
  // The evbuffer itself plus a single data block.
  EXPECT_EQ(g_live_blocks - blocks, 2);
  evbuffer_iovec v[4];
  EXPECT_EQ(evbuffer_peek(buf, -1, nullptr, v, 4), 1);
  evbuffer_free(buf);
  EXPECT_EQ(g_live_blocks, blocks);
}

TEST(BufferMemory, LargeAddGetsABlockOfItsOwnSize) {
  size_t before = g_live_bytes;
  evbuffer* buf = evbuffer_new();
  std::string data(100000, 'y');
  evbuffer_add(buf, data.data(), data.size());
  EXPECT_LE(g_live_bytes - before, 100000u + 512u);
  evbuffer_free(buf);
}

TEST(BufferMemory, ReadlnResultComesFromTheMemoryFunctions) {
  evbuffer* buf = evbuffer_new();
  evbuffer_add(buf, "line\n", 5);
  long blocks = g_live_blocks;
  char* line = evbuffer_readln(buf, nullptr, EVBUFFER_EOL_LF);
  ASSERT_NE(line, nullptr);
  EXPECT_GE(g_live_blocks, blocks);  // the string is counted (the block may be freed)
  evtest::counting_free(line);
  evbuffer_free(buf);
}

TEST(BufferMemory, ManyOperationsLeaveNothingBehind) {
  long blocks = g_live_blocks;
  size_t bytes = g_live_bytes;
  evbuffer* a = evbuffer_new();
  evbuffer* b = evbuffer_new();
  std::string data(3000, 'z');
  for (int round = 0; round < 200; ++round) {
    evbuffer_add(a, data.data(), static_cast<size_t>(round * 13 % 3000));
    evbuffer_prepend(a, "p", 1);
    evbuffer_add_printf(a, "%d", round);
    evbuffer_remove_buffer(a, b, static_cast<size_t>(round * 7));
    evbuffer_add_buffer_reference(a, b);
    evbuffer_iovec v[2];
    int n = evbuffer_reserve_space(b, 500, v, 2);
    if (n > 0) {
      v[0].iov_len = 10;
      evbuffer_commit_space(b, v, 1);
    }
    evbuffer_pullup(a, static_cast<ev_ssize_t>(evbuffer_get_length(a) / 2));
    evbuffer_drain(b, static_cast<size_t>(round * 11));
    evbuffer_drain(a, static_cast<size_t>(round * 17));
  }
  evbuffer_free(a);
  evbuffer_free(b);
  EXPECT_EQ(g_live_blocks, blocks);
  EXPECT_EQ(g_live_bytes, bytes);
}

}  // namespace
