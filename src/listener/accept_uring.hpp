// Accepts as completions for evconnlistener on an io_uring base
// (accept_uring.cpp): the listener's accept requests live in the kernel and
// their results wait here until the listener's loop-thread event takes them.
// Every function takes the base lock itself; none runs user code.
#pragma once

#include <event2/event.h>
#include <event2/util.h>

#include <sys/socket.h>

namespace ev {

struct UringAccept;

// Armed accept requests per listener: each has its own address buffer, so
// that every connection comes with its exact peer address (see the .cpp).
// 16: under a connect storm, io_uring_enter calls per connection are 0.27
// with 4, 0.15 with 8, 0.08 with 16 and 0.07 with 32 requests.
inline constexpr int kUringAcceptSlots = 16;

// Whether `base` runs accepts as completions (io_uring with completion IO
// and IORING_OP_ACCEPT).
bool uring_accept_offered(event_base* base);
// Completion accepts on the listening socket `fd` with accept4 `flags`;
// `ready` (an event of the listener's, never pending) is activated when
// results wait while accepting is on.  nullptr: the listener polls instead.
UringAccept* uring_accept_attach(event_base* base, evutil_socket_t fd, int flags, event* ready);
// Turns accepting on (arms every idle request; activates `ready` if results
// wait) or off (cancels the armed requests: results they still bring are
// kept for the next time it is on).  Returns 0, or -1 when nothing could be
// armed.
int uring_accept_set(UringAccept* ua, bool on);
// Takes the oldest result: true with *res (the new descriptor, or -errno)
// and its peer address; false when none waits.
bool uring_accept_pop(UringAccept* ua, int* res, sockaddr_storage* addr, socklen_t* len);
// Runs `ready` again on the next loop iteration if results wait (the
// listener could not take its lock).
void uring_accept_retry(UringAccept* ua);
// The listener goes: cancels the requests at once (so that closing the
// listening socket right after really closes it) and closes the
// descriptors of results nobody took.  The state itself goes with the
// requests' last completions.
void uring_accept_detach(UringAccept* ua);

}  // namespace ev
