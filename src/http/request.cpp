// struct evhttp_request: creation, freeing, status phrases, methods and the
// header tests (keep-alive, close) that connections use.
#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "util/chars.hpp"

namespace ev::http {

namespace {

// The request, its two header lists and room for its short strings (peer
// address, URI, reason phrase) are one allocation.
struct RequestBlock {
  evhttp_request req;
  evkeyvalq in;
  evkeyvalq out;
  char host[48];
  char reason[32];
  char uri[160];
};

char* slot_of(evhttp_request* req, StrSlot slot, std::size_t* cap) {
  auto* b = reinterpret_cast<RequestBlock*>(req);
  switch (slot) {
    case StrSlot::kHost:
      *cap = sizeof(b->host);
      return b->host;
    case StrSlot::kReason:
      *cap = sizeof(b->reason);
      return b->reason;
    case StrSlot::kUri:
      *cap = sizeof(b->uri);
      return b->uri;
  }
  return nullptr;
}

struct Phrases {
  const char* klass;
  const char* const* names;
  int count;
};

const char* const k1xx[] = {"Continue", "Switching Protocols"};
const char* const k2xx[] = {
    "OK",         "Created",       "Accepted",       "Non-Authoritative Information",
    "No Content", "Reset Content", "Partial Content"};
const char* const k3xx[] = {"Multiple Choices", "Moved Permanently", "Found", "See Other",
                            "Not Modified",     "Use Proxy",         "-",     "Temporary Redirect"};
const char* const k4xx[] = {"Bad Request",
                            "Unauthorized",
                            "Payment Required",
                            "Forbidden",
                            "Not Found",
                            "Method Not Allowed",
                            "Not Acceptable",
                            "Proxy Authentication Required",
                            "Request Time-out",
                            "Conflict",
                            "Gone",
                            "Length Required",
                            "Precondition Failed",
                            "Request Entity Too Large",
                            "Request-URI Too Large",
                            "Unsupported Media Type",
                            "Requested range not satisfiable",
                            "Expectation Failed"};
const char* const k5xx[] = {"Internal Server Error", "Not Implemented",
                            "Bad Gateway",           "Service Unavailable",
                            "Gateway Time-out",      "HTTP Version not supported"};

const Phrases kClasses[] = {
    {"Informational", k1xx, 2}, {"Success", k2xx, 7},      {"Redirection", k3xx, 8},
    {"Client Error", k4xx, 18}, {"Server Error", k5xx, 6},
};

struct Method {
  const char* name;
  int type;
};
const Method kMethods[] = {
    {"GET", EVHTTP_REQ_GET},     {"POST", EVHTTP_REQ_POST},       {"HEAD", EVHTTP_REQ_HEAD},
    {"PUT", EVHTTP_REQ_PUT},     {"DELETE", EVHTTP_REQ_DELETE},   {"OPTIONS", EVHTTP_REQ_OPTIONS},
    {"TRACE", EVHTTP_REQ_TRACE}, {"CONNECT", EVHTTP_REQ_CONNECT}, {"PATCH", EVHTTP_REQ_PATCH},
};

}  // namespace

// Does the comma-separated header value contain `token`?
bool has_token(const char* v, const char* token) {
  if (v == nullptr) return false;
  std::size_t tn = std::strlen(token);
  while (*v != '\0') {
    while (*v == ' ' || *v == '\t' || *v == ',') ++v;
    const char* s = v;
    while (*v != '\0' && *v != ',') ++v;
    const char* e = v;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) --e;
    if (static_cast<std::size_t>(e - s) == tn && ascii_strnieq(s, tn, token)) return true;
  }
  return false;
}

const char* response_phrase(int code) {
  int klass = code / 100 - 1;
  int sub = code % 100;
  if (klass < 0 || klass > 4) return "Unknown Status Class";
  if (sub >= kClasses[klass].count) return kClasses[klass].klass;
  return kClasses[klass].names[sub];
}

const char* method_name(int type) {
  for (const Method& m : kMethods)
    if (m.type == type) return m.name;
  return nullptr;
}

int method_from(const char* p, std::size_t n) {
  for (const Method& m : kMethods)
    if (std::strlen(m.name) == n && std::memcmp(m.name, p, n) == 0) return m.type;
  return 0;
}

bool is_keepalive(const evkeyvalq* headers) {
  return has_token(evhttp_find_header(headers, "Connection"), "keep-alive");
}

bool is_close(int flags, const evkeyvalq* headers) {
  if (flags & EVHTTP_PROXY_REQUEST)
    return has_token(evhttp_find_header(headers, "Proxy-Connection"), "close");
  return has_token(evhttp_find_header(headers, "Connection"), "close");
}

bool needs_body(const evhttp_request* req) {
  return req->response_code != HTTP_NOCONTENT && req->response_code != HTTP_NOTMODIFIED &&
         (req->response_code < 100 || req->response_code >= 200) && req->type != EVHTTP_REQ_HEAD;
}

evhttp_request* request_new(void (*cb)(evhttp_request*, void*), void* arg) {
  auto* b = static_cast<RequestBlock*>(mm_malloc(sizeof(RequestBlock)));
  if (b == nullptr) return nullptr;
  std::memset(&b->req, 0, sizeof(b->req));
  evhttp_request* req = &b->req;
  TAILQ_INIT(&b->in);
  TAILQ_INIT(&b->out);
  req->input_headers = &b->in;
  req->output_headers = &b->out;
  req->kind = EVHTTP_RESPONSE;
  req->input_buffer = evbuffer_new();
  req->output_buffer = evbuffer_new();
  if (req->input_buffer == nullptr || req->output_buffer == nullptr) {
    if (req->input_buffer != nullptr) evbuffer_free(req->input_buffer);
    if (req->output_buffer != nullptr) evbuffer_free(req->output_buffer);
    mm_free(b);
    return nullptr;
  }
  req->cb = cb;
  req->cb_arg = arg;
  req->ntoread = -1;
  return req;
}

char* request_strdup(evhttp_request* req, StrSlot slot, const char* s, std::size_t n) {
  std::size_t cap = 0;
  char* inline_buf = slot_of(req, slot, &cap);
  char* out = n < cap ? inline_buf : static_cast<char*>(mm_malloc(n + 1));
  if (out == nullptr) return nullptr;
  std::memmove(out, s, n);
  out[n] = '\0';
  return out;
}

void request_str_free(evhttp_request* req, char* s) {
  auto* b = reinterpret_cast<RequestBlock*>(req);
  const char* lo = reinterpret_cast<const char*>(b);
  if (s != nullptr && !(s >= lo && s < lo + sizeof(RequestBlock))) mm_free(s);
}

void request_free_auto(evhttp_request* req) {
  if (!(req->flags & EVHTTP_USER_OWNED)) request_free(req);
}

void response_code(evhttp_request* req, int code, const char* reason) {
  req->kind = EVHTTP_RESPONSE;
  req->response_code = code;
  if (reason == nullptr) reason = response_phrase(code);
  if (reason == req->response_code_line) return;
  char* old = req->response_code_line;
  req->response_code_line = nullptr;
  request_str_free(req, old);
  req->response_code_line = request_strdup(req, StrSlot::kReason, reason, std::strlen(reason));
}

void request_free(evhttp_request* req) {
  if (req->flags & EVHTTP_REQ_DEFER_FREE) {
    req->flags |= EVHTTP_REQ_NEEDS_FREE;
    return;
  }
  request_str_free(req, req->remote_host);
  request_str_free(req, req->uri);
  if (req->uri_elems != nullptr) uri_free(req->uri_elems);
  request_str_free(req, req->response_code_line);
  mm_free(req->host_cache);
  headers_clear(req->input_headers);
  headers_clear(req->output_headers);
  if (req->input_buffer != nullptr) evbuffer_free(req->input_buffer);
  if (req->output_buffer != nullptr) evbuffer_free(req->output_buffer);
  // Headers lists a program swapped in are its own (never ours to free).
  mm_free(req);
}

const char* request_host(evhttp_request* req) {
  if (req->host_cache != nullptr) return req->host_cache;
  const char* host = req->uri_elems != nullptr ? req->uri_elems->host : nullptr;
  if (host == nullptr && req->input_headers != nullptr) {
    host = header_find(req->input_headers, "Host");
    if (host != nullptr) {
      // Drop a ":port" suffix, as the URI's host never has one.
      std::size_t n = std::strlen(host);
      const char* p = host + n - 1;
      while (p > host && is_digit(*p)) --p;
      if (p > host && *p == ':') {
        std::size_t len = static_cast<std::size_t>(p - host);
        req->host_cache = static_cast<char*>(mm_malloc(len + 1));
        if (req->host_cache == nullptr) return nullptr;
        std::memcpy(req->host_cache, host, len);
        req->host_cache[len] = '\0';
        host = req->host_cache;
      }
    }
  }
  return host;
}

}  // namespace ev::http
