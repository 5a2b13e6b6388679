/** @file
 * Tagged data marshalling ("evtag").
 *
 * Values are written into an evbuffer as tag / length / payload records, with
 * integers in a compact variable-length encoding.  The RPC layer in
 * <event2/rpc.h> builds on this; unmarshal functions return -1 on malformed
 * or mismatching input. */
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

/** Kept for compatibility; no initialisation is needed. */
EVENT2_EXPORT_SYMBOL
void evtag_init(void);

/** Read a record's tag and length, leaving the buffer positioned at its
 * payload.  Returns the payload length, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_header(struct evbuffer *evbuf, ev_uint32_t *ptag);

/** Append a record holding 'len' bytes of 'data'. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal(struct evbuffer *evbuf, ev_uint32_t tag, const void *data,
    ev_uint32_t len);

/** Append a record holding (and draining) the contents of 'data'. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_buffer(struct evbuffer *evbuf, ev_uint32_t tag,
    struct evbuffer *data);

/** Append a 32-bit integer in the compact encoding, without a tag. */
EVENT2_EXPORT_SYMBOL
void evtag_encode_int(struct evbuffer *evbuf, ev_uint32_t number);

/** Append a 64-bit integer in the compact encoding, without a tag. */
EVENT2_EXPORT_SYMBOL
void evtag_encode_int64(struct evbuffer *evbuf, ev_uint64_t number);

/** Append a record holding a 32-bit integer. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_int(struct evbuffer *evbuf, ev_uint32_t tag,
    ev_uint32_t integer);

/** Append a record holding a 64-bit integer. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_int64(struct evbuffer *evbuf, ev_uint32_t tag,
    ev_uint64_t integer);

/** Append a record holding a NUL-terminated string (without the NUL). */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_string(struct evbuffer *buf, ev_uint32_t tag,
    const char *string);

/** Append a record holding a struct timeval. */
EVENT2_EXPORT_SYMBOL
void evtag_marshal_timeval(struct evbuffer *evbuf, ev_uint32_t tag,
    struct timeval *tv);

/** Remove the next record from 'src', storing its tag and appending its
 * payload to 'dst' (when not NULL).  Returns the payload length, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal(struct evbuffer *src, ev_uint32_t *ptag,
    struct evbuffer *dst);

/** Read the tag of the next record without consuming anything.  Returns the
 * number of bytes the tag occupies, or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_peek(struct evbuffer *evbuf, ev_uint32_t *ptag);

/** Total size (tag, length and payload) of the next record, not consumed. */
EVENT2_EXPORT_SYMBOL
int evtag_peek_length(struct evbuffer *evbuf, ev_uint32_t *plength);

/** Payload size of the next record, not consumed. */
EVENT2_EXPORT_SYMBOL
int evtag_payload_length(struct evbuffer *evbuf, ev_uint32_t *plength);

/** Skip the next record.  Returns 0 or -1. */
EVENT2_EXPORT_SYMBOL
int evtag_consume(struct evbuffer *evbuf);

/** Read a record that must carry 'need_tag' and hold a 32-bit integer. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_int(struct evbuffer *evbuf, ev_uint32_t need_tag,
    ev_uint32_t *pinteger);

/** Read a record that must carry 'need_tag' and hold a 64-bit integer. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_int64(struct evbuffer *evbuf, ev_uint32_t need_tag,
    ev_uint64_t *pinteger);

/** Read a record that must carry 'need_tag' and exactly 'len' bytes. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_fixed(struct evbuffer *src, ev_uint32_t need_tag,
    void *data, size_t len);

/** Read a string record with tag 'need_tag' into a newly allocated string
 * that the caller frees. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_string(struct evbuffer *evbuf, ev_uint32_t need_tag,
    char **pstring);

/** Read a struct timeval record with tag 'need_tag'. */
EVENT2_EXPORT_SYMBOL
int evtag_unmarshal_timeval(struct evbuffer *evbuf, ev_uint32_t need_tag,
    struct timeval *ptv);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_TAG_H_INCLUDED_ */
