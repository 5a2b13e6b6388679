/* hello-world: accepts TCP connections on a port (default 9995), sends each
 * client "Hello, World!\n" and closes the connection once the greeting has
 * been written.  SIGINT stops the server cleanly.
 *
 * Shows: evconnlistener_new_bind, socket bufferevents with a write
 * callback that waits for the output buffer to drain, and a signal event. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char greeting[] = "Hello, World!\n";

/* Called when the output buffer has drained below the low watermark (0):
 * the greeting is on its way, so the connection can go. */
static void on_written(struct bufferevent* bev, void* arg) {
  (void)arg;
  if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) bufferevent_free(bev);
}

static void on_conn_event(struct bufferevent* bev, short what, void* arg) {
  (void)arg;
  if (what & BEV_EVENT_ERROR) fprintf(stderr, "connection error: %s\n", strerror(errno));
  if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) bufferevent_free(bev);
}

static void on_accept(struct evconnlistener* listener, evutil_socket_t fd, struct sockaddr* addr,
                      int addrlen, void* arg) {
  struct event_base* base = arg;
  struct bufferevent* bev;
  (void)listener;
  (void)addr;
  (void)addrlen;
  bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (bev == NULL) {
    fprintf(stderr, "could not create a bufferevent\n");
    evutil_closesocket(fd);
    return;
  }
  bufferevent_setcb(bev, NULL, on_written, on_conn_event, NULL);
  bufferevent_enable(bev, EV_WRITE);
  bufferevent_disable(bev, EV_READ);
  bufferevent_write(bev, greeting, strlen(greeting));
}

static void on_sigint(evutil_socket_t sig, short what, void* arg) {
  struct event_base* base = arg;
  struct timeval now = {0, 0};
  (void)sig;
  (void)what;
  printf("Caught an interrupt signal; exiting cleanly...\n");
  fflush(stdout);
  event_base_loopexit(base, &now);
}

int main(int argc, char** argv) {
  struct event_base* base;
  struct evconnlistener* listener;
  struct event* sigint_event;
  struct sockaddr_in sin;
  int port = argc > 1 ? atoi(argv[1]) : 9995;

  if (port <= 0 || port > 65535) {
    fprintf(stderr, "usage: %s [port]\n", argv[0]);
    return 1;
  }
  base = event_base_new();
  if (base == NULL) {
    fprintf(stderr, "could not initialise libevent\n");
    return 1;
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((unsigned short)port);
  listener =
      evconnlistener_new_bind(base, on_accept, base, LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, -1,
                              (struct sockaddr*)&sin, sizeof(sin));
  if (listener == NULL) {
    fprintf(stderr, "could not listen on port %d\n", port);
    return 1;
  }
  sigint_event = evsignal_new(base, SIGINT, on_sigint, base);
  if (sigint_event == NULL || event_add(sigint_event, NULL) < 0) {
    fprintf(stderr, "could not set up the SIGINT handler\n");
    return 1;
  }
  printf("hello-world listening on port %d\n", port);
  fflush(stdout);

  event_base_dispatch(base);

  evconnlistener_free(listener);
  event_free(sigint_event);
  event_base_free(base);
  printf("done\n");
  return 0;
}
