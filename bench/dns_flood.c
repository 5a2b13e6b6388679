/* The DNS flood client (see dns_flood.h).  It must not call libevent: it
 * runs the same code whichever library the server uses. */
#include "dns_flood.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench_common.h"
#include "load_generator.h"

enum { kWindow = 64, kAnswerMax = 512 };

pid_t dns_flood_start(int control, int port, long n) {
  char spec[96];
  snprintf(spec, sizeof spec, "%d:%d:%ld", control, port, n);
  return bench_start_self(spec);
}

struct flood {
  int control, fd;
  long n;
  unsigned char (*queries)[64];
  size_t* query_len;
};

static void flood_fail(const char* what) {
  fprintf(stderr, "bench: dns flood client: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Query i: id i (16 bits), RD, one question "host<i>.bench" IN A. */
static void build_queries(struct flood* f) {
  f->queries = calloc((size_t)f->n, sizeof *f->queries);
  f->query_len = calloc((size_t)f->n, sizeof *f->query_len);
  if (!f->queries || !f->query_len) bench_die("out of memory");
  for (long i = 0; i < f->n; i++) {
    unsigned char* q = f->queries[i];
    size_t len = 12;
    q[0] = (unsigned char)(i >> 8);
    q[1] = (unsigned char)i;
    q[2] = 1; /* RD */
    q[5] = 1; /* one question */
    int l = snprintf((char*)q + len + 1, 40, "host%ld", i);
    q[len] = (unsigned char)l;
    len += 1 + (size_t)l;
    memcpy(q + len, "\5bench\0\0\1\0\1", 11);
    len += 11;
    f->query_len[i] = len;
  }
}

/* A connected UDP socket to 127.0.0.1:port; a lost answer fails the run
 * after 10 s instead of hanging it. */
static int connect_server(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons((unsigned short)port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr*)&sin, sizeof sin) != 0) flood_fail("connect");
  int big = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  struct timeval limit = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  return fd;
}

static void flood_round(struct flood* f) {
  static unsigned char answers[kWindow][kAnswerMax];
  struct mmsghdr out[kWindow], in[kWindow];
  struct iovec out_iov[kWindow], in_iov[kWindow];
  long sent = 0, answered = 0;
  while (answered < f->n) {
    int batch = 0;
    while (sent + batch < f->n && sent + batch - answered < kWindow) {
      out_iov[batch].iov_base = f->queries[sent + batch];
      out_iov[batch].iov_len = f->query_len[sent + batch];
      memset(&out[batch], 0, sizeof out[batch]);
      out[batch].msg_hdr.msg_iov = &out_iov[batch];
      out[batch].msg_hdr.msg_iovlen = 1;
      batch++;
    }
    if (batch > 0) {
      int k = sendmmsg(f->fd, out, (unsigned)batch, 0);
      if (k <= 0) flood_fail("sendmmsg");
      sent += k;
    }
    for (int i = 0; i < kWindow; i++) {
      in_iov[i].iov_base = answers[i];
      in_iov[i].iov_len = kAnswerMax;
      memset(&in[i], 0, sizeof in[i]);
      in[i].msg_hdr.msg_iov = &in_iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
    }
    /* Everything that has arrived (at least one answer), never more than
     * is outstanding. */
    int got = recvmmsg(f->fd, in, (unsigned)(sent - answered), MSG_WAITFORONE, NULL);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) flood_fail("waiting for answers");
    for (int i = 0; i < got; i++)
      if (in[i].msg_len < 12 || !(answers[i][2] & 0x80)) bench_die("dns flood: not an answer");
    answered += got;
  }
}

int dns_flood_run(const char* spec) {
  static struct flood f;
  int port;
  if (sscanf(spec, "%d:%d:%ld", &f.control, &port, &f.n) != 3 || f.n < 1)
    bench_die("-C wants <control fd>:<port>:<queries>");
  build_queries(&f);
  f.fd = connect_server(port);
  char command;
  while (read(f.control, &command, 1) == 1) {
    if (command != 'g') bench_die("dns flood: unknown command");
    flood_round(&f);
    if (write(f.control, "d", 1) != 1) flood_fail("write to the control socket");
  }
  return 0;
}
