// Argument checks shared by the evbuffer API files (api_*.cpp).
#pragma once

#include "core/log.hpp"

// Returns `ret` (after a warning) from an API function given a null object.
#define EVBUF_REQUIRE(ptr, ret)                                \
  do {                                                         \
    if ((ptr) == nullptr) {                                    \
      evpriv_warnx("%s: %s must not be NULL", __func__, #ptr); \
      return ret;                                              \
    }                                                          \
  } while (0)
