#!/usr/bin/env python3
"""Header hygiene: each of our public headers compiles on its own (and when
included twice) as C89, C99, C11 and C++17 with -Wall -Wextra -pedantic
-Werror (and -Wstrict-prototypes in C).  Where the reference header itself is not clean in a mode (for
example `long long` in C89) or needs another header first, ours may do the
same, but must not add new kinds of warnings.  Exit status: 0 clean,
1 failures, 77 skipped.
"""
import argparse
import concurrent.futures
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from abi_common import HEADERS, SKIP_RC, Toolchain, ensure_reference, log, run  # noqa: E402
from abi_reference import prelude_for  # noqa: E402

ABI_DIR = os.path.dirname(os.path.abspath(__file__))
# -Wstrict-prototypes: `int f();` in a C header takes any arguments silently.
MODES = [("c89", "c", ["-std=c89", "-Wstrict-prototypes"]),
         ("c99", "c", ["-std=c99", "-Wstrict-prototypes"]),
         ("c11", "c", ["-std=c11", "-Wstrict-prototypes"]),
         ("c++17", "c++", ["-std=c++17"])]
WARN = ["-Wall", "-Wextra", "-pedantic"]
_KIND = re.compile(r"\[(-W[\w=-]+)\]")


class Checker:
    def __init__(self, tc, work):
        self.tc = tc
        self.work = work
        self._preludes = {}

    def prelude(self, header):
        if header not in self._preludes:
            self._preludes[header] = prelude_for(header, self.work)
        return self._preludes[header]

    def compile(self, side, header, mode, prelude, werror):
        name, lang, std = mode
        src = os.path.join(self.work, "%s_%s_%s.%s" % (
            side, re.sub(r"\W", "_", header), re.sub(r"\W", "_", name),
            "cpp" if lang == "c++" else "c"))
        with open(src, "w") as f:
            for h in prelude + [header, header]:
                f.write("#include <%s>\n" % h)
            f.write("typedef int hygiene_nonempty_unit;\n")
        compiler = self.tc.cxx if lang == "c++" else self.tc.cc
        cmd = ([compiler, "-fsyntax-only", "-fdiagnostics-plain-output"] + std + WARN
               + (["-Werror"] if werror else []) + self.tc.include_flags(side, lang) + [src])
        rc, out, err = run(cmd)
        return rc == 0, err

    @staticmethod
    def kinds(err):
        found = set(_KIND.findall(err))
        if " error: " in err and not found:
            found.add("error")
        return found

    def check(self, header, mode):
        """Returns None when acceptable, else a failure message."""
        ok, err = self.compile("ours", header, mode, [], True)
        if ok:
            return None
        prelude = self.prelude(header)
        if prelude:
            ok, err = self.compile("ours", header, mode, prelude, True)
            if ok:
                return None
        ref_ok, _ = self.compile("ref", header, mode, prelude, True)
        if ref_ok:
            return "not clean: " + _first_problem(err)
        # The reference is not clean either: allow only its kinds of warnings.
        _, ours_err = self.compile("ours", header, mode, prelude, False)
        _, ref_err = self.compile("ref", header, mode, prelude, False)
        extra = self.kinds(ours_err) - self.kinds(ref_err)
        if extra:
            return "warnings the reference does not have (%s): %s" % (
                ", ".join(sorted(extra)), _first_problem(ours_err))
        return None


def _first_problem(err):
    for line in err.splitlines():
        if " error: " in line or " warning: " in line:
            return line.strip()
    return err.strip().splitlines()[-1] if err.strip() else "(no message)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--include", default=os.path.join(ABI_DIR, "..", "..", "include"))
    ap.add_argument("--work")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    reason = ensure_reference(tools=("gcc", "g++"))
    if reason:
        log("abi-headers: SKIPPED: " + reason)
        return SKIP_RC
    work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="abi-headers-"))
    os.makedirs(work, exist_ok=True)
    tc = Toolchain(args.include, work)
    checker = Checker(tc, work)
    failures = checks = 0
    present = [h for h in HEADERS if tc.ours_has(h)]
    for h in HEADERS:
        if h not in present:
            failures += 1
            log("FAIL %s: missing header" % h)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [((h, m[0]), pool.submit(checker.check, h, m)) for h in present for m in MODES]
        for (h, mode), fut in futures:
            checks += 1
            msg = fut.result()
            if msg:
                failures += 1
                log("FAIL %s [%s]: %s" % (h, mode, msg))
    log("abi-headers: %d header/mode checks, %d failures" % (checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
