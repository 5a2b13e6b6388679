// resolv.conf and hosts parsing (see parsers.hpp).
#include "evdns/parsers.hpp"

#include <event2/util.h>
#include <netinet/in.h>

#include <cstring>

#include "core/mm.hpp"

namespace ev::dns {

namespace {

bool is_delim(char c) { return c == ' ' || c == '\t'; }

// Splits line[0, n) (writable, NUL-terminated) into tokens in place.
class Tokens {
 public:
  explicit Tokens(char* line) : p_(line) {}
  char* next() {
    while (*p_ != '\0' && is_delim(*p_)) ++p_;
    if (*p_ == '\0') return nullptr;
    char* start = p_;
    while (*p_ != '\0' && !is_delim(*p_)) ++p_;
    if (*p_ != '\0') *p_++ = '\0';
    return start;
  }

 private:
  char* p_;
};

// Calls fn(ctx, line) with each line as a writable NUL-terminated copy.
template <class Fn>
bool each_line(const char* data, std::size_t len, Fn fn) {
  const void* nul = std::memchr(data, '\0', len);
  if (nul != nullptr) len = static_cast<std::size_t>(static_cast<const char*>(nul) - data);
  char* copy = static_cast<char*>(mm_malloc(len + 1));
  if (copy == nullptr) return false;
  std::memcpy(copy, data, len);
  copy[len] = '\0';
  char* start = copy;
  for (;;) {
    char* nl = std::strchr(start, '\n');
    if (nl != nullptr) *nl = '\0';
    fn(start);
    if (nl == nullptr) break;
    start = nl + 1;
  }
  mm_free(copy);
  return true;
}

}  // namespace

bool parse_resolv_conf(const char* data, std::size_t len, ConfVisitor visit, void* ctx) {
  return each_line(data, len, [&](char* line) {
    Tokens t(line);
    char* key = t.next();
    if (key == nullptr) return;
    if (std::strcmp(key, "nameserver") == 0) {
      if (char* ns = t.next()) visit(ctx, ConfItem::Nameserver, ns, "");
    } else if (std::strcmp(key, "domain") == 0) {
      if (char* d = t.next()) visit(ctx, ConfItem::Domain, d, "");
    } else if (std::strcmp(key, "search") == 0) {
      visit(ctx, ConfItem::SearchClear, "", "");
      while (char* d = t.next()) visit(ctx, ConfItem::SearchAdd, d, "");
    } else if (std::strcmp(key, "options") == 0) {
      while (char* opt = t.next()) {
        const char* colon = std::strchr(opt, ':');
        visit(ctx, ConfItem::Option, opt, colon != nullptr ? colon + 1 : "");
      }
    }
  });
}

bool parse_hosts(const char* data, std::size_t len, HostsVisitor visit, void* ctx) {
  return each_line(data, len, [&](char* line) {
    Tokens t(line);
    char* addr = t.next();
    if (addr == nullptr || *addr == '#') return;
    sockaddr_storage ss{};
    int salen = sizeof(ss);
    if (evutil_parse_sockaddr_port(addr, reinterpret_cast<sockaddr*>(&ss), &salen) < 0) return;
    if (salen > static_cast<int>(sizeof(sockaddr_in6))) return;
    uint16_t port = ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                            : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port;
    if (port != 0) return;
    while (char* name = t.next()) {
      char* hash = std::strchr(name, '#');
      if (hash == name) return;
      if (hash != nullptr) *hash = '\0';
      visit(ctx, name, reinterpret_cast<sockaddr*>(&ss), salen);
      if (hash != nullptr) return;
    }
  });
}

}  // namespace ev::dns
