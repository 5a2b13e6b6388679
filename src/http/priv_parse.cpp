// libevent's line-oriented head parsing, behind the evpriv_http_* entry
// points (api_priv.cpp) that libevent's own regression program calls: a
// status or request line, then header lines (folded lines joined with a
// space), each read from an evbuffer with EVBUFFER_EOL_CRLF.
#include <cstdint>
#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "http/parse.hpp"
#include "util/chars.hpp"

namespace ev::http {

namespace {

// libevent's enum message_read_status.
constexpr int kAllDataRead = 1;
constexpr int kMoreDataExpected = 0;
constexpr int kDataCorrupted = -1;
constexpr int kDataTooLong = -3;

bool is_lws(char c) { return c == ' ' || c == '\t'; }

// Parses one first line (no terminator) into req, as the connection does.
bool apply_firstline(evhttp_request* req, const char* line, std::size_t len) {
  // The head parsers take a whole head: the line and an empty line.
  char* head = static_cast<char*>(mm_malloc(len + 4));
  if (head == nullptr) return false;
  std::memcpy(head, line, len);
  std::memcpy(head + len, "\r\n\r\n", 4);
  Head h;
  bool ok = false;
  if (req->kind == EVHTTP_REQUEST) {
    if (parse_request_head(head, len + 4, &h, nullptr, nullptr) == ParseError::kOk) {
      char* uri = request_strdup(req, StrSlot::kUri, h.target.p, h.target.n);
      if (uri != nullptr) {
        request_str_free(req, req->uri);
        req->uri = uri;
        req->type = static_cast<evhttp_cmd_type>(method_from(h.method.p, h.method.n));
        ok = true;
      }
    }
  } else if (req->kind == EVHTTP_RESPONSE) {
    if (parse_response_head(head, len + 4, &h, nullptr, nullptr) == ParseError::kOk) {
      char* old = req->response_code_line;
      req->response_code_line = nullptr;
      request_str_free(req, old);
      req->response_code_line = request_strdup(req, StrSlot::kReason, h.reason.p, h.reason.n);
      req->response_code = h.status;
      ok = req->response_code_line != nullptr;
    }
  }
  if (ok) {
    req->major = static_cast<char>(h.major);
    req->minor = static_cast<char>(h.minor);
  }
  mm_free(head);
  return ok;
}

// A folded line continues the last header: its value gains " " + line.
bool append_to_last(evkeyvalq* headers, const char* line, std::size_t len) {
  std::size_t a = 0, b = len;
  while (a < b && is_lws(line[a])) ++a;
  while (b > a && is_lws(line[b - 1])) --b;
  return header_append(headers, line + a, b - a);
}

// "key: value" (leading spaces and trailing whitespace of the value dropped).
bool add_line(evkeyvalq* headers, const char* line, std::size_t len) {
  const void* colon = std::memchr(line, ':', len);
  if (colon == nullptr) return false;
  std::size_t kn = static_cast<std::size_t>(static_cast<const char*>(colon) - line);
  std::size_t a = kn + 1, b = len;
  while (a < b && line[a] == ' ') ++a;
  while (b > a && is_lws(line[b - 1])) --b;
  if (std::memchr(line, '\r', len) != nullptr || std::memchr(line, '\n', len) != nullptr)
    return false;
  return header_add(headers, line, kn, line + a, b - a) == 0;
}

}  // namespace

// Does value[0, eos) name the transfer-coding "chunked" (any case,
// surrounding whitespace and parameters ignored)?
bool str_is_chunked(const char* value, const char* eos) {
  if (eos == nullptr) eos = value + std::strlen(value);
  while (value < eos && is_lws(*value)) ++value;
  const char* end = value;
  while (end < eos && !is_lws(*end) && *end != ';') ++end;
  return ascii_strnieq(value, static_cast<std::size_t>(end - value), "chunked");
}

int priv_parse_firstline(evhttp_request* req, evbuffer* buf) {
  std::uint64_t limit = req->evcon != nullptr ? req->evcon->max_headers : UINT64_MAX;
  std::size_t len = 0;
  char* line = evbuffer_readln(buf, &len, EVBUFFER_EOL_CRLF);
  if (line == nullptr) return evbuffer_get_length(buf) > limit ? kDataTooLong : kMoreDataExpected;
  int status = kAllDataRead;
  if (len > limit) {
    status = kDataTooLong;
  } else {
    req->headers_size = len;
    if (!apply_firstline(req, line, len)) status = kDataCorrupted;
  }
  mm_free(line);
  return status;
}

int priv_parse_headers(evhttp_request* req, evbuffer* buf) {
  std::uint64_t limit = req->evcon != nullptr ? req->evcon->max_headers : UINT64_MAX;
  std::size_t len = 0;
  char* line;
  while ((line = evbuffer_readln(buf, &len, EVBUFFER_EOL_CRLF)) != nullptr) {
    req->headers_size += len;
    bool ok;
    if (req->headers_size > limit) {
      mm_free(line);
      return kDataTooLong;
    }
    if (len == 0) {
      mm_free(line);
      return kAllDataRead;
    }
    if (is_lws(line[0]))
      ok = append_to_last(req->input_headers, line, len);
    else
      ok = add_line(req->input_headers, line, len);
    mm_free(line);
    if (!ok) return kDataCorrupted;
  }
  if (req->headers_size + evbuffer_get_length(buf) > limit) return kDataTooLong;
  return kMoreDataExpected;
}

int check_transfer_encoding(const char* value) {
  const char* comma;
  while ((comma = std::strchr(value, ',')) != nullptr) {
    if (str_is_chunked(value, comma)) return 0;
    value = comma + 1;
  }
  return str_is_chunked(value, nullptr) ? 1 : 2;
}

}  // namespace ev::http
