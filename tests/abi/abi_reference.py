"""Reads the public interface of the reference headers.

Declarations come from clang's JSON AST of one translation unit that includes
every reference header; macros come from `gcc -E -dD`, whose line markers say
which header defined each macro.  Everything is attributed to the header that
declares it, so a probe can name the header an item belongs to.
"""
import concurrent.futures
import json
import os
import re

from abi_common import HEADERS, REF_ROOT, run, fail_exit

# Headers that do not compile on their own in the reference either; the probe
# of such a header includes these first (for both sides).
_PRELUDE_CANDIDATES = ["event2/event.h", "event2/buffer.h", "event2/bufferevent.h",
                       "event2/dns.h", "event2/http.h", "event2/rpc.h",
                       "event2/tag.h"]


class Field:
    def __init__(self, path, qualtype, bitfield):
        self.path = path            # "a.b" member designator
        self.qualtype = qualtype    # spelled type, "" for unnamed aggregates
        self.bitfield = bitfield


class Model:
    def __init__(self):
        self.functions = []   # dicts: name, header, qualtype, params, variadic
        self.records = []     # dicts: tag, name, header, fields
        self.typedefs = []    # dicts: name, header, qualtype
        self.enums = []       # dicts: name, header, constants
        self.macros = []      # dicts: name, header, funclike, params, body
        self.preludes = {}    # header -> list of headers to include before it


def header_of(path):
    """Maps an absolute reference path to a public header name, or None."""
    if not path:
        return None
    path = os.path.normpath(path)
    if not path.startswith(REF_ROOT + "/"):
        return None
    rel = path[len(REF_ROOT) + 1:]
    return rel if rel in HEADERS else None


class _LocTracker:
    """clang's JSON omits "file" when it did not change: replay the stream."""

    def __init__(self):
        self.current = None

    def feed(self, node):
        if isinstance(node, dict):
            if "offset" in node and "file" in node:
                self.current = node["file"]
            for value in node.values():
                self.feed(value)
        elif isinstance(node, list):
            for value in node:
                self.feed(value)


def _canonical(t):
    return t.get("desugaredQualType", t.get("qualType", ""))


def _fields(record, prefix, out):
    """Flattens a record's fields; unnamed aggregates become designator paths."""
    last_nested = None
    for node in record.get("inner", []):
        kind = node.get("kind")
        if kind == "RecordDecl" and node.get("completeDefinition"):
            last_nested = node
        elif kind == "FieldDecl":
            name = node.get("name")
            qt = node["type"].get("qualType", "")
            unnamed = "(unnamed" in qt or "(anonymous" in qt
            path = prefix + name if name else prefix.rstrip(".")
            if name:
                out.append(Field(path, "" if unnamed else qt,
                                 bool(node.get("isBitfield"))))
            if unnamed and last_nested is not None:
                _fields(last_nested, (path + ".") if name else prefix, out)


def _ast(ref_tu):
    rc, out, err = run(["clang", "-Xclang", "-ast-dump=json", "-fsyntax-only",
                        "-x", "c", ref_tu])
    if rc != 0:
        fail_exit("clang could not parse the reference headers:\n" + err[-2000:])
    return json.loads(out)


def _read_declarations(model, tu_json):
    tracker = _LocTracker()
    complete = {}
    for node in tu_json.get("inner", []):
        tracker.feed(node.get("loc", {}))
        header = header_of(tracker.current)
        tracker.feed({k: v for k, v in node.items() if k != "loc"})
        if header is None or node.get("isImplicit"):
            continue
        kind, name = node.get("kind"), node.get("name")
        if kind == "FunctionDecl":
            params = [(p.get("name", ""), p["type"].get("qualType", ""),
                       _canonical(p["type"]))
                      for p in node.get("inner", []) if p["kind"] == "ParmVarDecl"]
            model.functions.append({
                "name": name, "header": header, "qualtype": node["type"]["qualType"],
                "params": params, "variadic": node["type"]["qualType"].endswith("...)"),
                "static": node.get("storageClass") == "static"})
        elif kind == "RecordDecl" and node.get("completeDefinition") and name:
            fields = []
            _fields(node, "", fields)
            complete[(node["tagUsed"], name)] = {
                "tag": node["tagUsed"], "name": name, "header": header,
                "fields": fields}
        elif kind == "TypedefDecl":
            model.typedefs.append({"name": name, "header": header,
                                   "qualtype": node["type"]["qualType"]})
        elif kind == "EnumDecl":
            consts = [c["name"] for c in node.get("inner", [])
                      if c["kind"] == "EnumConstantDecl"]
            model.enums.append({"name": name, "header": header, "constants": consts})
    model.records = list(complete.values())


_LINEMARK = re.compile(r'^# \d+ "([^"]*)"')
_DEFINE = re.compile(r"^#define (\w+)(\(([^)]*)\))?(?: (.*))?$")


def _read_macros(model, ref_tu):
    rc, out, err = run(["gcc", "-E", "-dD", "-x", "c", ref_tu])
    if rc != 0:
        fail_exit("gcc -E failed on the reference headers:\n" + err[-2000:])
    current, defined = None, {}
    for line in out.splitlines():
        m = _LINEMARK.match(line)
        if m:
            current = m.group(1)
            continue
        m = _DEFINE.match(line)
        if m:
            defined[m.group(1)] = (current, m)
        elif line.startswith("#undef "):
            defined.pop(line.split()[1], None)
    for name, (path, m) in defined.items():
        header = header_of(path)
        if header is None:
            continue
        params = [p.strip() for p in (m.group(3) or "").split(",") if p.strip()]
        model.macros.append({"name": name, "header": header,
                             "funclike": m.group(2) is not None,
                             "params": params, "body": (m.group(4) or "").strip()})


def _standalone_ok(workdir, includes):
    src = os.path.join(workdir, "prelude_%s.c" % "_".join(
        re.sub(r"\W", "_", h) for h in includes)[:200])
    with open(src, "w") as f:
        f.write("".join("#include <%s>\n" % h for h in includes))
        f.write("typedef int probe_nonempty_unit;\n")
    return run(["gcc", "-std=gnu11", "-fsyntax-only", src])[0] == 0


def prelude_for(header, workdir):
    if _standalone_ok(workdir, [header]):
        return []
    base = re.sub(r"_(compat|struct)\.h$", ".h", header)
    for pre in [[base]] + [[c] for c in _PRELUDE_CANDIDATES]:
        if pre != [header] and _standalone_ok(workdir, pre + [header]):
            return pre
    return list(_PRELUDE_CANDIDATES)


def load(workdir):
    """Builds the Model of the reference interface."""
    ref_tu = os.path.join(workdir, "reference_all.c")
    with open(ref_tu, "w") as f:
        f.write("".join("#include <%s>\n" % h for h in HEADERS))
    model = Model()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ast = pool.submit(_ast, ref_tu)
        preludes = {h: pool.submit(prelude_for, h, workdir) for h in HEADERS}
        _read_macros(model, ref_tu)
        _read_declarations(model, ast.result())
        model.preludes = {h: f.result() for h, f in preludes.items()}
    return model


if __name__ == "__main__":
    import sys
    import tempfile
    m = load(tempfile.mkdtemp(prefix="abi-ref-"))
    print("functions %d records %d typedefs %d enums %d macros %d" % (
        len(m.functions), len(m.records), len(m.typedefs), len(m.enums),
        len(m.macros)))
    if "-v" in sys.argv:
        for h, p in m.preludes.items():
            if p:
                print("prelude", h, p)
        for r in m.records:
            print(r["tag"], r["name"], r["header"],
                  [(f.path, f.qualtype, f.bitfield) for f in r["fields"]])
