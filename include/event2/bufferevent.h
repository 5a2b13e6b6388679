/** @file
 * Buffered I/O events ("bufferevents").
 *
 * A bufferevent couples a transport (a socket, the other end of a pair, an
 * underlying bufferevent seen through a filter, a TLS session) with an input
 * and an output evbuffer.  The library moves bytes between the transport and
 * the buffers and invokes user callbacks when enough data arrived, when the
 * output drained, or when something happened to the connection.
 *
 * struct bufferevent itself is declared in <event2/bufferevent_struct.h>;
 * prefer the accessor functions below to reading its fields.
 *
 * Callbacks: the read callback runs when the input holds at least the read
 * low watermark, the write callback when the output drained to its low
 * watermark, the event callback with BEV_EVENT_* bits.  They run from the
 * event loop (or later when BEV_OPT_DEFER_CALLBACKS is set) and may call any
 * function here, including bufferevent_free() on their own bufferevent.
 *
 * Ownership and threads: bufferevent_free() releases the bufferevent, its
 * buffers, and with BEV_OPT_CLOSE_ON_FREE the socket or underlying
 * bufferevent; data still in the output buffer is not guaranteed to be
 * written first (wait for the write callback before freeing).
 * With BEV_OPT_THREADSAFE (and threads enabled) every function may be called
 * from any thread; bufferevent_lock() groups several calls. */
#ifndef EVENT2_BUFFEREVENT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_H_INCLUDED_

#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>

/** @{ */
/** Bits of the 'what' argument of a bufferevent_event_cb.  One of
 * READING/WRITING says which direction was involved; the rest say what
 * happened. */
#define BEV_EVENT_READING	0x01	/**< failure or timeout while reading */
#define BEV_EVENT_WRITING	0x02	/**< failure or timeout while writing */
#define BEV_EVENT_EOF		0x10	/**< the peer closed the connection */
#define BEV_EVENT_ERROR		0x20	/**< an error; see EVUTIL_SOCKET_ERROR() */
#define BEV_EVENT_TIMEOUT	0x40	/**< a read or write timeout expired */
#define BEV_EVENT_CONNECTED	0x80	/**< a pending connect finished */
/** @} */

struct bufferevent;
struct event_base;
struct evbuffer;
struct sockaddr;

/** Called from the event loop when data was read (the input reached its
 * low watermark) or when the output drained to its low watermark.
 *
 * @param bev the bufferevent
 * @param ctx the argument given to bufferevent_setcb() */
typedef void (*bufferevent_data_cb)(struct bufferevent *bev, void *ctx);

/** Called from the event loop when something happened to the connection.
 *
 * @param bev the bufferevent
 * @param what BEV_EVENT_READING or BEV_EVENT_WRITING, combined with
 *   BEV_EVENT_EOF, BEV_EVENT_ERROR (EVUTIL_SOCKET_ERROR() says which),
 *   BEV_EVENT_TIMEOUT or BEV_EVENT_CONNECTED
 * @param ctx the argument given to bufferevent_setcb() */
typedef void (*bufferevent_event_cb)(struct bufferevent *bev, short what, void *ctx);

/** Flags accepted by the bufferevent constructors. */
enum bufferevent_options {
	/** Close the underlying fd / free the underlying bufferevent on free. */
	BEV_OPT_CLOSE_ON_FREE = (1<<0),
	/** Create locks so the bufferevent may be used from several threads. */
	BEV_OPT_THREADSAFE = (1<<1),
	/** Run callbacks from the event loop instead of immediately. */
	BEV_OPT_DEFER_CALLBACKS = (1<<2),
	/** With deferred callbacks, do not hold the lock while running them. */
	BEV_OPT_UNLOCK_CALLBACKS = (1<<3)
};

/** Create a bufferevent on a socket.
 *
 * @param base the base it runs on
 * @param fd a non-blocking socket, or -1 to set one later (for example with
 *   bufferevent_socket_connect())
 * @param options BEV_OPT_* flags: CLOSE_ON_FREE (close fd in
 *   bufferevent_free()), THREADSAFE (locking), DEFER_CALLBACKS (run callbacks
 *   from the loop), UNLOCK_CALLBACKS
 * @return the bufferevent, owned by the caller (release it with
 *   bufferevent_free()), or NULL on failure.  Writing is enabled, reading
 *   is not until bufferevent_enable(bev, EV_READ). */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_socket_new(struct event_base *base, evutil_socket_t fd, int options);

/** Start connecting a socket bufferevent to an address.
 *
 * Creates a non-blocking socket when the bufferevent has none.  The outcome is
 * reported to the event callback: BEV_EVENT_CONNECTED on success,
 * BEV_EVENT_ERROR on failure.  Data written before the connection completes is
 * sent once it does.
 * Arguments, in order (unnamed in the declaration):
 * - bev: a socket bufferevent
 * - sa: the address to connect to
 * - socklen: the size of *sa
 * @return 0 when the attempt started, -1 when it failed at once. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_connect(struct bufferevent *, const struct sockaddr *, int);

struct evdns_base;

/** Resolve 'hostname' (with evdns_base when given, else blocking) and connect
 * to 'port' on the first address of family 'family' (AF_INET, AF_INET6 or
 * AF_UNSPEC).  Returns 0 when resolution started, -1 on error. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_connect_hostname(struct bufferevent *,
    struct evdns_base *, int, const char *, int);

/** The getaddrinfo-style error (EVUTIL_EAI_*) of the last hostname lookup
 * made by bufferevent_socket_connect_hostname, or 0. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_get_dns_error(struct bufferevent *bev);

/** Move the bufferevent to another event base.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_base_set(struct event_base *base, struct bufferevent *bufev);

/** The event base the bufferevent belongs to. */
EVENT2_EXPORT_SYMBOL
struct event_base *bufferevent_get_base(struct bufferevent *bev);

/** Set the priority of the bufferevent's internal events.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_priority_set(struct bufferevent *bufev, int pri);

/** The priority of the bufferevent's internal events. */
EVENT2_EXPORT_SYMBOL
int bufferevent_get_priority(const struct bufferevent *bufev);

/** Release a bufferevent.
 *
 * Its callbacks are not called again.  With BEV_OPT_CLOSE_ON_FREE the socket
 * (or the underlying bufferevent) is closed (freed) too.  Output not yet sent
 * may be lost: wait for the write callback first to be sure.  May be called
 * from the bufferevent's own callbacks.
 * @param bufev the bufferevent */
EVENT2_EXPORT_SYMBOL
void bufferevent_free(struct bufferevent *bufev);

/** Set the three callbacks and their shared argument, replacing earlier
 * ones.
 *
 * Callbacks run from the event loop (after it, with BEV_OPT_DEFER_CALLBACKS)
 * and may call any bufferevent function on bufev, including bufferevent_free().
 * @param bufev the bufferevent
 * @param readcb input reached the read low watermark, or NULL
 * @param writecb output drained to the write low watermark, or NULL
 * @param eventcb BEV_EVENT_* happenings (EOF, ERROR, TIMEOUT, CONNECTED), or NULL
 * @param cbarg passed to every callback */
EVENT2_EXPORT_SYMBOL
void bufferevent_setcb(struct bufferevent *bufev,
    bufferevent_data_cb readcb, bufferevent_data_cb writecb,
    bufferevent_event_cb eventcb, void *cbarg);

/** Read back the current callbacks; any out-pointer may be NULL. */
EVENT2_EXPORT_SYMBOL
void bufferevent_getcb(struct bufferevent *bufev,
    bufferevent_data_cb *readcb_ptr,
    bufferevent_data_cb *writecb_ptr,
    bufferevent_event_cb *eventcb_ptr,
    void **cbarg_ptr);

/** Change the file descriptor of a socket-based bufferevent.  Returns 0/-1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_setfd(struct bufferevent *bufev, evutil_socket_t fd);

/** The file descriptor, or -1 when there is none. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t bufferevent_getfd(struct bufferevent *bufev);

/** For a filtering bufferevent, the one it wraps; NULL otherwise. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_get_underlying(struct bufferevent *bufev);

/** Append a copy of bytes to the output buffer; they are sent as the
 * transport accepts them while writing is enabled.
 *
 * @return 0, or -1 on failure (out of memory, or the output buffer's end is
 *   frozen). */
EVENT2_EXPORT_SYMBOL
int bufferevent_write(struct bufferevent *bufev,
    const void *data, size_t size);

/** Move the whole content of 'buf' to the output buffer.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/** Move up to size bytes from the input buffer into data.
 *
 * @return the number of bytes moved; 0 when the input is empty. */
EVENT2_EXPORT_SYMBOL
size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size);

/** Move the whole input buffer to the end of 'buf'.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/** The buffer holding data received and not yet consumed. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *bufferevent_get_input(struct bufferevent *bufev);

/** The buffer holding data waiting to be sent. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *bufferevent_get_output(struct bufferevent *bufev);

/** Enable reading and/or writing.
 *
 * @param bufev the bufferevent
 * @param event EV_READ, EV_WRITE, or both
 * @return 0, or -1 on error. */
EVENT2_EXPORT_SYMBOL
int bufferevent_enable(struct bufferevent *bufev, short event);

/** Disable reading and/or writing (EV_READ | EV_WRITE).  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_disable(struct bufferevent *bufev, short event);

/** The currently enabled directions (EV_READ | EV_WRITE). */
EVENT2_EXPORT_SYMBOL
short bufferevent_get_enabled(struct bufferevent *bufev);

/** Set the read and write inactivity timeouts; NULL removes one.  An expired
 * timeout disables that direction and reports BEV_EVENT_TIMEOUT. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_timeouts(struct bufferevent *bufev,
    const struct timeval *timeout_read, const struct timeval *timeout_write);

/** Set the low/high watermarks for EV_READ and/or EV_WRITE; a high mark of 0
 * means unlimited. */
EVENT2_EXPORT_SYMBOL
void bufferevent_setwatermark(struct bufferevent *bufev, short events,
    size_t lowmark, size_t highmark);

/** Read the watermarks of exactly one of EV_READ or EV_WRITE.  Returns 0,
 * or -1 when 'events' names zero or both directions. */
EVENT2_EXPORT_SYMBOL
int bufferevent_getwatermark(struct bufferevent *bufev, short events,
    size_t *lowmark, size_t *highmark);

/** Take the bufferevent's lock (a no-op without BEV_OPT_THREADSAFE). */
EVENT2_EXPORT_SYMBOL
void bufferevent_lock(struct bufferevent *bufev);

/** Release the lock taken by bufferevent_lock. */
EVENT2_EXPORT_SYMBOL
void bufferevent_unlock(struct bufferevent *bufev);

/** Add a reference, keeping the bufferevent alive past bufferevent_free. */
EVENT2_EXPORT_SYMBOL
void bufferevent_incref(struct bufferevent *bufev);

/** Drop a reference; returns 1 if this freed the bufferevent, else 0. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decref(struct bufferevent *bufev);

/** How hard bufferevent_flush and filters should push data through. */
enum bufferevent_flush_mode {
	/** Ordinary processing. */
	BEV_NORMAL = 0,
	/** Write out everything possible, ignoring size heuristics. */
	BEV_FLUSH = 1,
	/** As BEV_FLUSH, and no more data will follow. */
	BEV_FINISHED = 2
};

/** Force data through in the EV_READ and/or EV_WRITE direction.  Returns -1
 * on failure, 0 if nothing moved, 1 if some data moved. */
EVENT2_EXPORT_SYMBOL
int bufferevent_flush(struct bufferevent *bufev,
    short iotype,
    enum bufferevent_flush_mode mode);

/** Flags for bufferevent_trigger and bufferevent_trigger_event. */
enum bufferevent_trigger_options {
	/** Run the callback even if the watermark is not reached. */
	BEV_TRIG_IGNORE_WATERMARKS = (1<<16),
	/** Defer the callback to the event loop. */
	BEV_TRIG_DEFER_CALLBACKS = BEV_OPT_DEFER_CALLBACKS
};

/** Invoke the read and/or write callback as if data had moved. */
EVENT2_EXPORT_SYMBOL
void bufferevent_trigger(struct bufferevent *bufev, short iotype,
    int options);

/** Invoke the event callback with the BEV_EVENT_* mask 'what'. */
EVENT2_EXPORT_SYMBOL
void bufferevent_trigger_event(struct bufferevent *bufev, short what,
    int options);

/** What a filter callback reports back. */
enum bufferevent_filter_result {
	/** Some data was produced. */
	BEV_OK = 0,
	/** Nothing more can be produced until more input arrives. */
	BEV_NEED_MORE = 1,
	/** The filter failed; the bufferevent reports an error. */
	BEV_ERROR = 2
};

/** Transforms bytes from 'src' into 'dst', writing at most 'dst_limit'
 * bytes when it is non-negative. */
typedef enum bufferevent_filter_result (*bufferevent_filter_cb)(
    struct evbuffer *src, struct evbuffer *dst, ev_ssize_t dst_limit,
    enum bufferevent_flush_mode mode, void *ctx);

/** Wrap 'underlying' in a bufferevent that runs its data through the given
 * filters (NULL passes data unchanged).  'free_context' is called on 'ctx'
 * when the filter is freed.  Returns NULL on failure. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_filter_new(struct bufferevent *underlying,
    bufferevent_filter_cb input_filter,
    bufferevent_filter_cb output_filter,
    int options,
    void (*free_context)(void *),
    void *ctx);

/** Create two bufferevents connected to each other in memory.  Returns 0 and
 * fills pair[0], pair[1], or returns -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_pair_new(struct event_base *base, int options,
    struct bufferevent *pair[2]);

/** The other end of a pair, or NULL if it has none (or is not a pair). */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_pair_get_partner(struct bufferevent *bev);

/** Token-bucket rate limiting. */
struct ev_token_bucket_cfg;
struct bufferevent_rate_limit_group;

/** The largest rate or burst a token bucket accepts. */
#define EV_RATE_LIMIT_MAX EV_SSIZE_MAX

/** New rate-limit configuration: rates are bytes per tick, bursts are the
 * bucket sizes, 'tick_len' defaults to one second when NULL. */
EVENT2_EXPORT_SYMBOL
struct ev_token_bucket_cfg *ev_token_bucket_cfg_new(
	size_t read_rate, size_t read_burst,
	size_t write_rate, size_t write_burst,
	const struct timeval *tick_len);

/** Free a configuration no longer used by any bufferevent or group. */
EVENT2_EXPORT_SYMBOL
void ev_token_bucket_cfg_free(struct ev_token_bucket_cfg *cfg);

/** Apply (or with NULL remove) a rate limit.  The configuration must outlive
 * the bufferevent's use of it.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_rate_limit(struct bufferevent *bev,
    struct ev_token_bucket_cfg *cfg);

/** New group whose members share one rate limit (cfg is copied). */
EVENT2_EXPORT_SYMBOL
struct bufferevent_rate_limit_group *bufferevent_rate_limit_group_new(
	struct event_base *base,
	const struct ev_token_bucket_cfg *cfg);

/** Change a group's rate limit.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_set_cfg(
	struct bufferevent_rate_limit_group *,
	const struct ev_token_bucket_cfg *);

/** Set the smallest share of the group's bandwidth one member gets per
 * turn.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_set_min_share(
	struct bufferevent_rate_limit_group *, size_t);

/** Free a group; its members stay, without the group limit. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_free(struct bufferevent_rate_limit_group *);

/** Make the bufferevent a member of 'g' (leaving any previous group). */
EVENT2_EXPORT_SYMBOL
int bufferevent_add_to_rate_limit_group(struct bufferevent *bev,
    struct bufferevent_rate_limit_group *g);

/** Take the bufferevent out of its group. */
EVENT2_EXPORT_SYMBOL
int bufferevent_remove_from_rate_limit_group(struct bufferevent *bev);

/** Cap the bytes read in one operation (0 restores the default). */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_max_single_read(struct bufferevent *bev, size_t size);

/** Cap the bytes written in one operation (0 restores the default). */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_max_single_write(struct bufferevent *bev, size_t size);

/** The per-operation read cap. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_single_read(struct bufferevent *bev);

/** The per-operation write cap. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_single_write(struct bufferevent *bev);

/** Bytes left in this bufferevent's own read bucket (ignores its group). */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_read_limit(struct bufferevent *bev);

/** Bytes left in this bufferevent's own write bucket (ignores its group). */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_write_limit(struct bufferevent *bev);

/** How many bytes the next read may take, all limits considered. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_to_read(struct bufferevent *bev);

/** How many bytes the next write may send, all limits considered. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_to_write(struct bufferevent *bev);

/** The rate-limit configuration in force, or NULL. */
EVENT2_EXPORT_SYMBOL
const struct ev_token_bucket_cfg *bufferevent_get_token_bucket_cfg(const struct bufferevent * bev);

/** Bytes left in the group's read bucket. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_rate_limit_group_get_read_limit(
	struct bufferevent_rate_limit_group *);

/** Bytes left in the group's write bucket. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_rate_limit_group_get_write_limit(
	struct bufferevent_rate_limit_group *);

/** Adjust this bufferevent's read bucket by -decr (may go negative). */
EVENT2_EXPORT_SYMBOL
int bufferevent_decrement_read_limit(struct bufferevent *bev, ev_ssize_t decr);

/** Adjust this bufferevent's write bucket by -decr (may go negative). */
EVENT2_EXPORT_SYMBOL
int bufferevent_decrement_write_limit(struct bufferevent *bev, ev_ssize_t decr);

/** Adjust the group's read bucket. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_decrement_read(
	struct bufferevent_rate_limit_group *, ev_ssize_t);

/** Adjust the group's write bucket. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_decrement_write(
	struct bufferevent_rate_limit_group *, ev_ssize_t);

/** Total bytes the group's members have read and written. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_get_totals(
    struct bufferevent_rate_limit_group *grp,
    ev_uint64_t *total_read_out, ev_uint64_t *total_written_out);

/** Reset the group's byte totals to zero. */
EVENT2_EXPORT_SYMBOL
void
bufferevent_rate_limit_group_reset_totals(
	struct bufferevent_rate_limit_group *grp);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_H_INCLUDED_ */
