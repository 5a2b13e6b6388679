// Completion IO for socket bufferevents on an io_uring base
// (socket_uring.cpp): the socket type's hooks switch to these while
// core_of(bev)->cio is set.  Every function is called with the bufferevent
// locked.
#pragma once

#include "bufferevent/bev_core.hpp"

namespace ev {

// Switches a socket bufferevent on `fd` to completion IO when its base
// offers it and `fd` is a stream socket: ev_read/ev_write become the
// timers and completion events of the two directions.  Nothing is enabled.
// False (nothing changed) otherwise.
bool uring_attach(bufferevent* bev, evutil_socket_t fd);
// Leaves completion IO: requests are cancelled (submitted at once); with
// `close_fd` the descriptor is then closed.  ev_read/ev_write are left as
// they are (the teardown, or the caller before re-assigning them, deletes
// them: never here, under the lock, as a handler may be waiting for it).
void uring_detach(bufferevent* bev, bool close_fd);
// Whether `bev` is in completion mode.  A bufferevent whose state belongs
// to a backend event_reinit() replaced starts again on the new one (or on
// readiness), its enabled directions re-enabled.
bool uring_usable(bufferevent* bev);

// The socket type's hooks in completion mode.
int uring_enable(bufferevent* bev, short what);
int uring_disable(bufferevent* bev, short what);
void uring_try_write(bufferevent* bev);
void uring_output_grew(bufferevent* bev, const evbuffer_cb_info* info);
int uring_adj_timeouts(bufferevent* bev);

}  // namespace ev
