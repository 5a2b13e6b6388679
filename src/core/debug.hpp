// Debug mode (event_enable_debug_mode): a global registry of set-up events
// that turns common misuse (adding an event that was never assigned,
// re-assigning a pending one, freeing twice, blocking fds) into a clear
// fatal message instead of memory corruption.  Every check is a single
// predictable branch when debug mode is off.
#pragma once

#include <event2/event_struct.h>

namespace ev {

// Hidden: read on every event_add/del, so reached directly, not via the GOT.
extern __attribute__((visibility("hidden"))) bool g_debug_mode;
// Set once an event or base exists: enabling debug mode is then too late.
extern __attribute__((visibility("hidden"))) bool g_debug_too_late;

void debug_note_setup_slow(const event* e);
void debug_note_teardown_slow(const event* e);
void debug_note_add_slow(const event* e);
void debug_note_del_slow(const event* e);
void debug_assert_is_setup_slow(const event* e);
void debug_assert_not_added_slow(const event* e);
void debug_assert_nonblocking_slow(int fd);
void debug_registry_free();
void debug_note_deleted_quietly_slow(const event* e);

inline void debug_mark_too_late() {
  if (!__atomic_load_n(&g_debug_too_late, __ATOMIC_RELAXED))
    __atomic_store_n(&g_debug_too_late, true, __ATOMIC_RELAXED);
}
inline void debug_note_setup(const event* e) {
  if (g_debug_mode) debug_note_setup_slow(e);
  debug_mark_too_late();
}
inline void debug_forget_event(const event* e) {
  if (g_debug_mode) debug_note_teardown_slow(e);
}
inline void debug_note_add(const event* e) {
  if (g_debug_mode) debug_note_add_slow(e);
}
inline void debug_note_del(const event* e) {
  if (g_debug_mode) debug_note_del_slow(e);
}
// e was deleted by us (event_base_free): no longer added, if known at all.
inline void debug_note_deleted_quietly(const event* e) {
  if (g_debug_mode) debug_note_deleted_quietly_slow(e);
}
inline void debug_assert_is_setup(const event* e) {
  if (g_debug_mode) debug_assert_is_setup_slow(e);
}
inline void debug_assert_not_added(const event* e) {
  if (g_debug_mode) debug_assert_not_added_slow(e);
}
inline void debug_assert_nonblocking(int fd) {
  if (g_debug_mode) debug_assert_nonblocking_slow(fd);
}

}  // namespace ev
