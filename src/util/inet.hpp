// Numeric address parsing shared by the evutil address functions.
#pragma once

#include <netinet/in.h>

namespace ev {

// Dotted-quad IPv4 text as evutil_inet_pton accepts it; false when invalid.
bool parse_ipv4_text(const char* s, struct in_addr* out);
// IPv6 text (no zone) as evutil_inet_pton accepts it; false when invalid.
bool parse_ipv6_text(const char* s, struct in6_addr* out);

}  // namespace ev
