// The DNS wire format, resolv.conf/hosts parsers and search expansion, on
// hand-made packets and names: including one test per safety class
// (pointer loops and forward pointers, labels past the end, names over 255
// bytes, counts that lie, encoding overflow, search expansion).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

#include "evdns/message.hpp"
#include "evdns/parsers.hpp"
#include "evdns/search.hpp"
#include "evdns/wire.hpp"

using namespace ev::dns;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns = 0,
             uint16_t ar = 0) {
  return {static_cast<uint8_t>(id >> 8),
          static_cast<uint8_t>(id),
          static_cast<uint8_t>(flags >> 8),
          static_cast<uint8_t>(flags),
          0,
          static_cast<uint8_t>(qd),
          0,
          static_cast<uint8_t>(an),
          0,
          static_cast<uint8_t>(ns),
          0,
          static_cast<uint8_t>(ar)};
}

void put(Bytes& b, std::initializer_list<int> v) {
  for (int x : v) b.push_back(static_cast<uint8_t>(x));
}

void put_name(Bytes& b, const std::string& dotted) {
  std::size_t i = 0;
  while (i < dotted.size()) {
    std::size_t j = dotted.find('.', i);
    if (j == std::string::npos) j = dotted.size();
    b.push_back(static_cast<uint8_t>(j - i));
    for (std::size_t k = i; k < j; ++k) b.push_back(static_cast<uint8_t>(dotted[k]));
    i = j + 1;
  }
  b.push_back(0);
}

bool decode_at(const Bytes& b, std::size_t off, std::string* out = nullptr) {
  char name[kNameBuf];
  std::size_t o = off;
  bool ok = name_decode(b.data(), b.size(), &o, name);
  if (ok && out != nullptr) *out = name;
  return ok;
}

// A reply to "a.example" type A with the given answer bytes appended.
Bytes reply_prefix(uint16_t an, uint16_t flags = 0x8180) {
  Bytes b = header(7, flags, 1, an);
  put_name(b, "a.example");
  put(b, {0, 1, 0, 1});
  return b;
}

}  // namespace

TEST(EvdnsWire, DecodesPlainAndCompressedNames) {
  Bytes b = header(1, 0, 0, 0);
  put_name(b, "www.example.com");        // at 12
  put(b, {3, 'f', 'o', 'o', 0xc0, 16});  // "foo" + pointer to "example.com"
  std::string s;
  ASSERT_TRUE(decode_at(b, 12, &s));
  EXPECT_EQ("www.example.com", s);
  ASSERT_TRUE(decode_at(b, 29, &s));
  EXPECT_EQ("foo.example.com", s);
  std::size_t off = 29;
  char name[kNameBuf];
  ASSERT_TRUE(name_decode(b.data(), b.size(), &off, name));
  EXPECT_EQ(35u, off);  // resumes after the pointer
}

TEST(EvdnsWireSafety, PointerToItselfFails) {
  Bytes b = header(1, 0, 0, 0);
  put(b, {0xc0, 12});
  EXPECT_FALSE(decode_at(b, 12));
}

TEST(EvdnsWireSafety, ForwardPointerFails) {
  Bytes b = header(1, 0, 0, 0);
  put(b, {0xc0, 14, 1, 'a', 0});
  EXPECT_FALSE(decode_at(b, 12));
}

TEST(EvdnsWireSafety, PointerLoopThroughLabelsFails) {
  Bytes b = header(1, 0, 0, 0);
  put(b, {1, 'a', 0xc0, 12});  // "a" then back to its own start
  EXPECT_FALSE(decode_at(b, 12));
  // Two names pointing at each other: 12 -> 16 is forward, 16 -> 12 loops.
  Bytes c = header(1, 0, 0, 0);
  put(c, {1, 'a', 0xc0, 16, 1, 'b', 0xc0, 12});
  EXPECT_FALSE(decode_at(c, 12));
  EXPECT_FALSE(decode_at(c, 16));
}

TEST(EvdnsWireSafety, PointerPastEndFails) {
  Bytes b = header(1, 0, 0, 0);
  put(b, {0xc0});  // half a pointer
  EXPECT_FALSE(decode_at(b, 12));
  Bytes c = header(1, 0, 0, 0);
  put(c, {0xff, 0xff});
  EXPECT_FALSE(decode_at(c, 12));
}

TEST(EvdnsWireSafety, LabelPastEndFails) {
  Bytes b = header(1, 0, 0, 0);
  put(b, {5, 'a', 'b'});
  EXPECT_FALSE(decode_at(b, 12));
  Bytes c = header(1, 0, 0, 0);
  put(c, {1, 'a'});  // no terminating zero
  EXPECT_FALSE(decode_at(c, 12));
  EXPECT_FALSE(decode_at(c, 14));  // offset at the end
  EXPECT_FALSE(decode_at(c, 99));  // offset past the end
}

TEST(EvdnsWireSafety, ReservedLabelTypesFail) {
  Bytes b = header(1, 0, 0, 0);
  put(b, {0x41, 'a', 0});
  EXPECT_FALSE(decode_at(b, 12));
  Bytes c = header(1, 0, 0, 0);
  put(c, {0x80, 'a', 0});
  EXPECT_FALSE(decode_at(c, 12));
}

TEST(EvdnsWireSafety, NameOver255BytesFails) {
  Bytes b = header(1, 0, 0, 0);
  std::string l63(63, 'x');
  put_name(b, l63 + "." + l63 + "." + l63 + "." + l63 + "." + l63);  // 321 wire bytes
  EXPECT_FALSE(decode_at(b, 12));
  // Exactly 255: four labels 63+63+63+61 -> 4 + 250 + 1 = 255.
  Bytes ok = header(1, 0, 0, 0);
  put_name(ok, l63 + "." + l63 + "." + l63 + "." + std::string(61, 'y'));
  std::string s;
  ASSERT_TRUE(decode_at(ok, 12, &s));
  EXPECT_EQ(253u, s.size());
  // Over 255 only through pointers: each name adds a label before the last.
  Bytes p = header(1, 0, 0, 0);
  std::size_t prev = p.size();
  put_name(p, l63);
  for (int i = 0; i < 4; ++i) {
    std::size_t here = p.size();
    p.push_back(63);
    p.insert(p.end(), l63.begin(), l63.end());
    put(p, {0xc0 | static_cast<int>(prev >> 8), static_cast<int>(prev & 0xff)});
    prev = here;
  }
  EXPECT_FALSE(decode_at(p, prev));
}

TEST(EvdnsWireSafety, CountsThatLieFail) {
  // Five questions announced, one present.
  Bytes q = header(7, 0x8180, 5, 0);
  put_name(q, "a.example");
  put(q, {0, 1, 0, 1});
  Reply r;
  EXPECT_FALSE(parse_reply(q.data(), q.size(), "a.example", kTypeA, false, &r));
  // A hundred answers announced, one present.
  Bytes a = reply_prefix(100);
  put(a, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4});
  EXPECT_FALSE(parse_reply(a.data(), a.size(), "a.example", kTypeA, false, &r));
  // rdlength past the end.
  Bytes d = reply_prefix(1);
  put(d, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 40, 1, 2, 3, 4});
  EXPECT_FALSE(parse_reply(d.data(), d.size(), "a.example", kTypeA, false, &r));
  // An A record of 6 bytes.
  Bytes e = reply_prefix(1);
  put(e, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 6, 1, 2, 3, 4, 5, 6});
  EXPECT_FALSE(parse_reply(e.data(), e.size(), "a.example", kTypeA, false, &r));
  // A request with 65535 questions and none present.
  Bytes req = header(1, 0, 0xffff, 0);
  req[4] = 0xff;
  Header h;
  EXPECT_FALSE(parse_request(
      req.data(), req.size(), &h, [](void*, const Question&) { return true; }, nullptr));
  // Truncated header.
  EXPECT_FALSE(parse_reply(req.data(), 5, "a.example", kTypeA, false, &r));
}

TEST(EvdnsWireSafety, NameEncodingNeverOverflows) {
  std::string l63(63, 'x');
  std::string name = l63 + "." + l63;  // 129 wire bytes
  for (std::size_t cap = 0; cap <= 130; ++cap) {
    std::vector<uint8_t> buf(cap + 16, 0xee);
    Writer w(buf.data(), cap);
    int r = w.name(name.c_str(), nullptr);
    if (cap >= 129) {
      EXPECT_EQ(0, r) << cap;
    } else {
      EXPECT_EQ(kNameNoRoom, r) << cap;  // room for all but the root byte too
      EXPECT_EQ(0u, w.size());
    }
    for (std::size_t i = cap; i < buf.size(); ++i) ASSERT_EQ(0xee, buf[i]) << "cap " << cap;
  }
  uint8_t buf[600];
  Writer w(buf, sizeof(buf));
  EXPECT_EQ(kNameInvalid, w.name(std::string(64, 'a').c_str(), nullptr));
  EXPECT_EQ(kNameInvalid, w.name("a..b", nullptr));
  EXPECT_EQ(kNameInvalid, w.name(".a", nullptr));
  EXPECT_EQ(kNameInvalid, w.name((l63 + "." + l63 + "." + l63 + "." + l63).c_str(), nullptr));
  EXPECT_EQ(0u, w.size());
  EXPECT_EQ(0, w.name("", nullptr));    // the root
  EXPECT_EQ(0, w.name("a.", nullptr));  // one trailing dot
  EXPECT_EQ(4u, w.size());
  EXPECT_EQ(0u, build_query(buf, sizeof(buf), 1, "a..b", kTypeA, true));
  EXPECT_EQ(0u, build_query(buf, 20, 1, "abcdefgh.example", kTypeA, true));
}

TEST(EvdnsWireSafety, SearchExpansionStaysInBounds) {
  char out[kNameBuf + 8];
  std::memset(out, 0x55, sizeof(out));
  std::string name(250, 'a');
  EXPECT_FALSE(search_join(name.c_str(), "example.com", out, kNameBuf));
  EXPECT_EQ(0x55, static_cast<uint8_t>(out[0]));
  EXPECT_FALSE(search_join("a", "b", out, 3));  // "a.b" needs 4 with its NUL
  ASSERT_TRUE(search_join("a", "b", out, 4));
  EXPECT_STREQ("a.b", out);
  ASSERT_TRUE(search_join("host.", "...example.com", out, sizeof(out)));
  EXPECT_STREQ("host.example.com", out);
  EXPECT_EQ(2, count_dots("a.b.c"));
  EXPECT_EQ(0, count_dots(""));
}

TEST(EvdnsWire, QueryRoundTripsThroughRequestParser) {
  uint8_t buf[512];
  std::size_t n = build_query(buf, sizeof(buf), 0x1234, "WwW.Example.COM", kTypeAAAA, true);
  ASSERT_GT(n, 0u);
  Header h;
  std::vector<std::string> names;
  ASSERT_TRUE(parse_request(
      buf, n, &h,
      [](void* ctx, const Question& q) {
        static_cast<std::vector<std::string>*>(ctx)->push_back(q.name);
        return q.type == kTypeAAAA && q.cls == kClassIN;
      },
      &names));
  EXPECT_EQ(0x1234, h.id);
  EXPECT_EQ(kFlagRD, h.flags);
  ASSERT_EQ(1u, names.size());
  EXPECT_EQ("WwW.Example.COM", names[0]);
}

TEST(EvdnsWire, ReplyFollowsCnameChainAndChecksQuestion) {
  Bytes b = reply_prefix(3);
  // a.example CNAME b.example; b.example A 1.2.3.4; other.example A 9.9.9.9
  put(b, {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 30, 0, 4, 1, 'b', 0xc0, 14});
  std::size_t bname = b.size() - 4;
  put(b, {0xc0, static_cast<int>(bname), 0, 1, 0, 1, 0, 0, 0, 20, 0, 4, 1, 2, 3, 4});
  put(b, {5, 'o', 't', 'h', 'e', 'r', 0xc0, 14, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 9, 9, 9, 9});
  Reply r;
  ASSERT_TRUE(parse_reply(b.data(), b.size(), "A.example", kTypeA, false, &r));
  EXPECT_TRUE(r.have_answer);
  ASSERT_EQ(1, r.count);
  EXPECT_EQ(0, std::memcmp(r.addrs, "\x01\x02\x03\x04", 4));
  EXPECT_EQ(20u, r.ttl);
  EXPECT_STREQ("b.example", r.cname);
  // exact_case (the resolver asks it when not randomising case, as 2.1.12).
  EXPECT_FALSE(parse_reply(b.data(), b.size(), "A.example", kTypeA, true, &r));
  EXPECT_TRUE(parse_reply(b.data(), b.size(), "a.example", kTypeA, true, &r));
  // Another question, or another type, does not answer ours.
  EXPECT_FALSE(parse_reply(b.data(), b.size(), "b.example", kTypeA, false, &r));
  EXPECT_FALSE(parse_reply(b.data(), b.size(), "a.example", kTypeAAAA, false, &r));
}

TEST(EvdnsWire, NegativeAnswerTakesSoaTtl) {
  Bytes b = header(7, 0x8183, 1, 0, 1);
  put_name(b, "a.example");
  put(b, {0, 1, 0, 1});
  put(b, {0xc0, 14, 0, 6, 0, 1, 0, 0, 1, 0, 0, 24});  // SOA, ttl 256, 24 bytes
  put(b, {0xc0, 14, 0xc0, 14});
  put(b, {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 42});
  Reply r;
  ASSERT_TRUE(parse_reply(b.data(), b.size(), "a.example", kTypeA, false, &r));
  EXPECT_FALSE(r.have_answer);
  EXPECT_EQ(42u, r.ttl);
  EXPECT_EQ(3, r.h.flags & kRcodeMask);
}

TEST(EvdnsWire, ResponseCompressesAndTruncates) {
  QuestionRef qs[] = {{"host.example.com", kTypeA, kClassIN}};
  std::vector<Record> recs;
  uint8_t addr[4] = {10, 0, 0, 1};
  for (int i = 0; i < 60; ++i)
    recs.push_back(Record{"host.example.com", kTypeA, kClassIN, 60, addr, 4, false});
  const Record* sections[3] = {recs.data(), nullptr, nullptr};
  int counts[3] = {2, 0, 0};
  uint8_t buf[512];
  std::size_t n = build_response(buf, sizeof(buf), 9, kFlagQR, qs, 1, sections, counts);
  // 12 header + 18 name + 4 + two answers of 2 (pointer) + 10 + 4.
  EXPECT_EQ(12u + 18 + 4 + 2 * 16, n);
  Reply r;
  ASSERT_TRUE(parse_reply(buf, n, "host.example.com", kTypeA, true, &r));
  EXPECT_EQ(2, r.count);
  counts[0] = 60;  // 34 + 60 * 16 = 994 bytes: cut at 512
  n = build_response(buf, sizeof(buf), 9, kFlagQR, qs, 1, sections, counts);
  EXPECT_LE(n, 512u);
  EXPECT_EQ(34u + 29 * 16, n);
  EXPECT_TRUE(buf[2] & (kFlagTC >> 8));
  EXPECT_EQ(29, buf[7]);
  ASSERT_TRUE(parse_reply(buf, n, "host.example.com", kTypeA, true, &r));
  EXPECT_EQ(29, r.count);
}

namespace {

struct Conf {
  std::vector<std::string> lines;
};

void record_conf(void* ctx, ConfItem item, const char* a, const char* b) {
  static const char* names[] = {"ns", "domain", "search-clear", "search", "option"};
  static_cast<Conf*>(ctx)->lines.push_back(std::string(names[static_cast<int>(item)]) + " " + a +
                                           (b[0] != '\0' ? std::string(" ") + b : ""));
}

void record_host(void* ctx, const char* name, const sockaddr* sa, int salen) {
  char ip[64];
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, ip, sizeof(ip));
  else
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, ip, sizeof(ip));
  static_cast<Conf*>(ctx)->lines.push_back(std::string(name) + "=" + ip + "/" +
                                           std::to_string(salen));
}

}  // namespace

TEST(EvdnsParsers, ResolvConfKeywords) {
  const char text[] =
      "# comment\n"
      "nameserver 127.0.0.2\n"
      "nameserver\t[::1]:5353 trailing\n"
      "domain example.org\n"
      "search a.example  b.example\tc.example\n"
      "options ndots:2 timeout:1.5 attempts:4 rotate max-timeouts:7\n"
      "unknown thing\n"
      "nameserver";
  Conf c;
  ASSERT_TRUE(parse_resolv_conf(text, sizeof(text) - 1, record_conf, &c));
  std::vector<std::string> want = {
      "ns 127.0.0.2",        "ns [::1]:5353",    "domain example.org",
      "search-clear ",       "search a.example", "search b.example",
      "search c.example",    "option ndots:2 2", "option timeout:1.5 1.5",
      "option attempts:4 4", "option rotate",    "option max-timeouts:7 7"};
  EXPECT_EQ(want, c.lines);
  // Text stops at a NUL byte.
  const char nul[] = "nameserver 127.0.0.3\0nameserver 127.0.0.4\n";
  Conf d;
  ASSERT_TRUE(parse_resolv_conf(nul, sizeof(nul) - 1, record_conf, &d));
  EXPECT_EQ(std::vector<std::string>{"ns 127.0.0.3"}, d.lines);
  Conf e;
  ASSERT_TRUE(parse_resolv_conf("", 0, record_conf, &e));
  EXPECT_TRUE(e.lines.empty());
}

TEST(EvdnsParsers, HostsLines) {
  const char text[] =
      "127.0.0.1 localhost loopback # the loopback\n"
      "# 10.0.0.1 commented\n"
      "::1 ip6-localhost\n"
      "10.0.0.2 a#b c\n"
      "10.0.0.3:80 withport\n"
      "not-an-address name\n"
      "\n"
      "10.0.0.4\n"
      "10.0.0.5 #gone\n"
      "10.0.0.6\tx\ty";
  Conf c;
  ASSERT_TRUE(parse_hosts(text, sizeof(text) - 1, record_host, &c));
  std::vector<std::string> want = {"localhost=127.0.0.1/16", "loopback=127.0.0.1/16",
                                   "ip6-localhost=::1/28",   "a=10.0.0.2/16",
                                   "x=10.0.0.6/16",          "y=10.0.0.6/16"};
  EXPECT_EQ(want, c.lines);
}

TEST(EvdnsWireSafety, FailedNameLeavesNoCompressionTargets) {
  uint8_t buf[512];
  Writer w(buf, sizeof(buf));
  NameTable table;
  ASSERT_TRUE(w.header(Header{}));
  std::string bad = "ok." + std::string(64, 'a');
  EXPECT_EQ(kNameInvalid, w.name(bad.c_str(), &table));
  EXPECT_EQ(kHeaderLen, w.size());
  ASSERT_TRUE(w.u32(0xdeadbeef));  // overwrites where "ok" was written
  std::size_t at = w.size();
  ASSERT_EQ(0, w.name("ok", &table));
  char out[kNameBuf];
  std::size_t off = at;
  ASSERT_TRUE(name_decode(buf, w.size(), &off, out));
  EXPECT_STREQ("ok", out);
  // A compressed suffix still counts toward the 255-byte limit.
  std::string l60(60, 'b');
  // A name's own labels are not targets while it is being written (the
  // rest of it is not there yet): three equal labels in a row.
  std::string longname = l60 + "." + l60 + "." + l60 + ".ok";  // 185 text, 187 wire
  ASSERT_EQ(0, w.name(longname.c_str(), &table));
  std::string over = std::string(63, 'c') + ".cc." + longname;  // 253 text, 255 wire: fits
  EXPECT_EQ(0, w.name(over.c_str(), &table));
  std::string too_long = "d." + over;  // 257 wire bytes through the pointer
  EXPECT_EQ(kNameInvalid, w.name(too_long.c_str(), &table));
}

TEST(EvdnsWire, NameTextLengthAgreesWithTheEncoder) {
  // name_text_length (what the server checks names with) accepts exactly the
  // names the writer can encode, and returns their length.
  std::string l63(63, 'x'), l64(64, 'x');
  std::string fits = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'y');  // 255 wire bytes
  std::string over = l63 + "." + l63 + "." + l63 + "." + std::string(62, 'y');  // 256
  const std::string cases[] = {
      "",  ".", "a",       "a.", "a.b.c",    "a..b", ".a",       "a.b..",
      l63, l64, l63 + ".", fits, fits + ".", over,   "x." + l64, l63 + "." + l63};
  for (const std::string& name : cases) {
    uint8_t buf[600];
    Writer w(buf, sizeof(buf));
    bool encodable = w.name(name.c_str(), nullptr) == 0;
    long len = name_text_length(name.c_str());
    EXPECT_EQ(encodable, len >= 0) << name;
    EXPECT_EQ(encodable, name_valid(name.c_str())) << name;
    if (encodable) EXPECT_EQ(static_cast<long>(name.size()), len) << name;
  }
  EXPECT_EQ(static_cast<long>(fits.size()), name_text_length(fits.c_str()));
  EXPECT_EQ(-1, name_text_length(over.c_str()));
}
