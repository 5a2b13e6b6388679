// C entry points of event2/buffer.h (and buffer_compat.h) about positions,
// searching and lines: evbuffer_ptr_set, evbuffer_search*, evbuffer_readln,
// evbuffer_readline, evbuffer_find.
//
// An evbuffer_ptr's `pos` is the source of truth: the internal fields are
// filled in for the curious but never trusted, so a stale or forged
// pointer yields -1 instead of a wild memory access.
#include <cstring>

#include "core/mm.hpp"
#include "evbuffer/api_util.hpp"
#include "evbuffer/buffer.hpp"

using ev::BufferLock;

namespace {

evbuffer_ptr not_found() {
  evbuffer_ptr p;
  p.pos = -1;
  p.internal_.chain = nullptr;
  p.internal_.pos_in_chain = 0;
  return p;
}

// A pointer to `pos` of `buf` (pos <= total_len), or not_found() for -1.
evbuffer_ptr make_ptr(const evbuffer* buf, ev_ssize_t pos) {
  if (pos < 0) return not_found();
  evbuffer_ptr p;
  size_t in = 0;
  p.pos = pos;
  p.internal_.chain = buf->locate(static_cast<size_t>(pos), &in);
  p.internal_.pos_in_chain = in;
  return p;
}

// The offset a caller's start pointer designates, or false if invalid.
bool start_offset(const evbuffer* buf, const evbuffer_ptr* start, size_t* out) {
  *out = 0;
  if (start == nullptr) return true;
  if (start->pos < 0 || static_cast<size_t>(start->pos) > buf->total_len) return false;
  *out = static_cast<size_t>(start->pos);
  return true;
}

// evbuffer_readln() when nothing has to be locked or notified and the
// first block holds the whole line and its LF, CRLF or NUL ending: one
// memchr(), one copy, one drain.  False when the general path must run
// (nothing changed then).
bool readln_from_first_block(evbuffer* buf, evbuffer_eol_style style, char** line_out,
                             size_t* n_out) {
  if (!buf->quiet_for_drain() || buf->flags.maybe_unmapped) return false;
  if (style != EVBUFFER_EOL_LF && style != EVBUFFER_EOL_CRLF && style != EVBUFFER_EOL_NUL)
    return false;
  ev::Chain* c = buf->first;
  if (c == nullptr || c->off == 0) return false;
  const unsigned char* p = c->data();
  const int end_byte = style == EVBUFFER_EOL_NUL ? '\0' : '\n';
  const void* hit = std::memchr(p, end_byte, c->off);
  if (hit == nullptr) return false;
  auto n = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
  size_t eol_len = 1;
  // CRLF: a CR right before the LF belongs to the ending.
  if (style == EVBUFFER_EOL_CRLF && n > 0 && p[n - 1] == '\r') {
    --n;
    eol_len = 2;
  }
  auto* line = static_cast<char*>(ev::mm_malloc(n + 1));
  if (line == nullptr) return false;
  std::memcpy(line, p, n);
  line[n] = '\0';
  // Nobody watches, so the line and its ending may leave in one step.
  buf->drain_front(n + eol_len);
  *line_out = line;
  *n_out = n;
  return true;
}

}  // namespace

extern "C" {

int evbuffer_ptr_set(struct evbuffer* buf, struct evbuffer_ptr* ptr, size_t position,
                     enum evbuffer_ptr_how how) {
  EVBUF_REQUIRE(buf, -1);
  EVBUF_REQUIRE(ptr, -1);
  BufferLock guard(buf);
  size_t target;
  if (how == EVBUFFER_PTR_SET) {
    target = position;
  } else if (how == EVBUFFER_PTR_ADD) {
    if (ptr->pos < 0 || position > static_cast<size_t>(EV_SSIZE_MAX - ptr->pos)) return -1;
    target = static_cast<size_t>(ptr->pos) + position;
  } else {
    return -1;
  }
  if (target > buf->total_len) {
    *ptr = not_found();
    return -1;
  }
  *ptr = make_ptr(buf, static_cast<ev_ssize_t>(target));
  return 0;
}

struct evbuffer_ptr evbuffer_search_range(struct evbuffer* buf, const char* what, size_t len,
                                          const struct evbuffer_ptr* start,
                                          const struct evbuffer_ptr* end) {
  EVBUF_REQUIRE(buf, not_found());
  BufferLock guard(buf);
  size_t from = 0;
  if (!start_offset(buf, start, &from)) return not_found();
  // The empty string is found right where the search starts.
  if (len == 0) return make_ptr(buf, static_cast<ev_ssize_t>(from));
  if (what == nullptr || len > static_cast<size_t>(EV_SSIZE_MAX)) return not_found();
  size_t limit = buf->total_len;
  if (end != nullptr) {
    if (end->pos < 0) return not_found();
    if (static_cast<size_t>(end->pos) < limit) limit = static_cast<size_t>(end->pos);
  }
  if (!buf->materialize_all()) return not_found();
  return make_ptr(buf, buf->find(reinterpret_cast<const unsigned char*>(what), len, from, limit));
}

struct evbuffer_ptr evbuffer_search(struct evbuffer* buf, const char* what, size_t len,
                                    const struct evbuffer_ptr* start) {
  return evbuffer_search_range(buf, what, len, start, nullptr);
}

struct evbuffer_ptr evbuffer_search_eol(struct evbuffer* buf, struct evbuffer_ptr* start,
                                        size_t* eol_len_out, enum evbuffer_eol_style eol_style) {
  if (eol_len_out != nullptr) *eol_len_out = 0;
  EVBUF_REQUIRE(buf, not_found());
  BufferLock guard(buf);
  size_t from = 0;
  if (!start_offset(buf, start, &from) || !buf->materialize_all()) return not_found();
  size_t eol_len = 0;
  ev_ssize_t at = buf->find_eol(from, eol_style, &eol_len);
  if (eol_len_out != nullptr) *eol_len_out = eol_len;
  return make_ptr(buf, at);
}

char* evbuffer_readln(struct evbuffer* buf, size_t* n_read_out, enum evbuffer_eol_style eol_style) {
  if (n_read_out != nullptr) *n_read_out = 0;
  EVBUF_REQUIRE(buf, nullptr);
  char* fast_line;
  size_t fast_n;
  if (readln_from_first_block(buf, eol_style, &fast_line, &fast_n)) {
    if (n_read_out != nullptr) *n_read_out = fast_n;
    return fast_line;
  }
  BufferLock guard(buf);
  if (buf->flags.freeze_start || !buf->materialize_all()) return nullptr;
  size_t eol_len = 0;
  ev_ssize_t at = buf->find_eol(0, eol_style, &eol_len);
  if (at < 0) return nullptr;
  auto n = static_cast<size_t>(at);
  auto* line = static_cast<char*>(ev::mm_malloc(n + 1));
  if (line == nullptr) {
    evpriv_warn("%s: out of memory", __func__);
    return nullptr;
  }
  buf->copy_out(0, line, n);
  line[n] = '\0';
  // Like libevent: the line and its ending leave in two steps, and the
  // callbacks see each (a callback may change the buffer in between).
  if (n > 0) {
    buf->drain_front(n);
    buf->note_deleted(n);
    buf->invoke_callbacks();
  }
  if (!buf->flags.freeze_start) {
    size_t drop = eol_len < buf->total_len ? eol_len : buf->total_len;
    buf->drain_front(drop);
    buf->note_deleted(drop);
    buf->invoke_callbacks();
  }
  if (n_read_out != nullptr) *n_read_out = n;
  return line;
}

char* evbuffer_readline(struct evbuffer* buf) {
  return evbuffer_readln(buf, nullptr, EVBUFFER_EOL_ANY);
}

unsigned char* evbuffer_find(struct evbuffer* buf, const unsigned char* what, size_t len) {
  EVBUF_REQUIRE(buf, nullptr);
  if (what == nullptr || len == 0) return nullptr;
  BufferLock guard(buf);
  if (!buf->materialize_all()) return nullptr;
  ev_ssize_t at = buf->find(what, len, 0, buf->total_len);
  if (at < 0) return nullptr;
  unsigned char* p = buf->pullup(static_cast<size_t>(at) + len);
  return p != nullptr ? p + at : nullptr;
}

}  // extern "C"
