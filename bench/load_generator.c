/* The echo benchmark's load generator (see load_generator.h).  It must not
 * call libevent: it runs the same code whichever library the server uses. */
#include "load_generator.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"

static char own_path[PATH_MAX];

void bench_remember_own_path(void) {
  ssize_t n = readlink("/proc/self/exe", own_path, sizeof own_path - 1);
  if (n <= 0) bench_die("readlink /proc/self/exe failed");
  own_path[n] = '\0';
}

int bench_listen_loopback(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 4096) != 0)
    bench_die("cannot listen on 127.0.0.1");
  return fd;
}

static int port_of(int listener) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  if (getsockname(listener, (struct sockaddr*)&addr, &len) != 0) bench_die("getsockname failed");
  return ntohs(addr.sin_port);
}

pid_t bench_start_load_generator(int control, int listener, long nconns, long per_conn, long size) {
  char spec[128];
  snprintf(spec, sizeof spec, "%d:%d:%ld:%ld:%ld", control, port_of(listener), nconns, per_conn,
           size);
  return bench_start_self(spec);
}

pid_t bench_start_self(const char* spec) {
  pid_t pid = fork();
  if (pid < 0) bench_die("fork failed");
  if (pid == 0) {
    execl(own_path, own_path, "-C", spec, (char*)NULL);
    fprintf(stderr, "bench: cannot execute %s: %s\n", own_path, strerror(errno));
    _exit(2);
  }
  return pid;
}

int bench_launch_load_generator(int listener, long nconns, long per_conn, long size,
                                pid_t* generator) {
  int control[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, control) != 0) bench_die("socketpair failed");
  fcntl(control[0], F_SETFD, FD_CLOEXEC);
  fflush(stdout); /* nothing buffered may be written twice */
  *generator = bench_start_load_generator(control[1], listener, nconns, per_conn, size);
  close(control[1]);
  return control[0];
}

void bench_generator_go(int control) {
  if (write(control, "g", 1) != 1) bench_die("cannot start the load generator");
  bench_harness_writes++;
}

void bench_generator_done(int control) {
  char reply;
  bench_harness_reads++;
  if (read(control, &reply, 1) != 1 || reply != 'd') bench_die("the load generator quit");
}

static void set_no_delay(int fd) {
  int on = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
    bench_die("setsockopt TCP_NODELAY failed");
}

int bench_accept_connection(int listener) {
  int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) bench_die("accept failed");
  set_no_delay(fd);
  return fd;
}

void bench_stop_load_generator(int control, pid_t generator) {
  close(control);
  int status = 0;
  if (waitpid(generator, &status, 0) != generator || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    bench_die("the load generator failed");
}

/* ---- the generator process ---- */

struct generator {
  int control;
  long nconns, per_conn, size;
  const struct bench_transport* transport; /* NULL: read/write */
  void** conns;                            /* the transport's handles */
  int* fds;
  long* sent;     /* messages sent this round, per connection */
  long* received; /* bytes echoed back this round, per connection */
  unsigned char* message;
  unsigned char buffer[65536];
};

static void generator_fail(const char* what) {
  fprintf(stderr, "bench: load generator: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Every TCP connection first (the server accepts them all before its loop
 * runs), then the transport's set-up of each, then non-blocking. */
static void connect_all(struct generator* g, int port, int epoll_fd) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((unsigned short)port);
  /* Closed with a reset: no TIME_WAIT left behind to exhaust the ports. */
  struct linger abort_on_close = {1, 0};
  for (long i = 0; i < g->nconns; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) generator_fail("connect");
    set_no_delay(fd);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    g->fds[i] = fd;
  }
  for (long i = 0; i < g->nconns; i++) {
    int fd = g->fds[i];
    if (g->transport && !(g->conns[i] = g->transport->open(fd)))
      generator_fail("the transport's set-up");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) generator_fail("epoll_ctl");
  }
}

static void send_message(struct generator* g, long i) {
  long n = g->transport ? g->transport->send(g->conns[i], g->message, g->size)
                        : (long)write(g->fds[i], g->message, (size_t)g->size);
  if (n != g->size) generator_fail("write");
  g->sent[i]++;
}

static long receive(struct generator* g, long i) {
  if (g->transport) return g->transport->recv(g->conns[i], g->buffer, (long)sizeof g->buffer);
  return (long)read(g->fds[i], g->buffer, sizeof g->buffer);
}

static void run_round(struct generator* g, int epoll_fd) {
  for (long i = 0; i < g->nconns; i++) {
    g->sent[i] = g->received[i] = 0;
    send_message(g, i);
  }
  long running = g->nconns;
  struct epoll_event events[256];
  while (running > 0) {
    int n = epoll_wait(epoll_fd, events, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) generator_fail("epoll_wait");
    for (int e = 0; e < n; e++) {
      long i = (long)events[e].data.u64;
      long got = receive(g, i);
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0) generator_fail("the server closed a connection");
      g->received[i] += got;
      if (g->received[i] > g->sent[i] * g->size) generator_fail("echo longer than the message");
      if (g->received[i] < g->sent[i] * g->size) continue;
      if (g->sent[i] < g->per_conn)
        send_message(g, i);
      else
        running--;
    }
  }
}

int bench_run_load_generator(const char* spec) { return bench_run_load_generator_over(spec, NULL); }

int bench_run_load_generator_over(const char* spec, const struct bench_transport* transport) {
  static struct generator g;
  g.transport = transport;
  int port;
  if (sscanf(spec, "%d:%d:%ld:%ld:%ld", &g.control, &port, &g.nconns, &g.per_conn, &g.size) != 5 ||
      g.nconns < 1 || g.per_conn < 1 || g.size < 1)
    bench_die("-C wants <control fd>:<port>:<conns>:<messages per conn>:<bytes>");
  g.fds = calloc((size_t)g.nconns, sizeof *g.fds);
  g.sent = calloc((size_t)g.nconns, sizeof *g.sent);
  g.received = calloc((size_t)g.nconns, sizeof *g.received);
  g.conns = calloc((size_t)g.nconns, sizeof *g.conns);
  g.message = malloc((size_t)g.size);
  if (!g.fds || !g.sent || !g.received || !g.conns || !g.message) bench_die("out of memory");
  memset(g.message, 'm', (size_t)g.size);
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) generator_fail("epoll_create1");
  connect_all(&g, port, epoll_fd);
  char command;
  while (read(g.control, &command, 1) == 1) {
    if (command != 'g') bench_die("load generator: unknown command");
    run_round(&g, epoll_fd);
    if (write(g.control, "d", 1) != 1) generator_fail("write to the control socket");
  }
  return 0;
}
