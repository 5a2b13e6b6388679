// Connecting socket bufferevents (by address or by host name) and the
// socket-only compatibility entry points.
#include <event2/bufferevent.h>
// The compat header has no C++ guards of its own (neither has libevent's).
extern "C" {
#include <event2/bufferevent_compat.h>
}
#include <event2/util.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "bufferevent/api_util.hpp"
#include "bufferevent/socket.hpp"
#include "bufferevent/socket_uring.hpp"
#include "util/evdns_hook.hpp"

namespace {

// Socket bufferevents and the types that behave like them (OpenSSL over a
// socket).
bool connectable(const bufferevent* bev) {
  return ev::is_socket_bev(bev) || bev->be_ops->connectable;
}

// 1 connected at once, 0 in progress, 2 refused at once, -1 failed.
int start_connect(evutil_socket_t fd, const sockaddr* sa, int socklen) {
  if (connect(fd, sa, static_cast<socklen_t>(socklen)) == 0) return 1;
  int err = errno;
  if (err == EINPROGRESS || err == EINTR) return 0;
  if (err == ECONNREFUSED) return 2;
  return -1;
}

// Starts the connect with the lock held; see bufferevent_socket_connect.
int connect_locked(bufferevent* bev, const sockaddr* sa, int socklen) {
  // A TLS bufferevent over another one: the transport connects, and the
  // TLS layer goes on talking through it (its handshake waits for it).
  if (!ev::is_socket_bev(bev) && bev->be_ops->get_underlying != nullptr) {
    if (bufferevent* u = bev->be_ops->get_underlying(bev); u != nullptr) {
      if (!connectable(u)) {
        evpriv_warnx("bufferevent_socket_connect: the underlying bufferevent has no socket");
        return -1;
      }
      ev::BevHold hold(u);
      return connect_locked(u, sa, socklen);
    }
  }
  ev::BevCore* c = ev::core_of(bev);
  evutil_socket_t fd = event_get_fd(&bev->ev_read);
  bool own_fd = false;
  if (fd < 0) {
    if (sa == nullptr) {
      evpriv_warnx("bufferevent_socket_connect: no socket and no address");
      return -1;
    }
    fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      evpriv_warn("bufferevent_socket_connect: socket");
      return -1;
    }
    own_fd = true;
  }
  int r = 0;  // without an address the caller already started a connect
  if (sa != nullptr) {
    r = start_connect(fd, sa, socklen);
    if (r < 0) {
      if (own_fd) {
        int err = errno;
        evutil_closesocket(fd);
        errno = err;
      }
      return -1;
    }
  }
  if (ev::is_socket_bev(bev)) c->connect_setup = true;
  bev->be_ops->set_fd(bev, fd);
  if (r == 0) {
    // Writability tells us how the connect ended.
    if (ev::bev_add_event(&bev->ev_write, &bev->timeout_write) < 0) return -1;
    c->connecting = true;
  } else if (r == 1) {
    c->connecting = true;
    event_active(&bev->ev_write, EV_WRITE, 1);
  } else {
    // Refused at once: report it from the loop, as a later failure would be.
    ev::bev_run_eventcb(bev, BEV_EVENT_ERROR, BEV_OPT_DEFER_CALLBACKS);
    ev::bev_disable_locked(bev, EV_READ | EV_WRITE);
  }
  return 0;
}

// The asynchronous lookup's answer: connect to the first address, or
// report the EVUTIL_EAI_* error.  Drops the reference taken for the lookup.
void hostname_resolved(int err, evutil_addrinfo* ai, void* arg) {
  auto* bev = static_cast<bufferevent*>(arg);
  {
    ev::BevHold hold(bev);
    if (err != 0 || ai == nullptr) {
      if (ev::BevExtra* x = ev::bev_extra(ev::core_of(bev)); x != nullptr)
        x->dns_error = err != 0 ? err : EVUTIL_EAI_FAIL;
      ev::bev_run_eventcb(bev, BEV_EVENT_ERROR, 0);
    } else if (connect_locked(bev, ai->ai_addr, static_cast<int>(ai->ai_addrlen)) < 0) {
      ev::bev_run_eventcb(bev, BEV_EVENT_ERROR, 0);
    }
  }
  if (ai != nullptr) evutil_freeaddrinfo(ai);
  bufferevent_decref(bev);
}

}  // namespace

extern "C" {

int bufferevent_socket_connect(struct bufferevent* bev, const struct sockaddr* sa, int socklen) {
  BEV_CHECK(bev, -1);
  if (!connectable(bev)) {
    evpriv_warnx("%s: not a socket bufferevent", __func__);
    return -1;
  }
  if (sa != nullptr && socklen <= 0) {
    evpriv_warnx("%s: bad address length %d", __func__, socklen);
    return -1;
  }
  ev::BevHold hold(bev);
  return connect_locked(bev, sa, socklen);
}

// Resolves and connects to the first address: through evdns_getaddrinfo
// (installed by libevent_extra, see util/evdns_hook.hpp) when an evdns_base
// is given, otherwise with the blocking evutil_getaddrinfo.  A failed lookup returns 0 and reports
// BEV_EVENT_ERROR through the event callback, with the EVUTIL_EAI_* code in
// bufferevent_socket_get_dns_error.
int bufferevent_socket_connect_hostname(struct bufferevent* bev, struct evdns_base* evdns_base,
                                        int family, const char* hostname, int port) {
  BEV_CHECK(bev, -1);
  BEV_CHECK(hostname, -1);
  if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC) {
    evpriv_warnx("%s: unsupported address family %d", __func__, family);
    return -1;
  }
  if (port < 1 || port > 65535) {
    evpriv_warnx("%s: port %d out of range", __func__, port);
    return -1;
  }
  if (!connectable(bev)) {
    evpriv_warnx("%s: not a socket bufferevent", __func__);
    return -1;
  }
  char portbuf[8];
  std::snprintf(portbuf, sizeof(portbuf), "%d", port);
  evutil_addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  evpriv_dns_gai_fn async = evdns_base != nullptr ? evpriv_get_dns_getaddrinfo() : nullptr;
  if (async != nullptr) {
    {
      ev::BevHold hold(bev);
      ev::BevCore* c = ev::core_of(bev);
      if (c->extra != nullptr) c->extra->dns_error = 0;
    }
    bufferevent_incref(bev);  // dropped by hostname_resolved
    async(evdns_base, hostname, portbuf, &hints, hostname_resolved, bev);
    return 0;
  }
  ev::BevHold hold(bev);
  ev::BevCore* c = ev::core_of(bev);
  if (c->extra != nullptr) c->extra->dns_error = 0;
  evutil_addrinfo* ai = nullptr;
  int err = evutil_getaddrinfo(hostname, portbuf, &hints, &ai);
  if (err != 0) {
    // Without memory for it the code reads as 0; the error is reported.
    if (ev::BevExtra* x = ev::bev_extra(c); x != nullptr) x->dns_error = err;
    ev::bev_run_eventcb(bev, BEV_EVENT_ERROR, 0);
    return 0;
  }
  if (connect_locked(bev, ai->ai_addr, static_cast<int>(ai->ai_addrlen)) < 0)
    ev::bev_run_eventcb(bev, BEV_EVENT_ERROR, 0);
  evutil_freeaddrinfo(ai);
  return 0;
}

int bufferevent_socket_get_dns_error(struct bufferevent* bev) {
  BEV_CHECK(bev, -1);
  ev::bev_lock(bev);
  const ev::BevExtra* x = ev::core_of(bev)->extra;
  int r = x != nullptr ? x->dns_error : 0;
  ev::bev_unlock(bev);
  return r;
}

int bufferevent_base_set(struct event_base* base, struct bufferevent* bufev) {
  BEV_CHECK(base, -1);
  BEV_CHECK(bufev, -1);
  ev::BevHold hold(bufev);
  if (!ev::is_socket_bev(bufev)) return -1;
  // Completion IO belongs to one base: leave it, and join the new base's.
  const bool completion = ev::core_of(bufev)->cio != nullptr;
  if (completion) {
    event_del(&bufev->ev_read);
    event_del(&bufev->ev_write);
    ev::uring_detach(bufev, false);
  }
  if (event_base_set(base, &bufev->ev_read) == -1) return -1;
  if (event_base_set(base, &bufev->ev_write) == -1) return -1;
  bufev->ev_base = base;
  evutil_socket_t fd = event_get_fd(&bufev->ev_read);
  if (completion) ev::socket_assign_fd(bufev, fd);
  ev::uring_attach(bufev, fd);
  return 0;
}

struct bufferevent* bufferevent_new(evutil_socket_t fd, evbuffercb readcb, evbuffercb writecb,
                                    everrorcb errorcb, void* cbarg) {
  bufferevent* bev = bufferevent_socket_new(nullptr, fd, 0);
  if (bev != nullptr) bufferevent_setcb(bev, readcb, writecb, errorcb, cbarg);
  return bev;
}

}  // extern "C"
