// Allocation failure in OpenSSL bufferevents (the harness:
// alloc_failure_harness.hpp; named openssl_* to link OpenSSL): a TLS client
// and server handshake and exchange data both ways on a socketpair, as
// socket TLS bufferevents, and as TLS filters over socket bufferevents,
// with a certificate the test makes.  OpenSSL's own allocations do not go
// through the library's memory functions and are not failed; every SSL the
// scenario makes must still be freed exactly once (counted through an
// ex_data free callback).  For every allocation the scenario makes, failed
// alone and with every later one failing, each call must report the failure
// (NULL, -1, or an error event), nothing may leak, crash or hang, and the
// loop must return.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "alloc_failure_harness.hpp"
#include "openssl_test_util.hpp"

namespace {

using allocfail::add_guard;
using allocfail::Guard;
using allocfail::kDone;
using allocfail::kHung;
using allocfail::kReported;
using allocfail::kWrong;
using allocfail::new_base;
using allocfail::note;
using allocfail::Scope;

// Made in the parent, before any child: OpenSSL is not the library.
SSL_CTX* g_server_ctx = nullptr;
SSL_CTX* g_client_ctx = nullptr;

// SSL objects of this scenario not yet freed.
int g_ssl_index = -1;
long g_ssl_live = 0;
void ssl_freed(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  if (ptr != nullptr) --g_ssl_live;
}
SSL* new_ssl(SSL_CTX* ctx) {
  SSL* ssl = SSL_new(ctx);
  if (ssl != nullptr) {
    ++g_ssl_live;
    SSL_set_ex_data(ssl, g_ssl_index, ssl);
  }
  return ssl;
}

const std::string& to_server() {
  static const std::string s = allocfail::pattern(30000);
  return s;
}
const std::string& to_client() {
  static const std::string s = allocfail::pattern(20011).substr(11);
  return s;
}

struct Side {
  std::string got;
  bool error = false;
  static void on_read(bufferevent* bev, void* arg) {
    auto* s = static_cast<Side*>(arg);
    char buf[4096];
    size_t n;
    while ((n = bufferevent_read(bev, buf, sizeof buf)) > 0) s->got.append(buf, n);
  }
  static void on_event(bufferevent*, short what, void* arg) {
    if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) static_cast<Side*>(arg)->error = true;
  }
};

// Both directions, until all arrived, an error, or the guard.  The sides
// outlive the bufferevents (declared before their Scope).
int exchange(event_base* base, Scope& s, bufferevent* server, bufferevent* client, Side& at_server,
             Side& at_client) {
  Guard guard;
  TRY(add_guard(base, s, guard, 5) != nullptr);
  bufferevent_setcb(server, Side::on_read, nullptr, Side::on_event, &at_server);
  bufferevent_setcb(client, Side::on_read, nullptr, Side::on_event, &at_client);
  TRY(bufferevent_enable(server, EV_READ | EV_WRITE) == 0);
  TRY(bufferevent_enable(client, EV_READ | EV_WRITE) == 0);
  TRY(bufferevent_write(client, to_server().data(), to_server().size()) == 0);
  TRY(bufferevent_write(server, to_client().data(), to_client().size()) == 0);
  auto done = [&] {
    return at_server.error || at_client.error ||
           (at_server.got.size() >= to_server().size() &&
            at_client.got.size() >= to_client().size());
  };
  while (!done() && !guard.fired) TRY(event_base_loop(base, EVLOOP_ONCE) >= 0);
  if (guard.fired) {
    note("guard fired: server has %zu of %zu, client %zu of %zu, after %ld failures\n",
         at_server.got.size(), to_server().size(), at_client.got.size(), to_client().size(),
         allocfail::g_failures);
    return kHung;
  }
  // Whatever arrived is a prefix of what was sent.
  EXPECT_DATA(to_server().compare(0, at_server.got.size(), at_server.got) == 0);
  EXPECT_DATA(to_client().compare(0, at_client.got.size(), at_client.got) == 0);
  if (at_server.error || at_client.error) return kReported;
  EXPECT_DATA(at_server.got == to_server() && at_client.got == to_client());
  return kDone;
}

// Moves `fd` to `to` (for the base's descriptor table to grow when the
// TLS bufferevent first watches it).
int move_fd(int fd, int to) {
  if (dup2(fd, to) != to) return -1;
  close(fd);
  return to;
}

int socket_inner(bool high_fds) {
  Side at_server, at_client;
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  int sv[2];
  TRY(allocfail::make_socketpair(s, sv));
  if (high_fds) {
    sv[0] = move_fd(sv[0], 300);
    sv[1] = move_fd(sv[1], 301);
    if (sv[0] < 0 || sv[1] < 0) return kWrong;
  }
  bufferevent* server = bufferevent_openssl_socket_new(
      base, sv[0], new_ssl(g_server_ctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  if (server == nullptr) {  // the SSL is freed, the socket still ours
    close(sv[0]);
    close(sv[1]);
    return kReported;
  }
  s.own(server, bufferevent_free);
  bufferevent* client = bufferevent_openssl_socket_new(
      base, sv[1], new_ssl(g_client_ctx), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
  if (client == nullptr) {
    close(sv[1]);
    return kReported;
  }
  s.own(client, bufferevent_free);
  return exchange(base, s, server, client, at_server, at_client);
}

// A TLS filter over a socket bufferevent; on failure the underlying one is
// still ours.
bufferevent* filter_on(event_base* base, Scope& s, int fd, SSL_CTX* ctx,
                       bufferevent_ssl_state state, int options) {
  bufferevent* under = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE | options);
  if (under == nullptr) {
    close(fd);
    return nullptr;
  }
  bufferevent* tls = bufferevent_openssl_filter_new(base, under, new_ssl(ctx), state,
                                                    BEV_OPT_CLOSE_ON_FREE | options);
  if (tls == nullptr) {
    bufferevent_free(under);
    return nullptr;
  }
  return s.own(tls, bufferevent_free);
}

int filter_inner(int options) {
  Side at_server, at_client;
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  int sv[2];
  TRY(allocfail::make_socketpair(s, sv));
  bufferevent* server = filter_on(base, s, sv[0], g_server_ctx, BUFFEREVENT_SSL_ACCEPTING, options);
  if (server == nullptr) {
    close(sv[1]);
    return kReported;
  }
  bufferevent* client =
      filter_on(base, s, sv[1], g_client_ctx, BUFFEREVENT_SSL_CONNECTING, options);
  TRY(client != nullptr);
  return exchange(base, s, server, client, at_server, at_client);
}

// Every SSL made is freed once everything is gone.
int counted(int rc) {
  if (g_ssl_live != 0) {
    note("%ld SSL objects not freed (after %ld failures)\n", g_ssl_live, allocfail::g_failures);
    return kWrong;
  }
  return rc;
}
int socket_scenario() { return counted(socket_inner(false)); }
int socket_high_fds_scenario() { return counted(socket_inner(true)); }
int filter_scenario() { return counted(filter_inner(0)); }
int filter_deferred_scenario() { return counted(filter_inner(BEV_OPT_DEFER_CALLBACKS)); }

class AllocFailureOpenssl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_ssl_index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, ssl_freed);
    g_server_ctx = tlstest::server_ctx();
    g_client_ctx = tlstest::client_ctx();
  }
  static void TearDownTestSuite() {
    SSL_CTX_free(g_server_ctx);
    SSL_CTX_free(g_client_ctx);
  }
};

TEST_F(AllocFailureOpenssl, SocketBufferevents) {
  allocfail::alloc_sweep("TLS socket bufferevents", socket_scenario, true);
}

// The descriptor table grows when the handshake first watches the socket.
TEST_F(AllocFailureOpenssl, SocketBuffereventsOnHighDescriptors) {
  allocfail::alloc_sweep("TLS socket bufferevents, descriptors 300 and 301",
                         socket_high_fds_scenario, true);
}

TEST_F(AllocFailureOpenssl, FilterBufferevents) {
  allocfail::alloc_sweep("TLS filters over socket bufferevents", filter_scenario, true);
}

TEST_F(AllocFailureOpenssl, FilterBuffereventsWithDeferredCallbacks) {
  allocfail::alloc_sweep("TLS filters, deferred callbacks", filter_deferred_scenario, false);
}

}  // namespace
