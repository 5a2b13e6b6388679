/** @file
 * Structures of the RPC layer that callers may see.
 *
 * struct evrpc_status is handed to client callbacks; struct evrpc
 * describes one registered RPC and is normally filled in by
 * EVRPC_REGISTER (see <event2/rpc.h>).
 *
 * <b>Thread safety.</b>  As for <event2/rpc.h>: no locking; use these
 * structures from the thread that runs the RPC's event base.
 *
 * <b>Callbacks.</b>  A struct evrpc_status is valid only during the client
 * completion callback that receives it.  A registered struct evrpc must not
 * be changed while it is registered. */
#ifndef EVENT2_RPC_STRUCT_H_INCLUDED_
#define EVENT2_RPC_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

/* Without <sys/queue.h>, supply TAILQ_ENTRY just for the declaration
 * below and drop it again afterwards. */
#ifndef TAILQ_ENTRY
/** Defined when this header defined TAILQ_ENTRY (and undefined it again). */
#define EVENT_DEFINED_TQENTRY_
/** A tail-queue link, shaped as <sys/queue.h>'s. */
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;						\
	struct type **tqe_prev;						\
}
#endif /* !TAILQ_ENTRY */

/** Declared here so the function pointer types below refer to the real
 * structures even when this header is included on its own. */
struct evbuffer;
struct evrpc_req_generic;

/** The outcome of a client call. */
struct evrpc_status {
/* Values of 'error'. */
#define EVRPC_STATUS_ERR_NONE		0	/**< success */
#define EVRPC_STATUS_ERR_TIMEOUT	1	/**< no reply in time */
#define EVRPC_STATUS_ERR_BADPAYLOAD	2	/**< reply did not unmarshal */
#define EVRPC_STATUS_ERR_UNSTARTED	3	/**< call was never sent */
#define EVRPC_STATUS_ERR_HOOKABORTED	4	/**< a hook terminated it */
	int error; /**< One of the EVRPC_STATUS_ERR_* values. */

	/** The HTTP request that carried the reply, for its headers; NULL when
	 * the call timed out or never got an answer. */
	struct evhttp_request *http_req;
};

/** One RPC served by an evrpc_base. */
struct evrpc {
	/** Link in the base's list of registered RPCs. */
	TAILQ_ENTRY(evrpc) next;

	/** The RPC's name; it is served on the HTTP path "/.rpc." followed
	 * by this name. */
	const char* uri;

	/** Creates an empty request message (argument: request_new_arg). */
	void *(*request_new)(void *);
	void *request_new_arg; /**< Argument of request_new. */
	void (*request_free)(void *); /**< Frees a request message. */
	/** Decodes a request message from a buffer; -1 on malformed input. */
	int (*request_unmarshal)(void *, struct evbuffer *);

	/** Creates an empty reply message (argument: reply_new_arg). */
	void *(*reply_new)(void *);
	void *reply_new_arg; /**< Argument of reply_new. */
	void (*reply_free)(void *); /**< Frees a reply message. */
	/** Checks that every required field of a reply is set; -1 if not. */
	int (*reply_complete)(void *);
	/** Encodes a reply message into a buffer. */
	void (*reply_marshal)(struct evbuffer*, void *);

	/** The user's handler, called with each incoming request. */
	void (*cb)(struct evrpc_req_generic *, void *);
	void *cb_arg; /**< Argument of cb. */

	/** The base the RPC is registered with. */
	struct evrpc_base *base;
};

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_STRUCT_H_INCLUDED_ */
