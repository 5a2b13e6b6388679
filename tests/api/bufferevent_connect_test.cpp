// Connecting socket bufferevents: by address (success, refusal), on an
// existing socket, by host name with the blocking resolver.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "bufferevent_test_util.hpp"
#include "event_backend_param.hpp"

using bevtest::Recorder;
using bevtest::run_for;
using bevtest::run_until;

namespace {

// A listening TCP socket on 127.0.0.1 with an ephemeral port.
struct Listener {
  int fd = -1;
  sockaddr_in addr{};
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(0, bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    EXPECT_EQ(0, listen(fd, 16));
  }
  ~Listener() {
    if (fd >= 0) close(fd);
  }
  int port() const { return ntohs(addr.sin_port); }
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&addr); }
};

// An address nobody listens on: bind a port, then release it.
sockaddr_in closed_port() {
  Listener l;
  sockaddr_in a = l.addr;
  return a;
}

class BevConnect : public evtest::PerBackend {};

TEST_P(BevConnect, ConnectReportsConnectedAndCarriesData) {
  Listener l;
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  Recorder r;
  r.attach(b);
  ASSERT_EQ(0, bufferevent_socket_connect(b, l.sa(), sizeof(l.addr)));
  EXPECT_GE(bufferevent_getfd(b), 0);
  bufferevent_write(b, "ping", 4);  // queued until connected
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, r.last_what);
  int peer = accept(l.fd, nullptr, nullptr);
  ASSERT_GE(peer, 0);
  ASSERT_TRUE(run_until(base, [&] { return evbuffer_get_length(b->output) == 0; }));
  char buf[8] = {};
  EXPECT_EQ(4, read(peer, buf, sizeof(buf)));
  EXPECT_EQ(0, std::memcmp(buf, "ping", 4));
  bufferevent_enable(b, EV_READ);
  ASSERT_EQ(4, write(peer, "pong", 4));
  ASSERT_TRUE(run_until(base, [&] { return r.data == "pong"; }));
  close(peer);
  ASSERT_TRUE(run_until(base, [&] { return r.events > 1; }));
  EXPECT_EQ(BEV_EVENT_EOF | BEV_EVENT_READING, r.last_what);
  bufferevent_free(b);
}

// Connects to a closed port with `enabled` directions on; the refusal is
// reported once, as BEV_EVENT_ERROR with errno ECONNREFUSED, never as
// CONNECTED.
void expect_refused(event_base* base, short enabled) {
  sockaddr_in nowhere = closed_port();
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  ASSERT_NE(nullptr, b);
  Recorder r;
  r.attach(b);
  if (enabled != 0) bufferevent_enable(b, enabled);
  ASSERT_EQ(0,
            bufferevent_socket_connect(b, reinterpret_cast<sockaddr*>(&nowhere), sizeof(nowhere)));
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  run_for(base, 20);
  EXPECT_EQ(1, r.events);
  EXPECT_TRUE(r.last_what & BEV_EVENT_ERROR);
  if (enabled == 0) EXPECT_EQ(BEV_EVENT_ERROR, r.last_what);  // neither direction in play
  EXPECT_FALSE(r.all_what & BEV_EVENT_CONNECTED);
  EXPECT_EQ(ECONNREFUSED, r.last_errno);
  bufferevent_free(b);
}

TEST_P(BevConnect, RefusedConnectionIsReportedAsAnError) {
  expect_refused(base, EV_READ | EV_WRITE);
}

TEST_P(BevConnect, RefusedConnectionWithoutReadingEnabled) { expect_refused(base, 0); }

TEST_P(BevConnect, ConnectUsesAnExistingSocket) {
  Listener l;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  bufferevent* b = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  Recorder r;
  r.attach(b);
  ASSERT_EQ(0, bufferevent_socket_connect(b, l.sa(), sizeof(l.addr)));
  EXPECT_EQ(fd, bufferevent_getfd(b));
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, r.last_what);
  bufferevent_free(b);
}

TEST_P(BevConnect, ConnectHostnameWithTheBlockingResolver) {
  Listener l;
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  Recorder r;
  r.attach(b);
  ASSERT_EQ(0, bufferevent_socket_connect_hostname(b, nullptr, AF_INET, "127.0.0.1", l.port()));
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, r.last_what);
  EXPECT_EQ(0, bufferevent_socket_get_dns_error(b));
  bufferevent_free(b);
}

TEST_P(BevConnect, ConnectHostnameLocalhost) {
  Listener l;
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  Recorder r;
  r.attach(b);
  ASSERT_EQ(0, bufferevent_socket_connect_hostname(b, nullptr, AF_INET, "localhost", l.port()));
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_CONNECTED, r.last_what);
  bufferevent_free(b);
}

TEST_P(BevConnect, UnresolvableHostReportsErrorAndDnsCode) {
  bufferevent* b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  Recorder r;
  r.attach(b);
  // A numeric-looking name that is not an address fails without the network.
  EXPECT_EQ(0, bufferevent_socket_connect_hostname(b, nullptr, AF_INET, "256.256.256.256.", 80));
  ASSERT_TRUE(run_until(base, [&] { return r.events > 0; }));
  EXPECT_EQ(BEV_EVENT_ERROR, r.last_what);
  EXPECT_NE(0, bufferevent_socket_get_dns_error(b));
  bufferevent_free(b);
}

TEST_P(BevConnect, ConnectHostnameRejectsBadArguments) {
  bufferevent* b = bufferevent_socket_new(base, -1, 0);
  EXPECT_EQ(-1, bufferevent_socket_connect_hostname(b, nullptr, AF_INET, "localhost", 0));
  EXPECT_EQ(-1, bufferevent_socket_connect_hostname(b, nullptr, AF_INET, "localhost", 70000));
  EXPECT_EQ(-1, bufferevent_socket_connect_hostname(b, nullptr, 12345, "localhost", 80));
  bufferevent_free(b);
}

EVTEST_INSTANTIATE_PER_BACKEND(BevConnect);

}  // namespace
