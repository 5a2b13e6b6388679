// Allocation of our own evutil_addrinfo nodes, and evutil_freeaddrinfo().
#include "util/addrinfo.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <cstddef>
#include <cstring>

#include "core/mm.hpp"

namespace ev {

namespace {

// The address lives right after the node, in the same allocation.
struct NodeBlock {
  struct addrinfo info;
  struct sockaddr_storage address;
};

}  // namespace

struct addrinfo* addrinfo_node(const struct sockaddr* sa, socklen_t socklen, int socktype,
                               int protocol, int flags) {
  if (sa == nullptr || socklen > sizeof(sockaddr_storage)) return nullptr;
  auto* block = static_cast<NodeBlock*>(mm_calloc(1, sizeof(NodeBlock)));
  if (block == nullptr) return nullptr;
  memcpy(&block->address, sa, socklen);
  block->info.ai_flags = flags | static_cast<int>(EVPRIV_AI_LIBEVENT_ALLOCATED);
  block->info.ai_family = sa->sa_family;
  block->info.ai_socktype = socktype;
  block->info.ai_protocol = protocol;
  block->info.ai_addrlen = socklen;
  block->info.ai_addr = reinterpret_cast<struct sockaddr*>(&block->address);
  return &block->info;
}

}  // namespace ev

extern "C" {

struct evutil_addrinfo* evpriv_addrinfo_new(const struct sockaddr* sa, socklen_t socklen,
                                            const struct evutil_addrinfo* hints) {
  if (sa == nullptr || hints == nullptr) return nullptr;
  int socktype = hints->ai_socktype;
  int protocol = hints->ai_protocol;
  // Infer the one that is missing from the other when we can.
  if (socktype == 0 && protocol == IPPROTO_TCP) socktype = SOCK_STREAM;
  if (socktype == 0 && protocol == IPPROTO_UDP) socktype = SOCK_DGRAM;
  if (protocol == 0 && socktype == SOCK_STREAM) protocol = IPPROTO_TCP;
  if (protocol == 0 && socktype == SOCK_DGRAM) protocol = IPPROTO_UDP;
  if (socktype != 0 || protocol != 0)
    return ev::addrinfo_node(sa, socklen, socktype, protocol, hints->ai_flags);

  struct addrinfo* tcp = ev::addrinfo_node(sa, socklen, SOCK_STREAM, IPPROTO_TCP, hints->ai_flags);
  struct addrinfo* udp = ev::addrinfo_node(sa, socklen, SOCK_DGRAM, IPPROTO_UDP, hints->ai_flags);
  if (tcp == nullptr || udp == nullptr) {
    if (tcp != nullptr) evutil_freeaddrinfo(tcp);
    if (udp != nullptr) evutil_freeaddrinfo(udp);
    return nullptr;
  }
  tcp->ai_next = udp;
  return tcp;
}

struct evutil_addrinfo* evpriv_addrinfo_append(struct evutil_addrinfo* first,
                                               struct evutil_addrinfo* more) {
  if (first == nullptr) return more;
  struct evutil_addrinfo* tail = first;
  while (tail->ai_next != nullptr) tail = tail->ai_next;
  tail->ai_next = more;
  return first;
}

// Releases our nodes one by one; the first node that came from the system
// resolver takes the rest of the list with it (we never link ours after one).
void evutil_freeaddrinfo(struct evutil_addrinfo* ai) {
  while (ai != nullptr) {
    if ((static_cast<unsigned>(ai->ai_flags) & EVPRIV_AI_LIBEVENT_ALLOCATED) == 0) {
      freeaddrinfo(ai);
      return;
    }
    struct evutil_addrinfo* next = ai->ai_next;
    if (ai->ai_canonname != nullptr) ev::mm_free(ai->ai_canonname);
    ev::mm_free(ai);  // The node is the start of its block.
    ai = next;
  }
}

}  // extern "C"
