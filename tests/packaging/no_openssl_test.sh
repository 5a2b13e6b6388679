#!/usr/bin/env bash
# A machine without OpenSSL's development files (Debian's libssl-dev): in a
# private mount namespace, overlays hide every file of that package (the
# headers, libssl.so/libcrypto.so, the archives, the .pc files), which this
# test first proves (no header, no pkg-config module, CMake's
# find_package(OpenSSL) fails).  Then, against the installed package:
#   - find_package(Libevent) without COMPONENTS, with core, with
#     core extra pthreads, and with OPTIONAL_COMPONENTS openssl configure,
#     build and run a consumer;
#   - find_package(Libevent COMPONENTS openssl) fails with a message naming OpenSSL;
#   - our own project configures without -DEVENT_BUILD_OPENSSL (libevent_openssl off).
# Needs root (unshare -m, overlayfs); exits 77 (skipped) where that is refused.
# Usage: no_openssl_test.sh <build-dir> <source-dir>
set -euo pipefail
build_dir=$(cd "$1" && pwd)
src_dir=$(cd "$2" && pwd)
if [ "${NO_OPENSSL_INSIDE:-}" != 1 ]; then
  if ! dpkg-query -W -f='${Status}' libssl-dev 2>/dev/null | grep -q "install ok installed"; then
    echo "libssl-dev is not installed here: nothing to hide"
  fi
  if ! unshare -m --propagation private true 2>/dev/null; then
    echo "SKIP: cannot create a mount namespace (needs root)"
    exit 77
  fi
  exec env NO_OPENSSL_INSIDE=1 unshare -m --propagation private "$0" "$build_dir" "$src_dir"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"

# Install first (the overlays below hide nothing of ours).
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"
libdir=$prefix/lib

# Hide libssl-dev: one overlay per directory holding its files, with a
# whiteout (character device 0:0) for each of them.
hide() { # directory
  local dir=$1 upper=$work/upper$1 f rel
  mkdir -p "$upper" "$work/ovl-work$1"
  while read -r f; do
    case $f in "$dir"/*) ;; *) continue ;; esac
    [ -d "$f" ] && [ ! -L "$f" ] && continue
    rel=${f#"$dir"/}
    mkdir -p "$upper/$(dirname "$rel")"
    mknod "$upper/$rel" c 0 0
  done < <(dpkg -L libssl-dev 2>/dev/null)
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$upper,workdir=$work/ovl-work$1" "$dir"
}
if dpkg-query -W libssl-dev >/dev/null 2>&1; then
  if ! { hide /usr/include && hide /usr/lib/x86_64-linux-gnu; }; then
    echo "SKIP: overlayfs refused"
    exit 77
  fi
fi

# The proof that OpenSSL's development files are gone.
check "no <openssl/ssl.h>" test ! -e /usr/include/openssl/ssl.h
check "no libssl.so" test ! -e /usr/lib/x86_64-linux-gnu/libssl.so
check "no pkg-config module openssl" fails pkg-config --exists openssl
mkdir -p "$work/probe"
cat >"$work/probe/CMakeLists.txt" <<'PROBE'
cmake_minimum_required(VERSION 3.20)
project(probe C)
find_package(OpenSSL REQUIRED)
PROBE
check "CMake's find_package(OpenSSL) fails" fails cmake -S "$work/probe" -B "$work/probe-build"

consumer=$src_dir/tests/packaging/consumer
cbuild=$work/cmake-build
configure() { # components [optional-components]
  cmake -S "$consumer" -B "$cbuild" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DLIBEVENT_COMPONENTS="$1" -DLIBEVENT_OPTIONAL_COMPONENTS="${2:-}" -DCONSUMER_DEFS=CONSUMER_CORE -Wno-dev
}
build_run() { # components [optional-components]
  rm -f "$cbuild/consumer-cmake"
  configure "$@" && cmake --build "$cbuild" && "$cbuild/consumer-cmake" "$libdir/"
}
check "find_package(Libevent) (no COMPONENTS)" build_run ""
check "find_package(Libevent COMPONENTS core)" build_run "core"
check "find_package(Libevent COMPONENTS core extra pthreads)" build_run "core;extra;pthreads"
check "find_package(Libevent COMPONENTS core OPTIONAL_COMPONENTS openssl)" build_run "core" "openssl"
check "... reports Libevent_openssl_FOUND false" grep -q "Libevent_openssl_FOUND=FALSE" "$work/last.log"
if [ -e "$libdir/libevent_openssl.so" ]; then
  rm -rf "$cbuild"
  check "find_package(Libevent COMPONENTS openssl) fails" fails configure "core;openssl"
  check "... saying it needs OpenSSL" grep -q "needs OpenSSL" "$work/last.log"
fi
check "our project configures without OpenSSL (library only)" \
  cmake -S "$src_dir" -B "$work/ours" -G Ninja -DEVENT_BUILD_TESTS=OFF -DEVENT_BUILD_SAMPLES=OFF \
  -DEVENT_BUILD_BENCH=OFF
check "... with libevent_openssl off" grep -q "EVENT_BUILD_OPENSSL:BOOL=OFF" "$work/ours/CMakeCache.txt"
check "... and -DEVENT_BUILD_OPENSSL=ON fails" fails \
  cmake -S "$src_dir" -B "$work/ours-ssl" -G Ninja -DEVENT_BUILD_TESTS=OFF -DEVENT_BUILD_SAMPLES=OFF \
  -DEVENT_BUILD_BENCH=OFF -DEVENT_BUILD_OPENSSL=ON

finish "no-OpenSSL packaging test"
