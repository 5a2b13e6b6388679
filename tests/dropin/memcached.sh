#!/usr/bin/env bash
# Debian's memcached, unmodified, on our libevent-2.1.so.7: set and get
# 10,000 keys over TCP and check every value.
# Usage: memcached.sh <our-lib-dir>.  Exit 77 (skipped) when memcached is
# not installed or our library does not export what it imports yet.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_common.sh"
libdir=$1
bin=$(command -v memcached || true)
[ -n "$bin" ] || { echo "SKIP: memcached is not installed"; exit 77; }
lib_exports_all "$libdir/libevent-2.1.so.7" "$bin" || { echo "SKIP"; exit 77; }

port=$(free_port)
LD_LIBRARY_PATH=$libdir "$bin" -l 127.0.0.1 -p "$port" -U 0 -m 64 -u nobody &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
assert_loaded_from "$pid" "$libdir" libevent-2.1.so.7 || exit 1
python3 "$here/memcached_client.py" 127.0.0.1 "$port" 10000 || exit 1
kill -TERM $pid
wait $pid
echo "memcached exited with $?"
trap - EXIT
