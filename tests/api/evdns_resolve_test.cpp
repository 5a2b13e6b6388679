// The resolver against our own server port on 127.0.0.1, on every backend:
// answers of each type, every error, retries, timeouts, failover and
// probing, TCP after truncation, search lists, cancellation and freeing.
#include <event2/dns.h>

#include <chrono>

#include "evdns_test_util.hpp"

using dnstest::Answer;
using dnstest::DnsTest;
using dnstest::record_answer;
using dnstest::run_until;

TEST_P(DnsTest, ResolvesIpv4) {
  Answer a = resolve4("a.test");
  EXPECT_EQ(1, a.calls);
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(DNS_IPv4_A, a.type);
  EXPECT_EQ(300, a.ttl);
  EXPECT_EQ((std::vector<std::string>{"10.0.0.1", "10.0.0.2"}), a.addrs);
}

TEST_P(DnsTest, ResolvesIpv6) {
  Answer a;
  ASSERT_NE(nullptr, evdns_base_resolve_ipv6(dns, "v6.test", 0, record_answer, &a));
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(DNS_IPv6_AAAA, a.type);
  EXPECT_EQ(200, a.ttl);
  EXPECT_EQ(std::vector<std::string>{"2001:db8::1"}, a.addrs);
}

TEST_P(DnsTest, ResolvesReverse) {
  in_addr in;
  inet_pton(AF_INET, "127.0.0.1", &in);
  Answer a;
  ASSERT_NE(nullptr, evdns_base_resolve_reverse(dns, &in, 0, record_answer, &a));
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(DNS_PTR, a.type);
  EXPECT_EQ(1, a.count);
  EXPECT_EQ(std::vector<std::string>{"localhost.test"}, a.addrs);
  in6_addr in6;
  inet_pton(AF_INET6, "2001:db8::1", &in6);
  Answer b;
  ASSERT_NE(nullptr, evdns_base_resolve_reverse_ipv6(dns, &in6, 0, record_answer, &b));
  ASSERT_TRUE(run_until(base, [&] { return b.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NONE, b.result);
  EXPECT_EQ(std::vector<std::string>{"v6host.test"}, b.addrs);
}

TEST_P(DnsTest, FollowsCname) {
  Answer a = resolve4("cname.test");
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(std::vector<std::string>{"10.0.0.2"}, a.addrs);
  EXPECT_EQ(40, a.ttl);
}

TEST_P(DnsTest, ReportsEachError) {
  EXPECT_EQ(DNS_ERR_NOTEXIST, resolve4("nx.test").result);
  EXPECT_EQ(DNS_ERR_NODATA, resolve4("nodata.test").result);
  EXPECT_EQ(DNS_ERR_REFUSED, resolve4("refused.test").result);
  EXPECT_EQ(DNS_ERR_NOTIMPL, resolve4("notimpl.test").result);
  Answer bad = resolve4("a..b");
  EXPECT_EQ(DNS_ERR_FORMAT, bad.result);
  EXPECT_EQ(0, bad.type);
  EXPECT_EQ(nullptr, evdns_base_resolve_ipv4(dns, nullptr, 0, record_answer, nullptr));
}

TEST_P(DnsTest, ServfailIsRetriedThenTimesOut) {
  ASSERT_EQ(0, evdns_base_set_option(dns, "timeout:", "0.05"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "attempts:", "2"));
  Answer a = resolve4("servfail.test");
  EXPECT_EQ(DNS_ERR_TIMEOUT, a.result);
  EXPECT_EQ(2, server->hits["servfail.test"]);
}

TEST_P(DnsTest, TimesOutAfterAttempts) {
  ASSERT_EQ(0, evdns_base_set_option(dns, "timeout:", "0.05"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "attempts:", "3"));
  auto t0 = std::chrono::steady_clock::now();
  Answer a = resolve4("drop.test");
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_EQ(1, a.calls);
  EXPECT_EQ(DNS_ERR_TIMEOUT, a.result);
  EXPECT_EQ(3, server->hits["drop.test"]);
  EXPECT_GE(ms, 140);
  EXPECT_LT(ms, 2000);
}

TEST_P(DnsTest, RetriesOverTcpWhenTruncated) {
  Answer a = resolve4("big.test");
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(32, a.count);  // the first 32 addresses, as libevent keeps
  EXPECT_EQ("10.1.0.0", a.addrs.at(0));
  EXPECT_EQ(2, server->hits["big.test"]);  // once over UDP, once over TCP
}

TEST_P(DnsTest, RandomisesCaseAndChecksIt) {
  std::string name = "abcdefghijklmnopqrstuvwxyz.a.test";
  Answer a = resolve4(name.c_str());  // not in the zone: NXDOMAIN, but asked
  EXPECT_EQ(DNS_ERR_NOTEXIST, a.result);
  ASSERT_EQ(1u, server->qnames.size());
  EXPECT_NE(name, server->qnames[0]);
  EXPECT_EQ(name, dnstest::Server::lower(server->qnames[0]));
  ASSERT_EQ(0, evdns_base_set_option(dns, "randomize-case:", "0"));
  resolve4(name.c_str());
  ASSERT_EQ(2u, server->qnames.size());
  EXPECT_EQ(name, server->qnames[1]);
}

namespace {
std::vector<std::string> lowered(std::vector<std::string> v) {
  for (std::string& s : v) s = dnstest::Server::lower(s);
  return v;
}
}  // namespace

TEST_P(DnsTest, SearchListAndNdots) {
  evdns_base_search_add(dns, "search");
  Answer a = resolve4("host");
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(1, server->hits["host.search"]);
  // At least ndots dots: as given first, then with the domain.
  Answer nx = resolve4("nx.test");
  EXPECT_EQ(DNS_ERR_NOTEXIST, nx.result);
  EXPECT_EQ((std::vector<std::string>{"host.search", "nx.test", "nx.test.search"}),
            lowered(server->qnames));
  // Fewer: with the domain first, then as given.
  evdns_base_search_ndots_set(dns, 3);
  Answer nx2 = resolve4("nx.test");
  EXPECT_EQ(DNS_ERR_NOTEXIST, nx2.result);
  EXPECT_EQ((std::vector<std::string>{"host.search", "nx.test", "nx.test.search", "nx.test.search",
                                      "nx.test"}),
            lowered(server->qnames));
  // DNS_QUERY_NO_SEARCH asks the name as given only.
  Answer h = resolve4("host", DNS_QUERY_NO_SEARCH);
  EXPECT_EQ(DNS_ERR_NOTEXIST, h.result);
  EXPECT_EQ(1, server->hits["host"]);
  evdns_base_search_clear(dns);
  resolve4("host");
  EXPECT_EQ(2, server->hits["host"]);
}

TEST_P(DnsTest, CancelRunsCallbackOnceWithCancel) {
  Answer a;
  evdns_request* r = evdns_base_resolve_ipv4(dns, "hold.test", 0, record_answer, &a);
  ASSERT_NE(nullptr, r);
  ASSERT_TRUE(run_until(base, [&] { return server->held.size() == 1; }));
  evdns_cancel_request(dns, r);
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  EXPECT_EQ(DNS_ERR_CANCEL, a.result);
  run_until(
      base, [] { return false; }, 50);
  EXPECT_EQ(1, a.calls);
}

namespace {
struct CancelOther {
  evdns_base* dns;
  evdns_request* other;
  Answer first;
};
void cancel_other(int result, char type, int count, int ttl, void* addrs, void* arg) {
  auto* c = static_cast<CancelOther*>(arg);
  record_answer(result, type, count, ttl, addrs, &c->first);
  evdns_cancel_request(c->dns, c->other);
}
}  // namespace

TEST_P(DnsTest, CancelFromInsideCallback) {
  CancelOther c{dns, nullptr, {}};
  Answer other;
  c.other = evdns_base_resolve_ipv4(dns, "hold.test", 0, record_answer, &other);
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "a.test", 0, cancel_other, &c));
  ASSERT_TRUE(run_until(base, [&] { return other.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NONE, c.first.result);
  EXPECT_EQ(DNS_ERR_CANCEL, other.result);
}

TEST_P(DnsTest, FreeWithRequestsInFlight) {
  Answer failed, dropped;
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "hold.test", 0, record_answer, &failed));
  evdns_base_free(dns, 1);
  dns = nullptr;
  ASSERT_TRUE(run_until(base, [&] { return failed.calls > 0; }));
  EXPECT_EQ(DNS_ERR_SHUTDOWN, failed.result);
  evdns_base* other = evdns_base_new(base, 0);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(other, server->addr().c_str()));
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(other, "hold.test", 0, record_answer, &dropped));
  evdns_base_free(other, 0);
  run_until(
      base, [] { return false; }, 50);
  EXPECT_EQ(0, dropped.calls);
}

TEST_P(DnsTest, MaxInflightQueuesTheRest) {
  ASSERT_EQ(0, evdns_base_set_option(dns, "max-inflight:", "2"));
  std::vector<Answer> answers(10);
  for (Answer& a : answers)
    ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "a.test", 0, record_answer, &a));
  ASSERT_TRUE(run_until(base, [&] {
    for (Answer& a : answers)
      if (a.calls == 0) return false;
    return true;
  }));
  for (Answer& a : answers) EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(10, server->hits["a.test"]);
}

namespace {
std::vector<std::string>* g_log = nullptr;
void capture_log(int is_warning, const char* msg) {
  if (g_log != nullptr) g_log->push_back(std::string(is_warning ? "W " : "D ") + msg);
}
}  // namespace

TEST_P(DnsTest, FailsOverAndProbesBackUp) {
  std::vector<std::string> log;
  g_log = &log;
  evdns_set_log_fn(capture_log);
  dnstest::Server bad(base);
  bad.silent = true;
  // A fresh resolver whose first nameserver is the silent one.
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, bad.addr().c_str()));
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server->addr().c_str()));
  ASSERT_EQ(2, evdns_base_count_nameservers(dns));
  ASSERT_EQ(0, evdns_base_set_option(dns, "timeout:", "0.05"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "max-timeouts:", "1"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "initial-probe-timeout:", "0.1"));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(DNS_ERR_NONE, resolve4("a.test").result) << i;
  bool failed = false;
  for (const std::string& l : log) failed |= l.find("has failed") != std::string::npos;
  EXPECT_TRUE(failed);
  // The silent server gets a probe; once it answers, it is back up.
  bad.silent = false;
  ASSERT_TRUE(run_until(
      base, [&] { return bad.hits["www.google.com"] > 0; }, 3000));
  bool up = false;
  ASSERT_TRUE(run_until(base, [&] {
    for (const std::string& l : log) up |= l.find("is back up") != std::string::npos;
    return up;
  }));
  evdns_set_log_fn(nullptr);
  g_log = nullptr;
}

TEST_P(DnsTest, SuspendAndResume) {
  ASSERT_EQ(0, evdns_base_clear_nameservers_and_suspend(dns));
  EXPECT_EQ(0, evdns_base_count_nameservers(dns));
  Answer a;
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "a.test", 0, record_answer, &a));
  run_until(
      base, [] { return false; }, 50);
  EXPECT_EQ(0, a.calls);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server->addr().c_str()));
  ASSERT_EQ(0, evdns_base_resume(dns));
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NONE, a.result);
}

TEST_P(DnsTest, DisableWhenInactiveLetsTheLoopExit) {
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server->addr().c_str()));
  // Our server ports keep the loop alive; close them for this check.
  dnstest::Server* s = server;
  Answer a;
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "a.test", 0, record_answer, &a));
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  server = nullptr;
  delete s;
  // Nothing is left registered, so the loop would exit.
  ASSERT_EQ(0, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  EXPECT_EQ(1, event_base_dispatch(base));
  // Without the flag the resolver's socket stays registered.
  evdns_base* busy = evdns_base_new(base, 0);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(busy, "127.0.0.1:9"));
  EXPECT_EQ(1, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
  evdns_base_free(busy, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DnsTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);
