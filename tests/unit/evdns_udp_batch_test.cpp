// The batched UDP wrappers under evdns, both paths: recvmmsg/sendmmsg and
// the portable recvfrom/sendto one (what systems without them take).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "evdns/udp_batch.hpp"
#include "udp_test_sockets.hpp"

using namespace ev::dns;

namespace {

using udptest::addr_of;
using udptest::bound_udp;

using RecvFn = int (*)(int, RecvBatch&);
using SendFn = int (*)(int, const UdpOut*, int);

struct Path {
  const char* name;
  RecvFn recv;
  SendFn send;
};

class UdpBatchTest : public ::testing::TestWithParam<Path> {};

TEST_P(UdpBatchTest, ReceivesWhatIsWaitingABatchAtATime) {
  int server = bound_udp(), client = bound_udp();
  ASSERT_GE(server, 0);
  ASSERT_GE(client, 0);
  sockaddr_in to = addr_of(server);
  for (int i = 0; i < 10; ++i) {
    std::string msg = "datagram " + std::to_string(i);
    ASSERT_EQ(
        static_cast<ssize_t>(msg.size()),
        sendto(client, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  }
  std::vector<char> big(kRecvBufSize + 100, 'x');
  ASSERT_EQ(static_cast<ssize_t>(big.size()), sendto(client, big.data(), big.size(), 0,
                                                     reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  static RecvBatch b;
  ASSERT_EQ(kRecvBatch, GetParam().recv(server, b));
  sockaddr_in from = addr_of(client);
  for (int i = 0; i < kRecvBatch; ++i) {
    std::string want = "datagram " + std::to_string(i);
    ASSERT_EQ(want.size(), b.len[i]);
    EXPECT_EQ(0, std::memcmp(b.buf[i], want.data(), want.size()));
    auto* sin = reinterpret_cast<sockaddr_in*>(&b.from[i]);
    EXPECT_EQ(sizeof(sockaddr_in), b.fromlen[i]);
    EXPECT_EQ(from.sin_port, sin->sin_port);
  }
  ASSERT_EQ(3, GetParam().recv(server, b));
  EXPECT_EQ(std::string("datagram 9"), std::string(reinterpret_cast<char*>(b.buf[1]), b.len[1]));
  EXPECT_GT(b.len[2], kRecvBufSize);         // too big: flagged for the caller to skip
  EXPECT_EQ(0, GetParam().recv(server, b));  // nothing waiting
  close(server);
  close(client);
  EXPECT_EQ(-1, GetParam().recv(server, b));  // a closed descriptor is an error
  EXPECT_EQ(EBADF, errno);
}

TEST_P(UdpBatchTest, RecvBatchesStopsWhenTheCallbackSaysSo) {
  int server = bound_udp(), client = bound_udp();
  sockaddr_in to = addr_of(server);
  ASSERT_EQ(0, connect(client, reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(1, send(client, "q", 1, 0));
  static RecvBatch b;
  int seen = 0;
  EXPECT_TRUE(
      recv_batches(server, b, 8, [&](const uint8_t*, std::size_t len, sockaddr*, socklen_t) {
        EXPECT_EQ(1u, len);
        return ++seen < 11;
      }));
  EXPECT_EQ(11, seen);
  close(server);
  close(client);
}

TEST_P(UdpBatchTest, SendsInOrderToEachDestination) {
  int a = bound_udp(), b = bound_udp(), sender = bound_udp();
  sockaddr_in to_a = addr_of(a), to_b = addr_of(b);
  std::vector<std::string> msgs;
  UdpOut out[20];
  for (int i = 0; i < 20; ++i) msgs.push_back("answer " + std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    const sockaddr_in& to = i % 2 ? to_b : to_a;
    out[i] =
        UdpOut{msgs[i].data(), msgs[i].size(), reinterpret_cast<const sockaddr*>(&to), sizeof(to)};
  }
  ASSERT_EQ(20, GetParam().send(sender, out, 20));
  char buf[64];
  for (int i = 0; i < 20; ++i) {
    ssize_t n = recv(i % 2 ? b : a, buf, sizeof(buf), 0);
    ASSERT_EQ(static_cast<ssize_t>(msgs[i].size()), n);
    EXPECT_EQ(msgs[i], std::string(buf, static_cast<std::size_t>(n)));
  }
  // A connected socket: no address per datagram.
  ASSERT_EQ(0, connect(sender, reinterpret_cast<sockaddr*>(&to_a), sizeof(to_a)));
  out[0] = UdpOut{"one", 3, nullptr, 0};
  out[1] = UdpOut{"two", 3, nullptr, 0};
  ASSERT_EQ(2, GetParam().send(sender, out, 2));
  EXPECT_EQ(3, recv(a, buf, sizeof(buf), 0));
  EXPECT_EQ(0, std::memcmp(buf, "one", 3));
  EXPECT_EQ(3, recv(a, buf, sizeof(buf), 0));
  EXPECT_EQ(0, std::memcmp(buf, "two", 3));
  close(a);
  close(b);
  close(sender);
  // Nothing goes out on a closed descriptor, and errno says why.
  EXPECT_EQ(0, GetParam().send(sender, out, 2));
  EXPECT_EQ(EBADF, errno);
}

#if EVDNS_HAVE_MMSG
// sendmmsg with segmentation offload allowed (asked on first use), and
// without it.
int send_mmsg(int fd, const UdpOut* out, int n) {
  UdpGso gso;
  return udp_send_batch_mmsg(fd, out, n, gso);
}

int send_mmsg_plain(int fd, const UdpOut* out, int n) {
  UdpGso gso{UdpGso::kOff};
  return udp_send_batch_mmsg(fd, out, n, gso);
}
#endif

const Path kPaths[] = {
    {"portable", udp_recv_batch_portable, udp_send_batch_portable},
#if EVDNS_HAVE_MMSG
    {"mmsg", udp_recv_batch_mmsg, send_mmsg},
    {"mmsg_plain", udp_recv_batch_mmsg, send_mmsg_plain},
#endif
};

INSTANTIATE_TEST_SUITE_P(Paths, UdpBatchTest, ::testing::ValuesIn(kPaths),
                         [](const ::testing::TestParamInfo<Path>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
