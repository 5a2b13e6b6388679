/* le-proxy: a TCP relay built from two socket bufferevents per client.
 * Listens on LISTEN-ADDR and, for each client, connects to TARGET-ADDR and
 * copies bytes both ways.  Reading from a side stops while the other side's
 * output holds more than MAX_PENDING bytes, so a slow peer cannot make the
 * relay buffer without bound.  When one side closes, what is still pending
 * is flushed to the other before it is closed too.
 * Usage: le-proxy LISTEN-ADDR TARGET-ADDR   e.g. le-proxy 127.0.0.1:8080 127.0.0.1:80 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_PENDING (512 * 1024)

static struct sockaddr_storage target;
static int target_len;

static void on_read(struct bufferevent* bev, void* arg);
static void on_drained(struct bufferevent* bev, void* arg);
static void on_event(struct bufferevent* bev, short what, void* arg);

/* After one side ended: free the other once its output has drained. */
static void close_when_flushed(struct bufferevent* bev, void* arg) {
  (void)arg;
  if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) bufferevent_free(bev);
}

static void on_read(struct bufferevent* bev, void* arg) {
  struct bufferevent* partner = arg;
  struct evbuffer* out;
  if (partner == NULL) {
    evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
    return;
  }
  out = bufferevent_get_output(partner);
  evbuffer_add_buffer(out, bufferevent_get_input(bev));
  if (evbuffer_get_length(out) >= MAX_PENDING) {
    /* Back-pressure: resume when the partner drained half of it. */
    bufferevent_setcb(partner, on_read, on_drained, on_event, bev);
    bufferevent_setwatermark(partner, EV_WRITE, MAX_PENDING / 2, MAX_PENDING);
    bufferevent_disable(bev, EV_READ);
  }
}

static void on_drained(struct bufferevent* bev, void* arg) {
  struct bufferevent* partner = arg;
  bufferevent_setcb(bev, on_read, NULL, on_event, partner);
  bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
  if (partner != NULL) bufferevent_enable(partner, EV_READ);
}

static void on_event(struct bufferevent* bev, short what, void* arg) {
  struct bufferevent* partner = arg;
  if (what & BEV_EVENT_CONNECTED) return;
  if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
    if (partner != NULL) {
      /* Pass on what is left, then close the partner once it is written. */
      on_read(bev, partner);
      if (evbuffer_get_length(bufferevent_get_output(partner)) > 0) {
        bufferevent_setcb(partner, NULL, close_when_flushed, NULL, NULL);
        bufferevent_disable(partner, EV_READ);
      } else {
        bufferevent_free(partner);
      }
    }
    bufferevent_free(bev);
  }
}

static void on_accept(struct evconnlistener* listener, evutil_socket_t fd, struct sockaddr* addr,
                      int addrlen, void* arg) {
  struct event_base* base = arg;
  struct bufferevent *in, *out;
  (void)listener;
  (void)addr;
  (void)addrlen;
  in = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  out = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  if (in == NULL || out == NULL) {
    if (in != NULL)
      bufferevent_free(in);
    else
      evutil_closesocket(fd);
    if (out != NULL) bufferevent_free(out);
    return;
  }
  if (bufferevent_socket_connect(out, (struct sockaddr*)&target, target_len) < 0) {
    fprintf(stderr, "le-proxy: connect to the target failed\n");
    bufferevent_free(out);
    bufferevent_free(in);
    return;
  }
  bufferevent_setcb(in, on_read, NULL, on_event, out);
  bufferevent_setcb(out, on_read, NULL, on_event, in);
  bufferevent_enable(in, EV_READ | EV_WRITE);
  bufferevent_enable(out, EV_READ | EV_WRITE);
}

static void on_sigint(evutil_socket_t sig, short what, void* arg) {
  (void)sig;
  (void)what;
  event_base_loopbreak(arg);
}

int main(int argc, char** argv) {
  struct sockaddr_storage listen_on;
  int listen_len = sizeof(listen_on);
  struct event_base* base;
  struct evconnlistener* listener;
  struct event* sigint_event;

  if (argc != 3) {
    fprintf(stderr, "usage: %s LISTEN-ADDR TARGET-ADDR\n", argv[0]);
    return 1;
  }
  memset(&listen_on, 0, sizeof(listen_on));
  memset(&target, 0, sizeof(target));
  target_len = sizeof(target);
  if (evutil_parse_sockaddr_port(argv[1], (struct sockaddr*)&listen_on, &listen_len) < 0 ||
      evutil_parse_sockaddr_port(argv[2], (struct sockaddr*)&target, &target_len) < 0) {
    fprintf(stderr, "le-proxy: cannot parse an address\n");
    return 1;
  }
  base = event_base_new();
  if (base == NULL) return 1;
  listener = evconnlistener_new_bind(
      base, on_accept, base, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, -1,
      (struct sockaddr*)&listen_on, listen_len);
  if (listener == NULL) {
    perror("le-proxy: cannot listen");
    return 1;
  }
  sigint_event = evsignal_new(base, SIGINT, on_sigint, base);
  event_add(sigint_event, NULL);
  printf("le-proxy relaying %s -> %s\n", argv[1], argv[2]);
  fflush(stdout);
  event_base_dispatch(base);
  evconnlistener_free(listener);
  event_free(sigint_event);
  event_base_free(base);
  return 0;
}
