/* Fixtures for evaluating libevent's function-like macros in the probes.
 *
 * Included after the header under test.  The rpc macros call through
 * generated accessor tables and paste names such as <req>_marshal; these
 * stand-ins record how they are called, so the expansion of the reference's
 * macro and of ours can be compared by behaviour instead of by text. */
#ifndef ABI_PROBE_HARNESS_H
#define ABI_PROBE_HARNESS_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>

#include "probe_runtime.h"

/* A message in the shape the EVTAG_* macros expect: msg->base->X_assign etc.
 * The accessors are unprototyped so each macro may pass its own arguments;
 * probe_arity says how many of them to print. */
struct probe_msg;
struct probe_msg_access {
    int (*fld_assign)();
    int (*fld_get)();
    int (*fld_add)();
};
struct probe_msg {
    struct probe_msg_access *base;
    int fld_set;
    int fld_length;
};
int probe_fld_assign(struct probe_msg *m, long a, long b);
int probe_fld_get(struct probe_msg *m, long a, long b);
int probe_fld_add(struct probe_msg *m, long a, long b);
extern struct probe_msg probe_the_msg;

/* Functions the EVRPC_* macros paste together from the names we pass. */
struct probe_req;
struct probe_rply;
void probe_req_marshal(void);
void probe_req_unmarshal(void);
void probe_req_new_with_arg(void);
void probe_req_free(void);
void probe_req_clear(void);
void probe_rply_marshal(void);
void probe_rply_unmarshal(void);
void probe_rply_new_with_arg(void);
void probe_rply_free(void);
void probe_rply_clear(void);
void probe_rply_complete(void);
void probe_rpc_cb(void);

#endif
