// The server port under a flood: many clients' queries read and answered a
// batch at a time, answers given later from other callbacks, the port
// closed in the middle of a batch, requests dropped, and requests larger
// than the room a request has inside itself (every backend).
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "evdns_test_util.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

// A query with id `id` for "q<id>.test" (A), or for the names given.
Bytes query(uint16_t id, std::vector<std::string> names = {}) {
  if (names.empty()) names.push_back("q" + std::to_string(id) + ".test");
  Bytes b = {static_cast<uint8_t>(id >> 8),
             static_cast<uint8_t>(id),
             1,
             0,
             0,
             static_cast<uint8_t>(names.size()),
             0,
             0,
             0,
             0,
             0,
             0};
  for (const std::string& n : names) {
    dnstest::put_name(b, n);
    b.insert(b.end(), {0, 1, 0, 1});
  }
  return b;
}

// What an answer to query(id) must be: the id, the question echoed, and one
// A record (a pointer to the question's name) holding the id as 10.0.x.y.
bool answer_matches(const Bytes& r, uint16_t* id_out) {
  if (r.size() < 12) return false;
  uint16_t id = static_cast<uint16_t>((r[0] << 8) | r[1]);
  *id_out = id;
  Bytes q = query(id);
  std::size_t qlen = q.size() - 12;
  if (r.size() != 12 + qlen + 16) return false;
  if (!std::equal(q.begin() + 12, q.end(), r.begin() + 12)) return false;
  if ((r[2] & 0x80) == 0 || (r[3] & 0x0f) != 0 || r[7] != 1) return false;
  const uint8_t* rec = r.data() + 12 + qlen;
  if (rec[0] != 0xc0 || rec[1] != 12) return false;
  return rec[12] == 10 && rec[13] == 0 && rec[14] == (id >> 8) && rec[15] == (id & 0xff);
}

int id_of(const evdns_server_question* q) { return std::atoi(q->name + 1); }

void answer(evdns_server_request* req) {
  uint32_t addr = htonl(0x0a000000u | static_cast<uint32_t>(id_of(req->questions[0])));
  ASSERT_EQ(0, evdns_server_request_add_a_reply(req, req->questions[0]->name, 1, &addr, 60));
  ASSERT_EQ(0, evdns_server_request_respond(req, 0));
}

class ServerBatchTest : public dnstest::PortTest {
 public:
  enum class Mode { kAnswer, kHold, kHoldOdd, kDropOdd };

  void SetUp() override {
    PortTest::SetUp();
    open_port(SOCK_DGRAM, on_request);
  }

  static void on_request(evdns_server_request* req, void* arg) {
    auto* self = static_cast<ServerBatchTest*>(arg);
    ++self->seen;
    bool odd = self->seen % 2 == 1;
    if (self->mode == Mode::kHold || (self->mode == Mode::kHoldOdd && odd)) {
      self->held.push_back(req);
    } else if (self->mode == Mode::kDropOdd && odd) {
      EXPECT_EQ(0, evdns_server_request_drop(req));
    } else {
      answer(req);
    }
    if (self->seen == self->close_after) {
      evdns_close_server_port(self->port);
      self->port = nullptr;
    }
  }

  int new_client() {
    int c = dnstest::connected_udp(dnstest::local_port(fd));
    EXPECT_GE(c, 0);
    int big = 1 << 20;
    setsockopt(c, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    clients.push_back(c);
    return c;
  }

  // Queues `per_client` queries from each of `n` new clients before the
  // loop runs, so the port finds them all waiting at once.  Client k's
  // queries have ids first + k * per_client + i.
  void flood(int n, int per_client, int first = 1) {
    for (int k = 0; k < n; ++k) {
      int c = new_client();
      for (int i = 0; i < per_client; ++i) {
        Bytes q = query(static_cast<uint16_t>(first + k * per_client + i));
        ASSERT_EQ(static_cast<ssize_t>(q.size()), send(c, q.data(), q.size(), 0));
      }
    }
  }

  // Reads every answer waiting on the clients into got (by id), checking
  // each; returns false on a wrong answer.
  bool collect() {
    for (int c : clients) {
      uint8_t buf[2048];
      ssize_t n;
      while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
        Bytes r(buf, buf + n);
        uint16_t id = 0;
        if (!answer_matches(r, &id)) {
          ADD_FAILURE() << "wrong answer for id " << id;
          return false;
        }
        ++got[id];
      }
    }
    return true;
  }

  std::size_t answers() const {
    std::size_t total = 0;
    for (auto& [id, count] : got) total += static_cast<std::size_t>(count);
    return total;
  }

  void run_until_answers(std::size_t want, int ms = 3000) {
    dnstest::run_until(
        base, [&] { return !collect() || answers() >= want; }, ms);
  }

  Mode mode = Mode::kAnswer;
  int seen = 0;
  int close_after = -1;
  std::map<int, int> got;
};

TEST_P(ServerBatchTest, AnswersManyClientsQueuedAtOnce) {
  // 120 queries: many read batches and many groups of answers sent together.
  flood(30, 4);
  run_until_answers(120);
  EXPECT_EQ(120, seen);
  ASSERT_EQ(120u, got.size());
  for (auto& [id, count] : got) EXPECT_EQ(1, count) << id;
  // And again, with the requests the first wave left for reuse.
  got.clear();
  flood(5, 10, 500);
  run_until_answers(50);
  EXPECT_EQ(50u, answers());
}

TEST_P(ServerBatchTest, OneClientsFloodComesBackAsSeparateAnswersInOrder) {
  // 200 queries of one length from one client: runs of equal-length answers
  // to one address, which the port may hand to the kernel together (UDP
  // segmentation offload on Linux).  The client must still read each
  // answer as a datagram of its own, intact, in the order asked.
  int c = new_client();
  for (int i = 0; i < 200; ++i) {
    Bytes q = query(static_cast<uint16_t>(100 + i));
    ASSERT_EQ(static_cast<ssize_t>(q.size()), send(c, q.data(), q.size(), 0));
  }
  std::vector<uint16_t> order;
  dnstest::run_until(base, [&] {
    uint8_t buf[4096];
    ssize_t n;
    while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
      uint16_t id = 0;
      EXPECT_TRUE(answer_matches(Bytes(buf, buf + n), &id)) << "a datagram of " << n << " bytes";
      order.push_back(id);
    }
    return order.size() >= 200;
  });
  ASSERT_EQ(200u, order.size());
  for (int i = 0; i < 200; ++i) EXPECT_EQ(100 + i, order[static_cast<std::size_t>(i)]);
}

TEST_P(ServerBatchTest, AnswersGivenFromALaterCallback) {
  mode = Mode::kHoldOdd;  // half answered at once, half later
  flood(10, 6);
  dnstest::run_until(base, [&] { return seen == 60; });
  run_until_answers(30, 200);
  EXPECT_EQ(30u, answers());
  ASSERT_EQ(30u, held.size());
  // Answered in reverse order from a timer's callback.
  auto later = [](evutil_socket_t, short, void* arg) {
    auto* self = static_cast<ServerBatchTest*>(arg);
    for (auto it = self->held.rbegin(); it != self->held.rend(); ++it) answer(*it);
    self->held.clear();
  };
  timeval tv{0, 1000};
  ASSERT_EQ(0, event_base_once(base, -1, EV_TIMEOUT, later, this, &tv));
  run_until_answers(60);
  EXPECT_EQ(60u, got.size());
  EXPECT_TRUE(held.empty());
}

TEST_P(ServerBatchTest, ClosingThePortInTheMiddleOfABatch) {
  mode = Mode::kHoldOdd;
  close_after = 6;  // requests 2, 4 and 6 answered at once, 1, 3, 5 held
  flood(1, 30);
  dnstest::run_until(base, [&] { return seen >= 6; });
  run_until_answers(3, 300);
  EXPECT_EQ(6, seen);  // nothing read after the close
  EXPECT_EQ(3u, answers());
  // The held requests keep what they need: their answers still go out.
  ASSERT_EQ(3u, held.size());
  for (evdns_server_request* r : held) answer(r);
  held.clear();
  run_until_answers(6, 300);
  EXPECT_EQ(6u, answers());
  for (int id = 1; id <= 6; ++id) EXPECT_EQ(1, got[id]) << id;
  EXPECT_EQ(6, seen);
}

TEST_P(ServerBatchTest, ClosingThePortAfterItsLastRequest) {
  close_after = 40;  // the last of the batch
  flood(4, 10);
  run_until_answers(40);
  EXPECT_EQ(40u, answers());
  EXPECT_EQ(nullptr, port);
}

TEST_P(ServerBatchTest, DroppedRequestsGetNoAnswer) {
  mode = Mode::kDropOdd;
  flood(8, 10);
  dnstest::run_until(base, [&] { return seen == 80; });
  run_until_answers(40, 300);
  EXPECT_EQ(40u, answers());
  for (auto& [id, count] : got) EXPECT_EQ(0, id % 2) << id;  // the even ones
  mode = Mode::kAnswer;
  got.clear();
  flood(2, 20, 1000);
  run_until_answers(40);
  EXPECT_EQ(40u, answers());
}

TEST_P(ServerBatchTest, DroppedRequestsWhileHolding) {
  mode = Mode::kHold;
  flood(2, 10);
  dnstest::run_until(base, [&] { return seen == 20; });
  ASSERT_EQ(20u, held.size());
  for (std::size_t i = 0; i < held.size(); ++i)
    if (i % 3 == 0)
      EXPECT_EQ(0, evdns_server_request_drop(held[i]));
    else
      answer(held[i]);
  held.clear();
  run_until_answers(13);
  EXPECT_EQ(13u, answers());
}

namespace {
void answer_now(evdns_server_request* req, void* arg) {
  ++*static_cast<int*>(arg);
  answer(req);
}
}  // namespace

TEST_P(ServerBatchTest, AnswersTheSocketPushesBackWaitAndKeepTheirOrder) {
  // A datagram socket pair whose server end has a small send buffer (its
  // datagrams count against it until the peer reads them), so answers to
  // a client that does not read meet EAGAIN and must wait for the socket
  // to be writable again.
  int sv[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
  int small = 4096;
  ASSERT_EQ(0, setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
  int calls = 0;
  evdns_server_port* p2 = evdns_add_server_port_with_base(base, sv[0], 0, answer_now, &calls);
  ASSERT_NE(nullptr, p2);
  constexpr int kQueries = 60;
  int sent = 0;
  // Send everything without reading (the server's queue is short too).
  dnstest::run_until(base, [&] {
    while (sent < kQueries) {
      Bytes q = query(static_cast<uint16_t>(sent + 1));
      if (send(sv[1], q.data(), q.size(), 0) < 0) break;
      ++sent;
    }
    return sent == kQueries && calls == kQueries;
  });
  ASSERT_EQ(kQueries, sent);
  ASSERT_EQ(kQueries, calls);
  std::vector<int> order;
  dnstest::run_until(base, [&] {
    uint8_t buf[2048];
    ssize_t n;
    while ((n = recv(sv[1], buf, sizeof(buf), 0)) > 0) {
      uint16_t id = 0;
      EXPECT_TRUE(answer_matches(Bytes(buf, buf + n), &id));
      order.push_back(id);
    }
    return order.size() >= static_cast<std::size_t>(kQueries);
  });
  ASSERT_EQ(static_cast<std::size_t>(kQueries), order.size());
  for (int i = 0; i < kQueries; ++i) EXPECT_EQ(i + 1, order[static_cast<std::size_t>(i)]);
  evdns_close_server_port(p2);
  close(sv[1]);
}

namespace {
// Records past the room inside a request, added out of section order.
void big_answer(evdns_server_request* req, void* arg) {
  ++*static_cast<int*>(arg);
  const char data[4] = {1, 2, 3, 4};
  EXPECT_EQ(0, evdns_server_request_add_reply(req, EVDNS_ADDITIONAL_SECTION, "extra.test",
                                              EVDNS_TYPE_A, 1, 5, 4, 0, data));
  EXPECT_EQ(0, evdns_server_request_add_reply(req, EVDNS_AUTHORITY_SECTION, "auth.test",
                                              EVDNS_TYPE_A, 1, 5, 4, 0, data));
  for (int i = 0; i < 6; ++i) {
    std::string name = std::string(40, static_cast<char>('a' + i)) + ".test";
    EXPECT_EQ(0, evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION, name.c_str(),
                                                EVDNS_TYPE_A, 1, 5, 4, 0, data));
  }
  EXPECT_EQ(0, evdns_server_request_add_cname_reply(req, "c.test", "target.test", 9));
  EXPECT_EQ(0, evdns_server_request_respond(req, 0));
}
}  // namespace

TEST_P(ServerBatchTest, RequestsLargerThanTheirInlineRoom) {
  int calls = 0;
  int fd2 = dnstest::bound_socket(SOCK_DGRAM);
  evdns_server_port* p2 = evdns_add_server_port_with_base(base, fd2, 0, big_answer, &calls);
  ASSERT_NE(nullptr, p2);
  int c = dnstest::connected_udp(dnstest::local_port(fd2));
  ASSERT_GE(c, 0);
  for (int round = 0; round < 3; ++round) {  // pooled requests come back clean
    Bytes q = query(7, {"x.test", "y.test"});
    ASSERT_EQ(static_cast<ssize_t>(q.size()), send(c, q.data(), q.size(), 0));
    Bytes r(2048);
    ssize_t n = -1;
    dnstest::run_until(base, [&] {
      if (n <= 0) n = recv(c, r.data(), r.size(), 0);
      return n > 0;
    });
    ASSERT_GT(n, 12);
    r.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(round + 1, calls);
    EXPECT_EQ(2, r[5]);   // both questions echoed
    EXPECT_EQ(7, r[7]);   // 6 answers and the CNAME, in the order added
    EXPECT_EQ(1, r[9]);   // then the authority record
    EXPECT_EQ(1, r[11]);  // and the additional one
    EXPECT_EQ(0, r[2] & 0x02);
    std::size_t at = 12 + (8 + 4) + (4 + 4);  // past the questions ("y.test" points at "test")
    ASSERT_GT(r.size(), at + 42);
    EXPECT_EQ(40, r[at]);
    EXPECT_EQ('a', r[at + 1]);  // the first answer comes first
  }
  close(c);
  evdns_close_server_port(p2);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerBatchTest,
                         ::testing::ValuesIn(evtest::supported_methods()), dnstest::method_name);

}  // namespace
