// See evdns_hook.hpp.
#include "util/evdns_hook.hpp"

#include <atomic>

namespace {
std::atomic<evpriv_dns_gai_fn> g_fn{nullptr};
std::atomic<evpriv_dns_gai_cancel_fn> g_cancel{nullptr};
}  // namespace

extern "C" {

void evpriv_set_dns_getaddrinfo(evpriv_dns_gai_fn fn, evpriv_dns_gai_cancel_fn cancel) {
  evpriv_dns_gai_fn none = nullptr;
  g_fn.compare_exchange_strong(none, fn);
  evpriv_dns_gai_cancel_fn none_cancel = nullptr;
  g_cancel.compare_exchange_strong(none_cancel, cancel);
}

evpriv_dns_gai_fn evpriv_get_dns_getaddrinfo(void) { return g_fn.load(); }

evpriv_dns_gai_cancel_fn evpriv_get_dns_getaddrinfo_cancel(void) { return g_cancel.load(); }

}  // extern "C"
