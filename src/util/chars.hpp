// Locale-independent ASCII character classes and case mapping.
//
// Network protocols (HTTP headers, DNS names, numeric addresses) are ASCII
// whatever the process locale says, and <cctype> is both locale-dependent
// and undefined for negative char values.  These functions accept any char
// and only ever treat bytes 0..127 as members of a class.
#pragma once

namespace ev {

constexpr unsigned char as_byte(char c) { return static_cast<unsigned char>(c); }

constexpr bool is_digit(char c) { return as_byte(c) >= '0' && as_byte(c) <= '9'; }
constexpr bool is_upper(char c) { return as_byte(c) >= 'A' && as_byte(c) <= 'Z'; }
constexpr bool is_lower(char c) { return as_byte(c) >= 'a' && as_byte(c) <= 'z'; }
constexpr bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_xdigit(char c) {
  return is_digit(c) || (as_byte(c | 0x20) >= 'a' && as_byte(c | 0x20) <= 'f');
}
// Space, \t, \n, \v, \f, \r: the "C" locale's isspace().
constexpr bool is_space(char c) { return c == ' ' || (as_byte(c) >= '\t' && as_byte(c) <= '\r'); }
// Printable ASCII, space included.
constexpr bool is_print(char c) { return as_byte(c) >= 0x20 && as_byte(c) < 0x7f; }
constexpr bool is_graph(char c) { return as_byte(c) > 0x20 && as_byte(c) < 0x7f; }

constexpr char to_lower(char c) { return is_upper(c) ? static_cast<char>(c + ('a' - 'A')) : c; }
constexpr char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - ('a' - 'A')) : c; }

// Value of a hexadecimal digit, or -1.
constexpr int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  char l = to_lower(c);
  return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}

}  // namespace ev
