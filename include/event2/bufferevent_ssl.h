/** @file
 * Bufferevents that speak TLS through OpenSSL.
 *
 * The functions live in the separate libevent_openssl library.  They take
 * the OpenSSL session as an opaque struct ssl_st, so this header does not
 * need OpenSSL's headers. */
#ifndef EVENT2_BUFFEREVENT_SSL_H_INCLUDED_
#define EVENT2_BUFFEREVENT_SSL_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/** OpenSSL's SSL object. */
struct ssl_st;

/** Which side of the handshake a new TLS bufferevent starts on. */
enum bufferevent_ssl_state {
	/** The handshake is already done. */
	BUFFEREVENT_SSL_OPEN = 0,
	/** We are the client and must start the handshake. */
	BUFFEREVENT_SSL_CONNECTING = 1,
	/** We are the server and wait for the client's handshake. */
	BUFFEREVENT_SSL_ACCEPTING = 2
};

#if defined(EVENT__HAVE_OPENSSL) || defined(EVENT_IN_DOXYGEN_)

/** Run TLS over another bufferevent.  The new bufferevent owns 'ssl'; with
 * BEV_OPT_CLOSE_ON_FREE it also frees 'underlying'.  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_openssl_filter_new(struct event_base *base,
    struct bufferevent *underlying,
    struct ssl_st *ssl,
    enum bufferevent_ssl_state state,
    int options);

/** Run TLS directly on socket 'fd' (-1 to set it later or to take the fd
 * already bound to 'ssl').  NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_openssl_socket_new(struct event_base *base,
    evutil_socket_t fd,
    struct ssl_st *ssl,
    enum bufferevent_ssl_state state,
    int options);

/** Whether a close without TLS close_notify is reported as EOF (1) rather
 * than as an error (0). */
EVENT2_EXPORT_SYMBOL
int bufferevent_openssl_get_allow_dirty_shutdown(struct bufferevent *bev);

/** Choose how an unclean TLS shutdown is reported; see the getter. */
EVENT2_EXPORT_SYMBOL
void bufferevent_openssl_set_allow_dirty_shutdown(struct bufferevent *bev,
    int allow_dirty_shutdown);

/** The SSL object of a TLS bufferevent, or NULL for other kinds. */
EVENT2_EXPORT_SYMBOL
struct ssl_st *
bufferevent_openssl_get_ssl(struct bufferevent *bufev);

/** Start a renegotiation.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_ssl_renegotiate(struct bufferevent *bev);

/** Pop the oldest queued OpenSSL error of this bufferevent, or 0. */
EVENT2_EXPORT_SYMBOL
unsigned long bufferevent_get_openssl_error(struct bufferevent *bev);

#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_SSL_H_INCLUDED_ */
