// evdns with threads: requests started and cancelled from other threads
// while the loop runs in the main thread (evthread_use_pthreads).
#include <event2/dns.h>
#include <event2/thread.h>

#include <atomic>
#include <thread>

#include "evdns_test_util.hpp"

namespace {

struct Counter {
  std::atomic<int> ok{0}, cancelled{0}, other{0};
};

void count_answer(int result, char, int, int, void*, void* arg) {
  auto* c = static_cast<Counter*>(arg);
  if (result == DNS_ERR_NONE)
    ++c->ok;
  else if (result == DNS_ERR_CANCEL)
    ++c->cancelled;
  else
    ++c->other;
}

class DnsThreadTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(0, evthread_use_pthreads()); }
};

TEST_P(DnsThreadTest, RequestsFromOtherThreads) {
  event_base* base = evtest::new_base_with(GetParam());
  ASSERT_NE(nullptr, base);
  {
    dnstest::Server server(base);
    evdns_base* dns = evdns_base_new(base, 0);
    ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server.addr().c_str()));
    Counter c;
    constexpr int kThreads = 4, kEach = 50;
    std::atomic<int> started{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          const char* name = (i % 5 == 4) ? "hold.test" : "a.test";
          evdns_request* r = evdns_base_resolve_ipv4(dns, name, 0, count_answer, &c);
          if (r != nullptr && i % 5 == 4) evdns_cancel_request(dns, r);
          ++started;
        }
        (void)t;
      });
    }
    // The loop runs here while the threads add requests.
    dnstest::run_until(
        base,
        [&] {
          return started == kThreads * kEach && c.ok + c.cancelled + c.other == kThreads * kEach;
        },
        10000);
    for (std::thread& th : threads) th.join();
    EXPECT_EQ(kThreads * kEach * 4 / 5, c.ok.load());
    EXPECT_EQ(kThreads * kEach / 5, c.cancelled.load());
    EXPECT_EQ(0, c.other.load());
    evdns_base_free(dns, 0);
  }
  event_base_free(base);
}

INSTANTIATE_TEST_SUITE_P(Backends, DnsThreadTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);

}  // namespace
