// evhttp_uri_parse (strict and NONCONFORMANT): whatever parses joins back
// into text that parses to the same parts; setters accept what parsed.
#include <event2/http.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

bool same(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return std::strcmp(a, b) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  char* text = static_cast<char*>(std::malloc(size + 1));
  std::memcpy(text, data, size);
  text[size] = '\0';
  const unsigned all_flags[] = {0u, static_cast<unsigned>(EVHTTP_URI_NONCONFORMANT)};
  for (unsigned flags : all_flags) {
    evhttp_uri* u = evhttp_uri_parse_with_flags(text, flags);
    if (u == nullptr) continue;
    char buf[8192];
    char* joined = evhttp_uri_join(u, buf, sizeof(buf));
    if (flags == 0 && joined != nullptr) {
      evhttp_uri* again = evhttp_uri_parse_with_flags(joined, 0);
      if (again == nullptr) std::abort();
      if (!same(evhttp_uri_get_scheme(u), evhttp_uri_get_scheme(again)) ||
          !same(evhttp_uri_get_host(u), evhttp_uri_get_host(again)) ||
          !same(evhttp_uri_get_path(u), evhttp_uri_get_path(again)) ||
          !same(evhttp_uri_get_query(u), evhttp_uri_get_query(again)) ||
          !same(evhttp_uri_get_fragment(u), evhttp_uri_get_fragment(again)) ||
          evhttp_uri_get_port(u) != evhttp_uri_get_port(again))
        std::abort();
      evhttp_uri_free(again);
    }
    evhttp_uri* copy = evhttp_uri_new();
    evhttp_uri_set_flags(copy, flags);
    if (evhttp_uri_set_path(copy, evhttp_uri_get_path(u)) != 0) std::abort();
    if (evhttp_uri_set_query(copy, evhttp_uri_get_query(u)) != 0) std::abort();
    if (evhttp_uri_set_fragment(copy, evhttp_uri_get_fragment(u)) != 0) std::abort();
    if (flags == 0 && evhttp_uri_set_host(copy, evhttp_uri_get_host(u)) != 0 &&
        evhttp_uri_get_host(u)[0] != '\0')
      std::abort();
    evhttp_uri_free(copy);
    evhttp_uri_free(u);
  }
  std::free(text);
  return 0;
}
