// Regression tests for issue 16: on a plain buffer (no lock, no callbacks)
// whose last block was empty, a 0-byte evbuffer_add() took the inline fast
// path and marked that empty block as the last one holding data.  Every
// later operation that walks the blocks "while they hold data" then stopped
// early.  Each test is one sequence that failed (crash, abort or lost bytes)
// before the fix; the reference treats a 0-byte add as a no-op.
#include <event2/buffer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

// Every byte of `b`, read through evbuffer_peek (what a writer would send).
std::string peeked(evbuffer* b) {
  int n = evbuffer_peek(b, -1, nullptr, nullptr, 0);
  std::vector<evbuffer_iovec> v(static_cast<size_t>(n > 0 ? n : 0));
  evbuffer_peek(b, -1, nullptr, v.data(), n);
  std::string s;
  for (auto& e : v) s.append(static_cast<const char*>(e.iov_base), e.iov_len);
  return s;
}

std::string copied(evbuffer* b) {
  std::string s(evbuffer_get_length(b), '\0');
  EXPECT_EQ(evbuffer_copyout(b, s.data(), s.size()), static_cast<ev_ssize_t>(s.size()));
  return s;
}

TEST(BufferZeroAdd, ZeroByteAddOnAnEmptyBlockIsANoOp) {
  evbuffer* b = evbuffer_new();
  ASSERT_EQ(evbuffer_expand(b, 100), 0);
  ASSERT_EQ(evbuffer_add(b, "", 0), 0);
  EXPECT_EQ(evbuffer_get_length(b), 0u);
  EXPECT_EQ(evbuffer_peek(b, -1, nullptr, nullptr, 0), 0);
  ASSERT_EQ(evbuffer_add(b, "xyz", 3), 0);
  EXPECT_EQ(peeked(b), "xyz");
  evbuffer_free(b);
}

// Sequence 1: a reference behind the wrongly marked block, then a buffer
// reference to it: the views were never linked, so `out` reported 100 bytes
// with no block and evbuffer_pullup(out, -1) dereferenced NULL.
TEST(BufferZeroAdd, BufferReferenceAfterZeroAddSeesTheReferencedBytes) {
  std::string data(100, 'r');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  evbuffer* in = evbuffer_new();
  evbuffer* out = evbuffer_new();
  ASSERT_EQ(evbuffer_expand(in, 64), 0);  // leaves an empty last block
  ASSERT_EQ(evbuffer_add(in, data.data(), 0), 0);
  ASSERT_EQ(evbuffer_add_reference(in, data.data(), data.size(), nullptr, nullptr), 0);
  ASSERT_EQ(evbuffer_add_buffer_reference(out, in), 0);
  EXPECT_EQ(evbuffer_get_length(out), 100u);
  EXPECT_EQ(peeked(in), data);
  EXPECT_EQ(peeked(out), data);
  unsigned char* p = evbuffer_pullup(out, -1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(p), 100), data);
  evbuffer_free(out);
  evbuffer_free(in);
}

// Sequence 2: a drained buffer keeps its block; a 0-byte add marked it as
// holding data, a move linked blocks behind it, and moving bytes back out
// unlinked the empty block as if it held data: an assertion aborted.
TEST(BufferZeroAdd, RemoveBufferBackAndForthAfterZeroAdd) {
  evbuffer* b0 = evbuffer_new();
  evbuffer* b1 = evbuffer_new();
  const std::string fifteen = "fifteen bytes!!";
  const std::string more(400, 'm');  // large enough to move blocks, not copy
  ASSERT_EQ(evbuffer_add(b0, fifteen.data(), fifteen.size()), 0);
  ASSERT_EQ(evbuffer_remove_buffer(b0, b1, 15), 15);
  ASSERT_EQ(evbuffer_add(b0, "", 0), 0);
  ASSERT_EQ(evbuffer_add(b1, more.data(), more.size()), 0);
  ASSERT_EQ(evbuffer_remove_buffer(b1, b0, 1000), 415);
  std::string expect = fifteen + more;
  for (int round = 0; round < 4; ++round) {
    ASSERT_EQ(evbuffer_remove_buffer(b0, b1, 7), 7);
    ASSERT_EQ(evbuffer_remove_buffer(b0, b1, 1000), 408);
    ASSERT_EQ(evbuffer_add(b0, "", 0), 0);
    EXPECT_EQ(evbuffer_get_length(b0), 0u);
    EXPECT_EQ(peeked(b1), expect);
    ASSERT_EQ(evbuffer_remove_buffer(b1, b0, 10), 10);
    ASSERT_EQ(evbuffer_remove_buffer(b1, b0, 1000), 405);
    ASSERT_EQ(evbuffer_add(b1, "", 0), 0);
    EXPECT_EQ(peeked(b0), expect);
  }
  ASSERT_EQ(evbuffer_add(b0, "tail", 4), 0);
  EXPECT_EQ(peeked(b0), expect + "tail");
  EXPECT_EQ(copied(b0), expect + "tail");
  evbuffer_free(b0);
  evbuffer_free(b1);
}

// Sequence 3a: an empty commit leaves the reserved block empty; a 0-byte add
// marked it; the next, larger, reservation got a new block behind it, whose
// commit was rejected (-1) and its bytes lost.
TEST(BufferZeroAdd, CommitAfterEmptyCommitAndZeroAddKeepsTheBytes) {
  for (int zero_length_extent = 0; zero_length_extent < 2; ++zero_length_extent) {
    evbuffer* b = evbuffer_new();
    evbuffer_iovec v[1];
    ASSERT_EQ(evbuffer_reserve_space(b, 100, v, 1), 1);
    if (zero_length_extent) {
      v[0].iov_len = 0;
      ASSERT_EQ(evbuffer_commit_space(b, v, 1), 0);
    } else {
      ASSERT_EQ(evbuffer_commit_space(b, v, 0), 0);  // commit nothing
    }
    ASSERT_EQ(evbuffer_add(b, "", 0), 0);
    std::string big(6000, 'w');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('0' + i % 10);
    ASSERT_EQ(evbuffer_reserve_space(b, static_cast<ev_ssize_t>(big.size()), v, 1), 1);
    ASSERT_GE(v[0].iov_len, big.size());
    std::memcpy(v[0].iov_base, big.data(), big.size());
    v[0].iov_len = big.size();
    EXPECT_EQ(evbuffer_commit_space(b, v, 1), 0);
    EXPECT_EQ(evbuffer_get_length(b), big.size());
    EXPECT_EQ(peeked(b), big);
    evbuffer_free(b);
  }
}

// A file of `text`, as an fd positioned anywhere (segments use offsets).
int file_with(const std::string& text) {
  char path[] = "/tmp/evbuffer-zero-add-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  unlink(path);
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sequence 3b: expand, 0-byte add, add_file, prepend_buffer: evbuffer_peek
// hid the file's extent while the length counted it.
TEST(BufferZeroAdd, PrependedFileAfterZeroAddIsVisibleToPeek) {
  const std::string text = "file contents, forty bytes of them......";
  for (int prepend_file_buffer = 0; prepend_file_buffer < 2; ++prepend_file_buffer) {
    SCOPED_TRACE(prepend_file_buffer ? "file buffer prepended" : "file buffer receives");
    evbuffer* f = evbuffer_new();
    evbuffer* other = evbuffer_new();
    ASSERT_EQ(evbuffer_add(other, "head:", 5), 0);
    ASSERT_EQ(evbuffer_expand(f, 200), 0);
    ASSERT_EQ(evbuffer_add(f, "", 0), 0);
    int fd = file_with(text);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(evbuffer_add_file(f, fd, 0, static_cast<ev_off_t>(text.size())), 0);
    ASSERT_EQ(evbuffer_get_length(f), text.size());
    std::string want;
    evbuffer* result;
    if (prepend_file_buffer) {
      ASSERT_EQ(evbuffer_prepend_buffer(other, f), 0);
      want = text + "head:";
      result = other;
    } else {
      ASSERT_EQ(evbuffer_prepend_buffer(f, other), 0);
      want = "head:" + text;
      result = f;
    }
    EXPECT_EQ(evbuffer_get_length(result), want.size());
    EXPECT_EQ(peeked(result), want);
    EXPECT_EQ(copied(result), want);
    evbuffer_free(f);
    evbuffer_free(other);
  }
}

}  // namespace
