// evbuffer operation programs checked against a byte-string model after
// every step.  The input is a program: one options byte (callbacks and locks
// per buffer), then operations over three buffers, each an opcode, the
// buffers it acts on and its arguments.  Every operation of event2/buffer.h
// is reachable: adds of every kind (zero lengths, references, views, file
// segments, printf, iovecs), reserve/commit (empty and invalid commits),
// expand, the moves between buffers, drain/remove/copyout, peek, pullup,
// search, readln with every end-of-line style, freezing, socket IO, flags,
// callbacks (enabled, disabled, deferred to a base) and the buffer lock.  After each step the
// touched buffers must equal their models (length, bytes through evbuffer_peek, chain invariants),
// the others must have their models' length and valid chains, all three must equal their models
// every 16 steps and at the end, and every callback must have seen consistent sizes; at the end
// every reference's cleanup must have run exactly once.
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include <event2/thread.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "evbuffer/buffer.hpp"

#include "fuzz_check.hpp"

namespace {

// Keeps every model small enough for whole-content checks at every step.
constexpr size_t kMaxBytes = 32 * 1024;
constexpr int kMaxSteps = 256;
constexpr size_t kFileBytes = 8192;

int g_refs_live = 0;
void ref_cleanup(const void* data, size_t, void*) {
  --g_refs_live;
  std::free(const_cast<void*>(data));
}

int g_file_fd = -1;
std::string g_file;
int g_sock[2] = {-1, -1};
bool g_sock_used = false;  // by this program: drain both ends after it
// Runs the deferred callbacks of buffers with evbuffer_defer_callbacks().
event_base* g_base = nullptr;
// File segments whose cleanup callback has not run yet.
int g_segs_live = 0;
void seg_cleanup(const evbuffer_file_segment*, int, void*) { --g_segs_live; }
// EVBUFFER_FUZZ_TRACE=1 prints each step (to read a reproducer).
bool g_trace = false;

// The bytes of the program.
struct Reader {
  const uint8_t* p;
  size_t n;
  bool done() const { return n == 0; }
  uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  bool coin() { return byte() & 1; }
  // Sizes skewed towards small, up to 16 KiB.
  size_t size() {
    uint8_t b = byte();
    switch (b >> 6) {
      case 0:
      case 1:
        return b & 63;
      case 2:
        return (b & 63) * 64 + (byte() & 63);
      default:
        return (static_cast<size_t>(b & 63) << 8) | byte();
    }
  }
  // `len` bytes: up to 24 taken from the program, repeated (a pattern with
  // line endings when the program has run out).
  std::string bytes(size_t len) {
    size_t want = byte() % 25;  // read first: it consumes a byte
    size_t k = std::min({len, n, want});
    std::string seed(reinterpret_cast<const char*>(p), k);
    p += k, n -= k;
    if (seed.empty()) seed = "ab\r\n\0xy\n";
    // Doubling: a one-byte seed must not cost a byte-at-a-time loop.
    std::string s = seed;
    s.reserve(len);
    while (s.size() < len) s.append(s, 0, std::min(s.size(), len - s.size()));
    s.resize(len);
    return s;
  }
};

// What a buffer's callback has seen.
struct CbTrace {
  size_t last = 0;
  bool ok = true;
};
void trace_cb(evbuffer* buf, const evbuffer_cb_info* info, void* arg) {
  auto* t = static_cast<CbTrace*>(arg);
  if (info->orig_size != t->last) t->ok = false;
  if (info->orig_size + info->n_added - info->n_deleted != evbuffer_get_length(buf)) t->ok = false;
  t->last = evbuffer_get_length(buf);
}

// The model's own loops are not what is being explored: no coverage
// tracing there (it costs more than the library calls).
#define MODEL_CODE __attribute__((no_sanitize("coverage")))

struct Buf {
  evbuffer* b = nullptr;
  std::string m;
  bool frozen_start = false;
  bool frozen_end = false;
  // May hold file segments or views (evbuffer_add_buffer_reference refuses).
  bool exotic = false;
  evbuffer_cb_entry* cb = nullptr;
  CbTrace trace;
  bool cb_enabled = true;  // EVBUFFER_CB_ENABLED
  bool deferred = false;   // callbacks run from g_base's loop

  void watch() {
    cb_enabled = true;
    trace = CbTrace{};
    trace.last = m.size();
    cb = evbuffer_add_cb(b, trace_cb, &trace);
    CHECK(cb != nullptr);
  }
  void unwatch() {
    CHECK(evbuffer_remove_cb_entry(b, cb) == 0);
    cb = nullptr;
  }
  void cleared() {
    m.clear();
    exotic = false;
  }
};

// The checks every buffer gets after every step: length, chain invariants,
// what its callback has seen.
MODEL_CODE void verify_shape(Buf& x) {
  CHECK(evbuffer_get_length(x.b) == x.m.size());
  CHECK(x.b->check_invariants());
  if (x.cb == nullptr) return;
  // Deferred runs are pending only for a buffer with a callback.
  if (x.deferred) event_base_loop(g_base, EVLOOP_NONBLOCK);
  if (x.cb_enabled) CHECK(x.trace.ok && x.trace.last == x.m.size());
}

// verify_shape, and every byte against the model (through evbuffer_peek,
// or evbuffer_copyout when there are many extents).
MODEL_CODE void verify(Buf& x) {
  verify_shape(x);
  evbuffer_iovec v[64];
  // One call: with a length (not -1) the result is the number of extents
  // that length needs, even beyond the 64 filled in.
  int need = evbuffer_peek(x.b, static_cast<ev_ssize_t>(x.m.size()), nullptr, v, 64);
  CHECK(need >= 0);
  if (need > 64) {
    // Many extents: compare through copyout instead.
    if (x.frozen_start) return;
    std::string all(x.m.size(), '\0');
    CHECK(evbuffer_copyout(x.b, all.data(), all.size()) == static_cast<ev_ssize_t>(all.size()));
    CHECK(all == x.m);
    return;
  }
  size_t at = 0;
  for (int i = 0; i < need; ++i) {
    CHECK(v[i].iov_len > 0 && at + v[i].iov_len <= x.m.size());
    CHECK(std::memcmp(v[i].iov_base, x.m.data() + at, v[i].iov_len) == 0);
    at += v[i].iov_len;
  }
  CHECK(at == x.m.size());
}

// The first end of line at or after `from` in the model, and its length.
// memchr only: the sanitizer's interceptor checks a memchr's range up to
// the byte found, where other string searches check the whole remaining
// region on every call (quadratic over a program).
MODEL_CODE ev_ssize_t model_eol(const std::string& m, size_t from, int style, size_t* len) {
  *len = 0;
  const char* d = m.data();
  const size_t n = m.size();
  if (from >= n) return -1;
  auto find = [&](char c, size_t at, size_t end) -> size_t {
    const void* hit = std::memchr(d + at, c, end - at);
    return hit == nullptr ? end : static_cast<size_t>(static_cast<const char*>(hit) - d);
  };
  switch (style) {
    case EVBUFFER_EOL_ANY: {
      size_t i = find('\n', from, n);
      i = find('\r', from, i);
      if (i == n) return -1;
      size_t j = i;
      while (j < n && (d[j] == '\r' || d[j] == '\n')) ++j;
      *len = j - i;
      return static_cast<ev_ssize_t>(i);
    }
    case EVBUFFER_EOL_CRLF: {
      size_t i = find('\n', from, n);
      if (i == n) return -1;
      if (i > from && d[i - 1] == '\r') return *len = 2, static_cast<ev_ssize_t>(i - 1);
      return *len = 1, static_cast<ev_ssize_t>(i);
    }
    case EVBUFFER_EOL_CRLF_STRICT:
      for (size_t at = from; at < n;) {
        size_t i = find('\n', at, n);
        if (i == n) return -1;
        if (i > from && d[i - 1] == '\r') return *len = 2, static_cast<ev_ssize_t>(i - 1);
        at = i + 1;
      }
      return -1;
    case EVBUFFER_EOL_LF:
    case EVBUFFER_EOL_NUL: {
      size_t i = find(style == EVBUFFER_EOL_LF ? '\n' : '\0', from, n);
      if (i == n) return -1;
      return *len = 1, static_cast<ev_ssize_t>(i);
    }
    default:
      return -1;
  }
}

// std::string::find, without coverage tracing of its loops.
MODEL_CODE size_t model_find(const std::string& m, const std::string& needle, size_t from) {
  return m.find(needle, from);
}

// A result that may be a failure only when `may_fail`.
bool outcome_at(bool ok, bool may_fail, int line) {
  if (!ok && !may_fail) fuzz_fail(__FILE__, line, "operation failed");
  return ok;
}
#define outcome(ok, may_fail) outcome_at((ok), (may_fail), __LINE__)

void op_add(Buf& x, Reader& r) {
  size_t n = std::min(r.size(), kMaxBytes - x.m.size());
  std::string s = r.bytes(n);
  if (outcome(evbuffer_add(x.b, s.data(), n) == 0, x.frozen_end)) {
    CHECK(!x.frozen_end || n == 0);
    x.m += s;
  }
}

void op_prepend(Buf& x, Reader& r) {
  size_t n = std::min(r.size(), kMaxBytes - x.m.size());
  std::string s = r.bytes(n);
  if (outcome(evbuffer_prepend(x.b, s.data(), n) == 0, x.frozen_start)) {
    CHECK(!x.frozen_start || n == 0);
    x.m.insert(0, s);
  }
}

void op_drain_or_remove(Buf& x, Reader& r) {
  size_t n = r.coin() ? x.m.size() : r.size();
  size_t k = std::min(n, x.m.size());
  if (r.coin()) {
    if (outcome(evbuffer_drain(x.b, n) == 0, x.frozen_start)) {
      CHECK(!x.frozen_start || k == 0);
      x.m.erase(0, k);
    }
  } else {
    std::string out(n + 1, '?');
    int got = evbuffer_remove(x.b, out.data(), n);
    if (outcome(got >= 0, x.frozen_start)) {
      CHECK(static_cast<size_t>(got) == k);
      CHECK(out.compare(0, k, x.m, 0, k) == 0);
      x.m.erase(0, k);
    }
  }
  if (x.m.empty()) x.exotic = false;
}

void op_copyout(Buf& x, Reader& r) {
  size_t pos = x.m.empty() ? 0 : r.size() % (x.m.size() + 1);
  evbuffer_ptr p;
  CHECK(evbuffer_ptr_set(x.b, &p, pos, EVBUFFER_PTR_SET) == 0);
  CHECK(static_cast<size_t>(p.pos) == pos);
  size_t n = r.size();
  std::string out(n + 1, '?');
  ev_ssize_t got = evbuffer_copyout_from(x.b, &p, out.data(), n);
  size_t want = std::min(n, x.m.size() - pos);
  if (outcome(got >= 0, x.frozen_start)) {
    CHECK(static_cast<size_t>(got) == want);
    CHECK(out.compare(0, want, x.m, pos, want) == 0);
  }
}

void op_pullup(Buf& x, Reader& r) {
  ev_ssize_t n = r.coin() ? -1 : static_cast<ev_ssize_t>(r.size());
  unsigned char* p = evbuffer_pullup(x.b, n);
  size_t want = n < 0 ? x.m.size() : static_cast<size_t>(n);
  if (want == 0 || want > x.m.size()) {
    CHECK(p == nullptr || want == 0);
    return;
  }
  if (p == nullptr) {
    CHECK(x.frozen_start);
    return;
  }
  CHECK(std::memcmp(p, x.m.data(), want) == 0);
  CHECK(evbuffer_get_contiguous_space(x.b) >= want);
}

void op_move(Buf& x, Buf& y, Reader& r) {
  bool y_nonempty = !y.m.empty();
  switch (r.byte() % 4) {
    case 0: {  // add_buffer y -> x
      bool ok = evbuffer_add_buffer(x.b, y.b) == 0;
      if (outcome(ok, y_nonempty && (y.frozen_start || x.frozen_end))) {
        x.m += y.m;
        x.exotic = x.exotic || y.exotic;
        y.cleared();
      }
      break;
    }
    case 1: {  // prepend_buffer y -> x
      bool ok = evbuffer_prepend_buffer(x.b, y.b) == 0;
      if (outcome(ok, y_nonempty && (y.frozen_start || x.frozen_start))) {
        x.m.insert(0, y.m);
        x.exotic = x.exotic || y.exotic;
        y.cleared();
      }
      break;
    }
    case 2: {  // remove_buffer y -> x
      size_t n = r.coin() ? y.m.size() : r.size();
      int got = evbuffer_remove_buffer(y.b, x.b, n);
      size_t k = std::min(n, y.m.size());
      if (outcome(got >= 0, n > 0 && (y.frozen_start || x.frozen_end))) {
        CHECK(static_cast<size_t>(got) == k);
        x.m += y.m.substr(0, k);
        x.exotic = x.exotic || y.exotic;
        y.m.erase(0, k);
        if (y.m.empty()) y.exotic = false;
      }
      break;
    }
    default: {  // a buffer with itself
      CHECK(evbuffer_add_buffer(x.b, x.b) == 0 || x.frozen_start || x.frozen_end);
      CHECK(evbuffer_prepend_buffer(x.b, x.b) == 0 || x.frozen_start);
      CHECK(evbuffer_remove_buffer(x.b, x.b, r.size()) == 0);
      CHECK(evbuffer_add_buffer_reference(x.b, x.b) == -1);
      break;
    }
  }
  if (x.m.size() > kMaxBytes) {
    size_t cut = x.m.size() - kMaxBytes;
    if (evbuffer_drain(x.b, cut) == 0) {
      x.m.erase(0, cut);
    } else {
      CHECK(x.frozen_start);
    }
  }
}

void op_reference(Buf& x, Reader& r) {
  size_t n = std::min(r.size(), kMaxBytes - x.m.size());
  std::string s = r.bytes(n);
  void* mem = std::malloc(n + 1);
  std::memcpy(mem, s.data(), n);
  ++g_refs_live;
  if (outcome(evbuffer_add_reference(x.b, mem, n, ref_cleanup, nullptr) == 0, x.frozen_end)) {
    x.m += s;
  } else {
    ref_cleanup(mem, 0, nullptr);
  }
}

void op_buffer_reference(Buf& x, Buf& y) {
  if (x.m.size() + y.m.size() > kMaxBytes) return;
  bool ok = evbuffer_add_buffer_reference(x.b, y.b) == 0;
  if (outcome(ok, !y.m.empty() && (y.exotic || x.frozen_end))) {
    x.m += y.m;
    if (!y.m.empty()) x.exotic = true;
  }
}

void op_reserve_commit(Buf& x, Reader& r) {
  size_t want = std::min(r.size(), kMaxBytes - x.m.size());
  int n_vec = 1 + r.byte() % 2;
  evbuffer_iovec v[2];
  int got = evbuffer_reserve_space(x.b, static_cast<ev_ssize_t>(want), v, n_vec);
  if (!outcome(got >= 1, x.frozen_end)) return;
  CHECK(got <= n_vec);
  size_t total = 0;
  for (int i = 0; i < got; ++i) total += v[i].iov_len;
  CHECK(total >= want && total > 0);
  uint8_t how = r.byte();
  if (how % 4 == 0) {  // an invalid commit first: too long, or moved
    evbuffer_iovec bad[2] = {v[0], v[1]};
    int i = got - 1;
    if (how & 4) {
      bad[i].iov_len += 1;
    } else {
      bad[i].iov_base = static_cast<char*>(bad[i].iov_base) + 1;
      if (bad[i].iov_len == 0) bad[i].iov_len = 1;
    }
    CHECK(evbuffer_commit_space(x.b, bad, got) == -1);
    verify(x);
  }
  if (how & 8) {  // nothing: no extents, or zero-length ones
    if (how & 16) {
      CHECK(evbuffer_commit_space(x.b, v, 0) == 0);
    } else {
      for (int i = 0; i < got; ++i) v[i].iov_len = 0;
      CHECK(evbuffer_commit_space(x.b, v, got) == 0);
    }
    return;
  }
  size_t commit = std::min(total, r.size() + (how & 32 ? want : 0));
  commit = std::min(commit, kMaxBytes - x.m.size());
  std::string s = r.bytes(commit);
  size_t left = commit;
  int used = 0;
  for (int i = 0; i < got; ++i) {
    size_t k = std::min(left, v[i].iov_len);
    std::memcpy(v[i].iov_base, s.data() + (commit - left), k);
    v[i].iov_len = k;
    left -= k;
    if (k > 0) used = i + 1;
  }
  // Trailing unused extents may be passed (zero length) or left out.
  int n_commit = how & 64 ? got : used;
  CHECK(evbuffer_commit_space(x.b, v, n_commit) == 0);
  x.m += s;
}

void op_printf(Buf& x, Reader& r) {
  std::string s = r.bytes(r.byte());
  for (char& c : s)
    if (c == '\0' || c == '%') c = '.';
  int width = r.byte() % 40;
  int v = static_cast<int>(r.size()) - 1000;
  char expect[512];
  auto u = static_cast<unsigned>(v);
  int n = std::snprintf(expect, sizeof expect, "%s|%*d|%x", s.c_str(), width, v, u);
  if (x.m.size() + static_cast<size_t>(n) > kMaxBytes) return;
  int got = evbuffer_add_printf(x.b, "%s|%*d|%x", s.c_str(), width, v, u);
  if (outcome(got >= 0, x.frozen_end)) {
    CHECK(got == n);
    x.m.append(expect, static_cast<size_t>(n));
  }
}

void op_iovec(Buf& x, Reader& r) {
  int n = r.byte() % 4;
  std::string parts[3];
  evbuffer_iovec v[3];
  size_t total = 0;
  for (int i = 0; i < n; ++i) {
    parts[i] = r.bytes(std::min(r.size(), kMaxBytes / 4));
    v[i].iov_base = parts[i].data();
    v[i].iov_len = parts[i].size();
    total += parts[i].size();
  }
  if (x.m.size() + total > kMaxBytes) return;
  size_t got = evbuffer_add_iovec(x.b, v, n);
  if (got == total) {
    for (int i = 0; i < n; ++i) x.m += parts[i];
  } else {
    CHECK(got == 0 && x.frozen_end);
  }
}

void op_search(Buf& x, Reader& r) {
  const std::string& m = x.m;
  std::string needle;
  if (!m.empty() && r.coin()) {
    size_t at = r.size() % m.size();
    needle = m.substr(at, 1 + r.byte() % std::min<size_t>(12, m.size() - at));
  } else {
    needle = r.bytes(1 + r.byte() % 6);
  }
  size_t from = r.size() % (m.size() + 1);
  evbuffer_ptr ps, pe;
  CHECK(evbuffer_ptr_set(x.b, &ps, from, EVBUFFER_PTR_SET) == 0);
  if (r.coin()) {
    size_t end = from + r.size() % (m.size() - from + 1);
    CHECK(evbuffer_ptr_set(x.b, &pe, end, EVBUFFER_PTR_SET) == 0);
    evbuffer_ptr got = evbuffer_search_range(x.b, needle.data(), needle.size(), &ps, &pe);
    size_t f = model_find(m, needle, from);
    ev_ssize_t want = (f == std::string::npos || f + needle.size() > end) ? -1 : ev_ssize_t(f);
    CHECK(got.pos == want);
  } else {
    bool use_start = r.coin();
    evbuffer_ptr got =
        evbuffer_search(x.b, needle.data(), needle.size(), use_start ? &ps : nullptr);
    size_t f = model_find(m, needle, use_start ? from : 0);
    CHECK(got.pos == (f == std::string::npos ? -1 : static_cast<ev_ssize_t>(f)));
  }
}

void op_eol(Buf& x, Reader& r) {
  int style = r.byte() % 6;  // 5 is not a style: no line
  if (r.coin()) {
    size_t from = r.size() % (x.m.size() + 1);
    evbuffer_ptr ps;
    CHECK(evbuffer_ptr_set(x.b, &ps, from, EVBUFFER_PTR_SET) == 0);
    size_t got_len = 99, want_len;
    evbuffer_ptr got =
        evbuffer_search_eol(x.b, &ps, &got_len, static_cast<evbuffer_eol_style>(style));
    ev_ssize_t want = model_eol(x.m, from, style, &want_len);
    CHECK(got.pos == want);
    if (want >= 0) CHECK(got_len == want_len);
    return;
  }
  size_t n = 0, eol;
  bool counted = r.coin();  // evbuffer_readln, else the compat evbuffer_readline
  if (!counted) style = EVBUFFER_EOL_ANY;
  char* line = counted ? evbuffer_readln(x.b, &n, static_cast<evbuffer_eol_style>(style))
                       : evbuffer_readline(x.b);
  ev_ssize_t at = model_eol(x.m, 0, style, &eol);
  if (at < 0 || x.frozen_start) {
    CHECK(line == nullptr);
    return;
  }
  CHECK(line != nullptr);
  size_t len = static_cast<size_t>(at);
  if (counted) CHECK(n == len);
  CHECK(std::memcmp(line, x.m.data(), len) == 0 && line[len] == '\0');
  std::free(line);
  x.m.erase(0, len + eol);
  if (x.m.empty()) x.exotic = false;
}

void op_peek(Buf& x, Reader& r) {
  ev_ssize_t len = r.coin() ? -1 : static_cast<ev_ssize_t>(r.size());
  evbuffer_ptr p;
  evbuffer_ptr* start = nullptr;
  size_t from = 0;
  if (r.coin() && !x.m.empty()) {
    from = r.size() % x.m.size();
    CHECK(evbuffer_ptr_set(x.b, &p, from, EVBUFFER_PTR_SET) == 0);
    start = &p;
  }
  int n_vec = r.byte() % 5;
  evbuffer_iovec v[4];
  int need = evbuffer_peek(x.b, len, start, nullptr, 0);
  int got = evbuffer_peek(x.b, len, start, v, n_vec);
  CHECK(need >= 0 && got >= 0);
  if (x.m.empty()) {
    CHECK(got == 0);
    return;
  }
  size_t at = from;
  for (int i = 0; i < std::min(got, n_vec); ++i) {
    CHECK(v[i].iov_len > 0 && at + v[i].iov_len <= x.m.size());
    CHECK(std::memcmp(v[i].iov_base, x.m.data() + at, v[i].iov_len) == 0);
    at += v[i].iov_len;
  }
  // With len < 0 a full vector (got == n_vec) may hide further extents.
  if (len < 0 ? got < n_vec : got <= n_vec && static_cast<size_t>(len) > x.m.size() - from)
    CHECK(at == x.m.size());
  if (len < 0 && n_vec > 0) CHECK(got <= n_vec);
  if (len < 0 && got < n_vec) CHECK(got == need);
  if (got <= n_vec && len >= 0 && static_cast<size_t>(len) <= x.m.size() - from)
    CHECK(at - from >= static_cast<size_t>(len));
}

void op_freeze(Buf& x, Reader& r) {
  bool at_front = r.coin();
  bool& frozen = at_front ? x.frozen_start : x.frozen_end;
  if (frozen) {
    CHECK(evbuffer_unfreeze(x.b, at_front) == 0);
  } else {
    CHECK(evbuffer_freeze(x.b, at_front) == 0);
  }
  frozen = !frozen;
}

void op_file(Buf& x, Reader& r) {
  size_t off = r.size() % (kFileBytes + 1);
  size_t len = std::min({r.size(), kFileBytes - off, kMaxBytes - x.m.size()});
  int fd = dup(g_file_fd);
  CHECK(fd >= 0);
  uint8_t how = r.byte();
  bool ok;
  if (how % 3 == 0) {
    ok = evbuffer_add_file(x.b, fd, static_cast<ev_off_t>(off), static_cast<ev_off_t>(len)) == 0;
    // On failure the fd is closed for us.
  } else {
    static const unsigned kFlags[] = {0, EVBUF_FS_DISABLE_MMAP, EVBUF_FS_DISABLE_SENDFILE,
                                      EVBUF_FS_DISABLE_MMAP | EVBUF_FS_DISABLE_LOCKING};
    evbuffer_file_segment* seg =
        evbuffer_file_segment_new(fd, static_cast<ev_off_t>(off), static_cast<ev_off_t>(len),
                                  kFlags[(how >> 2) % 4] | EVBUF_FS_CLOSE_ON_FREE);
    CHECK(seg != nullptr);
    ++g_segs_live;
    evbuffer_file_segment_add_cleanup_cb(seg, seg_cleanup, nullptr);
    size_t from = r.size() % (len + 1);
    ev_off_t n = r.coin() ? -1 : static_cast<ev_off_t>(r.size() % (len - from + 1));
    ok = evbuffer_add_file_segment(x.b, seg, static_cast<ev_off_t>(from), n) == 0;
    // A second, out-of-range, slice is refused.
    CHECK(evbuffer_add_file_segment(x.b, seg, static_cast<ev_off_t>(len + 1), 0) == -1);
    evbuffer_file_segment_free(seg);
    off += from;
    len = n < 0 ? len - from : static_cast<size_t>(n);
  }
  if (outcome(ok, x.frozen_end)) {
    x.m.append(g_file, off, len);
    if (len > 0) x.exotic = true;
  }
}

void op_ptr(Buf& x, Reader& r) {
  evbuffer_ptr p;
  size_t size = x.m.size();
  CHECK(evbuffer_ptr_set(x.b, &p, size + 1 + r.byte(), EVBUFFER_PTR_SET) == -1);
  size_t a = r.size() % (size + 1);
  CHECK(evbuffer_ptr_set(x.b, &p, a, EVBUFFER_PTR_SET) == 0);
  size_t b = r.size();
  int rc = evbuffer_ptr_set(x.b, &p, b, EVBUFFER_PTR_ADD);
  if (a + b <= size) {
    CHECK(rc == 0 && static_cast<size_t>(p.pos) == a + b);
    char c;
    if (a + b < size && !x.frozen_start) {
      CHECK(evbuffer_copyout_from(x.b, &p, &c, 1) == 1 && c == x.m[a + b]);
    }
  } else {
    CHECK(rc == -1);
  }
}

void op_find(Buf& x, Reader& r) {
  if (x.m.size() < 2) return;
  size_t at = r.size() % (x.m.size() - 1);
  std::string needle = x.m.substr(at, 2);
  unsigned char* p =
      evbuffer_find(x.b, reinterpret_cast<const unsigned char*>(needle.data()), needle.size());
  size_t f = model_find(x.m, needle, 0);
  if (p == nullptr) {
    CHECK(x.frozen_start);
    return;
  }
  CHECK(std::memcmp(p, needle.data(), 2) == 0);
  unsigned char* whole = evbuffer_pullup(x.b, static_cast<ev_ssize_t>(f + 2));
  CHECK(whole != nullptr && p == whole + f);
}

void drain_socket(int fd) {
  char sink[4096];
  while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
}

void op_socket(Buf& x, Reader& r) {
  g_sock_used = true;
  if (r.coin()) {  // write to the socket, read back what went
    ev_ssize_t n = r.coin() ? -1 : static_cast<ev_ssize_t>(r.size());
    int w = n < 0 && r.coin() ? evbuffer_write(x.b, g_sock[0])
                              : evbuffer_write_atmost(x.b, g_sock[0], n);
    // Nothing to write (an empty buffer, or at most 0 bytes) is -1, as in
    // libevent.
    if (!outcome(w >= 0, x.frozen_start || x.m.empty() || n == 0)) return;
    size_t want = n < 0 ? x.m.size() : std::min<size_t>(n, x.m.size());
    CHECK(static_cast<size_t>(w) <= want);
    std::string got(static_cast<size_t>(w), '\0');
    size_t at = 0;
    while (at < got.size()) {
      ssize_t k = recv(g_sock[1], got.data() + at, got.size() - at, MSG_DONTWAIT);
      CHECK(k > 0);
      at += static_cast<size_t>(k);
    }
    CHECK(x.m.compare(0, got.size(), got) == 0);
    x.m.erase(0, got.size());
    if (x.m.empty()) x.exotic = false;
  } else {  // bytes arrive on the socket, read into the buffer
    size_t k = std::min(r.size(), kMaxBytes - x.m.size());
    std::string s = r.bytes(k);
    if (k > 0) CHECK(send(g_sock[1], s.data(), k, MSG_DONTWAIT) == static_cast<ssize_t>(k));
    int howmuch = static_cast<int>(r.size()) - 8;  // negative: the default amount
    int got = evbuffer_read(x.b, g_sock[0], howmuch);
    if (outcome(got >= 0, x.frozen_end || k == 0)) {
      CHECK(static_cast<size_t>(got) <= k);
      x.m.append(s, 0, static_cast<size_t>(got));
    }
    drain_socket(g_sock[0]);
  }
}

void op_flags_and_callbacks(Buf& x, Reader& r) {
  switch (r.byte() % 5) {
    case 3:  // disable or enable the callback
      if (x.cb == nullptr) break;
      if (x.cb_enabled) {
        CHECK(evbuffer_cb_clear_flags(x.b, x.cb, EVBUFFER_CB_ENABLED) == 0);
      } else {
        // Pending deferred runs skip it; then it starts from here.
        if (x.deferred) event_base_loop(g_base, EVLOOP_NONBLOCK);
        CHECK(evbuffer_cb_set_flags(x.b, x.cb, EVBUFFER_CB_ENABLED) == 0);
        x.trace.last = x.m.size();
      }
      x.cb_enabled = !x.cb_enabled;
      break;
    case 4:  // an operation under the buffer's own (recursive) lock
      evbuffer_lock(x.b);
      op_add(x, r);
      evbuffer_unlock(x.b);
      break;
    case 0:
      if (x.cb != nullptr) {
        x.unwatch();
      } else {
        x.watch();
      }
      break;
    case 1:
      CHECK(evbuffer_set_flags(x.b, EVBUFFER_FLAG_DRAINS_TO_FD) == 0);
      break;
    default:
      CHECK(evbuffer_clear_flags(x.b, EVBUFFER_FLAG_DRAINS_TO_FD) == 0);
      break;
  }
}

void op_misc(Buf& x, Reader& r) {
  switch (r.byte() % 4) {
    case 0: {  // expand leaves free space behind the data
      size_t n = r.size();
      CHECK(evbuffer_expand(x.b, n) == 0 || x.frozen_end);
      break;
    }
    case 1: {  // zero-length forms
      static const char kNothing[1] = {'!'};
      bool ok = evbuffer_add(x.b, r.coin() ? kNothing : nullptr, 0) == 0;
      CHECK(ok || x.frozen_end);
      CHECK(evbuffer_drain(x.b, 0) == 0 || x.frozen_start);
      CHECK(evbuffer_add_reference(x.b, kNothing, 0, nullptr, nullptr) == 0 || x.frozen_end);
      break;
    }
    case 2: {  // contiguous space is within the buffer
      size_t c = evbuffer_get_contiguous_space(x.b);
      CHECK(c <= x.m.size() && (x.m.empty() || c > 0));
      break;
    }
    default: {  // ptr arithmetic
      op_ptr(x, r);
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  evthread_use_pthreads();
  g_trace = std::getenv("EVBUFFER_FUZZ_TRACE") != nullptr;
  g_base = event_base_new();
  if (g_base == nullptr) abort();
  g_file.resize(kFileBytes);
  const char kAlpha[] = "abc\r\n\0xyz";
  for (size_t i = 0; i < kFileBytes; ++i) g_file[i] = kAlpha[(i * 7 + i / 13) % 9];
  g_file_fd = memfd_create("evbuffer-fuzz", 0);
  if (g_file_fd < 0 || write(g_file_fd, g_file.data(), kFileBytes) != ssize_t(kFileBytes)) abort();
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, g_sock) != 0) abort();
  int big = 1 << 20;
  setsockopt(g_sock[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(g_sock[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(g_sock[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(g_sock[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  for (int fd : g_sock) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  uint8_t opts = r.byte();
  Buf bufs[3];
  for (int i = 0; i < 3; ++i) {
    bufs[i].b = evbuffer_new();
    CHECK(bufs[i].b != nullptr);
    if (opts & (1u << i)) bufs[i].watch();
    if (opts & (8u << i)) CHECK(evbuffer_enable_locking(bufs[i].b, nullptr) == 0);
    if (i < 2 && (opts & (64u << i))) {
      CHECK(evbuffer_defer_callbacks(bufs[i].b, g_base) == 0);
      bufs[i].deferred = true;
    }
  }
  for (int step = 0; step < kMaxSteps && !r.done(); ++step) {
    uint8_t op = r.byte();
    uint8_t which = r.byte();
    Buf& x = bufs[which % 3];
    Buf& y = bufs[(which % 3 + 1 + (which >> 2) % 2) % 3];
    if (g_trace)
      std::fprintf(stderr, "step %d: op %d on %d (%zu bytes%s%s) and %d (%zu bytes)\n", step,
                   op % 24, which % 3, x.m.size(), x.frozen_start ? ", frozen start" : "",
                   x.frozen_end ? ", frozen end" : "", static_cast<int>(&y - bufs), y.m.size());
    switch (op % 24) {
      case 0:
      case 1:
        op_add(x, r);
        break;
      case 2:
        op_prepend(x, r);
        break;
      case 3:
        op_drain_or_remove(x, r);
        break;
      case 4:
        op_copyout(x, r);
        break;
      case 5:
        op_pullup(x, r);
        break;
      case 6:
      case 7:
        op_move(x, y, r);
        break;
      case 8:
        op_reference(x, r);
        break;
      case 9:
        op_buffer_reference(x, y);
        break;
      case 10:
      case 11:
        op_reserve_commit(x, r);
        break;
      case 12:
        op_printf(x, r);
        break;
      case 13:
        op_iovec(x, r);
        break;
      case 14:
        op_search(x, r);
        break;
      case 15:
      case 16:
        op_eol(x, r);
        break;
      case 17:
        op_peek(x, r);
        break;
      case 18:
        op_freeze(x, r);
        break;
      case 19:
        op_file(x, r);
        break;
      case 20:
        op_find(x, r);
        break;
      case 21:
        op_socket(x, r);
        break;
      case 22:
        op_flags_and_callbacks(x, r);
        break;
      default:
        op_misc(x, r);
        break;
    }
    // Every byte of what the step touched; the shape of the others, and
    // every byte of all three every 16 steps and at the end (an operation
    // that corrupts an untouched buffer is still found, a few steps later).
    bool touches_y = op % 24 == 6 || op % 24 == 7 || op % 24 == 9;
    bool all = step % 16 == 15;
    for (Buf& b : bufs) {
      if (&b == &x || (touches_y && &b == &y) || all) {
        verify(b);
      } else {
        verify_shape(b);
      }
    }
  }
  for (Buf& b : bufs) verify(b);
  for (Buf& b : bufs) evbuffer_free(b.b);
  event_base_loop(g_base, EVLOOP_NONBLOCK);  // deferred runs of freed buffers
  CHECK(g_refs_live == 0);
  CHECK(g_segs_live == 0);
  if (g_sock_used) {
    drain_socket(g_sock[0]);
    drain_socket(g_sock[1]);
    g_sock_used = false;
  }
  return 0;
}
