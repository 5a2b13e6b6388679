// Requests: creation, the waiting queue and max-inflight, transmission,
// timeouts and retries, and finishing with a deferred callback.
#include <event2/util.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/deferred.hpp"
#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evdns/message.hpp"
#include "evdns/resolver.hpp"
#include "evdns/search.hpp"
#include "evdns/udp_batch.hpp"
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

void id_remove(evdns_base* base, evdns_request* r) {
  evdns_request** p = &base->id_buckets[r->id & 0xff];
  while (*p != nullptr && *p != r) p = &(*p)->id_next;
  if (*p == r) *p = r->id_next;
  r->id_next = nullptr;
}

void unlink(evdns_request* r) {
  evdns_base* base = r->base;
  if (r->state == ReqState::Inflight) {
    id_remove(base, r);
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

// Replaces the name to send; false when it is too long or out of memory.
bool set_qname(evdns_request* r, const char* text) {
  std::size_t n = std::strlen(text);
  if (n >= kNameBuf) return false;
  auto* p = static_cast<char*>(mm_realloc(r->qname, n + 1));
  if (p == nullptr) return false;
  std::memcpy(p, text, n + 1);
  r->qname = p;
  return true;
}

void request_free(evdns_request* r) {
  mm_free(r->origname);
  mm_free(r->qname);
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

uint8_t random_byte(evdns_base* base) {
  if (base->rand_left == 0) {
    evutil_secure_rng_get_bytes(base->rand_pool, sizeof(base->rand_pool));
    base->rand_left = sizeof(base->rand_pool);
  }
  return base->rand_pool[--base->rand_left];
}

uint16_t pick_id(evdns_base* base) {
  for (;;) {
    uint16_t id = static_cast<uint16_t>((random_byte(base) << 8) | random_byte(base));
    if (request_by_id(base, id) == nullptr) return id;
  }
}

void randomize_case(evdns_base* base, char* name) {
  uint8_t bits = 0;
  int left = 0;
  for (std::size_t i = 0; name[i] != '\0'; ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter) continue;
    if (left == 0) {
      bits = random_byte(base);
      left = 8;
    }
    bool up = bits & 1;
    bits >>= 1;
    --left;
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
  r->id_next = base->id_buckets[r->id & 0xff];
  base->id_buckets[r->id & 0xff] = r;
  list_push_front(&base->inflight_head, r);
  ++base->n_inflight;
  nameserver_refresh_events(r->ns);
  request_transmit(r);
}

}  // namespace

evdns_request* request_by_id(evdns_base* base, uint16_t id) {
  for (evdns_request* r = base->id_buckets[id & 0xff]; r != nullptr; r = r->id_next)
    if (r->id == id) return r;
  return nullptr;
}

evdns_request* request_new(evdns_base* base, uint16_t qtype, char user_type, const char* name,
                           int flags, evdns_callback_type cb, void* arg) {
  auto* r = static_cast<evdns_request*>(mm_calloc(1, sizeof(evdns_request)));
  if (r == nullptr) return nullptr;
  r->base = base;
  r->qtype = qtype;
  r->user_type = user_type;
  r->flags = flags;
  r->cb = cb;
  r->arg = arg;
  r->state = ReqState::Done;
  r->no_search = (flags & DNS_QUERY_NO_SEARCH) || base->search.empty() || user_type == DNS_PTR;
  if (!r->no_search && name[0] == '\0' && base->ndots > 0) {
    // An empty name has nothing to append a search domain to: refused, as
    // 2.1.12 refuses it (NULL, no callback).  With ndots 0 it is asked as
    // given, and the search stops there.
    mm_free(r);
    return nullptr;
  }
  evtimer_assign(&r->timeout_ev, base->ev_base, timeout_fired, r);
  evpriv_callback_init(&r->deferred, run_callback, r, event_get_priority(&r->timeout_ev));
  if (!r->no_search) {
    r->origname = mm_strdup(name);
    if (r->origname == nullptr) {
      mm_free(r);
      return nullptr;
    }
  }
  char joined[kNameBuf];
  const char* first = name;
  if (r->no_search || count_dots(name) >= base->ndots) {
    r->search_index = -1;
  } else {
    r->search_index = 0;
    first = search_join(name, base->search[0], joined, kNameBuf) ? joined : nullptr;
  }
  if (first == nullptr || std::strlen(first) >= kNameBuf) {
    r->err = DNS_ERR_FORMAT;
    first = "";
  }
  if (!set_qname(r, first)) {
    request_free(r);
    return nullptr;
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
  if (base->randomize_case) randomize_case(base, r->qname);
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
  evdns_base* base = r->base;
  if (base->send_batching && r->tcp == nullptr) {
    if (base->nqueued == static_cast<int>(sizeof(base->send_queue) / sizeof(base->send_queue[0])))
      flush_sends(base);
    base->send_queue[base->nqueued++] = r;
    r->transmit_pending = false;
    ++r->tx_count;
    event_add(&r->timeout_ev, &base->timeout);
    return;
  }
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

void flush_sends(evdns_base* base) {
  constexpr int kMax = 32;
  static_assert(kMax == sizeof(base->send_queue) / sizeof(base->send_queue[0]));
  uint8_t pkts[kMax][kHeaderLen + kMaxWireName + 4];
  UdpOut out[kMax];
  evdns_request* reqs[kMax];
  int n = base->nqueued;
  base->nqueued = 0;
  int i = 0;
  while (i < n) {
    // One batch per run of queries to the same (connected) nameserver.
    Nameserver* ns = base->send_queue[i]->ns;
    int m = 0;
    for (; i < n && base->send_queue[i]->ns == ns; ++i) {
      evdns_request* r = base->send_queue[i];
      if (r->state != ReqState::Inflight || r->tcp != nullptr) continue;  // finished meanwhile
      std::size_t len = build_query(pkts[m], sizeof(pkts[m]), r->id, r->qname, r->qtype, true);
      if (len == 0) continue;  // checked when the request was made
      out[m] = UdpOut{pkts[m], len, nullptr, 0};
      reqs[m++] = r;
    }
    int sent = udp_send_batch(ns->fd, out, m, ns->gso);
    if (sent == m) continue;
    if (udp_would_block(errno)) {
      // Sent again when the socket is writable.
      for (int k = sent; k < m; ++k) {
        reqs[k]->transmit_pending = true;
        --reqs[k]->tx_count;
      }
      ns->write_waiting = true;
      nameserver_refresh_events(ns);
    } else {
      char a[128];
      dns_log(EVENT_LOG_WARN, "Error %s (%d) while writing request to %s.", strerror(errno), errno,
              format_addr(reinterpret_cast<sockaddr*>(&ns->addr), a, sizeof(a)));
      nameserver_failed(ns, strerror(errno));
    }
  }
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
  if (r->no_search || r->origname[0] == '\0') return false;
  int n = static_cast<int>(base->search.size());
  bool raw_first = count_dots(r->origname) >= base->ndots;
  char joined[kNameBuf];
  for (;;) {
    int next = r->search_index + 1;
    if (next < n) {
      r->search_index = next;
      if (!search_join(r->origname, base->search[next], joined, kNameBuf)) continue;
    } else if (!raw_first && r->search_index != n) {
      r->search_index = n;  // the raw name, last
      if (std::strlen(r->origname) >= kNameBuf) return false;
      std::strcpy(joined, r->origname);
    } else {
      return false;
    }
    if (!name_valid(joined) || !set_qname(r, joined)) continue;
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
  ev::LockGuard guard(base->lock);
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
