/* Differential test of event2/tag.h (evtag_*).
 *
 *   tag_diff              prints the encoding of a generated corpus (every
 *                         record, byte for byte), decodes it back, then runs
 *                         every decoder over malformed inputs (cut short,
 *                         lying lengths, over-long varints, wrong tags, bit
 *                         flips of valid records) printing results and what
 *                         each left in the buffer.
 *   tag_diff write FILE   writes the encoded corpus to FILE.
 *   tag_diff read FILE    decodes FILE and checks every record against the
 *                         corpus it regenerates; exit status 0 when all match.
 *
 * run_diff.sh compares the first form between the reference and ours;
 * cross_exchange.sh runs "write" on one library and "read" on the other, both
 * ways.  Everything is derived from a fixed seed. */
#include <event2/buffer.h>
#include <event2/tag.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "diff_check.h"
#include "loaded_lib.h"

/* Exported by libevent but no longer declared by 2.1.12's headers. */
int evtag_decode_int(ev_uint32_t* pnumber, struct evbuffer* evbuf);
int evtag_decode_int64(ev_uint64_t* pnumber, struct evbuffer* evbuf);
int evtag_encode_tag(struct evbuffer* evbuf, ev_uint32_t tag);
int evtag_decode_tag(ev_uint32_t* ptag, struct evbuffer* evbuf);

static ev_uint64_t rng_state;

static ev_uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* A value of a random bit width, so every encoded size shows up. */
static ev_uint64_t rnd_width(unsigned maxbits) {
  unsigned bits = (unsigned)(rnd() % (maxbits + 1));
  ev_uint64_t v = rnd();
  if (bits == 0) return 0;
  if (bits < 64) v &= (((ev_uint64_t)1) << bits) - 1;
  return v;
}

enum kind { K_INT, K_INT64, K_STRING, K_BYTES, K_TIMEVAL, K_BUFFER, K_FIXED, K_NKINDS };

struct item {
  enum kind kind;
  ev_uint32_t tag;
  ev_uint64_t num;
  struct timeval tv;
  size_t len;
  unsigned char data[1200];
};

#define NITEMS 600

static struct item items[NITEMS];

static void make_corpus(void) {
  int i;
  rng_state = 0x9e3779b97f4a7c15ULL;
  for (i = 0; i < NITEMS; ++i) {
    struct item* it = &items[i];
    size_t k;
    memset(it, 0, sizeof(*it));
    it->kind = (enum kind)(i % K_NKINDS);
    it->tag = (ev_uint32_t)rnd_width(32);
    if (i < 8) it->tag = i == 0 ? 0 : i == 1 ? 0xffffffffu : (ev_uint32_t)1 << (i * 4);
    switch (it->kind) {
      case K_INT:
        it->num = rnd_width(32);
        break;
      case K_INT64:
        it->num = rnd_width(64);
        break;
      case K_TIMEVAL:
        it->tv.tv_sec = (time_t)rnd_width(31);
        it->tv.tv_usec = (suseconds_t)(rnd() % 1000000);
        break;
      case K_STRING:
        it->len = (size_t)(rnd() % 40);
        for (k = 0; k < it->len; ++k) it->data[k] = (unsigned char)(' ' + 1 + rnd() % 94);
        break;
      default:
        it->len = (size_t)(rnd() % (i % 5 == 0 ? sizeof(it->data) : 40));
        for (k = 0; k < it->len; ++k) it->data[k] = (unsigned char)rnd();
        break;
    }
  }
}

static void encode_item(struct evbuffer* out, const struct item* it) {
  struct timeval tv = it->tv;
  char str[64];
  struct evbuffer* tmp;
  switch (it->kind) {
    case K_INT:
      evtag_marshal_int(out, it->tag, (ev_uint32_t)it->num);
      break;
    case K_INT64:
      evtag_marshal_int64(out, it->tag, it->num);
      break;
    case K_TIMEVAL:
      evtag_marshal_timeval(out, it->tag, &tv);
      break;
    case K_STRING:
      memcpy(str, it->data, it->len);
      str[it->len] = '\0';
      evtag_marshal_string(out, it->tag, str);
      break;
    case K_BYTES:
    case K_FIXED:
      evtag_marshal(out, it->tag, it->data, (ev_uint32_t)it->len);
      break;
    case K_BUFFER:
      tmp = diff_must(evbuffer_new(), "evbuffer_new");
      evbuffer_add(tmp, it->data, it->len);
      evtag_marshal_buffer(out, it->tag, tmp);
      if (evbuffer_get_length(tmp) != 0)
        printf("marshal_buffer left %d bytes\n", (int)evbuffer_get_length(tmp));
      evbuffer_free(tmp);
      break;
    default:
      break;
  }
}

static void encode_corpus(struct evbuffer* out) {
  int i;
  for (i = 0; i < NITEMS; ++i) encode_item(out, &items[i]);
}

/* Decodes one record; returns 0 when it matches the item. */
static int decode_item(struct evbuffer* in, const struct item* it) {
  ev_uint32_t tag = 0, plen = 0, tlen = 0, u32 = 0;
  ev_uint64_t u64 = 0;
  struct timeval tv;
  char* s = NULL;
  unsigned char fixed[1200];
  struct evbuffer* dst;
  int r, ok = 0;
  if (evtag_peek(in, &tag) < 0 || tag != it->tag) return -1;
  if (evtag_payload_length(in, &plen) < 0 || evtag_peek_length(in, &tlen) < 0 || tlen <= plen)
    return -1;
  switch (it->kind) {
    case K_INT:
      ok = evtag_unmarshal_int(in, it->tag, &u32) > 0 && u32 == (ev_uint32_t)it->num;
      break;
    case K_INT64:
      ok = evtag_unmarshal_int64(in, it->tag, &u64) > 0 && u64 == it->num;
      break;
    case K_TIMEVAL:
      ok = evtag_unmarshal_timeval(in, it->tag, &tv) == 0 && tv.tv_sec == it->tv.tv_sec &&
           tv.tv_usec == it->tv.tv_usec;
      break;
    case K_STRING:
      ok = evtag_unmarshal_string(in, it->tag, &s) == 0 && strlen(s) == it->len &&
           memcmp(s, it->data, it->len) == 0;
      free(s);
      break;
    case K_FIXED:
      ok = evtag_unmarshal_fixed(in, it->tag, fixed, it->len) == 0 &&
           memcmp(fixed, it->data, it->len) == 0;
      break;
    default:
      dst = diff_must(evbuffer_new(), "evbuffer_new");
      r = evtag_unmarshal(in, &tag, dst);
      ok = r == (int)it->len && tag == it->tag && evbuffer_get_length(dst) == it->len &&
           (it->len == 0 || memcmp(evbuffer_pullup(dst, -1), it->data, it->len) == 0);
      evbuffer_free(dst);
      break;
  }
  return ok ? 0 : -1;
}

static int decode_corpus(struct evbuffer* in, int verbose) {
  int i, bad = 0;
  for (i = 0; i < NITEMS; ++i) {
    if (decode_item(in, &items[i]) != 0) {
      printf("record %d (kind %d) does not decode\n", i, (int)items[i].kind);
      ++bad;
      break; /* the stream is out of step from here on */
    }
  }
  if (evbuffer_get_length(in) != 0) {
    printf("%d bytes left after the corpus\n", (int)evbuffer_get_length(in));
    ++bad;
  }
  if (verbose || bad) printf("decoded %d records, %d bad\n", i, bad);
  if (bad) fprintf(stderr, "FAIL: %d records do not decode to what was encoded\n", bad);
  return bad ? 1 : 0;
}

static void print_hex(const unsigned char* p, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) printf("%02x", p[i]);
}

static void print_buffer(struct evbuffer* b) {
  size_t n = evbuffer_get_length(b);
  printf(" left %d:", (int)n);
  if (n > 24) n = 24;
  print_hex(n ? evbuffer_pullup(b, (ev_ssize_t)n) : NULL, n);
  printf("\n");
}

/* The encoding of every record and raw integer/tag, one per line. */
static void print_encodings(void) {
  struct evbuffer* b = diff_must(evbuffer_new(), "evbuffer_new");
  int i;
  for (i = 0; i < NITEMS; ++i) {
    size_t n;
    encode_item(b, &items[i]);
    n = evbuffer_get_length(b);
    printf("rec %d kind %d len %d: ", i, (int)items[i].kind, (int)n);
    print_hex(evbuffer_pullup(b, -1), n > 64 ? 64 : n);
    printf("\n");
    evbuffer_drain(b, n);
  }
  for (i = 0; i < 200; ++i) {
    ev_uint64_t v = rnd_width(64);
    int r;
    evtag_encode_int(b, (ev_uint32_t)v);
    evtag_encode_int64(b, v);
    r = evtag_encode_tag(b, (ev_uint32_t)v);
    printf("raw %d tagbytes %d nulltag %d: ", i, r, evtag_encode_tag(NULL, (ev_uint32_t)v));
    print_hex(evbuffer_pullup(b, -1), evbuffer_get_length(b));
    printf("\n");
    evbuffer_drain(b, evbuffer_get_length(b));
  }
  evbuffer_free(b);
}

#define NFUNCS 14

/* Runs decoder `f` over a fresh buffer holding p[0..n) and prints what it
 * returned, what it stored and what it left. */
static void run_decoder(int f, const unsigned char* p, size_t n, ev_uint32_t need) {
  struct evbuffer* b = diff_must(evbuffer_new(), "evbuffer_new");
  struct evbuffer* dst = diff_must(evbuffer_new(), "evbuffer_new");
  ev_uint32_t u32 = 0xdeadbeefu;
  ev_uint64_t u64 = 0xdeadbeefcafef00dULL;
  struct timeval tv;
  unsigned char fixed[64];
  char* s = NULL;
  int r = 0;
  tv.tv_sec = 77;
  tv.tv_usec = 88;
  evbuffer_add(b, p, n);
  switch (f) {
    case 0:
      r = evtag_peek(b, &u32);
      break;
    case 1:
      r = evtag_peek_length(b, &u32);
      break;
    case 2:
      r = evtag_payload_length(b, &u32);
      break;
    case 3:
      r = evtag_unmarshal_header(b, &u32);
      break;
    case 4:
      r = evtag_consume(b);
      break;
    case 5:
      r = evtag_unmarshal(b, &u32, dst);
      break;
    case 6:
      r = evtag_unmarshal_int(b, need, &u32);
      break;
    case 7:
      r = evtag_unmarshal_int64(b, need, &u64);
      break;
    case 8:
      r = evtag_unmarshal_fixed(b, need, fixed, 3);
      break;
    case 9:
      r = evtag_unmarshal_string(b, need, &s);
      break;
    case 10:
      r = evtag_unmarshal_timeval(b, need, &tv);
      break;
    case 11:
      r = evtag_decode_int(&u32, b);
      break;
    case 12:
      r = evtag_decode_int64(&u64, b);
      break;
    case 13:
      r = evtag_decode_tag(&u32, b);
      break;
  }
  printf("  f%d need %u -> %d u32 %u u64 %llu tv %ld.%ld dst %d", f, (unsigned)need, r,
         (unsigned)u32, (unsigned long long)u64, (long)tv.tv_sec, (long)tv.tv_usec,
         (int)evbuffer_get_length(dst));
  if (f == 8 && r == 0) {
    printf(" fixed ");
    print_hex(fixed, 3);
  }
  if (s != NULL) {
    printf(" str '%s'", s);
    free(s);
  }
  print_buffer(b);
  evbuffer_free(b);
  evbuffer_free(dst);
}

static void run_all(const char* name, const unsigned char* p, size_t n) {
  int f;
  ev_uint32_t need = 0;
  printf("input %s n %d: ", name, (int)n);
  print_hex(p, n > 40 ? 40 : n);
  printf("\n");
  /* Most decoders get the record's own tag as need_tag; a second pass
   * gives a wrong one. */
  if (n > 0) {
    struct evbuffer* b = diff_must(evbuffer_new(), "evbuffer_new");
    evbuffer_add(b, p, n);
    if (evtag_peek(b, &need) < 0) need = 1;
    evbuffer_free(b);
  }
  for (f = 0; f < NFUNCS; ++f) run_decoder(f, p, n, need);
  for (f = 6; f <= 10; ++f) run_decoder(f, p, n, need + 1);
}

static void malformed(void) {
  /* Hand-written: each names the class it covers. */
  static const struct {
    const char* name;
    unsigned char bytes[24];
    size_t n;
  } fixed_inputs[] = {
      {"empty", {0}, 0},
      {"tag-only", {0x05}, 1},
      {"tag-cut", {0x85}, 1},
      {"tag-5-bytes-max", {0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}, 6},
      {"tag-5th-too-big", {0xff, 0xff, 0xff, 0xff, 0x1f, 0x00}, 6},
      {"tag-6-bytes", {0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00}, 7},
      {"tag-noncanonical", {0x81, 0x00, 0x00}, 3},
      {"len-cut", {0x01, 0x20}, 2},
      {"len-9-nibbles", {0x01, 0x80, 0, 0, 0, 0x01}, 6},
      {"len-lies", {0x01, 0x03, 0xaa}, 3},
      {"len-huge", {0x01, 0x7f, 0xff, 0xff, 0xff, 0xff}, 6},
      {"len-max32", {0x01, 0x7f, 0xff, 0xff, 0xff, 0x0f, 0x00}, 7},
      {"int-ok", {0x02, 0x01, 0x05}, 3},
      {"int-zero-payload", {0x02, 0x00, 0x05}, 3},
      {"int-runs-past", {0x02, 0x01, 0x30, 0x12, 0x34}, 5},
      {"int-too-long", {0x02, 0x05, 0x80, 1, 2, 3, 4}, 7},
      {"int64-17-nibbles", {0x02, 0x09, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8}, 11},
      {"int64-max", {0x02, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0}, 11},
      {"int-pad-nonzero", {0x02, 0x02, 0x1f, 0xff}, 4},
      {"tv-ok", {0x03, 0x03, 0x05, 0x10, 0x07}, 5},
      {"tv-second-missing", {0x03, 0x01, 0x05}, 3},
      {"tv-runs-past", {0x03, 0x02, 0x05, 0x10, 0x07}, 5},
      {"tv-max", {0x03, 0x0a, 0x7f, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0xff, 0xff, 0xff, 0x0f}, 12},
      {"fixed-3", {0x04, 0x03, 'a', 'b', 'c', 0x01}, 6},
      {"fixed-2", {0x04, 0x02, 'a', 'b', 0x01}, 5},
      {"string-nul", {0x04, 0x04, 'a', 0, 'b', 'c'}, 6},
      {"raw-int-9-nibbles", {0x80, 1, 2, 3, 4}, 5},
      {"raw-int-cut", {0x30, 0x12}, 2},
  };
  unsigned char buf[80];
  size_t i, cut;
  int j;
  struct evbuffer* enc = diff_must(evbuffer_new(), "evbuffer_new");

  for (i = 0; i < sizeof(fixed_inputs) / sizeof(fixed_inputs[0]); ++i)
    run_all(fixed_inputs[i].name, fixed_inputs[i].bytes, fixed_inputs[i].n);

  /* Generated: valid records of every kind, then cut short at every
   * length and with single bits flipped. */
  for (j = 0; j < 2 * K_NKINDS; ++j) {
    const struct item* it = &items[j];
    size_t n;
    char name[64];
    if (it->len > 20) continue;
    encode_item(enc, it);
    n = evbuffer_get_length(enc);
    if (n > sizeof(buf)) n = sizeof(buf);
    memcpy(buf, evbuffer_pullup(enc, -1), n);
    evbuffer_drain(enc, evbuffer_get_length(enc));
    for (cut = 0; cut <= n; ++cut) {
      snprintf(name, sizeof(name), "rec%d-cut%d", j, (int)cut);
      run_all(name, buf, cut);
    }
    for (cut = 0; cut < 12 && cut < n * 8; ++cut) {
      unsigned bit = (unsigned)(rnd() % (n * 8));
      buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
      snprintf(name, sizeof(name), "rec%d-flip%u", j, bit);
      run_all(name, buf, n);
      buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
  }
  evbuffer_free(enc);
}

static int write_file(const char* path) {
  struct evbuffer* b = diff_must(evbuffer_new(), "evbuffer_new");
  FILE* f = fopen(path, "wb");
  size_t n;
  if (f == NULL) {
    perror(path);
    return 2;
  }
  encode_corpus(b);
  n = evbuffer_get_length(b);
  if (fwrite(evbuffer_pullup(b, -1), 1, n, f) != n || fclose(f) != 0) {
    perror(path);
    return 2;
  }
  printf("wrote %d records, %d bytes\n", NITEMS, (int)n);
  evbuffer_free(b);
  return 0;
}

static int read_file(const char* path) {
  struct evbuffer* b = diff_must(evbuffer_new(), "evbuffer_new");
  FILE* f = fopen(path, "rb");
  char chunk[4096];
  size_t n;
  int rc;
  if (f == NULL) {
    perror(path);
    return 2;
  }
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) evbuffer_add(b, chunk, n);
  fclose(f);
  rc = decode_corpus(b, 1);
  evbuffer_free(b);
  return rc;
}

int main(int argc, char** argv) {
  struct evbuffer* b;
  diff_report_loaded_libevent();
  evtag_init();
  make_corpus();
  if (argc == 3 && strcmp(argv[1], "write") == 0) return write_file(argv[2]);
  if (argc == 3 && strcmp(argv[1], "read") == 0) return read_file(argv[2]);

  print_encodings();
  b = diff_must(evbuffer_new(), "evbuffer_new");
  encode_corpus(b);
  printf("corpus %d bytes\n", (int)evbuffer_get_length(b));
  decode_corpus(b, 1);
  evbuffer_free(b);
  malformed();
  return 0;
}
