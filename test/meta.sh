#!/usr/bin/env bash
# test/meta.sh: the PGXN package metadata and `make dist`.  META.json passes
# scripts/check_meta.py (PGXN Meta Spec 1.0.0), and the checker rejects one
# broken copy per rule it enforces (so the check can fail); `make dist`
# writes quota_ext-VERSION.zip with the files PGXN's builder needs under one
# top directory.  Needs no server.  Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/test/lib/suite.sh"
work=$(mktemp -d /tmp/qx_meta.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$root/scripts/check_meta.py" "$root/META.json"
qx_check "META.json is valid PGXN Meta Spec 1.0.0 and agrees with quota_ext.control" $?

# broken NAME PYTHON-STATEMENT-ON-m: a copy of META.json beside the real
# files (provides.file must exist), changed, must be rejected
broken() {
	python3 - "$root/META.json" "$root/meta_broken.json" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(m, open(sys.argv[2], "w"))
PY
	python3 "$root/scripts/check_meta.py" "$root/meta_broken.json" >"$work/out" 2>&1
	local rc=$?
	rm -f "$root/meta_broken.json"
	[ "$rc" -ne 0 ]
	qx_check "rejected: $1 ($(head -1 "$work/out"))" $?
}
broken "no name" 'del m["name"]'
broken "no provides" 'del m["provides"]'
broken "name with a space" 'm["name"] = "quota ext"'
broken "version 1.2 (not x.y.z)" 'm["version"] = "1.2"'
broken "license not in the spec's list" 'm["license"] = "GPL"'
broken "provides without file" 'del m["provides"]["quota_ext"]["file"]'
broken "provides file that does not exist" 'm["provides"]["quota_ext"]["file"] = "sql/nope.sql"'
broken "meta-spec 2.0.0" 'm["meta-spec"]["version"] = "2.0.0"'
broken "release_status final" 'm["release_status"] = "final"'
broken "prereqs phase install" 'm["prereqs"] = {"install": {"requires": {"PostgreSQL": "15.0.0"}}}'
broken "prereq version 15" 'm["prereqs"]["runtime"]["requires"]["PostgreSQL"] = "15"'
broken "tags a string" 'm["tags"] = "sales"'
broken "unknown field" 'm["homepage"] = "x"'
broken "version 1.3.0 while the control file says 1.2" 'm["version"] = "1.3.0"; m["provides"]["quota_ext"]["version"] = "1.3.0"'

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
