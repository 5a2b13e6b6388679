// Translation between the core's EV_* interest and poll(2)'s bits, shared by
// the poll backend and the io_uring backend (whose poll requests use them).
#pragma once

#include <poll.h>

#include <event2/event.h>

#ifndef POLLRDHUP
#define POLLRDHUP 0  // no early-close notification on this platform
#endif

namespace ev::backend_detail {

inline unsigned poll_bits_of(short what) {
  unsigned events = 0;
  if (what & EV_READ) events |= POLLIN;
  if (what & EV_WRITE) events |= POLLOUT;
  if (what & EV_CLOSED) events |= POLLRDHUP;
  return events;
}

inline short events_of_poll_bits(unsigned revents) {
  short what = 0;
  // Errors, hang-ups and closed descriptors make reads and writes return.
  if (revents & (POLLHUP | POLLERR | POLLNVAL)) what |= EV_READ | EV_WRITE;
  if (revents & POLLIN) what |= EV_READ;
  if (revents & POLLOUT) what |= EV_WRITE;
  if (revents & (POLLRDHUP | POLLHUP)) what |= EV_CLOSED;
  return what;
}

}  // namespace ev::backend_detail
