/** @file
 * event.h: the libevent 1.x umbrella header.
 *
 * Pulls in the event, buffer, bufferevent and tagging APIs together with
 * their compatibility layers (<event2/event_struct.h>,
 * <event2/event_compat.h>, <event2/buffer_compat.h>,
 * <event2/bufferevent_struct.h>, <event2/bufferevent_compat.h>,
 * <event2/tag_compat.h>), as old programs expect.  New code includes the
 * <event2/...> headers it needs instead.
 *
 * @par Thread safety
 * This header declares nothing itself; each included header states its
 * rules.  The 1.x functions that act on the current base of event_init()
 * are only safe with one base used from one thread.
 *
 * @par Callbacks
 * See the included headers. */
#ifndef EVENT1_EVENT_H_INCLUDED_
#define EVENT1_EVENT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <stdint.h>
#include <stdarg.h>

/* Integer and socket types. */
#include <evutil.h>

/* The compat headers below carry no linkage block of their own, so C++
 * programs get C linkage for them from this one. */
#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event_struct.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/bufferevent_compat.h>
#include <event2/tag.h>
#include <event2/tag_compat.h>

#ifdef __cplusplus
}
#endif

#endif /* EVENT1_EVENT_H_INCLUDED_ */
