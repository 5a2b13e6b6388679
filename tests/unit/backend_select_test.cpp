// select-specific behaviour: descriptors numbered past FD_SETSIZE, tracking
// the highest descriptor as interest comes and goes, and bad descriptors.
#include <sys/select.h>

#include "backend_test_support.hpp"

namespace {

using namespace backend_test;

class SelectTest : public NamedBackendTest {
 protected:
  SelectTest() : NamedBackendTest("select") {}
};

// Moves `fd` to the number `number` (closing the original).
int move_to(int fd, int number) {
  int moved = dup3(fd, number, O_CLOEXEC);
  close(fd);
  return moved;
}

TEST_F(SelectTest, DescriptorsPastFdSetsize) {
  constexpr int kHigh = FD_SETSIZE * 3 + 17;
  if (raise_fd_limit(kHigh + 16) < static_cast<rlim_t>(kHigh + 16)) GTEST_SKIP() << "fd limit";
  SocketPair low, high;
  ASSERT_TRUE(low.ok() && high.ok());
  high.fd[0] = move_to(high.fd[0], kHigh);
  ASSERT_EQ(high.fd[0], kHigh);
  high.fd[1] = move_to(high.fd[1], FD_SETSIZE + 5);
  ASSERT_EQ(high.fd[1], FD_SETSIZE + 5);

  ASSERT_EQ(backend_->update(low.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(backend_->update(high.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(backend_->update(high.fd[1], 0, EV_WRITE), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(high.fd[1]), EV_WRITE);
  EXPECT_EQ(host_.reports.size(), 1u);

  host_.clear();
  write_byte(high.fd[1]);
  write_byte(low.fd[1]);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(high.fd[0]), EV_READ);
  EXPECT_EQ(host_.what_for(low.fd[0]), EV_READ);

  // With the high ones gone, the low one still works.
  host_.clear();
  ASSERT_EQ(backend_->update(high.fd[0], EV_READ, 0), 0);
  ASSERT_EQ(backend_->update(high.fd[1], EV_WRITE, 0), 0);
  high.close_both();
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(low.fd[0]), EV_READ);
  EXPECT_EQ(host_.reports.size(), 1u);
}

TEST_F(SelectTest, ClosedDescriptorInTheSetIsAnError) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  close(sp.fd[0]);
  const int number = sp.fd[0];
  sp.fd[0] = -1;
  // select() refuses the whole call (EBADF), as in libevent: -1 and a warning.
  EXPECT_EQ(poll_once(), -1);
  ASSERT_EQ(backend_->update(number, EV_READ, 0), 0);
  EXPECT_EQ(poll_once(), 0);
}

TEST_F(SelectTest, NothingToWatchStillHonoursTheTimeout) {
  timeval tv = tv_us(20000);
  double start = now_ms();
  ASSERT_EQ(backend_->dispatch(&tv), 0);
  EXPECT_GE(now_ms() - start, 20.0);
}

}  // namespace
