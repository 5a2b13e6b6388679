// resolv.conf text: the pure parser, then every item applied to a real
// evdns_base the way evdns_base_resolv_conf_parse does (nameservers are
// added but never asked anything: nothing runs the loop).
#include <event2/dns.h>
#include <event2/event.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "evdns/parsers.hpp"

using namespace ev::dns;

namespace {

struct Ctx {
  evdns_base* dns;
  int nameservers;
};

void apply(void* arg, ConfItem item, const char* a, const char* b) {
  auto* c = static_cast<Ctx*>(arg);
  if (a == nullptr || b == nullptr) std::abort();
  switch (item) {
    case ConfItem::Nameserver:
      if (c->nameservers++ < 3) evdns_base_nameserver_ip_add(c->dns, a);
      break;
    case ConfItem::Domain:
    case ConfItem::SearchAdd:
      evdns_base_search_add(c->dns, a);
      break;
    case ConfItem::SearchClear:
      evdns_base_search_clear(c->dns);
      break;
    case ConfItem::Option:
      evdns_base_set_option(c->dns, a, b);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static event_base* base = event_base_new();
  if (size > 16384) return 0;
  evdns_base* dns = evdns_base_new(base, 0);
  Ctx c{dns, 0};
  parse_resolv_conf(reinterpret_cast<const char*>(data), size, apply, &c);
  evdns_base_free(dns, 0);
  return 0;
}
