#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds two consumers
# against it (pkg-config + make, and CMake find_package), runs them and
# checks they loaded the installed libraries, not the system's.
set -euo pipefail
build_dir=$1
src_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"
libdir=$prefix/lib
[ -d "$prefix/lib/x86_64-linux-gnu" ] && libdir=$prefix/lib/x86_64-linux-gnu

fail=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

for lib in event event_core event_extra event_pthreads event_openssl; do
  check "installed lib$lib-2.1.so.7" test -e "$libdir/lib$lib-2.1.so.7"
  check "installed lib$lib.so" test -e "$libdir/lib$lib.so"
  check "installed lib$lib.a" test -e "$libdir/lib$lib.a"
  check "installed lib$lib.pc" test -e "$libdir/pkgconfig/lib$lib.pc"
done
for h in event.h evdns.h evhttp.h evrpc.h evutil.h event2/event.h event2/util.h; do
  check "installed include/$h" test -e "$prefix/include/$h"
done

export PKG_CONFIG_PATH=$libdir/pkgconfig
export PKG_CONFIG_LIBDIR=$libdir/pkgconfig
for pc in libevent libevent_core libevent_extra libevent_pthreads libevent_openssl; do
  check "pkg-config $pc version" test "$(pkg-config --modversion $pc)" = "2.1.12-stable"
done
check "pkg-config --libs libevent" test "$(echo $(pkg-config --libs libevent))" = "-L$libdir -levent"

# 1. pkg-config + make.
cp "$src_dir/tests/packaging/consumer/consumer.c" "$src_dir/tests/packaging/consumer/Makefile" "$work/"
check "make consumer (pkg-config)" make -s -C "$work" consumer-pkgconfig
check "run consumer (pkg-config)" env LD_LIBRARY_PATH="$libdir" "$work/consumer-pkgconfig" "$libdir/"

# 2. CMake find_package.
check "configure consumer (find_package)" cmake -S "$src_dir/tests/packaging/consumer" -B "$work/cmake-build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release -Wno-dev >"$work/cmake.log"
check "build consumer (find_package)" cmake --build "$work/cmake-build" >>"$work/cmake.log"
# The CMake consumer carries an RPATH to the prefix; LD_LIBRARY_PATH is not needed.
check "run consumer (find_package)" "$work/cmake-build/consumer-cmake" "$libdir/"

if [ $fail -ne 0 ]; then
  echo "packaging test FAILED"; exit 1
fi
echo "packaging test passed"
