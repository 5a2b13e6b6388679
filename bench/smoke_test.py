#!/usr/bin/env python3
"""Smoke test of the benchmark harness (ctest label `bench`).

1. `compare --quick` against --ours, on a subset that covers every program
   and every kind of measure, must succeed and write a table with one row of
   numbers per benchmark, the throughput/memory table (and the chart when
   gnuplot is there); when --ours is the reference itself, the instruction
   ratios must be ~1 and the memory numbers equal.  Every other benchmark
   runs once more without callgrind and strace (to stay fast) and must give
   its CPU numbers.
2. Told that "ours" lives in a directory without libevent, compare must fail
   with a library-verification error (the process falls back to the system
   library, and the check must notice).
3. A benchmark program run directly with BENCH_EXPECT_LIBDIR naming the
   wrong directory must exit with status 3.

With --skip-if-incomplete, exits 77 (skipped) while our library does not yet
export every libevent function the benchmark programs import.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "compare")
PROGRAMS = ("pipe_bench", "buffer_bench", "bufferevent_bench", "http_bench", "dns_bench")
# Measured with every tool: one benchmark or more of each program and of each
# kind (a forked load generator, memory).  The rest get CPU numbers only.
FULLY_MEASURED = ("pipe_oneshot_n100", "buf_sockio_1024", "bev_pair", "bev_echo_c100", "buf_mem",
                  "bev_mem")

# ---- Google Benchmark micro-benchmarks (bench/micro) ----
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from catalog import BENCHMARKS  # noqa: E402
MICRO_PROGRAMS = sorted({b.program for b in BENCHMARKS if b.kind == "micro"})
# Micro rows measured with every tool (one event-core, one evbuffer row).
MICRO_FULLY_MEASURED = ("ev_active_batch", "buf_readln_crlf")


def micro_built(bin_dir):
    """The micro programs built (none without Google Benchmark)."""
    return [p for p in MICRO_PROGRAMS if os.access(os.path.join(bin_dir, p), os.X_OK)]


def runnable(names, bin_dir):
    """`names` without the micro rows whose program was not built."""
    built = set(micro_built(bin_dir))
    micro = {b.name: b.program for b in BENCHMARKS if b.kind == "micro"}
    return [n for n in names if n not in micro or micro[n] in built]


def check_micro_direct(bin_dir, empty_dir):
    """Every micro program loading the wrong library exits 3; loading the
    right one, each of its benchmarks runs a few iterations."""
    for program in micro_built(bin_dir):
        path = os.path.join(bin_dir, program)
        env = dict(os.environ, LD_LIBRARY_PATH=empty_dir, BENCH_EXPECT_LIBDIR=empty_dir)
        proc = subprocess.run([path, "--micro_iterations=2"], env=env, capture_output=True,
                              text=True, timeout=60)
        check(proc.returncode == 3 and "loaded lib=" in proc.stdout,
              "%s loading the wrong library exits 3 (exit %d)" % (program, proc.returncode))
# ---- end of the micro-benchmarks ----
# The memory benchmarks and their metrics, from the catalogue.
MEMORY = {b.name: tuple(b.metrics) for b in BENCHMARKS if b.kind == "memory"}
failures = []
passed = []


def check(condition, message):
    print(("ok: " if condition else "FAIL: ") + message, flush=True)
    (passed if condition else failures).append(message)


def dynamic_symbols(path, defined):
    flag = "--defined-only" if defined else "--undefined-only"
    out = subprocess.run(["nm", "-D", flag, path], capture_output=True, text=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def missing_exports(bin_dir, libdir):
    """libevent functions the programs import that our library lacks."""
    library = os.path.join(libdir, "libevent-2.1.so.7")
    if not os.path.exists(library):
        return {"(no libevent-2.1.so.7 at all)"}
    wanted = set()
    for program in PROGRAMS + tuple(micro_built(bin_dir)):
        wanted |= {s for s in dynamic_symbols(os.path.join(bin_dir, program), False)
                   if s.startswith(("event", "evutil", "evdns"))}
    return wanted - dynamic_symbols(library, True)


def run_compare(args):
    proc = subprocess.run([sys.executable, COMPARE, *args], capture_output=True, text=True,
                          timeout=600)
    sys.stdout.write(proc.stderr[-4000:])
    return proc


def table_rows(markdown, section=None):
    """The rows of the main table (or of the table under `## section`) as
    lists of cells, header and rule excluded."""
    text = markdown.split("## Details")[0]
    if section:
        parts = markdown.split("## " + section)
        text = parts[1].split("\n## ")[0] if len(parts) > 1 else ""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith(("| benchmark", "| measure")):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def as_number(cell):
    try:
        return float(cell)
    except ValueError:
        return None


def check_table(out_dir, names, same_library, full=True):
    path = os.path.join(out_dir, "results.md")
    check(os.path.exists(path), "results.md written")
    if not os.path.exists(path):
        return
    markdown = open(path).read()
    rows = {r[0]: r for r in table_rows(markdown)}
    timed = [n for n in names if n not in MEMORY]
    check(sorted(rows) == sorted(timed), "one row per benchmark: %s" % sorted(rows))
    check_extra_table(markdown, names, same_library)
    for name, cells in rows.items():
        cpu = [as_number(c) for c in cells[1:4]]
        check(len(cells) == 7 and all(v is not None and v > 0 for v in cpu),
              "%s: CPU ref, ours and ratio are positive numbers %s" % (name, cells[1:4]))
        instr = as_number(cells[4])
        if not full:
            continue
        if shutil.which("valgrind"):
            check(instr is not None and instr > 0, "%s: instruction ratio %s" % (name, cells[4]))
            if same_library and instr is not None:
                check(0.95 <= instr <= 1.05,
                      "%s: same library on both sides, instruction ratio %s ~ 1" % (name, instr))
        if shutil.which("strace"):
            check(all(as_number(c) is not None for c in cells[5:7]),
                  "%s: syscalls/event are numbers %s" % (name, cells[5:7]))
    if full and shutil.which("gnuplot"):
        png = os.path.join(out_dir, "results.png")
        with open(png, "rb") if os.path.exists(png) else open(os.devnull, "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "results.png is a PNG")


def check_extra_table(markdown, names, same_library):
    """Messages/s for the bufferevent benchmarks, the memory numbers."""
    extra = {r[0].split("`")[1] + " " + r[0].split("`")[2].strip(): r
             for r in table_rows(markdown, "Throughput, system calls and memory")}
    for name in names:
        if name.startswith("bev_") and name not in MEMORY:
            cells = extra.get(name + " messages/s")
            check(cells is not None and all((as_number(c) or 0) > 0 for c in cells[1:4]),
                  "%s: messages/s ref, ours and ratio %s" % (name, cells and cells[1:4]))
    for name in names:
        for metric in MEMORY.get(name, ()):
            cells = next((c for m, c in extra.items() if m.startswith(metric + " ")), None)
            values = [as_number(c) for c in cells[1:3]] if cells else []
            check(len(values) == 2 and all(v and v > 0 for v in values),
                  "%s: heap bytes ref and ours %s" % (metric, values))
            if same_library and len(values) == 2:
                # Resident pages also move with what the process did before.
                close = (abs(values[0] - values[1]) <= 0.05 * values[0] if "_anon" in metric
                         else values[0] == values[1])
                check(close, "%s: same library, same bytes %s" % (metric, values))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin-dir", required=True)
    p.add_argument("--ours", required=True)
    p.add_argument("--ref", required=True, help="the reference library's directory")
    p.add_argument("--work-dir", required=True)
    p.add_argument("--skip-if-incomplete", action="store_true")
    opts = p.parse_args()
    if opts.skip_if_incomplete:
        missing = missing_exports(opts.bin_dir, opts.ours)
        if missing:
            print("skipped: our library does not export yet: " + " ".join(sorted(missing)))
            return 77
    shutil.rmtree(opts.work_dir, ignore_errors=True)
    out_dir = os.path.join(opts.work_dir, "out")
    empty_dir = os.path.join(opts.work_dir, "empty")
    os.makedirs(empty_dir)

    names = subprocess.run([sys.executable, COMPARE, "--list"], capture_output=True,
                           text=True).stdout.split()
    check(len(names) >= 10, "compare --list names the benchmarks")
    same = os.path.realpath(opts.ours) == os.path.realpath(opts.ref)
    check(all(n in names for n in FULLY_MEASURED), "compare --list names %s" % (FULLY_MEASURED,))
    names = runnable(names, opts.bin_dir)  # micro rows: only when built
    fully_measured = FULLY_MEASURED + tuple(n for n in MICRO_FULLY_MEASURED if n in names)
    print("micro-benchmark programs built: %s" % (" ".join(micro_built(opts.bin_dir)) or
                                                  "none (no Google Benchmark)"))
    proc = run_compare(["--quick", "--only", ",".join(fully_measured), "--bin-dir", opts.bin_dir,
                        "--ref", opts.ref, "--ours", opts.ours, "--out-dir", out_dir])
    check(proc.returncode == 0, "compare --quick succeeds (exit %d)" % proc.returncode)
    check_table(out_dir, fully_measured, same)
    rest = [n for n in names if n not in fully_measured]
    proc = run_compare(["--quick", "--only", ",".join(rest), "--skip", "callgrind,strace,chart",
                        "--bin-dir", opts.bin_dir, "--ref", opts.ref, "--ours", opts.ours,
                        "--out-dir", os.path.join(opts.work_dir, "out-rest")])
    check(proc.returncode == 0, "compare --quick of the other benchmarks succeeds (exit %d)"
          % proc.returncode)
    check_table(os.path.join(opts.work_dir, "out-rest"), rest, same, full=False)

    proc = run_compare(["--quick", "--only", "pipe_persist_n100", "--skip", "callgrind,strace,chart",
                        "--bin-dir", opts.bin_dir, "--ref", opts.ref, "--ours", empty_dir,
                        "--out-dir", os.path.join(opts.work_dir, "out-empty")])
    check(proc.returncode != 0, "compare fails when ours has no libevent (exit %d)"
          % proc.returncode)
    check("library verification failed" in proc.stderr and empty_dir in proc.stderr,
          "the failure names the library verification and the directory")

    env = dict(os.environ, LD_LIBRARY_PATH=empty_dir, BENCH_EXPECT_LIBDIR=empty_dir)
    direct = subprocess.run([os.path.join(opts.bin_dir, "pipe_bench"), "-n", "10"], env=env,
                            capture_output=True, text=True, timeout=60)
    check(direct.returncode == 3 and "loaded lib=" in direct.stdout,
          "a program loading the wrong library prints it and exits 3 (exit %d)"
          % direct.returncode)
    check_micro_direct(opts.bin_dir, empty_dir)

    print("%d passed, %d failed" % (len(passed), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
