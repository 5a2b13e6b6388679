// Client connections: connecting (with retries and back-off), writing
// requests in order, finishing responses, failures and cancellation.
#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "http/http_internal.hpp"

namespace ev::http {

namespace {

void retry_cb(evutil_socket_t, short, void* arg) {
  auto* c = static_cast<evhttp_connection*>(arg);
  c->retry_armed = false;
  conn_enter(c);
  client_connect(c);
  conn_leave(c);
}

void write_request_head(evhttp_connection* c, evhttp_request* req) {
  evhttp_remove_header(req->output_headers, "Proxy-Connection");
  const char* method = method_name(req->type);
  if (method == nullptr) method = "NULL";
  std::size_t body = evbuffer_get_length(req->output_buffer);
  if ((req->type == EVHTTP_REQ_POST || req->type == EVHTTP_REQ_PUT ||
       req->type == EVHTTP_REQ_PATCH || body > 0) &&
      evhttp_find_header(req->output_headers, "Content-Length") == nullptr &&
      evhttp_find_header(req->output_headers, "Transfer-Encoding") == nullptr) {
    char size[24];
    std::snprintf(size, sizeof(size), "%zu", body);
    evhttp_add_header(req->output_headers, "Content-Length", size);
  }
  evbuffer* out = bufferevent_get_output(c->bev);
  evbuffer_add_printf(out, "%s %s HTTP/%d.%d\r\n", method, req->uri, req->major, req->minor);
  evkeyval* kv;
  TAILQ_FOREACH(kv, req->output_headers, next) {
    evbuffer_add_printf(out, "%s: %s\r\n", kv->key, kv->value);
  }
  evbuffer_add(out, "\r\n", 2);
  // "Expect: 100-continue" (HTTP/1.1): the body waits for the interim answer.
  const char* expect = evhttp_find_header(req->output_headers, "Expect");
  c->await_continue = body > 0 && expect != nullptr && ascii_strieq(expect, "100-continue") &&
                      (req->major > 1 || (req->major == 1 && req->minor >= 1));
  c->body_unsent = false;
  if (body > 0 && !c->await_continue) evbuffer_add_buffer(out, req->output_buffer);
}

void request_written(evhttp_connection* c, void*) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr) return;
  req->kind = EVHTTP_RESPONSE;
  conn_start_read(c);
}

// A local address or port to bind before connecting.
int bind_local(evhttp_connection* c) {
  if (c->bind_address == nullptr && c->bind_port == 0) return 0;
  evutil_addrinfo hints{};
  hints.ai_family = c->family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = EVUTIL_AI_PASSIVE;
  char port[8];
  std::snprintf(port, sizeof(port), "%u", c->bind_port);
  evutil_addrinfo* ai = nullptr;
  if (evutil_getaddrinfo(c->bind_address, port, &hints, &ai) != 0) return -1;
  int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    evutil_freeaddrinfo(ai);
    return -1;
  }
  if (c->bind_port != 0) evutil_make_listen_socket_reuseable(fd);
  if (bind(fd, ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen)) < 0) {
    evpriv_sock_warn(fd, "%s: bind", __func__);
    evutil_freeaddrinfo(ai);
    close(fd);
    return -1;
  }
  evutil_freeaddrinfo(ai);
  bufferevent_setfd(c->bev, fd);
  return 0;
}

// Every queued request gets its callback with response code 0.
void fail_all_pending(evhttp_connection* c) {
  c->retry_cnt = 0;
  evhttp_reqq pending;
  TAILQ_INIT(&pending);
  while (evhttp_request* r = TAILQ_FIRST(&c->requests)) {
    TAILQ_REMOVE(&c->requests, r, next);
    TAILQ_INSERT_TAIL(&pending, r, next);
  }
  while (evhttp_request* r = TAILQ_FIRST(&pending)) {
    TAILQ_REMOVE(&pending, r, next);
    r->evcon = nullptr;
    if (r->cb != nullptr) r->cb(r, r->cb_arg);
    request_free_auto(r);
  }
}

}  // namespace

void client_reset(evhttp_connection* c) {
  bufferevent_disable(c->bev, EV_READ | EV_WRITE);
  evutil_socket_t fd = bufferevent_getfd(c->bev);
  if (fd >= 0) {
    bufferevent_setfd(c->bev, -1);
    shutdown(fd, SHUT_WR);
    evutil_closesocket(fd);
  }
  bool connected = c->state != State::kDisconnected && c->state != State::kConnecting;
  if (connected && c->closecb != nullptr) c->closecb(c, c->closecb_arg);
  evbuffer* in = bufferevent_get_input(c->bev);
  evbuffer_drain(in, evbuffer_get_length(in));
  evbuffer* out = bufferevent_get_output(c->bev);
  evbuffer_drain(out, evbuffer_get_length(out));
  c->write_done = nullptr;
  c->state = State::kDisconnected;
  c->head_scan = 0;
}

void client_connect(evhttp_connection* c) {
  if (c->state == State::kConnecting) return;
  client_reset(c);
  if (bind_local(c) < 0) {
    client_connect_failed(c);
    return;
  }
  conn_setcb(c);
  if (c->has_timeout) {
    bufferevent_set_timeouts(c->bev, &c->timeout, &c->timeout);
  } else {
    timeval tv{45, 0};
    bufferevent_set_timeouts(c->bev, &tv, &tv);
  }
  c->state = State::kConnecting;
  // EVHTTP_CON_REUSE_CONNECTED_ADDR: a reconnection goes to the address the
  // last connection reached, without resolving the name again (libevent).
  const sockaddr* sa = c->conn_addr;
  int r;
  if ((c->flags & EVHTTP_CON_REUSE_CONNECTED_ADDR) && sa != nullptr &&
      (sa->sa_family == AF_INET || sa->sa_family == AF_INET6))
    r = bufferevent_socket_connect(c->bev, sa, static_cast<int>(c->conn_addr_len));
  else
    r = bufferevent_socket_connect_hostname(c->bev, c->dns, c->family, c->address, c->port);
  if (r < 0) {
    c->state = State::kDisconnected;
    client_connect_failed(c);
  }
}

void client_connected(evhttp_connection* c) {
  c->retry_cnt = 0;
  c->state = State::kIdle;
  evutil_socket_t fd = bufferevent_getfd(c->bev);
  sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if (fd >= 0 && getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
    conn_set_addr(c, reinterpret_cast<sockaddr*>(&ss), len);
  conn_apply_timeouts(c);
  if (TAILQ_FIRST(&c->requests) != nullptr) client_dispatch(c);
}

void client_connect_failed(evhttp_connection* c) {
  client_reset(c);
  if (c->retry_max < 0 || c->retry_cnt < c->retry_max) {
    timeval tv = c->initial_retry;
    for (int i = 0; i < c->retry_cnt && tv.tv_sec < 3600; ++i) {
      tv.tv_sec *= 2;
      tv.tv_usec *= 2;
      if (tv.tv_usec >= 1000000) {
        tv.tv_sec += tv.tv_usec / 1000000;
        tv.tv_usec %= 1000000;
      }
    }
    if (tv.tv_sec >= 3600) tv = timeval{3600, 0};
    if (c->retry_ev == nullptr) c->retry_ev = evtimer_new(c->base, retry_cb, c);
    if (c->retry_ev == nullptr || evtimer_add(c->retry_ev, &tv) != 0) {
      fail_all_pending(c);
      return;
    }
    c->retry_armed = true;
    ++c->retry_cnt;
    return;
  }
  fail_all_pending(c);
  if ((c->flags & kConAutofree) && TAILQ_EMPTY(&c->requests)) conn_free(c);
}

void client_dispatch(evhttp_connection* c) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr) return;
  c->state = State::kWriting;
  req->kind = EVHTTP_REQUEST;
  evhttp_clear_headers(req->input_headers);
  write_request_head(c, req);
  // Read while writing: a server may answer (an error) before the body ends.
  bufferevent_enable(c->bev, EV_READ);
  conn_write(c, request_written, nullptr);
}

void client_head_done(evhttp_connection* c, evhttp_request* req, bool* stop) {
  if (req->header_cb == nullptr) return;
  req->flags |= EVHTTP_REQ_DEFER_FREE;
  int r = req->header_cb(req, req->cb_arg);
  req->flags &= ~EVHTTP_REQ_DEFER_FREE;
  if (r < 0 || (req->flags & EVHTTP_REQ_NEEDS_FREE)) {
    req->flags &= ~EVHTTP_REQ_NEEDS_FREE;
    client_fail(c, EVREQ_HTTP_REQUEST_CANCEL);
    *stop = true;
  }
}

void client_response_done(evhttp_connection* c) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr) return;
  bool need_close = c->body_unsent || is_close(req->flags, req->input_headers) ||
                    is_close(req->flags, req->output_headers) || c->body == Body::kClose ||
                    (req->major == 1 && req->minor == 0 && !is_keepalive(req->input_headers));
  TAILQ_REMOVE(&c->requests, req, next);
  req->evcon = nullptr;
  c->state = State::kIdle;
  c->body = Body::kNone;
  c->body_unsent = false;
  if (need_close) client_reset(c);
  bool free_conn = false;
  if (TAILQ_FIRST(&c->requests) != nullptr) {
    if (c->state == State::kDisconnected)
      client_connect(c);
    else
      client_dispatch(c);
  } else if (!need_close) {
    // Keep reading to notice the server closing an idle connection.
    bufferevent_enable(c->bev, EV_READ);
  } else if (c->flags & kConAutofree) {
    free_conn = true;
  }
  if (req->cb != nullptr) req->cb(req, req->cb_arg);
  request_free_auto(req);
  if (free_conn && TAILQ_EMPTY(&c->requests)) conn_free(c);
}

void client_fail(evhttp_connection* c, evhttp_request_error error) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr || c->state == State::kIdle) {
    // Nothing in flight: the server closed an idle connection.
    client_reset(c);
    if ((c->flags & kConAutofree) && TAILQ_EMPTY(&c->requests)) conn_free(c);
    return;
  }
  int saved = errno;
  bufferevent_disable(c->bev, EV_READ | EV_WRITE);
  void (*error_cb)(evhttp_request_error, void*) = req->error_cb;
  void* arg = req->cb_arg;
  void (*cb)(evhttp_request*, void*) = error != EVREQ_HTTP_REQUEST_CANCEL ? req->cb : nullptr;
  TAILQ_REMOVE(&c->requests, req, next);
  req->evcon = nullptr;
  request_free_auto(req);
  client_reset(c);
  if (TAILQ_FIRST(&c->requests) != nullptr)
    client_connect(c);
  else if (c->flags & kConAutofree)
    conn_free(c);
  errno = saved;
  if (error_cb != nullptr) error_cb(error, arg);
  if (cb != nullptr) cb(nullptr, arg);
}

evhttp_connection* client_new(event_base* base, evdns_base* dns, bufferevent* bev,
                              const char* address, std::uint16_t port) {
  evhttp_connection* c = conn_new(base, dns, bev, address, port);
  if (c == nullptr) return nullptr;
  c->flags |= kConOutgoing;
  return c;
}

void client_set_local_address(evhttp_connection* c, const char* address) {
  mm_free(c->bind_address);
  c->bind_address = address != nullptr ? mm_strdup(address) : nullptr;
}

int client_make_request(evhttp_connection* c, evhttp_request* req, evhttp_cmd_type type,
                        const char* uri) {
  if (c->flags & kConIncoming) return -1;
  req->kind = EVHTTP_REQUEST;
  req->type = type;
  char* old = req->uri;
  req->uri = nullptr;
  request_str_free(req, old);
  req->uri = request_strdup(req, StrSlot::kUri, uri, std::strlen(uri));
  if (req->uri == nullptr) {
    // No memory for the URI: the request is freed unless the user owns it,
    // as in libevent (callers do not free it after this failure).
    request_free_auto(req);
    return -1;
  }
  if (req->major == 0 && req->minor == 0) {
    req->major = 1;
    req->minor = 1;
  }
  if (req->evcon != nullptr) return -1;
  req->evcon = c;
  TAILQ_INSERT_TAIL(&c->requests, req, next);
  if (c->retry_armed) return 0;
  if (c->state == State::kDisconnected) {
    conn_enter(c);
    client_connect(c);
    conn_leave(c);
    return 0;
  }
  if (c->state == State::kConnecting) return 0;
  if (TAILQ_FIRST(&c->requests) == req) client_dispatch(c);
  return 0;
}

void client_cancel(evhttp_request* req) {
  evhttp_connection* c = req->evcon;
  if (c != nullptr) {
    if (TAILQ_FIRST(&c->requests) == req) {
      conn_enter(c);
      client_fail(c, EVREQ_HTTP_REQUEST_CANCEL);
      conn_leave(c);
      return;
    }
    TAILQ_REMOVE(&c->requests, req, next);
    req->evcon = nullptr;
  }
  request_free_auto(req);
}

}  // namespace ev::http
