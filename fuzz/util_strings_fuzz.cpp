// evutil's string functions over arbitrary input, each against a model of
// its own: evutil_strtoll (value, end pointer and ERANGE for every base),
// evutil_snprintf/evutil_vsnprintf with formats built from the input
// (flags, widths, precisions, length modifiers and conversions, given as
// literals or through '*') and every buffer size, and
// evutil_ascii_strcasecmp/strncasecmp.
#include <event2/util.h>

#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"

namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

bool c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// strtoll as C specifies it, written out: the value, where parsing stopped
// and whether it overflowed.
int64_t model_strtoll(const char* s, const char** end, int base, bool* range) {
  const char* p = s;
  *range = false;
  *end = s;
  while (c_space(*p)) ++p;
  bool neg = false;
  if (*p == '+' || *p == '-') neg = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
      digit_value(p[2]) < 16) {
    p += 2;
    base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  uint64_t limit = neg ? uint64_t{1} << 63 : uint64_t{INT64_MAX};
  uint64_t v = 0;
  const char* start = p;
  for (; digit_value(*p) < base; ++p) {
    uint64_t d = static_cast<uint64_t>(digit_value(*p));
    if (*range || v > (limit - d) / static_cast<uint64_t>(base)) {
      *range = true;
    } else {
      v = v * static_cast<uint64_t>(base) + d;
    }
  }
  if (p == start) return 0;  // no digits: nothing parsed
  *end = p;
  if (*range) return neg ? INT64_MIN : INT64_MAX;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

void check_strtoll(const char* text, int base) {
  char* end = nullptr;
  errno = 0;
  ev_int64_t got = evutil_strtoll(text, &end, base);
  int err = errno;
  if (base == 1 || base < 0 || base > 36) {
    CHECK(got == 0);
    return;
  }
  bool range;
  const char* want_end;
  int64_t want = model_strtoll(text, &want_end, base, &range);
  CHECK(got == want);
  CHECK(end == want_end);
  CHECK(!range || err == ERANGE);
  // Without an end pointer the value is the same.
  CHECK(evutil_strtoll(text, nullptr, base) == want);
}

int ours_v(char* buf, size_t len, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = evutil_vsnprintf(buf, len, fmt, ap);
  va_end(ap);
  return r;
}

// One conversion specification with arguments from the input, formatted by
// libc (unbounded) and by evutil_snprintf into buffers of every size.
struct Spec {
  std::string fmt;
  int star_width = -1;
  int star_prec = -1;
};

template <typename T>
void check_format(const Spec& s, T arg) {
  char full[1024];
  int n;
  if (s.star_width >= 0 && s.star_prec >= 0) {
    n = std::snprintf(full, sizeof full, s.fmt.c_str(), s.star_width, s.star_prec, arg);
  } else if (s.star_width >= 0 || s.star_prec >= 0) {
    n = std::snprintf(full, sizeof full, s.fmt.c_str(), s.star_width + s.star_prec + 1, arg);
  } else {
    n = std::snprintf(full, sizeof full, s.fmt.c_str(), arg);
  }
  if (n < 0 || n >= static_cast<int>(sizeof full)) return;
  static const size_t kSizes[] = {0, 1, 2, 3, 7, 16, 64, 1023};
  for (size_t len : kSizes) {
    char out[1024];
    std::memset(out, 'Z', sizeof out);
    int r;
    if (s.star_width >= 0 && s.star_prec >= 0) {
      r = evutil_snprintf(out, len, s.fmt.c_str(), s.star_width, s.star_prec, arg);
    } else if (s.star_width >= 0 || s.star_prec >= 0) {
      r = evutil_snprintf(out, len, s.fmt.c_str(), s.star_width + s.star_prec + 1, arg);
    } else {
      r = ours_v(out, len, s.fmt.c_str(), arg);
    }
    if (len == 0) {
      // libevent's contract: nothing written, 0 returned.
      CHECK(r == 0 && out[0] == 'Z');
      continue;
    }
    CHECK(r == n);
    size_t kept = static_cast<size_t>(n) < len - 1 ? static_cast<size_t>(n) : len - 1;
    CHECK(std::memcmp(out, full, kept) == 0);
    CHECK(out[kept] == '\0');
    if (kept + 1 < sizeof out) CHECK(out[kept + 1] == 'Z' || kept + 1 < len);
  }
}

void check_snprintf(const uint8_t* data, size_t size) {
  if (size < 4) return;
  // Up to one of each flag, a width and a precision (literal or '*'), a
  // length modifier and a conversion.
  Spec s;
  s.fmt = "<";
  static const char kFlags[] = "-+ #0";
  for (int i = 0; i < 5; ++i)
    if (data[0] & (1u << i)) s.fmt += kFlags[i];
  uint8_t w = data[1], p = data[2], c = data[3];
  if (w & 0x80) {
    s.fmt += '*';
    s.star_width = w & 0x3f;
  } else if (w & 0x40) {
    s.fmt += std::to_string(w & 0x3f);
  }
  if (p & 0x80) {
    s.fmt += ".*";
    s.star_prec = p & 0x3f;
  } else if (p & 0x40) {
    s.fmt += "." + std::to_string(p & 0x3f);
  }
  uint64_t bits = 0;
  for (size_t i = 4; i < size && i < 12; ++i) bits = bits << 8 | data[i];
  std::string text(reinterpret_cast<const char*>(data) + (size > 12 ? 12 : size),
                   size > 12 ? std::min<size_t>(size - 12, 200) : 0);
  text = text.c_str();  // up to the first NUL
  switch (c % 12) {
    case 0:
      check_format(Spec{s.fmt + "d>", s.star_width, s.star_prec}, static_cast<int>(bits));
      break;
    case 1:
      check_format(Spec{s.fmt + "lld>", s.star_width, s.star_prec}, static_cast<long long>(bits));
      break;
    case 2:
      check_format(Spec{s.fmt + "u>", s.star_width, s.star_prec}, static_cast<unsigned>(bits));
      break;
    case 3:
      check_format(Spec{s.fmt + "lx>", s.star_width, s.star_prec},
                   static_cast<unsigned long>(bits));
      break;
    case 4:
      check_format(Spec{s.fmt + "llX>", s.star_width, s.star_prec},
                   static_cast<unsigned long long>(bits));
      break;
    case 5:
      check_format(Spec{s.fmt + "o>", s.star_width, s.star_prec}, static_cast<unsigned>(bits));
      break;
    case 6:
      check_format(Spec{s.fmt + "zu>", s.star_width, s.star_prec}, static_cast<size_t>(bits));
      break;
    case 7:
      check_format(Spec{s.fmt + "hhd>", s.star_width, s.star_prec}, static_cast<int>(bits));
      break;
    case 8:
      check_format(Spec{s.fmt + "s>", s.star_width, s.star_prec}, text.c_str());
      break;
    case 9:
      check_format(Spec{s.fmt + "c>", s.star_width, s.star_prec},
                   static_cast<int>(text.empty() ? 'x' : text[0]));
      break;
    case 10: {
      double d;
      std::memcpy(&d, &bits, sizeof d);
      check_format(Spec{s.fmt + "g>", s.star_width, s.star_prec}, d);
      break;
    }
    default: {
      double d = static_cast<double>(static_cast<int64_t>(bits)) / 1024.0;
      check_format(Spec{s.fmt + (c & 0x10 ? "f>" : "e>"), s.star_width, s.star_prec}, d);
      break;
    }
  }
  // The literal text as a format with no conversions ('%' escaped).
  std::string lit;
  for (char ch : text) {
    lit += ch;
    if (ch == '%') lit += '%';
  }
  char out[64];
  int r = evutil_snprintf(out, sizeof out, "%s", text.c_str());
  CHECK(r == static_cast<int>(text.size()));
  r = ours_v(out, sizeof out, lit.c_str());
  CHECK(r == static_cast<int>(text.size()));
  CHECK(std::strncmp(out, text.c_str(), sizeof out - 1) == 0);
}

int fold(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

void check_casecmp(const uint8_t* data, size_t size) {
  size_t half = size / 2;
  std::string a(reinterpret_cast<const char*>(data), half);
  std::string b(reinterpret_cast<const char*>(data) + half, size - half);
  a = a.c_str();
  b = b.c_str();
  size_t n = size > 0 ? data[0] % 40 : 0;
  auto model = [](const std::string& x, const std::string& y, size_t limit) {
    for (size_t i = 0; i < limit; ++i) {
      auto c1 = static_cast<signed char>(fold(i < x.size() ? x[i] : '\0'));
      auto c2 = static_cast<signed char>(fold(i < y.size() ? y[i] : '\0'));
      if (c1 != c2) return c1 < c2 ? -1 : 1;
      if (c1 == 0) return 0;
    }
    return 0;
  };
  auto sign = [](int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; };
  CHECK(sign(evutil_ascii_strcasecmp(a.c_str(), b.c_str())) == model(a, b, SIZE_MAX));
  CHECK(sign(evutil_ascii_strncasecmp(a.c_str(), b.c_str(), n)) == model(a, b, n));
  CHECK(evutil_ascii_strcasecmp(a.c_str(), a.c_str()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 512) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* s = text.c_str();  // up to the first NUL
  int base = data[0] % 40;
  check_strtoll(s, base == 37 ? 0 : base == 38 ? 16 : base == 39 ? 10 : base);
  check_snprintf(data, size);
  check_casecmp(data, size);
  return 0;
}
