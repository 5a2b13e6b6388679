/** @file
 * Deprecated names for the tagging functions of <event2/tag.h>.
 *
 * <b>Thread safety</b> and <b>Callbacks</b>: as for <event2/tag.h>. */
#ifndef EVENT2_TAG_COMPAT_H_INCLUDED_
#define EVENT2_TAG_COMPAT_H_INCLUDED_

/** Old name of evtag_encode_int(). */
#define encode_int(evbuf, number) evtag_encode_int((evbuf), (number))
/** Old name of evtag_encode_int64(). */
#define encode_int64(evbuf, number) evtag_encode_int64((evbuf), (number))

#endif /* EVENT2_TAG_COMPAT_H_INCLUDED_ */
