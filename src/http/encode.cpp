// Percent-encoding, decoding, query strings and HTML escaping.
#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "util/chars.hpp"

namespace {

bool is_unreserved(char c) {
  return ev::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

namespace ev::http {

// decode_plus: 1 always turns '+' into ' ', 0 only after a '?', -1 never.
std::size_t decode_into(const char* uri, std::size_t length, char* out, int decode_plus) {
  std::size_t j = 0;
  bool plus = decode_plus == 1;
  for (std::size_t i = 0; i < length; ++i) {
    char c = uri[i];
    if (c == '?') {
      if (decode_plus == 0) plus = true;
    } else if (c == '+' && plus) {
      c = ' ';
    } else if (c == '%' && i + 2 < length && ev::is_xdigit(uri[i + 1]) &&
               ev::is_xdigit(uri[i + 2])) {
      c = static_cast<char>(ev::hex_value(uri[i + 1]) * 16 + ev::hex_value(uri[i + 2]));
      i += 2;
    }
    out[j++] = c;
  }
  out[j] = '\0';
  return j;
}

char* uriencode(const char* str, std::size_t n, bool space_to_plus) {
  if (n > (static_cast<std::size_t>(-1) - 1) / 3) return nullptr;
  char* out = static_cast<char*>(ev::mm_malloc(n * 3 + 1));
  if (out == nullptr) return nullptr;
  static const char kHex[] = "0123456789ABCDEF";
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = str[i];
    if (is_unreserved(c)) {
      out[j++] = c;
    } else if (c == ' ' && space_to_plus) {
      out[j++] = '+';
    } else {
      unsigned char u = static_cast<unsigned char>(c);
      out[j++] = '%';
      out[j++] = kHex[u >> 4];
      out[j++] = kHex[u & 15];
    }
  }
  out[j] = '\0';
  return out;
}

char* decode_dup(const char* uri, int decode_plus, std::size_t* size_out) {
  std::size_t n = std::strlen(uri);
  char* out = static_cast<char*>(ev::mm_malloc(n + 1));
  if (out == nullptr) return nullptr;
  std::size_t len = decode_into(uri, n, out, decode_plus);
  if (size_out != nullptr) *size_out = len;
  return out;
}

char* htmlescape(const char* html) {
  std::size_t n = 0;
  for (const char* p = html; *p != '\0'; ++p) {
    switch (*p) {
      case '<':
      case '>':
        n += 4;
        break;
      case '&':
        n += 5;
        break;
      case '"':
      case '\'':
        n += 6;
        break;
      default:
        n += 1;
    }
  }
  char* out = static_cast<char*>(ev::mm_malloc(n + 1));
  if (out == nullptr) return nullptr;
  char* q = out;
  for (const char* p = html; *p != '\0'; ++p) {
    const char* rep = nullptr;
    switch (*p) {
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '&':
        rep = "&amp;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\'':
        rep = "&#039;";
        break;
      default:
        *q++ = *p;
        continue;
    }
    std::size_t l = std::strlen(rep);
    std::memcpy(q, rep, l);
    q += l;
  }
  *q = '\0';
  return out;
}

int parse_query(const char* str, evkeyvalq* headers, bool whole_uri) {
  TAILQ_INIT(headers);
  const char* query = str;
  evhttp_uri* uri = nullptr;
  if (whole_uri) {
    uri = uri_parse(str, 0);
    if (uri == nullptr) return -1;
    query = uri->query;
  }
  int ret = 0;
  if (query != nullptr && *query != '\0') {
    const char* p = query;
    for (;;) {
      const char* amp = std::strchr(p, '&');
      std::size_t len = amp != nullptr ? static_cast<std::size_t>(amp - p) : std::strlen(p);
      const void* eq = std::memchr(p, '=', len);
      if (eq == nullptr || eq == p) {
        ret = -1;
        break;
      }
      std::size_t kn = static_cast<std::size_t>(static_cast<const char*>(eq) - p);
      const char* v = p + kn + 1;
      std::size_t vn = len - kn - 1;
      char* decoded = static_cast<char*>(ev::mm_malloc(vn + 1));
      if (decoded == nullptr) {
        ret = -1;
        break;
      }
      std::size_t dn = ev::http::decode_into(v, vn, decoded, 1);
      int r = ev::http::header_add(headers, p, kn, decoded, dn);
      ev::mm_free(decoded);
      if (r < 0) {
        ret = -1;
        break;
      }
      if (amp == nullptr || amp[1] == '\0') break;  // a trailing '&' ends the list
      p = amp + 1;
    }
  }
  if (ret < 0) headers_clear(headers);
  if (uri != nullptr) uri_free(uri);
  return ret;
}

}  // namespace ev::http
