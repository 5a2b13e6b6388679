// A query retried over TCP after a truncated UDP answer (RFC 7766): one
// connection per query, the message framed by its 2-byte length.
#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "core/locking.hpp"
#include "core/mm.hpp"
#include "evdns/message.hpp"
#include "evdns/resolver.hpp"

namespace ev::dns {

struct TcpQuery {
  evdns_request* req;
  bufferevent* bev;
};

namespace {

void tcp_read(bufferevent* bev, void* arg) {
  auto* q = static_cast<TcpQuery*>(arg);
  ev::LockGuard guard(q->req->base->lock);
  evbuffer* in = bufferevent_get_input(bev);
  uint8_t lenbuf[2];
  if (evbuffer_copyout(in, lenbuf, 2) < 2) return;
  std::size_t len = (static_cast<std::size_t>(lenbuf[0]) << 8) | lenbuf[1];
  if (evbuffer_get_length(in) < len + 2) return;
  auto* msg = static_cast<uint8_t*>(mm_malloc(len + 2));
  if (msg == nullptr) return;
  evbuffer_remove(in, msg, len + 2);
  evdns_request* r = q->req;
  reply_received(r->base, r->ns, msg + 2, len, true);
  mm_free(msg);
  // A reply for another id is ignored; this one's request is still waiting.
}

void tcp_event(bufferevent*, short what, void* arg) {
  auto* q = static_cast<TcpQuery*>(arg);
  if (what & BEV_EVENT_CONNECTED) return;
  ev::LockGuard guard(q->req->base->lock);
  evdns_request* r = q->req;
  request_finish(r, DNS_ERR_TRUNCATED, 0, nullptr);  // frees q
}

}  // namespace

bool tcp_query_start(evdns_request* r) {
  evdns_base* base = r->base;
  if (r->ns == nullptr) return false;
  uint8_t pkt[2 + kHeaderLen + kMaxWireName + 4];
  std::size_t len = build_query(pkt + 2, sizeof(pkt) - 2, r->id, r->qname, r->qtype, true);
  if (len == 0) return false;
  pkt[0] = static_cast<uint8_t>(len >> 8);
  pkt[1] = static_cast<uint8_t>(len);
  auto* q = static_cast<TcpQuery*>(mm_malloc(sizeof(TcpQuery)));
  if (q == nullptr) return false;
  q->req = r;
  q->bev = bufferevent_socket_new(base->ev_base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (q->bev == nullptr) {
    mm_free(q);
    return false;
  }
  bufferevent_setcb(q->bev, tcp_read, nullptr, tcp_event, q);
  bufferevent_write(q->bev, pkt, len + 2);
  bufferevent_enable(q->bev, EV_READ);
  if (bufferevent_socket_connect(q->bev, reinterpret_cast<sockaddr*>(&r->ns->addr),
                                 static_cast<int>(r->ns->addrlen)) < 0) {
    bufferevent_free(q->bev);
    mm_free(q);
    return false;
  }
  r->tcp = q;
  dns_log(EVENT_LOG_DEBUG, "Truncated reply: retrying request %p over TCP", static_cast<void*>(r));
  event_add(&r->timeout_ev, &base->timeout);
  return true;
}

void tcp_query_free(TcpQuery* q) {
  bufferevent_free(q->bev);
  mm_free(q);
}

}  // namespace ev::dns
