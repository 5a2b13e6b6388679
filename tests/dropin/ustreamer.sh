#!/usr/bin/env bash
# Debian's ustreamer (an MJPEG HTTP streamer built on evhttp), unmodified,
# on our libevent-2.1.so.7 and libevent_pthreads-2.1.so.7.  Without a camera
# it serves its "no signal" placeholder: the test checks the JSON state, the
# snapshot (the same JPEG the reference serves), several concurrent
# multipart streams of whole JPEG frames, keep-alive, 404 and a clean exit.
# Usage: ustreamer.sh <our-lib-dir>.  Exit 77 (skipped) when ustreamer or
# curl is not installed or our library does not export what it imports yet.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_common.sh"
libdir=$1
bin=$(command -v ustreamer || true)
[ -n "$bin" ] || { echo "SKIP: ustreamer is not installed"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
# It imports from libevent and libevent_pthreads: both must export it all.
missing=$(comm -23 \
  <(nm -D --undefined-only "$bin" | awk '{print $2}' | grep -E '^(event|evbuffer|bufferevent|evutil|evconnlistener|evthread|evhttp)' | sort -u) \
  <(nm -D --defined-only "$libdir/libevent-2.1.so.7" "$libdir/libevent_pthreads-2.1.so.7" | awk '{print $3}' | sort -u))
[ -z "$missing" ] || { echo "SKIP: our libraries do not export yet:" $missing; exit 77; }

work=$(mktemp -d)
port=$(free_port)
LD_LIBRARY_PATH=$libdir "$bin" --device=/dev/evhttp-test-no-camera --host=127.0.0.1 \
  --port="$port" >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 50); do
  curl -s -m 1 -o /dev/null "$url/state" && break
  sleep 0.1
done
assert_loaded_from "$pid" "$libdir" libevent-2.1.so.7 || exit 1
assert_loaded_from "$pid" "$libdir" libevent_pthreads-2.1.so.7 || exit 1
fail() { echo "FAIL: $*"; cat "$work/log"; exit 1; }

state=$(curl -sS -m 5 "$url/state") || fail "GET /state"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["ok"] and d["result"]["source"]["online"] is False' \
  "$state" || fail "bad /state: $state"

out=$(curl -sS -m 5 -o "$work/snap.jpg" -w '%{http_code} %{content_type}' "$url/snapshot")
[ "$out" = "200 image/jpeg" ] || fail "snapshot: $out"
python3 - "$work/snap.jpg" <<'PY' || fail "snapshot is not a whole JPEG"
import sys
d = open(sys.argv[1], "rb").read()
assert len(d) > 1000 and d[:2] == b"\xff\xd8" and d[-2:] == b"\xff\xd9", len(d)
PY

# Four concurrent streams for two seconds: each must carry whole frames,
# every part's Content-Length matching the JPEG that follows it.
for i in 1 2 3 4; do
  curl -s --max-time 2 -o "$work/stream$i" "$url/stream?key=c$i" &
done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null
for i in 1 2 3 4; do
  python3 - "$work/stream$i" "$work/snap.jpg" <<'PY' || fail "stream $i"
import re, sys
data = open(sys.argv[1], "rb").read()
snap = open(sys.argv[2], "rb").read()
frames = 0
for m in re.finditer(rb"--boundarydonotcross\r\n(.*?)\r\n\r\n", data, re.S):
    headers = dict(l.split(b": ", 1) for l in m.group(1).split(b"\r\n"))
    n = int(headers[b"Content-Length"])
    body = data[m.end():m.end() + n]
    if len(body) < n:
        break  # the last part may be cut by --max-time
    assert headers[b"Content-Type"] == b"image/jpeg"
    assert body == snap, "frame differs from the snapshot"
    frames += 1
assert frames >= 1, "no whole frame"
PY
done

# Keep-alive across several URLs on one connection; an unknown path is 404.
codes=$(curl -sS -m 5 -w '%{http_code} %{num_connects}\n' -o /dev/null "$url/state" \
  -o /dev/null "$url/snapshot" -o /dev/null "$url/?action=snapshot" -o /dev/null "$url/nothing-here")
[ "$(echo $codes)" = "200 1 200 0 200 0 404 0" ] || fail "keep-alive/404: $codes"

kill -TERM $pid
wait $pid
rc=$?
trap 'rm -rf "$work"' EXIT
grep -q "Bye-bye" "$work/log" || fail "no clean shutdown"
echo "ustreamer exited with $rc"
[ $rc -eq 0 ]
