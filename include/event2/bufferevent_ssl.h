/** @file
 * Bufferevents that speak TLS through OpenSSL.
 *
 * The functions live in the separate libevent_openssl library.  They take
 * the OpenSSL session as an opaque struct ssl_st, so this header does not
 * need OpenSSL's headers.  A TLS bufferevent is used like any other
 * (<event2/bufferevent.h>): data written to it is encrypted, data read
 * from it has been decrypted.  Handshake and TLS failures are reported as
 * BEV_EVENT_ERROR; the OpenSSL error codes behind them can then be read
 * with bufferevent_get_openssl_error().
 *
 * <b>Thread safety.</b>  As for other bufferevents: a TLS bufferevent
 * created with BEV_OPT_THREADSAFE (after evthread_use_pthreads()) may be
 * used from several threads, and the functions below take its lock; a
 * filter created with BEV_OPT_THREADSAFE over a thread-safe underlying
 * bufferevent shares that one's lock.  Otherwise use it only from the thread running
 * its event base.  The SSL object must not be used directly while the
 * bufferevent may use it.
 *
 * <b>Callbacks.</b>  The functions below may be called from the
 * bufferevent's own callbacks (read, write and event callbacks) as well as
 * from anywhere else the rules above allow. */
#ifndef EVENT2_BUFFEREVENT_SSL_H_INCLUDED_
#define EVENT2_BUFFEREVENT_SSL_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/** OpenSSL's SSL object (SSL in <openssl/ssl.h>). */
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

/**
 * @brief Create a TLS bufferevent on top of another bufferevent.
 *
 * The TLS records travel through @p underlying (whose callbacks the new
 * bufferevent takes over), so TLS can run over a filter, a pair or a
 * socket bufferevent.
 *
 * @param base the event base; NULL uses that of @p underlying.
 * @param underlying the transport; must not be NULL.  With
 *        BEV_OPT_CLOSE_ON_FREE it is freed when the TLS bufferevent is
 *        freed; otherwise it stays the caller's, with its callbacks
 *        cleared, after the TLS bufferevent is freed.
 * @param ssl a new SSL object (from SSL_new()); must not be NULL.  With
 *        BEV_OPT_CLOSE_ON_FREE the bufferevent frees it (with SSL_free())
 *        when it is freed, and also when this function fails; without that
 *        option it stays the caller's.
 * @param state BUFFEREVENT_SSL_CONNECTING for a client,
 *        BUFFEREVENT_SSL_ACCEPTING for a server, BUFFEREVENT_SSL_OPEN if
 *        the handshake is already done.
 * @param options a mask of BEV_OPT_* options.
 * @return the bufferevent, to be freed with bufferevent_free(); NULL (with
 *         a warning) if @p underlying or @p ssl is NULL, @p state is
 *         invalid, or the bufferevent could not be created.
 */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_openssl_filter_new(struct event_base *base,
    struct bufferevent *underlying,
    struct ssl_st *ssl,
    enum bufferevent_ssl_state state,
    int options);

/**
 * @brief Create a TLS bufferevent on a socket.
 *
 * @param base the event base; must not be NULL.
 * @param fd the connected (or, with -1, not yet set) socket.  If @p ssl
 *        already has a socket BIO, -1 takes its descriptor and any other
 *        value must equal it.  With -1 and no socket, set one later with
 *        bufferevent_setfd() or connect with bufferevent_socket_connect().
 *        With BEV_OPT_CLOSE_ON_FREE the socket is closed when the
 *        bufferevent is freed.
 * @param ssl a new SSL object; must not be NULL.  Ownership as for
 *        bufferevent_openssl_filter_new(): freed by the bufferevent (also
 *        on failure) only with BEV_OPT_CLOSE_ON_FREE.
 * @param state BUFFEREVENT_SSL_CONNECTING for a client,
 *        BUFFEREVENT_SSL_ACCEPTING for a server, BUFFEREVENT_SSL_OPEN if
 *        the handshake is already done.
 * @param options a mask of BEV_OPT_* options.
 * @return the bufferevent, to be freed with bufferevent_free(); NULL (with
 *         a warning) if @p base or @p ssl is NULL, @p state is invalid,
 *         @p fd differs from the SSL's descriptor, or the bufferevent could
 *         not be created.
 */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_openssl_socket_new(struct event_base *base,
    evutil_socket_t fd,
    struct ssl_st *ssl,
    enum bufferevent_ssl_state state,
    int options);

/**
 * @brief Tell how an unclean TLS shutdown is reported.
 *
 * @param bev a TLS bufferevent.
 * @return 1 if a connection closed without a TLS close_notify is reported
 *         as BEV_EVENT_EOF; 0 if it is reported as BEV_EVENT_ERROR (the
 *         default); -1 if @p bev is not a TLS bufferevent.
 */
EVENT2_EXPORT_SYMBOL
int bufferevent_openssl_get_allow_dirty_shutdown(struct bufferevent *bev);

/**
 * @brief Choose how an unclean TLS shutdown is reported.
 *
 * Many peers close the connection without sending a TLS close_notify.  By
 * default that is a BEV_EVENT_ERROR (with an "unexpected EOF" OpenSSL
 * error queued); allowing dirty shutdowns reports it as BEV_EVENT_EOF.
 *
 * @param bev a TLS bufferevent; nothing happens for other kinds.
 * @param allow_dirty_shutdown nonzero to report it as EOF, zero as an
 *        error.
 */
EVENT2_EXPORT_SYMBOL
void bufferevent_openssl_set_allow_dirty_shutdown(struct bufferevent *bev,
    int allow_dirty_shutdown);

/**
 * @brief Get the SSL object of a TLS bufferevent.
 *
 * Useful to inspect the peer certificate or the negotiated protocol.
 *
 * @param bufev the bufferevent.
 * @return the SSL object, still used (and with BEV_OPT_CLOSE_ON_FREE owned)
 *         by the bufferevent; NULL if @p bufev is not a TLS bufferevent.
 */
EVENT2_EXPORT_SYMBOL
struct ssl_st *
bufferevent_openssl_get_ssl(struct bufferevent *bufev);

/**
 * @brief Start a TLS renegotiation.
 *
 * Only possible for TLS 1.2 and older, after the handshake finished.
 *
 * @param bev a TLS bufferevent.
 * @return 0 when the renegotiation was started; -1 (with a warning) if
 *         @p bev is not a TLS bufferevent, the connection is closed, the
 *         handshake is not finished, the protocol is TLS 1.3, or OpenSSL
 *         refused (the OpenSSL errors are then queued for
 *         bufferevent_get_openssl_error()).
 */
EVENT2_EXPORT_SYMBOL
int bufferevent_ssl_renegotiate(struct bufferevent *bev);

/**
 * @brief Take the oldest queued OpenSSL error of a TLS bufferevent.
 *
 * The bufferevent keeps up to three OpenSSL error codes from its failures
 * (later ones are dropped while the queue is full).  Call this in the
 * event callback after BEV_EVENT_ERROR until it returns 0; decode the codes
 * with ERR_error_string() and friends.
 *
 * @param bev a TLS bufferevent.
 * @return the error code, removed from the queue; 0 if the queue is empty
 *         or @p bev is not a TLS bufferevent.
 */
EVENT2_EXPORT_SYMBOL
unsigned long bufferevent_get_openssl_error(struct bufferevent *bev);

#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_SSL_H_INCLUDED_ */
