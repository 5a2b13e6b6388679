/* An evhttp client whose reused keep-alive connection the server has
 * closed: what happens to the second request.  The server is a raw one in
 * the same loop (a listener and socket bufferevents), so each scenario
 * decides exactly what the peer does with the second request:
 *   eof        reads it and closes without a byte of answer
 *   reset      reads it and resets the connection (SO_LINGER 0)
 *   closed     closes right after the first answer; the client sends the
 *              second request from the first one's callback
 *   partial    answers the second with part of a status line, then closes
 *   post-eof   as eof, the second request a POST with a body
 * Printed: each request's outcome (callback, status, error callback) and
 * how many connections the server accepted. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diff_check.h"
#include "loaded_lib.h"

static struct event_base* base;
static const char* scenario;
static int accepted;
static int port;

struct peer {
  int conn_no;
  int requests;
};

static const char ok_reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

static void peer_close(struct bufferevent* bev, struct peer* p, int reset) {
  if (reset) {
    struct linger l = {1, 0};
    setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  bufferevent_free(bev);
  free(p);
}

static void peer_flushed(struct bufferevent* bev, void* arg) {
  struct peer* p = arg;
  if (strcmp(scenario, "closed") == 0 && p->conn_no == 1 && p->requests == 1) peer_close(bev, p, 0);
}

static void peer_read(struct bufferevent* bev, void* arg) {
  struct peer* p = arg;
  struct evbuffer* in = bufferevent_get_input(bev);
  struct evbuffer_ptr end;
  while ((end = evbuffer_search(in, "\r\n\r\n", 4, NULL)).pos >= 0) {
    size_t len = (size_t)end.pos + 4;
    char head[1024];
    const char* cl;
    size_t n = len < sizeof(head) - 1 ? len : sizeof(head) - 1;
    evbuffer_copyout(in, head, n);
    head[n] = '\0';
    cl = strstr(head, "Content-Length: ");
    if (cl != NULL) {
      size_t body = (size_t)atoi(cl + 16);
      if (evbuffer_get_length(in) < len + body) return;
      len += body;
    }
    evbuffer_drain(in, len);
    p->requests++;
    if (p->conn_no == 1 && p->requests == 2) {
      if (strcmp(scenario, "partial") == 0) {
        bufferevent_write(bev, "HTTP/1.1 20", 11);
        bufferevent_flush(bev, EV_WRITE, BEV_FLUSH);
        /* the bytes go out before the close */
        evutil_socket_t fd = bufferevent_getfd(bev);
        struct evbuffer* out = bufferevent_get_output(bev);
        evbuffer_write(out, fd);
        peer_close(bev, p, 0);
      } else {
        peer_close(bev, p, strcmp(scenario, "reset") == 0);
      }
      return;
    }
    bufferevent_write(bev, ok_reply, sizeof(ok_reply) - 1);
  }
}

static void peer_event(struct bufferevent* bev, short what, void* arg) {
  (void)what;
  peer_close(bev, arg, 0);
}

static void accept_cb(struct evconnlistener* l, evutil_socket_t fd, struct sockaddr* sa, int len,
                      void* arg) {
  struct bufferevent* bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  struct peer* p = calloc(1, sizeof(*p));
  (void)l;
  (void)sa;
  (void)len;
  (void)arg;
  p->conn_no = ++accepted;
  bufferevent_setcb(bev, peer_read, peer_flushed, peer_event, p);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

struct outcome {
  int done;
  int code;
  int error;
};

static struct outcome results[2];
static struct evhttp_connection* evcon;

static void error_cb(enum evhttp_request_error e, void* arg) {
  ((struct outcome*)arg)->error = (int)e;
}

static void second_request(void);

static void done_cb(struct evhttp_request* req, void* arg) {
  struct outcome* o = arg;
  o->done = 1;
  o->code = req ? evhttp_request_get_response_code(req) : -1;
  if (o == &results[0] && strcmp(scenario, "closed") == 0)
    second_request();
  else if (o == &results[1] || results[1].done)
    event_base_loopexit(base, NULL);
}

static struct evhttp_request* new_request(struct outcome* o) {
  struct evhttp_request* req = diff_must(evhttp_request_new(done_cb, o), "request_new");
  evhttp_request_set_error_cb(req, error_cb);
  evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "localhost");
  return req;
}

static void second_request(void) {
  struct evhttp_request* req = new_request(&results[1]);
  if (strcmp(scenario, "post-eof") == 0) {
    evbuffer_add(evhttp_request_get_output_buffer(req), "body", 4);
    evhttp_make_request(evcon, req, EVHTTP_REQ_POST, "/2");
  } else {
    evhttp_make_request(evcon, req, EVHTTP_REQ_GET, "/2");
  }
}

static void later_cb(evutil_socket_t fd, short what, void* arg) {
  (void)fd;
  (void)what;
  (void)arg;
  second_request();
}

static void run(const char* name) {
  struct timeval limit = {5, 0};
  struct timeval soon = {0, 20000};
  struct event* later = evtimer_new(base, later_cb, NULL);
  scenario = name;
  accepted = 0;
  memset(results, 0, sizeof(results));
  evcon = diff_must(evhttp_connection_base_new(base, NULL, "127.0.0.1", (unsigned short)port),
                    "evhttp_connection_base_new");
  evhttp_make_request(evcon, new_request(&results[0]), EVHTTP_REQ_GET, "/1");
  /* Except for "closed", the second request goes once the first is done
   * and the connection is idle. */
  if (strcmp(name, "closed") != 0) evtimer_add(later, &soon);
  event_base_loopexit(base, &limit);
  event_base_dispatch(base);
  printf(
      "%s: first done=%d code=%d error=%d; second done=%d code=%d error=%d; "
      "connections=%d\n",
      name, results[0].done, results[0].code, results[0].error, results[1].done, results[1].code,
      results[1].error, accepted);
  evhttp_connection_free(evcon);
  event_free(later);
}

int main(void) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  struct evconnlistener* l;
  const char* names[] = {"eof", "reset", "closed", "partial", "post-eof"};
  size_t i;

  diff_report_loaded_libevent();
  base = diff_must(event_base_new(), "event_base_new");
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  l = diff_must(
      evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
                              (struct sockaddr*)&sin, sizeof(sin)),
      "listener");
  getsockname(evconnlistener_get_fd(l), (struct sockaddr*)&sin, &len);
  port = ntohs(sin.sin_port);
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) run(names[i]);
  evconnlistener_free(l);
  event_base_free(base);
  return 0;
}
