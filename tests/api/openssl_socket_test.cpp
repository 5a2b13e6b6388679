// OpenSSL bufferevents over sockets, run once per backend: handshakes in
// both roles and TLS versions, data both ways up to megabytes, shutdown
// (close_notify, dirty, allowed dirty), errors and the error queue,
// ownership (BEV_OPT_CLOSE_ON_FREE), freeing inside callbacks, connecting
// with fd -1, and the accessors.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>
#include <vector>

#include "event_backend_param.hpp"
#include "openssl_test_util.hpp"

using bevtest::run_for;
using bevtest::run_until;
using tlstest::CtxOptions;

namespace {

class TlsSocket : public evtest::PerBackend, protected tlstest::Endpoints {
 protected:
  void TearDown() override {
    free_endpoints();
    evtest::PerBackend::TearDown();
  }
  // A server on sp.fd[0] and a client on sp.fd[1], both owning their SSL
  // and socket; `rs`/`rc` record their callbacks.
  void make_pair(const CtxOptions& so = {}, const CtxOptions& co = {}, int options = 0) {
    make_contexts(so, co);
    server =
        bufferevent_openssl_socket_new(base, sp.release(0), SSL_new(sctx),
                                       BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE | options);
    client =
        bufferevent_openssl_socket_new(base, sp.release(1), SSL_new(cctx),
                                       BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE | options);
    attach();
  }
  bool connected() { return connected_in(base); }
  // A client with fd -1 (bufferevent_socket_connect follows), reading.
  void client_without_descriptor() {
    make_contexts();
    client = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
                                            BEV_OPT_CLOSE_ON_FREE);
    ASSERT_NE(nullptr, client);
    rc.attach(client);
    bufferevent_enable(client, EV_READ);
  }
  // The server side of a connection accepted from `l`, reading.
  void accept_server(tlstest::Listener& l) {
    server = tlstest::accept_tls_server(base, l, sctx, rs, EV_READ);
    ASSERT_NE(nullptr, server);
  }
};

TEST_P(TlsSocket, HandshakeThenDataBothWaysTls13) {
  make_pair({.version = TLS1_3_VERSION}, {.version = TLS1_3_VERSION});
  ASSERT_TRUE(connected());
  EXPECT_EQ(BEV_EVENT_CONNECTED, rs.last_what);
  EXPECT_EQ(BEV_EVENT_CONNECTED, rc.last_what);
  EXPECT_EQ(TLS1_3_VERSION, SSL_version(bufferevent_openssl_get_ssl(client)));
  bufferevent_write(client, "hello", 5);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "hello"; }));
  bufferevent_write(server, "world", 5);
  ASSERT_TRUE(run_until(base, [&] { return rc.data == "world"; }));
  EXPECT_EQ(1, rs.events);
  EXPECT_EQ(1, rc.events);
}

TEST_P(TlsSocket, HandshakeThenDataBothWaysTls12) {
  make_pair({.version = TLS1_2_VERSION}, {.version = TLS1_2_VERSION});
  ASSERT_TRUE(connected());
  EXPECT_EQ(TLS1_2_VERSION, SSL_version(bufferevent_openssl_get_ssl(server)));
  bufferevent_write(server, "first", 5);
  ASSERT_TRUE(run_until(base, [&] { return rc.data == "first"; }));
  bufferevent_write(client, "second", 6);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "second"; }));
}

TEST_P(TlsSocket, OutputQueuedBeforeTheHandshakeGoesAfterIt) {
  make_pair();
  bufferevent_write(client, "early", 5);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "early"; }));
  EXPECT_TRUE(rc.all_what & BEV_EVENT_CONNECTED);
}

// As in libevent 2.1.12, the handshake over a socket watches the
// directions the user enabled until OpenSSL asks for one: a server with
// both turned off before the loop runs never answers (libevent's
// bufferevent_socketpair_timeout relies on it), and enabling resumes.
TEST_P(TlsSocket, DisabledServerHoldsTheHandshakeUntilEnabled) {
  make_pair();
  bufferevent_disable(server, EV_READ | EV_WRITE);
  run_for(base, 150);
  EXPECT_EQ(0, rs.events);
  EXPECT_EQ(0, rc.events);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  EXPECT_TRUE(connected());
}

// A client with only reading enabled never sends its hello; writing
// enabled is enough to start (reading is then watched for the answer).
TEST_P(TlsSocket, ClientWithOnlyReadingEnabledWaitsToStart) {
  make_pair();
  bufferevent_disable(client, EV_WRITE);
  run_for(base, 150);
  EXPECT_EQ(0, rs.events);
  EXPECT_EQ(0, rc.events);
  bufferevent_disable(client, EV_READ);
  bufferevent_enable(client, EV_WRITE);
  EXPECT_TRUE(connected());
  EXPECT_EQ(EV_WRITE, bufferevent_get_enabled(client));
}

// Turning reading off while the handshake waits for the peer holds it
// there; turning writing off does not.
TEST_P(TlsSocket, ReadingTurnedOffDuringTheHandshakeHoldsIt) {
  make_pair();
  bufferevent_disable(server, EV_READ | EV_WRITE);
  run_for(base, 50);  // the client's hello is out; it waits for the answer
  bufferevent_disable(client, EV_READ);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  run_for(base, 150);
  EXPECT_EQ(0, rc.events);
  bufferevent_enable(client, EV_READ);
  EXPECT_TRUE(connected());
}

TEST_P(TlsSocket, WritingTurnedOffDuringTheHandshakeDoesNotHoldIt) {
  make_pair();
  bufferevent_disable(server, EV_READ | EV_WRITE);
  run_for(base, 50);
  bufferevent_disable(client, EV_WRITE);
  bufferevent_enable(server, EV_READ | EV_WRITE);
  EXPECT_TRUE(connected());
}

TEST_P(TlsSocket, MegabytesBothWays) {
  make_pair();
  ASSERT_TRUE(connected());
  const std::string up = tlstest::pattern(3 << 20, 1);
  const std::string down = tlstest::pattern(2 << 20, 2);
  bufferevent_write(client, up.data(), up.size());
  bufferevent_write(server, down.data(), down.size());
  ASSERT_TRUE(run_until(
      base, [&] { return rs.data.size() >= up.size() && rc.data.size() >= down.size(); }, 20000));
  EXPECT_TRUE(rs.data == up);
  EXPECT_TRUE(rc.data == down);
  EXPECT_EQ(0u, evbuffer_get_length(bufferevent_get_output(client)));
  EXPECT_GE(rc.writes, 1);
}

// Output keeps growing in new blocks while a record waits for the kernel
// (SSL_write retried with the same bytes, which may have moved): all of
// it arrives once, in order.
TEST_P(TlsSocket, OutputAddedWhileAWriteWaitsForTheKernel) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_disable(server, EV_READ);
  std::string expect;
  for (unsigned i = 0; i < 40; ++i) {
    const std::string chunk = tlstest::pattern(50000 + i, i);
    expect += chunk;
    bufferevent_write(client, chunk.data(), chunk.size());
    run_for(base, 2);
  }
  // The socket buffers are full: part of it still waits in the output.
  EXPECT_GT(evbuffer_get_length(bufferevent_get_output(client)), 0u);
  bufferevent_enable(server, EV_READ);
  ASSERT_TRUE(run_until(
      base, [&] { return rs.data.size() >= expect.size(); }, 20000));
  EXPECT_TRUE(rs.data == expect);
  EXPECT_EQ(1, rs.events);
  EXPECT_EQ(1, rc.events);
}

// Output that OpenSSL has not been handed may be drained; output an
// SSL_write waits to retry (the kernel pushed back) may not: OpenSSL
// cannot be given those bytes again, which is a clear error rather than
// other bytes sent in their place.
TEST_P(TlsSocket, DrainingOutputNotYetWrittenIsFine) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_disable(client, EV_WRITE);
  bufferevent_write(client, "cancelled", 9);
  evbuffer_drain(bufferevent_get_output(client), 9);
  bufferevent_enable(client, EV_WRITE);
  bufferevent_write(client, "sent", 4);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "sent"; }));
  EXPECT_EQ(1, rc.events);
}

TEST_P(TlsSocket, DrainingOutputAWriteWaitsToRetryIsAnError) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_disable(server, EV_READ);
  const std::string big = tlstest::pattern(2 << 20);
  bufferevent_write(client, big.data(), big.size());
  run_for(base, 100);
  evbuffer* out = bufferevent_get_output(client);
  ASSERT_GT(evbuffer_get_length(out), 0u);
  evbuffer_drain(out, evbuffer_get_length(out));
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
  EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_WRITING, rc.last_what);
  EXPECT_TRUE(tlstest::has_reason(tlstest::drain_errors(client), SSL_R_BAD_WRITE_RETRY));
}

// BUFFEREVENT_SSL_OPEN: new bufferevents over SSL objects (and sockets)
// whose handshake was done by earlier ones freed without
// BEV_OPT_CLOSE_ON_FREE carry on with the data, reporting no CONNECTED.
TEST_P(TlsSocket, StartsOpenWhereAnotherFinishedTheHandshake) {
  make_contexts();
  SSL* ss = SSL_new(sctx);
  SSL* cs = SSL_new(cctx);
  const int sfd = sp.release(0);
  const int cfd = sp.release(1);
  server = bufferevent_openssl_socket_new(base, sfd, ss, BUFFEREVENT_SSL_ACCEPTING, 0);
  client = bufferevent_openssl_socket_new(base, cfd, cs, BUFFEREVENT_SSL_CONNECTING, 0);
  attach();
  ASSERT_TRUE(connected());
  bufferevent_free(server);
  bufferevent_free(client);
  rs = bevtest::Recorder();
  rc = bevtest::Recorder();
  server =
      bufferevent_openssl_socket_new(base, sfd, ss, BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
  client =
      bufferevent_openssl_socket_new(base, cfd, cs, BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
  attach();
  bufferevent_write(client, "still open", 10);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "still open"; }));
  bufferevent_write(server, "yes", 3);
  ASSERT_TRUE(run_until(base, [&] { return rc.data == "yes"; }));
  EXPECT_EQ(0, rs.events);
  EXPECT_EQ(0, rc.events);
}

TEST_P(TlsSocket, ManySmallWritesArriveInOrder) {
  make_pair();
  ASSERT_TRUE(connected());
  std::string expect;
  for (int i = 0; i < 2000; ++i) {
    std::string m = std::to_string(i) + ",";
    expect += m;
    bufferevent_write(client, m.data(), m.size());
    if (i % 100 == 0) run_for(base, 1);
  }
  ASSERT_TRUE(run_until(base, [&] { return rs.data.size() >= expect.size(); }));
  EXPECT_EQ(expect, rs.data);
}

TEST_P(TlsSocket, CloseNotifyIsEof) {
  make_pair();
  ASSERT_TRUE(connected());
  bufferevent_write(server, "bye", 3);
  // Flushing the writing side as finished sends close_notify.
  bufferevent_flush(server, EV_WRITE, BEV_FINISHED);
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
  EXPECT_EQ("bye", rc.data);
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, rc.last_what);
  EXPECT_EQ(0u, bufferevent_get_openssl_error(client));
}

TEST_P(TlsSocket, SslShutdownByHandIsEof) {
  make_pair({.version = TLS1_2_VERSION}, {.version = TLS1_2_VERSION});
  ASSERT_TRUE(connected());
  SSL_shutdown(bufferevent_openssl_get_ssl(client));
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 2; }));
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, rs.last_what);
}

TEST_P(TlsSocket, TcpCloseWithoutCloseNotifyIsAnError) {
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    SCOPED_TRACE(version);
    next_connection();
    free_endpoints();  // new contexts for the version
    make_pair({.version = version}, {.version = version});
    ASSERT_TRUE(connected());
    EXPECT_EQ(0, bufferevent_openssl_get_allow_dirty_shutdown(client));
    bufferevent_free(server);  // no close_notify is sent
    server = nullptr;
    ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
    EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_READING, rc.last_what);
    auto errs = tlstest::drain_errors(client);
    EXPECT_TRUE(tlstest::has_reason(errs, SSL_R_UNEXPECTED_EOF_WHILE_READING));
  }
}

TEST_P(TlsSocket, TcpCloseIsEofWhenDirtyShutdownIsAllowed) {
  make_pair();
  bufferevent_openssl_set_allow_dirty_shutdown(client, 1);
  EXPECT_EQ(1, bufferevent_openssl_get_allow_dirty_shutdown(client));
  ASSERT_TRUE(connected());
  bufferevent_write(server, "last", 4);
  ASSERT_TRUE(run_until(base, [&] { return rc.data == "last"; }));
  bufferevent_free(server);
  server = nullptr;
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 2; }));
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, rc.last_what);
  EXPECT_EQ(0u, bufferevent_get_openssl_error(client));
  bufferevent_openssl_set_allow_dirty_shutdown(client, 0);
  EXPECT_EQ(0, bufferevent_openssl_get_allow_dirty_shutdown(client));
}

TEST_P(TlsSocket, UntrustedServerCertificateFailsTheHandshakeWithItsReason) {
  make_pair({}, {.verify_peer = true, .use_other_ca = true});
  ASSERT_TRUE(run_until(base, [&] { return rc.events >= 1 && rs.events >= 1; }));
  EXPECT_TRUE(rc.last_what & BEV_EVENT_ERROR);
  EXPECT_FALSE(rc.all_what & BEV_EVENT_CONNECTED);
  auto errs = tlstest::drain_errors(client);
  ASSERT_FALSE(errs.empty());
  EXPECT_TRUE(tlstest::has_reason(errs, SSL_R_CERTIFICATE_VERIFY_FAILED));
  EXPECT_TRUE(rs.last_what & BEV_EVENT_ERROR);
  EXPECT_FALSE(tlstest::drain_errors(server).empty());
}

TEST_P(TlsSocket, TrustedServerAndClientCertificates) {
  make_pair({.verify_peer = true}, {.verify_peer = true, .client_cert = true});
  ASSERT_TRUE(connected());
  X509* peer = SSL_get1_peer_certificate(bufferevent_openssl_get_ssl(server));
  ASSERT_NE(nullptr, peer);
  X509_free(peer);
  EXPECT_EQ(X509_V_OK, SSL_get_verify_result(bufferevent_openssl_get_ssl(client)));
}

TEST_P(TlsSocket, MissingClientCertificateIsAnErrorOnBothSides) {
  make_pair({.version = TLS1_2_VERSION, .verify_peer = true}, {.version = TLS1_2_VERSION});
  ASSERT_TRUE(run_until(base, [&] { return rs.events >= 1 && rc.events >= 1; }));
  EXPECT_TRUE(rs.last_what & BEV_EVENT_ERROR);
  EXPECT_TRUE(rc.last_what & BEV_EVENT_ERROR);
  EXPECT_FALSE(tlstest::drain_errors(server).empty());
}

TEST_P(TlsSocket, GarbageFromThePeerIsAProtocolError) {
  sctx = tlstest::server_ctx();
  server = bufferevent_openssl_socket_new(base, sp.release(0), SSL_new(sctx),
                                          BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  rs.attach(server);
  sp.send(std::string(100, 'x'));
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 1; }));
  EXPECT_EQ(BEV_EVENT_ERROR | BEV_EVENT_READING, rs.last_what);
  auto errs = tlstest::drain_errors(server);
  ASSERT_FALSE(errs.empty());
  EXPECT_EQ(ERR_LIB_SSL, ERR_GET_LIB(errs[0]));
  EXPECT_EQ(0u, bufferevent_get_openssl_error(server));
}

TEST_P(TlsSocket, CloseOnFreeClosesTheSocketAndFreesTheSsl) {
  sctx = tlstest::server_ctx();
  SSL* ssl = SSL_new(sctx);
  SSL_up_ref(ssl);
  int fd = sp.release(0);
  bufferevent* b = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                                  BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, b);
  EXPECT_EQ(fd, bufferevent_getfd(b));
  bufferevent_free(b);
  EXPECT_FALSE(bevtest::fd_is_open(fd));
  // Our reference is the last one now; freeing it must not be a double free.
  SSL_free(ssl);
}

TEST_P(TlsSocket, WithoutCloseOnFreeSocketAndSslStayTheCallers) {
  sctx = tlstest::server_ctx();
  SSL* ssl = SSL_new(sctx);
  bufferevent* b =
      bufferevent_openssl_socket_new(base, sp.fd[0], ssl, BUFFEREVENT_SSL_ACCEPTING, 0);
  ASSERT_NE(nullptr, b);
  EXPECT_EQ(ssl, bufferevent_openssl_get_ssl(b));
  bufferevent_free(b);
  EXPECT_TRUE(bevtest::fd_is_open(sp.fd[0]));
  EXPECT_EQ(sp.fd[0], SSL_get_fd(ssl));
  SSL_free(ssl);
}

TEST_P(TlsSocket, TakesTheDescriptorFromTheSsl) {
  sctx = tlstest::server_ctx();
  SSL* ssl = SSL_new(sctx);
  SSL_set_fd(ssl, sp.fd[0]);
  bufferevent* b = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, 0);
  ASSERT_NE(nullptr, b);
  EXPECT_EQ(sp.fd[0], bufferevent_getfd(b));
  bufferevent_free(b);
  // A different descriptor than the SSL's is refused.
  b = bufferevent_openssl_socket_new(base, sp.fd[1], ssl, BUFFEREVENT_SSL_ACCEPTING, 0);
  EXPECT_EQ(nullptr, b);
  SSL_free(ssl);
}

TEST_P(TlsSocket, AccessorsOnOtherBufferevents) {
  bufferevent* plain = bufferevent_socket_new(base, -1, 0);
  EXPECT_EQ(nullptr, bufferevent_openssl_get_ssl(plain));
  EXPECT_EQ(0u, bufferevent_get_openssl_error(plain));
  EXPECT_EQ(-1, bufferevent_openssl_get_allow_dirty_shutdown(plain));
  bufferevent_openssl_set_allow_dirty_shutdown(plain, 1);
  EXPECT_EQ(-1, bufferevent_ssl_renegotiate(plain));
  bufferevent_free(plain);
  make_pair();
  EXPECT_EQ(nullptr, bufferevent_get_underlying(client));
  EXPECT_NE(nullptr, bufferevent_openssl_get_ssl(client));
}

TEST_P(TlsSocket, FreeInsideTheConnectedCallback) {
  make_pair();
  rc.free_on_event = true;
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 1; }));
  client = nullptr;
  EXPECT_EQ(BEV_EVENT_CONNECTED, rc.last_what);
  ASSERT_TRUE(run_until(base, [&] { return rs.events == 2; }));
  EXPECT_TRUE(rs.last_what & (BEV_EVENT_ERROR | BEV_EVENT_EOF));
}

TEST_P(TlsSocket, FreeInsideTheReadCallback) {
  make_pair();
  ASSERT_TRUE(connected());
  rs.free_on_read = true;
  bufferevent_write(client, "x", 1);
  ASSERT_TRUE(run_until(base, [&] { return rs.reads == 1; }));
  server = nullptr;
  run_for(base, 20);
  EXPECT_EQ(1, rs.reads);
}

TEST_P(TlsSocket, ConnectWithoutDescriptorThenSocketConnect) {
  tlstest::Listener l;
  client_without_descriptor();
  ASSERT_EQ(0, bufferevent_socket_connect(client, l.addr(), sizeof(l.sin)));
  bufferevent_write(client, "ping", 4);
  accept_server(l);
  ASSERT_TRUE(connected());
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "ping"; }));
  EXPECT_EQ(1, rc.events);  // the handshake's CONNECTED only, no TCP one
}

TEST_P(TlsSocket, ConnectHostnameWithANumericHost) {
  tlstest::Listener l;
  client_without_descriptor();
  ASSERT_EQ(0,
            bufferevent_socket_connect_hostname(client, nullptr, AF_INET, "127.0.0.1", l.port()));
  bufferevent_write(client, "named", 5);
  accept_server(l);
  ASSERT_TRUE(run_until(base, [&] { return rs.data == "named"; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, rc.last_what);
}

TEST_P(TlsSocket, RefusedConnectIsAnError) {
  evutil_socket_t lfd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(0, bind(lfd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  socklen_t len = sizeof(sin);
  getsockname(lfd, reinterpret_cast<sockaddr*>(&sin), &len);
  close(lfd);  // nobody listens there now
  cctx = tlstest::client_ctx();
  client = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
                                          BEV_OPT_CLOSE_ON_FREE);
  rc.attach(client);
  ASSERT_EQ(0, bufferevent_socket_connect(client, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  ASSERT_TRUE(run_until(base, [&] { return rc.events == 1; }));
  EXPECT_TRUE(rc.last_what & BEV_EVENT_ERROR);
  EXPECT_FALSE(rc.all_what & BEV_EVENT_CONNECTED);
  run_for(base, 50);
  EXPECT_EQ(1, rc.events);  // reported once
}

TEST_P(TlsSocket, BadArgumentsAreRefused) {
  sctx = tlstest::server_ctx();
  EXPECT_EQ(nullptr,
            bufferevent_openssl_socket_new(base, sp.fd[0], nullptr, BUFFEREVENT_SSL_ACCEPTING, 0));
  SSL* ssl = SSL_new(sctx);
  EXPECT_EQ(nullptr, bufferevent_openssl_socket_new(base, sp.fd[0], ssl,
                                                    static_cast<bufferevent_ssl_state>(7), 0));
  EXPECT_EQ(nullptr, bufferevent_openssl_filter_new(base, nullptr, ssl, BUFFEREVENT_SSL_OPEN, 0));
  SSL_free(ssl);
}

EVTEST_INSTANTIATE_PER_BACKEND(TlsSocket);

}  // namespace
