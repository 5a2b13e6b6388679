/* Output helpers for the generated ABI probes (see probe_runtime.h).
 * Built as its own translation unit, so _GNU_SOURCE (for dladdr) never
 * leaks into the translation unit that includes the headers under test. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe_runtime.h"

int probe_arity;
static int current_id;
static int call_count;

enum { NAMED_MAX = 64 };
static const void *named_ptr[NAMED_MAX];
static const char *named_name[NAMED_MAX];
static int named_count;

void probe_name_ptr(const void *p, const char *name)
{
    if (named_count < NAMED_MAX) {
        named_ptr[named_count] = p;
        named_name[named_count] = name;
        named_count++;
    }
}

/* Addresses differ between runs, so only small sample values are printed as
 * numbers; real addresses become symbol or object names. */
static void format_ptr(char *buf, size_t len, const void *p)
{
    Dl_info info;
    int i;
    if (p == NULL) {
        snprintf(buf, len, "NULL");
        return;
    }
    if ((uintptr_t)p < 0x100000) {
        snprintf(buf, len, "0x%lx", (unsigned long)(uintptr_t)p);
        return;
    }
    for (i = 0; i < named_count; i++) {
        if (named_ptr[i] == p) {
            snprintf(buf, len, "&%s", named_name[i]);
            return;
        }
    }
    if (dladdr(p, &info) && info.dli_sname && info.dli_saddr == p) {
        snprintf(buf, len, "&%s", info.dli_sname);
        return;
    }
    snprintf(buf, len, "<address>");
}

static void format_str(char *buf, size_t len, const char *s)
{
    size_t n = 0;
    if ((uintptr_t)s < 0x100000) {
        format_ptr(buf, len, s);
        return;
    }
    buf[n++] = '"';
    for (; *s && n + 6 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            n += (size_t)snprintf(buf + n, len - n, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

void probe_out_i(int id, const char *what, const char *type, long long v)
{
    printf("%d\t%s\t%s %lld\n", id, what, type, v);
}

void probe_out_u(int id, const char *what, const char *type, unsigned long long v)
{
    printf("%d\t%s\t%s %llu\n", id, what, type, v);
}

void probe_out_s(int id, const char *what, const char *type, const char *v)
{
    char buf[512];
    format_str(buf, sizeof buf, v);
    printf("%d\t%s\t%s %s\n", id, what, type, buf);
}

void probe_out_p(int id, const char *what, const char *type, const void *v)
{
    char buf[256];
    format_ptr(buf, sizeof buf, v);
    printf("%d\t%s\t%s %s\n", id, what, type, buf);
}

void probe_out_bits(int id, const char *what, const void *obj, unsigned long size)
{
    const unsigned char *b = obj;
    unsigned long i;
    printf("%d\t%s\t", id, what);
    for (i = 0; i < size; i++)
        if (b[i])
            printf("byte%lu:0x%02x ", i, b[i]);
    printf("\n");
}

/* Called by the generated stand-ins of the library functions: records the
 * call with its arguments, decoded according to the reference prototype. */
void probe_stub_call(const char *name, const char *kinds, ...)
{
    char line[1024], arg[512];
    size_t n;
    va_list ap;
    va_start(ap, kinds);
    n = (size_t)snprintf(line, sizeof line, "%s(", name);
    for (; *kinds; kinds++) {
        long v = va_arg(ap, long);
        switch (*kinds) {
        case 'b': snprintf(arg, sizeof arg, "%d", (int)(signed char)v); break;
        case 'B': snprintf(arg, sizeof arg, "%u", (unsigned)(unsigned char)v); break;
        case 'h': snprintf(arg, sizeof arg, "%d", (int)(short)v); break;
        case 'H': snprintf(arg, sizeof arg, "%u", (unsigned)(unsigned short)v); break;
        case 'i': snprintf(arg, sizeof arg, "%d", (int)v); break;
        case 'I': snprintf(arg, sizeof arg, "%u", (unsigned)v); break;
        case 'l': snprintf(arg, sizeof arg, "%ld", v); break;
        case 'L': snprintf(arg, sizeof arg, "%lu", (unsigned long)v); break;
        case 's': format_str(arg, sizeof arg, (const char *)v); break;
        case 'p': format_ptr(arg, sizeof arg, (const void *)v); break;
        default: snprintf(arg, sizeof arg, "?"); break;
        }
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s",
                              arg, kinds[1] ? ", " : "");
        if (n >= sizeof line)
            break;
    }
    va_end(ap);
    if (n < sizeof line - 1)
        strcat(line, ")");
    probe_note(line);
}

void probe_note(const char *text)
{
    call_count++;
    printf("%d\tcall%d\t%s\n", current_id, call_count, text);
}

void probe_run(int id, void (*fn)(void), int guarded)
{
    pid_t pid;
    int status;
    current_id = id;
    call_count = 0;
    probe_arity = 0;
    if (!guarded) {
        fn();
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        fn();
        fflush(stdout);
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        printf("%d\tcrash\tcould not fork\n", id);
    } else if (WIFSIGNALED(status)) {
        printf("%d\tcrash\tsignal %d\n", id, WTERMSIG(status));
    }
    fflush(stdout);
}
