#!/usr/bin/env bash
# tools/bootstrap.sh — prepare a Debian 12 host to cross-build Vigil.
#
#   1. installs the Debian packages the build needs (only if some are missing);
#   2. builds static x86_64-w64-mingw32 libuv, SQLite and cmocka from Debian's
#      *source* packages into "$CACHE/mingw" (CACHE = <repo>/.cache, or
#      $VIGIL_CACHE), fetched with `apt-get source` through a private apt
#      configuration in "$CACHE/apt" (the system's /etc/apt is never modified);
#      the same SQLite (one amalgamation, the same SQLITE_CFLAGS: size-
#      optimized, unused features left out) and the same libuv (LIBUV_CFLAGS)
#      are also compiled with the host gcc into a static "$CACHE/native" for
#      the native-release build, which links them as vigil.exe does instead
#      of Debian's shared libraries (footprint, issue 17);
#   3. unpacks `promtool` from Debian's `prometheus` package into
#      "$CACHE/prometheus" (the package itself is not installed: it would
#      start a Prometheus server) for the tests of vigil.prom and of the
#      alerting rules in docs/fleet/; without network they are skipped.
#
# Idempotent: every library has a stamp (Debian version, recipe hash, sha256
# of each installed file); a re-run with everything in place does no network
# access and finishes in seconds.
#
# Usage: tools/bootstrap.sh [--print-prefix] [--refresh] [--force] [--help]
#   --print-prefix  print the (mingw) dependency prefix and exit
#   --refresh       re-read the Debian archive and rebuild libraries whose
#                   source version changed
#   --force         rebuild all libraries
set -euo pipefail

APT_PACKAGES="build-essential python3 cmake ninja-build pkg-config libuv1-dev libsqlite3-dev zlib1g-dev libcmocka-dev gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64 wixl msitools dpkg-dev tcl valgrind xz-utils ca-certificates python3-prometheus-client"

TRIPLE=x86_64-w64-mingw32
# SQLite for vigil.exe and the native-release build (one amalgamation, these
# flags for both): size-optimized, each function and datum in its own
# section so that the release links (-Wl,--gc-sections) drop what Vigil
# never calls; JSON, shared cache, progress callbacks, decltype, get_table,
# complete and deprecated APIs are left out (store/ uses none of them).
# Issue 17: memory footprint.
SQLITE_CFLAGS="-Os -ffunction-sections -fdata-sections -DSQLITE_THREADSAFE=1 -DSQLITE_DQS=0 -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_MAX_EXPR_DEPTH=0 -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_PROGRESS_CALLBACK -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_USE_ALLOCA -DSQLITE_OMIT_JSON -DSQLITE_OMIT_DECLTYPE -DSQLITE_OMIT_GET_TABLE -DSQLITE_OMIT_COMPLETE"
# The host build also goes without unwind tables (.eh_frame: 82 KB less
# text; never read, they are mapped only next to touched .rodata pages);
# SQLite is C and nothing unwinds through it, only valgrind's and gdb's
# stack traces stop at a SQLite frame. vigil.exe keeps them: on x86-64
# Windows they are the SEH unwind data (.pdata/.xdata) every non-leaf
# function needs for exceptions, crash dumps and WER to walk through it.
# The amalgamation compiled directly gets none of what configure finds, so
# the host build says it: pread/pwrite instead of an lseek before every
# read and write of the WAL (half the agent's I/O calls), usleep for the
# busy handler (else it sleeps whole seconds), fdatasync, the _r time
# functions. Windows' VFS needs none of these.
SQLITE_NATIVE_CFLAGS="-fno-asynchronous-unwind-tables -DUSE_PREAD -DHAVE_USLEEP -DHAVE_FDATASYNC -DHAVE_LOCALTIME_R -DHAVE_GMTIME_R -DHAVE_STRCHRNUL -DHAVE_MALLOC_USABLE_SIZE -DHAVE_MALLOC_H"
# libuv for vigil.exe and the native-release build: size-optimized, one
# section per function for --gc-sections (Vigil calls a small part of it).
LIBUV_CFLAGS="-ffunction-sections -fdata-sections"
LIBUV_OPT="-Os -DNDEBUG"

REPO=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VIGIL_CACHE:-$REPO/.cache}
mkdir -p -- "$CACHE"
CACHE=$(cd -P -- "$CACHE" && pwd)
PREFIX=$CACHE/mingw
NATIVE=$CACHE/native
TOOLCHAIN=$REPO/cmake/mingw-w64-x86_64.cmake
LOGS=$CACHE/logs
STAMPS=$CACHE/stamps
APTDIR=$CACHE/apt
JOBS=$(nproc 2>/dev/null || echo 2)

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

REFRESH=0 FORCE=0
for arg in "$@"; do
    case $arg in
        --print-prefix) printf '%s\n' "$PREFIX"; exit 0 ;;
        --refresh) REFRESH=1 ;;
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown option '$arg' (try --help)" ;;
    esac
done

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

# Run "$@" with output to the log $1-named file; on failure show its tail.
# usage: run_logged <logname> <what> cmd args...
run_logged() {
    local log=$LOGS/$1.log what=$2; shift 2
    printf '\n### %s\n### %s\n' "$(date '+%F %T')" "$*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        printf 'bootstrap: error: %s failed; last lines of %s:\n' "$what" "$log" >&2
        tail -n 40 "$log" | sed 's/^/  | /' >&2
        die "$what failed (full log: $log); fix the cause and re-run tools/bootstrap.sh"
    fi
}

# ---------------------------------------------------------------- 1. apt ----
step_packages() {
    local missing=() p st
    for p in $APT_PACKAGES; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$st" = installed ] || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "apt packages present"
        return
    fi
    say "installing missing Debian packages: ${missing[*]}"
    if [ ${#SUDO[@]} -gt 0 ] && ! command -v sudo >/dev/null; then
        die "not root and sudo is missing; install as root: apt-get install ${missing[*]}"
    fi
    mkdir -p "$LOGS"
    run_logged apt-install "apt-get update" "${SUDO[@]}" apt-get update
    run_logged apt-install "apt-get install ${missing[*]}" \
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
}

# ------------------------------------------------------ private apt config --
# Print "deb-src [signed-by=K] URI SUITE COMPONENTS..." lines for the Debian
# (*.debian.org) entries configured on this system.
debian_src_lines() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb(-src)?( |$)/ && enabled !~ /^(no|false)$/ && uris != "" && suites != "") {
                    nu = split(uris, U, " "); ns = split(suites, S, " ")
                    opt = (key ~ /^\// ? "[signed-by=" key "] " : "")
                    for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
                        print "deb-src " opt U[i] " " S[j] (comps != "" ? " " comps : "")
                }
                types = uris = suites = comps = key = enabled = ""; field = ""
            }
            /^#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ { next }   # continuation (e.g. inline keys): ignored
            {
                field = tolower($0); sub(/:.*/, "", field)
                val = $0; sub(/^[^:]*:[ \t]*/, "", val); gsub(/[ \t]+/, " ", val); sub(/ $/, "", val)
                if (field == "types") types = val
                else if (field == "uris") uris = val
                else if (field == "suites") suites = val
                else if (field == "components") comps = val
                else if (field == "signed-by") key = val
                else if (field == "enabled") enabled = tolower(val)
            }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n -E 's/^[[:space:]]*deb(-src)?[[:space:]]+/deb-src /p' "$f"
    done
}

APT_READY=0
apt_ready() {
    [ "$APT_READY" -eq 1 ] && return
    mkdir -p "$APTDIR"/state/lists/partial "$APTDIR"/cache/archives/partial \
             "$APTDIR"/sources.list.d "$APTDIR"/apt.conf.d "$LOGS"
    local lines
    lines=$(debian_src_lines | grep -E '^deb-src( \[[^]]*\])? https?://([A-Za-z0-9-]+\.)*debian\.org(/| )' | sort -u || true)
    [ -n "$lines" ] || die "no deb.debian.org-style entry in /etc/apt/sources.list{,.d/*}; add a Debian mirror to the system apt sources and re-run"
    printf '# generated by tools/bootstrap.sh from the system apt sources\n%s\n' "$lines" \
        >"$APTDIR/sources.list"
    # Private config parts: the system's settings (proxies, Check-Valid-Until,
    # ...) followed by our overrides; hooks are cleared so that updating the
    # private index does not poke system services.
    rm -f "$APTDIR"/apt.conf.d/*
    local f
    for f in /etc/apt/apt.conf.d/*; do
        case ${f##*/} in *[!A-Za-z0-9_.-]*|*.dpkg-*|*.ucf-*|*~) continue ;; esac
        [ -f "$f" ] && cp -- "$f" "$APTDIR/apt.conf.d/"
    done
    cat >"$APTDIR/apt.conf.d/zz-vigil-private" <<EOF
Dir::State "$APTDIR/state/";
Dir::State::lists "lists/";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$APTDIR/cache/";
Dir::Cache::archives "archives/";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Dir::Etc::sourcelist "$APTDIR/sources.list";
Dir::Etc::sourceparts "$APTDIR/sources.list.d";
Dir::Etc::trusted "/etc/apt/trusted.gpg";
Dir::Etc::trustedparts "/etc/apt/trusted.gpg.d/";
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
#clear DPkg::Pre-Invoke;
#clear DPkg::Post-Invoke;
#clear DPkg::Pre-Install-Pkgs;
Acquire::Languages "none";
APT::Get::Only-Source "true";
EOF
    # Dir::Etc::parts must be known before the parts dir is read: APT_CONFIG.
    printf 'Dir::Etc::parts "%s/apt.conf.d/";\n' "$APTDIR" >"$APTDIR/apt.conf"
    say "updating private apt index ($APTDIR)"
    run_logged apt-update "private apt-get update (network needed)" \
        env APT_CONFIG="$APTDIR/apt.conf" apt-get -q --error-on=any update
    APT_READY=1
}

papt() { env APT_CONFIG="$APTDIR/apt.conf" "$@"; }

# Highest Debian version of source package $1 in the private index.
latest_version() {
    local best="" v
    while read -r v; do
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
    done < <(papt apt-cache showsrc --only-source "$1" 2>/dev/null | sed -n 's/^Version: //p')
    [ -n "$best" ] || die "source package '$1' not found via $APTDIR/sources.list; check the Debian mirror entries"
    printf '%s\n' "$best"
}

srcdir_of() { printf '%s/src/%s_%s\n' "$CACHE" "$1" "${2//:/%}"; }

# Download + unpack source package $1 version $2 into $SRC_TREE (global, so
# that apt_ready's state survives: no command substitution here).
SRC_TREE=
fetch_source() {
    local pkg=$1 ver=$2 wd dsc
    wd=$(srcdir_of "$pkg" "$ver"); SRC_TREE=$wd/tree
    if [ -f "$wd/.unpacked" ] && [ -d "$SRC_TREE" ]; then return; fi
    apt_ready
    rm -rf -- "$wd"; mkdir -p "$wd"
    # As root apt downloads as user _apt: let it write into the work dir.
    if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$wd"; fi
    ( cd "$wd" && run_logged "$pkg-source" "apt-get source $pkg=$ver (network needed)" \
        papt apt-get -q source --download-only "$pkg=$ver" )
    if [ "$(id -u)" -eq 0 ]; then chown -R 0:0 "$wd"; fi
    dsc=$(find "$wd" -maxdepth 1 -name "*.dsc" -print -quit)
    [ -n "$dsc" ] || die "apt-get source $pkg=$ver produced no .dsc (see $LOGS/$pkg-source.log)"
    ( cd "$wd" && run_logged "$pkg-source" "dpkg-source -x $(basename "$dsc")" \
        dpkg-source -x "$dsc" tree )
    touch "$wd/.unpacked"
}

# ------------------------------------------------------------------ stamps --
# Stamp format: "package P", "version V", "recipe H", then "file REL SHA256"
# (REL relative to the library's prefix).
prefix_of() {
    case $1 in *_native) printf '%s\n' "$NATIVE" ;; *) printf '%s\n' "$PREFIX" ;; esac
}
# What a library's build depends on besides its source: its recipe, the
# install step, the cross toolchain (mingw libraries) and, for SQLite, the
# amalgamation step and SQLITE_CFLAGS (changing them rebuilds SQLite only).
recipe_hash() {
    { declare -f "build_$1"; declare -f install_files
      case $1 in *_native) ;; *) printf '%s\n' "$TRIPLE"; cat "$TOOLCHAIN" ;; esac
      case $1 in sqlite*) declare -f sqlite_amalgamation; printf '%s\n' "$SQLITE_CFLAGS" ;; esac
      case $1 in sqlite_native) printf '%s\n' "$SQLITE_NATIVE_CFLAGS" ;; esac
      case $1 in libuv*) declare -f libuv_stage; printf '%s\n' "$LIBUV_CFLAGS" "$LIBUV_OPT" ;; esac
    } | sha256sum | cut -c1-64
}
stamp_field() {
    [ -f "$STAMPS/$1.stamp" ] || return 0
    sed -n "s/^$2 //p" "$STAMPS/$1.stamp" | head -n1
}
stamp_valid() {
    local lib=$1 s=$STAMPS/$1.stamp prefix rel sum
    prefix=$(prefix_of "$lib")
    [ -f "$s" ] || return 1
    [ "$(stamp_field "$lib" recipe)" = "$(recipe_hash "$lib")" ] || return 1
    grep -q '^file ' "$s" || return 1
    while read -r _ rel sum; do
        [ -f "$prefix/$rel" ] || return 1
        [ "$(sha256sum <"$prefix/$rel" | cut -c1-64)" = "$sum" ] || return 1
    done < <(grep '^file ' "$s")
}

# install_files <lib> <stage-dir> <pkg> <ver>: copy a staged prefix into the
# library's prefix and stamp. A file whose content did not change keeps its
# time (what includes or links it is not rebuilt); a changed one is replaced
# whole (mv), so a build linking meanwhile sees the old or the new file.
install_files() {
    local lib=$1 stage=$2 pkg=$3 ver=$4 prefix rel tmp
    prefix=$(prefix_of "$lib")
    tmp=$STAMPS/.$lib.stamp.tmp
    printf 'package %s\nversion %s\nrecipe %s\n' "$pkg" "$ver" "$(recipe_hash "$lib")" >"$tmp"
    while IFS= read -r rel; do
        mkdir -p -- "$(dirname -- "$prefix/$rel")"
        if ! cmp -s -- "$stage/$rel" "$prefix/$rel"; then
            cp -f -- "$stage/$rel" "$prefix/$rel.new"
            mv -f -- "$prefix/$rel.new" "$prefix/$rel"
        fi
        printf 'file %s %s\n' "$rel" "$(sha256sum <"$prefix/$rel" | cut -c1-64)" >>"$tmp"
    done < <(cd "$stage" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    if [ -f "$STAMPS/$lib.stamp" ]; then   # remove what only an older build installed
        while read -r _ rel _; do
            [ -f "$stage/$rel" ] || rm -f -- "$prefix/$rel"
        done < <(grep '^file ' "$STAMPS/$lib.stamp")
    fi
    mv -f -- "$tmp" "$STAMPS/$lib.stamp"
}

cmake_cross() {   # cmake_cross <log> <src> <build> extra-args...
    local log=$1 src=$2 bld=$3; shift 3
    run_logged "$log" "$log: cmake configure" cmake -G Ninja -S "$src" -B "$bld" \
        -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DVG_DEPS_PREFIX="$PREFIX" \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF "$@"
}

# ---------------------------------------------------------------- recipes ---
# build_<lib> <source-tree> <build-dir> <stage-dir>
build_libuv() {   # for mingw: $PREFIX
    local src=$1 bld=$2 stage=$3 extra=()
    grep -q 'LIBUV_BUILD_SHARED' "$src/CMakeLists.txt" && extra+=(-DLIBUV_BUILD_SHARED=OFF)
    cmake_cross libuv "$src" "$bld" -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF \
        -DCMAKE_C_FLAGS="$LIBUV_CFLAGS" -DCMAKE_C_FLAGS_RELEASE="$LIBUV_OPT" "${extra[@]}"
    libuv_stage libuv "$src" "$bld" "$stage"
}

build_libuv_native() {   # for the host (native-release build): $NATIVE
    local src=$1 bld=$2 stage=$3 extra=()
    grep -q 'LIBUV_BUILD_SHARED' "$src/CMakeLists.txt" && extra+=(-DLIBUV_BUILD_SHARED=OFF)
    run_logged libuv_native "libuv_native: cmake configure" cmake -G Ninja -S "$src" -B "$bld" \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DLIBUV_BUILD_TESTS=OFF \
        -DLIBUV_BUILD_BENCH=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
        -DCMAKE_C_FLAGS="$LIBUV_CFLAGS" -DCMAKE_C_FLAGS_RELEASE="$LIBUV_OPT" "${extra[@]}"
    libuv_stage libuv_native "$src" "$bld" "$stage"
}

# libuv_stage <log> <source-tree> <build-dir> <stage-dir>: builds the static
# library and stages it with its headers.
libuv_stage() {
    local log=$1 src=$2 bld=$3 stage=$4 a
    run_logged "$log" "$log: build" cmake --build "$bld" -j "$JOBS" --target uv_a
    a=$(find "$bld" -maxdepth 1 -name '*.a' ! -name '*.dll.a' -print -quit)
    [ -n "$a" ] || die "$log: static archive not found in $bld (see $LOGS/$log.log)"
    mkdir -p "$stage/lib" "$stage/include/uv"
    cp "$a" "$stage/lib/libuv.a"
    cp "$src/include/uv.h" "$stage/include/"
    cp "$src"/include/uv/*.h "$stage/include/uv/"
}

# sqlite_amalgamation <log> <source-tree> <build-dir>: sqlite3.c and
# sqlite3.h in <build-dir>, generated from Debian's source (needs tclsh).
sqlite_amalgamation() {
    local log=$1 src=$2 bld=$3
    command -v tclsh >/dev/null || die "sqlite: tclsh not found (apt-get install tcl)"
    mkdir -p "$bld"
    ( cd "$bld" && run_logged "$log" "$log: native configure" \
        env CC=gcc "$src/configure" --disable-tcl --disable-readline
      run_logged "$log" "$log: make sqlite3.c (amalgamation)" make -j "$JOBS" sqlite3.c )
}

build_sqlite() {   # for mingw: $PREFIX
    local src=$1 bld=$2 stage=$3
    sqlite_amalgamation sqlite "$src" "$bld"
    # shellcheck disable=SC2086
    ( cd "$bld" && run_logged sqlite "sqlite: cross-compile sqlite3.c" \
        "$TRIPLE-gcc" $SQLITE_CFLAGS -c sqlite3.c -o sqlite3.o
      run_logged sqlite "sqlite: archive" "$TRIPLE-ar" rcs libsqlite3.a sqlite3.o )
    mkdir -p "$stage/lib" "$stage/include"
    cp "$bld/libsqlite3.a" "$stage/lib/"
    cp "$bld/sqlite3.h" "$stage/include/"
    if [ -f "$bld/tsrc/sqlite3ext.h" ]; then cp "$bld/tsrc/sqlite3ext.h" "$stage/include/"
    else cp "$src/src/sqlite3ext.h" "$stage/include/"; fi
}

build_sqlite_native() {   # for the host (native-release build): $NATIVE
    local src=$1 bld=$2 stage=$3
    sqlite_amalgamation sqlite_native "$src" "$bld"
    # shellcheck disable=SC2086
    ( cd "$bld" && run_logged sqlite_native "sqlite_native: compile sqlite3.c" \
        gcc $SQLITE_CFLAGS $SQLITE_NATIVE_CFLAGS -c sqlite3.c -o sqlite3.o
      run_logged sqlite_native "sqlite_native: archive" ar rcs libsqlite3.a sqlite3.o )
    mkdir -p "$stage/lib" "$stage/include"
    cp "$bld/libsqlite3.a" "$stage/lib/"
    cp "$bld/sqlite3.h" "$stage/include/"
}

build_cmocka() {
    local src=$1 bld=$2 stage=$3 target=cmocka a
    # cmocka <= 1.1.x: always SHARED + optional cmocka-static (WITH_STATIC_LIB);
    # newer: one library following BUILD_SHARED_LIBS.
    if grep -q 'WITH_STATIC_LIB' "$src/CMakeLists.txt" "$src"/src/CMakeLists.txt 2>/dev/null; then
        target=cmocka-static
    fi
    cmake_cross cmocka "$src" "$bld" -DWITH_STATIC_LIB=ON -DBUILD_SHARED_LIBS=OFF \
        -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF -DPICKY_DEVELOPER=OFF
    run_logged cmocka "cmocka: build" cmake --build "$bld" -j "$JOBS" --target "$target"
    a=$(find "$bld" -name '*.a' ! -name '*.dll.a' -print -quit)
    [ -n "$a" ] || die "cmocka: static archive not found in $bld (see $LOGS/cmocka.log)"
    mkdir -p "$stage/lib" "$stage/include"
    cp "$a" "$stage/lib/libcmocka.a"
    cp "$src/include/cmocka.h" "$stage/include/"
    [ -f "$src/include/cmocka_pbc.h" ] && cp "$src/include/cmocka_pbc.h" "$stage/include/"
    return 0
}

# step_lib <lib> <debian-source-package>
step_lib() {
    local lib=$1 pkg=$2 want="" have tree bld stage
    have=$(stamp_field "$lib" version)
    if [ "$REFRESH" -eq 1 ]; then apt_ready; want=$(latest_version "$pkg"); fi
    if [ "$FORCE" -eq 0 ] && stamp_valid "$lib" && { [ -z "$want" ] || [ "$want" = "$have" ]; }; then
        say "$lib $have cached"
        return
    fi
    if [ -z "$want" ]; then
        # Rebuild offline from an already unpacked source if we have one
        # (for a first build, the one another library of $pkg was built from:
        # sqlite_native is built from the source of sqlite).
        [ -n "$have" ] || have=$(sed -n 's/^version //p' /dev/null $(grep -l -x "package $pkg" "$STAMPS"/*.stamp 2>/dev/null) | head -n1)
        if [ -n "$have" ] && [ -f "$(srcdir_of "$pkg" "$have")/.unpacked" ]; then want=$have
        else apt_ready; want=$(latest_version "$pkg"); fi
    fi
    fetch_source "$pkg" "$want"; tree=$SRC_TREE
    bld=$CACHE/build/$lib; stage=$CACHE/build/$lib-stage
    rm -rf -- "$bld" "$stage"; mkdir -p "$bld" "$stage"
    : >"$LOGS/$lib.log"
    say "$lib $want building (log: $LOGS/$lib.log)"
    "build_$lib" "$tree" "$bld" "$stage"
    install_files "$lib" "$stage" "$pkg" "$want"
    rm -rf -- "$bld" "$stage"
    say "$lib $want built"
}

# ---------------------------------------------------------- 3. promtool ----
# promtool from Debian's prometheus binary package, unpacked (dpkg-deb -x)
# into $CACHE/prometheus: the tests only need the checker. Not fatal: the
# tests that need it say so and are skipped.
step_promtool() {
    local dir=$CACHE/prometheus wd deb ver
    if [ -x "$dir/usr/bin/promtool" ] && [ -f "$dir/.version" ]; then
        say "promtool $(cat "$dir/.version") cached"
        return
    fi
    wd=$CACHE/build/prometheus-deb
    rm -rf -- "$wd"; mkdir -p "$wd"
    if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$wd"; fi
    if ! ( cd "$wd" && apt-get -q download prometheus >>"$LOGS/promtool.log" 2>&1 ); then
        # The system's package lists may be empty (fresh container).
        "${SUDO[@]}" apt-get -q update >>"$LOGS/promtool.log" 2>&1 || true
        if ! ( cd "$wd" && apt-get -q download prometheus >>"$LOGS/promtool.log" 2>&1 ); then
            say "promtool not available (apt-get download prometheus failed, see $LOGS/promtool.log): its tests will be skipped"
            rm -rf -- "$wd"
            return
        fi
    fi
    deb=$(find "$wd" -maxdepth 1 -name 'prometheus_*.deb' -print -quit)
    ver=$(dpkg-deb -f "$deb" Version)
    rm -rf -- "$dir.new"; mkdir -p "$dir.new"
    run_logged promtool "unpack promtool from $(basename "$deb")" \
        sh -c 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" ./usr/bin/promtool' _ "$deb" "$dir.new"
    printf '%s\n' "$ver" >"$dir.new/.version"
    rm -rf -- "$dir" "$wd"; mv -- "$dir.new" "$dir"
    say "promtool $ver unpacked into $dir"
}

# ------------------------------------------------------------------- main ---
mkdir -p "$LOGS" "$STAMPS" "$PREFIX/lib" "$PREFIX/include"
exec 9>"$CACHE/.bootstrap.lock"
flock -n 9 || { say "waiting for another bootstrap run to finish"; flock 9; }

step_packages
[ -f "$TOOLCHAIN" ] || die "toolchain file $TOOLCHAIN is missing"
command -v "$TRIPLE-gcc" >/dev/null || die "$TRIPLE-gcc not found (apt-get install gcc-mingw-w64-x86-64)"
step_lib libuv libuv1
step_lib libuv_native libuv1
step_lib sqlite sqlite3
step_lib sqlite_native sqlite3
step_lib cmocka cmocka
step_promtool
say "prefix $PREFIX (native static SQLite and libuv: $NATIVE)"
