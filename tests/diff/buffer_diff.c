/* Differential test of event2/buffer.h: hand-written edge cases plus
 * pseudo-random operation sequences with fixed seeds.  Only results the API
 * defines are printed (lengths, contents, return values, positions); block
 * layout, contiguous space and iovec counts are implementation details and
 * never appear in the output. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include <event2/util.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loaded_lib.h"

/* ---- printing helpers ---- */

/* FNV-1a over the buffer's bytes: long contents are summarised by hash. */
static unsigned long hash_bytes(const unsigned char *p, size_t n)
{
	unsigned long h = 2166136261UL;
	size_t i;
	for (i = 0; i < n; ++i)
		h = ((h ^ p[i]) * 16777619UL) & 0xffffffffUL;
	return h;
}

static void print_escaped(const char *p, size_t n)
{
	size_t i;
	putchar('\'');
	for (i = 0; i < n; ++i) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 32 && c < 127 && c != '\\' && c != '\'')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('\'');
}

/* Prints length and contents (or a hash of long contents) without
 * modifying the buffer, read through evbuffer_copyout. */
static void show(const char *label, struct evbuffer *buf)
{
	size_t len = evbuffer_get_length(buf);
	unsigned char *tmp = malloc(len + 1);
	ev_ssize_t got = evbuffer_copyout(buf, tmp, len);
	printf("%s: len %u", label, (unsigned)len);
	if (got != (ev_ssize_t)len)
		printf(" copyout %d", (int)got);
	else if (len <= 64) {
		printf(" ");
		print_escaped((const char *)tmp, len);
	} else {
		printf(" hash %08lx", hash_bytes(tmp, len));
	}
	printf("\n");
	free(tmp);
}

static void print_line(const char *label, char *line, size_t n)
{
	printf("%s -> ", label);
	if (line == NULL) {
		printf("NULL\n");
		return;
	}
	print_escaped(line, strlen(line));
	printf(" n %u\n", (unsigned)n);
	free(line);
}

/* ---- callbacks ---- */

/* Each callback keeps its own log, printed after every step in a fixed
 * order: the order in which several callbacks (or the two buffers of a
 * move) are notified is not part of the API. */
struct cb_log {
	const char *name;
	int calls;
	size_t added, deleted;
	int summarize; /* only accumulate: the call granularity is unspecified */
	size_t step_added, step_deleted;
	char text[1024];
};

static void log_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct cb_log *log = arg;
	size_t used = strlen(log->text);
	log->calls++;
	log->added += info->n_added;
	log->deleted += info->n_deleted;
	log->step_added += info->n_added;
	log->step_deleted += info->n_deleted;
	if (!log->summarize)
		snprintf(log->text + used, sizeof(log->text) - used,
		    "  cb %s: orig %u added %u deleted %u now %u\n", log->name,
		    (unsigned)info->orig_size, (unsigned)info->n_added,
		    (unsigned)info->n_deleted, (unsigned)evbuffer_get_length(buf));
}

static void flush_log(struct cb_log *log)
{
	if (log->summarize && (log->step_added || log->step_deleted))
		printf("  cb %s: total added %u deleted %u\n", log->name,
		    (unsigned)log->step_added, (unsigned)log->step_deleted);
	fputs(log->text, stdout);
	log->text[0] = '\0';
	log->step_added = log->step_deleted = 0;
}

static int cleanups;
static void count_cleanup(const void *data, size_t len, void *arg)
{
	(void)data;
	cleanups++;
	printf("  cleanup %s len %u\n", (const char *)arg, (unsigned)len);
}

/* ---- scenarios ---- */

static void test_add_remove(void)
{
	struct evbuffer *b = evbuffer_new();
	char out[64];
	int r;
	printf("== add/remove\n");
	printf("add -> %d\n", evbuffer_add(b, "hello", 5));
	printf("add 0 -> %d\n", evbuffer_add(b, "", 0));
	printf("prepend -> %d\n", evbuffer_prepend(b, ">> ", 3));
	printf("add_printf -> %d\n", evbuffer_add_printf(b, " %d-%s-%c", 42, "x", 'y'));
	show("b", b);
	memset(out, 0, sizeof(out));
	r = evbuffer_remove(b, out, 4);
	printf("remove 4 -> %d '%s'\n", r, out);
	memset(out, 0, sizeof(out));
	r = evbuffer_copyout(b, out, 3);
	printf("copyout 3 -> %d '%s'\n", r, out);
	memset(out, 0, sizeof(out));
	r = evbuffer_copyout(b, out, 100);
	printf("copyout 100 -> %d '%s'\n", r, out);
	printf("drain 2 -> %d\n", evbuffer_drain(b, 2));
	show("b", b);
	memset(out, 0, sizeof(out));
	r = evbuffer_remove(b, out, sizeof(out) - 1);
	printf("remove all -> %d '%s'\n", r, out);
	printf("remove empty -> %d\n", evbuffer_remove(b, out, 5));
	printf("copyout empty -> %d\n", (int)evbuffer_copyout(b, out, 5));
	printf("drain empty -> %d\n", evbuffer_drain(b, 10));
	r = evbuffer_drain(b, 100);
	printf("drain more than there is -> %d\n", r);
	r = evbuffer_add(b, "abc", 3);
	printf("add -> %d\n", r);
	show("b", b);
	{
		struct evbuffer_iovec iov[3];
		iov[0].iov_base = (void *)"one,";
		iov[0].iov_len = 4;
		iov[1].iov_base = (void *)"";
		iov[1].iov_len = 0;
		iov[2].iov_base = (void *)"two";
		iov[2].iov_len = 3;
		printf("add_iovec -> %d\n", (int)evbuffer_add_iovec(b, iov, 3));
		show("b", b);
	}
	/* Big adds and prepends cross block boundaries. */
	{
		char big[10000];
		int i;
		for (i = 0; i < (int)sizeof(big); ++i)
			big[i] = (char)('a' + i % 26);
		printf("add big -> %d\n", evbuffer_add(b, big, sizeof(big)));
		printf("prepend big -> %d\n", evbuffer_prepend(b, big, 5000));
		show("b", b);
		printf("drain 4999 -> %d\n", evbuffer_drain(b, 4999));
		show("b", b);
		r = evbuffer_remove(b, out, 10);
		printf("remove 10 -> %d ", r);
		print_escaped(out, 10);
		printf("\n");
	}
	evbuffer_free(b);
}

static void test_copyout_from_and_ptr(void)
{
	struct evbuffer *b = evbuffer_new();
	struct evbuffer_ptr p;
	char out[64];
	int i, r;
	static const char *pieces[] = { "0123", "4567", "89ab", "cdef" };
	printf("== copyout_from/ptr_set\n");
	for (i = 0; i < 4; ++i)
		evbuffer_add_reference(b, pieces[i], 4, NULL, NULL);
	for (i = 0; i <= 17; i += 3) {
		r = evbuffer_ptr_set(b, &p, (size_t)i, EVBUFFER_PTR_SET);
		printf("ptr_set %d -> %d", i, r);
		if (r == 0) {
			printf(" pos %d", (int)p.pos);
			memset(out, 0, sizeof(out));
			r = (int)evbuffer_copyout_from(b, &p, out, 5);
			printf(" copyout_from 5 -> %d '%s'", r, out);
		}
		printf("\n");
	}
	r = evbuffer_ptr_set(b, &p, 16, EVBUFFER_PTR_SET);
	printf("ptr_set end -> %d pos %d\n", r, (int)p.pos);
	r = evbuffer_ptr_set(b, &p, 2, EVBUFFER_PTR_SET);
	for (i = 0; i < 6; ++i) {
		r = evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_ADD);
		printf("ptr_add 3 -> %d", r);
		if (r == 0) {
			memset(out, 0, sizeof(out));
			printf(" pos %d copy %d '%s'", (int)p.pos,
			    (int)evbuffer_copyout_from(b, &p, out, 2), out);
		}
		printf("\n");
	}
	evbuffer_free(b);
}

static void test_pullup(void)
{
	struct evbuffer *b = evbuffer_new();
	static const char *pieces[] = { "ab", "cd", "ef", "gh" };
	unsigned char *u;
	int i;
	printf("== pullup\n");
	u = evbuffer_pullup(b, -1);
	printf("pullup empty -> %s\n", u ? "ptr" : "NULL");
	for (i = 0; i < 4; ++i)
		evbuffer_add_reference(b, pieces[i], 2, NULL, NULL);
	u = evbuffer_pullup(b, 3);
	printf("pullup 3 -> ");
	if (u)
		print_escaped((char *)u, 3);
	printf("\n");
	u = evbuffer_pullup(b, 9);
	printf("pullup 9 -> %s\n", u ? "ptr" : "NULL");
	u = evbuffer_pullup(b, -1);
	printf("pullup -1 -> ");
	if (u)
		print_escaped((char *)u, evbuffer_get_length(b));
	printf("\n");
	show("b", b);
	evbuffer_free(b);
}

/* Builds a buffer whose blocks are exactly the given pieces. */
static struct evbuffer *pieces_buffer(const char *const *pieces, int n)
{
	struct evbuffer *b = evbuffer_new();
	int i;
	for (i = 0; i < n; ++i)
		evbuffer_add_reference(b, pieces[i], strlen(pieces[i]), NULL, NULL);
	return b;
}

static const char *style_name(enum evbuffer_eol_style s)
{
	switch (s) {
	case EVBUFFER_EOL_ANY: return "any";
	case EVBUFFER_EOL_CRLF: return "crlf";
	case EVBUFFER_EOL_CRLF_STRICT: return "crlf_strict";
	case EVBUFFER_EOL_LF: return "lf";
	case EVBUFFER_EOL_NUL: return "nul";
	}
	return "?";
}

static void test_readln(void)
{
	static const enum evbuffer_eol_style styles[] = { EVBUFFER_EOL_ANY,
	    EVBUFFER_EOL_CRLF, EVBUFFER_EOL_CRLF_STRICT, EVBUFFER_EOL_LF,
	    EVBUFFER_EOL_NUL };
	/* Each input is a list of blocks, NULL-terminated. */
	static const char *inputs[][8] = {
		{ "line1\nline2\r\nline3\r\rline4\n\rline5", NULL },
		{ "abc\r", "\ndef\n", NULL },
		{ "abc", "\r", "\n", "def\r\n", NULL },
		{ "\r\n\r\n\n\n", NULL },
		{ "no eol at all", NULL },
		{ "", NULL },
		{ "x\r", NULL },
		{ "\n", NULL },
		{ "a\rb\r\nc\n\rd", NULL },
		{ "one\r", "\r\n", "two\n", NULL },
		{ "trail\r\n", NULL },
		{ "mid\r\rx\r\n", NULL },
	};
	size_t i, s;
	printf("== readln\n");
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); ++i) {
		for (s = 0; s < sizeof(styles) / sizeof(styles[0]); ++s) {
			int n = 0, k;
			struct evbuffer *b;
			while (inputs[i][n])
				n++;
			b = pieces_buffer(inputs[i], n);
			printf("input %u style %s\n", (unsigned)i, style_name(styles[s]));
			for (k = 0; k < 8; ++k) {
				size_t nread = 12345;
				char *line = evbuffer_readln(b, &nread, styles[s]);
				if (!line) {
					print_line("  readln", NULL, 0);
					break;
				}
				print_line("  readln", line, nread);
			}
			show("  rest", b);
			evbuffer_free(b);
		}
	}
	/* NUL style with embedded zero bytes, and a NULL n_read_out. */
	{
		struct evbuffer *b = evbuffer_new();
		char *line;
		evbuffer_add(b, "ab\0cd\0\0e", 8);
		line = evbuffer_readln(b, NULL, EVBUFFER_EOL_NUL);
		print_line("nul 1", line, 0);
		line = evbuffer_readln(b, NULL, EVBUFFER_EOL_NUL);
		print_line("nul 2", line, 0);
		line = evbuffer_readln(b, NULL, EVBUFFER_EOL_NUL);
		print_line("nul 3", line, 0);
		line = evbuffer_readln(b, NULL, EVBUFFER_EOL_NUL);
		print_line("nul 4", line, 0);
		show("rest", b);
		/* An embedded NUL inside a LF line is returned but truncates strlen. */
		evbuffer_drain(b, evbuffer_get_length(b));
		evbuffer_add(b, "p\0q\nr", 5);
		{
			size_t n = 0;
			line = evbuffer_readln(b, &n, EVBUFFER_EOL_LF);
			printf("lf with nul -> n %u first '%s'\n", (unsigned)n, line ? line : "NULL");
			free(line);
		}
		evbuffer_add(b, "\nold\r\n", 6);
		line = evbuffer_readline(b);
		print_line("readline", line, 0);
		line = evbuffer_readline(b);
		print_line("readline", line, 0);
		show("rest", b);
		evbuffer_free(b);
	}
}

static void print_ptr(const char *label, struct evbuffer_ptr p)
{
	printf("%s -> pos %d\n", label, (int)p.pos);
}

static void test_search(void)
{
	static const char *pieces[] = { "hello wo", "rld hel", "lo", " world", "\r", "\nend\n" };
	struct evbuffer *b = pieces_buffer(pieces, 6);
	struct evbuffer_ptr p, start, end;
	static const char *needles[] = { "hello", "world", "lo wo", "o", "d h",
	    "\r\n", "end", "missing", "hello world hello world\r\nend\nX", "l" };
	size_t i;
	printf("== search\n");
	show("b", b);
	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); ++i) {
		int k;
		p = evbuffer_search(b, needles[i], strlen(needles[i]), NULL);
		printf("search ");
		print_escaped(needles[i], strlen(needles[i]));
		print_ptr("", p);
		/* Iterate over all occurrences. */
		printf("  all:");
		for (k = 0; k < 20 && p.pos >= 0; ++k) {
			printf(" %d", (int)p.pos);
			if (evbuffer_ptr_set(b, &p, 1, EVBUFFER_PTR_ADD) < 0)
				break;
			p = evbuffer_search(b, needles[i], strlen(needles[i]), &p);
		}
		printf("\n");
	}
	/* search_range with various ends. */
	evbuffer_ptr_set(b, &start, 1, EVBUFFER_PTR_SET);
	for (i = 0; i <= 29; i += i == 27 ? 2 : 3) {
		char label[80];
		evbuffer_ptr_set(b, &end, i, EVBUFFER_PTR_SET);
		snprintf(label, sizeof(label), "search_range 'lo' 1..%u", (unsigned)i);
		p = evbuffer_search_range(b, "lo", 2, &start, &end);
		print_ptr(label, p);
		snprintf(label, sizeof(label), "search_range 'hello' 0..%u", (unsigned)i);
		p = evbuffer_search_range(b, "hello", 5, NULL, &end);
		print_ptr(label, p);
	}
	p = evbuffer_search_range(b, "end", 3, NULL, NULL);
	print_ptr("search_range NULL NULL 'end'", p);
	/* search_eol from several starts and styles. */
	for (i = 0; i < 36; i += 5) {
		static const enum evbuffer_eol_style styles[] = { EVBUFFER_EOL_ANY,
		    EVBUFFER_EOL_CRLF, EVBUFFER_EOL_CRLF_STRICT, EVBUFFER_EOL_LF };
		size_t s;
		if (evbuffer_ptr_set(b, &start, i, EVBUFFER_PTR_SET) < 0)
			continue;
		for (s = 0; s < 4; ++s) {
			size_t eol_len = 999;
			p = evbuffer_search_eol(b, &start, &eol_len, styles[s]);
			printf("search_eol from %u %s -> pos %d", (unsigned)i,
			    style_name(styles[s]), (int)p.pos);
			if (p.pos >= 0)
				printf(" eol_len %u", (unsigned)eol_len);
			printf("\n");
		}
	}
	{
		size_t eol_len = 999;
		p = evbuffer_search_eol(b, NULL, &eol_len, EVBUFFER_EOL_LF);
		printf("search_eol NULL start lf -> pos %d eol_len %u\n", (int)p.pos,
		    (unsigned)eol_len);
		p = evbuffer_search_eol(b, NULL, NULL, EVBUFFER_EOL_CRLF_STRICT);
		printf("search_eol NULL out -> pos %d\n", (int)p.pos);
	}
	evbuffer_free(b);
}

static void test_peek(void)
{
	static const char *pieces[] = { "abc", "defgh", "ij", "klmnopq" };
	struct evbuffer *b = pieces_buffer(pieces, 4);
	static const int lens[] = { -1, 0, 1, 3, 4, 8, 10, 17, 30 };
	static const int starts[] = { -1, 0, 2, 3, 9, 16 };
	size_t i, j;
	printf("== peek\n");
	for (j = 0; j < sizeof(starts) / sizeof(starts[0]); ++j) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); ++i) {
			struct evbuffer_iovec v[16];
			struct evbuffer_ptr p;
			char data[64];
			size_t have = 0, want;
			int n, k;
			if (starts[j] >= 0)
				evbuffer_ptr_set(b, &p, starts[j], EVBUFFER_PTR_SET);
			n = evbuffer_peek(b, lens[i], starts[j] >= 0 ? &p : NULL, v, 16);
			for (k = 0; k < n && k < 16; ++k) {
				memcpy(data + have, v[k].iov_base, v[k].iov_len);
				have += v[k].iov_len;
			}
			/* The vectors cover at least the request; compare only it. */
			want = lens[i] < 0 ? have : (size_t)lens[i];
			if (want > have)
				want = have;
			/* How many vectors a zero-length peek reports is unspecified. */
			printf("peek start %d len %d -> %s ", starts[j], lens[i],
			    lens[i] == 0 ? "-" : n > 0 ? "some" : "none");
			print_escaped(data, want);
			printf("\n");
		}
	}
	evbuffer_free(b);
}

static void test_reserve_commit(void)
{
	struct evbuffer *b = evbuffer_new();
	struct evbuffer_iovec v[2];
	int n, r;
	printf("== reserve/commit\n");
	evbuffer_add(b, "start:", 6);
	n = evbuffer_reserve_space(b, 100, v, 1);
	printf("reserve 100 x1 -> %d enough %d\n", n, n == 1 && v[0].iov_len >= 100);
	memcpy(v[0].iov_base, "0123456789", 10);
	v[0].iov_len = 10;
	r = evbuffer_commit_space(b, v, 1);
	printf("commit 10 -> %d\n", r);
	show("b", b);
	n = evbuffer_reserve_space(b, 50, v, 1);
	r = evbuffer_commit_space(b, v, 0);
	printf("reserve then commit none -> %d %d\n", n > 0, r);
	show("b", b);
	/* Two vectors: fill in order, commit only the vectors used. */
	n = evbuffer_reserve_space(b, 9000, v, 2);
	printf("reserve 9000 x2 -> %s\n", n > 0 ? "ok" : "fail");
	if (n > 0) {
		size_t total = 0, fill = 8500;
		int k, used = 0;
		for (k = 0; k < n && total < fill; ++k) {
			size_t take = v[k].iov_len;
			if (take > fill - total)
				take = fill - total;
			memset(v[k].iov_base, 'A', take);
			v[k].iov_len = take;
			total += take;
			used = k + 1;
		}
		printf("covered %u\n", (unsigned)total);
		r = evbuffer_commit_space(b, v, used);
		printf("commit -> %d\n", r);
	}
	show("b", b);
	/* A commit longer than the reservation is refused. */
	n = evbuffer_reserve_space(b, 10, v, 1);
	v[0].iov_len = (size_t)1 << 30;
	r = evbuffer_commit_space(b, v, 1);
	printf("commit too long -> %d\n", r);
	show("b", b);
	n = evbuffer_reserve_space(b, 20, v, 1);
	memcpy(v[0].iov_base, "XYZ", 3);
	v[0].iov_len = 3;
	r = evbuffer_commit_space(b, v, 1);
	printf("commit 3 -> %d\n", r);
	printf("tail: ");
	{
		char tail[4];
		struct evbuffer_ptr p;
		evbuffer_ptr_set(b, &p, evbuffer_get_length(b) - 3, EVBUFFER_PTR_SET);
		evbuffer_copyout_from(b, &p, tail, 3);
		print_escaped(tail, 3);
	}
	printf("\n");
	evbuffer_free(b);
}

static void test_move(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	int r;
	printf("== add_buffer/remove_buffer/prepend_buffer\n");
	evbuffer_add(a, "AAAA", 4);
	evbuffer_add(b, "bbbbbb", 6);
	r = evbuffer_add_buffer(a, b);
	printf("add_buffer -> %d\n", r);
	show("a", a);
	show("b", b);
	r = evbuffer_add_buffer(a, b);
	printf("add_buffer empty -> %d\n", r);
	evbuffer_add(b, "ccc", 3);
	r = evbuffer_prepend_buffer(a, b);
	printf("prepend_buffer -> %d\n", r);
	show("a", a);
	show("b", b);
	r = evbuffer_remove_buffer(a, b, 5);
	printf("remove_buffer 5 -> %d\n", r);
	show("a", a);
	show("b", b);
	r = evbuffer_remove_buffer(a, b, 100);
	printf("remove_buffer 100 -> %d\n", r);
	show("a", a);
	show("b", b);
	r = evbuffer_remove_buffer(a, b, 3);
	printf("remove_buffer from empty -> %d\n", r);
	/* Moving into a non-empty destination keeps order. */
	evbuffer_add(a, "1234567890", 10);
	r = evbuffer_remove_buffer(a, b, 7);
	printf("remove_buffer 7 -> %d\n", r);
	show("a", a);
	show("b", b);
	/* Large moves across many blocks. */
	{
		int i;
		char chunk[300];
		for (i = 0; i < 100; ++i) {
			memset(chunk, 'a' + i % 26, sizeof(chunk));
			evbuffer_add(a, chunk, sizeof(chunk));
		}
		r = evbuffer_remove_buffer(a, b, 12345);
		printf("remove_buffer 12345 -> %d\n", r);
		show("a", a);
		show("b", b);
		r = evbuffer_prepend_buffer(b, a);
		printf("prepend_buffer big -> %d\n", r);
		show("a", a);
		show("b", b);
	}
	/* add_buffer_reference: the data appears in both. */
	{
		struct evbuffer *c = evbuffer_new();
		evbuffer_drain(a, evbuffer_get_length(a));
		evbuffer_add(a, "shared", 6);
		r = evbuffer_add_buffer_reference(c, a);
		printf("add_buffer_reference -> %d\n", r);
		show("a", a);
		show("c", c);
		evbuffer_drain(c, 2);
		show("a", a);
		show("c", c);
		evbuffer_free(c);
		show("a", a);
	}
	evbuffer_free(a);
	evbuffer_free(b);
}

static void test_reference(void)
{
	static const char d1[] = "reference-one";
	static const char d2[] = "ref2";
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	char out[32];
	int r;
	printf("== add_reference\n");
	cleanups = 0;
	printf("add_reference -> %d\n",
	    evbuffer_add_reference(a, d1, strlen(d1), count_cleanup, (void *)"d1"));
	printf("add_reference -> %d\n",
	    evbuffer_add_reference(a, d2, strlen(d2), count_cleanup, (void *)"d2"));
	evbuffer_add(a, "tail", 4);
	show("a", a);
	r = evbuffer_drain(a, 5);
	printf("drain 5 -> %d cleanups %d\n", r, cleanups);
	r = evbuffer_drain(a, 8);
	printf("drain 8 -> %d cleanups %d\n", r, cleanups);
	show("a", a);
	r = evbuffer_remove(a, out, 4);
	printf("remove 4 -> %d cleanups %d\n", r, cleanups);
	printf("freeing, cleanups %d\n", cleanups);
	evbuffer_free(a);
	printf("freed, cleanups %d\n", cleanups);
	/* A referenced block moved to another buffer is cleaned up only when
	 * that buffer drops it. */
	a = evbuffer_new();
	cleanups = 0;
	evbuffer_add_reference(a, d1, strlen(d1), count_cleanup, (void *)"moved");
	evbuffer_add_buffer(b, a);
	evbuffer_free(a);
	printf("after src free, cleanups %d\n", cleanups);
	show("b", b);
	evbuffer_drain(b, evbuffer_get_length(b));
	printf("after dst drain, cleanups %d\n", cleanups);
	evbuffer_free(b);
}

static void test_printf(void)
{
	struct evbuffer *b = evbuffer_new();
	char big[3000];
	int r;
	printf("== add_printf\n");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r = evbuffer_add_printf(b, "%s", "");
	printf("printf empty -> %d\n", r);
	r = evbuffer_add_printf(b, "[%5d|%-5s|%05.1f|%x|%%]", -7, "ab", 2.25, 0xbeef);
	printf("printf fmt -> %d\n", r);
	r = evbuffer_add_printf(b, "%s%s%s", big, big, big);
	printf("printf big -> %d\n", r);
	show("b", b);
	evbuffer_free(b);
}

static void test_expand(void)
{
	struct evbuffer *b = evbuffer_new();
	printf("== expand\n");
	printf("expand 0 -> %d\n", evbuffer_expand(b, 0));
	printf("expand 100 -> %d\n", evbuffer_expand(b, 100));
	printf("len %u\n", (unsigned)evbuffer_get_length(b));
	evbuffer_add(b, "x", 1);
	printf("expand 100000 -> %d\n", evbuffer_expand(b, 100000));
	show("b", b);
	evbuffer_free(b);
}

static void test_freeze(void)
{
	struct evbuffer *b = evbuffer_new(), *o = evbuffer_new();
	char out[8];
	struct evbuffer_iovec v[1];
	size_t n;
	char *line;
	printf("== freeze\n");
	evbuffer_add(b, "line\nmore", 9);
	evbuffer_add(o, "other", 5);
	printf("freeze end -> %d\n", evbuffer_freeze(b, 0));
	printf("  add -> %d\n", evbuffer_add(b, "x", 1));
	printf("  add_printf -> %d\n", evbuffer_add_printf(b, "%d", 1));
	printf("  reserve -> %d\n", evbuffer_reserve_space(b, 10, v, 1) > 0);
	printf("  add_buffer into -> %d\n", evbuffer_add_buffer(b, o));
	printf("  remove_buffer into -> %d\n", evbuffer_remove_buffer(o, b, 2));
	printf("  prepend -> %d\n", evbuffer_prepend(b, "p", 1));
	printf("  drain -> %d\n", evbuffer_drain(b, 1));
	show("  b", b);
	show("  o", o);
	printf("unfreeze end -> %d\n", evbuffer_unfreeze(b, 0));
	printf("freeze start -> %d\n", evbuffer_freeze(b, 1));
	printf("  drain -> %d\n", evbuffer_drain(b, 1));
	printf("  remove -> %d\n", evbuffer_remove(b, out, 2));
	line = evbuffer_readln(b, &n, EVBUFFER_EOL_LF);
	printf("  readln -> %s\n", line ? line : "NULL");
	free(line);
	printf("  prepend -> %d\n", evbuffer_prepend(b, "p", 1));
	printf("  add_buffer from -> %d\n", evbuffer_add_buffer(o, b));
	printf("  remove_buffer from -> %d\n", evbuffer_remove_buffer(b, o, 2));
	printf("  add -> %d\n", evbuffer_add(b, "!", 1));
	printf("  copyout -> %d\n", (int)evbuffer_copyout(b, out, 3));
	show("  b", b);
	show("  o", o);
	printf("unfreeze start -> %d\n", evbuffer_unfreeze(b, 1));
	printf("  drain -> %d\n", evbuffer_drain(b, 1));
	show("  b", b);
	evbuffer_free(b);
	evbuffer_free(o);
}

static struct cb_log *step_logs[3];
/* Ends one step: prints what each callback saw, in a fixed order. */
static void end_step(void)
{
	int i;
	for (i = 0; i < 3; ++i)
		if (step_logs[i])
			flush_log(step_logs[i]);
}

static void test_callbacks(void)
{
	struct evbuffer *b = evbuffer_new(), *o = evbuffer_new();
	struct cb_log l1 = { "one", 0, 0, 0, 0, 0, 0, "" };
	struct cb_log l2 = { "two", 0, 0, 0, 0, 0, 0, "" };
	struct cb_log lo = { "other", 0, 0, 0, 0, 0, 0, "" };
	struct evbuffer_cb_entry *e1, *e2;
	char out[16];
	struct evbuffer_iovec v[1];
	printf("== callbacks\n");
	step_logs[0] = &l1;
	step_logs[1] = &l2;
	step_logs[2] = &lo;
	e1 = evbuffer_add_cb(b, log_cb, &l1);
	evbuffer_add_cb(o, log_cb, &lo);
	printf("add\n");
	evbuffer_add(b, "0123456789", 10);
	end_step();
	printf("add 0\n");
	evbuffer_add(b, "", 0);
	end_step();
	printf("prepend\n");
	evbuffer_prepend(b, "ab", 2);
	end_step();
	printf("drain 3\n");
	evbuffer_drain(b, 3);
	end_step();
	printf("drain 0\n");
	evbuffer_drain(b, 0);
	end_step();
	printf("remove 2\n");
	evbuffer_remove(b, out, 2);
	end_step();
	printf("copyout (no cb)\n");
	evbuffer_copyout(b, out, 2);
	end_step();
	printf("pullup (no cb)\n");
	evbuffer_pullup(b, -1);
	end_step();
	printf("printf\n");
	evbuffer_add_printf(b, "%s", "xyz");
	end_step();
	printf("reserve+commit\n");
	evbuffer_reserve_space(b, 4, v, 1);
	end_step();
	memcpy(v[0].iov_base, "RSV", 3);
	v[0].iov_len = 3;
	evbuffer_commit_space(b, v, 1);
	end_step();
	printf("add newline\n");
	evbuffer_add(b, "\n", 1);
	end_step();
	/* readln may report the line and its EOL as one or two changes. */
	printf("readln\n");
	l1.summarize = 1;
	free(evbuffer_readln(b, NULL, EVBUFFER_EOL_LF));
	end_step();
	l1.summarize = 0;
	printf("add moveme\n");
	evbuffer_add(b, "moveme", 6);
	end_step();
	printf("add_buffer b->o\n");
	evbuffer_add_buffer(o, b);
	end_step();
	printf("remove_buffer o->b 4\n");
	evbuffer_remove_buffer(o, b, 4);
	end_step();
	printf("prepend_buffer b<-o\n");
	evbuffer_prepend_buffer(b, o);
	end_step();
	e2 = evbuffer_add_cb(b, log_cb, &l2);
	printf("two callbacks: add\n");
	evbuffer_add(b, "zz", 2);
	end_step();
	printf("disable one: add\n");
	printf("clear_flags -> %d\n", evbuffer_cb_clear_flags(b, e1, EVBUFFER_CB_ENABLED));
	evbuffer_add(b, "yy", 2);
	end_step();
	printf("enable one: drain\n");
	printf("set_flags -> %d\n", evbuffer_cb_set_flags(b, e1, EVBUFFER_CB_ENABLED));
	evbuffer_drain(b, 1);
	end_step();
	printf("remove entry two -> %d\n", evbuffer_remove_cb_entry(b, e2));
	evbuffer_drain(b, 1);
	end_step();
	printf("remove_cb one -> %d\n", evbuffer_remove_cb(b, log_cb, &l1));
	printf("remove_cb again -> %d\n", evbuffer_remove_cb(b, log_cb, &l1));
	evbuffer_drain(b, 1);
	end_step();
	printf("totals: one +%u -%u, two %d +%u -%u, other %d +%u -%u\n",
	    (unsigned)l1.added, (unsigned)l1.deleted, l2.calls, (unsigned)l2.added,
	    (unsigned)l2.deleted, lo.calls, (unsigned)lo.added, (unsigned)lo.deleted);
	show("b", b);
	evbuffer_free(b);
	evbuffer_free(o);
	step_logs[0] = step_logs[1] = step_logs[2] = NULL;
}

/* Callbacks deferred to an event_base are merged until the loop runs. */
static void test_deferred_callbacks(void)
{
	struct event_base *base = event_base_new();
	struct evbuffer *b = evbuffer_new();
	struct cb_log l = { "deferred", 0, 0, 0, 0, 0, 0, "" };
	printf("== deferred callbacks\n");
	evbuffer_add(b, "pre", 3);
	evbuffer_add_cb(b, log_cb, &l);
	printf("defer -> %d\n", evbuffer_defer_callbacks(b, base));
	evbuffer_add(b, "12345", 5);
	evbuffer_drain(b, 2);
	evbuffer_add(b, "abc", 3);
	printf("before loop: calls %d\n", l.calls);
	event_base_loop(base, EVLOOP_NONBLOCK);
	flush_log(&l);
	printf("after loop: calls %d\n", l.calls);
	evbuffer_drain(b, 4);
	event_base_loop(base, EVLOOP_NONBLOCK);
	flush_log(&l);
	printf("after loop 2: calls %d\n", l.calls);
	event_base_loop(base, EVLOOP_NONBLOCK);
	flush_log(&l);
	printf("after idle loop: calls %d\n", l.calls);
	evbuffer_free(b);
	event_base_free(base);
}

static void test_socket_io(void)
{
	evutil_socket_t fds[2];
	struct evbuffer *b = evbuffer_new(), *in = evbuffer_new();
	int r, total, i;
	char chunk[1000];
	printf("== read/write\n");
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
		printf("socketpair failed\n");
		return;
	}
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
	evbuffer_add(b, "hello socket", 12);
	r = evbuffer_write(b, fds[0]);
	printf("write -> %d left %u\n", r, (unsigned)evbuffer_get_length(b));
	r = evbuffer_read(in, fds[1], 5);
	printf("read 5 -> %d\n", r);
	r = evbuffer_read(in, fds[1], 100);
	printf("read 100 -> %d\n", r);
	show("in", in);
	errno = 0;
	r = evbuffer_read(in, fds[1], 100);
	printf("read nothing -> %d eagain %d\n", r, errno == EAGAIN || errno == EWOULDBLOCK);
	/* write_atmost and larger transfers, reassembled on the other side. */
	for (i = 0; i < 20; ++i) {
		memset(chunk, '0' + i % 10, sizeof(chunk));
		evbuffer_add(b, chunk, sizeof(chunk));
	}
	r = evbuffer_write_atmost(b, fds[0], 7);
	printf("write_atmost 7 -> %d left %u\n", r, (unsigned)evbuffer_get_length(b));
	evbuffer_drain(in, evbuffer_get_length(in));
	total = 7;
	while (evbuffer_get_length(b) > 0) {
		r = evbuffer_write(b, fds[0]);
		if (r <= 0)
			break;
		total += r;
		while (evbuffer_read(in, fds[1], 4096) > 0)
			;
	}
	while (evbuffer_read(in, fds[1], 4096) > 0)
		;
	printf("wrote total %d received %u\n", total, (unsigned)evbuffer_get_length(in));
	show("in", in);
	evbuffer_add(b, "bye", 3);
	evbuffer_write(b, fds[0]);
	evutil_closesocket(fds[0]);
	evbuffer_drain(in, evbuffer_get_length(in));
	r = evbuffer_read(in, fds[1], 10);
	printf("read before eof -> %d\n", r);
	r = evbuffer_read(in, fds[1], 10);
	printf("read at eof -> %d\n", r);
	show("in", in);
	evutil_closesocket(fds[1]);
	evbuffer_free(b);
	evbuffer_free(in);
}

/* ---- pseudo-random sequences ---- */

static unsigned long rng_state;
static unsigned rnd(unsigned n)
{
	rng_state = (rng_state * 1103515245UL + 12345UL) & 0x7fffffffUL;
	return (unsigned)((rng_state >> 8) % n);
}

static void fill_pattern(char *p, size_t n, unsigned tag)
{
	size_t i;
	for (i = 0; i < n; ++i)
		p[i] = (char)("abc\r\ndefgh\nij\0klm"[(i + tag) % 17]);
}

static void random_sequence(unsigned long seed, int steps)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	static char data[20000];
	char out[20000];
	int i;
	rng_state = seed;
	printf("== random seed %lu\n", seed);
	for (i = 0; i < steps; ++i) {
		struct evbuffer *x = rnd(4) == 0 ? b : a, *y = x == a ? b : a;
		const char *xn = x == a ? "a" : "b";
		unsigned op = rnd(17);
		size_t n = rnd(4) == 0 ? rnd(9000) : rnd(200);
		long r = 0;
		fill_pattern(data, n, (unsigned)i);
		switch (op) {
		case 0:
		case 1:
			r = evbuffer_add(x, data, n);
			printf("%d add %s %u -> %ld", i, xn, (unsigned)n, r);
			break;
		case 2:
			r = evbuffer_prepend(x, data, n);
			printf("%d prepend %s %u -> %ld", i, xn, (unsigned)n, r);
			break;
		case 3:
			r = evbuffer_remove(x, out, n);
			printf("%d remove %s %u -> %ld h %08lx", i, xn, (unsigned)n, r,
			    hash_bytes((unsigned char *)out, r > 0 ? (size_t)r : 0));
			break;
		case 4:
			r = evbuffer_drain(x, n);
			printf("%d drain %s %u -> %ld", i, xn, (unsigned)n, r);
			break;
		case 5: {
			struct evbuffer_ptr p;
			size_t off = rnd((unsigned)evbuffer_get_length(x) + 2);
			r = evbuffer_ptr_set(x, &p, off, EVBUFFER_PTR_SET);
			printf("%d copyout_from %s @%u %u -> %ld", i, xn, (unsigned)off,
			    (unsigned)n, r);
			if (r == 0) {
				r = evbuffer_copyout_from(x, &p, out, n);
				printf(" %ld h %08lx", r,
				    hash_bytes((unsigned char *)out, r > 0 ? (size_t)r : 0));
			}
			break;
		}
		case 6: {
			ev_ssize_t sz = rnd(3) == 0 ? -1 : (ev_ssize_t)n;
			unsigned char *u = evbuffer_pullup(x, sz);
			printf("%d pullup %s %d -> ", i, xn, (int)sz);
			if (!u)
				printf("NULL");
			else
				printf("h %08lx", hash_bytes(u, sz < 0 ? evbuffer_get_length(x) : (size_t)sz));
			break;
		}
		case 7: {
			static const enum evbuffer_eol_style st[] = { EVBUFFER_EOL_ANY,
			    EVBUFFER_EOL_CRLF, EVBUFFER_EOL_CRLF_STRICT, EVBUFFER_EOL_LF,
			    EVBUFFER_EOL_NUL };
			unsigned s = rnd(5);
			size_t got = 0;
			char *line = evbuffer_readln(x, &got, st[s]);
			printf("%d readln %s %s -> ", i, xn, style_name(st[s]));
			if (line)
				printf("n %u h %08lx", (unsigned)got,
				    hash_bytes((unsigned char *)line, got));
			else
				printf("NULL");
			free(line);
			break;
		}
		case 8: {
			struct evbuffer_ptr p;
			size_t nl = 1 + rnd(4);
			char needle[4];
			struct evbuffer_ptr start;
			size_t off = rnd((unsigned)evbuffer_get_length(x) + 1);
			fill_pattern(needle, nl, rnd(17));
			evbuffer_ptr_set(x, &start, off, EVBUFFER_PTR_SET);
			p = evbuffer_search(x, needle, nl, &start);
			printf("%d search %s @%u len %u -> %d", i, xn, (unsigned)off,
			    (unsigned)nl, (int)p.pos);
			break;
		}
		case 9:
			r = evbuffer_add_buffer(x, y);
			printf("%d add_buffer %s <- other -> %ld", i, xn, r);
			break;
		case 10:
			r = evbuffer_remove_buffer(x, y, n);
			printf("%d remove_buffer %s -> other %u -> %ld", i, xn, (unsigned)n, r);
			break;
		case 11:
			r = evbuffer_prepend_buffer(x, y);
			printf("%d prepend_buffer %s <- other -> %ld", i, xn, r);
			break;
		case 12: {
			struct evbuffer_iovec v[2];
			int nv = evbuffer_reserve_space(x, n ? n : 1, v, 2), k, used = 0;
			size_t total = 0, want = n / 2;
			for (k = 0; k < nv && total < want; ++k) {
				size_t take = v[k].iov_len;
				if (take > want - total)
					take = want - total;
				memcpy(v[k].iov_base, data + total, take);
				v[k].iov_len = take;
				total += take;
				used = k + 1;
			}
			r = evbuffer_commit_space(x, v, used);
			printf("%d reserve %s %u commit %u -> %ld", i, xn, (unsigned)n,
			    (unsigned)total, r);
			break;
		}
		case 13: {
			size_t eol_len = 0;
			struct evbuffer_ptr p = evbuffer_search_eol(x, NULL, &eol_len, EVBUFFER_EOL_CRLF);
			printf("%d search_eol %s -> %d", i, xn, (int)p.pos);
			if (p.pos >= 0)
				printf(" eol_len %u", (unsigned)eol_len);
			break;
		}
		case 14:
			r = evbuffer_add_printf(x, "<%u:%s>", (unsigned)n, n % 2 ? "odd" : "even");
			printf("%d add_printf %s -> %ld", i, xn, r);
			break;
		case 15: {
			struct evbuffer_iovec v[32];
			struct evbuffer_ptr p;
			size_t off = rnd((unsigned)evbuffer_get_length(x) + 1), have = 0;
			int nv, k;
			evbuffer_ptr_set(x, &p, off, EVBUFFER_PTR_SET);
			nv = evbuffer_peek(x, n, &p, v, 32);
			for (k = 0; k < nv && k < 32 && have < n; ++k) {
				size_t take = v[k].iov_len;
				if (take > n - have)
					take = n - have;
				memcpy(out + have, v[k].iov_base, take);
				have += take;
			}
			/* peek only reports complete coverage when nv <= 32. */
			printf("%d peek %s @%u %u -> have %u h %08lx", i, xn, (unsigned)off,
			    (unsigned)n, (unsigned)(nv <= 32 ? have : 0),
			    nv <= 32 ? hash_bytes((unsigned char *)out, have) : 0UL);
			break;
		}
		default:
			r = evbuffer_expand(x, n);
			printf("%d expand %s %u -> %ld", i, xn, (unsigned)n, r);
			break;
		}
		printf(" | a %u b %u\n", (unsigned)evbuffer_get_length(a),
		    (unsigned)evbuffer_get_length(b));
	}
	show("final a", a);
	show("final b", b);
	evbuffer_free(a);
	evbuffer_free(b);
}

/* A callback on a random sequence checks that orig_size/n_added/n_deleted
 * always describe the length change exactly. */
static size_t tracked_len;
static int track_errors, track_calls;
static void track_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)arg;
	track_calls++;
	if (info->orig_size != tracked_len ||
	    info->orig_size + info->n_added - info->n_deleted != evbuffer_get_length(buf))
		track_errors++;
	tracked_len = evbuffer_get_length(buf);
}

static void random_callback_sequence(unsigned long seed)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	static char data[5000];
	int i;
	rng_state = seed;
	tracked_len = 0;
	track_errors = track_calls = 0;
	evbuffer_add_cb(a, track_cb, NULL);
	for (i = 0; i < 400; ++i) {
		size_t n = rnd(3000);
		fill_pattern(data, n, (unsigned)i);
		switch (rnd(7)) {
		case 0: evbuffer_add(a, data, n); break;
		case 1: evbuffer_prepend(a, data, n); break;
		case 2: evbuffer_drain(a, n); break;
		case 3: evbuffer_remove_buffer(a, b, n); break;
		case 4: evbuffer_add_buffer(a, b); break;
		case 5: free(evbuffer_readln(a, NULL, EVBUFFER_EOL_LF)); break;
		default: evbuffer_add(b, data, n); break;
		}
	}
	printf("== callback sequence seed %lu: calls %d errors %d len %u\n", seed, track_calls,
	    track_errors, (unsigned)evbuffer_get_length(a));
	evbuffer_free(a);
	evbuffer_free(b);
}

int main(void)
{
	diff_report_loaded_libevent();
	/* The scenarios below print what they see; the runner compares that.
	 * A library that cannot even make a buffer fails here, loudly. */
	{
		struct evbuffer *probe = evbuffer_new();
		if (probe == NULL) {
			fprintf(stderr, "FAIL: evbuffer_new\n");
			exit(1);
		}
		evbuffer_free(probe);
	}
	test_add_remove();
	test_copyout_from_and_ptr();
	test_pullup();
	test_readln();
	test_search();
	test_peek();
	test_reserve_commit();
	test_move();
	test_reference();
	test_printf();
	test_expand();
	test_freeze();
	test_callbacks();
	test_deferred_callbacks();
	test_socket_io();
	random_sequence(1, 300);
	random_sequence(12345, 300);
	random_sequence(987654321, 300);
	random_callback_sequence(7);
	random_callback_sequence(99);
	return 0;
}
