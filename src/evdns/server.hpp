// The DNS server port: requests read from a UDP socket (or from TCP
// connections accepted on a listening socket), handed to the user's
// callback, and answered with the records the callback added.
#pragma once

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <sys/socket.h>

#include "evdns/message.hpp"
#include "evdns/udp_batch.hpp"
#include "evdns/wire.hpp"

struct bufferevent;

namespace ev::dns {

struct ServerConn;

// Room inside each request for the common case, so that answering a query
// allocates nothing: one question (any name fits), a few records, and
// their names and data.  Requests past these sizes take heap blocks for the
// excess.
constexpr int kInlineRecords = 4;
constexpr int kOutSlots = 16;  // answers sent together at the end of a batch
constexpr int kPoolMax = 16;   // answered requests a port keeps for reuse
constexpr std::size_t kInlineArena = 384;
constexpr std::size_t kInlineQuestion = sizeof(evdns_server_question) + kNameBuf;

struct ServerRequest {
  evdns_server_request pub;  // what the callback sees; first, so we can cast back
  evdns_server_port* port;
  ServerConn* conn;             // TCP connection, or null for UDP
  ServerRequest* next_pending;  // the port's queue of unsent UDP replies, or its pool
  uint16_t id;
  bool counted;  // holds a reference on the port
  socklen_t addrlen;
  sockaddr_storage addr;
  // Questions: one lives in qinline; more take one heap block (qheap).
  evdns_server_question* qptr_inline[1];
  void* qheap;
  // Records in section order (answer, authority, additional; each in the
  // order added), nsec[s] of section s; recs points at recs_inline until
  // there are more.
  Record* recs;
  int nsec[3];
  int caprecs;
  // A queued copy of an answer the socket did not take.
  uint8_t* response;
  std::size_t response_len;
  // Names and data of records, bump-allocated; larger ones are heap blocks.
  std::size_t arena_used;
  Record recs_inline[kInlineRecords];
  alignas(evdns_server_question) char qinline[kInlineQuestion];
  alignas(8) char arena[kInlineArena];
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
  // Requests answered and kept for the next ones (at most kPoolMax).
  ev::dns::ServerRequest* pool;
  int npool;
  // UDP answers given while a batch of requests is read go out together,
  // from these slots (answers are built in place).
  bool batching;
  int nout;
  ev::dns::UdpGso gso;  // runs of equal-length answers go out segmented
  uint16_t out_len[ev::dns::kOutSlots];
  socklen_t out_addrlen[ev::dns::kOutSlots];
  sockaddr_storage out_addr[ev::dns::kOutSlots];
  uint8_t out_data[ev::dns::kOutSlots][ev::dns::kUdpMax];
};

namespace ev::dns {

// Requests (server_request.cpp): taken from the port's pool or the heap,
// returned to the pool when answered or dropped.
ServerRequest* request_alloc(evdns_server_port* port);
// Reads the header and questions of msg into req; false when malformed.
bool request_parse(ServerRequest* req, const uint8_t* msg, std::size_t len, Header* h);
// The records of each section, as build_response takes them.
void request_sections(ServerRequest* req, const Record* sections[3], int counts[3]);

// Port and connection references (server.cpp).
void server_port_unref(evdns_server_port* port);
void server_conn_unref(ServerConn* conn);

evdns_server_port* server_port_new(event_base* base, evutil_socket_t fd,
                                   evdns_request_callback_fn_type cb, void* user_data);
void server_port_close(evdns_server_port* port);
int server_add_reply(ServerRequest* req, int section, const char* name, int type, int cls, int ttl,
                     int datalen, int is_name, const char* data);
int server_respond(ServerRequest* req, int err);
void server_request_free(ServerRequest* req);

}  // namespace ev::dns
