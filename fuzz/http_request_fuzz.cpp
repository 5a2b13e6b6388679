// The HTTP request side: the pure head, framing and chunk-line parsers over
// the input, then the same bytes through a whole server connection on a
// socketpair (state machine, body reading, replies, pipelining).
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "http/http_internal.hpp"
#include "http/parse.hpp"

namespace {

bool check_field(void*, ev::http::Span name, ev::http::Span value) {
  if (name.n == 0 && name.p != nullptr) std::abort();  // only a continuation has no name
  for (std::size_t i = 0; i < name.n; ++i)
    if (!ev::http::is_tchar(name.p[i])) std::abort();
  for (std::size_t i = 0; i < value.n; ++i)
    if (value.p[i] == '\r' || value.p[i] == '\n' || value.p[i] == '\0') std::abort();
  return true;
}

void reply(evhttp_request* req, void*) {
  evbuffer* b = evbuffer_new();
  evbuffer_add_buffer(b, evhttp_request_get_input_buffer(req));
  if (evhttp_request_get_uri(req)[0] == '/' && evhttp_request_get_uri(req)[1] == 's') {
    evhttp_send_reply_start(req, 200, "OK");
    evhttp_send_reply_chunk(req, b);
    evhttp_send_reply_end(req);
  } else {
    evhttp_send_reply(req, 200, "OK", b);
  }
  evbuffer_free(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  const char* p = reinterpret_cast<const char*>(data);
  std::size_t from = 0;
  std::size_t end = ev::http::find_head_end(p, size, &from);
  if (end > size) std::abort();
  if (end > 0) {
    ev::http::Head h;
    if (ev::http::parse_request_head(p, end, &h, check_field, nullptr) ==
        ev::http::ParseError::kOk) {
      if (h.method.n == 0 || h.target.n == 0 || h.major > 9 || h.minor > 9) std::abort();
      if (h.has_length && h.length > (std::uint64_t{1} << 62)) std::abort();
      (void)ev::http::request_framing(h);
    }
  }
  std::uint64_t chunk;
  (void)ev::http::parse_chunk_size_line(p, size < 256 ? size : 256, &chunk);

  static event_base* base = [] {
    event_config* cfg = event_config_new();
    event_config_avoid_method(cfg, "select");
    event_base* b = event_base_new_with_config(cfg);
    event_config_free(cfg);
    return b;
  }();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return 0;
  evhttp* http = evhttp_new(base);
  evhttp_set_gencb(http, reply, nullptr);
  evhttp_set_max_body_size(http, 4096);
  evhttp_set_allowed_methods(http, 0x1ff);
  ev::http::server_accept(http, fds[0], nullptr, 0);
  std::size_t off = 0;
  char sink[65536];
  for (int round = 0; round < 64; ++round) {
    if (off < size) {
      ssize_t n = write(fds[1], data + off, size - off);
      if (n > 0) off += static_cast<std::size_t>(n);
      if (off == size) shutdown(fds[1], SHUT_WR);
    } else if (size == 0) {
      shutdown(fds[1], SHUT_WR);
    }
    event_base_loop(base, EVLOOP_NONBLOCK);
    ssize_t got = read(fds[1], sink, sizeof(sink));
    if (got == 0) break;
  }
  evhttp_free(http);
  close(fds[1]);
  event_base_loop(base, EVLOOP_NONBLOCK);
  return 0;
}
