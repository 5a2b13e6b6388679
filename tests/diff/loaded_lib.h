/* Which libevent shared object did the dynamic loader give this process?
 *
 * Differential tests run one program twice, once on the reference libevent
 * and once on ours (through LD_LIBRARY_PATH).  A run only counts if it really
 * used the intended library, so every program reports the path it finds in
 * /proc/self/maps on stderr, and the runner checks it. */
#ifndef DIFF_LOADED_LIB_H_INCLUDED_
#define DIFF_LOADED_LIB_H_INCLUDED_

#include <stdio.h>
#include <string.h>

/* Copies into buf the path of the first mapped file whose name starts with
 * "libevent" and returns buf, or returns NULL when none is mapped. */
static const char *diff_loaded_libevent(char *buf, size_t buflen)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[4096];
	const char *found = NULL;
	if (maps == NULL || buflen == 0)
		return NULL;
	while (found == NULL && fgets(line, sizeof(line), maps) != NULL) {
		char *path = strchr(line, '/');
		char *base;
		size_t len;
		if (path == NULL)
			continue;
		len = strcspn(path, "\n");
		path[len] = '\0';
		base = strrchr(path, '/') + 1;
		if (strncmp(base, "libevent", 8) != 0 || strstr(base, ".so") == NULL)
			continue;
		if (len >= buflen)
			len = buflen - 1;
		memcpy(buf, path, len);
		buf[len] = '\0';
		found = buf;
	}
	fclose(maps);
	return found;
}

/* Prints "loaded: <path>" on stderr; the runner greps for this line. */
static void diff_report_loaded_libevent(void)
{
	char path[4096];
	const char *p = diff_loaded_libevent(path, sizeof(path));
	fprintf(stderr, "loaded: %s\n", p ? p : "(none)");
}

#endif /* DIFF_LOADED_LIB_H_INCLUDED_ */
