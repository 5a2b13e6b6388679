// evrpc hooks: lists of input/output hooks on a base or pool, calls paused
// by a hook, and the key/value meta data a call carries between hooks.
#include <cstring>

#include "core/mm.hpp"
#include "rpc/rpc_internal.hpp"

namespace ev::rpc {

int run_hooks(const List<Hook>& hooks, void* ctx, evhttp_request* req, evbuffer* buf) {
  for (Hook* h = hooks.head; h != nullptr; h = h->link.next) {
    int res = h->process(ctx, req, buf, h->arg);
    if (res != EVRPC_CONTINUE) return res;
  }
  return EVRPC_CONTINUE;
}

int pause_call(Hooks* hooks, void* ctx, ResumeFn resume) {
  Paused* p = ev::make<Paused>();
  if (p == nullptr) return -1;
  p->ctx = ctx;
  p->resume = resume;
  hooks->paused.push_back(p);
  return 0;
}

void drop_paused(Hooks* hooks) {
  while (Paused* p = hooks->paused.head) {
    hooks->paused.remove(p);
    ev::destroy(p);
  }
}

void free_hooks(Hooks* hooks) {
  drop_paused(hooks);
  for (List<Hook>* l : {&hooks->in, &hooks->out}) {
    while (Hook* h = l->head) {
      l->remove(h);
      ev::destroy(h);
    }
  }
}

void meta_attach(evrpc_hook_meta** slot, evhttp_connection* evcon) {
  if (*slot == nullptr) *slot = ev::make<evrpc_hook_meta>();
  if (*slot != nullptr) (*slot)->evcon = evcon;
}

void meta_free(evrpc_hook_meta* meta) {
  if (meta == nullptr) return;
  while (Meta* m = meta->entries.head) {
    meta->entries.remove(m);
    ev::mm_free(m->key);
    ev::mm_free(m->data);
    ev::destroy(m);
  }
  ev::destroy(meta);
}

char* rpc_uri(const char* name) {
  static const char kPrefix[] = "/.rpc.";
  std::size_t n = std::strlen(name);
  char* uri = static_cast<char*>(ev::mm_malloc(sizeof kPrefix + n));
  if (uri == nullptr) return nullptr;
  std::memcpy(uri, kPrefix, sizeof kPrefix - 1);
  std::memcpy(uri + sizeof kPrefix - 1, name, n + 1);
  return uri;
}

}  // namespace ev::rpc

using namespace ev::rpc;

namespace {

// Both hook contexts begin with their meta pointer (rpc_internal.hpp).
evrpc_hook_meta** meta_slot(void* ctx) { return static_cast<evrpc_hook_meta**>(ctx); }

List<Hook>* hook_list(void* vbase, EVRPC_HOOK_TYPE type) {
  Hooks* hooks = static_cast<Hooks*>(vbase);
  switch (type) {
    case EVRPC_INPUT:
      return &hooks->in;
    case EVRPC_OUTPUT:
      return &hooks->out;
  }
  return nullptr;
}

}  // namespace

extern "C" {

void* evrpc_add_hook(void* vbase, enum EVRPC_HOOK_TYPE hook_type,
                     int (*cb)(void*, struct evhttp_request*, struct evbuffer*, void*),
                     void* cb_arg) {
  if (vbase == nullptr || cb == nullptr) return nullptr;
  List<Hook>* list = hook_list(vbase, hook_type);
  if (list == nullptr) return nullptr;
  Hook* h = ev::make<Hook>();
  if (h == nullptr) return nullptr;
  h->process = cb;
  h->arg = cb_arg;
  list->push_back(h);
  return h;
}

int evrpc_remove_hook(void* vbase, enum EVRPC_HOOK_TYPE hook_type, void* handle) {
  if (vbase == nullptr) return 0;
  List<Hook>* list = hook_list(vbase, hook_type);
  if (list == nullptr) return 0;
  Hook* h = static_cast<Hook*>(handle);
  if (!list->contains(h)) return 0;
  list->remove(h);
  ev::destroy(h);
  return 1;
}

int evrpc_resume_request(void* vbase, void* ctx, enum EVRPC_HOOK_RESULT res) {
  if (vbase == nullptr) return -1;
  Hooks* hooks = static_cast<Hooks*>(vbase);
  Paused* p = hooks->paused.head;
  while (p != nullptr && p->ctx != ctx) p = p->link.next;
  if (p == nullptr) return -1;
  // Unlinked before the call goes on, so that it may pause again.
  hooks->paused.remove(p);
  ResumeFn resume = p->resume;
  ev::destroy(p);
  resume(ctx, res);
  return 0;
}

void evrpc_hook_add_meta(void* ctx, const char* key, const void* data, size_t data_size) {
  if (ctx == nullptr || key == nullptr) return;
  evrpc_hook_meta** slot = meta_slot(ctx);
  if (*slot == nullptr) *slot = ev::make<evrpc_hook_meta>();
  Meta* m = ev::make<Meta>();
  char* k = ev::mm_strdup(key);
  void* d = ev::mm_malloc(data_size ? data_size : 1);
  if (*slot == nullptr || m == nullptr || k == nullptr || d == nullptr) {
    ev::destroy(m);
    ev::mm_free(k);
    ev::mm_free(d);
    return;
  }
  if (data_size) std::memcpy(d, data, data_size);
  m->key = k;
  m->data = d;
  m->size = data_size;
  (*slot)->entries.push_back(m);
}

int evrpc_hook_find_meta(void* ctx, const char* key, void** data, size_t* data_size) {
  if (ctx == nullptr || key == nullptr) return -1;
  evrpc_hook_meta* meta = *meta_slot(ctx);
  if (meta == nullptr) return -1;
  for (Meta* m = meta->entries.head; m != nullptr; m = m->link.next) {
    if (std::strcmp(m->key, key) == 0) {
      if (data != nullptr) *data = m->data;
      if (data_size != nullptr) *data_size = m->size;
      return 0;
    }
  }
  return -1;
}

struct evhttp_connection* evrpc_hook_get_connection(void* ctx) {
  if (ctx == nullptr) return nullptr;
  evrpc_hook_meta* meta = *meta_slot(ctx);
  return meta != nullptr ? meta->evcon : nullptr;
}

}  // extern "C"
