// What every bufferevent promises, through TLS (socket and filter mode),
// run once per backend: watermarks, timeouts, flushing, enabling and
// disabling, rate limits and groups (counting plaintext), deferred
// callbacks, and renegotiation (TLS 1.2; refused on TLS 1.3).
#include <string>

#include "event_backend_param.hpp"
#include "openssl_test_util.hpp"

using bevtest::run_for;
using bevtest::run_until;
using tlstest::CtxOptions;

namespace {

struct Mode {
  std::string backend;
  bool filter;
};

// Named for test output (the default would print the struct's bytes).
void PrintTo(const Mode& m, std::ostream* os) {
  *os << m.backend << (m.filter ? "/filter" : "/socket");
}

std::vector<Mode> modes() {
  std::vector<Mode> out;
  for (const std::string& m : evtest::supported_methods()) {
    out.push_back({m, false});
    out.push_back({m, true});
  }
  return out;
}

class TlsFeatures : public ::testing::TestWithParam<Mode>, protected tlstest::Endpoints {
 protected:
  void SetUp() override {
    base = evtest::new_base_with(GetParam().backend);
    ASSERT_NE(nullptr, base);
  }
  void TearDown() override {
    free_endpoints();
    event_base_free(base);
  }
  bufferevent* side(int fd, SSL_CTX* ctx, bufferevent_ssl_state st, int options) {
    if (!GetParam().filter)
      return bufferevent_openssl_socket_new(base, fd, SSL_new(ctx), st,
                                            BEV_OPT_CLOSE_ON_FREE | options);
    bufferevent* u = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE | options);
    return bufferevent_openssl_filter_new(base, u, SSL_new(ctx), st,
                                          BEV_OPT_CLOSE_ON_FREE | options);
  }
  void make_pair(const CtxOptions& so = {}, const CtxOptions& co = {}, int options = 0) {
    make_contexts(so, co);
    server = side(sp.release(0), sctx, BUFFEREVENT_SSL_ACCEPTING, options);
    client = side(sp.release(1), cctx, BUFFEREVENT_SSL_CONNECTING, options);
    attach();
  }
  bool connected() { return connected_in(base); }
  // Milliseconds until the server has read all of `data`, written by the
  // client (-1 when it did not arrive in 10 s).
  long send_timed(const std::string& data) {
    timeval start;
    gettimeofday(&start, nullptr);
    bufferevent_write(client, data.data(), data.size());
    if (!run_until(
            base, [&] { return rs.data.size() >= data.size(); }, 10000))
      return -1;
    EXPECT_TRUE(rs.data == data);
    return bevtest::ms_since(start);
  }

  event_base* base = nullptr;
};

// Keeps the largest input length the read callback saw.
struct MaxSeen {
  size_t max = 0;
  size_t total = 0;
  bool drain = false;
  static void on_read(bufferevent* b, void* arg) {
    auto* m = static_cast<MaxSeen*>(arg);
    size_t n = evbuffer_get_length(bufferevent_get_input(b));
    if (n > m->max) m->max = n;
    if (m->drain) {
      m->total += n;
      evbuffer_drain(bufferevent_get_input(b), n);
    }
  }
};

TEST_P(TlsFeatures, ReadHighWatermarkBoundsTheInput) {
  make_pair();
  ASSERT_TRUE(connected());
  MaxSeen seen;
  bufferevent_setcb(server, MaxSeen::on_read, nullptr, nullptr, &seen);
  bufferevent_setwatermark(server, EV_READ, 0, 10000);
  const std::string data = tlstest::pattern(200000);
  bufferevent_write(client, data.data(), data.size());
  run_for(base, 200);
  EXPECT_EQ(10000u, evbuffer_get_length(bufferevent_get_input(server)));
  EXPECT_LE(seen.max, 10000u);
  // Draining lets the rest in.
  seen.drain = true;
  evbuffer_drain(bufferevent_get_input(server), 10000);
  seen.total = 10000;
  ASSERT_TRUE(run_until(
      base, [&] { return seen.total == data.size(); }, 10000));
  EXPECT_LE(seen.max, 10000u);
}

TEST_P(TlsFeatures, ReadLowWatermarkDelaysTheCallback) {
  make_pair();
  ASSERT_TRUE(connected());
  rs.drain = false;
  bufferevent_setwatermark(server, EV_READ, 10, 0);
  bufferevent_write(client, "12345", 5);
  run_for(base, 50);
  EXPECT_EQ(0, rs.reads);
  bufferevent_write(client, "67890", 5);
  ASSERT_TRUE(run_until(base, [&] { return rs.reads == 1; }));
}

TEST_P(TlsFeatures, WriteCallbackWhenOutputBelowLowWatermark) {
  make_pair();
  ASSERT_TRUE(connected());
  const std::string data = tlstest::pattern(500000);
  bufferevent_setwatermark(client, EV_WRITE, 1000, 0);
  bufferevent_write(client, data.data(), data.size());
  ASSERT_TRUE(run_until(base, [&] { return rc.writes >= 1 && rs.data.size() == data.size(); }));
  EXPECT_LE(evbuffer_get_length(bufferevent_get_output(client)), 1000u);
}

TEST_P(TlsFeatures, ReadTimeoutReportsAndDisables) {
  make_pair();
  ASSERT_TRUE(connected());
  timeval tv = {0, 100000};
  bufferevent_set_timeouts(server, &tv, nullptr);
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 2; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_READING, rs.last_what);
  EXPECT_FALSE(bufferevent_get_enabled(server) & EV_READ);
  run_for(base, 250);
  EXPECT_EQ(2, rs.events);  // disabled: no more timeouts
  // Enabling again reads what came meanwhile.
  bufferevent_write(client, "late", 4);
  run_for(base, 30);
  bufferevent_set_timeouts(server, nullptr, nullptr);
  bufferevent_enable(server, EV_READ);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "late"; }));
}

TEST_P(TlsFeatures, ReadTimeoutDuringTheHandshake) {
  sctx = tlstest::server_ctx();
  server = side(sp.release(0), sctx, BUFFEREVENT_SSL_ACCEPTING, 0);
  rs.attach(server);
  timeval tv = {0, 100000};
  bufferevent_set_timeouts(server, &tv, nullptr);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  // Nobody speaks: the server waits for a hello that never comes.
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 1; }));
  EXPECT_EQ(BEV_EVENT_TIMEOUT | BEV_EVENT_READING, rs.last_what);
  run_for(base, 250);
  EXPECT_EQ(1, rs.events);
}

TEST_P(TlsFeatures, DataKeepsTheReadTimeoutAway) {
  make_pair();
  ASSERT_TRUE(connected());
  timeval tv = {0, 400000};
  bufferevent_set_timeouts(server, &tv, nullptr);
  for (int i = 0; i < 6; ++i) {
    bufferevent_write(client, "tick", 4);
    run_for(base, 60);
  }
  EXPECT_EQ(1, rs.events);
  EXPECT_EQ(24u, rs.data.size());
}

TEST_P(TlsFeatures, DisabledReadingHoldsDataUntilEnabled) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_disable(server, EV_READ);
  bufferevent_write(client, "held", 4);
  run_for(base, 100);
  EXPECT_EQ("", rs.data);
  bufferevent_enable(server, EV_READ);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "held"; }));
}

TEST_P(TlsFeatures, DisabledWritingHoldsOutputUntilEnabled) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_disable(client, EV_WRITE);
  bufferevent_write(client, "queued", 6);
  run_for(base, 100);
  EXPECT_EQ("", rs.data);
  EXPECT_EQ(6u, evbuffer_get_length(bufferevent_get_output(client)));
  bufferevent_enable(client, EV_WRITE);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "queued"; }));
}

TEST_P(TlsFeatures, FlushPushesOutputIntoTheTransport) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_write(client, "flushed", 7);
  EXPECT_EQ(1, bufferevent_flush(client, EV_WRITE, BEV_FLUSH));
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_output(client)));
  EXPECT_EQ(0, bufferevent_flush(client, EV_WRITE, BEV_FLUSH));
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "flushed"; }));
}

TEST_P(TlsFeatures, RateLimitCountsPlaintext) {
  make_pair();
  ASSERT_TRUE(connected());
  timeval tick = {0, 100000};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(20000, 20000, 20000, 20000, &tick);
  ASSERT_EQ(0, bufferevent_set_rate_limit(client, cfg));
  // 20000 plaintext bytes per 100 ms tick: at least three more ticks.
  EXPECT_GE(send_timed(tlstest::pattern(80000)), 250);
  bufferevent_set_rate_limit(client, nullptr);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(TlsFeatures, ReadRateLimitOnTheReceiver) {
  make_pair();
  ASSERT_TRUE(connected());
  timeval tick = {0, 100000};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(16384, 16384, 100000, 100000, &tick);
  ASSERT_EQ(0, bufferevent_set_rate_limit(server, cfg));
  EXPECT_GE(send_timed(tlstest::pattern(65536)), 250);
  bufferevent_set_rate_limit(server, nullptr);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(TlsFeatures, RateLimitGroup) {
  make_pair();
  ASSERT_TRUE(connected());
  timeval tick = {0, 100000};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(30000, 30000, 30000, 30000, &tick);
  bufferevent_rate_limit_group* g = bufferevent_rate_limit_group_new(base, cfg);
  ASSERT_EQ(0, bufferevent_add_to_rate_limit_group(client, g));
  EXPECT_GE(send_timed(tlstest::pattern(100000)), 200);
  ev_uint64_t read = 0, written = 0;
  bufferevent_rate_limit_group_get_totals(g, &read, &written);
  EXPECT_EQ(100000u, written);  // plaintext bytes
  bufferevent_remove_from_rate_limit_group(client);
  bufferevent_rate_limit_group_free(g);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(TlsFeatures, DeferredCallbacksRunFromTheLoop) {
  make_pair({}, {}, BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS);
  ASSERT_TRUE(connected());
  const std::string data = tlstest::pattern(300000);
  bufferevent_write(client, data.data(), data.size());
  bufferevent_write(server, "back", 4);
  ASSERT_TRUE(run_until(base, [&] { return rs.data.size() == data.size() && rc.data == "back"; }));
  EXPECT_TRUE(rs.data == data);
}

TEST_P(TlsFeatures, ServerRenegotiatesTls12) {
  make_pair({.version = TLS1_2_VERSION}, {.version = TLS1_2_VERSION});
  ASSERT_TRUE(connected());
  ASSERT_EQ(0, bufferevent_ssl_renegotiate(server));
  // The client answers inside its reads; data keeps flowing both ways.
  bufferevent_write(server, "during", 6);
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 2 && rc.data == "during"; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, rs.last_what);
  bufferevent_write(client, "after", 5);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "after"; }));
  EXPECT_EQ(1, rc.events);
}

TEST_P(TlsFeatures, ClientRenegotiatesTls12) {
  make_pair({.version = TLS1_2_VERSION}, {.version = TLS1_2_VERSION});
  SSL_set_options(bufferevent_openssl_get_ssl(server), SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
  ASSERT_TRUE(connected());
  ASSERT_EQ(0, bufferevent_ssl_renegotiate(client));
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, rc.last_what);
  bufferevent_write(client, "x", 1);
  bufferevent_write(server, "y", 1);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "x" && rc.data == "y"; }));
}

TEST_P(TlsFeatures, RenegotiationIsRefusedOnTls13) {
  make_pair({.version = TLS1_3_VERSION}, {.version = TLS1_3_VERSION});
  ASSERT_TRUE(connected());
  EXPECT_EQ(-1, bufferevent_ssl_renegotiate(client));
  unsigned long e = bufferevent_get_openssl_error(client);
  EXPECT_EQ(SSL_R_WRONG_SSL_VERSION, ERR_GET_REASON(e));
  // The connection is unharmed.
  bufferevent_write(client, "still", 5);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "still"; }));
  EXPECT_EQ(1, rc.events);
}

// bufferevent_get_openssl_error() hands the queue out oldest first: the
// refused renegotiation's entry, then the dirty close's.
TEST_P(TlsFeatures, ErrorQueueDrainsOldestFirst) {
  make_pair({.version = TLS1_3_VERSION}, {.version = TLS1_3_VERSION});
  ASSERT_TRUE(connected());
  EXPECT_EQ(-1, bufferevent_ssl_renegotiate(client));
  bufferevent_free(server);  // no close_notify
  server = nullptr;
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
  EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_READING, rc.last_what);
  std::vector<unsigned long> errs = tlstest::drain_errors(client);
  ASSERT_EQ(2u, errs.size());
  EXPECT_EQ(SSL_R_WRONG_SSL_VERSION, ERR_GET_REASON(errs[0]));
  EXPECT_EQ(SSL_R_UNEXPECTED_EOF_WHILE_READING, ERR_GET_REASON(errs[1]));
  EXPECT_EQ(0u, bufferevent_get_openssl_error(client));
}

std::string mode_name(const ::testing::TestParamInfo<Mode>& info) {
  return info.param.backend + (info.param.filter ? "_filter" : "_socket");
}

INSTANTIATE_TEST_SUITE_P(Modes, TlsFeatures, ::testing::ValuesIn(modes()), mode_name);

}  // namespace
