# scripts/citus.sh: build Citus once and install it into the PostgreSQL tree
# the tests use.  Sourced after scripts/lib.sh, not run.
#
#   qx_citus_install   build (or take from the cache) Citus 13.2.2 against
#                      Debian's PostgreSQL 15 and install it into
#                      ${QX_PGROOT:-/} (DESTDIR when a private tree is set)
#
# The release source is ../shared/vendor/citus-13.2.2.tar.gz beside the clone
# (a git worktree looks beside its main clone; QX_VENDOR overrides).  It is a
# test dependency only: nothing of it is linked into quota_ext.  The built
# files are cached in QX_CITUS_CACHE (default /var/cache/quota_ext) under
# citus-<tarball sha256>-pg<server version>, so a second run only copies them.

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

qx_citus_build_deps() {
	qx_install_deps liblz4-dev libzstd-dev libkrb5-dev libssl-dev libselinux1-dev \
		libxslt1-dev libpam0g-dev autoconf
}

# Builds into "$1"/root (DESTDIR layout of the system tree).
qx_citus_build() {
	local cache=$1 vendor=$2 src pgconfig=$QX_SYSBIN/pg_config incdir
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
	qx_log "building Citus in $src (about 3 minutes on 2 cores)"
	(cd "$src" && ./configure -q --without-libcurl PG_CONFIG="$pgconfig" >configure.log 2>&1 &&
		make -s -j2 >make.log 2>&1 &&
		make -s install DESTDIR="$cache/root.tmp" >install.log 2>&1) ||
		{ tail -30 "$src"/*.log; return 1; }
	mv "$cache/root.tmp" "$cache/root"
	rm -rf "$(dirname "$src")"
}

qx_citus_install() {
	local vendor sha pgnum cache base=${QX_CITUS_CACHE:-/var/cache/quota_ext}
	vendor=$(qx_vendor_dir) || return 1
	(cd "$vendor" && grep " $QX_CITUS_TARBALL\$\| $QX_CITUS_PATCH\$" SHA256SUMS |
		sha256sum -c --quiet -) || { qx_log "checksum mismatch in $vendor"; return 1; }
	sha=$(sha256sum "$vendor/$QX_CITUS_TARBALL" | cut -d' ' -f1)
	pgnum=$("$QX_SYSBIN/pg_config" --version | sed 's/^PostgreSQL //; s/ .*//')
	cache=$base/citus-$sha-pg$pgnum
	if [ ! -d "$cache/root" ]; then
		qx_citus_build_deps || return 1
		qx_sudo mkdir -p "$cache"
		qx_sudo chown "$(id -u)" "$cache"
		rm -rf "$cache/root.tmp"
		qx_citus_build "$cache" "$vendor" || return 1
	fi
	# Only the library and extension files: the headers are not needed.
	qx_log "installing Citus from $cache into ${QX_PGROOT:-/}"
	local dest=${QX_PGROOT:-}
	qx_sudo cp -a "$cache/root/usr/lib/postgresql/$QX_PGVER/lib/." "$dest/usr/lib/postgresql/$QX_PGVER/lib/"
	qx_sudo cp -a "$cache/root/usr/share/postgresql/$QX_PGVER/extension/." \
		"$dest/usr/share/postgresql/$QX_PGVER/extension/"
}
