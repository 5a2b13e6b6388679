/* evhttp server benchmark.  A minimal server (one generic callback, a
 * 100-byte body, keep-alive) is driven by wrk over loopback; each round
 * serves -n requests.  Modes:
 *   evhttp  the library's server;
 *   floor   the same answers from a plain epoll loop without libevent (a
 *           fixed response per request head): the kernel's share;
 *   conn    the library's server, each request on a new connection: a child
 *           process connects, sends one request, reads the answer and
 *           closes, in a loop; an event is a connection (accept, one
 *           request, close), so its system calls less the two of a request
 *           are what a connection costs;
 *   rawconn the floor of conn: the plain epoll loop of `floor`;
 *   mem     no rounds: -c keep-alive connections each make one request and
 *           stay idle; prints the heap bytes the library holds per idle
 *           connection (counting event_set_mem_functions).
 * For evhttp and floor, wrk (Debian package) runs as a child process for the
 * whole program with -c connections, one thread, HTTP/1.1 keep-alive, no
 * pipelining; before the first round (warm-up or timed) every one of its
 * connections is accepted and answered once, so the rounds measure the
 * steady state only (no connection set-up).
 *
 * Usage: http_bench -m evhttp|floor|conn|rawconn|mem [-n requests] [-c conns]
 *                   [-r rounds] [-u warmup] [-x] */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"
#include "bench_heap.h"

enum { kBodySize = 100 };

static struct {
  struct event_base* base;
  struct evhttp* http;
  struct evbuffer* reply;
  long requests, target, conns;
  int port;
  pid_t wrk;
  int epoll_fd, listen_fd;
  /* Settling: the distinct connections answered so far (evhttp), or
   * accepted (floor). */
  int settling;
  long seen;
  void** seen_conns;
} bench;

static char body[kBodySize];

static void note_connection(struct evhttp_connection* evcon) {
  for (long i = 0; i < bench.seen; i++)
    if (bench.seen_conns[i] == evcon) return;
  if (bench.seen < bench.conns) bench.seen_conns[bench.seen++] = evcon;
  if (bench.seen >= bench.conns) event_base_loopbreak(bench.base);
}

static void on_request(struct evhttp_request* req, void* arg) {
  (void)arg;
  evbuffer_add(bench.reply, body, kBodySize);
  if (bench.settling) note_connection(evhttp_request_get_connection(req));
  evhttp_send_reply(req, HTTP_OK, "OK", bench.reply);
  if (!bench.settling && ++bench.requests >= bench.target) event_base_loopbreak(bench.base);
}

static int listen_loopback(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int on = 1;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (fd < 0 || bind(fd, (struct sockaddr*)&sin, sizeof(sin)) != 0 || listen(fd, 1024) != 0)
    bench_die("cannot listen on loopback");
  getsockname(fd, (struct sockaddr*)&sin, &len);
  bench.port = ntohs(sin.sin_port);
  return fd;
}

static void start_wrk(void) {
  char conns[16], url[64];
  snprintf(conns, sizeof(conns), "%ld", bench.conns);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/", bench.port);
  bench.wrk = fork();
  if (bench.wrk < 0) bench_die("fork failed");
  if (bench.wrk == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execlp("wrk", "wrk", "-t1", "-c", conns, "-d", "3600s", "--timeout", "30s", url, (char*)NULL);
    _exit(127);
  }
}

static const char client_request[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

/* A blocking client socket connected to the server that has sent one
 * request, or -1. */
static int connect_and_request(void) {
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((unsigned short)bench.port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr*)&sin, sizeof(sin)) != 0 ||
      write(fd, client_request, sizeof client_request - 1) !=
          (ssize_t)(sizeof client_request - 1)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The conn load: one request per connection, one connection at a time. */
static void start_conn_client(void) {
  bench.wrk = fork();
  if (bench.wrk < 0) bench_die("fork failed");
  if (bench.wrk != 0) return;
  for (;;) {
    int fd = connect_and_request();
    if (fd < 0) _exit(1);
    /* The answer ends with the 100-byte body of 'b's. */
    char buf[1024];
    size_t got = 0;
    for (;;) {
      ssize_t n = read(fd, buf + got, sizeof buf - got);
      if (n <= 0) _exit(1);
      got += (size_t)n;
      char* end = memmem(buf, got, "\r\n\r\n", 4);
      if (end != NULL && got - (size_t)(end + 4 - buf) >= kBodySize) break;
      if (got == sizeof buf) _exit(1);
    }
    close(fd);
  }
}

static void stop_wrk(void) {
  if (bench.wrk > 0) {
    kill(bench.wrk, SIGKILL);
    waitpid(bench.wrk, NULL, 0);
    bench.wrk = 0;
  }
}

BENCH_TIMED static void bench_timed_http(void) {
  bench.requests = 0;
  event_base_dispatch(bench.base);
}

/* The floor: a fixed response for every request head seen. */
static char response[512];
static size_t response_len;

static void raw_accept(void) {
  for (;;) {
    int fd = accept4(bench.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    bench.seen++;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(bench.epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }
}

/* Serves until `target` requests were answered, or while settling until
 * every connection was accepted and answered once. */
static void raw_serve(void) {
  static char scratch[16384];
  static char out[65536];
  struct epoll_event events[256];
  bench.requests = 0;
  while (bench.settling ? bench.seen < bench.conns || bench.requests < bench.conns
                        : bench.requests < bench.target) {
    int k = epoll_wait(bench.epoll_fd, events, 256, -1);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) bench_die("epoll_wait failed");
    for (int i = 0; i < k; i++) {
      int fd = events[i].data.fd;
      if (fd == bench.listen_fd) {
        raw_accept();
        continue;
      }
      ssize_t n = read(fd, scratch, sizeof scratch);
      if (n <= 0) {
        if (n < 0 && errno == EAGAIN) continue;
        close(fd);
        continue;
      }
      /* One response per request head (wrk does not pipeline). */
      size_t used = 0;
      for (ssize_t j = 3; j < n; j++) {
        if (scratch[j] == '\n' && scratch[j - 1] == '\r' && scratch[j - 2] == '\n' &&
            used + response_len <= sizeof out) {
          memcpy(out + used, response, response_len);
          used += response_len;
          bench.requests++;
        }
      }
      if (used > 0 && write(fd, out, used) < 0) close(fd);
    }
  }
}

BENCH_TIMED static void bench_timed_raw_http(void) { raw_serve(); }

/* Before any round: every wrk connection accepted and answered once. */
static void settle(int is_floor) {
  bench.settling = 1;
  bench.seen = 0;
  if (is_floor) {
    raw_serve();
  } else {
    bench.seen_conns = calloc((size_t)bench.conns, sizeof *bench.seen_conns);
    if (!bench.seen_conns) bench_die("out of memory");
    event_base_dispatch(bench.base);
    free(bench.seen_conns);
    bench.seen_conns = NULL;
  }
  bench.settling = 0;
}

static void setup_raw(void) {
  bench.listen_fd = listen_loopback();
  bench.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = bench.listen_fd};
  epoll_ctl(bench.epoll_fd, EPOLL_CTL_ADD, bench.listen_fd, &ev);
  response_len = (size_t)snprintf(response, sizeof response,
                                  "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
                                  "charset=ISO-8859-1\r\nContent-Length: %d\r\n\r\n",
                                  kBodySize);
  memcpy(response + response_len, body, kBodySize);
  response_len += kBodySize;
}

static void setup_evhttp(void) {
  int fd = listen_loopback();
  bench.base = bench_new_base();
  bench.http = evhttp_new(bench.base);
  bench.reply = evbuffer_new();
  if (!bench.http || !bench.reply || evhttp_accept_socket(bench.http, fd) != 0)
    bench_die("evhttp set-up failed");
  evhttp_set_gencb(bench.http, on_request, NULL);
}

/* Heap per idle keep-alive connection after one request each. */
static void measure_memory(void) {
  bench_raise_fd_limit(2 * bench.conns + 64);
  setup_evhttp();
  bench.target = bench.conns;
  int* clients = malloc((size_t)bench.conns * sizeof *clients);
  if (!clients) bench_die("out of memory");
  long long before = bench_heap_live_bytes();
  for (long i = 0; i < bench.conns; i++) {
    clients[i] = connect_and_request();
    if (clients[i] < 0) bench_die("client connect failed");
  }
  bench.requests = 0;
  while (bench.requests < bench.target) event_base_loop(bench.base, EVLOOP_ONCE);
  /* Let the replies flush and each connection settle into its idle state. */
  for (long i = 0; i < bench.conns; i++) {
    char buf[1024];
    for (;;) {
      event_base_loop(bench.base, EVLOOP_NONBLOCK);
      ssize_t n = recv(clients[i], buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0 && memmem(buf, (size_t)n, "\r\n\r\n", 4) != NULL) break;
    }
  }
  for (int i = 0; i < 10; i++) event_base_loop(bench.base, EVLOOP_NONBLOCK);
  long long used = bench_heap_live_bytes() - before;
  bench_print_metric("http_mem_idle_conn", (double)used / (double)bench.conns, "bytes");
  for (long i = 0; i < bench.conns; i++) close(clients[i]);
  free(clients);
}

int main(int argc, char** argv) {
  struct bench_args args = {.mode = "evhttp", .rounds = 5, .warmup = 1};
  long n = 20000;
  int opt;
  bench.conns = 50;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "n:c:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    if (opt == 'n')
      n = bench_parse_count("-n", optarg);
    else if (opt == 'c')
      bench.conns = bench_parse_count("-c", optarg);
    else
      bench_die(
          "usage: http_bench -m evhttp|floor|conn|rawconn|mem [-n requests] [-c conns] [-r "
          "rounds]");
  }
  memset(body, 'b', sizeof body);
  signal(SIGPIPE, SIG_IGN);
  int is_mem = strcmp(args.mode, "mem") == 0, is_rawconn = strcmp(args.mode, "rawconn") == 0;
  int is_conn = strcmp(args.mode, "conn") == 0 || is_rawconn;
  int is_floor = strcmp(args.mode, "floor") == 0 || is_rawconn;
  if (!is_mem && !is_floor && !is_conn && strcmp(args.mode, "evhttp") != 0)
    bench_die("-m must be evhttp, floor, conn, rawconn or mem");
  if (is_mem) bench_heap_count(); /* before the library allocates anything */
  bench_check_loaded_library();
  if (is_mem) {
    measure_memory();
    return 0;
  }
  bench.target = n;
  if (is_floor) {
    setup_raw();
  } else {
    setup_evhttp();
  }
  if (is_conn) {
    start_conn_client();
  } else {
    start_wrk();
    settle(is_floor);
  }
  bench_run_rounds(
      is_conn ? (is_floor ? "raw_http_conn" : "http_conn") : (is_floor ? "raw_http" : "http"),
      is_floor ? bench_timed_raw_http : bench_timed_http, args.warmup, args.rounds, n);
  stop_wrk();
  if (args.skip_teardown) _exit(0);
  if (bench.http) evhttp_free(bench.http);
  if (bench.reply) evbuffer_free(bench.reply);
  if (bench.base) event_base_free(bench.base);
  return 0;
}
