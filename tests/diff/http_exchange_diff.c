/* evhttp request/response exchanges over loopback: raw requests to an
 * evhttp server (routing, keep-alive, pipelining, HEAD, Expect, chunked
 * bodies and replies, error pages, limits), and evhttp client requests to
 * the same server.  Responses are printed without their Date header.
 *
 * Requests that 2.1.12 accepts but RFC 9112 framing forbids (our 2.1.13-
 * and-stricter rules) are listed apart: their answers go to stderr, and a
 * run on our library fails unless each one got 400. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diff_check.h"
#include "loaded_lib.h"

static struct event_base *base;
static int port;

static void reply_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();
	const char *uri = evhttp_request_get_uri(req);
	struct evkeyval *kv;
	(void)arg;
	evbuffer_add_printf(b, "uri=%s cmd=%d body=", uri, (int)evhttp_request_get_command(req));
	evbuffer_add_buffer(b, evhttp_request_get_input_buffer(req));
	for (kv = evhttp_request_get_input_headers(req)->tqh_first; kv; kv = kv->next.tqe_next)
		evbuffer_add_printf(b, " [%s: %s]", kv->key, kv->value);
	if (strcmp(uri, "/stream") == 0) {
		struct evbuffer *c = evbuffer_new();
		evhttp_send_reply_start(req, 200, "Streaming");
		evbuffer_add_printf(c, "one");
		evhttp_send_reply_chunk(req, c);
		evbuffer_add_printf(c, "two");
		evhttp_send_reply_chunk(req, c);
		evhttp_send_reply_end(req);
		evbuffer_free(c);
	} else if (strcmp(uri, "/error") == 0) {
		evhttp_send_error(req, 503, NULL);
	} else if (strcmp(uri, "/reason") == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "X-Custom", "yes");
		evhttp_send_reply(req, 299, "Custom Reason", b);
	} else {
		evhttp_send_reply(req, 200, "OK", b);
	}
	evbuffer_free(b);
}

static void named_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add_printf(b, "named %s", (const char *)arg);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static int connect_port(void)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		fprintf(stderr, "FAIL: connect\n");
		exit(1);
	}
	return fd;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends raw bytes, serves until the peer closes or stays quiet 300 ms. */
static size_t exchange(const char *req, size_t len, char *out, size_t cap)
{
	int fd = connect_port();
	size_t got = 0;
	long quiet_since = now_ms();
	if (write(fd, req, len) != (ssize_t)len) {
		fprintf(stderr, "FAIL: write\n");
		exit(1);
	}
	while (now_ms() - quiet_since < 300) {
		struct pollfd p;
		ssize_t n;
		event_base_loop(base, EVLOOP_NONBLOCK);
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, 2) <= 0)
			continue;
		n = recv(fd, out + got, cap - got - 1, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n > 0) {
			got += (size_t)n;
			quiet_since = now_ms();
		}
	}
	out[got] = '\0';
	close(fd);
	return got;
}

/* Prints a response with Date values blanked and CRLF made visible. */
static void print_response(FILE *f, const char *r)
{
	const char *p = r;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n >= 6 && strncmp(p, "Date: ", 6) == 0)
			fprintf(f, "Date: <date>");
		else
			fwrite(p, 1, n, f);
		fprintf(f, eol ? "\\r\\n\n" : "\n");
		p += n + (eol ? 2 : 0);
	}
	fprintf(f, "--\n");
}

static const char *const requests[] = {
	"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /named HTTP/1.1\r\n\r\n",
	"GET /named?x=1 HTTP/1.1\r\n\r\n",
	"GET /na%6Ded HTTP/1.1\r\n\r\n",
	"GET /reason HTTP/1.1\r\nConnection: close\r\n\r\n",
	"GET /error HTTP/1.1\r\n\r\n",
	"GET /stream HTTP/1.1\r\n\r\n",
	"GET /stream HTTP/1.1\r\nConnection: close\r\n\r\n",
	"GET / HTTP/1.0\r\n\r\n",
	"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	"POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
	"POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	"POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
	"POST /p HTTP/1.1\r\nExpect: something\r\nContent-Length: 2\r\n\r\nhi",
	"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nConnection: close\r\n\r\n",
	"PATCH / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	"BREW /pot HTTP/1.1\r\n\r\n",
	"GET /big HTTP/1.1\r\nX-Big: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\r\n\r\n",
	"POST /p HTTP/1.1\r\nContent-Length: 500\r\n\r\n",
	"GET http://example.com/abs HTTP/1.1\r\n\r\n",
	"garbage\r\n\r\n",
	"GET /x HTTP/1.1\r\nHeader-Without-Colon\r\n\r\n",
	"GET /%3Cscript%3E HTTP/1.1\r\n\r\n",
};

/* Accepted by 2.1.12, refused (400) by ours: RFC 9112 framing. */
static const char *const stricter[] = {
	"POST /s HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"POST /s HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
	"POST /s HTTP/1.1\r\nTransfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n",
	"GET /s HTTP/1.1\r\nHost : x\r\n\r\n",
	"GET /s HTTP/1.1\r\nX: a\rb\r\n\r\n",
	"POST /s HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 junk\r\nhello\r\n0\r\n\r\n",
	"POST /s HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
	"GET /a%00b HTTP/1.1\r\n\r\n",
	"GET  /s HTTP/1.1\r\n\r\n",
};

/* 2.1.12 sends the body after a HEAD response; ours sends none. */
static const char head_request[] = "HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n";

struct client_result {
	int done;
	int code;
	char body[256];
};

static void client_cb(struct evhttp_request *req, void *arg)
{
	struct client_result *r = arg;
	r->done = 1;
	r->code = req ? evhttp_request_get_response_code(req) : -1;
	if (req) {
		struct evbuffer *b = evhttp_request_get_input_buffer(req);
		size_t n = evbuffer_get_length(b);
		if (n > sizeof(r->body) - 1)
			n = sizeof(r->body) - 1;
		evbuffer_remove(b, r->body, n);
		r->body[n] = '\0';
	}
}

static int on_ours(void)
{
	char path[4096];
	const char *p = diff_loaded_libevent(path, sizeof(path));
	return p != NULL && strncmp(p, "/usr/", 5) != 0;
}

int main(void)
{
	static char out[65536];
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	size_t i;
	int failures = 0;
	const int cmds[] = {EVHTTP_REQ_GET, EVHTTP_REQ_POST, EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE,
			    EVHTTP_REQ_HEAD};
	struct evhttp_connection *evcon;

	diff_report_loaded_libevent();
	base = diff_must(event_base_new(), "event_base_new");
	http = diff_must(evhttp_new(base), "evhttp_new");
	bound = diff_must(evhttp_bind_socket_with_handle(http, "127.0.0.1", 0), "bind");
	getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sin, &len);
	port = ntohs(sin.sin_port);
	evhttp_set_gencb(http, reply_cb, NULL);
	evhttp_set_cb(http, "/named", named_cb, "n");
	evhttp_set_max_headers_size(http, 200);
	evhttp_set_max_body_size(http, 100);

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		printf("== request %zu\n", i);
		exchange(requests[i], strlen(requests[i]), out, sizeof(out));
		print_response(stdout, out);
	}
	for (i = 0; i < sizeof(stricter) / sizeof(stricter[0]); i++) {
		printf("== stricter %zu (answer on stderr)\n", i);
		exchange(stricter[i], strlen(stricter[i]), out, sizeof(out));
		fprintf(stderr, "== stricter %zu\n", i);
		print_response(stderr, out);
		if (on_ours() && strncmp(out, "HTTP/1.1 400 ", 13) != 0) {
			fprintf(stderr, "FAIL: stricter request %zu was not refused\n", i);
			failures++;
		}
	}

	printf("== HEAD (answer on stderr)\n");
	exchange(head_request, strlen(head_request), out, sizeof(out));
	fprintf(stderr, "== HEAD\n");
	print_response(stderr, out);
	if (on_ours() && (strstr(out, "\r\n\r\n") == NULL || strstr(out, "\r\n\r\n")[4] != '\0')) {
		fprintf(stderr, "FAIL: HEAD response has a body\n");
		failures++;
	}

	evcon = diff_must(evhttp_connection_base_new(base, NULL, "127.0.0.1", (unsigned short)port),
			  "evhttp_connection_base_new");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct client_result r;
		struct evhttp_request *req;
		long start = now_ms();
		memset(&r, 0, sizeof(r));
		req = evhttp_request_new(client_cb, &r);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Host", "h");
		if (cmds[i] == EVHTTP_REQ_POST || cmds[i] == EVHTTP_REQ_PUT)
			evbuffer_add_printf(evhttp_request_get_output_buffer(req), "payload");
		evhttp_make_request(evcon, req, (enum evhttp_cmd_type)cmds[i], "/client");
		while (!r.done && now_ms() - start < 3000)
			event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		printf("client %d: done=%d code=%d body=%s\n", cmds[i], r.done, r.code, r.body);
	}
	evhttp_connection_free(evcon);
	evhttp_free(http);
	event_base_free(base);
	return failures ? 1 : 0;
}
