/* The echo floor (see raw_echo.h). */
#include "raw_echo.h"

#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bench_common.h"

enum { kMaxEvents = 256, kScratch = 16384 };

static int epoll_fd = -1;
static int control_fd = -1;

void raw_echo_setup(const int* fds, long n, int control) {
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) bench_die("epoll_create1 failed");
  control_fd = control;
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = control};
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, control, &ev) != 0) bench_die("epoll_ctl failed");
  for (long i = 0; i < n; i++) {
    ev.data.fd = fds[i];
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fds[i], &ev) != 0) bench_die("epoll_ctl failed");
  }
}

/* Writes all of it back: the load generator sends one message at a time
 * and waits for its echo, so the socket buffer always has room. */
static void echo_back(int fd, const char* data, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, data, (size_t)n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) bench_die("raw echo: write failed");
    data += w;
    n -= w;
  }
}

void raw_echo_round(void) {
  static char scratch[kScratch];
  struct epoll_event events[kMaxEvents];
  for (;;) {
    int k = epoll_wait(epoll_fd, events, kMaxEvents, -1);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) bench_die("epoll_wait failed");
    for (int i = 0; i < k; i++) {
      int fd = events[i].data.fd;
      if (fd == control_fd) {
        char reply;
        bench_harness_reads++;
        if (read(fd, &reply, 1) != 1 || reply != 'd') bench_die("the load generator quit");
        return;
      }
      ssize_t n = read(fd, scratch, sizeof scratch);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) bench_die("raw echo: a connection closed during a round");
      echo_back(fd, scratch, n);
    }
  }
}
