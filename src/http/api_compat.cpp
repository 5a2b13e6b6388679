// http_compat.h: the pre-2.0 entry points that use the current base.
#include <event2/http_compat.h>

#include "http/http_internal.hpp"

namespace {

// The base event_init() made, found through event_assign's NULL-base rule.
event_base* current_base() {
  event ev;
  if (event_assign(
          &ev, nullptr, -1, 0, [](evutil_socket_t, short, void*) {}, nullptr) != 0)
    return nullptr;
  return event_get_base(&ev);
}

}  // namespace

extern "C" {

struct evhttp* evhttp_start(const char* address, ev_uint16_t port) {
  evhttp* http = evhttp_new(current_base());
  if (http == nullptr) return nullptr;
  if (evhttp_bind_socket(http, address, port) != 0) {
    evhttp_free(http);
    return nullptr;
  }
  return http;
}

struct evhttp_connection* evhttp_connection_new(const char* address, ev_uint16_t port) {
  return evhttp_connection_base_new(current_base(), nullptr, address, port);
}

void evhttp_connection_set_base(struct evhttp_connection* evcon, struct event_base* base) {
  if (evcon == nullptr || base == nullptr) return;
  evcon->base = base;
  bufferevent_base_set(base, evcon->bev);
}

}  // extern "C"
