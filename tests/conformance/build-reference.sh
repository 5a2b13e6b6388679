#!/usr/bin/env bash
# Obtains libevent 2.1.12's source from Debian's source package and builds its
# regression programs (regress and the test-* programs) into <cache-dir>, once.
#
#   build-reference.sh <cache-dir> <shim-source>
#
# Nothing of libevent is kept in our tree: the source is fetched at test time
# with `apt-get source`, using a deb-src list, package lists and apt cache of
# its own under <cache-dir>/apt, so the machine's apt configuration is neither
# read for sources nor changed.  The programs are linked against the installed
# reference libraries (libevent-dev) with no RPATH/RUNPATH, so at run time they
# load whichever libevent*-2.1.so.7 the loader finds first (LD_LIBRARY_PATH).
# <shim-source> is our own small library providing the internal (non-public)
# libevent functions the programs import; run.py preloads it.
#
# Result: <cache-dir>/bin/{regress,test-*}, <cache-dir>/bin/libconformance_shim.so.
# Set LIBEVENT_SOURCE_DIR to an unpacked libevent-2.1.12 source to skip the
# download (offline machines).
set -euo pipefail

cache=$(mkdir -p "$1" && cd "$1" && pwd)
shim_src=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")" && pwd)
bin=$cache/bin
# The programs are rebuilt when this script changes, the shim when it changes.
want_programs=$(cat "$0" "$here/evbuffer_check.c" | sha256sum | cut -c1-16)
want_shim=$(cat "$0" "$shim_src" | sha256sum | cut -c1-16)
log=$cache/build.log
step() { echo "conformance: $*"; }
fail() {
  tail -n 30 "$log"
  exit 1
}
mkdir -p "$bin"
if [ "$(cat "$bin/.programs" 2>/dev/null)" = "$want_programs" ]; then
  if [ "$(cat "$bin/.shim" 2>/dev/null)" != "$want_shim" ]; then
    build_shim=1
  else
    exit 0
  fi
else
  rm -rf "$bin"
  mkdir -p "$bin"
  build_shim=0
fi
: >"$log"

src=$cache/src
[ -n "${LIBEVENT_SOURCE_DIR:-}" ] && src=$LIBEVENT_SOURCE_DIR
cfg=$cache/cfg
cc=${CC:-cc}

if [ "$build_shim" = 0 ]; then
# 1. The source.
if [ -n "${LIBEVENT_SOURCE_DIR:-}" ]; then
  :
elif [ ! -f "$src/test/regress_main.c" ]; then
  step "fetching libevent's Debian source package"
  apt_dir=$cache/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/get"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  # Suites of the running Debian release (bookworm carries 2.1.12).
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  {
    echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian $codename main"
    echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian $codename-updates main"
    echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian-security $codename-security main"
  } >"$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Get::List-Cleanup=0"
    -o "APT::Sandbox::User=root")
  apt-get "${apt_opts[@]}" -q update >>"$log" 2>&1 || {
    cat "$log"
    exit 1
  }
  # The version the reference libraries on this machine were built from, if
  # the archive still has it; else the newest 2.1.12 the suites carry.
  version=$(dpkg-query -W -f '${Version}' libevent-dev 2>/dev/null || true)
  (cd "$apt_dir/get" && rm -rf ./* &&
    { apt-get "${apt_opts[@]}" -q source --download-only "libevent=$version" ||
      apt-get "${apt_opts[@]}" -q source --download-only libevent; }) >>"$log" 2>&1 || {
    cat "$log"
    exit 1
  }
  dsc=$(ls "$apt_dir"/get/libevent_2.1.12*.dsc | head -n 1)
  rm -rf "$src.tmp"
  # apt checked the files against the archive's signed index; dpkg-source
  # checks them against the .dsc (its signature needs keyrings we do not need).
  dpkg-source -x "$dsc" "$src.tmp" >>"$log" 2>&1 || fail
  mv "$src.tmp" "$src"
  rm -rf "$apt_dir/lists" "$apt_dir/cache" # 20 MB of package lists, no longer needed
fi
[ -f "$src/test/regress_main.c" ] || {
  echo "conformance: no libevent source in $src"
  exit 1
}

# 2. libevent's configure, for its config headers only (nothing of the
# library is built: the programs link against the reference's shared objects).
if [ ! -f "$cfg/include/event2/event-config.h" ]; then
  step "configuring libevent's source for its config headers"
  rm -rf "$cfg"
  mkdir -p "$cfg/include/event2"
  (cd "$cfg" && "$src/configure" --disable-samples --disable-static \
    --disable-dependency-tracking) >>"$log" 2>&1 || fail
  sed -f "$src/make-event-config.sed" <"$cfg/config.h" >"$cfg/include/event2/event-config.h"
fi

# 3. The programs, against the reference headers and libraries.
step "building regress and test-* against the reference headers"
cflags=(-g -O1 -w -pthread -DHAVE_CONFIG_H -DTINYTEST_LOCAL
  -I"$cfg" -I"$cfg/include" -I"$src" -I"$src/include" -I"$src/compat" -I"$src/test")
# The installed reference libraries (libevent-dev's development links).
libdir=$(dirname "$(ldconfig -p | awk '/libevent_core-2\.1\.so\.7 / {print $NF; exit}')")
ref_libs() { for l in "$@"; do echo "$libdir/lib$l-2.1.so.7"; done; }
regress_sources=(regress.c regress.gen.c regress_buffer.c regress_bufferevent.c regress_dns.c
  regress_et.c regress_finalize.c regress_http.c regress_listener.c regress_main.c
  regress_minheap.c regress_rpc.c regress_testutils.c regress_util.c tinytest.c
  regress_thread.c regress_zlib.c regress_ssl.c)
objs=()
mkdir -p "$cache/obj"
# The evbuffer tests check each step with evbuffer_validate_(), a walk over
# libevent's private chain list.  A copy of regress_buffer.c in the build tree
# routes that one check through evbuffer_check.c (ours), which runs the walk on
# libevent and a public-API check on our libraries.  Nothing else changes.
sed 's/if (!evbuffer_validate_(buf))/if (!conformance_evbuffer_check(buf, evbuffer_validate_))/' \
  "$src/test/regress_buffer.c" >"$cache/obj/regress_buffer.c"
[ "$(grep -c conformance_evbuffer_check "$cache/obj/regress_buffer.c")" = 1 ] || {
  echo "conformance: regress_buffer.c no longer has the evbuffer_validate macro"
  exit 1
}
printf 'struct evbuffer;\nint conformance_evbuffer_check(struct evbuffer *, int (*)(struct evbuffer *));\n' \
  >"$cache/obj/conformance_evbuffer_check.h"
for s in "${regress_sources[@]}"; do
  o=$cache/obj/${s%.c}.o
  in=$src/test/$s
  extra=()
  if [ "$s" = regress_buffer.c ]; then
    in=$cache/obj/regress_buffer.c
    extra=(-include "$cache/obj/conformance_evbuffer_check.h")
  fi
  "$cc" "${cflags[@]}" "${extra[@]}" -c "$in" -o "$o" >>"$log" 2>&1 || fail
  objs+=("$o")
done
"$cc" "${cflags[@]}" -c "$here/evbuffer_check.c" -o "$cache/obj/evbuffer_check.o" >>"$log" 2>&1 ||
  fail
objs+=("$cache/obj/evbuffer_check.o")
# No -rpath and no RUNPATH: the loader's search order decides.
"$cc" -pthread -o "$bin/regress" "${objs[@]}" \
  $(ref_libs event_core event_extra event_pthreads event_openssl) -lssl -lcrypto -lz -lm \
  >>"$log" 2>&1 || fail
for t in test-changelist test-closed test-dumpevents test-eof test-fdleak test-init \
  test-ratelim test-time test-weof; do
  "$cc" "${cflags[@]}" -o "$bin/$t" "$src/test/$t.c" $(ref_libs event_core) -lm \
    >>"$log" 2>&1 || fail
done
cp "$src/test/check-dumpevents.py" "$bin/"

fi

# 4. Our shim with the internal functions the programs import.
"$cc" -g -O1 -Wall -shared -fPIC -pthread -I"$cfg/include" -I"$src/include" \
  -o "$bin/libconformance_shim.so" "$shim_src" \
  >>"$log" 2>&1 || fail

for p in "$bin"/regress "$bin"/test-*; do
  if readelf -d "$p" | grep -qE 'RPATH|RUNPATH'; then
    echo "conformance: $p has an RPATH"
    exit 1
  fi
done
echo "$want_programs" >"$bin/.programs"
echo "$want_shim" >"$bin/.shim"
step "reference programs ready in $bin"
