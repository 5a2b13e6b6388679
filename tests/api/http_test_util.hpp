// Shared by the evhttp API tests: a server on a loopback port of its own,
// and a raw client socket driven together with the base's loop.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <cstdio>
#include <string>
#include <thread>

#include "event_backend_param.hpp"

namespace httptest {

inline int bound_port(evhttp_bound_socket* b) {
  sockaddr_in sin{};
  socklen_t len = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(b), reinterpret_cast<sockaddr*>(&sin), &len);
  return ntohs(sin.sin_port);
}

// A loopback TCP socket bound to a port of its own, not listening: a
// connection to *port is refused while the socket stays open.
inline int bound_unlistened(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sin);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) != 0) {
    ADD_FAILURE() << "cannot bind a loopback socket";
    *port = 0;
    return fd;
  }
  *port = ntohs(sin.sin_port);
  return fd;
}

// A generic callback replying with three chunks "<prefix>0".."<prefix>2"
// (arg: the prefix, a C string).
inline void reply_three_chunks(evhttp_request* req, void* prefix) {
  evhttp_send_reply_start(req, 200, "OK");
  evbuffer* b = evbuffer_new();
  for (int i = 0; i < 3; ++i) {
    evbuffer_add_printf(b, "%s%d", static_cast<const char*>(prefix), i);
    evhttp_send_reply_chunk(req, b);
  }
  evbuffer_free(b);
  evhttp_send_reply_end(req);
}

inline int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(port));
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

inline void send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// Runs the loop and reads from fd until `done(received)` holds, the peer
// closes (*closed set), or the deadline passes.
inline std::string pump(event_base* base, int fd,
                        const std::function<bool(const std::string&)>& done, bool* closed = nullptr,
                        int ms = 3000) {
  std::string got;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  if (closed != nullptr) *closed = false;
  while (std::chrono::steady_clock::now() < end) {
    event_base_loop(base, EVLOOP_NONBLOCK);
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      got.append(buf, static_cast<size_t>(n));
      if (done && done(got)) break;
      continue;
    }
    if (n == 0) {
      if (closed != nullptr) *closed = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 1);
  }
  return got;
}

// Number of complete responses (by "HTTP/1." at line starts) seen so far.
inline int count_status_lines(const std::string& s) {
  int n = 0;
  for (size_t pos = 0; (pos = s.find("HTTP/1.", pos)) != std::string::npos; ++pos)
    if (pos == 0 || s[pos - 1] == '\n') ++n;
  return n;
}

inline bool has_full_body(const std::string& s) {
  size_t h = s.find("\r\n\r\n");
  if (h == std::string::npos) return false;
  size_t cl = s.find("Content-Length: ");
  if (cl == std::string::npos || cl > h) return true;
  size_t len = std::stoul(s.substr(cl + 16));
  return s.size() >= h + 4 + len;
}

// Runs a shell command in a thread while the loop serves it (at most 15 s);
// returns its output and its pclose status.
inline std::string run_while_serving(event_base* base, const std::string& cmd, int* status) {
  std::string out;
  bool done = false;
  std::thread t([&] {
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    *status = pclose(p);
    __atomic_store_n(&done, true, __ATOMIC_RELEASE);
  });
  for (int i = 0; i < 15000 && !__atomic_load_n(&done, __ATOMIC_ACQUIRE); ++i) {
    timeval tv{0, 1000};
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
  }
  t.join();
  return out;
}

class Server : public evtest::PerBackend {
 protected:
  void SetUp() override {
    evtest::PerBackend::SetUp();
    http = evhttp_new(base);
    ASSERT_NE(nullptr, http);
    evhttp_bound_socket* b = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
    ASSERT_NE(nullptr, b);
    port = bound_port(b);
  }
  void TearDown() override {
    if (http != nullptr) evhttp_free(http);
    evtest::PerBackend::TearDown();
  }
  // One request on a new connection; returns everything until close or
  // the first complete response.
  std::string request(const std::string& raw, bool* closed = nullptr, bool wait_close = false) {
    int fd = connect_to(port);
    EXPECT_GE(fd, 0);
    send_all(fd, raw);
    std::string r = pump(
        base, fd, [&](const std::string& s) { return !wait_close && has_full_body(s); }, closed);
    close(fd);
    return r;
  }
  evhttp* http = nullptr;
  int port = 0;
};

inline std::string body_of(const std::string& response) {
  size_t h = response.find("\r\n\r\n");
  return h == std::string::npos ? std::string() : response.substr(h + 4);
}

inline int status_of(const std::string& response) {
  if (response.size() < 12) return 0;
  return std::atoi(response.c_str() + 9);
}

}  // namespace httptest
