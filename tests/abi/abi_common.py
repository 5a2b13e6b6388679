"""Shared plumbing for the ABI tests: header list, compilers, include paths.

The reference is the system's libevent 2.1.12 (headers under /usr/include).
"Ours" is compiled against a search path in which the reference headers are
hidden, so a header we do not provide is reported missing instead of being
silently picked up from the system.
"""
import os
import re
import shutil
import subprocess
import sys

HEADERS = [
    "event2/event.h", "event2/event_struct.h", "event2/event_compat.h",
    "event2/buffer.h", "event2/buffer_compat.h",
    "event2/bufferevent.h", "event2/bufferevent_struct.h",
    "event2/bufferevent_compat.h", "event2/bufferevent_ssl.h",
    "event2/dns.h", "event2/dns_struct.h", "event2/dns_compat.h",
    "event2/http.h", "event2/http_struct.h", "event2/http_compat.h",
    "event2/keyvalq_struct.h", "event2/listener.h",
    "event2/rpc.h", "event2/rpc_struct.h", "event2/rpc_compat.h",
    "event2/tag.h", "event2/tag_compat.h", "event2/thread.h",
    "event2/util.h", "event2/visibility.h", "event2/event-config.h",
    "event.h", "evdns.h", "evhttp.h", "evrpc.h", "evutil.h",
]

# Top-level names of /usr/include that belong to libevent.
LIBEVENT_TOPLEVEL = {"event2", "event.h", "evdns.h", "evhttp.h", "evrpc.h",
                     "evutil.h"}

REF_ROOT = "/usr/include"
SKIP_RC = 77  # ctest SKIP_RETURN_CODE


def log(msg):
    print(msg, flush=True)


def ensure_reference(need_ssl=True, tools=("gcc", "g++", "clang")):
    """Makes sure the reference headers and tools exist; installs the headers
    when possible.  Returns None when ready, or a reason to skip the test."""
    lacking = [t for t in tools if not shutil.which(t)]
    if lacking:
        return "required tool(s) not installed: " + ", ".join(lacking)
    def present():
        ok = os.path.exists(os.path.join(REF_ROOT, "event2/event.h"))
        if need_ssl:
            ok = ok and os.path.exists(os.path.join(REF_ROOT, "openssl/ssl.h"))
        return ok

    if present():
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return ("reference headers (libevent-dev, libssl-dev) are not installed "
                "and cannot be installed here (need root and apt-get)")
    log("abi: installing libevent-dev libssl-dev (reference headers)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "libevent-dev", "libssl-dev"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env,
                       stdout=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    if not present():
        return "apt-get could not install libevent-dev/libssl-dev"
    return None


def default_search_dirs(compiler, lang):
    """The compiler's built-in #include <...> search list, in order."""
    out = subprocess.run([compiler, "-x", lang, "-E", "-v", "-"],
                         input="", capture_output=True, text=True).stderr
    dirs, inside = [], False
    for line in out.splitlines():
        if line.startswith("#include <...> search starts here"):
            inside = True
        elif line.startswith("End of search list"):
            break
        elif inside:
            dirs.append(os.path.normpath(line.strip()))
    return dirs


class Toolchain:
    """Compiler command lines for the two sides ("ref" and "ours").

    Both sides are compiled the same way: -nostdinc, the side's libevent
    headers as a normal (warning-enabled) -I directory, and the system
    headers from a copy of /usr/include in which libevent is hidden.
    """

    def __init__(self, repo_include, workdir):
        self.repo_include = os.path.abspath(repo_include)
        self.workdir = workdir
        self.cc = os.environ.get("ABI_CC", "gcc")
        self.cxx = os.environ.get("ABI_CXX", "g++")
        self.shadow = os.path.join(workdir, "sysinclude-without-libevent")
        self.ref_only = os.path.join(workdir, "reference-libevent-only")
        self._farm(self.shadow, lambda n: n not in LIBEVENT_TOPLEVEL)
        self._farm(self.ref_only, lambda n: n in LIBEVENT_TOPLEVEL)
        self._dirs = {lang: default_search_dirs(comp, lang)
                      for lang, comp in (("c", self.cc), ("c++", self.cxx))}

    @staticmethod
    def _farm(path, keep):
        """A directory of symlinks to the entries of /usr/include kept by `keep`."""
        if os.path.isdir(path):
            return
        tmp = path + ".tmp%d" % os.getpid()
        os.makedirs(tmp)
        for name in os.listdir(REF_ROOT):
            if keep(name):
                os.symlink(os.path.join(REF_ROOT, name), os.path.join(tmp, name))
        try:
            os.rename(tmp, path)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)

    def side_root(self, side):
        return self.ref_only if side == "ref" else self.repo_include

    def include_flags(self, side, lang):
        flags = ["-nostdinc", "-I" + self.side_root(side)]
        for d in self._dirs[lang]:
            flags += ["-isystem", self.shadow if d == REF_ROOT else d]
        return flags

    def search_roots(self, side, lang="c"):
        """Include roots used to turn dependency paths into header names."""
        roots = [self.shadow if d == REF_ROOT else d for d in self._dirs[lang]]
        roots.append(self.side_root(side))
        return sorted(roots, key=len, reverse=True)

    def header_name(self, side, path):
        """The public header name (event2/x.h) of a path of this side, or None."""
        root = self.side_root(side)
        path = os.path.normpath(os.path.join(self.workdir, path))
        if path.startswith(root + "/"):
            rel = path[len(root) + 1:]
            return rel if rel in HEADERS else None
        return None

    def ours_has(self, header):
        return os.path.exists(os.path.join(self.repo_include, header))


def run(cmd, cwd=None, timeout=300):
    """Runs a command; returns (exit status, stdout, stderr), never raises."""
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", "%s: timed out after %d s" % (cmd[0], timeout)
    except OSError as e:
        return 127, "", "%s: %s" % (cmd[0], e)
    return p.returncode, p.stdout, p.stderr


_DIAG = re.compile(r"^(.*?):(\d+):(?:\d+:)? (error|warning|note|fatal error): (.*)$")


_INCLUDED = re.compile(r"^(?:In file included from|\s+from) (.*?):(\d+)[:,]")


def diagnostics(stderr):
    """Groups compiler output into [(severity, message, [(file, line)])].

    The locations are the diagnostic's own, then those of its notes (macro
    expansions, previous declarations), then the include chain leading to it.
    """
    groups, chain = [], []
    for line in stderr.splitlines():
        inc = _INCLUDED.match(line)
        if inc:
            chain.append((inc.group(1), int(inc.group(2))))
            continue
        m = _DIAG.match(line)
        if not m:
            continue
        path, lineno, sev, msg = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if sev == "note" and groups:
            groups[-1][2].insert(len(groups[-1][2]) - groups[-1][3], (path, lineno))
        elif sev != "note":
            groups.append([sev, msg, [(path, lineno)] + chain, len(chain)])
        chain = []
    return [(g[0], g[1], g[2]) for g in groups]


def fail_exit(msg):
    print("abi: ERROR: " + msg, file=sys.stderr, flush=True)
    sys.exit(2)
