// The owners of completion requests an event_base keeps (socket
// bufferevents, listeners on completion accepts): one intrusive list per
// kind, and what event_reinit() calls for each kind so that its owners move
// to the new backend.  The lists are guarded by the base lock.
#pragma once

struct event_base;

namespace ev {

enum CompletionKind { kCompletionSockets, kCompletionListeners, kCompletionKinds };

struct CompletionClients {
  void* head = nullptr;
  void (*after_reinit)(event_base* base) = nullptr;
};

// Links `node` (a struct with `prev` and `next` of its own type) at the
// front of `list`.
template <class T>
void completion_link(CompletionClients& list, T* node) {
  auto* head = static_cast<T*>(list.head);
  node->prev = nullptr;
  node->next = head;
  if (head != nullptr) head->prev = node;
  list.head = node;
}

template <class T>
void completion_unlink(CompletionClients& list, T* node) {
  if (node->prev != nullptr) {
    node->prev->next = node->next;
  } else {
    list.head = node->next;
  }
  if (node->next != nullptr) node->next->prev = node->prev;
  node->prev = node->next = nullptr;
}

}  // namespace ev
