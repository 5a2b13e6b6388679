// The server port: reading requests, building and sending responses, and
// the port's life (see server.hpp).
#include "evdns/server.hpp"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/mm.hpp"
#include "evdns/resolver.hpp"
#include "evdns/udp_batch.hpp"

namespace ev::dns {

struct ServerConn {
  evdns_server_port* port;
  bufferevent* bev;
  ServerConn* prev;
  ServerConn* next;
  int refcnt;   // requests not yet answered hold the connection
  bool closed;  // the peer went away: answers are dropped
};

void server_port_unref(evdns_server_port* port) {
  if (--port->refcnt > 0) return;
  event_del(&port->ev);
  if (port->fd >= 0) close(port->fd);
  while (ServerRequest* req = port->pool) {
    port->pool = req->next_pending;
    mm_free(req);
  }
  mm_free(port);
}

namespace {

void port_unref(evdns_server_port* port) { server_port_unref(port); }

void conn_free(ServerConn* c) {
  evdns_server_port* port = c->port;
  if (c->prev != nullptr)
    c->prev->next = c->next;
  else
    port->conns = c->next;
  if (c->next != nullptr) c->next->prev = c->prev;
  bufferevent_free(c->bev);
  mm_free(c);
  port_unref(port);
}

void conn_unref(ServerConn* c) {
  if (--c->refcnt == 0) conn_free(c);
}

}  // namespace

void server_conn_unref(ServerConn* c) { conn_unref(c); }

namespace {

// Parses one request and runs the callback (or answers NOTIMPL).
void request_arrived(evdns_server_port* port, ServerConn* conn, const uint8_t* msg, std::size_t len,
                     const sockaddr* from, socklen_t fromlen) {
  if (len < kHeaderLen) return;
  uint16_t qd = static_cast<uint16_t>((msg[4] << 8) | msg[5]);
  if (static_cast<std::size_t>(qd) * 5 > len) return;  // counts that lie
  ServerRequest* req = request_alloc(port);
  if (req == nullptr) return;
  Header h;
  if (!request_parse(req, msg, len, &h)) {
    server_request_free(req);  // not counted yet: the port keeps its references
    return;
  }
  req->id = h.id;
  req->pub.flags = h.flags & (kFlagRD | 0x0010);
  if (fromlen > sizeof(req->addr)) fromlen = sizeof(req->addr);
  std::memcpy(&req->addr, from, fromlen);
  req->addrlen = fromlen;
  ++port->refcnt;
  req->counted = true;
  if (conn != nullptr) {
    req->conn = conn;
    ++conn->refcnt;
  }
  if (h.flags & kFlagOpcode) {
    server_respond(req, DNS_ERR_NOTIMPL);
    return;
  }
  port->cb(&req->pub, port->user_data);
}

void flush_pending(evdns_server_port* port);

void queue_pending(evdns_server_port* port, ServerRequest* req);

// Queues a copy of an answer that the socket did not take.
void queue_copy(evdns_server_port* port, const uint8_t* data, std::size_t len,
                const sockaddr_storage& addr, socklen_t addrlen) {
  auto* req = request_alloc(port);
  if (req == nullptr) return;
  req->response = static_cast<uint8_t*>(mm_malloc(len));
  if (req->response == nullptr) {
    server_request_free(req);
    return;
  }
  std::memcpy(req->response, data, len);
  req->response_len = len;
  req->addr = addr;
  req->addrlen = addrlen;
  req->counted = true;  // the port lives until its answers are sent
  ++port->refcnt;
  queue_pending(port, req);
}

// Sends the answers collected during a batch together (one sendmmsg where
// the system has it); what the socket does not take waits in the queue.
void flush_out(evdns_server_port* port) {
  int n = port->nout;
  port->nout = 0;
  if (n == 0) return;
  UdpOut out[kOutSlots];
  for (int i = 0; i < n; ++i)
    out[i] = UdpOut{port->out_data[i], port->out_len[i],
                    reinterpret_cast<const sockaddr*>(&port->out_addr[i]), port->out_addrlen[i]};
  int start = 0;
  while (start < n) {
    start += udp_send_batch(port->fd, out + start, n - start, port->gso);
    if (start == n) break;
    if (udp_would_block(errno)) {
      for (int i = start; i < n; ++i)
        queue_copy(port, port->out_data[i], port->out_len[i], port->out_addr[i],
                   port->out_addrlen[i]);
      break;
    }
    ++start;  // dropped, as a failed sendto would be
  }
}

void port_io(evutil_socket_t fd, short what, void* arg) {
  auto* port = static_cast<evdns_server_port*>(arg);
  if (what & EV_WRITE) flush_pending(port);
  if (!(what & EV_READ)) return;
  ++port->refcnt;  // a callback may close the port
  port->batching = true;
  RecvBatch batch;
  bool ok = recv_batches(fd, batch, 8,
                         [&](const uint8_t* msg, std::size_t len, sockaddr* from, socklen_t fl) {
                           if (port->closing) return false;
                           request_arrived(port, nullptr, msg, len, from, fl);
                           return true;
                         });
  if (!ok) dns_log(EVENT_LOG_WARN, "Error %s (%d) while reading request.", strerror(errno), errno);
  port->batching = false;
  flush_out(port);
  port_unref(port);
}

void conn_read(bufferevent* bev, void* arg) {
  auto* c = static_cast<ServerConn*>(arg);
  evbuffer* in = bufferevent_get_input(bev);
  ++c->refcnt;
  for (;;) {
    uint8_t lenbuf[2];
    if (c->closed || evbuffer_copyout(in, lenbuf, 2) < 2) break;
    std::size_t len = (static_cast<std::size_t>(lenbuf[0]) << 8) | lenbuf[1];
    if (evbuffer_get_length(in) < len + 2) break;
    // Parsed in place; the request copies what it keeps.
    const uint8_t* msg = evbuffer_pullup(in, static_cast<ev_ssize_t>(len + 2));
    if (msg == nullptr) break;
    sockaddr_storage peer{};
    socklen_t peerlen = sizeof(peer);
    getpeername(bufferevent_getfd(bev), reinterpret_cast<sockaddr*>(&peer), &peerlen);
    request_arrived(c->port, c, msg + 2, len, reinterpret_cast<sockaddr*>(&peer), peerlen);
    evbuffer_drain(in, len + 2);
  }
  conn_unref(c);
}

void conn_event(bufferevent*, short what, void* arg) {
  auto* c = static_cast<ServerConn*>(arg);
  if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))) return;
  if (c->closed) return;
  c->closed = true;
  conn_unref(c);  // the connection's own reference
}

void conn_write_done(bufferevent*, void*) {}

void accept_io(evutil_socket_t fd, short, void* arg) {
  auto* port = static_cast<evdns_server_port*>(arg);
  for (int i = 0; i < 32; ++i) {
    int s = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (s < 0) return;
    auto* c = static_cast<ServerConn*>(mm_calloc(1, sizeof(ServerConn)));
    bufferevent* bev =
        c != nullptr ? bufferevent_socket_new(port->base, s, BEV_OPT_CLOSE_ON_FREE) : nullptr;
    if (bev == nullptr) {
      mm_free(c);
      close(s);
      continue;
    }
    c->port = port;
    c->bev = bev;
    c->refcnt = 1;
    c->next = port->conns;
    if (port->conns != nullptr) port->conns->prev = c;
    port->conns = c;
    ++port->refcnt;
    bufferevent_setcb(bev, conn_read, conn_write_done, conn_event, c);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
  }
}

bool send_udp(evdns_server_port* port, ServerRequest* req) {
  ssize_t n = sendto(port->fd, req->response, req->response_len, MSG_NOSIGNAL,
                     reinterpret_cast<sockaddr*>(&req->addr), req->addrlen);
  if (n >= 0) return true;
  return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

void set_port_events(evdns_server_port* port) {
  short what = EV_READ | EV_PERSIST | (port->write_waiting ? EV_WRITE : 0);
  event_del(&port->ev);
  event_assign(&port->ev, port->base, port->fd, what, port_io, port);
  if (!port->closing || port->write_waiting) event_add(&port->ev, nullptr);
}

void flush_pending(evdns_server_port* port) {
  while (ServerRequest* req = port->pending_head) {
    if (!send_udp(port, req)) return;
    port->pending_head = req->next_pending;
    if (port->pending_head == nullptr) port->pending_tail = nullptr;
    server_request_free(req);
  }
  port->write_waiting = false;
  set_port_events(port);
}

}  // namespace

evdns_server_port* server_port_new(event_base* base, evutil_socket_t fd,
                                   evdns_request_callback_fn_type cb, void* user_data) {
  auto* port = static_cast<evdns_server_port*>(mm_calloc(1, sizeof(evdns_server_port)));
  if (port == nullptr) return nullptr;
  int type = 0;
  socklen_t tl = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM) port->tcp = true;
  port->base = base;
  port->fd = fd;
  port->refcnt = 1;
  port->cb = cb;
  port->user_data = user_data;
  if (port->tcp)
    event_assign(&port->ev, base, fd, EV_READ | EV_PERSIST, accept_io, port);
  else
    event_assign(&port->ev, base, fd, EV_READ | EV_PERSIST, port_io, port);
  if (event_add(&port->ev, nullptr) < 0) {
    mm_free(port);
    return nullptr;
  }
  return port;
}

void server_port_close(evdns_server_port* port) {
  port->closing = true;
  if (!port->write_waiting) event_del(&port->ev);
  // Open TCP connections close now; their pending requests still complete.
  for (ServerConn* c = port->conns; c != nullptr;) {
    ServerConn* next = c->next;
    if (!c->closed) {
      c->closed = true;
      bufferevent_disable(c->bev, EV_READ);
      conn_unref(c);
    }
    c = next;
  }
  port_unref(port);
}

int server_respond(ServerRequest* req, int err) {
  if (err < 0 || err > 15) return -1;
  if (req->response != nullptr) return -1;
  evdns_server_port* port = req->port;
  bool tcp = req->conn != nullptr;
  // A UDP answer given during a batch is built in its send slot; others
  // on the stack; TCP ones may reach 64 KiB.
  bool slot = !tcp && port->batching && port->pending_head == nullptr && port->nout < kOutSlots;
  uint8_t udp_buf[kUdpMax];
  std::size_t cap = tcp ? 65535 : kUdpMax;
  uint8_t* buf = tcp    ? static_cast<uint8_t*>(mm_malloc(cap))
                 : slot ? port->out_data[port->nout]
                        : udp_buf;
  if (buf == nullptr) return -1;
  uint16_t flags = static_cast<uint16_t>(req->pub.flags | kFlagQR | err);
  const Record* sections[3];
  int counts[3];
  request_sections(req, sections, counts);
  int nq = req->pub.nquestions;
  QuestionRef small[8];
  QuestionRef* qs = nq <= 8 ? small
                            : static_cast<QuestionRef*>(
                                  mm_malloc(sizeof(QuestionRef) * static_cast<std::size_t>(nq)));
  std::size_t len = 0;
  if (qs != nullptr) {
    for (int i = 0; i < nq; ++i) {
      qs[i].name = req->pub.questions[i]->name;
      qs[i].type = static_cast<uint16_t>(req->pub.questions[i]->type);
      qs[i].cls = static_cast<uint16_t>(req->pub.questions[i]->dns_question_class);
    }
    len = build_response(buf, cap, req->id, flags, qs, nq, sections, counts);
  }
  if (qs != small) mm_free(qs);
  if (len == 0) {
    if (tcp) mm_free(buf);
    return -1;
  }
  if (tcp) {
    if (!req->conn->closed) {
      uint8_t hdr[2] = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
      bufferevent_write(req->conn->bev, hdr, 2);
      bufferevent_write(req->conn->bev, buf, len);
    }
    mm_free(buf);
    server_request_free(req);
    return 0;
  }
  if (slot) {
    int i = port->nout++;
    port->out_len[i] = static_cast<uint16_t>(len);
    port->out_addr[i] = req->addr;
    port->out_addrlen[i] = req->addrlen;
    server_request_free(req);
    if (port->nout == kOutSlots) flush_out(port);
    return 0;
  }
  // Sent at once when nothing waits before it.
  if (port->pending_head == nullptr) {
    ssize_t n = sendto(port->fd, buf, len, MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&req->addr),
                       req->addrlen);
    if (n >= 0 || !udp_would_block(errno)) {
      server_request_free(req);
      return 0;
    }
  }
  queue_copy(port, buf, len, req->addr, req->addrlen);
  server_request_free(req);
  return 0;
}

namespace {

// The socket pushes back: queue the reply and wait for writability.
void queue_pending(evdns_server_port* port, ServerRequest* req) {
  req->next_pending = nullptr;
  if (port->pending_tail != nullptr)
    port->pending_tail->next_pending = req;
  else
    port->pending_head = req;
  port->pending_tail = req;
  if (!port->write_waiting) {
    port->write_waiting = true;
    set_port_events(port);
  }
}

}  // namespace

}  // namespace ev::dns
