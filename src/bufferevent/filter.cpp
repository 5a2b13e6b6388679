// Filtering bufferevents: a bufferevent on top of another ("underlying")
// one, with user functions transforming data on the way in (underlying
// input -> our input) and out (our output -> underlying output).
//
// The filter installs itself as the underlying bufferevent's callbacks and
// keeps a reference on it.  The underlying one reads only while the filter
// wants data (kSuspendFilterRead), so the filter's own high watermark
// back-pressures the transport.
#include "bufferevent/api_util.hpp"
#include "core/mm.hpp"
#include "evbuffer/evbuffer.hpp"

namespace ev {
namespace {

struct FilterBev : BevCore {
  bufferevent* underlying = nullptr;
  bufferevent_filter_cb process_in = nullptr;
  bufferevent_filter_cb process_out = nullptr;
  void (*free_context)(void*) = nullptr;
  void* ctx = nullptr;
  // Filtering stopped at our read high watermark with data left in the
  // underlying input: draining our input resumes it (input_drained()).
  bool stuck = false;
};

extern const bufferevent_ops kFilterOps;

FilterBev* filter_of(bufferevent* bev) { return static_cast<FilterBev*>(core_of(bev)); }

// The filter used when the user passes none: moves bytes unchanged.
bufferevent_filter_result pass_through(evbuffer* src, evbuffer* dst, ev_ssize_t limit,
                                       bufferevent_flush_mode, void*) {
  size_t n = evbuffer_get_length(src);
  if (limit >= 0 && static_cast<size_t>(limit) < n) n = static_cast<size_t>(limit);
  return evbuffer_remove_buffer(src, dst, n) >= 0 ? BEV_OK : BEV_ERROR;
}

bool input_full(bufferevent* bev, bufferevent_flush_mode mode) {
  return mode == BEV_NORMAL && bev->wm_read.high != 0 &&
         evbuffer_get_length(bev->input) >= bev->wm_read.high;
}

bool underlying_full(FilterBev* f, bufferevent_flush_mode mode) {
  bufferevent* u = f->underlying;
  return mode == BEV_NORMAL && u->wm_write.high != 0 &&
         evbuffer_get_length(u->output) >= u->wm_write.high;
}

// Runs the input filter while it makes progress and we want data.
bufferevent_filter_result process_input(FilterBev* f, bufferevent_flush_mode mode, int* processed) {
  bufferevent* bev = &f->pub;
  evbuffer* src = f->underlying->input;
  if (mode == BEV_NORMAL && (!(bev->enabled & EV_READ) || input_full(bev, mode))) return BEV_OK;
  bufferevent_filter_result res;
  do {
    ev_ssize_t limit = -1;
    if (mode == BEV_NORMAL && bev->wm_read.high != 0)
      limit = static_cast<ev_ssize_t>(bev->wm_read.high - evbuffer_get_length(bev->input));
    size_t before_src = evbuffer_get_length(src);
    size_t before_dst = evbuffer_get_length(bev->input);
    res = f->process_in(src, bev->input, limit, mode, f->ctx);
    if (res == BEV_OK) *processed = 1;
    // A filter reporting success without moving anything would spin.
    if (evbuffer_get_length(src) == before_src && evbuffer_get_length(bev->input) == before_dst)
      break;
  } while (res == BEV_OK && (bev->enabled & EV_READ) && evbuffer_get_length(src) != 0 &&
           !input_full(bev, mode));
  if (*processed) bev_generic_reset_read_timer(bev);
  return res;
}

// Runs the output filter while it makes progress and the underlying
// output has room; the write callback may queue more, which is processed
// in the same call.
bufferevent_filter_result process_output(FilterBev* f, bufferevent_flush_mode mode,
                                         int* processed) {
  bufferevent* bev = &f->pub;
  evbuffer* dst = f->underlying->output;
  // In normal mode the filter is only urged when there is something to
  // write and room below; flushing calls it regardless (as libevent does).
  if (mode == BEV_NORMAL && (!(bev->enabled & EV_WRITE) || underlying_full(f, mode) ||
                             evbuffer_get_length(bev->output) == 0))
    return BEV_OK;
  // Our own additions to the output must not re-enter us.
  buffer_set_owner_watch(bev->output, false);
  bufferevent_filter_result res = BEV_OK;
  bool again;
  do {
    bool progressed = false;
    again = false;
    do {
      ev_ssize_t limit = -1;
      if (mode == BEV_NORMAL && f->underlying->wm_write.high != 0)
        limit = static_cast<ev_ssize_t>(f->underlying->wm_write.high - evbuffer_get_length(dst));
      size_t before_src = evbuffer_get_length(bev->output);
      size_t before_dst = evbuffer_get_length(dst);
      res = f->process_out(bev->output, dst, limit, mode, f->ctx);
      if (res == BEV_OK) progressed = true, *processed = 1;
      if (evbuffer_get_length(bev->output) == before_src && evbuffer_get_length(dst) == before_dst)
        break;
    } while (res == BEV_OK && (bev->enabled & EV_WRITE) && evbuffer_get_length(bev->output) != 0 &&
             !underlying_full(f, mode));
    if (progressed) {
      size_t before = evbuffer_get_length(bev->output);
      bev_trigger_locked(bev, EV_WRITE, 0);
      again = res == BEV_OK && (bev->enabled & EV_WRITE) &&
              evbuffer_get_length(bev->output) > before && !underlying_full(f, mode);
    }
  } while (again);
  buffer_set_owner_watch(bev->output, true);
  if (*processed) bev_generic_reset_write_timer(bev);
  return res;
}

// ops->output_changed.
void output_grew(bufferevent* bev, const evbuffer_cb_info* info) {
  FilterBev* f = filter_of(bev);
  if (info->n_added == 0) return;
  BevHold hold(&f->pub);
  int processed = 0;
  process_output(f, BEV_NORMAL, &processed);
}

// ---- callbacks installed on the underlying bufferevent ----

// Filters what the underlying input holds and runs our read callback
// (with `trigger_options`).
void filter_input(FilterBev* f, int trigger_options) {
  BevHold hold(&f->pub);
  int processed = 0;
  process_input(f, BEV_NORMAL, &processed);
  if (!processed) return;
  // Noted before the read callback runs, so that its draining resumes us.
  if (evbuffer_get_length(f->underlying->input) != 0 && input_full(&f->pub, BEV_NORMAL))
    f->stuck = true;
  bev_trigger_locked(&f->pub, EV_READ, trigger_options);
}

void underlying_read(bufferevent*, void* arg) { filter_input(static_cast<FilterBev*>(arg), 0); }

// ops->input_changed: the data left behind in the underlying input would
// otherwise wait for more to arrive from the transport, which may never
// come (libevent resumes here too).
void input_drained(bufferevent* bev) {
  FilterBev* f = filter_of(bev);
  if (!f->stuck || input_full(bev, BEV_NORMAL)) return;
  f->stuck = false;
  // Typically inside the read callback's own drain: the callback runs again
  // from the loop rather than nested in it.
  if (evbuffer_get_length(f->underlying->input) != 0) filter_input(f, BEV_TRIG_DEFER_CALLBACKS);
}

void underlying_write(bufferevent*, void* arg) {
  auto* f = static_cast<FilterBev*>(arg);
  BevHold hold(&f->pub);
  int processed = 0;
  process_output(f, BEV_NORMAL, &processed);
}

void underlying_event(bufferevent*, short what, void* arg) {
  auto* f = static_cast<FilterBev*>(arg);
  BevHold hold(&f->pub);
  bev_run_eventcb(&f->pub, what, 0);
}

// ---- operations ----

int filter_enable(bufferevent* bev, short what) {
  FilterBev* f = filter_of(bev);
  // As libevent: enabling starts the timers of the enabled directions (the
  // write one even with no output, unlike a pair's).
  if (what & EV_WRITE) bev_generic_arm_write_timer(bev);
  if (what & EV_READ) bev_generic_arm_read_timer(bev);
  if (what & EV_READ) {
    bev_lock(f->underlying);
    bev_unsuspend_read(f->underlying, kSuspendFilterRead);
    bev_unlock(f->underlying);
  }
  if ((what & EV_WRITE) && evbuffer_get_length(bev->output) != 0) {
    int processed = 0;
    process_output(f, BEV_NORMAL, &processed);
  }
  return 0;
}

int filter_disable(bufferevent* bev, short what) {
  FilterBev* f = filter_of(bev);
  bev_generic_del_timers(bev, what);
  if (what & EV_READ) {
    bev_lock(f->underlying);
    bev_suspend_read(f->underlying, kSuspendFilterRead);
    bev_unlock(f->underlying);
  }
  return 0;
}

int filter_flush(bufferevent* bev, short iotype, bufferevent_flush_mode mode) {
  FilterBev* f = filter_of(bev);
  int processed = 0;
  BevHold hold(f->underlying);
  if (iotype & EV_READ) process_input(f, mode, &processed);
  if (iotype & EV_WRITE) process_output(f, mode, &processed);
  bufferevent_flush(f->underlying, iotype, mode);
  return processed;
}

void filter_unlink(bufferevent* bev) {
  FilterBev* f = filter_of(bev);
  bufferevent* u = f->underlying;
  if (core_of(bev)->options & BEV_OPT_CLOSE_ON_FREE) {
    bufferevent_free(u);  // our reference keeps it until destruct
    return;
  }
  bev_lock(u);
  if (u->errorcb == underlying_event) {
    u->readcb = nullptr;
    u->writecb = nullptr;
    u->errorcb = nullptr;
    u->cbarg = nullptr;
  }
  bev_unsuspend_read(u, kSuspendFilterRead);
  bev_unlock(u);
}

void filter_destruct(bufferevent* bev) {
  FilterBev* f = filter_of(bev);
  if (f->free_context != nullptr) f->free_context(f->ctx);
  bev_lock(f->underlying);
  bev_decref_and_unlock(f->underlying);
}

evutil_socket_t filter_get_fd(bufferevent* bev) {
  return bufferevent_getfd(filter_of(bev)->underlying);
}

int filter_set_fd(bufferevent* bev, evutil_socket_t fd) {
  return bufferevent_setfd(filter_of(bev)->underlying, fd);
}

bufferevent* filter_get_underlying(bufferevent* bev) { return filter_of(bev)->underlying; }

const bufferevent_ops kFilterOps = {
    .type = "filter",
    .enable = filter_enable,
    .disable = filter_disable,
    .unlink = filter_unlink,
    .destruct = filter_destruct,
    .adj_timeouts = bev_generic_adj_timeouts,
    .flush = filter_flush,
    .get_fd = filter_get_fd,
    .set_fd = filter_set_fd,
    .get_underlying = filter_get_underlying,
    .try_write = nullptr,
    .output_changed = output_grew,
    .input_changed = input_drained,
};

}  // namespace
}  // namespace ev

extern "C" struct bufferevent* bufferevent_filter_new(struct bufferevent* underlying,
                                                      bufferevent_filter_cb input_filter,
                                                      bufferevent_filter_cb output_filter,
                                                      int options, void (*free_context)(void*),
                                                      void* ctx) {
  BEV_CHECK(underlying, nullptr);
  auto* f = ev::make<ev::FilterBev>();
  if (f == nullptr) return nullptr;
  // A thread-safe filter shares its underlying bufferevent's lock when it
  // has one: callbacks flow both ways, and one lock cannot be taken in
  // the wrong order.
  void* shared =
      (options & BEV_OPT_THREADSAFE) ? ev::bev_lock_of(ev::core_of(underlying)) : nullptr;
  if (!ev::bev_init_common(f, underlying->ev_base, &ev::kFilterOps, options, shared))
    return nullptr;
  bufferevent* bev = &f->pub;
  ev::bev_init_generic_timers(bev);
  f->underlying = underlying;
  f->process_in = input_filter != nullptr ? input_filter : ev::pass_through;
  f->process_out = output_filter != nullptr ? output_filter : ev::pass_through;
  f->free_context = free_context;
  f->ctx = ctx;
  ev::BevHold hold(underlying);
  ev::bev_incref_locked(underlying);  // released in filter_destruct
  underlying->readcb = ev::underlying_read;
  underlying->writecb = ev::underlying_write;
  underlying->errorcb = ev::underlying_event;
  underlying->cbarg = f;
  ev::bev_enable_locked(underlying, EV_READ | EV_WRITE);
  ev::bev_suspend_read(underlying, ev::kSuspendFilterRead);
  return bev;
}
