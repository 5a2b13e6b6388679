/* Differential test of evdns configuration: resolv.conf files and hosts
 * files this program writes, evdns_base_set_option's answers, the
 * nameserver list, and getaddrinfo answers that need no query (numeric
 * hosts, hosts-file names).  No query is ever sent: the nameservers named
 * here are loopback addresses nothing listens on, and the loop never runs
 * while a request could be in flight. */
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff_check.h"
#include "loaded_lib.h"

static void print_sa(const struct sockaddr* sa) {
  char buf[128];
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in* sin = (const struct sockaddr_in*)sa;
    printf("%s:%d", inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)), ntohs(sin->sin_port));
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6* sin6 = (const struct sockaddr_in6*)sa;
    printf("[%s]:%d", inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf)),
           ntohs(sin6->sin6_port));
  } else {
    printf("family %d", sa->sa_family);
  }
}

static void print_nameservers(struct evdns_base* dns) {
  int i, n = evdns_base_count_nameservers(dns);
  printf("  %d nameservers:", n);
  for (i = 0; i <= n; ++i) {
    struct sockaddr_storage ss;
    int len = evdns_base_get_nameserver_addr(dns, i, (struct sockaddr*)&ss, sizeof(ss));
    printf(" ");
    if (len > 0)
      print_sa((struct sockaddr*)&ss);
    else
      printf("(%d)", len);
  }
  printf("\n");
}

static char* write_file(const char* text, size_t len) {
  static char path[64];
  int fd;
  strcpy(path, "/tmp/evdns-diff-XXXXXX");
  fd = mkstemp(path);
  if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
    fprintf(stderr, "FAIL: temp file\n");
    exit(1);
  }
  close(fd);
  return path;
}

static const char* const confs[] = {
    "nameserver 127.0.0.2\nnameserver 127.0.0.3:5300\nnameserver [::1]:5301\n",
    "nameserver 127.0.0.2\nnameserver 127.0.0.2\nnameserver bogus\nnameserver\n",
    "# nothing at all\n",
    "domain example.org\noptions ndots:3 timeout:0.5 attempts:2 rotate\nnameserver 127.0.0.4 "
    "extra\n",
    "search a.example b.example\r\nnameserver 127.0.0.5\r\n",
    "nameserver 127.0.0.6\n\0nameserver 127.0.0.7\n",
    "options bind-to:127.0.0.1 max-inflight:0 max-timeouts:999 so-rcvbuf:x\nnameserver 127.0.0.8\n",
    "\tnameserver\t127.0.0.9\t\n  nameserver 127.0.0.10#c\n",
};
static const size_t conf_lens[] = {0, 0, 0, 0, 0, 42, 0, 0};

static void test_resolv_conf(struct event_base* base) {
  static const int flag_sets[] = {
      DNS_OPTIONS_ALL,
      DNS_OPTION_NAMESERVERS,
      DNS_OPTION_SEARCH | DNS_OPTION_MISC,
      DNS_OPTION_NAMESERVERS | DNS_OPTION_NAMESERVERS_NO_DEFAULT,
  };
  size_t i, f;
  for (i = 0; i < sizeof(confs) / sizeof(confs[0]); ++i) {
    size_t len = conf_lens[i] ? conf_lens[i] : strlen(confs[i]);
    char* path = write_file(confs[i], len);
    for (f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); ++f) {
      struct evdns_base* dns = diff_must(evdns_base_new(base, 0), "evdns_base_new");
      int r = evdns_base_resolv_conf_parse(dns, flag_sets[f] & ~DNS_OPTION_HOSTSFILE, path);
      printf("conf %d flags %d -> %d\n", (int)i, flag_sets[f], r);
      print_nameservers(dns);
      evdns_base_free(dns, 0);
    }
    unlink(path);
  }
  {
    struct evdns_base* dns = diff_must(evdns_base_new(base, 0), "evdns_base_new");
    printf("missing, nameservers+nodefault -> %d\n",
           evdns_base_resolv_conf_parse(dns,
                                        DNS_OPTION_NAMESERVERS | DNS_OPTION_NAMESERVERS_NO_DEFAULT,
                                        "/nonexistent/resolv.conf"));
    print_nameservers(dns);
    printf("missing, misc -> %d\n",
           evdns_base_resolv_conf_parse(dns, DNS_OPTION_MISC, "/nonexistent/resolv.conf"));
    print_nameservers(dns);
    evdns_base_free(dns, 0);
  }
}

static void test_set_option(struct event_base* base) {
  static const char* const opts[][2] = {
      {"ndots:", "2"},
      {"ndots", "x"},
      {"ndots:", ""},
      {"timeout:", "1.5"},
      {"timeout:", "0"},
      {"timeout:", "0.0005"},
      {"timeout:", "0.001"},
      {"timeout:", "-1"},
      {"timeout:", "1s"},
      {"max-timeouts:", "999"},
      {"max-timeouts:", "x"},
      {"max-inflight:", "0"},
      {"max-inflight:", ""},
      {"attempts:", "300"},
      {"attempts:", "-1"},
      {"attempts:", "two"},
      {"randomize-case:", "0"},
      {"randomize-case:", "yes"},
      {"bind-to:", "127.0.0.1"},
      {"bind-to:", "[::1]:99"},
      {"bind-to:", "not an address"},
      {"initial-probe-timeout:", "7200"},
      {"initial-probe-timeout:", "x"},
      {"getaddrinfo-allow-skew:", "0.5"},
      {"getaddrinfo-allow-skew:", ""},
      {"so-rcvbuf:", "65536"},
      {"so-rcvbuf:", "big"},
      {"so-sndbuf:", "65536"},
      {"so-sndbuf:", "1e3"},
      {"no-such-option:", "1"},
      {"timeoutx", "1"},
      {"t", "1"},
      {"timeout:junk", "2"},
      {"", ""},
  };
  struct evdns_base* dns = diff_must(evdns_base_new(base, 0), "evdns_base_new");
  size_t i;
  for (i = 0; i < sizeof(opts) / sizeof(opts[0]); ++i)
    printf("set_option(%s, %s) -> %d\n", opts[i][0], opts[i][1],
           evdns_base_set_option(dns, opts[i][0], opts[i][1]));
  evdns_base_free(dns, 0);
}

static void test_nameserver_adds(struct event_base* base) {
  struct evdns_base* dns = diff_must(evdns_base_new(base, 0), "evdns_base_new");
  static const char* const ips[] = {
      "127.0.0.2", "127.0.0.2:53", "127.0.0.3:5353",  "[::1]", "[::1]:54",
      "::1",       "bogus",        "127.0.0.1:99999", "",      "1.2.3"};
  struct sockaddr_in sin;
  size_t i;
  for (i = 0; i < sizeof(ips) / sizeof(ips[0]); ++i)
    printf("ip_add(%s) -> %d\n", ips[i], evdns_base_nameserver_ip_add(dns, ips[i]));
  printf("add(127.0.0.9) -> %d\n", evdns_base_nameserver_add(dns, htonl(0x7f000009)));
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons(7);
  sin.sin_addr.s_addr = htonl(0x7f00000a);
  printf("sockaddr_add -> %d\n",
         evdns_base_nameserver_sockaddr_add(dns, (struct sockaddr*)&sin, sizeof(sin), 0));
  print_nameservers(dns);
  {
    struct sockaddr_in small;
    printf("get_addr small buffer -> %d\n",
           evdns_base_get_nameserver_addr(dns, 0, (struct sockaddr*)&small, 4));
    printf("get_addr -1 -> %d\n",
           evdns_base_get_nameserver_addr(dns, -1, (struct sockaddr*)&small, sizeof(small)));
  }
  printf("clear_and_suspend -> %d\n", evdns_base_clear_nameservers_and_suspend(dns));
  print_nameservers(dns);
  printf("resume -> %d\n", evdns_base_resume(dns));
  evdns_base_free(dns, 0);
}

static void print_gai(int result, struct evutil_addrinfo* res, void* arg) {
  struct evutil_addrinfo* ai;
  printf("  %s: result %d (%s)", (const char*)arg, result,
         result ? evutil_gai_strerror(result) : "ok");
  for (ai = res; ai; ai = ai->ai_next) {
    printf(" [");
    print_sa(ai->ai_addr);
    printf(" type %d proto %d%s%s]", ai->ai_socktype, ai->ai_protocol,
           ai->ai_canonname ? " canon " : "", ai->ai_canonname ? ai->ai_canonname : "");
  }
  printf("\n");
  if (res) evutil_freeaddrinfo(res);
}

static void test_hosts_and_numeric(struct event_base* base) {
  static const char hosts[] =
      "127.0.0.1 localhost loopback # comment\n"
      "# 10.0.0.1 commented\n"
      "::1 ip6-localhost localhost\n"
      "192.0.2.2 a#b c\n"
      "192.0.2.3:80 withport\n"
      "not-an-address name\n"
      "192.0.2.4\n"
      "192.0.2.5 #gone\n"
      "192.0.2.6\tMixed.Case\ty\n"
      "192.0.2.7 dup\n192.0.2.8 dup\n";
  static const char* const names[] = {"localhost", "LOCALHOST",  "loopback",   "ip6-localhost",
                                      "a",         "b",          "c",          "withport",
                                      "name",      "gone",       "mixed.case", "y",
                                      "dup",       "192.0.2.99", "::2",        "[::2]"};
  static const int families[] = {AF_UNSPEC, AF_INET, AF_INET6};
  struct evdns_base* dns = diff_must(evdns_base_new(base, 0), "evdns_base_new");
  char* path = write_file(hosts, sizeof(hosts) - 1);
  size_t i, f;
  printf("load_hosts -> %d\n", evdns_base_load_hosts(dns, path));
  printf("load_hosts missing -> %d\n", evdns_base_load_hosts(dns, "/nonexistent/hosts"));
  unlink(path);
  /* With nameservers suspended, a name not answered at once stays
   * pending and is cancelled below without any packet being sent. */
  evdns_base_clear_nameservers_and_suspend(dns);
  for (i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
    for (f = 0; f < 3; ++f) {
      struct evutil_addrinfo hints;
      struct evdns_getaddrinfo_request* r;
      char label[64];
      memset(&hints, 0, sizeof(hints));
      hints.ai_family = families[f];
      hints.ai_socktype = SOCK_STREAM;
      snprintf(label, sizeof(label), "%s/%d", names[i], families[f]);
      r = evdns_getaddrinfo(dns, names[i], "80", &hints, print_gai, label);
      if (r) {
        printf("  %s: pending\n", label);
        evdns_getaddrinfo_cancel(r);
        event_base_loop(base, EVLOOP_NONBLOCK);
        event_base_loop(base, EVLOOP_NONBLOCK);
      }
    }
  }
  {
    struct evutil_addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = EVUTIL_AI_NUMERICHOST;
    if (!evdns_getaddrinfo(dns, "somename", "53", &hints, print_gai, "numerichost"))
      printf("  numerichost: answered at once\n");
    hints.ai_flags = 0;
    if (!evdns_getaddrinfo(dns, "localhost", "no-such-service-x", &hints, print_gai, "service"))
      printf("  service: answered at once\n");
    if (!evdns_getaddrinfo(dns, NULL, "53", &hints, print_gai, "null node"))
      printf("  null node: answered at once\n");
  }
  evdns_base_clear_host_addresses(dns);
  evdns_base_free(dns, 0);
  event_base_loop(base, EVLOOP_NONBLOCK);
}

static void test_strings(void) {
  int e;
  for (e = -1; e < 72; ++e)
    if (e < 7 || e > 63) printf("err %d: %s\n", e, evdns_err_to_string(e));
}

int main(void) {
  struct event_base* base;
  diff_report_loaded_libevent();
  base = diff_must(event_base_new(), "event_base_new");
  test_resolv_conf(base);
  test_set_option(base);
  test_nameserver_adds(base);
  test_hosts_and_numeric(base);
  test_strings();
  event_base_free(base);
  return 0;
}
