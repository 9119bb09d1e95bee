# scripts/lib.sh: shared steps of the demo and test commands.  Sourced, not run.
#
#   qx_install_deps        apt-get what is missing (needs root or sudo)
#   qx_apt ARGS            apt-get with a wait for the package lock
#   qx_build [make args]   build and install the extension
#   qx_start_server NAME   throwaway PostgreSQL as user postgres, Unix socket only
#   qx_stop_server         stop it and remove its data directory
#   qx_psql [args]         psql connected to it
#
# QX_EXTRA_CONF (optional): more postgresql.conf lines for qx_start_server,
# appended after its defaults, so they win (bench/run.sh sizes memory with it).
# QX_PG_CONFIG (optional): the pg_config of the server to build and test
# against; default Debian's PostgreSQL 15.  scripts/build_pg.sh builds others
# (bash scripts/test.sh runs 15 and 18.6).  Exported as PG_CONFIG for make.
# QX_PGROOT (optional): a private copy of the server's tree under this
# directory (QX_PGROOT/usr/lib/postgresql/15, QX_PGROOT/usr/share/postgresql/15
# for Debian's; see qx_private_root); the extension is installed there with
# DESTDIR instead of system-wide, so several work trees can be built and
# tested side by side.

QX_DEB_PGVER=15		# the Debian packages qx_install_deps installs
QX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# qx_use_server: the paths of the server QX_PG_CONFIG names (run again after
# qx_install_deps, or after changing QX_PG_CONFIG or QX_PGROOT).
qx_use_server() {
	export QX_PG_CONFIG=${QX_PG_CONFIG:-/usr/lib/postgresql/$QX_DEB_PGVER/bin/pg_config}
	export PG_CONFIG=$QX_PG_CONFIG
	QX_SYSBIN=$("$QX_PG_CONFIG" --bindir 2>/dev/null)
	QX_SYSSHARE=$("$QX_PG_CONFIG" --sharedir 2>/dev/null)
	QX_PGVER=$("$QX_PG_CONFIG" --version 2>/dev/null | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
	QX_BIN=${QX_PGROOT:+$QX_PGROOT}$QX_SYSBIN
}
qx_use_server
QX_PORT=${QX_PORT:-54329}
QX_DATA=
QX_SOCK=

qx_log() { printf '== %s\n' "$*" >&2; }

qx_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# qx_apt ARGS: apt-get as root, non-interactive, waiting up to 10 minutes
# for the package lock another process holds (unattended upgrades, a
# parallel run) instead of failing at once.
qx_apt() {
	qx_sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

# Debian packages the commands need; only the missing ones are installed.
# QX_NO_APT=1 (scripts/test.sh sets it once it has installed everything up
# front): install nothing, name what is missing and fail, so that no
# apt-get runs in the middle of the suites.
qx_install_deps() {
	local want=(postgresql-$QX_DEB_PGVER postgresql-server-dev-$QX_DEB_PGVER postgresql-contrib
		build-essential libipc-run-perl python3 "$@")
	local missing=() p
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ] && [ -n "${QX_NO_APT:-}" ]; then
		qx_log "not installed: ${missing[*]} (add them to suite_deps in scripts/test.sh)"
		return 1
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		qx_log "installing ${missing[*]}"
		qx_apt update -qq || return 1
		qx_apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
	fi
	qx_use_server
}

# qx_private_root DIR: copy the server's installed tree (the parent of its
# bindir, and its sharedir when that lies elsewhere, as in Debian's layout)
# under DIR, unless an up-to-date copy is there.  PostgreSQL finds its files
# relative to its binaries, so the copy runs as is; use it as QX_PGROOT.
qx_private_root() {
	local dir=$1 top d stale=
	top=$(dirname "$QX_SYSBIN")
	# a rebuilt server (scripts/build_pg.sh) is newer than the copy
	[ "$QX_SYSBIN/postgres" -nt "$dir$QX_SYSBIN/postgres" ] && stale=1
	for d in "$top" "$QX_SYSSHARE"; do
		[ "$d" != "$top" ] && [ "${d#"$top"/}" != "$d" ] && continue
		if [ -n "$stale" ] || [ ! -e "$dir$d/.qx_copy" ]; then
			rm -rf "${dir:?}$d"
			mkdir -p "$(dirname "$dir$d")"
			cp -a "$d" "$dir$d"
			touch "$dir$d/.qx_copy"
		fi
	done
	chmod 755 "$dir"
}

# qx_build [make args]: a clean build, as many compilers at a time as there
# are CPUs, through ccache when it is installed (QX_CCACHE_DIR, default
# QX_PG_CACHE/ccache or /var/cache/quota_ext/ccache, the one
# scripts/build_pg.sh uses; paths under the tree are hashed relative to it, so
# a copy of the tree -- scripts/memcheck.sh's -- hits the same entries).
# ccache replays a cached compile's warnings, and a compile that failed
# (-Werror) is never cached.
qx_build() {
	local cc=()
	qx_log "building quota_ext"
	if command -v ccache >/dev/null; then
		export CCACHE_DIR=${QX_CCACHE_DIR:-${QX_PG_CACHE:-/var/cache/quota_ext}/ccache}
		export CCACHE_BASEDIR=$QX_ROOT CCACHE_NOHASHDIR=1
		mkdir -p "$CCACHE_DIR" 2>/dev/null
		[ -w "$CCACHE_DIR" ] || export CCACHE_DIR=$HOME/.ccache
		# (a server configured with CC="ccache gcc" names it already)
		cc=(CC="ccache $("$QX_PG_CONFIG" --cc | sed 's/^ccache //')")
		# ccache's depend mode: on a miss it reads the compiler's dependency
		# file (PGXS's autodepend: -MMD into .deps/) instead of running the
		# preprocessor first; a cold build costs 27 % less CPU (21 against 29
		# CPU-s on 2 cores), a warm one hits as before (direct mode)
		export CCACHE_DEPEND=1
		cc+=(autodepend=yes)
	fi
	# No LLVM bitcode (a clang compile of every file, not cached) unless
	# QX_BITCODE=1: the test servers run with jit = off, clang-tidy parses
	# every file with clang, and the Debian package (scripts/package.sh)
	# builds and installs the bitcode as a user gets it.
	[ -z "${QX_BITCODE:-}" ] && cc+=(with_llvm=no)
	make -C "$QX_ROOT" -s clean "${cc[@]}" >/dev/null
	# (the compilers' memory in huge pages: scripts/hugepages.sh)
	bash "$QX_ROOT/scripts/hugepages.sh" make -C "$QX_ROOT" -s -j"$(nproc)" "${cc[@]}" "$@" >/dev/null || return 1
	# Scripts of an earlier build (a since-removed full install script) would
	# change the path CREATE EXTENSION takes: remove them first.
	qx_sudo rm -f "${QX_PGROOT:-}$QX_SYSSHARE"/extension/quota_ext--*.sql
	if [ -n "${QX_PGROOT:-}" ]; then
		make -C "$QX_ROOT" -s install "${cc[@]}" DESTDIR="$QX_PGROOT" >/dev/null
	else
		qx_sudo make -C "$QX_ROOT" -s install "${cc[@]}" >/dev/null
	fi
}

# initdb and the server refuse root: both run as postgres in a /tmp directory.
qx_as_postgres() {
	if [ "$(id -un)" = postgres ]; then "$@"
	elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
	else sudo -u postgres "$@"; fi
}

qx_start_server() {
	local name=${1:-quota_ext}
	QX_DATA=$(mktemp -d "/tmp/${name}_pg.XXXXXX")
	chmod 755 "$QX_DATA"
	QX_SOCK=$QX_DATA
	qx_sudo chown postgres: "$QX_DATA"
	qx_as_postgres "$QX_BIN/initdb" -D "$QX_DATA/data" -U postgres --no-sync -E UTF8 \
		--locale=C >"$QX_DATA/initdb.log" 2>&1 || { cat "$QX_DATA/initdb.log"; return 1; }
	cat >>"$QX_DATA/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$QX_SOCK'
port = $QX_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
work_mem = 64MB
max_parallel_workers_per_gather = 2
jit = off
timezone = 'UTC'
log_min_messages = warning
${QX_EXTRA_CONF:-}
CONF
	qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_DATA/data" -l "$QX_DATA/server.log" -w -t 300 start \
		>/dev/null || { cat "$QX_DATA/server.log"; return 1; }
	export PGHOST=$QX_SOCK PGPORT=$QX_PORT PGUSER=postgres
	# the hardening suites read it to spot backend crashes
	export QX_SERVER_LOG=$QX_DATA/server.log
	qx_log "PostgreSQL running on socket $QX_SOCK port $QX_PORT"
}

qx_stop_server() {
	[ -n "$QX_DATA" ] || return 0
	qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_DATA/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$QX_DATA"
	QX_DATA=
}

qx_psql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
