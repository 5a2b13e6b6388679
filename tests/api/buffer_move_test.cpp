// Moving and sharing data between evbuffers, and memory added by
// reference: contents, emptiness of the source, freeze checks and the
// exactly-once cleanup promise.
#include <event2/buffer.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

std::string contents(evbuffer* buf) {
  std::string s(evbuffer_get_length(buf), '\0');
  evbuffer_copyout(buf, s.data(), s.size());
  return s;
}

struct Cleanup {
  int calls = 0;
  const void* data = nullptr;
  size_t len = 0;
};

void count_cleanup(const void* data, size_t len, void* arg) {
  auto* c = static_cast<Cleanup*>(arg);
  ++c->calls;
  c->data = data;
  c->len = len;
}

class BufferMove : public ::testing::Test {
 protected:
  void SetUp() override {
    a = evbuffer_new();
    b = evbuffer_new();
  }
  void TearDown() override {
    evbuffer_free(a);
    evbuffer_free(b);
  }
  evbuffer* a = nullptr;
  evbuffer* b = nullptr;
};

TEST_F(BufferMove, AddBufferMovesEverything) {
  evbuffer_add(a, "head ", 5);
  std::string big(50000, 'q');
  evbuffer_add(b, big.data(), big.size());
  ASSERT_EQ(evbuffer_add_buffer(a, b), 0);
  EXPECT_EQ(evbuffer_get_length(b), 0u);
  EXPECT_EQ(contents(a), "head " + big);
  // Adding an empty buffer, or a buffer to itself, changes nothing.
  EXPECT_EQ(evbuffer_add_buffer(a, b), 0);
  EXPECT_EQ(evbuffer_add_buffer(a, a), 0);
  EXPECT_EQ(evbuffer_get_length(a), 50005u);
}

TEST_F(BufferMove, AddBufferRespectsFreezes) {
  evbuffer_add(b, "x", 1);
  evbuffer_freeze(b, 1);
  EXPECT_EQ(evbuffer_add_buffer(a, b), -1);
  evbuffer_unfreeze(b, 1);
  evbuffer_freeze(a, 0);
  EXPECT_EQ(evbuffer_add_buffer(a, b), -1);
  evbuffer_unfreeze(a, 0);
  EXPECT_EQ(evbuffer_get_length(b), 1u);
  EXPECT_EQ(evbuffer_add_buffer(a, b), 0);
}

TEST_F(BufferMove, PrependBufferPutsSourceInFront) {
  evbuffer_add(a, "world", 5);
  evbuffer_add(b, "hello ", 6);
  ASSERT_EQ(evbuffer_prepend_buffer(a, b), 0);
  EXPECT_EQ(contents(a), "hello world");
  EXPECT_EQ(evbuffer_get_length(b), 0u);
  evbuffer_add(b, "x", 1);
  evbuffer_freeze(a, 1);
  EXPECT_EQ(evbuffer_prepend_buffer(a, b), -1);
  evbuffer_unfreeze(a, 1);
}

TEST_F(BufferMove, RemoveBufferMovesAPrefix) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += static_cast<char>('0' + i % 10);
  for (size_t i = 0; i < text.size(); i += 1000) evbuffer_add(a, text.data() + i, 1000);
  EXPECT_EQ(evbuffer_remove_buffer(a, b, 2500), 2500);
  EXPECT_EQ(contents(b), text.substr(0, 2500));
  EXPECT_EQ(contents(a), text.substr(2500));
  EXPECT_EQ(evbuffer_remove_buffer(a, b, 100000), 2500);
  EXPECT_EQ(contents(b), text);
  EXPECT_EQ(evbuffer_remove_buffer(a, b, 10), 0);
  EXPECT_EQ(evbuffer_remove_buffer(b, b, 10), 0);
  evbuffer_freeze(b, 1);
  EXPECT_EQ(evbuffer_remove_buffer(b, a, 10), -1);
}

TEST_F(BufferMove, ReferenceCleanupRunsOnceWhenLastByteLeaves) {
  static const char kData[] = "referenced bytes";
  Cleanup c;
  ASSERT_EQ(evbuffer_add_reference(a, kData, 16, count_cleanup, &c), 0);
  EXPECT_EQ(contents(a), "referenced bytes");
  evbuffer_drain(a, 10);
  EXPECT_EQ(c.calls, 0);
  // Moving to another buffer does not release it either.
  evbuffer_add_buffer(b, a);
  EXPECT_EQ(c.calls, 0);
  evbuffer_drain(b, 6);
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(c.data, kData);
  EXPECT_EQ(c.len, 16u);
  evbuffer_add(b, "more", 4);
  evbuffer_drain(b, 4);
  EXPECT_EQ(c.calls, 1);
}

TEST_F(BufferMove, ReferenceCleanupRunsWhenBufferIsFreed) {
  Cleanup c;
  evbuffer* tmp = evbuffer_new();
  evbuffer_add_reference(tmp, "abc", 3, count_cleanup, &c);
  evbuffer_free(tmp);
  EXPECT_EQ(c.calls, 1);
}

TEST_F(BufferMove, RefusedReferenceIsNotCleanedUp) {
  Cleanup c;
  evbuffer_freeze(a, 0);
  EXPECT_EQ(evbuffer_add_reference(a, "abc", 3, count_cleanup, &c), -1);
  EXPECT_EQ(c.calls, 0);
  EXPECT_EQ(evbuffer_add_reference(a, nullptr, 3, count_cleanup, &c), -1);
}

TEST_F(BufferMove, BufferReferenceSharesWithoutEmptyingTheSource) {
  Cleanup c;
  evbuffer_add(b, "shared ", 7);
  evbuffer_add_reference(b, "memory", 6, count_cleanup, &c);
  ASSERT_EQ(evbuffer_add_buffer_reference(a, b), 0);
  EXPECT_EQ(contents(a), "shared memory");
  EXPECT_EQ(contents(b), "shared memory");
  // Each side consumes independently; the source may even grow.
  evbuffer_drain(b, 13);
  evbuffer_add(b, "new", 3);
  EXPECT_EQ(contents(a), "shared memory");
  EXPECT_EQ(c.calls, 0);
  evbuffer_drain(a, 13);
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(contents(b), "new");
}

TEST_F(BufferMove, BufferReferenceOutlivesTheFreedSource) {
  evbuffer* src = evbuffer_new();
  evbuffer_add(src, "survives", 8);
  ASSERT_EQ(evbuffer_add_buffer_reference(a, src), 0);
  evbuffer_free(src);
  EXPECT_EQ(contents(a), "survives");
}

TEST_F(BufferMove, BufferReferenceOfReferencesIsRefused) {
  evbuffer_add(b, "x", 1);
  ASSERT_EQ(evbuffer_add_buffer_reference(a, b), 0);
  evbuffer* c = evbuffer_new();
  EXPECT_EQ(evbuffer_add_buffer_reference(c, a), -1);
  EXPECT_EQ(evbuffer_get_length(c), 0u);
  EXPECT_EQ(evbuffer_add_buffer_reference(a, a), -1);
  evbuffer_free(c);
}

}  // namespace
