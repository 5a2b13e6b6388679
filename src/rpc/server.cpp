// evrpc server side: RPCs registered as evhttp callbacks on "/.rpc.<name>";
// a call runs the input hooks, unmarshals the request, hands it to the
// user's callback, and evrpc_request_done() marshals the reply, runs the
// output hooks and sends it.  Every failure answers 503.
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/tag.h>

#include <cstring>

#include "core/mm.hpp"
#include "rpc/rpc_internal.hpp"

namespace ev::rpc {

namespace {

void state_free(evrpc_req_generic* s) {
  evrpc* rpc = s->rpc;
  meta_free(s->hook_meta);
  if (s->request != nullptr) rpc->request_free(s->request);
  if (s->reply != nullptr) rpc->reply_free(s->reply);
  if (s->rpc_data != nullptr) evbuffer_free(s->rpc_data);
  ev::mm_free(s);
}

void fail(evrpc_req_generic* s, evhttp_request* req) {
  if (s != nullptr) state_free(s);
  evhttp_send_error(req, HTTP_SERVUNAVAIL, nullptr);
}

// After the input hooks: unmarshal and give the call to the user.
void call_user(void* arg, EVRPC_HOOK_RESULT res) {
  evrpc_req_generic* s = static_cast<evrpc_req_generic*>(arg);
  evrpc* rpc = s->rpc;
  evhttp_request* req = s->http_req;
  if (res == EVRPC_TERMINATE) return fail(s, req);
  s->request = rpc->request_new(rpc->request_new_arg);
  if (s->request == nullptr ||
      rpc->request_unmarshal(s->request, evhttp_request_get_input_buffer(req)) == -1)
    return fail(s, req);
  s->reply = rpc->reply_new(rpc->reply_new_arg);
  if (s->reply == nullptr) return fail(s, req);
  rpc->cb(s, rpc->cb_arg);
}

void incoming(evhttp_request* req, void* arg) {
  evrpc* rpc = static_cast<evrpc*>(arg);
  if (evhttp_request_get_command(req) != EVHTTP_REQ_POST ||
      evbuffer_get_length(evhttp_request_get_input_buffer(req)) == 0)
    return fail(nullptr, req);
  auto* s = static_cast<evrpc_req_generic*>(ev::mm_calloc(1, sizeof(evrpc_req_generic)));
  if (s == nullptr) return fail(nullptr, req);
  s->rpc = rpc;
  s->http_req = req;
  Hooks* hooks = &rpc->base->hooks;
  if (!hooks->in.empty()) {
    meta_attach(&s->hook_meta, evhttp_request_get_connection(req));
    switch (run_hooks(hooks->in, s, req, evhttp_request_get_input_buffer(req))) {
      case EVRPC_CONTINUE:
        break;
      case EVRPC_PAUSE:
        if (pause_call(hooks, s, call_user) == -1) return fail(s, req);
        return;
      default:
        return fail(s, req);
    }
  }
  call_user(s, EVRPC_CONTINUE);
}

// After the output hooks: send the marshalled reply.
void send_reply(void* arg, EVRPC_HOOK_RESULT res) {
  evrpc_req_generic* s = static_cast<evrpc_req_generic*>(arg);
  evhttp_request* req = s->http_req;
  if (res == EVRPC_TERMINATE) return fail(s, req);
  evkeyvalq* headers = evhttp_request_get_output_headers(req);
  if (evhttp_find_header(headers, "Content-Type") == nullptr)
    evhttp_add_header(headers, "Content-Type", "application/octet-stream");
  evhttp_send_reply(req, HTTP_OK, "OK", s->rpc_data);
  state_free(s);
}

}  // namespace

evrpc_base* base_new(evhttp* server) {
  evrpc_base* base = ev::make<evrpc_base>();
  if (base == nullptr) return nullptr;
  TAILQ_INIT(&base->registered);
  base->http_server = server;
  return base;
}

void base_free(evrpc_base* base) {
  while (evrpc* rpc = TAILQ_FIRST(&base->registered)) unregister_rpc(base, rpc->uri);
  free_hooks(&base->hooks);
  ev::destroy(base);
}

int register_rpc(evrpc_base* base, evrpc* rpc, void (*cb)(evrpc_req_generic*, void*), void* arg) {
  char* uri = rpc_uri(rpc->uri);
  if (uri == nullptr) return -1;
  rpc->base = base;
  rpc->cb = cb;
  rpc->cb_arg = arg;
  if (evhttp_set_cb(base->http_server, uri, incoming, rpc) != 0) {
    ev::mm_free(uri);
    return -1;  // a path registered twice
  }
  ev::mm_free(uri);
  TAILQ_INSERT_TAIL(&base->registered, rpc, next);
  return 0;
}

int unregister_rpc(evrpc_base* base, const char* name) {
  evrpc* rpc = nullptr;
  TAILQ_FOREACH(rpc, &base->registered, next) {
    if (std::strcmp(rpc->uri, name) == 0) break;
  }
  if (rpc == nullptr) return -1;
  TAILQ_REMOVE(&base->registered, rpc, next);
  if (char* uri = rpc_uri(name)) {
    evhttp_del_cb(base->http_server, uri);
    ev::mm_free(uri);
  }
  ev::mm_free(const_cast<char*>(rpc->uri));
  ev::mm_free(rpc);
  return 0;
}

void request_done(evrpc_req_generic* s) {
  evrpc* rpc = s->rpc;
  evhttp_request* req = s->http_req;
  if (rpc->reply_complete(s->reply) == -1) return fail(s, req);
  if ((s->rpc_data = evbuffer_new()) == nullptr) return fail(s, req);
  rpc->reply_marshal(s->rpc_data, s->reply);
  Hooks* hooks = &rpc->base->hooks;
  if (!hooks->out.empty()) {
    meta_attach(&s->hook_meta, evhttp_request_get_connection(req));
    switch (run_hooks(hooks->out, s, req, s->rpc_data)) {
      case EVRPC_CONTINUE:
        break;
      case EVRPC_PAUSE:
        if (pause_call(hooks, s, send_reply) == -1) return fail(s, req);
        return;
      default:
        return fail(s, req);
    }
  }
  send_reply(s, EVRPC_CONTINUE);
}

}  // namespace ev::rpc
