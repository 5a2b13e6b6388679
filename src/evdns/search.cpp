// Search-list expansion (see search.hpp).
#include "evdns/search.hpp"

#include <cstring>

#include "evdns/wire.hpp"

namespace ev::dns {

int count_dots(const char* name) {
  int n = 0;
  for (; *name != '\0'; ++name)
    if (*name == '.') ++n;
  return n;
}

bool search_join(const char* name, const char* domain, char* out, std::size_t cap) {
  while (*domain == '.') ++domain;
  std::size_t nlen = std::strlen(name);
  std::size_t dlen = std::strlen(domain);
  bool dot = nlen == 0 || name[nlen - 1] != '.';
  std::size_t total = nlen + (dot ? 1 : 0) + dlen;
  if (total + 1 > cap || total + 1 > kNameBuf) return false;
  std::memcpy(out, name, nlen);
  if (dot) out[nlen] = '.';
  std::memcpy(out + nlen + (dot ? 1 : 0), domain, dlen);
  out[total] = '\0';
  return true;
}

}  // namespace ev::dns
