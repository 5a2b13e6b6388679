// Deferred callbacks: work that other modules (evbuffer callbacks,
// bufferevents with BEV_OPT_DEFER_CALLBACKS, evdns, evhttp) queue on an
// event_base to be run later from its loop, in the base's active queues.
// They use the public `struct event_callback` (event2/event_struct.h) as
// storage.  Implemented in src/core; safe from any thread when locking is on.
#pragma once

#include <event2/event_struct.h>

#include "core/export.hpp"

struct event_base;

extern "C" {
// Prepares `cb` to run fn(cb, arg) at `priority` (clamped to the base's range).
EVPRIV_API void evpriv_callback_init(struct event_callback* cb,
                                     void (*fn)(struct event_callback*, void*), void* arg,
                                     int priority);
// Queues `cb` on `base`; returns 1 if it was newly queued, 0 if already queued.
// The loop wakes up if it is blocked in another thread.
EVPRIV_API int evpriv_callback_schedule(struct event_base* base, struct event_callback* cb);
// Unqueues `cb` if queued; returns 1 if it was queued.
EVPRIV_API int evpriv_callback_cancel(struct event_base* base, struct event_callback* cb);
}
