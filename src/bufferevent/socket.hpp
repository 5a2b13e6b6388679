// The socket bufferevent type (socket.cpp), for the connect helpers and
// the compatibility entry points.
#pragma once

#include "bufferevent/bev_core.hpp"

namespace ev {

extern const bufferevent_ops kSocketOps;

bool is_socket_bev(const bufferevent* bev);
// Points ev_read/ev_write at `fd`, keeping their priority; no enabling.
void socket_assign_fd(bufferevent* bev, evutil_socket_t fd);
// bufferevent_setfd for sockets: re-targets the events and re-enables the
// enabled directions.  Lock held.
int socket_set_fd(bufferevent* bev, evutil_socket_t fd);

}  // namespace ev
