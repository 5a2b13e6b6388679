// Randomised model test: long random sequences of evbuffer operations are
// applied both to evbuffers and to plain byte strings, and after every step
// the two must agree (contents, length, search results, callback counts),
// and the chain list must satisfy its invariants.
//
// The generator deliberately reaches the odd states: buffers with and
// without callbacks (a plain buffer takes the inline fast paths), zero
// lengths for every operation, expands and reservations that leave empty
// blocks behind, empty commits, references, views, file segments, and
// every move between buffers.
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "evbuffer/buffer.hpp"

namespace {

// What a buffer's callback has seen so far.
struct CbTrace {
  size_t last_size = 0;  // length after the last reported change
  size_t added = 0;
  size_t deleted = 0;
  bool consistent = true;
};

void trace_cb(evbuffer* buf, const evbuffer_cb_info* info, void* arg) {
  auto* t = static_cast<CbTrace*>(arg);
  if (info->orig_size != t->last_size) t->consistent = false;
  if (info->orig_size + info->n_added - info->n_deleted != evbuffer_get_length(buf))
    t->consistent = false;
  t->last_size = evbuffer_get_length(buf);
  t->added += info->n_added;
  t->deleted += info->n_deleted;
}

int g_refs_live = 0;
void ref_cleanup(const void* data, size_t, void*) {
  --g_refs_live;
  std::free(const_cast<void*>(data));
}

// A file of random bytes that file-segment operations take slices of.
struct SegmentFile {
  int fd = -1;
  std::string bytes;
  explicit SegmentFile(const std::string& content) : bytes(content) {
    fd = memfd_create("evbuffer-model", 0);
    if (fd >= 0 && write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      close(fd);
      fd = -1;
    }
  }
  ~SegmentFile() {
    if (fd >= 0) close(fd);
  }
};

// One evbuffer and the byte string it must equal.  A watched side has a
// callback (the general paths); an unwatched one takes the fast paths.
struct Side {
  evbuffer* buf = evbuffer_new();
  std::string model;
  CbTrace trace;
  size_t expect_added = 0;
  size_t expect_deleted = 0;
  bool watched;

  explicit Side(bool watch) : watched(watch) {
    if (watched) evbuffer_add_cb(buf, trace_cb, &trace);
  }
  ~Side() { evbuffer_free(buf); }

  std::string contents() const {
    std::string out;
    int n = evbuffer_peek(buf, -1, nullptr, nullptr, 0);
    std::vector<evbuffer_iovec> v(static_cast<size_t>(n));
    evbuffer_peek(buf, -1, nullptr, v.data(), n);
    for (auto& e : v) out.append(static_cast<char*>(e.iov_base), e.iov_len);
    return out;
  }
  void added(size_t n) { expect_added += n; }
  void deleted(size_t n) { expect_deleted += n; }
};

class Model {
 public:
  explicit Model(unsigned seed) : rng_(seed), file_(some_bytes_static(65536)) {}

  size_t pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }

  // Sizes skewed towards small, with occasional big ones.
  size_t some_size() {
    switch (pick(0, 9)) {
      case 0:
        return 0;
      case 1:
      case 2:
      case 3:
      case 4:
        return pick(1, 16);
      case 5:
      case 6:
        return pick(17, 300);
      case 7:
      case 8:
        return pick(301, 3000);
      default:
        return pick(3001, 12000);
    }
  }

  // Slices of a random pool over a small alphabet (with CR, LF and NUL),
  // so that searches and line endings hit; far cheaper than per-byte rng.
  static const std::string& pool() {
    static const std::string p = [] {
      static const char kAlpha[] = "ab\r\n\0xyz";
      std::mt19937 g(12345);
      std::string q(1 << 16, 'a');
      for (auto& c : q) c = kAlpha[g() % 8];
      return q;
    }();
    return p;
  }
  static std::string some_bytes_static(size_t n) { return pool().substr(1000, n); }

  std::string some_bytes(size_t n) {
    const std::string& pool = Model::pool();
    std::string s;
    while (s.size() < n) {
      size_t k = std::min(n - s.size(), pick(1, 4096));
      s.append(pool, pick(0, pool.size() - k), k);
    }
    return s;
  }

  void step(Side& a, Side& b);
  // The operations that leave odd chain states behind (zero lengths, empty
  // blocks, file segments, every move): ops 25 and up.
  void odd_step(int op, Side& a, Side& b);
  bool check(Side& s, std::string* why, bool full);

 private:
  std::mt19937 rng_;
  SegmentFile file_;
};

ev_ssize_t model_eol(const std::string& m, size_t from, evbuffer_eol_style style, size_t* len) {
  *len = 0;
  for (size_t i = from; i < m.size(); ++i) {
    char c = m[i];
    switch (style) {
      case EVBUFFER_EOL_ANY:
        if (c == '\r' || c == '\n') {
          size_t j = i;
          while (j < m.size() && (m[j] == '\r' || m[j] == '\n')) ++j;
          *len = j - i;
          return static_cast<ev_ssize_t>(i);
        }
        break;
      case EVBUFFER_EOL_CRLF:
        if (c == '\n') {
          *len = 1;
          return static_cast<ev_ssize_t>(i);
        }
        if (c == '\r' && i + 1 < m.size() && m[i + 1] == '\n') {
          *len = 2;
          return static_cast<ev_ssize_t>(i);
        }
        break;
      case EVBUFFER_EOL_CRLF_STRICT:
        if (c == '\r' && i + 1 < m.size() && m[i + 1] == '\n') {
          *len = 2;
          return static_cast<ev_ssize_t>(i);
        }
        break;
      case EVBUFFER_EOL_LF:
      case EVBUFFER_EOL_NUL:
        if (c == (style == EVBUFFER_EOL_LF ? '\n' : '\0')) {
          *len = 1;
          return static_cast<ev_ssize_t>(i);
        }
        break;
    }
  }
  return -1;
}

#define MODEL_EXPECT(cond)                        \
  do {                                            \
    if (!(cond)) {                                \
      ADD_FAILURE() << "op " << op << ": " #cond; \
      return;                                     \
    }                                             \
  } while (0)

void Model::step(Side& a, Side& b) {
  const int op = static_cast<int>(pick(0, 40));
  if (op >= 25) return odd_step(op, a, b);
  std::string& m = a.model;
  switch (op) {
    case 0:
    case 1: {  // add
      std::string s = some_bytes(some_size());
      MODEL_EXPECT(evbuffer_add(a.buf, s.data(), s.size()) == 0);
      m += s;
      a.added(s.size());
      break;
    }
    case 2: {  // prepend
      std::string s = some_bytes(pick(0, 1) ? pick(0, 20) : some_size());
      MODEL_EXPECT(evbuffer_prepend(a.buf, s.data(), s.size()) == 0);
      m.insert(0, s);
      a.added(s.size());
      break;
    }
    case 3: {  // drain
      size_t n = pick(0, m.size() + 10);
      MODEL_EXPECT(evbuffer_drain(a.buf, n) == 0);
      n = std::min(n, m.size());
      m.erase(0, n);
      a.deleted(n);
      break;
    }
    case 4: {  // remove
      size_t n = pick(0, m.size() + 10);
      std::string out(n, '?');
      int r = evbuffer_remove(a.buf, out.data(), n);
      n = std::min(n, m.size());
      MODEL_EXPECT(r == static_cast<int>(n));
      MODEL_EXPECT(out.compare(0, n, m, 0, n) == 0);
      m.erase(0, n);
      a.deleted(n);
      break;
    }
    case 5: {  // copyout_from
      size_t pos = pick(0, m.size());
      evbuffer_ptr p;
      MODEL_EXPECT(evbuffer_ptr_set(a.buf, &p, pos, EVBUFFER_PTR_SET) == 0);
      size_t n = pick(0, m.size() + 5);
      std::string out(n, '?');
      ev_ssize_t r = evbuffer_copyout_from(a.buf, &p, out.data(), n);
      size_t want = std::min(n, m.size() - pos);
      MODEL_EXPECT(r == static_cast<ev_ssize_t>(want));
      MODEL_EXPECT(out.compare(0, want, m, pos, want) == 0);
      break;
    }
    case 6: {  // pullup
      ev_ssize_t n = pick(0, 5) == 0 ? -1 : static_cast<ev_ssize_t>(pick(0, m.size() + 3));
      unsigned char* p = evbuffer_pullup(a.buf, n);
      size_t want = n < 0 ? m.size() : static_cast<size_t>(n);
      if (want == 0 || want > m.size()) {
        MODEL_EXPECT(p == nullptr);
      } else {
        MODEL_EXPECT(p != nullptr && std::memcmp(p, m.data(), want) == 0);
        MODEL_EXPECT(evbuffer_get_contiguous_space(a.buf) >= want);
      }
      break;
    }
    case 7: {  // add_buffer b -> a
      MODEL_EXPECT(evbuffer_add_buffer(a.buf, b.buf) == 0);
      a.added(b.model.size());
      b.deleted(b.model.size());
      m += b.model;
      b.model.clear();
      break;
    }
    case 8: {  // remove_buffer a -> b
      size_t n = pick(0, m.size() + 10);
      int r = evbuffer_remove_buffer(a.buf, b.buf, n);
      n = std::min(n, m.size());
      MODEL_EXPECT(r == static_cast<int>(n));
      b.model += m.substr(0, n);
      m.erase(0, n);
      if (n > 0) {
        a.deleted(n);
        b.added(n);
      }
      break;
    }
    case 9: {  // prepend_buffer b -> a
      MODEL_EXPECT(evbuffer_prepend_buffer(a.buf, b.buf) == 0);
      a.added(b.model.size());
      b.deleted(b.model.size());
      m.insert(0, b.model);
      b.model.clear();
      break;
    }
    case 10: {  // add_reference
      size_t n = some_size();
      std::string s = some_bytes(n);
      void* mem = std::malloc(n + 1);
      std::memcpy(mem, s.data(), n);
      ++g_refs_live;
      MODEL_EXPECT(evbuffer_add_reference(a.buf, mem, n, ref_cleanup, nullptr) == 0);
      m += s;
      a.added(n);
      break;
    }
    case 11: {  // add_buffer_reference b -> a (b unchanged)
      int r = evbuffer_add_buffer_reference(a.buf, b.buf);
      if (r == 0) {
        m += b.model;
        a.added(b.model.size());
      }
      break;
    }
    case 12: {  // reserve + partial commit
      size_t want = some_size();
      evbuffer_iovec v[2];
      int nv = pick(0, 1) ? 1 : 2;
      int got = evbuffer_reserve_space(a.buf, static_cast<ev_ssize_t>(want), v, nv);
      MODEL_EXPECT(got >= 1 && got <= nv);
      size_t total = 0;
      for (int i = 0; i < got; ++i) total += v[i].iov_len;
      MODEL_EXPECT(total >= want);
      size_t commit = pick(0, total);
      std::string s = some_bytes(commit);
      size_t left = commit;
      for (int i = 0; i < got; ++i) {
        size_t k = std::min(left, v[i].iov_len);
        std::memcpy(v[i].iov_base, s.data() + (commit - left), k);
        v[i].iov_len = k;
        left -= k;
      }
      MODEL_EXPECT(evbuffer_commit_space(a.buf, v, got) == 0);
      m += s;
      a.added(commit);
      break;
    }
    case 13: {  // expand, then add exactly that much
      size_t n = some_size();
      MODEL_EXPECT(evbuffer_expand(a.buf, n) == 0);
      std::string s = some_bytes(n);
      MODEL_EXPECT(evbuffer_add(a.buf, s.data(), n) == 0);
      m += s;
      a.added(n);
      break;
    }
    case 14: {  // printf
      unsigned v = static_cast<unsigned>(pick(0, 1000000));
      int width = static_cast<int>(pick(0, 1) ? pick(0, 10) : pick(0, 3000));
      char expect[4096];
      int n = std::snprintf(expect, sizeof expect, "<%*u>", width, v);
      MODEL_EXPECT(evbuffer_add_printf(a.buf, "<%*u>", width, v) == n);
      m.append(expect, static_cast<size_t>(n));
      a.added(static_cast<size_t>(n));
      break;
    }
    case 15: {  // add_iovec
      std::string s1 = some_bytes(pick(0, 100)), s2 = some_bytes(some_size());
      evbuffer_iovec v[2] = {{s1.data(), s1.size()}, {s2.data(), s2.size()}};
      MODEL_EXPECT(evbuffer_add_iovec(a.buf, v, 2) == s1.size() + s2.size());
      m += s1 + s2;
      a.added(s1.size() + s2.size());
      break;
    }
    case 16:
    case 17: {  // search (range)
      if (m.empty()) break;
      size_t at = pick(0, m.size() - 1);
      size_t len = pick(1, std::min<size_t>(6, m.size() - at));
      std::string needle = pick(0, 3) ? m.substr(at, len) : some_bytes(len);
      size_t from = pick(0, m.size());
      size_t end = pick(0, 1) ? m.size() : pick(from, m.size());
      evbuffer_ptr ps, pe;
      evbuffer_ptr_set(a.buf, &ps, from, EVBUFFER_PTR_SET);
      evbuffer_ptr_set(a.buf, &pe, end, EVBUFFER_PTR_SET);
      evbuffer_ptr r = evbuffer_search_range(a.buf, needle.data(), len, &ps, &pe);
      size_t f = m.find(needle, from);
      ev_ssize_t want = (f == std::string::npos || f + len > end) ? -1 : static_cast<ev_ssize_t>(f);
      MODEL_EXPECT(r.pos == want);
      if (r.pos >= 0) {
        // The result is a usable position: step over it and continue.
        MODEL_EXPECT(evbuffer_ptr_set(a.buf, &r, 1, EVBUFFER_PTR_ADD) == 0);
        evbuffer_ptr r2 = evbuffer_search(a.buf, needle.data(), len, &r);
        size_t f2 = m.find(needle, f + 1);
        MODEL_EXPECT(r2.pos == (f2 == std::string::npos ? -1 : static_cast<ev_ssize_t>(f2)));
      }
      break;
    }
    case 18: {  // search_eol
      auto style = static_cast<evbuffer_eol_style>(pick(0, 4));
      size_t from = pick(0, m.size());
      evbuffer_ptr ps;
      evbuffer_ptr_set(a.buf, &ps, from, EVBUFFER_PTR_SET);
      size_t got_len = 99, want_len;
      evbuffer_ptr r = evbuffer_search_eol(a.buf, &ps, &got_len, style);
      ev_ssize_t want = model_eol(m, from, style, &want_len);
      MODEL_EXPECT(r.pos == want && got_len == want_len);
      break;
    }
    case 19: {  // readln
      auto style = static_cast<evbuffer_eol_style>(pick(0, 4));
      size_t n = 99, eol;
      char* line = evbuffer_readln(a.buf, &n, style);
      ev_ssize_t at = model_eol(m, 0, style, &eol);
      if (at < 0) {
        MODEL_EXPECT(line == nullptr);
      } else {
        MODEL_EXPECT(line != nullptr && n == static_cast<size_t>(at));
        MODEL_EXPECT(std::memcmp(line, m.data(), n) == 0 && line[n] == '\0');
        m.erase(0, n + eol);
        a.deleted(n + eol);
      }
      std::free(line);
      break;
    }
    case 20: {  // peek with a limit
      ev_ssize_t len = static_cast<ev_ssize_t>(pick(0, m.size()));
      int need = evbuffer_peek(a.buf, len, nullptr, nullptr, 0);
      std::vector<evbuffer_iovec> v(static_cast<size_t>(need) + 1);
      int got = evbuffer_peek(a.buf, len, nullptr, v.data(), need + 1);
      MODEL_EXPECT(got == need);
      std::string seen;
      for (int i = 0; i < got; ++i)
        seen.append(static_cast<char*>(v[static_cast<size_t>(i)].iov_base),
                    v[static_cast<size_t>(i)].iov_len);
      MODEL_EXPECT(seen.size() >= static_cast<size_t>(len) && m.compare(0, seen.size(), seen) == 0);
      break;
    }
    case 21: {  // fill b
      std::string s = some_bytes(some_size());
      MODEL_EXPECT(evbuffer_add(b.buf, s.data(), s.size()) == 0);
      b.model += s;
      b.added(s.size());
      break;
    }
    case 22: {  // drain b
      size_t n = pick(0, b.model.size());
      MODEL_EXPECT(evbuffer_drain(b.buf, n) == 0);
      b.model.erase(0, n);
      b.deleted(n);
      break;
    }
    case 23: {  // ptr arithmetic out of range
      evbuffer_ptr p;
      MODEL_EXPECT(evbuffer_ptr_set(a.buf, &p, m.size() + 1, EVBUFFER_PTR_SET) == -1 &&
                   p.pos == -1);
      MODEL_EXPECT(evbuffer_ptr_set(a.buf, &p, m.size(), EVBUFFER_PTR_SET) == 0);
      MODEL_EXPECT(evbuffer_ptr_set(a.buf, &p, 1, EVBUFFER_PTR_ADD) == -1);
      break;
    }
    default: {  // find (compat): pulls up to the match
      if (m.size() < 2) break;
      std::string needle = m.substr(pick(0, m.size() - 2), 2);
      unsigned char* p =
          evbuffer_find(a.buf, reinterpret_cast<const unsigned char*>(needle.data()), 2);
      size_t f = m.find(needle);
      MODEL_EXPECT(p != nullptr && std::memcmp(p, needle.data(), 2) == 0);
      MODEL_EXPECT(p == evbuffer_pullup(a.buf, static_cast<ev_ssize_t>(f + 2)) + f);
      break;
    }
  }
}

void Model::odd_step(int op, Side& a, Side& b) {
  std::string& m = a.model;
  switch (op) {
    case 25: {  // zero-byte add, with and without a data pointer
      static const char kNothing[1] = {'!'};
      MODEL_EXPECT(evbuffer_add(a.buf, pick(0, 1) ? kNothing : nullptr, 0) == 0);
      break;
    }
    case 26: {  // expand alone: leaves an empty block behind the data
      MODEL_EXPECT(evbuffer_expand(a.buf, some_size()) == 0);
      break;
    }
    case 27: {  // reserve, commit nothing (no extents or zero-length ones)
      evbuffer_iovec v[2];
      int nv = static_cast<int>(pick(1, 2));
      int got = evbuffer_reserve_space(a.buf, static_cast<ev_ssize_t>(some_size()), v, nv);
      MODEL_EXPECT(got >= 1 && got <= nv);
      if (pick(0, 1)) {
        MODEL_EXPECT(evbuffer_commit_space(a.buf, v, 0) == 0);
      } else {
        for (int i = 0; i < got; ++i) v[i].iov_len = 0;
        MODEL_EXPECT(evbuffer_commit_space(a.buf, v, got) == 0);
      }
      break;
    }
    case 28: {  // zero-length forms of the other operations
      switch (pick(0, 7)) {
        case 0:
          MODEL_EXPECT(evbuffer_prepend(a.buf, "", 0) == 0);
          break;
        case 1:
          MODEL_EXPECT(evbuffer_drain(a.buf, 0) == 0);
          break;
        case 2:
          MODEL_EXPECT(evbuffer_remove_buffer(a.buf, b.buf, 0) == 0);
          break;
        case 3: {
          evbuffer_iovec v{nullptr, 0};
          MODEL_EXPECT(evbuffer_add_iovec(a.buf, &v, 1) == 0);
          break;
        }
        case 4:
          MODEL_EXPECT(evbuffer_add_reference(a.buf, "", 0, nullptr, nullptr) == 0);
          break;
        case 5:
          MODEL_EXPECT(evbuffer_add_printf(a.buf, "%s", "") == 0);
          break;
        case 6:
          MODEL_EXPECT(evbuffer_expand(a.buf, 0) == 0);
          break;
        default: {
          char c;
          MODEL_EXPECT(evbuffer_remove(a.buf, &c, 0) == 0);
          break;
        }
      }
      break;
    }
    case 29:
    case 30: {  // a file segment (each way of creating one)
      if (file_.fd < 0) break;
      size_t off = pick(0, file_.bytes.size());
      size_t len = std::min(file_.bytes.size() - off, some_size());
      int fd = dup(file_.fd);
      MODEL_EXPECT(fd >= 0);
      if (pick(0, 2) == 0) {
        MODEL_EXPECT(evbuffer_add_file(a.buf, fd, static_cast<ev_off_t>(off),
                                       static_cast<ev_off_t>(len)) == 0);
      } else {
        static const unsigned kFlags[] = {0, EVBUF_FS_DISABLE_MMAP, EVBUF_FS_DISABLE_SENDFILE,
                                          EVBUF_FS_DISABLE_MMAP | EVBUF_FS_DISABLE_LOCKING};
        evbuffer_file_segment* seg =
            evbuffer_file_segment_new(fd, static_cast<ev_off_t>(off), static_cast<ev_off_t>(len),
                                      kFlags[pick(0, 3)] | EVBUF_FS_CLOSE_ON_FREE);
        MODEL_EXPECT(seg != nullptr);
        // A slice of the segment, or all of it (-1).
        size_t from = pick(0, len);
        ev_off_t n = pick(0, 1) ? -1 : static_cast<ev_off_t>(pick(0, len - from));
        MODEL_EXPECT(evbuffer_add_file_segment(a.buf, seg, static_cast<ev_off_t>(from), n) == 0);
        evbuffer_file_segment_free(seg);  // the buffer holds its own reference
        off += from;
        len = n < 0 ? len - from : static_cast<size_t>(n);
      }
      m.append(file_.bytes, off, len);
      a.added(len);
      break;
    }
    case 31: {  // remove_buffer of exactly everything, or all but a little
      size_t n = m.size() > 0 && pick(0, 1) ? m.size() - pick(1, std::min<size_t>(m.size(), 20))
                                            : m.size();
      MODEL_EXPECT(evbuffer_remove_buffer(a.buf, b.buf, n) == static_cast<int>(n));
      b.model += m.substr(0, n);
      m.erase(0, n);
      if (n > 0) {
        a.deleted(n);
        b.added(n);
      }
      break;
    }
    case 32: {  // prepend_buffer a -> b, add_buffer into an empty-block buffer
      if (pick(0, 1)) {
        MODEL_EXPECT(evbuffer_prepend_buffer(b.buf, a.buf) == 0);
        b.added(m.size());
        a.deleted(m.size());
        b.model.insert(0, m);
      } else {
        MODEL_EXPECT(evbuffer_add_buffer(b.buf, a.buf) == 0);
        b.added(m.size());
        a.deleted(m.size());
        b.model += m;
      }
      m.clear();
      break;
    }
    case 33: {  // drain everything (a plain buffer keeps a spare block)
      MODEL_EXPECT(evbuffer_drain(a.buf, m.size()) == 0);
      a.deleted(m.size());
      m.clear();
      break;
    }
    case 34: {  // a reference behind whatever the end holds, then a view of it
      size_t n = pick(1, 300);
      std::string s = some_bytes(n);
      void* mem = std::malloc(n);
      std::memcpy(mem, s.data(), n);
      ++g_refs_live;
      MODEL_EXPECT(evbuffer_add_reference(a.buf, mem, n, ref_cleanup, nullptr) == 0);
      m += s;
      a.added(n);
      int r = evbuffer_add_buffer_reference(b.buf, a.buf);
      if (r == 0) {
        b.model += m;
        b.added(m.size());
      }
      break;
    }
    case 35: {  // freeze an end, check it refuses, thaw
      bool at_front = pick(0, 1);
      MODEL_EXPECT(evbuffer_freeze(a.buf, at_front) == 0);
      if (at_front) {
        MODEL_EXPECT(m.empty() || evbuffer_drain(a.buf, 1) == -1);
        MODEL_EXPECT(evbuffer_prepend(a.buf, "x", 1) == -1);
      } else {
        MODEL_EXPECT(evbuffer_add(a.buf, "x", 1) == -1);
        evbuffer_iovec v;
        MODEL_EXPECT(evbuffer_reserve_space(a.buf, 1, &v, 1) == -1);
      }
      MODEL_EXPECT(evbuffer_unfreeze(a.buf, at_front) == 0);
      break;
    }
    case 36: {  // peek the whole buffer from a position
      if (m.empty()) break;
      size_t pos = pick(0, m.size() - 1);
      evbuffer_ptr p;
      MODEL_EXPECT(evbuffer_ptr_set(a.buf, &p, pos, EVBUFFER_PTR_SET) == 0);
      int need = evbuffer_peek(a.buf, -1, &p, nullptr, 0);
      std::vector<evbuffer_iovec> v(static_cast<size_t>(need));
      MODEL_EXPECT(evbuffer_peek(a.buf, -1, &p, v.data(), need) == need);
      std::string seen;
      for (auto& e : v) seen.append(static_cast<char*>(e.iov_base), e.iov_len);
      MODEL_EXPECT(seen == m.substr(pos));
      break;
    }
    case 37: {  // small add (the inline fast path), possibly into an empty block
      std::string s = some_bytes(pick(0, 40));
      MODEL_EXPECT(evbuffer_add(a.buf, s.data(), s.size()) == 0);
      m += s;
      a.added(s.size());
      break;
    }
    case 38: {  // remove_buffer b -> a (a small piece)
      size_t n = pick(0, std::min<size_t>(b.model.size(), 40));
      MODEL_EXPECT(evbuffer_remove_buffer(b.buf, a.buf, n) == static_cast<int>(n));
      m += b.model.substr(0, n);
      b.model.erase(0, n);
      if (n > 0) {
        b.deleted(n);
        a.added(n);
      }
      break;
    }
    case 39: {  // reserve with a partial commit of the last extent
      evbuffer_iovec v[2];
      int got = evbuffer_reserve_space(a.buf, static_cast<ev_ssize_t>(pick(1, 5000)), v, 2);
      MODEL_EXPECT(got >= 1);
      size_t n = pick(0, v[0].iov_len);
      std::string s = some_bytes(n);
      std::memcpy(v[0].iov_base, s.data(), n);
      v[0].iov_len = n;
      MODEL_EXPECT(evbuffer_commit_space(a.buf, v, 1) == 0);
      m += s;
      a.added(n);
      break;
    }
    case 40: {  // pullup across whatever the buffer holds
      if (m.empty()) break;
      size_t n = pick(1, m.size());
      unsigned char* p = evbuffer_pullup(a.buf, static_cast<ev_ssize_t>(n));
      MODEL_EXPECT(p != nullptr && std::memcmp(p, m.data(), n) == 0);
      break;
    }
    default:
      ADD_FAILURE() << "no operation " << op;
      break;
  }
}

bool Model::check(Side& s, std::string* why, bool full) {
  if (!s.buf->check_invariants()) return *why = "chain invariants", false;
  if (evbuffer_get_length(s.buf) != s.model.size()) return *why = "length", false;
  if (full && s.contents() != s.model) return *why = "contents", false;
  if (!s.watched) return true;
  if (!s.trace.consistent) return *why = "callback info inconsistent", false;
  if (s.trace.last_size != s.model.size()) return *why = "callback not run", false;
  if (s.trace.added != s.expect_added || s.trace.deleted != s.expect_deleted)
    return *why = "callback counts", false;
  return true;
}

void run_model(unsigned seed, int steps) {
  Model model(seed);
  {
    // Seeds alternate between both buffers watched, neither (every inline
    // fast path) and one of each.
    Side a(seed % 3 != 1), b(seed % 3 == 0);
    for (int i = 0; i < steps; ++i) {
      // Alternate roles so both buffers see every operation.
      bool flip = (i / 1000) % 2 == 1;
      Side& x = flip ? b : a;
      Side& y = flip ? a : b;
      model.step(x, y);
      std::string why;
      ASSERT_TRUE(model.check(x, &why, true)) << "seed " << seed << " step " << i << ": " << why;
      ASSERT_TRUE(model.check(y, &why, i % 8 == 0))
          << "seed " << seed << " step " << i << " (other): " << why;
      // Keep buffers small enough for whole-content checks every step.
      for (Side* s : {&x, &y}) {
        if (s->model.size() > 12000) {
          size_t n = s->model.size() - 2000;
          ASSERT_EQ(evbuffer_drain(s->buf, n), 0);
          s->model.erase(0, n);
          s->deleted(n);
        }
      }
    }
  }
  EXPECT_EQ(g_refs_live, 0) << "every reference cleaned up exactly once";
}

TEST(EvbufferModel, RandomSequencesMatchByteStringModel) {
  // 40 seeds x 25k steps = 1M operations; EVBUFFER_MODEL_SEEDS lowers the
  // seed count for slow runs (valgrind).
  unsigned seeds = 40;
  if (const char* env = std::getenv("EVBUFFER_MODEL_SEEDS"))
    seeds = static_cast<unsigned>(std::atoi(env));
  for (unsigned seed = 1; seed <= seeds; ++seed) {
    run_model(seed, 25000);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
