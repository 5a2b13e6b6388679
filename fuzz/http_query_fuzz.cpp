// Query strings and the percent/HTML codecs: parse_query(_str) never leaves
// a half-filled list, encode/decode round-trip, htmlescape leaves no markup.
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  char* text = static_cast<char*>(std::malloc(size + 1));
  std::memcpy(text, data, size);
  text[size] = '\0';
  evkeyvalq q;
  if (evhttp_parse_query_str(text, &q) != 0) {
    if (q.tqh_first != nullptr) std::abort();
  }
  evhttp_clear_headers(&q);
  if (evhttp_parse_query(text, &q) != 0 && q.tqh_first != nullptr) std::abort();
  evhttp_clear_headers(&q);

  char* enc = evhttp_uriencode(text, static_cast<ev_ssize_t>(size), 0);
  size_t n = 0;
  char* dec = evhttp_uridecode(enc, 0, &n);
  if (n != size || std::memcmp(dec, data, size) != 0) std::abort();
  std::free(enc);
  std::free(dec);
  enc = evhttp_uriencode(text, static_cast<ev_ssize_t>(size), 1);
  dec = evhttp_uridecode(enc, 1, &n);
  if (n != size || std::memcmp(dec, data, size) != 0) std::abort();
  std::free(enc);
  std::free(dec);
  std::free(evhttp_decode_uri(text));

  char* esc = evhttp_htmlescape(text);
  for (const char* p = esc; *p != '\0'; ++p)
    if (*p == '<' || *p == '>' || *p == '"' || *p == '\'') std::abort();
  std::free(esc);
  std::free(text);
  return 0;
}
