#!/usr/bin/env python3
"""Generates C marshalling code from libevent's .rpc message language.

    event_rpcgen.py [-q] input.rpc [[output.h] output.c]

Without output names, foo.rpc gives foo.gen.c and foo.gen.h.  The language:

    /* C comments and // line comments */
    #include <...> / "..."     copied into the generated .c file
    #if.. / #ifdef / #endif     copied into the generated .c file
    #define NAME value          copied into the generated header
    struct name {
        [optional | array] type field = tag;
        ...
    }

where type is int (32 bits), int64, string, bytes (variable length),
bytes field[LENGTH] (fixed length; LENGTH a number or a macro) or
struct[other] (a nested message).  Arrays hold int, int64, string or
struct[] elements; a field cannot be both optional and an array.

The generated API and wire format are those programs expect from libevent's
own generator: per message `struct name` with `name_new`, `_new_with_arg`,
`_free`, `_clear`, `_marshal`, `_unmarshal`, `_complete`,
`evtag_marshal_name`, `evtag_unmarshal_name`, and per field
`name_field_assign`, `_get` (and `_add` for arrays), reachable through the
`base` table the EVTAG_* macros of <event2/rpc.h> use.  Each field is one
evtag record carrying its tag; arrays repeat the record once per element.
"""

import argparse
import os
import re
import sys

NAME = "event_rpcgen.py"
VERSION = "ng-1.0"


class RpcError(Exception):
    pass


# ---------------------------------------------------------------- parsing


class Field:
    """One field of a message."""

    def __init__(self, struct, kind, name, tag, line):
        self.struct = struct  # owning message name
        self.kind = kind  # int int64 string bytes fixed struct
        self.name = name
        self.tag = tag
        self.line = line
        self.optional = False
        self.array = False
        self.length = None  # fixed bytes: C expression
        self.ref = None  # struct: referenced message name

    @property
    def ctype(self):
        return {
            "int": "ev_uint32_t",
            "int64": "ev_uint64_t",
            "string": "char *",
            "bytes": "ev_uint8_t *",
            "fixed": "ev_uint8_t",
            "struct": "struct %s*" % self.ref,
        }[self.kind]

    @property
    def enum(self):
        return ("%s_%s" % (self.struct, self.name)).upper()


class Message:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.fields = []


IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
FIELD_NAME_RE = re.compile(r"^(%s)(?:\[([^\[\]]+)\])?$" % IDENT)
STRUCT_REF_RE = re.compile(r"^struct\[(%s)\]$" % IDENT)
TAG_RE = re.compile(r"^(0[xX][0-9A-Fa-f]+|[0-9]+)$")


def strip_comments(text):
    """Removes /* */ and // comments, keeping line breaks for line numbers."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise RpcError("unterminated comment starting on line %d" %
                               (text.count("\n", 0, i) + 1))
            out.append("\n" * text.count("\n", i, end))
            i = end + 2
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def parse_field(msg, text, line):
    tokens = text.replace("=", " = ").split()
    f_optional = f_array = False
    while tokens and tokens[0] in ("optional", "array"):
        if tokens[0] == "optional":
            if f_optional:
                raise RpcError("line %d: 'optional' given twice" % line)
            f_optional = True
        else:
            if f_array:
                raise RpcError("line %d: 'array' given twice" % line)
            f_array = True
        tokens = tokens[1:]
    if len(tokens) != 4 or tokens[2] != "=":
        raise RpcError("line %d: expected '[optional|array] type name = tag;', got '%s'" %
                       (line, text.strip()))
    type_tok, name_tok, _, tag_tok = tokens
    m = FIELD_NAME_RE.match(name_tok)
    if not m:
        raise RpcError("line %d: bad field name '%s'" % (line, name_tok))
    name, length = m.group(1), m.group(2)
    if not TAG_RE.match(tag_tok):
        raise RpcError("line %d: bad tag number '%s'" % (line, tag_tok))
    tag = int(tag_tok, 0)
    if tag > 0xFFFFFFFF:
        raise RpcError("line %d: tag %s does not fit 32 bits" % (line, tag_tok))

    ref = STRUCT_REF_RE.match(type_tok)
    if type_tok == "bytes":
        kind = "fixed" if length is not None else "bytes"
    elif type_tok in ("int", "int64", "string"):
        kind = type_tok
    elif ref:
        kind = "struct"
    else:
        raise RpcError("line %d: unknown type '%s'" % (line, type_tok))
    if length is not None and kind != "fixed":
        raise RpcError("line %d: only bytes fields have a fixed length" % line)
    if kind == "fixed" and not re.match(r"^(%s|[0-9]+)$" % IDENT, length.strip()):
        raise RpcError("line %d: bad length '%s'" % (line, length))

    f = Field(msg.name, kind, name, tag, line)
    f.optional = f_optional
    f.array = f_array
    f.length = length.strip() if length is not None else None
    f.ref = ref.group(1) if ref else None
    if f.optional and f.array:
        raise RpcError("line %d: field '%s' cannot be both optional and an array" % (line, name))
    if f.array and kind in ("bytes", "fixed"):
        raise RpcError("line %d: bytes field '%s' cannot be an array" % (line, name))
    for other in msg.fields:
        if other.tag == tag:
            raise RpcError("line %d: field '%s' reuses tag %d of '%s'" %
                           (line, name, tag, other.name))
        if other.name == name:
            raise RpcError("line %d: field '%s' defined twice" % (line, name))
    msg.fields.append(f)


def parse(text):
    """Returns (messages, header_directives, code_directives)."""
    text = strip_comments(text)
    messages, header_lines, code_lines = [], [], []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i].strip()
        lineno = i + 1
        i += 1
        if not raw:
            continue
        if raw.startswith("#"):
            if re.match(r"^#\s*define\b", raw):
                header_lines.append(raw)
            elif re.match(r"^#\s*(include\s*[<\"]|if|ifdef|ifndef|else|elif|endif)", raw):
                code_lines.append(raw)
            else:
                raise RpcError("line %d: unsupported directive '%s'" % (lineno, raw))
            continue
        m = re.match(r"^struct\s+(%s)\s*(\{.*)?$" % IDENT, raw)
        if not m:
            raise RpcError("line %d: expected a struct definition, got '%s'" % (lineno, raw))
        msg = Message(m.group(1), lineno)
        if any(x.name == msg.name for x in messages):
            raise RpcError("line %d: struct '%s' defined twice" % (lineno, msg.name))
        rest = (m.group(2) or "")
        # Gather the body up to the closing brace, with line numbers.
        body = []  # (text, line)
        if not rest:
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i >= len(lines) or not lines[i].strip().startswith("{"):
                raise RpcError("line %d: expected '{' after struct %s" % (lineno, msg.name))
            rest = lines[i].strip()
            lineno = i + 1
            i += 1
        rest = rest[1:]
        closed = False
        while True:
            if "}" in rest:
                before, after = rest.split("}", 1)
                body.append((before, lineno))
                if after.strip() not in ("", ";"):
                    raise RpcError("line %d: trailing text after struct %s" % (lineno, msg.name))
                closed = True
                break
            body.append((rest, lineno))
            if i >= len(lines):
                break
            rest = lines[i]
            lineno = i + 1
            i += 1
        if not closed:
            raise RpcError("line %d: struct %s is not closed" % (msg.line, msg.name))
        pending, start = "", None
        for chunk, ln in body:
            parts = chunk.split(";")
            for k, part in enumerate(parts):
                if part.strip() and start is None:
                    start = ln
                pending += " " + part
                if k < len(parts) - 1:
                    if pending.strip():
                        parse_field(msg, pending, start)
                    pending, start = "", None
        if pending.strip():
            raise RpcError("line %d: missing ';' after '%s'" % (start, pending.strip()))
        messages.append(msg)
    names = {m.name for m in messages}
    for m in messages:
        for f in m.fields:
            if f.kind == "struct" and f.ref not in names:
                raise RpcError("line %d: struct[%s] is not defined in this file" % (f.line, f.ref))
    return messages, header_lines, code_lines


# ----------------------------------------------------------- declarations


def accessor_protos(m, f, assign, get, add):
    """The assign/get/add prototypes of a field, with the given names."""
    x = "struct %s *" % m.name
    t = f.ctype
    if f.array:
        protos = ["int %s(%s, int, const %s);" % (assign, x, t),
                  "int %s(%s, int, %s *);" % (get, x, t)]
        if f.kind == "struct":
            protos.append("%s %s(%s);" % (t, add, x))
        else:
            protos.append("%s * %s(%s, const %s);" % (t, add, x, t))
        return protos
    if f.kind == "fixed":
        return ["int %s(%s, const ev_uint8_t *);" % (assign, x),
                "int %s(%s, ev_uint8_t **);" % (get, x)]
    if f.kind == "bytes":
        return ["int %s(%s, const ev_uint8_t *, ev_uint32_t);" % (assign, x),
                "int %s(%s, ev_uint8_t * *, ev_uint32_t *);" % (get, x)]
    return ["int %s(%s, const %s);" % (assign, x, t),
            "int %s(%s, %s *);" % (get, x, t)]


def fn(m, f, what):
    return "%s_%s_%s" % (m.name, f.name, what)


def data_fields(f):
    n = f.name
    if f.array:
        return ["%s *%s_data;" % (f.ctype, n), "int %s_length;" % n, "int %s_num_allocated;" % n]
    if f.kind == "fixed":
        return ["ev_uint8_t %s_data[%s];" % (n, f.length)]
    if f.kind == "bytes":
        return ["ev_uint8_t *%s_data;" % n, "ev_uint32_t %s_length;" % n]
    if f.kind == "string":
        return ["char *%s_data;" % n]
    return ["%s %s_data;" % (f.ctype, n)]


def guard_name(path):
    return "EVENT_RPCGEN_" + re.sub(r"\W", "_", path).upper() + "_"


def gen_header(messages, header_lines, rpc_name):
    g = guard_name(rpc_name)
    o = ["/* Generated from %s by %s %s.  Do not edit. */" % (rpc_name, NAME, VERSION),
         "#ifndef %s" % g, "#define %s" % g, ""]
    o += header_lines
    if header_lines:
        o.append("")
    o += ["#include <event2/util.h> /* ev_uint*_t */", "#include <event2/rpc.h>", "",
          "#ifdef __cplusplus", 'extern "C" {', "#endif", ""]
    o += ["struct %s;" % m.name for m in messages]
    o.append("")
    for m in messages:
        o.append("/* Tags of %s */" % m.name)
        o.append("enum %s_ {" % m.name.lower())
        o += ["  %s=%d," % (f.enum, f.tag) for f in m.fields]
        o += ["  %s_MAX_TAGS" % m.name.upper(), "};", ""]
        o.append("struct %s_access_ {" % m.name)
        for f in m.fields:
            o += ["  " + p for p in accessor_protos(
                m, f, "(*%s_assign)" % f.name, "(*%s_get)" % f.name, "(*%s_add)" % f.name)]
        o += ["};", ""]
        o += ["struct %s {" % m.name, "  struct %s_access_ *base;" % m.name, ""]
        for f in m.fields:
            o += ["  " + d for d in data_fields(f)]
        o.append("")
        o += ["  ev_uint8_t %s_set;" % f.name for f in m.fields]
        o += ["};", ""]
        n = m.name
        o += [
            "struct %s *%s_new(void);" % (n, n),
            "struct %s *%s_new_with_arg(void *);" % (n, n),
            "void %s_free(struct %s *);" % (n, n),
            "void %s_clear(struct %s *);" % (n, n),
            "void %s_marshal(struct evbuffer *, const struct %s *);" % (n, n),
            "int %s_unmarshal(struct %s *, struct evbuffer *);" % (n, n),
            "int %s_complete(struct %s *);" % (n, n),
            "void evtag_marshal_%s(struct evbuffer *, ev_uint32_t, const struct %s *);" % (n, n),
            "int evtag_unmarshal_%s(struct evbuffer *, ev_uint32_t, struct %s *);" % (n, n),
        ]
        for f in m.fields:
            o += accessor_protos(m, f, fn(m, f, "assign"), fn(m, f, "get"), fn(m, f, "add"))
        o += ["", ""]
    o += ["#ifdef __cplusplus", "}", "#endif", "", "#endif /* %s */" % g, ""]
    return "\n".join(o)


# ------------------------------------------------------------------ code


def c_block(text, **kw):
    """Dedents a template and fills in {names}."""
    lines = text.strip("\n").split("\n")
    indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return "\n".join(l[indent:] for l in lines).format(**kw) + "\n"


def element_free(f, var):
    """Frees one value of a field (an array element or the scalar)."""
    if f.kind == "string" or f.kind == "bytes":
        return "free(%s);" % var
    if f.kind == "struct":
        return "if (%s != NULL) %s_free(%s);" % (var, f.ref, var)
    return ""


def gen_scalar_accessors(m, f):
    k = dict(X=m.name, n=f.name, T=f.ctype, R=f.ref, L=f.length,
             assign=fn(m, f, "assign"), get=fn(m, f, "get"))
    if f.kind in ("int", "int64"):
        return c_block("""
            int
            {assign}(struct {X} *msg, const {T} value)
            {{
              msg->{n}_data = value;
              msg->{n}_set = 1;
              return 0;
            }}

            int
            {get}(struct {X} *msg, {T} *value)
            {{
              if (msg->{n}_set != 1)
                return -1;
              *value = msg->{n}_data;
              return 0;
            }}
            """, **k)
    if f.kind == "string":
        return c_block("""
            int
            {assign}(struct {X} *msg, const char * value)
            {{
              char *copy = evrpcgen_strdup_(value);
              if (copy == NULL)
                return -1;
              free(msg->{n}_data);
              msg->{n}_data = copy;
              msg->{n}_set = 1;
              return 0;
            }}

            int
            {get}(struct {X} *msg, char * *value)
            {{
              if (msg->{n}_set != 1)
                return -1;
              *value = msg->{n}_data;
              return 0;
            }}
            """, **k)
    if f.kind == "fixed":
        return c_block("""
            int
            {assign}(struct {X} *msg, const ev_uint8_t *value)
            {{
              memcpy(msg->{n}_data, value, sizeof(msg->{n}_data));
              msg->{n}_set = 1;
              return 0;
            }}

            int
            {get}(struct {X} *msg, ev_uint8_t **value)
            {{
              if (msg->{n}_set != 1)
                return -1;
              *value = msg->{n}_data;
              return 0;
            }}
            """, **k)
    if f.kind == "bytes":
        return c_block("""
            int
            {assign}(struct {X} *msg, const ev_uint8_t *value, ev_uint32_t len)
            {{
              ev_uint8_t *copy = malloc(len ? len : 1);
              if (copy == NULL)
                return -1;
              if (len)
                memcpy(copy, value, len);
              free(msg->{n}_data);
              msg->{n}_data = copy;
              msg->{n}_length = len;
              msg->{n}_set = 1;
              return 0;
            }}

            int
            {get}(struct {X} *msg, ev_uint8_t * *value, ev_uint32_t *plen)
            {{
              if (msg->{n}_set != 1)
                return -1;
              *value = msg->{n}_data;
              *plen = msg->{n}_length;
              return 0;
            }}
            """, **k)
    # A nested message: assign copies through the wire format; get creates
    # an empty one on first use (as libevent's generated code does).
    return c_block("""
        int
        {assign}(struct {X} *msg, const struct {R}* value)
        {{
          struct {R} *copy = {R}_new();
          struct evbuffer *tmp = evbuffer_new();
          if (copy == NULL || tmp == NULL)
            goto fail;
          {R}_marshal(tmp, value);
          if ({R}_unmarshal(copy, tmp) == -1)
            goto fail;
          evbuffer_free(tmp);
          if (msg->{n}_data != NULL)
            {R}_free(msg->{n}_data);
          msg->{n}_data = copy;
          msg->{n}_set = 1;
          return 0;
        fail:
          if (tmp != NULL)
            evbuffer_free(tmp);
          if (copy != NULL)
            {R}_free(copy);
          return -1;
        }}

        int
        {get}(struct {X} *msg, struct {R}* *value)
        {{
          if (msg->{n}_set != 1) {{
            if (msg->{n}_data == NULL && (msg->{n}_data = {R}_new()) == NULL)
              return -1;
            msg->{n}_set = 1;
          }}
          *value = msg->{n}_data;
          return 0;
        }}
        """, **k)


def gen_array_accessors(m, f):
    k = dict(X=m.name, n=f.name, T=f.ctype, R=f.ref, assign=fn(m, f, "assign"),
             get=fn(m, f, "get"), add=fn(m, f, "add"), grow="%s_%s_grow_" % (m.name, f.name))
    out = c_block("""
        /* Room for one more element of {n}; -1 when memory or the count runs out. */
        static int
        {grow}(struct {X} *msg)
        {{
          int want;
          {T} *more;
          if (msg->{n}_length < msg->{n}_num_allocated)
            return 0;
          if (msg->{n}_num_allocated > (1 << 29))
            return -1;
          want = msg->{n}_num_allocated ? 2 * msg->{n}_num_allocated : 1;
          more = realloc(msg->{n}_data, (size_t)want * sizeof(*more));
          if (more == NULL)
            return -1;
          msg->{n}_data = more;
          msg->{n}_num_allocated = want;
          return 0;
        }}

        int
        {get}(struct {X} *msg, int offset, {T} *value)
        {{
          if (!msg->{n}_set || offset < 0 || offset >= msg->{n}_length)
            return -1;
          *value = msg->{n}_data[offset];
          return 0;
        }}
        """, **k)
    if f.kind in ("int", "int64"):
        out += c_block("""
            int
            {assign}(struct {X} *msg, int off, const {T} value)
            {{
              if (!msg->{n}_set || off < 0 || off >= msg->{n}_length)
                return -1;
              msg->{n}_data[off] = value;
              return 0;
            }}

            {T} *
            {add}(struct {X} *msg, const {T} value)
            {{
              if ({grow}(msg) == -1)
                return NULL;
              msg->{n}_data[msg->{n}_length] = value;
              msg->{n}_set = 1;
              return &msg->{n}_data[msg->{n}_length++];
            }}
            """, **k)
    elif f.kind == "string":
        out += c_block("""
            int
            {assign}(struct {X} *msg, int off, const char * value)
            {{
              char *copy;
              if (!msg->{n}_set || off < 0 || off >= msg->{n}_length)
                return -1;
              if ((copy = evrpcgen_strdup_(value)) == NULL)
                return -1;
              free(msg->{n}_data[off]);
              msg->{n}_data[off] = copy;
              return 0;
            }}

            char * *
            {add}(struct {X} *msg, const char * value)
            {{
              char *copy = NULL;
              if ({grow}(msg) == -1)
                return NULL;
              if (value != NULL && (copy = evrpcgen_strdup_(value)) == NULL)
                return NULL;
              msg->{n}_data[msg->{n}_length] = copy;
              msg->{n}_set = 1;
              return &msg->{n}_data[msg->{n}_length++];
            }}
            """, **k)
    else:
        out += c_block("""
            int
            {assign}(struct {X} *msg, int off, const struct {R}* value)
            {{
              struct {R} *copy;
              struct evbuffer *tmp;
              if (!msg->{n}_set || off < 0 || off >= msg->{n}_length)
                return -1;
              if ((copy = {R}_new()) == NULL)
                return -1;
              if ((tmp = evbuffer_new()) == NULL) {{
                {R}_free(copy);
                return -1;
              }}
              {R}_marshal(tmp, value);
              if ({R}_unmarshal(copy, tmp) == -1) {{
                evbuffer_free(tmp);
                {R}_free(copy);
                return -1;
              }}
              evbuffer_free(tmp);
              {R}_free(msg->{n}_data[off]);
              msg->{n}_data[off] = copy;
              return 0;
            }}

            struct {R}*
            {add}(struct {X} *msg)
            {{
              struct {R} *elem;
              if ({grow}(msg) == -1)
                return NULL;
              if ((elem = {R}_new()) == NULL)
                return NULL;
              msg->{n}_data[msg->{n}_length++] = elem;
              msg->{n}_set = 1;
              return elem;
            }}
            """, **k)
    return out


def marshal_one(f, var):
    """Appends one value (scalar or array element) as a record."""
    if f.kind == "int":
        return "evtag_marshal_int(evbuf, %s, %s);" % (f.enum, var)
    if f.kind == "int64":
        return "evtag_marshal_int64(evbuf, %s, %s);" % (f.enum, var)
    if f.kind == "string":
        return "evtag_marshal_string(evbuf, %s, %s);" % (f.enum, var)
    if f.kind == "fixed":
        return "evtag_marshal(evbuf, %s, %s, (ev_uint32_t)sizeof(%s));" % (f.enum, var, var)
    if f.kind == "bytes":
        return "evtag_marshal(evbuf, %s, %s, tmp->%s_length);" % (f.enum, var, f.name)
    return "evtag_marshal_%s(evbuf, %s, %s);" % (f.ref, f.enum, var)


def unmarshal_one(f, var):
    """Decodes one record into var (an lvalue); the code returns -1 on error."""
    k = dict(E=f.enum, v=var, R=f.ref, n=f.name)
    if f.kind == "int":
        return c_block("""
            if (evtag_unmarshal_int(evbuf, {E}, &{v}) == -1)
              return -1;
            """, **k)
    if f.kind == "int64":
        return c_block("""
            if (evtag_unmarshal_int64(evbuf, {E}, &{v}) == -1)
              return -1;
            """, **k)
    if f.kind == "fixed":
        return c_block("""
            if (evtag_unmarshal_fixed(evbuf, {E}, {v}, sizeof({v})) == -1)
              return -1;
            """, **k)
    if f.kind in ("string", "bytes"):
        # Read the payload ourselves so that it is allocated with malloc, the
        # allocator the rest of this code frees with.
        nul = "len + 1" if f.kind == "string" else "len ? len : 1"
        tail = ("{v}[len] = '\\0';" if f.kind == "string" else "tmp->{n}_length = len;")
        return c_block("""
            {{
              ev_uint32_t len = 0, got_tag = 0;
              int plen;
              char *data;
              if (evtag_payload_length(evbuf, &len) == -1 ||
                  len > evbuffer_get_length(evbuf))
                return -1;
              if ((plen = evtag_unmarshal_header(evbuf, &got_tag)) == -1 ||
                  got_tag != {E} || (ev_uint32_t)plen != len)
                return -1;
              if ((data = malloc(NULLSIZE)) == NULL)
                return -1;
              if (len != 0 && evbuffer_remove(evbuf, data, len) != (int)len) {{
                free(data);
                return -1;
              }}
              {v} = (void *)data;
              TAIL
            }}
            """.replace("NULLSIZE", nul).replace("TAIL", tail), **k)
    return c_block("""
        if (({v} = {R}_new()) == NULL)
          return -1;
        if (evtag_unmarshal_{R}(evbuf, {E}, {v}) == -1)
          return -1;
        """, **k)


def indent(text, n):
    pad = " " * n
    return "".join(pad + l if l.strip() else l for l in text.splitlines(True))


def gen_message(m):
    X = m.name
    o = ["/* ---- %s ---- */\n" % X]
    o.append("static struct %s_access_ %s_base_ = {\n" % (X, X))
    for f in m.fields:
        o.append("  %s,\n  %s,\n" % (fn(m, f, "assign"), fn(m, f, "get")))
        if f.array:
            o.append("  %s,\n" % fn(m, f, "add"))
    o.append("};\n\n")

    # new
    init = []
    for f in m.fields:
        if f.array:
            init += ["tmp->%s_data = NULL;" % f.name, "tmp->%s_length = 0;" % f.name,
                     "tmp->%s_num_allocated = 0;" % f.name]
        elif f.kind == "fixed":
            init.append("memset(tmp->%s_data, 0, sizeof(tmp->%s_data));" % (f.name, f.name))
        elif f.kind == "bytes":
            init += ["tmp->%s_data = NULL;" % f.name, "tmp->%s_length = 0;" % f.name]
        elif f.kind in ("string", "struct"):
            init.append("tmp->%s_data = NULL;" % f.name)
        else:
            init.append("tmp->%s_data = 0;" % f.name)
        init.append("tmp->%s_set = 0;" % f.name)
    o.append(c_block("""
        struct {X} *
        {X}_new(void)
        {{
          return {X}_new_with_arg(NULL);
        }}

        struct {X} *
        {X}_new_with_arg(void *unused)
        {{
          struct {X} *tmp = malloc(sizeof(struct {X}));
          (void)unused;
          if (tmp == NULL)
            return NULL;
          tmp->base = &{X}_base_;
        """, X=X))
    o.append(indent("\n".join(init) + "\n", 2))
    o.append("  return tmp;\n}\n\n")

    for f in m.fields:
        o.append(gen_array_accessors(m, f) if f.array else gen_scalar_accessors(m, f))
        o.append("\n")

    # clear (and free, which is clear + free of the array blocks)
    clear = []
    for f in m.fields:
        n = f.name
        if f.array:
            body = []
            free_elem = element_free(f, "tmp->%s_data[i]" % n)
            if free_elem:
                body = ["{", "  int i;", "  for (i = 0; i < tmp->%s_length; ++i)" % n,
                        "    " + free_elem, "}"]
            clear += body + ["free(tmp->%s_data);" % n, "tmp->%s_data = NULL;" % n,
                             "tmp->%s_length = 0;" % n, "tmp->%s_num_allocated = 0;" % n]
        elif f.kind in ("string", "bytes", "struct"):
            clear += [element_free(f, "tmp->%s_data" % n), "tmp->%s_data = NULL;" % n]
            if f.kind == "bytes":
                clear.append("tmp->%s_length = 0;" % n)
        elif f.kind == "fixed":
            clear.append("memset(tmp->%s_data, 0, sizeof(tmp->%s_data));" % (n, n))
        clear.append("tmp->%s_set = 0;" % n)
    o.append("void\n%s_clear(struct %s *tmp)\n{\n" % (X, X))
    o.append(indent("\n".join(clear) + "\n", 2) if clear else "  (void)tmp;\n")
    o.append("}\n\n")
    o.append(c_block("""
        void
        {X}_free(struct {X} *tmp)
        {{
          if (tmp == NULL)
            return;
          {X}_clear(tmp);
          free(tmp);
        }}

        """, X=X))

    # marshal
    o.append("void\n%s_marshal(struct evbuffer *evbuf, const struct %s *tmp)\n{\n" % (X, X))
    if not m.fields:
        o.append("  (void)evbuf;\n  (void)tmp;\n")
    for f in m.fields:
        n = f.name
        if f.array:
            o.append(indent(c_block("""
                if (tmp->{n}_set) {{
                  int i;
                  for (i = 0; i < tmp->{n}_length; ++i)
                    {one}
                }}
                """, n=n, one=marshal_one(f, "tmp->%s_data[i]" % n)), 2))
        elif f.optional:
            o.append("  if (tmp->%s_set)\n    %s\n" % (n, marshal_one(f, "tmp->%s_data" % n)))
        else:
            o.append("  %s\n" % marshal_one(f, "tmp->%s_data" % n))
    o.append("}\n\n")

    # unmarshal
    o.append(c_block("""
        int
        {X}_unmarshal(struct {X} *tmp, struct evbuffer *evbuf)
        {{
          ev_uint32_t tag;
          while (evbuffer_get_length(evbuf) > 0) {{
            if (evtag_peek(evbuf, &tag) == -1)
              return -1;
            switch (tag) {{
        """, X=X))
    for f in m.fields:
        n = f.name
        o.append("      case %s:\n" % f.enum)
        if f.array:
            o.append("        if (%s_%s_grow_(tmp) == -1)\n          return -1;\n" % (X, n))
            elem = "tmp->%s_data[tmp->%s_length]" % (n, n)
            code = unmarshal_one(f, elem)
            if f.kind == "struct":
                # The element is owned by the array only once it decoded.
                code = c_block("""
                    if (({v} = {R}_new()) == NULL)
                      return -1;
                    if (evtag_unmarshal_{R}(evbuf, {E}, {v}) == -1) {{
                      {R}_free({v});
                      return -1;
                    }}
                    """, v=elem, R=f.ref, E=f.enum)
            o.append(indent(code, 8))
            o.append("        ++tmp->%s_length;\n" % n)
        else:
            o.append("        if (tmp->%s_set)\n          return -1;\n" % n)
            code = unmarshal_one(f, "tmp->%s_data" % n)
            if f.kind == "struct":
                code = c_block("""
                    if ((tmp->{n}_data = {R}_new()) == NULL)
                      return -1;
                    if (evtag_unmarshal_{R}(evbuf, {E}, tmp->{n}_data) == -1) {{
                      {R}_free(tmp->{n}_data);
                      tmp->{n}_data = NULL;
                      return -1;
                    }}
                    """, n=n, R=f.ref, E=f.enum)
            o.append(indent(code, 8))
        o.append("        tmp->%s_set = 1;\n        break;\n" % n)
    o.append(c_block("""
              default:
                return -1;
            }}
          }}
          return {X}_complete(tmp) == -1 ? -1 : 0;
        }}

        """, X=X))

    # complete
    o.append("int\n%s_complete(struct %s *msg)\n{\n" % (X, X))
    for f in m.fields:
        n = f.name
        if not f.optional and not f.array:
            o.append("  if (!msg->%s_set)\n    return -1;\n" % n)
        if f.kind == "struct":
            if f.array:
                o.append(indent(c_block("""
                    {{
                      int i;
                      for (i = 0; i < msg->{n}_length; ++i)
                        if ({R}_complete(msg->{n}_data[i]) == -1)
                          return -1;
                    }}
                    """, n=n, R=f.ref), 2))
            else:
                o.append("  if (msg->%s_set && %s_complete(msg->%s_data) == -1)\n"
                         "    return -1;\n" % (n, f.ref, n))
    if not m.fields:
        o.append("  (void)msg;\n")
    o.append("  return 0;\n}\n\n")

    o.append(c_block("""
        int
        evtag_unmarshal_{X}(struct evbuffer *evbuf, ev_uint32_t need_tag, struct {X} *msg)
        {{
          ev_uint32_t tag;
          int res = -1;
          struct evbuffer *tmp = evbuffer_new();
          if (tmp == NULL)
            return -1;
          if (evtag_unmarshal(evbuf, &tag, tmp) != -1 && tag == need_tag &&
              {X}_unmarshal(msg, tmp) != -1)
            res = 0;
          evbuffer_free(tmp);
          return res;
        }}

        void
        evtag_marshal_{X}(struct evbuffer *evbuf, ev_uint32_t tag, const struct {X} *msg)
        {{
          struct evbuffer *tmp = evbuffer_new();
          if (tmp == NULL)
            return;
          {X}_marshal(tmp, msg);
          evtag_marshal_buffer(evbuf, tag, tmp);
          evbuffer_free(tmp);
        }}

        """, X=X))
    return "".join(o)


def gen_code(messages, code_lines, rpc_name, header_path):
    o = ["/* Generated from %s by %s %s.  Do not edit. */\n" % (rpc_name, NAME, VERSION),
         "#include <stdlib.h>\n#include <string.h>\n",
         "#include <event2/event-config.h>\n#include <event2/event.h>\n",
         "#include <event2/buffer.h>\n#include <event2/tag.h>\n\n"]
    o += [l + "\n" for l in code_lines]
    o.append('\n#include "%s"\n\n' % os.path.basename(header_path))
    # strdup is POSIX, not C99: a copy of our own keeps -std=c99 builds clean.
    if any(f.kind == "string" for m in messages for f in m.fields):
        o.append(c_block("""
        static char *
        evrpcgen_strdup_(const char *s)
        {{
          size_t n = strlen(s) + 1;
          char *copy = malloc(n);
          if (copy != NULL)
            memcpy(copy, s, n);
          return copy;
        }}

        """))
    o += [gen_message(m) for m in messages]
    return "".join(o)


# -------------------------------------------------------------- command line


def main(argv):
    ap = argparse.ArgumentParser(prog=NAME, description="Generate C code from an .rpc file.")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    ap.add_argument("rpc_file")
    ap.add_argument("outputs", nargs="*", metavar="[output.h] output.c")
    args = ap.parse_args(argv[1:])
    if len(args.outputs) > 2:
        ap.error("at most two output files: [output.h] output.c")
    rpc = args.rpc_file.replace("\\", "/")
    if len(args.outputs) == 2:
        header, impl = args.outputs
    elif len(args.outputs) == 1:
        impl = args.outputs[0]
        header = impl[:-2] + ".h" if impl.endswith(".c") else impl + ".h"
    else:
        base = rpc[:-4] if rpc.endswith(".rpc") else rpc.rsplit(".", 1)[0]
        impl, header = base + ".gen.c", base + ".gen.h"
    if not impl.endswith(".c"):
        raise RpcError("can only generate C implementation files (.c)")
    if not header.endswith(".h"):
        raise RpcError("can only generate C header files (.h)")
    with open(rpc, "r") as fp:
        messages, header_lines, code_lines = parse(fp.read())
    if not args.quiet:
        for m in messages:
            print("  struct %s: %d fields" % (m.name, len(m.fields)))
    with open(header, "w") as fp:
        fp.write(gen_header(messages, header_lines, rpc))
    with open(impl, "w") as fp:
        fp.write(gen_code(messages, code_lines, rpc, header))
    if not args.quiet:
        print("... created %s and %s" % (header, impl))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except RpcError as e:
        print("%s: %s" % (NAME, e), file=sys.stderr)
        sys.exit(1)
    except OSError as e:
        print("%s: %s" % (NAME, e), file=sys.stderr)
        sys.exit(1)
