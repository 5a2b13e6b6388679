// The evdns_base's life: creation with the system configuration, freeing
// with requests in flight, suspending and resuming.
#include <cstring>

#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evdns/gai_hook.hpp"
#include "evdns/resolver.hpp"
#include <event2/util.h>

#include <event2/thread.h>

namespace ev::dns {

namespace {

void fail_all(evdns_base* base, evdns_request* head, bool fail) {
  (void)head;
  for (;;) {
    evdns_request* r = base->waiting_head != nullptr ? base->waiting_head : base->inflight_head;
    if (r == nullptr) return;
    if (r->is_probe && r->ns != nullptr) r->ns->probe = nullptr;
    if (fail) {
      // Deferred callbacks still run from the loop after the base is gone.
      request_finish(r, DNS_ERR_SHUTDOWN, 0, nullptr);
    } else {
      // Dropped silently: unlink and free (request_finish then cancel).
      request_finish(r, DNS_ERR_SHUTDOWN, 0, nullptr);
      request_drop_callback(r);
    }
  }
}

}  // namespace

evdns_base* base_new(event_base* eb, int flags) {
  if (evutil_secure_rng_init() < 0) {
    dns_log(EVENT_LOG_WARN, "Unable to seed random number generator; DNS can't run.");
    return nullptr;
  }
  install_gai_hook();
  evdns_base* base = ev::make<evdns_base>();
  if (base == nullptr) return nullptr;
  base->ev_base = eb;
  base->lock = evpriv_lock_new(EVTHREAD_LOCKTYPE_RECURSIVE);
  constexpr int kAll = EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_DISABLE_WHEN_INACTIVE |
                       EVDNS_BASE_NAMESERVERS_NO_DEFAULT;
  if (flags & ~kAll) {
    flags = EVDNS_BASE_INITIALIZE_NAMESERVERS;
    dns_log(true,
            "Unrecognized flag passed to evdns_base_new(). Assuming you meant "
            "EVDNS_BASE_INITIALIZE_NAMESERVERS.");
  }
  base->flags = flags;
  if (flags & EVDNS_BASE_INITIALIZE_NAMESERVERS) {
    int opts = DNS_OPTIONS_ALL;
    if (flags & EVDNS_BASE_NAMESERVERS_NO_DEFAULT) opts |= DNS_OPTION_NAMESERVERS_NO_DEFAULT;
    if (resolv_conf_apply(base, opts, "/etc/resolv.conf") != 0) {
      base_free(base, false);
      return nullptr;
    }
  }
  base->disable_when_inactive = (flags & EVDNS_BASE_DISABLE_WHEN_INACTIVE) != 0;
  if (base->disable_when_inactive)
    for (std::size_t i = 0; i < base->servers.size(); ++i)
      nameserver_refresh_events(base->servers[i]);
  return base;
}

void base_free(evdns_base* base, bool fail_requests) {
  base->suspended = true;  // nothing waiting is sent any more
  fail_all(base, nullptr, fail_requests);
  for (std::size_t i = 0; i < base->servers.size(); ++i) nameserver_free(base->servers[i]);
  base->servers.release();
  search_clear(base);
  base->search.release();
  hosts_clear(base);
  base->hosts.release();
  evpriv_lock_free(base->lock, EVTHREAD_LOCKTYPE_RECURSIVE);
  ev::destroy(base);
}

void hosts_clear(evdns_base* base) {
  for (std::size_t i = 0; i < base->hosts.size(); ++i) mm_free(base->hosts[i].name);
  base->hosts.clear();
}

int clear_nameservers_and_suspend(evdns_base* base) {
  // In-flight requests go back to the front of the waiting queue, to be
  // sent again once nameservers are added and the base resumes.
  while (evdns_request* r = base->inflight_head) {
    base->inflight_head = r->next;
    if (r->next != nullptr) r->next->prev = nullptr;
    event_del(&r->timeout_ev);
    if (r->tcp != nullptr) {
      tcp_query_free(r->tcp);
      r->tcp = nullptr;
    }
    --base->n_inflight;
    if (r->is_probe) {
      r->state = ReqState::Done;
      r->ns = nullptr;
      request_drop_callback(r);
      continue;
    }
    r->ns = nullptr;
    r->id_next = nullptr;
    r->tx_count = r->reissue_count = 0;
    r->transmit_pending = false;
    r->state = ReqState::Waiting;
    r->prev = nullptr;
    r->next = base->waiting_head;
    if (base->waiting_head != nullptr)
      base->waiting_head->prev = r;
    else
      base->waiting_tail = r;
    base->waiting_head = r;
    ++base->n_waiting;
  }
  std::memset(base->id_buckets, 0, sizeof(base->id_buckets));
  for (std::size_t i = 0; i < base->servers.size(); ++i) nameserver_free(base->servers[i]);
  base->servers.clear();
  base->good_servers = 0;
  base->next_server = 0;
  base->suspended = true;
  return 0;
}

int resume(evdns_base* base) {
  base->suspended = false;
  requests_pump(base);
  return 0;
}

}  // namespace ev::dns
