// Bufferevent pair + filter programs.  The input chooses the pair's options,
// which ends are wrapped in filters and how each filter behaves (how many
// bytes it moves per call, when it asks for more, whether it fails after
// some bytes), then runs a program of writes both ways, enable/disable,
// watermarks, flushes in every mode, partial reads from the callbacks and
// loop iterations.  Finally everything is enabled, watermarks cleared and
// the loop run until quiet: every byte written at one end must have arrived
// at the other, in order, unless a filter reported an error (then what
// arrived is a prefix of what was sent).  Freeing everything must leak
// nothing (LeakSanitizer).
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"

namespace {

constexpr int kMaxSteps = 200;
constexpr size_t kMaxSent = 256 * 1024;

struct Reader {
  const uint8_t* p;
  size_t n;
  bool done() const { return n == 0; }
  uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  size_t size() {
    uint8_t b = byte();
    return b < 192 ? b : (static_cast<size_t>(b - 192) << 8 | byte());
  }
};

// The harness's own byte loops are not what is explored: no coverage
// tracing there.
#define HARNESS_CODE __attribute__((no_sanitize("coverage")))

// The n-th byte of a stream: position-dependent, so reordering shows.
unsigned char stream_byte(size_t i) { return static_cast<unsigned char>(i * 131 + (i >> 8)); }

// How one filter direction behaves.
struct FilterPlan {
  size_t chunk = 0;         // most bytes moved per call (0: all)
  unsigned hold_every = 0;  // in normal mode, ask for more every k-th call
  size_t fail_after = 0;    // return BEV_ERROR once this many moved (0: never)
  unsigned calls = 0;
  size_t moved = 0;
  bool failed = false;
};

struct FilterCtx {
  FilterPlan in, out;
};

bufferevent_filter_result run_filter(FilterPlan* plan, evbuffer* src, evbuffer* dst,
                                     ev_ssize_t limit, bufferevent_flush_mode mode) {
  ++plan->calls;
  if (plan->failed) return BEV_ERROR;
  size_t n = evbuffer_get_length(src);
  if (limit >= 0 && static_cast<size_t>(limit) < n) n = static_cast<size_t>(limit);
  if (plan->chunk != 0 && plan->chunk < n) n = plan->chunk;
  if (plan->fail_after != 0 && plan->moved + n >= plan->fail_after) {
    n = plan->fail_after - plan->moved;
    plan->failed = true;
  }
  if (mode == BEV_NORMAL && plan->hold_every != 0 && plan->calls % plan->hold_every == 0)
    return BEV_NEED_MORE;
  if (n > 0) {
    int moved = evbuffer_remove_buffer(src, dst, n);
    CHECK(moved == static_cast<int>(n));
    plan->moved += n;
  }
  if (plan->failed) return BEV_ERROR;
  return n > 0 ? BEV_OK : BEV_NEED_MORE;
}

bufferevent_filter_result filter_in(evbuffer* src, evbuffer* dst, ev_ssize_t limit,
                                    bufferevent_flush_mode mode, void* ctx) {
  return run_filter(&static_cast<FilterCtx*>(ctx)->in, src, dst, limit, mode);
}
bufferevent_filter_result filter_out(evbuffer* src, evbuffer* dst, ev_ssize_t limit,
                                     bufferevent_flush_mode mode, void* ctx) {
  return run_filter(&static_cast<FilterCtx*>(ctx)->out, src, dst, limit, mode);
}

// One end: the bufferevent the program talks to and what it has seen.
struct End {
  bufferevent* bev = nullptr;
  bufferevent* pair_end = nullptr;  // the pair bufferevent under it
  FilterCtx* filter = nullptr;      // when wrapped in a filter
  std::string received;
  size_t verified = 0;  // bytes of `received` already checked
  size_t sent = 0;      // bytes written here (stream_byte(0..sent))
  size_t per_read = 0;  // most bytes the read callback takes (0: all)
  short events = 0;     // every event reported
  int reads = 0;
};

void take_input(End* e, size_t limit) {
  evbuffer* in = bufferevent_get_input(e->bev);
  size_t n = evbuffer_get_length(in);
  if (limit != 0 && limit < n) n = limit;
  if (n == 0) return;
  size_t at = e->received.size();
  e->received.resize(at + n);
  CHECK(bufferevent_read(e->bev, e->received.data() + at, n) == n);
}

void read_cb(bufferevent*, void* arg) {
  auto* e = static_cast<End*>(arg);
  ++e->reads;
  take_input(e, e->per_read);
}

void event_cb(bufferevent*, short what, void* arg) { static_cast<End*>(arg)->events |= what; }

HARNESS_CODE void write_stream(End* e, size_t n, bool via_buffer) {
  n = std::min(n, kMaxSent - e->sent);
  if (n == 0) return;
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(stream_byte(e->sent + i));
  if (via_buffer) {
    evbuffer* b = evbuffer_new();
    CHECK(b != nullptr);
    CHECK(evbuffer_add(b, s.data(), n) == 0);
    CHECK(bufferevent_write_buffer(e->bev, b) == 0);
    CHECK(evbuffer_get_length(b) == 0);
    evbuffer_free(b);
  } else {
    CHECK(bufferevent_write(e->bev, s.data(), n) == 0);
  }
  e->sent += n;
}

// `to` must hold exactly what `from` sent (a prefix if a filter failed).
HARNESS_CODE void check_stream(const End& from, End& to, bool complete) {
  const std::string& got = to.received;
  CHECK(got.size() <= from.sent);
  for (size_t i = to.verified; i < got.size(); ++i)
    CHECK(static_cast<unsigned char>(got[i]) == stream_byte(i));
  to.verified = got.size();
  bool failed = (from.filter != nullptr && from.filter->out.failed) ||
                (to.filter != nullptr && to.filter->in.failed);
  if (complete && !failed) CHECK(got.size() == from.sent);
}

FilterPlan plan_from(Reader& r) {
  FilterPlan p;
  uint8_t b = r.byte();
  p.chunk = b & 0x80 ? 0 : 1 + r.size();
  p.hold_every = b & 0x40 ? 2 + (b & 7) : 0;
  p.fail_after = b & 0x20 ? 1 + r.size() : 0;
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  evthread_use_pthreads();
  event_set_log_callback([](int, const char*) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  uint8_t opts = r.byte();
  int pair_opts = 0;
  if (opts & 1) pair_opts |= BEV_OPT_DEFER_CALLBACKS;
  if (opts & 2) pair_opts |= BEV_OPT_THREADSAFE;
  if ((opts & 4) && (opts & 1)) pair_opts |= BEV_OPT_UNLOCK_CALLBACKS;

  event_base* base = event_base_new();
  CHECK(base != nullptr);
  bufferevent* pair[2];
  CHECK(bufferevent_pair_new(base, pair_opts, pair) == 0);
  End ends[2];
  FilterCtx ctx[2];
  for (int i = 0; i < 2; ++i) {
    End& e = ends[i];
    e.pair_end = pair[i];
    e.bev = pair[i];
    if (opts & (8 << i)) {
      ctx[i].in = plan_from(r);
      ctx[i].out = plan_from(r);
      int fopts = BEV_OPT_CLOSE_ON_FREE | (opts & 0x20 ? BEV_OPT_DEFER_CALLBACKS : 0);
      e.bev = bufferevent_filter_new(pair[i], filter_in, filter_out, fopts, nullptr, &ctx[i]);
      CHECK(e.bev != nullptr);
      e.filter = &ctx[i];
    }
    bufferevent_setcb(e.bev, read_cb, nullptr, event_cb, &e);
    CHECK(bufferevent_enable(e.bev, EV_READ | EV_WRITE) == 0);
  }

  for (int step = 0; step < kMaxSteps && !r.done(); ++step) {
    uint8_t op = r.byte();
    End& e = ends[op >> 7];
    switch (op & 15) {
      case 0:
      case 1:
      case 2:
        write_stream(&e, r.size(), op & 16);
        break;
      case 3: {
        short what = static_cast<short>((r.byte() & 3) << 1);  // EV_READ=2, EV_WRITE=4
        if (op & 16) {
          CHECK(bufferevent_enable(e.bev, what) == 0);
        } else {
          CHECK(bufferevent_disable(e.bev, what) == 0);
        }
        break;
      }
      case 4: {
        short what = static_cast<short>((r.byte() & 3) << 1);
        size_t low = r.size(), high = r.size();
        bufferevent_setwatermark(e.bev, what, low, high);
        break;
      }
      case 5:
      case 6:
        CHECK(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
        break;
      case 7: {
        auto mode = static_cast<bufferevent_flush_mode>(r.byte() % 3);
        short what = static_cast<short>((r.byte() & 3) << 1);
        CHECK(bufferevent_flush(e.bev, what, mode) >= 0);
        break;
      }
      case 8:
        e.per_read = r.size();
        break;
      case 9:
        take_input(&e, r.size());
        break;
      case 10: {  // read into an evbuffer
        evbuffer* b = evbuffer_new();
        CHECK(bufferevent_read_buffer(e.bev, b) == 0);
        size_t n = evbuffer_get_length(b);
        size_t at = e.received.size();
        e.received.resize(at + n);
        CHECK(evbuffer_remove(b, e.received.data() + at, n) == static_cast<int>(n));
        evbuffer_free(b);
        break;
      }
      case 11: {  // the pair end under a filter is enabled/disabled directly
        short what = static_cast<short>((r.byte() & 3) << 1);
        if (op & 16) {
          CHECK(bufferevent_enable(e.pair_end, what) == 0);
        } else {
          CHECK(bufferevent_disable(e.pair_end, what) == 0);
        }
        break;
      }
      case 12:
        CHECK(bufferevent_set_max_single_read(e.bev, 1 + r.size()) == 0 || e.filter != nullptr);
        break;
      case 13:
        bufferevent_trigger(e.bev, static_cast<short>((r.byte() & 3) << 1),
                            op & 16 ? BEV_TRIG_DEFER_CALLBACKS : 0);
        break;
      default:
        CHECK(event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) >= 0);
        break;
    }
    check_stream(ends[0], ends[1], false);
    check_stream(ends[1], ends[0], false);
  }

  // Drain: everything on, no watermarks, read all, until nothing moves.
  for (End& e : ends) {
    e.per_read = 0;
    bufferevent_setwatermark(e.bev, EV_READ | EV_WRITE, 0, 0);
    bufferevent_setwatermark(e.pair_end, EV_READ | EV_WRITE, 0, 0);
    CHECK(bufferevent_enable(e.bev, EV_READ | EV_WRITE) == 0);
    CHECK(bufferevent_enable(e.pair_end, EV_READ | EV_WRITE) == 0);
  }
  size_t quiet_rounds = 0, last = SIZE_MAX;
  for (int round = 0; round < 1000 && quiet_rounds < 4; ++round) {
    CHECK(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
    for (End& e : ends) {
      bufferevent_flush(e.bev, EV_WRITE, round % 2 ? BEV_FINISHED : BEV_FLUSH);
      bufferevent_flush(e.bev, EV_READ, round % 2 ? BEV_FINISHED : BEV_FLUSH);
      take_input(&e, 0);
    }
    size_t now = ends[0].received.size() + ends[1].received.size();
    quiet_rounds = now == last ? quiet_rounds + 1 : 0;
    last = now;
  }
  check_stream(ends[0], ends[1], true);
  check_stream(ends[1], ends[0], true);
  CHECK((ends[0].events & BEV_EVENT_ERROR) == 0 && (ends[1].events & BEV_EVENT_ERROR) == 0);

  for (End& e : ends) bufferevent_free(e.bev);
  // Deferred callbacks and finalizers run while the base is freed.
  event_base_free(base);
  return 0;
}
