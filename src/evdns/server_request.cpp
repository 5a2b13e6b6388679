// The server's requests: where their questions and the records the
// callback adds live.  The common request (one question, a few small
// records) fits in the request itself, and answered requests go back to
// their port's pool, so a port answering a flood allocates nothing per
// query (see server.hpp).
#include <cstring>
#include <new>

#include "core/mm.hpp"
#include "evdns/server.hpp"

namespace ev::dns {

namespace {

// Each question of a multi-question request keeps the struct's alignment.
std::size_t question_size(std::size_t namelen) {
  std::size_t n = sizeof(evdns_server_question) + namelen;
  return (n + alignof(evdns_server_question) - 1) & ~(alignof(evdns_server_question) - 1);
}

// Where parse_request's visitor puts the questions of a request with more
// than one: the first pass only sums their sizes, the second fills the
// block allocated from that sum.
struct Questions {
  evdns_server_request* pub;  // null in the sizing pass
  std::size_t bytes;
  char* next;  // the next question's place in the block
};

bool add_question(void* ctx, const Question& q) {
  auto* qs = static_cast<Questions*>(ctx);
  std::size_t len = std::strlen(q.name);
  if (qs->pub == nullptr) {
    qs->bytes += question_size(len);
    return true;
  }
  auto* sq = reinterpret_cast<evdns_server_question*>(qs->next);
  qs->next += question_size(len);
  sq->type = q.type;
  sq->dns_question_class = q.cls;
  std::memcpy(sq->name, q.name, len + 1);
  qs->pub->questions[qs->pub->nquestions++] = sq;
  return true;
}

bool in_arena(const ServerRequest* req, const char* p) {
  return p >= req->arena && p < req->arena + kInlineArena;
}

// Storage for a record's name and data: the request's arena, else the heap.
char* record_block(ServerRequest* req, std::size_t n) {
  if (n <= kInlineArena - req->arena_used) {
    char* p = req->arena + req->arena_used;
    req->arena_used += (n + 7) & ~std::size_t{7};
    if (req->arena_used > kInlineArena) req->arena_used = kInlineArena;
    return p;
  }
  return static_cast<char*>(mm_malloc(n));
}

bool grow_records(ServerRequest* req) {
  int cap = req->caprecs * 2;
  std::size_t bytes = sizeof(Record) * static_cast<std::size_t>(cap);
  Record* p;
  if (req->recs == req->recs_inline) {
    p = static_cast<Record*>(mm_malloc(bytes));
    if (p != nullptr) std::memcpy(p, req->recs_inline, sizeof(req->recs_inline));
  } else {
    p = static_cast<Record*>(mm_realloc(req->recs, bytes));
  }
  if (p == nullptr) return false;
  req->recs = p;
  req->caprecs = cap;
  return true;
}

// Gives back what the request holds outside itself.
void release_parts(ServerRequest* req) {
  int n = req->nsec[0] + req->nsec[1] + req->nsec[2];
  for (int i = 0; i < n; ++i)
    if (!in_arena(req, req->recs[i].name)) mm_free(const_cast<char*>(req->recs[i].name));
  if (req->recs != req->recs_inline) mm_free(req->recs);
  mm_free(req->qheap);
  mm_free(req->response);
}

}  // namespace

ServerRequest* request_alloc(evdns_server_port* port) {
  ServerRequest* req = port->pool;
  if (req != nullptr) {
    port->pool = req->next_pending;
    --port->npool;
  } else {
    req = static_cast<ServerRequest*>(mm_malloc(sizeof(ServerRequest)));
    if (req == nullptr) return nullptr;
  }
  req->pub.flags = 0;
  req->pub.nquestions = 0;
  req->pub.questions = req->qptr_inline;
  req->port = port;
  req->conn = nullptr;
  req->next_pending = nullptr;
  req->id = 0;
  req->counted = false;
  req->addrlen = 0;
  req->qheap = nullptr;
  req->recs = req->recs_inline;
  req->nsec[0] = req->nsec[1] = req->nsec[2] = 0;
  req->caprecs = kInlineRecords;
  req->response = nullptr;
  req->response_len = 0;
  req->arena_used = 0;
  return req;
}

bool request_parse(ServerRequest* req, const uint8_t* msg, std::size_t len, Header* h) {
  Reader r(msg, len);
  if (!r.header(h) || (h->flags & kFlagQR)) return false;
  if (h->qdcount <= 1) {
    // The usual request: its question goes straight into the request.
    if (h->qdcount == 1) {
      auto* sq = reinterpret_cast<evdns_server_question*>(req->qinline);
      uint16_t type, cls;
      if (!r.name(sq->name) || !r.u16(&type) || !r.u16(&cls)) return false;
      sq->type = type;
      sq->dns_question_class = cls;
      req->qptr_inline[0] = sq;
      req->pub.nquestions = 1;
    }
    return true;
  }
  Questions sizing{nullptr, 0, nullptr};
  Header again;
  if (!parse_request(msg, len, &again, add_question, &sizing)) return false;
  std::size_t ptrs = (sizeof(evdns_server_question*) * h->qdcount + 7) & ~std::size_t{7};
  auto* block = static_cast<char*>(mm_malloc(ptrs + sizing.bytes));
  if (block == nullptr) return false;
  req->qheap = block;
  req->pub.questions = reinterpret_cast<evdns_server_question**>(block);
  Questions fill{&req->pub, 0, block + ptrs};
  return parse_request(msg, len, &again, add_question, &fill);
}

void request_sections(ServerRequest* req, const Record* sections[3], int counts[3]) {
  const Record* p = req->recs;
  for (int s = 0; s < 3; ++s) {
    sections[s] = p;
    counts[s] = req->nsec[s];
    p += req->nsec[s];
  }
}

int server_add_reply(ServerRequest* req, int section, const char* name, int type, int cls, int ttl,
                     int datalen, int is_name, const char* data) {
  if (req->response != nullptr) return -1;
  if (section < 0 || section > 2 || name == nullptr) return -1;
  long nlen = name_text_length(name);
  if (nlen < 0) return -1;
  if (is_name) {
    long dlen = data != nullptr ? name_text_length(data) : -1;
    if (dlen < 0) return -1;
    datalen = static_cast<int>(dlen) + 1;
  } else if (datalen < 0 || datalen > 65535 || (datalen > 0 && data == nullptr)) {
    return -1;
  }
  int n = req->nsec[0] + req->nsec[1] + req->nsec[2];
  if (n == req->caprecs && !grow_records(req)) return -1;
  std::size_t name_bytes = static_cast<std::size_t>(nlen) + 1;
  char* block = record_block(req, name_bytes + static_cast<std::size_t>(datalen));
  if (block == nullptr) return -1;
  std::memcpy(block, name, name_bytes);
  if (datalen > 0) std::memcpy(block + name_bytes, data, static_cast<std::size_t>(datalen));
  // Its place: after the records of its own and earlier sections (at the
  // end when records come in section order, the usual case).
  int at = 0;
  for (int s = 0; s <= section; ++s) at += req->nsec[s];
  if (at < n)
    std::memmove(req->recs + at + 1, req->recs + at,
                 sizeof(Record) * static_cast<std::size_t>(n - at));
  Record& rec = req->recs[at];
  rec.name = block;
  rec.type = static_cast<uint16_t>(type);
  rec.cls = static_cast<uint16_t>(cls);
  rec.ttl = static_cast<uint32_t>(ttl);
  rec.data = reinterpret_cast<const uint8_t*>(block + name_bytes);
  rec.datalen = static_cast<std::size_t>(datalen);
  rec.is_name = is_name != 0;
  ++req->nsec[section];
  return 0;
}

void server_request_free(ServerRequest* req) {
  release_parts(req);
  ServerConn* conn = req->conn;
  evdns_server_port* port = req->port;
  bool counted = req->counted;
  if (port != nullptr && !port->closing && port->npool < kPoolMax) {
    req->next_pending = port->pool;
    port->pool = req;
    ++port->npool;
  } else {
    mm_free(req);
  }
  if (conn != nullptr) server_conn_unref(conn);
  if (port != nullptr && counted) server_port_unref(port);
}

}  // namespace ev::dns
