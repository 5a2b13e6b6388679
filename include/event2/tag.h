/** @file
 * Tagged data marshalling ("evtag").
 *
 * Values are written into an evbuffer as records of tag, length and
 * payload.  The tag is a 32-bit number written 7 bits a byte (the high bit
 * says another byte follows); the length and integer payloads use a compact
 * variable-length encoding of at most 5 bytes (32-bit) or 9 bytes (64-bit).
 * The RPC layer of <event2/rpc.h> and the code event_rpcgen.py generates
 * build on these functions.
 *
 * Reading functions consume what they read from the front of the buffer.
 * They return -1 on malformed, truncated or mismatching input; as in
 * libevent, a record that fails part-way may leave the fields already read
 * (e.g. its tag and length) consumed, so after an error the buffer's
 * position is unspecified and decoding should stop.
 *
 * <b>Thread safety.</b>  The functions keep no state of their own; they are
 * as thread-safe as the evbuffers they are given (an evbuffer used by
 * several threads needs evbuffer_enable_locking(); these functions do not
 * take its lock across several steps, so do not let other threads change
 * the buffer meanwhile).
 *
 * <b>Callbacks.</b>  No callbacks are involved; the functions may be used
 * anywhere, including inside event, bufferevent, HTTP and RPC callbacks. */
#ifndef EVENT2_TAG_H_INCLUDED_
#define EVENT2_TAG_H_INCLUDED_

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

struct evbuffer;

/**
 * @brief Obsolete initialisation; does nothing.
 *
 * Kept for programs that still call it; no initialisation is needed.
 */
EVENT2_EXPORT_SYMBOL
void evtag_init(void);

/**
 * @brief Read the tag and length of the next record.
 *
 * Consumes the tag and length, leaving the payload at the front of the
 * buffer.
 *
 * @param evbuf the buffer.
 * @param ptag receives the tag (also when only the payload is missing);
 *        may be NULL.
 * @return the payload length; -1 if @p evbuf is NULL, the header is
 *         malformed or truncated, the whole payload is not in the buffer,
 *         or it is longer than INT_MAX.
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_header(struct evbuffer *evbuf, ev_uint32_t *ptag);

/**
 * @brief Append a record holding bytes.
 *
 * @param evbuf the buffer; nothing happens if NULL.
 * @param tag the record's tag.
 * @param data the payload; copied.  May be NULL when @p len is 0.
 * @param len the number of bytes of @p data.
 */
EVENT2_EXPORT_SYMBOL
void evtag_marshal(struct evbuffer *evbuf, ev_uint32_t tag, const void *data,
    ev_uint32_t len);

/**
 * @brief Append a record holding the contents of a buffer.
 *
 * @param evbuf the buffer written to; nothing happens if NULL.
 * @param tag the record's tag.
 * @param data the payload: its contents are moved (it is left empty).
 *        Nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_buffer(struct evbuffer *evbuf, ev_uint32_t tag,
    struct evbuffer *data);

/**
 * @brief Append a 32-bit integer in the compact encoding, without a tag.
 *
 * @param evbuf the buffer; nothing happens if NULL.
 * @param number the integer (1 to 5 bytes are written).
 */
EVENT2_EXPORT_SYMBOL
void evtag_encode_int(struct evbuffer *evbuf, ev_uint32_t number);

/**
 * @brief Append a 64-bit integer in the compact encoding, without a tag.
 *
 * @param evbuf the buffer; nothing happens if NULL.
 * @param number the integer (1 to 9 bytes are written).
 */
EVENT2_EXPORT_SYMBOL
void evtag_encode_int64(struct evbuffer *evbuf, ev_uint64_t number);

/**
 * @brief Append a record holding a 32-bit integer.
 *
 * The payload is the integer in the compact encoding.
 *
 * @param evbuf the buffer; nothing happens if NULL.
 * @param tag the record's tag.
 * @param integer the value.
 */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_int(struct evbuffer *evbuf, ev_uint32_t tag,
    ev_uint32_t integer);

/**
 * @brief Append a record holding a 64-bit integer.
 *
 * @param evbuf the buffer; nothing happens if NULL.
 * @param tag the record's tag.
 * @param integer the value.
 */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_int64(struct evbuffer *evbuf, ev_uint32_t tag,
    ev_uint64_t integer);

/**
 * @brief Append a record holding a string.
 *
 * The payload is the string's bytes without the terminating NUL.
 *
 * @param buf the buffer; nothing happens if NULL.
 * @param tag the record's tag.
 * @param string the NUL-terminated string; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_string(struct evbuffer *buf, ev_uint32_t tag,
    const char *string);

/**
 * @brief Append a record holding a time value.
 *
 * The payload is the seconds and then the microseconds, each as a 32-bit
 * integer in the compact encoding (larger values are truncated to 32
 * bits).
 *
 * @param evbuf the buffer; nothing happens if NULL.
 * @param tag the record's tag.
 * @param tv the time value; nothing happens if NULL.
 */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_timeval(struct evbuffer *evbuf, ev_uint32_t tag,
    struct timeval *tv);

/**
 * @brief Move the next record's payload into another buffer.
 *
 * Consumes the whole record from @p src.
 *
 * @param src the buffer read from.
 * @param ptag receives the tag; may be NULL.
 * @param dst the buffer the payload is appended to; must not be NULL.
 * @return the payload length; -1 if @p src or @p dst is NULL or on the
 *         errors of evtag_unmarshal_header().
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal(struct evbuffer *src, ev_uint32_t *ptag,
    struct evbuffer *dst);

/**
 * @brief Read the tag of the next record without consuming anything.
 *
 * @param evbuf the buffer.
 * @param ptag receives the tag; may be NULL.
 * @return the number of bytes the tag occupies (1-5); -1 if @p evbuf is
 *         NULL or empty, or the tag is truncated or exceeds 32 bits.
 */
EVENT2_EXPORT_SYMBOL
int evtag_peek(struct evbuffer *evbuf, ev_uint32_t *ptag);

/**
 * @brief Get the total size of the next record without consuming anything.
 *
 * @param evbuf the buffer.
 * @param plength receives the size of tag, length field and payload
 *        together (the payload itself need not be in the buffer yet).
 * @return 0 on success; -1 if an argument is NULL or the header is
 *         malformed or truncated.
 */
EVENT2_EXPORT_SYMBOL
int evtag_peek_length(struct evbuffer *evbuf, ev_uint32_t *plength);

/**
 * @brief Get the payload size of the next record without consuming
 *        anything.
 *
 * @param evbuf the buffer.
 * @param plength receives the payload size (the payload itself need not be
 *        in the buffer yet).
 * @return 0 on success; -1 if an argument is NULL or the header is
 *         malformed or truncated.
 */
EVENT2_EXPORT_SYMBOL
int evtag_payload_length(struct evbuffer *evbuf, ev_uint32_t *plength);

/**
 * @brief Skip the next record.
 *
 * @param evbuf the buffer.
 * @return 0 on success; -1 if @p evbuf is NULL or on the errors of
 *         evtag_unmarshal_header().
 */
EVENT2_EXPORT_SYMBOL
int evtag_consume(struct evbuffer *evbuf);

/**
 * @brief Read a record holding a 32-bit integer.
 *
 * Consumes the record (on a tag mismatch only its tag).
 *
 * @param evbuf the buffer.
 * @param need_tag the tag the record must carry.
 * @param pinteger receives the value.
 * @return the number of bytes the integer occupies in the payload (at
 *         least 1); -1 if an argument is NULL, the tag differs, the record
 *         is malformed or truncated, or the integer does not fit in 32 bits
 *         or in the payload.
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_int(struct evbuffer *evbuf, ev_uint32_t need_tag,
    ev_uint32_t *pinteger);

/**
 * @brief Read a record holding a 64-bit integer.
 *
 * As evtag_unmarshal_int(), for 64-bit values.
 *
 * @param evbuf the buffer.
 * @param need_tag the tag the record must carry.
 * @param pinteger receives the value.
 * @return the number of bytes the integer occupies (at least 1); -1 on the
 *         errors listed for evtag_unmarshal_int().
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_int64(struct evbuffer *evbuf, ev_uint32_t need_tag,
    ev_uint64_t *pinteger);

/**
 * @brief Read a record holding exactly a given number of bytes.
 *
 * @param src the buffer.
 * @param need_tag the tag the record must carry.
 * @param data receives the payload; may be NULL only if @p len is 0.
 * @param len the payload size the record must have.
 * @return 0 on success; -1 if @p src is NULL, on the errors of
 *         evtag_unmarshal_header(), or if the tag or the payload size
 *         differs (the header is consumed then, the payload is not).
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_fixed(struct evbuffer *src, ev_uint32_t need_tag,
    void *data, size_t len);

/**
 * @brief Read a record holding a string.
 *
 * @param evbuf the buffer.
 * @param need_tag the tag the record must carry.
 * @param pstring receives a new NUL-terminated copy of the payload, to be
 *        freed with free() (or the free function given to
 *        event_set_mem_functions()).
 * @return 0 on success; -1 if an argument is NULL, on the errors of
 *         evtag_unmarshal_header(), if the tag differs, or when out of
 *         memory.
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_string(struct evbuffer *evbuf, ev_uint32_t need_tag,
    char **pstring);

/**
 * @brief Read a record holding a time value.
 *
 * Consumes the whole record.
 *
 * @param evbuf the buffer.
 * @param need_tag the tag the record must carry.
 * @param ptv receives the seconds and microseconds (fields may be written
 *        even when the record then turns out to be bad).
 * @return 0 on success; -1 if an argument is NULL, on the errors of
 *         evtag_unmarshal_header(), if the tag differs, or if the two
 *         integers are malformed or do not fit in the payload.
 */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_timeval(struct evbuffer *evbuf, ev_uint32_t need_tag,
    struct timeval *ptv);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_TAG_H_INCLUDED_ */
