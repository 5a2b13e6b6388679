// The connection state machine shared by server and client: reading a head
// and a body (Content-Length, chunked, close-delimited) from the
// bufferevent's input, moving body bytes by evbuffer chains, writing with a
// completion callback, and freeing safely from inside user callbacks.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "http/parse.hpp"

namespace ev::http {

namespace {

enum class Step { kStop, kMore };

bool add_field(void* ctx, Span name, Span value) {
  auto* req = static_cast<evhttp_request*>(ctx);
  if (name.p == nullptr) return header_append(req->input_headers, value.p, value.n);
  return header_add(req->input_headers, name.p, name.n, value.p, value.n) == 0;
}

void read_cb(bufferevent*, void* arg) { conn_process(static_cast<evhttp_connection*>(arg)); }

void write_cb(bufferevent*, void* arg) {
  auto* c = static_cast<evhttp_connection*>(arg);
  if (c->write_done == nullptr) return;
  auto done = c->write_done;
  void* darg = c->write_done_arg;
  c->write_done = nullptr;
  conn_enter(c);
  done(c, darg);
  conn_leave(c);
}

void event_cb(bufferevent*, short what, void* arg) {
  const int err = errno;  // the bufferevent's socket error
  auto* c = static_cast<evhttp_connection*>(arg);
  conn_enter(c);
  if ((what & BEV_EVENT_WRITING) && (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) &&
      (c->flags & kConOutgoing) && (c->flags & EVHTTP_CON_READ_ON_WRITE_ERROR) &&
      c->state == State::kWriting && TAILQ_FIRST(&c->requests) != nullptr) {
    // The server stopped reading (it may have answered early, e.g. 413):
    // drop the rest of the request and read what it sent.
    evbuffer* out = bufferevent_get_output(c->bev);
    evbuffer_drain(out, evbuffer_get_length(out));
    c->write_done = nullptr;
    bufferevent_disable(c->bev, EV_WRITE);
    TAILQ_FIRST(&c->requests)->kind = EVHTTP_RESPONSE;
    conn_start_read(c);
  } else if (c->state == State::kConnecting) {
    if (what & BEV_EVENT_CONNECTED)
      client_connected(c);
    else if ((what & BEV_EVENT_TIMEOUT) ||
             (err == ECONNREFUSED && bufferevent_socket_get_dns_error(c->bev) == 0))
      client_connect_failed(c);  // retried, then every request fails
    else
      client_fail(c, EVREQ_HTTP_BUFFER_ERROR);  // unrecoverable, name lookups too (libevent)
  } else if ((what & BEV_EVENT_EOF) && c->state == State::kReadingBody && c->body == Body::kClose) {
    // A close-delimited body ends with the connection.
    conn_process(c);
    client_response_done(c);
  } else if (what & BEV_EVENT_TIMEOUT) {
    conn_fail(c, EVREQ_HTTP_TIMEOUT);
  } else if (what & BEV_EVENT_EOF) {
    conn_fail(c, EVREQ_HTTP_EOF);
  } else if (what & BEV_EVENT_ERROR) {
    // libevent reports a client's socket error (a reset) as EOF too.
    conn_fail(c, (c->flags & kConOutgoing) ? EVREQ_HTTP_EOF : EVREQ_HTTP_BUFFER_ERROR);
  }
  conn_leave(c);
}

// Reads and parses a head from the input buffer.
Step read_head(evhttp_connection* c, evhttp_request* req) {
  evbuffer* in = bufferevent_get_input(c->bev);
  std::size_t len = evbuffer_get_length(in);
  // Empty lines before a request line are ignored (RFC 9112 section 2.2).
  if (c->flags & kConIncoming) {
    while (len > 0 && c->head_scan == 0) {
      unsigned char first[2];
      std::size_t got = static_cast<std::size_t>(evbuffer_copyout(in, first, 2));
      if (first[0] == '\n') {
        evbuffer_drain(in, 1);
      } else if (first[0] == '\r' && got == 2 && first[1] == '\n') {
        evbuffer_drain(in, 2);
      } else {
        break;
      }
      len = evbuffer_get_length(in);
    }
  }
  if (len == 0) return Step::kStop;
  evbuffer_iovec v;
  const char* p = nullptr;
  std::size_t n = 0, end = 0;
  if (evbuffer_peek(in, -1, nullptr, &v, 1) >= 1) {
    p = static_cast<const char*>(v.iov_base);
    n = v.iov_len;
    end = find_head_end(p, n, &c->head_scan);
  }
  if (end == 0 && n < len) {
    std::size_t want = len;
    if (c->max_headers < want - 1) want = static_cast<std::size_t>(c->max_headers) + 1;
    p = reinterpret_cast<const char*>(evbuffer_pullup(in, static_cast<ev_ssize_t>(want)));
    if (p == nullptr) {
      conn_fail(c, EVREQ_HTTP_BUFFER_ERROR);
      return Step::kStop;
    }
    n = want;
    end = find_head_end(p, n, &c->head_scan);
  }
  // A head over the limit is a bad head (400), as in the reference.
  if (end == 0) {
    if (len > c->max_headers) {
      conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
      return Step::kStop;
    }
    // The first line is judged as soon as it is complete (libevent parses
    // the head line by line): a bad one is answered without waiting.
    const void* nl = p != nullptr ? std::memchr(p, '\n', n) : nullptr;
    if (nl != nullptr) {
      std::size_t l = static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1;
      Head first;
      ParseError e = (c->flags & kConIncoming)
                         ? parse_request_head(p, l, &first, nullptr, nullptr)
                         : parse_response_head(p, l, &first, nullptr, nullptr);
      if (e != ParseError::kOk && e != ParseError::kNeedMore) {
        evpriv_debugx("%s: %s", __func__, parse_error_name(e));
        conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
      }
    }
    return Step::kStop;
  }
  if (end > c->max_headers) {
    conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
    return Step::kStop;
  }
  Head h;
  ParseError err = (c->flags & kConIncoming) ? parse_request_head(p, end, &h, add_field, req)
                                             : parse_response_head(p, end, &h, add_field, req);
  if (err != ParseError::kOk) {
    evpriv_debugx("%s: %s", __func__, parse_error_name(err));
    conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
    return Step::kStop;
  }
  req->headers_size = end;
  req->major = static_cast<char>(h.major);
  req->minor = static_cast<char>(h.minor);
  if (c->flags & kConIncoming) {
    req->type = static_cast<evhttp_cmd_type>(method_from(h.method.p, h.method.n));
    req->uri = request_strdup(req, StrSlot::kUri, h.target.p, h.target.n);
    if (req->uri == nullptr) {
      conn_fail(c, EVREQ_HTTP_BUFFER_ERROR);
      return Step::kStop;
    }
  } else {
    req->response_code = h.status;
    char* old = req->response_code_line;
    req->response_code_line = nullptr;
    request_str_free(req, old);
    req->response_code_line = request_strdup(req, StrSlot::kReason, h.reason.p, h.reason.n);
  }
  evbuffer_drain(in, end);
  c->head_scan = 0;
  // Framing.
  c->body = Body::kNone;
  c->expect_chunk_end = false;
  c->chunk_left = 0;
  c->trailer_size = 0;
  if (c->flags & kConIncoming) {
    if (req->major != 1 || request_framing(h) != ParseError::kOk) {
      conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
      return Step::kStop;
    }
    if (h.chunked) {
      c->body = Body::kChunked;
    } else if (h.has_length && h.length > 0) {
      c->body = Body::kLength;
      req->ntoread = static_cast<ev_int64_t>(h.length);
    } else {
      req->ntoread = 0;
    }
    if (!server_head_done(c, req)) return Step::kStop;
  } else {
    if (req->major != 1 || (h.has_length && h.has_te)) {
      conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
      return Step::kStop;
    }
    if (h.status >= 100 && h.status < 200 && h.status != 101) {
      // An interim response: wait for the final one.  100 Continue lets a
      // body held back for "Expect: 100-continue" go.
      evhttp_clear_headers(req->input_headers);
      if (h.status == 100 && c->await_continue) {
        c->await_continue = false;
        evbuffer_add_buffer(bufferevent_get_output(c->bev), req->output_buffer);
        bufferevent_enable(c->bev, EV_WRITE);
      }
      return Step::kMore;
    }
    if (c->await_continue) {
      // A final answer instead: the body is never sent, and the connection
      // (whose request framing announced it) is not reused.
      c->await_continue = false;
      c->body_unsent = true;
    }
    bool no_body =
        req->type == EVHTTP_REQ_HEAD || h.status == 204 || h.status == 304 || h.status < 200;
    if (no_body) {
      req->ntoread = 0;
    } else if (h.chunked) {
      c->body = Body::kChunked;
    } else if (h.has_te) {
      c->body = Body::kClose;
    } else if (h.has_length) {
      if (h.length > c->max_body) {
        conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
        return Step::kStop;
      }
      req->ntoread = static_cast<ev_int64_t>(h.length);
      if (h.length > 0) c->body = Body::kLength;
    } else {
      c->body = Body::kClose;
    }
    bool stop = false;
    client_head_done(c, req, &stop);
    if (stop) return Step::kStop;
  }
  if (c->body == Body::kNone) {
    if (c->flags & kConIncoming)
      server_request_ready(c, req);
    else
      client_response_done(c);
    return Step::kStop;
  }
  c->state = State::kReadingBody;
  return Step::kMore;
}

// Hands body bytes to the chunked callback (client); false when the
// request was freed from inside it.
bool deliver_chunk(evhttp_connection* c, evhttp_request* req) {
  if (req->chunk_cb == nullptr || (c->flags & kConIncoming) ||
      evbuffer_get_length(req->input_buffer) == 0)
    return true;
  req->flags |= EVHTTP_REQ_DEFER_FREE;
  req->chunk_cb(req, req->cb_arg);
  evbuffer_drain(req->input_buffer, evbuffer_get_length(req->input_buffer));
  req->flags &= ~EVHTTP_REQ_DEFER_FREE;
  if (req->flags & EVHTTP_REQ_NEEDS_FREE) {
    req->flags &= ~EVHTTP_REQ_NEEDS_FREE;
    // Freed by the user in the middle of its body: drop the connection.
    TAILQ_REMOVE(&c->requests, req, next);
    req->evcon = nullptr;
    request_free(req);
    client_reset(c);
    if (TAILQ_FIRST(&c->requests) != nullptr) client_connect(c);
    return false;
  }
  return true;
}

bool body_add(evhttp_connection* c, evhttp_request* req, std::size_t n) {
  if (req->body_size + n > c->max_body || req->body_size + n < req->body_size) {
    conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
    return false;
  }
  evbuffer* in = bufferevent_get_input(c->bev);
  if (evbuffer_remove_buffer(in, req->input_buffer, n) != static_cast<int>(n)) {
    conn_fail(c, EVREQ_HTTP_BUFFER_ERROR);
    return false;
  }
  req->body_size += n;
  return true;
}

// One line of the chunked framing (size line or trailer line), or false
// when it has not arrived.  *bad is set for a malformed line.
bool take_line(evhttp_connection* c, char* line, std::size_t cap, std::size_t* len, bool* bad) {
  evbuffer* in = bufferevent_get_input(c->bev);
  evbuffer_ptr nl = evbuffer_search(in, "\n", 1, nullptr);
  if (nl.pos < 0) {
    if (evbuffer_get_length(in) >= cap) *bad = true;
    return false;
  }
  std::size_t used = static_cast<std::size_t>(nl.pos) + 1;
  if (used > cap) {
    *bad = true;
    return false;
  }
  evbuffer_remove(in, line, used);
  ParseError err = ParseError::kOk;
  if (find_line(line, used, len, &err) != used || err != ParseError::kOk) *bad = true;
  return true;
}

Step read_chunked(evhttp_connection* c, evhttp_request* req) {
  evbuffer* in = bufferevent_get_input(c->bev);
  char line[4096];
  for (;;) {
    if (c->expect_chunk_end) {
      unsigned char e[2];
      ev_ssize_t got = evbuffer_copyout(in, e, 2);
      if (got < 1 || (e[0] == '\r' && got < 2)) return Step::kStop;
      if (e[0] == '\n') {
        evbuffer_drain(in, 1);
      } else if (e[0] == '\r' && e[1] == '\n') {
        evbuffer_drain(in, 2);
      } else {
        conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
        return Step::kStop;
      }
      c->expect_chunk_end = false;
      if (!deliver_chunk(c, req)) return Step::kStop;
    }
    if (c->chunk_left == 0) {
      std::size_t len = 0;
      bool bad = false;
      if (!take_line(c, line, sizeof(line), &len, &bad)) {
        if (bad) conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
        return Step::kStop;
      }
      std::uint64_t size = 0;
      if (bad || parse_chunk_size_line(line, len, &size) != ParseError::kOk) {
        conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
        return Step::kStop;
      }
      if (size == 0) {
        c->state = State::kReadingTrailer;
        return Step::kMore;
      }
      if (!c->lingering && req->body_size + size > c->max_body) {
        // EVHTTP_SERVER_LINGERING_CLOSE: drop the rest of the body, as for
        // a Content-Length one, and answer 413 after its last chunk.
        if (!(c->flags & kConIncoming) || !(c->flags & EVHTTP_CON_LINGERING_CLOSE)) {
          conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
          return Step::kStop;
        }
        c->lingering = true;
      }
      c->chunk_left = size;
    }
    std::size_t avail = evbuffer_get_length(in);
    if (avail == 0) return Step::kStop;
    std::size_t n = avail < c->chunk_left ? avail : static_cast<std::size_t>(c->chunk_left);
    if (c->lingering) {
      // Dropped bytes still count in body_size (as in libevent's lingering).
      evbuffer_drain(in, n);
      req->body_size += n;
      if (req->body_size > c->max_body && req->body_size - c->max_body > kLingerMax) {
        // A client that keeps sending does not hold the connection forever.
        c->lingering = false;
        conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
        return Step::kStop;
      }
    } else if (!body_add(c, req, n)) {
      return Step::kStop;
    }
    c->chunk_left -= n;
    if (c->chunk_left == 0) c->expect_chunk_end = true;
  }
}

Step read_trailer(evhttp_connection* c, evhttp_request* req) {
  char line[4096];
  for (;;) {
    std::size_t len = 0;
    bool bad = false;
    if (!take_line(c, line, sizeof(line), &len, &bad)) {
      if (bad) conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
      return Step::kStop;
    }
    c->trailer_size += len + 2;
    if (bad || c->trailer_size > c->max_headers) {
      conn_fail(c, bad ? EVREQ_HTTP_INVALID_HEADER : EVREQ_HTTP_DATA_TOO_LONG);
      return Step::kStop;
    }
    if (len == 0) break;
    // Trailer fields are checked and discarded, never merged.
    if (check_field_line(line, len) != ParseError::kOk) {
      conn_fail(c, EVREQ_HTTP_INVALID_HEADER);
      return Step::kStop;
    }
  }
  if (c->lingering) {
    c->lingering = false;
    conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
  } else if (c->flags & kConIncoming) {
    server_request_ready(c, req);
  } else {
    client_response_done(c);
  }
  return Step::kStop;
}

Step read_body(evhttp_connection* c, evhttp_request* req) {
  evbuffer* in = bufferevent_get_input(c->bev);
  switch (c->body) {
    case Body::kChunked:
      return read_chunked(c, req);
    case Body::kLength: {
      std::size_t avail = evbuffer_get_length(in);
      std::size_t n = static_cast<std::uint64_t>(req->ntoread) < avail
                          ? static_cast<std::size_t>(req->ntoread)
                          : avail;
      if (c->lingering) {
        // A body over the limit is read and dropped; the 413 follows it.
        evbuffer_drain(in, n);
        req->ntoread -= static_cast<ev_int64_t>(n);
        if (req->ntoread == 0) {
          c->lingering = false;
          conn_fail(c, EVREQ_HTTP_DATA_TOO_LONG);
        }
        return Step::kStop;
      }
      if (n > 0) {
        if (!body_add(c, req, n)) return Step::kStop;
        req->ntoread -= static_cast<ev_int64_t>(n);
      }
      if (req->ntoread == 0) {
        if (!deliver_chunk(c, req)) return Step::kStop;
        if (c->flags & kConIncoming)
          server_request_ready(c, req);
        else
          client_response_done(c);
        return Step::kStop;
      }
      if (!deliver_chunk(c, req)) return Step::kStop;
      return Step::kStop;
    }
    case Body::kClose: {
      std::size_t avail = evbuffer_get_length(in);
      if (avail > 0 && !body_add(c, req, avail)) return Step::kStop;
      deliver_chunk(c, req);
      return Step::kStop;
    }
    case Body::kNone:
      break;
  }
  return Step::kStop;
}

}  // namespace

void conn_enter(evhttp_connection* c) { ++c->busy; }

bool conn_set_addr(evhttp_connection* c, const sockaddr* sa, socklen_t len) {
  if (sa == nullptr || len <= 0) return false;
  auto* copy = static_cast<sockaddr*>(mm_malloc(static_cast<std::size_t>(len)));
  if (copy == nullptr) return false;
  std::memcpy(copy, sa, static_cast<std::size_t>(len));
  mm_free(c->conn_addr);
  c->conn_addr = copy;
  c->conn_addr_len = len;
  return true;
}

bool conn_leave(evhttp_connection* c) {
  if (--c->busy == 0 && c->free_pending) {
    c->free_pending = false;
    conn_free(c);
    return true;
  }
  return false;
}

void conn_setcb(evhttp_connection* c) { bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c); }

void conn_process(evhttp_connection* c) {
  conn_enter(c);
  while (!c->free_pending) {
    evhttp_request* req = TAILQ_FIRST(&c->requests);
    if (req == nullptr && (c->flags & kConIncoming) && c->state == State::kReadingHead &&
        evbuffer_get_length(bufferevent_get_input(c->bev)) > 0) {
      if (!server_new_request(c)) {
        conn_free(c);
        break;
      }
      req = TAILQ_FIRST(&c->requests);
    }
    if (req == nullptr) {
      // A client connection with nothing in flight: data is a protocol
      // error, EOF is handled by the event callback.
      if (c->state == State::kIdle && evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
        client_reset(c);
      break;
    }
    Step s = Step::kStop;
    switch (c->state) {
      case State::kReadingHead:
        s = read_head(c, req);
        break;
      case State::kReadingBody:
        s = read_body(c, req);
        break;
      case State::kReadingTrailer:
        s = read_trailer(c, req);
        break;
      default:
        break;
    }
    if (s == Step::kStop) break;
  }
  conn_leave(c);
}

void conn_write(evhttp_connection* c, void (*done)(evhttp_connection*, void*), void* arg) {
  c->write_done = done;
  c->write_done_arg = arg;
  // Writing stays enabled: the bufferevent arms its write event only while
  // the kernel pushes back, so a reply costs no epoll_ctl.
  if (!(bufferevent_get_enabled(c->bev) & EV_WRITE)) bufferevent_enable(c->bev, EV_WRITE);
  if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 && done != nullptr) {
    // Nothing to flush: the write callback would never come.
    c->write_done = nullptr;
    conn_enter(c);
    done(c, arg);
    conn_leave(c);
  }
}

void conn_set_timeout(evhttp_connection* c, const timeval* tv) {
  if (tv != nullptr) {
    c->timeout = *tv;
    c->has_timeout = true;
  } else {
    c->has_timeout = false;
  }
  if (c->state != State::kDisconnected) conn_apply_timeouts(c);
}

void conn_apply_timeouts(evhttp_connection* c) {
  if (c->has_timeout) {
    bufferevent_set_timeouts(c->bev, &c->timeout, &c->timeout);
  } else if (c->flags & kConOutgoing) {
    timeval tv{50, 0};
    bufferevent_set_timeouts(c->bev, &tv, &tv);
  } else {
    bufferevent_set_timeouts(c->bev, nullptr, nullptr);
  }
}

void conn_start_read(evhttp_connection* c) {
  c->state = State::kReadingHead;
  c->head_scan = 0;
  bufferevent_enable(c->bev, EV_READ);
  if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0) conn_process(c);
}

void conn_fail(evhttp_connection* c, evhttp_request_error error) {
  if (c->flags & kConIncoming)
    server_fail(c, error);
  else
    client_fail(c, error);
}

evhttp_connection* conn_new(event_base* base, evdns_base* dns, bufferevent* bev,
                            const char* address, std::uint16_t port) {
  auto* c = static_cast<evhttp_connection*>(mm_calloc(1, sizeof(evhttp_connection)));
  if (c == nullptr) return nullptr;
  c->address = mm_strdup(address != nullptr ? address : "");
  if (c->address == nullptr) {
    mm_free(c);
    return nullptr;
  }
  if (bev == nullptr) {
    bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (bev == nullptr) {
      mm_free(c->address);
      mm_free(c);
      return nullptr;
    }
  }
  c->bev = bev;
  c->base = base != nullptr ? base : bufferevent_get_base(bev);
  c->dns = dns;
  c->port = port;
  c->family = AF_UNSPEC;
  c->max_headers = UINT64_MAX;
  c->max_body = UINT64_MAX;
  c->retry_max = 0;
  c->initial_retry = timeval{2, 0};
  c->state = State::kDisconnected;
  TAILQ_INIT(&c->requests);
  conn_setcb(c);
  return c;
}

void conn_free(evhttp_connection* c) {
  if (c->busy > 0) {
    // Inside one of our callbacks: finish when it returns.
    if (!c->free_pending) {
      c->free_pending = true;
      bufferevent_disable(c->bev, EV_READ | EV_WRITE);
    }
    return;
  }
  c->busy = 1;  // callbacks below may call back into us
  bool connected = c->state != State::kDisconnected && c->state != State::kConnecting;
  if (connected && c->closecb != nullptr) c->closecb(c, c->closecb_arg);
  evhttp_request* req;
  while ((req = TAILQ_FIRST(&c->requests)) != nullptr) {
    TAILQ_REMOVE(&c->requests, req, next);
    req->evcon = nullptr;
    if (c->flags & kConIncoming)
      request_free(req);
    else
      request_free_auto(req);
  }
  if (c->server != nullptr) {
    if (c->prev_conn != nullptr)
      c->prev_conn->next_conn = c->next_conn;
    else
      c->server->connections = c->next_conn;
    if (c->next_conn != nullptr) c->next_conn->prev_conn = c->prev_conn;
    c->server = nullptr;
  }
  if (c->retry_ev != nullptr) event_free(c->retry_ev);
  mm_free(c->conn_addr);
  if (c->bev != nullptr) bufferevent_free(c->bev);
  mm_free(c->address);
  mm_free(c->bind_address);
  mm_free(c);
}

}  // namespace ev::http
