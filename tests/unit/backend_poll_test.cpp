// poll-specific behaviour: the dense array with swap-removal keeps every
// remaining fd's interest intact, and a descriptor closed behind the
// backend's back is reported rather than silently dropped.
#include <memory>

#include "backend_test_support.hpp"

namespace {

using namespace backend_test;

class PollTest : public NamedBackendTest {
 protected:
  PollTest() : NamedBackendTest("poll") {}
};

TEST_F(PollTest, RemovalMovesTheLastEntryWithoutLosingIt) {
  SocketPair a, b, c;
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(backend_->update(a.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(backend_->update(b.fd[0], 0, EV_WRITE), 0);
  ASSERT_EQ(backend_->update(c.fd[0], 0, EV_READ), 0);
  ASSERT_EQ(backend_->update(a.fd[0], EV_READ, 0), 0);  // c moves into a's slot
  write_byte(a.fd[1]);
  write_byte(c.fd[1]);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(a.fd[0]), 0);
  EXPECT_EQ(host_.what_for(b.fd[0]), EV_WRITE);
  EXPECT_EQ(host_.what_for(c.fd[0]), EV_READ);

  host_.clear();
  ASSERT_EQ(backend_->update(c.fd[0], EV_READ, EV_WRITE), 0);
  ASSERT_EQ(backend_->update(b.fd[0], EV_WRITE, 0), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(b.fd[0]), 0);
  EXPECT_EQ(host_.what_for(c.fd[0]), EV_WRITE);
  EXPECT_EQ(host_.reports.size(), 1u);

  host_.clear();
  ASSERT_EQ(backend_->update(c.fd[0], EV_WRITE, 0), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_TRUE(host_.reports.empty());
}

TEST_F(PollTest, RemovingEveryOtherOfManyKeepsTheRest) {
  std::vector<std::unique_ptr<SocketPair>> pairs;
  for (int i = 0; i < 200; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    ASSERT_TRUE(pairs.back()->ok());
    ASSERT_EQ(backend_->update(pairs.back()->fd[0], 0, EV_READ), 0);
    write_byte(pairs.back()->fd[1]);
  }
  for (int i = 0; i < 200; i += 2) ASSERT_EQ(backend_->update(pairs[i]->fd[0], EV_READ, 0), 0);
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.reports.size(), 100u);
  for (int i = 0; i < 200; ++i)
    EXPECT_EQ(host_.what_for(pairs[i]->fd[0]), i % 2 ? EV_READ : 0) << i;
}

TEST_F(PollTest, DescriptorClosedBehindOurBackIsReported) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  ASSERT_EQ(backend_->update(sp.fd[0], 0, EV_READ), 0);
  const int number = sp.fd[0];
  close(sp.fd[0]);
  sp.fd[0] = -1;
  // POLLNVAL: the program's read() will tell it what happened.
  ASSERT_EQ(poll_once(), 0);
  EXPECT_EQ(host_.what_for(number), EV_READ);
  ASSERT_EQ(backend_->update(number, EV_READ, 0), 0);
}

}  // namespace
