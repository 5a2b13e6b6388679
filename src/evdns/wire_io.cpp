// Names through the bounds-checked reader (the integer, byte and header
// accessors are inline in wire.hpp).
#include "evdns/wire.hpp"

namespace ev::dns {

bool Reader::name(char* out) {
  if (!ok_) return false;
  if (!name_decode(msg_, len_, &off_, out)) return fail();
  return true;
}

bool Reader::skip_name() {
  char tmp[kNameBuf];
  return name(tmp);
}

}  // namespace ev::dns
