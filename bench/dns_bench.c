/* evdns: the resolver and the server port, both on loopback.
 *
 * -m gai (default): N concurrent evdns_getaddrinfo lookups (IPv4, distinct
 *   names) against a server port of this process on 127.0.0.1 that answers
 *   every A question with one address.  A round starts them all and runs the
 *   loop until every callback has run.  Events = N lookups (the CPU is the
 *   resolver's and the server's).
 * -m server: a server port (event_base_dispatch) answering a flood of N
 *   queries per round from a client in a process of its own (dns_flood.c:
 *   this program re-executed with -C, plain sockets, no libevent, 64
 *   queries unanswered at all times; started before the rounds, told to
 *   start each one over a control socket).  The CPU time, callgrind's
 *   instructions and strace (without -f) are the server process's alone.
 *   Events = N answered queries.
 * -m floor: the same flood, from the same client, answered without
 *   libevent: epoll_wait, then recvmmsg and sendmmsg 64 at a time, answers
 *   made by copying the query and appending one A record.  The least any
 *   library can cost here (the kernel's share of the server's work);
 *   Events = N answered queries.
 * -m floor-gso: the floor answering with UDP segmentation offload: each run
 *   of answers of one length to one address (the last may be shorter, at
 *   most 64) leaves as one message with a UDP_SEGMENT control message, all
 *   runs in one sendmmsg.  The kernel's best case for this flood (Linux
 *   only; the row is skipped where UDP_SEGMENT is missing).
 * -m mem: heap bytes per pending request: 1000 evdns_base_resolve_ipv4 and
 *   1000 evdns_getaddrinfo (both families) requests to a nameserver that never
 *   answers, counted with event_set_mem_functions.
 *
 * Usage: dns_bench [-m gai|server|floor|floor-gso|mem] [-n lookups] [-r rounds] [-u warmup] [-x]
 * (-C <control fd>:<port>:<queries> runs the flood client: dns_flood.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/util.h>

#include "bench_common.h"
#include "bench_heap.h"
#include "dns_flood.h"
#include "load_generator.h"

struct dns_bench {
  struct event_base* base;
  struct evdns_base* dns;
  struct evdns_server_port* port;
  int server_fd, port_number, epfd;
  long n;
  long done;
  char (*names)[32];
  /* server and floor: the flood client and our end of its control socket */
  pid_t client;
  int control;
  struct event* control_event;
  int round_done;
  int gso; /* -m floor-gso */
};

static struct dns_bench bench;

static void answer(struct evdns_server_request* req, void* arg) {
  (void)arg;
  if (req->nquestions == 1 && req->questions[0]->type == EVDNS_TYPE_A) {
    ev_uint32_t addr = htonl(0xc0000201);
    evdns_server_request_add_a_reply(req, req->questions[0]->name, 1, &addr, 60);
  }
  evdns_server_request_respond(req, 0);
}

static int udp_socket(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((unsigned short)port);
  sin.sin_addr.s_addr = htonl(0x7f000001);
  if (fd < 0 || bind(fd, (struct sockaddr*)&sin, sizeof(sin)) < 0) bench_die("bind failed");
  int big = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
  evutil_make_socket_nonblocking(fd);
  return fd;
}

static int port_of(int fd) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  getsockname(fd, (struct sockaddr*)&sin, &len);
  return ntohs(sin.sin_port);
}

static void setup_server(void) {
  bench.server_fd = udp_socket(0);
  bench.port_number = port_of(bench.server_fd);
  bench.port = evdns_add_server_port_with_base(bench.base, bench.server_fd, 0, answer, NULL);
  if (!bench.port) bench_die("evdns_add_server_port_with_base failed");
}

static struct evdns_base* new_resolver(int port) {
  char addr[64];
  struct evdns_base* dns = evdns_base_new(bench.base, 0);
  if (!dns) bench_die("evdns_base_new failed");
  snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
  if (evdns_base_nameserver_ip_add(dns, addr) != 0) bench_die("nameserver_ip_add failed");
  evdns_base_set_option(dns, "max-inflight:", "256");
  evdns_base_set_option(dns, "timeout:", "30");
  return dns;
}

static void on_gai(int result, struct evutil_addrinfo* res, void* arg) {
  (void)arg;
  if (result != 0 || !res) bench_die("a lookup failed");
  evutil_freeaddrinfo(res);
  bench.done++;
}

BENCH_TIMED void bench_timed_dns_gai(void) {
  struct evutil_addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  bench.done = 0;
  for (long i = 0; i < bench.n; i++)
    evdns_getaddrinfo(bench.dns, bench.names[i], "80", &hints, on_gai, NULL);
  while (bench.done < bench.n)
    if (event_base_loop(bench.base, EVLOOP_ONCE) < 0) bench_die("event_base_loop failed");
}

/* Points 64 receive headers at 64 buffers of 512 bytes (and at 64
 * sender addresses when from is not NULL). */
static void prepare_recv(struct mmsghdr* msgs, struct iovec* iov, unsigned char (*bufs)[512],
                         struct sockaddr_storage* from) {
  for (int i = 0; i < 64; i++) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = 512;
    memset(&msgs[i], 0, sizeof(msgs[i]));
    if (from) {
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
}

/* -m floor-gso: sends the n answers msgs[i] (iov[i], to msg_name) as runs
 * of equal length to one address, one segmented message per run. */
static void floor_send_gso(struct mmsghdr* msgs, struct iovec* iov, int n) {
#ifdef UDP_SEGMENT
  struct mmsghdr runs[64];
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(unsigned short))];
  } control[64];
  int nruns = 0;
  for (int i = 0; i < n;) {
    const struct msghdr* h = &msgs[i].msg_hdr;
    size_t size = iov[i].iov_len;
    int k = 1;
    while (i + k < n && k < 64 && iov[i + k].iov_len <= size &&
           msgs[i + k].msg_hdr.msg_namelen == h->msg_namelen &&
           memcmp(msgs[i + k].msg_hdr.msg_name, h->msg_name, h->msg_namelen) == 0) {
      k++;
      if (iov[i + k - 1].iov_len < size) break;
    }
    struct msghdr* r = &runs[nruns].msg_hdr;
    memset(&runs[nruns], 0, sizeof(runs[nruns]));
    r->msg_name = h->msg_name;
    r->msg_namelen = h->msg_namelen;
    r->msg_iov = &iov[i];
    r->msg_iovlen = (size_t)k;
    if (k > 1) {
      memset(control[nruns].buf, 0, sizeof(control[nruns].buf)); /* CMSG_SPACE padding too */
      r->msg_control = control[nruns].buf;
      r->msg_controllen = sizeof(control[nruns].buf);
      struct cmsghdr* c = CMSG_FIRSTHDR(r);
      unsigned short gso_size = (unsigned short)size;
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(gso_size));
      memcpy(CMSG_DATA(c), &gso_size, sizeof(gso_size));
    }
    nruns++;
    i += k;
  }
  if (sendmmsg(bench.server_fd, runs, (unsigned)nruns, 0) != nruns) bench_die("sendmmsg failed");
#else
  (void)msgs, (void)iov, (void)n;
  bench_die("no UDP_SEGMENT here");
#endif
}

/* The library-free responder of -m floor: answers everything waiting on
 * the server socket, 64 at a time. */
static void floor_answer(void) {
  static unsigned char out[64][512 + 16];
  static unsigned char in[64][512];
  static struct sockaddr_storage from[64];
  struct mmsghdr msgs[64];
  struct iovec iov[64];
  for (;;) {
    prepare_recv(msgs, iov, in, from);
    int n = recvmmsg(bench.server_fd, msgs, 64, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) {
      static const unsigned char record[16] = {0xc0, 12, 0, 1, 0,   1, 0, 0,
                                               0,    60, 0, 4, 192, 0, 2, 1};
      size_t len = msgs[i].msg_len;
      memcpy(out[i], in[i], len);
      out[i][2] |= 0x80; /* QR */
      out[i][7] = 1;     /* one answer */
      memcpy(out[i] + len, record, sizeof(record));
      iov[i].iov_base = out[i];
      iov[i].iov_len = len + sizeof(record);
    }
    if (bench.gso)
      floor_send_gso(msgs, iov, n);
    else if (sendmmsg(bench.server_fd, msgs, (unsigned)n, 0) != n)
      bench_die("sendmmsg failed");
    if (n < 64) return;
  }
}

/* The client reports the end of a round: one 'd' on the control socket
 * (a harness read, which compare leaves out of the syscall counts). */
static void read_round_end(void) {
  char reply;
  bench_harness_reads++;
  if (read(bench.control, &reply, 1) != 1 || reply != 'd') bench_die("the flood client quit");
}

static void start_round(void) {
  bench_harness_writes++;
  if (write(bench.control, "g", 1) != 1) bench_die("cannot start the flood client");
}

static void on_control(evutil_socket_t fd, short what, void* arg) {
  (void)fd, (void)what, (void)arg;
  read_round_end();
  bench.round_done = 1;
  event_base_loopbreak(bench.base);
}

BENCH_TIMED void bench_timed_dns_server(void) {
  bench.round_done = 0;
  start_round();
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (!bench.round_done) bench_die("the loop ended before the flood client finished");
}

/* Waits as the event loop would (epoll on the server socket and the
 * control socket), answering until the client reports the round's end. */
BENCH_TIMED void bench_timed_raw_dns_server(void) {
  start_round();
  for (;;) {
    struct epoll_event ev[2];
    int k = epoll_wait(bench.epfd, ev, 2, -1);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) bench_die("epoll_wait failed");
    int finished = 0;
    for (int i = 0; i < k; i++) {
      if (ev[i].data.fd == bench.control)
        finished = 1;
      else
        floor_answer();
    }
    if (finished) {
      read_round_end();
      return;
    }
  }
}

/* The same with -m floor-gso (a name of its own for callgrind). */
BENCH_TIMED void bench_timed_raw_dns_server_gso(void) { bench_timed_raw_dns_server(); }

/* Starts the flood client against the server socket (before any round). */
static void start_client(void) {
  int control[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, control) != 0) bench_die("socketpair failed");
  fcntl(control[0], F_SETFD, FD_CLOEXEC);
  fflush(stdout);
  bench.client = dns_flood_start(control[1], bench.port_number, bench.n);
  close(control[1]);
  bench.control = control[0];
}

static void ignore(int result, char type, int count, int ttl, void* addrs, void* arg) {
  (void)result, (void)type, (void)count, (void)ttl, (void)addrs, (void)arg;
}

static void ignore_gai(int result, struct evutil_addrinfo* res, void* arg) {
  (void)result, (void)arg;
  if (res) evutil_freeaddrinfo(res);
}

static void measure_memory(void) {
  enum { kRequests = 1000 };
  int silent = udp_socket(0); /* never read: nothing answers */
  bench.dns = new_resolver(port_of(silent));
  evdns_base_set_option(bench.dns, "max-inflight:", "65000"); /* all in flight */
  long long before = bench_heap_live_bytes();
  for (int i = 0; i < kRequests; i++) {
    char name[32];
    snprintf(name, sizeof(name), "host%d.bench", i);
    if (!evdns_base_resolve_ipv4(bench.dns, name, 0, ignore, NULL)) bench_die("resolve failed");
  }
  long long after_resolve = bench_heap_live_bytes();
  struct evutil_addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  for (int i = 0; i < kRequests; i++) {
    char name[32];
    snprintf(name, sizeof(name), "gai%d.bench", i);
    if (!evdns_getaddrinfo(bench.dns, name, "80", &hints, ignore_gai, NULL))
      bench_die("getaddrinfo answered at once");
  }
  long long after_gai = bench_heap_live_bytes();
  bench_print_metric("dns_mem_pending_resolve", (double)(after_resolve - before) / kRequests,
                     "bytes");
  bench_print_metric("dns_mem_pending_getaddrinfo", (double)(after_gai - after_resolve) / kRequests,
                     "bytes");
  evdns_base_free(bench.dns, 0);
  close(silent);
}

int main(int argc, char** argv) {
  struct bench_args args = {"gai", 5, 1, 0};
  bench.n = -1;
  int opt;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "n:C:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'C':
        return dns_flood_run(optarg);
      case 'n':
        bench.n = bench_parse_count("-n", optarg);
        break;
      default:
        bench_die(
            "usage: dns_bench [-m gai|server|floor|floor-gso|mem] [-n lookups] [-r n] [-u n] [-x]");
    }
  }
  if (bench.n < 0) bench.n = 2000;
  if (bench.n < 1) bench_die("-n must be at least 1");
  int mem = strcmp(args.mode, "mem") == 0;
  bench_remember_own_path();
  if (mem) bench_heap_count();
  bench_check_loaded_library();
  bench.base = bench_new_base();
  if (mem) {
    measure_memory();
    event_base_free(bench.base);
    return 0;
  }
  bench.gso = strcmp(args.mode, "floor-gso") == 0;
  if (strcmp(args.mode, "floor") == 0 || bench.gso) {
    struct epoll_event ev;
    bench.server_fd = udp_socket(0);
    bench.port_number = port_of(bench.server_fd);
    start_client();
    bench.epfd = epoll_create1(EPOLL_CLOEXEC);
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.fd = bench.server_fd;
    if (bench.epfd < 0 || epoll_ctl(bench.epfd, EPOLL_CTL_ADD, bench.server_fd, &ev) < 0)
      bench_die("epoll setup failed");
    ev.data.fd = bench.control;
    if (epoll_ctl(bench.epfd, EPOLL_CTL_ADD, bench.control, &ev) < 0)
      bench_die("epoll setup failed");
    bench_run_rounds(bench.gso ? "raw_dns_server_gso" : "raw_dns_server",
                     bench.gso ? bench_timed_raw_dns_server_gso : bench_timed_raw_dns_server,
                     args.warmup, args.rounds, bench.n);
    bench_stop_load_generator(bench.control, bench.client);
    return 0;
  }
  setup_server();
  if (strcmp(args.mode, "gai") == 0) {
    bench.dns = new_resolver(bench.port_number);
    bench.names = calloc((size_t)bench.n, sizeof *bench.names);
    if (!bench.names) bench_die("out of memory");
    for (long i = 0; i < bench.n; i++) snprintf(bench.names[i], 32, "host%ld.bench", i);
    bench_run_rounds("dns_gai", bench_timed_dns_gai, args.warmup, args.rounds, bench.n);
  } else if (strcmp(args.mode, "server") == 0) {
    start_client();
    bench.control_event =
        event_new(bench.base, bench.control, EV_READ | EV_PERSIST, on_control, NULL);
    if (!bench.control_event || event_add(bench.control_event, NULL) != 0)
      bench_die("cannot watch the control socket");
    bench_run_rounds("dns_server", bench_timed_dns_server, args.warmup, args.rounds, bench.n);
    bench_stop_load_generator(bench.control, bench.client);
  } else {
    bench_die("-m must be gai, server, floor, floor-gso or mem");
  }
  if (!args.skip_teardown) {
    if (bench.dns) evdns_base_free(bench.dns, 0);
    if (bench.control_event) event_free(bench.control_event);
    evdns_close_server_port(bench.port);
    event_base_free(bench.base);
  }
  return 0;
}
