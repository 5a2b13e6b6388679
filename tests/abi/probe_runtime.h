/* Output helpers for the generated ABI value probes.
 *
 * A probe prints one line per observation: "<item id>\t<what>\t<value>".
 * The same probe source is built against the reference headers and against
 * ours; the two outputs are then compared line by line.  This header is
 * included after the libevent header under test, and it includes nothing
 * itself, so it cannot hide a missing include in the header under test. */
#ifndef ABI_PROBE_RUNTIME_H
#define ABI_PROBE_RUNTIME_H

void probe_out_i(int id, const char *what, const char *type, long long v);
void probe_out_u(int id, const char *what, const char *type, unsigned long long v);
void probe_out_s(int id, const char *what, const char *type, const char *v);
void probe_out_p(int id, const char *what, const char *type, const void *v);
void probe_out_bits(int id, const char *what, const void *obj, unsigned long size);
/* Records one event (a call) of the running item as "callN". */
void probe_note(const char *text);
/* Gives a probe-local object a stable name in the output (addresses vary). */
void probe_name_ptr(const void *p, const char *name);
/* Runs one item; a guarded item runs in a child so a crash is reported, not fatal. */
void probe_run(int id, void (*fn)(void), int guarded);
extern int probe_arity;

#define PROBE_TYPENAME(x) _Generic((x), \
    _Bool: "_Bool", char: "char", signed char: "signed char", \
    unsigned char: "unsigned char", short: "short", unsigned short: "unsigned short", \
    int: "int", unsigned int: "unsigned int", long: "long", \
    unsigned long: "unsigned long", long long: "long long", \
    unsigned long long: "unsigned long long", char *: "char *", \
    const char *: "const char *", void *: "void *", const void *: "const void *", \
    default: "other")

/* Prints any scalar expression with its C type: integers as numbers,
 * strings as strings, other pointers symbolically. */
#define PROBE_VAL(id, what, x) _Generic((x), \
    _Bool: probe_out_u, char: probe_out_i, signed char: probe_out_i, \
    unsigned char: probe_out_u, short: probe_out_i, unsigned short: probe_out_u, \
    int: probe_out_i, unsigned int: probe_out_u, long: probe_out_i, \
    unsigned long: probe_out_u, long long: probe_out_i, \
    unsigned long long: probe_out_u, char *: probe_out_s, \
    const char *: probe_out_s, default: probe_out_p)((id), (what), PROBE_TYPENAME(x), (x))

#define PROBE_ARG(i) ((void *)(0x1000UL + 0x100UL * (i)))

#endif
