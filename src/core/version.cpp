// Version reporting: we implement the ABI of libevent 2.1.12-stable, and
// report that version so that programs' version checks behave as with it.
#include <event2/event.h>

extern "C" {

const char* event_get_version(void) { return EVENT__VERSION; }

ev_uint32_t event_get_version_number(void) { return EVENT__NUMERIC_VERSION; }

}  // extern "C"
