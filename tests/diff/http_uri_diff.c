/* evhttp URI parsing (strict and NONCONFORMANT), joining, percent-encoding
 * and decoding, query-string parsing and HTML escaping over a generated
 * corpus of URI-ish strings plus hand-written cases; every result printed. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_check.h"
#include "loaded_lib.h"

static const char *str(const char *s) { return s ? s : "(null)"; }

static void print_escaped(const char *label, const char *s, size_t n)
{
	size_t i;
	printf(" %s=", label);
	if (s == NULL) {
		printf("(null)");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void one(const char *in)
{
	unsigned flags[2] = {0, EVHTTP_URI_NONCONFORMANT};
	int f;
	char *s;
	size_t n = 0;
	struct evkeyvalq q;
	struct evkeyval *kv;
	int r;

	print_escaped("in", in, strlen(in));
	for (f = 0; f < 2; f++) {
		struct evhttp_uri *u = evhttp_uri_parse_with_flags(in, flags[f]);
		char buf[512];
		if (u == NULL) {
			printf(" |%d:fail", f);
			continue;
		}
		printf(" |%d:", f);
		print_escaped("s", evhttp_uri_get_scheme(u), u && evhttp_uri_get_scheme(u) ? strlen(evhttp_uri_get_scheme(u)) : 0);
		print_escaped("u", evhttp_uri_get_userinfo(u), evhttp_uri_get_userinfo(u) ? strlen(evhttp_uri_get_userinfo(u)) : 0);
		print_escaped("h", evhttp_uri_get_host(u), evhttp_uri_get_host(u) ? strlen(evhttp_uri_get_host(u)) : 0);
		printf(" p=%d", evhttp_uri_get_port(u));
		print_escaped("P", evhttp_uri_get_path(u), evhttp_uri_get_path(u) ? strlen(evhttp_uri_get_path(u)) : 0);
		print_escaped("q", evhttp_uri_get_query(u), evhttp_uri_get_query(u) ? strlen(evhttp_uri_get_query(u)) : 0);
		print_escaped("f", evhttp_uri_get_fragment(u), evhttp_uri_get_fragment(u) ? strlen(evhttp_uri_get_fragment(u)) : 0);
		s = evhttp_uri_join(u, buf, sizeof(buf));
		print_escaped("j", s, s ? strlen(s) : 0);
		evhttp_uri_free(u);
	}
	s = evhttp_encode_uri(in);
	print_escaped("enc", s, strlen(s));
	free(s);
	s = diff_must(evhttp_uriencode(in, -1, 1), "evhttp_uriencode");
	print_escaped("enc+", s, strlen(s));
	{
		/* Encoding with '+' for space, then decoding '+' as space, must
		 * give the input back on either library. */
		size_t back_len;
		char *back = diff_must(evhttp_uridecode(s, 1, &back_len), "evhttp_uridecode");
		if (back_len != strlen(in) || memcmp(back, in, back_len) != 0) {
			fprintf(stderr, "FAIL: uriencode/uridecode do not round-trip\n");
			exit(1);
		}
		free(back);
	}
	free(s);
	s = evhttp_decode_uri(in);
	print_escaped("dec", s, strlen(s));
	free(s);
	s = evhttp_uridecode(in, 1, &n);
	print_escaped("dec+", s, n);
	free(s);
	s = evhttp_uridecode(in, 0, &n);
	print_escaped("dec-", s, n);
	free(s);
	s = evhttp_htmlescape(in);
	print_escaped("html", s, strlen(s));
	free(s);
	r = evhttp_parse_query_str(in, &q);
	printf(" qs=%d", r);
	for (kv = q.tqh_first; kv; kv = kv->next.tqe_next) {
		print_escaped("k", kv->key, strlen(kv->key));
		print_escaped("v", kv->value, strlen(kv->value));
	}
	evhttp_clear_headers(&q);
	r = evhttp_parse_query(in, &q);
	printf(" q=%d", r);
	for (kv = q.tqh_first; kv; kv = kv->next.tqe_next) {
		print_escaped("k", kv->key, strlen(kv->key));
		print_escaped("v", kv->value, strlen(kv->value));
	}
	evhttp_clear_headers(&q);
	printf("\n");
}

static const char *const fixed[] = {
	"", "/", "http://www.example.com/", "http://user:pw@host:8080/a/b?c=d&e=f#g",
	"https://[::1]:443/x", "http://[v7.abc:def]/", "http://[::1", "http://host:99999/",
	"http://host:/p", "mailto:a@b", "//host/p", "///p", "a:b", "1a:b", "/a%20b?c+d=e%2",
	"?a=1&b=2", "#frag", "http://h?x#y", "http://a b/", "/a b", "x?a=1&&b=2", "x?=1",
	"x?a", "x?a=%zz&b=+", "http://h/p?q=%41%42", "HTTP://H/P", "foo://bar:12ab/",
	"http://@/", "http://user@/", "http://[fe80::1%25eth0]/", "h://x:0/", "h://x:65535/",
	"<script>&\"'", "a=1&b=2", "k=v=w", "sp ace=1+2",
};

int main(void)
{
	static const char alphabet[] = "aZ09:/?#[]@!$&'()*+,;=%-._~ \"<>\\^`{|}\x01\x7f\xc3\xa9";
	unsigned long seed = 12345;
	size_t i;
	int k;
	diff_report_loaded_libevent();
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		one(fixed[i]);
	for (k = 0; k < 20000; k++) {
		char buf[32];
		int len, j;
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		len = (int)((seed >> 33) % 24);
		for (j = 0; j < len; j++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			buf[j] = alphabet[(seed >> 33) % (sizeof(alphabet) - 1)];
		}
		buf[len] = '\0';
		/* Bias towards URI shapes: a scheme and authority now and then. */
		if (k % 3 == 0) {
			char shaped[64];
			snprintf(shaped, sizeof(shaped), "http://%s", buf);
			one(shaped);
		} else if (k % 3 == 1) {
			char shaped[64];
			snprintf(shaped, sizeof(shaped), "/%s", buf);
			one(shaped);
		} else {
			one(buf);
		}
	}
	return 0;
}
