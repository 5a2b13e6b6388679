// Allocation failure in evdns (the harness: alloc_failure_harness.hpp): a
// resolver configured from a resolv.conf the test writes, whose only
// nameserver is a server port of ours on 127.0.0.1, resolves a name and runs
// a getaddrinfo (A and AAAA) that the server port answers; then the base is
// freed with a resolve and a getaddrinfo still in flight (the server holds
// them), whose callbacks must report the shutdown.  For every allocation
// the scenario makes, failed alone and with every later one failing, each
// call must report the failure (NULL, an error code, or an error result in
// its callback), every callback must run exactly once, nothing may leak,
// crash or hang, and the loop must return.
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/util.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "alloc_failure_harness.hpp"

namespace {

using namespace allocfail;

// The server port's side: answers a.test (A 10.0.0.1, AAAA 2001:db8::1),
// holds hold.test unanswered, everything else NXDOMAIN.
struct Zone {
  std::vector<evdns_server_request*> held;
  int answered = 0;

  static void on_request(evdns_server_request* req, void* arg) {
    auto* z = static_cast<Zone*>(arg);
    if (req->nquestions != 1) {
      if (evdns_server_request_respond(req, DNS_ERR_FORMAT) != 0) evdns_server_request_drop(req);
      return;
    }
    const evdns_server_question* q = req->questions[0];
    std::string name = q->name;  // in random case (0x20 is on by default)
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "hold.test") {
      z->held.push_back(req);
      return;
    }
    int err = DNS_ERR_NOTEXIST;
    int added = 0;
    if (name == "a.test" && q->type == EVDNS_TYPE_A) {
      in_addr a;
      inet_pton(AF_INET, "10.0.0.1", &a);
      added = evdns_server_request_add_a_reply(req, q->name, 1, &a.s_addr, 60);
      err = DNS_ERR_NONE;
    } else if (name == "a.test" && q->type == EVDNS_TYPE_AAAA) {
      in6_addr a6;
      inet_pton(AF_INET6, "2001:db8::1", &a6);
      added = evdns_server_request_add_aaaa_reply(req, q->name, 1, &a6, 60);
      err = DNS_ERR_NONE;
    }
    // A reply that could not be built is a server failure; a response
    // that cannot be sent is dropped (the resolver times out).
    if (added != 0) err = DNS_ERR_SERVERFAILED;
    if (evdns_server_request_respond(req, err) != 0) {
      evdns_server_request_drop(req);
      return;
    }
    ++z->answered;
  }
  void drop_held() {
    for (evdns_server_request* r : held) evdns_server_request_drop(r);
    held.clear();
  }
};

// One resolve callback.
struct Resolved {
  int calls = 0;
  int result = -1;
  bool right = false;  // the expected address, when result is DNS_ERR_NONE
  static void cb(int result, char type, int count, int, void* addresses, void* arg) {
    auto* r = static_cast<Resolved*>(arg);
    ++r->calls;
    r->result = result;
    if (result == DNS_ERR_NONE && type == DNS_IPv4_A && count >= 1) {
      in_addr want;
      inet_pton(AF_INET, "10.0.0.1", &want);
      r->right = static_cast<const uint32_t*>(addresses)[0] == want.s_addr;
    }
  }
};

// One getaddrinfo callback.
struct Gai {
  int calls = 0;
  int result = -1;
  // Only the right addresses, port 80.  When one of the two lookups failed
  // (e.g. for memory) the other's addresses are the answer, as in libevent;
  // without failures both must be there, 10.0.0.1 first.
  bool right = false;
  bool complete = false;
  static void cb(int result, evutil_addrinfo* res, void* arg) {
    auto* g = static_cast<Gai*>(arg);
    ++g->calls;
    g->result = result;
    if (result == 0 && res != nullptr) {
      char ip[64] = "";
      int v4 = 0, v6 = 0, other = 0;
      for (evutil_addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET) {
          auto* sin = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
          inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
          (std::strcmp(ip, "10.0.0.1") == 0 && ntohs(sin->sin_port) == 80 ? v4 : other)++;
        } else if (ai->ai_family == AF_INET6) {
          auto* sin6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
          inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof ip);
          (std::strcmp(ip, "2001:db8::1") == 0 && ntohs(sin6->sin6_port) == 80 ? v6 : other)++;
        } else {
          ++other;
        }
      }
      g->right = other == 0 && v4 <= 1 && v6 <= 1 && v4 + v6 > 0;
      g->complete = g->right && v4 == 1 && v6 == 1 && res->ai_family == AF_INET;
    }
    if (res != nullptr) evutil_freeaddrinfo(res);
  }
};

int udp_socket_on_loopback(int* port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sin;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(sin.sin_port);
  return fd;
}

// Writes the resolver's configuration; its path, or "" on failure.
std::string write_resolv_conf(int port) {
  char path[] = "/tmp/alloc-failure-resolv.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  // Short timeouts when allocations fail: a run whose server could not
  // answer waits for them.  The run without failures must succeed even on
  // a loaded machine.
  const char* timeout = g_fail_at == 0 ? "4" : under_valgrind() ? "1" : "0.2";
  std::string text =
      "# written by the allocation-failure test\nnameserver 127.0.0.1:" + std::to_string(port) +
      "\noptions timeout:" + timeout + " attempts:2 ndots:1\n";
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!ok) {
    unlink(path);
    return "";
  }
  return path;
}

// Runs the loop until `done()` or the guard fires; kHung in that case.
template <typename Done>
int run_until(event_base* base, Guard& guard, Done done, const char* what) {
  while (!done() && !guard.fired) TRY(event_base_loop(base, EVLOOP_ONCE) >= 0);
  if (guard.fired) {
    note("guard fired waiting for %s after %ld failures\n", what, g_failures);
    return kHung;
  }
  return kDone;
}

int resolve_scenario() {
  Scope s;
  event_base* base = s.own(new_base(), event_base_free);
  TRY(base != nullptr);
  Guard guard;
  TRY(add_guard(base, s, guard, 15) != nullptr);
  // What the callbacks see.  They outlive the resolver: on every way out it
  // is freed failing its requests, whose callbacks run from the loop.
  Resolved resolved, held;
  Gai gai, held_gai;
  struct Drain {
    event_base* base;
    ~Drain() {
      for (int i = 0; i < 3; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
    }
  } drain{base};

  // The server port (it closes its socket when closed).
  Zone zone;
  int port = 0;
  int udp = udp_socket_on_loopback(&port);
  if (udp < 0) return kWrong;
  evdns_server_port* server =
      evdns_add_server_port_with_base(base, udp, 0, Zone::on_request, &zone);
  if (server == nullptr) {
    close(udp);
    return kReported;
  }
  struct ServerGuard {
    evdns_server_port* port;
    Zone* zone;
    ~ServerGuard() {
      zone->drop_held();
      evdns_close_server_port(port);
    }
  } server_guard{server, &zone};
  // poll and select size their arrays at the first dispatch: a loop that
  // cannot dispatch cannot run the callbacks that free requests in flight
  // (as in libevent), so that allocation comes first.
  TRY(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);

  // The resolver, from a resolv.conf naming only our server.
  evdns_base* dns = evdns_base_new(base, 0);
  TRY(dns != nullptr);
  struct DnsGuard {
    evdns_base* dns;
    ~DnsGuard() {
      if (dns != nullptr) evdns_base_free(dns, 1);
    }
  } dns_guard{dns};
  std::string conf = write_resolv_conf(port);
  if (conf.empty()) return kWrong;
  int parsed =
      evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS | DNS_OPTION_MISC, conf.c_str());
  unlink(conf.c_str());
  TRY(parsed == 0);
  EXPECT_DATA(evdns_base_count_nameservers(dns) == 1);
  sockaddr_storage ns;
  EXPECT_DATA(evdns_base_get_nameserver_addr(dns, 0, reinterpret_cast<sockaddr*>(&ns), sizeof ns) >
              0);
  EXPECT_DATA(ntohs(reinterpret_cast<sockaddr_in*>(&ns)->sin_port) == port);

  // A resolve and a getaddrinfo, answered.
  evdns_request* req = evdns_base_resolve_ipv4(dns, "a.test", 0, Resolved::cb, &resolved);
  TRY(req != nullptr);
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  evdns_getaddrinfo(dns, "a.test", "80", &hints, Gai::cb, &gai);
  int rc = run_until(
      base, guard, [&] { return resolved.calls > 0 && gai.calls > 0; }, "the answers");
  if (rc != kDone) return rc;
  EXPECT_DATA(resolved.calls == 1 && gai.calls == 1);
  EXPECT_DATA(resolved.result != DNS_ERR_NONE || resolved.right);
  EXPECT_DATA(gai.result != 0 || gai.right);
  EXPECT_DATA(g_failures > 0 || gai.complete);
  TRY(resolved.result == DNS_ERR_NONE && gai.result == 0);

  // Another resolve and getaddrinfo the server holds; the base goes while
  // they are in flight.
  req = evdns_base_resolve_ipv4(dns, "hold.test", 0, Resolved::cb, &held);
  TRY(req != nullptr);
  hints.ai_family = AF_INET;
  evdns_getaddrinfo(dns, "hold.test", "80", &hints, Gai::cb, &held_gai);
  rc = run_until(
      base, guard, [&] { return zone.held.size() >= 2 || held.calls > 0 || held_gai.calls > 0; },
      "the server to hold both");
  if (rc != kDone) return rc;
  evdns_base_free(dns, 1);
  dns_guard.dns = nullptr;
  rc = run_until(
      base, guard, [&] { return held.calls > 0 && held_gai.calls > 0; },
      "the callbacks of the requests in flight");
  if (rc != kDone) return rc;
  EXPECT_DATA(held.calls == 1 && held_gai.calls == 1);
  EXPECT_DATA(held.result != DNS_ERR_NONE && held_gai.result != 0);
  return kDone;
}

TEST(AllocFailureEvdns, EveryFailingAllocationIsReportedAndNothingLeaks) {
  alloc_sweep("evdns resolve, getaddrinfo, server port, base free", resolve_scenario, true);
}

}  // namespace
