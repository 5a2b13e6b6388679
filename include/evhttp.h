/** @file
 * evhttp.h: the libevent 1.x HTTP header.
 *
 * Kept so old programs still build; it pulls in the old umbrella header and
 * every evhttp header, including the request layout.  New code includes
 * <event2/http.h> instead.
 *
 * <b>Thread safety</b> and <b>Callbacks</b>: see the included headers. */
#ifndef EVENT1_EVHTTP_H_INCLUDED_
#define EVENT1_EVHTTP_H_INCLUDED_

#include <event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/http_compat.h>

#endif /* EVENT1_EVHTTP_H_INCLUDED_ */
