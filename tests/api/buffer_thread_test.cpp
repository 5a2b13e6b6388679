// evbuffer_enable_locking(): once a buffer has a lock, every call is safe
// from several threads.  Writers append while a reader drains; nothing is
// lost or duplicated.  Meant to run clean under TSan (the threads label).
#include <event2/buffer.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace {

constexpr int kWriters = 3;
constexpr int kRecordsPerWriter = 20000;
constexpr size_t kRecord = 8;  // writer id and sequence number, fixed width

class BufferThreads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
};

TEST_F(BufferThreads, LockedBufferKeepsEveryRecordOfConcurrentWriters) {
  evbuffer* buf = evbuffer_new();
  ASSERT_NE(nullptr, buf);
  ASSERT_EQ(0, evbuffer_enable_locking(buf, nullptr));

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([buf, w] {
      for (int i = 0; i < kRecordsPerWriter; ++i) {
        char record[kRecord + 1];
        snprintf(record, sizeof(record), "%d%07d", w, i);
        // One call per record: records must never interleave.
        ASSERT_EQ(0, evbuffer_add(buf, record, kRecord));
      }
    });
  }
  // The reader removes whole records under the buffer's lock and checks
  // that each writer's sequence arrives in order.
  int next[kWriters] = {};
  int taken = 0;
  std::atomic<bool> writers_done{false};
  std::thread done_flag([&] {
    for (auto& t : writers) t.join();
    writers_done = true;
  });
  while (taken < kWriters * kRecordsPerWriter) {
    char record[kRecord + 1] = {};
    evbuffer_lock(buf);
    const bool have = evbuffer_get_length(buf) >= kRecord;
    if (have) ASSERT_EQ(static_cast<int>(kRecord), evbuffer_remove(buf, record, kRecord));
    evbuffer_unlock(buf);
    if (!have) {
      ASSERT_FALSE(writers_done.load() && evbuffer_get_length(buf) < kRecord)
          << "records lost: " << taken << " taken";
      std::this_thread::yield();
      continue;
    }
    const int w = record[0] - '0';
    ASSERT_TRUE(w >= 0 && w < kWriters) << record;
    EXPECT_EQ(next[w], atoi(record + 1)) << "writer " << w;
    next[w] = atoi(record + 1) + 1;
    ++taken;
  }
  done_flag.join();
  EXPECT_EQ(0u, evbuffer_get_length(buf));
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(kRecordsPerWriter, next[w]);
  evbuffer_free(buf);
}

}  // namespace
