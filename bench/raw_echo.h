/* The echo server's floor: the bufferevent echo server's work (read what
 * arrives, write it back) done with plain epoll, read(2) and write(2), no
 * libevent.  Run under the same load generator, its CPU time per message is
 * what the kernel charges a server for that work.  (With many connections
 * it is no strict floor: a faster server sleeps and wakes more often, and
 * the scheduling is charged per message too.) */
#ifndef BENCH_RAW_ECHO_H
#define BENCH_RAW_ECHO_H

/* Watches the `n` connections in `fds` and the control socket; exits on
 * failure. */
void raw_echo_setup(const int* fds, long n, int control);

/* Echoes until the load generator reports the end of the round ('d' on the
 * control socket). */
void raw_echo_round(void);

#endif /* BENCH_RAW_ECHO_H */
