#!/usr/bin/env bash
# scripts/hugepages.sh COMMAND [ARGS]: run COMMAND with the memory of its
# processes in transparent huge pages where they allow it -- the test
# command's builds (scripts/build_pg.sh, scripts/citus.sh, qx_build).
#
# On this kind of machine (a virtual machine with page-table isolation) a
# page fault costs about 10 us, and a compiler makes thousands a file:
# PostgreSQL 18.6's tree at -O0 took 186 CPU-s instead of 234, and the
# objects are the same byte for byte.  Two things together:
#  - scripts/hugepages.c, preloaded: anonymous mappings of 64 KiB or more
#    are advised MADV_HUGEPAGE (gcc's cc1 keeps its heap in such mappings);
#  - glibc.malloc.hugetlb=1 and a 32 MiB glibc.malloc.top_pad: malloc's heap
#    grows in steps a huge page fits in, and is advised too.
# The library is compiled once per version of its source into QX_PG_CACHE
# (default /var/cache/quota_ext), or a private /tmp file when that is not
# writable.  Runs COMMAND unchanged when huge pages are off
# (/sys/kernel/mm/transparent_hugepage/enabled says [never]), when the
# library does not build, or with QX_HUGEPAGES=0.
here=$(cd "$(dirname "$0")" && pwd)
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
if [ "${QX_HUGEPAGES:-1}" = 0 ] || [ -z "$thp" ] || [ "${thp#*\[never\]}" != "$thp" ]; then
	exec "$@"
fi
src=$here/hugepages.c
sum=$(sha256sum "$src" | cut -c1-12)
dir=${QX_PG_CACHE:-/var/cache/quota_ext}
{ mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; } || dir=/tmp
lib=$dir/hugepages-$sum-$(id -u).so
if [ ! -f "$lib" ]; then
	# several builds start at once: each compiles to a file of its own,
	# the rename is atomic
	tmp=$(mktemp "$dir/.hugepages.XXXXXX") &&
		gcc -O2 -shared -fPIC -Wall -Werror -o "$tmp" "$src" -ldl 2>/dev/null &&
		chmod 644 "$tmp" && mv -f "$tmp" "$lib" || { rm -f "$tmp"; exec "$@"; }
fi
export LD_PRELOAD=$lib${LD_PRELOAD:+:$LD_PRELOAD}
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}
exec "$@"
