"""Runs one sample program against a real client and checks what it does.

Usage: run_sample.py <sample> <bin-dir> <suffix> [<our-libevent.so>]
  <suffix> is "" for the build against our library, "-ref" for the build
  against the reference.  With <our-libevent.so>, exits 77 (skipped) while
  that library does not yet export every libevent function the sample
  imports, and checks from /proc/PID/maps that ours is the library loaded.
"""
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def imported(exe):
    out = subprocess.run(["nm", "-D", "--undefined-only", exe], capture_output=True, text=True).stdout
    names = {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}
    prefixes = ("event", "evutil", "evbuffer", "bufferevent", "evconnlistener", "evthread")
    return {n for n in names if n.startswith(prefixes)}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(port, proc, family=socket.AF_INET, host="127.0.0.1"):
    for _ in range(100):
        if proc.poll() is not None:
            fail("server exited early: " + proc.stdout.read())
        try:
            socket.create_connection((host, port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    fail("nothing listening on port %d" % port)


class Sample:
    def __init__(self, exe, lib):
        self.exe, self.lib = exe, lib

    def start(self, *args):
        proc = subprocess.Popen([self.exe, *map(str, args)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        return proc

    def check_loaded(self, proc):
        if not self.lib:
            return
        want = os.path.realpath(self.lib)
        with open("/proc/%d/maps" % proc.pid) as maps:
            paths = {line.split()[-1] for line in maps if "libevent" in line}
        if want not in {os.path.realpath(p) for p in paths}:
            fail("expected %s to be loaded, found %s" % (want, sorted(paths)))

    def run(self, *args, timeout=20):
        res = subprocess.run([self.exe, *map(str, args)], capture_output=True, text=True,
                             timeout=timeout)
        return res.returncode, res.stdout + res.stderr


def stop(proc, sig=signal.SIGINT, within=2.0):
    proc.send_signal(sig)
    try:
        out, _ = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("did not exit within %.1f s of signal %d" % (within, sig))
    return proc.returncode, out


def recv_all(sock):
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def echo_roundtrip(host, port, payload, family=socket.AF_INET):
    """Sends payload, half-closes, and returns everything read until EOF."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect((host, port))
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        return recv_all(s)


def echo_duplex(host, port, payload):
    """Sends payload from a thread while reading until as many bytes came back."""
    with socket.create_connection((host, port), 10) as s:
        sender = threading.Thread(target=s.sendall, args=(payload,))
        sender.start()
        got = bytearray()
        while len(got) < len(payload):
            data = s.recv(65536)
            if not data:
                break
            got += data
        sender.join()
        return bytes(got)


def test_hello_world(sample):
    port = free_port()
    proc = sample.start(port)
    wait_listening(port, proc)
    sample.check_loaded(proc)
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port), 5) as s:
            got = recv_all(s)
        if got != b"Hello, World!\n":
            fail("client received %r" % got)
    code, out = stop(proc, within=1.5)
    if "Caught an interrupt signal; exiting cleanly..." not in out or code != 0:
        fail("bad shutdown (exit %s): %r" % (code, out))
    print("hello-world: 3 clients greeted, clean SIGINT shutdown")


def test_echo_server(sample):
    port = free_port()
    proc = sample.start(port)
    wait_listening(port, proc)
    sample.check_loaded(proc)
    payload = random.Random(1).randbytes(300000)
    if echo_roundtrip("127.0.0.1", port, payload) != payload:
        fail("IPv4 echo differs")
    try:
        got6 = echo_roundtrip("::1", port, b"over ipv6\n", socket.AF_INET6)
        if got6 != b"over ipv6\n":
            fail("IPv6 echo differs: %r" % got6)
        v6 = "and IPv6"
    except OSError:
        v6 = "(no IPv6 on this machine)"
    code, out = stop(proc)
    if code != 0:
        fail("exit code %s: %s" % (code, out))
    print("echo-server: 300000 bytes echoed over IPv4 %s" % v6)


def test_signal_test(sample):
    proc = sample.start()
    line = proc.stdout.readline()
    if "waiting" not in line:
        fail("unexpected start: %r" % line)
    sample.check_loaded(proc)
    proc.send_signal(signal.SIGINT)
    first = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=5)
    text = first + out
    if ("got signal 2 (delivery 1)" not in text or "got signal 2 (delivery 2)" not in text
            or "done after 2 signals" not in text or proc.returncode != 0):
        fail("unexpected output (exit %s): %r" % (proc.returncode, text))
    print("signal-test: two SIGINTs delivered through the loop")


def test_time_test(sample):
    for args in (["-p", 50, 4], [50, 4]):
        start = time.monotonic()
        code, out = sample.run(*args)
        took = time.monotonic() - start
        fired = [l for l in out.splitlines() if l.startswith("timeout_cb: fired")]
        if code != 0 or len(fired) != 4 or "time-test done" not in out:
            fail("time-test %s: exit %s, output %r" % (args, code, out))
        elapsed = [float(l.split(",")[2].split()[0]) for l in fired]
        for i, e in enumerate(elapsed):
            # Coarse monotonic clocks (4 ms ticks) may make a firing look a tick early.
            if e < 0.05 * (i + 1) - 0.005:
                fail("timer fired early: %s" % elapsed)
        if took > 5:
            fail("took %.1f s" % took)
    print("time-test: persistent and re-added timers fire in order, never early")


def test_event_read_fifo(sample):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sample.fifo")
        proc = sample.start(path)
        if "reading" not in proc.stdout.readline():
            fail("did not start")
        sample.check_loaded(proc)
        for msg in (b"hello fifo\n", b"second line\n"):
            fd = os.open(path, os.O_WRONLY)
            os.write(fd, msg)
            os.close(fd)
            time.sleep(0.1)
        fd = os.open(path, os.O_WRONLY)
        os.write(fd, b"quit\n")
        os.close(fd)
        out, _ = proc.communicate(timeout=5)
        if ("read 11 bytes: hello fifo" not in out or "read 12 bytes: second line" not in out
                or "event-read-fifo done" not in out or proc.returncode != 0):
            fail("unexpected output (exit %s): %r" % (proc.returncode, out))
        if os.path.exists(path):
            fail("fifo not removed")
    print("event-read-fifo: lines read from the FIFO until quit")


def test_bufferevent_pair_filter(sample):
    code, out = sample.run()
    batches = [l for l in out.splitlines() if l.startswith("batch ")]
    joined = "".join(l.split(": ", 1)[1] for l in batches)
    if code != 0 or joined.replace(" ", "") != "THEQUICKBROWNFOXJUMPSOVERTHELAZYDOG":
        fail("unexpected output (exit %s): %r" % (code, out))
    for l in batches:
        size = int(l.split("(")[1].split(",")[1].split()[0])
        if "watermark" in l and size < 12:
            fail("callback ran below the low watermark: %r" % l)
    print("bufferevent-pair-filter: %d batches, text upper-cased, watermark honoured" % len(batches))


def test_le_proxy(sample, echo):
    echo_port, proxy_port = free_port(), free_port()
    server = echo.start(echo_port)
    try:
        wait_listening(echo_port, server)
        proxy = sample.start("127.0.0.1:%d" % proxy_port, "127.0.0.1:%d" % echo_port)
        wait_listening(proxy_port, proxy)
        sample.check_loaded(proxy)
        payload = random.Random(2).randbytes(2 * 1024 * 1024)
        got = echo_duplex("127.0.0.1", proxy_port, payload)
        if got != payload:
            fail("relayed %d bytes, expected %d identical" % (len(got), len(payload)))
        code, out = stop(proxy)
        if code != 0:
            fail("proxy exit %s: %s" % (code, out))
    finally:
        stop(server)
    print("le-proxy: 2 MiB relayed through the proxy and back")


def main():
    name, bindir, suffix = sys.argv[1], sys.argv[2], sys.argv[3]
    lib = sys.argv[4] if len(sys.argv) > 4 else None
    exe = os.path.join(bindir, name + suffix)
    needed = [exe]
    if name == "le-proxy":
        needed.append(os.path.join(bindir, "echo-server" + suffix))
    for path in needed:
        if not os.path.exists(path):
            fail("missing program " + path)
        if lib:
            missing = imported(path) - exported(lib)
            if missing:
                print("SKIP: our library does not export yet: " + " ".join(sorted(missing)))
                sys.exit(SKIP)
    sample = Sample(exe, lib)
    tests = {
        "hello-world": lambda: test_hello_world(sample),
        "echo-server": lambda: test_echo_server(sample),
        "signal-test": lambda: test_signal_test(sample),
        "time-test": lambda: test_time_test(sample),
        "event-read-fifo": lambda: test_event_read_fifo(sample),
        "bufferevent-pair-filter": lambda: test_bufferevent_pair_filter(sample),
        "le-proxy": lambda: test_le_proxy(sample, Sample(needed[-1], lib)),
    }
    if name not in tests:
        fail("no test for sample " + name)
    tests[name]()


if __name__ == "__main__":
    main()
