// evdns, on loopback only: a server port (evdns_add_server_port_with_base)
// on 127.0.0.7 answers a resolver whose only nameserver it is.  The
// resolver is made with evdns_base_new(base, 0): the system's resolv.conf
// and hosts are never read, and no query leaves 127.0.0.0/8.  The hosts
// and resolv.conf files parsed are written by the program.  One iteration
// is the operation in brackets.
//
//   dns_resolve_loopback     evdns_base_resolve_ipv4 answered by the server
//                            port: request encoded, sent, decoded by the
//                            server, reply encoded, decoded  [lookup]
//   dns_getaddrinfo_loopback evdns_getaddrinfo (AF_INET, a port) through the
//                            same server  [lookup]
//   dns_load_hosts           evdns_base_load_hosts of a 120-line hosts file
//                            (IPv4 and IPv6, aliases, comments), then
//                            evdns_base_clear_host_addresses  [file]
//   dns_resolv_conf_parse    evdns_base_resolv_conf_parse (search and misc
//                            options; its nameserver lines are parsed but
//                            not added) of a 12-line resolv.conf  [file]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/util.h>

#include "micro.hpp"

namespace {

const char kServerAddress[] = "127.0.0.7";
const char kName[] = "www.example.com";

void answer(struct evdns_server_request* req, void*) {
  const ev_uint32_t address = htonl(0x7f000063);  // 127.0.0.99
  for (int i = 0; i < req->nquestions; i++) {
    const struct evdns_server_question* q = req->questions[i];
    if (q->type == EVDNS_TYPE_A) evdns_server_request_add_a_reply(req, q->name, 1, &address, 300);
  }
  micro::check(evdns_server_request_respond(req, 0) == 0, "evdns_server_request_respond failed");
}

struct Loopback {
  struct event_base* base;
  struct evdns_server_port* port;
  struct evdns_base* dns;
  int server_fd;
  bool done;
  int result;
};

// The server port on 127.0.0.7 (an ephemeral UDP port) and a resolver
// that knows that nameserver alone.
void open_loopback(Loopback* l) {
  l->base = micro::new_base();
  l->server_fd = socket(AF_INET, SOCK_DGRAM, 0);
  micro::check(l->server_fd >= 0, "socket failed");
  struct sockaddr_in sin {};
  sin.sin_family = AF_INET;
  micro::check(inet_pton(AF_INET, kServerAddress, &sin.sin_addr) == 1, "inet_pton failed");
  micro::check(bind(l->server_fd, (struct sockaddr*)&sin, sizeof sin) == 0, "bind failed");
  socklen_t length = sizeof sin;
  micro::check(getsockname(l->server_fd, (struct sockaddr*)&sin, &length) == 0, "getsockname");
  evutil_make_socket_nonblocking(l->server_fd);
  l->port = evdns_add_server_port_with_base(l->base, l->server_fd, 0, answer, nullptr);
  micro::check(l->port != nullptr, "evdns_add_server_port_with_base failed");
  l->dns = evdns_base_new(l->base, 0);
  micro::check(l->dns != nullptr, "evdns_base_new failed");
  micro::check(
      evdns_base_nameserver_sockaddr_add(l->dns, (struct sockaddr*)&sin, sizeof sin, 0) == 0,
      "evdns_base_nameserver_sockaddr_add failed");
  // The same name on the wire on every run and both sides.
  evdns_base_set_option(l->dns, "randomize-case:", "0");
  evdns_base_set_option(l->dns, "timeout:", "5");
}

void close_loopback(Loopback* l) {
  evdns_base_free(l->dns, 0);
  evdns_close_server_port(l->port);
  close(l->server_fd);
  event_base_free(l->base);
}

void wait_for(Loopback* l) {
  while (!l->done)
    micro::check(event_base_loop(l->base, EVLOOP_ONCE) == 0, "event_base_loop failed");
}

void resolved(int result, char type, int count, int, void* addresses, void* arg) {
  Loopback* l = static_cast<Loopback*>(arg);
  micro::check(result == DNS_ERR_NONE && type == DNS_IPv4_A && count == 1 &&
                   *static_cast<ev_uint32_t*>(addresses) == htonl(0x7f000063),
               "the loopback lookup failed");
  l->done = true;
}

void got_addrinfo(int result, struct evutil_addrinfo* res, void* arg) {
  Loopback* l = static_cast<Loopback*>(arg);
  micro::check(result == 0 && res != nullptr && res->ai_family == AF_INET,
               "the loopback evdns_getaddrinfo failed");
  evutil_freeaddrinfo(res);
  l->done = true;
}

}  // namespace

MICRO_TIMED void micro_timed_dns_resolve_loopback(Loopback* l) {
  l->done = false;
  micro::check(evdns_base_resolve_ipv4(l->dns, kName, DNS_QUERY_NO_SEARCH, resolved, l) != nullptr,
               "evdns_base_resolve_ipv4 failed");
  wait_for(l);
}

MICRO_BENCH(dns_resolve_loopback) {
  static Loopback l;
  open_loopback(&l);
  for (auto _ : state) micro_timed_dns_resolve_loopback(&l);
  close_loopback(&l);
}

MICRO_TIMED void micro_timed_dns_getaddrinfo_loopback(Loopback* l) {
  l->done = false;
  struct evutil_addrinfo hints {};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  evdns_getaddrinfo(l->dns, kName, "80", &hints, got_addrinfo, l);
  wait_for(l);
}

MICRO_BENCH(dns_getaddrinfo_loopback) {
  static Loopback l;
  open_loopback(&l);
  for (auto _ : state) micro_timed_dns_getaddrinfo_loopback(&l);
  close_loopback(&l);
}

namespace {

std::string hosts_text() {
  std::string text =
      "# hosts written by the micro-benchmark\n127.0.0.1\tlocalhost\n::1 localhost ip6-localhost "
      "ip6-loopback\n\n";
  char line[160];
  for (int i = 0; i < 100; i++) {
    snprintf(line, sizeof line, "10.%d.%d.%d\thost%d.bench.example host%d alias%d.bench.example\n",
             i / 50, i % 50, i + 1, i, i, i);
    text += line;
  }
  for (int i = 0; i < 16; i++) {
    snprintf(line, sizeof line, "2001:db8::%x v6host%d.bench.example v6host%d # comment\n", i + 1,
             i, i);
    text += line;
  }
  return text;
}

const char kResolvConf[] =
    "# resolv.conf written by the micro-benchmark (never the system's)\n"
    "nameserver 127.0.0.2\n"
    "nameserver 127.0.0.3\n"
    "nameserver ::1\n"
    "search corp.bench.example bench.example example\n"
    "options ndots:2 timeout:3 attempts:4\n"
    "options rotate\n"
    "options max-timeouts:5 max-inflight:64\n"
    "; another comment\n"
    "\n"
    "options initial-probe-timeout:4 bind-to:127.0.0.1\n"
    "sortlist 10.0.0.0/255.0.0.0\n";

struct Parse {
  struct evdns_base* dns;
  const char* path;
};

}  // namespace

MICRO_TIMED void micro_timed_dns_load_hosts(Parse* p) {
  micro::check(evdns_base_load_hosts(p->dns, p->path) == 0, "evdns_base_load_hosts failed");
  evdns_base_clear_host_addresses(p->dns);
}

MICRO_BENCH(dns_load_hosts) {
  struct event_base* base = micro::new_base();
  std::string text = hosts_text();
  Parse p{evdns_base_new(base, 0), micro::write_temp_file("hosts", text.data(), text.size())};
  micro::check(p.dns != nullptr, "evdns_base_new failed");
  for (auto _ : state) micro_timed_dns_load_hosts(&p);
  evdns_base_free(p.dns, 0);
  event_base_free(base);
}

MICRO_TIMED void micro_timed_dns_resolv_conf_parse(Parse* p) {
  micro::check(
      evdns_base_resolv_conf_parse(p->dns, DNS_OPTION_SEARCH | DNS_OPTION_MISC, p->path) == 0,
      "evdns_base_resolv_conf_parse failed");
}

MICRO_BENCH(dns_resolv_conf_parse) {
  struct event_base* base = micro::new_base();
  Parse p{evdns_base_new(base, 0),
          micro::write_temp_file("resolv.conf", kResolvConf, sizeof kResolvConf - 1)};
  micro::check(p.dns != nullptr, "evdns_base_new failed");
  for (auto _ : state) micro_timed_dns_resolv_conf_parse(&p);
  micro::check(evdns_base_count_nameservers(p.dns) == 0, "resolv.conf parse added nameservers");
  evdns_base_free(p.dns, 0);
  event_base_free(base);
}
