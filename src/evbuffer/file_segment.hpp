// evbuffer_file_segment: a reference-counted range of an open file.
//
// The user's handle holds one reference and every chain using the segment
// another; the last release runs the cleanup callback, unmaps/frees the
// contents and (with EVBUF_FS_CLOSE_ON_FREE) closes the descriptor.
// Contents are brought into memory lazily: a segment that may be sent with
// sendfile() stays on disk until someone needs to read its bytes.
#pragma once

#include <event2/buffer.h>

#include <cstddef>
#include <cstdint>

struct evbuffer_file_segment {
  int fd = -1;
  unsigned flags = 0;       // EVBUF_FS_* bits
  int64_t file_offset = 0;  // where the segment starts in the file
  int64_t length = 0;       // bytes in the segment
  void* lock = nullptr;     // null with EVBUF_FS_DISABLE_LOCKING or no threads
  int refcnt = 1;
  bool can_sendfile = false;          // sendfile() allowed (no DISABLE_SENDFILE)
  unsigned char* contents = nullptr;  // segment byte 0 once materialised
  void* mapping = nullptr;            // mmap()ed area, when mapped
  size_t mapping_len = 0;
  bool materialized = false;
  evbuffer_file_segment_cleanup_cb cleanup_cb = nullptr;
  void* cleanup_arg = nullptr;
};

namespace ev {

// Longest segment we accept (keeps every length and offset sum in range).
inline constexpr uint64_t kMaxSegmentBytes = uint64_t{1} << 62;

// Creates a segment (see evbuffer_file_segment_new); nullptr on failure.
evbuffer_file_segment* segment_new(int fd, int64_t offset, int64_t length, unsigned flags);
void segment_incref(evbuffer_file_segment* seg);
// Drops a reference; the last one releases everything.
void segment_decref(evbuffer_file_segment* seg);
// Maps or reads the whole segment into memory (idempotent, locked);
// false on failure.
bool segment_materialize(evbuffer_file_segment* seg);

}  // namespace ev
