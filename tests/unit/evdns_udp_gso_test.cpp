// UDP segmentation offload in the batched sender under evdns: runs of
// equal-length datagrams to one destination leave as one segmented message
// each, and receivers still see every datagram on its own, intact and in
// order; a kernel that refuses segmentation gets the datagrams again plainly
// and is not asked again on that socket; sockets that cannot segment (an
// AF_UNIX datagram socket) are never sent a segmented message.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "evdns/udp_batch.hpp"
#include "udp_test_sockets.hpp"

using namespace ev::dns;

#if EVDNS_HAVE_MMSG && EVDNS_HAVE_GSO

namespace {

int bound_udp() { return udptest::bound_udp(4 << 20); }
using udptest::addr_of;

// What each call to the system's sendmmsg was given.
struct Call {
  std::vector<int> segments;   // datagrams per message
  std::vector<int> gso_sizes;  // UDP_SEGMENT per message (0: none)
};
std::vector<Call> g_calls;

// Counted calls of the real sendmmsg; `limit` messages per call at most
// (the kernel may also take fewer than it was given).
unsigned g_limit = 1024;
int g_refuse = 0;  // segmented messages still to refuse
int g_refuse_errno = EIO;
int g_push_back_after = -1;  // calls before every further one fails with EAGAIN

int gso_size_of(const msghdr& h) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c))
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_SEGMENT) {
      uint16_t size = 0;
      std::memcpy(&size, CMSG_DATA(c), sizeof(size));
      return size;
    }
  return 0;
}

// The system call as the kernel answers it, with refusals injected: the
// messages before a refused one go out and their count is returned; a
// refused first message fails the call.
int fake_sendmmsg(int fd, mmsghdr* msgs, unsigned n, int flags) {
  Call call;
  if (g_push_back_after == 0) {
    g_calls.push_back(call);
    errno = EAGAIN;
    return -1;
  }
  if (g_push_back_after > 0) --g_push_back_after;
  if (n > g_limit) n = g_limit;
  unsigned take = 0;
  for (; take < n; ++take) {
    if (g_refuse > 0 && gso_size_of(msgs[take].msg_hdr) != 0) break;
    call.segments.push_back(static_cast<int>(msgs[take].msg_hdr.msg_iovlen));
    call.gso_sizes.push_back(gso_size_of(msgs[take].msg_hdr));
  }
  g_calls.push_back(call);
  if (take == 0 && n > 0) {
    --g_refuse;
    errno = g_refuse_errno;
    return -1;
  }
  return sendmmsg(fd, msgs, take, flags);
}

// Datagram i of a test: its length, destination and bytes (its index and
// length in front, then a pattern of both, so a datagram merged with,
// cut from or swapped with another shows).
struct Plan {
  std::vector<std::size_t> len;
  std::vector<int> dest;  // index into the receivers
  std::vector<std::vector<uint8_t>> data;

  void add(int count, std::size_t length, int to) {
    for (int k = 0; k < count; ++k) {
      std::size_t i = len.size();
      std::vector<uint8_t> d(length);
      for (std::size_t b = 0; b < length; ++b)
        d[b] = static_cast<uint8_t>(b < 2 ? (i >> (8 * b)) : (i * 31 + b * 7 + length));
      len.push_back(length);
      dest.push_back(to);
      data.push_back(std::move(d));
    }
  }

  std::vector<UdpOut> outs(const std::vector<sockaddr_in>& to, bool connected) const {
    std::vector<UdpOut> out;
    for (std::size_t i = 0; i < len.size(); ++i)
      out.push_back(UdpOut{data[i].data(), len[i],
                           connected ? nullptr : reinterpret_cast<const sockaddr*>(&to[dest[i]]),
                           connected ? 0 : static_cast<socklen_t>(sizeof(sockaddr_in))});
    return out;
  }
};

// Reads every datagram of `plan` meant for receiver `r` (fd), one recv
// each, checking length, bytes and order; then that nothing more came.
void expect_received(const Plan& plan, int r, int fd) {
  std::vector<uint8_t> buf(70000);
  for (std::size_t i = 0; i < plan.len.size(); ++i) {
    if (plan.dest[i] != r) continue;
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(1, poll(&p, 1, 2000)) << "datagram " << i << " did not arrive";
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    ASSERT_EQ(static_cast<ssize_t>(plan.len[i]), n) << "datagram " << i;
    if (plan.len[i] != 0)  // an empty datagram's vector has no data pointer
      ASSERT_EQ(0, std::memcmp(buf.data(), plan.data[i].data(), plan.len[i])) << "datagram " << i;
  }
  EXPECT_EQ(-1, recv(fd, buf.data(), buf.size(), 0)) << "more datagrams than sent";
}

class UdpGsoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_calls.clear();
    g_limit = 1024;
    g_refuse = 0;
    g_refuse_errno = EIO;
    g_push_back_after = -1;
    a = bound_udp();
    b = bound_udp();
    sender = bound_udp();
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    ASSERT_GE(sender, 0);
    to = {addr_of(a), addr_of(b)};
  }
  void TearDown() override {
    close(a);
    close(b);
    close(sender);
  }

  int send(const Plan& plan, UdpGso& gso, bool connected = false) {
    std::vector<UdpOut> out = plan.outs(to, connected);
    return udp_send_batch_mmsg(sender, out.data(), static_cast<int>(out.size()), gso,
                               fake_sendmmsg);
  }

  // Every message of every call, in order.
  std::vector<int> segments() const {
    std::vector<int> all;
    for (const Call& c : g_calls) all.insert(all.end(), c.segments.begin(), c.segments.end());
    return all;
  }
  std::vector<int> gso_sizes() const {
    std::vector<int> all;
    for (const Call& c : g_calls) all.insert(all.end(), c.gso_sizes.begin(), c.gso_sizes.end());
    return all;
  }

  int a = -1, b = -1, sender = -1;
  std::vector<sockaddr_in> to;
};

TEST_F(UdpGsoTest, MixedRunsArriveSeparateIntactAndInOrder) {
  Plan plan;
  plan.add(10, 100, 0);  // a run
  plan.add(1, 60, 0);    // a shorter last one joins it
  plan.add(5, 200, 1);   // another destination
  plan.add(1, 300, 0);   // lengths that differ: one message each
  plan.add(1, 301, 0);
  plan.add(1, 302, 0);
  plan.add(3, 50, 1);  // a longer one cannot join a run
  plan.add(1, 70, 1);
  plan.add(2, 1300, 0);  // over the safe size: plain
  plan.add(2, kGsoMaxSegment, 0);
  plan.add(1, 40, 1);  // alternating destinations: no runs
  plan.add(1, 40, 0);
  plan.add(1, 40, 1);
  plan.add(2, 80, 1);  // an empty datagram ends a run and goes alone
  plan.add(1, 0, 1);
  plan.add(2, 80, 1);
  ASSERT_EQ(35u, plan.len.size());
  UdpGso gso;
  ASSERT_EQ(35, send(plan, gso));
  EXPECT_EQ(UdpGso::kOn, gso.state);
  EXPECT_EQ(1u, g_calls.size());  // 35 datagrams, one window, one call
  EXPECT_EQ((std::vector<int>{11, 5, 1, 1, 1, 3, 1, 1, 1, 2, 1, 1, 1, 2, 1, 2}), segments());
  EXPECT_EQ((std::vector<int>{100, 200, 0, 0, 0, 50, 0, 0, 0, 1232, 0, 0, 0, 80, 0, 80}),
            gso_sizes());
  expect_received(plan, 0, a);
  expect_received(plan, 1, b);
}

TEST_F(UdpGsoTest, LongRunsSplitAtTheSegmentLimitOnAConnectedSocket) {
  ASSERT_EQ(0, connect(sender, reinterpret_cast<sockaddr*>(&to[1]), sizeof(to[1])));
  Plan plan;
  plan.add(150, 40, 1);
  plan.add(60, kGsoMaxSegment, 1);  // 52 fit under kGsoMaxBytes
  UdpGso gso;
  ASSERT_EQ(210, send(plan, gso, true));
  // Windows of 64 datagrams: 64 | 64 | 22 + 42 | 18.
  EXPECT_EQ((std::vector<int>{64, 64, 22, 42, 18}), segments());
  EXPECT_EQ(4u, g_calls.size());
  expect_received(plan, 1, b);
  std::size_t total = 0;
  for (int s : segments()) EXPECT_LE(s, kGsoMaxSegments);
  for (std::size_t l : plan.len) total += l;
  EXPECT_EQ(150u * 40 + 60u * kGsoMaxSegment, total);
  // The byte limit: 53 datagrams of the largest segment do not fit one message.
  g_calls.clear();
  Plan big;
  big.add(64, kGsoMaxSegment, 1);
  ASSERT_EQ(64, send(big, gso, true));
  EXPECT_EQ((std::vector<int>{52, 12}), segments());
  expect_received(big, 1, b);
}

TEST_F(UdpGsoTest, FewerMessagesThanDatagrams) {
  // What the server port sends for a flood from one client: 64 answers of
  // one length go out as one message instead of 64.
  Plan plan;
  plan.add(64, 45, 0);
  UdpGso plain{UdpGso::kOff};
  ASSERT_EQ(64, send(plan, plain));
  EXPECT_EQ(1u, g_calls.size());
  EXPECT_EQ(64u, segments().size());
  expect_received(plan, 0, a);
  g_calls.clear();
  UdpGso gso;
  ASSERT_EQ(64, send(plan, gso));
  EXPECT_EQ(1u, g_calls.size());
  EXPECT_EQ(std::vector<int>{64}, segments());
  expect_received(plan, 0, a);
}

class UdpGsoRefusedTest : public UdpGsoTest, public ::testing::WithParamInterface<int> {};

TEST_P(UdpGsoRefusedTest, RefusedOnceThenPlainForGood) {
  g_refuse = 1;
  g_refuse_errno = GetParam();
  Plan plan;
  plan.add(1, 30, 0);
  plan.add(1, 31, 1);
  plan.add(1, 32, 0);
  plan.add(20, 90, 0);  // refused here
  plan.add(5, 70, 1);
  UdpGso gso;
  ASSERT_EQ(28, send(plan, gso));
  EXPECT_EQ(UdpGso::kOff, gso.state);
  // The three before it, the refusal, then everything else plainly.
  ASSERT_EQ(3u, g_calls.size());
  EXPECT_EQ(3u, g_calls[0].segments.size());
  EXPECT_TRUE(g_calls[1].segments.empty());
  EXPECT_EQ(25u, g_calls[2].segments.size());
  for (int s : gso_sizes()) EXPECT_EQ(0, s);
  expect_received(plan, 0, a);
  expect_received(plan, 1, b);
  // The socket is not asked again.
  g_calls.clear();
  ASSERT_EQ(28, send(plan, gso));
  EXPECT_EQ(1u, g_calls.size());
  EXPECT_EQ(28u, segments().size());
  expect_received(plan, 0, a);
  expect_received(plan, 1, b);
}

INSTANTIATE_TEST_SUITE_P(Errors, UdpGsoRefusedTest, ::testing::Values(EIO, EINVAL, EOPNOTSUPP),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == EIO      ? "EIO"
                                              : info.param == EINVAL ? "EINVAL"
                                                                     : "EOPNOTSUPP");
                         });

TEST_F(UdpGsoTest, PushBackCountsDatagramsNotMessages) {
  // The kernel takes the first message (a run of 10) and then has no room.
  g_limit = 1;
  g_push_back_after = 1;
  Plan plan;
  plan.add(10, 64, 0);
  plan.add(4, 64, 1);
  UdpGso gso;
  EXPECT_EQ(10, send(plan, gso));
  EXPECT_EQ(EAGAIN, errno);
  EXPECT_EQ(UdpGso::kOn, gso.state);  // not a refusal
  Plan first;
  first.add(10, 64, 0);
  expect_received(first, 0, a);
  // A real error is not a refusal either: nothing goes out, errno says why.
  g_push_back_after = -1;
  g_limit = 1024;
  UdpGso other{UdpGso::kOn};
  std::vector<UdpOut> out = plan.outs(to, false);
  EXPECT_EQ(0, udp_send_batch_mmsg(-1, out.data(), 14, other, fake_sendmmsg));
  EXPECT_EQ(EBADF, errno);
  EXPECT_EQ(UdpGso::kOn, other.state);
}

TEST_F(UdpGsoTest, NeverSegmentsOnASocketThatCannot) {
  // An AF_UNIX datagram socket ignores a UDP control message: a segmented
  // message would arrive as one long datagram.  The sender asks first.
  int sv[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
  Plan plan;
  plan.add(12, 33, 0);
  std::vector<UdpOut> out = plan.outs(to, true);
  UdpGso gso;
  ASSERT_EQ(12, udp_send_batch_mmsg(sv[0], out.data(), 12, gso, fake_sendmmsg));
  EXPECT_EQ(UdpGso::kOff, gso.state);
  EXPECT_EQ(12u, segments().size());
  expect_received(plan, 0, sv[1]);
  close(sv[0]);
  close(sv[1]);
}

TEST_F(UdpGsoTest, TheRealSystemCallSegmentsAndReceiversSeeDatagrams) {
  // Without the counting seam: what the kernel does with a segmented
  // message on loopback (to a socket without UDP_GRO).
  Plan plan;
  plan.add(64, 77, 0);
  plan.add(1, 12, 0);
  plan.add(30, 500, 1);
  std::vector<UdpOut> out = plan.outs(to, false);
  UdpGso gso;
  ASSERT_EQ(95, udp_send_batch(sender, out.data(), 95, gso));
  EXPECT_EQ(UdpGso::kOn, gso.state);
  expect_received(plan, 0, a);
  expect_received(plan, 1, b);
}

}  // namespace

#else
TEST(UdpGsoTest, NotBuiltHere) { GTEST_SKIP() << "no sendmmsg or UDP_SEGMENT on this system"; }
#endif
