// The server-port entry points of event2/dns.h.
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>

#include "core/log.hpp"
#include "evdns/server.hpp"

namespace dns = ev::dns;

namespace {

dns::ServerRequest* upcast(evdns_server_request* r) {
  return reinterpret_cast<dns::ServerRequest*>(r);
}

#define SRV_CHECK(p, ret)                                    \
  do {                                                       \
    if ((p) == nullptr) {                                    \
      evpriv_warnx("%s: %s must not be NULL", __func__, #p); \
      return ret;                                            \
    }                                                        \
  } while (0)

}  // namespace

extern "C" {

struct evdns_server_port* evdns_add_server_port_with_base(struct event_base* base,
                                                          evutil_socket_t socket, int flags,
                                                          evdns_request_callback_fn_type callback,
                                                          void* user_data) {
  SRV_CHECK(callback, nullptr);
  if (flags != 0) return nullptr;
  if (socket < 0) return nullptr;
  return dns::server_port_new(base, socket, callback, user_data);
}

void evdns_close_server_port(struct evdns_server_port* port) {
  SRV_CHECK(port, );
  dns::server_port_close(port);
}

void evdns_server_request_set_flags(struct evdns_server_request* req, int flags) {
  SRV_CHECK(req, );
  req->flags &= ~(EVDNS_FLAGS_AA | EVDNS_FLAGS_RD);
  req->flags |= flags;
}

int evdns_server_request_add_reply(struct evdns_server_request* req, int section, const char* name,
                                   int type, int dns_class, int ttl, int datalen, int is_name,
                                   const char* data) {
  SRV_CHECK(req, -1);
  return dns::server_add_reply(upcast(req), section, name, type, dns_class, ttl, datalen, is_name,
                               data);
}

int evdns_server_request_add_a_reply(struct evdns_server_request* req, const char* name, int n,
                                     const void* addrs, int ttl) {
  SRV_CHECK(req, -1);
  if (n < 0 || (n > 0 && addrs == nullptr)) return -1;
  // One record per address (libevent packs them into one record, which
  // other resolvers reject).
  for (int i = 0; i < n; ++i)
    if (dns::server_add_reply(upcast(req), EVDNS_ANSWER_SECTION, name, EVDNS_TYPE_A,
                              EVDNS_CLASS_INET, ttl, 4, 0,
                              static_cast<const char*>(addrs) + 4 * i) != 0)
      return -1;
  return 0;
}

int evdns_server_request_add_aaaa_reply(struct evdns_server_request* req, const char* name, int n,
                                        const void* addrs, int ttl) {
  SRV_CHECK(req, -1);
  if (n < 0 || (n > 0 && addrs == nullptr)) return -1;
  for (int i = 0; i < n; ++i)
    if (dns::server_add_reply(upcast(req), EVDNS_ANSWER_SECTION, name, EVDNS_TYPE_AAAA,
                              EVDNS_CLASS_INET, ttl, 16, 0,
                              static_cast<const char*>(addrs) + 16 * i) != 0)
      return -1;
  return 0;
}

int evdns_server_request_add_ptr_reply(struct evdns_server_request* req, struct in_addr* in,
                                       const char* inaddr_name, const char* hostname, int ttl) {
  SRV_CHECK(req, -1);
  SRV_CHECK(hostname, -1);
  char buf[32];
  if (in != nullptr) {
    uint32_t a = ntohl(in->s_addr);
    std::snprintf(buf, sizeof(buf), "%d.%d.%d.%d.in-addr.arpa", static_cast<int>(a & 0xff),
                  static_cast<int>((a >> 8) & 0xff), static_cast<int>((a >> 16) & 0xff),
                  static_cast<int>((a >> 24) & 0xff));
    inaddr_name = buf;
  } else if (inaddr_name == nullptr) {
    return -1;
  }
  return dns::server_add_reply(upcast(req), EVDNS_ANSWER_SECTION, inaddr_name, EVDNS_TYPE_PTR,
                               EVDNS_CLASS_INET, ttl, -1, 1, hostname);
}

int evdns_server_request_add_cname_reply(struct evdns_server_request* req, const char* name,
                                         const char* cname, int ttl) {
  SRV_CHECK(req, -1);
  return dns::server_add_reply(upcast(req), EVDNS_ANSWER_SECTION, name, EVDNS_TYPE_CNAME,
                               EVDNS_CLASS_INET, ttl, -1, 1, cname);
}

int evdns_server_request_respond(struct evdns_server_request* req, int err) {
  SRV_CHECK(req, -1);
  return dns::server_respond(upcast(req), err);
}

int evdns_server_request_drop(struct evdns_server_request* req) {
  SRV_CHECK(req, -1);
  dns::server_request_free(upcast(req));
  return 0;
}

int evdns_server_request_get_requesting_addr(struct evdns_server_request* req, struct sockaddr* sa,
                                             int addr_len) {
  SRV_CHECK(req, -1);
  dns::ServerRequest* r = upcast(req);
  if (addr_len < static_cast<int>(r->addrlen)) return -1;
  std::memcpy(sa, &r->addr, r->addrlen);
  return static_cast<int>(r->addrlen);
}

}  // extern "C"
