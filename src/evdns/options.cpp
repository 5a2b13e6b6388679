// Resolver configuration: evdns_base_set_option's options, applying a
// parsed resolv.conf, hosts files and the search list.
#include <event2/util.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/mm.hpp"
#include "evdns/parsers.hpp"
#include "evdns/resolver.hpp"

namespace ev::dns {

namespace {

// "name" or "name:anything" matches option "name:".
bool option_is(const char* s, const char* option) {
  std::size_t optlen = std::strlen(option);
  std::size_t slen = std::strlen(s);
  if (slen == optlen || slen == optlen - 1) return std::strncmp(s, option, slen) == 0;
  if (slen > optlen) return std::strncmp(s, option, optlen) == 0;
  return false;
}

int to_int(const char* s) {
  char* end;
  long v = std::strtol(s, &end, 10);
  if (*end != '\0') return -1;
  return static_cast<int>(v);
}

int to_int_clipped(const char* s, int lo, int hi) {
  int v = to_int(s);
  if (v == -1) return -1;
  return v < lo ? lo : v > hi ? hi : v;
}

bool to_timeval(const char* s, timeval* out) {
  char* end;
  double d = std::strtod(s, &end);
  // Beyond what a timeval's int seconds hold (libevent's cast is undefined
  // there): invalid.  NaN fails both comparisons and is rejected too.
  if (*end != '\0' || !(d >= 0) || !(d < 2147483647.0)) return false;
  out->tv_sec = static_cast<int>(d);
  out->tv_usec = static_cast<int>((d - static_cast<int>(d)) * 1000000);
  return !(out->tv_sec == 0 && out->tv_usec < 1000);
}

}  // namespace

int set_option(evdns_base* base, const char* option, const char* val, int flags) {
  if (option_is(option, "ndots:")) {
    int v = to_int(val);
    if (v == -1) return -1;
    if (flags & DNS_OPTION_SEARCH) base->ndots = v;
  } else if (option_is(option, "timeout:")) {
    timeval tv;
    if (!to_timeval(val, &tv)) return -1;
    if (flags & DNS_OPTION_MISC) base->timeout = tv;
  } else if (option_is(option, "getaddrinfo-allow-skew:")) {
    timeval tv;
    if (!to_timeval(val, &tv)) return -1;
    if (flags & DNS_OPTION_MISC) base->allow_skew = tv;
  } else if (option_is(option, "max-timeouts:")) {
    int v = to_int_clipped(val, 1, 255);
    if (v == -1) return -1;
    if (flags & DNS_OPTION_MISC) base->max_timeouts = v;
  } else if (option_is(option, "max-inflight:")) {
    int v = to_int_clipped(val, 1, 65000);
    if (v == -1) return -1;
    if (flags & DNS_OPTION_MISC) {
      base->max_inflight = v;
      requests_pump(base);
    }
  } else if (option_is(option, "attempts:")) {
    int v = to_int(val);
    if (v == -1) return -1;
    if (v > 255) v = 255;
    if (flags & DNS_OPTION_MISC) base->max_retransmits = v;
  } else if (option_is(option, "randomize-case:")) {
    int v = to_int(val);
    if (v == -1) return -1;
    if (flags & DNS_OPTION_MISC) base->randomize_case = v;
  } else if (option_is(option, "bind-to:")) {
    if (!(flags & DNS_OPTION_NAMESERVERS)) return 0;
    int len = sizeof(base->bind_addr);
    if (evutil_parse_sockaddr_port(val, reinterpret_cast<sockaddr*>(&base->bind_addr), &len) != 0)
      return -1;
    base->bind_addrlen = len;
  } else if (option_is(option, "initial-probe-timeout:")) {
    timeval tv;
    if (!to_timeval(val, &tv)) return -1;
    if (tv.tv_sec > 3600) tv.tv_sec = 3600;
    if (flags & DNS_OPTION_MISC) base->probe_timeout = tv;
  } else if (option_is(option, "so-rcvbuf:")) {
    int v = to_int(val);
    if (v == -1) return -1;
    if (flags & DNS_OPTION_MISC) base->so_rcvbuf = v;
  } else if (option_is(option, "so-sndbuf:")) {
    int v = to_int(val);
    if (v == -1) return -1;
    if (flags & DNS_OPTION_MISC) base->so_sndbuf = v;
  }
  return 0;
}

void search_clear(evdns_base* base) {
  for (std::size_t i = 0; i < base->search.size(); ++i) mm_free(base->search[i]);
  base->search.clear();
}

void search_add(evdns_base* base, const char* domain) {
  while (*domain == '.') ++domain;
  char* copy = mm_strdup(domain);
  if (copy == nullptr) return;
  if (!base->search.push_back(copy)) mm_free(copy);
}

namespace {

void search_from_hostname(evdns_base* base) {
  search_clear(base);
  char host[256];
  if (gethostname(host, sizeof(host)) != 0) return;
  host[sizeof(host) - 1] = '\0';
  const char* dot = std::strchr(host, '.');
  if (dot != nullptr) search_add(base, dot);
}

struct Apply {
  evdns_base* base;
  int flags;
};

void apply_item(void* ctx, ConfItem item, const char* a, const char* b) {
  auto* ap = static_cast<Apply*>(ctx);
  evdns_base* base = ap->base;
  switch (item) {
    case ConfItem::Nameserver:
      if (ap->flags & DNS_OPTION_NAMESERVERS) evdns_base_nameserver_ip_add(base, a);
      break;
    case ConfItem::Domain:
      if (ap->flags & DNS_OPTION_SEARCH) {
        search_clear(base);
        search_add(base, a);
      }
      break;
    case ConfItem::SearchClear:
      if (ap->flags & DNS_OPTION_SEARCH) search_clear(base);
      break;
    case ConfItem::SearchAdd:
      if (ap->flags & DNS_OPTION_SEARCH) search_add(base, a);
      break;
    case ConfItem::Option:
      set_option(base, a, b, ap->flags);
      break;
  }
}

// Reads a whole file into memory: 0, -1 when it cannot be opened, -2 on
// other errors.
int read_file(const char* name, char** out, std::size_t* len) {
  FILE* f = std::fopen(name, "rb");
  if (f == nullptr) return -1;
  std::size_t cap = 4096, n = 0;
  char* buf = static_cast<char*>(mm_malloc(cap));
  if (buf == nullptr) {
    std::fclose(f);
    return -2;
  }
  for (;;) {
    if (n == cap) {
      if (cap >= (64u << 20)) break;  // larger files are cut
      char* bigger = static_cast<char*>(mm_realloc(buf, cap * 2));
      if (bigger == nullptr) {
        mm_free(buf);
        std::fclose(f);
        return -2;
      }
      buf = bigger;
      cap *= 2;
    }
    std::size_t got = std::fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) {
    mm_free(buf);
    return -2;
  }
  *out = buf;
  *len = n;
  return 0;
}

void hosts_add(void* ctx, const char* name, const sockaddr* sa, int salen) {
  auto* base = static_cast<evdns_base*>(ctx);
  evdns_base::HostEntry e{};
  std::memcpy(&e.addr, sa, static_cast<std::size_t>(salen));
  e.addrlen = salen;
  e.name = mm_strdup(name);
  if (e.name == nullptr) return;
  if (!base->hosts.push_back(e)) mm_free(e.name);
}

}  // namespace

int load_hosts(evdns_base* base, const char* filename) {
  char* data = nullptr;
  std::size_t len = 0;
  int err = filename != nullptr ? read_file(filename, &data, &len) : -1;
  if (filename == nullptr || err < 0) {
    static const char kDefault[] = "127.0.0.1   localhost\n::1   localhost\n";
    parse_hosts(kDefault, sizeof(kDefault) - 1, hosts_add, base);
    return filename != nullptr ? -1 : 0;
  }
  bool ok = parse_hosts(data, len, hosts_add, base);
  mm_free(data);
  return ok ? 0 : -1;
}

int resolv_conf_apply(evdns_base* base, int flags, const char* filename) {
  bool add_default =
      (flags & DNS_OPTION_NAMESERVERS) && !(flags & DNS_OPTION_NAMESERVERS_NO_DEFAULT);
  if (flags & DNS_OPTION_HOSTSFILE) load_hosts(base, "/etc/hosts");
  char* data = nullptr;
  std::size_t len = 0;
  int err = filename != nullptr ? read_file(filename, &data, &len) : -1;
  if (err == -1) {
    if (flags & DNS_OPTION_SEARCH) search_from_hostname(base);
    if (add_default) evdns_base_nameserver_ip_add(base, "127.0.0.1");
    return 1;
  }
  if (err < 0) return 2;
  Apply ap{base, flags};
  bool ok = parse_resolv_conf(data, len, apply_item, &ap);
  mm_free(data);
  if (!ok) return 4;
  int result = 0;
  if (base->servers.empty() && add_default) {
    evdns_base_nameserver_ip_add(base, "127.0.0.1");
    result = 6;
  }
  if ((flags & DNS_OPTION_SEARCH) && base->search.empty()) search_from_hostname(base);
  return result;
}

}  // namespace ev::dns
