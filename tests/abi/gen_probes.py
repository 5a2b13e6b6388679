"""Generates the ABI probes from the reference interface (abi_reference.Model).

Every declaration and macro of the reference headers becomes one or more
items; nothing is listed by hand.  An item is a small piece of probe code:
  c       statements in a C program that print observations (layout, values,
          macro evaluations); built against both sides and the output diffed;
  cxx     a C++ compile-time check (prototype, typedef, field type);
  text    the fully preprocessed token text of a macro use (last resort).
A macro gets several alternative ways of being probed (its "group"); the
first alternative that works with the reference headers is kept.
"""
import itertools
import re

import macro_samples


class Item:
    def __init__(self, iid, header, key, lang, group=None, alt=0, scope="",
                 body="", guarded=False, text=None):
        self.id = iid
        self.header = header
        self.key = key
        self.lang = lang
        self.group = group
        self.alt = alt
        self.scope = scope
        self.body = body
        self.guarded = guarded
        self.text = text


def _cxx_type(text):
    text = text.replace("struct __va_list_tag *", "__builtin_va_list")
    return text.replace("_Bool", "bool").replace("restrict", "__restrict")


def _unprobeable_type(text):
    return not text or "(unnamed" in text or "(anonymous" in text


class _Builder:
    def __init__(self):
        self.items = []
        self._ids = itertools.count(1)

    def add(self, header, key, lang, **kw):
        item = Item(next(self._ids), header, key, lang, **kw)
        self.items.append(item)
        return item


def _records(b, model):
    for rec in model.records:
        tag = "%s %s" % (rec["tag"], rec["name"])
        h = rec["header"]
        b.add(h, tag, "c", body='PROBE_VAL(@K@, "sizeof", sizeof(%s));\n'
              'PROBE_VAL(@K@, "alignof", _Alignof(%s));' % (tag, tag))
        b.add(h, tag + " defined here", "cxx", body=(
            'static_assert(sizeof(%s) > 0, "incomplete");' % tag))
        for f in rec["fields"]:
            key = "%s.%s" % (tag, f.path)
            if f.bitfield:
                body = ("%s s; memset(&s, 0, sizeof s); s.%s = -1;\n"
                        'probe_out_bits(@K@, "bits set by -1", &s, sizeof s);'
                        % (tag, f.path))
            else:
                body = ('PROBE_VAL(@K@, "offsetof", offsetof(%s, %s));\n'
                        'PROBE_VAL(@K@, "sizeof", sizeof(((%s *)0)->%s));'
                        % (tag, f.path, tag, f.path))
            b.add(h, key, "c", body=body)
            if not _unprobeable_type(f.qualtype):
                b.add(h, key + " type", "cxx", body=(
                    'static_assert(probe_same<decltype(((%s *)0)->%s), %s>::value,'
                    ' "field type differs");' % (tag, f.path, _cxx_type(f.qualtype))))


def _typedefs(b, model):
    for td in model.typedefs:
        h, name = td["header"], td["name"]
        if "(*" in td["qualtype"] or "(" not in td["qualtype"]:
            b.add(h, "typedef " + name, "c", body=(
                'PROBE_VAL(@K@, "sizeof", sizeof(%s));\n'
                'PROBE_VAL(@K@, "alignof", _Alignof(%s));' % (name, name)))
        if not _unprobeable_type(td["qualtype"]):
            b.add(h, "typedef %s type" % name, "cxx", body=(
                'static_assert(probe_same<%s, %s>::value, "typedef differs");'
                % (name, _cxx_type(td["qualtype"]))))


def _enums(b, model):
    for en in model.enums:
        h = en["header"]
        if en["name"]:
            b.add(h, "enum " + en["name"], "c",
                  body='PROBE_VAL(@K@, "sizeof", sizeof(enum %s));' % en["name"])
        for c in en["constants"]:
            b.add(h, "enum constant " + c, "c",
                  body='PROBE_VAL(@K@, "value", %s);' % c)
            if en["name"]:
                b.add(h, "enum constant %s type" % c, "cxx", body=(
                    'static_assert(probe_same<decltype(%s), enum %s>::value,'
                    ' "not an enumerator of enum %s");' % (c, en["name"], en["name"])))


def _functions(b, model):
    for fn in model.functions:
        if fn["static"]:
            continue
        name, h = fn["name"], fn["header"]
        key, group = "function %s prototype" % name, "function " + name
        fn_type = "using probe_fn_@K@ = %s; " % _cxx_type(fn["qualtype"])
        # Redeclaring with the reference's type and C linkage fails on any
        # difference.  A few reference declarations lack extern "C"; for
        # those only the type is compared.
        b.add(h, key, "cxx", group=group, alt=0, body=(
            "typedef decltype(&::%s) probe_declared_@K@; " % name + fn_type
            + 'extern "C" probe_fn_@K@ %s;' % name))
        b.add(h, key, "cxx", group=group, alt=1, body=(
            fn_type + 'static_assert(probe_same<decltype(::%s), probe_fn_@K@>::value, '
            '"prototype differs");' % name))


def _macro_defined(b, m):
    b.add(m["header"], "macro %s defined" % m["name"], "cxx", body=(
        "#ifndef %s\n#error not defined by this header\n#endif" % m["name"]))


def _object_macro(b, m):
    _macro_defined(b, m)
    h, name, group = m["header"], m["name"], "macro " + m["name"]
    key = "macro " + name
    if m["body"]:
        value = 'PROBE_VAL(@K@, "value", (%s));' % name
        b.add(h, key, "c", group=group, alt=0, guarded=True, body=value,
              scope="enum { probe_ice_@K@ = (int)sizeof(char[(%s) ? 1 : 2]) };" % name)
        b.add(h, key, "c", group=group, alt=1, guarded=True, body=value)
        b.add(h, key + " (type)", "c", group=group, alt=2,
              scope="typedef %s probe_type_@K@;" % name,
              body='PROBE_VAL(@K@, "sizeof", sizeof(probe_type_@K@));\n'
                   'PROBE_VAL(@K@, "alignof", _Alignof(probe_type_@K@));')
        b.add(h, key + " (type)", "cxx", group=group, alt=2, body=(
            'static_assert(probe_same<%s, %s>::value, "type macro differs");'
            % (name, _cxx_type(m["body"]))))
    b.add(h, key + " (token text)", "text", group=group, alt=3, text=name)


def _function_macro(b, m):
    _macro_defined(b, m)
    h, name = m["header"], m["name"]
    group, key = "macro %s()" % name, "macro %s()" % name
    args = ", ".join("PROBE_ARG(%d)" % i for i in range(len(m["params"])))
    placeholders = ", ".join("probe_a%d" % i for i in range(len(m["params"])))
    item = b.add(h, key, "c", group=group, alt=0, guarded=True)
    custom = macro_samples.sample(name, item.id)
    if custom:
        item.scope, item.body = custom
    else:
        item.body = 'PROBE_VAL(@K@, "value", %s(%s));' % (name, args)
        b.add(h, key, "c", group=group, alt=1, guarded=True,
              body='%s(%s);\nprobe_note("done");' % (name, args))
    b.add(h, key + " (token text)", "text", group=group, alt=3,
          text="%s(%s)" % (name, placeholders))


def build_items(model):
    b = _Builder()
    _records(b, model)
    _typedefs(b, model)
    _enums(b, model)
    _functions(b, model)
    for m in sorted(model.macros, key=lambda m: (m["header"], m["name"])):
        (_function_macro if m["funclike"] else _object_macro)(b, m)
    for it in b.items:
        it.scope = it.scope.replace("@K@", str(it.id))
        it.body = it.body.replace("@K@", str(it.id))
    return b.items


# ---------------------------------------------------------------- rendering

def _includes(header, prelude):
    return ["#include <%s>" % h for h in prelude + [header]]


def render_c(headers, items):
    """A C program printing every c item; returns (source, line -> item id)."""
    lines = ["/* Generated ABI value probe. */"]
    owner = {}
    for h in headers:
        lines.append("#include <%s>" % h)
        owner[len(lines)] = h
    lines.append('#include "probe_harness.h"')
    for it in items:
        start = len(lines) + 1
        if it.scope:
            lines += it.scope.strip().splitlines()
        lines.append("void probe_item_%d(void)" % it.id)
        lines.append("{")
        lines += it.body.strip().splitlines()
        lines.append("}")
        for n in range(start, len(lines) + 1):
            owner[n] = it.id
    lines += ["int main(int argc, char **argv)", "{",
              "    int guard = argc > 1;", "    (void)argv;"]
    for it in items:
        lines.append("    probe_run(%d, probe_item_%d, %s);"
                     % (it.id, it.id, "guard" if it.guarded else "0"))
        owner[len(lines)] = it.id
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines), owner


def render_cxx(header, prelude, items):
    lines = ["/* Generated ABI type probe for <%s>. */" % header]
    lines += _includes(header, prelude)
    lines += ["template <class A, class B> struct probe_same { enum { value = 0 }; };",
              "template <class A> struct probe_same<A, A> { enum { value = 1 }; };"]
    owner = {}
    for it in items:
        start = len(lines) + 1
        lines += it.body.strip().splitlines()
        for n in range(start, len(lines) + 1):
            owner[n] = it.id
    lines.append("")
    return "\n".join(lines), owner


def render_text(headers, items):
    lines = ["/* Generated macro text probe. */"]
    lines += ["#include <%s>" % h for h in headers]
    for it in items:
        name = re.match(r"\w+", it.text).group(0)
        lines += ["#ifdef " + name,
                  "probe_text_begin_%d %s probe_text_end" % (it.id, it.text),
                  "#else",
                  "probe_text_begin_%d <undefined> probe_text_end" % it.id,
                  "#endif"]
    lines.append("")
    return "\n".join(lines)


_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|\w+|\.\.\.|->|<<=|>>='
                    r'|##|[-+*/%&|^!=<>]=|&&|\|\||\+\+|--|<<|>>|\S')


def parse_text(output):
    """Maps item id -> normalised token text from the preprocessed text probe."""
    found = {}
    for m in re.finditer(r"probe_text_begin_(\d+)(.*?)probe_text_end", output, re.S):
        found[int(m.group(1))] = " ".join(_TOKEN.findall(m.group(2)))
    return found


# ------------------------------------------------------------- stand-ins

_INT_KINDS = {"char": "b", "signed char": "b", "unsigned char": "B", "_Bool": "B",
              "short": "h", "unsigned short": "H", "int": "i", "unsigned int": "I",
              "long": "l", "unsigned long": "L", "long long": "l",
              "unsigned long long": "L"}


def _param_kind(canonical):
    t = re.sub(r"\b(const|volatile|restrict)\b", "", canonical).strip()
    t = re.sub(r"\s+", " ", t)
    if "*" in t or "[" in t or "(" in t:
        return "s" if re.sub(r"[\s*\[\]\d]", "", t) == "char" else "p"
    if t.startswith("enum "):
        return "i"
    return _INT_KINDS.get(t, "?")


def render_stubs(model):
    """Stand-ins for every public function: the probes call library functions
    through macros, and these record the calls instead of needing a library.
    The file includes no libevent header; on x86-64 every integer or pointer
    argument arrives in a register or an 8-byte stack slot, so `long`
    parameters read them all."""
    lines = ["/* Generated stand-ins for the public libevent functions. */",
             "void probe_stub_call(const char *name, const char *kinds, ...);"]
    for idx, fn in enumerate(sorted(model.functions, key=lambda f: f["name"])):
        kinds = "".join(_param_kind(p[2]) for p in fn["params"])
        params = ", ".join("long a%d" % i for i in range(len(kinds))) or "void"
        if fn["variadic"]:
            params += ", ..."
        args = "".join(", a%d" % i for i in range(len(kinds)))
        lines.append('long %s(%s) { probe_stub_call("%s", "%s"%s); '
                     "return 0x7000L + 16L * %d; }"
                     % (fn["name"], params, fn["name"], kinds, args, idx))
    lines.append("")
    return "\n".join(lines)


def write_all(model, outdir):
    """Writes every generated probe source (unfiltered) for inspection."""
    import os
    from abi_common import HEADERS
    items = build_items(model)
    os.makedirs(outdir, exist_ok=True)
    def put(name, text):
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
    put("stubs.c", render_stubs(model))
    put("values.c", render_c(HEADERS, [i for i in items if i.lang == "c"])[0])
    put("text.c", render_text(HEADERS, [i for i in items if i.lang == "text"]))
    for h in HEADERS:
        put("types_%s.cpp" % re.sub(r"\W", "_", h), render_cxx(
            h, model.preludes.get(h, []),
            [i for i in items if i.lang == "cxx" and i.header == h])[0])
    return items


if __name__ == "__main__":
    import sys
    import abi_reference
    if len(sys.argv) != 2:
        sys.exit("usage: gen_probes.py OUTDIR   (writes the probe sources; "
                 "abi_conformance.py builds and compares them)")
    import os
    os.makedirs(sys.argv[1], exist_ok=True)
    n = write_all(abi_reference.load(sys.argv[1]), sys.argv[1])
    print("gen_probes: %d items written to %s" % (len(n), sys.argv[1]))
