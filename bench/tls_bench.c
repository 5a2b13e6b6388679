/* OpenSSL bufferevents: a TLS echo server and the heap of idle TLS
 * connections.
 *
 *   echo    an echo server of -c TLS connections over loopback, each an
 *           OpenSSL socket bufferevent whose read callback writes the input
 *           back; the clients are the echo benchmarks' load generator
 *           (load_generator.c: a process of its own, this program
 *           re-executed with -C, epoll and non-blocking sockets, never
 *           libevent) talking through plain OpenSSL, so it costs the same
 *           whichever library the server runs on.  Each connection sends its
 *           next -s byte message once the previous echo is back.  The
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
  bench_generator_done(fd);
  bench.round_done = 1;
  event_base_loopbreak(bench.base);
}

BENCH_TIMED void bench_timed_tls_echo(void) {
  bench.round_done = 0;
  bench_generator_go(bench.control);
  if (event_base_dispatch(bench.base) < 0) bench_die("event_base_dispatch failed");
  if (!bench.round_done) bench_die("the loop ended before the load generator finished");
}

static void setup_echo(void) {
  bench_raise_fd_limit(2 * bench.nconns + 64);
  int listener = bench_listen_loopback();
  bench.control = bench_launch_load_generator(
      listener, bench.nconns, bench.nmessages / bench.nconns, bench.msg_size, &bench.generator);
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

/* ---- the load generator's transport: plain OpenSSL, no libevent ----
 * As lean as the plain generator: one read(2) per echo (OpenSSL reads
 * ahead) and no read that would fail with EAGAIN. */

static SSL_CTX* generator_ctx;

static void* tls_open(int fd) {
  if (!generator_ctx) generator_ctx = make_ctx(0);
  SSL* ssl = SSL_new(generator_ctx);
  if (!ssl || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1) {
    fprintf(stderr, "bench: TLS load generator: handshake failed (%lu)\n", ERR_peek_error());
    return NULL;
  }
  SSL_set_read_ahead(ssl, 1);
  return ssl;
}

static long tls_send(void* conn, const void* data, long size) {
  int n = SSL_write(conn, data, (int)size);
  return n > 0 ? n : -1;
}

/* What OpenSSL can hand over without asking the kernel again: a record
 * left in the socket makes epoll (level-triggered) report it once more. */
static long tls_recv(void* conn, void* buffer, long size) {
  long got = 0;
  while (got < size) {
    int n = SSL_read(conn, (char*)buffer + got, (int)(size - got));
    if (n > 0) {
      got += n;
      if (!SSL_has_pending(conn)) break;
      continue;
    }
    if (SSL_get_error(conn, n) != SSL_ERROR_WANT_READ) {
      fprintf(stderr, "bench: TLS load generator: SSL_read failed (%lu)\n", ERR_peek_error());
      errno = EIO;
      return got > 0 ? got : -1;
    }
    if (got == 0) errno = EAGAIN;
    break;
  }
  return got > 0 ? got : -1;
}

static const struct bench_transport tls_transport = {tls_open, tls_send, tls_recv};

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
        return bench_run_load_generator_over(optarg, &tls_transport);
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
  bench_remember_own_path();
  signal(SIGPIPE, SIG_IGN);
  if (is_mem) bench_heap_count();
  bench_check_loaded_library();
  alarm(400);
  bench.base = bench_new_base();
  if (is_mem) {
    measure_memory();
    return 0;
  }
  setup_echo();
  char name[64];
  snprintf(name, sizeof name, "tls_echo_c%ld", bench.nconns);
  bench_run_rounds(name, bench_timed_tls_echo, args.warmup, args.rounds, bench.nmessages);
  bench_stop_load_generator(bench.control, bench.generator);
  if (!args.skip_teardown) {
    for (long i = 0; i < bench.nconns; i++) bufferevent_free(bench.conns[i]);
    event_free(bench.control_event);
    event_base_free(bench.base);
    SSL_CTX_free(bench.ctx);
  }
  return 0;
}
