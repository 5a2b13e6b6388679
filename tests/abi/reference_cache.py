"""Caches the reference side of the ABI comparison between runs.

The reference headers rarely change, so the parsed interface and the
reference's probe results are kept in the work directory, keyed by the
reference headers (name, size, mtime), the compilers and the test's own
sources.  Any change to one of these rebuilds everything.
"""
import hashlib
import os
import pickle
import subprocess

from abi_common import LIBEVENT_TOPLEVEL, REF_ROOT

_VERSION = 1


def _files(root):
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if os.path.isdir(path):
            yield from _files(path)
        else:
            yield path


class ReferenceCache:
    def __init__(self, workdir, abi_dir, toolchain, headers):
        self.path = os.path.join(workdir, "reference-cache.pickle")
        self.key = self._key(abi_dir, toolchain, headers)

    @staticmethod
    def _key(abi_dir, tc, headers):
        h = hashlib.sha256(repr((_VERSION, list(headers))).encode())
        for name in sorted(os.listdir(abi_dir)):
            if name.endswith((".py", ".c", ".h")):
                with open(os.path.join(abi_dir, name), "rb") as f:
                    h.update(name.encode() + f.read())
        for top in sorted(LIBEVENT_TOPLEVEL):
            path = os.path.join(REF_ROOT, top)
            for p in (_files(path) if os.path.isdir(path) else
                      [path] if os.path.exists(path) else []):
                st = os.stat(p)
                h.update(("%s %d %d" % (p, st.st_size, st.st_mtime_ns)).encode())
        for compiler in (tc.cc, tc.cxx, "clang"):
            out = subprocess.run([compiler, "--version"], capture_output=True, text=True)
            h.update(out.stdout.encode())
        return h.hexdigest()

    def load(self):
        try:
            with open(self.path, "rb") as f:
                key, payload = pickle.load(f)
        except (OSError, EOFError, pickle.PickleError, ValueError, AttributeError):
            return None
        if key != self.key or not all(os.path.exists(o) for o in payload[1]):
            return None
        return payload

    def store(self, model, objects, ref_results):
        tmp = self.path + ".tmp%d" % os.getpid()
        with open(tmp, "wb") as f:
            pickle.dump((self.key, (model, objects, ref_results)), f)
        os.replace(tmp, self.path)
