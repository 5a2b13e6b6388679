/** @file
 * Deprecated bufferevent interfaces kept from libevent 1.4.
 *
 * They rely on the global "current" event base and on names that clash with
 * evbuffer terminology; use <event2/bufferevent.h> in new code.  This header
 * expects <event2/bufferevent.h> to be included first.
 *
 * @par Thread safety
 * As for <event2/bufferevent.h>; bufferevent_new() makes a bufferevent
 * without a lock, to be used from one thread.
 *
 * @par Callbacks
 * As for <event2/bufferevent.h>: both functions may be called from
 * callbacks. */
#ifndef EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_

#include <event2/visibility.h>

/** Old name of bufferevent_data_cb. */
#define evbuffercb bufferevent_data_cb
/** Old name of bufferevent_event_cb. */
#define everrorcb bufferevent_event_cb

/** @brief Create a socket bufferevent with callbacks, without a base.
 *
 * bufferevent_socket_new(NULL, fd, 0) followed by bufferevent_setcb(): its
 * events go to the global base of event_init(), but it has no base of its
 * own until bufferevent_base_set() is called.  Use
 * bufferevent_socket_new() instead.
 * @param fd a non-blocking socket, or -1.
 * @param readcb the read callback, or NULL.
 * @param writecb the write callback, or NULL.
 * @param errorcb the event callback, or NULL.
 * @param cbarg passed to the callbacks.
 * @return the bufferevent, owned by the caller (release it with
 *   bufferevent_free()), or NULL when out of memory. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_new(evutil_socket_t fd,
    evbuffercb readcb, evbuffercb writecb, everrorcb errorcb, void *cbarg);

/** @brief Set read and write timeouts in whole seconds.
 *
 * Use bufferevent_set_timeouts() instead.
 * @param bufev the bufferevent; NULL logs a warning.
 * @param timeout_read the read timeout in seconds, 0 for none.
 * @param timeout_write the write timeout in seconds, 0 for none. */
EVENT2_EXPORT_SYMBOL
void bufferevent_settimeout(struct bufferevent *bufev,
    int timeout_read, int timeout_write);

/** Old name of BEV_EVENT_READING. */
#define EVBUFFER_READ		BEV_EVENT_READING
/** Old name of BEV_EVENT_WRITING. */
#define EVBUFFER_WRITE		BEV_EVENT_WRITING
/** Old name of BEV_EVENT_EOF. */
#define EVBUFFER_EOF		BEV_EVENT_EOF
/** Old name of BEV_EVENT_ERROR. */
#define EVBUFFER_ERROR		BEV_EVENT_ERROR
/** Old name of BEV_EVENT_TIMEOUT. */
#define EVBUFFER_TIMEOUT	BEV_EVENT_TIMEOUT

/** Old accessor: bufferevent_get_input(). */
#define EVBUFFER_INPUT(x)	bufferevent_get_input(x)
/** Old accessor: bufferevent_get_output(). */
#define EVBUFFER_OUTPUT(x)	bufferevent_get_output(x)

#endif /* EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_ */
