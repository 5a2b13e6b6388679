// evbuffer IO: reading from and writing to descriptors (sockets, pipes),
// and file segments (mmap, read, sendfile) with their flags and cleanup.
#include <event2/buffer.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::string contents(evbuffer* buf) {
  std::string s(evbuffer_get_length(buf), '\0');
  evbuffer_copyout(buf, s.data(), s.size());
  return s;
}

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('A' + (i * 7 + i / 251) % 26);
  return s;
}

// Reads everything currently available on a non-blocking fd.
std::string drain_fd(int fd) {
  std::string s;
  char tmp[65536];
  ssize_t n;
  while ((n = read(fd, tmp, sizeof tmp)) > 0) s.append(tmp, static_cast<size_t>(n));
  return s;
}

class BufferIo : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    for (int fd : fds) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    int size = 1 << 20;
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    buf = evbuffer_new();
    // An anonymous temporary file, removed when the last descriptor closes.
    FILE* tmp = std::tmpfile();
    ASSERT_NE(tmp, nullptr);
    file_fd = dup(fileno(tmp));
    std::fclose(tmp);
    ASSERT_GE(file_fd, 0);
    file_text = pattern(100000);
    ASSERT_EQ(write(file_fd, file_text.data(), file_text.size()),
              static_cast<ssize_t>(file_text.size()));
  }
  void TearDown() override {
    evbuffer_free(buf);
    for (int fd : fds)
      if (fd >= 0) close(fd);
    if (file_fd >= 0) close(file_fd);
  }
  int fds[2] = {-1, -1};
  int file_fd = -1;
  std::string file_text;
  evbuffer* buf = nullptr;
};

TEST_F(BufferIo, WriteDrainsWhatWasWritten) {
  evbuffer_add(buf, "hello", 5);
  EXPECT_EQ(evbuffer_write(buf, fds[0]), 5);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(drain_fd(fds[1]), "hello");
}

// As libevent: nothing to write is -1 (not 0, which reads as "the peer
// took nothing"), without touching the fd.
TEST_F(BufferIo, WritingNothingReturnsMinusOne) {
  EXPECT_EQ(evbuffer_write(buf, fds[0]), -1);
  EXPECT_EQ(evbuffer_write_atmost(buf, fds[0], -1), -1);
  EXPECT_EQ(evbuffer_write_atmost(buf, fds[0], 100), -1);
  evbuffer_add(buf, "abc", 3);
  EXPECT_EQ(evbuffer_write_atmost(buf, fds[0], 0), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 3u);
  EXPECT_EQ(evbuffer_write_atmost(buf, fds[0], 100), 3);
  EXPECT_EQ(evbuffer_write(buf, fds[0]), -1);
  EXPECT_EQ(drain_fd(fds[1]), "abc");
}

TEST_F(BufferIo, WriteAtmostLimitsTheAmount) {
  std::string text = pattern(10000);
  for (size_t i = 0; i < text.size(); i += 100) evbuffer_add(buf, text.data() + i, 100);
  EXPECT_EQ(evbuffer_write_atmost(buf, fds[0], 3333), 3333);
  EXPECT_EQ(evbuffer_get_length(buf), 10000u - 3333u);
  EXPECT_EQ(evbuffer_write_atmost(buf, fds[0], -1), 10000 - 3333);
  EXPECT_EQ(drain_fd(fds[1]), text);
}

TEST_F(BufferIo, ReadAppendsAndIsNotCappedAtFourKilobytes) {
  std::string text = pattern(12000);
  ASSERT_EQ(write(fds[1], text.data(), text.size()), 12000);
  evbuffer_add(buf, ">", 1);
  int n = evbuffer_read(buf, fds[0], -1);
  EXPECT_GT(n, 4096);
  while (evbuffer_get_length(buf) < 12001) ASSERT_GT(evbuffer_read(buf, fds[0], -1), 0);
  EXPECT_EQ(contents(buf), ">" + text);
}

TEST_F(BufferIo, ReadHonoursHowmuch) {
  ASSERT_EQ(write(fds[1], "0123456789", 10), 10);
  EXPECT_EQ(evbuffer_read(buf, fds[0], 4), 4);
  EXPECT_EQ(contents(buf), "0123");
  EXPECT_EQ(evbuffer_read(buf, fds[0], 100), 6);
  EXPECT_EQ(contents(buf), "0123456789");
}

TEST_F(BufferIo, ReadReportsWouldBlockAndEof) {
  errno = 0;
  EXPECT_EQ(evbuffer_read(buf, fds[0], 100), -1);
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
  close(fds[1]);
  fds[1] = -1;
  EXPECT_EQ(evbuffer_read(buf, fds[0], 100), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_read(buf, -1, 100), -1);
}

TEST_F(BufferIo, FrozenEndsRefuseIo) {
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  evbuffer_freeze(buf, 0);
  EXPECT_EQ(evbuffer_read(buf, fds[0], 10), -1);
  evbuffer_unfreeze(buf, 0);
  evbuffer_add(buf, "y", 1);
  evbuffer_freeze(buf, 1);
  EXPECT_EQ(evbuffer_write(buf, fds[0]), -1);
  EXPECT_EQ(evbuffer_get_length(buf), 1u);
}

TEST_F(BufferIo, DrainsToFdWriteToClosedPeerRaisesNoSigpipe) {
  // With SIGPIPE at its default action a signal would kill the test.
  struct sigaction old_action;
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &dfl, &old_action);
  close(fds[1]);
  fds[1] = -1;
  evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
  evbuffer_add(buf, "lost", 4);
  errno = 0;
  EXPECT_EQ(evbuffer_write(buf, fds[0]), -1);
  EXPECT_EQ(errno, EPIPE);
  // Same for a file segment sent with sendfile().
  evbuffer_drain(buf, 4);
  ASSERT_EQ(evbuffer_add_file(buf, dup(file_fd), 0, 1000), 0);
  EXPECT_EQ(evbuffer_write(buf, fds[0]), -1);
  EXPECT_EQ(errno, EPIPE);
  sigaction(SIGPIPE, &old_action, nullptr);
}

TEST_F(BufferIo, DrainsToFdAlsoWorksOnAPipe) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
  evbuffer_add(buf, "pipe", 4);
  EXPECT_EQ(evbuffer_write(buf, p[1]), 4);
  char out[4];
  EXPECT_EQ(read(p[0], out, 4), 4);
  EXPECT_EQ(std::memcmp(out, "pipe", 4), 0);
  EXPECT_EQ(evbuffer_clear_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD), 0);
  close(p[0]);
  close(p[1]);
}

TEST_F(BufferIo, AddFileWithoutSendfileIsReadable) {
  ASSERT_EQ(evbuffer_add_file(buf, dup(file_fd), 100, 5000), 0);
  EXPECT_EQ(evbuffer_get_length(buf), 5000u);
  EXPECT_EQ(contents(buf), file_text.substr(100, 5000));
  evbuffer_ptr p = evbuffer_search(buf, file_text.data() + 2000, 10, nullptr);
  EXPECT_GE(p.pos, 0);
}

TEST_F(BufferIo, AddFileWholeFileWithMinusOne) {
  ASSERT_EQ(evbuffer_add_file(buf, dup(file_fd), 0, -1), 0);
  EXPECT_EQ(evbuffer_get_length(buf), file_text.size());
  EXPECT_EQ(contents(buf), file_text);
}

TEST_F(BufferIo, AddFileIsSentWithSendfileWhenDrainingToFd) {
  evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
  evbuffer_add(buf, "[", 1);
  ASSERT_EQ(evbuffer_add_file(buf, dup(file_fd), 10, 50000), 0);
  evbuffer_add(buf, "]", 1);
  std::string got;
  while (evbuffer_get_length(buf) > 0) {
    int n = evbuffer_write(buf, fds[0]);
    if (n < 0) ASSERT_EQ(errno, EAGAIN);
    got += drain_fd(fds[1]);
  }
  got += drain_fd(fds[1]);
  EXPECT_EQ(got, "[" + file_text.substr(10, 50000) + "]");
}

TEST_F(BufferIo, SendfileSegmentCanStillBeReadIfNeeded) {
  evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
  ASSERT_EQ(evbuffer_add_file(buf, dup(file_fd), 0, 300), 0);
  EXPECT_EQ(contents(buf), file_text.substr(0, 300));
}

struct SegCleanup {
  int calls = 0;
  int flags = -1;
};

void seg_cleanup(const evbuffer_file_segment*, int flags, void* arg) {
  auto* c = static_cast<SegCleanup*>(arg);
  ++c->calls;
  c->flags = flags;
}

TEST_F(BufferIo, SegmentSharedByBuffersIsReleasedAfterTheLastUse) {
  SegCleanup c;
  evbuffer_file_segment* seg =
      evbuffer_file_segment_new(file_fd, 1000, 2000, EVBUF_FS_DISABLE_MMAP);
  ASSERT_NE(seg, nullptr);
  evbuffer_file_segment_add_cleanup_cb(seg, seg_cleanup, &c);
  evbuffer* other = evbuffer_new();
  ASSERT_EQ(evbuffer_add_file_segment(buf, seg, 0, -1), 0);
  ASSERT_EQ(evbuffer_add_file_segment(other, seg, 20, 50), 0);
  EXPECT_EQ(contents(buf), file_text.substr(1000, 2000));
  EXPECT_EQ(contents(other), file_text.substr(1020, 50));
  evbuffer_file_segment_free(seg);
  EXPECT_EQ(c.calls, 0);
  evbuffer_drain(buf, 2000);
  EXPECT_EQ(c.calls, 0);
  evbuffer_free(other);
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(c.flags, EVBUF_FS_DISABLE_MMAP);
  // Without CLOSE_ON_FREE the descriptor is still ours.
  EXPECT_EQ(fcntl(file_fd, F_GETFD), 0);
}

TEST_F(BufferIo, CloseOnFreeClosesTheDescriptor) {
  int fd = dup(file_fd);
  evbuffer_file_segment* seg = evbuffer_file_segment_new(fd, 0, 10, EVBUF_FS_CLOSE_ON_FREE);
  ASSERT_NE(seg, nullptr);
  evbuffer_file_segment_free(seg);
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);
}

TEST_F(BufferIo, SegmentArgumentsAreChecked) {
  EXPECT_EQ(evbuffer_file_segment_new(-1, 0, 10, 0), nullptr);
  EXPECT_EQ(evbuffer_file_segment_new(file_fd, -5, 10, 0), nullptr);
  EXPECT_EQ(evbuffer_file_segment_new(file_fd, 0, -2, 0), nullptr);
  evbuffer_file_segment* seg =
      evbuffer_file_segment_new(file_fd, 0, 100, EVBUF_FS_DISABLE_SENDFILE);
  ASSERT_NE(seg, nullptr);
  EXPECT_EQ(evbuffer_add_file_segment(buf, seg, 50, 51), -1);
  EXPECT_EQ(evbuffer_add_file_segment(buf, seg, 101, -1), -1);
  EXPECT_EQ(evbuffer_add_file_segment(buf, seg, -1, 1), -1);
  EXPECT_EQ(evbuffer_add_file_segment(nullptr, seg, 0, 1), -1);
  evbuffer_freeze(buf, 0);
  EXPECT_EQ(evbuffer_add_file_segment(buf, seg, 0, 1), -1);
  evbuffer_unfreeze(buf, 0);
  EXPECT_EQ(evbuffer_get_length(buf), 0u);
  EXPECT_EQ(evbuffer_add_file_segment(buf, seg, 50, 50), 0);
  EXPECT_EQ(contents(buf), file_text.substr(50, 50));
  evbuffer_file_segment_free(seg);
  evbuffer_file_segment_free(nullptr);
}

TEST_F(BufferIo, RemoveBufferSplitsAnUnsentSegment) {
  evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD);
  evbuffer* out = evbuffer_new();
  evbuffer_set_flags(out, EVBUFFER_FLAG_DRAINS_TO_FD);
  ASSERT_EQ(evbuffer_add_file(buf, dup(file_fd), 0, 1000), 0);
  EXPECT_EQ(evbuffer_remove_buffer(buf, out, 400), 400);
  EXPECT_EQ(evbuffer_write(out, fds[0]), 400);
  EXPECT_EQ(evbuffer_write(buf, fds[0]), 600);
  EXPECT_EQ(drain_fd(fds[1]), file_text.substr(0, 1000));
  evbuffer_free(out);
}

}  // namespace
