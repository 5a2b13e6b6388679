/** @file
 * Structures a DNS server callback receives.
 *
 * See evdns_add_server_port_with_base() in <event2/dns.h>: its callback
 * gets a struct evdns_server_request whose questions it answers.  The
 * structures are owned by the library and freed when the request is
 * answered or dropped; read them, do not change or free them.
 *
 * <b>Thread safety.</b>  As for the DNS server side of <event2/dns.h>: no
 * locking, use a request only from the thread running its port's base.
 *
 * <b>Callbacks.</b>  The structures are normally read in the port's
 * request callback; they stay valid until the request is finished. */
#ifndef EVENT2_DNS_STRUCT_H_INCLUDED_
#define EVENT2_DNS_STRUCT_H_INCLUDED_

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

/** An incoming DNS request. */
struct evdns_server_request {
	/** Header flags of the query (e.g. EVDNS_FLAGS_RD); the reply's flags
	 * start from these. */
	int flags;
	/** Number of entries in 'questions'. */
	int nquestions;
	/** The questions asked. */
	struct evdns_server_question **questions;
};

/** One question of a request. */
struct evdns_server_question {
	/** Record type asked for (EVDNS_TYPE_*). */
	int type;
#ifdef __cplusplus
	/** Record class (EVDNS_CLASS_*); "class" is a C++ keyword. */
	int dns_question_class;
#else
	/** Record class (EVDNS_CLASS_*).  C code may use either name. */
	int class;
/** The C++-safe name of struct evdns_server_question's class field. */
#define dns_question_class class
#endif
	/** The name asked about, NUL-terminated; the struct is allocated with
	 * room for the whole name. */
	char name[1];
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_STRUCT_H_INCLUDED_ */
