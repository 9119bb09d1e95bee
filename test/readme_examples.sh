#!/usr/bin/env bash
# Runs every example of README.md and compares its output with the README.
# An example is a ```sql block followed by a ```text block: the SQL is run
# with psql in a scratch database (blocks share it, in order) and must print
# exactly the text.  A ```sql block with no text block after it is run as
# set-up and must not fail.  Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
db=quota_ext_readme
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
psql -X -q -d postgres -c "CREATE DATABASE $db" || exit 1
python3 - "$root/README.md" "$db" <<'PY'
import difflib, re, subprocess, sys

readme, db = sys.argv[1], sys.argv[2]
blocks = re.findall(r"^```(\w*)\n(.*?)^```\s*$", open(readme).read(), re.M | re.S)
passed = failed = 0
psql = ["psql", "-X", "-d", db, "-v", "ON_ERROR_STOP=1", "-P", "pager=off"]
subprocess.run(psql + ["-q", "-c", "CREATE EXTENSION quota_ext"], check=True)
for i, (lang, body) in enumerate(blocks):
    if lang != "sql":
        continue
    expected = blocks[i + 1][1] if i + 1 < len(blocks) and blocks[i + 1][0] == "text" else None
    r = subprocess.run(psql + ["-q"], input=body, capture_output=True, text=True)
    got = r.stdout + r.stderr
    first = body.strip().splitlines()[0] if body.strip() else "(empty)"
    if r.returncode != 0 or (expected is not None and got != expected):
        failed += 1
        print(f"FAILED: example starting {first!r}")
        if expected is not None:
            sys.stdout.writelines(difflib.unified_diff(
                expected.splitlines(True), got.splitlines(True), "README", "psql"))
        else:
            print(got)
    else:
        passed += 1
# README "Reading composite results": no example selects a field of a call
# to a row-returning function or aggregate, (f(...)).x or (f(...)).*, which
# runs f once per field; every code block is looked at, tested or not.
composite = re.compile(r"\((quota_status|rfm_summary|btyd_summary|rfm_kinetic|rfm_kinetic_merge|"
                       r"rfm_summary_merge|btyd_summary_merge|bgnbd_fit|bgnbd_fit_merge)\(")
calls = [m.group(0) for lang, body in blocks for m in composite.finditer(body)]
if calls:
    failed += 1
    print(f"FAILED: field selection from a composite call in README code: {calls}")
else:
    passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
rc=$?
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"
exit $rc
