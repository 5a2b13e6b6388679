#!/usr/bin/env python3
"""Runs libevent 2.1.12's own regression programs, one test per process.

    run.py --bin DIR (--libdir DIR | --reference) [--config NAME] [--expected FILE]

--bin      the programs built by build-reference.sh (regress, test-*, the shim)
--libdir   our build's library directory: every test runs with LD_LIBRARY_PATH
           set to it and our shim preloaded; the loader's own log
           (LD_DEBUG=libs) must show that each libevent*-2.1.so.7 came from it
--reference  run on the installed reference libraries instead (no shim);
           the loader's log must show them
--config   the backend configuration the suite selects by environment:
           epoll (default), poll, select, changelist, precise, debug
           (EVENT_DEBUG_MODE=1), io_uring (ours only: EVENT_IOURING=1)
--expected the expectation list (expected.txt); without it every test that
           the reference would run is expected to pass

Prints one line per test and `N passed, M failed, K excluded`; exits 1 on
any unexpected failure.  A failing test is retried once (several tests
measure time and the machine is shared); a pass on the retry is counted as a
pass and listed.  A test in the known-failing list that passes is reported,
not failed.  The whole run happens in a private network namespace
(`unshare -n`, with `-r` when not root) with only loopback, so nothing can
reach the machine's nameserver.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# What event_base_get_method() says under each configuration (libevent 2.1.12).
METHODS = {"epoll": "epoll", "poll": "poll", "select": "select",
           "changelist": "epoll (with changelist)", "precise": "epoll", "debug": "epoll",
           "io_uring": "io_uring"}
CONFIGS = {
    "epoll": {},
    "poll": {"EVENT_NOEPOLL": "1"},
    "select": {"EVENT_NOEPOLL": "1", "EVENT_NOPOLL": "1"},
    "changelist": {"EVENT_EPOLL_USE_CHANGELIST": "1"},
    "precise": {"EVENT_PRECISE_TIMER": "1"},
    # libevent's test.sh also runs the suite in debug mode ("regress_debug").
    "debug": {"EVENT_DEBUG_MODE": "1"},
    # Ours only: the opt-in io_uring backend (the reference ignores the variable).
    "io_uring": {"EVENT_IOURING": "1"},
}
# Every EVENT_* variable the suite reads; cleared before a configuration's own.
ENV_CLEAR = ["EVENT_NOEPOLL", "EVENT_NOPOLL", "EVENT_NOSELECT", "EVENT_NOKQUEUE",
             "EVENT_NODEVPOLL", "EVENT_NOEVPORT", "EVENT_NOWIN32",
             "EVENT_EPOLL_USE_CHANGELIST", "EVENT_PRECISE_TIMER", "EVENT_IOURING", "EVENT_NOIO_URING", "EVENT_DEBUG_MODE",
             "EVENT_NO_DEBUG_LOCKS", "EVENT_DEBUG_LOGGING_ALL", "EVENT_SHOW_METHOD",
             "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_BIND_NOW"]

# The stand-alone programs and how to run them (argument lists; a "|" entry
# feeds the program's standard output to the checker that follows), and the
# configurations to run them in (None: all).  The test-ratelim runs are the
# four libevent's own CMake build registers (5 s each), on epoll and select.
RATELIM_CONFIGS = ("epoll", "select")
PROGRAMS = {
    # Not a libevent test: the backend the configuration selected, as
    # event_base_get_method() names it (EVENT_SHOW_METHOD logs it).
    "backend-method": (["test-init"], None),
    "test-init": (["test-init"], None),
    "test-eof": (["test-eof"], None),
    "test-closed": (["test-closed"], None),
    "test-weof": (["test-weof"], None),
    "test-time": (["test-time"], None),
    "test-changelist": (["test-changelist"], None),
    "test-fdleak": (["test-fdleak"], None),
    "test-dumpevents": (["test-dumpevents", "|", "python3", "check-dumpevents.py"], None),
    "test-ratelim__group_lim": (["test-ratelim", "-g", "30000", "-n", "30", "-t", "100",
                                 "--check-grouplimit", "1000", "--check-stddev", "100"],
                                RATELIM_CONFIGS),
    "test-ratelim__con_lim": (["test-ratelim", "-c", "1000", "-n", "30", "-t", "100",
                               "--check-connlimit", "50", "--check-stddev", "50"],
                              RATELIM_CONFIGS),
    "test-ratelim__group_con_lim": (["test-ratelim", "-c", "1000", "-g", "30000", "-n", "30",
                                     "-t", "100", "--check-grouplimit", "1000",
                                     "--check-connlimit", "50", "--check-stddev", "50"],
                                    RATELIM_CONFIGS),
    "test-ratelim__group_con_lim_drain": (["test-ratelim", "-c", "1000", "-g", "35000", "-n",
                                           "30", "-t", "100", "-G", "500",
                                           "--check-grouplimit", "1000", "--check-connlimit",
                                           "50", "--check-stddev", "50"],
                                          RATELIM_CONFIGS),
}


def parse_expected(path, config):
    """Returns {test-or-prefix: (kind, reason)}; kind is exclude, known or
    module (excluded while its group is off). Entries may be limited to
    configurations with `name@cfg1,cfg2`."""
    entries = {}
    if not path:
        return entries
    section = None
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
            if not line.strip():
                continue
            m = re.match(r"^\[(\w[\w-]*)(?:\s+(\S+))?(?:\s+(on|off))?\]\s*(.*)$", line.strip())
            if m:
                kind, name, state, why = m.groups()
                if kind == "module":
                    section = ("module" if state == "off" else "on",
                               "module %s not built yet" % name)
                elif kind in ("exclude", "known", "skip"):
                    section = (kind, why)
                else:
                    sys.exit("%s:%d: unknown section %s" % (path, lineno, kind))
                continue
            if section is None:
                sys.exit("%s:%d: entry before any section" % (path, lineno))
            parts = line.split(None, 1)
            name = parts[0]
            reason = parts[1].strip() if len(parts) > 1 else ""
            if "@" in name:
                name, only = name.split("@", 1)
                if config not in only.split(","):
                    continue
            kind, default_reason = section
            if kind == "on":
                continue
            entries[name] = (kind, reason or default_reason)
    return entries


def lookup(entries, test):
    if test in entries:
        return entries[test]
    best = None
    for key, val in entries.items():
        if key.endswith("..") and test.startswith(key[:-2]):
            if best is None or len(key) > len(best[0]):
                best = (key, val)
    return best[1] if best else None


def list_tests(bindir):
    out = subprocess.run([os.path.join(bindir, "regress"), "--list-tests"],
                         capture_output=True, text=True, check=True).stdout
    tests = []
    started = False
    for line in out.splitlines():
        if line.startswith("Known tests"):
            started = True
            continue
        if started and line.strip():
            name = line.split()[0]
            if "(Off by default)" not in line:
                tests.append(name)
    return tests


def loaded_libevent(logdir):
    """Paths of every libevent* object the loader mapped (from LD_DEBUG=libs)."""
    paths = set()
    for fn in os.listdir(logdir):
        with open(os.path.join(logdir, fn), errors="replace") as f:
            for line in f:
                m = re.search(r"calling init: (\S*/lib(?:event|conformance)\S*)", line)
                if m:
                    paths.add(m.group(1))
    return paths


class Runner:
    def __init__(self, args):
        self.args = args
        self.bindir = os.path.abspath(args.bin)
        env = {k: v for k, v in os.environ.items() if k not in ENV_CLEAR}
        env.update(CONFIGS[args.config])
        if args.reference:
            self.libdir = os.path.dirname(os.path.realpath(
                subprocess.run(["sh", "-c", "ldconfig -p | awk '/libevent_core-2\\.1\\.so\\.7 / {print $NF; exit}'"],
                               capture_output=True, text=True).stdout.strip()))
        else:
            self.libdir = os.path.realpath(args.libdir)
            env["LD_LIBRARY_PATH"] = self.libdir
            env["LD_PRELOAD"] = os.path.join(self.bindir, "libconformance_shim.so")
        env["LD_DEBUG"] = "libs"
        self.env = env

    def check_loader(self, logdir):
        """Empty string when every libevent library came from self.libdir."""
        paths = loaded_libevent(logdir)
        libs = [p for p in paths if "/libevent" in p]
        if not libs:
            return "loader log shows no libevent library"
        wrong = [p for p in libs
                 if os.path.dirname(os.path.realpath(p)) != self.libdir]
        if wrong:
            return "loaded from the wrong place: " + " ".join(sorted(wrong))
        if not self.args.reference and not any("libconformance_shim" in p for p in paths):
            return "shim not preloaded"
        return ""

    def run_once(self, name, argv, timeout):
        logdir = tempfile.mkdtemp(prefix="ld.")
        env = dict(self.env, LD_DEBUG_OUTPUT=os.path.join(logdir, "ld"))
        start = time.monotonic()
        checker = None
        if "|" in argv:  # the checker runs without the test environment
            i = argv.index("|")
            argv, checker = argv[:i], argv[i + 1:]
        p = subprocess.Popen(argv, cwd=self.bindir, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE if checker else subprocess.STDOUT,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            rc = "timeout"
        if checker:
            if rc == 0:
                c = subprocess.run(checker, cwd=self.bindir, input=out, capture_output=True,
                                   timeout=timeout)
                rc = c.returncode
                out = c.stdout + c.stderr
            else:
                out = out + err
        elapsed = time.monotonic() - start
        out = out.decode(errors="replace")
        loader = self.check_loader(logdir)
        shutil.rmtree(logdir, ignore_errors=True)
        if loader:
            return "error", out + "\n" + loader, elapsed
        if rc == "timeout":
            return "fail", out + "\n(timed out after %ds)" % timeout, elapsed
        if argv[0] == "./regress":
            if rc == 0 and re.search(r"\bSKIPPED\b", out):
                return "skip", out, elapsed
            if rc == 0 and re.search(r"\bOK\b", out):
                return "pass", out, elapsed
            return "fail", out, elapsed
        return ("pass" if rc == 0 else "fail"), out, elapsed

    def check_method(self, name, argv, timeout):
        saved = self.env
        self.env = dict(saved, EVENT_SHOW_METHOD="1")
        try:
            status, out, t = self.run_once(name, argv, timeout)
        finally:
            self.env = saved
        want = "libevent using: %s" % METHODS[self.args.config]
        if status == "pass" and not any(line.rstrip().endswith(want)
                                        for line in out.splitlines()):
            status, out = "fail", out + "\nexpected the log line `%s`" % want
        return name, status, False, out, t

    def run(self, item):
        name, known = item
        if name in PROGRAMS:
            prog = PROGRAMS[name][0]
            argv = ["./" + prog[0]] + prog[1:]
        else:
            argv = ["./regress", name]
        # A known failure is not retried, and may fail by hanging: a short
        # timeout (on the reference these tests take well under a second).
        timeout = min(self.args.timeout, 5) if known else self.args.timeout
        if name == "backend-method":
            return self.check_method(name, argv, timeout)
        status, out, t = self.run_once(name, argv, timeout)
        retried = False
        if status == "fail" and not known and not self.args.no_retry:
            retried = True
            status, out2, t2 = self.run_once(name, argv, self.args.timeout)
            out = out + "\n--- retry ---\n" + out2
            t += t2
        return name, status, retried, out, t


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--libdir")
    g.add_argument("--reference", action="store_true")
    ap.add_argument("--config", default="epoll", choices=sorted(CONFIGS))
    ap.add_argument("--expected")
    ap.add_argument("--only", help="regex: run only matching tests")
    ap.add_argument("--run-excluded", action="store_true",
                    help="run the excluded tests too (results shown, not counted)")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=30)
    ap.add_argument("--no-retry", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="print the output of failures")
    ap.add_argument("--results", help="write `test status` lines to this file")
    args = ap.parse_args()

    # A private network namespace: loopback only.
    if os.environ.get("CONFORMANCE_NETNS") != "1" and shutil.which("unshare"):
        env = dict(os.environ, CONFORMANCE_NETNS="1")
        cmd = "ip link set lo up && exec \"$0\" \"$@\""
        # root needs no user namespace (some containers forbid them)
        flags = "-n" if os.geteuid() == 0 else "-rn"
        os.execvpe("unshare", ["unshare", flags, "sh", "-c", cmd, sys.executable,
                               os.path.abspath(__file__)] + sys.argv[1:], env)
    if os.environ.get("CONFORMANCE_NETNS") != "1":
        sys.exit("conformance: needs unshare(1) for a private network namespace")

    entries = parse_expected(args.expected, args.config)
    tests = [p for p, (_, only) in PROGRAMS.items() if only is None or args.config in only]
    tests += list_tests(args.bin)
    if args.only:
        tests = [t for t in tests if re.search(args.only, t)]
    runner = Runner(args)
    where = "the reference" if args.reference else runner.libdir
    print("conformance: %d tests, backend configuration %s %s, libraries from %s" %
          (len(tests), args.config, CONFIGS[args.config] or "", where), flush=True)

    todo, excluded = [], []
    for t in tests:
        e = lookup(entries, t)
        if e and e[0] in ("exclude", "module"):
            excluded.append((t, e[1]))
            if not args.run_excluded:
                continue
        todo.append(t)

    counts = {"pass": 0, "fail": 0}
    unexpected, surprises, retried_ok, skipped, known_failing = [], [], [], [], []
    results = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        work = [(t, (lookup(entries, t) or ("",))[0] == "known") for t in todo]
        for name, status, retried, out, t in pool.map(runner.run, work):
            e = lookup(entries, name)
            kind = e[0] if e else None
            note = ""
            if kind in ("exclude", "module"):
                note = "(excluded: %s)" % e[1]
            elif status == "error":
                counts["fail"] += 1
                unexpected.append(name)
                note = "UNEXPECTED (loader)"
            elif status == "pass":
                counts["pass"] += 1
                if kind == "skip":
                    note = "(runs here, skipped on the reference)"
                if retried:
                    retried_ok.append(name)
                    note = "(passed on retry)"
                if kind == "known":
                    surprises.append((name, e[1]))
                    note = "(passes, but listed as known failing: %s)" % e[1]
            elif status == "skip" and kind == "skip":
                skipped.append(name)
            elif status == "skip":
                counts["fail"] += 1
                unexpected.append(name)
                note = "UNEXPECTED (skipped here, runs on the reference)"
            elif kind == "known":
                known_failing.append((name, e[1]))
                note = "(known failing: %s)" % e[1]
            else:
                counts["fail"] += 1
                unexpected.append(name)
                note = "UNEXPECTED"
            results.append((name, status))
            print("%-60s %-5s %6.2fs %s" % (name, status, t, note), flush=True)
            if (retried and status == "pass") or ((args.verbose or status == "error") and
                                                  status in ("fail", "error") and
                                                  kind not in ("exclude", "module")):
                print("    | " + "\n    | ".join(out.strip().splitlines()[-40:]), flush=True)
    elapsed = time.monotonic() - start

    if args.results:
        with open(args.results, "w") as f:
            for name, status in sorted(results):
                f.write("%s %s\n" % (name, status))
    print()
    if retried_ok:
        print("passed only on the retry (timing-sensitive?): " + " ".join(retried_ok))
    if skipped:
        print("skipped by the suite itself: " + " ".join(skipped))
    if known_failing:
        print("known failing (expected.txt, [known] sections):")
        for n, why in known_failing:
            print("  %s: %s" % (n, why))
    if surprises:
        print("unexpectedly passing, remove from the known-failing list:")
        for n, why in surprises:
            print("  %s: %s" % (n, why))
    if unexpected:
        print("UNEXPECTED FAILURES: " + " ".join(unexpected))
    print("%s: %d passed, %d failed, %d excluded, %d known failing, %d skipped (%.0fs)" %
          (args.config, counts["pass"], counts["fail"], len(excluded), len(known_failing),
           len(skipped), elapsed))
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
