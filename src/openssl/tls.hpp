// OpenSSL bufferevents: the private state and the functions the files of
// this module share.
//
// A TLS bufferevent is a bufferevent of the common core (BevCore, reached
// through the exported wrappers of bufferevent/bev_shared.hpp) with an SSL
// object.  It runs in one of two modes:
//  - socket: the SSL talks to the descriptor through OpenSSL's socket BIO,
//    ev_read/ev_write watch the descriptor (tls_socket.cpp);
//  - filter: the SSL talks to an underlying bufferevent through our BIO
//    (tls_bio.cpp), whose callbacks drive us (tls_filter.cpp); ev_read and
//    ev_write are the core's generic timers.
// Plaintext moves without extra copies: SSL_read decrypts into the space
// reserved at the end of the input buffer, SSL_write encrypts straight
// from the output buffer's blocks (tls_io.cpp).  The handshake and
// renegotiation are in tls_handshake.cpp, the operations table and
// creation in tls_ops.cpp, the public functions in api_ssl.cpp.
#pragma once

#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>

#include <cstdint>

#include "bufferevent/bev_shared.hpp"

namespace ev::tls {

// Errors kept for bufferevent_get_openssl_error(), oldest first.
inline constexpr int kMaxErrors = 3;

struct TlsBev : BevCore {
  SSL* ssl = nullptr;
  bufferevent* underlying = nullptr;  // filter mode; nullptr over a socket
  // Plaintext length of an SSL_write that must be retried (WANT_READ or
  // WANT_WRITE); OpenSSL wants the same bytes again, and may find them
  // moved (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).  0 when none.
  int retry_len = 0;
  uint32_t errors[kMaxErrors] = {};
  uint8_t n_errors = 0;
  uint8_t state = BUFFEREVENT_SSL_OPEN;      // OPEN, or handshaking
  uint8_t old_state = BUFFEREVENT_SSL_OPEN;  // the state set_fd restarts in
  bool allow_dirty : 1 = false;
  bool closed : 1 = false;  // EOF/error reported: no more I/O
  // Socket mode, while handshaking: whether ev_read/ev_write are to be
  // watched.  As in libevent, each follows the last of: what OpenSSL asked
  // for (the other direction off), bufferevent_enable() (on) and
  // _disable() (off), starting from the enabled directions.
  bool hs_read : 1 = false;
  bool hs_write : 1 = false;
  bool rbow : 1 = false;           // SSL_read wants to write first
  bool wbow : 1 = false;           // SSL_write wants to read first
  bool write_blocked : 1 = false;  // SSL_write wants the transport writable
  // Someone else drained output while an SSL_write of it waited to be
  // retried: OpenSSL cannot be given the same bytes again.
  bool retry_lost : 1 = false;
  bool read_pass : 1 = false;       // run a read pass from try_write
  bool reneg_pending : 1 = false;   // our renegotiation is in progress
  bool underlying_eof : 1 = false;  // filter: the underlying one saw EOF
  bool underlying_reading : 1 = false;
  bool in_io : 1 = false;  // consider_* or a handshake step running (no re-entry)
  // A handshake step was asked for while one ran (an underlying
  // bufferevent's callback run from inside OpenSSL's write to it).
  bool hs_again : 1 = false;
  // Socket mode: whether we added ev_read/ev_write (saves asking the base
  // on every pass; only our code adds or deletes them once assigned).
  bool read_armed : 1 = false;
  bool write_armed : 1 = false;
};

extern const bufferevent_ops kTlsOps;

inline TlsBev* tls_of(bufferevent* bev) { return static_cast<TlsBev*>(core_of(bev)); }
// nullptr when `bev` is not an OpenSSL bufferevent.
inline TlsBev* tls_cast(bufferevent* bev) {
  return bev != nullptr && bev->be_ops == &kTlsOps ? tls_of(bev) : nullptr;
}
inline bufferevent* pub_of(TlsBev* t) { return &t->pub; }

// ---- locking and handlers (bev_shared.hpp wrappers) ----
// Takes the lock and a reference unless the bufferevent is being torn
// down; marks one of our handlers as running.  False: nothing held.
bool handler_begin(TlsBev* t);
void handler_end(TlsBev* t);
class Hold {
 public:
  explicit Hold(bufferevent* bev) : bev_(bev) {
    evpriv_bev_lock(bev_);
    evpriv_bev_incref_locked(bev_);
  }
  ~Hold() { evpriv_bev_decref_and_unlock(bev_); }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;

 private:
  bufferevent* bev_;
};

// A renegotiation is under way (ours, or the peer's that OpenSSL has yet
// to carry out): input must be read whatever the enabled directions.
inline bool renegotiating(TlsBev* t) {
  return t->reneg_pending || SSL_renegotiate_pending(t->ssl) != 0;
}

// ---- tls_io.cpp ----
// Decrypts what is available into the input; runs the read callback.
void consider_reading(TlsBev* t);
// Encrypts queued output; runs the write callback.
void consider_writing(TlsBev* t);
// The transport (socket or underlying bufferevent) has ciphertext for us:
// continues the handshake, or a write that waited for input, then reads.
void transport_readable(TlsBev* t);
// The transport takes more ciphertext: continues the handshake, or a read
// that waited to write, then writes.
void transport_writable(TlsBev* t);
// Classifies a failed SSL call (`err` = SSL_get_error, `ret` its return),
// records the OpenSSL errors, stops I/O and reports EOF or ERROR with
// `when` (BEV_EVENT_READING/WRITING).
void conn_closed(TlsBev* t, short when, int err, int ret);
// The transport ended without close_notify: EOF when dirty shutdowns are
// allowed, otherwise an error (an unexpected-EOF entry in the queue).
void dirty_close(TlsBev* t, short when);
// No memory for the transfer in direction `when`: BEV_EVENT_ERROR with
// errno ENOMEM (retrying from the loop would spin).
void no_memory(TlsBev* t, short when);
void put_error(TlsBev* t, unsigned long err);
// Output was drained by someone else: a pending retry is lost.
void output_drained(TlsBev* t);
// Moves OpenSSL's thread error queue into ours.
void collect_errors(TlsBev* t);

// ---- tls_handshake.cpp ----
void do_handshake(TlsBev* t);
// Starts the handshake in `state` (CONNECTING/ACCEPTING) or opens.
void start_state(TlsBev* t, int state);
// After I/O: reports the end of our renegotiation.
void check_renegotiation(TlsBev* t);
int renegotiate(TlsBev* t);

// ---- tls_socket.cpp ----
void socket_assign(TlsBev* t, evutil_socket_t fd);
// Arms or disarms ev_read/ev_write for what the SSL needs now.
// `reset`: directions whose events are re-added (new timeouts); `off`:
// directions the user is turning off right now.
void socket_sync(TlsBev* t, short reset, short off);
int socket_adj_timeouts(TlsBev* t);
// The transport cannot move data: wait for it (socket or underlying).
void sync_transport(TlsBev* t);

// ---- tls_filter.cpp ----
// False (nothing attached) when the underlying bufferevent cannot be
// enabled.
bool filter_attach(TlsBev* t);
void filter_detach(TlsBev* t);
// Lets the underlying bufferevent read exactly while we need input.
void filter_sync(TlsBev* t, short off);

// ---- tls_bio.cpp ----
// A BIO reading the underlying input and writing its output.
BIO* bio_new_bufferevent(TlsBev* t);

}  // namespace ev::tls
