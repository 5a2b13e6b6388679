// The HTTP response side: the pure status-line/head parser, then the bytes
// as a server's answer to a client connection on a socketpair, with the
// chunk, header and error callbacks set.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "http/http_internal.hpp"
#include "http/parse.hpp"

namespace {

int completed;

void done(evhttp_request* req, void*) {
  ++completed;
  // 0: the request never got an answer (a reconnect failed).
  int code = req != nullptr ? evhttp_request_get_response_code(req) : 0;
  if (code != 0 && (code < 100 || code > 999)) std::abort();
}

void chunk(evhttp_request* req, void*) {
  if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) == 0) std::abort();
}

int header(evhttp_request* req, void*) {
  return evhttp_request_get_response_code(req) == 299 ? -1 : 0;
}

void error(evhttp_request_error, void*) {}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  const char* p = reinterpret_cast<const char*>(data);
  std::size_t from = 0;
  std::size_t end = ev::http::find_head_end(p, size, &from);
  if (end > 0) {
    ev::http::Head h;
    if (ev::http::parse_response_head(p, end, &h, nullptr, nullptr) == ev::http::ParseError::kOk &&
        (h.status < 100 || h.status > 999))
      std::abort();
  }
  static event_base* base = event_base_new();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return 0;
  bufferevent* bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
  // Reconnects (after a closed response) go to a numeric loopback address.
  // Reconnects (after a closed response) go to a numeric loopback address.
  evhttp_connection* c = evhttp_connection_base_bufferevent_new(base, nullptr, bev, "127.0.0.1", 1);
  evhttp_connection_set_max_body_size(c, 8192);
  ev::http::client_connected(c);
  completed = 0;
  for (int i = 0; i < 3; ++i) {
    evhttp_request* req = evhttp_request_new(done, nullptr);
    if (i == 0) evhttp_request_set_chunked_cb(req, chunk);
    evhttp_request_set_header_cb(req, header);
    evhttp_request_set_error_cb(req, error);
    evhttp_make_request(c, req, i == 1 ? EVHTTP_REQ_HEAD : EVHTTP_REQ_GET, "/");
  }
  std::size_t off = 0;
  char sink[4096];
  for (int round = 0; round < 64 && completed < 3; ++round) {
    while (read(fds[1], sink, sizeof(sink)) > 0) {
    }
    if (off < size) {
      ssize_t n = write(fds[1], data + off, size - off);
      if (n > 0) off += static_cast<std::size_t>(n);
    } else {
      shutdown(fds[1], SHUT_WR);
    }
    event_base_loop(base, EVLOOP_NONBLOCK);
  }
  evhttp_connection_free(c);
  close(fds[1]);
  event_base_loop(base, EVLOOP_NONBLOCK);
  return 0;
}
