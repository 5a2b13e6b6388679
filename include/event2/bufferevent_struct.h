/** @file
 * The layout of struct bufferevent.
 *
 * Only for programs that must embed or inspect a bufferevent directly (old
 * code reading bev->input and friends).  The layout is part of the ABI and
 * therefore frozen; new code should use the accessors in
 * <event2/bufferevent.h>, which this header expects to be included first.
 *
 * @par Thread safety
 * The fields change under the bufferevent's lock (with
 * BEV_OPT_THREADSAFE); read them only while holding it
 * (bufferevent_lock()), or better through the accessors.  Writing them
 * directly bypasses the library's bookkeeping: change callbacks, timeouts,
 * watermarks and enabled directions with the functions of
 * <event2/bufferevent.h>.
 *
 * @par Callbacks
 * This header declares no functions; see <event2/bufferevent.h>. */
#ifndef EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>
/* struct event is embedded below, so its full definition is needed. */
#include <event2/event_struct.h>

/** A low/high pair of buffer sizes controlling when callbacks run and when
 * reading pauses.  A high mark of 0 means "no limit". */
struct event_watermark {
	/** Low mark: for reading, the read callback waits for this many bytes;
	 * for writing, the write callback runs once the output is at or below it. */
	size_t low;
	/** High mark: reading pauses while the input holds this much (0: no
	 * limit); unused for writing. */
	size_t high;
};

/** A buffered I/O object; see <event2/bufferevent.h>. */
struct bufferevent {
	/** The base this bufferevent runs on. */
	struct event_base *ev_base;
	/** Implementation table of the bufferevent type (socket, pair, ...). */
	const struct bufferevent_ops *be_ops;
	/** Internal read readiness / timeout event. */
	struct event ev_read;
	/** Internal write readiness / timeout event. */
	struct event ev_write;
	/** Received data not yet consumed by the user. */
	struct evbuffer *input;
	/** Data queued by the user and not yet sent. */
	struct evbuffer *output;
	/** Watermarks of the input direction. */
	struct event_watermark wm_read;
	/** Watermarks of the output direction. */
	struct event_watermark wm_write;
	/** User callback: enough input arrived (see bufferevent_setcb()). */
	bufferevent_data_cb readcb;
	/** User callback: the output drained to its low watermark. */
	bufferevent_data_cb writecb;
	/** User callback: an event (BEV_EVENT_* bits) happened. */
	bufferevent_event_cb errorcb;
	/** Argument passed to the three user callbacks. */
	void *cbarg;
	/** Read inactivity timeout; all-zero means none. */
	struct timeval timeout_read;
	/** Write inactivity timeout; all-zero means none. */
	struct timeval timeout_write;
	/** Enabled directions: a mask of EV_READ and EV_WRITE. */
	short enabled;
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_ */
