#!/bin/sh
# Both directions of a wire format between the reference and ours, for a
# differential program with "write FILE" and "read FILE" modes:
#   cross_exchange.sh <program> <our-lib-dir>
# The reference writes its corpus and ours reads it, then ours writes and the
# reference reads; the two files must also be identical byte for byte.
set -u
prog=$1
ours=$(cd "$2" && pwd -P) || exit 2
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
status=0

on_ref() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$prog" "$@"; }
on_ours() { env -u LD_PRELOAD LD_LIBRARY_PATH="$ours" "$prog" "$@"; }

# A run counts only if it loaded the intended library.
check_loaded() { # <stderr file> <ref|ours>
	lib=$(sed -n 's/^loaded: //p' "$1" | head -n 1)
	case "$2:$lib" in
	ours:"$ours"/*) ;;
	ref:"$ours"/*|ref:"(none)"|ref:|ours:*)
		echo "FAIL: $2 run loaded '$lib'" >&2; status=1 ;;
	esac
}

on_ref write "$work/ref.bin" >/dev/null 2>"$work/e1" || { echo "FAIL: reference write" >&2; status=1; }
check_loaded "$work/e1" ref
on_ours write "$work/our.bin" >/dev/null 2>"$work/e2" || { echo "FAIL: our write" >&2; status=1; }
check_loaded "$work/e2" ours
if ! cmp "$work/ref.bin" "$work/our.bin"; then
	echo "FAIL: the encoded corpora differ" >&2
	status=1
fi
if ! on_ours read "$work/ref.bin" 2>"$work/e3"; then
	echo "FAIL: ours cannot decode what the reference encoded" >&2
	status=1
fi
check_loaded "$work/e3" ours
if ! on_ref read "$work/our.bin" 2>"$work/e4"; then
	echo "FAIL: the reference cannot decode what ours encoded" >&2
	status=1
fi
check_loaded "$work/e4" ref
[ $status -eq 0 ] && echo "OK: corpus exchanged both ways"
exit $status
