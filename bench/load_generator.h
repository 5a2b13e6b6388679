/* The echo benchmark's load generator and the sockets around it.
 *
 * The generator is the benchmark program itself, re-executed with -C: a
 * process of its own that uses plain sockets and epoll (never libevent), so
 * its cost does not depend on the library under test, and neither
 * callgrind (which does not follow exec by default) nor a strace without -f
 * counts it.  Protocol on the control socket: the server writes 'g' to start
 * a round, the generator answers 'd' once every connection has sent its
 * messages and received every echo; end of file ends the generator. */
#ifndef BENCH_LOAD_GENERATOR_H
#define BENCH_LOAD_GENERATOR_H

#include <sys/types.h>

/* Records this program's path (from /proc/self/exe) for the re-execution;
 * call it early in main. */
void bench_remember_own_path(void);

/* A listening TCP socket on 127.0.0.1 with a kernel-chosen port. */
int bench_listen_loopback(void);

/* Forks and executes the generator: it connects `nconns` times to the
 * listener's port, then runs rounds of `per_conn` messages of `size` bytes
 * per connection.  `control` is the generator's end of the control socket. */
pid_t bench_start_load_generator(int control, int listener, long nconns, long per_conn, long size);

/* The server's side in one call: a control socket pair, the generator
 * started on its other end (bench_start_load_generator) and that end
 * closed here.  Returns the server's end (close-on-exec); the generator's
 * process id goes to *generator. */
int bench_launch_load_generator(int listener, long nconns, long per_conn, long size,
                                pid_t* generator);

/* Starts a round ('g'), and reads the generator's answer once the round is
 * over ('d'; exits when the generator quit).  Both count as the harness's
 * own calls (bench_harness_writes/_reads). */
void bench_generator_go(int control);
void bench_generator_done(int control);

/* Forks and executes this program as `program -C spec` (any generator:
 * the program's main decides what -C runs); returns the child's pid. */
pid_t bench_start_self(const char* spec);

/* Accepts one connection: non-blocking, TCP_NODELAY (exits on failure). */
int bench_accept_connection(int listener);

/* Closes the control socket (the generator exits) and reaps the process. */
void bench_stop_load_generator(int control, pid_t generator);

/* The generator's main, for -C <control fd>:<port>:<conns>:<messages>:<size>. */
int bench_run_load_generator(const char* spec);

/* How the generator moves a connection's bytes when not with plain
 * read(2)/write(2) (the TLS benchmark's OpenSSL client). */
struct bench_transport {
  /* Once per connection, after every connection is made and before the
   * first round, on the still blocking socket (a handshake runs here).
   * Returns the connection's handle; NULL fails the generator. */
  void* (*open)(int fd);
  /* As write(2)/read(2) on the non-blocking socket: bytes moved, or -1
   * with errno EAGAIN when nothing can move now (another errno: failed). */
  long (*send)(void* conn, const void* data, long size);
  long (*recv)(void* conn, void* buffer, long size);
};

/* bench_run_load_generator() over `transport` (NULL: plain sockets). */
int bench_run_load_generator_over(const char* spec, const struct bench_transport* transport);

#endif /* BENCH_LOAD_GENERATOR_H */
