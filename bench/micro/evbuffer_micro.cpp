// evbuffer operations.  One iteration is one operation (named in brackets);
// the buffers stay small so that malloc never returns memory to the kernel
// in the loop (page faults would hide the library's own cost).
//
//   buf_add_drain_small  evbuffer_add of 16-64 bytes (seeded lengths) and a
//                        drain of the length added 32 iterations earlier:
//                        about 1.3 KiB stay buffered  [add + drain]
//   buf_add_drain_large  evbuffer_add of 64 KiB, drained again  [add + drain]
//   raw_memcpy_64k       the floor of the row above, without libevent: the
//                        64 KiB memcpy into one block  [copy]
//   buf_add_buffer       256 bytes added to A, evbuffer_add_buffer(B, A);
//                        B drained every 64 moves  [move]
//   buf_readln_<style>   a 13-line HTTP request header block added and read
//                        back line by line with evbuffer_readln, for each
//                        EOL style (any, crlf, crlf_strict, lf, nul)  [block]
//   buf_search           evbuffer_search of a 4-byte needle at the end of
//                        64 KiB of seeded letters in 4 KiB chains  [search]
//   buf_search_eol       evbuffer_search_eol (CRLF) over the header block
//                        of 13 chains of one line each  [search]
//   buf_pullup           four 4 KiB adds, evbuffer_pullup of 16 KiB, drain
//                        [pullup]
//   buf_reserve_commit   evbuffer_reserve_space of 4 KiB, 1000 bytes
//                        written and committed (as a socket read does),
//                        drained every 64 KiB  [reserve + commit]
//   buf_peek             evbuffer_peek of the first 16 KiB of a buffer of
//                        16 chains of 4 KiB  [peek]
//   buf_prepend          evbuffer_prepend of 32 bytes to a 4 KiB buffer and
//                        a drain of them  [prepend + drain]
//   buf_remove           evbuffer_add of 512 bytes, evbuffer_remove of them
//                        into a caller's array  [add + remove]
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "micro.hpp"

namespace {

constexpr size_t kSmallWindow = 32;
constexpr size_t kLargeSize = 64 * 1024;
constexpr size_t kMoveSize = 256;
constexpr size_t kPiece = 4096;
constexpr size_t kSearchSize = 64 * 1024;
constexpr size_t kReserveFill = 1000;

const char kHeaderLines[][80] = {
    "GET /catalog/items?id=1234&view=full HTTP/1.1",
    "Host: www.example.com",
    "User-Agent: bench/1.0 (X11; Linux x86_64)",
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.5",
    "Accept-Encoding: gzip, deflate",
    "Connection: keep-alive",
    "Cookie: session=0123456789abcdef0123456789abcdef; theme=dark",
    "Cache-Control: max-age=0",
    "If-None-Match: \"5f2b-4e8c1d\"",
    "Referer: http://www.example.com/catalog",
    "Upgrade-Insecure-Requests: 1",
    "",
};
constexpr size_t kLines = sizeof kHeaderLines / sizeof kHeaderLines[0];

struct Block {
  char bytes[1024];
  size_t length;
};

// The header block with every line ended by `eol` (its length given, so
// that "\0" works).
Block header_block(const char* eol, size_t eol_length) {
  Block block{};
  for (size_t i = 0; i < kLines; i++) {
    size_t n = strlen(kHeaderLines[i]);
    memcpy(block.bytes + block.length, kHeaderLines[i], n);
    memcpy(block.bytes + block.length + n, eol, eol_length);
    block.length += n + eol_length;
  }
  return block;
}

struct evbuffer* new_buffer() {
  struct evbuffer* buf = evbuffer_new();
  micro::check(buf != nullptr, "evbuffer_new failed");
  return buf;
}

unsigned char g_data[kLargeSize];
unsigned char g_scratch[kLargeSize];

[[maybe_unused]] const bool g_data_filled = [] {
  for (size_t i = 0; i < sizeof g_data; i++) g_data[i] = (unsigned char)('a' + i % 26);
  return true;
}();

struct Small {
  struct evbuffer* buf;
  unsigned char lengths[1024];
  size_t next;
};

}  // namespace

MICRO_TIMED void micro_timed_buf_add_drain_small(Small* s) {
  size_t i = s->next++ % 1024;
  micro::check(evbuffer_add(s->buf, g_data, s->lengths[i]) == 0, "evbuffer_add failed");
  micro::check(evbuffer_drain(s->buf, s->lengths[(i + 1024 - kSmallWindow) % 1024]) == 0,
               "evbuffer_drain failed");
}

MICRO_BENCH(buf_add_drain_small) {
  Small s{};
  s.buf = new_buffer();
  uint64_t seed = 42;
  for (unsigned char& length : s.lengths) length = (unsigned char)(16 + micro::random(&seed) % 49);
  // Prime the window: the first drain takes what the last 32 lengths added.
  for (size_t i = 1024 - kSmallWindow; i < 1024; i++) evbuffer_add(s.buf, g_data, s.lengths[i]);
  for (auto _ : state) micro_timed_buf_add_drain_small(&s);
  evbuffer_free(s.buf);
}

MICRO_TIMED void micro_timed_buf_add_drain_large(struct evbuffer* buf) {
  micro::check(evbuffer_add(buf, g_data, kLargeSize) == 0, "evbuffer_add failed");
  micro::check(evbuffer_drain(buf, kLargeSize) == 0, "evbuffer_drain failed");
}

MICRO_BENCH(buf_add_drain_large) {
  struct evbuffer* buf = new_buffer();
  for (auto _ : state) micro_timed_buf_add_drain_large(buf);
  state.SetBytesProcessed((int64_t)(state.iterations() * kLargeSize));
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_raw_memcpy_64k(unsigned char* to) {
  memcpy(to, g_data, kLargeSize);
  benchmark::ClobberMemory();
}

MICRO_BENCH(raw_memcpy_64k) {
  for (auto _ : state) micro_timed_raw_memcpy_64k(g_scratch);
  state.SetBytesProcessed((int64_t)(state.iterations() * kLargeSize));
}

struct Move {
  struct evbuffer* from;
  struct evbuffer* to;
  unsigned count;
};

MICRO_TIMED void micro_timed_buf_add_buffer(Move* m) {
  micro::check(evbuffer_add(m->from, g_data, kMoveSize) == 0, "evbuffer_add failed");
  micro::check(evbuffer_add_buffer(m->to, m->from) == 0, "evbuffer_add_buffer failed");
  if (++m->count % 64 == 0) micro::check(evbuffer_drain(m->to, 64 * kMoveSize) == 0, "drain");
}

MICRO_BENCH(buf_add_buffer) {
  Move m{new_buffer(), new_buffer(), 0};
  for (auto _ : state) micro_timed_buf_add_buffer(&m);
  evbuffer_free(m.from);
  evbuffer_free(m.to);
}

struct Readln {
  struct evbuffer* buf;
  Block block;
  enum evbuffer_eol_style style;
  size_t lines;  // EVBUFFER_EOL_ANY reads the last line's CRLF and the empty line as one EOL
};

static void read_block(Readln* r) {
  micro::check(evbuffer_add(r->buf, r->block.bytes, r->block.length) == 0, "evbuffer_add failed");
  size_t lines = 0, length;
  char* line;
  while ((line = evbuffer_readln(r->buf, &length, r->style)) != nullptr) {
    lines++;
    free(line);
  }
  micro::check(lines == r->lines && evbuffer_get_length(r->buf) == 0, "readln: wrong lines");
}

// One timed function per style, so that callgrind can count each alone.
MICRO_TIMED void micro_timed_buf_readln_any(Readln* r) { read_block(r); }
MICRO_TIMED void micro_timed_buf_readln_crlf(Readln* r) { read_block(r); }
MICRO_TIMED void micro_timed_buf_readln_crlf_strict(Readln* r) { read_block(r); }
MICRO_TIMED void micro_timed_buf_readln_lf(Readln* r) { read_block(r); }
MICRO_TIMED void micro_timed_buf_readln_nul(Readln* r) { read_block(r); }

#define READLN_BENCH(suffix, style, eol, eol_length)                 \
  MICRO_BENCH(buf_readln_##suffix) {                                 \
    Readln r{new_buffer(), header_block(eol, eol_length), style,     \
             style == EVBUFFER_EOL_ANY ? kLines - 1 : kLines};       \
    for (auto _ : state) micro_timed_buf_readln_##suffix(&r);        \
    state.SetItemsProcessed((int64_t)(state.iterations() * kLines)); \
    evbuffer_free(r.buf);                                            \
  }

READLN_BENCH(any, EVBUFFER_EOL_ANY, "\r\n", 2)
READLN_BENCH(crlf, EVBUFFER_EOL_CRLF, "\r\n", 2)
READLN_BENCH(crlf_strict, EVBUFFER_EOL_CRLF_STRICT, "\r\n", 2)
READLN_BENCH(lf, EVBUFFER_EOL_LF, "\n", 1)
READLN_BENCH(nul, EVBUFFER_EOL_NUL, "\0", 1)

MICRO_TIMED void micro_timed_buf_search(struct evbuffer* buf) {
  struct evbuffer_ptr found = evbuffer_search(buf, "xyz!", 4, nullptr);
  micro::check(found.pos == (ev_ssize_t)(kSearchSize - 4), "search: needle not at the end");
}

MICRO_BENCH(buf_search) {
  // Seeded letters where 'x' (the needle's first letter) is frequent; '!'
  // never occurs but in the needle at the very end.
  static char hay[kSearchSize];
  uint64_t seed = 7;
  for (size_t i = 0; i < kSearchSize - 4; i++) {
    uint64_t r = micro::random(&seed);
    hay[i] = (r % 4 == 0) ? 'x' : (char)('a' + r % 23);
  }
  memcpy(hay + kSearchSize - 4, "xyz!", 4);
  struct evbuffer* buf = new_buffer();
  for (size_t off = 0; off < kSearchSize; off += kPiece) evbuffer_add(buf, hay + off, kPiece);
  for (auto _ : state) micro_timed_buf_search(buf);
  state.SetBytesProcessed((int64_t)(state.iterations() * kSearchSize));
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_buf_search_eol(struct evbuffer* buf) {
  struct evbuffer_ptr at;
  micro::check(evbuffer_ptr_set(buf, &at, 0, EVBUFFER_PTR_SET) == 0, "evbuffer_ptr_set");
  size_t found = 0, eol_length = 0;
  for (;;) {
    struct evbuffer_ptr eol = evbuffer_search_eol(buf, &at, &eol_length, EVBUFFER_EOL_CRLF);
    if (eol.pos < 0) break;
    found++;
    at = eol;
    if (evbuffer_ptr_set(buf, &at, eol_length, EVBUFFER_PTR_ADD) != 0) break;
  }
  micro::check(found == kLines, "search_eol: wrong number of lines");
}

MICRO_BENCH(buf_search_eol) {
  struct evbuffer* buf = new_buffer();
  for (size_t i = 0; i < kLines; i++) {
    // One chain per line: the searches cross chain boundaries.
    struct evbuffer* line = new_buffer();
    evbuffer_add_printf(line, "%s\r\n", kHeaderLines[i]);
    evbuffer_add_buffer(buf, line);
    evbuffer_free(line);
  }
  for (auto _ : state) micro_timed_buf_search_eol(buf);
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_buf_pullup(struct evbuffer* buf) {
  for (int piece = 0; piece < 4; piece++)
    micro::check(evbuffer_add(buf, g_data, kPiece) == 0, "evbuffer_add failed");
  micro::check(evbuffer_pullup(buf, 4 * kPiece) != nullptr, "evbuffer_pullup failed");
  micro::check(evbuffer_drain(buf, 4 * kPiece) == 0, "evbuffer_drain failed");
}

MICRO_BENCH(buf_pullup) {
  struct evbuffer* buf = new_buffer();
  for (auto _ : state) micro_timed_buf_pullup(buf);
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_buf_reserve_commit(struct evbuffer* buf) {
  struct evbuffer_iovec vec[2];
  int n = evbuffer_reserve_space(buf, kPiece, vec, 2);
  micro::check(n >= 1 && n <= 2, "evbuffer_reserve_space failed");
  size_t left = kReserveFill;
  for (int v = 0; v < n; v++) {
    size_t part = vec[v].iov_len < left ? vec[v].iov_len : left;
    memset(vec[v].iov_base, 'r', part);
    vec[v].iov_len = part;
    left -= part;
  }
  micro::check(left == 0, "evbuffer_reserve_space gave less than asked for");
  micro::check(evbuffer_commit_space(buf, vec, n) == 0, "evbuffer_commit_space failed");
  if (evbuffer_get_length(buf) >= 64 * 1024) evbuffer_drain(buf, 64 * 1024);
}

MICRO_BENCH(buf_reserve_commit) {
  struct evbuffer* buf = new_buffer();
  for (auto _ : state) micro_timed_buf_reserve_commit(buf);
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_buf_peek(struct evbuffer* buf) {
  struct evbuffer_iovec vec[16];
  int n = evbuffer_peek(buf, 16 * kPiece, nullptr, vec, 16);
  micro::check(n == 16, "evbuffer_peek: not 16 chains");
  benchmark::DoNotOptimize(vec);
}

MICRO_BENCH(buf_peek) {
  struct evbuffer* buf = new_buffer();
  for (int i = 0; i < 16; i++) {
    // Separate chains: each piece moved in from a buffer of its own.
    struct evbuffer* piece = new_buffer();
    evbuffer_add(piece, g_data, kPiece);
    evbuffer_add_buffer(buf, piece);
    evbuffer_free(piece);
  }
  for (auto _ : state) micro_timed_buf_peek(buf);
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_buf_prepend(struct evbuffer* buf) {
  micro::check(evbuffer_prepend(buf, g_data, 32) == 0, "evbuffer_prepend failed");
  micro::check(evbuffer_drain(buf, 32) == 0, "evbuffer_drain failed");
}

MICRO_BENCH(buf_prepend) {
  struct evbuffer* buf = new_buffer();
  evbuffer_add(buf, g_data, kPiece);
  for (auto _ : state) micro_timed_buf_prepend(buf);
  micro::check(evbuffer_get_length(buf) == kPiece, "prepend: wrong length");
  evbuffer_free(buf);
}

MICRO_TIMED void micro_timed_buf_remove(struct evbuffer* buf) {
  micro::check(evbuffer_add(buf, g_data, 512) == 0, "evbuffer_add failed");
  micro::check(evbuffer_remove(buf, g_scratch, 512) == 512, "evbuffer_remove failed");
}

MICRO_BENCH(buf_remove) {
  struct evbuffer* buf = new_buffer();
  for (auto _ : state) micro_timed_buf_remove(buf);
  evbuffer_free(buf);
}
