// The C entry points of event2/listener.h: argument checks, preparing the
// listening socket, and one call into struct evconnlistener.
#include <event2/listener.h>
#include <event2/util.h>

#include <errno.h>
#include <sys/socket.h>

#include "core/base.hpp"
#include "core/log.hpp"
#include "listener/listener.hpp"

namespace ev {
namespace {

// listen() backlog used when the caller passes a negative one.
constexpr int kDefaultBacklog = 128;

// Creates a non-blocking stream socket for 'sa' with the bind-time options
// of 'flags', and binds it.  Returns -1 with errno set on failure, which (as
// libevent) logs nothing: a port in use is the caller's to report.
evutil_socket_t open_bound_socket(unsigned flags, const sockaddr* sa, int socklen) {
  int type = SOCK_STREAM;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  type |= SOCK_NONBLOCK;
  if (flags & LEV_OPT_CLOSE_ON_EXEC) type |= SOCK_CLOEXEC;
#endif
  const evutil_socket_t fd = socket(sa->sa_family, type, 0);
  if (fd < 0) return -1;
  bool ok = true;
#if !(defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC))
  ok = evutil_make_socket_nonblocking(fd) == 0 &&
       (!(flags & LEV_OPT_CLOSE_ON_EXEC) || evutil_make_socket_closeonexec(fd) == 0);
#endif
  // Like libevent, keep-alive is on for the listener, so accepted
  // connections inherit it and dead peers are eventually noticed.
  const int on = 1;
  ok = ok && setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == 0;
  if (ok && (flags & LEV_OPT_REUSEABLE)) ok = evutil_make_listen_socket_reuseable(fd) == 0;
  if (ok && (flags & LEV_OPT_REUSEABLE_PORT))
    ok = evutil_make_listen_socket_reuseable_port(fd) == 0;
  if (ok && (flags & LEV_OPT_DEFERRED_ACCEPT)) ok = evutil_make_tcp_listen_socket_deferred(fd) == 0;
  if (ok && (flags & LEV_OPT_BIND_IPV6ONLY)) ok = evutil_make_listen_socket_ipv6only(fd) == 0;
  ok = ok && bind(fd, sa, static_cast<socklen_t>(socklen)) == 0;
  if (ok) return fd;
  const int err = errno;
  evutil_closesocket(fd);
  errno = err;  // callers report the cause with perror()
  return -1;
}

// A NULL base is the current base event_init() made, as event_assign
// treats it (libevent's listener assigns its event with the caller's base).
event_base* base_or_current(event_base* base) { return base != nullptr ? base : g_current_base; }

}  // namespace
}  // namespace ev

extern "C" {

struct evconnlistener* evconnlistener_new(struct event_base* base, evconnlistener_cb cb, void* ptr,
                                          unsigned flags, int backlog, evutil_socket_t fd) {
  base = ev::base_or_current(base);
  if (base == nullptr || fd < 0) {
    evpriv_warnx("%s: %s", "evconnlistener_new", base == nullptr ? "no event base" : "bad socket");
    return nullptr;
  }
  // backlog 0: the caller already called listen().
  // A failed listen() is the caller's to report (errno kept), as in libevent.
  if (backlog != 0 && listen(fd, backlog > 0 ? backlog : ev::kDefaultBacklog) != 0) return nullptr;
  // The accept loop drains the socket until EAGAIN, so a blocking listening
  // socket would hang the event loop.
  if (evutil_make_socket_nonblocking(fd) != 0) return nullptr;
  if ((flags & LEV_OPT_CLOSE_ON_EXEC) && evutil_make_socket_closeonexec(fd) != 0) return nullptr;
  return evconnlistener::create(base, cb, ptr, flags, fd);
}

struct evconnlistener* evconnlistener_new_bind(struct event_base* base, evconnlistener_cb cb,
                                               void* ptr, unsigned flags, int backlog,
                                               const struct sockaddr* sa, int socklen) {
  base = ev::base_or_current(base);
  if (base == nullptr || sa == nullptr || socklen <= 0) {
    evpriv_warnx("%s: %s", "evconnlistener_new_bind",
                 base == nullptr ? "no event base" : "no address to bind");
    return nullptr;
  }
  if (backlog == 0) {
    // 0 means "already listening", which a socket made here cannot be.
    evpriv_warnx("evconnlistener_new_bind: backlog 0 is only for listening sockets");
    return nullptr;
  }
  const evutil_socket_t fd = ev::open_bound_socket(flags, sa, socklen);
  if (fd < 0) return nullptr;
  evconnlistener* lev = evconnlistener_new(base, cb, ptr, flags, backlog, fd);
  if (lev == nullptr) {
    const int err = errno;
    evutil_closesocket(fd);
    errno = err;
  }
  return lev;
}

void evconnlistener_free(struct evconnlistener* lev) {
  if (lev != nullptr) lev->release();
}

int evconnlistener_enable(struct evconnlistener* lev) {
  if (lev == nullptr) {
    evpriv_warnx("%s: no listener", "evconnlistener_enable");
    return -1;
  }
  return lev->set_enabled(true);
}

int evconnlistener_disable(struct evconnlistener* lev) {
  if (lev == nullptr) {
    evpriv_warnx("%s: no listener", "evconnlistener_disable");
    return -1;
  }
  return lev->set_enabled(false);
}

struct event_base* evconnlistener_get_base(struct evconnlistener* lev) {
  if (lev == nullptr) {
    evpriv_warnx("%s: no listener", "evconnlistener_get_base");
    return nullptr;
  }
  return lev->base();
}

evutil_socket_t evconnlistener_get_fd(struct evconnlistener* lev) {
  if (lev == nullptr) {
    evpriv_warnx("%s: no listener", "evconnlistener_get_fd");
    return -1;
  }
  return lev->fd();
}

void evconnlistener_set_cb(struct evconnlistener* lev, evconnlistener_cb cb, void* arg) {
  if (lev == nullptr) {
    evpriv_warnx("%s: no listener", "evconnlistener_set_cb");
    return;
  }
  lev->set_callback(cb, arg);
}

void evconnlistener_set_error_cb(struct evconnlistener* lev, evconnlistener_errorcb errorcb) {
  if (lev == nullptr) {
    evpriv_warnx("%s: no listener", "evconnlistener_set_error_cb");
    return;
  }
  lev->set_error_callback(errorcb);
}

}  // extern "C"
