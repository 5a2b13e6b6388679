/* Differential test of evdns on loopback: a server port of this program
 * answers a small zone on 127.0.0.1, a resolver of this program asks it
 * (every record type, errors, timeouts, search lists, getaddrinfo), and a
 * raw client sends fixed queries and prints the server's responses byte for
 * byte.  Each request runs to completion before the next, so the output is
 * deterministic. */
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diff_check.h"
#include "loaded_lib.h"

static struct event_base* base;
static struct evdns_base* dns;
static int server_port;

static void on_request(struct evdns_server_request* req, void* arg) {
  const struct evdns_server_question* q;
  const char* n;
  struct in_addr a;
  struct in6_addr a6;
  int err = DNS_ERR_NONE;
  (void)arg;
  if (req->nquestions != 1) {
    evdns_server_request_respond(req, DNS_ERR_FORMAT);
    return;
  }
  q = req->questions[0];
  n = q->name;
  if (!strcasecmp(n, "drop.test")) {
    evdns_server_request_drop(req);
    return;
  }
  if (!strcasecmp(n, "nx.test")) {
    err = DNS_ERR_NOTEXIST;
  } else if (!strcasecmp(n, "refused.test")) {
    err = DNS_ERR_REFUSED;
  } else if (!strcasecmp(n, "servfail.test")) {
    err = DNS_ERR_SERVERFAILED;
  } else if (!strcasecmp(n, "nodata.test")) {
  } else if (!strcasecmp(n, "a.test") && q->type == EVDNS_TYPE_A) {
    inet_pton(AF_INET, "192.0.2.1", &a);
    evdns_server_request_add_a_reply(req, n, 1, &a, 300);
  } else if (!strcasecmp(n, "two.test") && q->type == EVDNS_TYPE_A) {
    ev_uint32_t two[2];
    inet_pton(AF_INET, "192.0.2.2", &two[0]);
    inet_pton(AF_INET, "192.0.2.3", &two[1]);
    evdns_server_request_add_a_reply(req, n, 2, two, 100);
  } else if (!strcasecmp(n, "host.search") && q->type == EVDNS_TYPE_A) {
    inet_pton(AF_INET, "192.0.2.9", &a);
    evdns_server_request_add_a_reply(req, n, 1, &a, 9);
  } else if (!strcasecmp(n, "a.test") && q->type == EVDNS_TYPE_AAAA) {
    inet_pton(AF_INET6, "2001:db8::1", &a6);
    evdns_server_request_add_aaaa_reply(req, n, 1, &a6, 200);
  } else if (!strcasecmp(n, "cname.test") && q->type == EVDNS_TYPE_A) {
    evdns_server_request_add_cname_reply(req, n, "a.test", 50);
    inet_pton(AF_INET, "192.0.2.1", &a);
    evdns_server_request_add_a_reply(req, "a.test", 1, &a, 40);
  } else if (!strcasecmp(n, "aa.test")) {
    static const char txt[] = "\x05hello";
    evdns_server_request_set_flags(req, EVDNS_FLAGS_AA);
    evdns_server_request_add_reply(req, EVDNS_AUTHORITY_SECTION, "test", EVDNS_TYPE_TXT,
                                   EVDNS_CLASS_INET, 60, 6, 0, txt);
    evdns_server_request_add_reply(req, EVDNS_ADDITIONAL_SECTION, "ns.test", EVDNS_TYPE_NS,
                                   EVDNS_CLASS_INET, 60, -1, 1, "ns2.test");
  } else if (!strcasecmp(n, "big.test") && q->type == EVDNS_TYPE_A) {
    int i;
    for (i = 0; i < 40; ++i) {
      ev_uint32_t x = htonl(0xc0000200u + (unsigned)i);
      evdns_server_request_add_a_reply(req, n, 1, &x, 60);
    }
  } else if (q->type == EVDNS_TYPE_PTR && !strcasecmp(n, "1.2.0.192.in-addr.arpa")) {
    evdns_server_request_add_ptr_reply(req, NULL, n, "a.test", 70);
  } else if (q->type == EVDNS_TYPE_PTR) {
    struct in_addr in;
    inet_pton(AF_INET, "192.0.2.5", &in);
    evdns_server_request_add_ptr_reply(req, &in, NULL, "five.test", 70);
  } else {
    err = DNS_ERR_NOTEXIST;
  }
  evdns_server_request_respond(req, err);
}

static int done;

static void print_answer(int result, char type, int count, int ttl, void* addresses, void* arg) {
  char buf[64];
  int i;
  printf("  %s: result %d (%s) type %d count %d ttl %d", (const char*)arg, result,
         evdns_err_to_string(result), type, count, ttl);
  for (i = 0; i < count && addresses; ++i) {
    if (type == DNS_IPv4_A)
      printf(" %s", inet_ntop(AF_INET, (char*)addresses + 4 * i, buf, sizeof(buf)));
    else if (type == DNS_IPv6_AAAA)
      printf(" %s", inet_ntop(AF_INET6, (char*)addresses + 16 * i, buf, sizeof(buf)));
    else if (type == DNS_PTR)
      printf(" %s", *(char**)addresses);
  }
  printf("\n");
  done = 1;
}

static void wait_done(void) {
  int i;
  for (i = 0; i < 400 && !done; ++i) {
    struct timeval tv = {0, 10000};
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
  }
  if (!done) printf("  (no callback)\n");
  done = 0;
}

static void resolve(const char* name, int v6, int flags) {
  if (!(v6 ? evdns_base_resolve_ipv6 : evdns_base_resolve_ipv4)(dns, name, flags, print_answer,
                                                                (void*)name))
    printf("  %s: not started\n", name);
  else
    wait_done();
}

static void print_gai(int result, struct evutil_addrinfo* res, void* arg) {
  struct evutil_addrinfo* ai;
  char buf[64];
  printf("  gai %s: %d", (const char*)arg, result);
  for (ai = res; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET)
      printf(" %s:%d",
             inet_ntop(AF_INET, &((struct sockaddr_in*)ai->ai_addr)->sin_addr, buf, sizeof(buf)),
             ntohs(((struct sockaddr_in*)ai->ai_addr)->sin_port));
    else
      printf(" [%s]:%d",
             inet_ntop(AF_INET6, &((struct sockaddr_in6*)ai->ai_addr)->sin6_addr, buf, sizeof(buf)),
             ntohs(((struct sockaddr_in6*)ai->ai_addr)->sin6_port));
    if (ai->ai_canonname) printf(" canon %s", ai->ai_canonname);
  }
  printf("\n");
  if (res) evutil_freeaddrinfo(res);
  done = 1;
}

static void gai(const char* name, int family, int flags) {
  struct evutil_addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  if (evdns_getaddrinfo(dns, name, "80", &hints, print_gai, (void*)name)) wait_done();
  done = 0;
}

/* A fixed query from a raw socket; prints the response's bytes. */
static void raw(const char* name, int type, int flags) {
  unsigned char q[300], r[1500];
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in sin;
  size_t len = 12;
  const char* p = name;
  ssize_t n = -1;
  int i;
  memset(q, 0, sizeof(q));
  q[0] = 0x12;
  q[1] = 0x34;
  q[2] = (unsigned char)(flags >> 8);
  q[3] = (unsigned char)flags;
  q[5] = 1;
  while (*p) {
    const char* dot = strchr(p, '.');
    size_t l = dot ? (size_t)(dot - p) : strlen(p);
    q[len++] = (unsigned char)l;
    memcpy(q + len, p, l);
    len += l;
    p += l + (dot ? 1 : 0);
  }
  q[len++] = 0;
  q[len++] = 0;
  q[len++] = (unsigned char)type;
  q[len++] = 0;
  q[len++] = 1;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((unsigned short)server_port);
  sin.sin_addr.s_addr = htonl(0x7f000001);
  sendto(fd, q, len, 0, (struct sockaddr*)&sin, sizeof(sin));
  for (i = 0; i < 100 && n < 0; ++i) {
    struct timeval tv = {0, 5000};
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
    n = recv(fd, r, sizeof(r), 0);
  }
  printf("  raw %s/%d/%x:", name, type, flags);
  for (i = 0; i < n; ++i) printf("%s%02x", i % 32 ? "" : "\n    ", r[i]);
  printf("\n");
  close(fd);
}

int main(void) {
  int fd;
  struct sockaddr_in sin;
  socklen_t sl = sizeof(sin);
  struct evdns_server_port* port;
  char addr[64];
  struct in_addr in;
  diff_report_loaded_libevent();
  base = diff_must(event_base_new(), "event_base_new");
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(0x7f000001);
  if (fd < 0 || bind(fd, (struct sockaddr*)&sin, sizeof(sin)) < 0 ||
      getsockname(fd, (struct sockaddr*)&sin, &sl) < 0) {
    fprintf(stderr, "FAIL: server socket\n");
    return 1;
  }
  evutil_make_socket_nonblocking(fd);
  server_port = ntohs(sin.sin_port);
  port = diff_must(evdns_add_server_port_with_base(base, fd, 0, on_request, NULL), "server port");
  dns = diff_must(evdns_base_new(base, 0), "evdns_base_new");
  snprintf(addr, sizeof(addr), "127.0.0.1:%d", server_port);
  if (evdns_base_nameserver_ip_add(dns, addr) != 0) {
    fprintf(stderr, "FAIL: nameserver\n");
    return 1;
  }
  evdns_base_set_option(dns, "timeout:", "0.1");
  evdns_base_set_option(dns, "attempts:", "2");
  evdns_base_set_option(dns, "initial-probe-timeout:", "0.2");

  printf("resolver:\n");
  resolve("a.test", 0, 0);
  resolve("A.TEST", 0, 0);
  resolve("a.test", 1, 0);
  resolve("two.test", 0, 0);
  resolve("cname.test", 0, 0);
  resolve("nx.test", 0, 0);
  resolve("nodata.test", 0, 0);
  resolve("aa.test", 0, 0);
  resolve("drop.test", 0, 0);
  resolve("servfail.test", 0, 0);
  resolve("big.test", 0, 0);
  /* "a..b" differs on purpose: libevent sends a malformed query, we fail
   * it with DNS_ERR_FORMAT (docs/DIFFERENCES.md). */
  resolve("", 0, 0);
  inet_pton(AF_INET, "192.0.2.1", &in);
  if (evdns_base_resolve_reverse(dns, &in, 0, print_answer, "reverse 192.0.2.1")) wait_done();
  inet_pton(AF_INET, "192.0.2.5", &in);
  if (evdns_base_resolve_reverse(dns, &in, 0, print_answer, "reverse 192.0.2.5")) wait_done();
  {
    struct in6_addr in6;
    inet_pton(AF_INET6, "2001:db8::1", &in6);
    if (evdns_base_resolve_reverse_ipv6(dns, &in6, 0, print_answer, "reverse6")) wait_done();
  }
  printf("search:\n");
  evdns_base_search_add(dns, "search");
  resolve("host", 0, 0);
  resolve("host", 0, DNS_QUERY_NO_SEARCH);
  evdns_base_search_ndots_set(dns, 2);
  resolve("nx.test", 0, 0);
  evdns_base_search_clear(dns);
  printf("getaddrinfo:\n");
  gai("a.test", AF_UNSPEC, 0);
  gai("a.test", AF_INET, 0);
  gai("a.test", AF_INET6, 0);
  gai("two.test", AF_INET, 0);
  gai("cname.test", AF_INET, EVUTIL_AI_CANONNAME);
  gai("nx.test", AF_UNSPEC, 0);
  gai("nodata.test", AF_INET, 0);
  printf("cancel:\n");
  {
    struct evdns_request* r =
        evdns_base_resolve_ipv4(dns, "drop.test", 0, print_answer, "cancelled");
    evdns_cancel_request(dns, r);
    wait_done();
  }
  printf("server:\n");
  raw("a.test", 1, 0x0100);
  raw("A.Test", 1, 0);
  raw("a.test", 28, 0x0100);
  raw("cname.test", 1, 0x0100);
  raw("nx.test", 1, 0x0100);
  raw("aa.test", 1, 0x0110);
  raw("1.2.0.192.in-addr.arpa", 12, 0x0100);
  raw("9.9.9.9.in-addr.arpa", 12, 0x0100);
  printf("shutdown:\n");
  {
    evdns_base_resolve_ipv4(dns, "drop.test", 0, print_answer, "pending at free");
    evdns_base_free(dns, 1);
    wait_done();
  }
  evdns_close_server_port(port);
  event_base_free(base);
  return 0;
}
