// What the resolver does with a reply: match it to its request, parse it,
// and succeed, retry elsewhere, retry over TCP, try the next search name or
// fail with the DNS_ERR_* the reply means.
#include <cstdio>
#include <cstring>

#include "core/mm.hpp"
#include "evdns/message.hpp"
#include "evdns/resolver.hpp"

namespace ev::dns {

namespace {

int rcode_error(uint16_t flags) {
  static const int codes[] = {DNS_ERR_FORMAT, DNS_ERR_SERVERFAILED, DNS_ERR_NOTEXIST,
                              DNS_ERR_NOTIMPL, DNS_ERR_REFUSED};
  int rc = flags & kRcodeMask;
  if (rc == 0) return DNS_ERR_NONE;
  if (rc - 1 > 4) return DNS_ERR_UNKNOWN;
  return codes[rc - 1];
}

Result* make_result(const evdns_request* r, const Reply& reply) {
  std::size_t size;
  if (r->user_type == DNS_PTR)
    size = std::strlen(reply.ptr) + 1;
  else
    size = static_cast<std::size_t>(reply.count) * (r->user_type == DNS_IPv4_A ? 4 : 16);
  auto* res = static_cast<Result*>(mm_malloc(sizeof(Result) + size));
  if (res == nullptr) return nullptr;
  res->count = reply.count;
  res->ttl = reply.ttl;
  res->ptr_name = nullptr;
  if (r->user_type == DNS_PTR) {
    std::memcpy(res->data, reply.ptr, size);
    res->ptr_name = reinterpret_cast<char*>(res->data);
    res->count = 1;
  } else {
    std::memcpy(res->data, reply.addrs, size);
  }
  return res;
}

// Sends req to another nameserver after a NOTIMPL/REFUSED; false when
// there is no other to ask.
bool reissue(evdns_request* r) {
  Nameserver* last = r->ns;
  Nameserver* ns = nameserver_pick(r->base);
  if (ns == nullptr || ns == last) return false;
  --last->inflight;
  nameserver_refresh_events(last);
  r->ns = ns;
  ++ns->inflight;
  nameserver_refresh_events(ns);
  ++r->reissue_count;
  r->tx_count = 0;
  event_del(&r->timeout_ev);
  request_transmit(r);
  return true;
}

void handle(evdns_request* r, const uint8_t* msg, std::size_t len, bool via_tcp) {
  evdns_base* base = r->base;
  Reply* reply = static_cast<Reply*>(mm_malloc(sizeof(Reply)));
  if (reply == nullptr) return;  // the timeout retries it
  bool parsed = parse_reply(msg, len, r->qname, r->qtype, base->randomize_case != 0, reply);
  uint16_t flags = reply->h.flags;
  if ((flags & kFlagTC) && !via_tcp && tcp_query_start(r)) {
    mm_free(reply);
    return;
  }
  int err;
  if (parsed && !(flags & (kFlagTC | kRcodeMask)) && reply->have_answer) {
    err = DNS_ERR_NONE;
  } else if (flags & kFlagTC) {
    err = DNS_ERR_TRUNCATED;
  } else if (flags & kRcodeMask) {
    err = rcode_error(flags);
  } else if (parsed) {
    err = DNS_ERR_NODATA;
  } else {
    err = DNS_ERR_UNKNOWN;
  }
  uint32_t ttl = parsed ? reply->ttl : 0;
  if (parsed && r->cname_out != nullptr && *r->cname_out == nullptr && reply->cname[0] != '\0')
    *r->cname_out = mm_strdup(reply->cname);
  if (err == DNS_ERR_NONE) {
    Result* res = make_result(r, *reply);
    mm_free(reply);
    if (r->ns != nullptr) nameserver_up(r->ns);
    if (res == nullptr) {
      request_finish(r, DNS_ERR_UNKNOWN, 0, nullptr);
      return;
    }
    request_finish(r, DNS_ERR_NONE, res->ttl, res);
    return;
  }
  mm_free(reply);
  switch (err) {
    case DNS_ERR_NOTIMPL:
    case DNS_ERR_REFUSED:
      if (r->reissue_count < base->max_reissues && !r->is_probe) {
        char msgbuf[64];
        std::snprintf(msgbuf, sizeof(msgbuf), "Bad response %d (%s)", err,
                      evdns_err_to_string(err));
        nameserver_failed(r->ns, msgbuf);
        if (r->state == ReqState::Inflight && reissue(r)) return;
      }
      break;
    case DNS_ERR_SERVERFAILED:
      // Sometimes a broken server, sometimes a confusing name: let the
      // request time out (and be retried) now.
      dns_log(EVENT_LOG_DEBUG,
              "Got a SERVERFAILED from nameserver; will allow the request to time out.");
      if (!r->is_probe) {
        event_active(&r->timeout_ev, EV_TIMEOUT, 1);
        return;
      }
      break;
    default:
      if (r->ns != nullptr) nameserver_up(r->ns);
      break;
  }
  if (r->state != ReqState::Inflight) return;
  if (r->user_type != DNS_PTR && search_try_next(r)) return;
  request_finish(r, err, ttl, nullptr);
}

}  // namespace

void reply_received(evdns_base* base, Nameserver* ns, const uint8_t* msg, std::size_t len,
                    bool via_tcp) {
  if (len < kHeaderLen) return;
  uint16_t id = static_cast<uint16_t>((msg[0] << 8) | msg[1]);
  if (!(msg[2] & 0x80)) return;  // not a response
  evdns_request* r = request_by_id(base, id);
  if (r == nullptr || r->ns != ns) return;
  if ((r->tcp != nullptr) != via_tcp) return;
  handle(r, msg, len, via_tcp);
}

}  // namespace ev::dns
