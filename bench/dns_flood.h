/* The DNS server benchmarks' client: a UDP query flood from a process of
 * its own.
 *
 * Like the echo load generator (load_generator.h), it is the benchmark
 * program re-executed with -C, using plain sockets and no libevent, so it
 * costs the same whichever library the server uses, and neither the
 * server's CPU clock, nor callgrind (which does not follow exec by
 * default), nor a strace without -f counts it.  Protocol on the control
 * socket: the server writes 'g' to start a round; the client sends the -n
 * queries (ids 0..n-1, "host<i>.bench", type A, the same set every round),
 * keeping 64 of them unanswered at all times (sendmmsg to refill, recvmmsg
 * to collect), so the server always has queries waiting and is the
 * bottleneck; it answers 'd' once every query has its answer.  End of file
 * ends the client. */
#ifndef BENCH_DNS_FLOOD_H
#define BENCH_DNS_FLOOD_H

#include <sys/types.h>

/* Starts the client (bench_remember_own_path must have run): `control` is
 * its end of the control socket, `port` the server's UDP port on
 * 127.0.0.1, `n` the queries per round. */
pid_t dns_flood_start(int control, int port, long n);

/* The client's main, for -C <control fd>:<port>:<queries>. */
int dns_flood_run(const char* spec);

#endif /* BENCH_DNS_FLOOD_H */
