// Signal events.  The C handler only writes the signal number to a
// socketpair; the loop reads it through an ordinary internal read event and
// runs callbacks like any other (never in signal context).  As in libevent,
// one base at a time receives signals: the one that most recently added a
// signal or started its loop.
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "core/base.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"
#include "core/thread_state.hpp"

using namespace ev;

namespace {

// Where the handler writes; read in signal context, so an atomic int.
int g_receiver_fd = -1;
event_base* g_receiver_base = nullptr;
int g_receiver_n_signals = 0;
SpinLock g_receiver_lock;

extern "C" void on_signal(int sig) {
  const int saved_errno = errno;
  const int fd = __atomic_load_n(&g_receiver_fd, __ATOMIC_RELAXED);
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(sig);
    (void)!send(fd, &byte, 1, 0);
  }
  errno = saved_errno;
}

void set_receiver(event_base* base, int fd, int n_signals) {
  g_receiver_base = base;
  g_receiver_n_signals = n_signals;
  __atomic_store_n(&g_receiver_fd, fd, __ATOMIC_RELAXED);
}

// Drains the socketpair and activates the signals' events.
void on_signal_pipe(evutil_socket_t fd, short, void* arg) {
  auto* base = static_cast<event_base*>(arg);
  int caught[NSIG] = {};
  unsigned char buf[1024];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == -1) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        evpriv_warn("%s: recv", "evsig_cb");
      break;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i)
      if (buf[i] < NSIG) ++caught[buf[i]];
  }
  base->lock();
  for (int sig = 0; sig < NSIG; ++sig)
    if (caught[sig] != 0) base->signal_activate(sig, static_cast<short>(caught[sig]));
  base->unlock();
}

}  // namespace

// Creates the socketpair and its internal event on first use.
static int ensure_signal_pipe(event_base* base) {
  SignalState& s = base->sig_;
  if (s.pair[0] >= 0) return 0;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, s.pair) == -1) {
    evpriv_warn("%s: socketpair", "evsig_init_");
    s.pair[0] = s.pair[1] = -1;
    return -1;
  }
  base->assign_internal_event(&s.pipe_event, s.pair[0], EV_READ | EV_PERSIST, on_signal_pipe, base);
  return 0;
}

int event_base::sig_add(event* e) {
  const int sig = e->ev_fd;
  if (sig < 1 || sig >= NSIG) {
    evpriv_warnx("%s: signal number %d is out of range", "event_add", sig);
    return -1;
  }
  EventList& list = sig_.events[sig];
  if (list.empty()) {
    if (ensure_signal_pipe(this) < 0) return -1;
    {
      SpinGuard g(g_receiver_lock);
      if (g_receiver_base != this && g_receiver_n_signals > 0)
        evpriv_warnx(
            "Added a signal to event base %p with signals already added to "
            "event_base %p.  Only one can have signals at a time with the %s "
            "backend.  The base with the most recently added signal or the most "
            "recent event_base_loop() call gets preference; do not rely on this "
            "behavior in future Libevent versions.",
            static_cast<void*>(this), static_cast<void*>(g_receiver_base), method_name());
      set_receiver(this, sig_.pair[1], ++sig_.n_signals_added);
    }
    auto* saved = static_cast<struct sigaction*>(mm_malloc(sizeof(struct sigaction)));
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    if (saved == nullptr || sigaction(sig, &sa, saved) == -1) {
      if (saved != nullptr) evpriv_warn("sigaction");
      mm_free(saved);
      --sig_.n_signals_added;
      return -1;
    }
    sig_.saved[sig] = saved;
    if (!sig_.pipe_event_added) {
      if (add_locked(&sig_.pipe_event, nullptr, false) != 0) return -1;
      sig_.pipe_event_added = true;
    }
  }
  list.push_front(e);
  return 1;
}

int event_base::sig_del(event* e) {
  const int sig = e->ev_fd;
  if (sig < 1 || sig >= NSIG) return -1;
  EventList::remove(e);
  if (!sig_.events[sig].empty()) return 1;
  // The last event for this signal: put the program's handler back.
  --sig_.n_signals_added;
  {
    SpinGuard g(g_receiver_lock);
    if (g_receiver_base == this) g_receiver_n_signals = sig_.n_signals_added;
  }
  int result = 1;
  if (struct sigaction* saved = sig_.saved[sig]) {
    if (sigaction(sig, saved, nullptr) == -1) {
      evpriv_warn("sigaction");
      result = -1;
    }
    mm_free(saved);
    sig_.saved[sig] = nullptr;
  }
  return result;
}

void event_base::signal_activate(int sig, short ncalls) {
  if (sig < 1 || sig >= NSIG) return;
  for (event* e = sig_.events[sig].head; e != nullptr; e = EventList::next(e))
    activate_locked(e, EV_SIGNAL, ncalls);
}

void event_base::signal_become_receiver() {
  SpinGuard g(g_receiver_lock);
  set_receiver(this, sig_.pair[1], sig_.n_signals_added);
}

void event_base::signal_free_locked() {
  if (sig_.pipe_event_added) {
    del_locked(&sig_.pipe_event, DelMode::kAutoBlock);
    sig_.pipe_event_added = false;
  }
  {
    SpinGuard g(g_receiver_lock);
    if (g_receiver_base == this) set_receiver(nullptr, -1, 0);
  }
  for (int i = 0; i < 2; ++i)
    if (sig_.pair[i] >= 0) {
      close(sig_.pair[i]);
      sig_.pair[i] = -1;
    }
  for (int sig = 0; sig < NSIG; ++sig) {
    if (sig_.saved[sig] == nullptr) continue;
    if (sigaction(sig, sig_.saved[sig], nullptr) == -1) evpriv_warn("sigaction");
    mm_free(sig_.saved[sig]);
    sig_.saved[sig] = nullptr;
  }
}

// After fork: a fresh socketpair, so parent and child do not share one.
int event_base::signal_reinit_locked() {
  const bool was_added = sig_.pipe_event_added;
  if (was_added) {
    del_locked(&sig_.pipe_event, DelMode::kAutoBlock);
    sig_.pipe_event_added = false;
  }
  for (int i = 0; i < 2; ++i)
    if (sig_.pair[i] >= 0) {
      close(sig_.pair[i]);
      sig_.pair[i] = -1;
    }
  if (!was_added && sig_.n_signals_added == 0) return 0;
  if (ensure_signal_pipe(this) < 0) return -1;
  {
    SpinGuard g(g_receiver_lock);
    if (g_receiver_base == this) set_receiver(this, sig_.pair[1], sig_.n_signals_added);
  }
  if (was_added) {
    if (add_locked(&sig_.pipe_event, nullptr, false) != 0) return -1;
    sig_.pipe_event_added = true;
  }
  return 0;
}
