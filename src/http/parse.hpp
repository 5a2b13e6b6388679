// Pure HTTP/1.x parsers over bytes (RFC 9112), no IO and no allocation:
// the head of a request or response, Content-Length / Transfer-Encoding
// framing, chunk-size lines and trailers.  Every malformed input is
// rejected with one error value per class, so tests and fuzz targets can
// name the class they exercise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ev::http {

enum class ParseError : int {
  kOk = 0,
  kNeedMore,             // the terminator has not arrived yet
  kBadRequestLine,       // not "METHOD SP target SP HTTP/x.y"
  kBadStatusLine,        // not "HTTP/x.y SP 3DIGIT [SP reason]"
  kBadVersion,           // not "HTTP/" DIGIT "." DIGIT
  kBadHeaderName,        // empty name or a byte that is not a token character
  kSpaceBeforeColon,     // whitespace between the field name and the colon
  kBadHeaderValue,       // a control byte in a field value
  kBareCR,               // CR not followed by LF
  kNul,                  // NUL anywhere in the head
  kObsFold,              // a continuation of no field or of a framing field
  kBadContentLength,     // Content-Length that is not 1*DIGIT, or too large
  kConflictingLength,    // several Content-Length values that differ
  kBadTransferEncoding,  // final coding other than chunked, or chunked twice
  kLengthAndChunked,     // both Content-Length and Transfer-Encoding
  kBadChunkSize,         // chunk-size not 1*HEXDIG
  kChunkTooLarge,        // chunk-size that would overflow
  kBadChunkExtension,    // malformed chunk-ext
  kBadChunkEnd,          // chunk data not followed by CRLF
};

const char* parse_error_name(ParseError e);

struct Span {
  const char* p = nullptr;
  std::size_t n = 0;
  bool eq(const char* s) const;   // exact
  bool ieq(const char* s) const;  // ASCII case-insensitive
};

// Called for each header field; returning false stops the parse
// (parse_head then returns kBadHeaderValue).  A continuation line (obsolete
// line folding) comes with an empty name (name.p == nullptr) and its trimmed
// text: it extends the previous field's value, joined by one space.  Only
// the first field line, Content-Length and Transfer-Encoding cannot be
// continued (kObsFold).
using FieldFn = bool (*)(void* ctx, Span name, Span value);

struct Head {
  // Request line (requests) or status line (responses).
  Span method, target;
  int status = 0;
  Span reason;
  int major = 0, minor = 0;
  // Framing, gathered while parsing the fields.
  bool has_length = false;
  std::uint64_t length = 0;
  bool has_te = false;
  bool chunked = false;   // Transfer-Encoding ends in chunked
  bool te_other = false;  // Transfer-Encoding present but not ending in chunked
  std::size_t nfields = 0;
};

// Offset just past the empty line ending a head in p[0, n), or 0 when it is
// not there yet; `from` is where a previous call stopped (a resume hint).
std::size_t find_head_end(const char* p, std::size_t n, std::size_t* from);

// Parses a whole head p[0, n) (as delimited by find_head_end).
ParseError parse_request_head(const char* p, std::size_t n, Head* out, FieldFn fn, void* ctx);
ParseError parse_response_head(const char* p, std::size_t n, Head* out, FieldFn fn, void* ctx);

// Request framing per RFC 9112 section 6: a request carrying both lengths,
// or a coding other than chunked last, is an error.
ParseError request_framing(const Head& h);

// One line without its line terminator: "1*HEXDIG [chunk-ext]".
ParseError parse_chunk_size_line(const char* p, std::size_t n, std::uint64_t* size);

// Finds a line in p[0, n): returns the length including the terminator
// (CRLF or LF) and stores the length without it, or 0 when incomplete.
// A CR not followed by LF sets *err to kBareCR; NUL to kNul.
std::size_t find_line(const char* p, std::size_t n, std::size_t* content_len, ParseError* err);

// A trailer field line (without terminator): a valid field, discarded.
ParseError check_field_line(const char* p, std::size_t n);

// Token characters (RFC 9110 tchar).
bool is_tchar(char c);

}  // namespace ev::http
