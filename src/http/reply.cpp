// Server replies: the response head, whole replies, error pages, streamed
// (chunked or close-delimited) replies, and what follows a sent reply.
#include <ctime>
#include <cstdio>
#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "util/chars.hpp"

namespace ev::http {

namespace {

// "Date: ..." for the current second, formatted once per second into the
// server's cache (a server and its base belong to one thread).
const char* http_date(evhttp* server, char* scratch) {
  time_t now = time(nullptr);
  char* text = server != nullptr ? server->date_text : scratch;
  if (server == nullptr || now != server->date_time) {
    tm t;
    gmtime_r(&now, &t);
    strftime(text, sizeof(evhttp::date_text), "%a, %d %b %Y %H:%M:%S GMT", &t);
    if (server != nullptr) server->date_time = now;
  }
  return text;
}

// Appends s to the head being built; spills to the evbuffer when full.
// `ok` turns false when a spill could not be added (no memory).
struct HeadWriter {
  evbuffer* out;
  char buf[1024];
  std::size_t len = 0;
  bool ok = true;
  void put(const char* s, std::size_t n) {
    if (len + n > sizeof(buf)) {
      flush();
      if (n > sizeof(buf)) {
        if (evbuffer_add(out, s, n) != 0) ok = false;
        return;
      }
    }
    std::memcpy(buf + len, s, n);
    len += n;
  }
  void put(const char* s) { put(s, std::strlen(s)); }
  void flush() {
    if (len > 0 && evbuffer_add(out, buf, len) != 0) ok = false;
    len = 0;
  }
};

std::size_t format_uint(char* out, std::uint64_t v) {
  char tmp[24];
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

// What one pass over a header list found.
struct Seen {
  bool date = false, length = false, te = false, type = false, connection = false;
  bool keepalive = false, close = false;
};

Seen scan(const evkeyvalq* q, bool proxy) {
  Seen s;
  evkeyval* kv;
  TAILQ_FOREACH(kv, q, next) {
    const char* k = kv->key;
    switch (to_lower(k[0])) {
      case 'd':
        if (ascii_strieq(k, "Date")) s.date = true;
        break;
      case 'c':
        if (ascii_strieq(k, "Content-Length")) {
          s.length = true;
        } else if (ascii_strieq(k, "Content-Type")) {
          s.type = true;
        } else if (ascii_strieq(k, "Connection")) {
          s.connection = true;
          if (!s.keepalive) s.keepalive = has_token(kv->value, "keep-alive");
          if (!proxy && !s.close) s.close = has_token(kv->value, "close");
        }
        break;
      case 't':
        if (ascii_strieq(k, "Transfer-Encoding")) s.te = true;
        break;
      case 'p':
        if (proxy && !s.close && ascii_strieq(k, "Proxy-Connection"))
          s.close = has_token(kv->value, "close");
        break;
      default:
        break;
    }
  }
  return s;
}

// Writes the status line and header fields.  The headers the library adds
// (Date, Content-Length, Content-Type, Connection) are written directly,
// not added to the request's output list.  `body_len` < 0: streamed.
// False when the head could not be written whole (no memory).
bool make_response_head(evhttp_connection* c, evhttp_request* req, std::int64_t body_len) {
  bool proxy = (req->flags & EVHTTP_PROXY_REQUEST) != 0;
  Seen in = scan(req->input_headers, proxy);
  Seen out = scan(req->output_headers, proxy);
  bool body = needs_body(req);
  bool streaming = body_len < 0;
  HeadWriter w{bufferevent_get_output(c->bev)};
  char line[64];
  std::size_t n = 0;
  std::memcpy(line, "HTTP/", 5);
  n = 5;
  line[n++] = static_cast<char>('0' + req->major % 10);
  line[n++] = '.';
  line[n++] = static_cast<char>('0' + req->minor % 10);
  line[n++] = ' ';
  n += format_uint(line + n,
                   static_cast<std::uint64_t>(req->response_code < 0 ? 0 : req->response_code));
  line[n++] = ' ';
  w.put(line, n);
  w.put(req->response_code_line != nullptr ? req->response_code_line : "");
  w.put("\r\n", 2);
  bool close_conn = in.close;
  evkeyval* kv;
  TAILQ_FOREACH(kv, req->output_headers, next) {
    // A request that asked to close gets exactly one "Connection: close".
    if (close_conn &&
        (ascii_strieq(kv->key, "Connection") || ascii_strieq(kv->key, "Proxy-Connection")))
      continue;
    w.put(kv->key);
    w.put(": ", 2);
    w.put(kv->value);
    w.put("\r\n", 2);
  }
  if (req->major == 1) {
    if (req->minor >= 1 && !out.date) {
      w.put("Date: ", 6);
      char scratch[sizeof(evhttp::date_text)];
      w.put(http_date(c->server, scratch));
      w.put("\r\n", 2);
    }
    if (req->minor == 0 && in.keepalive && !streaming && !close_conn && !out.connection)
      w.put("Connection: keep-alive\r\n");
    if ((req->minor >= 1 || in.keepalive) && body && !streaming && !out.te && !out.length) {
      char len[48] = "Content-Length: ";
      std::size_t k = 16 + format_uint(len + 16, static_cast<std::uint64_t>(body_len));
      len[k++] = '\r';
      len[k++] = '\n';
      w.put(len, k);
    }
  }
  if (body && !out.type && c->server != nullptr && c->server->default_content_type != nullptr) {
    w.put("Content-Type: ", 14);
    w.put(c->server->default_content_type);
    w.put("\r\n", 2);
  }
  if (close_conn && !proxy) w.put("Connection: close\r\n");
  w.put("\r\n", 2);
  w.flush();
  c->close_after = ((req->major == 1 && req->minor == 0) && !in.keepalive) || in.close ||
                   out.close || c->peer_eof;
  return w.ok;
}

}  // namespace

void server_send_done(evhttp_connection* c, void*) {
  evhttp_request* req = TAILQ_FIRST(&c->requests);
  if (req == nullptr) return;
  TAILQ_REMOVE(&c->requests, req, next);
  if (req->on_complete_cb != nullptr) req->on_complete_cb(req, req->on_complete_cb_arg);
  bool need_close = c->close_after || c->peer_eof;
  req->evcon = nullptr;
  request_free(req);
  if (need_close || c->free_pending) {
    conn_free(c);
    return;
  }
  conn_start_read(c);
}

// Sends the head and the body: `body` when given (moved straight to the
// socket's buffer), else the request's output buffer.
void server_send(evhttp_request* req, evbuffer* body) {
  evhttp_connection* c = req->evcon;
  if (c == nullptr) {
    request_free(req);
    return;
  }
  if (body == nullptr || evbuffer_get_length(req->output_buffer) > 0) {
    if (body != nullptr) evbuffer_add_buffer(req->output_buffer, body);
    body = req->output_buffer;
  }
  req->userdone = 1;
  c->state = State::kWriting;
  std::size_t len = evbuffer_get_length(body);
  if (!make_response_head(c, req, static_cast<std::int64_t>(len))) {
    // A reply without its whole head would be taken for another one (or
    // wait forever for the end of the head): the connection goes instead.
    evhttp_connection_free(c);
    return;
  }
  if (needs_body(req) && len > 0) evbuffer_add_buffer(bufferevent_get_output(c->bev), body);
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
  server_send(req, body);
}

void send_error(evhttp_request* req, int error, const char* reason) {
  evbuffer* buf = evbuffer_new();
  if (buf == nullptr) {
    if (req->evcon != nullptr) conn_free(req->evcon);
    return;
  }
  header_add_checked(req->output_headers, "Connection", "close");
  if (reason == nullptr) reason = response_phrase(error);
  response_code(req, error, reason);
  evbuffer_add_printf(buf,
                      "<HTML><HEAD>\n<TITLE>%d %s</TITLE>\n</HEAD><BODY>\n<H1>%s</H1>\n"
                      "</BODY></HTML>\n",
                      error, reason, reason);
  server_send_page(req, buf);
  evbuffer_free(buf);
}

void send_reply(evhttp_request* req, int code, const char* reason, evbuffer* body) {
  response_code(req, code, reason);
  server_send(req, body);
}

void send_reply_start(evhttp_request* req, int code, const char* reason) {
  response_code(req, code, reason);
  evhttp_connection* c = req->evcon;
  if (c == nullptr) return;
  if (header_find(req->output_headers, "Content-Length") == nullptr && needs_body(req)) {
    if (req->major == 1 && req->minor >= 1) {
      header_add_checked(req->output_headers, "Transfer-Encoding", "chunked");
      req->chunked = 1;
    } else {
      // HTTP/1.0 has no chunks: the body ends with the connection.
      header_remove(req->output_headers, "Connection");
      header_add_checked(req->output_headers, "Connection", "close");
      req->chunked = 0;
    }
  } else {
    req->chunked = 0;
  }
  c->state = State::kWriting;
  // Without its whole head the stream cannot be read: it ends with the
  // connection (the caller still owns `req` until evhttp_send_reply_end).
  if (!make_response_head(c, req, -1)) c->close_after = true;
  conn_write(c, nullptr, nullptr);
}

void send_reply_chunk(evhttp_request* req, evbuffer* body, void (*cb)(evhttp_connection*, void*),
                      void* arg) {
  evhttp_connection* c = req->evcon;
  if (c == nullptr) return;
  std::size_t n = evbuffer_get_length(body);
  if (n == 0 || !needs_body(req)) return;
  evbuffer* out = bufferevent_get_output(c->bev);
  if (req->chunked) evbuffer_add_printf(out, "%zx\r\n", n);
  evbuffer_add_buffer(out, body);
  if (req->chunked) evbuffer_add(out, "\r\n", 2);
  conn_write(c, cb, arg);
}

void send_reply_end(evhttp_request* req) {
  evhttp_connection* c = req->evcon;
  if (c == nullptr) {
    request_free(req);
    return;
  }
  req->userdone = 1;
  if (req->chunked) {
    evbuffer_add(bufferevent_get_output(c->bev), "0\r\n\r\n", 5);
    req->chunked = 0;
  }
  conn_write(c, server_send_done, nullptr);
}

}  // namespace ev::http
