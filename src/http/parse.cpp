// HTTP/1.x head, framing and chunk-line parsers (see parse.hpp).
#include "http/parse.hpp"

#include <cstring>

#include "util/chars.hpp"

namespace ev::http {

namespace {

constexpr bool tchar_table(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

struct TcharMap {
  bool v[256];
  constexpr TcharMap() : v() {
    for (int i = 0; i < 256; ++i) v[i] = tchar_table(static_cast<unsigned char>(i));
  }
};
constexpr TcharMap kTchar;

// Field-value bytes: VCHAR, SP, HTAB, obs-text.
inline bool is_value_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u == '\t' || u >= 0x20 ? u != 0x7f : false;
}

inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

ParseError parse_version(const char* p, std::size_t n, int* major, int* minor) {
  if (n != 8 || std::memcmp(p, "HTTP/", 5) != 0 || !is_digit(p[5]) || p[6] != '.' ||
      !is_digit(p[7]))
    return ParseError::kBadVersion;
  *major = p[5] - '0';
  *minor = p[7] - '0';
  return ParseError::kOk;
}

// Parses "1*DIGIT" with an overflow guard (values above 2^62 are refused).
bool parse_decimal(const char* p, std::size_t n, std::uint64_t* out) {
  if (n == 0) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(p[i])) return false;
    if (v > (std::uint64_t{1} << 62) / 10) return false;
    v = v * 10 + static_cast<unsigned>(p[i] - '0');
  }
  *out = v;
  return true;
}

// Calls fn(element, last) for each element of a comma-separated field
// value, white space around it trimmed (empty elements included); stops at
// the first result other than kOk and returns it.
template <class Fn>
ParseError for_each_element(Span v, Fn fn) {
  std::size_t i = 0;
  while (i <= v.n) {
    std::size_t j = i;
    while (j < v.n && v.p[j] != ',') ++j;
    std::size_t a = i, b = j;
    while (a < b && is_ows(v.p[a])) ++a;
    while (b > a && is_ows(v.p[b - 1])) --b;
    ParseError e = fn(Span{v.p + a, b - a}, j == v.n);
    if (e != ParseError::kOk) return e;
    i = j + 1;
  }
  return ParseError::kOk;
}

// Content-Length: 1*DIGIT, or a list of identical values ("5, 5").
ParseError note_content_length(Head* h, Span v) {
  return for_each_element(v, [h](Span e, bool) {
    std::uint64_t len;
    if (!parse_decimal(e.p, e.n, &len)) return ParseError::kBadContentLength;
    if (h->has_length && h->length != len) return ParseError::kConflictingLength;
    h->has_length = true;
    h->length = len;
    return ParseError::kOk;
  });
}

// Transfer-Encoding: comma-separated codings; chunked may only come last,
// once.  Several field lines form one list.
ParseError note_transfer_encoding(Head* h, Span v) {
  return for_each_element(v, [h](Span coding, bool last) {
    if (coding.n == 0)  // only a trailing empty element after a coding is allowed
      return last && h->has_te ? ParseError::kOk : ParseError::kBadTransferEncoding;
    if (h->chunked) return ParseError::kBadTransferEncoding;  // anything after chunked
    h->has_te = true;
    if (coding.ieq("chunked")) {
      h->chunked = true;
      h->te_other = false;
      return ParseError::kOk;
    }
    for (std::size_t k = 0; k < coding.n; ++k)
      if (!kTchar.v[static_cast<unsigned char>(coding.p[k])] && coding.p[k] != ';' &&
          coding.p[k] != '=' && !is_ows(coding.p[k]) && coding.p[k] != '"')
        return ParseError::kBadTransferEncoding;
    h->te_other = true;
    return ParseError::kOk;
  });
}

// Parses one field line (no terminator) into name and trimmed value.
ParseError split_field(const char* p, std::size_t n, Span* name, Span* value) {
  if (n == 0) return ParseError::kBadHeaderName;
  if (is_ows(p[0])) return ParseError::kObsFold;
  std::size_t i = 0;
  while (i < n && kTchar.v[static_cast<unsigned char>(p[i])]) ++i;
  if (i == n) return ParseError::kBadHeaderName;
  if (p[i] != ':') {
    if (i > 0 && is_ows(p[i])) {
      std::size_t k = i;
      while (k < n && is_ows(p[k])) ++k;
      if (k < n && p[k] == ':') return ParseError::kSpaceBeforeColon;
    }
    return ParseError::kBadHeaderName;
  }
  if (i == 0) return ParseError::kBadHeaderName;
  *name = Span{p, i};
  std::size_t a = i + 1, b = n;
  for (std::size_t k = a; k < b; ++k)
    if (!is_value_char(p[k])) return p[k] == '\0' ? ParseError::kNul : ParseError::kBadHeaderValue;
  while (a < b && is_ows(p[a])) ++a;
  while (b > a && is_ows(p[b - 1])) --b;
  *value = Span{p + a, b - a};
  return ParseError::kOk;
}

// Walks the field lines of a head starting at `pos`.
ParseError parse_fields(const char* p, std::size_t n, std::size_t pos, Head* h, FieldFn fn,
                        void* ctx) {
  bool folding_ok = false;  // a previous field that may continue
  for (;;) {
    std::size_t len;
    ParseError err = ParseError::kOk;
    std::size_t used = find_line(p + pos, n - pos, &len, &err);
    if (err != ParseError::kOk) return err;
    if (used == 0) return ParseError::kNeedMore;
    if (len == 0) return ParseError::kOk;  // the empty line
    Span name, value;
    if (is_ows(p[pos])) {
      // Obsolete line folding continues the previous field; it is joined
      // with one space (RFC 9112 section 5.2, as libevent does).  Framing
      // fields never continue: their value is already interpreted.
      if (!folding_ok) return ParseError::kObsFold;
      std::size_t a = pos, b = pos + len;
      for (std::size_t k = a; k < b; ++k)
        if (!is_value_char(p[k]))
          return p[k] == '\0' ? ParseError::kNul : ParseError::kBadHeaderValue;
      while (a < b && is_ows(p[a])) ++a;
      while (b > a && is_ows(p[b - 1])) --b;
      if (fn != nullptr && !fn(ctx, Span{}, Span{p + a, b - a})) return ParseError::kBadHeaderValue;
      pos += used;
      continue;
    }
    err = split_field(p + pos, len, &name, &value);
    if (err != ParseError::kOk) return err;
    if (name.ieq("Content-Length")) {
      err = note_content_length(h, value);
      if (err != ParseError::kOk) return err;
    } else if (name.ieq("Transfer-Encoding")) {
      err = note_transfer_encoding(h, value);
      if (err != ParseError::kOk) return err;
    }
    folding_ok = !name.ieq("Content-Length") && !name.ieq("Transfer-Encoding");
    ++h->nfields;
    if (fn != nullptr && !fn(ctx, name, value)) return ParseError::kBadHeaderValue;
    pos += used;
  }
}

}  // namespace

bool is_tchar(char c) { return kTchar.v[static_cast<unsigned char>(c)]; }

bool Span::eq(const char* s) const {
  std::size_t l = std::strlen(s);
  return l == n && std::memcmp(p, s, n) == 0;
}

bool Span::ieq(const char* s) const {
  std::size_t i = 0;
  for (; i < n; ++i) {
    if (s[i] == '\0' || to_lower(p[i]) != to_lower(s[i])) return false;
  }
  return s[i] == '\0';
}

const char* parse_error_name(ParseError e) {
  switch (e) {
    case ParseError::kOk:
      return "ok";
    case ParseError::kNeedMore:
      return "need more";
    case ParseError::kBadRequestLine:
      return "bad request line";
    case ParseError::kBadStatusLine:
      return "bad status line";
    case ParseError::kBadVersion:
      return "bad HTTP version";
    case ParseError::kBadHeaderName:
      return "bad header name";
    case ParseError::kSpaceBeforeColon:
      return "whitespace before colon";
    case ParseError::kBadHeaderValue:
      return "bad header value";
    case ParseError::kBareCR:
      return "bare CR";
    case ParseError::kNul:
      return "NUL in head";
    case ParseError::kObsFold:
      return "obsolete line folding";
    case ParseError::kBadContentLength:
      return "bad Content-Length";
    case ParseError::kConflictingLength:
      return "conflicting Content-Length";
    case ParseError::kBadTransferEncoding:
      return "bad Transfer-Encoding";
    case ParseError::kLengthAndChunked:
      return "Content-Length with Transfer-Encoding";
    case ParseError::kBadChunkSize:
      return "bad chunk size";
    case ParseError::kChunkTooLarge:
      return "chunk too large";
    case ParseError::kBadChunkExtension:
      return "bad chunk extension";
    case ParseError::kBadChunkEnd:
      return "bad chunk end";
  }
  return "?";
}

std::size_t find_line(const char* p, std::size_t n, std::size_t* content_len, ParseError* err) {
  const void* nl = std::memchr(p, '\n', n);
  std::size_t end = nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) : n;
  // Only a CR right before the LF is allowed; NUL is never allowed.
  for (std::size_t at = 0; at < end;) {
    const void* cr = std::memchr(p + at, '\r', end - at);
    if (cr == nullptr) break;
    at = static_cast<std::size_t>(static_cast<const char*>(cr) - p);
    bool before_lf = nl != nullptr && at + 1 == end;
    bool at_data_end = nl == nullptr && at + 1 == n;  // its LF may still come
    if (!before_lf && !at_data_end) {
      *err = ParseError::kBareCR;
      return 0;
    }
    ++at;
  }
  if (std::memchr(p, '\0', end) != nullptr) {
    *err = ParseError::kNul;
    return 0;
  }
  if (nl == nullptr) return 0;
  std::size_t len = end;
  if (len > 0 && p[len - 1] == '\r') --len;
  *content_len = len;
  return end + 1;
}

std::size_t find_head_end(const char* p, std::size_t n, std::size_t* from) {
  std::size_t i = *from;
  while (i < n) {
    const void* nl = std::memchr(p + i, '\n', n - i);
    if (nl == nullptr) break;
    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - p);
    // An empty line: LF right after the previous LF (optionally with CR).
    if (at + 1 < n && p[at + 1] == '\n') return at + 2;
    if (at + 2 < n && p[at + 1] == '\r' && p[at + 2] == '\n') return at + 3;
    if (at + 2 >= n) {
      *from = at;  // the empty line may still be arriving
      return 0;
    }
    i = at + 1;
  }
  *from = n > 0 ? n - 1 : 0;
  // Leading empty lines are not a head end: a head has at least one line.
  return 0;
}

ParseError parse_request_head(const char* p, std::size_t n, Head* h, FieldFn fn, void* ctx) {
  *h = Head{};
  std::size_t len;
  ParseError err = ParseError::kOk;
  std::size_t used = find_line(p, n, &len, &err);
  if (err != ParseError::kOk) return err;
  if (used == 0) return ParseError::kNeedMore;
  // method SP request-target SP HTTP-version, then any spaces (libevent
  // strips trailing spaces; regress http/basic_trailing_space).
  while (len > 0 && p[len - 1] == ' ') --len;
  std::size_t i = 0;
  while (i < len && kTchar.v[static_cast<unsigned char>(p[i])]) ++i;
  if (i == 0 || i >= len || p[i] != ' ') return ParseError::kBadRequestLine;
  h->method = Span{p, i};
  // The version follows the last space: a target may hold spaces inside,
  // as libevent accepts ("nonconformant" URIs; regress
  // http/simple_nonconformant), but neither begins nor ends with one.
  std::size_t t = ++i;
  std::size_t v = len;
  while (v > t && p[v - 1] != ' ') --v;
  if (v <= t + 1) return ParseError::kBadRequestLine;
  std::size_t e = v - 1;  // the space before the version
  if (!is_graph(p[t]) || !is_graph(p[e - 1])) return ParseError::kBadRequestLine;
  for (std::size_t k = t; k < e; ++k)
    if (!is_graph(p[k]) && p[k] != ' ') return ParseError::kBadRequestLine;
  h->target = Span{p + t, e - t};
  i = v;
  err = parse_version(p + i, len - i, &h->major, &h->minor);
  if (err != ParseError::kOk) return err;
  return parse_fields(p, n, used, h, fn, ctx);
}

ParseError parse_response_head(const char* p, std::size_t n, Head* h, FieldFn fn, void* ctx) {
  *h = Head{};
  std::size_t len;
  ParseError err = ParseError::kOk;
  std::size_t used = find_line(p, n, &len, &err);
  if (err != ParseError::kOk) return err;
  if (used == 0) return ParseError::kNeedMore;
  if (len < 12 || p[8] != ' ') return ParseError::kBadStatusLine;
  err = parse_version(p, 8, &h->major, &h->minor);
  if (err != ParseError::kOk) return err;
  if (!is_digit(p[9]) || !is_digit(p[10]) || !is_digit(p[11]) || p[9] == '0')
    return ParseError::kBadStatusLine;
  h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  if (len > 12) {
    if (p[12] != ' ') return ParseError::kBadStatusLine;
    for (std::size_t k = 13; k < len; ++k)
      if (!is_value_char(p[k])) return ParseError::kBadStatusLine;
    h->reason = Span{p + 13, len - 13};
  } else {
    h->reason = Span{p + len, 0};
  }
  return parse_fields(p, n, used, h, fn, ctx);
}

ParseError request_framing(const Head& h) {
  if (h.has_te && h.has_length) return ParseError::kLengthAndChunked;
  if (h.has_te && (!h.chunked || h.te_other)) return ParseError::kBadTransferEncoding;
  if (h.has_te && h.major == 1 && h.minor == 0) return ParseError::kBadTransferEncoding;
  return ParseError::kOk;
}

ParseError parse_chunk_size_line(const char* p, std::size_t n, std::uint64_t* size) {
  std::size_t i = 0;
  std::uint64_t v = 0;
  while (i < n && is_xdigit(p[i])) {
    if (v >> 56) return ParseError::kChunkTooLarge;  // would pass 2^60
    v = (v << 4) | static_cast<unsigned>(hex_value(p[i]));
    ++i;
  }
  if (i == 0) return ParseError::kBadChunkSize;
  // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
  while (i < n) {
    while (i < n && is_ows(p[i])) ++i;
    if (i == n) break;
    if (p[i] != ';')
      return i > 0 && !is_ows(p[i - 1]) ? ParseError::kBadChunkSize
                                        : ParseError::kBadChunkExtension;
    ++i;
    while (i < n && is_ows(p[i])) ++i;
    std::size_t s = i;
    while (i < n && kTchar.v[static_cast<unsigned char>(p[i])]) ++i;
    if (i == s) return ParseError::kBadChunkExtension;
    while (i < n && is_ows(p[i])) ++i;
    if (i < n && p[i] == '=') {
      ++i;
      while (i < n && is_ows(p[i])) ++i;
      if (i < n && p[i] == '"') {
        ++i;
        for (;;) {
          if (i >= n) return ParseError::kBadChunkExtension;
          if (p[i] == '"') break;
          if (p[i] == '\\') {
            ++i;
            if (i >= n || !is_value_char(p[i])) return ParseError::kBadChunkExtension;
          } else if (!is_value_char(p[i])) {
            return ParseError::kBadChunkExtension;
          }
          ++i;
        }
        ++i;
      } else {
        s = i;
        while (i < n && kTchar.v[static_cast<unsigned char>(p[i])]) ++i;
        if (i == s) return ParseError::kBadChunkExtension;
      }
    }
  }
  *size = v;
  return ParseError::kOk;
}

ParseError check_field_line(const char* p, std::size_t n) {
  Span name, value;
  return split_field(p, n, &name, &value);
}

}  // namespace ev::http
