"""Compiles and runs the generated probes for one side ("ref" or "ours").

Compile errors are attributed to items through the probe's line map (or the
item function named in a linker error); the failing items are removed and the
probe rebuilt, so one bad declaration never hides the others.
"""
import os
import re

import gen_probes
from abi_common import diagnostics, run

_MAX_ROUNDS = 40
_LINK_ERROR = re.compile(r"in function [`'‘]probe_item_(\d+)['’]:?\s*\n(?:.*?: )?(.*)")


class BuildResult:
    def __init__(self):
        self.failed = {}        # item id -> first error message
        self.fatal = None       # error that could not be tied to an item
        self.broken = {}        # header -> error that stops it compiling at all
        self.output = {}        # item id -> [(what, value)] (c items)
        self.text = {}          # item id -> token text (text items)
        self.closure = None     # header names made available (cxx probe)


def _attribute(stderr, src, owner):
    """Returns ({item id: message}, [(path, message)] of unattributed errors)."""
    per_item, unowned = {}, []
    name = os.path.basename(src)
    for sev, msg, locs in diagnostics(stderr):
        if sev not in ("error", "fatal error"):
            continue
        iid = None
        for path, line in locs:
            if os.path.basename(path) == name and line in owner:
                iid = owner[line]
                break
        if isinstance(iid, str):   # an #include line of the probe
            unowned.append((iid, "%s:%d: %s" % (locs[0][0], locs[0][1], msg)))
        elif iid is None:
            unowned.append((locs[0][0], "%s:%d: %s" % (locs[0][0], locs[0][1], msg)))
        else:
            per_item.setdefault(iid, msg)
    for m in _LINK_ERROR.finditer(stderr):
        per_item.setdefault(int(m.group(1)), m.group(2).strip())
    if not per_item and not unowned and stderr.strip():
        unowned.append(("", stderr.strip().splitlines()[-1]))
    return per_item, unowned


def _parse_output(stdout, result):
    result.output = {}
    for line in stdout.splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[0].isdigit():
            result.output.setdefault(int(parts[0]), []).append((parts[1], parts[2]))


class SideBuilder:
    def __init__(self, toolchain, side, workdir, objects, abi_dir):
        self.tc = toolchain
        self.side = side
        self.workdir = workdir
        self.objects = objects
        self.abi_dir = abi_dir

    def _stem(self, name):
        return os.path.join(self.workdir, "%s_%s" % (self.side, re.sub(r"\W", "_", name)))

    def _rounds(self, headers, items, render, command, src, result):
        """Builds a probe, dropping failing items and headers that do not
        compile at all; returns the items that built, or None."""
        headers, active = list(headers), list(items)
        for _ in range(_MAX_ROUNDS):
            text, owner = render(headers, active)
            with open(src, "w") as f:
                f.write(text)
            rc, out, err = run(command)
            if rc == 0:
                return active
            bad, unowned = _attribute(out + err, src, owner)
            result.failed.update(bad)
            gone = set()
            for path, msg in unowned:
                h = path if path in headers else self.tc.header_name(self.side, path)
                if h and h in headers and not bad:
                    result.broken.setdefault(h, msg)
                    gone.add(h)
            if not bad and not gone:
                result.fatal = unowned[0][1] if unowned else "compiler failed"
                return None
            headers = [h for h in headers if h not in gone]
            if not headers:
                result.fatal = unowned[0][1]
                return None
            active = [it for it in active if it.id not in bad and it.header not in gone]
        result.fatal = "probe still fails after %d rounds" % _MAX_ROUNDS
        return None

    def build_values(self, headers, items, result):
        """One C program for all headers: layouts, constants, macro behaviour."""
        stem = self._stem("values")
        src, exe = stem + ".c", stem
        cmd = ([self.tc.cc, "-std=gnu11", "-O0", "-fdiagnostics-plain-output",
                "-Werror=implicit-function-declaration", "-iquote", self.abi_dir]
               + self.tc.include_flags(self.side, "c")
               + [src] + self.objects + ["-rdynamic", "-o", exe])
        if self._rounds(headers, items, gen_probes.render_c, cmd, src, result) is None:
            return
        rc, out, err = run([exe], timeout=120)
        if rc != 0:
            # Something crashed: rerun with every macro evaluation in a child.
            rc, out, err = run([exe, "guard"], timeout=300)
        _parse_output(out, result)
        if rc != 0:
            result.fatal = "probe exited with status %d: %s" % (rc, err.strip()[-300:])

    def build_text(self, headers, items, result):
        src = self._stem("text") + ".c"
        with open(src, "w") as f:
            f.write(gen_probes.render_text(headers, items))
        rc, out, err = run([self.tc.cc, "-E", "-P"] + self.tc.include_flags(self.side, "c")
                           + [src])
        if rc != 0:
            result.fatal = result.fatal or "preprocessing failed: " + err.strip()[:300]
            return
        result.text = gen_probes.parse_text(out)

    def build_cxx(self, header, prelude, items, result):
        """Per header (it must make its own declarations visible): prototypes,
        typedefs, field types, macros defined; also lists its include closure."""
        stem = self._stem(header)
        src, deps = stem + "_types.cpp", stem + "_types.d"
        cmd = ([self.tc.cxx, "-std=gnu++17", "-fsyntax-only", "-fdiagnostics-plain-output",
                "-MD", "-MF", deps] + self.tc.include_flags(self.side, "c++") + [src])
        render = lambda hs, its: gen_probes.render_cxx(header, prelude, its)
        if self._rounds([header], items, render, cmd, src, result) is not None:
            result.closure = self._closure(deps)

    def _closure(self, deps):
        try:
            with open(deps) as f:
                text = f.read()
        except OSError:
            return None
        roots = self.tc.search_roots(self.side, "c++")
        names = set()
        for p in text.replace("\\\n", " ").split(":", 1)[1].split()[1:]:
            p = os.path.normpath(p)
            for r in roots:
                if p.startswith(r + "/"):
                    names.add(p[len(r) + 1:])
                    break
        return names


def compile_objects(toolchain, workdir, abi_dir, stubs_source):
    """Builds the side-independent objects linked into every value probe."""
    stubs = os.path.join(workdir, "stubs.c")
    with open(stubs, "w") as f:
        f.write(stubs_source)
    objs = []
    for src in (os.path.join(abi_dir, "probe_runtime.c"),
                os.path.join(abi_dir, "probe_harness.c"), stubs):
        obj = os.path.join(workdir, os.path.basename(src)[:-2] + ".o")
        rc, out, err = run([toolchain.cc, "-std=gnu11", "-O0", "-w", "-c",
                            "-iquote", abi_dir, src, "-o", obj])
        if rc != 0:
            raise RuntimeError("cannot compile %s:\n%s" % (src, err))
        objs.append(obj)
    return objs
