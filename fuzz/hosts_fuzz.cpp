// hosts-file text: the pure parser must only report names with an address
// of a known family and no port.
#include <netinet/in.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "evdns/parsers.hpp"

using namespace ev::dns;

namespace {

void check(void*, const char* name, const sockaddr* sa, int salen) {
  if (name == nullptr || name[0] == '\0' || std::strchr(name, '#') != nullptr) std::abort();
  if (sa->sa_family == AF_INET) {
    if (salen != sizeof(sockaddr_in)) std::abort();
    if (reinterpret_cast<const sockaddr_in*>(sa)->sin_port != 0) std::abort();
  } else if (sa->sa_family == AF_INET6) {
    if (salen != sizeof(sockaddr_in6)) std::abort();
    if (reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port != 0) std::abort();
  } else {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  parse_hosts(reinterpret_cast<const char*>(data), size, check, nullptr);
  return 0;
}
