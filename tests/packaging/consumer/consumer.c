/* A minimal program built against an installed libevent, the way users
 * build theirs (pkg-config or find_package).  It prints the version and
 * checks, from /proc/self/maps, that every libevent it runs on lives under
 * the expected prefix (or, given "static", that none is mapped: the
 * archives were linked in), so a test can tell ours from the system's.
 *
 * What it uses is chosen at compile time, so that one source exercises each
 * library the way its users do:
 *   CONSUMER_CORE      the event loop (libevent, libevent_core)
 *   CONSUMER_PTHREADS  evthread_use_pthreads (libevent_pthreads)
 *   CONSUMER_OPENSSL   bufferevent_openssl_socket_new (libevent_openssl)
 *   CONSUMER_EXTRA_<f> one function of libevent_extra (evhttp_new, ...)
 * Functions only referenced behind a run-time condition still have to be
 * resolved by the linker, which is what the packaging test checks. */
#include <event2/event.h>
#ifdef CONSUMER_PTHREADS
#include <event2/thread.h>
#endif
#ifdef CONSUMER_OPENSSL
#include <event2/bufferevent_ssl.h>
#endif
#if defined(CONSUMER_EXTRA_evhttp_new)
#include <event2/http.h>
#elif defined(CONSUMER_EXTRA_evdns_base_new)
#include <event2/dns.h>
#elif defined(CONSUMER_EXTRA_evtag_init)
#include <event2/tag.h>
#endif

#include <stdio.h>
#include <string.h>

/* 1 when every mapped libevent file starts with prefix (and at least one is
 * mapped); for prefix "static", 1 when none is mapped. */
static int loaded_from(const char* prefix, char* found, size_t found_len) {
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[4096];
  int want_none = strcmp(prefix, "static") == 0;
  int seen = 0, ok = 1;
  found[0] = '\0';
  if (maps == NULL) return 0;
  while (fgets(line, sizeof(line), maps) != NULL) {
    char* path = strchr(line, '/');
    if (path == NULL || strstr(path, "/libevent") == NULL) continue;
    path[strcspn(path, "\n")] = '\0';
    seen = 1;
    if (want_none || strncmp(path, prefix, strlen(prefix)) != 0) {
      snprintf(found, found_len, "%s", path);
      ok = 0;
      break;
    }
    if (found[0] == '\0') snprintf(found, found_len, "%s", path);
  }
  fclose(maps);
  return want_none ? ok : ok && seen;
}

int main(int argc, char** argv) {
  char found[4096];
  if (argc != 2) {
    fprintf(stderr, "usage: %s <expected-lib-prefix>|static\n", argv[0]);
    return 2;
  }
  /* Never true: the calls below only make the linker resolve the names. */
  if (argc > 99) {
#ifdef CONSUMER_OPENSSL
    bufferevent_openssl_socket_new(NULL, -1, NULL, BUFFEREVENT_SSL_OPEN, 0);
#endif
#if defined(CONSUMER_EXTRA_evhttp_new)
    evhttp_new(NULL);
#elif defined(CONSUMER_EXTRA_evdns_base_new)
    evdns_base_new(NULL, 0);
#elif defined(CONSUMER_EXTRA_evtag_init)
    evtag_init();
#endif
  }
#ifdef CONSUMER_PTHREADS
  if (evthread_use_pthreads() != 0) {
    fprintf(stderr, "FAIL: evthread_use_pthreads\n");
    return 1;
  }
  printf("evthread_use_pthreads ok\n");
#endif
#ifdef CONSUMER_CORE
  {
    struct event_base* base = event_base_new();
    if (base == NULL) {
      fprintf(stderr, "FAIL: event_base_new\n");
      return 1;
    }
    event_base_free(base);
  }
  printf("version %s (0x%08x)\n", event_get_version(), (unsigned)event_get_version_number());
  if (strcmp(event_get_version(), LIBEVENT_VERSION) != 0 ||
      event_get_version_number() != LIBEVENT_VERSION_NUMBER) {
    fprintf(stderr, "FAIL: header and library versions differ\n");
    return 1;
  }
#endif
  if (!loaded_from(argv[1], found, sizeof(found))) {
    fprintf(stderr, "FAIL: libevent loaded from '%s', expected %s '%s'\n", found,
            strcmp(argv[1], "static") == 0 ? "none:" : "under", argv[1]);
    return 1;
  }
  printf("loaded %s\n", found[0] ? found : "(archives)");
  return 0;
}
