/** @file
 * evutil.h: the libevent 1.x name of the utility header.
 *
 * Kept so old programs still build; new code includes <event2/util.h>.
 *
 * <b>Thread safety</b> and <b>Callbacks</b>: see <event2/util.h>. */
#ifndef EVENT1_EVUTIL_H_INCLUDED_
#define EVENT1_EVUTIL_H_INCLUDED_

#include <event2/util.h>

#endif /* EVENT1_EVUTIL_H_INCLUDED_ */
