#!/bin/sh
# The share of an echo server's CPU time spent inside the kernel's TCP send
# and receive calls (tcp_sendmsg, tcp_recvmsg, everything under them: the
# loopback delivery to the peer included).  No server, with or without a
# library, can spend less per message than that share of the plain-epoll
# floor; bench/README.md uses it to bound what io_uring can save.
# Usage: bench/tcp_share.sh [bin-dir [libdir]] [-- extra bufferevent_bench args]
# Needs perf (Debian: linux-perf) and kernel.perf_event_paranoid <= 1 (or root).
set -eu
bin=${1:-build/bench}
lib=${2:-build/src}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
data=$(mktemp)
trap 'rm -f "$data"' EXIT
for mode in floor echo; do
  for env in "" "EVENT_IOURING=1"; do
    [ "$mode" = floor ] && [ -n "$env" ] && continue
    env LD_LIBRARY_PATH="$lib" BENCH_EXPECT_LIBDIR="$lib" $env \
      perf record -q -F 10000 --no-inherit -g -o "$data" -- \
      "$bin/bufferevent_bench" -m "$mode" -c 100 -s 64 -n 20000 -r 3 -u 1 "$@" >/dev/null 2>&1
    perf report -i "$data" --children --sort sym -g none --stdio 2>/dev/null |
      awk -v what="$mode${env:+ ($env)}" '
        $NF == "tcp_sendmsg" { send = $1 + 0 }
        $NF == "tcp_recvmsg" { recv = $1 + 0 }
        END { printf "%-24s tcp_sendmsg %5.1f%%  tcp_recvmsg %5.1f%%  together %5.1f%%\n",
                     what, send, recv, send + recv }'
  done
done
