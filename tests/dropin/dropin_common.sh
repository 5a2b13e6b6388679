# Shared helpers for running a Debian program on our libraries.
# Sourced by the tests/dropin/*.sh scripts.

# lib_dir_exports_all <lib-dir> <library-file> <program>: true when our
# library exports every libevent symbol the program imports.  Prints the
# missing ones otherwise.
lib_exports_all() {
  local lib=$1 program=$2 missing
  missing=$(comm -23 \
    <(nm -D --undefined-only "$program" | awk '{print $2}' | grep -v '@' | grep -E '^(event|evbuffer|bufferevent|evutil|evconnlistener|evthread|evdns|evhttp|evrpc|evtag|ev_token_bucket)' | sort -u) \
    <(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u))
  if [ -n "$missing" ]; then
    echo "our $(basename "$lib") does not export yet:" $missing
    return 1
  fi
}

# assert_loaded_from <pid> <dir> <soname>: the process mapped <soname> from <dir>.
assert_loaded_from() {
  local pid=$1 dir=$2 soname=$3 path
  path=$(grep -o "/[^ ]*${soname%.so.7}[^ ]*" "/proc/$pid/maps" | head -n 1)
  if [ -z "$path" ]; then
    echo "FAIL: process $pid has no $soname mapped"; return 1
  fi
  case "$(readlink -f "$path")" in
    "$(readlink -f "$dir")"/*) echo "ok: $soname loaded from $path" ;;
    *) echo "FAIL: $soname loaded from $path, not from $dir"; return 1 ;;
  esac
}

# free_port: a TCP port on 127.0.0.1 nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
