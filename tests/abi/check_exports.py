#!/usr/bin/env python3
"""Checks what our shared libraries export and depend on.

For each library (core, extra, event, pthreads, openssl):
  - exported public functions must belong to that library according to the
    symbol lists in symbols/ (libevent = core + extra); coverage is printed,
    missing functions are listed but are not a failure;
  - nothing else may be exported except the shared-internal `evpriv_*`
    names: no C++ (mangled `_Z...`) names, no helpers;
  - libevent must export exactly what core and extra export together;
  - SONAME and NEEDED entries equal the reference's (no libstdc++, libgcc_s,
    libm), and there is no symbol versioning (the reference has none).
Exit status: 0 conforming, 1 failures.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIBS = ["core", "extra", "event", "pthreads", "openssl"]
SONAME = {"core": "libevent_core-2.1.so.7", "extra": "libevent_extra-2.1.so.7",
          "event": "libevent-2.1.so.7", "pthreads": "libevent_pthreads-2.1.so.7",
          "openssl": "libevent_openssl-2.1.so.7"}
# The reference's NEEDED lists (readelf -d on Debian's libevent 2.1.12).
NEEDED = {"core": {"libc.so.6"}, "event": {"libc.so.6"},
          "extra": {"libevent_core-2.1.so.7", "libc.so.6"},
          "pthreads": {"libevent_core-2.1.so.7", "libc.so.6"},
          "openssl": {"libevent_core-2.1.so.7", "libssl.so.3", "libcrypto.so.3",
                      "libc.so.6"}}
PRIVATE_PREFIX = "evpriv_"
# Functions the reference's libevent_extra exports although 2.1.12's headers
# no longer declare them (programs built against older headers call them).
UNDECLARED_EXTRA = {"evtag_decode_int", "evtag_decode_int64", "evtag_decode_tag",
                    "evtag_encode_tag"}
# libevent's log functions, exported by the reference's libevent_core but
# declared only in its private headers (code from libevent's rpcgen calls them).
UNDECLARED_CORE = {"event_warn", "event_warnx", "event_err", "event_errx", "event_msgx",
                   "event_sock_warn", "event_sock_err"}
# Symbols the linker itself may define in a shared object's dynamic table.
LINKER_DEFINED = {"_init", "_fini", "__bss_start", "_edata", "_end"}


def load_lists(symbols_dir):
    lists = {}
    for lib in ("core", "extra", "pthreads", "openssl"):
        with open(os.path.join(symbols_dir, "libevent_%s.symbols" % lib)) as f:
            lists[lib] = {line.strip() for line in f if line.strip()}
    lists["extra"] |= UNDECLARED_EXTRA
    lists["core"] |= UNDECLARED_CORE
    lists["event"] = lists["core"] | lists["extra"]
    return lists


def exported(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True,
                         text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            names.add(re.sub(r"@.*$", "", parts[2]))
    return names - LINKER_DEFINED


def dynamic_section(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True,
                         check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", out))
    soname = re.findall(r"\(SONAME\)\s+Library soname: \[(.*?)\]", out)
    return needed, (soname[0] if soname else None), "(VERDEF)" in out


class Report:
    def __init__(self):
        self.failures = []

    def fail(self, lib, msg):
        self.failures.append("FAIL %s: %s" % (lib, msg))
        print(self.failures[-1])


def _names(names, limit=40):
    names = sorted(names)
    more = " ... (+%d)" % (len(names) - limit) if len(names) > limit else ""
    return " ".join(names[:limit]) + more


def check_library(lib, path, lists, rep):
    """Returns the set of public functions the library exports."""
    if path is None:
        print("%s: not built, not checked" % lib)
        return set()
    if not os.path.exists(path):
        rep.fail(lib, "library not found: %s" % path)
        return set()
    names = exported(path)
    all_public = set().union(*(lists[k] for k in ("core", "extra", "pthreads", "openssl")))
    mine = lists[lib]
    public = names & mine
    wrong = (names & all_public) - mine
    mangled = {n for n in names if n.startswith("_Z")}
    private = {n for n in names if n.startswith(PRIVATE_PREFIX)}
    unlisted = names - all_public - mangled - private
    if wrong:
        rep.fail(lib, "exports %d public function(s) of another library: %s"
                 % (len(wrong), _names(wrong)))
    if mangled:
        rep.fail(lib, "exports %d C++ symbol(s): %s" % (len(mangled), _names(mangled)))
    if unlisted:
        rep.fail(lib, "exports %d non-public symbol(s) (only %s* may be shared): %s"
                 % (len(unlisted), PRIVATE_PREFIX, _names(unlisted)))
    needed, soname, versioned = dynamic_section(path)
    if soname != SONAME[lib]:
        rep.fail(lib, "SONAME is %s, expected %s" % (soname, SONAME[lib]))
    if needed != NEEDED[lib]:
        rep.fail(lib, "NEEDED is {%s}, expected {%s}" % (
            ", ".join(sorted(needed)), ", ".join(sorted(NEEDED[lib]))))
    if versioned:
        rep.fail(lib, "defines symbol versions; the reference exports unversioned symbols")
    missing = mine - public
    print("%s: exports %d of %d public functions (%s)" % (lib, len(public), len(mine), path))
    if missing:
        print("  missing: " + _names(missing, limit=len(missing)))
    return public


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for lib in LIBS:
        ap.add_argument("--" + lib, metavar="PATH", help="the built lib%s shared library"
                        % ("event" if lib == "event" else "event_" + lib))
    ap.add_argument("--symbols", default=os.path.join(HERE, "symbols"))
    args = ap.parse_args()
    lists = load_lists(args.symbols)
    rep = Report()
    public = {lib: check_library(lib, getattr(args, lib), lists, rep) for lib in LIBS}
    combined = public["core"] | public["extra"]
    if args.event and args.core and args.extra and public["event"] != combined:
        extra_in_event = public["event"] - combined
        lacking = combined - public["event"]
        if extra_in_event:
            rep.fail("event", "exports public functions that core/extra do not: "
                     + _names(extra_in_event))
        if lacking:
            rep.fail("event", "lacks public functions that core/extra export: "
                     + _names(lacking))
    total = sum(len(lists[k]) for k in ("core", "extra", "pthreads", "openssl"))
    covered = sum(len(public[k]) for k in ("core", "extra", "pthreads", "openssl"))
    print("abi-exports: exported %d of %d public symbols, %d failures"
          % (covered, total, len(rep.failures)))
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
