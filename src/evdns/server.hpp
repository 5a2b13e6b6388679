// The DNS server port: requests read from a UDP socket (or from TCP
// connections accepted on a listening socket), handed to the user's
// callback, and answered with the records the callback added.
#pragma once

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <sys/socket.h>

#include "core/growable_array.hpp"
#include "evdns/message.hpp"

struct bufferevent;

namespace ev::dns {

struct ServerConn;

struct ServerRequest {
  evdns_server_request pub;  // what the callback sees; first, so we can cast back
  evdns_server_port* port;
  ServerConn* conn;             // TCP connection, or null for UDP
  ServerRequest* next_pending;  // in the port's queue of unsent UDP replies
  uint16_t id;
  sockaddr_storage addr;
  socklen_t addrlen;
  bool counted;  // holds a reference on the port
  // Records per section; each record's name starts the one block that also
  // holds its data (freed through the name).
  ev::GrowableArray<Record> items[3];
  uint8_t* response;
  std::size_t response_len;
};

}  // namespace ev::dns

struct evdns_server_port {
  event_base* base;
  evutil_socket_t fd;
  bool tcp;
  bool closing;
  int refcnt;
  event ev;
  bool write_waiting;
  evdns_request_callback_fn_type cb;
  void* user_data;
  ev::dns::ServerRequest* pending_head;
  ev::dns::ServerRequest* pending_tail;
  ev::dns::ServerConn* conns;
  // UDP answers given while a batch of requests is read go out together,
  // from these slots.
  bool batching;
  int nout;
  uint16_t out_len[16];
  socklen_t out_addrlen[16];
  sockaddr_storage out_addr[16];
  uint8_t out_data[16][ev::dns::kUdpMax];
};

namespace ev::dns {

evdns_server_port* server_port_new(event_base* base, evutil_socket_t fd,
                                   evdns_request_callback_fn_type cb, void* user_data);
void server_port_close(evdns_server_port* port);
int server_add_reply(ServerRequest* req, int section, const char* name, int type, int cls, int ttl,
                     int datalen, int is_name, const char* data);
int server_respond(ServerRequest* req, int err);
void server_request_free(ServerRequest* req);

}  // namespace ev::dns
