#!/usr/bin/env bash
# Debian's sslsplit, unmodified, on our libraries: an SNI proxy that finds
# the origin server by resolving the TLS client's server name with evdns
# (evdns_base_resolv_conf_parse of /etc/resolv.conf, evdns_getaddrinfo).
# Everything runs in a private network and mount namespace (unshare -rnm)
# whose /etc/resolv.conf names unbound on 127.0.0.1, serving one static
# zone; 20 TLS connections through the proxy must each echo their message
# back from the origin.
# Usage: sslsplit_sni.sh <our-lib-dir>.  Exit 77 (skipped) when sslsplit,
# unbound or user namespaces are missing, or our libraries do not export
# what sslsplit imports yet (it needs libevent_openssl too).
# SSLSPLIT_REFERENCE=1 runs the same workload on the system's libevent.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_common.sh"
libdir=$(cd "$1" && pwd -P)
bin=$(command -v sslsplit || true)

if [ "${2:-}" != --inner ]; then
  [ -n "$bin" ] || { echo "SKIP: sslsplit is not installed"; exit 77; }
  command -v unbound >/dev/null || { echo "SKIP: unbound is not installed"; exit 77; }
  unshare -rnm true 2>/dev/null || { echo "SKIP: no user namespaces"; exit 77; }
  if [ -z "${SSLSPLIT_REFERENCE:-}" ]; then
    for lib in libevent-2.1.so.7 libevent_openssl-2.1.so.7 libevent_pthreads-2.1.so.7; do
      [ -e "$libdir/$lib" ] || { echo "SKIP: no $lib in $libdir yet"; exit 77; }
    done
    all=$(mktemp)
    for lib in libevent-2.1.so.7 libevent_openssl-2.1.so.7 libevent_pthreads-2.1.so.7; do
      nm -D --defined-only "$libdir/$lib" | awk '{print $3}'
    done | sort -u > "$all"
    missing=$(comm -23 <(nm -D --undefined-only "$bin" | awk '{print $2}' | grep -v '@' |
      grep -E '^(event|evbuffer|bufferevent|evutil|evconnlistener|evthread|evdns|evhttp)' | sort -u) "$all")
    rm -f "$all"
    [ -z "$missing" ] || { echo "SKIP: our libraries do not export yet:" $missing; exit 77; }
  fi
  exec timeout 100 unshare -rnm "$0" "$libdir" --inner
fi

# Inside the namespace: loopback only, our resolv.conf.
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ip link set lo up || { echo "FAIL: lo up"; exit 1; }
# A non-loopback address, so getaddrinfo(AI_ADDRCONFIG) offers IPv4 at all
# (no packet can leave: lo is the only interface).
ip addr add 192.0.2.254/32 dev lo || { echo "FAIL: address"; exit 1; }
echo "nameserver 127.0.0.1" > "$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf || { echo "FAIL: bind mount"; exit 1; }

cat > "$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  use-syslog: no
  logfile: "$work/unbound.log"
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  local-zone: "." static
  local-data: "origin.dropin.test. 60 IN A 127.0.0.1"
remote-control:
  control-enable: no
CONF
unbound -d -c "$work/unbound.conf" & pids+=($!)

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=dropin CA" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null || { echo "FAIL: CA"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=origin.dropin.test" \
  -keyout "$work/origin.key" -out "$work/origin.crt" 2>/dev/null || { echo "FAIL: cert"; exit 1; }

# The origin: a TLS echo server that prefixes "origin:".
python3 - "$work" <<'PY' & pids+=($!)
import socket, ssl, sys, threading
work = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(work + "/origin.crt", work + "/origin.key")
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 4443))
srv.listen(64)
def serve(c):
    try:
        with ctx.wrap_socket(c, server_side=True) as s:
            data = s.recv(4096)
            s.sendall(b"origin:" + data)
    except Exception:
        pass
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY

if [ -n "${SSLSPLIT_REFERENCE:-}" ]; then env=(env -u LD_LIBRARY_PATH); else env=(env LD_LIBRARY_PATH="$libdir"); fi
"${env[@]}" "$bin" -D -u root -k "$work/ca.key" -c "$work/ca.crt" \
  ssl 127.0.0.1 8443 sni 4443 > "$work/sslsplit.log" 2>&1 & ss=$!; pids+=($ss)

for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', 8443), 0.2)" 2>/dev/null && break
  sleep 0.1
done
kill -0 "$ss" 2>/dev/null || { echo "FAIL: sslsplit exited:"; tail -n 30 "$work/sslsplit.log"; exit 1; }
if [ -z "${SSLSPLIT_REFERENCE:-}" ]; then
  assert_loaded_from "$ss" "$libdir" libevent-2.1.so.7 || exit 1
  assert_loaded_from "$ss" "$libdir" libevent_openssl-2.1.so.7 || exit 1
fi

python3 - <<'PY'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ok = 0
for i in range(20):
    msg = ("hello %d" % i).encode()
    with socket.create_connection(("127.0.0.1", 8443), 10) as raw:
        with ctx.wrap_socket(raw, server_hostname="origin.dropin.test") as s:
            s.sendall(msg)
            got = b""
            while not got.endswith(msg):
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
    if got != b"origin:" + msg:
        print("FAIL: connection %d got %r" % (i, got))
        sys.exit(1)
    ok += 1
print("ok: %d TLS connections proxied to the origin found through evdns" % ok)
PY
status=$?
if [ $status -ne 0 ]; then echo "--- sslsplit log:"; tail -n 30 "$work/sslsplit.log"; fi
exit $status
