// evrpc's objects.  RPCs ride on evhttp (public API only): a call is a POST
// of the marshalled request to "/.rpc.<name>", answered by 200 and the
// marshalled reply, or by 503 on any failure.
//
// Layout facts programs depend on:
//  - struct evrpc_req_generic has the layout of EVRPC_STRUCT(name) from
//    EVRPC_HEADER (programs cast between the two);
//  - the hook context of a server call (evrpc_req_generic) and of a client
//    call (evrpc_request_wrapper) both start with their hook_meta pointer,
//    which the evrpc_hook_*_meta functions read without knowing which one
//    they were given;
//  - evrpc_base and evrpc_pool both start with their Hooks, as
//    evrpc_add_hook and friends take either one as `void *`.
#pragma once

#include <sys/queue.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/http.h>
#include <event2/rpc.h>
#include <event2/rpc_struct.h>

#include <cstddef>

namespace ev::rpc {

// A doubly linked intrusive list of T, linked through T::link.
template <class T>
struct Link {
  T* next = nullptr;
  T* prev = nullptr;
};

template <class T>
struct List {
  T* head = nullptr;
  T* tail = nullptr;

  bool empty() const { return head == nullptr; }
  void push_back(T* x) {
    x->link.prev = tail;
    x->link.next = nullptr;
    if (tail != nullptr)
      tail->link.next = x;
    else
      head = x;
    tail = x;
  }
  void remove(T* x) {
    if (x->link.prev != nullptr)
      x->link.prev->link.next = x->link.next;
    else
      head = x->link.next;
    if (x->link.next != nullptr)
      x->link.next->link.prev = x->link.prev;
    else
      tail = x->link.prev;
    x->link.next = x->link.prev = nullptr;
  }
  bool contains(const T* x) const {
    for (T* p = head; p != nullptr; p = p->link.next)
      if (p == x) return true;
    return false;
  }
};

using HookFn = int (*)(void*, evhttp_request*, evbuffer*, void*);
using ResumeFn = void (*)(void* ctx, EVRPC_HOOK_RESULT);

struct Hook {
  HookFn process = nullptr;
  void* arg = nullptr;
  Link<Hook> link;
};

// A call suspended by a hook that returned EVRPC_PAUSE.
struct Paused {
  void* ctx = nullptr;
  ResumeFn resume = nullptr;
  Link<Paused> link;
};

// The first member of evrpc_base and evrpc_pool.
struct Hooks {
  List<Hook> in;
  List<Hook> out;
  List<Paused> paused;
};

struct Meta {
  char* key = nullptr;
  void* data = nullptr;
  std::size_t size = 0;
  Link<Meta> link;
};

// One pooled client connection and the call it carries, if any.
struct PoolConn {
  evhttp_connection* evcon = nullptr;
  evrpc_request_wrapper* busy = nullptr;
  Link<PoolConn> link;
};

// Runs hooks in order until one does not say EVRPC_CONTINUE.
int run_hooks(const List<Hook>& hooks, void* ctx, evhttp_request* req, evbuffer* buf);
// Queues ctx until evrpc_resume_request; -1 when out of memory.
int pause_call(Hooks* hooks, void* ctx, ResumeFn resume);
// Frees the pause entries (the calls themselves are not resumed).
void drop_paused(Hooks* hooks);
void free_hooks(Hooks* hooks);

// The evcon of a call's hook context, creating the meta block if needed.
void meta_attach(evrpc_hook_meta** slot, evhttp_connection* evcon);
void meta_free(evrpc_hook_meta* meta);

// "/.rpc." + name, allocated; nullptr when out of memory.
char* rpc_uri(const char* name);

}  // namespace ev::rpc

struct evrpc_hook_meta {
  ev::rpc::List<ev::rpc::Meta> entries;
  evhttp_connection* evcon = nullptr;
};

// Layout of EVRPC_STRUCT(rpcname).
struct evrpc_req_generic {
  evrpc_hook_meta* hook_meta;
  void* request;
  void* reply;
  struct evrpc* rpc;
  evhttp_request* http_req;
  evbuffer* rpc_data;
};

struct evrpc_base {
  ev::rpc::Hooks hooks;  // first: see above
  // A TAILQ head spelled out: libevent's headers may #undef TAILQ_HEAD.
  struct {
    evrpc* tqh_first;
    evrpc** tqh_last;
  } registered;
  evhttp* http_server = nullptr;
};

struct evrpc_pool {
  ev::rpc::Hooks hooks;  // first: see above
  event_base* base = nullptr;
  int timeout = -1;
  ev::rpc::List<ev::rpc::PoolConn> conns;
  ev::rpc::List<evrpc_request_wrapper> queued;
};

struct evrpc_request_wrapper {
  evrpc_hook_meta* hook_meta = nullptr;  // first: see above
  ev::rpc::Link<evrpc_request_wrapper> link;
  evrpc_pool* pool = nullptr;
  ev::rpc::PoolConn* conn = nullptr;
  evhttp_request* req = nullptr;
  event ev_timeout{};
  bool timer_set = false;
  bool sent = false;  // handed to evhttp_make_request
  char* name = nullptr;
  void (*cb)(evrpc_status*, void*, void*, void*) = nullptr;
  void* cb_arg = nullptr;
  void* request = nullptr;
  void* reply = nullptr;
  void (*request_marshal)(evbuffer*, void*) = nullptr;
  void (*reply_clear)(void*) = nullptr;
  int (*reply_unmarshal)(void*, evbuffer*) = nullptr;
};

namespace ev::rpc {

// Server side (server.cpp).
evrpc_base* base_new(evhttp* server);
void base_free(evrpc_base* base);
int register_rpc(evrpc_base* base, evrpc* rpc, void (*cb)(evrpc_req_generic*, void*), void* arg);
int unregister_rpc(evrpc_base* base, const char* name);
void request_done(evrpc_req_generic* state);

// Client side (client.cpp).
evrpc_pool* pool_new(event_base* base);
void pool_free(evrpc_pool* pool);
void pool_add_connection(evrpc_pool* pool, evhttp_connection* evcon);
void pool_remove_connection(evrpc_pool* pool, evhttp_connection* evcon);
void pool_set_timeout(evrpc_pool* pool, int secs);
evrpc_request_wrapper* call_new(evrpc_pool* pool, void* request, void* reply, const char* name,
                                void (*req_marshal)(evbuffer*, void*), void (*rpl_clear)(void*),
                                int (*rpl_unmarshal)(void*, evbuffer*),
                                void (*cb)(evrpc_status*, void*, void*, void*), void* cb_arg);
int call_start(evrpc_request_wrapper* ctx);

}  // namespace ev::rpc
