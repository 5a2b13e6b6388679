// evdns's diagnostics: evdns_set_log_fn's function, or the event log
// (debug messages only when debug logging is on).
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <netinet/in.h>

#include <cstdarg>
#include <cstdio>

#include "core/log.hpp"
#include "evdns/resolver.hpp"

namespace {
evdns_debug_log_fn_type g_log_fn = nullptr;
}

extern "C" void evdns_set_log_fn(evdns_debug_log_fn_type fn) { g_log_fn = fn; }

namespace ev::dns {

void dns_log(int severity, const char* fmt, ...) {
  bool debug = severity == EVENT_LOG_DEBUG;
  if (g_log_fn == nullptr && debug && !evpriv_debug_logging_enabled()) return;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (g_log_fn != nullptr) {
    g_log_fn(severity == EVENT_LOG_WARN ? 1 : 0, buf);
    return;
  }
  evpriv_log(severity, "%s", buf);
}

const char* format_addr(const sockaddr* sa, char* buf, std::size_t len) {
  char ip[64];
  if (sa->sa_family == AF_INET) {
    auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    evutil_inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
    std::snprintf(buf, len, "%s:%d", ip, ntohs(sin->sin_port));
  } else if (sa->sa_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    evutil_inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
    std::snprintf(buf, len, "[%s]:%d", ip, ntohs(sin6->sin6_port));
  } else {
    std::snprintf(buf, len, "<addr with socktype %d>", sa->sa_family);
  }
  return buf;
}

}  // namespace ev::dns
