#!/usr/bin/env bash
# Debian's tmux, unmodified, on our libevent_core-2.1.so.7: start a server
# on a private socket, open a detached session running a shell, type a
# command that prints a marker, read it back with capture-pane, resize the
# window, then kill the session and the server.
# Usage: tmux.sh <our-lib-dir>.  Exit 77 (skipped) when tmux is missing or
# our library does not export everything tmux imports yet.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dropin_common.sh"
libdir=$1
bin=$(command -v tmux || true)
[ -n "$bin" ] || { echo "SKIP: tmux is not installed"; exit 77; }
lib_exports_all "$libdir/libevent_core-2.1.so.7" "$bin" || { echo "SKIP"; exit 77; }

work=$(mktemp -d)
sock=$work/tmux.sock
t() { LD_LIBRARY_PATH=$libdir TERM=xterm "$bin" -S "$sock" -f /dev/null "$@"; }
cleanup() { t kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

t new-session -d -s dropin -x 80 -y 24 "sh" || { echo "FAIL: new-session"; exit 1; }
pid=$(t display-message -p '#{pid}') || { echo "FAIL: display-message"; exit 1; }
assert_loaded_from "$pid" "$libdir" libevent_core-2.1.so.7 || exit 1

t send-keys -t dropin 'echo marker-$((6*7))-done' Enter
found=""
for _ in $(seq 50); do
  if t capture-pane -p -t dropin | grep -q '^marker-42-done$'; then found=1; break; fi
  sleep 0.1
done
[ -n "$found" ] || { echo "FAIL: marker not seen in the pane:"; t capture-pane -p -t dropin; exit 1; }
echo "ok: marker printed by the shell read back with capture-pane"

t resize-window -t dropin -x 100 -y 30 || { echo "FAIL: resize-window"; exit 1; }
size=$(t display-message -p -t dropin '#{window_width}x#{window_height}')
[ "$size" = "100x30" ] || { echo "FAIL: window is $size after resize, expected 100x30"; exit 1; }
echo "ok: window resized to $size"

t kill-session -t dropin || { echo "FAIL: kill-session"; exit 1; }
# With its last session gone the server exits by itself; make sure it does.
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "FAIL: tmux server still running"; exit 1; fi
echo "ok: session killed and server exited"
