/* bufferevent-pair-filter: a bufferevent pair whose receiving end is
 * wrapped in a filter that upper-cases text.  A timer writes the text into
 * the other end of the pair one word at a time.  A read low watermark on
 * the filter shows flow control: the reader's callback runs only once at
 * least LOW_WATER bytes are waiting, so words arrive in batches; what is
 * left below the watermark is collected when the writer closes (EOF).
 * Usage: bufferevent-pair-filter [word...]  (default: a built-in text) */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define LOW_WATER 12

struct demo {
  struct bufferevent* writer;
  struct event* tick;
  char** words;
  int nwords, next, batches;
};

/* Input filter: moves everything from `src` to `dst`, upper-cased. */
static enum bufferevent_filter_result upcase(struct evbuffer* src, struct evbuffer* dst,
                                             ev_ssize_t limit, enum bufferevent_flush_mode mode,
                                             void* arg) {
  char buf[256];
  int n;
  (void)mode;
  (void)arg;
  if (limit < 0 || limit > (ev_ssize_t)sizeof(buf)) limit = sizeof(buf);
  while ((n = evbuffer_remove(src, buf, (size_t)limit)) > 0) {
    int i;
    for (i = 0; i < n; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
    evbuffer_add(dst, buf, (size_t)n);
  }
  return BEV_OK;
}

static void print_batch(struct bufferevent* bev, struct demo* d, const char* why) {
  char buf[512];
  size_t n = bufferevent_read(bev, buf, sizeof(buf) - 1);
  buf[n] = '\0';
  if (n > 0) printf("batch %d (%s, %u bytes): %s\n", ++d->batches, why, (unsigned)n, buf);
}

static void on_read(struct bufferevent* bev, void* arg) { print_batch(bev, arg, "watermark"); }

static void on_event(struct bufferevent* bev, short what, void* arg) {
  if (what & BEV_EVENT_EOF) {
    print_batch(bev, arg, "eof");
    printf("reader: end of stream\n");
  }
  if (what & BEV_EVENT_ERROR) printf("reader: error\n");
}

/* Writes the next word; after the last one, closes the writing end, which
 * delivers EOF to its partner. */
static void on_tick(evutil_socket_t fd, short what, void* arg) {
  struct demo* d = arg;
  (void)fd;
  (void)what;
  if (d->next < d->nwords) {
    const char* w = d->words[d->next++];
    bufferevent_write(d->writer, w, strlen(w));
    if (d->next < d->nwords) bufferevent_write(d->writer, " ", 1);
  } else {
    event_del(d->tick);
    bufferevent_free(d->writer);
    d->writer = NULL;
  }
}

int main(int argc, char** argv) {
  static char* default_words[] = {"the",  "quick", "brown", "fox", "jumps",
                                  "over", "the",   "lazy",  "dog"};
  struct event_base* base = event_base_new();
  struct bufferevent *pair[2], *filtered;
  struct timeval interval = {0, 2000};
  struct demo d;

  memset(&d, 0, sizeof(d));
  d.words = argc > 1 ? argv + 1 : default_words;
  d.nwords = argc > 1 ? argc - 1 : (int)(sizeof(default_words) / sizeof(default_words[0]));
  if (base == NULL || bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, pair) < 0) {
    fprintf(stderr, "could not create the pair\n");
    return 1;
  }
  filtered = bufferevent_filter_new(pair[1], upcase, NULL, BEV_OPT_CLOSE_ON_FREE, NULL, NULL);
  if (filtered == NULL) {
    fprintf(stderr, "could not create the filter\n");
    return 1;
  }
  d.writer = pair[0];
  bufferevent_setcb(filtered, on_read, NULL, on_event, &d);
  bufferevent_setwatermark(filtered, EV_READ, LOW_WATER, 0);
  bufferevent_enable(filtered, EV_READ);
  bufferevent_enable(pair[0], EV_WRITE);

  d.tick = event_new(base, -1, EV_PERSIST, on_tick, &d);
  event_add(d.tick, &interval);
  event_base_dispatch(base);

  printf("%d batches\n", d.batches);
  event_free(d.tick);
  bufferevent_free(filtered);
  event_base_free(base);
  return 0;
}
