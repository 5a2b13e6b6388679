// Interoperation with Debian's DNS software, on loopback only: our resolver
// against unbound serving a local zone on 127.0.0.1 (a config this test
// writes; every other name is answered locally, nothing is forwarded), and
// dig against our server port.  Skipped when the programs are missing.
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "evdns_test_util.hpp"

using dnstest::Answer;
using dnstest::record_answer;
using dnstest::run_until;

namespace {

bool have(const char* prog) {
  std::string cmd = std::string("command -v ") + prog + " >/dev/null 2>&1";
  return system(cmd.c_str()) == 0;
}

int free_udp_tcp_port() {
  for (int i = 0; i < 50; ++i) {
    int u = dnstest::bound_socket(SOCK_DGRAM);
    int port = dnstest::local_port(u);
    int t = dnstest::bound_socket(SOCK_STREAM, port);
    close(u);
    if (t >= 0) {
      close(t);
      return port;
    }
  }
  return -1;
}

// unbound with a static zone, started once for the suite.
class Unbound {
 public:
  bool start() {
    char dir[] = "/tmp/evdns-unbound-XXXXXX";
    if (mkdtemp(dir) == nullptr) return false;
    dir_ = dir;
    port_ = free_udp_tcp_port();
    std::ofstream conf(dir_ + "/unbound.conf");
    conf << "server:\n"
         << "  interface: 127.0.0.1\n  port: " << port_ << "\n"
         << "  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n"
         << "  directory: \"" << dir_ << "\"\n  pidfile: \"\"\n  use-syslog: no\n"
         << "  logfile: \"" << dir_ << "/log\"\n  do-ip6: no\n  verbosity: 0\n"
         << "  access-control: 127.0.0.0/8 allow\n"
         << "  num-threads: 1\n"
         // Nothing leaves the machine: every name outside the zone is
         // answered from the static root zone.
         << "  local-zone: \".\" static\n"
         << "  local-zone: \"interop.test.\" static\n"
         << "  local-data: \"a.interop.test. 300 IN A 192.0.2.10\"\n"
         << "  local-data: \"a.interop.test. 300 IN AAAA 2001:db8::10\"\n"
         << "  local-data: \"two.interop.test. 60 IN A 192.0.2.11\"\n"
         << "  local-data: \"two.interop.test. 60 IN A 192.0.2.12\"\n"
         << "  local-data: \"v4only.interop.test. 60 IN A 192.0.2.13\"\n"
         << "  local-data-ptr: \"192.0.2.10 a.interop.test.\"\n";
    for (int i = 0; i < 40; ++i)
      conf << "  local-data: \"big.interop.test. 60 IN A 192.0.3." << i << "\"\n";
    conf << "remote-control:\n  control-enable: no\n";
    conf.close();
    pid_ = fork();
    if (pid_ == 0) {
      std::string c = dir_ + "/unbound.conf";
      execlp("unbound", "unbound", "-d", "-c", c.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid_ > 0;
  }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st;
      waitpid(pid_, &st, 0);
      pid_ = -1;
    }
    if (!dir_.empty()) {
      std::string cmd = "rm -rf " + dir_;
      (void)system(cmd.c_str());
    }
  }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::string dir_;
  int port_ = -1;
  pid_t pid_ = -1;
};

class UnboundTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    if (!have("unbound")) return;
    unbound_ = new Unbound;
    if (!unbound_->start()) {
      delete unbound_;
      unbound_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    if (unbound_ != nullptr) unbound_->stop();
    delete unbound_;
    unbound_ = nullptr;
  }
  void SetUp() override {
    if (unbound_ == nullptr) GTEST_SKIP() << "unbound is not installed";
    base = evtest::new_base_with(GetParam());
    ASSERT_NE(nullptr, base);
    dns = evdns_base_new(base, 0);
    ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, unbound_->addr().c_str()));
    evdns_base_set_option(dns, "timeout:", "0.5");
    // unbound may still be starting: wait (bounded) for a first answer.
    for (int i = 0; i < 20; ++i) {
      if (resolve4("a.interop.test").result == DNS_ERR_NONE) break;
    }
  }
  void TearDown() override {
    if (dns != nullptr) evdns_base_free(dns, 0);
    if (base != nullptr) event_base_free(base);
  }
  Answer resolve4(const char* name) {
    Answer a;
    evdns_base_resolve_ipv4(dns, name, 0, record_answer, &a);
    run_until(
        base, [&] { return a.calls > 0; }, 5000);
    return a;
  }
  static Unbound* unbound_;
  event_base* base = nullptr;
  evdns_base* dns = nullptr;
};

Unbound* UnboundTest::unbound_ = nullptr;

TEST_P(UnboundTest, ResolvesTheZone) {
  Answer a = resolve4("a.interop.test");
  EXPECT_EQ(DNS_ERR_NONE, a.result);
  EXPECT_EQ(std::vector<std::string>{"192.0.2.10"}, a.addrs);
  EXPECT_EQ(300, a.ttl);
  Answer two = resolve4("TWO.interop.test");
  EXPECT_EQ(DNS_ERR_NONE, two.result);
  EXPECT_EQ(2, two.count);
  Answer nx = resolve4("missing.interop.test");
  EXPECT_EQ(DNS_ERR_NOTEXIST, nx.result);
  Answer v6;
  evdns_base_resolve_ipv6(dns, "a.interop.test", 0, record_answer, &v6);
  ASSERT_TRUE(run_until(base, [&] { return v6.calls > 0; }));
  EXPECT_EQ(std::vector<std::string>{"2001:db8::10"}, v6.addrs);
  Answer nodata;
  evdns_base_resolve_ipv6(dns, "v4only.interop.test", 0, record_answer, &nodata);
  ASSERT_TRUE(run_until(base, [&] { return nodata.calls > 0; }));
  EXPECT_EQ(DNS_ERR_NODATA, nodata.result);
  in_addr in;
  inet_pton(AF_INET, "192.0.2.10", &in);
  Answer ptr;
  evdns_base_resolve_reverse(dns, &in, 0, record_answer, &ptr);
  ASSERT_TRUE(run_until(base, [&] { return ptr.calls > 0; }));
  EXPECT_EQ(std::vector<std::string>{"a.interop.test"}, ptr.addrs);
}

TEST_P(UnboundTest, TruncatedAnswerRetriedOverTcp) {
  Answer big = resolve4("big.interop.test");
  EXPECT_EQ(DNS_ERR_NONE, big.result);
  EXPECT_EQ(32, big.count);  // 40 records, the first 32 kept
}

TEST_P(UnboundTest, GetaddrinfoBothFamilies) {
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  std::vector<std::string> got;
  int calls = 0;
  struct Ctx {
    std::vector<std::string>* got;
    int* calls;
  } ctx{&got, &calls};
  evdns_getaddrinfo(
      dns, "a.interop.test", "443", &hints,
      [](int err, evutil_addrinfo* res, void* arg) {
        auto* c = static_cast<Ctx*>(arg);
        ++*c->calls;
        EXPECT_EQ(0, err);
        for (evutil_addrinfo* ai = res; ai != nullptr; ai = ai->ai_next)
          c->got->push_back(dnstest::format_addr(ai->ai_addr));
        if (res != nullptr) evutil_freeaddrinfo(res);
      },
      &ctx);
  ASSERT_TRUE(run_until(base, [&] { return calls > 0; }));
  EXPECT_EQ((std::vector<std::string>{"192.0.2.10:443", "[2001:db8::10]:443"}), got);
}

INSTANTIATE_TEST_SUITE_P(Backends, UnboundTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);

// dig against our server port: runs dig while our loop serves, bounded.
std::string run_dig(event_base* base, const std::vector<std::string>& args) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return "";
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("dig"));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp("dig", argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
  std::string out;
  bool exited = false;
  run_until(
      base,
      [&] {
        char buf[4096];
        ssize_t n;
        while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
        int st;
        if (!exited && waitpid(pid, &st, WNOHANG) == pid) exited = true;
        return exited && n == 0;
      },
      10000);
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  close(pipefd[0]);
  return out;
}

class DigTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DigTest, DigReadsOurAnswers) {
  if (!have("dig")) GTEST_SKIP() << "dig is not installed";
  event_base* base = evtest::new_base_with(GetParam());
  ASSERT_NE(nullptr, base);
  {
    dnstest::Server server(base);
    std::string at = "@127.0.0.1";
    std::string port = std::to_string(server.port);
    std::vector<std::string> common = {at,        "-p",          port,       "+tries=1",
                                       "+time=3", "+nocomments", "+nostats", "+noquestion"};
    auto dig = [&](std::vector<std::string> extra) {
      std::vector<std::string> args = common;
      args.insert(args.end(), extra.begin(), extra.end());
      return run_dig(base, args);
    };
    std::string a = dig({"a.test", "A"});
    EXPECT_NE(std::string::npos, a.find("300\tIN\tA\t10.0.0.1")) << a;
    EXPECT_NE(std::string::npos, a.find("10.0.0.2")) << a;
    std::string aaaa = dig({"v6.test", "AAAA", "+noedns"});
    EXPECT_NE(std::string::npos, aaaa.find("2001:db8::1")) << aaaa;
    std::string cname = dig({"cname.test", "A"});
    EXPECT_NE(std::string::npos, cname.find("CNAME\ta.test.")) << cname;
    std::string ptr = dig({"-x", "127.0.0.1"});
    EXPECT_NE(std::string::npos, ptr.find("PTR\tlocalhost.test.")) << ptr;
    std::string nx = dig({"+comments", "nx.test", "A"});
    EXPECT_NE(std::string::npos, nx.find("status: NXDOMAIN")) << nx;
    // 40 records do not fit in 512 bytes: dig sees TC and asks over TCP.
    std::string big = dig({"+comments", "+noedns", "big.test", "A"});
    EXPECT_NE(std::string::npos, big.find("10.1.0.39")) << big;
    std::string tcp = dig({"+tcp", "a.test", "A"});
    EXPECT_NE(std::string::npos, tcp.find("10.0.0.1")) << tcp;
    EXPECT_GE(server.hits["big.test"], 2);
  }
  event_base_free(base);
}

INSTANTIATE_TEST_SUITE_P(Backends, DigTest, ::testing::ValuesIn(evtest::supported_methods()),
                         dnstest::method_name);

}  // namespace
