// struct evkeyvalq: the public header list.  Each entry is one allocation
// holding the evkeyval and both strings; a key or value a program swapped
// for its own string is freed on its own.
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <cstring>

#include "core/log.hpp"
#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "util/chars.hpp"

namespace ev::http {

namespace {

bool has_crlf(const char* s, std::size_t n) {
  return std::memchr(s, '\r', n) != nullptr || std::memchr(s, '\n', n) != nullptr;
}

}  // namespace

bool ascii_strieq(const char* a, const char* b) {
  for (;; ++a, ++b) {
    if (to_lower(*a) != to_lower(*b)) return false;
    if (*a == '\0') return true;
  }
}

bool ascii_strnieq(const char* a, std::size_t an, const char* b) {
  for (std::size_t i = 0; i < an; ++i)
    if (b[i] == '\0' || to_lower(a[i]) != to_lower(b[i])) return false;
  return b[an] == '\0';
}

int header_add(evkeyvalq* q, const char* key, std::size_t kn, const char* value, std::size_t vn) {
  std::size_t block = sizeof(evkeyval) + kn + 1 + vn + 1;
  auto* kv = static_cast<evkeyval*>(mm_malloc(block));
  if (kv == nullptr) return -1;
  char* k = reinterpret_cast<char*>(kv + 1);
  std::memcpy(k, key, kn);
  k[kn] = '\0';
  char* v = k + kn + 1;
  std::memcpy(v, value, vn);
  v[vn] = '\0';
  kv->key = k;
  kv->value = v;
  TAILQ_INSERT_TAIL(q, kv, next);
  return 0;
}

void header_free(evkeyval* kv) {
  // The strings of one block follow the entry; anything else is separate.
  char* k0 = reinterpret_cast<char*>(kv + 1);
  char* v0 = k0 + std::strlen(k0) + 1;
  if (kv->key != k0) mm_free(kv->key);
  if (kv->value != v0) mm_free(kv->value);
  mm_free(kv);
}

bool header_append(evkeyvalq* q, const char* s, std::size_t n) {
  evkeyval* last = TAILQ_LAST(q, evkeyvalq);
  if (last == nullptr) return false;
  std::size_t old = std::strlen(last->value);
  char* v = static_cast<char*>(mm_malloc(old + 1 + n + 1));
  if (v == nullptr) return false;
  std::memcpy(v, last->value, old);
  v[old] = ' ';
  std::memcpy(v + old + 1, s, n);
  v[old + 1 + n] = '\0';
  // The entry's own block holds the first value; a replaced one is separate.
  char* k0 = reinterpret_cast<char*>(last + 1);
  char* v0 = k0 + std::strlen(k0) + 1;
  if (last->value != v0) mm_free(last->value);
  last->value = v;
  return true;
}

const char* header_find(const evkeyvalq* q, const char* key) {
  evkeyval* kv;
  TAILQ_FOREACH(kv, q, next) {
    if (ascii_strieq(kv->key, key)) return kv->value;
  }
  return nullptr;
}

void headers_clear(evkeyvalq* q) {
  evkeyval* kv;
  while ((kv = TAILQ_FIRST(q)) != nullptr) {
    TAILQ_REMOVE(q, kv, next);
    header_free(kv);
  }
}

int header_remove(evkeyvalq* q, const char* key) {
  evkeyval* kv;
  TAILQ_FOREACH(kv, q, next) {
    if (ascii_strieq(kv->key, key)) {
      TAILQ_REMOVE(q, kv, next);
      header_free(kv);
      return 0;
    }
  }
  return -1;
}

int header_add_checked(evkeyvalq* q, const char* key, const char* value) {
  std::size_t kn = std::strlen(key), vn = std::strlen(value);
  if (has_crlf(key, kn)) {
    evpriv_debugx("evhttp_add_header: dropping illegal header key");
    return -1;
  }
  if (has_crlf(value, vn)) {
    evpriv_debugx("evhttp_add_header: dropping illegal header value");
    return -1;
  }
  return header_add(q, key, kn, value, vn);
}

}  // namespace ev::http
