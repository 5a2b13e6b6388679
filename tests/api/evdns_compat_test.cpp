// Resolver behaviours libevent 2.1.12's own regression suite (its dns/
// group) relies on, against our server port on 127.0.0.1, on every backend:
// reissue after NOTIMPL, the probe's name, answers whose question a server
// lowercased, empty names with a search list, unconnectable nameservers.
#include <event2/dns.h>

#include <string>

#include "evdns_test_util.hpp"

using dnstest::Answer;
using dnstest::DnsTest;
using dnstest::record_answer;
using dnstest::run_until;

// A NOTIMPL answer marks the nameserver failed and the request goes to
// another one, even one added after the request was sent.
TEST_P(DnsTest, NotimplIsReissuedToAnotherNameserver) {
  dnstest::Server broken(base);
  broken.fail_all = DNS_ERR_NOTIMPL;
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, broken.addr().c_str()));
  ASSERT_EQ(0, evdns_base_set_option(dns, "timeout:", "0.3"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "max-timeouts:", "2"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "attempts:", "5"));
  Answer a;
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "a.test", 0, record_answer, &a));
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server->addr().c_str()));
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(1, broken.hits["a.test"]);
  EXPECT_EQ(1, server->hits["a.test"]);
}

// A failed nameserver is probed with an A query for "google.com" (what
// 2.1.12 asks; its tests watch for that name).
TEST_P(DnsTest, ProbeAsksForGoogleCom) {
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server->addr().c_str()));
  ASSERT_EQ(0, evdns_base_set_option(dns, "timeout:", "0.05"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "max-timeouts:", "1"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "attempts:", "3"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "initial-probe-timeout:", "0.1"));
  EXPECT_EQ(DNS_ERR_TIMEOUT, resolve4("drop.test").result);
  ASSERT_TRUE(run_until(
      base, [&] { return server->hits["google.com"] > 0; }, 3000));
  EXPECT_EQ(0, server->hits["www.google.com"]);
  // It answered, so the nameserver is up again and serves requests.
  EXPECT_EQ(DNS_ERR_NONE, resolve4("a.test").result);
}

// With 0x20 randomisation the question in the reply is compared without
// regard to case (2.1.12 does so), so a server that lowercases it works.
TEST_P(DnsTest, AcceptsAnswerWithLowercasedQuestion) {
  server->lowercase = true;
  bool mixed = false;  // 5 letters: all lowercase 1 time in 32, so ask 8 times
  for (int i = 0; i < 8; ++i) {
    Answer a = resolve4("a.test");
    EXPECT_EQ(DNS_ERR_NONE, a.result);
    EXPECT_EQ(DNS_IPv4_A, a.type);
    EXPECT_EQ(2, a.count);
    ASSERT_EQ(static_cast<std::size_t>(i + 1), server->qnames.size());
    mixed |= server->qnames[i] != "a.test";
  }
  EXPECT_TRUE(mixed);  // it was asked in mixed case
}

// Without randomisation the name goes out as given and 2.1.12 wants it back
// exactly: a lowercased echo fails the request with DNS_ERR_UNKNOWN, as
// 2.1.12 fails a reply it cannot match.
TEST_P(DnsTest, WithoutRandomisationTheQuestionMustMatchExactly) {
  ASSERT_EQ(0, evdns_base_set_option(dns, "randomize-case:", "0"));
  EXPECT_EQ(DNS_ERR_NONE, resolve4("A.test").result);
  server->lowercase = true;
  EXPECT_EQ(DNS_ERR_NONE, resolve4("a.test").result);
  EXPECT_EQ(DNS_ERR_UNKNOWN, resolve4("A.test").result);
}

// An empty name with a search list has nothing to add the domains to: the
// call fails (NULL) and no callback runs.
TEST_P(DnsTest, EmptyNameWithSearchListIsRefused) {
  evdns_base_search_add(dns, "whatever.example.com");
  Answer a;
  EXPECT_EQ(nullptr, evdns_base_resolve_ipv4(dns, "", 0, record_answer, &a));
  EXPECT_EQ(nullptr, evdns_base_resolve_ipv6(dns, "", 0, record_answer, &a));
  run_until(
      base, [] { return false; }, 50);
  EXPECT_EQ(0, a.calls);
  EXPECT_TRUE(server->qnames.empty());
  // With ndots 0 the name is asked as given first, and no search name
  // follows (there is nothing to add the domain to).
  evdns_base_search_ndots_set(dns, 0);
  ASSERT_NE(nullptr, evdns_base_resolve_ipv4(dns, "", 0, record_answer, &a));
  ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NOTEXIST, a.result);
  EXPECT_EQ(std::vector<std::string>{""}, server->qnames);
}

// A nameserver the socket cannot be connected to (here the broadcast
// address, refused without SO_BROADCAST; in a network namespace without a
// route, the configured one) is still added, as 2.1.12 adds it.  Nothing is
// sent to it.
TEST_P(DnsTest, AddsNameserverItCannotConnectTo) {
  ASSERT_EQ(0, evdns_base_clear_nameservers_and_suspend(dns));
  EXPECT_EQ(0, evdns_base_nameserver_ip_add(dns, "255.255.255.255"));
  EXPECT_EQ(1, evdns_base_count_nameservers(dns));
  sockaddr_storage ss{};
  EXPECT_EQ(static_cast<int>(sizeof(sockaddr_in)),
            evdns_base_get_nameserver_addr(dns, 0, reinterpret_cast<sockaddr*>(&ss), sizeof(ss)));
  ASSERT_EQ(0, evdns_base_clear_nameservers_and_suspend(dns));
  ASSERT_EQ(0, evdns_base_resume(dns));
}

INSTANTIATE_TEST_SUITE_P(Backends, DnsTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);
