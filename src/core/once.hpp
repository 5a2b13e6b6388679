// event_base_once(): one-shot callbacks whose event the base allocates and
// frees itself (also used by event_base_loopexit).
#pragma once

#include <event2/event.h>
#include <event2/event_struct.h>

namespace ev {

struct OnceEvent {
  event ev;  // first member: the callback gets back here from &ev
  event_callback_fn cb;
  void* arg;
  OnceEvent* next;
  OnceEvent** prev;  // address of the link pointing at us
};

}  // namespace ev
