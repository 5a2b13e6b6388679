// Resolver configuration: resolv.conf files the test writes, every option
// of evdns_base_set_option, nameserver bookkeeping, the dns_compat.h
// globals, and the system configuration (EVDNS_BASE_INITIALIZE_NAMESERVERS,
// evdns_init) inside a private network and mount namespace whose
// /etc/resolv.conf is the test's own file.
#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/event_compat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "evdns_test_util.hpp"

using dnstest::Answer;
using dnstest::DnsTest;
using dnstest::record_answer;
using dnstest::run_until;

namespace {

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/evdns-conf-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(static_cast<ssize_t>(text.size()), write(fd, text.data(), text.size()));
  close(fd);
  return path;
}

std::string nameserver_addr(evdns_base* dns, int idx) {
  sockaddr_storage ss;
  int n = evdns_base_get_nameserver_addr(dns, idx, reinterpret_cast<sockaddr*>(&ss), sizeof(ss));
  if (n <= 0) return "none";
  return dnstest::format_addr(reinterpret_cast<sockaddr*>(&ss));
}

}  // namespace

class ConfigTest : public DnsTest {};

TEST_P(ConfigTest, ResolvConfKeywordsApply) {
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  std::string path = write_temp("nameserver " + server->addr() +
                                "\n"
                                "nameserver 127.0.0.1:1\n"
                                "search nothing.example search\n"
                                "options ndots:1 timeout:0.2 attempts:2 max-inflight:5 rotate\n");
  EXPECT_EQ(0, evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL, path.c_str()));
  unlink(path.c_str());
  EXPECT_EQ(2, evdns_base_count_nameservers(dns));
  EXPECT_EQ(server->addr(), nameserver_addr(dns, 0));
  EXPECT_EQ("127.0.0.1:1", nameserver_addr(dns, 1));
  EXPECT_EQ("none", nameserver_addr(dns, 2));
  sockaddr_in small;
  EXPECT_EQ(static_cast<int>(sizeof(sockaddr_in)),
            evdns_base_get_nameserver_addr(dns, 0, reinterpret_cast<sockaddr*>(&small), 4));
  // "host" is tried in each search domain.
  Answer a = resolve4("host");
  EXPECT_EQ(DNS_ERR_NONE, a.result);
}

TEST_P(ConfigTest, ResolvConfFlagsSelectParts) {
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  std::string path = write_temp("nameserver 127.0.0.1:1\nsearch search\noptions ndots:0\n");
  // Search only: no nameserver added; none in the file would add 127.0.0.1.
  EXPECT_EQ(0, evdns_base_resolv_conf_parse(dns, DNS_OPTION_SEARCH, path.c_str()));
  EXPECT_EQ(0, evdns_base_count_nameservers(dns));
  EXPECT_EQ(0, evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS, path.c_str()));
  EXPECT_EQ(1, evdns_base_count_nameservers(dns));
  unlink(path.c_str());
  // A file without nameservers: the 127.0.0.1 default, result 6.
  std::string empty = write_temp("# nothing\n");
  evdns_base* other = evdns_base_new(base, 0);
  EXPECT_EQ(6, evdns_base_resolv_conf_parse(other, DNS_OPTION_NAMESERVERS, empty.c_str()));
  EXPECT_EQ("127.0.0.1:53", nameserver_addr(other, 0));
  evdns_base_free(other, 0);
  other = evdns_base_new(base, 0);
  EXPECT_EQ(0,
            evdns_base_resolv_conf_parse(
                other, DNS_OPTION_NAMESERVERS | DNS_OPTION_NAMESERVERS_NO_DEFAULT, empty.c_str()));
  EXPECT_EQ(0, evdns_base_count_nameservers(other));
  // A missing file: result 1 (and the default nameserver unless told not to).
  EXPECT_EQ(1, evdns_base_resolv_conf_parse(
                   other, DNS_OPTION_NAMESERVERS | DNS_OPTION_NAMESERVERS_NO_DEFAULT,
                   "/nonexistent/resolv.conf"));
  EXPECT_EQ(0, evdns_base_count_nameservers(other));
  EXPECT_EQ(1, evdns_base_resolv_conf_parse(other, DNS_OPTION_NAMESERVERS, "/nonexistent/x"));
  EXPECT_EQ(1, evdns_base_count_nameservers(other));
  evdns_base_free(other, 0);
  unlink(empty.c_str());
}

TEST_P(ConfigTest, SetOptionChecksValues) {
  struct Case {
    const char* opt;
    const char* val;
    int want;
  } cases[] = {
      {"ndots:", "2", 0},
      {"ndots", "x", -1},
      {"timeout:", "1.5", 0},
      {"timeout:", "0", -1},
      {"timeout:", "0.0005", -1},
      {"timeout:", "-1", -1},
      {"timeout:", "1s", -1},
      {"timeout:", "1e97", -1},  // found by the resolv.conf fuzzer (undefined cast)
      {"timeout:", "nan", -1},
      {"initial-probe-timeout:", "1e300", -1},
      {"max-timeouts:", "999", 0},
      {"max-timeouts:", "x", -1},
      {"max-inflight:", "0", 0},
      {"max-inflight:", "", 0},  // strtol("") is 0, clipped to 1
      {"attempts:", "300", 0},
      {"attempts:", "two", -1},
      {"randomize-case:", "0", 0},
      {"randomize-case:", "yes", -1},
      {"bind-to:", "127.0.0.1", 0},
      {"bind-to:", "not an address", -1},
      {"initial-probe-timeout:", "7200", 0},
      {"initial-probe-timeout:", "x", -1},
      {"getaddrinfo-allow-skew:", "0.5", 0},
      {"getaddrinfo-allow-skew:", "", -1},
      {"so-rcvbuf:", "65536", 0},
      {"so-rcvbuf:", "big", -1},
      {"so-sndbuf:", "65536", 0},
      {"so-sndbuf:", "1e3", -1},
      {"no-such-option:", "1", 0},
      {"timeoutx", "1", 0},  // not "timeout:"
  };
  for (const Case& c : cases)
    EXPECT_EQ(c.want, evdns_base_set_option(dns, c.opt, c.val)) << c.opt << " " << c.val;
}

TEST_P(ConfigTest, TimeoutAndAttemptsOptionsTakeEffect) {
  ASSERT_EQ(0, evdns_base_set_option(dns, "timeout", "0.05"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "attempts", "1"));
  Answer a = resolve4("drop.test");
  EXPECT_EQ(DNS_ERR_TIMEOUT, a.result);
  EXPECT_EQ(1, server->hits["drop.test"]);
}

TEST_P(ConfigTest, BindToChoosesTheSourceAddress) {
  dnstest::Server other(base);
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  ASSERT_EQ(0, evdns_base_set_option(dns, "bind-to:", "127.0.0.2"));
  ASSERT_EQ(0, evdns_base_set_option(dns, "so-rcvbuf:", "65536"));
  ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, other.addr().c_str()));
  Answer a = resolve4("a.test");
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  ASSERT_EQ(1u, other.from.size());
  EXPECT_EQ(0u, other.from[0].find("127.0.0.2:"));
}

TEST_P(ConfigTest, NameserverAddVariants) {
  evdns_base_free(dns, 0);
  dns = evdns_base_new(base, 0);
  EXPECT_EQ(0, evdns_base_nameserver_ip_add(dns, "127.0.0.3"));
  EXPECT_EQ(3, evdns_base_nameserver_ip_add(dns, "127.0.0.3:53"));  // already there
  EXPECT_EQ(0, evdns_base_nameserver_ip_add(dns, "[::1]:5300"));
  EXPECT_NE(0, evdns_base_nameserver_ip_add(dns, "not-an-ip"));
  in_addr a;
  inet_pton(AF_INET, "127.0.0.4", &a);
  EXPECT_EQ(0, evdns_base_nameserver_add(dns, a.s_addr));
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(5353);
  inet_pton(AF_INET, "127.0.0.5", &sin.sin_addr);
  EXPECT_EQ(0, evdns_base_nameserver_sockaddr_add(dns, reinterpret_cast<sockaddr*>(&sin),
                                                  sizeof(sin), 0));
  EXPECT_EQ(4, evdns_base_count_nameservers(dns));
  // libevent's ring order: the first, then the newest.
  EXPECT_EQ("127.0.0.3:53", nameserver_addr(dns, 0));
  EXPECT_EQ("127.0.0.5:5353", nameserver_addr(dns, 1));
  EXPECT_EQ("127.0.0.4:53", nameserver_addr(dns, 2));
  EXPECT_EQ("[::1]:5300", nameserver_addr(dns, 3));
  EXPECT_EQ("127.0.0.3:53", nameserver_addr(dns, -1));  // libevent reads -1 as 0
  EXPECT_EQ("none", nameserver_addr(dns, 4));
}

TEST(EvdnsErrors, ToString) {
  EXPECT_STREQ("no error", evdns_err_to_string(DNS_ERR_NONE));
  EXPECT_STREQ("misformatted query", evdns_err_to_string(DNS_ERR_FORMAT));
  EXPECT_STREQ("server failed", evdns_err_to_string(DNS_ERR_SERVERFAILED));
  EXPECT_STREQ("name does not exist", evdns_err_to_string(DNS_ERR_NOTEXIST));
  EXPECT_STREQ("query not implemented", evdns_err_to_string(DNS_ERR_NOTIMPL));
  EXPECT_STREQ("refused", evdns_err_to_string(DNS_ERR_REFUSED));
  EXPECT_STREQ("reply truncated or ill-formed", evdns_err_to_string(DNS_ERR_TRUNCATED));
  EXPECT_STREQ("unknown", evdns_err_to_string(DNS_ERR_UNKNOWN));
  EXPECT_STREQ("request timed out", evdns_err_to_string(DNS_ERR_TIMEOUT));
  EXPECT_STREQ("dns subsystem shut down", evdns_err_to_string(DNS_ERR_SHUTDOWN));
  EXPECT_STREQ("dns request canceled", evdns_err_to_string(DNS_ERR_CANCEL));
  EXPECT_STREQ("no records in the reply", evdns_err_to_string(DNS_ERR_NODATA));
  EXPECT_STREQ("[Unknown error code]", evdns_err_to_string(6));
  // Obsolete hooks: accepted, no effect.
  evdns_set_transaction_id_fn(nullptr);
  evdns_set_random_bytes_fn(nullptr);
}

// The compat globals, on the global event base.
TEST(EvdnsCompat, GlobalResolver) {
  event_base* base = event_init();
  ASSERT_NE(nullptr, base);
  {
    dnstest::Server server(base);
    EXPECT_EQ(nullptr, evdns_get_global_base());
    std::string path = write_temp("nameserver " + server.addr() + "\n");
    EXPECT_EQ(0, evdns_resolv_conf_parse(DNS_OPTION_NAMESERVERS, path.c_str()));
    unlink(path.c_str());
    ASSERT_NE(nullptr, evdns_get_global_base());
    EXPECT_EQ(1, evdns_count_nameservers());
    EXPECT_EQ(0, evdns_set_option("timeout:", "2", 0));
    evdns_search_clear();
    evdns_search_add("search");
    evdns_search_ndots_set(1);
    Answer a, b, c;
    EXPECT_EQ(0, evdns_resolve_ipv4("host", 0, record_answer, &a));
    EXPECT_EQ(0, evdns_resolve_ipv6("v6.test", 0, record_answer, &b));
    in_addr lo;
    inet_pton(AF_INET, "127.0.0.1", &lo);
    EXPECT_EQ(0, evdns_resolve_reverse(&lo, 0, record_answer, &c));
    ASSERT_TRUE(run_until(base, [&] { return a.calls && b.calls && c.calls; }));
    EXPECT_EQ(DNS_ERR_NONE, a.result);
    EXPECT_EQ(DNS_ERR_NONE, b.result);
    EXPECT_EQ(std::vector<std::string>{"localhost.test"}, c.addrs);
    EXPECT_EQ(0, evdns_clear_nameservers_and_suspend());
    EXPECT_EQ(0, evdns_count_nameservers());
    EXPECT_EQ(0, evdns_nameserver_ip_add(server.addr().c_str()));
    EXPECT_EQ(0, evdns_resume());
    Answer d;
    in6_addr v6;
    inet_pton(AF_INET6, "2001:db8::1", &v6);
    EXPECT_EQ(0, evdns_resolve_reverse_ipv6(&v6, 0, record_answer, &d));
    ASSERT_TRUE(run_until(base, [&] { return d.calls > 0; }));
    EXPECT_EQ(DNS_ERR_NONE, d.result);
    evdns_shutdown(0);
    EXPECT_EQ(nullptr, evdns_get_global_base());
    // A server port on the global base.
    int fd = dnstest::bound_socket(SOCK_DGRAM);
    evdns_server_port* port = evdns_add_server_port(fd, 0, dnstest::Server::on_request, &server);
    ASSERT_NE(nullptr, port);
    evdns_close_server_port(port);
    EXPECT_EQ(0, evdns_nameserver_add(htonl(0x7f000001)));  // re-creates the global base
    evdns_shutdown(1);
  }
  event_base_free(base);
}

// Runs the SystemConfig tests again in a private user, network and mount
// namespace with the given text as /etc/resolv.conf.
static int run_in_namespace(const std::string& resolv_conf, const char* filter,
                            bool quiet = false) {
  std::string path = write_temp(resolv_conf);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return 127;
  exe[n] = '\0';
  pid_t pid = fork();
  if (pid == 0) {
    std::string cmd = "ip link set lo up && mount --bind " + path + " /etc/resolv.conf && exec " +
                      exe + " --gtest_filter=" + filter + (quiet ? " >/dev/null 2>&1" : "");
    setenv("EVDNS_TEST_IN_NAMESPACE", "1", 1);
    execlp("unshare", "unshare", "-rnm", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  unlink(path.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool in_namespace() { return std::getenv("EVDNS_TEST_IN_NAMESPACE") != nullptr; }

TEST(SystemConfig, InitializeNameserversFromResolvConf) {
  if (!in_namespace()) {
    if (system("unshare -rnm true 2>/dev/null") != 0) GTEST_SKIP() << "no user namespaces";
    // The port is fixed inside the namespace: nothing else runs there.
    EXPECT_EQ(0, run_in_namespace("nameserver 127.0.0.1:5399\nsearch search\noptions ndots:2\n",
                                  "SystemConfig.*"));
    EXPECT_NE(0,
              run_in_namespace("# no nameserver\n", "SystemConfig.InitializeNameservers*", true));
    return;
  }
  event_base* base = event_base_new();
  {
    int udp = dnstest::bound_socket(SOCK_DGRAM, 5399);
    ASSERT_GE(udp, 0);
    dnstest::Server server(base);  // freed before the base
    evdns_server_port* port =
        evdns_add_server_port_with_base(base, udp, 0, dnstest::Server::on_request, &server);
    evdns_base* dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
    ASSERT_NE(nullptr, dns);  // a resolv.conf without nameservers fails here
    EXPECT_EQ(1, evdns_base_count_nameservers(dns));
    Answer a;
    evdns_base_resolve_ipv4(dns, "host", 0, record_answer, &a);
    ASSERT_TRUE(run_until(base, [&] { return a.calls > 0; }));
    EXPECT_EQ(DNS_ERR_NONE, a.result);
    evdns_base_free(dns, 0);
    // Without a default the empty configuration is accepted.
    evdns_base* nodef =
        evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_NAMESERVERS_NO_DEFAULT);
    ASSERT_NE(nullptr, nodef);
    evdns_base_free(nodef, 0);
    // The compat initialiser reads the same file.
    EXPECT_EQ(0, evdns_init());
    EXPECT_EQ(1, evdns_count_nameservers());
    evdns_shutdown(0);
    evdns_close_server_port(port);
  }
  event_base_free(base);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConfigTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);
