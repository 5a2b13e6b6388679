"""The benchmarks bench/compare runs, with their sizes and targets.

Two kinds:
  Bench        a timed phase (CPU time, instructions, system calls per event;
               msgs/s too when `throughput` is set);
  MemoryBench  a program that prints "metric name=... value=..." lines (heap
               bytes under counting event_set_mem_functions), run once per
               side: the numbers are deterministic.
"""

CPU_TARGET, INSTR_TARGET = 0.8, 0.6


class Bench:
    """One timed benchmark: a program, its arguments (full and --quick) and
    the rounds each measure runs.  `timed` is the function callgrind counts.
    `follow_forks` = False traces the main process only (the echo server,
    not its load generator).  `throughput` adds messages per second (wall
    clock) to the second table.  Targets: `cpu_target` and `instr_target`
    are maximal ratios ours/ref (None: none stated), `msgs_target` a minimal
    ratio of messages per second, `syscall_target` a maximum of ours per
    event, epoll_wait not counted.  `floor` names another benchmark whose CPU
    time is the least any library can cost here (the raw epoll echo server):
    the report shows both sides' CPU over it.  `one_cpu` runs the program
    and its load generator on one CPU for the CPU and messages-per-second
    runs (a ping-pong's speed otherwise depends on whether the scheduler
    happens to put both processes on one CPU or on two)."""

    kind = "timed"

    def __init__(self, name, program, timed, args, quick_args, rounds, quick_rounds,
                 callgrind_args=None, follow_forks=True, throughput=False,
                 cpu_target=CPU_TARGET, instr_target=INSTR_TARGET, msgs_target=None,
                 syscall_target=None, floor=None, env=None, one_cpu=False):
        self.name, self.program, self.timed = name, program, timed
        self.one_cpu = one_cpu
        self.env = env or {}  # extra environment of every run, both sides
        self.args, self.quick_args = args, quick_args
        self.rounds, self.quick_rounds = rounds, quick_rounds
        self.callgrind_args = callgrind_args or args
        self.follow_forks, self.throughput = follow_forks, throughput
        self.cpu_target, self.instr_target = cpu_target, instr_target
        self.msgs_target, self.syscall_target = msgs_target, syscall_target
        self.floor = floor
        self.path = None  # the program's file, once --bin-dir is known


class MemoryBench:
    """A memory measurement: `metrics` maps each metric the program prints
    to (description, maximal value of ours or None)."""

    kind = "memory"

    def __init__(self, name, program, args, metrics, env=None, suffix=""):
        self.name, self.program, self.args, self.metrics = name, program, args, metrics
        # `env`: the program's own variables (both sides); `suffix`: added to
        # the names of the metrics it prints (the same program in another mode).
        self.env, self.suffix = env, suffix
        self.path = None


def _event_core():
    benches = []
    for mode, flag in (("persist", []), ("oneshot", ["-o"])):
        for n, rounds in ((100, 60), (1000, 40), (5000, 12)):
            args = ["-n", str(n), "-a", "100", "-w", "1000"] + flag
            benches.append(Bench("pipe_%s_n%d" % (mode, n), "pipe_bench",
                                 "bench_timed_pipe_round", args, args, rounds, 2,
                                 floor="raw_pipe_n100" if n == 100 else None))
    # The same bytes with plain epoll, read and write: the kernel's share.
    raw = ["-n", "100", "-a", "100", "-w", "1000", "-f"]
    benches.append(Bench("raw_pipe_n100", "pipe_bench", "bench_timed_raw_pipe_round", raw, raw,
                         60, 2, cpu_target=None, instr_target=None))
    # Timers firing through the loop's sleeping wait (1-10 ms timeouts).
    timers = ["-t", "-n", "100", "-w", "2000"]
    benches.append(Bench("timer_dispatch_n100", "pipe_bench", "bench_timed_timer_round", timers,
                         ["-t", "-n", "100", "-w", "300"], 5, 1, cpu_target=None,
                         instr_target=None))
    # Timers and active events: Google Benchmark rows ev_* (bench/micro).
    return benches


def _evbuffer():
    benches = []
    # name, extra arguments, operations per round: full, --quick, callgrind; rounds
    for name, extra, ops, quick_ops, callgrind_ops, rounds in (
            ("sockio_1024", ["-s", "1024"], 10000, 1000, 2000, 10),
            ("sockio_65536", ["-s", "65536"], 1000, 100, 200, 10),
            ("addfile", [], 200, 20, 40, 8)):
        mode = name.split("_")[0]
        args = ["-m", mode] + extra
        benches.append(Bench("buf_" + name, "buffer_bench", "bench_timed_buf_" + mode,
                             args + ["-n", str(ops)], args + ["-n", str(quick_ops)], rounds, 1,
                             callgrind_args=args + ["-n", str(callgrind_ops)],
                             floor={"addfile": "raw_addfile"}.get(name)))
        # The floor: the file's dup, sendfile and close alone.  (In-memory
        # evbuffer operations: Google Benchmark rows buf_* of bench/micro.)
        floor_mode = {"addfile": ("raw_addfile", "sendfile")}
        if name in floor_mode:
            raw_name, raw_mode = floor_mode[name]
            raw = ["-m", raw_mode]
            benches.append(Bench(raw_name, "buffer_bench", "bench_timed_" + raw_name,
                                 raw + ["-n", str(ops)], raw + ["-n", str(quick_ops)], rounds, 1,
                                 callgrind_args=raw + ["-n", str(callgrind_ops)],
                                 cpu_target=None, instr_target=None))
    return benches


def _bufferevents():
    benches = []
    for mode in ("pair", "filter"):
        args = ["-m", mode]
        benches.append(Bench("bev_" + mode, "bufferevent_bench", "bench_timed_bev_" + mode,
                             args + ["-n", "50000"], args + ["-n", "5000"], 10, 1,
                             callgrind_args=args + ["-n", "10000"], throughput=True,
                             cpu_target=None, instr_target=None))
    # connections, messages per round: full, --quick, callgrind; rounds
    for conns, messages, quick_messages, callgrind_messages, rounds in (
            (1, 5000, 500, 1000, 4), (100, 10000, 2000, 2000, 4), (1000, 20000, 2000, 5000, 3)):
        args = ["-m", "echo", "-c", str(conns)]
        loaded = conns >= 100  # the targets are stated for 100 and 1000 connections
        # At 100 connections the plain-epoll server is the floor; at 1000 it
        # is not (a server that finishes each batch sooner sleeps and wakes
        # more often, and server CPU per message includes that), so no row.
        floor = "raw_echo_c%d" % conns if conns == 100 else None
        benches.append(Bench("bev_echo_c%d" % conns, "bufferevent_bench", "bench_timed_bev_echo",
                             args + ["-n", str(messages)], args + ["-n", str(quick_messages)],
                             rounds, 1, callgrind_args=args + ["-n", str(callgrind_messages)],
                             follow_forks=False, throughput=True,
                             cpu_target=0.5 if loaded else None, instr_target=None,
                             msgs_target=1.5 if loaded else None, syscall_target=2, floor=floor))
        if floor:
            # The same server work without libevent: the kernel's share alone.
            raw = ["-m", "floor", "-c", str(conns)]
            benches.append(Bench(floor, "bufferevent_bench", "bench_timed_raw_echo",
                                 raw + ["-n", str(messages)], raw + ["-n", str(quick_messages)],
                                 rounds, 1, callgrind_args=raw + ["-n", str(callgrind_messages)],
                                 follow_forks=False, cpu_target=None, instr_target=None))
    return benches


def _http():
    # wrk with 50 keep-alive connections against a one-callback server sending
    # a 100-byte body; requests per round: full, --quick, callgrind.
    benches = []
    for name, mode, timed, floor in (("http_c50", "evhttp", "bench_timed_http", "raw_http_c50"),
                                     ("raw_http_c50", "floor", "bench_timed_raw_http", None)):
        args = ["-m", mode, "-c", "50"]
        is_floor = floor is None
        benches.append(Bench(name, "http_bench", timed, args + ["-n", "20000"],
                             args + ["-n", "2000"], 5, 1, callgrind_args=args + ["-n", "2000"],
                             follow_forks=False, throughput=True,
                             cpu_target=None if is_floor else 0.67,
                             instr_target=None if is_floor else 10000 / 31500,
                             syscall_target=None if is_floor else 2, floor=floor))
    # One request per connection, one connection at a time: an event is a
    # connection (accept, request, close); its system calls less the two of
    # the request are what a connection costs, beside the raw epoll floor.
    for name, mode, timed, floor in (("http_conn", "conn", "bench_timed_http", "raw_http_conn"),
                                     ("raw_http_conn", "rawconn", "bench_timed_raw_http", None)):
        args = ["-m", mode]
        benches.append(Bench(name, "http_bench", timed, args + ["-n", "5000"],
                             args + ["-n", "500"], 5, 1, callgrind_args=args + ["-n", "500"],
                             follow_forks=False, throughput=True, cpu_target=None,
                             instr_target=None, floor=floor))
    return benches


def _dns():
    # Lookups / queries per round: full, --quick, callgrind; rounds.
    return [
        Bench("dns_gai", "dns_bench", "bench_timed_dns_gai", ["-m", "gai", "-n", "2000"],
              ["-m", "gai", "-n", "200"], 10, 1, callgrind_args=["-m", "gai", "-n", "500"],
              cpu_target=0.7, instr_target=None),
        # The flood's client is a process of its own (dns_flood.c): strace
        # without -f counts the server alone, as the CPU clock and callgrind do.
        Bench("dns_server", "dns_bench", "bench_timed_dns_server", ["-m", "server", "-n", "5000"],
              ["-m", "server", "-n", "500"], 10, 1, callgrind_args=["-m", "server", "-n", "1000"],
              follow_forks=False, cpu_target=0.7, instr_target=None, floor="raw_dns_server"),
        # The same flood answered by plain recvmmsg/sendmmsg, no libevent: the
        # kernel's share of the server's work.
        Bench("raw_dns_server", "dns_bench", "bench_timed_raw_dns_server",
              ["-m", "floor", "-n", "5000"], ["-m", "floor", "-n", "500"], 10, 1,
              callgrind_args=["-m", "floor", "-n", "1000"], follow_forks=False, cpu_target=None,
              instr_target=None),
        # The floor again, its answers sent with UDP segmentation offload
        # (runs of equal length to one address as one message): the kernel's
        # best case, which the server port's sends also use.
        Bench("raw_dns_server_gso", "dns_bench", "bench_timed_raw_dns_server_gso",
              ["-m", "floor-gso", "-n", "5000"], ["-m", "floor-gso", "-n", "500"], 10, 1,
              callgrind_args=["-m", "floor-gso", "-n", "1000"], follow_forks=False,
              cpu_target=None, instr_target=None),
    ]


def _tls():
    """OpenSSL bufferevents: the TLS echo server (4 KiB messages, TLS 1.3 with
    AES-128-GCM on both sides).  Instructions include OpenSSL's own, the same
    on both sides, so their ratio understates the library's share."""
    benches = []
    # connections, messages per round: full, --quick, callgrind; rounds
    for conns, messages, quick_messages, callgrind_messages, rounds in (
            (1, 4000, 400, 500, 4), (100, 10000, 1000, 2000, 4)):
        args = ["-m", "echo", "-c", str(conns), "-s", "4096"]
        benches.append(Bench("tls_echo_c%d" % conns, "tls_bench", "bench_timed_tls_echo",
                             args + ["-n", str(messages)], args + ["-n", str(quick_messages)],
                             rounds, 1, callgrind_args=args + ["-n", str(callgrind_messages)],
                             follow_forks=False, throughput=True, cpu_target=None,
                             instr_target=None, msgs_target=1.2, syscall_target=2,
                             one_cpu=conns == 1))
    return benches


def _memory():
    return [
        MemoryBench("buf_mem", "buffer_bench", ["-m", "mem"], {
            "buf_mem_new": ("heap bytes of evbuffer_new", None),
            "buf_mem_add4k": ("heap bytes of adding 4 KiB to an empty evbuffer", 4608),
        }),
        MemoryBench("http_mem", "http_bench", ["-m", "mem", "-c", "1000"], {
            "http_mem_idle_conn": ("heap bytes per idle keep-alive evhttp connection (1000)",
                                   None),
        }),
        MemoryBench("bev_mem", "bufferevent_bench", ["-m", "mem", "-c", "1000"], {
            "bev_mem_idle_socket": ("heap bytes per idle socket bufferevent (1000)", 600),
            "bev_mem_idle_socket_anon": ("resident anonymous bytes per idle socket bufferevent, "
                                         "heap overhead included (1000)", None),
            "bev_mem_idle_socket_allocs": ("malloc + realloc calls per idle socket bufferevent",
                                           None),
        }),
        MemoryBench("dns_mem", "dns_bench", ["-m", "mem"], {
            "dns_mem_pending_resolve": ("heap bytes per pending evdns_base_resolve_ipv4", 395),
            "dns_mem_pending_getaddrinfo": ("heap bytes per pending evdns_getaddrinfo (both families)",
                                            1060),
        }),
        MemoryBench("tls_mem", "tls_bench", ["-m", "mem", "-c", "1000"], {
            "tls_mem_idle": ("heap bytes per idle TLS bufferevent, SSL objects excluded (1000)",
                             None),
        }),
    ]


def _io_uring():
    """Our io_uring method (opt-in through EVENT_IOURING, which the reference
    ignores: it runs on epoll) against the reference; the rows of the same
    name without the suffix are our epoll method, in the same run."""
    uring = {"EVENT_IOURING": "1"}
    benches = []
    args = ["-n", "100", "-a", "100", "-w", "1000"]
    benches.append(Bench("pipe_persist_n100_uring", "pipe_bench", "bench_timed_pipe_round", args,
                         args, 60, 2, cpu_target=None, instr_target=None, env=uring))
    timers = ["-t", "-n", "100", "-w", "2000"]
    benches.append(Bench("timer_dispatch_n100_uring", "pipe_bench", "bench_timed_timer_round",
                         timers, ["-t", "-n", "100", "-w", "300"], 5, 1, cpu_target=None,
                         instr_target=None, env=uring))
    for conns, messages, quick_messages, callgrind_messages, rounds in (
            (100, 10000, 2000, 2000, 4), (1000, 20000, 2000, 5000, 3)):
        for size, env in ((64, uring), (4096, {}), (4096, uring)):
            # 64-byte messages on our epoll method are bev_echo_c<conns>.
            args = ["-m", "echo", "-c", str(conns), "-s", str(size)]
            sized = "" if size == 64 else "_s%d" % size
            name = "bev_echo_c%d%s%s" % (conns, sized, "_uring" if env else "")
            # The plain-epoll floor at 100 connections (see _bufferevents).
            floor = "raw_echo_c100%s" % sized if conns == 100 else None
            benches.append(Bench(name, "bufferevent_bench",
                                 "bench_timed_bev_echo", args + ["-n", str(messages)],
                                 args + ["-n", str(quick_messages)], rounds, 1,
                                 callgrind_args=args + ["-n", str(callgrind_messages)],
                                 follow_forks=False, throughput=True, cpu_target=None,
                                 instr_target=None, env=env, floor=floor))
        if conns == 100:
            raw = ["-m", "floor", "-c", "100", "-s", "4096"]
            benches.append(Bench("raw_echo_c100_s4096", "bufferevent_bench",
                                 "bench_timed_raw_echo", raw + ["-n", str(messages)],
                                 raw + ["-n", str(quick_messages)], rounds, 1,
                                 callgrind_args=raw + ["-n", str(callgrind_messages)],
                                 follow_forks=False, cpu_target=None, instr_target=None))
    benches.append(MemoryBench("bev_mem_uring", "bufferevent_bench", ["-m", "mem", "-c", "1000"], {
        "bev_mem_idle_socket_uring": ("heap bytes per idle socket bufferevent, ours on io_uring "
                                      "(the reference on epoll) (1000)", None),
        "bev_mem_idle_socket_anon_uring": ("resident anonymous bytes per idle socket "
                                           "bufferevent, ours on io_uring: the receive pool "
                                           "counts (1000)", None),
    }, env=uring, suffix="_uring"))
    return benches


BENCHMARKS = (_event_core() + _evbuffer() + _bufferevents() + _http() + _dns() + _tls() +
              _memory() + _io_uring())


# ---- Google Benchmark micro-benchmarks (bench/micro; issue 19) ----

class MicroBench:
    """One Google Benchmark benchmark of a bench/micro program; the row's
    name is the benchmark's.  compare runs the program with
    --benchmark_filter=^name$, repetitions and JSON output: CPU time per
    iteration, the median over every repetition of every run.  Callgrind
    counts `micro_timed_<name>` (one call per iteration) over exactly
    `iterations` iterations (--micro_iterations); strace counts the system
    calls of 2N iterations minus those of N.  A row whose program was not
    built (no Google Benchmark) is skipped."""

    kind = "micro"
    throughput, follow_forks, msgs_target, syscall_target = False, True, None, None

    def __init__(self, name, program, iterations, cpu_target=CPU_TARGET,
                 instr_target=INSTR_TARGET, floor=None):
        self.name, self.program, self.iterations = name, program, iterations
        self.timed = "micro_timed_" + name
        self.cpu_target, self.instr_target, self.floor = cpu_target, instr_target, floor
        self.path = None


def _micro():
    rows = []
    # program: (benchmark, iterations for callgrind and strace), ...
    for program, benches in (
            ("micro_evbuffer", [
                ("buf_add_drain_small", 20000), ("buf_add_drain_large", 500),
                ("raw_memcpy_64k", 500), ("buf_add_buffer", 20000),
                ("buf_readln_any", 2000), ("buf_readln_crlf", 2000),
                ("buf_readln_crlf_strict", 2000), ("buf_readln_lf", 2000),
                ("buf_readln_nul", 2000), ("buf_search", 20), ("buf_search_eol", 2000),
                ("buf_pullup", 2000), ("buf_reserve_commit", 20000), ("buf_peek", 20000),
                ("buf_prepend", 20000), ("buf_remove", 20000)]),
            ("micro_event", [
                ("ev_add_del", 5000), ("ev_add_del_timeout", 5000), ("ev_new_free", 20000),
                ("ev_timer_churn", 20000), ("ev_common_timeout", 20000),
                ("ev_active_batch", 2000), ("ev_active_chain", 2000), ("ev_priority", 2000)]),
            ("micro_evutil", [
                ("util_parse_sockaddr_port_v4", 5000), ("util_parse_sockaddr_port_v6", 5000),
                ("util_inet_pton_v4", 5000), ("util_inet_pton_v6", 5000),
                ("util_inet_ntop_v4", 5000), ("util_inet_ntop_v6", 5000)]),
            ("micro_http", [
                ("http_parse_query_str", 5000), ("http_uri_parse", 5000), ("http_uri_join", 5000),
                ("http_uriencode", 5000), ("http_uridecode", 5000), ("http_encode_uri", 5000),
                ("http_decode_uri", 5000), ("http_htmlescape", 5000), ("http_header_find", 5000),
                ("http_header_add_remove", 5000)]),
            ("micro_dns", [
                ("dns_resolve_loopback", 500), ("dns_getaddrinfo_loopback", 500),
                ("dns_load_hosts", 100), ("dns_resolv_conf_parse", 1000)]),
            ("micro_tag", [("tag_marshal", 2000), ("tag_unmarshal", 2000), ("tag_int_codec", 2000)]),
            ("micro_tls", [("tls_socket_echo_4k", 200), ("tls_filter_echo_4k", 200)]),
    ):
        for name, iterations in benches:
            cpu_target, instr_target = CPU_TARGET, INSTR_TARGET
            if name.startswith("raw_") or name.startswith("tls_"):
                # A floor; TLS: OpenSSL's share is the same on both sides.
                cpu_target, instr_target = None, None
            elif name.endswith("_loopback"):  # as the process-level dns_* rows
                cpu_target, instr_target = 0.7, None
            rows.append(MicroBench(name, program, iterations, cpu_target=cpu_target,
                                   instr_target=instr_target,
                                   floor="raw_memcpy_64k" if name == "buf_add_drain_large"
                                   else None))
    return rows


BENCHMARKS = BENCHMARKS + _micro()
# ---- end of the micro-benchmarks ----
