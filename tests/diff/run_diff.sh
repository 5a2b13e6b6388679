#!/bin/sh
# Differential test runner.
#   run_diff.sh <program> <our-lib-dir>
# Runs <program> on the system's libevent (the reference), then again with
# LD_LIBRARY_PATH=<our-lib-dir> so the loader picks our build.  Each run must
# report on stderr (see loaded_lib.h) the library it really loaded; stdout of
# the two runs must be identical.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 <program> <our-lib-dir>" >&2
	exit 2
fi
prog=$1
ours=$(cd "$2" && pwd -P) || exit 2
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT

# Reference run: make sure nothing in the environment redirects the loader.
env -u LD_LIBRARY_PATH -u LD_PRELOAD "$prog" >"$work/ref.out" 2>"$work/ref.err"
ref_rc=$?
env -u LD_PRELOAD LD_LIBRARY_PATH="$ours" "$prog" >"$work/our.out" 2>"$work/our.err"
our_rc=$?

loaded() { sed -n 's/^loaded: //p' "$1" | head -n 1; }
ref_lib=$(loaded "$work/ref.err")
our_lib=$(loaded "$work/our.err")
status=0

case "$ref_lib" in
"$ours"/*|"(none)"|"")
	echo "FAIL: reference run loaded '$ref_lib', expected the system's libevent" >&2
	status=1 ;;
esac
case "$our_lib" in
"$ours"/*) ;;
*)
	echo "FAIL: our run loaded '$our_lib', expected a library from $ours" >&2
	status=1 ;;
esac

if [ "$ref_rc" -ne "$our_rc" ]; then
	echo "FAIL: exit status differs: reference $ref_rc, ours $our_rc" >&2
	status=1
fi
if ! diff -u "$work/ref.out" "$work/our.out" >"$work/diff"; then
	echo "FAIL: output differs (--- reference, +++ ours):" >&2
	cat "$work/diff" >&2
	status=1
fi
if [ $status -ne 0 ]; then
	echo "--- reference stderr:" >&2; cat "$work/ref.err" >&2
	echo "--- our stderr:" >&2; cat "$work/our.err" >&2
else
	echo "OK: $(wc -l <"$work/ref.out") identical lines; reference $ref_lib, ours $our_lib"
fi
exit $status
