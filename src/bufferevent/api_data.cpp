// Public entry points of event2/bufferevent.h: callbacks, directions,
// moving data in and out of the buffers, watermarks.
#include "bufferevent/api_util.hpp"
#include "evbuffer/evbuffer.hpp"

using ev::BevHold;
using ev::core_of;

namespace ev {

// The input buffer is watched while a read high watermark is set: reading
// pauses at the mark and resumes when the user drained below it.
void bev_input_changed(bufferevent* bev) {
  if (evbuffer_get_length(bev->input) >= bev->wm_read.high)
    bev_suspend_read(bev, kSuspendWatermark);
  else
    bev_unsuspend_read(bev, kSuspendWatermark);
}

}  // namespace ev

extern "C" {

void bufferevent_setcb(struct bufferevent* bufev, bufferevent_data_cb readcb,
                       bufferevent_data_cb writecb, bufferevent_event_cb eventcb, void* cbarg) {
  BEV_CHECK_VOID(bufev);
  ev::bev_lock(bufev);
  bufev->readcb = readcb;
  bufev->writecb = writecb;
  bufev->errorcb = eventcb;
  bufev->cbarg = cbarg;
  ev::bev_unlock(bufev);
}

void bufferevent_getcb(struct bufferevent* bufev, bufferevent_data_cb* readcb_ptr,
                       bufferevent_data_cb* writecb_ptr, bufferevent_event_cb* eventcb_ptr,
                       void** cbarg_ptr) {
  BEV_CHECK_VOID(bufev);
  ev::bev_lock(bufev);
  if (readcb_ptr != nullptr) *readcb_ptr = bufev->readcb;
  if (writecb_ptr != nullptr) *writecb_ptr = bufev->writecb;
  if (eventcb_ptr != nullptr) *eventcb_ptr = bufev->errorcb;
  if (cbarg_ptr != nullptr) *cbarg_ptr = bufev->cbarg;
  ev::bev_unlock(bufev);
}

int bufferevent_enable(struct bufferevent* bufev, short event) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  return ev::bev_enable_locked(bufev, static_cast<short>(event & (EV_READ | EV_WRITE)));
}

int bufferevent_disable(struct bufferevent* bufev, short event) {
  BEV_CHECK(bufev, -1);
  BevHold hold(bufev);
  return ev::bev_disable_locked(bufev, static_cast<short>(event & (EV_READ | EV_WRITE)));
}

short bufferevent_get_enabled(struct bufferevent* bufev) {
  BEV_CHECK(bufev, 0);
  ev::bev_lock(bufev);
  short r = bufev->enabled;
  ev::bev_unlock(bufev);
  return r;
}

struct evbuffer* bufferevent_get_input(struct bufferevent* bufev) {
  BEV_CHECK(bufev, nullptr);
  return bufev->input;
}

struct evbuffer* bufferevent_get_output(struct bufferevent* bufev) {
  BEV_CHECK(bufev, nullptr);
  return bufev->output;
}

int bufferevent_write(struct bufferevent* bufev, const void* data, size_t size) {
  BEV_CHECK(bufev, -1);
  if (data == nullptr && size != 0) {
    evpriv_warnx("%s: no data", __func__);
    return -1;
  }
  return evbuffer_add(bufev->output, data, size) == -1 ? -1 : 0;
}

int bufferevent_write_buffer(struct bufferevent* bufev, struct evbuffer* buf) {
  BEV_CHECK(bufev, -1);
  BEV_CHECK(buf, -1);
  return evbuffer_add_buffer(bufev->output, buf) == -1 ? -1 : 0;
}

size_t bufferevent_read(struct bufferevent* bufev, void* data, size_t size) {
  BEV_CHECK(bufev, 0);
  if (data == nullptr && size != 0) {
    evpriv_warnx("%s: no destination", __func__);
    return 0;
  }
  int n = evbuffer_remove(bufev->input, data, size);
  return n < 0 ? 0 : static_cast<size_t>(n);
}

int bufferevent_read_buffer(struct bufferevent* bufev, struct evbuffer* buf) {
  BEV_CHECK(bufev, -1);
  BEV_CHECK(buf, -1);
  return evbuffer_add_buffer(buf, bufev->input);
}

void bufferevent_setwatermark(struct bufferevent* bufev, short events, size_t lowmark,
                              size_t highmark) {
  BEV_CHECK_VOID(bufev);
  BevHold hold(bufev);
  if (events & EV_WRITE) {
    bufev->wm_write.low = lowmark;
    bufev->wm_write.high = highmark;
  }
  if (!(events & EV_READ)) return;
  bufev->wm_read.low = lowmark;
  bufev->wm_read.high = highmark;
  // The watch acts at once, even when user callbacks are deferred.
  ev::buffer_set_owner_watch(bufev->input, highmark != 0);
  if (highmark == 0) {
    ev::bev_unsuspend_read(bufev, ev::kSuspendWatermark);
    return;
  }
  if (evbuffer_get_length(bufev->input) >= highmark)
    ev::bev_suspend_read(bufev, ev::kSuspendWatermark);
  else
    ev::bev_unsuspend_read(bufev, ev::kSuspendWatermark);
}

int bufferevent_getwatermark(struct bufferevent* bufev, short events, size_t* lowmark,
                             size_t* highmark) {
  BEV_CHECK(bufev, -1);
  const event_watermark* wm;
  if (events == EV_WRITE) {
    wm = &bufev->wm_write;
  } else if (events == EV_READ) {
    wm = &bufev->wm_read;
  } else {
    return -1;  // exactly one direction, as libevent requires
  }
  ev::bev_lock(bufev);
  if (lowmark != nullptr) *lowmark = wm->low;
  if (highmark != nullptr) *highmark = wm->high;
  ev::bev_unlock(bufev);
  return 0;
}

}  // extern "C"
