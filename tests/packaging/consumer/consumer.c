/* A minimal program built against an installed libevent, the way users
 * build theirs (pkg-config or find_package).  It prints the version and
 * checks, from /proc/self/maps, that the libevent it runs on lives under
 * the expected prefix, so a test can tell ours from the system's. */
#include <event2/event.h>

#include <stdio.h>
#include <string.h>

static int loaded_from(const char* prefix, char* found, size_t found_len) {
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[4096];
  int ok = 0;
  found[0] = '\0';
  if (maps == NULL) return 0;
  while (fgets(line, sizeof(line), maps) != NULL) {
    char* path = strchr(line, '/');
    if (path == NULL || strstr(path, "/libevent") == NULL) continue;
    path[strcspn(path, "\n")] = '\0';
    snprintf(found, found_len, "%s", path);
    ok = strncmp(path, prefix, strlen(prefix)) == 0;
    break;
  }
  fclose(maps);
  return ok;
}

int main(int argc, char** argv) {
  char found[4096];
  if (argc != 2) {
    fprintf(stderr, "usage: %s <expected-lib-prefix>\n", argv[0]);
    return 2;
  }
  printf("version %s (0x%08x)\n", event_get_version(), (unsigned)event_get_version_number());
  if (strcmp(event_get_version(), LIBEVENT_VERSION) != 0 ||
      event_get_version_number() != LIBEVENT_VERSION_NUMBER) {
    fprintf(stderr, "FAIL: header and library versions differ\n");
    return 1;
  }
  if (!loaded_from(argv[1], found, sizeof(found))) {
    fprintf(stderr, "FAIL: libevent loaded from '%s', expected under '%s'\n", found, argv[1]);
    return 1;
  }
  printf("loaded %s\n", found);
  return 0;
}
