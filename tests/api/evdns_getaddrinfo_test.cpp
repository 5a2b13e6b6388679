// evdns_getaddrinfo against our server port, and
// bufferevent_socket_connect_hostname resolving through an evdns_base.
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/listener.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "evdns_test_util.hpp"

using dnstest::DnsTest;
using dnstest::run_until;

namespace {

struct Gai {
  int calls = 0;
  int result = -1;
  std::vector<std::string> addrs;
  std::string canon;
};

void record_gai(int result, evutil_addrinfo* res, void* arg) {
  auto* g = static_cast<Gai*>(arg);
  ++g->calls;
  g->result = result;
  for (evutil_addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    g->addrs.push_back(dnstest::format_addr(ai->ai_addr) +
                       (ai->ai_socktype == SOCK_STREAM ? "/tcp" : "/udp"));
    if (ai->ai_canonname != nullptr) g->canon = ai->ai_canonname;
  }
  if (res != nullptr) evutil_freeaddrinfo(res);
}

}  // namespace

class GaiTest : public DnsTest {
 protected:
  Gai lookup(const char* node, const char* service, int family, int flags = 0) {
    evutil_addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    Gai g;
    evdns_getaddrinfo(dns, node, service, &hints, record_gai, &g);
    run_until(base, [&] { return g.calls > 0; });
    return g;
  }
};

TEST_P(GaiTest, BothFamiliesIpv4First) {
  Gai g = lookup("a.test", "80", AF_UNSPEC);
  EXPECT_EQ(1, g.calls);
  EXPECT_EQ(0, g.result);
  EXPECT_EQ(
      (std::vector<std::string>{"10.0.0.1:80/tcp", "10.0.0.2:80/tcp", "[2001:db8::1]:80/tcp"}),
      g.addrs);
}

TEST_P(GaiTest, OneFamily) {
  Gai v4 = lookup("a.test", "http", AF_INET);
  EXPECT_EQ((std::vector<std::string>{"10.0.0.1:80/tcp", "10.0.0.2:80/tcp"}), v4.addrs);
  Gai v6 = lookup("v6.test", nullptr, AF_INET6);
  EXPECT_EQ(std::vector<std::string>{"[2001:db8::1]:0/tcp"}, v6.addrs);
}

TEST_P(GaiTest, CanonicalNameFromCname) {
  Gai g = lookup("cname.test", "1", AF_INET, EVUTIL_AI_CANONNAME);
  EXPECT_EQ(0, g.result);
  EXPECT_EQ("a.test", dnstest::Server::lower(g.canon));  // compressed against the 0x20 question
}

TEST_P(GaiTest, ErrorsMapToEai) {
  EXPECT_EQ(EVUTIL_EAI_NONAME, lookup("nx.test", "1", AF_INET).result);
  EXPECT_EQ(EVUTIL_EAI_FAIL, lookup("nodata.test", "1", AF_INET).result);  // as libevent maps it
  EXPECT_EQ(EVUTIL_EAI_NONAME,
            lookup("a.test", "no-such-service-xyz", AF_INET).result);  // as libevent
  EXPECT_EQ(EVUTIL_EAI_FAMILY, lookup("a.test", "1", 12345).result);
  EXPECT_EQ(EVUTIL_EAI_NONAME, lookup("a.test", "1", AF_INET, EVUTIL_AI_NUMERICHOST).result);
}

TEST_P(GaiTest, NumericHostsAnswerAtOnce) {
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  Gai g;
  EXPECT_EQ(nullptr, evdns_getaddrinfo(dns, "192.0.2.7", "53", &hints, record_gai, &g));
  EXPECT_EQ(1, g.calls);  // before returning
  EXPECT_EQ(std::vector<std::string>{"192.0.2.7:53/udp"}, g.addrs);
  EXPECT_TRUE(server->qnames.empty());
}

TEST_P(GaiTest, HostsFileAnswersAtOnce) {
  char path[] = "/tmp/evdns-hosts-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const char text[] = "192.0.2.1 myhost.test alias\n2001:db8::9 myhost.test\n";
  ASSERT_EQ(static_cast<ssize_t>(sizeof(text) - 1), write(fd, text, sizeof(text) - 1));
  close(fd);
  ASSERT_EQ(0, evdns_base_load_hosts(dns, path));
  unlink(path);
  Gai g;
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  EXPECT_EQ(nullptr, evdns_getaddrinfo(dns, "MyHost.test", "7", &hints, record_gai, &g));
  EXPECT_EQ(1, g.calls);
  EXPECT_EQ((std::vector<std::string>{"192.0.2.1:7/tcp", "[2001:db8::9]:7/tcp"}), g.addrs);
  EXPECT_TRUE(server->qnames.empty());
  evdns_base_clear_host_addresses(dns);
  Gai after = lookup("alias", "7", AF_INET);
  EXPECT_EQ(EVUTIL_EAI_NONAME, after.result);
  EXPECT_EQ(-1, evdns_base_load_hosts(dns, "/nonexistent/hosts"));
}

TEST_P(GaiTest, CancelReportsCancelOnce) {
  evutil_addrinfo hints{};
  hints.ai_family = AF_INET;
  Gai g;
  evdns_getaddrinfo_request* r = evdns_getaddrinfo(dns, "hold.test", "1", &hints, record_gai, &g);
  ASSERT_NE(nullptr, r);
  ASSERT_TRUE(run_until(base, [&] { return server->held.size() == 1; }));
  evdns_getaddrinfo_cancel(r);
  ASSERT_TRUE(run_until(base, [&] { return g.calls > 0; }));
  EXPECT_EQ(EVUTIL_EAI_CANCEL, g.result);
  run_until(
      base, [] { return false; }, 30);
  EXPECT_EQ(1, g.calls);
}

namespace {
// One of many lookups, each with a timer that cancels it (libevent's
// getaddrinfo_cancel_stress, made deterministic: the held ones can only
// end by being cancelled).
struct StressLookup {
  int magic = 0x5eed;
  event* timer = nullptr;
  evdns_getaddrinfo_request* req = nullptr;
  bool held = false;
  bool cancelled = false;
  int calls = 0;
  int result = -1;
  int* done = nullptr;
};

void stress_cancel(evutil_socket_t, short, void* arg) {
  auto* l = static_cast<StressLookup*>(arg);
  EXPECT_EQ(0x5eed, l->magic);
  EXPECT_EQ(0, l->calls);
  l->cancelled = true;
  evdns_getaddrinfo_cancel(l->req);
}

void stress_done(int result, evutil_addrinfo* res, void* arg) {
  auto* l = static_cast<StressLookup*>(arg);
  EXPECT_EQ(0x5eed, l->magic);
  ++l->calls;
  l->result = result;
  event_del(l->timer);
  if (res != nullptr) evutil_freeaddrinfo(res);
  ++*l->done;
}
}  // namespace

TEST_P(GaiTest, ManyLookupsCancelledWhileOthersAreAnswered) {
  // A third of 999 lookups ask for a name the server holds; every lookup
  // has a 10 ms timer that cancels it.  The held ones end cancelled; the
  // others are answered, or cancelled if the timer came first; each
  // callback runs once, and never after its lookup's memory is reused.
  ASSERT_EQ(0, evdns_base_set_option(dns, "max-inflight:", "4096"));
  constexpr int kLookups = 999;
  std::vector<StressLookup> lookups(kLookups);
  int done = 0;
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  for (int i = 0; i < kLookups; ++i) {
    StressLookup& l = lookups[static_cast<std::size_t>(i)];
    l.held = i % 3 == 1;
    l.done = &done;
    l.timer = evtimer_new(base, stress_cancel, &l);
    ASSERT_NE(nullptr, l.timer);
    l.req = evdns_getaddrinfo(dns, l.held ? "hold.test" : "a.test", "80", &hints, stress_done, &l);
    ASSERT_NE(nullptr, l.req);
    timeval tv{0, 10000};
    evtimer_add(l.timer, &tv);
  }
  ASSERT_TRUE(run_until(
      base, [&] { return done == kLookups; }, 10000));
  int answered = 0;
  for (StressLookup& l : lookups) {
    EXPECT_EQ(1, l.calls);
    if (l.held || l.cancelled) {
      EXPECT_TRUE(l.cancelled);
      EXPECT_EQ(EVUTIL_EAI_CANCEL, l.result);
    } else {
      EXPECT_EQ(0, l.result);
      ++answered;
    }
    event_free(l.timer);
    l.magic = 0;
  }
  EXPECT_GE(kLookups - answered, kLookups / 3);
  // Nothing comes later: the loop runs on with every lookup gone.
  run_until(
      base, [] { return false; }, 30);
  for (StressLookup& l : lookups) EXPECT_EQ(1, l.calls);
}

TEST_P(GaiTest, SkewLetsOneFamilyAnswerAlone) {
  // skew.test answers A at once and never AAAA.
  ASSERT_EQ(0, evdns_base_set_option(dns, "getaddrinfo-allow-skew:", "0.1"));
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  Gai g;
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_NE(nullptr, evdns_getaddrinfo(dns, "skew.test", "1", &hints, record_gai, &g));
  ASSERT_TRUE(run_until(base, [&] { return g.calls > 0; }));
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_EQ(0, g.result);
  EXPECT_EQ(1u, g.addrs.size());
  EXPECT_EQ("127.0.0.1:1/tcp", g.addrs.at(0));
  EXPECT_GE(ms, 90);
  run_until(
      base, [] { return false; }, 30);
  EXPECT_EQ(1, g.calls);
}

namespace {
struct ConnState {
  short events = 0;
  int dns_error = 0;
};
void conn_event(bufferevent* bev, short what, void* arg) {
  auto* s = static_cast<ConnState*>(arg);
  s->events |= what;
  s->dns_error = bufferevent_socket_get_dns_error(bev);
}
void accept_cb(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
  ++*static_cast<int*>(arg);
  close(fd);
}
}  // namespace

TEST_P(GaiTest, ConnectHostnameUsesTheEvdnsBase) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  int accepted = 0;
  evconnlistener* l =
      evconnlistener_new_bind(base, accept_cb, &accepted, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                              16, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  ASSERT_NE(nullptr, l);
  int port = dnstest::local_port(evconnlistener_get_fd(l));
  bufferevent* bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  ConnState st;
  bufferevent_setcb(bev, nullptr, nullptr, conn_event, &st);
  // conn.test is only in our zone: the system resolver cannot know it.
  ASSERT_EQ(0, bufferevent_socket_connect_hostname(bev, dns, AF_INET, "conn.test", port));
  ASSERT_TRUE(run_until(base, [&] { return st.events != 0 && accepted > 0; }));
  EXPECT_TRUE(st.events & BEV_EVENT_CONNECTED);
  EXPECT_EQ(1, server->hits["conn.test"]);
  bufferevent_free(bev);
  // A name that does not exist: an error event with the EAI code.
  bufferevent* bad = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  ConnState st2;
  bufferevent_setcb(bad, nullptr, nullptr, conn_event, &st2);
  ASSERT_EQ(0, bufferevent_socket_connect_hostname(bad, dns, AF_INET, "nx.test", port));
  ASSERT_TRUE(run_until(base, [&] { return st2.events != 0; }));
  EXPECT_TRUE(st2.events & BEV_EVENT_ERROR);
  EXPECT_EQ(EVUTIL_EAI_NONAME, st2.dns_error);
  bufferevent_free(bad);
  evconnlistener_free(l);
}

INSTANTIATE_TEST_SUITE_P(Backends, GaiTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);
