// Which kernel facilities this platform offers.  The one place where the
// backends' platform conditions are spelled out: each backend file compiles
// to nothing when its facility is missing, and registry.cpp lists only the
// backends that exist.
#pragma once

#if defined(__linux__) && __has_include(<sys/epoll.h>)
#define EV_BACKEND_HAVE_EPOLL 1
#else
#define EV_BACKEND_HAVE_EPOLL 0
#endif

#if __has_include(<sys/event.h>)
#define EV_BACKEND_HAVE_KQUEUE 1
#else
#define EV_BACKEND_HAVE_KQUEUE 0
#endif

#if __has_include(<poll.h>)
#define EV_BACKEND_HAVE_POLL 1
#else
#define EV_BACKEND_HAVE_POLL 0
#endif

#if __has_include(<sys/select.h>)
#define EV_BACKEND_HAVE_SELECT 1
#else
#define EV_BACKEND_HAVE_SELECT 0
#endif

// io_uring through raw system calls (<linux/io_uring.h>, no liburing).  Its
// poll masks are 32-bit fields laid out for little-endian hosts only.
#if defined(__linux__) && __has_include(<linux/io_uring.h>) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EV_BACKEND_HAVE_IO_URING 1
#else
#define EV_BACKEND_HAVE_IO_URING 0
#endif
