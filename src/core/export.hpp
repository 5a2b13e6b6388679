// Visibility of internal symbols that our own libraries share.
//
// The extra, pthreads and openssl libraries link against libevent_core and
// need a few of its internals (memory functions, logging, locking).  Those
// are plain C functions named with the one private prefix `evpriv_` and
// marked EVPRIV_API; every other internal symbol stays hidden.
#pragma once

#define EVPRIV_API __attribute__((visibility("default")))
