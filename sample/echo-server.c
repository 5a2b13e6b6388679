/* echo-server: the book's listener + bufferevent echo server.  Listens on
 * the given port (default 9876) on both IPv4 and IPv6 and echoes every byte
 * each client sends back to it.  SIGINT stops it.
 *
 * Shows: two listeners (one IPv6-only) on one base, moving a whole input
 * buffer to the output buffer without copying, and the error callback. */
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

static void on_read(struct bufferevent* bev, void* arg) {
  (void)arg;
  /* Move everything that arrived to the output: an echo. */
  evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(bev));
}

static void on_conn_event(struct bufferevent* bev, short what, void* arg) {
  (void)arg;
  if (what & BEV_EVENT_ERROR) fprintf(stderr, "connection error: %s\n", strerror(errno));
  if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) bufferevent_free(bev);
}

static void on_accept(struct evconnlistener* listener, evutil_socket_t fd, struct sockaddr* addr,
                      int addrlen, void* arg) {
  struct event_base* base = evconnlistener_get_base(listener);
  struct bufferevent* bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  (void)addr;
  (void)addrlen;
  (void)arg;
  if (bev == NULL) {
    evutil_closesocket(fd);
    return;
  }
  bufferevent_setcb(bev, on_read, NULL, on_conn_event, NULL);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void on_listener_error(struct evconnlistener* listener, void* arg) {
  int err = EVUTIL_SOCKET_ERROR();
  (void)arg;
  fprintf(stderr, "listener error %d (%s); shutting down\n", err,
          evutil_socket_error_to_string(err));
  event_base_loopexit(evconnlistener_get_base(listener), NULL);
}

static void on_sigint(evutil_socket_t sig, short what, void* arg) {
  (void)sig;
  (void)what;
  printf("echo-server: interrupted, exiting\n");
  fflush(stdout);
  event_base_loopbreak(arg);
}

static struct evconnlistener* listen_on(struct event_base* base, struct sockaddr* sa, int len,
                                        unsigned flags) {
  struct evconnlistener* l = evconnlistener_new_bind(
      base, on_accept, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | flags, -1, sa, len);
  if (l != NULL) evconnlistener_set_error_cb(l, on_listener_error);
  return l;
}

int main(int argc, char** argv) {
  struct event_base* base;
  struct evconnlistener *v4, *v6;
  struct event* sigint_event;
  struct sockaddr_in sin;
  struct sockaddr_in6 sin6;
  int port = argc > 1 ? atoi(argv[1]) : 9876;

  if (port <= 0 || port > 65535) {
    fprintf(stderr, "usage: %s [port]\n", argv[0]);
    return 1;
  }
  base = event_base_new();
  if (base == NULL) {
    fprintf(stderr, "could not open an event base\n");
    return 1;
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((unsigned short)port);
  memset(&sin6, 0, sizeof(sin6));
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons((unsigned short)port);

  v4 = listen_on(base, (struct sockaddr*)&sin, sizeof(sin), 0);
  /* IPv6 is optional: a machine without it still serves IPv4. */
  v6 = listen_on(base, (struct sockaddr*)&sin6, sizeof(sin6), LEV_OPT_BIND_IPV6ONLY);
  if (v4 == NULL) {
    perror("could not create the IPv4 listener");
    return 1;
  }
  sigint_event = evsignal_new(base, SIGINT, on_sigint, base);
  event_add(sigint_event, NULL);
  printf("echo-server listening on port %d (IPv4%s)\n", port, v6 ? " and IPv6" : " only");
  fflush(stdout);

  event_base_dispatch(base);

  if (v6 != NULL) evconnlistener_free(v6);
  evconnlistener_free(v4);
  event_free(sigint_event);
  event_base_free(base);
  return 0;
}
