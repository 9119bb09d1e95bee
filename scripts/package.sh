#!/usr/bin/env bash
# scripts/package.sh: the Debian package, built and checked as a user gets it.
#
#   bash scripts/package.sh          # as root (or with sudo); about 1 minute
#
# 1. dpkg-buildpackage -b (with -Pnocheck: step 3 is the test) builds
#    postgresql-15-quota-ext from debian/ in a copy of the work tree;
# 2. apt-get install ./postgresql-15-quota-ext_*.deb puts it into the
#    system-wide PostgreSQL 15 tree (the only step of the test commands that
#    does: it runs last in scripts/test.sh, or alone);
# 3. the pg_regress suites run against a throwaway server of that system tree,
#    with nothing built or installed from the source tree (in two concurrent
#    parts);
# 4. the package is purged, and the files of a user's `make install` it
#    set aside are put back: the system tree is left as it was.  A package
#    the user installed is left alone (steps 2-4 are not run).
# Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export QX_PORT=${QX_PACKAGE_PORT:-54350}
unset QX_PGROOT QX_PG_CONFIG
source "$root/scripts/lib.sh"
source "$root/test/lib/suite.sh"
work=$(mktemp -d /tmp/qx_package.XXXXXX)
chmod 755 "$work"
pkg=postgresql-$QX_DEB_PGVER-quota-ext
installed() { dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; }
# A package the user installed is not ours to replace or purge.
preinstalled=
installed && preinstalled=yes
cleanup() {
	qx_stop_server
	if [ -z "$preinstalled" ] && installed; then
		qx_apt purge -y -qq "$pkg" >/dev/null 2>&1
	fi
	# the files of a user's `make install` that step 2 set aside go back
	if [ -d "$work/saved" ]; then
		while IFS= read -r -d '' f; do
			f=${f#"$work/saved"}
			qx_sudo mkdir -p "$(dirname "$f")" && qx_sudo cp -p "$work/saved$f" "$f" && echo "put back $f"
		done < <(find "$work/saved" -type f -print0)
	fi
	rm -rf "$work"
}
trap cleanup EXIT
t0=$(date +%s)

qx_install_deps dpkg-dev debhelper postgresql-server-dev-all || { echo "0 passed, 1 failed"; exit 1; }

# 1. build from a copy of the tree (tracked and new files, not build output)
version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
upstream=${version%-*}
src=$work/quota-ext-$upstream
mkdir -p "$src"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src")
# gcc through ccache when it is installed (Debian's /usr/lib/ccache: the
# compilers' names in front of PATH; the cache of scripts/lib.sh's qx_build),
# as Debian suggests for repeated package builds: the objects are the same,
# and the test command builds this package on every run.  Debian's flags map
# the build directory away (-ffile-prefix-map), so a build in another
# temporary directory hits the same entries.  (LLVM bitcode is compiled by
# clang named with its full path, not cached.)
ccache_env=()
if [ -d /usr/lib/ccache ] && command -v ccache >/dev/null; then
	cdir=${QX_CCACHE_DIR:-${QX_PG_CACHE:-/var/cache/quota_ext}/ccache}
	mkdir -p "$cdir" 2>/dev/null
	[ -w "$cdir" ] && ccache_env=(PATH="/usr/lib/ccache:$PATH" CCACHE_DIR="$cdir" CCACHE_BASEDIR="$src")
fi
# (the compilers' memory in huge pages: scripts/hugepages.sh)
(cd "$src" && env "${ccache_env[@]}" DEB_BUILD_OPTIONS=nocheck bash "$root/scripts/hugepages.sh" \
	dpkg-buildpackage -us -uc -b -Pnocheck) \
	>"$work/build.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || tail -30 "$work/build.log"
deb=$(ls "$work"/"${pkg}"_"${version}"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ]
rc=$?	# before the message's $(...), which sets $? of its own
qx_check "dpkg-buildpackage builds $(basename "${deb:-$pkg.deb}")" "$rc"
[ -n "$deb" ] || { qx_summary; exit 1; }

if [ -n "$preinstalled" ]; then
	echo "not applicable: $pkg is installed on this machine; steps 2-4 would replace and purge it"
	qx_summary
	exit
fi

# 2. install with apt-get, as a user would; files of an earlier `make
#    install` into the system tree that the package does not own would
#    change what step 3 tests, so they are set aside (and put back at exit)
#    (the package's files overwrite them, and its purge would delete them):
#    the scripts, the library and its LLVM bitcode
libdir=$("$QX_PG_CONFIG" --pkglibdir)
while IFS= read -r -d '' f; do
	if ! dpkg -S "$f" >/dev/null 2>&1; then
		echo "setting aside unpackaged $f"
		mkdir -p "$work/saved$(dirname "$f")" && cp -p "$f" "$work/saved$f" && qx_sudo rm -f "$f"
	fi
done < <(find "$QX_SYSSHARE"/extension/quota_ext* "$libdir"/quota_ext.so "$libdir"/bitcode/quota_ext \
	"$libdir"/bitcode/quota_ext.index.bc -type f -print0 2>/dev/null)
qx_apt install -y -qq "$deb" >"$work/install.log" 2>&1
rc=$?
qx_check "apt-get install ./$(basename "$deb")" "$rc" "$(tail -5 "$work/install.log")"
dpkg -L "$pkg" >"$work/files"
grep -qx "$("$QX_PG_CONFIG" --pkglibdir)/quota_ext.so" "$work/files" &&
	grep -qx "$QX_SYSSHARE/extension/quota_ext.control" "$work/files" &&
	grep -qx "$QX_SYSSHARE/extension/quota_ext--1.0.sql" "$work/files" &&
	grep -qx "$QX_SYSSHARE/extension/quota_ext--1.1--1.2.sql" "$work/files"
qx_check "the package installs quota_ext.so, the control file and the install scripts" $? "$(cat "$work/files")"

# 3. pg_regress against the installed files: the system tree, nothing built here
qx_start_server qx_package || { echo "server did not start"; qx_summary; exit 1; }
# In two concurrent parts (every second suite by name, each part in a
# database of its own with the set-up files at its head), as scripts/test.sh
# runs them: one part alone keeps one core busy and the other idle, at the
# end of the test command.  Results in $work, not the tree's results/
# (scripts/test.sh runs this beside the 18.6 run, which builds in the tree).
qx_regress_lists "$root"
pids=()
for k in 0 1; do
	make -C "$root" -s installcheck REGRESS="$(qx_regress_part "$k" 2)" CONTRIB_TESTDB="contrib_regression_$k" \
		EXTRA_REGRESS_OPTS="--outputdir=$work/regress$k" >"$work/regress$k.log" 2>&1 &
	pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
cat "$work/regress0.log" "$work/regress1.log" >"$work/regress.log"
read -r r_ok r_bad < <(qx_regress_counts "$work/regress.log")
qx_regress_lines "$work/regress.log" | sed 's/^/     /'
# every suite of sql/ ran: the set-up files once per part, the rest once
[ "$rc" -eq 0 ] && [ "$r_bad" -eq 0 ] && [ "$r_ok" -eq $((${#regress_all[@]} + 2 * ${#regress_setup[@]})) ]
qx_check "pg_regress against the installed package: $r_ok suites pass, $r_bad fail (${#regress_all[@]} suites and ${regress_setup[*]} in 2 parts)" $? \
	"$(cat "$work"/regress[01]/regression.diffs 2>/dev/null | head -60)"
v=$(psql -X -At -d contrib_regression_0 -c "SELECT extversion FROM pg_extension WHERE extname = 'quota_ext'" 2>&1)
[ "$v" = "${upstream%.0}" ]
qx_check "the installed extension is version $v (package $upstream)" $?
qx_stop_server

# 4. purge: nothing of the package stays in the system tree
qx_apt purge -y -qq "$pkg" >/dev/null 2>&1
! ls "$QX_SYSSHARE"/extension/quota_ext* "$("$QX_PG_CONFIG" --pkglibdir)"/quota_ext.so >/dev/null 2>&1
qx_check "apt-get purge leaves no quota_ext file in the system tree" $?

echo "package check: $(( $(date +%s) - t0 )) s"
qx_summary
