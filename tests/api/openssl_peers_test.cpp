// Real TLS peers on loopback: OpenSSL's own `openssl s_server` and
// `openssl s_client` against our bufferevents, TLS 1.2 and 1.3, with
// client certificates, and with a wrong certificate or host name causing
// a clear error.  The certificates are made by the test (openssl_test_util)
// and written to a temporary directory for the command-line tools.
#include <arpa/inet.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "event_backend_param.hpp"
#include "openssl_test_util.hpp"

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;
using tlstest::CtxOptions;

namespace {

bool have_openssl_tool() { return system("openssl version >/dev/null 2>&1") == 0; }

// The PKI as PEM files, written once per process.
struct PemDir {
  std::string dir;
  std::string path(const char* name) const { return dir + "/" + name; }
  static const PemDir& get() {
    static PemDir* d = [] {
      auto* p = new PemDir;
      char tmpl[] = "/tmp/levng-tls-XXXXXX";
      p->dir = mkdtemp(tmpl);
      atexit([] { system(("rm -rf " + PemDir::get().dir).c_str()); });
      const tlstest::Pki& k = tlstest::Pki::get();
      auto cert = [&](const char* n, X509* x) {
        FILE* f = fopen(p->path(n).c_str(), "w");
        PEM_write_X509(f, x);
        fclose(f);
      };
      auto key = [&](const char* n, EVP_PKEY* pk) {
        FILE* f = fopen(p->path(n).c_str(), "w");
        PEM_write_PrivateKey(f, pk, nullptr, nullptr, 0, nullptr, nullptr);
        fclose(f);
      };
      cert("ca.pem", k.ca);
      cert("other_ca.pem", k.other_ca);
      cert("server.pem", k.server);
      key("server.key", k.server_key);
      cert("client.pem", k.client);
      key("client.key", k.client_key);
      return p;
    }();
    return *d;
  }
};

// A child process with its stdin on a pipe and stdout+stderr in a file.
struct Child {
  pid_t pid = -1;
  int in = -1;
  std::string out_path;
  void start(const std::vector<std::string>& argv) {
    static int n = 0;
    out_path = PemDir::get().dir + "/out" + std::to_string(getpid()) + "_" + std::to_string(n++);
    int p[2];
    ASSERT_EQ(0, pipe(p));
    pid = fork();
    if (pid == 0) {
      dup2(p[0], 0);
      int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      close(p[1]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(p[0]);
    in = p[1];
  }
  std::string output() const {
    std::ifstream f(out_path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  void send(const std::string& s) const {
    ASSERT_EQ(ssize_t(s.size()), write(in, s.data(), s.size()));
  }
  void close_input() {
    if (in >= 0) close(in);
    in = -1;
  }
  // Exit status, killing it after `ms`.
  int wait(int ms = 5000) {
    int status = 0;
    for (int i = 0; i < ms / 5; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      usleep(5000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    pid = -1;
    return -1;
  }
  ~Child() {
    close_input();
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

class TlsPeers : public evtest::PerBackend {
 protected:
  void SetUp() override {
    if (!have_openssl_tool()) GTEST_SKIP() << "no openssl command";
    evtest::PerBackend::SetUp();
    signal(SIGPIPE, SIG_IGN);
  }
  void TearDown() override {
    if (bev != nullptr) bufferevent_free(bev);
    if (ctx != nullptr) SSL_CTX_free(ctx);
    if (listener != nullptr) evconnlistener_free(listener);
    evtest::PerBackend::TearDown();
  }

  // Starts s_server with `extra` arguments; returns its port (0 on failure).
  int start_server(Child& c, std::vector<std::string> extra) {
    const PemDir& p = PemDir::get();
    std::vector<std::string> argv = {"openssl",  "s_server",
                                     "-accept",  "127.0.0.1:0",
                                     "-cert",    p.path("server.pem"),
                                     "-key",     p.path("server.key"),
                                     "-naccept", "1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    c.start(argv);
    for (int i = 0; i < 1000; ++i) {
      std::string out = c.output();
      size_t at = out.find("ACCEPT 127.0.0.1:");
      if (at != std::string::npos) return atoi(out.c_str() + at + 17);
      usleep(5000);
    }
    return 0;
  }

  // Our client connecting to 127.0.0.1:port.
  void connect_client(int port, const CtxOptions& o, const char* host = nullptr) {
    ctx = tlstest::client_ctx(o);
    SSL* ssl = SSL_new(ctx);
    if (host != nullptr) {
      SSL_set_tlsext_host_name(ssl, host);
      SSL_set1_host(ssl, host);
    }
    bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
                                         BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, bev);
    r.attach(bev);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<uint16_t>(port));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(0, bufferevent_socket_connect(bev, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  }

  // Our server: accepts one connection on an ephemeral port.
  int listen_server(const CtxOptions& o) {
    ctx = tlstest::server_ctx(o);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = evconnlistener_new_bind(
        base,
        [](evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
          auto* self = static_cast<TlsPeers*>(arg);
          evutil_make_socket_nonblocking(fd);
          self->bev = bufferevent_openssl_socket_new(
              self->base, fd, SSL_new(self->ctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
          self->r.attach(self->bev);
          bufferevent_enable(self->bev, EV_READ | EV_WRITE);
        },
        this, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 8, reinterpret_cast<sockaddr*>(&sin),
        sizeof(sin));
    if (listener == nullptr) return 0;
    socklen_t len = sizeof(sin);
    getsockname(evconnlistener_get_fd(listener), reinterpret_cast<sockaddr*>(&sin), &len);
    return ntohs(sin.sin_port);
  }

  SSL_CTX* ctx = nullptr;
  bufferevent* bev = nullptr;
  evconnlistener* listener = nullptr;
  Recorder r;
};

TEST_P(TlsPeers, OurClientAgainstSServerTls13AndTls12) {
  for (const char* flag : {"-tls1_3", "-tls1_2"}) {
    SCOPED_TRACE(flag);
    Child server;
    int port = start_server(server, {"-rev", flag});
    ASSERT_NE(0, port) << server.output();
    r = Recorder();
    connect_client(port, {.verify_peer = true}, "localhost");
    bufferevent_write(bev, "hello tls\n", 10);
    ASSERT_TRUE(run_until(
        base, [&] { return r.data == "slt olleh\n"; }, 5000))
        << r.data << server.output();
    EXPECT_TRUE(r.all_what & BEV_EVENT_CONNECTED);
    int v = SSL_version(bufferevent_openssl_get_ssl(bev));
    EXPECT_EQ(std::string(flag) == "-tls1_3" ? TLS1_3_VERSION : TLS1_2_VERSION, v);
    EXPECT_EQ(X509_V_OK, SSL_get_verify_result(bufferevent_openssl_get_ssl(bev)));
    // A megabyte of lines comes back reversed too.
    std::string big, expect;
    for (int i = 0; i < 8000; ++i) {
      std::string line = "line " + std::to_string(i) + std::string(120, 'x');
      big += line + "\n";
      expect += std::string(line.rbegin(), line.rend()) + "\n";
    }
    r.data.clear();
    bufferevent_write(bev, big.data(), big.size());
    ASSERT_TRUE(run_until(
        base, [&] { return r.data.size() >= expect.size(); }, 15000));
    EXPECT_TRUE(r.data == expect);
    bufferevent_free(bev);
    bev = nullptr;
    SSL_CTX_free(ctx);
    ctx = nullptr;
    server.wait(3000);
  }
}

TEST_P(TlsPeers, OurClientWithACertificateAgainstSServerRequiringOne) {
  const PemDir& p = PemDir::get();
  Child server;
  int port = start_server(server, {"-rev", "-Verify", "1", "-CAfile", p.path("ca.pem")});
  ASSERT_NE(0, port);
  connect_client(port, {.client_cert = true});
  bufferevent_write(bev, "abc\n", 4);
  ASSERT_TRUE(run_until(
      base, [&] { return r.data == "cba\n"; }, 5000))
      << server.output();
}

TEST_P(TlsPeers, OurClientWithoutCertificateIsRefusedClearly) {
  const PemDir& p = PemDir::get();
  Child server;
  int port = start_server(server, {"-rev", "-Verify", "1", "-CAfile", p.path("ca.pem"), "-tls1_2"});
  ASSERT_NE(0, port);
  connect_client(port, {});
  ASSERT_TRUE(run_until(
      base, [&] { return r.events >= 1; }, 5000));
  EXPECT_TRUE(r.last_what & BEV_EVENT_ERROR);
  EXPECT_FALSE(r.all_what & BEV_EVENT_CONNECTED);
  EXPECT_FALSE(tlstest::drain_errors(bev).empty());
}

TEST_P(TlsPeers, WrongHostNameIsAVerifyError) {
  Child server;
  int port = start_server(server, {"-rev"});
  ASSERT_NE(0, port);
  connect_client(port, {.verify_peer = true}, "wrong.example");
  ASSERT_TRUE(run_until(
      base, [&] { return r.events >= 1; }, 5000));
  EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_READING, r.last_what);
  EXPECT_TRUE(tlstest::has_reason(tlstest::drain_errors(bev), SSL_R_CERTIFICATE_VERIFY_FAILED));
  EXPECT_EQ(X509_V_ERR_HOSTNAME_MISMATCH, SSL_get_verify_result(bufferevent_openssl_get_ssl(bev)));
}

TEST_P(TlsPeers, SClientAgainstOurServerTls13AndTls12) {
  const PemDir& p = PemDir::get();
  for (const char* flag : {"-tls1_3", "-tls1_2"}) {
    SCOPED_TRACE(flag);
    r = Recorder();
    int port = listen_server({});
    ASSERT_NE(0, port);
    Child client;
    client.start({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), flag,
                  "-CAfile", p.path("ca.pem"), "-verify_return_error", "-verify_hostname",
                  "localhost", "-servername", "localhost", "-quiet", "-no_ign_eof"});
    ASSERT_TRUE(run_until(
        base, [&] { return (r.all_what & BEV_EVENT_CONNECTED) != 0; }, 5000))
        << client.output();
    client.send("from s_client\n");
    ASSERT_TRUE(run_until(
        base, [&] { return r.data == "from s_client\n"; }, 5000));
    bufferevent_write(bev, "from us\n", 8);
    ASSERT_TRUE(run_until(
        base, [&] { return client.output().find("from us") != std::string::npos; }, 5000))
        << client.output();
    // s_client closes with close_notify when its input ends: EOF for us.
    client.close_input();
    ASSERT_TRUE(run_until(
        base, [&] { return r.events == 2; }, 5000))
        << client.output();
    EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, r.last_what);
    EXPECT_EQ(0, client.wait());
    bufferevent_free(bev);
    bev = nullptr;
    evconnlistener_free(listener);
    listener = nullptr;
    SSL_CTX_free(ctx);
    ctx = nullptr;
  }
}

TEST_P(TlsPeers, SClientWithClientCertificateAgainstOurServer) {
  const PemDir& p = PemDir::get();
  int port = listen_server({.verify_peer = true});
  ASSERT_NE(0, port);
  Child client;
  client.start({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile",
                p.path("ca.pem"), "-cert", p.path("client.pem"), "-key", p.path("client.key"),
                "-quiet"});
  ASSERT_TRUE(run_until(
      base, [&] { return (r.all_what & BEV_EVENT_CONNECTED) != 0; }, 5000))
      << client.output();
  X509* peer = SSL_get1_peer_certificate(bufferevent_openssl_get_ssl(bev));
  ASSERT_NE(nullptr, peer);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ("test client", cn);
  X509_free(peer);
}

TEST_P(TlsPeers, SClientTrustingAnotherCaFailsAndWeSeeTheAlert) {
  const PemDir& p = PemDir::get();
  int port = listen_server({});
  ASSERT_NE(0, port);
  Child client;
  client.start({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile",
                p.path("other_ca.pem"), "-verify_return_error", "-quiet"});
  ASSERT_TRUE(run_until(
      base, [&] { return r.events >= 1; }, 5000))
      << client.output();
  EXPECT_TRUE(r.last_what & BEV_EVENT_ERROR);
  EXPECT_FALSE(r.all_what & BEV_EVENT_CONNECTED);
  auto errs = tlstest::drain_errors(bev);
  EXPECT_TRUE(tlstest::has_reason(errs, SSL_R_TLSV1_ALERT_UNKNOWN_CA)) << errs.size();
  EXPECT_NE(0, client.wait());
  EXPECT_NE(std::string::npos, client.output().find("verify error")) << client.output();
}

EVTEST_INSTANTIATE_PER_BACKEND(TlsPeers);

}  // namespace
