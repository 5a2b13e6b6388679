/* OpenSSL bufferevents: a TLS echo server and the heap of idle TLS
 * connections.
 *
 *   echo    an echo server of -c TLS connections over loopback, each an
 *           OpenSSL socket bufferevent whose read callback writes the input
 *           back; the clients are a load generator in a process of its own
 *           (this program re-executed with -C), written with plain OpenSSL,
 *           epoll and non-blocking sockets, never libevent, so it costs the
 *           same whichever library the server runs on.  Each connection sends
 *           its next -s byte message once the previous echo is back.  The
 *           handshakes happen before the timed rounds.  Both sides use
 *           TLS 1.3 with TLS_AES_128_GCM_SHA256 and a P-256 certificate made
 *           here at start.
 *   mem     heap bytes per idle TLS bufferevent (-c of them, accepting, on
 *           socket pairs), counted through event_set_mem_functions: OpenSSL's
 *           own SSL objects are not included (they use OpenSSL's allocator).
 *
 * Usage: tls_bench -m echo|mem [-n messages] [-c conns] [-s bytes] [-r n] [-u n] [-x]
 * Result names: tls_echo_c<conns>, metric tls_mem_idle. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "bench_common.h"
#include "bench_heap.h"
#include "load_generator.h"

static const char kCipher[] = "TLS_AES_128_GCM_SHA256";

struct tls_bench {
  struct event_base* base;
  long nmessages, nconns, msg_size;
  SSL_CTX* ctx;
  struct bufferevent** conns;
  long connected;
  int control;
  pid_t generator;
  struct event* control_event;
  int round_done;
};

static struct tls_bench bench;

static SSL_CTX* make_ctx(int server) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (!ctx) bench_die("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_ciphersuites(ctx, kCipher);
  if (server) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char*)"bench", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_sign(x, key, EVP_sha256());
    if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
      bench_die("cannot install the certificate");
    X509_free(x);
    EVP_PKEY_free(key);
    /* No session tickets: nothing but the echo after the handshake. */
    SSL_CTX_set_num_tickets(ctx, 0);
  }
  return ctx;
}

/* ---- the server (the library under test) ---- */

static void on_echo_read(struct bufferevent* bev, void* arg) {
  (void)arg;
  if (bufferevent_write_buffer(bev, bufferevent_get_input(bev)) != 0)
    bench_die("bufferevent_write_buffer failed");
}

static void on_event(struct bufferevent* bev, short what, void* arg) {
  (void)bev, (void)arg;
  if (what & BEV_EVENT_CONNECTED) {
    if (++bench.connected == bench.nconns) event_base_loopbreak(bench.base);
    return;
  }
  fprintf(stderr, "bench: TLS bufferevent event 0x%x (error %lu)\n", what,
          bufferevent_get_openssl_error(bev));
  exit(2);
}

static void on_control(evutil_socket_t fd, short what, void* arg) {
  (void)what, (void)arg;
  char reply;
  bench_harness_reads++;
  if (read(fd, &reply, 1) != 1 || reply != 'd') bench_die("the load generator quit");
  bench.round_done = 1;
  event_base_loopbreak(bench.base);
}

BENCH_TIMED void bench_timed_tls_echo(void) {
  bench.round_done = 0;
  if (write(bench.control, "g", 1) != 1) bench_die("cannot start the load generator");
  bench_harness_writes++;
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (!bench.round_done) bench_die("the loop ended before the load generator finished");
}

static int port_of(int listener) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  if (getsockname(listener, (struct sockaddr*)&addr, &len) != 0) bench_die("getsockname failed");
  return ntohs(addr.sin_port);
}

static void setup_echo(const char* self) {
  bench_raise_fd_limit(2 * bench.nconns + 64);
  int listener = bench_listen_loopback();
  int control[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, control) != 0) bench_die("socketpair failed");
  fcntl(control[0], F_SETFD, FD_CLOEXEC);
  fflush(stdout);
  char spec[128];
  snprintf(spec, sizeof spec, "%d:%d:%ld:%ld:%ld", control[1], port_of(listener), bench.nconns,
           bench.nmessages / bench.nconns, bench.msg_size);
  bench.generator = fork();
  if (bench.generator < 0) bench_die("fork failed");
  if (bench.generator == 0) {
    execl(self, self, "-C", spec, (char*)NULL);
    _exit(2);
  }
  close(control[1]);
  bench.control = control[0];
  bench.ctx = make_ctx(1);
  bench.conns = calloc((size_t)bench.nconns, sizeof *bench.conns);
  if (!bench.conns) bench_die("out of memory");
  for (long i = 0; i < bench.nconns; i++) {
    int fd = bench_accept_connection(listener);
    bench.conns[i] = bufferevent_openssl_socket_new(
        bench.base, fd, SSL_new(bench.ctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
    if (!bench.conns[i]) bench_die("bufferevent_openssl_socket_new failed");
    bufferevent_setcb(bench.conns[i], on_echo_read, NULL, on_event, NULL);
    if (bufferevent_enable(bench.conns[i], EV_READ) != 0) bench_die("bufferevent_enable failed");
  }
  close(listener);
  /* The handshakes, untimed. */
  if (event_base_dispatch(bench.base) < 0 || bench.connected != bench.nconns)
    bench_die("the handshakes did not complete");
  bench.control_event =
      event_new(bench.base, bench.control, EV_READ | EV_PERSIST, on_control, NULL);
  if (!bench.control_event || event_add(bench.control_event, NULL) != 0)
    bench_die("cannot watch the control socket");
}

static void stop_generator(void) {
  close(bench.control);
  int status = 0;
  if (waitpid(bench.generator, &status, 0) != bench.generator || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    bench_die("the load generator failed");
}

/* ---- the load generator: plain OpenSSL, no libevent ---- */

static void gen_fail(const char* what) {
  fprintf(stderr, "bench: TLS load generator: %s (errno %s, ssl %lu)\n", what, strerror(errno),
          ERR_peek_error());
  exit(1);
}

static int run_generator(const char* spec) {
  int control, port;
  long nconns, per_conn, size;
  if (sscanf(spec, "%d:%d:%ld:%ld:%ld", &control, &port, &nconns, &per_conn, &size) != 5)
    gen_fail("bad spec");
  SSL_CTX* ctx = make_ctx(0);
  SSL** ssl = calloc((size_t)nconns, sizeof *ssl);
  int* fds = calloc((size_t)nconns, sizeof *fds);
  long* sent = calloc((size_t)nconns, sizeof *sent);
  long* received = calloc((size_t)nconns, sizeof *received);
  unsigned char* message = malloc((size_t)size);
  unsigned char buffer[65536];
  memset(message, 'm', (size_t)size);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((unsigned short)port);
  struct linger abort_on_close = {1, 0};
  int one = 1;
  /* Every TCP connection first (the server accepts them all before its
   * loop runs), then the handshakes, blocking. */
  for (long i = 0; i < nconns; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fds[i] < 0 || connect(fds[i], (struct sockaddr*)&addr, sizeof addr) != 0)
      gen_fail("connect");
    setsockopt(fds[i], IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  }
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  for (long i = 0; i < nconns; i++) {
    ssl[i] = SSL_new(ctx);
    SSL_set_fd(ssl[i], fds[i]);
    if (SSL_connect(ssl[i]) != 1) gen_fail("SSL_connect");
    fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fds[i], &ev) != 0) gen_fail("epoll_ctl");
  }
  char go;
  while (read(control, &go, 1) == 1) {
    for (long i = 0; i < nconns; i++) {
      sent[i] = received[i] = 0;
      if (SSL_write(ssl[i], message, (int)size) != size) gen_fail("SSL_write");
      sent[i]++;
    }
    long running = nconns;
    struct epoll_event events[256];
    while (running > 0) {
      int n = epoll_wait(epoll_fd, events, 256, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) gen_fail("epoll_wait");
      for (int e = 0; e < n; e++) {
        long i = (long)events[e].data.u64;
        for (;;) {
          int got = SSL_read(ssl[i], buffer, sizeof buffer);
          if (got <= 0) {
            if (SSL_get_error(ssl[i], got) == SSL_ERROR_WANT_READ) break;
            gen_fail("the server closed a connection");
          }
          received[i] += got;
          if (received[i] > sent[i] * size) gen_fail("echo longer than the message");
          if (received[i] < sent[i] * size) continue;
          if (sent[i] < per_conn) {
            if (SSL_write(ssl[i], message, (int)size) != size) gen_fail("SSL_write");
            sent[i]++;
          } else {
            running--;
            break;
          }
        }
      }
    }
    if (write(control, "d", 1) != 1) gen_fail("control write");
  }
  return 0;
}

/* ---- idle connections ---- */

static void measure_memory(void) {
  bench_raise_fd_limit(2 * bench.nconns + 64);
  bench.ctx = make_ctx(1);
  int(*pairs)[2] = malloc((size_t)bench.nconns * sizeof *pairs);
  struct bufferevent** bevs = malloc((size_t)bench.nconns * sizeof *bevs);
  SSL** ssl = malloc((size_t)bench.nconns * sizeof *ssl);
  if (!pairs || !bevs || !ssl) bench_die("out of memory");
  int peers_from = (int)bench.nconns + 32;
  for (long i = 0; i < bench.nconns; i++) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pairs[i]) != 0)
      bench_die("socketpair failed");
    int peer = fcntl(pairs[i][1], F_DUPFD_CLOEXEC, peers_from);
    close(pairs[i][1]);
    pairs[i][1] = peer;
    ssl[i] = SSL_new(bench.ctx); /* OpenSSL's allocation, not counted */
  }
  long long before = bench_heap_live_bytes();
  for (long i = 0; i < bench.nconns; i++) {
    bevs[i] = bufferevent_openssl_socket_new(bench.base, pairs[i][0], ssl[i],
                                             BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
    if (!bevs[i] || bufferevent_enable(bevs[i], EV_READ) != 0)
      bench_die("creating a TLS bufferevent failed");
  }
  /* One pass of the loop: whatever the handshake start allocates. */
  event_base_loop(bench.base, EVLOOP_NONBLOCK);
  long long used = bench_heap_live_bytes() - before;
  if (used <= 0) bench_die("the library allocated nothing through event_set_mem_functions");
  bench_print_metric("tls_mem_idle", (double)used / (double)bench.nconns, "bytes");
  for (long i = 0; i < bench.nconns; i++) {
    bufferevent_free(bevs[i]);
    close(pairs[i][1]);
  }
  free(bevs);
  free(pairs);
  free(ssl);
}

int main(int argc, char** argv) {
  struct bench_args args = {"echo", 5, 1, 0};
  bench.nmessages = 20000;
  bench.nconns = 100;
  bench.msg_size = 4096;
  int opt;
  while ((opt = getopt(argc, argv, BENCH_SHARED_OPTIONS "n:c:s:C:")) != -1) {
    if (bench_shared_option(&args, opt, optarg)) continue;
    switch (opt) {
      case 'C':
        return run_generator(optarg);
      case 'n':
        bench.nmessages = bench_parse_count("-n", optarg);
        break;
      case 'c':
        bench.nconns = bench_parse_count("-c", optarg);
        break;
      case 's':
        bench.msg_size = bench_parse_count("-s", optarg);
        break;
      default:
        bench_die("usage: tls_bench -m echo|mem [-n messages] [-c conns] [-s bytes] [-r n] [-u n]");
    }
  }
  int is_mem = strcmp(args.mode, "mem") == 0;
  if (!is_mem && strcmp(args.mode, "echo") != 0) bench_die("-m must be echo or mem");
  if (bench.nconns < 1 || bench.nconns > 4000) bench_die("-c must be between 1 and 4000");
  if (bench.msg_size < 1 || bench.msg_size > 16384) bench_die("-s must be 1..16384");
  if (bench.nmessages < bench.nconns) bench.nmessages = bench.nconns;
  bench.nmessages -= bench.nmessages % bench.nconns;
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) bench_die("readlink /proc/self/exe failed");
  self[n] = '\0';
  signal(SIGPIPE, SIG_IGN);
  if (is_mem) bench_heap_count();
  bench_check_loaded_library();
  alarm(400);
  bench.base = bench_new_base();
  if (is_mem) {
    measure_memory();
    return 0;
  }
  setup_echo(self);
  char name[64];
  snprintf(name, sizeof name, "tls_echo_c%ld", bench.nconns);
  bench_run_rounds(name, bench_timed_tls_echo, args.warmup, args.rounds, bench.nmessages);
  stop_generator();
  if (!args.skip_teardown) {
    for (long i = 0; i < bench.nconns; i++) bufferevent_free(bench.conns[i]);
    event_free(bench.control_event);
    event_base_free(bench.base);
    SSL_CTX_free(bench.ctx);
  }
  return 0;
}
