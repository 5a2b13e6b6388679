/* signal-test: a persistent SIGINT event.  Each delivery is reported from
 * the event loop (not from signal context); after the second one the event
 * is removed and the loop ends because nothing is left to wait for. */
#include <event2/event.h>

#include <signal.h>
#include <stdio.h>

static int deliveries;

static void on_signal(evutil_socket_t sig, short what, void* arg) {
  struct event* self = arg;
  (void)what;
  printf("signal_cb: got signal %d (delivery %d)\n", (int)sig, ++deliveries);
  fflush(stdout);
  if (deliveries >= 2) event_del(self);
}

int main(void) {
  struct event_base* base = event_base_new();
  struct event* ev;
  if (base == NULL) return 1;
  ev = evsignal_new(base, SIGINT, on_signal, event_self_cbarg());
  if (ev == NULL || event_add(ev, NULL) < 0) return 1;
  printf("signal-test waiting for SIGINT twice\n");
  fflush(stdout);
  event_base_dispatch(base);
  printf("signal-test done after %d signals\n", deliveries);
  event_free(ev);
  event_base_free(base);
  return 0;
}
