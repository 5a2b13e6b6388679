/* Linked into the regress program.  libevent's evbuffer tests check the
 * buffer after each step with evbuffer_validate_(), a walk over the chain list
 * of libevent's private struct evbuffer.  build-reference.sh points that check
 * here: on libevent itself the chain walk runs as written; on our libraries
 * (whose struct evbuffer is laid out differently) the same moment checks what
 * the public API can see: the extents evbuffer_peek reports cover exactly
 * evbuffer_get_length bytes, none is empty, and the contiguous space at the
 * front is no more than the first extent.  Written for this project. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>

int conformance_evbuffer_check(struct evbuffer* buf, int (*chain_walk)(struct evbuffer*));

static int on_our_library(void) {
  /* Every libevent-ng library exports evpriv_* entry points; libevent none. */
  return dlsym(RTLD_DEFAULT, "evpriv_malloc") != NULL;
}

/* What the public API shows is consistent; 0 (with a FAIL line saying what
 * is not) makes the regress test fail at that step. */
static int public_view_ok(struct evbuffer* buf) {
  size_t len = evbuffer_get_length(buf);
  int n = evbuffer_peek(buf, -1, NULL, NULL, 0);
  if (n < 0 || (len == 0) != (n == 0)) return 0;
  if (n == 0) return evbuffer_get_contiguous_space(buf) == 0;
  struct evbuffer_iovec* v = calloc((size_t)n, sizeof *v);
  if (!v) return 0;
  int ok = evbuffer_peek(buf, -1, NULL, v, n) == n;
  size_t sum = 0;
  for (int i = 0; ok && i < n; ++i) {
    if (v[i].iov_len == 0 || !v[i].iov_base) ok = 0;
    sum += v[i].iov_len;
  }
  ok = ok && sum == len && evbuffer_get_contiguous_space(buf) <= v[0].iov_len;
  free(v);
  return ok;
}

int conformance_evbuffer_check(struct evbuffer* buf, int (*chain_walk)(struct evbuffer*)) {
  if (!on_our_library()) return chain_walk(buf);
  if (public_view_ok(buf)) return 1;
  fprintf(stderr,
          "FAIL: evbuffer_check: the evbuffer_peek extents do not cover exactly "
          "evbuffer_get_length() bytes in non-empty extents\n");
  return 0;
}
