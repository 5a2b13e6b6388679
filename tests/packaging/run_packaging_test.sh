#!/usr/bin/env bash
# Installs the build into a temporary prefix, then checks what a user of
# the installed package sees:
#   1. the files (libraries, links, archives, headers, .pc files);
#   2. every .pc file's fields equal the reference's (Debian's libevent-dev)
#      apart from prefix and paths;
#   3. for each .pc file, a consumer that uses that library builds with the
#      `--cflags --libs` line and with the `--static --libs` line, and runs
#      on the installed libraries; with the static line it also links the
#      archives alone (-Wl,-Bstatic) and runs without any libevent mapped;
#   4. find_package(Libevent) with every combination of components builds
#      and runs a consumer linking those targets.
# Usage: run_packaging_test.sh <build-dir> <source-dir>
set -euo pipefail
build_dir=$1
src_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
ref_pc_dir=/usr/lib/x86_64-linux-gnu/pkgconfig

cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"
libdir=$prefix/lib
[ -d "$prefix/lib/x86_64-linux-gnu" ] && libdir=$prefix/lib/x86_64-linux-gnu

source "$(dirname "$0")/checks.sh"

libs=(event event_core event_extra event_pthreads)
components=(core extra pthreads)
if [ -e "$build_dir/src/libevent_openssl-2.1.so.7" ]; then
  libs+=(event_openssl)
  components+=(openssl)
else
  echo "note: libevent_openssl not built (EVENT_BUILD_OPENSSL=OFF); not checked"
fi

# 1. Files.
for lib in "${libs[@]}"; do
  check "installed lib$lib-2.1.so.7" test -e "$libdir/lib$lib-2.1.so.7"
  check "installed lib$lib.so" test -e "$libdir/lib$lib.so"
  check "installed lib$lib.a" test -e "$libdir/lib$lib.a"
  check "installed lib$lib.pc" test -e "$libdir/pkgconfig/lib$lib.pc"
done
for h in event.h evdns.h evhttp.h evrpc.h evutil.h event2/event.h event2/util.h; do
  check "installed include/$h" test -e "$prefix/include/$h"
done

# 2. The .pc fields ("Key: value" lines; variables hold the paths).
pc_fields() { # file: "Key: value" with blanks collapsed, sorted
  sed -n 's/^\([A-Za-z.]*\):[[:space:]]*\(.*\)$/\1: \2/p' "$1" | sed 's/[[:space:]]\+/ /g; s/ $//' | sort
}
export PKG_CONFIG_PATH=$libdir/pkgconfig
export PKG_CONFIG_LIBDIR=$libdir/pkgconfig
for lib in "${libs[@]}"; do
  pc=lib$lib
  check "pkg-config $pc version" test "$(pkg-config --modversion $pc)" = "2.1.12-stable"
  if [ -e "$ref_pc_dir/$pc.pc" ]; then
    check "$pc.pc fields equal the reference's" \
      diff <(pc_fields "$ref_pc_dir/$pc.pc") <(pc_fields "$libdir/pkgconfig/$pc.pc")
  else
    echo "note: no reference $ref_pc_dir/$pc.pc to compare with"
  fi
done
check "pkg-config --libs libevent" test "$(echo $(pkg-config --libs libevent))" = "-L$libdir -levent"

# 3. A consumer per .pc file.  What it uses: the core API where the .pc
# file provides it, plus the library's own function when the installed
# library exports one (libevent_extra and libevent_openssl are being filled in).
exported() { # library-file function...: prints the first one exported
  local f
  for f in "${@:2}"; do
    if nm -D --defined-only "$1" | awk '{print $3}' | grep -qx "$f"; then
      echo "$f"
      return
    fi
  done
}
extra_fn=$(exported "$libdir/libevent_extra.so" evhttp_new evdns_base_new evtag_init)
extra_in_event=$(exported "$libdir/libevent.so" evhttp_new evdns_base_new evtag_init)
openssl_fn=""
if [[ " ${libs[*]} " == *" event_openssl "* ]]; then
  openssl_fn=$(exported "$libdir/libevent_openssl.so" bufferevent_openssl_socket_new)
fi
defs_for() { # library
  case $1 in
    event) echo "-DCONSUMER_CORE ${extra_in_event:+-DCONSUMER_EXTRA_$extra_in_event}" ;;
    event_core) echo "-DCONSUMER_CORE" ;;
    # The reference's libevent_extra.pc names no libevent_core: its users call
    # libevent_extra's functions only (core ones would need libevent_core.pc too).
    event_extra) echo "${extra_fn:+-DCONSUMER_EXTRA_$extra_fn}" ;;
    event_pthreads) echo "-DCONSUMER_CORE -DCONSUMER_PTHREADS" ;;
    event_openssl) echo "-DCONSUMER_CORE ${openssl_fn:+-DCONSUMER_OPENSSL}" ;;
  esac
}
consumer=$src_dir/tests/packaging/consumer/consumer.c
cc_pc() { # output defs pkg-config-args...: compile + link with those flags
  local out=$1 defs=$2
  shift 2
  # shellcheck disable=SC2046,SC2086
  cc -Wall -Wextra $defs $(pkg-config --cflags "$@") -o "$out" "$consumer" $(pkg-config "$@")
}
cc_pc_archives() { # output defs pc: the --static line, libraries from their archives
  local out=$1 defs=$2 pc=$3
  # shellcheck disable=SC2046,SC2086
  cc -Wall -Wextra $defs $(pkg-config --cflags "$pc") -o "$out" "$consumer" \
    -Wl,-Bstatic $(pkg-config --static --libs "$pc") -Wl,-Bdynamic
}
for lib in "${libs[@]}"; do
  pc=lib$lib
  defs=$(defs_for "$lib")
  echo "-- $pc (consumer: ${defs:-no function of its own exported yet})"
  echo "   --libs: $(pkg-config --libs $pc); --static --libs: $(pkg-config --static --libs $pc)"
  check "$pc: link with --libs" cc_pc "$work/c-$lib" "$defs" --libs "$pc"
  check "$pc: link with --static --libs" cc_pc "$work/cs-$lib" "$defs" --static --libs "$pc"
  if [ -n "$defs" ]; then # (a consumer using nothing may not load the library at all)
    check "$pc: run (--libs)" env LD_LIBRARY_PATH="$libdir" "$work/c-$lib" "$libdir/"
    check "$pc: run (--static --libs)" env LD_LIBRARY_PATH="$libdir" "$work/cs-$lib" "$libdir/"
  fi
  if [ "$lib" = event_extra ] && [ -n "$extra_fn" ]; then
    # libevent_extra.a needs libevent_core's archive, which the reference's
    # libevent_extra.pc does not name either.
    check "$pc: archives link with --static --libs libevent_extra libevent_core" \
      cc_pc_archives "$work/ca-$lib" "$defs" "$pc libevent_core"
    check "$pc: run (archives; no libevent mapped)" "$work/ca-$lib" static
  else
    check "$pc: archives link with --static --libs" cc_pc_archives "$work/ca-$lib" "$defs" "$pc"
    check "$pc: run (archives; no libevent mapped)" "$work/ca-$lib" static
  fi
done

# 4. find_package with every combination of components (one build tree,
# reconfigured per combination), and without COMPONENTS.
combos=("")
for comp in "${components[@]}"; do
  n=${#combos[@]}
  for ((i = 0; i < n; i++)); do combos+=("${combos[$i]:+${combos[$i]};}$comp"); done
done
combos=("${combos[@]:1}" event "event;pthreads")
cbuild=$work/cmake-build
check "configure consumer (find_package, no COMPONENTS)" cmake -S "$src_dir/tests/packaging/consumer" \
  -B "$cbuild" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release -DLIBEVENT_COMPONENTS= \
  -DCONSUMER_DEFS=CONSUMER_CORE -Wno-dev
check "build consumer (find_package, no COMPONENTS)" cmake --build "$cbuild"
check "run consumer (find_package, no COMPONENTS)" "$cbuild/consumer-cmake" "$libdir/"
for combo in "${combos[@]}"; do
  defs="CONSUMER_CORE"
  [[ ";$combo;" == *";pthreads;"* ]] && defs+=";CONSUMER_PTHREADS"
  [[ ";$combo;" == *";openssl;"* && -n "$openssl_fn" ]] && defs+=";CONSUMER_OPENSSL"
  [[ ";$combo;" == *";extra;"* && -n "$extra_fn" ]] && defs+=";CONSUMER_EXTRA_$extra_fn"
  what="find_package COMPONENTS ${combo//;/ }"
  rm -f "$cbuild/consumer-cmake"
  if cmake -S "$src_dir/tests/packaging/consumer" -B "$cbuild" -DLIBEVENT_COMPONENTS="$combo" \
    -DCONSUMER_DEFS="$defs" -Wno-dev >"$work/cmake.log" 2>&1 &&
    cmake --build "$cbuild" >>"$work/cmake.log" 2>&1; then
    # The CMake consumer carries a RUNPATH to the prefix: no LD_LIBRARY_PATH.
    # Except with libevent::event and ::pthreads: the linker drops the unused
    # libevent_core, and libevent_pthreads' own libevent_core is not looked
    # up in the program's RUNPATH (the README's warning).
    env=()
    [ "$combo" = "event;pthreads" ] && env=(LD_LIBRARY_PATH="$libdir")
    check "$what: build and run" env "${env[@]}" "$cbuild/consumer-cmake" "$libdir/"
  else
    echo "FAIL: $what: configure or build"
    tail -20 "$work/cmake.log" | sed 's/^/    /'
    fail=1
  fi
done

finish "packaging test"
