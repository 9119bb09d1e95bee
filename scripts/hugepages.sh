#!/usr/bin/env bash
# scripts/hugepages.sh COMMAND [ARGS]: run COMMAND with the memory of its
# processes in transparent huge pages where they allow it.  The test
# command's builds run under it: scripts/build_pg.sh (18.6), scripts/citus.sh
# (Citus), qx_build (the extension), scripts/package.sh (dpkg-buildpackage)
# and scripts/lint.sh (clang-tidy).
#
# On this kind of machine (a virtual machine with page-table isolation) a
# page fault costs about 10 us, and a compiler makes thousands a file:
# PostgreSQL 18.6 took 203 CPU-s instead of 272 (doc/operations.md, "Time",
# fifth pass), and the objects are the same byte for byte.  Two things:
#  - scripts/hugepages.c, preloaded: anonymous private mappings of 64 KiB
#    or more are advised MADV_HUGEPAGE (gcc's cc1 keeps its heap in them);
#  - glibc.malloc.hugetlb=1 and a 32 MiB glibc.malloc.top_pad: malloc's heap
#    grows in steps a huge page fits in, and is advised too.
# The library is compiled once per version of its source, compiler target
# and glibc, into QX_PG_CACHE (default /var/cache/quota_ext) or, when that is
# not writable, ${XDG_CACHE_HOME:-$HOME/.cache}/quota_ext -- never a shared
# directory such as /tmp, where another user could put a library of their
# own under the name -- and preloaded only when its owner is root or the
# caller and no one else may write it.  COMMAND runs unchanged when huge
# pages are off (/sys/kernel/mm/transparent_hugepage/enabled says [never]),
# when the library does not build or load (one line on stderr says so), or
# with QX_HUGEPAGES=0.
here=$(cd "$(dirname "$0")" && pwd)
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
if [ "${QX_HUGEPAGES:-1}" = 0 ] || [ -z "$thp" ] || [ "${thp#*\[never\]}" != "$thp" ]; then
	exec "$@"
fi
without() { printf 'hugepages.sh: %s; running without huge pages\n' "$1" >&2; shift; exec "$@"; }
src=$here/hugepages.c
key=$( { cat "$src"; gcc -dumpmachine; getconf GNU_LIBC_VERSION; } 2>/dev/null | sha256sum | cut -c1-12)
dir=${QX_PG_CACHE:-/var/cache/quota_ext}
if ! { mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; }; then
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/quota_ext
	mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || without "no writable cache directory" "$@"
fi
lib=$dir/hugepages-$key-$(id -u).so
if [ ! -f "$lib" ]; then
	# several builds start at once: each compiles to a file of its own and
	# checks that it loads (ld.so only warns, on stderr, about a library it
	# cannot preload); the rename is atomic
	tmp=$(mktemp "$dir/.hugepages.XXXXXX") || without "mktemp in $dir failed" "$@"
	trap 'rm -f "$tmp"' EXIT
	if ! gcc -O2 -shared -fPIC -Wall -Werror -o "$tmp" "$src" -ldl 2>/dev/null ||
		[ -n "$(LD_PRELOAD=$tmp /bin/true 2>&1)" ] || ! chmod 644 "$tmp" || ! mv -f "$tmp" "$lib"; then
		rm -f "$tmp"
		without "scripts/hugepages.c did not build or load" "$@"
	fi
	trap - EXIT
	# the caller's libraries of earlier versions of the source go (a process
	# that has one loaded keeps its mapping)
	find "$dir" -maxdepth 1 -name "hugepages-*-$(id -u).so" ! -name "${lib##*/}" -user "$(id -u)" -delete 2>/dev/null
fi
# the library and its directory: owned by root or the caller, writable by
# their owner only, and the library no symbolic link
safe() {
	local owner mode
	read -r owner mode < <(stat -c '%u %a' "$1") || return 1
	{ [ "$owner" = 0 ] || [ "$owner" = "$(id -u)" ]; } && [ $((8#$mode & 8#022)) -eq 0 ]
}
if [ -L "$lib" ] || ! safe "$lib" || ! safe "$dir"; then
	without "$lib or its directory is not the caller's or root's, or others may write it" "$@"
fi
export LD_PRELOAD=$lib${LD_PRELOAD:+:$LD_PRELOAD}
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}
exec "$@"
