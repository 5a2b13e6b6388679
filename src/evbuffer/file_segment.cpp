// File segments: creation, reference counting and materialisation.
#include "evbuffer/file_segment.hpp"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "core/locking.hpp"
#include "core/log.hpp"
#include "core/mm.hpp"

namespace ev {

namespace {

// Reads the segment with pread() into a heap block.
bool read_into_memory(evbuffer_file_segment* seg) {
  size_t len = static_cast<size_t>(seg->length);
  auto* mem = static_cast<unsigned char*>(mm_malloc(len));
  if (mem == nullptr) return false;
  size_t done = 0;
  while (done < len) {
    ssize_t n = pread(seg->fd, mem + done, len - done,
                      static_cast<off_t>(seg->file_offset + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // A file shorter than promised cannot back the segment.
      if (n == 0) errno = EIO;
      evpriv_warn("%s: pread", __func__);
      mm_free(mem);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  seg->contents = mem;
  return true;
}

// Maps the segment read-only; the mapping must start on a page boundary.
bool map_into_memory(evbuffer_file_segment* seg) {
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) page = 4096;
  int64_t aligned = seg->file_offset - seg->file_offset % page;
  size_t lead = static_cast<size_t>(seg->file_offset - aligned);
  size_t len = lead + static_cast<size_t>(seg->length);
  void* map = mmap(nullptr, len, PROT_READ, MAP_PRIVATE, seg->fd, static_cast<off_t>(aligned));
  if (map == MAP_FAILED) return false;
  seg->mapping = map;
  seg->mapping_len = len;
  seg->contents = static_cast<unsigned char*>(map) + lead;
  return true;
}

bool materialize_locked(evbuffer_file_segment* seg) {
  if (seg->materialized) return true;
  if (seg->length == 0) {
    seg->materialized = true;
    return true;
  }
  // Mapping may fail (e.g. pipes, special files): fall back to reading.
  bool ok =
      (!(seg->flags & EVBUF_FS_DISABLE_MMAP) && map_into_memory(seg)) || read_into_memory(seg);
  seg->materialized = ok;
  return ok;
}

}  // namespace

evbuffer_file_segment* segment_new(int fd, int64_t offset, int64_t length, unsigned flags) {
  if (fd < 0 || offset < 0 || length < -1) {
    evpriv_warnx("evbuffer_file_segment_new: bad fd, offset or length");
    return nullptr;
  }
  if (length == -1) {
    struct stat st;
    if (fstat(fd, &st) < 0) {
      evpriv_warn("evbuffer_file_segment_new: fstat");
      return nullptr;
    }
    length = st.st_size > offset ? st.st_size - offset : 0;
  }
  if (static_cast<uint64_t>(length) > kMaxSegmentBytes ||
      static_cast<uint64_t>(offset) > INT64_MAX - static_cast<uint64_t>(length)) {
    evpriv_warnx("evbuffer_file_segment_new: segment too large");
    return nullptr;
  }
  auto* seg = make<evbuffer_file_segment>();
  if (seg == nullptr) return nullptr;
  seg->fd = fd;
  seg->flags = flags;
  seg->file_offset = offset;
  seg->length = length;
  seg->can_sendfile = !(flags & EVBUF_FS_DISABLE_SENDFILE);
  if (!(flags & EVBUF_FS_DISABLE_LOCKING)) seg->lock = evpriv_lock_new(0);
  // Without sendfile() the bytes can only ever be used from memory.
  if (!seg->can_sendfile && !materialize_locked(seg)) {
    evpriv_lock_free(seg->lock, 0);
    destroy(seg);
    return nullptr;
  }
  return seg;
}

namespace {

// The segment's lock when it has one; a segment without (no threading
// callbacks, or EVBUF_FS_DISABLE_LOCKING) costs no call.
class SegmentGuard {
 public:
  explicit SegmentGuard(void* lock) : lock_(lock) {
    if (lock_ != nullptr) evpriv_lock_acquire(lock_, 0);
  }
  ~SegmentGuard() {
    if (lock_ != nullptr) evpriv_lock_release(lock_, 0);
  }
  SegmentGuard(const SegmentGuard&) = delete;
  SegmentGuard& operator=(const SegmentGuard&) = delete;

 private:
  void* lock_;
};

}  // namespace

void segment_incref(evbuffer_file_segment* seg) {
  SegmentGuard guard(seg->lock);
  ++seg->refcnt;
}

void segment_decref(evbuffer_file_segment* seg) {
  {
    SegmentGuard guard(seg->lock);
    if (--seg->refcnt > 0) return;
  }
  if (seg->cleanup_cb != nullptr)
    seg->cleanup_cb(seg, static_cast<int>(seg->flags), seg->cleanup_arg);
  if (seg->mapping != nullptr) {
    munmap(seg->mapping, seg->mapping_len);
  } else if (seg->contents != nullptr) {
    mm_free(seg->contents);
  }
  if ((seg->flags & EVBUF_FS_CLOSE_ON_FREE) && seg->fd >= 0) close(seg->fd);
  evpriv_lock_free(seg->lock, 0);
  destroy(seg);
}

bool segment_materialize(evbuffer_file_segment* seg) {
  SegmentGuard guard(seg->lock);
  return materialize_locked(seg);
}

}  // namespace ev
