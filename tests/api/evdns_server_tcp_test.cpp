// The server port's TCP side (every backend): a message split across
// writes, several in one write, an answer given after the client went away,
// and the port closed while a TCP request is outstanding.
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <fcntl.h>

#include <string>
#include <vector>

#include "evdns_test_util.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes framed_query(uint16_t id, const std::string& name) {
  Bytes q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  dnstest::put_name(q, name);
  q.insert(q.end(), {0, 1, 0, 1});
  Bytes b = {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())};
  b.insert(b.end(), q.begin(), q.end());
  return b;
}

class ServerTcpTest : public dnstest::PortTest {
 public:
  void SetUp() override {
    PortTest::SetUp();
    open_port(SOCK_STREAM, on_request);
  }

  static void on_request(evdns_server_request* req, void* arg) {
    auto* self = static_cast<ServerTcpTest*>(arg);
    self->names.push_back(req->questions[0]->name);
    if (self->hold) {
      self->held.push_back(req);
      return;
    }
    answer(req);
  }
  static void answer(evdns_server_request* req) {
    uint32_t addr = htonl(0x0a000001);
    EXPECT_EQ(0, evdns_server_request_add_a_reply(req, req->questions[0]->name, 1, &addr, 60));
    EXPECT_EQ(0, evdns_server_request_respond(req, 0));
  }

  int connect_client() {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<uint16_t>(dnstest::local_port(fd)));
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    EXPECT_EQ(0, connect(c, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
    fcntl(c, F_SETFL, O_NONBLOCK);
    clients.push_back(c);
    return c;
  }

  // Reads what the client has (length-prefixed answers) into `got`.
  std::size_t read_answers(int c, Bytes& got) {
    uint8_t buf[4096];
    ssize_t n;
    while ((n = read(c, buf, sizeof(buf))) > 0) got.insert(got.end(), buf, buf + n);
    std::size_t count = 0;
    for (std::size_t at = 0; at + 2 <= got.size();) {
      std::size_t len = (static_cast<std::size_t>(got[at]) << 8) | got[at + 1];
      if (at + 2 + len > got.size()) break;
      ++count;
      at += 2 + len;
    }
    return count;
  }

  bool hold = false;
  std::vector<std::string> names;
};

TEST_P(ServerTcpTest, MessagesSplitAcrossWritesAndSeveralInOne) {
  int c = connect_client();
  Bytes a = framed_query(1, "one.test"), b = framed_query(2, "two.test"),
        d = framed_query(3, "three.test");
  // a in three pieces (the length prefix itself split), then b and d together.
  ASSERT_EQ(1, write(c, a.data(), 1));
  dnstest::run_until(
      base, [] { return false; }, 30);
  ASSERT_EQ(5, write(c, a.data() + 1, 5));
  dnstest::run_until(
      base, [] { return false; }, 30);
  EXPECT_TRUE(names.empty());
  ASSERT_EQ(static_cast<ssize_t>(a.size() - 6), write(c, a.data() + 6, a.size() - 6));
  Bytes both = b;
  both.insert(both.end(), d.begin(), d.end());
  ASSERT_EQ(static_cast<ssize_t>(both.size()), write(c, both.data(), both.size()));
  Bytes got;
  dnstest::run_until(base, [&] { return read_answers(c, got) == 3; });
  EXPECT_EQ(3u, read_answers(c, got));
  EXPECT_EQ((std::vector<std::string>{"one.test", "two.test", "three.test"}), names);
  ASSERT_GE(got.size(), 4u);
  EXPECT_EQ(1, got[3]);  // the first answer's id
}

TEST_P(ServerTcpTest, AnswerAfterTheClientWentAway) {
  hold = true;
  int c = connect_client();
  Bytes q = framed_query(9, "gone.test");
  ASSERT_EQ(static_cast<ssize_t>(q.size()), write(c, q.data(), q.size()));
  dnstest::run_until(base, [&] { return held.size() == 1; });
  ASSERT_EQ(1u, held.size());
  close(c);
  clients.clear();
  dnstest::run_until(
      base, [] { return false; }, 50);  // the server sees EOF
  answer(held[0]);  // dropped quietly; the connection goes with its last request
  held.clear();
  // Still serving.
  hold = false;
  int c2 = connect_client();
  Bytes q2 = framed_query(10, "next.test");
  ASSERT_EQ(static_cast<ssize_t>(q2.size()), write(c2, q2.data(), q2.size()));
  Bytes got;
  EXPECT_TRUE(dnstest::run_until(base, [&] { return read_answers(c2, got) == 1; }));
}

TEST_P(ServerTcpTest, ClosingThePortWithATcpRequestOutstanding) {
  hold = true;
  int c = connect_client();
  Bytes q = framed_query(11, "late.test");
  ASSERT_EQ(static_cast<ssize_t>(q.size()), write(c, q.data(), q.size()));
  dnstest::run_until(base, [&] { return held.size() == 1; });
  ASSERT_EQ(1u, held.size());
  evdns_close_server_port(port);
  port = nullptr;
  // The request keeps what it needs; answering it frees the port.
  answer(held[0]);
  held.clear();
  dnstest::run_until(
      base, [] { return false; }, 30);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerTcpTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);

}  // namespace
