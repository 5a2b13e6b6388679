/* event-read-fifo: creates a FIFO (default "event.fifo"), waits for it to
 * become readable and prints what writers send, until a line "quit" arrives
 * or SIGINT.  Usage: event-read-fifo [path] */
#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void on_readable(evutil_socket_t fd, short what, void* arg) {
  struct event_base* base = arg;
  char buf[256];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  (void)what;
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    perror("read");
    event_base_loopbreak(base);
    return;
  }
  /* n == 0: every writer closed.  The FIFO is also open for writing by us
   * (see main), so this does not spin; just wait for the next writer. */
  buf[n] = '\0';
  printf("read %d bytes: %s", (int)n, buf);
  if (n > 0 && buf[n - 1] != '\n') printf("\n");
  fflush(stdout);
  if (strstr(buf, "quit\n") != NULL) event_base_loopbreak(base);
}

static void on_sigint(evutil_socket_t sig, short what, void* arg) {
  (void)sig;
  (void)what;
  event_base_loopbreak(arg);
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "event.fifo";
  struct event_base* base;
  struct event *reader, *sigint_event;
  int fd;

  unlink(path);
  if (mkfifo(path, 0600) < 0) {
    perror("mkfifo");
    return 1;
  }
  /* O_RDWR keeps a writer open ourselves, so the FIFO never reports EOF
   * between clients (on Linux opening a FIFO read-write does not block). */
  fd = open(path, O_RDWR | O_NONBLOCK);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  base = event_base_new();
  if (base == NULL) return 1;
  reader = event_new(base, fd, EV_READ | EV_PERSIST, on_readable, base);
  sigint_event = evsignal_new(base, SIGINT, on_sigint, base);
  event_add(reader, NULL);
  event_add(sigint_event, NULL);
  printf("event-read-fifo reading %s\n", path);
  fflush(stdout);
  event_base_dispatch(base);
  event_free(reader);
  event_free(sigint_event);
  event_base_free(base);
  close(fd);
  unlink(path);
  printf("event-read-fifo done\n");
  return 0;
}
