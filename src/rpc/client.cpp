// evrpc client side: a pool of evhttp connections, each carrying one call
// at a time; calls wait in the pool until a connection is idle.  A call
// marshals its request, runs the pool's output hooks, POSTs it, runs the
// input hooks on the answer and unmarshals the reply for the user's callback.
// The pool's timeout (if any) bounds each call from the moment it is sent.
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/http_compat.h>

#include <cstring>

#include "core/mm.hpp"
#include "rpc/rpc_internal.hpp"

namespace ev::rpc {

namespace {

void call_free(evrpc_request_wrapper* ctx) {
  if (ctx->timer_set) event_del(&ctx->ev_timeout);
  meta_free(ctx->hook_meta);
  ev::mm_free(ctx->name);
  ev::destroy(ctx);
}

// Reports a call that never went out and frees it.
void unstarted(evrpc_request_wrapper* ctx) {
  evrpc_status status{};
  status.error = EVRPC_STATUS_ERR_UNSTARTED;
  if (ctx->conn != nullptr && ctx->conn->busy == ctx) ctx->conn->busy = nullptr;
  if (ctx->req != nullptr) evhttp_request_free(ctx->req);  // never handed to evhttp
  ctx->cb(&status, ctx->request, ctx->reply, ctx->cb_arg);
  call_free(ctx);
}

void schedule(evrpc_pool* pool);
void reply_done(evhttp_request* req, void* arg);

void timed_out(evutil_socket_t, short, void* arg) {
  evrpc_request_wrapper* ctx = static_cast<evrpc_request_wrapper*>(arg);
  // Cancelling runs no callback; the call then ends as the reference ends
  // one whose connection failed: with no HTTP request.
  evhttp_request* req = ctx->req;
  ctx->req = nullptr;
  if (req != nullptr) evhttp_cancel_request(req);
  reply_done(nullptr, ctx);
}

// After the output hooks: send it.
void send_call(void* arg, EVRPC_HOOK_RESULT res) {
  evrpc_request_wrapper* ctx = static_cast<evrpc_request_wrapper*>(arg);
  evrpc_pool* pool = ctx->pool;
  // Terminated by a hook, or its connection left the pool while it was paused.
  if (res == EVRPC_TERMINATE || ctx->conn == nullptr) return unstarted(ctx);
  char* uri = rpc_uri(ctx->name);
  if (uri == nullptr) return unstarted(ctx);
  evhttp_request* req = ctx->req;
  int rc = evhttp_make_request(ctx->conn->evcon, req, EVHTTP_REQ_POST, uri);
  ev::mm_free(uri);
  if (rc == -1) return unstarted(ctx);  // the request is still ours to free
  ctx->sent = true;
  if (pool->timeout > 0) {
    event_base* base = pool->base ? pool->base : evhttp_connection_get_base(ctx->conn->evcon);
    if (event_assign(&ctx->ev_timeout, base, -1, 0, timed_out, ctx) == 0) {
      timeval tv{pool->timeout, 0};
      ctx->timer_set = event_add(&ctx->ev_timeout, &tv) == 0;
    }
  }
}

// Starts a call on an idle connection.
void start_on(PoolConn* conn, evrpc_request_wrapper* ctx) {
  evrpc_pool* pool = ctx->pool;
  conn->busy = ctx;
  ctx->conn = conn;
  ctx->req = evhttp_request_new(reply_done, ctx);
  if (ctx->req == nullptr) return unstarted(ctx);
  evbuffer* out = evhttp_request_get_output_buffer(ctx->req);
  ctx->request_marshal(out, ctx->request);
  if (!pool->hooks.out.empty()) {
    meta_attach(&ctx->hook_meta, conn->evcon);
    switch (run_hooks(pool->hooks.out, ctx, ctx->req, out)) {
      case EVRPC_CONTINUE:
        break;
      case EVRPC_PAUSE:
        if (pause_call(&pool->hooks, ctx, send_call) == -1) return unstarted(ctx);
        return;
      default:
        return unstarted(ctx);
    }
  }
  send_call(ctx, EVRPC_CONTINUE);
}

void schedule(evrpc_pool* pool) {
  while (evrpc_request_wrapper* ctx = pool->queued.head) {
    PoolConn* idle = pool->conns.head;
    while (idle != nullptr && idle->busy != nullptr) idle = idle->link.next;
    if (idle == nullptr) return;
    pool->queued.remove(ctx);
    start_on(idle, ctx);
  }
}

// After the input hooks: unmarshal, report, free, and start the next call.
void finish(void* arg, EVRPC_HOOK_RESULT res) {
  evrpc_request_wrapper* ctx = static_cast<evrpc_request_wrapper*>(arg);
  evrpc_pool* pool = ctx->pool;
  evhttp_request* req = ctx->req;
  evrpc_status status{};
  status.http_req = req;
  int rc = -1;
  if (req == nullptr)
    status.error = EVRPC_STATUS_ERR_TIMEOUT;
  else if (res == EVRPC_TERMINATE)
    status.error = EVRPC_STATUS_ERR_HOOKABORTED;
  else if ((rc = ctx->reply_unmarshal(ctx->reply, evhttp_request_get_input_buffer(req))) == -1)
    status.error = EVRPC_STATUS_ERR_BADPAYLOAD;
  if (rc == -1) ctx->reply_clear(ctx->reply);
  ctx->cb(&status, ctx->request, ctx->reply, ctx->cb_arg);
  call_free(ctx);
  // A request we took ownership of while paused is ours to free.
  if (req != nullptr && evhttp_request_is_owned(req)) evhttp_request_free(req);
  schedule(pool);
}

void reply_done(evhttp_request* req, void* arg) {
  evrpc_request_wrapper* ctx = static_cast<evrpc_request_wrapper*>(arg);
  evrpc_pool* pool = ctx->pool;
  if (ctx->timer_set) {
    event_del(&ctx->ev_timeout);
    ctx->timer_set = false;
  }
  ctx->req = req;
  // The connection is free for the next call once this one has an answer.
  if (ctx->conn != nullptr && ctx->conn->busy == ctx) ctx->conn->busy = nullptr;
  if (req == nullptr || pool->hooks.in.empty()) return finish(ctx, EVRPC_CONTINUE);
  meta_attach(&ctx->hook_meta, ctx->conn != nullptr ? ctx->conn->evcon : nullptr);
  int res = run_hooks(pool->hooks.in, ctx, req, evhttp_request_get_input_buffer(req));
  if (res == EVRPC_PAUSE) {
    // evhttp frees the request when this callback returns unless we own it.
    evhttp_request_own(req);
    if (pause_call(&pool->hooks, ctx, finish) == 0) return;
    res = EVRPC_TERMINATE;
  }
  finish(ctx, res == EVRPC_CONTINUE ? EVRPC_CONTINUE : EVRPC_TERMINATE);
}

}  // namespace

evrpc_pool* pool_new(event_base* base) {
  evrpc_pool* pool = ev::make<evrpc_pool>();
  if (pool == nullptr) return nullptr;
  pool->base = base;
  return pool;
}

// Calls still in the pool when it is freed end without their callback, as
// in libevent, but nothing of theirs is leaked.
void pool_free(evrpc_pool* pool) {
  while (evrpc_request_wrapper* ctx = pool->queued.head) {
    pool->queued.remove(ctx);
    call_free(ctx);
  }
  // Paused calls: before sending, the HTTP request was never handed to
  // evhttp; after the answer, we own it.
  while (Paused* p = pool->hooks.paused.head) {
    pool->hooks.paused.remove(p);
    auto* ctx = static_cast<evrpc_request_wrapper*>(p->ctx);
    ev::destroy(p);
    if (ctx->req != nullptr && (!ctx->sent || evhttp_request_is_owned(ctx->req)))
      evhttp_request_free(ctx->req);
    if (ctx->conn != nullptr && ctx->conn->busy == ctx) ctx->conn->busy = nullptr;
    call_free(ctx);
  }
  while (PoolConn* c = pool->conns.head) {
    pool->conns.remove(c);
    // Freeing the connection frees its requests without their callbacks.
    evhttp_connection_free(c->evcon);
    if (c->busy != nullptr) call_free(c->busy);
    ev::destroy(c);
  }
  free_hooks(&pool->hooks);
  ev::destroy(pool);
}

void pool_add_connection(evrpc_pool* pool, evhttp_connection* evcon) {
  PoolConn* c = ev::make<PoolConn>();
  if (c == nullptr) return;
  c->evcon = evcon;
  pool->conns.push_back(c);
  // Connections made without a base (evhttp_connection_new) run on the
  // pool's, as in libevent.
  if (pool->base != nullptr && evhttp_connection_get_base(evcon) != pool->base)
    evhttp_connection_set_base(evcon, pool->base);
  if (pool->timeout >= 0) evhttp_connection_set_timeout(evcon, pool->timeout);
  schedule(pool);
}

void pool_remove_connection(evrpc_pool* pool, evhttp_connection* evcon) {
  for (PoolConn* c = pool->conns.head; c != nullptr; c = c->link.next) {
    if (c->evcon != evcon) continue;
    if (c->busy != nullptr) c->busy->conn = nullptr;
    pool->conns.remove(c);
    ev::destroy(c);
    return;
  }
}

void pool_set_timeout(evrpc_pool* pool, int secs) {
  for (PoolConn* c = pool->conns.head; c != nullptr; c = c->link.next)
    evhttp_connection_set_timeout(c->evcon, secs);
  pool->timeout = secs;
}

evrpc_request_wrapper* call_new(evrpc_pool* pool, void* request, void* reply, const char* name,
                                void (*req_marshal)(evbuffer*, void*), void (*rpl_clear)(void*),
                                int (*rpl_unmarshal)(void*, evbuffer*),
                                void (*cb)(evrpc_status*, void*, void*, void*), void* cb_arg) {
  evrpc_request_wrapper* ctx = ev::make<evrpc_request_wrapper>();
  if (ctx == nullptr) return nullptr;
  ctx->name = ev::mm_strdup(name);
  if (ctx->name == nullptr) {
    ev::destroy(ctx);
    return nullptr;
  }
  ctx->pool = pool;
  ctx->request = request;
  ctx->reply = reply;
  ctx->request_marshal = req_marshal;
  ctx->reply_clear = rpl_clear;
  ctx->reply_unmarshal = rpl_unmarshal;
  ctx->cb = cb;
  ctx->cb_arg = cb_arg;
  return ctx;
}

int call_start(evrpc_request_wrapper* ctx) {
  evrpc_pool* pool = ctx->pool;
  pool->queued.push_back(ctx);
  schedule(pool);
  return 0;
}

}  // namespace ev::rpc
