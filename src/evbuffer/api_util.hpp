// Argument checks shared by the evbuffer API files (api_*.cpp).
#pragma once

#include "core/log.hpp"

// Returns `ret` (after a warning naming `fn`) from an API function, or from
// the out-of-line part of one, given a null object.
#define EVBUF_REQUIRE_IN(fn, ptr, ret)                   \
  do {                                                   \
    if ((ptr) == nullptr) {                              \
      evpriv_warnx("%s: %s must not be NULL", fn, #ptr); \
      return ret;                                        \
    }                                                    \
  } while (0)

// Returns `ret` (after a warning) from an API function given a null object.
#define EVBUF_REQUIRE(ptr, ret) EVBUF_REQUIRE_IN(__func__, ptr, ret)
