// evutil_getaddrinfo and evutil_gai_strerror.
//
// Results must be exactly what the system getaddrinfo() gives (that is what
// libevent returns on Linux), but numeric requests - an address literal or
// no host, a numeric port or none - are answered here without loading the
// resolver.  Anything we are not certain to answer identically (names,
// zones, unusual socket types, AI_ADDRCONFIG on a host lacking one family,
// error cases) goes to the system getaddrinfo().
#include <event2/util.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "util/addrinfo.hpp"
#include "util/chars.hpp"

namespace ev {
namespace {

// Returned by the numeric path when the system must answer instead.
constexpr int kAskSystem = 1;

constexpr int kKnownFlags = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV |
                            AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG;

struct SockType {
  int socktype;
  int protocol;
};

// The (socket type, protocol) entries the system produces for these hints,
// in its order; 0 entries means "ask the system".
int socket_types(int socktype, int protocol, bool have_service, SockType out[3]) {
  if (socktype == 0 && protocol == 0) {
    out[0] = {SOCK_STREAM, IPPROTO_TCP};
    out[1] = {SOCK_DGRAM, IPPROTO_UDP};
    out[2] = {SOCK_RAW, 0};
    return 3;
  }
  if ((socktype == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP)) ||
      (socktype == 0 && protocol == IPPROTO_TCP)) {
    out[0] = {SOCK_STREAM, IPPROTO_TCP};
    return 1;
  }
  if ((socktype == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) ||
      (socktype == 0 && protocol == IPPROTO_UDP)) {
    out[0] = {SOCK_DGRAM, IPPROTO_UDP};
    return 1;
  }
  if (socktype == SOCK_RAW && protocol == 0 && !have_service) {  // Raw sockets have no ports.
    out[0] = {SOCK_RAW, 0};
    return 1;
  }
  return 0;
}

// 1-5 decimal digits naming a port up to 65535; -1 for anything else.
int numeric_port(const char* s) {
  if (s == nullptr) return 0;
  int value = 0;
  int digits = 0;
  for (; is_digit(*s); ++s, ++digits) {
    if (digits == 5) return -1;
    value = value * 10 + (*s - '0');
  }
  return (digits > 0 && *s == '\0' && value <= 65535) ? value : -1;
}

// True when the host has both a non-loopback, non-link-local IPv4 and IPv6
// address, so that AI_ADDRCONFIG filters nothing.
bool has_both_address_families() {
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool v4 = false, v6 = false;
  for (struct ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127) v4 = true;
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) && !IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
        v6 = true;
    }
  }
  freeifaddrs(list);
  return v4 && v6;
}

void set_ipv4(sockaddr_storage* out, socklen_t* len, in_addr addr, int port) {
  auto* sin = reinterpret_cast<sockaddr_in*>(out);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(static_cast<uint16_t>(port));
  sin->sin_addr = addr;
  *len = sizeof(sockaddr_in);
}

void set_ipv6(sockaddr_storage* out, socklen_t* len, const in6_addr& addr, int port) {
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(static_cast<uint16_t>(port));
  sin6->sin6_addr = addr;
  *len = sizeof(sockaddr_in6);
}

// The address for the host part of a numeric request; false to ask the system.
bool numeric_address(const char* node, const struct addrinfo& hints, int port,
                     sockaddr_storage* out, socklen_t* len) {
  memset(out, 0, sizeof(*out));
  const int family = hints.ai_family;
  const bool passive = (hints.ai_flags & AI_PASSIVE) != 0;
  in_addr v4;
  in6_addr v6;

  if (node == nullptr) {
    // Wildcard or loopback.  With both families the system orders them by
    // local policy, so only a single requested family is answered here.
    if (family == AF_INET) {
      v4.s_addr = htonl(passive ? INADDR_ANY : INADDR_LOOPBACK);
      set_ipv4(out, len, v4, port);
    } else if (family == AF_INET6) {
      set_ipv6(out, len, passive ? in6addr_any : in6addr_loopback, port);
    } else {
      return false;
    }
    return true;
  }
  // The strict inet_pton() leaves out forms such as "1.2.3" or "010.1.1.1"
  // that the system reads its own way.
  if (inet_pton(AF_INET, node, &v4) == 1) {
    if (family != AF_INET6) {
      set_ipv4(out, len, v4, port);
      return true;
    }
    if ((hints.ai_flags & AI_V4MAPPED) == 0) return false;
    memset(&v6, 0, sizeof(v6));
    v6.s6_addr[10] = v6.s6_addr[11] = 0xff;
    memcpy(&v6.s6_addr[12], &v4, sizeof(v4));
    set_ipv6(out, len, v6, port);
    return true;
  }
  if (family != AF_INET && inet_pton(AF_INET6, node, &v6) == 1) {
    set_ipv6(out, len, v6, port);
    return true;
  }
  return false;
}

int getaddrinfo_numeric(const char* node, const char* service, const struct addrinfo& hints,
                        struct addrinfo** res) {
  const int flags = hints.ai_flags;
  if ((flags & ~kKnownFlags) != 0) return kAskSystem;
  if (hints.ai_family != AF_UNSPEC && hints.ai_family != AF_INET && hints.ai_family != AF_INET6)
    return kAskSystem;
  if (node == nullptr && (service == nullptr || (flags & AI_CANONNAME) != 0)) return kAskSystem;

  SockType types[3];
  int ntypes = socket_types(hints.ai_socktype, hints.ai_protocol, service != nullptr, types);
  int port = numeric_port(service);
  if (ntypes == 0 || port < 0) return kAskSystem;

  sockaddr_storage address;
  socklen_t address_len = 0;
  if (!numeric_address(node, hints, port, &address, &address_len)) return kAskSystem;
  if ((flags & AI_ADDRCONFIG) != 0 && !has_both_address_families()) return kAskSystem;

  struct addrinfo* head = nullptr;
  for (int i = ntypes - 1; i >= 0; --i) {
    struct addrinfo* ai = addrinfo_node(reinterpret_cast<sockaddr*>(&address), address_len,
                                        types[i].socktype, types[i].protocol, flags);
    if (ai == nullptr) {
      evutil_freeaddrinfo(head);
      return EVUTIL_EAI_MEMORY;
    }
    ai->ai_next = head;
    head = ai;
  }
  if ((flags & AI_CANONNAME) != 0) {
    head->ai_canonname = mm_strdup(node);
    if (head->ai_canonname == nullptr) {
      evutil_freeaddrinfo(head);
      return EVUTIL_EAI_MEMORY;
    }
  }
  *res = head;
  return 0;
}

}  // namespace
}  // namespace ev

extern "C" {

int evutil_getaddrinfo(const char* nodename, const char* servname,
                       const struct evutil_addrinfo* hints_in, struct evutil_addrinfo** res) {
  if (res == nullptr) {
    evpriv_warnx("%s: called with a NULL result pointer", __func__);
    errno = EINVAL;
    return EVUTIL_EAI_SYSTEM;
  }
  *res = nullptr;
  // Only these four hint fields mean anything; without hints, libevent asks
  // for any family with no flags (not glibc's AI_V4MAPPED|AI_ADDRCONFIG).
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  if (hints_in != nullptr) {
    hints.ai_flags = hints_in->ai_flags;
    hints.ai_family = hints_in->ai_family;
    hints.ai_socktype = hints_in->ai_socktype;
    hints.ai_protocol = hints_in->ai_protocol;
  }
  int r = ev::getaddrinfo_numeric(nodename, servname, hints, res);
  if (r != ev::kAskSystem) return r;
  r = getaddrinfo(nodename, servname, &hints, res);
  if (r != 0) *res = nullptr;
  return r;
}

const char* evutil_gai_strerror(int err) {
  switch (err) {
    case 0:
      return "No error";
    case EVUTIL_EAI_CANCEL:
      return "Request canceled";
    case EVUTIL_EAI_ADDRFAMILY:
      return "address family for nodename not supported";
    case EVUTIL_EAI_AGAIN:
      return "temporary failure in name resolution";
    case EVUTIL_EAI_BADFLAGS:
      return "invalid value for ai_flags";
    case EVUTIL_EAI_FAIL:
      return "non-recoverable failure in name resolution";
    case EVUTIL_EAI_FAMILY:
      return "ai_family not supported";
    case EVUTIL_EAI_MEMORY:
      return "memory allocation failure";
    case EVUTIL_EAI_NODATA:
      return "no address associated with nodename";
    case EVUTIL_EAI_NONAME:
      return "nodename nor servname provided, or not known";
    case EVUTIL_EAI_SERVICE:
      return "servname not supported for ai_socktype";
    case EVUTIL_EAI_SOCKTYPE:
      return "ai_socktype not supported";
    case EVUTIL_EAI_SYSTEM:
      return "system error";
    default:
      return gai_strerror(err);
  }
}

}  // extern "C"
