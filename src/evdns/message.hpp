// Whole DNS messages: the resolver's queries and the replies it parses, the
// server's parsed requests and the answers it builds.  Pure functions over
// bytes (see wire.hpp for the primitives).
#pragma once

#include <cstddef>
#include <cstdint>

#include "evdns/wire.hpp"

namespace ev::dns {

// Writes a query for (name, type, class IN) with id; RD set when `recurse`.
// Returns its length, or 0 when the name is invalid or cap is too small.
std::size_t build_query(uint8_t* buf, std::size_t cap, uint16_t id, const char* name, uint16_t type,
                        bool recurse);

constexpr int kMaxAddrs = 32;

// What the resolver takes from a reply to one of its queries.
struct Reply {
  Header h;
  bool have_answer = false;  // at least one record of the asked type
  uint32_t ttl = 0;          // smallest TTL seen (answers, or SOA for negative answers)
  int count = 0;             // addresses in addrs (4 or 16 bytes each)
  uint8_t addrs[kMaxAddrs * 16];
  char ptr[kNameBuf];    // the PTR answer
  char cname[kNameBuf];  // the first CNAME target of the asked name, "" if none
};

// Parses a reply to the query for (qname, qtype).  The question must repeat
// qname (exactly when `exact_case`, as 0x20 randomisation requires,
// otherwise ignoring case).  Addresses and PTR names are taken from records
// owned by qname or by a name reached from it through CNAME records.
// Returns false when the message is malformed or does not answer the query.
bool parse_reply(const uint8_t* msg, std::size_t len, const char* qname, uint16_t qtype,
                 bool exact_case, Reply* out);

// One question of a request to the server.
struct Question {
  char name[kNameBuf];
  uint16_t type;
  uint16_t cls;
};

// Parses a request's header and calls on_question for each question (stop
// and fail when it returns false).  Fails for responses (QR set), truncated
// or malformed messages.
bool parse_request(const uint8_t* msg, std::size_t len, Header* h,
                   bool (*on_question)(void* ctx, const Question& q), void* ctx);

// One record of a server's answer.
struct Record {
  const char* name;
  uint16_t type;
  uint16_t cls;
  uint32_t ttl;
  const uint8_t* data;  // raw rdata, or a name as text when is_name
  std::size_t datalen;
  bool is_name;
};

// A question as the response builder takes it.
struct QuestionRef {
  const char* name;
  uint16_t type;
  uint16_t cls;
};

// Builds a response: header (id, flags, rcode), the questions, then the
// records of the three sections, compressing names.  When the next record
// does not fit in cap, the message stops after the last whole record, its
// counts say what was written and TC is set.  Returns the length (0 when
// not even the header and questions fit).
std::size_t build_response(uint8_t* buf, std::size_t cap, uint16_t id, uint16_t flags,
                           const QuestionRef* questions, int nquestions,
                           const Record* const sections[3], const int counts[3]);

}  // namespace ev::dns
