// Search-list expansion as pure functions on names (no resolver state).
#pragma once

#include <cstddef>

namespace ev::dns {

// Number of '.' characters in name.
int count_dots(const char* name);
// Writes name + "." + domain into out[cap] (no doubled dot when name ends
// in one; leading dots of domain skipped).  False, with out untouched, when
// the result would not fit in cap (including its NUL) or be a longer name
// than DNS allows.
bool search_join(const char* name, const char* domain, char* out, std::size_t cap);

}  // namespace ev::dns
