// evhttp with threads: a server loop in one thread, clients on their own
// bases in others (each base used by one thread only, as libevent requires).
#include <event2/thread.h>

#include <atomic>
#include <thread>
#include <vector>

#include "http_test_util.hpp"

namespace {

void reply(evhttp_request* req, void*) {
  evbuffer* b = evbuffer_new();
  evbuffer_add_printf(b, "%s", evhttp_request_get_uri(req));
  evhttp_send_reply(req, 200, "OK", b);
  evbuffer_free(b);
}

struct Client {
  int ok = 0;
  int remaining = 0;
  event_base* base = nullptr;
};

void done(evhttp_request* req, void* arg) {
  auto* c = static_cast<Client*>(arg);
  if (req != nullptr && evhttp_request_get_response_code(req) == 200) c->ok++;
  if (--c->remaining == 0) event_base_loopexit(c->base, nullptr);
}

TEST(HttpThreads, ClientsInThreadsAgainstAServerThread) {
  ASSERT_EQ(0, evthread_use_pthreads());
  event_base* sbase = event_base_new();
  evhttp* http = evhttp_new(sbase);
  evhttp_bound_socket* b = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
  ASSERT_NE(nullptr, b);
  int port = httptest::bound_port(b);
  evhttp_set_gencb(http, reply, nullptr);
  std::atomic<bool> stop{false};
  std::thread server([&] {
    while (!stop.load()) {
      timeval tv{0, 20000};
      event_base_loopexit(sbase, &tv);
      event_base_dispatch(sbase);
    }
  });
  constexpr int kThreads = 4, kRequests = 50;
  std::vector<Client> clients(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client& c = clients[t];
      c.base = event_base_new();
      c.remaining = kRequests;
      evhttp_connection* conn =
          evhttp_connection_base_new(c.base, nullptr, "127.0.0.1", static_cast<uint16_t>(port));
      for (int i = 0; i < kRequests; ++i)
        evhttp_make_request(conn, evhttp_request_new(done, &c), EVHTTP_REQ_GET, "/t");
      timeval limit{10, 0};
      event_base_loopexit(c.base, &limit);
      event_base_dispatch(c.base);
      evhttp_connection_free(conn);
      event_base_free(c.base);
    });
  }
  for (auto& th : threads) th.join();
  stop = true;
  server.join();
  for (const Client& c : clients) EXPECT_EQ(kRequests, c.ok);
  evhttp_free(http);
  event_base_free(sbase);
}

}  // namespace
