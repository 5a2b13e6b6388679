"""Sample evaluations for function-like macros whose arguments are not plain
values (struct timeval pointers, comparison operators, member names, type
names, rpc names).  Every other function-like macro is evaluated generically
with sample pointer arguments (see gen_probes.py).

Each entry maps a macro name to (file-scope code, statement body); in both,
$M is the macro and $K the item id.  The same code is compiled against the
reference and against our headers, and the printed observations compared.
"""

_TIMER_ARITH = """
struct timeval a = {5, 900000}, b = {2, 300000}, r = {0, 0};
$M(&a, &b, &r);
PROBE_VAL($K, "5.9-2.3 sec", (long)r.tv_sec); PROBE_VAL($K, "5.9-2.3 usec", (long)r.tv_usec);
a.tv_sec = 1; a.tv_usec = 200000; b.tv_sec = 0; b.tv_usec = 700000;
$M(&a, &b, &r);
PROBE_VAL($K, "1.2-0.7 sec", (long)r.tv_sec); PROBE_VAL($K, "1.2-0.7 usec", (long)r.tv_usec);
"""

_TIMERCMP = "".join(
    'PROBE_VAL($K, "%s %s %s", !!$M(&%s, &%s, %s));\n' % (x, op, y, x, y, op)
    for x, y in (("lo", "hi"), ("hi", "lo"), ("lo", "lo2"), ("big", "hi"))
    for op in ("<", "<=", "==", "!=", ">", ">="))
_TIMERCMP = ("struct timeval lo = {1, 5}, hi = {1, 6}, lo2 = {1, 5}, big = {2, 0};\n"
             + _TIMERCMP)

_RPC_HEADER = "EVRPC_HEADER(probe_rpc_$K, probe_req, probe_rply)\n"

SAMPLES = {
    "evutil_timeradd": ("", _TIMER_ARITH),
    "evutil_timersub": ("", _TIMER_ARITH),
    "evutil_timerclear": ("", """
struct timeval a = {3, 4};
$M(&a);
PROBE_VAL($K, "sec", (long)a.tv_sec); PROBE_VAL($K, "usec", (long)a.tv_usec);
"""),
    "evutil_timerisset": ("", """
struct timeval z = {0, 0}, u = {0, 1}, s = {1, 0};
PROBE_VAL($K, "{0,0}", !!$M(&z)); PROBE_VAL($K, "{0,1}", !!$M(&u));
PROBE_VAL($K, "{1,0}", !!$M(&s));
"""),
    "evutil_timercmp": ("", _TIMERCMP),
    "EVUTIL_SOCKET_ERROR": ("", """
errno = EAGAIN; PROBE_VAL($K, "value", $M());
"""),
    "evutil_socket_geterror": ("", """
errno = ENOENT; PROBE_VAL($K, "value", $M(3));
"""),
    "EVUTIL_SET_SOCKET_ERROR": ("", """
errno = 0; $M(ENOENT); PROBE_VAL($K, "errno", errno);
"""),
    "evutil_socket_error_to_string": ("", """
PROBE_VAL($K, "value", (const char *)$M(ENOENT));
"""),
    "evutil_offsetof": ("", """
PROBE_VAL($K, "value", (unsigned long)$M(struct timeval, tv_usec));
"""),
    "evutil_gettimeofday": ("", """
struct timeval tv = {0, 0};
int r = $M(&tv, NULL);
PROBE_VAL($K, "ret", r); PROBE_VAL($K, "filled", tv.tv_sec > 0);
"""),
    "EVTAG_HAS": ("", """
PROBE_VAL($K, "set", !!$M(&probe_the_msg, fld));
probe_the_msg.fld_set = 0;
PROBE_VAL($K, "unset", !!$M(&probe_the_msg, fld));
"""),
    "EVTAG_ASSIGN_WITH_LEN": ("", """
probe_arity = 2; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld, 11L, 22L));
"""),
    "EVTAG_GET_WITH_LEN": ("", """
probe_arity = 2; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld, 11L, 22L));
"""),
    "EVTAG_ARRAY_ADD_VALUE": ("", """
probe_arity = 1; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld, 11L));
"""),
    "EVTAG_ARRAY_ADD": ("", """
probe_arity = 0; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld));
"""),
    "EVTAG_ARRAY_GET": ("", """
probe_arity = 2; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld, 2L, 33L));
"""),
    "EVTAG_ARRAY_LEN": ("", """
PROBE_VAL($K, "value", $M(&probe_the_msg, fld));
"""),
    "EVTAG_LEN": ("", """
PROBE_VAL($K, "value", $M(&probe_the_msg, fld));
"""),
    "EVTAG_ASSIGN": ("", """
probe_arity = 2; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld, 11L, 22L));
"""),
    "EVTAG_GET": ("", """
probe_arity = 1; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld, 11L));
"""),
    "EVTAG_ADD": ("", """
probe_arity = 0; PROBE_VAL($K, "ret", $M(&probe_the_msg, fld));
"""),
    "EVRPC_STRUCT": ("typedef $M(probe_rpc_$K) probe_rpc_type_$K;\n" + _RPC_HEADER, """
PROBE_VAL($K, "sizeof", sizeof(probe_rpc_type_$K));
"""),
    "EVRPC_HEADER": ("$M(probe_rpc_$K, probe_req, probe_rply)\n", """
PROBE_VAL($K, "sizeof", sizeof(struct evrpc_req__probe_rpc_$K));
PROBE_VAL($K, "hook_meta", offsetof(struct evrpc_req__probe_rpc_$K, hook_meta));
PROBE_VAL($K, "request", offsetof(struct evrpc_req__probe_rpc_$K, request));
PROBE_VAL($K, "reply", offsetof(struct evrpc_req__probe_rpc_$K, reply));
PROBE_VAL($K, "rpc", offsetof(struct evrpc_req__probe_rpc_$K, rpc));
PROBE_VAL($K, "http_req", offsetof(struct evrpc_req__probe_rpc_$K, http_req));
PROBE_VAL($K, "rpc_data", offsetof(struct evrpc_req__probe_rpc_$K, rpc_data));
"""),
    "EVRPC_GENERATE": (_RPC_HEADER + "$M(probe_rpc_$K, probe_req, probe_rply)\n", """
PROBE_VAL($K, "ret", evrpc_send_request_probe_rpc_$K(PROBE_ARG(0), PROBE_ARG(1),
          PROBE_ARG(2), (void (*)(struct evrpc_status *, struct probe_req *,
          struct probe_rply *, void *))probe_rpc_cb, PROBE_ARG(3)));
"""),
    "EVRPC_MAKE_CTX": ("", """
PROBE_VAL($K, "ret", $M(probe_rpc, probe_req, probe_rply, PROBE_ARG(0),
          PROBE_ARG(1), PROBE_ARG(2), probe_rpc_cb, PROBE_ARG(3)));
"""),
    "EVRPC_REQUEST_HTTP": (_RPC_HEADER, """
struct evrpc_req__probe_rpc_$K r;
memset(&r, 0, sizeof r);
r.http_req = PROBE_ARG(5);
PROBE_VAL($K, "value", (void *)$M(&r));
"""),
    "EVRPC_REGISTER": ("", """
PROBE_VAL($K, "ret", $M(PROBE_ARG(0), probe_rpc, probe_req, probe_rply,
          probe_rpc_cb, PROBE_ARG(1)));
"""),
    "EVRPC_UNREGISTER": ("", """
PROBE_VAL($K, "ret", $M(PROBE_ARG(0), probe_rpc));
"""),
    "EVRPC_MAKE_REQUEST": (_RPC_HEADER + "EVRPC_GENERATE(probe_rpc_$K, probe_req, probe_rply)\n", """
PROBE_VAL($K, "ret", $M(probe_rpc_$K, PROBE_ARG(0), PROBE_ARG(1), PROBE_ARG(2),
          (void (*)(struct evrpc_status *, struct probe_req *, struct probe_rply *,
          void *))probe_rpc_cb, PROBE_ARG(3)));
"""),
}


def sample(name, item_id):
    """Returns (scope, body) for a macro with a custom sample, else None."""
    entry = SAMPLES.get(name)
    if entry is None:
        return None
    def fill(text):
        return text.replace("$M", name).replace("$K", str(item_id))
    return fill(entry[0]), fill(entry[1])
