/* A base on one named backend, for the differential programs that run their
 * checks once per method. */
#ifndef DIFF_METHOD_BASE_H_INCLUDED_
#define DIFF_METHOD_BASE_H_INCLUDED_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

/* A new base using `method` only (every other supported method avoided).
 * When the library cannot offer it, prints "### method <name> unavailable"
 * (the same line on both libraries) and returns NULL; exits when the
 * library cannot even set up a configuration. */
static struct event_base *diff_base_for_method(const char *method)
{
	struct event_config *cfg = event_config_new();
	const char **all = event_get_supported_methods();
	struct event_base *base;
	int i;
	if (cfg == NULL || all == NULL) {
		fprintf(stderr, "FAIL: event_config_new/event_get_supported_methods\n");
		exit(1);
	}
	for (i = 0; all[i]; ++i)
		if (strcmp(all[i], method) != 0)
			event_config_avoid_method(cfg, all[i]);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (!base)
		printf("### method %s unavailable\n", method);
	return base;
}

/* Runs `scenarios` once per backend (epoll, poll, select), each time on a
 * fresh base using only that backend, after a "### method <name>" line;
 * the base is freed afterwards. */
static void diff_for_each_method(void (*scenarios)(struct event_base *base))
{
	static const char *const methods[] = { "epoll", "poll", "select" };
	size_t m;
	for (m = 0; m < sizeof(methods) / sizeof(methods[0]); ++m) {
		struct event_base *base = diff_base_for_method(methods[m]);
		if (!base)
			continue;
		printf("### method %s\n", event_base_get_method(base));
		scenarios(base);
		event_base_free(base);
	}
}

#endif /* DIFF_METHOD_BASE_H_INCLUDED_ */
