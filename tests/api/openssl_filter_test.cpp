// OpenSSL bufferevents over other bufferevents (socket, pair, another TLS
// bufferevent), run once per backend: handshakes, data both ways,
// shutdown through the underlying transport, ownership of the underlying
// bufferevent and freeing inside callbacks.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "event_backend_param.hpp"
#include "openssl_test_util.hpp"

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;

namespace {

class TlsFilter : public evtest::PerBackend, protected tlstest::Endpoints {
 protected:
  void SetUp() override {
    evtest::PerBackend::SetUp();
    make_contexts();
  }
  void TearDown() override {
    free_endpoints();
    evtest::PerBackend::TearDown();
  }
  // TLS filters over the two given bufferevents, owning them; both
  // directions enabled unless `enable` is false.
  void wrap(bufferevent* us, bufferevent* uc, int options = BEV_OPT_CLOSE_ON_FREE,
            bool enable = true) {
    server =
        bufferevent_openssl_filter_new(base, us, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, options);
    client = bufferevent_openssl_filter_new(base, uc, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
                                            options);
    attach(enable);
  }
  void over_sockets(int options = BEV_OPT_CLOSE_ON_FREE, bool enable = true) {
    us = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
    uc = bufferevent_socket_new(base, sp.release(1), BEV_OPT_CLOSE_ON_FREE);
    wrap(us, uc, options, enable);
  }
  bool connected() { return connected_in(base); }
  // A client filter over a socket bufferevent without a descriptor,
  // connected to `l` with bufferevent_socket_connect().
  void connect_filter_client(tlstest::Listener& l) {
    uc = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    client = bufferevent_openssl_filter_new(base, uc, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
                                            BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, client);
    rc.attach(client);
    ASSERT_EQ(0, bufferevent_socket_connect(client, l.addr(), sizeof(l.sin)));
  }
  // The server end of the connection `l` accepts, both directions on.
  void accept_server(tlstest::Listener& l) {
    server = tlstest::accept_tls_server(base, l, sctx, rs, EV_READ | EV_WRITE);
    ASSERT_NE(nullptr, server);
  }
  void exchange(size_t up_size, size_t down_size) {
    const std::string up = tlstest::pattern(up_size, 3);
    const std::string down = tlstest::pattern(down_size, 4);
    bufferevent_write(client, up.data(), up.size());
    bufferevent_write(server, down.data(), down.size());
    ASSERT_TRUE(run_until(
        base, [&] { return rs.data.size() >= up.size() && rc.data.size() >= down.size(); }, 20000));
    EXPECT_TRUE(rs.data == up);
    EXPECT_TRUE(rc.data == down);
  }

  bufferevent* us = nullptr;
  bufferevent* uc = nullptr;
};

TEST_P(TlsFilter, OverSocketBuffereventsHandshakeAndMegabytes) {
  over_sockets();
  ASSERT_TRUE(connected());
  EXPECT_EQ(us, bufferevent_get_underlying(server));
  EXPECT_EQ(bufferevent_getfd(uc), bufferevent_getfd(client));
  exchange(2 << 20, 1 << 20);
}

TEST_P(TlsFilter, OverAPair) {
  bufferevent* pair[2];
  ASSERT_EQ(0, bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, pair));
  wrap(pair[0], pair[1]);
  ASSERT_TRUE(connected());
  exchange(300000, 70000);
}

// Over a pair nothing tells a client filter to start until reading is
// enabled (libevent 2.1.12 drives the handshake from the read path there;
// writing enabled starts nothing while there is nothing to write); over a
// socket bufferevent its first writable event starts it whatever the
// enabled directions.
TEST_P(TlsFilter, ClientOverAPairStartsWhenReadingIsEnabled) {
  bufferevent* pair[2];
  ASSERT_EQ(0, bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, pair));
  wrap(pair[0], pair[1], BEV_OPT_CLOSE_ON_FREE, false);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  run_for(base, 100);
  EXPECT_EQ(0, rs.events);
  EXPECT_EQ(0, rc.events);
  bufferevent_enable(client, EV_WRITE);  // with nothing to write
  run_for(base, 100);
  EXPECT_EQ(0, rc.events);
  bufferevent_enable(client, EV_READ);
  EXPECT_TRUE(connected());
}

TEST_P(TlsFilter, OverSocketBuffereventsTheHandshakeIgnoresTheDirections) {
  over_sockets(BEV_OPT_CLOSE_ON_FREE, false);
  bufferevent_disable(client, EV_READ | EV_WRITE);
  bufferevent_disable(server, EV_READ | EV_WRITE);
  EXPECT_TRUE(connected());
}

// Over filter bufferevents (bufferevent_filter_new with no filter
// functions, passing bytes through) over sockets.
TEST_P(TlsFilter, OverFilterBufferevents) {
  us = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  uc = bufferevent_socket_new(base, sp.release(1), BEV_OPT_CLOSE_ON_FREE);
  bufferevent* fs =
      bufferevent_filter_new(us, nullptr, nullptr, BEV_OPT_CLOSE_ON_FREE, nullptr, nullptr);
  bufferevent* fc =
      bufferevent_filter_new(uc, nullptr, nullptr, BEV_OPT_CLOSE_ON_FREE, nullptr, nullptr);
  ASSERT_NE(nullptr, fs);
  ASSERT_NE(nullptr, fc);
  wrap(fs, fc);
  ASSERT_TRUE(connected());
  EXPECT_EQ(fc, bufferevent_get_underlying(client));
  exchange(300000, 100000);
}

// BUFFEREVENT_SSL_OPEN over the same underlying bufferevents and SSL
// objects after filters freed without BEV_OPT_CLOSE_ON_FREE did the
// handshake.
TEST_P(TlsFilter, StartsOpenWhereAnotherFinishedTheHandshake) {
  us = bufferevent_socket_new(base, sp.release(0), BEV_OPT_CLOSE_ON_FREE);
  uc = bufferevent_socket_new(base, sp.release(1), BEV_OPT_CLOSE_ON_FREE);
  SSL* ss = SSL_new(sctx);
  SSL* cs = SSL_new(cctx);
  server = bufferevent_openssl_filter_new(base, us, ss, BUFFEREVENT_SSL_ACCEPTING, 0);
  client = bufferevent_openssl_filter_new(base, uc, cs, BUFFEREVENT_SSL_CONNECTING, 0);
  attach();
  ASSERT_TRUE(connected());
  bufferevent_free(server);
  bufferevent_free(client);
  rs = Recorder();
  rc = Recorder();
  server =
      bufferevent_openssl_filter_new(base, us, ss, BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
  client =
      bufferevent_openssl_filter_new(base, uc, cs, BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
  attach();
  exchange(20000, 30000);
  EXPECT_EQ(0, rs.events);
  EXPECT_EQ(0, rc.events);
}

TEST_P(TlsFilter, TlsInsideTls) {
  SSL_CTX* outer_s = tlstest::server_ctx();
  SSL_CTX* outer_c = tlstest::client_ctx();
  bufferevent* os = bufferevent_openssl_socket_new(
      base, sp.release(0), SSL_new(outer_s), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  bufferevent* oc = bufferevent_openssl_socket_new(
      base, sp.release(1), SSL_new(outer_c), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
  wrap(os, oc);
  ASSERT_TRUE(connected());
  exchange(200000, 100000);
  SSL_CTX_free(outer_s);
  SSL_CTX_free(outer_c);
}

TEST_P(TlsFilter, FilterClientAgainstSocketServer) {
  SSL_CTX* ctx = tlstest::server_ctx();
  server = bufferevent_openssl_socket_new(base, sp.release(0), SSL_new(ctx),
                                          BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  uc = bufferevent_socket_new(base, sp.release(1), BEV_OPT_CLOSE_ON_FREE);
  client = bufferevent_openssl_filter_new(base, uc, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
                                          BEV_OPT_CLOSE_ON_FREE);
  rs.attach(server);
  rc.attach(client);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  bufferevent_enable(client, EV_READ | EV_WRITE);
  ASSERT_TRUE(connected());
  exchange(100000, 100000);
  SSL_CTX_free(ctx);
}

TEST_P(TlsFilter, CloseNotifyThroughTheUnderlyingIsEof) {
  over_sockets();
  ASSERT_TRUE(connected());
  bufferevent_write(client, "end", 3);
  bufferevent_flush(client, EV_WRITE, BEV_FINISHED);
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 2; }));
  EXPECT_EQ("end", rs.data);
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, rs.last_what);
}

TEST_P(TlsFilter, UnderlyingEofWithoutCloseNotifyIsAnErrorUnlessAllowed) {
  for (int allow : {0, 1}) {
    SCOPED_TRACE(allow);
    next_connection();
    over_sockets();
    bufferevent_openssl_set_allow_dirty_shutdown(server, allow);
    ASSERT_TRUE(connected());
    bufferevent_free(client);  // closes the socket, no close_notify
    client = nullptr;
    ASSERT_TRUE(run_until(base, [&] { return rs.events == 2; }));
    if (allow) {
      EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, rs.last_what);
    } else {
      EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_READING, rs.last_what);
      EXPECT_TRUE(
          tlstest::has_reason(tlstest::drain_errors(server), SSL_R_UNEXPECTED_EOF_WHILE_READING));
    }
  }
}

TEST_P(TlsFilter, CloseOnFreeFreesTheUnderlyingBufferevent) {
  over_sockets();
  ASSERT_TRUE(connected());
  int fd = bufferevent_getfd(us);
  bufferevent_free(server);
  server = nullptr;
  EXPECT_FALSE(bevtest::fd_is_open(fd));
}

TEST_P(TlsFilter, WithoutCloseOnFreeTheUnderlyingStaysUsable) {
  over_sockets(0);
  ASSERT_TRUE(connected());
  SSL* ssl = bufferevent_openssl_get_ssl(server);
  bufferevent_free(server);
  server = nullptr;
  SSL_free(ssl);
  bufferevent_data_cb rcb;
  bufferevent_getcb(us, &rcb, nullptr, nullptr, nullptr);
  EXPECT_EQ(nullptr, rcb);
  Recorder raw;
  raw.attach(us);
  bufferevent_enable(us, EV_READ);
  bufferevent_write(client, "ciphertext", 10);
  ASSERT_TRUE(run_until(base, [&] { return raw.data.size() > 10; }));
  bufferevent_free(us);
  SSL* cssl = bufferevent_openssl_get_ssl(client);
  bufferevent_free(client);
  client = nullptr;
  SSL_free(cssl);
  bufferevent_free(uc);
}

TEST_P(TlsFilter, FreeInsideCallbacks) {
  over_sockets();
  ASSERT_TRUE(connected());
  rs.free_on_read = true;
  rc.free_on_event = true;
  bufferevent_write(client, "x", 1);
  ASSERT_TRUE(run_until(base, [&] { return rs.reads == 1; }));
  server = nullptr;
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
  client = nullptr;
  EXPECT_TRUE(rc.last_what & (BEV_EVENT_EOF | BEV_EVENT_ERROR));
}

TEST_P(TlsFilter, WrongCertificateOverAFilterIsAnError) {
  SSL_CTX_free(cctx);
  cctx = tlstest::client_ctx({.verify_peer = true, .use_other_ca = true});
  over_sockets();
  ASSERT_TRUE(run_until(base, [&] { return rc.events >= 1; }));
  EXPECT_TRUE(rc.last_what & BEV_EVENT_ERROR);
  EXPECT_TRUE(tlstest::has_reason(tlstest::drain_errors(client), SSL_R_CERTIFICATE_VERIFY_FAILED));
}

// bufferevent_setfd(-1) restarts the connection but leaves the underlying
// bufferevent its descriptor (libevent sets the underlying one's only for a
// real descriptor).
TEST_P(TlsFilter, SetfdMinusOneKeepsTheUnderlyingDescriptor) {
  over_sockets();
  ASSERT_TRUE(connected());
  evutil_socket_t fd = bufferevent_getfd(client);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fd, bufferevent_getfd(uc));
  EXPECT_EQ(0, bufferevent_setfd(client, -1));
  EXPECT_EQ(fd, bufferevent_getfd(client));
  EXPECT_EQ(fd, bufferevent_getfd(uc));
}

// The connect completing starts a connecting filter's handshake, with
// nothing enabled but the default writing (as evhttp's client has).
TEST_P(TlsFilter, SocketConnectThroughTheFilterStartsTheHandshake) {
  tlstest::Listener l;
  connect_filter_client(l);
  accept_server(l);
  EXPECT_TRUE(connected());
  EXPECT_EQ(EV_WRITE, bufferevent_get_enabled(client));
}

// bufferevent_socket_connect() on a TLS filter over a socket bufferevent
// without a descriptor connects the underlying one; data written after the
// handshake, in several rounds, goes through.
TEST_P(TlsFilter, SocketConnectThroughTheFilter) {
  tlstest::Listener l;
  connect_filter_client(l);
  EXPECT_GE(bufferevent_getfd(uc), 0);
  EXPECT_EQ(bufferevent_getfd(uc), bufferevent_getfd(client));
  bufferevent_write(client, "ping", 4);
  bufferevent_enable(client, EV_READ | EV_WRITE);
  accept_server(l);
  ASSERT_TRUE(connected());
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "ping"; }));
  rs.data.clear();
  exchange(3000, 2000);
  rs.data.clear();
  rc.data.clear();
  exchange(50000, 70000);
  EXPECT_EQ(1, rc.events);  // the handshake's CONNECTED only
}

EVTEST_INSTANTIATE_PER_BACKEND(TlsFilter);

}  // namespace
