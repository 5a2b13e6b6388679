// The debug-mode registry: an open-addressing hash set of event addresses,
// each with an "added" bit.  Only used when debug mode is on.
#include "core/debug.hpp"

#include <event2/event.h>
#include <fcntl.h>

#include <cstdint>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/thread_state.hpp"

namespace ev {

bool g_debug_mode = false;
bool g_debug_too_late = false;

namespace {

// libevent's code for "abort, do not exit" in the fatal path.
constexpr int kErrAbort = static_cast<int>(0xdeaddead);

struct Entry {
  std::uintptr_t key;  // 0: empty, 1: deleted
  bool added;
};

struct Registry {
  Entry* slots = nullptr;
  std::size_t capacity = 0;  // power of two
  std::size_t used = 0;      // live + deleted
};

Registry g_registry;
SpinLock g_registry_lock;

std::size_t hash_of(std::uintptr_t key) {
  // Event addresses are at least 8-aligned; mix the useful bits.
  key >>= 3;
  key *= 0x9E3779B97F4A7C15ull;
  return static_cast<std::size_t>(key ^ (key >> 29));
}

Entry* find(std::uintptr_t key) {
  if (g_registry.capacity == 0) return nullptr;
  std::size_t mask = g_registry.capacity - 1;
  for (std::size_t i = hash_of(key) & mask;; i = (i + 1) & mask) {
    Entry& e = g_registry.slots[i];
    if (e.key == key) return &e;
    if (e.key == 0) return nullptr;
  }
}

bool rehash(std::size_t capacity) {
  auto* slots = static_cast<Entry*>(mm_calloc(capacity, sizeof(Entry)));
  if (slots == nullptr) return false;
  std::size_t used = 0;
  for (std::size_t i = 0; i < g_registry.capacity; ++i) {
    const Entry& old = g_registry.slots[i];
    if (old.key <= 1) continue;
    std::size_t j = hash_of(old.key) & (capacity - 1);
    while (slots[j].key != 0) j = (j + 1) & (capacity - 1);
    slots[j] = old;
    ++used;
  }
  mm_free(g_registry.slots);
  g_registry.slots = slots;
  g_registry.capacity = capacity;
  g_registry.used = used;
  return true;
}

Entry* insert(std::uintptr_t key) {
  if ((g_registry.used + 1) * 4 >= g_registry.capacity * 3 &&
      !rehash(g_registry.capacity ? g_registry.capacity * 2 : 64))
    return nullptr;
  std::size_t mask = g_registry.capacity - 1;
  std::size_t i = hash_of(key) & mask;
  while (g_registry.slots[i].key > 1) i = (i + 1) & mask;
  if (g_registry.slots[i].key == 0) ++g_registry.used;
  g_registry.slots[i] = Entry{key, false};
  return &g_registry.slots[i];
}

std::uintptr_t key_of(const event* e) { return reinterpret_cast<std::uintptr_t>(e); }

// The event's fields are shown only when it is known to be set up: an
// event that is not may be freed memory (a double free) or garbage.
[[noreturn]] void misuse(const char* what, const event* e) {
  evpriv_errx(kErrAbort, "%s %p (events: 0x%x, fd: %d, flags: 0x%x)", what,
              static_cast<const void*>(e), e->ev_events, e->ev_fd, e->ev_evcallback.evcb_flags);
}

[[noreturn]] void misuse_not_setup(const char* what, const event* e) {
  evpriv_errx(kErrAbort, "%s %p", what, static_cast<const void*>(e));
}

}  // namespace

void debug_note_setup_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  Entry* entry = find(key_of(e));
  if (entry == nullptr) entry = insert(key_of(e));
  if (entry == nullptr) evpriv_errx(1, "%s: out of memory", "event_debug_note_setup_");
  entry->added = false;
}

void debug_note_teardown_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  if (Entry* entry = find(key_of(e))) entry->key = 1;
}

void debug_note_add_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  Entry* entry = find(key_of(e));
  if (entry == nullptr)
    misuse_not_setup("event_debug_note_add_: noting an add on a non-setup event", e);
  entry->added = true;
}

void debug_note_del_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  Entry* entry = find(key_of(e));
  if (entry == nullptr)
    misuse_not_setup("event_debug_note_del_: noting a del on a non-setup event", e);
  entry->added = false;
}

void debug_assert_is_setup_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  // Our own internal events (a base's wake-up event, which
  // event_base_foreach_event() visits as libevent's does) are not in the
  // registry; the flags are read only for an event that is not.
  if (find(key_of(e)) == nullptr && !(e->ev_evcallback.evcb_flags & EVLIST_INTERNAL))
    misuse_not_setup("event_debug_assert_is_setup_ called on a non-initialized event", e);
}

void debug_note_deleted_quietly_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  if (Entry* entry = find(key_of(e))) entry->added = false;
}

void debug_assert_not_added_slow(const event* e) {
  SpinGuard g(g_registry_lock);
  Entry* entry = find(key_of(e));
  if (entry != nullptr && entry->added)
    misuse("event_debug_assert_not_added_ called on an already added event", e);
}

void debug_assert_nonblocking_slow(int fd) {
  if (fd < 0) return;
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags != -1 && !(flags & O_NONBLOCK))
    evpriv_errx(kErrAbort, "fd %d is not in nonblocking mode (debug mode requires it)", fd);
}

void debug_registry_free() {
  SpinGuard g(g_registry_lock);
  mm_free(g_registry.slots);
  g_registry = Registry{};
}

}  // namespace ev

extern "C" void event_enable_debug_mode(void) {
  using namespace ev;
  if (g_debug_mode) evpriv_errx(1, "%s was called twice!", "event_enable_debug_mode");
  if (g_debug_too_late)
    evpriv_errx(1, "%s must be called *before* creating any events or event_bases",
                "event_enable_debug_mode");
  g_debug_mode = true;
}

extern "C" void event_debug_unassign(struct event* e) {
  if (e == nullptr) return;
  ev::debug_assert_not_added(e);
  ev::debug_forget_event(e);
  e->ev_evcallback.evcb_flags &= ~EVLIST_INIT;
}
