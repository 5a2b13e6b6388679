// accept() with the new socket's flags set atomically, and the policy for
// telling apart accept() failures.
#pragma once

#include <event2/util.h>

#include <sys/socket.h>

namespace ev {

// Connections accepted per readiness notification at most, so that a flooded
// listener cannot starve the other events of its loop.  The read event is
// level-triggered: whatever is left is offered again on the next iteration.
inline constexpr int kMaxAcceptsPerWakeup = 32;

// After an accept() failure that retrying at once cannot fix (EMFILE, ENFILE,
// ENOBUFS, ...), the listener stops polling for this long, doubling on each
// consecutive failure up to the maximum, and resets after a success.
inline constexpr int kFirstAcceptBackoffMs = 50;
inline constexpr int kMaxAcceptBackoffMs = 1000;

// Flags for accept_socket() derived from the LEV_OPT_* options.
int accept_flags_for(unsigned lev_options);

// Accepts one connection on 'listen_fd'; the new socket is non-blocking
// and/or close-on-exec as 'flags' says, set atomically where the platform
// allows.  Returns the socket or -1 with errno set.
evutil_socket_t accept_socket(evutil_socket_t listen_fd, sockaddr* addr, socklen_t* len, int flags);

// True for accept() errors that concern one connection only (it was reset,
// the network failed under it, a signal interrupted us): skip it and go on.
bool accept_error_is_transient(int err);

// True when accept() found no pending connection.
bool accept_error_is_empty(int err);

}  // namespace ev
