/** @file
 * Structures a DNS server callback receives.
 *
 * See evdns_add_server_port() in <event2/dns.h>: the callback gets a
 * struct evdns_server_request whose questions it answers. */
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
	/** Header flags of the request (EVDNS_FLAGS_* bits). */
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
