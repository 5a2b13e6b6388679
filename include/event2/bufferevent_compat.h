/** @file
 * Deprecated bufferevent interfaces kept from libevent 1.4.
 *
 * They rely on the global "current" event base and on names that clash with
 * evbuffer terminology; use <event2/bufferevent.h> in new code.  This header
 * expects <event2/bufferevent.h> to be included first. */
#ifndef EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_

#include <event2/visibility.h>

/** @{ */
/** Old names of the callback types. */
#define evbuffercb bufferevent_data_cb
#define everrorcb bufferevent_event_cb
/** @} */

/** Create a socket bufferevent on the current global base; it is not bound
 * to any base until bufferevent_base_set is called.  Use
 * bufferevent_socket_new instead. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_new(evutil_socket_t fd,
    evbuffercb readcb, evbuffercb writecb, everrorcb errorcb, void *cbarg);

/** Set read and write timeouts in whole seconds (0 for none).  Use
 * bufferevent_set_timeouts instead. */
EVENT2_EXPORT_SYMBOL
void bufferevent_settimeout(struct bufferevent *bufev,
    int timeout_read, int timeout_write);

/** @{ */
/** Old names of the BEV_EVENT_* bits. */
#define EVBUFFER_READ		BEV_EVENT_READING
#define EVBUFFER_WRITE		BEV_EVENT_WRITING
#define EVBUFFER_EOF		BEV_EVENT_EOF
#define EVBUFFER_ERROR		BEV_EVENT_ERROR
#define EVBUFFER_TIMEOUT	BEV_EVENT_TIMEOUT
/** @} */

/** @{ */
/** Old accessors for the input and output buffers. */
#define EVBUFFER_INPUT(x)	bufferevent_get_input(x)
#define EVBUFFER_OUTPUT(x)	bufferevent_get_output(x)
/** @} */

#endif /* EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_ */
