// Argument checks shared by the public bufferevent entry points: a bad
// argument is logged and answered with the documented failure value.
#pragma once

#include "bufferevent/bev_core.hpp"
#include "core/log.hpp"

#define BEV_CHECK(arg, fail)                                   \
  do {                                                         \
    if ((arg) == nullptr) {                                    \
      evpriv_warnx("%s: %s must not be NULL", __func__, #arg); \
      return fail;                                             \
    }                                                          \
  } while (0)

#define BEV_CHECK_VOID(arg)                                    \
  do {                                                         \
    if ((arg) == nullptr) {                                    \
      evpriv_warnx("%s: %s must not be NULL", __func__, #arg); \
      return;                                                  \
    }                                                          \
  } while (0)
