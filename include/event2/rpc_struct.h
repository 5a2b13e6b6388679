/* Structures of the RPC layer that callers may see.
 *
 * struct evrpc_status is handed to client callbacks; struct evrpc
 * describes one registered RPC and is normally filled in by
 * EVRPC_REGISTER (see <event2/rpc.h>). */
#ifndef EVENT2_RPC_STRUCT_H_INCLUDED_
#define EVENT2_RPC_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

/* Without <sys/queue.h>, supply TAILQ_ENTRY just for the declaration
 * below and drop it again afterwards. */
#ifndef TAILQ_ENTRY
#define EVENT_DEFINED_TQENTRY_
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;						\
	struct type **tqe_prev;						\
}
#endif /* !TAILQ_ENTRY */

/* Declared here so the function pointer types below refer to the real
 * structures even when this header is included on its own. */
struct evbuffer;
struct evrpc_req_generic;

/* The outcome of a client call. */
struct evrpc_status {
/* Values of 'error'. */
#define EVRPC_STATUS_ERR_NONE		0	/* success */
#define EVRPC_STATUS_ERR_TIMEOUT	1	/* no reply in time */
#define EVRPC_STATUS_ERR_BADPAYLOAD	2	/* reply did not unmarshal */
#define EVRPC_STATUS_ERR_UNSTARTED	3	/* call was never sent */
#define EVRPC_STATUS_ERR_HOOKABORTED	4	/* a hook terminated it */
	int error;

	/* The HTTP request that carried the reply, for its headers. */
	struct evhttp_request *http_req;
};

/* One RPC served by an evrpc_base. */
struct evrpc {
	/* Link in the base's list of registered RPCs. */
	TAILQ_ENTRY(evrpc) next;

	/* The HTTP path the RPC is served on. */
	const char* uri;

	/* Create, free and unmarshal request messages. */
	void *(*request_new)(void *);
	void *request_new_arg;
	void (*request_free)(void *);
	int (*request_unmarshal)(void *, struct evbuffer *);

	/* Create, free, validate and marshal reply messages. */
	void *(*reply_new)(void *);
	void *reply_new_arg;
	void (*reply_free)(void *);
	int (*reply_complete)(void *);
	void (*reply_marshal)(struct evbuffer*, void *);

	/* The user's handler and its argument. */
	void (*cb)(struct evrpc_req_generic *, void *);
	void *cb_arg;

	/* The base the RPC is registered with. */
	struct evrpc_base *base;
};

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_STRUCT_H_INCLUDED_ */
