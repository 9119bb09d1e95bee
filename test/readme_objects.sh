#!/usr/bin/env bash
# qx-tier: fast once (in --fast; in the full command on the first server only:
# the README's object table against the catalog of a fresh install:
# the install script is the same on every server, checked once)
# The README's table of every SQL object against the catalog: installs each
# version of quota_ext in a scratch database in turn, lists the user-facing
# objects with the version each appeared in and its heading in doc/*.md
# (scripts/object_table.py), and compares that with the README's table; also
# checks that every object has a heading of its own in doc/ and that every
# relative link of README.md and doc/*.md resolves.  Ends with
# "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(python3 "$root/scripts/object_table.py" --check "$root/README.md" 2>&1)
rc=$?
echo "$out"
passed=$(echo "$out" | grep -c '^ok ')
failed=$(echo "$out" | grep -c '^FAIL')
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
[ $((passed + failed)) -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
