/* Definitions behind probe_harness.h (a separate translation unit: it must
 * not see the libevent headers, whose declarations it stands in for). */
#include <stdio.h>
#include <stdlib.h>

#include "probe_runtime.h"

struct probe_msg;
int probe_fld_assign(struct probe_msg *m, long a, long b);
int probe_fld_get(struct probe_msg *m, long a, long b);
int probe_fld_add(struct probe_msg *m, long a, long b);

struct probe_msg_access {
    int (*fld_assign)(struct probe_msg *, long, long);
    int (*fld_get)(struct probe_msg *, long, long);
    int (*fld_add)(struct probe_msg *, long, long);
};
struct probe_msg {
    struct probe_msg_access *base;
    int fld_set;
    int fld_length;
};

static struct probe_msg_access probe_access = {
    probe_fld_assign, probe_fld_get, probe_fld_add
};
struct probe_msg probe_the_msg = { &probe_access, 1, 3 };

static int accessor(const char *name, struct probe_msg *m, long a, long b)
{
    char text[128];
    const char *who = m == &probe_the_msg ? "msg" : "other";
    /* An accessor macro that reached us without a message expanded wrongly:
     * stop the probe rather than print a plausible line. */
    if (m == NULL) {
        fprintf(stderr, "probe: %s accessor called with a NULL message\n", name);
        abort();
    }
    if (probe_arity >= 2)
        snprintf(text, sizeof text, "%s(%s, %ld, %ld)", name, who, a, b);
    else if (probe_arity == 1)
        snprintf(text, sizeof text, "%s(%s, %ld)", name, who, a);
    else
        snprintf(text, sizeof text, "%s(%s)", name, who);
    probe_note(text);
    return 5;
}

int probe_fld_assign(struct probe_msg *m, long a, long b) { return accessor("assign", m, a, b); }
int probe_fld_get(struct probe_msg *m, long a, long b) { return accessor("get", m, a, b); }
int probe_fld_add(struct probe_msg *m, long a, long b) { return accessor("add", m, a, b); }

/* Pasted-name targets: only their addresses matter (printed via dladdr). */
void probe_req_marshal(void) {}
void probe_req_unmarshal(void) {}
void probe_req_new_with_arg(void) {}
void probe_req_free(void) {}
void probe_req_clear(void) {}
void probe_rply_marshal(void) {}
void probe_rply_unmarshal(void) {}
void probe_rply_new_with_arg(void) {}
void probe_rply_free(void) {}
void probe_rply_clear(void) {}
void probe_rply_complete(void) {}
void probe_rpc_cb(void) {}
