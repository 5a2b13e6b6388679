// struct evhttp: the server object, its callbacks, virtual hosts and
// aliases, accepting connections and routing finished requests.
#include <arpa/inet.h>
#include <sys/un.h>

#include <cstdio>
#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "util/chars.hpp"

namespace ev::http {

namespace {

// Glob match with '*', ASCII case-insensitive.
bool pattern_match(const char* pattern, const char* name) {
  while (*pattern != '\0') {
    if (*pattern == '*') {
      ++pattern;
      if (*pattern == '\0') return true;
      for (const char* n = name; *n != '\0'; ++n)
        if (pattern_match(pattern, n)) return true;
      return pattern_match(pattern, "");
    }
    if (*name == '\0' || to_lower(*pattern) != to_lower(*name)) return false;
    ++pattern;
    ++name;
  }
  return *name == '\0';
}

bool find_alias(evhttp* http, evhttp** out, const char* hostname) {
  for (Alias* a = http->aliases; a != nullptr; a = a->next) {
    if (ascii_strieq(a->alias, hostname)) {
      if (out != nullptr) *out = http;
      return true;
    }
  }
  for (evhttp* v = http->vhost_first; v != nullptr; v = v->vhost_next)
    if (find_alias(v, out, hostname)) return true;
  return false;
}

void send_not_found(evhttp_request* req) {
  char* escaped = evhttp_htmlescape(req->uri);
  evbuffer* buf = evbuffer_new();
  if (escaped == nullptr || buf == nullptr) {
    mm_free(escaped);
    if (buf != nullptr) evbuffer_free(buf);
    if (req->evcon != nullptr) conn_free(req->evcon);
    return;
  }
  response_code(req, HTTP_NOTFOUND, "Not Found");
  evbuffer_add_printf(buf,
                      "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
                      "<p>The requested URL %s was not found on this server.</p></body></html>\n",
                      escaped);
  mm_free(escaped);
  server_send_page(req, buf);
  evbuffer_free(buf);
}

void peer_name(const sockaddr* sa, socklen_t len, char* host, std::size_t hn, std::uint16_t* port) {
  host[0] = '\0';
  *port = 0;
  if (sa == nullptr) return;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    evutil_inet_ntop(AF_INET, &in->sin_addr, host, hn);
    *port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    evutil_inet_ntop(AF_INET6, &in6->sin6_addr, host, hn);
    *port = ntohs(in6->sin6_port);
  } else if (sa->sa_family == AF_UNIX) {
    // The path may fill sun_path without a NUL: copy at most what was given.
    auto* un = reinterpret_cast<const sockaddr_un*>(sa);
    std::size_t off = offsetof(sockaddr_un, sun_path);
    std::size_t n = len > off ? static_cast<std::size_t>(len) - off : 0;
    if (n > sizeof(un->sun_path)) n = sizeof(un->sun_path);
    std::size_t i = 0;
    for (; i < n && i + 1 < hn && un->sun_path[i] != '\0'; ++i) host[i] = un->sun_path[i];
    host[i] = '\0';
  }
}

void accept_cb(evconnlistener*, evutil_socket_t fd, sockaddr* sa, int socklen, void* arg) {
  server_accept(static_cast<evhttp*>(arg), fd, sa, socklen);
}

}  // namespace

void server_accept(evhttp* http, evutil_socket_t fd, sockaddr* sa, int socklen) {
  char host[256];
  std::uint16_t port;
  peer_name(sa, static_cast<socklen_t>(socklen), host, sizeof(host), &port);
  // A socket bufferevent is made on the accepted socket: writing is enabled
  // (the default) without arming its event, so the connection costs one
  // epoll_ctl (reading).  A program's bufferevent (set_bevcb) gets the socket
  // through bufferevent_setfd, as in libevent.
  bufferevent* bev;
  const bool own_bev = http->bevcb == nullptr;
  if (own_bev) {
    bev = bufferevent_socket_new(http->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (bev == nullptr) {
      evutil_closesocket(fd);
      return;
    }
  } else {
    bev = http->bevcb(http->base, http->bevcbarg);  // NULL: conn_new makes a socket one
  }
  evhttp_connection* c = conn_new(http->base, nullptr, bev, host, port);
  if (c == nullptr) {
    if (bev != nullptr) bufferevent_free(bev);  // an own one closes fd
    if (!own_bev) evutil_closesocket(fd);
    return;
  }
  c->flags |= kConIncoming;
  if (http->flags & EVHTTP_SERVER_LINGERING_CLOSE) c->flags |= EVHTTP_CON_LINGERING_CLOSE;
  c->max_headers = http->max_headers;
  c->max_body = http->max_body;
  if (http->has_timeout) {
    c->has_timeout = true;
    c->timeout = http->timeout;
  }
  conn_set_addr(c, sa, static_cast<socklen_t>(socklen));
  if (!own_bev && bufferevent_setfd(c->bev, fd) != 0) {
    evutil_closesocket(fd);
    conn_free(c);
    return;
  }
  c->server = http;
  c->next_conn = http->connections;
  if (http->connections != nullptr) http->connections->prev_conn = c;
  http->connections = c;
  conn_apply_timeouts(c);
  // The request is made when its first byte arrives: an idle connection
  // holds none.
  c->state = State::kReadingHead;
  bufferevent_enable(c->bev, own_bev ? EV_READ : EV_READ | EV_WRITE);
}

bool find_vhost(evhttp* http, evhttp** out, const char* hostname) {
  if (find_alias(http, out, hostname)) return true;
  bool found = false;
  evhttp* old;
  do {
    old = http;
    for (evhttp* v = http->vhost_first; v != nullptr; v = v->vhost_next) {
      if (pattern_match(v->vhost_pattern, hostname)) {
        http = v;
        if (out != nullptr) *out = v;
        found = true;
        break;
      }
    }
  } while (old != http);
  return found;
}

bool server_new_request(evhttp_connection* c) {
  evhttp_request* req = request_new(server_handle_request, c->server);
  if (req == nullptr) return false;
  req->evcon = c;
  req->flags |= EVHTTP_REQ_OWN_CONNECTION;
  req->kind = EVHTTP_REQUEST;
  req->remote_host = request_strdup(req, StrSlot::kHost, c->address, std::strlen(c->address));
  req->remote_port = c->port;
  TAILQ_INSERT_TAIL(&c->requests, req, next);
  c->state = State::kReadingHead;
  c->head_scan = 0;
  return true;
}

// After the head of a request: limits, Expect and the request target.
bool server_head_done(evhttp_connection* c, evhttp_request* req) {
  if (req->type == EVHTTP_REQ_CONNECT)
    req->uri_elems = uri_parse_authority(req->uri);
  else
    req->uri_elems = evhttp_uri_parse_with_flags(req->uri, EVHTTP_URI_NONCONFORMANT);
  if (req->uri_elems == nullptr) {
    conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
    return false;
  }
  const char* scheme = evhttp_uri_get_scheme(req->uri_elems);
  const char* host = evhttp_uri_get_host(req->uri_elems);
  if (scheme != nullptr && (ascii_strieq(scheme, "http") || ascii_strieq(scheme, "https")) &&
      host != nullptr && c->server != nullptr && !find_vhost(c->server, nullptr, host))
    req->flags |= EVHTTP_PROXY_REQUEST;
  if (c->body == Body::kLength && static_cast<std::uint64_t>(req->ntoread) > c->max_body) {
    // EVHTTP_SERVER_LINGERING_CLOSE: read the body to its end before the 413,
    // unless the client waits for 100 Continue and so sends nothing.
    const char* expect = evhttp_find_header(req->input_headers, "Expect");
    if ((c->flags & EVHTTP_CON_LINGERING_CLOSE) && expect == nullptr) {
      c->lingering = true;
      return true;
    }
    conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
    return false;
  }
  if (req->minor >= 1) {
    const char* expect = evhttp_find_header(req->input_headers, "Expect");
    if (expect != nullptr) {
      if (!ascii_strieq(expect, "100-continue")) {
        c->state = State::kWriting;
        evhttp_send_error(req, HTTP_EXPECTATIONFAILED, nullptr);
        return false;
      }
      if (c->body != Body::kNone && evbuffer_get_length(bufferevent_get_input(c->bev)) == 0) {
        evbuffer_add_printf(bufferevent_get_output(c->bev), "HTTP/%d.%d 100 Continue\r\n\r\n",
                            req->major, req->minor);
      }
    }
  }
  return true;
}

void server_request_ready(evhttp_connection* c, evhttp_request* req) {
  c->state = State::kHandling;
  req->userdone = 0;
  req->cb(req, req->cb_arg);
}

// A request that cannot be read: answer 400 or 413 and close, or just close
// when there is nobody to answer.
void server_fail(evhttp_connection* c, evhttp_request_error error) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr) {
    conn_free(c);
    return;
  }
  switch (error) {
    case EVREQ_HTTP_TIMEOUT:
    case EVREQ_HTTP_EOF:
      if (c->state == State::kHandling) {
        if (error == EVREQ_HTTP_EOF) {
          // The client shut its side: answer, then close.
          c->peer_eof = true;
          return;
        }
        // Still with the user: keep waiting for the reply.
        bufferevent_enable(c->bev, EV_READ);
        return;
      }
      if (c->state == State::kWriting && error == EVREQ_HTTP_EOF && req->userdone) {
        // The whole reply is queued: finish writing it, then close.
        c->peer_eof = true;
        return;
      }
      // A stream the user is still sending: the connection ends (libevent).
      break;
    case EVREQ_HTTP_BUFFER_ERROR:
      break;
    default:
      if (c->state == State::kReadingHead || c->state == State::kReadingBody ||
          c->state == State::kReadingTrailer) {
        c->state = State::kWriting;
        request_str_free(req, req->uri);
        req->uri = nullptr;
        if (req->uri_elems != nullptr) evhttp_uri_free(req->uri_elems);
        req->uri_elems = nullptr;
        req->response_code =
            error == EVREQ_HTTP_DATA_TOO_LONG ? HTTP_ENTITYTOOLARGE : HTTP_BADREQUEST;
        req->cb(req, req->cb_arg);
        return;
      }
      break;
  }
  if ((c->state == State::kHandling || c->state == State::kWriting) && !req->userdone) {
    // The user still holds the request: it lives on without a connection.
    TAILQ_REMOVE(&c->requests, req, next);
    req->evcon = nullptr;
  }
  conn_free(c);
}

void server_handle_request(evhttp_request* req, void* arg) {
  auto* http = static_cast<evhttp*>(arg);
  if (req->uri == nullptr) {
    evhttp_send_error(req, req->response_code, nullptr);
    return;
  }
  if ((http->allowed_methods & req->type) == 0) {
    evhttp_send_error(req, HTTP_NOTIMPLEMENTED, nullptr);
    return;
  }
  const char* hostname = evhttp_request_get_host(req);
  if (hostname != nullptr) find_vhost(http, &http, hostname);
  const char* path = evhttp_uri_get_path(req->uri_elems);
  if (path == nullptr || *path == '\0') path = "/";
  std::size_t plen = std::strlen(path);
  char stackbuf[256];
  char* decoded = plen < sizeof(stackbuf) ? stackbuf : static_cast<char*>(mm_malloc(plen + 1));
  if (decoded == nullptr) {
    evhttp_send_error(req, HTTP_INTERNAL, nullptr);
    return;
  }
  // Decode %XX; a %00 in the path is refused.
  std::size_t j = 0;
  bool nul = false;
  for (std::size_t i = 0; i < plen; ++i) {
    char ch = path[i];
    if (ch == '%' && i + 2 < plen && is_xdigit(path[i + 1]) && is_xdigit(path[i + 2])) {
      ch = static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
      i += 2;
      if (ch == '\0') nul = true;
    }
    decoded[j++] = ch;
  }
  decoded[j] = '\0';
  CbEntry* match = nullptr;
  if (!nul) {
    for (CbEntry* e = http->callbacks; e != nullptr; e = e->next) {
      if (std::strcmp(e->path, decoded) == 0) {
        match = e;
        break;
      }
    }
  }
  if (decoded != stackbuf) mm_free(decoded);
  if (nul) {
    evhttp_send_error(req, HTTP_BADREQUEST, nullptr);
    return;
  }
  if (match != nullptr) {
    match->cb(req, match->arg);
  } else if (http->gencb != nullptr) {
    http->gencb(req, http->gencbarg);
  } else {
    send_not_found(req);
  }
}

namespace {

void free_callbacks(evhttp* http) {
  while (CbEntry* e = http->callbacks) {
    http->callbacks = e->next;
    mm_free(e->path);
    mm_free(e);
  }
  while (Alias* a = http->aliases) {
    http->aliases = a->next;
    mm_free(a->alias);
    mm_free(a);
  }
}

int bind_address(const char* address, std::uint16_t port) {
  evutil_addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
  char portbuf[8];
  std::snprintf(portbuf, sizeof(portbuf), "%u", port);
  evutil_addrinfo* ai = nullptr;
  int err = evutil_getaddrinfo(address, portbuf, &hints, &ai);
  if (err != 0) {
    if (err == EVUTIL_EAI_SYSTEM)
      evpriv_warn("getaddrinfo");
    else
      evpriv_warnx("getaddrinfo: %s", evutil_gai_strerror(err));
    return -1;
  }
  int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    evpriv_warn("socket");
    evutil_freeaddrinfo(ai);
    return -1;
  }
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  evutil_make_listen_socket_reuseable(fd);
  if (bind(fd, ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen)) < 0) {
    evpriv_sock_warn(fd, "bind");
    evutil_closesocket(fd);
    evutil_freeaddrinfo(ai);
    return -1;
  }
  evutil_freeaddrinfo(ai);
  return fd;
}

}  // namespace

evhttp* server_new(event_base* base) {
  auto* http = static_cast<evhttp*>(mm_calloc(1, sizeof(evhttp)));
  if (http == nullptr) return nullptr;
  http->base = base;
  http->max_headers = UINT64_MAX;
  http->max_body = UINT64_MAX;
  http->default_content_type = mm_strdup("text/html; charset=ISO-8859-1");
  http->allowed_methods =
      EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE;
  if (http->default_content_type == nullptr) {
    mm_free(http);
    return nullptr;
  }
  return http;
}

void server_free(evhttp* http) {
  while (evhttp_bound_socket* b = http->sockets) {
    http->sockets = b->next;
    evconnlistener_free(b->listener);
    mm_free(b);
  }
  while (evhttp_connection* c = http->connections) {
    // Unlink first: a connection busy in a callback is freed later.
    http->connections = c->next_conn;
    if (c->next_conn != nullptr) c->next_conn->prev_conn = nullptr;
    c->server = nullptr;
    c->next_conn = c->prev_conn = nullptr;
    conn_free(c);
  }
  free_callbacks(http);
  while (evhttp* v = http->vhost_first) {
    http->vhost_first = v->vhost_next;
    mm_free(v->vhost_pattern);
    v->vhost_pattern = nullptr;
    server_free(v);
  }
  mm_free(http->vhost_pattern);
  mm_free(http->default_content_type);
  mm_free(http);
}

evhttp_bound_socket* bind_listener(evhttp* http, evconnlistener* listener) {
  auto* b = static_cast<evhttp_bound_socket*>(mm_calloc(1, sizeof(evhttp_bound_socket)));
  if (b == nullptr) return nullptr;
  b->listener = listener;
  evhttp_bound_socket** tail = &http->sockets;
  while (*tail != nullptr) tail = &(*tail)->next;
  *tail = b;
  evconnlistener_set_cb(listener, accept_cb, http);
  return b;
}

namespace {

// *closed tells whether a failure closed `fd` (the listener owned it by then).
evhttp_bound_socket* accept_socket_owned(evhttp* http, evutil_socket_t fd, bool* closed) {
  *closed = false;
  evconnlistener* l = evconnlistener_new(http->base, nullptr, nullptr,
                                         LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE, 0, fd);
  if (l == nullptr) return nullptr;
  evhttp_bound_socket* b = bind_listener(http, l);
  if (b == nullptr) {
    evconnlistener_free(l);
    *closed = true;
    return nullptr;
  }
  // The callback starts the polling; if its event could not be added (no
  // memory), the socket would never accept: report that instead.
  if (evconnlistener_enable(l) != 0) {
    del_accept_socket(http, b);
    *closed = true;
    return nullptr;
  }
  return b;
}

}  // namespace

evhttp_bound_socket* accept_socket(evhttp* http, evutil_socket_t fd) {
  bool closed;
  return accept_socket_owned(http, fd, &closed);
}

evhttp_bound_socket* bind_socket(evhttp* http, const char* address, std::uint16_t port) {
  int fd = bind_address(address, port);
  if (fd < 0) return nullptr;
  if (listen(fd, 128) < 0) {
    evpriv_sock_warn(fd, "evhttp_bind_socket_with_handle: listen");
    evutil_closesocket(fd);
    return nullptr;
  }
  bool closed;
  evhttp_bound_socket* b = accept_socket_owned(http, fd, &closed);
  if (b == nullptr && !closed) evutil_closesocket(fd);  // not twice
  return b;
}

void foreach_bound_socket(evhttp* http, evhttp_bound_socket_foreach_fn* fn, void* arg) {
  for (evhttp_bound_socket* b = http->sockets; b != nullptr;) {
    evhttp_bound_socket* next = b->next;  // fn may delete b
    fn(b, arg);
    b = next;
  }
}

void del_accept_socket(evhttp* http, evhttp_bound_socket* bound) {
  for (evhttp_bound_socket** p = &http->sockets; *p != nullptr; p = &(*p)->next) {
    if (*p == bound) {
      *p = bound->next;
      break;
    }
  }
  evconnlistener_free(bound->listener);
  mm_free(bound);
}

void server_set_content_type(evhttp* http, const char* content_type) {
  char* copy = content_type != nullptr ? mm_strdup(content_type) : nullptr;
  if (content_type != nullptr && copy == nullptr) return;
  mm_free(http->default_content_type);
  http->default_content_type = copy;
}

int server_set_cb(evhttp* http, const char* path, void (*cb)(evhttp_request*, void*), void* arg) {
  CbEntry** tail = &http->callbacks;
  for (; *tail != nullptr; tail = &(*tail)->next)
    if (std::strcmp((*tail)->path, path) == 0) return -1;
  auto* e = static_cast<CbEntry*>(mm_calloc(1, sizeof(CbEntry)));
  if (e == nullptr) return -2;
  e->path = mm_strdup(path);
  if (e->path == nullptr) {
    mm_free(e);
    return -3;
  }
  e->cb = cb;
  e->arg = arg;
  *tail = e;
  return 0;
}

int server_del_cb(evhttp* http, const char* path) {
  for (CbEntry** p = &http->callbacks; *p != nullptr; p = &(*p)->next) {
    if (std::strcmp((*p)->path, path) == 0) {
      CbEntry* e = *p;
      *p = e->next;
      mm_free(e->path);
      mm_free(e);
      return 0;
    }
  }
  return -1;
}

int vhost_add(evhttp* http, const char* pattern, evhttp* vhost) {
  // A vhost is one only once, and has no sockets of its own.
  if (vhost->vhost_pattern != nullptr || vhost->sockets != nullptr) return -1;
  vhost->vhost_pattern = mm_strdup(pattern);
  if (vhost->vhost_pattern == nullptr) return -1;
  evhttp** tail = &http->vhost_first;
  while (*tail != nullptr) tail = &(*tail)->vhost_next;
  vhost->vhost_next = nullptr;
  *tail = vhost;
  return 0;
}

int vhost_remove(evhttp* http, evhttp* vhost) {
  if (vhost->vhost_pattern == nullptr) return -1;
  for (evhttp** p = &http->vhost_first; *p != nullptr; p = &(*p)->vhost_next) {
    if (*p == vhost) {
      *p = vhost->vhost_next;
      vhost->vhost_next = nullptr;
      mm_free(vhost->vhost_pattern);
      vhost->vhost_pattern = nullptr;
      return 0;
    }
  }
  return -1;
}

int alias_add(evhttp* http, const char* alias) {
  auto* a = static_cast<Alias*>(mm_calloc(1, sizeof(Alias)));
  if (a == nullptr) return -1;
  a->alias = mm_strdup(alias);
  if (a->alias == nullptr) {
    mm_free(a);
    return -1;
  }
  Alias** tail = &http->aliases;
  while (*tail != nullptr) tail = &(*tail)->next;
  *tail = a;
  return 0;
}

int alias_remove(evhttp* http, const char* alias) {
  for (Alias** p = &http->aliases; *p != nullptr; p = &(*p)->next) {
    if (ascii_strieq((*p)->alias, alias)) {
      Alias* a = *p;
      *p = a->next;
      mm_free(a->alias);
      mm_free(a);
      return 0;
    }
  }
  return -1;
}

}  // namespace ev::http
