#!/usr/bin/env bash
# Runs every example of README.md and of doc/*.md (or of the files named as
# arguments) and compares its output with the text.  An example is a ```sql
# block followed by a ```text block: the SQL is run with psql in a scratch
# database, one per file (a file's blocks share it, in order), and must print
# exactly the text.  A ```sql block with no text block after it is run as
# set-up and must not fail.  Ends with "N passed, N failed".
# qx-tier: fast once (in --fast; in the full command on the first server only:
# the README's and doc/'s examples against their printed output: the same on
# every server, checked once)
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
# runs f once per field; every code block is looked at, tested or not.  The
# names come from the catalog: every function and aggregate of the
# extension whose result is a composite type or a record.
subprocess.run(admin + [f"DROP DATABASE IF EXISTS {db}"], capture_output=True)
subprocess.run(admin + [f"CREATE DATABASE {db}"], check=True)
r = subprocess.run(psql + ["-q", "-A", "-t", "-c", """
    CREATE EXTENSION quota_ext;
    SELECT DISTINCT p.proname FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'quota_ext'
    JOIN pg_type t ON t.oid = p.prorettype
    WHERE t.typtype = 'c' OR p.prorettype = 'record'::regtype ORDER BY 1"""],
    capture_output=True, text=True)
names = r.stdout.split()
if r.returncode != 0 or not names:
    failed += 1
    print(f"FAILED: no row-returning function of the extension found in the catalog: {r.stderr.strip()}")
else:
    composite = re.compile(r"\((" + "|".join(map(re.escape, names)) + r")\(")
    calls = [m.group(0) for lang, body in blocks for m in composite.finditer(body)]
    if calls:
        failed += 1
        print(f"FAILED: field selection from a composite call in README code: {calls}")
    else:
        passed += 1
        print(f"ok: no field selection from a call of the {len(names)} row-returning functions "
              f"({', '.join(names)}) in {len(blocks)} code blocks")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
rc=$?
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"
exit $rc
