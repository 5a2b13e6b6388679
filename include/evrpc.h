/** @file
 * evrpc.h: the libevent 1.x RPC header.
 *
 * Kept so old programs still build; it pulls in the old umbrella header and
 * every evrpc header.  New code includes <event2/rpc.h> instead.
 *
 * <b>Thread safety</b> and <b>Callbacks</b>: see the included headers. */
#ifndef EVENT1_EVRPC_H_INCLUDED_
#define EVENT1_EVRPC_H_INCLUDED_

#include <event.h>
#include <event2/rpc.h>
#include <event2/rpc_struct.h>
#include <event2/rpc_compat.h>

#endif /* EVENT1_EVRPC_H_INCLUDED_ */
