// event2/rpc.h: the evrpc_* entry points (hooks and meta data are in
// hooks.cpp).  Each checks its arguments and makes one call into the server
// (server.cpp) or client (client.cpp) side.
#include <event2/rpc.h>

#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "rpc/rpc_internal.hpp"

using namespace ev::rpc;

extern "C" {

struct evrpc_base* evrpc_init(struct evhttp* server) {
  if (server == nullptr) return nullptr;
  return base_new(server);
}

void evrpc_free(struct evrpc_base* base) {
  if (base != nullptr) base_free(base);
}

int evrpc_register_rpc(struct evrpc_base* base, struct evrpc* rpc,
                       void (*cb)(struct evrpc_req_generic*, void*), void* cb_arg) {
  if (base == nullptr || rpc == nullptr || rpc->uri == nullptr || cb == nullptr) return -1;
  return register_rpc(base, rpc, cb, cb_arg);
}

int evrpc_register_generic(struct evrpc_base* base, const char* name,
                           void (*callback)(struct evrpc_req_generic*, void*), void* cbarg,
                           void* (*req_new)(void*), void* req_new_arg, void (*req_free)(void*),
                           int (*req_unmarshal)(void*, struct evbuffer*), void* (*rpl_new)(void*),
                           void* rpl_new_arg, void (*rpl_free)(void*), int (*rpl_complete)(void*),
                           void (*rpl_marshal)(struct evbuffer*, void*)) {
  if (base == nullptr || name == nullptr || callback == nullptr || req_new == nullptr ||
      req_free == nullptr || req_unmarshal == nullptr || rpl_new == nullptr ||
      rpl_free == nullptr || rpl_complete == nullptr || rpl_marshal == nullptr)
    return -1;
  // Allocated as evrpc_unregister_rpc frees it (also for evrpc_register_rpc).
  auto* rpc = static_cast<evrpc*>(ev::mm_calloc(1, sizeof(evrpc)));
  char* uri = ev::mm_strdup(name);
  if (rpc == nullptr || uri == nullptr) {
    ev::mm_free(rpc);
    ev::mm_free(uri);
    return -1;
  }
  rpc->uri = uri;
  rpc->request_new = req_new;
  rpc->request_new_arg = req_new_arg;
  rpc->request_free = req_free;
  rpc->request_unmarshal = req_unmarshal;
  rpc->reply_new = rpl_new;
  rpc->reply_new_arg = rpl_new_arg;
  rpc->reply_free = rpl_free;
  rpc->reply_complete = rpl_complete;
  rpc->reply_marshal = rpl_marshal;
  if (register_rpc(base, rpc, callback, cbarg) != 0) {
    ev::mm_free(uri);
    ev::mm_free(rpc);
    return -1;
  }
  return 0;
}

int evrpc_unregister_rpc(struct evrpc_base* base, const char* name) {
  if (base == nullptr || name == nullptr) return -1;
  return unregister_rpc(base, name);
}

void evrpc_request_done(struct evrpc_req_generic* req) {
  if (req == nullptr) return;
  request_done(req);
}

void* evrpc_get_request(struct evrpc_req_generic* req) {
  return req != nullptr ? req->request : nullptr;
}

void* evrpc_get_reply(struct evrpc_req_generic* req) {
  return req != nullptr ? req->reply : nullptr;
}

struct evrpc_pool* evrpc_pool_new(struct event_base* base) {
  return pool_new(base);
}

void evrpc_pool_free(struct evrpc_pool* pool) {
  if (pool != nullptr) pool_free(pool);
}

void evrpc_pool_add_connection(struct evrpc_pool* pool, struct evhttp_connection* evcon) {
  if (pool == nullptr || evcon == nullptr) return;
  pool_add_connection(pool, evcon);
}

void evrpc_pool_remove_connection(struct evrpc_pool* pool, struct evhttp_connection* evcon) {
  if (pool == nullptr || evcon == nullptr) return;
  pool_remove_connection(pool, evcon);
}

void evrpc_pool_set_timeout(struct evrpc_pool* pool, int timeout_in_secs) {
  if (pool != nullptr) pool_set_timeout(pool, timeout_in_secs);
}

struct evrpc_request_wrapper* evrpc_make_request_ctx(
    struct evrpc_pool* pool, void* request, void* reply, const char* rpcname,
    void (*req_marshal)(struct evbuffer*, void*), void (*rpl_clear)(void*),
    int (*rpl_unmarshal)(void*, struct evbuffer*),
    void (*cb)(struct evrpc_status*, void*, void*, void*), void* cbarg) {
  if (pool == nullptr || rpcname == nullptr || req_marshal == nullptr || rpl_clear == nullptr ||
      rpl_unmarshal == nullptr || cb == nullptr)
    return nullptr;
  return call_new(pool, request, reply, rpcname, req_marshal, rpl_clear, rpl_unmarshal, cb, cbarg);
}

int evrpc_make_request(struct evrpc_request_wrapper* ctx) {
  if (ctx == nullptr || ctx->pool == nullptr) return -1;
  return call_start(ctx);
}

int evrpc_send_request_generic(struct evrpc_pool* pool, void* request, void* reply,
                               void (*cb)(struct evrpc_status*, void*, void*, void*), void* cb_arg,
                               const char* rpcname, void (*req_marshal)(struct evbuffer*, void*),
                               void (*rpl_clear)(void*),
                               int (*rpl_unmarshal)(void*, struct evbuffer*)) {
  if (cb == nullptr) return -1;
  evrpc_request_wrapper* ctx = evrpc_make_request_ctx(pool, request, reply, rpcname, req_marshal,
                                                      rpl_clear, rpl_unmarshal, cb, cb_arg);
  if (ctx == nullptr) {
    evrpc_status status{};
    status.error = EVRPC_STATUS_ERR_UNSTARTED;
    cb(&status, request, reply, cb_arg);
    return -1;
  }
  return call_start(ctx);
}

struct evrpc_pool* evrpc_request_get_pool(struct evrpc_request_wrapper* ctx) {
  return ctx != nullptr ? ctx->pool : nullptr;
}

void evrpc_request_set_pool(struct evrpc_request_wrapper* ctx, struct evrpc_pool* pool) {
  if (ctx != nullptr) ctx->pool = pool;
}

void evrpc_request_set_cb(struct evrpc_request_wrapper* ctx,
                          void (*cb)(struct evrpc_status*, void* request, void* reply, void* arg),
                          void* cb_arg) {
  if (ctx == nullptr) return;
  ctx->cb = cb;
  ctx->cb_arg = cb_arg;
}

}  // extern "C"
