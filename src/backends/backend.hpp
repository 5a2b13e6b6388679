// The interface between the event core and an IO multiplexing backend
// (epoll, poll, select, kqueue, ...).
//
// Contract
// - The core owns the mapping from descriptors to events.  It tells the backend
//   only the combined interest of each fd: a mask of EV_READ, EV_WRITE and
//   EV_CLOSED, with EV_ET when every event on that fd is edge-triggered.
// - update() is called with the base lock held (when there is one), from the
//   loop thread or any other thread, including from inside user callbacks.  A
//   backend may apply changes at once or queue them until the next dispatch,
//   but a change must take effect no later than the start of that dispatch.
//   An fd may be closed by the program right after its interest drops to 0:
//   backends must cope with EBADF/ENOENT/EEXIST from the kernel for such fds.
// - dispatch() is called with the base lock held.  Right before blocking in
//   the kernel it calls host.release_lock(), and right after the kernel
//   returns host.acquire_lock(); only then does it report readiness through
//   host.ready(fd, what).  While the lock is released other threads may call
//   update(): a backend whose kernel call uses a user-space array (poll,
//   select) must wait on a private copy.  ready() may run user code indirectly
//   (the core only queues callbacks, but it may call update() re-entrantly), so
//   a backend must not hold iterators into its own tables across ready().
//   A backend reports only what the core asked for: readiness for an fd whose
//   interest is now 0 is dropped.  EV_CLOSED is reported only by backends with
//   EV_FEATURE_EARLY_CLOSE.  Errors/hang-ups (EPOLLERR, POLLHUP, ...) are
//   reported as readable and/or writable, as the kernel's semantics imply.
// - dispatch() returns 0, or -1 on a real failure (EINTR is not one: it
//   returns 0 so that the core can process signals).
// - A backend never runs user callbacks and never allocates with plain malloc
//   (core/mm.hpp).  It is not thread-safe by itself: the base lock serialises it.
// - needs_reinit(): whether a forked child must rebuild the backend
//   (event_reinit) because the kernel object is shared with the parent.
#pragma once

#include <sys/time.h>

#include <span>

namespace ev {

class CompletionIo;  // completion_io.hpp

// What the backend calls back into (the event_base).
class BackendHost {
 public:
  virtual void ready(int fd, short what) = 0;
  virtual void release_lock() = 0;
  virtual void acquire_lock() = 0;

 protected:
  ~BackendHost() = default;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Sets the interest of `fd` from `old_events` to `new_events` (masks of
  // EV_READ|EV_WRITE|EV_CLOSED, optionally |EV_ET).  0 means "no interest".
  // Returns 0 or -1 (and logs, the way libevent does).
  virtual int update(int fd, short old_events, short new_events) = 0;

  // Waits at most `timeout` (nullptr: forever; {0,0}: poll) and reports.
  virtual int dispatch(const timeval* timeout) = 0;

  // Completion IO for socket bufferevents (completion_io.hpp), or nullptr.
  virtual CompletionIo* completion_io() { return nullptr; }
};

// Options the base passes to a backend's factory.
struct BackendOptions {
  int base_flags = 0;  // EVENT_BASE_FLAG_* (EPOLL_USE_CHANGELIST, PRECISE_TIMER, ...)
  // Offer completion IO where the backend has it (not with
  // EVENT_IOURING_NOCOMPLETION in the environment).
  bool completion_io = true;
};

// One entry of the registry, in libevent's order of preference.
struct BackendInfo {
  const char* name;  // "epoll", "poll", "select", "kqueue", "io_uring": event_base_get_method()
  int features;      // EV_FEATURE_* bits it provides
  bool needs_reinit;
  // Returns nullptr (and logs) when the kernel facility is unavailable.
  Backend* (*create)(BackendHost& host, const BackendOptions& options);
  // Chosen only when asked for: by EVENT_IOURING in the environment (tried
  // before every other method), or by avoiding every method listed before it.
  bool opt_in = false;
};

// All backends compiled into this build, most preferred first.
std::span<const BackendInfo> backend_registry();

}  // namespace ev
