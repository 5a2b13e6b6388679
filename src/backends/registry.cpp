// The backends compiled into this build, in libevent's order of preference.
// Adding a backend: one source file with its factory, plus one line here.
#include "backends/available.hpp"

#include <event2/event.h>

#include "backends/backend.hpp"

#if EV_BACKEND_HAVE_POLL
#include <poll.h>
#endif

namespace ev {

#if EV_BACKEND_HAVE_KQUEUE
Backend* create_kqueue_backend(BackendHost& host, const BackendOptions& options);
#endif
#if EV_BACKEND_HAVE_EPOLL
Backend* create_epoll_backend(BackendHost& host, const BackendOptions& options);
#endif
#if EV_BACKEND_HAVE_POLL
Backend* create_poll_backend(BackendHost& host, const BackendOptions& options);
#endif
#if EV_BACKEND_HAVE_IO_URING
Backend* create_io_uring_backend(BackendHost& host, const BackendOptions& options);
#endif
#if EV_BACKEND_HAVE_SELECT
Backend* create_select_backend(BackendHost& host, const BackendOptions& options);
#endif

namespace {

#if EV_BACKEND_HAVE_POLL && defined(POLLRDHUP)
constexpr int kPollFeatures = EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE;
#else
constexpr int kPollFeatures = EV_FEATURE_FDS;
#endif

// Constant-initialised: no guard, safe to read from any thread at any time.
constexpr BackendInfo kBackends[] = {
#if EV_BACKEND_HAVE_KQUEUE
    {"kqueue", EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_FDS, true, &create_kqueue_backend},
#endif
#if EV_BACKEND_HAVE_EPOLL
    {"epoll", EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE, true, &create_epoll_backend},
#endif
#if EV_BACKEND_HAVE_POLL
    {"poll", kPollFeatures, false, &create_poll_backend},
#endif
#if EV_BACKEND_HAVE_SELECT
    {"select", EV_FEATURE_FDS, false, &create_select_backend},
#endif
#if EV_BACKEND_HAVE_IO_URING
    // An addition of ours, opt-in and last: programs that avoid epoll still
    // get poll.  Edge-triggered through multishot polls; any pollable fd.
    {"io_uring", EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE, true,
     &create_io_uring_backend, true},
#endif
};

}  // namespace

std::span<const BackendInfo> backend_registry() { return kBackends; }

}  // namespace ev
