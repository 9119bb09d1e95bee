# scripts/citus.sh: build Citus once and install it into the PostgreSQL tree
# the tests use.  Sourced after scripts/lib.sh, not run.
#
#   qx_citus_cache     build Citus 13.2.2 into the cache unless it is there
#   qx_citus_install   build (or take from the cache) Citus 13.2.2 against
#                      the server under test (QX_PG_CONFIG, default Debian's
#                      PostgreSQL 15) and install it into its tree, under
#                      QX_PGROOT when a private copy is set.  Returns 2 when
#                      the server's major version is not one Citus 13.2.2
#                      supports (15-17).
#
# The release source is ../shared/vendor/citus-13.2.2.tar.gz beside the clone
# (a git worktree looks beside its main clone; QX_VENDOR overrides).  It is a
# test dependency only: nothing of it is linked into quota_ext.  The built
# files are cached in QX_CITUS_CACHE (default /var/cache/quota_ext) under
# citus-<tarball sha256>-pg<server version>-<hash of its bindir and
# QX_CITUS_MAKE_FLAGS>, so a second
# run only copies them.

QX_CITUS_TARBALL=citus-13.2.2.tar.gz
QX_CITUS_PATCH=citus-13.2.2-pg15.20.patch

qx_vendor_dir() {
	local d
	if [ -n "${QX_VENDOR:-}" ]; then echo "$QX_VENDOR"; return; fi
	d=$QX_ROOT/../shared/vendor
	if [ ! -d "$d" ]; then
		# a worktree: shared/ lies beside the main clone
		d=$(git -C "$QX_ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)/../../shared/vendor
	fi
	(cd "$d" 2>/dev/null && pwd) || { qx_log "no vendor directory (set QX_VENDOR)"; return 1; }
}

# What the Citus build needs from Debian; scripts/test.sh installs them up
# front with everything else (QX_CITUS_DEPS), so that no apt-get runs in the
# middle of the suites.
QX_CITUS_DEPS=(liblz4-dev libzstd-dev libkrb5-dev libssl-dev libselinux1-dev
	libxslt1-dev libpam0g-dev autoconf)
qx_citus_build_deps() {
	qx_install_deps "${QX_CITUS_DEPS[@]}"
}

# the pg_config of the server under test
qx_citus_pg_config() { echo "${QX_PG_CONFIG:-$QX_SYSBIN/pg_config}"; }

# How Citus is compiled for the tests, and part of its cache key: no LLVM
# bitcode (Debian's PGXS would compile every file a second time with clang,
# for JIT inlining; the test servers run with jit = off) and -O0 -g0 (the
# suite checks what Citus does with quota_ext's aggregates, not its speed).
# On 2 cores: 267 CPU-s as PGXS has it, 97 CPU-s so.
QX_CITUS_MAKE_FLAGS=(with_llvm=no "COPT=-O0 -g0")

# Builds into "$1"/root (DESTDIR layout of the server's tree); $2 is the
# vendor directory.  The build directory stays under /tmp when it fails.
qx_citus_build() {
	local cache=$1 vendor=$2 src pgconfig incdir
	pgconfig=$(qx_citus_pg_config)
	src=$(mktemp -d /tmp/citus_build.XXXXXX)
	tar -xzf "$vendor/$QX_CITUS_TARBALL" -C "$src" || return 1
	src=$(find "$src" -mindepth 1 -maxdepth 1 -type d | head -1)
	# The patch removes Citus's static copy of have_createdb_privilege(),
	# which clashes with the declaration PostgreSQL 15.20 added.
	incdir=$("$pgconfig" --includedir-server)
	if grep -q 'have_createdb_privilege' "$incdir/commands/dbcommands.h"; then
		qx_log "applying $QX_CITUS_PATCH"
		(cd "$src" && patch -s -p0 <"$vendor/$QX_CITUS_PATCH") || return 1
	fi
	qx_log "building Citus in $src (about 1 minute on 2 cores)"
	# one log per step; on failure the log of the step that failed is shown
	# (and configure's own config.log when configure failed), each named
	# (the last step whose log exists is the one that failed)
	local step
	# (configure under dash, as scripts/build_pg.sh does: not bash's subshells)
	# (and the compilers' memory in huge pages: scripts/hugepages.sh)
	local shell hp=(bash "$QX_ROOT/scripts/hugepages.sh")
	shell=$(command -v dash || echo /bin/sh)
	(cd "$src" && "${hp[@]}" env CONFIG_SHELL="$shell" "$shell" ./configure -q --without-libcurl PG_CONFIG="$pgconfig" >configure.log 2>&1 &&
		"${hp[@]}" make -s -j2 "${QX_CITUS_MAKE_FLAGS[@]}" >make.log 2>&1 &&
		make -s install "${QX_CITUS_MAKE_FLAGS[@]}" DESTDIR="$cache/root.tmp" >install.log 2>&1) || {
		for step in install make configure; do [ -e "$src/$step.log" ] && break; done
		qx_log "Citus $step failed; build directory kept: $src"
		echo "--- $src/$step.log (last 40 lines)"
		tail -n 40 "$src/$step.log"
		if [ "$step" = configure ] && [ -e "$src/config.log" ]; then
			echo "--- $src/config.log (the failing test)"
			grep -B2 -A20 -m1 -E '^configure: (error|failed program)' "$src/config.log" | head -40
		fi
		return 1
	}
	mv "$cache/root.tmp" "$cache/root"
	rm -rf "$(dirname "$src")"
}

# qx_citus_cache: build Citus into the cache when it is not there (under a
# lock: scripts/test.sh starts this up front, in the background, while
# test/citus.sh may ask for the same build); sets QX_CITUS_CACHE_DIR.
# Returns 2 when the server's major version is not one Citus 13.2.2
# supports (15-17).
QX_CITUS_CACHE_DIR=
qx_citus_cache() {
	local vendor sha pgv pgconfig cache base=${QX_CITUS_CACHE:-/var/cache/quota_ext}
	pgconfig=$(qx_citus_pg_config)
	pgv=$("$pgconfig" --version | sed -E 's/^PostgreSQL ([0-9.]+).*/\1/')
	case "${pgv%%.*}" in
	15 | 16 | 17) ;;
	*) qx_log "Citus 13.2.2 supports PostgreSQL 15-17, not $pgv"; return 2 ;;
	esac
	vendor=$(qx_vendor_dir) || return 1
	(cd "$vendor" && grep " $QX_CITUS_TARBALL\$\| $QX_CITUS_PATCH\$" SHA256SUMS |
		sha256sum -c --quiet -) || { qx_log "checksum mismatch in $vendor"; return 1; }
	sha=$(sha256sum "$vendor/$QX_CITUS_TARBALL" | cut -d' ' -f1)
	cache=$base/citus-$sha-pg$pgv-$( { "$pgconfig" --bindir; echo "${QX_CITUS_MAKE_FLAGS[*]}"; } | md5sum | cut -c1-8)
	if [ ! -d "$cache/root" ]; then
		qx_citus_build_deps || return 1
		qx_sudo mkdir -p "$cache"
		qx_sudo chown "$(id -u)" "$cache"
		(
			flock 9 || exit 1
			[ -d "$cache/root" ] && exit 0	# built while we waited
			rm -rf "$cache/root.tmp"
			qx_citus_build "$cache" "$vendor"
		) 9>"$cache/.lock" || return 1
	fi
	QX_CITUS_CACHE_DIR=$cache
}

qx_citus_install() {
	local pgconfig dir rc
	pgconfig=$(qx_citus_pg_config)
	qx_citus_cache
	rc=$?
	[ "$rc" -eq 0 ] || return "$rc"
	# The libraries and extension files only: the headers are not needed.
	qx_log "installing Citus from $QX_CITUS_CACHE_DIR into ${QX_PGROOT:-/}"
	for dir in "$("$pgconfig" --pkglibdir)" "$("$pgconfig" --sharedir)/extension"; do
		qx_sudo cp -a "$QX_CITUS_CACHE_DIR/root$dir/." "${QX_PGROOT:-}$dir/" || return 1
	done
}
