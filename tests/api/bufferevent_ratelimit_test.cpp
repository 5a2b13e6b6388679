// Rate limiting: token-bucket configurations, per-bufferevent limits and
// groups, observed through the limit queries and through real transfers.
#include <string>

#include "bufferevent_test_util.hpp"
#include "event_backend_param.hpp"

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;
using bevtest::SockPair;

namespace {

TEST(BevRateCfg, RejectsRatesAboveBurstsOrZero) {
  EXPECT_EQ(nullptr, ev_token_bucket_cfg_new(10, 5, 10, 10, nullptr));
  EXPECT_EQ(nullptr, ev_token_bucket_cfg_new(10, 10, 10, 5, nullptr));
  EXPECT_EQ(nullptr, ev_token_bucket_cfg_new(0, 10, 10, 10, nullptr));
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(10, 10, 10, 10, nullptr);
  EXPECT_NE(nullptr, cfg);
  ev_token_bucket_cfg_free(cfg);
}

class BevRate : public evtest::PerBackend {
 protected:
  // Watches `b` (on sp.fd[0]) with `r`, sends it `n` bytes and returns the
  // milliseconds until its read callback has them all (-1: never did).
  long ms_to_read(bufferevent* b, size_t n) {
    r.attach(b);
    bufferevent_enable(b, EV_READ);
    sp.send(std::string(n, 'r'));
    timeval start;
    gettimeofday(&start, nullptr);
    if (!run_until(base, [&] { return r.data.size() == n; })) return -1;
    return bevtest::ms_since(start);
  }

  SockPair sp;
  Recorder r;
};

TEST_P(BevRate, WithoutALimitTheLimitsAreUnbounded) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  EXPECT_EQ(nullptr, bufferevent_get_token_bucket_cfg(b));
  EXPECT_EQ(EV_SSIZE_MAX, bufferevent_get_read_limit(b));
  EXPECT_EQ(EV_SSIZE_MAX, bufferevent_get_write_limit(b));
  bufferevent_free(b);
}

TEST_P(BevRate, NewBucketHoldsOneTickAndCapsTheNextOperation) {
  timeval tick = {10, 0};  // long enough that no refill happens
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(100, 1000, 50, 500, &tick);
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  ASSERT_EQ(0, bufferevent_set_rate_limit(b, cfg));
  EXPECT_EQ(cfg, bufferevent_get_token_bucket_cfg(b));
  EXPECT_EQ(100, bufferevent_get_read_limit(b));
  EXPECT_EQ(50, bufferevent_get_write_limit(b));
  EXPECT_EQ(100, bufferevent_get_max_to_read(b));
  EXPECT_EQ(50, bufferevent_get_max_to_write(b));
  ASSERT_EQ(0, bufferevent_decrement_read_limit(b, 30));
  EXPECT_EQ(70, bufferevent_get_read_limit(b));
  ASSERT_EQ(0, bufferevent_decrement_write_limit(b, 80));
  EXPECT_EQ(-30, bufferevent_get_write_limit(b));
  EXPECT_EQ(0, bufferevent_get_max_to_write(b));
  ASSERT_EQ(0, bufferevent_decrement_write_limit(b, -40));
  EXPECT_EQ(10, bufferevent_get_write_limit(b));
  ASSERT_EQ(0, bufferevent_set_rate_limit(b, nullptr));
  EXPECT_EQ(nullptr, bufferevent_get_token_bucket_cfg(b));
  EXPECT_EQ(16384, bufferevent_get_max_to_read(b));
  bufferevent_free(b);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(BevRate, ReadingIsPacedByTheBucket) {
  timeval tick = {0, 50 * 1000};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(10, 10, 1000, 1000, &tick);
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], 0);
  bufferevent_set_rate_limit(b, cfg);
  // 10 bytes per 50ms tick: at least three refills were needed.
  EXPECT_GE(ms_to_read(b, 40), 120);
  EXPECT_GE(r.reads, 4);
  bufferevent_free(b);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(BevRate, WritingIsPacedByTheBucket) {
  timeval tick = {0, 50 * 1000};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(1000, 1000, 10, 10, &tick);
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], 0);
  bufferevent_set_rate_limit(b, cfg);
  bufferevent_write(b, std::string(40, 'w').data(), 40);
  run_for(base, 20);
  std::string got = sp.recv_all();
  EXPECT_LE(got.size(), 10u);
  timeval start;
  gettimeofday(&start, nullptr);
  ASSERT_TRUE(run_until(base, [&] {
    got += sp.recv_all();
    return got.size() == 40;
  }));
  EXPECT_GE(bevtest::ms_since(start), 100);
  bufferevent_free(b);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(BevRate, GroupTracksItsBucketAndTotals) {
  timeval tick = {10, 0};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(1000, 2000, 500, 800, &tick);
  bufferevent_rate_limit_group* g = bufferevent_rate_limit_group_new(base, cfg);
  ASSERT_NE(nullptr, g);
  EXPECT_EQ(1000, bufferevent_rate_limit_group_get_read_limit(g));
  EXPECT_EQ(500, bufferevent_rate_limit_group_get_write_limit(g));
  EXPECT_EQ(0, bufferevent_rate_limit_group_decrement_read(g, 100));
  EXPECT_EQ(900, bufferevent_rate_limit_group_get_read_limit(g));
  EXPECT_EQ(0, bufferevent_rate_limit_group_decrement_write(g, 600));
  EXPECT_EQ(-100, bufferevent_rate_limit_group_get_write_limit(g));
  ev_uint64_t rd = 1, wr = 1;
  bufferevent_rate_limit_group_get_totals(g, &rd, &wr);
  EXPECT_EQ(0u, rd);
  EXPECT_EQ(0u, wr);
  // A smaller configuration clips the bucket.
  ev_token_bucket_cfg* small = ev_token_bucket_cfg_new(100, 200, 100, 200, &tick);
  EXPECT_EQ(0, bufferevent_rate_limit_group_set_cfg(g, small));
  EXPECT_EQ(200, bufferevent_rate_limit_group_get_read_limit(g));
  EXPECT_EQ(0, bufferevent_rate_limit_group_set_min_share(g, 10));
  bufferevent_rate_limit_group_free(g);
  ev_token_bucket_cfg_free(small);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(BevRate, GroupMembersShareTheBucket) {
  timeval tick = {10, 0};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(1000, 1000, 1000, 1000, &tick);
  bufferevent_rate_limit_group* g = bufferevent_rate_limit_group_new(base, cfg);
  bufferevent_rate_limit_group_set_min_share(g, 1);
  bufferevent* a = bufferevent_socket_new(base, -1, 0);
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  ASSERT_EQ(0, bufferevent_add_to_rate_limit_group(a, g));
  EXPECT_EQ(1000, bufferevent_get_max_to_read(a));
  ASSERT_EQ(0, bufferevent_add_to_rate_limit_group(b, g));
  EXPECT_EQ(500, bufferevent_get_max_to_read(a));
  EXPECT_EQ(500, bufferevent_get_max_to_write(b));
  EXPECT_EQ(EV_SSIZE_MAX, bufferevent_get_read_limit(a));  // own bucket only
  ASSERT_EQ(0, bufferevent_remove_from_rate_limit_group(b));
  EXPECT_EQ(1000, bufferevent_get_max_to_read(a));
  EXPECT_EQ(16384, bufferevent_get_max_to_read(b));
  bufferevent_free(a);  // leaves the group on the way out
  bufferevent_free(b);
  run_for(base, 10);  // (libevent completes frees from the loop)
  bufferevent_rate_limit_group_free(g);
  ev_token_bucket_cfg_free(cfg);
}

TEST_P(BevRate, GroupTrafficIsCountedAndPaced) {
  timeval tick = {0, 50 * 1000};
  ev_token_bucket_cfg* cfg = ev_token_bucket_cfg_new(20, 20, 1000, 1000, &tick);
  bufferevent_rate_limit_group* g = bufferevent_rate_limit_group_new(base, cfg);
  bufferevent* b = bufferevent_socket_new(base, sp.fd[0], 0);
  bufferevent_add_to_rate_limit_group(b, g);
  EXPECT_GE(ms_to_read(b, 60), 80);
  ev_uint64_t rd = 0, wr = 0;
  bufferevent_rate_limit_group_get_totals(g, &rd, &wr);
  EXPECT_EQ(60u, rd);
  bufferevent_rate_limit_group_reset_totals(g);
  bufferevent_rate_limit_group_get_totals(g, &rd, nullptr);
  EXPECT_EQ(0u, rd);
  bufferevent_free(b);
  run_for(base, 10);
  bufferevent_rate_limit_group_free(g);
  ev_token_bucket_cfg_free(cfg);
}

EVTEST_INSTANTIATE_PER_BACKEND(BevRate);

}  // namespace
