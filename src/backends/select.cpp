// The select backend.  The fd sets are plain bit arrays in fd_set's layout
// (one bit per fd, in words of unsigned long), sized for the largest fd in
// use rather than FD_SETSIZE: the kernel accepts larger sets, and the
// FD_SET() macros, which may refuse fds past FD_SETSIZE, are not used.
// The kernel works on private copies, which it overwrites with its result,
// while other threads may update the originals.
#include "backends/available.hpp"

#if EV_BACKEND_HAVE_SELECT

#include <errno.h>
#include <sys/select.h>

#include <climits>
#include <cstring>

#include <event2/event.h>

#include "backends/backend.hpp"
#include "backends/backend_util.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

namespace ev {
namespace {

using backend_detail::grow_zeroed;
using Word = unsigned long;
constexpr int kWordBits = static_cast<int>(sizeof(Word) * CHAR_BIT);

// fd_set is an array of words with fd's bit at fd % bits in word fd / bits.
static_assert(sizeof(fd_set) % sizeof(Word) == 0);

inline Word bit_of(int fd) { return Word{1} << (fd % kWordBits); }
inline size_t word_of(int fd) { return static_cast<size_t>(fd / kWordBits); }

class SelectBackend final : public Backend {
 public:
  explicit SelectBackend(BackendHost& host) : host_(host) {}

  ~SelectBackend() override {
    mm_free(read_set_);
    mm_free(write_set_);
    mm_free(read_out_);
    mm_free(write_out_);
  }

  SelectBackend(const SelectBackend&) = delete;
  SelectBackend& operator=(const SelectBackend&) = delete;

  int update(int fd, short old_events, short new_events) override;
  int dispatch(const timeval* timeout) override;

 private:
  short interest(int fd) const {
    const size_t w = word_of(fd);
    if (w >= words_) return 0;
    short what = 0;
    if (read_set_[w] & bit_of(fd)) what |= EV_READ;
    if (write_set_[w] & bit_of(fd)) what |= EV_WRITE;
    return what;
  }

  BackendHost& host_;
  Word* read_set_ = nullptr;  // the interest, `words_` words each
  Word* write_set_ = nullptr;
  size_t words_ = 0;
  size_t write_words_ = 0;    // capacity of write_set_ (kept equal to words_)
  Word* read_out_ = nullptr;  // the kernel's copies
  Word* write_out_ = nullptr;
  size_t read_out_words_ = 0;
  size_t write_out_words_ = 0;
  int max_fd_ = -1;  // highest fd with any interest
};

int SelectBackend::update(int fd, short old_events, short new_events) {
  (void)old_events;
  if (fd < 0) {
    evpriv_warnx("select: invalid fd %d", fd);
    return -1;
  }
  const bool want_read = (new_events & EV_READ) != 0;
  const bool want_write = (new_events & EV_WRITE) != 0;
  const size_t w = word_of(fd);
  if (w >= words_) {
    if (!want_read && !want_write) return 0;
    size_t read_words = words_;
    if (!grow_zeroed(read_set_, read_words, w + 1, 4) ||
        !grow_zeroed(write_set_, write_words_, read_words, 4)) {
      evpriv_warn("select: cannot grow the fd sets");
      return -1;
    }
    words_ = read_words;
  }
  const Word bit = bit_of(fd);
  read_set_[w] = want_read ? (read_set_[w] | bit) : (read_set_[w] & ~bit);
  write_set_[w] = want_write ? (write_set_[w] | bit) : (write_set_[w] & ~bit);

  if (want_read || want_write) {
    if (fd > max_fd_) max_fd_ = fd;
  } else if (fd == max_fd_) {
    while (max_fd_ >= 0 && interest(max_fd_) == 0) --max_fd_;
  }
  return 0;
}

int SelectBackend::dispatch(const timeval* timeout) {
  const int nfds = max_fd_ + 1;
  const size_t nwords = (static_cast<size_t>(nfds) + kWordBits - 1) / kWordBits;
  // select() writes whole fd_set-sized blocks on some systems: never pass
  // less than one fd_set.
  const size_t copy_words =
      nwords < sizeof(fd_set) / sizeof(Word) ? sizeof(fd_set) / sizeof(Word) : nwords;
  if (!grow_zeroed(read_out_, read_out_words_, copy_words, copy_words) ||
      !grow_zeroed(write_out_, write_out_words_, copy_words, copy_words)) {
    evpriv_warn("select: cannot copy the fd sets");
    return -1;
  }
  if (nwords != 0) {
    std::memcpy(read_out_, read_set_, nwords * sizeof(Word));
    std::memcpy(write_out_, write_set_, nwords * sizeof(Word));
  }
  // select() may modify its timeout argument.
  timeval wait_for{};
  timeval* wait_ptr = nullptr;
  if (timeout != nullptr) {
    wait_for = *timeout;
    if (wait_for.tv_sec < 0 || wait_for.tv_usec < 0) wait_for = timeval{};
    wait_ptr = &wait_for;
  }

  host_.release_lock();
  int res = select(nfds, reinterpret_cast<fd_set*>(read_out_),
                   reinterpret_cast<fd_set*>(write_out_), nullptr, wait_ptr);
  int saved = errno;
  host_.acquire_lock();

  if (res < 0) {
    if (saved == EINTR) return 0;
    errno = saved;
    evpriv_warn("select");
    return -1;
  }
  // The copies are only touched here, so they stay valid while ready()
  // re-enters update(); the interest is read afresh for every fd.
  for (size_t w = 0; w < nwords && res > 0; ++w) {
    Word hits = read_out_[w] | write_out_[w];
    while (hits != 0) {
      const int b = __builtin_ctzl(hits);
      hits &= hits - 1;
      const int fd = static_cast<int>(w) * kWordBits + b;
      short what = 0;
      if (read_out_[w] & bit_of(fd)) what |= EV_READ;
      if (write_out_[w] & bit_of(fd)) what |= EV_WRITE;
      res -= (what & EV_READ ? 1 : 0) + (what & EV_WRITE ? 1 : 0);
      what &= interest(fd);
      if (what != 0) host_.ready(fd, what);
    }
  }
  return 0;
}

}  // namespace

Backend* create_select_backend(BackendHost& host, const BackendOptions& options) {
  (void)options;
  Backend* backend = make<SelectBackend>(host);
  if (backend == nullptr) evpriv_warn("select: out of memory");
  return backend;
}

}  // namespace ev

#endif  // EV_BACKEND_HAVE_SELECT
