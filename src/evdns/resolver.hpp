// The resolver's state: the evdns_base with its options, nameservers,
// search list and hosts entries, and the requests it runs over UDP (and TCP
// when an answer comes back truncated).  Requests move from the waiting
// queue (over max-inflight, or suspended) to the in-flight list and finish
// with a deferred callback run from the event loop.
#pragma once

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

#include "core/growable_array.hpp"
#include "evdns/udp_batch.hpp"
#include "evdns/wire.hpp"

struct bufferevent;

namespace ev::dns {

struct Nameserver {
  evdns_base* owner = nullptr;
  sockaddr_storage addr{};
  socklen_t addrlen = 0;
  evutil_socket_t fd = -1;
  event io;  // EV_READ|EV_PERSIST, plus EV_WRITE while sends wait
  bool io_added = false;
  bool write_waiting = false;
  event probe_timer;  // armed while down
  bool up = true;
  int failed_times = 0;  // consecutive failed probes
  int timedout = 0;      // timeouts since the last good reply
  int inflight = 0;
  evdns_request* probe = nullptr;
  UdpGso gso;  // runs of equal-length queries go out segmented
};

// A finished request's answer, one allocation, kept until the callback ran.
struct Result {
  int count;
  uint32_t ttl;
  char* ptr_name;  // points into data for PTR answers
  alignas(8) uint8_t data[1];
};

struct TcpQuery;

enum class ReqState : uint8_t { Waiting, Inflight, Done };

}  // namespace ev::dns

struct evdns_request {
  evdns_base* base;
  evdns_request* prev;
  evdns_request* next;
  evdns_request* id_next;  // in the base's bucket for its transaction id
  ev::dns::ReqState state;
  char user_type;  // DNS_IPv4_A, DNS_IPv6_AAAA, DNS_PTR
  uint16_t qtype;
  uint16_t id;
  bool is_probe;
  bool transmit_pending;
  bool no_search;
  int search_index;  // -1: the name as given; 0..n-1: with that search domain
  int flags;
  int tx_count;
  int reissue_count;
  ev::dns::Nameserver* ns;
  ev::dns::TcpQuery* tcp;
  char* origname;    // the name as the caller gave it
  char** cname_out;  // getaddrinfo's slot for the canonical name (CNAME target)
  char* qname;       // the name sent, with 0x20 randomised case (owned)
  event timeout_ev;
  event_callback deferred;
  evdns_callback_type cb;
  void* arg;
  int err;
  uint32_t ttl;
  ev::dns::Result* result;
};

struct evdns_base {
  event_base* ev_base = nullptr;
  void* lock = nullptr;
  int flags = 0;
  bool disable_when_inactive = false;
  bool suspended = false;
  ev::GrowableArray<ev::dns::Nameserver*> servers;
  int next_server = 0;
  int good_servers = 0;
  evdns_request* inflight_head = nullptr;
  // In-flight requests by transaction id (low 8 bits).
  evdns_request* id_buckets[256] = {};
  evdns_request* waiting_head = nullptr;
  evdns_request* waiting_tail = nullptr;
  int n_inflight = 0;
  int n_waiting = 0;
  // Options.
  timeval timeout{5, 0};
  int max_retransmits = 3;
  int max_timeouts = 3;
  int max_inflight = 64;
  int max_reissues = 1;
  int randomize_case = 1;
  sockaddr_storage bind_addr{};
  int bind_addrlen = 0;
  timeval probe_timeout{10, 0};
  timeval allow_skew{3, 0};
  int so_rcvbuf = 0;
  int so_sndbuf = 0;
  // Search list.
  ev::GrowableArray<char*> search;
  int ndots = 1;
  // Hosts entries.
  struct HostEntry {
    sockaddr_storage addr;
    int addrlen;
    char* name;
  };
  ev::GrowableArray<HostEntry> hosts;
  // Queries sent while replies are read go out together (sendmmsg).
  bool send_batching = false;
  int nqueued = 0;
  evdns_request* send_queue[32];
  // Random bytes (transaction ids, 0x20 bits), drawn from the library's
  // generator a block at a time.
  uint8_t rand_pool[128];
  uint8_t rand_left = 0;
  // getaddrinfo statistics (which families answer).
  int gai_ipv4_answered = 0;
  int gai_ipv6_answered = 0;
};

namespace ev::dns {

// evdns's log function (evdns_set_log_fn), falling back to the event log.
// "1.2.3.4:53" or "[::1]:53" into buf.
const char* format_addr(const sockaddr* sa, char* buf, std::size_t len);

// severity: EVENT_LOG_DEBUG, EVENT_LOG_MSG or EVENT_LOG_WARN.
void dns_log(int severity, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Nameservers (nameserver.cpp).
int nameserver_add(evdns_base* base, const sockaddr* sa, socklen_t len);
void nameserver_free(Nameserver* ns);
Nameserver* nameserver_pick(evdns_base* base);
void nameserver_failed(Nameserver* ns, const char* why);
void nameserver_up(Nameserver* ns);
// Sends the request's packet; false when it must wait for writability.
bool nameserver_send(Nameserver* ns, const uint8_t* pkt, std::size_t len);
void nameserver_refresh_events(Nameserver* ns);

// Requests (request.cpp).
evdns_request* request_by_id(evdns_base* base, uint16_t id);
evdns_request* request_new(evdns_base* base, uint16_t qtype, char user_type, const char* name,
                           int flags, evdns_callback_type cb, void* arg);
// Builds and queues (or sends) the request for req->qname.
void request_submit(evdns_request* req);
void request_transmit(evdns_request* req);
// Sends the queries queued while send_batching was set.
void flush_sends(evdns_base* base);
// Finishes req: unlinks it and schedules the callback with err (and result).
void request_finish(evdns_request* req, int err, uint32_t ttl, Result* result);
void request_cancel(evdns_request* req);
// Moves waiting requests in flight while there is room.
void requests_pump(evdns_base* base);
// A datagram (or TCP message) arrived from ns.
void reply_received(evdns_base* base, Nameserver* ns, const uint8_t* msg, std::size_t len,
                    bool via_tcp);
// Retries req over TCP (truncated UDP answer).
bool tcp_query_start(evdns_request* req);
void tcp_query_free(TcpQuery* q);
// Sends the next query of a search, or returns false when there is none.
bool search_try_next(evdns_request* req);

// The base (base.cpp).
evdns_base* base_new(event_base* eb, int flags);
void base_free(evdns_base* base, bool fail_requests);
void hosts_clear(evdns_base* base);
int clear_nameservers_and_suspend(evdns_base* base);
int resume(evdns_base* base);
// Unschedules a finished request's callback and frees it.
void request_drop_callback(evdns_request* req);

// Options (options.cpp): flags as for evdns_base_resolv_conf_parse.
int set_option(evdns_base* base, const char* option, const char* val, int flags);
int resolv_conf_apply(evdns_base* base, int flags, const char* filename);
int load_hosts(evdns_base* base, const char* filename);
void search_clear(evdns_base* base);
void search_add(evdns_base* base, const char* domain);

}  // namespace ev::dns
