#!/usr/bin/env bash
# scripts/build_pg.sh: a PostgreSQL server built from source for the tests,
# cached so that the second run takes seconds.  Prints the install prefix
# (its bin/pg_config is what QX_PG_CONFIG takes) as the last line of stdout.
#
#   bash scripts/build_pg.sh                  # 18.6 from ../shared/vendor (CI;
#                                             # QX_VENDOR names another directory)
#   bash scripts/build_pg.sh TARBALL          # a release tarball listed in its SHA256SUMS
#   bash scripts/build_pg.sh --src DIR NAME   # a source tree (git archive of a commit):
#                                             # cached as pg-NAME
#
# A tarball is checked against the SHA256SUMS beside it and cached under
# QX_PG_CACHE (default /var/cache/quota_ext) as pg-VERSION-SHA12, so a new
# tarball never reuses an old build.  Configure flags: those of
# ../shared/vendor/README.md plus --enable-tap-tests; contrib's postgres_fdw
# (the TAP suite's shards) is built too.
#
# What keeps a cold build cheap (it runs beside the suites, so every
# CPU-second of it is one the suites wait for; measured on 2 cores, the
# whole tree: 435 CPU-s at -O2, 280 at -O0):
#  - the server is compiled at -O0 (make COPT=-O0), while configure keeps its
#    -O2 in CFLAGS, so pg_config --cflags -- what PGXS builds quota_ext with --
#    says -O2: the extension under test is optimized as a user builds it, the
#    server around it is not (the suites check answers, not the server's speed);
#  - only the programs the suites and PostgreSQL::Test::Cluster run are built
#    (initdb, pg_ctl, postgres, psql, pg_dump/pg_restore, pg_config,
#    pg_controldata, createdb/dropdb, pg_regress): not ecpg, pgbench,
#    pg_upgrade, pg_basebackup, the isolation tester ..., nor the encoding
#    conversion libraries;
#  - no ccache: the build is cached whole (the prefix), and a cache miss of
#    ccache costs a preprocessor run per file on top of the compile.
# The build runs as the
# calling user (root in CI); the installed tree is made world-readable so
# initdb and the server can run from it as postgres.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${QX_PG_CACHE:-/var/cache/quota_ext}
log() { printf '== %s\n' "$*" >&2; }

src_dir=
if [ "${1:-}" = --src ]; then
	src_dir=$(cd "${2:?source directory}" && pwd)
	name=${3:?cache name}
else
	# shared/ beside the clone (CI), or beside the worktree directory
	vendor=${QX_VENDOR:-$root/../shared/vendor}
	[ -d "$vendor" ] || vendor=$root/../../shared/vendor
	tarball=${1:-$vendor/postgresql-18.6.tar.bz2}
	[ -f "$tarball" ] || { log "no $tarball"; exit 1; }
	tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
	base=$(basename "$tarball")
	want=$(awk -v f="$base" '$2 == f || $2 == "*" f { print $1 }' "$(dirname "$tarball")/SHA256SUMS")
	[ -n "$want" ] || { log "$base is not listed in SHA256SUMS"; exit 1; }
	sha=$(sha256sum "$tarball" | cut -d' ' -f1)
	[ "$sha" = "$want" ] || { log "$base: sha256 $sha, SHA256SUMS says $want"; exit 1; }
	version=${base#postgresql-}
	version=${version%.tar.*}
	name=$version-${sha:0:12}
fi

mkdir -p "$cache"
chmod 755 "$cache"
prefix=$cache/pg-$name
# one build at a time per cache entry (parallel CI runs on one machine)
exec 9>"$cache/.lock-$name"
flock 9
# What a build holds; a cache entry built by another recipe is rebuilt.
configure_flags=(--without-icu --without-readline --without-zlib --enable-tap-tests)
contrib=(postgres_fdw)	# test/t/001_sharding.pl
make_flags=(COPT=-O0)
# left out of the build (src/Makefile, src/bin/Makefile, src/interfaces/Makefile):
# the programs no suite runs, and the encoding conversions between client and
# server (no suite sets a client_encoding on 18.6: test/upgrade_regress.sh,
# the one that does, runs on 15)
skip_dirs=(backend/utils/mb/conversion_procs test/isolation ecpg pg_amcheck pg_archivecleanup pg_basebackup pg_checksums pg_combinebackup
	pg_resetwal pg_rewind pg_test_fsync pg_test_timing pg_upgrade pg_verifybackup pg_waldump
	pg_walsummary pgbench)
recipe="configure ${configure_flags[*]}; make ${make_flags[*]}; without ${skip_dirs[*]}; contrib ${contrib[*]}"
if [ -f "$prefix/.complete" ] && [ "$(cat "$prefix/.complete")" = "$recipe" ]; then
	log "PostgreSQL $name: cached in $prefix"
	echo "$prefix"
	exit 0
fi

deps=(bison flex libipc-run-perl build-essential perl)
missing=()
for p in "${deps[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && [ -n "${QX_NO_APT:-}" ]; then
	# scripts/test.sh installed everything up front: no apt-get mid-run
	log "not installed: ${missing[*]} (add them to scripts/test.sh)"
	exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/qx_pgbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -n "$src_dir" ]; then
	cp -a "$src_dir" "$work/src"
else
	mkdir "$work/src"
	tar -xf "$tarball" -C "$work/src" --strip-components=1
fi
rm -rf "$prefix"
t0=$(date +%s)
log "building PostgreSQL $name into $prefix (log: $work/build.log while it runs)"
cd "$work/src"
# a directory of skip_dirs comes out of its parent's SUBDIRS list (one name
# per line there); make and make install then pass it by
for d in "${skip_dirs[@]}"; do
	D=$d perl -i -ne 'next if /^\t\Q$ENV{D}\E \\$/; s/^(SUBDIRS = .*) \Q$ENV{D}\E\b/$1/; print' \
		src/Makefile src/bin/Makefile src/interfaces/Makefile
done
install_contrib() {
	local m
	for m in "${contrib[@]}"; do "${hp[@]}" make -C "contrib/$m" -s "${make_flags[@]}" install || return 1; done
}
# configure under dash when it is there (Debian's /bin/sh): left to itself,
# autoconf's configure re-runs itself under bash, and its thousands of
# subshells then cost 15 % more CPU (29 against 34 CPU-s; the same
# pg_config.h and Makefile.global)
shell=$(command -v dash || echo /bin/sh)
# the compilers' memory in huge pages (scripts/hugepages.sh): a quarter less CPU
hp=(bash "$root/scripts/hugepages.sh")
if ! { "${hp[@]}" env CONFIG_SHELL="$shell" "$shell" ./configure --prefix="$prefix" "${configure_flags[@]}" &&
	"${hp[@]}" make -j2 -s "${make_flags[@]}" && make -s "${make_flags[@]}" install && install_contrib; } >"$work/build.log" 2>&1; then
	tail -40 "$work/build.log" >&2
	rm -rf "$prefix"
	exit 1
fi
chmod -R a+rX "$prefix"
echo "$recipe" >"$prefix/.complete"
log "PostgreSQL $name built in $(( $(date +%s) - t0 )) s"
echo "$prefix"
