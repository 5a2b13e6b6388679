// resolv.conf and hosts files as pure functions over bytes: they report
// what each line says to a visitor and never touch a resolver, a file or
// the network.  Text ends at the first NUL byte, as libevent reads files.
#pragma once

#include <sys/socket.h>

#include <cstddef>

namespace ev::dns {

enum class ConfItem {
  Nameserver,   // a = address text
  Domain,       // a = domain (replaces the search list)
  SearchClear,  // a "search" line starts: the list is replaced...
  SearchAdd,    // ...by these domains, in order
  Option,       // a = option name (may carry ":value"), b = value ("" if none)
};

using ConfVisitor = void (*)(void* ctx, ConfItem item, const char* a, const char* b);

// Lines end at '\n'; tokens are separated by spaces and tabs.  Keywords:
// nameserver, domain, search, options (each "name:value" token).  Other
// lines (comments included) say nothing.  Returns false only when out of
// memory.
bool parse_resolv_conf(const char* data, std::size_t len, ConfVisitor visit, void* ctx);

// One hosts entry: name and address (port 0).
using HostsVisitor = void (*)(void* ctx, const char* name, const sockaddr* sa, int salen);

// Lines "address name [name...]" with '#' comments; a line whose address
// does not parse, or carries a port, is skipped.  Returns false only when
// out of memory.
bool parse_hosts(const char* data, std::size_t len, HostsVisitor visit, void* ctx);

}  // namespace ev::dns
