// evutil's address parsers over arbitrary text: evutil_parse_sockaddr_port,
// evutil_inet_pton for both families, and evutil_inet_ntop of what parsed,
// which must parse back to the same bytes.
#include <event2/util.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256) return 0;
  char text[257];
  std::memcpy(text, data, size);
  text[size] = '\0';

  sockaddr_storage ss{};
  int len = static_cast<int>(sizeof ss);
  if (evutil_parse_sockaddr_port(text, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) std::abort();
    if (len <= 0 || len > static_cast<int>(sizeof ss)) std::abort();
  }

  const int families[] = {AF_INET, AF_INET6};
  for (int af : families) {
    unsigned char addr[16], again[16];
    if (evutil_inet_pton(af, text, addr) != 1) continue;
    char out[64];
    if (!evutil_inet_ntop(af, addr, out, sizeof out)) std::abort();
    if (evutil_inet_pton(af, out, again) != 1) std::abort();
    if (std::memcmp(addr, again, af == AF_INET ? 4 : 16) != 0) std::abort();
    // A buffer too small must fail, never truncate or overflow.
    char tiny[4];
    if (evutil_inet_ntop(af, addr, tiny, sizeof tiny) && std::strlen(out) >= sizeof tiny)
      std::abort();
  }
  return 0;
}
