#!/usr/bin/env bash
# Debian's sslsplit, unmodified, on our libevent-2.1.so.7 and
# libevent_openssl-2.1.so.7: a TLS interception proxy built on OpenSSL
# bufferevents (an accepting socket one towards the client, a connecting one
# with fd -1 and bufferevent_socket_connect towards the server).  Behind it
# `openssl s_server -rev` (each line comes back reversed); in front of it
# `openssl s_client` trusting only the proxy's CA.  Checked: the client gets
# the reversed line through a certificate forged by sslsplit, the content
# log holds both plaintext directions, the connect log both TLS versions,
# and no bufferevent error is reported on a clean close.
# Usage: sslsplit.sh <our-lib-dir>.  Exit 77 (skipped) when sslsplit or
# openssl is missing or our libraries do not export everything it imports.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_common.sh"
libdir=$1
bin=$(command -v sslsplit || true)
[ -n "$bin" ] || { echo "SKIP: sslsplit is not installed"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 77; }
# Its libevent imports come from three of our libraries.
missing=$(comm -23 \
  <(nm -D --undefined-only "$bin" | awk '{print $2}' | grep -v '@' |
    grep -E '^(event|evbuffer|bufferevent|evutil|evconnlistener|evthread|evdns|ev_token_bucket)' |
    sort -u) \
  <(for l in libevent-2.1.so.7 libevent_openssl-2.1.so.7 libevent_pthreads-2.1.so.7; do
      nm -D --defined-only "$libdir/$l" | awk '{print $3}'; done | sort -u))
[ -z "$missing" ] || { echo "SKIP: our libraries do not export yet:" $missing; exit 77; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj "/CN=dropin CA" \
  -days 1 2>/dev/null || { echo "FAIL: CA"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key \
  -out srv.crt -subj /CN=localhost -days 1 2>/dev/null || { echo "FAIL: server cert"; exit 1; }

openssl s_server -accept 127.0.0.1:0 -cert srv.crt -key srv.key -rev -naccept 2 </dev/null \
  >server.out 2>&1 &
pids+=($!)
bport=""
for _ in $(seq 100); do
  bport=$(grep -o 'ACCEPT 127.0.0.1:[0-9]*' server.out | cut -d: -f2)
  [ -n "$bport" ] && break
  sleep 0.05
done
[ -n "$bport" ] || { echo "FAIL: s_server did not start"; cat server.out; exit 1; }

lport=$(free_port)
LD_LIBRARY_PATH=$libdir "$bin" -D -k ca.key -c ca.crt -l conn.log -L content.log \
  ssl 127.0.0.1 "$lport" 127.0.0.1 "$bport" >split.out 2>&1 &
spid=$!
pids+=($spid)
# Listening (state 0A) on the port, without connecting to it.
hexport=$(printf '%04X' "$lport")
for _ in $(seq 200); do
  grep -q ":$hexport 00000000:0000 0A" /proc/net/tcp && break
  sleep 0.05
done
assert_loaded_from "$spid" "$libdir" libevent-2.1.so.7 || exit 1
assert_loaded_from "$spid" "$libdir" libevent_openssl-2.1.so.7 || exit 1

(echo "hello through sslsplit"; sleep 1) |
  timeout 10 openssl s_client -connect 127.0.0.1:"$lport" -CAfile ca.crt -verify_return_error \
    -quiet -no_ign_eof >client.out 2>client.err
grep -qx 'tilpslss hguorht olleh' client.out ||
  { echo "FAIL: no reversed line through the proxy"; cat client.out client.err split.out; exit 1; }
echo "ok: line reversed by s_server came back through sslsplit"
grep -q 'depth=1 CN = dropin CA' client.err ||
  { echo "FAIL: the client did not see the forged chain"; cat client.err; exit 1; }
echo "ok: certificate forged by sslsplit verified against its CA"

for _ in $(seq 50); do grep -q 'tilpslss' content.log 2>/dev/null && break; sleep 0.1; done
grep -qx 'hello through sslsplit' content.log && grep -qx 'tilpslss hguorht olleh' content.log ||
  { echo "FAIL: content log"; cat content.log; exit 1; }
echo "ok: both plaintext directions in the content log"
grep -q 'sproto:TLSv1.3.*dproto:TLSv1.3' conn.log || { echo "FAIL: connect log"; cat conn.log; exit 1; }
echo "ok: connect log names TLS 1.3 on both legs"
# A client that closes TCP without close_notify: sslsplit allows dirty
# shutdowns, so this is an EOF too, not an error (2.1.12 on OpenSSL 3
# reports an error here).
python3 - "$lport" >dirty.out 2>&1 <<'PY' || { echo "FAIL: dirty client"; cat dirty.out; exit 1; }
import socket, ssl, sys
ctx = ssl.create_default_context(cafile="ca.crt")
ctx.check_hostname = False
raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
tls = ctx.wrap_socket(raw, server_hostname="localhost")
tls.sendall(b"dirty close\n")
print(tls.recv(100).decode().strip())
tls.shutdown(socket.SHUT_RDWR)  # TCP only: SSLSocket.shutdown sends no close_notify
tls.close()
PY
grep -qx 'esolc ytrid' dirty.out || { echo "FAIL: dirty client got no reply"; cat dirty.out; exit 1; }
sleep 0.5
if grep -q 'Error from' split.out; then
  echo "FAIL: sslsplit reported a bufferevent error"; cat split.out; exit 1
fi
echo "ok: clean and dirty closes ended without bufferevent errors"
kill "$spid"
