// Requests: creation, the waiting queue and max-inflight, transmission,
// timeouts and retries, and finishing with a deferred callback.
#include <event2/util.h>

#include <cstring>

#include "core/deferred.hpp"
#include "core/mm.hpp"
#include "evdns/message.hpp"
#include "evdns/resolver.hpp"
#include "evdns/search.hpp"
#include <event2/util.h>

namespace ev::dns {

namespace {

void list_remove(evdns_request** head, evdns_request* r) {
  if (r->prev != nullptr)
    r->prev->next = r->next;
  else
    *head = r->next;
  if (r->next != nullptr) r->next->prev = r->prev;
  r->prev = r->next = nullptr;
}

void list_push_front(evdns_request** head, evdns_request* r) {
  r->prev = nullptr;
  r->next = *head;
  if (*head != nullptr) (*head)->prev = r;
  *head = r;
}

void unlink(evdns_request* r) {
  evdns_base* base = r->base;
  if (r->state == ReqState::Inflight) {
    list_remove(&base->inflight_head, r);
    --base->n_inflight;
    if (r->ns != nullptr) {
      --r->ns->inflight;
      nameserver_refresh_events(r->ns);
    }
  } else if (r->state == ReqState::Waiting) {
    if (base->waiting_tail == r) base->waiting_tail = r->prev;
    list_remove(&base->waiting_head, r);
    --base->n_waiting;
  }
  r->state = ReqState::Done;
  event_del(&r->timeout_ev);
  if (r->tcp != nullptr) {
    tcp_query_free(r->tcp);
    r->tcp = nullptr;
  }
}

void request_free(evdns_request* r) {
  mm_free(r->origname);
  mm_free(r->result);
  mm_free(r);
}

void run_callback(event_callback*, void* arg) {
  auto* r = static_cast<evdns_request*>(arg);
  Result* res = r->result;
  if (r->err == DNS_ERR_NONE && res != nullptr) {
    if (r->user_type == DNS_PTR) {
      char* name = res->ptr_name;
      r->cb(DNS_ERR_NONE, DNS_PTR, 1, static_cast<int>(res->ttl), &name, r->arg);
    } else {
      r->cb(DNS_ERR_NONE, r->user_type, res->count, static_cast<int>(res->ttl), res->data, r->arg);
    }
  } else {
    r->cb(r->err, 0, 0, static_cast<int>(r->ttl), nullptr, r->arg);
  }
  request_free(r);
}

uint16_t pick_id(evdns_base* base) {
  for (;;) {
    uint16_t id;
    evutil_secure_rng_get_bytes(&id, sizeof(id));
    bool used = false;
    for (evdns_request* r = base->inflight_head; r != nullptr; r = r->next)
      if (r->id == id) {
        used = true;
        break;
      }
    if (!used) return id;
  }
}

void randomize_case(char* name) {
  std::size_t n = std::strlen(name);
  uint8_t bits[32];
  evutil_secure_rng_get_bytes(bits, sizeof(bits));
  for (std::size_t i = 0; i < n; ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter) continue;
    bool up = (bits[(i / 8) % sizeof(bits)] >> (i % 8)) & 1;
    c = static_cast<char>(c | 0x20);
    name[i] = up ? static_cast<char>(c - 0x20) : c;
  }
}

void timeout_fired(evutil_socket_t, short, void* arg);

void move_inflight(evdns_request* r) {
  evdns_base* base = r->base;
  if (r->ns == nullptr) r->ns = nameserver_pick(base);
  ++r->ns->inflight;
  r->state = ReqState::Inflight;
  r->id = pick_id(base);
  list_push_front(&base->inflight_head, r);
  ++base->n_inflight;
  nameserver_refresh_events(r->ns);
  request_transmit(r);
}

}  // namespace

evdns_request* request_new(evdns_base* base, uint16_t qtype, char user_type, const char* name,
                           int flags, evdns_callback_type cb, void* arg) {
  auto* r = static_cast<evdns_request*>(mm_calloc(1, sizeof(evdns_request)));
  if (r == nullptr) return nullptr;
  r->origname = mm_strdup(name);
  if (r->origname == nullptr) {
    mm_free(r);
    return nullptr;
  }
  r->base = base;
  r->qtype = qtype;
  r->user_type = user_type;
  r->flags = flags;
  r->cb = cb;
  r->arg = arg;
  r->state = ReqState::Done;
  r->no_search = (flags & DNS_QUERY_NO_SEARCH) || base->search.empty() || user_type == DNS_PTR;
  evtimer_assign(&r->timeout_ev, base->ev_base, timeout_fired, r);
  evpriv_callback_init(&r->deferred, run_callback, r, event_get_priority(&r->timeout_ev));
  if (r->no_search || count_dots(name) >= base->ndots) {
    r->search_index = -1;
    std::strncpy(r->qname, name, kNameBuf - 1);
    if (std::strlen(name) >= kNameBuf) r->qname[0] = '\0', r->err = DNS_ERR_FORMAT;
  } else {
    r->search_index = 0;
    if (!search_join(name, base->search[0], r->qname, kNameBuf)) r->err = DNS_ERR_FORMAT;
  }
  return r;
}

void request_submit(evdns_request* r) {
  evdns_base* base = r->base;
  if (r->err != 0 || !name_valid(r->qname)) {
    // A name that cannot be asked: try the next search name or fail.
    r->err = 0;
    if (!r->no_search && search_try_next(r)) return;
    request_finish(r, DNS_ERR_FORMAT, 0, nullptr);
    return;
  }
  if (base->randomize_case) randomize_case(r->qname);
  r->tx_count = 0;
  r->reissue_count = 0;
  if (r->is_probe ||
      (!base->suspended && !base->servers.empty() && base->n_inflight < base->max_inflight)) {
    move_inflight(r);
  } else {
    r->state = ReqState::Waiting;
    r->prev = base->waiting_tail;
    r->next = nullptr;
    if (base->waiting_tail != nullptr)
      base->waiting_tail->next = r;
    else
      base->waiting_head = r;
    base->waiting_tail = r;
    ++base->n_waiting;
  }
}

void requests_pump(evdns_base* base) {
  while (base->waiting_head != nullptr && !base->suspended && !base->servers.empty() &&
         base->n_inflight < base->max_inflight) {
    evdns_request* r = base->waiting_head;
    if (base->waiting_tail == r) base->waiting_tail = nullptr;
    list_remove(&base->waiting_head, r);
    --base->n_waiting;
    r->ns = nullptr;
    move_inflight(r);
  }
}

void request_transmit(evdns_request* r) {
  uint8_t pkt[kHeaderLen + kMaxWireName + 4];
  std::size_t len = build_query(pkt, sizeof(pkt), r->id, r->qname, r->qtype, true);
  if (len == 0) {
    request_finish(r, DNS_ERR_FORMAT, 0, nullptr);
    return;
  }
  if (!nameserver_send(r->ns, pkt, len)) {
    r->transmit_pending = true;
    return;
  }
  r->transmit_pending = false;
  ++r->tx_count;
  event_add(&r->timeout_ev, &r->base->timeout);
}

void request_finish(evdns_request* r, int err, uint32_t ttl, Result* result) {
  evdns_base* base = r->base;
  bool was_inflight = r->state == ReqState::Inflight;
  unlink(r);
  if (r->is_probe && r->ns != nullptr && r->ns->probe == r) r->ns->probe = nullptr;
  r->err = err;
  r->ttl = ttl;
  r->result = result;
  evpriv_callback_schedule(event_get_base(&r->timeout_ev), &r->deferred);
  if (was_inflight) requests_pump(base);
}

void request_drop_callback(evdns_request* r) {
  evpriv_callback_cancel(event_get_base(&r->timeout_ev), &r->deferred);
  request_free(r);
}

void request_cancel(evdns_request* r) {
  if (r->state == ReqState::Done) return;
  request_finish(r, DNS_ERR_CANCEL, 0, nullptr);
}

bool search_try_next(evdns_request* r) {
  evdns_base* base = r->base;
  if (r->no_search) return false;
  int n = static_cast<int>(base->search.size());
  bool raw_first = count_dots(r->origname) >= base->ndots;
  for (;;) {
    int next = r->search_index + 1;
    if (next < n) {
      r->search_index = next;
      if (!search_join(r->origname, base->search[next], r->qname, kNameBuf)) continue;
    } else if (!raw_first && r->search_index != n) {
      r->search_index = n;  // the raw name, last
      std::strncpy(r->qname, r->origname, kNameBuf - 1);
      r->qname[kNameBuf - 1] = '\0';
    } else {
      return false;
    }
    if (!name_valid(r->qname)) continue;
    unlink(r);
    r->ns = nullptr;
    request_submit(r);
    return true;
  }
}

namespace {

void timeout_fired(evutil_socket_t, short, void* arg) {
  auto* r = static_cast<evdns_request*>(arg);
  evdns_base* base = r->base;
  dns_log(EVENT_LOG_DEBUG, "Request %p timed out", arg);
  Nameserver* ns = r->ns;
  int tx_before = r->tx_count;
  if (ns != nullptr && ++ns->timedout > base->max_timeouts) {
    ns->timedout = 0;
    nameserver_failed(ns, "request timed out.");
  }
  // Failing the nameserver may have moved this request to another one.
  if (r->state != ReqState::Inflight || r->tx_count != tx_before || r->transmit_pending) return;
  if (r->tcp != nullptr || r->tx_count >= base->max_retransmits || r->is_probe) {
    request_finish(r, DNS_ERR_TIMEOUT, 0, nullptr);
    return;
  }
  // Retransmit, to another nameserver when there is one.
  Nameserver* other = nameserver_pick(base);
  if (other != nullptr && other != r->ns) {
    --r->ns->inflight;
    nameserver_refresh_events(r->ns);
    r->ns = other;
    ++other->inflight;
    nameserver_refresh_events(other);
  }
  request_transmit(r);
}

}  // namespace

}  // namespace ev::dns
