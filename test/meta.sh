#!/usr/bin/env bash
# test/meta.sh: the PGXN package metadata and `make dist`.  META.json passes
# scripts/check_meta.py (PGXN Meta Spec 1.0.0), and the checker rejects one
# broken copy per rule it enforces (so the check can fail); `make dist`
# writes quota_ext-VERSION.zip with the files PGXN's builder needs under one
# top directory.  Needs no server.  Ends with "N passed, N failed".
# qx-tier: once
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
work=$(mktemp -d /tmp/qx_meta.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$root/scripts/check_meta.py" "$root/META.json"
qx_check "META.json is valid PGXN Meta Spec 1.0.0 and agrees with quota_ext.control" $?

# One broken copy of META.json per rule the checker enforces, each checked
# in one Python process (scripts/check_meta.py as a module) against the real
# tree: each must be rejected.  Prints "NAME<TAB>PROBLEM" (empty: accepted).
python3 - "$root" >"$work/broken" <<'PY'
import copy, importlib.util, json, os, sys
root = sys.argv[1]
spec = importlib.util.spec_from_file_location("check_meta", os.path.join(root, "scripts/check_meta.py"))
cm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cm)
good = json.load(open(os.path.join(root, "META.json")))
cases = [
    ("no name", lambda m: m.pop("name")),
    ("no provides", lambda m: m.pop("provides")),
    ("name with a space", lambda m: m.update(name="quota ext")),
    ("version 1.2 (not x.y.z)", lambda m: m.update(version="1.2")),
    ("license not in the spec's list", lambda m: m.update(license="GPL")),
    ("provides without file", lambda m: m["provides"]["quota_ext"].pop("file")),
    ("provides file that does not exist", lambda m: m["provides"]["quota_ext"].update(file="sql/nope.sql")),
    ("meta-spec 2.0.0", lambda m: m["meta-spec"].update(version="2.0.0")),
    ("release_status final", lambda m: m.update(release_status="final")),
    ("prereqs phase install", lambda m: m.update(prereqs={"install": {"requires": {"PostgreSQL": "15.0.0"}}})),
    ("prereq version 15", lambda m: m["prereqs"]["runtime"]["requires"].update(PostgreSQL="15")),
    ("tags a string", lambda m: m.update(tags="sales")),
    ("unknown field", lambda m: m.update(homepage="x")),
    ("version 1.4.0 while the control file says 1.3",
     lambda m: (m.update(version="1.4.0"), m["provides"]["quota_ext"].update(version="1.4.0"))),
]
for name, breakit in cases:
    m = copy.deepcopy(good)
    breakit(m)
    cm.problems.clear()
    cm.check(m, root)
    if not cm.problems:
        cm.check_repo(m, root)
    print(f"{name}\t{cm.problems[0] if cm.problems else ''}")
PY
while IFS=$'\t' read -r name problem; do
	[ -n "$problem" ]
	qx_check "rejected: $name ($problem)" $?
done <"$work/broken"
[ "$(wc -l <"$work/broken")" -eq 14 ]
qx_check "all 14 broken copies were checked" $?

# make dist: git archive of HEAD (a clone or work tree with a commit)
if git -C "$root" rev-parse --verify -q HEAD >/dev/null; then
	ver=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$root/META.json")
	make -C "$root" -s dist DISTDIR="$work" >"$work/dist.log" 2>&1
	qx_check "make dist writes quota_ext-$ver.zip" $? "$(cat "$work/dist.log")"
	python3 - "$work/quota_ext-$ver.zip" "quota_ext-$ver/" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
top = sys.argv[2]
need = ["META.json", "Makefile", "quota_ext.control", "sql/quota_ext--1.0.sql", "src/pg_compat.h",
        "README.md", "LICENSE"]
missing = [n for n in need if top + n not in names]
outside = [n for n in names if not n.startswith(top)]
print("missing:", missing, "outside the top directory:", outside[:3])
sys.exit(1 if missing or outside else 0)
PY
	qx_check "the archive holds META.json, Makefile, control, sql/, src/ under quota_ext-$ver/" $?
fi
qx_summary
