// The evbuffer fast paths and the storage policies behind them, checked
// through the public API against simple models: searches whose match
// straddles blocks at every offset, needles of every length, line reading
// from the first block, reserve/commit in place, a drained block reused,
// pullup of data already contiguous, and small moves copied.
#include <event2/buffer.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

class BufferFastPath : public ::testing::Test {
 protected:
  void SetUp() override { buf = evbuffer_new(); }
  void TearDown() override { evbuffer_free(buf); }
  std::string contents(evbuffer* b) {
    std::string s(evbuffer_get_length(b), '\0');
    evbuffer_copyout(b, s.data(), s.size());
    return s;
  }
  evbuffer* buf = nullptr;
};

// Adds `text` as blocks of `piece` bytes each (references do not coalesce).
void add_in_pieces(evbuffer* b, const std::string& text, size_t piece) {
  for (size_t at = 0; at < text.size(); at += piece) {
    size_t n = text.size() - at < piece ? text.size() - at : piece;
    ASSERT_EQ(evbuffer_add_reference(b, text.data() + at, n, nullptr, nullptr), 0);
  }
}

// Deterministic lowercase text with no '!' in it.
std::string letters(size_t n) {
  std::string s(n, 'a');
  unsigned x = 12345;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>('a' + (x >> 16) % 7);
  }
  return s;
}

TEST_F(BufferFastPath, SearchFindsNeedlesStraddlingBlocksAtEveryOffset) {
  const std::string needle = "xy!z!w";
  for (size_t piece : {1u, 2u, 3u, 5u, 16u, 17u, 40u}) {
    for (size_t at = 0; at + needle.size() <= 80; ++at) {
      std::string text = letters(80);
      text.replace(at, needle.size(), needle);
      evbuffer* b = evbuffer_new();
      add_in_pieces(b, text, piece);
      evbuffer_ptr p = evbuffer_search(b, needle.data(), needle.size(), nullptr);
      EXPECT_EQ(p.pos, static_cast<ev_ssize_t>(at)) << "piece " << piece << " at " << at;
      evbuffer_free(b);
    }
  }
}

TEST_F(BufferFastPath, SearchAgreesWithStdStringForEveryNeedleLength) {
  std::string text = letters(300);
  add_in_pieces(buf, text, 37);
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t from : {0u, 1u, 36u, 37u, 100u}) {
      // A needle taken from the text, and one that matches only partly.
      std::string present = text.substr(150, len);
      std::string absent = present;
      absent.back() = '!';
      evbuffer_ptr start;
      ASSERT_EQ(evbuffer_ptr_set(buf, &start, from, EVBUFFER_PTR_SET), 0);
      evbuffer_ptr p = evbuffer_search(buf, present.data(), len, &start);
      size_t want = text.find(present, from);
      EXPECT_EQ(p.pos, static_cast<ev_ssize_t>(want)) << "len " << len << " from " << from;
      p = evbuffer_search(buf, absent.data(), len, &start);
      EXPECT_EQ(p.pos, -1) << "len " << len << " from " << from;
    }
  }
}

TEST_F(BufferFastPath, SearchRangeStopsAtTheEndPointerInsideABlock) {
  std::string text = letters(200);
  text.replace(120, 4, "q!q!");
  evbuffer_add(buf, text.data(), text.size());  // one block: the vector scan
  evbuffer_ptr end;
  for (size_t limit = 118; limit <= 126; ++limit) {
    ASSERT_EQ(evbuffer_ptr_set(buf, &end, limit, EVBUFFER_PTR_SET), 0);
    evbuffer_ptr p = evbuffer_search_range(buf, "q!q!", 4, nullptr, &end);
    EXPECT_EQ(p.pos, limit >= 124 ? 120 : -1) << "limit " << limit;
  }
}

// One evbuffer_readln(): the line as a string and its length, or "<none>".
std::string readln(evbuffer* buf, evbuffer_eol_style style, size_t* n) {
  char* line = evbuffer_readln(buf, n, style);
  if (line == nullptr) return "<none>";
  std::string text(line, *n);
  free(line);
  return text;
}

TEST_F(BufferFastPath, ReadlnFromTheFirstBlockMatchesEachStyle) {
  evbuffer_add(buf, "one\r\ntwo\nthree\r\rx\n\nfour", 23);
  size_t n = 0;
  EXPECT_EQ(readln(buf, EVBUFFER_EOL_CRLF, &n), "one");
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(readln(buf, EVBUFFER_EOL_LF, &n), "two");
  // A lone CR stays in a CRLF line; only the CR right before LF goes.
  EXPECT_EQ(readln(buf, EVBUFFER_EOL_CRLF, &n), "three\r\rx");
  EXPECT_EQ(n, 8u);
  EXPECT_EQ(readln(buf, EVBUFFER_EOL_CRLF, &n), "");
  EXPECT_EQ(n, 0u);
  // No ending left: nothing is consumed.
  EXPECT_EQ(readln(buf, EVBUFFER_EOL_CRLF, &n), "<none>");
  EXPECT_EQ(contents(buf), "four");
  evbuffer_add(buf, "\0tail", 5);
  EXPECT_EQ(readln(buf, EVBUFFER_EOL_NUL, &n), "four");
  EXPECT_EQ(contents(buf), "tail");
}

TEST_F(BufferFastPath, ReadlnWithACallbackReportsTheLineAndItsEndingApart) {
  std::string seen;
  auto cb = [](evbuffer*, const evbuffer_cb_info* info, void* arg) {
    *static_cast<std::string*>(arg) += std::to_string(info->n_deleted) + ",";
  };
  evbuffer_add(buf, "abc\r\nrest", 9);
  ASSERT_NE(evbuffer_add_cb(buf, cb, &seen), nullptr);
  char* line = evbuffer_readln(buf, nullptr, EVBUFFER_EOL_CRLF);
  ASSERT_NE(line, nullptr);
  free(line);
  EXPECT_EQ(seen, "3,2,");
}

TEST_F(BufferFastPath, ReserveAndCommitAcrossTheAppendBlockAndTheNext) {
  std::string expect;
  for (int round = 0; round < 300; ++round) {
    evbuffer_iovec v[2];
    int n = evbuffer_reserve_space(buf, 4096, v, 2);
    ASSERT_GE(n, 1);
    ASSERT_LE(n, 2);
    size_t total = 0;
    for (int i = 0; i < n; ++i) total += v[i].iov_len;
    ASSERT_GE(total, 4096u);
    // Fill the first extent completely and spill into the second one.
    size_t want = 700 + static_cast<size_t>(round * 37 % 900);
    size_t left = want;
    for (int i = 0; i < n; ++i) {
      size_t k = v[i].iov_len < left ? v[i].iov_len : left;
      for (size_t j = 0; j < k; ++j) {
        char c = static_cast<char>('a' + (expect.size() + j) % 26);
        static_cast<char*>(v[i].iov_base)[j] = c;
      }
      expect.append(static_cast<char*>(v[i].iov_base), k);
      v[i].iov_len = k;
      left -= k;
    }
    ASSERT_EQ(left, 0u);
    ASSERT_EQ(evbuffer_commit_space(buf, v, n), 0);
    ASSERT_EQ(evbuffer_get_length(buf), expect.size());
    if (round % 50 == 49) {
      evbuffer_drain(buf, expect.size() / 2);
      expect.erase(0, expect.size() / 2);
    }
  }
  EXPECT_EQ(contents(buf), expect);
}

TEST_F(BufferFastPath, CommitRejectsExtentsThatWereNotHandedOut) {
  evbuffer_iovec v[2];
  ASSERT_GE(evbuffer_reserve_space(buf, 100, v, 2), 1);
  char elsewhere[16];
  evbuffer_iovec bad = {elsewhere, 4};
  EXPECT_EQ(evbuffer_commit_space(buf, &bad, 1), -1);
  v[0].iov_len += 1;  // longer than the space offered
  EXPECT_EQ(evbuffer_commit_space(buf, v, 1), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
}

TEST_F(BufferFastPath, DrainedBlockIsReusedByTheNextAppends) {
  std::string piece(1000, 'p');
  evbuffer_add(buf, piece.data(), piece.size());
  evbuffer_iovec before;
  ASSERT_EQ(evbuffer_peek(buf, -1, nullptr, &before, 1), 1);
  evbuffer_drain(buf, piece.size());
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_get_contiguous_space(buf), 0u);
  evbuffer_add(buf, "again", 5);
  evbuffer_iovec after;
  ASSERT_EQ(evbuffer_peek(buf, -1, nullptr, &after, 1), 1);
  // The same storage, filled from its start again.
  EXPECT_EQ(after.iov_base, before.iov_base);
  EXPECT_EQ(contents(buf), "again");
}

TEST_F(BufferFastPath, PullupOfDataAddedToAReusedBlockCopiesNothing) {
  std::string piece(4096, 'q');
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) evbuffer_add(buf, piece.data(), piece.size());
    unsigned char* p = evbuffer_pullup(buf, 4 * 4096);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(p), 4 * 4096), std::string(4 * 4096, 'q'));
    if (round > 0) {
      // The block the previous pullup made was kept: one extent already.
      EXPECT_EQ(evbuffer_peek(buf, -1, nullptr, nullptr, 0), 1);
    }
    evbuffer_drain(buf, 4 * 4096);
  }
}

TEST_F(BufferFastPath, SmallMovesCopyAndKeepBothBuffersIntact) {
  evbuffer* dst = evbuffer_new();
  std::string expect;
  for (int i = 0; i < 200; ++i) {
    std::string msg = std::to_string(i) + std::string(static_cast<size_t>(i % 250), 'm');
    evbuffer_add(buf, msg.data(), msg.size());
    ASSERT_EQ(evbuffer_add_buffer(dst, buf), 0);
    EXPECT_EQ(evbuffer_get_length(buf), 0u);
    expect += msg;
    if (i % 64 == 63) {
      evbuffer_drain(dst, expect.size());
      expect.clear();
    }
  }
  EXPECT_EQ(contents(dst), expect);
  evbuffer_free(dst);
}

TEST_F(BufferFastPath, SmallMoveOfAReferenceStillMovesIt) {
  static const char kData[] = "by reference";
  int cleanups = 0;
  auto cleanup = [](const void*, size_t, void* arg) { ++*static_cast<int*>(arg); };
  evbuffer* dst = evbuffer_new();
  evbuffer_add(dst, "head ", 5);
  ASSERT_EQ(evbuffer_add_reference(buf, kData, 12, cleanup, &cleanups), 0);
  ASSERT_EQ(evbuffer_add_buffer(dst, buf), 0);
  EXPECT_EQ(cleanups, 0);  // moved, not copied and released
  EXPECT_EQ(contents(dst), "head by reference");
  evbuffer_free(dst);
  EXPECT_EQ(cleanups, 1);
}

TEST_F(BufferFastPath, FrozenEndsStillRefuseTheFastPaths) {
  evbuffer_add(buf, "abc", 3);
  evbuffer_freeze(buf, 0);
  EXPECT_EQ(evbuffer_add(buf, "d", 1), -1);
  evbuffer_iovec v[2];
  EXPECT_EQ(evbuffer_reserve_space(buf, 10, v, 2), -1);
  evbuffer_unfreeze(buf, 0);
  evbuffer_freeze(buf, 1);
  EXPECT_EQ(evbuffer_drain(buf, 1), -1);
  EXPECT_EQ(evbuffer_readln(buf, nullptr, EVBUFFER_EOL_LF), nullptr);
  evbuffer_unfreeze(buf, 1);
  EXPECT_EQ(contents(buf), "abc");
}

}  // namespace
