// Moving plaintext through the SSL object once the connection is open,
// and what happens when it ends.
//
// Reading decrypts straight into the space reserved at the end of the
// input buffer, at most what the read high watermark, the max-single-read
// cap and the rate limits allow (limits count plaintext bytes).  Over a
// socket OpenSSL reads ahead whole buffers of records, so a pass stops as
// soon as nothing is left inside OpenSSL rather than asking the kernel
// once more; data left inside OpenSSL by a capped pass is picked up by a
// later pass from the loop (read_pass), never forgotten.
//
// Writing hands the output buffer's blocks to SSL_write as they are and
// drains what was accepted.  A write OpenSSL could not finish is retried
// with the same bytes (retry_len), which stay at the front of the buffer;
// should the user have rearranged the buffer they are made contiguous
// again.  Should the user drain them instead, OpenSSL cannot be given
// them again: that is an error (SSL_R_BAD_WRITE_RETRY), reported from the
// loop, rather than other bytes taking their place unnoticed.
#include <event2/buffer.h>
#include <openssl/err.h>

#include <cerrno>

#include "core/log.hpp"
#include "openssl/tls.hpp"

namespace ev::tls {
namespace {

// The most one read pass decrypts when no smaller limit applies: one
// maximal record.
constexpr size_t kReadChunk = 16384;

bool can_read(TlsBev* t) {
  bufferevent* bev = pub_of(t);
  return !t->closed && t->state == BUFFEREVENT_SSL_OPEN &&
         (((bev->enabled & EV_READ) && t->read_suspended == 0) || renegotiating(t));
}

bool can_write(TlsBev* t) {
  bufferevent* bev = pub_of(t);
  return !t->closed && t->state == BUFFEREVENT_SSL_OPEN && (bev->enabled & EV_WRITE) &&
         t->write_suspended == 0;
}

// Room for the next read pass; 0 when reading must wait.
size_t read_budget(TlsBev* t) {
  bufferevent* bev = pub_of(t);
  ev_ssize_t allowed = evpriv_bev_read_allowance(t);
  if (allowed <= 0) return 0;
  size_t n = static_cast<size_t>(allowed);
  if (bev->wm_read.high != 0) {
    size_t have = evbuffer_get_length(bev->input);
    if (have >= bev->wm_read.high) return 0;
    if (bev->wm_read.high - have < n) n = bev->wm_read.high - have;
  }
  return n < kReadChunk ? n : kReadChunk;
}

// Whether another SSL_read may find something without waiting for the
// transport.
bool more_inside(TlsBev* t) {
  // (OpenSSL starts a renegotiation the peer asked for only once its
  // read buffer is empty, from within SSL_read.)
  if (SSL_has_pending(t->ssl) || SSL_renegotiate_pending(t->ssl)) return true;
  // Filter mode: the BIO reads from memory, asking is cheap.
  return t->underlying != nullptr && evbuffer_get_length(t->underlying->input) != 0;
}

// kMore: the budget was filled and more may be waiting; kBlocked: nothing
// more for now; kStopped: the connection ended.
enum PassResult { kBlocked, kStopped, kMore };

// One pass: decrypt into up to `budget` bytes of reserved input space.
PassResult read_pass(TlsBev* t, size_t budget, bool* progressed) {
  bufferevent* bev = pub_of(t);
  evbuffer_iovec vec[2];
  int nvec = evbuffer_reserve_space(bev->input, static_cast<ev_ssize_t>(budget), vec, 2);
  if (nvec <= 0) {
    // The transport stays readable: waiting for it again would spin.
    evpriv_warnx("%s: no memory for input", __func__);
    no_memory(t, BEV_EVENT_READING);
    return kStopped;
  }
  // The reservation may be larger than asked for.
  size_t left = budget;
  for (int i = 0; i < nvec; ++i) {
    if (vec[i].iov_len > left) vec[i].iov_len = left;
    left -= vec[i].iov_len;
  }
  size_t filled[2] = {0, 0};
  PassResult res = kMore;
  int err = 0, ret = 0, saved_errno = 0;
  for (int i = 0; i < nvec && res == kMore; ++i) {
    while (filled[i] < vec[i].iov_len) {
      ERR_clear_error();
      int r = SSL_read(t->ssl, static_cast<char*>(vec[i].iov_base) + filled[i],
                       static_cast<int>(vec[i].iov_len - filled[i]));
      if (r > 0) {
        filled[i] += static_cast<size_t>(r);
        t->rbow = false;
        if (!more_inside(t)) {
          res = kBlocked;
          break;
        }
        continue;
      }
      saved_errno = errno;
      err = SSL_get_error(t->ssl, r);
      ret = r;
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        t->rbow = err == SSL_ERROR_WANT_WRITE;
        res = kBlocked;
      } else {
        res = kStopped;
      }
      break;
    }
  }
  int used = filled[1] != 0 ? 2 : (filled[0] != 0 ? 1 : 0);
  vec[0].iov_len = filled[0];
  vec[1].iov_len = filled[1];
  evbuffer_commit_space(bev->input, vec, used);
  if (used != 0) {
    *progressed = true;
    evpriv_bev_charge_read(t, static_cast<ev_ssize_t>(filled[0] + filled[1]));
  }
  if (res == kStopped) {
    errno = saved_errno;
    conn_closed(t, BEV_EVENT_READING, err, ret);
  }
  return res;
}

void stop_and_report(TlsBev* t, short what) {
  t->closed = true;
  t->rbow = t->wbow = t->write_blocked = false;
  sync_transport(t);
  evpriv_bev_run_eventcb(pub_of(t), what, 0);
}

// One SSL_write of `len` bytes at `data`: bytes accepted, 0 when OpenSSL
// must wait, -1 after the connection ended.
int write_block(TlsBev* t, const void* data, size_t len) {
  ERR_clear_error();
  int r = SSL_write(t->ssl, data, static_cast<int>(len));
  if (r > 0) {
    t->retry_len = 0;
    t->wbow = false;
    t->write_blocked = false;
    return r;
  }
  int err = SSL_get_error(t->ssl, r);
  if (err == SSL_ERROR_WANT_WRITE) {
    t->write_blocked = true;
  } else if (err == SSL_ERROR_WANT_READ) {
    t->wbow = true;
  } else {
    t->retry_len = 0;
    conn_closed(t, BEV_EVENT_WRITING, err, r);
    return -1;
  }
  t->retry_len = static_cast<int>(len);
  return 0;
}

}  // namespace

void consider_reading(TlsBev* t) {
  if (t->in_io) {
    t->read_pass = true;
    return;
  }
  t->in_io = true;
  bufferevent* bev = pub_of(t);
  bool progressed = false;
  bool left_inside = false;
  while (can_read(t) && !t->rbow) {
    // Zero only when a limit is reached, which suspends reading; resuming
    // runs a new pass.
    size_t budget = read_budget(t);
    if (budget == 0) break;
    if (read_pass(t, budget, &progressed) != kMore) break;
    if (t->underlying == nullptr) {
      // Over a socket one filled pass per wake-up keeps the loop fair;
      // what OpenSSL still holds is read by a pass from the loop.
      left_inside = SSL_has_pending(t->ssl);
      break;
    }
  }
  t->in_io = false;
  if (progressed) {
    if (t->underlying != nullptr) evpriv_bev_generic_reset_read_timer(bev);
    evpriv_bev_trigger_locked(bev, EV_READ, 0);
  }
  // (A renegotiation may end inside a read that returned no data.)
  check_renegotiation(t);
  if (left_inside && !t->closed) {
    t->read_pass = true;
    evpriv_bev_request_write(t);
  }
}

void consider_writing(TlsBev* t) {
  if (t->in_io) return;  // the running pass loops while output remains
  if (t->retry_lost) {
    t->retry_lost = false;
    t->retry_len = 0;
    evpriv_warnx("bufferevent_openssl: output drained while OpenSSL waited to write it");
    put_error(t, ERR_PACK(ERR_LIB_SSL, 0, SSL_R_BAD_WRITE_RETRY));
    errno = 0;
    stop_and_report(t, static_cast<short>(BEV_EVENT_WRITING | BEV_EVENT_ERROR));
    return;
  }
  t->in_io = true;
  bufferevent* bev = pub_of(t);
  evbuffer* out = bev->output;
  bool progressed = false;
  while (can_write(t) && !t->wbow && !t->write_blocked && evbuffer_get_length(out) != 0) {
    if (t->underlying != nullptr) {
      const event_watermark& wm = t->underlying->wm_write;
      if (wm.high != 0 && evbuffer_get_length(t->underlying->output) >= wm.high) break;
    }
    size_t total = 0;
    if (t->retry_len > 0) {
      // The same bytes again, contiguous (normally they still are).
      evbuffer_iovec v;
      if (evbuffer_peek(out, t->retry_len, nullptr, &v, 1) != 1 ||
          v.iov_len < static_cast<size_t>(t->retry_len)) {
        v.iov_base = evbuffer_pullup(out, t->retry_len);
        v.iov_len = static_cast<size_t>(t->retry_len);
      }
      int r = v.iov_base != nullptr ? write_block(t, v.iov_base, static_cast<size_t>(t->retry_len))
                                    : -1;
      if (r > 0) total = static_cast<size_t>(r);
    } else {
      ev_ssize_t allowed = evpriv_bev_write_allowance(t);
      if (allowed <= 0) break;
      evbuffer_iovec vec[8];
      int n = evbuffer_peek(out, allowed, nullptr, vec, 8);
      if (n > 8) n = 8;
      for (int i = 0; i < n; ++i) {
        size_t len = vec[i].iov_len;
        if (total + len > static_cast<size_t>(allowed)) len = static_cast<size_t>(allowed) - total;
        if (len == 0) continue;
        int r = write_block(t, vec[i].iov_base, len);
        if (r <= 0) break;
        total += static_cast<size_t>(r);
      }
    }
    if (total == 0) break;
    evbuffer_drain(out, total);
    evpriv_bev_charge_write(t, static_cast<ev_ssize_t>(total));
    progressed = true;
  }
  t->in_io = false;
  check_renegotiation(t);
  if (progressed) {
    if (t->underlying != nullptr) evpriv_bev_generic_reset_write_timer(bev);
    if (evbuffer_get_length(out) <= bev->wm_write.low) evpriv_bev_run_writecb(bev, 0);
  }
}

void put_error(TlsBev* t, unsigned long err) {
  if (t->n_errors == kMaxErrors) return;
  // OpenSSL packs its codes in 32 bits even where long is wider.
  t->errors[t->n_errors++] = static_cast<uint32_t>(err);
}

void collect_errors(TlsBev* t) {
  unsigned long err;
  while ((err = ERR_get_error()) != 0) put_error(t, err);
}

void output_drained(TlsBev* t) {
  if (t->retry_len == 0 || t->in_io || t->closed) return;
  t->retry_lost = true;
  evpriv_bev_request_write(t);
}

void dirty_close(TlsBev* t, short when) {
  if (t->allow_dirty) {
    ERR_clear_error();
    stop_and_report(t, static_cast<short>(when | BEV_EVENT_EOF));
    return;
  }
  // The same entry whichever way OpenSSL noticed the missing close_notify.
  ERR_clear_error();
  put_error(t, ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNEXPECTED_EOF_WHILE_READING));
  errno = 0;
  stop_and_report(t, static_cast<short>(when | BEV_EVENT_ERROR));
}

void no_memory(TlsBev* t, short when) {
  ERR_clear_error();
  errno = ENOMEM;
  stop_and_report(t, static_cast<short>(when | BEV_EVENT_ERROR));
}

void conn_closed(TlsBev* t, short when, int err, int ret) {
  int saved_errno = errno;
  switch (err) {
    case SSL_ERROR_ZERO_RETURN:
      if (SSL_get_shutdown(t->ssl) & SSL_RECEIVED_SHUTDOWN) {
        ERR_clear_error();
        stop_and_report(t, static_cast<short>(when | BEV_EVENT_EOF));
        return;
      }
      dirty_close(t, when);
      return;
    case SSL_ERROR_SYSCALL:
      // A transport end or reset without an OpenSSL error: the peer went
      // away without close_notify.
      if (ERR_peek_error() == 0 && (ret == 0 || saved_errno == 0 || saved_errno == ECONNRESET)) {
        dirty_close(t, when);
        return;
      }
      break;
    case SSL_ERROR_SSL: {
      // OpenSSL 3 reports the missing close_notify as a protocol error.
      unsigned long e = ERR_peek_error();
      if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
          ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        dirty_close(t, when);
        return;
      }
      break;
    }
    default:
      evpriv_warnx("BUG: unexpected OpenSSL error code %d", err);
      break;
  }
  collect_errors(t);
  errno = saved_errno;
  stop_and_report(t, static_cast<short>(when | BEV_EVENT_ERROR));
}

void transport_readable(TlsBev* t) {
  if (t->state != BUFFEREVENT_SSL_OPEN) {
    do_handshake(t);
    return;
  }
  if (t->wbow) {
    t->wbow = false;
    consider_writing(t);
  }
  consider_reading(t);
}

void transport_writable(TlsBev* t) {
  if (t->state != BUFFEREVENT_SSL_OPEN) {
    do_handshake(t);
    return;
  }
  t->write_blocked = false;
  if (t->rbow) {
    t->rbow = false;
    consider_reading(t);
  }
  consider_writing(t);
}

}  // namespace ev::tls
