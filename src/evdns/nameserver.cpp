// Nameservers: their UDP sockets, choosing one for a request, marking them
// down after failures and probing them back up.
#include <event2/util.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evdns/resolver.hpp"
#include "evdns/udp_batch.hpp"

namespace ev::dns {

namespace {

void nameserver_io(evutil_socket_t fd, short what, void* arg) {
  auto* ns = static_cast<Nameserver*>(arg);
  evdns_base* base = ns->owner;
  ev::LockGuard guard(base->lock);
  if (what & EV_WRITE) {
    ns->write_waiting = false;
    for (evdns_request* r = base->inflight_head; r != nullptr;) {
      evdns_request* next = r->next;
      if (r->ns == ns && r->transmit_pending) request_transmit(r);
      r = next;
    }
    nameserver_refresh_events(ns);
  }
  if (!(what & EV_READ)) return;
  RecvBatch batch;
  base->send_batching = true;  // queries this batch releases go out together
  bool ok = recv_batches(
      fd, batch, 8, [&](const uint8_t* msg, std::size_t len, sockaddr* from, socklen_t) {
        if (evutil_sockaddr_cmp(from, reinterpret_cast<sockaddr*>(&ns->addr), 1) != 0) {
          char a[128];
          dns_log(EVENT_LOG_WARN, "Address mismatch on received DNS packet.  Address was %s",
                  format_addr(from, a, sizeof(a)));
          return true;
        }
        // Callbacks are deferred, so the nameserver outlives this batch.
        reply_received(base, ns, msg, len, false);
        return true;
      });
  int err = errno;
  base->send_batching = false;
  flush_sends(base);
  if (!ok) dns_log(EVENT_LOG_WARN, "Error %s (%d) while reading request.", strerror(err), err);
}

void probe_callback(int result, char, int, int, void*, void* arg) {
  auto* ns = static_cast<Nameserver*>(arg);
  if (result == DNS_ERR_CANCEL || result == DNS_ERR_SHUTDOWN) return;
  ev::LockGuard guard(ns->owner->lock);
  ns->probe = nullptr;
  if (result == DNS_ERR_NONE || result == DNS_ERR_NOTEXIST || result == DNS_ERR_NODATA) {
    nameserver_up(ns);
    return;
  }
  // Still down: probe again later, backing off.
  timeval tv = ns->owner->probe_timeout;
  for (int i = 0; i < ns->failed_times && tv.tv_sec < 3600; ++i) tv.tv_sec *= 3;
  if (tv.tv_sec > 3600) tv.tv_sec = 3600;
  if (ns->failed_times < 32) ++ns->failed_times;
  evtimer_add(&ns->probe_timer, &tv);
}

void probe_timer_fired(evutil_socket_t, short, void* arg) {
  auto* ns = static_cast<Nameserver*>(arg);
  evdns_base* base = ns->owner;
  ev::LockGuard guard(base->lock);
  evdns_request* req = request_new(base, kTypeA, DNS_IPv4_A, "www.google.com", DNS_QUERY_NO_SEARCH,
                                   probe_callback, ns);
  if (req == nullptr) {
    evtimer_add(&ns->probe_timer, &base->probe_timeout);
    return;
  }
  req->is_probe = true;
  req->ns = ns;
  ns->probe = req;
  request_submit(req);
}

}  // namespace

void nameserver_refresh_events(Nameserver* ns) {
  evdns_base* base = ns->owner;
  bool want = !base->disable_when_inactive || ns->inflight > 0 || ns->write_waiting;
  short what = EV_READ | EV_PERSIST | (ns->write_waiting ? EV_WRITE : 0);
  if (ns->io_added && (event_get_events(&ns->io) != what || !want)) {
    event_del(&ns->io);
    ns->io_added = false;
  }
  if (want && !ns->io_added) {
    event_assign(&ns->io, base->ev_base, ns->fd, what, nameserver_io, ns);
    if (event_add(&ns->io, nullptr) == 0) ns->io_added = true;
  }
}

int nameserver_add(evdns_base* base, const sockaddr* sa, socklen_t len) {
  for (std::size_t i = 0; i < base->servers.size(); ++i)
    if (evutil_sockaddr_cmp(reinterpret_cast<sockaddr*>(&base->servers[i]->addr), sa, 1) == 0)
      return 3;
  if (len > sizeof(sockaddr_storage)) return 2;
  if (!base->servers.reserve(base->servers.size() + 1)) return 4;
  Nameserver* ns = ev::make<Nameserver>();
  if (ns == nullptr) return 4;
  ns->owner = base;
  std::memcpy(&ns->addr, sa, len);
  ns->addrlen = len;
  ns->fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (ns->fd < 0) {
    ev::destroy(ns);
    return 1;
  }
  if (base->so_rcvbuf > 0)
    setsockopt(ns->fd, SOL_SOCKET, SO_RCVBUF, &base->so_rcvbuf, sizeof(base->so_rcvbuf));
  if (base->so_sndbuf > 0)
    setsockopt(ns->fd, SOL_SOCKET, SO_SNDBUF, &base->so_sndbuf, sizeof(base->so_sndbuf));
  if (base->bind_addrlen > 0 && bind(ns->fd, reinterpret_cast<sockaddr*>(&base->bind_addr),
                                     static_cast<socklen_t>(base->bind_addrlen)) < 0) {
    dns_log(EVENT_LOG_WARN, "Couldn't bind to outgoing address");
    close(ns->fd);
    ev::destroy(ns);
    return 2;
  }
  // Connected: the kernel keeps the route and drops datagrams from any
  // other address (libevent compares the address after receiving).
  if (connect(ns->fd, sa, len) < 0) {
    dns_log(EVENT_LOG_WARN, "Couldn't connect to nameserver: %s", strerror(errno));
    close(ns->fd);
    ev::destroy(ns);
    return 2;
  }
  evtimer_assign(&ns->probe_timer, base->ev_base, probe_timer_fired, ns);
  // Inserted right after the current head of the rotation, as libevent's
  // ring does, so indexes and the rotation order match its.
  std::size_t n = base->servers.size();
  base->servers.push_back(ns);
  if (n > 0) {
    std::size_t at = static_cast<std::size_t>(base->next_server) % n + 1;
    for (std::size_t i = n; i > at; --i) base->servers[i] = base->servers[i - 1];
    base->servers[at] = ns;
    if (static_cast<std::size_t>(base->next_server) >= at) ++base->next_server;
  }
  ++base->good_servers;
  nameserver_refresh_events(ns);
  char a[128];
  dns_log(EVENT_LOG_DEBUG, "Added nameserver %s as %p", format_addr(sa, a, sizeof(a)),
          static_cast<void*>(ns));
  // Requests held while there were no nameservers can go now.
  requests_pump(base);
  return 0;
}

void nameserver_free(Nameserver* ns) {
  if (ns->io_added) event_del(&ns->io);
  event_del(&ns->probe_timer);
  if (ns->fd >= 0) close(ns->fd);
  ev::destroy(ns);
}

Nameserver* nameserver_pick(evdns_base* base) {
  int n = static_cast<int>(base->servers.size());
  if (n == 0) return nullptr;
  if (base->good_servers == 0) {
    // All down: spread the requests anyway, they double as probes.
    Nameserver* ns = base->servers[base->next_server % n];
    base->next_server = (base->next_server + 1) % n;
    return ns;
  }
  for (int i = 0; i < n; ++i) {
    Nameserver* ns = base->servers[(base->next_server + i) % n];
    if (ns->up) {
      base->next_server = (base->next_server + i + 1) % n;
      return ns;
    }
  }
  return base->servers[0];
}

void nameserver_failed(Nameserver* ns, const char* why) {
  if (!ns->up) return;
  evdns_base* base = ns->owner;
  char a[128];
  dns_log(EVENT_LOG_MSG, "Nameserver %s has failed: %s",
          format_addr(reinterpret_cast<sockaddr*>(&ns->addr), a, sizeof(a)), why);
  --base->good_servers;
  if (base->good_servers == 0) dns_log(EVENT_LOG_MSG, "All nameservers have failed");
  ns->up = false;
  ns->failed_times = 1;
  evtimer_add(&ns->probe_timer, &base->probe_timeout);
  if (base->good_servers == 0) return;
  // Move this server's requests to good ones.
  for (evdns_request* r = base->inflight_head; r != nullptr; r = r->next) {
    if (r->ns != ns || r->is_probe || r->tcp != nullptr) continue;
    if (r->tx_count >= base->max_retransmits) continue;
    Nameserver* other = nameserver_pick(base);
    if (other == nullptr || other == ns) continue;
    --ns->inflight;
    r->ns = other;
    ++other->inflight;
    nameserver_refresh_events(other);
    r->transmit_pending = true;
    request_transmit(r);
  }
  nameserver_refresh_events(ns);
}

void nameserver_up(Nameserver* ns) {
  if (ns->up) {
    ns->timedout = 0;
    return;
  }
  char a[128];
  dns_log(EVENT_LOG_MSG, "Nameserver %s is back up",
          format_addr(reinterpret_cast<sockaddr*>(&ns->addr), a, sizeof(a)));
  event_del(&ns->probe_timer);
  if (ns->probe != nullptr) {
    evdns_request* p = ns->probe;
    ns->probe = nullptr;
    request_cancel(p);
  }
  ns->up = true;
  ns->failed_times = 0;
  ns->timedout = 0;
  ++ns->owner->good_servers;
}

bool nameserver_send(Nameserver* ns, const uint8_t* pkt, std::size_t len) {
  ssize_t n =
      sendto(ns->fd, pkt, len, MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&ns->addr), ns->addrlen);
  if (n >= 0) return true;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    ns->write_waiting = true;
    nameserver_refresh_events(ns);
    return false;
  }
  char a[128];
  dns_log(EVENT_LOG_WARN, "Error %s (%d) while writing request to %s.", strerror(errno), errno,
          format_addr(reinterpret_cast<sockaddr*>(&ns->addr), a, sizeof(a)));
  nameserver_failed(ns, strerror(errno));
  return true;  // the timeout retries it
}

}  // namespace ev::dns
