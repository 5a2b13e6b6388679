// event_set_mem_functions(): the user's free function is never called with
// NULL (libevent never does, and a program's free may not accept it), over
// the life of a base, events, buffers, bufferevents and a listener.  Its own
// process: the functions must be installed before anything is allocated.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdlib>

namespace {

int g_null_frees = 0;
int g_frees = 0;

void* user_malloc(size_t n) { return malloc(n); }
void* user_realloc(void* p, size_t n) { return realloc(p, n); }
void user_free(void* p) {
  if (p == nullptr) ++g_null_frees;
  ++g_frees;
  free(p);
}

void noop_cb(evutil_socket_t, short, void*) {}

TEST(MemFunctions, FreeIsNeverCalledWithNull) {
  event_set_mem_functions(user_malloc, user_realloc, user_free);
  ASSERT_EQ(0, evthread_use_pthreads());
  for (int round = 0; round < 2; ++round) {
    event_config* cfg = event_config_new();
    if (round == 1) event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
    event_base* base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    ASSERT_NE(nullptr, base);
    event* ev = event_new(base, -1, EV_PERSIST, noop_cb, nullptr);
    timeval tv = {0, 1000};
    event_add(ev, &tv);
    event_base_loop(base, EVLOOP_ONCE);
    event_free(ev);

    evbuffer* buf = evbuffer_new();
    evbuffer_add_printf(buf, "hello %d", round);
    evbuffer_free(buf);

    bufferevent* pair[2];
    ASSERT_EQ(0, bufferevent_pair_new(base, BEV_OPT_THREADSAFE, pair));
    bufferevent_enable(pair[1], EV_READ);
    bufferevent_write(pair[0], "x", 1);
    event_base_loop(base, EVLOOP_NONBLOCK);
    bufferevent_free(pair[0]);
    bufferevent_free(pair[1]);

    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    evconnlistener* lev = evconnlistener_new_bind(base, nullptr, nullptr, LEV_OPT_CLOSE_ON_FREE, -1,
                                                  reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
    ASSERT_NE(nullptr, lev);
    evconnlistener_free(lev);

    event_base_loop(base, EVLOOP_NONBLOCK);
    event_base_free(base);
  }
  libevent_global_shutdown();
  EXPECT_GT(g_frees, 0);
  EXPECT_EQ(0, g_null_frees);
}

}  // namespace
