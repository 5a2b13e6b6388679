// The server port seen from a raw client socket: answers, truncation over
// UDP, TCP framing, malformed requests, and the reply API's checks.
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <fcntl.h>
#include <poll.h>

#include "evdns_test_util.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes query(uint16_t id, const std::string& name, uint16_t type, uint16_t flags = 0x0100) {
  Bytes b = {static_cast<uint8_t>(id >> 8),
             static_cast<uint8_t>(id),
             static_cast<uint8_t>(flags >> 8),
             static_cast<uint8_t>(flags),
             0,
             1,
             0,
             0,
             0,
             0,
             0,
             0};
  dnstest::put_name(b, name);
  b.push_back(0);
  b.push_back(static_cast<uint8_t>(type));
  b.push_back(0);
  b.push_back(1);
  return b;
}

class ServerPortTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    base = evtest::new_base_with(GetParam());
    ASSERT_NE(nullptr, base);
    server = new dnstest::Server(base);
    client = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<uint16_t>(server->port));
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    ASSERT_EQ(0, connect(client, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  }
  void TearDown() override {
    close(client);
    delete server;
    event_base_free(base);
  }
  // Sends b and runs the loop until a datagram comes back (empty if none).
  Bytes exchange(const Bytes& b, int ms = 300) {
    EXPECT_EQ(static_cast<ssize_t>(b.size()), send(client, b.data(), b.size(), 0));
    Bytes out(2000);
    ssize_t n = -1;
    dnstest::run_until(
        base,
        [&] {
          if (n < 0) n = recv(client, out.data(), out.size(), 0);
          return n >= 0;
        },
        ms);
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
  }
  event_base* base = nullptr;
  dnstest::Server* server = nullptr;
  int client = -1;
};

TEST_P(ServerPortTest, AnswersAQuery) {
  Bytes r = exchange(query(0xbeef, "a.test", 1));
  ASSERT_GE(r.size(), 12u);
  EXPECT_EQ(0xbe, r[0]);
  EXPECT_EQ(0xef, r[1]);
  EXPECT_EQ(0x81, r[2]);  // QR, RD echoed
  EXPECT_EQ(0, r[3] & 0x0f);
  EXPECT_EQ(1, r[5]);  // one question
  EXPECT_EQ(2, r[7]);  // two answers
  // The answers' owner names are pointers to the question.
  EXPECT_EQ(0xc0, r[12 + 8 + 4]);
  EXPECT_EQ(12, r[12 + 8 + 5]);
  EXPECT_EQ(12u + 8 + 4 + 2 * 16, r.size());
}

TEST_P(ServerPortTest, TruncatesOver512BytesOnUdp) {
  Bytes r = exchange(query(1, "big.test", 1));
  ASSERT_GE(r.size(), 12u);
  EXPECT_LE(r.size(), 512u);
  EXPECT_TRUE(r[2] & 0x02);  // TC
  int an = (r[6] << 8) | r[7];
  EXPECT_EQ(12u + 10 + 4 + static_cast<std::size_t>(an) * 16, r.size());
  EXPECT_LT(an, 40);
}

TEST_P(ServerPortTest, AnswersOverTcp) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(server->port));
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  ASSERT_EQ(0, connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  Bytes q = query(7, "big.test", 1);
  Bytes framed = {0, static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  // Two requests in one write, to check the framing.
  Bytes twice = framed;
  twice.insert(twice.end(), framed.begin(), framed.end());
  ASSERT_EQ(static_cast<ssize_t>(twice.size()), write(fd, twice.data(), twice.size()));
  fcntl(fd, F_SETFL, O_NONBLOCK);
  Bytes got;
  dnstest::run_until(base, [&] {
    uint8_t buf[4096];
    if (got.size() >= 2 * (2 + 12 + 10 + 4 + 40 * 16)) return true;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) got.insert(got.end(), buf, buf + n);
    return got.size() >= 2 * (2 + 12 + 10 + 4 + 40 * 16);
  });
  ASSERT_EQ(2u * (2 + 12 + 10 + 4 + 40 * 16), got.size());
  EXPECT_EQ(0, got[2 + 2] & 0x02);  // not truncated
  EXPECT_EQ(40, got[2 + 7]);
  EXPECT_EQ(2, server->tcp_requests + server->hits["big.test"]);
  close(fd);
}

TEST_P(ServerPortTest, IgnoresMalformedRequests) {
  Bytes junk = {1, 2, 3};
  EXPECT_TRUE(exchange(junk, 50).empty());
  Bytes resp = query(3, "a.test", 1, 0x8100);  // a response, not a query
  EXPECT_TRUE(exchange(resp, 50).empty());
  Bytes lying = query(4, "a.test", 1);
  lying[5] = 200;  // 200 questions announced
  EXPECT_TRUE(exchange(lying, 50).empty());
  Bytes loop = {0, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  EXPECT_TRUE(exchange(loop, 50).empty());
  EXPECT_TRUE(server->qnames.empty());
  // Still serving.
  EXPECT_FALSE(exchange(query(5, "a.test", 1)).empty());
}

TEST_P(ServerPortTest, OtherOpcodesGetNotImpl) {
  Bytes r = exchange(query(6, "a.test", 1, 0x2000));  // opcode 4 (NOTIFY)
  ASSERT_GE(r.size(), 12u);
  EXPECT_EQ(DNS_ERR_NOTIMPL, r[3] & 0x0f);
  EXPECT_TRUE(server->qnames.empty());
}

namespace {
struct ApiChecks {
  int add_bad_section = 0, add_bad_name = 0, add_ok = 0, after_respond = 0, bad_err = 0;
  int addrlen = 0, small = 0;
  bool done = false;
};
void check_api(evdns_server_request* req, void* arg) {
  auto* c = static_cast<ApiChecks*>(arg);
  const char data[4] = {1, 2, 3, 4};
  c->add_bad_section = evdns_server_request_add_reply(req, 3, "x", 1, 1, 1, 4, 0, data);
  c->add_bad_name = evdns_server_request_add_reply(req, 0, "a..b", 1, 1, 1, 4, 0, data);
  c->add_ok = evdns_server_request_add_reply(req, EVDNS_AUTHORITY_SECTION, "a.test", EVDNS_TYPE_TXT,
                                             1, 5, 4, 0, data);
  sockaddr_storage ss;
  c->addrlen =
      evdns_server_request_get_requesting_addr(req, reinterpret_cast<sockaddr*>(&ss), sizeof(ss));
  c->small = evdns_server_request_get_requesting_addr(req, reinterpret_cast<sockaddr*>(&ss), 2);
  c->bad_err = evdns_server_request_respond(req, 16);
  evdns_server_request_set_flags(req, EVDNS_FLAGS_AA);
  EXPECT_EQ(0, evdns_server_request_respond(req, 0));
  c->done = true;
}
}  // namespace

TEST_P(ServerPortTest, ReplyApiChecksItsArguments) {
  int fd = dnstest::bound_socket(SOCK_DGRAM);
  ApiChecks c;
  evdns_server_port* port = evdns_add_server_port_with_base(base, fd, 0, check_api, &c);
  ASSERT_NE(nullptr, port);
  EXPECT_EQ(nullptr, evdns_add_server_port_with_base(base, fd, 1, check_api, &c));
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(dnstest::local_port(fd)));
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  ASSERT_EQ(0, connect(client, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  Bytes r = exchange(query(8, "a.test", 1));
  EXPECT_TRUE(c.done);
  EXPECT_EQ(-1, c.add_bad_section);
  EXPECT_EQ(-1, c.add_bad_name);
  EXPECT_EQ(0, c.add_ok);
  EXPECT_EQ(static_cast<int>(sizeof(sockaddr_in)), c.addrlen);
  EXPECT_EQ(-1, c.small);
  EXPECT_EQ(-1, c.bad_err);
  ASSERT_GE(r.size(), 12u);
  EXPECT_TRUE(r[2] & 0x04);  // AA
  EXPECT_EQ(0, r[7]);        // no answers
  EXPECT_EQ(1, r[9]);        // one authority record
  evdns_close_server_port(port);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerPortTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);

}  // namespace
