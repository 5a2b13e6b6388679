// Building evutil_addrinfo lists that evutil_freeaddrinfo() can release.
//
// A list is either the system resolver's (freed with freeaddrinfo()) or
// ours: every node we allocate carries EVPRIV_AI_LIBEVENT_ALLOCATED in
// ai_flags, is one block from the memory functions (node + address), and
// owns an ai_canonname made with mm_strdup.  evdns (in libevent_extra)
// builds its results with the evpriv_ functions below.
#pragma once

#include <event2/util.h>

#include <sys/socket.h>

#include "core/export.hpp"

// The ai_flags bit libevent uses to mark its own allocations.
#define EVPRIV_AI_LIBEVENT_ALLOCATED 0x80000000

extern "C" {
// One node per socket type the hints ask for (SOCK_STREAM/IPPROTO_TCP and
// SOCK_DGRAM/IPPROTO_UDP when the hints leave both open), each holding a
// copy of sa.  NULL when out of memory.
EVPRIV_API struct evutil_addrinfo* evpriv_addrinfo_new(const struct sockaddr* sa, socklen_t socklen,
                                                       const struct evutil_addrinfo* hints);
// Appends list 'more' to 'first' and returns the head of the whole list.
EVPRIV_API struct evutil_addrinfo* evpriv_addrinfo_append(struct evutil_addrinfo* first,
                                                          struct evutil_addrinfo* more);
}

namespace ev {

// A single node: the address, socket type and protocol given, flags as
// given plus EVPRIV_AI_LIBEVENT_ALLOCATED.  nullptr when out of memory.
struct addrinfo* addrinfo_node(const struct sockaddr* sa, socklen_t socklen, int socktype,
                               int protocol, int flags);

}  // namespace ev
