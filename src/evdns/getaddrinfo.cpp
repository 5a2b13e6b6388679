// evdns_getaddrinfo: numeric hosts and hosts-file names answered at once,
// other names through an A and/or an AAAA request whose answers are merged
// (IPv4 first); once one family has answered, the other gets
// getaddrinfo-allow-skew more time before the answer goes out without it.
#include <event2/dns.h>
#include <event2/event.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstdlib>
#include <cstring>

#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evdns/gai_hook.hpp"
#include "evdns/resolver.hpp"
#include "util/addrinfo.hpp"
#include "util/evdns_hook.hpp"

struct evdns_getaddrinfo_request {
  evdns_base* base;
  evutil_addrinfo hints;
  int port;
  evdns_getaddrinfo_cb cb;
  void* arg;
  evdns_request* r4;
  evdns_request* r6;
  evutil_addrinfo* pending_result;
  int pending_error;
  event skew_timer;
  bool user_canceled;
  bool delivered;
  char* cname;  // the canonical name, when AI_CANONNAME asked for it
};

namespace ev::dns {

namespace {

int dns_to_eai(int err) {
  if (err == DNS_ERR_NONE) return 0;
  if (err == DNS_ERR_NOTEXIST) return EVUTIL_EAI_NONAME;
  return EVUTIL_EAI_FAIL;
}

void gai_free(evdns_getaddrinfo_request* g) {
  event_del(&g->skew_timer);
  if (g->pending_result != nullptr) evutil_freeaddrinfo(g->pending_result);
  mm_free(g->cname);
  mm_free(g);
}

void add_cname(evdns_getaddrinfo_request* g, evutil_addrinfo* res) {
  if (g->cname == nullptr || res == nullptr || res->ai_canonname != nullptr) return;
  res->ai_canonname = g->cname;
  g->cname = nullptr;
}

void deliver(evdns_getaddrinfo_request* g, int err, evutil_addrinfo* res) {
  g->delivered = true;
  if (res != nullptr) add_cname(g, res);
  g->cb(err, res, g->arg);
}

void skew_fired(evutil_socket_t, short, void* arg) {
  auto* g = static_cast<evdns_getaddrinfo_request*>(arg);
  if (g->base == nullptr) return;
  ev::LockGuard guard(g->base->lock);
  if (g->delivered || g->user_canceled) return;
  evdns_request* other = g->r4 != nullptr ? g->r4 : g->r6;
  if (other != nullptr) request_cancel(other);
  evutil_addrinfo* res = g->pending_result;
  g->pending_result = nullptr;
  if (res != nullptr)
    deliver(g, 0, res);
  else
    deliver(g, g->pending_error, nullptr);
  // The cancelled request's callback frees g.
}

void arm_skew(evdns_getaddrinfo_request* g) {
  if (g->base == nullptr) return;
  if (!evtimer_pending(&g->skew_timer, nullptr)) evtimer_add(&g->skew_timer, &g->base->allow_skew);
}

evutil_addrinfo* build_list(evdns_getaddrinfo_request* g, bool v4, int count, const void* addrs) {
  evutil_addrinfo* res = nullptr;
  for (int i = 0; i < count; ++i) {
    sockaddr_storage ss{};
    socklen_t len;
    if (v4) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(static_cast<uint16_t>(g->port));
      std::memcpy(&sin->sin_addr, static_cast<const uint8_t*>(addrs) + 4 * i, 4);
      len = sizeof(sockaddr_in);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(static_cast<uint16_t>(g->port));
      std::memcpy(&sin6->sin6_addr, static_cast<const uint8_t*>(addrs) + 16 * i, 16);
      len = sizeof(sockaddr_in6);
    }
    evutil_addrinfo* ai = evpriv_addrinfo_new(reinterpret_cast<sockaddr*>(&ss), len, &g->hints);
    if (ai == nullptr) {
      if (res != nullptr) evutil_freeaddrinfo(res);
      return nullptr;
    }
    res = evpriv_addrinfo_append(res, ai);
  }
  return res;
}

void sub_done(evdns_getaddrinfo_request* g, bool v4, int result, int count, void* addrs) {
  evdns_request* me = v4 ? g->r4 : g->r6;
  (void)me;
  if (v4)
    g->r4 = nullptr;
  else
    g->r6 = nullptr;
  bool other_pending = (v4 ? g->r6 : g->r4) != nullptr;
  if (result == DNS_ERR_SHUTDOWN) g->base = nullptr;
  ev::LockGuard guard(g->base != nullptr ? g->base->lock : nullptr);
  if (g->base != nullptr && result != DNS_ERR_CANCEL && result != DNS_ERR_TIMEOUT) {
    if (v4)
      ++g->base->gai_ipv4_answered;
    else
      ++g->base->gai_ipv6_answered;
  }
  if (g->delivered || (result == DNS_ERR_CANCEL && !g->user_canceled)) {
    if (!other_pending) gai_free(g);
    return;
  }
  if (g->user_canceled) {
    if (other_pending) return;
    g->cb(EVUTIL_EAI_CANCEL, nullptr, g->arg);
    gai_free(g);
    return;
  }
  int err = result == DNS_ERR_NONE ? (count == 0 ? EVUTIL_EAI_NODATA : 0) : dns_to_eai(result);
  if (err != 0) {
    if (other_pending) {
      if (result != DNS_ERR_SHUTDOWN) arm_skew(g);
      g->pending_error = err;
      return;
    }
    if (g->pending_result != nullptr) {
      evutil_addrinfo* res = g->pending_result;
      g->pending_result = nullptr;
      deliver(g, 0, res);
    } else {
      deliver(g, err, nullptr);
    }
    gai_free(g);
    return;
  }
  evutil_addrinfo* res = build_list(g, v4, count, addrs);
  if (res == nullptr) {
    evdns_request* other = v4 ? g->r6 : g->r4;
    if (other != nullptr) request_cancel(other);
    deliver(g, EVUTIL_EAI_MEMORY, nullptr);
    if (!other_pending) gai_free(g);
    return;
  }
  if (g->pending_result != nullptr) {
    res = v4 ? evpriv_addrinfo_append(res, g->pending_result)
             : evpriv_addrinfo_append(g->pending_result, res);
    g->pending_result = nullptr;
  }
  if (other_pending) {
    g->pending_result = res;
    arm_skew(g);
    return;
  }
  deliver(g, 0, res);
  gai_free(g);
}

void cb4(int result, char, int count, int, void* addrs, void* arg) {
  sub_done(static_cast<evdns_getaddrinfo_request*>(arg), true, result, count, addrs);
}
void cb6(int result, char, int count, int, void* addrs, void* arg) {
  sub_done(static_cast<evdns_getaddrinfo_request*>(arg), false, result, count, addrs);
}

// The family of a numeric host (0 when not numeric).
int numeric_family(const char* node) {
  uint8_t buf[16];
  if (evutil_inet_pton(AF_INET, node, buf) == 1) return AF_INET;
  const char* pct = std::strchr(node, '%');
  if (pct == nullptr) return evutil_inet_pton(AF_INET6, node, buf) == 1 ? AF_INET6 : 0;
  char tmp[64];
  std::size_t n = static_cast<std::size_t>(pct - node);
  if (n >= sizeof(tmp)) return 0;
  std::memcpy(tmp, node, n);
  tmp[n] = '\0';
  return evutil_inet_pton(AF_INET6, tmp, buf) == 1 ? AF_INET6 : 0;
}

// The port of a service: -1 when unknown.
int service_port(const char* service, const evutil_addrinfo& hints) {
  if (service == nullptr) return 0;
  char* end;
  long v = std::strtol(service, &end, 10);
  if (*service != '\0' && *end == '\0') return v >= 0 && v <= 65535 ? static_cast<int>(v) : -1;
  if (hints.ai_flags & EVUTIL_AI_NUMERICSERV) return -1;
  const char* proto =
      hints.ai_protocol == IPPROTO_UDP || hints.ai_socktype == SOCK_DGRAM ? "udp" : "tcp";
  servent* se = getservbyname(service, proto);
  return se != nullptr ? ntohs(static_cast<uint16_t>(se->s_port)) : -1;
}

// Answers from the hosts entries: false when no entry has the name (an
// entry of the other family only gives an empty answer, as in libevent).
bool from_hosts(evdns_base* base, const char* node, const evutil_addrinfo& hints, int port,
                evutil_addrinfo** out) {
  evutil_addrinfo* res = nullptr;
  bool found = false;
  for (std::size_t i = 0; i < base->hosts.size(); ++i) {
    const evdns_base::HostEntry& e = base->hosts[i];
    if (evutil_ascii_strcasecmp(e.name, node) != 0) continue;
    found = true;
    int fam = e.addr.ss_family;
    if (hints.ai_family != AF_UNSPEC && hints.ai_family != fam) continue;
    sockaddr_storage ss = e.addr;
    if (fam == AF_INET)
      reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(port);
    else
      reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(port);
    evutil_addrinfo* ai = evpriv_addrinfo_new(reinterpret_cast<sockaddr*>(&ss), e.addrlen, &hints);
    if (ai == nullptr) continue;
    res = evpriv_addrinfo_append(res, ai);
  }
  *out = res;
  return found;
}

}  // namespace

evdns_getaddrinfo_request* getaddrinfo_start(evdns_base* base, const char* node,
                                             const char* service, const evutil_addrinfo* hints_in,
                                             evdns_getaddrinfo_cb cb, void* arg) {
  evutil_addrinfo hints{};
  if (hints_in != nullptr) {
    hints.ai_flags = hints_in->ai_flags;
    hints.ai_family = hints_in->ai_family;
    hints.ai_socktype = hints_in->ai_socktype;
    hints.ai_protocol = hints_in->ai_protocol;
  }
  if (hints.ai_family != AF_UNSPEC && hints.ai_family != AF_INET && hints.ai_family != AF_INET6) {
    cb(EVUTIL_EAI_FAMILY, nullptr, arg);
    return nullptr;
  }
  int port = service_port(service, hints);
  if (port < 0) {
    cb(EVUTIL_EAI_NONAME, nullptr, arg);
    return nullptr;
  }
  // Numeric hosts of the family asked for (and NUMERICHOST) need no query;
  // a numeric host of the other family is asked for as a name, as libevent does.
  int numeric = node != nullptr ? numeric_family(node) : 0;
  if (node == nullptr || (hints.ai_flags & EVUTIL_AI_NUMERICHOST) ||
      (numeric != 0 && (hints.ai_family == AF_UNSPEC || hints.ai_family == numeric))) {
    evutil_addrinfo* res = nullptr;
    int err = evutil_getaddrinfo(node, service, &hints, &res);
    cb(err, res, arg);
    return nullptr;
  }
  evutil_addrinfo* hosts_res = nullptr;
  if (from_hosts(base, node, hints, port, &hosts_res)) {
    cb(0, hosts_res, arg);
    return nullptr;
  }
  auto* g =
      static_cast<evdns_getaddrinfo_request*>(mm_calloc(1, sizeof(evdns_getaddrinfo_request)));
  if (g == nullptr) {
    cb(EVUTIL_EAI_MEMORY, nullptr, arg);
    return nullptr;
  }
  g->base = base;
  g->hints = hints;
  g->port = port;
  g->cb = cb;
  g->arg = arg;
  evtimer_assign(&g->skew_timer, base->ev_base, skew_fired, g);
  bool want4 = hints.ai_family != AF_INET6;
  bool want6 = hints.ai_family != AF_INET;
  if (want4) {
    g->r4 = request_new(base, kTypeA, DNS_IPv4_A, node, 0, cb4, g);
    if (g->r4 != nullptr && (hints.ai_flags & EVUTIL_AI_CANONNAME)) g->r4->cname_out = &g->cname;
  }
  if (want6) {
    g->r6 = request_new(base, kTypeAAAA, DNS_IPv6_AAAA, node, 0, cb6, g);
    if (g->r6 != nullptr && (hints.ai_flags & EVUTIL_AI_CANONNAME) && !want4)
      g->r6->cname_out = &g->cname;
  }
  if ((want4 && g->r4 == nullptr) || (want6 && g->r6 == nullptr)) {
    // Requests not yet submitted are freed here without callbacks.
    if (g->r4 != nullptr) request_drop_callback(g->r4);
    if (g->r6 != nullptr) request_drop_callback(g->r6);
    mm_free(g);
    cb(EVUTIL_EAI_MEMORY, nullptr, arg);
    return nullptr;
  }
  if (g->r4 != nullptr) request_submit(g->r4);
  if (g->r6 != nullptr) request_submit(g->r6);
  // A request can finish at once (invalid name); its callback is deferred,
  // so g is still alive here.
  return g;
}

void getaddrinfo_cancel(evdns_getaddrinfo_request* g) {
  ev::LockGuard guard(g->base != nullptr ? g->base->lock : nullptr);
  if (g->delivered || g->user_canceled) return;
  g->user_canceled = true;
  event_del(&g->skew_timer);
  if (g->r4 != nullptr) request_cancel(g->r4);
  if (g->r6 != nullptr) request_cancel(g->r6);
}

}  // namespace ev::dns
