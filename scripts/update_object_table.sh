#!/usr/bin/env bash
# Rewrites the README's object table from the catalog of a running server
# (PGHOST/PGPORT as usual, the extension installed in its tree).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
table=$(python3 "$root/scripts/object_table.py")
python3 - "$root/README.md" "$table" <<'PY'
import re, sys
p, t = sys.argv[1], sys.argv[2]
s = open(p, encoding="utf-8").read()
s = re.sub(r"(<!-- objects: begin -->\n).*?(<!-- objects: end -->)", lambda m: m.group(1) + t + "\n" + m.group(2), s, flags=re.S)
open(p, "w", encoding="utf-8").write(s)
PY
