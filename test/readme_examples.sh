#!/usr/bin/env bash
# Runs every example of README.md and of doc/*.md (or of the files named as
# arguments) and compares its output with the text.  An example is a ```sql
# block followed by a ```text block: the SQL is run with psql in a scratch
# database, one per file (a file's blocks share it, in order), and must print
# exactly the text.  A ```sql block with no text block after it is run as
# set-up and must not fail.  Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
db=quota_ext_readme
if [ $# -eq 0 ]; then set -- "$root/README.md" "$root"/doc/*.md; fi
python3 - "$db" "$@" <<'PY'
import difflib, re, subprocess, sys

db, files = sys.argv[1], [f for f in sys.argv[2:] if not f.endswith("*.md")]
passed = failed = 0
psql = ["psql", "-X", "-d", db, "-v", "ON_ERROR_STOP=1", "-P", "pager=off"]
admin = ["psql", "-X", "-q", "-d", "postgres", "-c"]
blocks = []
for readme in files:
  subprocess.run(admin + [f"DROP DATABASE IF EXISTS {db}"], capture_output=True)
  subprocess.run(admin + [f"CREATE DATABASE {db}"], check=True)
  subprocess.run(psql + ["-q", "-c", "CREATE EXTENSION quota_ext"], check=True)
  fblocks = re.findall(r"^```(\w*)\n(.*?)^```\s*$", open(readme).read(), re.M | re.S)
  blocks += fblocks
  for i, (lang, body) in enumerate(fblocks):
      if lang != "sql":
          continue
      expected = fblocks[i + 1][1] if i + 1 < len(fblocks) and fblocks[i + 1][0] == "text" else None
      r = subprocess.run(psql + ["-q"], input=body, capture_output=True, text=True)
      got = r.stdout + r.stderr
      first = body.strip().splitlines()[0] if body.strip() else "(empty)"
      if r.returncode != 0 or (expected is not None and got != expected):
          failed += 1
          print(f"FAILED: {readme}: example starting {first!r}")
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
