// evbuffer positions, searching, peeking and line reading through the
// public API, including matches and line endings that straddle blocks.
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

class BufferSearch : public ::testing::Test {
 protected:
  void SetUp() override { buf = evbuffer_new(); }
  void TearDown() override { evbuffer_free(buf); }
  // Adds each piece as its own block (by reference), so that data is split.
  void add_split(std::initializer_list<const char*> pieces) {
    for (const char* p : pieces) evbuffer_add_reference(buf, p, std::strlen(p), nullptr, nullptr);
  }
  evbuffer* buf = nullptr;
};

int count_instances(evbuffer* buf, const char* str) {
  size_t len = std::strlen(str);
  int total = 0;
  evbuffer_ptr p;
  evbuffer_ptr_set(buf, &p, 0, EVBUFFER_PTR_SET);
  while (true) {
    p = evbuffer_search(buf, str, len, &p);
    if (p.pos < 0) break;
    ++total;
    evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD);
  }
  return total;
}

TEST_F(BufferSearch, PtrSetCoversFrontToJustPastTheEnd) {
  evbuffer_add(buf, "0123456789", 10);
  evbuffer_ptr p;
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 0, EVBUFFER_PTR_SET), 0);
  EXPECT_EQ(p.pos, 0);
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 4, EVBUFFER_PTR_ADD), 0);
  EXPECT_EQ(p.pos, 4);
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 6, EVBUFFER_PTR_ADD), 0);
  EXPECT_EQ(p.pos, 10);
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD), -1);
  EXPECT_EQ(p.pos, -1);
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 11, EVBUFFER_PTR_SET), -1);
  EXPECT_EQ(p.pos, -1);
  // An invalid pointer cannot be advanced.
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD), -1);
  EXPECT_EQ(evbuffer_ptr_set(buf, &p, 0, static_cast<evbuffer_ptr_how>(7)), -1);
}

TEST_F(BufferSearch, SearchFindsEveryOccurrenceAcrossBlocks) {
  add_split({"abcab", "cabc", "a", "bc"});
  EXPECT_EQ(count_instances(buf, "abc"), 4);
  EXPECT_EQ(count_instances(buf, "cab"), 3);
  EXPECT_EQ(count_instances(buf, "zzz"), 0);
  evbuffer_ptr p = evbuffer_search(buf, "bcab", 4, nullptr);
  EXPECT_EQ(p.pos, 1);
  p = evbuffer_search(buf, "cabca", 5, nullptr);
  EXPECT_EQ(p.pos, 2);
  p = evbuffer_search(buf, "bcabcabcabc", 11, nullptr);
  EXPECT_EQ(p.pos, 1);
}

TEST_F(BufferSearch, SearchRangeOnlyCountsMatchesEndingBeforeEnd) {
  evbuffer_add(buf, "hello world", 11);
  evbuffer_ptr start, end;
  evbuffer_ptr_set(buf, &start, 0, EVBUFFER_PTR_SET);
  evbuffer_ptr_set(buf, &end, 7, EVBUFFER_PTR_SET);
  EXPECT_EQ(evbuffer_search_range(buf, "wo", 2, &start, &end).pos, -1);
  evbuffer_ptr_set(buf, &end, 8, EVBUFFER_PTR_SET);
  EXPECT_EQ(evbuffer_search_range(buf, "wo", 2, &start, &end).pos, 6);
  EXPECT_EQ(evbuffer_search_range(buf, "wo", 2, &start, nullptr).pos, 6);
}

TEST_F(BufferSearch, EmptyNeedleIsFoundAtStart) {
  evbuffer_add(buf, "abc", 3);
  evbuffer_ptr p;
  evbuffer_ptr_set(buf, &p, 2, EVBUFFER_PTR_SET);
  EXPECT_EQ(evbuffer_search(buf, "", 0, &p).pos, 2);
  EXPECT_EQ(evbuffer_search(buf, "", 0, nullptr).pos, 0);
}

TEST_F(BufferSearch, InvalidStartGivesNotFound) {
  evbuffer_add(buf, "abc", 3);
  evbuffer_ptr p;
  p.pos = 10;
  EXPECT_EQ(evbuffer_search(buf, "a", 1, &p).pos, -1);
  p.pos = -1;
  EXPECT_EQ(evbuffer_search(buf, "a", 1, &p).pos, -1);
  size_t len = 5;
  EXPECT_EQ(evbuffer_search_eol(buf, &p, &len, EVBUFFER_EOL_LF).pos, -1);
  EXPECT_EQ(len, 0u);
}

TEST_F(BufferSearch, SearchEolReportsPositionAndLength) {
  add_split({"line one\r", "\nline two\n", "x\r\r\n"});
  size_t len = 0;
  evbuffer_ptr p = evbuffer_search_eol(buf, nullptr, &len, EVBUFFER_EOL_CRLF_STRICT);
  EXPECT_EQ(p.pos, 8);
  EXPECT_EQ(len, 2u);
  evbuffer_ptr_set(buf, &p, 10, EVBUFFER_PTR_SET);
  p = evbuffer_search_eol(buf, &p, &len, EVBUFFER_EOL_LF);
  EXPECT_EQ(p.pos, 18);
  EXPECT_EQ(len, 1u);
  evbuffer_ptr_set(buf, &p, 19, EVBUFFER_PTR_SET);
  p = evbuffer_search_eol(buf, &p, &len, EVBUFFER_EOL_ANY);
  EXPECT_EQ(p.pos, 20);
  EXPECT_EQ(len, 3u);
  evbuffer_ptr_set(buf, &p, 19, EVBUFFER_PTR_SET);
  p = evbuffer_search_eol(buf, &p, &len, EVBUFFER_EOL_CRLF);
  EXPECT_EQ(p.pos, 21);
  EXPECT_EQ(len, 2u);
  p = evbuffer_search_eol(buf, nullptr, &len, EVBUFFER_EOL_NUL);
  EXPECT_EQ(p.pos, -1);
  EXPECT_EQ(len, 0u);
}

TEST_F(BufferSearch, ReadlnHandlesEveryStyle) {
  const char text[] = "a\r\nb\nc\r\r\nd\0e\n";
  evbuffer_add(buf, text, sizeof text - 1);
  size_t n = 99;
  char* line = evbuffer_readln(buf, &n, EVBUFFER_EOL_CRLF_STRICT);
  ASSERT_NE(line, nullptr);
  EXPECT_STREQ(line, "a");
  EXPECT_EQ(n, 1u);
  std::free(line);
  line = evbuffer_readln(buf, &n, EVBUFFER_EOL_LF);
  EXPECT_STREQ(line, "b");
  std::free(line);
  line = evbuffer_readln(buf, &n, EVBUFFER_EOL_CRLF);  // lone CR stays in the line
  EXPECT_STREQ(line, "c\r");
  EXPECT_EQ(n, 2u);
  std::free(line);
  line = evbuffer_readln(buf, &n, EVBUFFER_EOL_NUL);
  EXPECT_STREQ(line, "d");
  std::free(line);
  EXPECT_EQ(evbuffer_readln(buf, &n, EVBUFFER_EOL_CRLF_STRICT), nullptr);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(evbuffer_get_length(buf), 2u);  // "e\n" is untouched
}

TEST_F(BufferSearch, ReadlnAnyEatsWholeRunOfEndings) {
  evbuffer_add(buf, "one\r\n\r\ntwo\n", 11);
  char* line = evbuffer_readline(buf);
  EXPECT_STREQ(line, "one");
  std::free(line);
  EXPECT_EQ(evbuffer_get_length(buf), 4u);
  line = evbuffer_readln(buf, nullptr, EVBUFFER_EOL_ANY);
  EXPECT_STREQ(line, "two");
  std::free(line);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

TEST_F(BufferSearch, ReadlnKeepsEmbeddedNulAndReportsLength) {
  evbuffer_add(buf, "a\0b\r\n", 5);
  size_t n = 0;
  char* line = evbuffer_readln(buf, &n, EVBUFFER_EOL_CRLF);
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(std::memcmp(line, "a\0b", 4), 0);
  std::free(line);
}

TEST_F(BufferSearch, ReadlnAcrossBlocks) {
  add_split({"GET / HT", "TP/1.0\r", "\nHost: x\r\n"});
  char* line = evbuffer_readln(buf, nullptr, EVBUFFER_EOL_CRLF);
  EXPECT_STREQ(line, "GET / HTTP/1.0");
  std::free(line);
  line = evbuffer_readln(buf, nullptr, EVBUFFER_EOL_CRLF);
  EXPECT_STREQ(line, "Host: x");
  std::free(line);
}

TEST_F(BufferSearch, PeekPointsAtBlocksWithoutCopying) {
  add_split({"abc", "defg", "hi"});
  EXPECT_EQ(evbuffer_peek(buf, -1, nullptr, nullptr, 0), 3);
  EXPECT_EQ(evbuffer_peek(buf, 4, nullptr, nullptr, 0), 2);
  evbuffer_iovec v[3];
  EXPECT_EQ(evbuffer_peek(buf, -1, nullptr, v, 2), 2);
  EXPECT_EQ(std::string(static_cast<char*>(v[1].iov_base), v[1].iov_len), "defg");
  // From a position inside a block: the first extent starts there.
  evbuffer_ptr p;
  evbuffer_ptr_set(buf, &p, 5, EVBUFFER_PTR_SET);
  EXPECT_EQ(evbuffer_peek(buf, -1, &p, v, 3), 2);
  EXPECT_EQ(std::string(static_cast<char*>(v[0].iov_base), v[0].iov_len), "fg");
  // Too few vectors: says how many are needed.
  EXPECT_EQ(evbuffer_peek(buf, 9, nullptr, v, 1), 3);
  evbuffer_ptr_set(buf, &p, 9, EVBUFFER_PTR_SET);
  EXPECT_EQ(evbuffer_peek(buf, -1, &p, v, 3), 0);
  EXPECT_EQ(evbuffer_peek(buf, -1, nullptr, nullptr, 5), -1);
}

TEST_F(BufferSearch, FindPullsUpThroughTheMatch) {
  add_split({"xxab", "cdyy"});
  unsigned char* p = evbuffer_find(buf, reinterpret_cast<const unsigned char*>("bcd"), 3);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::memcmp(p, "bcd", 3), 0);
  EXPECT_EQ(evbuffer_find(buf, reinterpret_cast<const unsigned char*>("q"), 1), nullptr);
  EXPECT_EQ(evbuffer_get_length(buf), 8u);
}

}  // namespace
