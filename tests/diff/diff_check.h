/* Set-up that must succeed for a differential program's output to mean
 * anything: a failure ends the run loudly instead of printing a different
 * (or crashing) story. */
#ifndef DIFF_CHECK_H_INCLUDED_
#define DIFF_CHECK_H_INCLUDED_

#include <stdio.h>
#include <stdlib.h>

/* Returns `p`; exits with "FAIL: <what>" when it is NULL. */
static void *diff_must(void *p, const char *what)
{
	if (p == NULL) {
		fprintf(stderr, "FAIL: %s\n", what);
		exit(1);
	}
	return p;
}

#endif /* DIFF_CHECK_H_INCLUDED_ */
