// Shared by the evdns API tests: a DNS server of our own (a UDP server port
// plus a TCP listener on the same 127.0.0.1 port) whose answers depend on
// the name asked, and resolvers that only ever talk to it.
#pragma once

#include <arpa/inet.h>
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "event_backend_param.hpp"

namespace dnstest {

// A socket bound to 127.0.0.1:port (0: any), nonblocking.
inline int bound_socket(int type, int port = 0, const char* ip = "127.0.0.1") {
  int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, ip, &sin.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) < 0) {
    close(fd);
    return -1;
  }
  if (type == SOCK_STREAM) listen(fd, 16);
  return fd;
}

// A UDP socket connected to 127.0.0.1:port, nonblocking.
inline int connected_udp(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Appends the wire form of a dotted name (no compression).
inline void put_name(std::vector<uint8_t>& b, const std::string& name) {
  std::size_t i = 0;
  while (i < name.size()) {
    std::size_t j = name.find('.', i);
    if (j == std::string::npos) j = name.size();
    b.push_back(static_cast<uint8_t>(j - i));
    b.insert(b.end(), name.begin() + static_cast<long>(i), name.begin() + static_cast<long>(j));
    i = j + 1;
  }
  b.push_back(0);
}

inline std::string format_addr(const sockaddr* sa) {
  char ip[64];
  if (sa->sa_family == AF_INET) {
    auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
    return std::string(ip) + ":" + std::to_string(ntohs(sin->sin_port));
  }
  auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
  inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
  return "[" + std::string(ip) + "]:" + std::to_string(ntohs(sin6->sin6_port));
}

inline int local_port(int fd) {
  sockaddr_in sin{};
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  return ntohs(sin.sin_port);
}

// The test zone.  Names are matched case-insensitively; qnames keeps the
// names exactly as they arrived.
struct Server {
  event_base* base = nullptr;
  int udp = -1;
  int tcp = -1;
  int port = 0;
  evdns_server_port* udp_port = nullptr;
  evdns_server_port* tcp_port = nullptr;
  std::vector<std::string> qnames;
  std::vector<std::string> from;  // requesters' addresses
  std::map<std::string, int> hits;
  int tcp_requests = 0;
  bool silent = false;                      // drop everything
  int fail_all = 0;                         // answer everything with this DNS_ERR_*
  bool lowercase = false;                   // lowercase the question before answering
  std::vector<evdns_server_request*> held;  // "hold.test": answered later

  explicit Server(event_base* b, const char* ip = "127.0.0.1") : base(b) {
    for (int tries = 0; tries < 20 && tcp < 0; ++tries) {
      udp = bound_socket(SOCK_DGRAM, 0, ip);
      if (udp < 0) continue;
      port = local_port(udp);
      tcp = bound_socket(SOCK_STREAM, port, ip);
      if (tcp < 0) close(udp);
    }
    EXPECT_GE(tcp, 0);
    udp_port = evdns_add_server_port_with_base(base, udp, 0, on_request, this);
    tcp_port = evdns_add_server_port_with_base(base, tcp, 0, on_request, this);
    EXPECT_NE(nullptr, udp_port);
    EXPECT_NE(nullptr, tcp_port);
  }
  ~Server() {
    for (evdns_server_request* r : held) evdns_server_request_drop(r);
    if (udp_port != nullptr) evdns_close_server_port(udp_port);  // closes the sockets
    if (tcp_port != nullptr) evdns_close_server_port(tcp_port);
  }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port); }

  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  static void on_request(evdns_server_request* req, void* arg) {
    auto* self = static_cast<Server*>(arg);
    sockaddr_storage ss;
    if (evdns_server_request_get_requesting_addr(req, reinterpret_cast<sockaddr*>(&ss),
                                                 sizeof(ss)) > 0)
      self->from.push_back(format_addr(reinterpret_cast<sockaddr*>(&ss)));
    if (req->nquestions != 1) {
      evdns_server_request_respond(req, DNS_ERR_FORMAT);
      return;
    }
    const evdns_server_question* q = req->questions[0];
    self->qnames.push_back(q->name);
    std::string name = lower(q->name);
    ++self->hits[name];
    if (self->silent || name == "drop.test") {
      evdns_server_request_drop(req);
      return;
    }
    if (name == "hold.test" || (name == "skew.test" && q->type == EVDNS_TYPE_AAAA)) {
      self->held.push_back(req);
      return;
    }
    if (self->fail_all != 0) {
      evdns_server_request_respond(req, self->fail_all);
      return;
    }
    if (self->lowercase)  // as some servers do; the reply echoes the question
      for (char* c = req->questions[0]->name; *c != '\0'; ++c)
        *c = static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    self->answer(req, q, name);
  }

  void answer(evdns_server_request* req, const evdns_server_question* q, const std::string& name) {
    in_addr a1, a2, lo;
    inet_pton(AF_INET, "10.0.0.1", &a1);
    inet_pton(AF_INET, "10.0.0.2", &a2);
    inet_pton(AF_INET, "127.0.0.1", &lo);
    in6_addr v6;
    inet_pton(AF_INET6, "2001:db8::1", &v6);
    int err = DNS_ERR_NONE;
    if (name == "nx.test" || name == "nx.test.search") {
      err = DNS_ERR_NOTEXIST;
    } else if (name == "servfail.test") {
      err = DNS_ERR_SERVERFAILED;
    } else if (name == "refused.test") {
      err = DNS_ERR_REFUSED;
    } else if (name == "notimpl.test") {
      err = DNS_ERR_NOTIMPL;
    } else if (name == "nodata.test") {
    } else if (q->type == EVDNS_TYPE_A &&
               (name == "a.test" || name == "host.search" || name == "google.com")) {
      uint32_t addrs[2] = {a1.s_addr, a2.s_addr};
      evdns_server_request_add_a_reply(req, q->name, 2, addrs, 300);
    } else if (q->type == EVDNS_TYPE_A && (name == "conn.test" || name == "skew.test")) {
      evdns_server_request_add_a_reply(req, q->name, 1, &lo.s_addr, 10);
    } else if (q->type == EVDNS_TYPE_AAAA && (name == "a.test" || name == "v6.test")) {
      evdns_server_request_add_aaaa_reply(req, q->name, 1, &v6, 200);
    } else if (q->type == EVDNS_TYPE_A && name == "cname.test") {
      evdns_server_request_add_cname_reply(req, q->name, "a.test", 50);
      uint32_t addrs[1] = {a2.s_addr};
      evdns_server_request_add_a_reply(req, "a.test", 1, addrs, 40);
    } else if (q->type == EVDNS_TYPE_A && name == "big.test") {
      std::vector<uint32_t> addrs;
      for (int i = 0; i < 40; ++i) addrs.push_back(htonl(0x0a010000u + static_cast<uint32_t>(i)));
      evdns_server_request_add_a_reply(req, q->name, 40, addrs.data(), 60);
    } else if (q->type == EVDNS_TYPE_PTR && name == "1.0.0.127.in-addr.arpa") {
      evdns_server_request_add_ptr_reply(req, nullptr, q->name, "localhost.test", 70);
    } else if (q->type == EVDNS_TYPE_PTR &&
               name.find("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2") == 0) {
      evdns_server_request_add_ptr_reply(req, nullptr, q->name, "v6host.test", 70);
    } else {
      err = DNS_ERR_NOTEXIST;
    }
    evdns_server_request_respond(req, err);
  }
};

// One resolve_* callback's arguments.
struct Answer {
  int calls = 0;
  int result = -1;
  char type = 0;
  int count = 0;
  int ttl = 0;
  std::vector<std::string> addrs;  // text of each address, or the PTR name
};

inline void record_answer(int result, char type, int count, int ttl, void* addresses, void* arg) {
  auto* a = static_cast<Answer*>(arg);
  ++a->calls;
  a->result = result;
  a->type = type;
  a->count = count;
  a->ttl = ttl;
  char buf[64];
  for (int i = 0; i < count && addresses != nullptr; ++i) {
    if (type == DNS_IPv4_A)
      a->addrs.push_back(inet_ntop(AF_INET, static_cast<char*>(addresses) + 4 * i, buf, 64));
    else if (type == DNS_IPv6_AAAA)
      a->addrs.push_back(inet_ntop(AF_INET6, static_cast<char*>(addresses) + 16 * i, buf, 64));
    else if (type == DNS_PTR)
      a->addrs.push_back(*static_cast<char**>(addresses));
  }
}

// Runs the loop until pred() holds or `ms` pass.
template <class Pred>
bool run_until(event_base* base, Pred pred, int ms = 3000) {
  for (int i = 0; i < ms / 5 && !pred(); ++i) {
    timeval tv{0, 5000};
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
  }
  return pred();
}

// A base per backend (the test's parameter).
class DnsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    base = evtest::new_base_with(GetParam());
    ASSERT_NE(nullptr, base);
    server = new Server(base);
    dns = evdns_base_new(base, 0);
    ASSERT_NE(nullptr, dns);
    ASSERT_EQ(0, evdns_base_nameserver_ip_add(dns, server->addr().c_str()));
  }
  void TearDown() override {
    if (dns != nullptr) evdns_base_free(dns, 0);
    delete server;
    // Let deferred callbacks of freed requests run before the base goes.
    if (base != nullptr) {
      event_base_loop(base, EVLOOP_NONBLOCK);
      event_base_free(base);
    }
  }
  Answer resolve4(const char* name, int flags = 0) {
    Answer a;
    EXPECT_NE(nullptr, evdns_base_resolve_ipv4(dns, name, flags, record_answer, &a));
    run_until(
        base, [&] { return a.calls > 0; }, 5000);
    return a;
  }
  event_base* base = nullptr;
  Server* server = nullptr;
  evdns_base* dns = nullptr;
};

// A base per backend (the test's parameter) with one server port of the
// test's own on 127.0.0.1 (open_port), the requests the test holds and its
// client sockets, all released after the test.
class PortTest : public ::testing::TestWithParam<std::string> {
 public:
  void SetUp() override {
    base = evtest::new_base_with(GetParam());
    ASSERT_NE(nullptr, base);
  }
  void TearDown() override {
    for (evdns_server_request* r : held) evdns_server_request_drop(r);
    if (port != nullptr) evdns_close_server_port(port);
    for (int c : clients) close(c);
    if (base != nullptr) event_base_free(base);
  }
  // A UDP (with a large receive buffer) or listening TCP socket, and the
  // port serving it with cb(req, this).
  void open_port(int type, evdns_request_callback_fn_type cb) {
    fd = bound_socket(type);
    ASSERT_GE(fd, 0);
    int big = 1 << 20;
    if (type == SOCK_DGRAM) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    port = evdns_add_server_port_with_base(base, fd, 0, cb, this);
    ASSERT_NE(nullptr, port);
  }

  event_base* base = nullptr;
  int fd = -1;
  evdns_server_port* port = nullptr;
  std::vector<evdns_server_request*> held;
  std::vector<int> clients;
};

inline std::string method_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace dnstest
