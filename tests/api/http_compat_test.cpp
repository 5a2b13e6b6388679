// http_compat.h: evhttp_start and evhttp_connection_new on event_init's
// base, evhttp_connection_set_base and the evhttp_request_uri alias.
#include <event2/event_compat.h>
#include <event2/http_compat.h>

#include "http_test_util.hpp"

namespace {

struct Seen {
  std::string uri;
  int code = 0;
};

TEST(HttpCompat, StartAndConnectionNewUseTheCurrentBase) {
  event_base* base = event_init();
  ASSERT_NE(nullptr, base);
  // Find a free port, then start the server there.
  int free_port = 0;
  close(httptest::bound_unlistened(&free_port));
  auto port = static_cast<ev_uint16_t>(free_port);
  evhttp* http = evhttp_start("127.0.0.1", port);
  ASSERT_NE(nullptr, http);
  Seen seen;
  evhttp_set_gencb(
      http,
      [](evhttp_request* req, void* arg) {
        static_cast<Seen*>(arg)->uri = evhttp_request_uri(req);
        evhttp_send_reply(req, 200, "OK", nullptr);
      },
      &seen);
  evhttp_connection* c = evhttp_connection_new("127.0.0.1", port);
  ASSERT_NE(nullptr, c);
  evhttp_connection_set_base(c, base);
  EXPECT_EQ(base, evhttp_connection_get_base(c));
  evhttp_request* req = evhttp_request_new(
      [](evhttp_request* r, void* arg) {
        static_cast<Seen*>(arg)->code = r != nullptr ? evhttp_request_get_response_code(r) : -1;
        event_loopexit(nullptr);
      },
      &seen);
  evhttp_make_request(c, req, EVHTTP_REQ_GET, "/compat");
  timeval tv{5, 0};
  event_base_loopexit(base, &tv);
  event_dispatch();
  EXPECT_EQ("/compat", seen.uri);
  EXPECT_EQ(200, seen.code);
  evhttp_connection_free(c);
  // The port is taken: starting a second server there fails.
  EXPECT_EQ(nullptr, evhttp_start("127.0.0.1", port));
  evhttp_free(http);
  event_base_free(base);
}

}  // namespace
