// What an accepted evhttp connection costs the epoll backend: one epoll_ctl
// (its read registration) for the connection and none per keep-alive
// request after it.  Before the accept path made the socket bufferevent on
// the descriptor, setting the fd armed writing (ADD), enabling reading
// changed it (MOD) and the first write disarmed it (MOD): three.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "backends/epoll_testing.hpp"
#include "core/base.hpp"

namespace {

void reply(evhttp_request* req, void*) {
  evbuffer* b = evbuffer_new();
  evbuffer_add(b, "ok", 2);
  evhttp_send_reply(req, 200, "OK", b);
  evbuffer_free(b);
}

// Sends one request on fd and serves until its whole answer came back.
bool exchange(event_base* base, int fd) {
  static const char req[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  if (send(fd, req, sizeof(req) - 1, 0) != static_cast<ssize_t>(sizeof(req) - 1)) return false;
  std::string got;
  for (int i = 0; i < 3000; ++i) {
    event_base_loop(base, EVLOOP_NONBLOCK);
    char buf[1024];
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    if (got.size() >= 2 && got.compare(got.size() - 2, 2, "ok") == 0) return true;
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 1);
  }
  return false;
}

TEST(HttpAccept, OneEpollCtlPerConnectionNonePerRequest) {
  event_config* cfg = event_config_new();
  event_config_avoid_method(cfg, "poll");
  event_config_avoid_method(cfg, "select");
  event_base* base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  ASSERT_NE(nullptr, base);
  if (std::strcmp(event_base_get_method(base), "epoll") != 0) {
    event_base_free(base);
    GTEST_SKIP() << "not on epoll";
  }
  evhttp* http = evhttp_new(base);
  evhttp_set_gencb(http, reply, nullptr);
  evhttp_bound_socket* b = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
  ASSERT_NE(nullptr, b);
  sockaddr_in sin{};
  socklen_t len = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(b), reinterpret_cast<sockaddr*>(&sin), &len);

  const unsigned long before = ev::epoll_ctl_calls(*base->backend_);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(0, connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)));
  ASSERT_TRUE(exchange(base, fd));
  EXPECT_EQ(1u, ev::epoll_ctl_calls(*base->backend_) - before);
  const unsigned long after_first = ev::epoll_ctl_calls(*base->backend_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(exchange(base, fd));
  EXPECT_EQ(after_first, ev::epoll_ctl_calls(*base->backend_));
  close(fd);
  evhttp_free(http);
  event_base_free(base);
}

}  // namespace
