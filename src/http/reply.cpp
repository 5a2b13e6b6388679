// Server replies: the response head, whole replies, error pages, streamed
// (chunked or close-delimited) replies, and what follows a sent reply.
#include <ctime>
#include <cstdio>
#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"

namespace ev::http {

namespace {

// "Date: ..." for the current second, formatted once per second.
const char* http_date() {
  static thread_local time_t cached = 0;
  static thread_local char text[64];
  time_t now = time(nullptr);
  if (now != cached) {
    tm t;
    gmtime_r(&now, &t);
    strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &t);
    cached = now;
  }
  return text;
}

// Appends s to the head being built; spills to the evbuffer when full.
struct HeadWriter {
  evbuffer* out;
  char buf[1024];
  std::size_t len = 0;
  void put(const char* s, std::size_t n) {
    if (len + n > sizeof(buf)) {
      flush();
      if (n > sizeof(buf)) {
        evbuffer_add(out, s, n);
        return;
      }
    }
    std::memcpy(buf + len, s, n);
    len += n;
  }
  void put(const char* s) { put(s, std::strlen(s)); }
  void flush() {
    if (len > 0) evbuffer_add(out, buf, len);
    len = 0;
  }
};

void make_response_head(evhttp_connection* c, evhttp_request* req, bool streaming) {
  evkeyvalq* oh = req->output_headers;
  bool keepalive = is_keepalive(req->input_headers);
  bool body = needs_body(req);
  if (req->major == 1) {
    if (req->minor >= 1 && evhttp_find_header(oh, "Date") == nullptr)
      evhttp_add_header(oh, "Date", http_date());
    if (req->minor == 0 && keepalive && !streaming)
      evhttp_add_header(oh, "Connection", "keep-alive");
    if ((req->minor >= 1 || keepalive) && body && !streaming &&
        evhttp_find_header(oh, "Transfer-Encoding") == nullptr &&
        evhttp_find_header(oh, "Content-Length") == nullptr) {
      char len[24];
      std::snprintf(len, sizeof(len), "%zu", evbuffer_get_length(req->output_buffer));
      evhttp_add_header(oh, "Content-Length", len);
    }
  }
  if (body && evhttp_find_header(oh, "Content-Type") == nullptr && c->server != nullptr &&
      c->server->default_content_type != nullptr)
    evhttp_add_header(oh, "Content-Type", c->server->default_content_type);
  if (is_close(req->flags, req->input_headers)) {
    evhttp_remove_header(oh, "Connection");
    if (!(req->flags & EVHTTP_PROXY_REQUEST)) evhttp_add_header(oh, "Connection", "close");
    evhttp_remove_header(oh, "Proxy-Connection");
  }
  HeadWriter w{bufferevent_get_output(c->bev)};
  char line[64];
  int n = std::snprintf(line, sizeof(line), "HTTP/%d.%d %d ", req->major, req->minor,
                        req->response_code);
  w.put(line, static_cast<std::size_t>(n));
  w.put(req->response_code_line != nullptr ? req->response_code_line : "");
  w.put("\r\n", 2);
  evkeyval* kv;
  TAILQ_FOREACH(kv, oh, next) {
    w.put(kv->key);
    w.put(": ", 2);
    w.put(kv->value);
    w.put("\r\n", 2);
  }
  w.put("\r\n", 2);
  w.flush();
}

}  // namespace

void server_send_done(evhttp_connection* c, void*) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr) return;
  TAILQ_REMOVE(&c->requests, req, next);
  if (req->on_complete_cb != nullptr) req->on_complete_cb(req, req->on_complete_cb_arg);
  bool need_close = ((req->major == 1 && req->minor == 0) && !is_keepalive(req->input_headers)) ||
                    is_close(req->flags, req->input_headers) ||
                    is_close(req->flags, req->output_headers) || c->peer_eof;
  req->evcon = nullptr;
  evhttp_request_free(req);
  if (need_close || c->free_pending) {
    evhttp_connection_free(c);
    return;
  }
  conn_start_read(c);
}

void server_send(evhttp_request* req) {
  evhttp_connection* c = req->evcon;
  if (c == nullptr) {
    evhttp_request_free(req);
    return;
  }
  req->userdone = 1;
  c->state = State::kWriting;
  make_response_head(c, req, false);
  evbuffer* out = bufferevent_get_output(c->bev);
  if (needs_body(req) && evbuffer_get_length(req->output_buffer) > 0)
    evbuffer_add_buffer(out, req->output_buffer);
  conn_write(c, server_send_done, nullptr);
}

void server_send_page(evhttp_request* req, evbuffer* body) {
  if (req->major == 0 || req->minor == 0) {
    req->major = 1;
    req->minor = 1;
  }
  if (req->kind != EVHTTP_RESPONSE) response_code(req, 200, "OK");
  evhttp_clear_headers(req->output_headers);
  evhttp_add_header(req->output_headers, "Content-Type", "text/html");
  evhttp_add_header(req->output_headers, "Connection", "close");
  if (body != nullptr) evbuffer_add_buffer(req->output_buffer, body);
  server_send(req);
}

}  // namespace ev::http

using namespace ev::http;

extern "C" {

void evhttp_send_error(struct evhttp_request* req, int error, const char* reason) {
  if (req == nullptr) return;
  evbuffer* buf = evbuffer_new();
  if (buf == nullptr) {
    if (req->evcon != nullptr) evhttp_connection_free(req->evcon);
    return;
  }
  evhttp_add_header(req->output_headers, "Connection", "close");
  if (reason == nullptr) reason = response_phrase(error);
  response_code(req, error, reason);
  evbuffer_add_printf(buf,
                      "<HTML><HEAD>\n<TITLE>%d %s</TITLE>\n</HEAD><BODY>\n<H1>%s</H1>\n"
                      "</BODY></HTML>\n",
                      error, reason, reason);
  server_send_page(req, buf);
  evbuffer_free(buf);
}

void evhttp_send_reply(struct evhttp_request* req, int code, const char* reason,
                       struct evbuffer* databuf) {
  if (req == nullptr) return;
  response_code(req, code, reason);
  if (databuf != nullptr) evbuffer_add_buffer(req->output_buffer, databuf);
  server_send(req);
}

void evhttp_send_reply_start(struct evhttp_request* req, int code, const char* reason) {
  if (req == nullptr) return;
  response_code(req, code, reason);
  evhttp_connection* c = req->evcon;
  if (c == nullptr) return;
  if (evhttp_find_header(req->output_headers, "Content-Length") == nullptr && needs_body(req)) {
    if (req->major == 1 && req->minor >= 1) {
      evhttp_add_header(req->output_headers, "Transfer-Encoding", "chunked");
      req->chunked = 1;
    } else {
      // HTTP/1.0 has no chunks: the body ends with the connection.
      evhttp_remove_header(req->output_headers, "Connection");
      evhttp_add_header(req->output_headers, "Connection", "close");
      req->chunked = 0;
    }
  } else {
    req->chunked = 0;
  }
  c->state = State::kWriting;
  make_response_head(c, req, true);
  conn_write(c, nullptr, nullptr);
}

void evhttp_send_reply_chunk_with_cb(struct evhttp_request* req, struct evbuffer* databuf,
                                     void (*cb)(struct evhttp_connection*, void*), void* arg) {
  if (req == nullptr || databuf == nullptr) return;
  evhttp_connection* c = req->evcon;
  if (c == nullptr) return;
  std::size_t n = evbuffer_get_length(databuf);
  if (n == 0 || !needs_body(req)) return;
  evbuffer* out = bufferevent_get_output(c->bev);
  if (req->chunked) evbuffer_add_printf(out, "%zx\r\n", n);
  evbuffer_add_buffer(out, databuf);
  if (req->chunked) evbuffer_add(out, "\r\n", 2);
  conn_write(c, cb, arg);
}

void evhttp_send_reply_chunk(struct evhttp_request* req, struct evbuffer* databuf) {
  evhttp_send_reply_chunk_with_cb(req, databuf, nullptr, nullptr);
}

void evhttp_send_reply_end(struct evhttp_request* req) {
  if (req == nullptr) return;
  evhttp_connection* c = req->evcon;
  if (c == nullptr) {
    evhttp_request_free(req);
    return;
  }
  req->userdone = 1;
  if (req->chunked) {
    evbuffer_add(bufferevent_get_output(c->bev), "0\r\n\r\n", 5);
    req->chunked = 0;
  }
  conn_write(c, server_send_done, nullptr);
}

}  // extern "C"
