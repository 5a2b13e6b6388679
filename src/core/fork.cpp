// event_reinit(): after fork() the child must not share kernel objects with
// the parent: the signal socketpair and the wake-up eventfd are recreated,
// and backends whose kernel state is shared (epoll) are rebuilt and told
// about every registered fd again.
#include "core/base.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

using namespace ev;

namespace {

// Stands in while the old backend is gone, so that tearing down internal
// events does not touch the kernel object the parent still uses.
class DetachedBackend final : public Backend {
 public:
  int update(int, short, short) override { return 0; }
  int dispatch(const timeval*) override { return 0; }
};

}  // namespace

int event_base::reinit() {
  lock();
  const bool rebuild = backend_info_->needs_reinit;
  DetachedBackend detached;
  if (rebuild) {
    destroy(backend_);
    backend_ = &detached;
  }
  const bool was_notifiable = notify_fd_ >= 0;
  close_notify_locked();

  int res = 0;
  if (rebuild) {
    // Drop the signal pipe event while detached; it is re-added below.
    const bool had_pipe = sig_.pipe_event_added;
    if (had_pipe) {
      del_locked(&sig_.pipe_event, DelMode::kAutoBlock);
      sig_.pipe_event_added = false;
    }
    BackendOptions options;
    options.base_flags = config_flags_;
    options.completion_io = !no_completion_io_;
    Backend* fresh = backend_info_->create(*this, options);
    if (fresh == nullptr) {
      backend_ = nullptr;
      unlock();
      evpriv_errx(1, "%s: could not reinitialize event mechanism", "event_reinit");
    }
    backend_ = fresh;
    ++backend_epoch_;
    for (std::size_t fd = 0; fd < fds_.size(); ++fd)
      if (fds_[fd].events.empty()) fds_[fd].interest = 0;
    if (io_readd_all() < 0) res = -1;
    sig_.pipe_event_added = had_pipe;
    // Owners of requests that were in the old ring move on.
    for (ev::CompletionClients& clients : completion_clients_)
      if (clients.after_reinit != nullptr) clients.after_reinit(this);
  }
  if (signal_reinit_locked() < 0) res = -1;
  if (was_notifiable && res == 0) res = make_notifiable_locked();
  unlock();
  return res;
}
