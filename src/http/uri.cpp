// struct evhttp_uri: RFC 3986 parsing (strict, or NONCONFORMANT for request
// targets), setters that validate their part, and joining back to text.
#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "core/mm.hpp"
#include "http/http_internal.hpp"
#include "util/chars.hpp"

namespace {

enum class Part { kPath, kQuery, kFragment };

constexpr const char* kSubdelims = "!$&'()*+,;=";

bool is_unreserved(char c) {
  return ev::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_subdelim(char c) { return c != '\0' && std::strchr(kSubdelims, c) != nullptr; }
bool is_pct(const char* p) { return p[0] == '%' && ev::is_xdigit(p[1]) && ev::is_xdigit(p[2]); }

bool scheme_ok(const char* s, const char* eos) {
  if (s == eos || !ev::is_alpha(*s)) return false;
  while (++s < eos)
    if (!ev::is_alnum(*s) && *s != '+' && *s != '-' && *s != '.') return false;
  return true;
}

bool userinfo_ok(const char* s, const char* eos) {
  while (s < eos) {
    if (is_unreserved(*s) || is_subdelim(*s) || *s == ':') {
      ++s;
    } else if (*s == '%' && s + 2 < eos && ev::is_xdigit(s[1]) && ev::is_xdigit(s[2])) {
      s += 3;
    } else {
      return false;
    }
  }
  return true;
}

bool regname_ok(const char* s, const char* eos) {
  while (s < eos) {
    if (is_unreserved(*s) || is_subdelim(*s)) {
      ++s;
    } else if (*s == '%' && s + 2 < eos && ev::is_xdigit(s[1]) && ev::is_xdigit(s[2])) {
      s += 3;
    } else {
      return false;
    }
  }
  return true;
}

int parse_port(const char* s, const char* eos) {
  int port = 0;
  while (s < eos) {
    if (!ev::is_digit(*s)) return -1;
    port = port * 10 + (*s - '0');
    if (port > 65535) return -1;
    ++s;
  }
  return port;
}

bool bracket_addr_ok(const char* s, const char* eos) {
  if (s + 3 > eos || *s != '[' || *(eos - 1) != ']') return false;
  if (s[1] == 'v') {
    // "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    s += 2;
    --eos;
    if (!ev::is_xdigit(*s)) return false;
    while (s < eos && *s != '.') {
      if (!ev::is_xdigit(*s)) return false;
      ++s;
    }
    if (s >= eos || *s != '.') return false;
    ++s;
    while (s < eos) {
      if (!is_unreserved(*s) && !is_subdelim(*s) && *s != ':') return false;
      ++s;
    }
    return true;
  }
  std::size_t n = static_cast<std::size_t>(eos - s) - 2;
  if (n >= 64) return false;
  char buf[64];
  std::memcpy(buf, s + 1, n);
  buf[n] = '\0';
  in6_addr a;
  return evutil_inet_pton(AF_INET6, buf, &a) == 1;
}

const char* end_of_authority(const char* cp) {
  while (*cp != '\0') {
    if (is_unreserved(*cp) || is_subdelim(*cp) || *cp == ':' || *cp == '@' || *cp == '[' ||
        *cp == ']') {
      ++cp;
    } else if (is_pct(cp)) {
      cp += 3;
    } else {
      return cp;
    }
  }
  return cp;
}

const char* end_of_path(const char* cp, Part part, unsigned flags) {
  if (flags & EVHTTP_URI_NONCONFORMANT) {
    switch (part) {
      case Part::kPath:
        while (*cp != '\0' && *cp != '#' && *cp != '?') ++cp;
        break;
      case Part::kQuery:
        while (*cp != '\0' && *cp != '#') ++cp;
        break;
      case Part::kFragment:
        cp += std::strlen(cp);
        break;
    }
    return cp;
  }
  while (*cp != '\0') {
    if (is_unreserved(*cp) || is_subdelim(*cp) || *cp == ':' || *cp == '@' || *cp == '/') {
      ++cp;
    } else if (is_pct(cp)) {
      cp += 3;
    } else if (*cp == '?' && part != Part::kPath) {
      ++cp;
    } else {
      return cp;
    }
  }
  return cp;
}

char* dup_range(const char* s, const char* e) {
  std::size_t n = static_cast<std::size_t>(e - s);
  char* out = static_cast<char*>(ev::mm_malloc(n + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, s, n);
  out[n] = '\0';
  return out;
}

// authority = [ userinfo "@" ] host [ ":" port ], in s[0, eos).
bool parse_authority(evhttp_uri* uri, const char* s, const char* eos) {
  if (s == eos) {
    uri->host = ev::mm_strdup("");
    return uri->host != nullptr;
  }
  const char* cp = s;
  const void* at = std::memchr(s, '@', static_cast<std::size_t>(eos - s));
  if (at != nullptr) {
    const char* a = static_cast<const char*>(at);
    if (!userinfo_ok(s, a)) return false;
    uri->userinfo = dup_range(s, a);
    if (uri->userinfo == nullptr) return false;
    cp = a + 1;
  }
  const char* port = eos - 1;
  while (port >= cp && ev::is_digit(*port)) --port;
  if (port >= cp && *port == ':') {
    if (port + 1 == eos) {
      uri->port = -1;
    } else if ((uri->port = parse_port(port + 1, eos)) < 0) {
      return false;
    }
    eos = port;
  }
  if (*cp == '[' && eos >= cp + 2 && *(eos - 1) == ']') {
    if (!bracket_addr_ok(cp, eos)) return false;
  } else if (!regname_ok(cp, eos)) {
    return false;
  }
  uri->host = dup_range(cp, eos);
  return uri->host != nullptr;
}

evhttp_uri* uri_alloc(unsigned flags) {
  auto* uri = static_cast<evhttp_uri*>(ev::mm_calloc(1, sizeof(evhttp_uri)));
  if (uri == nullptr) return nullptr;
  uri->port = -1;
  uri->flags = flags;
  return uri;
}

evhttp_uri* parse(const char* source, unsigned flags) {
  evhttp_uri* uri = uri_alloc(flags);
  if (uri == nullptr) return nullptr;
  const char* readp = source;
  bool got_authority = false;
  // scheme ":"
  const char* colon = std::strchr(readp, ':');
  if (colon != nullptr && scheme_ok(readp, colon)) {
    uri->scheme = dup_range(readp, colon);
    if (uri->scheme == nullptr) goto err;
    readp = colon + 1;
  }
  // "//" authority
  if (readp[0] == '/' && readp[1] == '/') {
    readp += 2;
    const char* end = end_of_authority(readp);
    if (!parse_authority(uri, readp, end)) goto err;
    readp = end;
    got_authority = true;
  }
  {
    const char* path = readp;
    const char* path_end = end_of_path(path, Part::kPath, flags);
    const char *query = nullptr, *query_end = nullptr;
    const char *frag = nullptr, *frag_end = nullptr;
    readp = path_end;
    if (*readp == '?') {
      query = readp + 1;
      query_end = end_of_path(query, Part::kQuery, flags);
      readp = query_end;
    }
    if (*readp == '#') {
      frag = readp + 1;
      frag_end = end_of_path(frag, Part::kFragment, flags);
      readp = frag_end;
    }
    if (*readp != '\0') goto err;
    if (!got_authority && path[0] == '/' && path[1] == '/' && path + 1 < path_end) goto err;
    if (got_authority && path != path_end && path[0] != '/') goto err;
    if (uri->scheme == nullptr) {
      // The first segment of a relative path may not contain a colon.
      for (const char* c = path; c < path_end; ++c) {
        if (*c == ':') goto err;
        if (*c == '/') break;
      }
    }
    uri->path = dup_range(path, path_end);
    if (uri->path == nullptr) goto err;
    if (query != nullptr && (uri->query = dup_range(query, query_end)) == nullptr) goto err;
    if (frag != nullptr && (uri->fragment = dup_range(frag, frag_end)) == nullptr) goto err;
  }
  return uri;
err:
  ev::http::uri_free(uri);
  return nullptr;
}

int set_str(char** field, const char* value) {
  char* copy = nullptr;
  if (value != nullptr && (copy = ev::mm_strdup(value)) == nullptr) return -1;
  ev::mm_free(*field);
  *field = copy;
  return 0;
}

void add(char* buf, std::size_t limit, std::size_t* len, const char* s, std::size_t n) {
  if (*len < limit && n <= limit - *len) std::memcpy(buf + *len, s, n);
  *len += n;
}

void add(char* buf, std::size_t limit, std::size_t* len, const char* s) {
  add(buf, limit, len, s, std::strlen(s));
}

}  // namespace

namespace ev::http {

// CONNECT targets: "host:port" (authority-form).
evhttp_uri* uri_parse_authority(const char* source) {
  evhttp_uri* uri = uri_alloc(0);
  if (uri == nullptr) return nullptr;
  const char* end = end_of_authority(source);
  if (*end != '\0' || !parse_authority(uri, source, end) || uri->port < 0 ||
      uri->userinfo != nullptr) {
    ev::http::uri_free(uri);
    return nullptr;
  }
  return uri;
}

evhttp_uri* uri_new() { return uri_alloc(0); }

evhttp_uri* uri_parse(const char* source, unsigned flags) { return parse(source, flags); }

void uri_free(evhttp_uri* uri) {
  mm_free(uri->scheme);
  mm_free(uri->userinfo);
  mm_free(uri->host);
  mm_free(uri->path);
  mm_free(uri->query);
  mm_free(uri->fragment);
  mm_free(uri);
}

int uri_set_scheme(evhttp_uri* uri, const char* scheme) {
  if (scheme != nullptr && !scheme_ok(scheme, scheme + std::strlen(scheme))) return -1;
  return set_str(&uri->scheme, scheme);
}

int uri_set_userinfo(evhttp_uri* uri, const char* userinfo) {
  if (userinfo != nullptr && !userinfo_ok(userinfo, userinfo + std::strlen(userinfo))) return -1;
  return set_str(&uri->userinfo, userinfo);
}

int uri_set_host(evhttp_uri* uri, const char* host) {
  if (host != nullptr) {
    const char* end = host + std::strlen(host);
    if (host[0] == '[' ? !bracket_addr_ok(host, end) : !regname_ok(host, end)) return -1;
  }
  return set_str(&uri->host, host);
}

int uri_set_path(evhttp_uri* uri, const char* path) {
  if (path != nullptr && *end_of_path(path, Part::kPath, uri->flags) != '\0') return -1;
  return set_str(&uri->path, path);
}

int uri_set_query(evhttp_uri* uri, const char* query) {
  if (query != nullptr && *end_of_path(query, Part::kQuery, uri->flags) != '\0') return -1;
  return set_str(&uri->query, query);
}

int uri_set_fragment(evhttp_uri* uri, const char* fragment) {
  if (fragment != nullptr && *end_of_path(fragment, Part::kFragment, uri->flags) != '\0') return -1;
  return set_str(&uri->fragment, fragment);
}

char* uri_join(const evhttp_uri* uri, char* buf, std::size_t limit) {
  std::size_t len = 0;
  if (uri->scheme != nullptr) {
    add(buf, limit, &len, uri->scheme);
    add(buf, limit, &len, ":", 1);
  }
  if (uri->host != nullptr) {
    add(buf, limit, &len, "//", 2);
    if (uri->userinfo != nullptr) {
      add(buf, limit, &len, uri->userinfo);
      add(buf, limit, &len, "@", 1);
    }
    add(buf, limit, &len, uri->host);
    if (uri->port >= 0) {
      char port[16];
      int n = std::snprintf(port, sizeof(port), ":%d", uri->port);
      add(buf, limit, &len, port, static_cast<std::size_t>(n));
    }
    if (uri->path != nullptr && uri->path[0] != '/' && uri->path[0] != '\0') return nullptr;
  }
  if (uri->path != nullptr) add(buf, limit, &len, uri->path);
  if (uri->query != nullptr) {
    add(buf, limit, &len, "?", 1);
    add(buf, limit, &len, uri->query);
  }
  if (uri->fragment != nullptr) {
    add(buf, limit, &len, "#", 1);
    add(buf, limit, &len, uri->fragment);
  }
  add(buf, limit, &len, "", 1);
  if (len > limit) return nullptr;
  return buf;
}

}  // namespace ev::http
