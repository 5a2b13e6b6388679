// Test hooks of the epoll backend (used by tests/unit only).
#pragma once

#include "backends/backend.hpp"

namespace ev {

// The registry's factory.
Backend* create_epoll_backend(BackendHost& host, const BackendOptions& options);

// As create_epoll_backend, but PRECISE_TIMER always uses the timerfd path
// (as on kernels without epoll_pwait2).
Backend* create_epoll_backend_with_timerfd(BackendHost& host, const BackendOptions& options);

// Number of epoll_ctl calls `epoll_backend` (which must come from one of the
// two factories above) has made so far.
unsigned long epoll_ctl_calls(const Backend& epoll_backend);

}  // namespace ev
