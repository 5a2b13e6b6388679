/** @file
 * Symbol visibility for the public API.
 *
 * Our libraries are built with hidden visibility by default; every public
 * declaration carries EVENT2_EXPORT_SYMBOL so that exactly the documented C
 * API is exported.  For programs that merely include the headers the macros
 * expand to nothing.
 *
 * @par Thread safety
 * Not applicable: this header declares only macros.
 *
 * @par Callbacks
 * Not applicable: this header declares no functions. */
#ifndef EVENT2_VISIBILITY_H_INCLUDED_
#define EVENT2_VISIBILITY_H_INCLUDED_

#include <event2/event-config.h>

#if defined(EVENT2_INTERNAL_BUILD_) && defined(__GNUC__)
#define EVENT2_EXPORT_SYMBOL __attribute__((visibility("default")))
#else
#define EVENT2_EXPORT_SYMBOL
#endif

/** Data symbols that the core exports to the extra library. */
#define EVENT2_CORE_EXPORT_SYMBOL EVENT2_EXPORT_SYMBOL

#endif /* EVENT2_VISIBILITY_H_INCLUDED_ */
