/** @file
 * evdns.h: the libevent 1.x DNS header.
 *
 * Kept so old programs still build; it pulls in the old umbrella header and
 * every evdns header.  New code includes <event2/dns.h> instead.
 *
 * <b>Thread safety</b> and <b>Callbacks</b>: see the included headers. */
#ifndef EVENT1_EVDNS_H_INCLUDED_
#define EVENT1_EVDNS_H_INCLUDED_

#include <event.h>
#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/dns_struct.h>

#endif /* EVENT1_EVDNS_H_INCLUDED_ */
