/** @file
 * Buffered I/O events ("bufferevents").
 *
 * A bufferevent couples a transport (a socket, the other end of a pair, an
 * underlying bufferevent seen through a filter, a TLS session) with an input
 * and an output evbuffer.  The library moves bytes between the transport and
 * the buffers and invokes user callbacks when enough data arrived, when the
 * output drained, or when something happened to the connection.  A new
 * bufferevent has writing enabled and reading disabled.
 *
 * struct bufferevent itself is declared in <event2/bufferevent_struct.h>;
 * prefer the accessor functions below to reading its fields.
 *
 * @par Thread safety
 * A bufferevent created with BEV_OPT_THREADSAFE, after threading was set up
 * (evthread_use_pthreads()), has a lock: every function of this header may
 * then be called on it from any thread, and bufferevent_lock() groups
 * several calls into one atomic step.  Without that option a bufferevent
 * must only be used from the thread running its base's loop (or while no
 * loop runs).  Rate-limit groups have a lock of their own when threading is
 * set up.  Every function given a NULL bufferevent logs a warning and
 * returns its failure value.
 *
 * @par Callbacks
 * The read callback runs when the input holds at least the read low
 * watermark, the write callback when the output drained to its write low
 * watermark, the event callback with BEV_EVENT_* bits.  They run from the
 * event loop (from the loop's queue of deferred callbacks when
 * BEV_OPT_DEFER_CALLBACKS is set), with the bufferevent's lock held unless
 * BEV_OPT_UNLOCK_CALLBACKS is set as well.  They may call any function of
 * this header, including bufferevent_free() on their own bufferevent.
 *
 * @par Ownership
 * bufferevent_free() releases the bufferevent, its buffers, and with
 * BEV_OPT_CLOSE_ON_FREE the socket or underlying bufferevent; data still in
 * the output buffer is not guaranteed to be written first (wait for the
 * write callback before freeing).  The buffers returned by
 * bufferevent_get_input()/bufferevent_get_output() belong to the
 * bufferevent. */
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

/** Event callback bit: the failure or timeout happened while reading. */
#define BEV_EVENT_READING	0x01	/**< failure or timeout while reading */
/** Event callback bit: the failure or timeout happened while writing. */
#define BEV_EVENT_WRITING	0x02	/**< failure or timeout while writing */
/** Event callback bit: the peer closed the connection (end of file). */
#define BEV_EVENT_EOF		0x10	/**< the peer closed the connection */
/** Event callback bit: an error; EVUTIL_SOCKET_ERROR() says which. */
#define BEV_EVENT_ERROR		0x20	/**< an error; see EVUTIL_SOCKET_ERROR() */
/** Event callback bit: a read or write timeout expired. */
#define BEV_EVENT_TIMEOUT	0x40	/**< a read or write timeout expired */
/** Event callback bit: a pending connect (or TLS handshake) finished. */
#define BEV_EVENT_CONNECTED	0x80	/**< a pending connect finished */

struct bufferevent;
struct event_base;
struct evbuffer;
struct sockaddr;

/** @brief Read or write callback of a bufferevent.
 *
 * Runs from the event loop when data was read (the input reached its read
 * low watermark) or when the output drained to its write low watermark.
 * @param bev the bufferevent.
 * @param ctx the argument given to bufferevent_setcb(). */
typedef void (*bufferevent_data_cb)(struct bufferevent *bev, void *ctx);

/** @brief Event callback of a bufferevent.
 *
 * Runs from the event loop when something happened to the connection.
 * For a socket bufferevent, after end of file, an error or a timeout the
 * direction concerned is disabled.
 * @param bev the bufferevent.
 * @param what usually BEV_EVENT_READING or BEV_EVENT_WRITING combined with
 *   BEV_EVENT_EOF, BEV_EVENT_ERROR (EVUTIL_SOCKET_ERROR() says which) or
 *   BEV_EVENT_TIMEOUT; BEV_EVENT_ERROR alone for a failed connect or host
 *   name lookup; BEV_EVENT_CONNECTED alone when a connect succeeded.
 * @param ctx the argument given to bufferevent_setcb(). */
typedef void (*bufferevent_event_cb)(struct bufferevent *bev, short what, void *ctx);

/** Flags accepted by the bufferevent constructors. */
enum bufferevent_options {
	/** Close the underlying fd / free the underlying bufferevent on free. */
	BEV_OPT_CLOSE_ON_FREE = (1<<0),
	/** Create locks so the bufferevent may be used from several threads
	 * (needs threading set up first). */
	BEV_OPT_THREADSAFE = (1<<1),
	/** Run callbacks from the event loop's deferred queue instead of
	 * immediately when the condition arises. */
	BEV_OPT_DEFER_CALLBACKS = (1<<2),
	/** With deferred callbacks, do not hold the lock while running them. */
	BEV_OPT_UNLOCK_CALLBACKS = (1<<3)
};

/** @brief Create a bufferevent on a socket.
 * @param base the base it runs on.  NULL (what bufferevent_new() passes)
 *   puts its events on the global base of event_init(), but the
 *   bufferevent has no base of its own until bufferevent_base_set().
 * @param fd a non-blocking socket, or -1 to set one later (for example with
 *   bufferevent_socket_connect() or bufferevent_setfd()).
 * @param options BEV_OPT_* flags: CLOSE_ON_FREE (close fd in
 *   bufferevent_free()), THREADSAFE (locking), DEFER_CALLBACKS (run callbacks
 *   from the loop), UNLOCK_CALLBACKS.
 * @return the bufferevent, owned by the caller (release it with
 *   bufferevent_free()), or NULL when out of memory, a lock could not be
 *   made, or BEV_OPT_UNLOCK_CALLBACKS was given without
 *   BEV_OPT_DEFER_CALLBACKS.  Writing is enabled, reading is not until
 *   bufferevent_enable(bev, EV_READ). */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_socket_new(struct event_base *base, evutil_socket_t fd, int options);

/** @brief Start connecting a socket bufferevent to an address.
 *
 * Creates a non-blocking socket when the bufferevent has none (closed by
 * bufferevent_free() only with BEV_OPT_CLOSE_ON_FREE).  The
 * outcome is reported to the event callback: BEV_EVENT_CONNECTED on
 * success, BEV_EVENT_ERROR on failure (also for a connection refused at
 * once).  Data written before the connection completes is sent once it
 * does.  For a filtering bufferevent the underlying socket bufferevent
 * connects.
 * @param bev a socket bufferevent.
 * @param addr the address to connect to, or NULL to only wait for a connect
 *   already started on the bufferevent's fd.
 * @param socklen the size of *addr; must be positive when addr is given.
 * @return 0 when the attempt started (or completed), -1 when bev is NULL,
 *   not a socket bufferevent, socklen is invalid, or the socket or connect()
 *   failed at once. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_connect(struct bufferevent *bev, const struct sockaddr *addr, int socklen);

struct evdns_base;

/** @brief Resolve a host name and connect to the first address found.
 *
 * With an evdns_base the lookup is asynchronous (through
 * evdns_getaddrinfo() of libevent_extra); without one it blocks in
 * evutil_getaddrinfo().  A failed lookup or connect is reported to the event
 * callback as BEV_EVENT_ERROR; bufferevent_socket_get_dns_error() then says
 * whether the lookup failed.
 * @param bev a socket bufferevent.
 * @param evdns_base the resolver to use, or NULL for a blocking lookup.
 * @param family AF_INET, AF_INET6 or AF_UNSPEC.
 * @param hostname the name or numeric address to connect to; copied.
 * @param port the TCP port, 1 to 65535.
 * @return 0 when the lookup started (its failure is reported through the
 *   event callback), -1 when bev or hostname is NULL, the family or port is
 *   invalid, or bev is not a socket bufferevent. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_connect_hostname(struct bufferevent *bev,
    struct evdns_base *evdns_base, int family, const char *hostname, int port);

/** @brief The lookup error of the last bufferevent_socket_connect_hostname().
 * @param bev the bufferevent.
 * @return an EVUTIL_EAI_* code (see evutil_gai_strerror()), 0 when the
 *   last lookup succeeded or none was made, -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_socket_get_dns_error(struct bufferevent *bev);

/** @brief Move a socket bufferevent to another event base.
 *
 * Only for bufferevents that are not reading or writing (disable both
 * first).
 * @param base the new base.
 * @param bufev the bufferevent.
 * @return 0, or -1 when an argument is NULL, bufev is not a socket
 *   bufferevent, or its events could not move (they are pending). */
EVENT2_EXPORT_SYMBOL
int bufferevent_base_set(struct event_base *base, struct bufferevent *bufev);

/** @brief The event base a bufferevent runs on.
 * @param bev the bufferevent.
 * @return the base, or NULL when bev is NULL. */
EVENT2_EXPORT_SYMBOL
struct event_base *bufferevent_get_base(struct bufferevent *bev);

/** @brief Set the priority of a bufferevent's events and callbacks.
 * @param bufev the bufferevent.
 * @param pri a priority of its base (see event_base_priority_init()).
 * @return 0, or -1 when bufev is NULL, the priority is out of range or one
 *   of its events is active. */
EVENT2_EXPORT_SYMBOL
int bufferevent_priority_set(struct bufferevent *bufev, int pri);

/** @brief The priority of a bufferevent's events.
 * @param bufev the bufferevent.
 * @return the priority, or -1 when bufev is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_get_priority(const struct bufferevent *bufev);

/** @brief Release a bufferevent.
 *
 * Its callbacks are not called again.  With BEV_OPT_CLOSE_ON_FREE the socket
 * (or the underlying bufferevent) is closed (freed) too.  Output not yet sent
 * may be lost: wait for the write callback first to be sure.  The memory is
 * released once the last reference (bufferevent_incref()) is dropped.
 * @param bufev the bufferevent; NULL logs a warning. */
EVENT2_EXPORT_SYMBOL
void bufferevent_free(struct bufferevent *bufev);

/** @brief Set the three callbacks and their shared argument.
 *
 * Replaces the earlier callbacks and argument.
 * @param bufev the bufferevent.
 * @param readcb input reached the read low watermark, or NULL.
 * @param writecb output drained to the write low watermark, or NULL.
 * @param eventcb BEV_EVENT_* happenings (EOF, ERROR, TIMEOUT, CONNECTED),
 *   or NULL.
 * @param cbarg passed to every callback; never freed by the library. */
EVENT2_EXPORT_SYMBOL
void bufferevent_setcb(struct bufferevent *bufev,
    bufferevent_data_cb readcb, bufferevent_data_cb writecb,
    bufferevent_event_cb eventcb, void *cbarg);

/** @brief Read back the current callbacks and argument.
 * @param bufev the bufferevent.
 * @param readcb_ptr receives the read callback, or NULL to skip.
 * @param writecb_ptr receives the write callback, or NULL to skip.
 * @param eventcb_ptr receives the event callback, or NULL to skip.
 * @param cbarg_ptr receives the callback argument, or NULL to skip. */
EVENT2_EXPORT_SYMBOL
void bufferevent_getcb(struct bufferevent *bufev,
    bufferevent_data_cb *readcb_ptr,
    bufferevent_data_cb *writecb_ptr,
    bufferevent_event_cb *eventcb_ptr,
    void **cbarg_ptr);

/** @brief Change the file descriptor of a bufferevent.
 *
 * For socket bufferevents (and filters, which pass it to the underlying
 * one); the old fd is not closed.
 * @param bufev the bufferevent.
 * @param fd the new socket, or -1.
 * @return 0, or -1 when bufev is NULL or its kind has no fd. */
EVENT2_EXPORT_SYMBOL
int bufferevent_setfd(struct bufferevent *bufev, evutil_socket_t fd);

/** @brief The file descriptor of a bufferevent.
 * @param bufev the bufferevent.
 * @return the fd, or -1 when there is none or bufev is NULL. */
EVENT2_EXPORT_SYMBOL
evutil_socket_t bufferevent_getfd(struct bufferevent *bufev);

/** @brief The bufferevent a filtering (or TLS) bufferevent wraps.
 * @param bufev the bufferevent.
 * @return the underlying bufferevent, or NULL when there is none or bufev
 *   is NULL. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_get_underlying(struct bufferevent *bufev);

/** @brief Queue bytes for sending.
 *
 * A copy of the bytes is appended to the output buffer; they are sent as
 * the transport accepts them while writing is enabled.
 * @param bufev the bufferevent.
 * @param data the bytes; may be NULL only when size is 0.
 * @param size the number of bytes.
 * @return 0, or -1 when bufev is NULL, data is NULL with a nonzero size,
 *   out of memory, or the output buffer's end is frozen. */
EVENT2_EXPORT_SYMBOL
int bufferevent_write(struct bufferevent *bufev,
    const void *data, size_t size);

/** @brief Queue the whole content of a buffer for sending.
 *
 * The data is moved (buf is left empty), not copied.
 * @param bufev the bufferevent.
 * @param buf the buffer to drain.
 * @return 0, or -1 when an argument is NULL or either buffer is frozen. */
EVENT2_EXPORT_SYMBOL
int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/** @brief Take received bytes out of the input buffer.
 * @param bufev the bufferevent.
 * @param data where to copy them; may be NULL only when size is 0.
 * @param size the most bytes to take.
 * @return the number of bytes moved: 0 when the input is empty or on error
 *   (NULL arguments, frozen input). */
EVENT2_EXPORT_SYMBOL
size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size);

/** @brief Move all received bytes to the end of another buffer.
 * @param bufev the bufferevent.
 * @param buf the destination buffer.
 * @return 0, or -1 when an argument is NULL or either buffer is frozen. */
EVENT2_EXPORT_SYMBOL
int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/** @brief The buffer holding data received and not yet consumed.
 *
 * The caller may read and drain it, not add to it (its end is frozen for
 * socket bufferevents).
 * @param bufev the bufferevent.
 * @return the input buffer, owned by the bufferevent; NULL when bufev is
 *   NULL. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *bufferevent_get_input(struct bufferevent *bufev);

/** @brief The buffer holding data waiting to be sent.
 *
 * The caller may add to it (its start is frozen for socket bufferevents).
 * @param bufev the bufferevent.
 * @return the output buffer, owned by the bufferevent; NULL when bufev is
 *   NULL. */
EVENT2_EXPORT_SYMBOL
struct evbuffer *bufferevent_get_output(struct bufferevent *bufev);

/** @brief Enable reading and/or writing.
 *
 * Enabling reading starts the read timeout, if any; enabling writing with
 * data queued starts sending.
 * @param bufev the bufferevent.
 * @param event EV_READ, EV_WRITE, or both; other bits are ignored.
 * @return 0, or -1 when bufev is NULL or its events could not be added. */
EVENT2_EXPORT_SYMBOL
int bufferevent_enable(struct bufferevent *bufev, short event);

/** @brief Disable reading and/or writing.
 * @param bufev the bufferevent.
 * @param event EV_READ, EV_WRITE, or both; other bits are ignored.
 * @return 0, or -1 when bufev is NULL or its events could not be
 *   removed. */
EVENT2_EXPORT_SYMBOL
int bufferevent_disable(struct bufferevent *bufev, short event);

/** @brief The enabled directions.
 * @param bufev the bufferevent.
 * @return EV_READ and/or EV_WRITE, or 0 (also when bufev is NULL). */
EVENT2_EXPORT_SYMBOL
short bufferevent_get_enabled(struct bufferevent *bufev);

/** @brief Set the read and write inactivity timeouts.
 *
 * A timeout runs while its direction is enabled and waiting; it restarts
 * whenever data moves.  When it expires the event callback gets
 * BEV_EVENT_TIMEOUT with BEV_EVENT_READING or BEV_EVENT_WRITING and that
 * direction is disabled.
 * @param bufev the bufferevent.
 * @param timeout_read the read timeout, copied; NULL removes it.
 * @param timeout_write the write timeout, copied; NULL removes it.
 * @return 0, or -1 when bufev is NULL or a timer could not be re-added. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_timeouts(struct bufferevent *bufev,
    const struct timeval *timeout_read, const struct timeval *timeout_write);

/** @brief Set the low and high watermarks of one or both directions.
 *
 * Read: the read callback runs once the input holds at least lowmark bytes;
 * reading pauses while the input holds highmark bytes or more.  Write: the
 * write callback runs once the output drained to lowmark bytes or fewer;
 * highmark is used by filters to bound what they pass on.
 * @param bufev the bufferevent.
 * @param events EV_READ, EV_WRITE, or both.
 * @param lowmark the low watermark (0: every change).
 * @param highmark the high watermark; 0 means unlimited. */
EVENT2_EXPORT_SYMBOL
void bufferevent_setwatermark(struct bufferevent *bufev, short events,
    size_t lowmark, size_t highmark);

/** @brief Read the watermarks of one direction.
 * @param bufev the bufferevent.
 * @param events exactly one of EV_READ or EV_WRITE.
 * @param lowmark receives the low watermark, or NULL to skip.
 * @param highmark receives the high watermark, or NULL to skip.
 * @return 0, or -1 when bufev is NULL or events names zero or both
 *   directions. */
EVENT2_EXPORT_SYMBOL
int bufferevent_getwatermark(struct bufferevent *bufev, short events,
    size_t *lowmark, size_t *highmark);

/** @brief Take a bufferevent's lock.
 *
 * Recursive; a no-op for bufferevents without a lock (no
 * BEV_OPT_THREADSAFE).  Use it to make several calls atomic.
 * @param bufev the bufferevent. */
EVENT2_EXPORT_SYMBOL
void bufferevent_lock(struct bufferevent *bufev);

/** @brief Release the lock taken by bufferevent_lock().
 * @param bufev the bufferevent. */
EVENT2_EXPORT_SYMBOL
void bufferevent_unlock(struct bufferevent *bufev);

/** @brief Add a reference to a bufferevent.
 *
 * The memory stays valid (though bufferevent_free() still stops its
 * callbacks and transport) until the matching bufferevent_decref().
 * @param bufev the bufferevent. */
EVENT2_EXPORT_SYMBOL
void bufferevent_incref(struct bufferevent *bufev);

/** @brief Drop a reference taken with bufferevent_incref().
 * @param bufev the bufferevent.
 * @return 1 if this released the bufferevent, 0 if references remain, -1
 *   when bufev is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decref(struct bufferevent *bufev);

/** How hard bufferevent_flush() and filters should push data through. */
enum bufferevent_flush_mode {
	/** Ordinary processing. */
	BEV_NORMAL = 0,
	/** Write out everything possible, ignoring size heuristics. */
	BEV_FLUSH = 1,
	/** As BEV_FLUSH, and no more data will follow. */
	BEV_FINISHED = 2
};

/** @brief Force data through a bufferevent.
 *
 * Meaningful for filters and pairs; socket bufferevents do nothing.
 * @param bufev the bufferevent.
 * @param iotype EV_READ, EV_WRITE, or both.
 * @param mode BEV_NORMAL, BEV_FLUSH, or BEV_FINISHED (also tells the other
 *   side that no more data follows).
 * @return 1 if some data moved, 0 if nothing moved, -1 when bufev is NULL
 *   or its kind cannot flush. */
EVENT2_EXPORT_SYMBOL
int bufferevent_flush(struct bufferevent *bufev,
    short iotype,
    enum bufferevent_flush_mode mode);

/** Flags for bufferevent_trigger() and bufferevent_trigger_event(). */
enum bufferevent_trigger_options {
	/** Run the callback even if the watermark is not reached. */
	BEV_TRIG_IGNORE_WATERMARKS = (1<<16),
	/** Defer the callback to the event loop. */
	BEV_TRIG_DEFER_CALLBACKS = BEV_OPT_DEFER_CALLBACKS
};

/** @brief Run the read and/or write callback as if data had moved.
 *
 * The callback runs only if its watermark condition holds, unless
 * BEV_TRIG_IGNORE_WATERMARKS is given.
 * @param bufev the bufferevent.
 * @param iotype EV_READ, EV_WRITE, or both.
 * @param options 0 or BEV_TRIG_IGNORE_WATERMARKS and/or
 *   BEV_TRIG_DEFER_CALLBACKS (run from the loop rather than now). */
EVENT2_EXPORT_SYMBOL
void bufferevent_trigger(struct bufferevent *bufev, short iotype,
    int options);

/** @brief Run the event callback with some BEV_EVENT_* bits.
 * @param bufev the bufferevent.
 * @param what the BEV_EVENT_* bits to pass.
 * @param options 0 or BEV_TRIG_DEFER_CALLBACKS (run from the loop rather
 *   than now). */
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

/** @brief Transforms bytes for a filtering bufferevent.
 * @param src the bytes to transform; the filter drains what it consumed.
 * @param dst where to append the result.
 * @param dst_limit the most bytes to append, or negative for no limit.
 * @param mode BEV_NORMAL, or BEV_FLUSH/BEV_FINISHED to produce everything
 *   possible now.
 * @param ctx the ctx given to bufferevent_filter_new().
 * @return BEV_OK when something was produced, BEV_NEED_MORE when more
 *   input is needed first, BEV_ERROR on failure. */
typedef enum bufferevent_filter_result (*bufferevent_filter_cb)(
    struct evbuffer *src, struct evbuffer *dst, ev_ssize_t dst_limit,
    enum bufferevent_flush_mode mode, void *ctx);

/** @brief Wrap a bufferevent in one that transforms the data.
 *
 * Data read by underlying goes through input_filter into the new
 * bufferevent's input; data written to the new one goes through
 * output_filter into underlying's output.  The new bufferevent takes over
 * underlying's callbacks (do not set them afterwards).
 * @param underlying the bufferevent to wrap; with BEV_OPT_CLOSE_ON_FREE it
 *   is freed with the filter.
 * @param input_filter the read-side filter, or NULL to pass data unchanged.
 * @param output_filter the write-side filter, or NULL to pass data
 *   unchanged.
 * @param options BEV_OPT_* flags.
 * @param free_context called on ctx when the filter is freed, or NULL.
 * @param ctx passed to the filters.
 * @return the new bufferevent, owned by the caller, or NULL when underlying
 *   is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *
bufferevent_filter_new(struct bufferevent *underlying,
    bufferevent_filter_cb input_filter,
    bufferevent_filter_cb output_filter,
    int options,
    void (*free_context)(void *),
    void *ctx);

/** @brief Create two bufferevents connected to each other in memory.
 *
 * What one end writes the other reads, without sockets.  With
 * BEV_OPT_THREADSAFE both ends share one lock.
 * @param base the base both ends run on; NULL uses the global base of
 *   event_init().
 * @param options BEV_OPT_* flags for both ends.
 * @param pair receives the two ends, each owned by the caller (free both
 *   with bufferevent_free()).
 * @return 0, or -1 when there is no base, pair is NULL or out of
 *   memory. */
EVENT2_EXPORT_SYMBOL
int bufferevent_pair_new(struct event_base *base, int options,
    struct bufferevent *pair[2]);

/** @brief The other end of a pair.
 * @param bev one end of a pair.
 * @return the other end, or NULL when it was freed, bev is not a pair end,
 *   or bev is NULL. */
EVENT2_EXPORT_SYMBOL
struct bufferevent *bufferevent_pair_get_partner(struct bufferevent *bev);

/** Opaque: a token-bucket rate limit (rates, bursts, tick length). */
struct ev_token_bucket_cfg;
/** Opaque: bufferevents sharing one rate limit. */
struct bufferevent_rate_limit_group;

/** The largest rate or burst a token bucket accepts. */
#define EV_RATE_LIMIT_MAX EV_SSIZE_MAX

/** @brief Create a token-bucket rate-limit configuration.
 *
 * Each tick, rate bytes are added to a bucket that holds at most burst
 * bytes; reading or writing takes bytes out of it.
 * @param read_rate bytes added to the read bucket per tick; at least 1.
 * @param read_burst the read bucket's size; at least read_rate, at most
 *   EV_RATE_LIMIT_MAX.
 * @param write_rate bytes added to the write bucket per tick; at least 1.
 * @param write_burst the write bucket's size; at least write_rate, at most
 *   EV_RATE_LIMIT_MAX.
 * @param tick_len the tick length, copied; NULL means one second.
 * @return the configuration, owned by the caller (free it with
 *   ev_token_bucket_cfg_free()), or NULL when a value is out of range or
 *   out of memory. */
EVENT2_EXPORT_SYMBOL
struct ev_token_bucket_cfg *ev_token_bucket_cfg_new(
	size_t read_rate, size_t read_burst,
	size_t write_rate, size_t write_burst,
	const struct timeval *tick_len);

/** @brief Free a rate-limit configuration.
 *
 * Only once no bufferevent uses it (bufferevent_set_rate_limit() keeps a
 * pointer; groups copy it).
 * @param cfg the configuration; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void ev_token_bucket_cfg_free(struct ev_token_bucket_cfg *cfg);

/** @brief Apply or remove a bufferevent's own rate limit.
 * @param bev the bufferevent.
 * @param cfg the configuration, not copied: it must outlive its use by
 *   bev; NULL removes the limit.
 * @return 0, or -1 when bev is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_rate_limit(struct bufferevent *bev,
    struct ev_token_bucket_cfg *cfg);

/** @brief Create a group whose members share one rate limit.
 * @param base the base whose timer refills the group's buckets.
 * @param cfg the configuration, copied.
 * @return the group, owned by the caller (free it with
 *   bufferevent_rate_limit_group_free()), or NULL when an argument is NULL
 *   or out of memory. */
EVENT2_EXPORT_SYMBOL
struct bufferevent_rate_limit_group *bufferevent_rate_limit_group_new(
	struct event_base *base,
	const struct ev_token_bucket_cfg *cfg);

/** @brief Change a group's rate limit.
 *
 * Buckets holding more than the new bursts are cut down to them.
 * @param grp the group.
 * @param cfg the new configuration, copied.
 * @return 0, or -1 when an argument is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_set_cfg(
	struct bufferevent_rate_limit_group *grp,
	const struct ev_token_bucket_cfg *cfg);

/** @brief Set the smallest share of a group's bandwidth a member gets.
 *
 * A member may always read or write at least this many bytes per turn
 * while the group has any left, so that many members do not each get a
 * uselessly small share.  It is capped at the group's rates.
 * @param grp the group.
 * @param share the minimum share in bytes; 0 disables it.
 * @return 0, or -1 when grp is NULL or share exceeds EV_SSIZE_MAX. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_set_min_share(
	struct bufferevent_rate_limit_group *grp, size_t share);

/** @brief Free a group.
 *
 * Its members stay, without the group's limit.
 * @param grp the group; NULL does nothing. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_free(struct bufferevent_rate_limit_group *grp);

/** @brief Make a bufferevent a member of a group.
 *
 * It leaves its previous group, if any.
 * @param bev the bufferevent.
 * @param g the group.
 * @return 0, or -1 when an argument is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int bufferevent_add_to_rate_limit_group(struct bufferevent *bev,
    struct bufferevent_rate_limit_group *g);

/** @brief Take a bufferevent out of its group.
 * @param bev the bufferevent; it need not be in a group.
 * @return 0, or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_remove_from_rate_limit_group(struct bufferevent *bev);

/** @brief Cap the bytes read in one operation.
 * @param bev the bufferevent.
 * @param size the cap; 0 or more than EV_SSIZE_MAX restores the default
 *   (16384).
 * @return 0, or -1 when bev is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_max_single_read(struct bufferevent *bev, size_t size);

/** @brief Cap the bytes written in one operation.
 * @param bev the bufferevent.
 * @param size the cap; 0 or more than EV_SSIZE_MAX restores the default
 *   (16384).
 * @return 0, or -1 when bev is NULL or out of memory. */
EVENT2_EXPORT_SYMBOL
int bufferevent_set_max_single_write(struct bufferevent *bev, size_t size);

/** @brief The per-operation read cap.
 * @param bev the bufferevent.
 * @return the cap in bytes, or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_single_read(struct bufferevent *bev);

/** @brief The per-operation write cap.
 * @param bev the bufferevent.
 * @return the cap in bytes, or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_single_write(struct bufferevent *bev);

/** @brief The bytes left in a bufferevent's own read bucket.
 *
 * Its group's bucket is not considered.
 * @param bev the bufferevent.
 * @return the bytes left (negative after overdrawing), EV_SSIZE_MAX when
 *   bev has no rate limit of its own, or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_read_limit(struct bufferevent *bev);

/** @brief The bytes left in a bufferevent's own write bucket.
 *
 * Its group's bucket is not considered.
 * @param bev the bufferevent.
 * @return the bytes left (negative after overdrawing), EV_SSIZE_MAX when
 *   bev has no rate limit of its own, or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_write_limit(struct bufferevent *bev);

/** @brief How many bytes the next read may take, all limits considered.
 * @param bev the bufferevent.
 * @return the allowance (the per-operation cap, own bucket and group
 *   share), or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_to_read(struct bufferevent *bev);

/** @brief How many bytes the next write may send, all limits considered.
 * @param bev the bufferevent.
 * @return the allowance (the per-operation cap, own bucket and group
 *   share), or -1 when bev is NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_get_max_to_write(struct bufferevent *bev);

/** @brief The rate-limit configuration a bufferevent uses.
 * @param bev the bufferevent.
 * @return the configuration given to bufferevent_set_rate_limit() (owned
 *   by whoever created it), or NULL when there is none or bev is NULL. */
EVENT2_EXPORT_SYMBOL
const struct ev_token_bucket_cfg *bufferevent_get_token_bucket_cfg(const struct bufferevent * bev);

/** @brief The bytes left in a group's read bucket.
 * @param grp the group.
 * @return the bytes left (negative after overdrawing), or -1 when grp is
 *   NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_rate_limit_group_get_read_limit(
	struct bufferevent_rate_limit_group *grp);

/** @brief The bytes left in a group's write bucket.
 * @param grp the group.
 * @return the bytes left (negative after overdrawing), or -1 when grp is
 *   NULL. */
EVENT2_EXPORT_SYMBOL
ev_ssize_t bufferevent_rate_limit_group_get_write_limit(
	struct bufferevent_rate_limit_group *grp);

/** @brief Take bytes out of a bufferevent's own read bucket.
 *
 * For traffic the library did not see; the bucket may go negative, which
 * suspends reading until refills bring it above zero.
 * @param bev the bufferevent.
 * @param decr the bytes to take out; negative adds.
 * @return 0, or -1 when bev is NULL or has no rate limit of its own. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decrement_read_limit(struct bufferevent *bev, ev_ssize_t decr);

/** @brief Take bytes out of a bufferevent's own write bucket.
 *
 * As bufferevent_decrement_read_limit(), for writing.
 * @param bev the bufferevent.
 * @param decr the bytes to take out; negative adds.
 * @return 0, or -1 when bev is NULL or has no rate limit of its own. */
EVENT2_EXPORT_SYMBOL
int bufferevent_decrement_write_limit(struct bufferevent *bev, ev_ssize_t decr);

/** @brief Take bytes out of a group's read bucket.
 * @param grp the group.
 * @param decr the bytes to take out; negative adds.
 * @return 0, or -1 when grp is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_decrement_read(
	struct bufferevent_rate_limit_group *grp, ev_ssize_t decr);

/** @brief Take bytes out of a group's write bucket.
 * @param grp the group.
 * @param decr the bytes to take out; negative adds.
 * @return 0, or -1 when grp is NULL. */
EVENT2_EXPORT_SYMBOL
int bufferevent_rate_limit_group_decrement_write(
	struct bufferevent_rate_limit_group *grp, ev_ssize_t decr);

/** @brief The total bytes a group's members have read and written.
 *
 * Counted since the group was created or its totals were reset.
 * @param grp the group.
 * @param total_read_out receives the bytes read, or NULL to skip.
 * @param total_written_out receives the bytes written, or NULL to skip. */
EVENT2_EXPORT_SYMBOL
void bufferevent_rate_limit_group_get_totals(
    struct bufferevent_rate_limit_group *grp,
    ev_uint64_t *total_read_out, ev_uint64_t *total_written_out);

/** @brief Reset a group's byte totals to zero.
 * @param grp the group. */
EVENT2_EXPORT_SYMBOL
void
bufferevent_rate_limit_group_reset_totals(
	struct bufferevent_rate_limit_group *grp);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_H_INCLUDED_ */
