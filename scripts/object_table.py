#!/usr/bin/env python3
"""scripts/object_table.py: the README's table of every SQL object, from the catalog.

Installs each released version of quota_ext in a scratch database in turn
(CREATE EXTENSION VERSION '1.0', then ALTER EXTENSION UPDATE TO each later
one) and notes the version in which every user-facing object first appears;
links each to its heading in doc/*.md.  Prints the table (Markdown) on
stdout; --check README.md compares it with the table between the README's
markers and exits 1 on any difference, and checks that every relative link
of README.md and doc/*.md points at a file and heading that exist.

User-facing: functions, aggregates, window functions, triggers, types and
views that are members of the extension, less the support functions of
aggregates and state types (X_trans, X_final, X_combine, X_serialize,
X_deserialize, X_partial_final, X_merge_trans, X_state_combine,
X_state_final) and the I/O functions of types, which are not called
directly.  Overloads
share one line.  Needs psql and a server (PGHOST/PGPORT as usual).
"""
import glob, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB = "quota_ext_objects"
SUPPORT = re.compile(r"_(trans|final|combine|serialize|deserialize|partial_final|merge_trans|"
                     r"state_(in|out|recv|send|combine|final))$")
BEGIN, END = "<!-- objects: begin -->", "<!-- objects: end -->"


def psql(db, sql):
    r = subprocess.run(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"psql failed: {r.stderr.strip()}")
    return [l.split("\t") for l in r.stdout.splitlines() if l]


MEMBERS = """
SELECT kind, name, coalesce(min(descr), '') FROM (
  SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function'
              ELSE CASE WHEN p.prorettype = 'trigger'::regtype THEN 'trigger function' ELSE 'function' END END AS kind,
         p.proname::text AS name, obj_description(p.oid, 'pg_proc') AS descr
  FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
    AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
  UNION ALL
  SELECT CASE t.typtype WHEN 'c' THEN 'composite type' ELSE 'type' END, t.typname::text,
         obj_description(t.oid, 'pg_type')
  FROM pg_depend d JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    AND t.typcategory <> 'A'   -- array types, members of an updated extension on 18
    -- the row type of a view (a member on 18) is the view's, not a type of its own
    AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
  UNION ALL
  SELECT 'view', c.relname::text, obj_description(c.oid, 'pg_class')
  FROM pg_depend d JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind = 'v'
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
  UNION ALL
  SELECT 'table', c.relname::text, obj_description(c.oid, 'pg_class')
  FROM pg_depend d JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind IN ('r', 'p')
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
) m GROUP BY kind, name ORDER BY name, kind
"""


def slug(heading):
    """GitHub's anchor of a heading."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def doc_headings():
    """[(file, heading text, anchor)] of doc/*.md, in file order."""
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "doc", "*.md"))):
        infence = False
        seen = {}
        for line in open(f, encoding="utf-8"):
            if line.startswith("```"):
                infence = not infence
            m = None if infence else re.match(r"^(#{1,6}) (.*)$", line.rstrip("\n"))
            if m:
                a = slug(m.group(2))
                n = seen.get(a, 0)
                seen[a] = n + 1
                out.append((os.path.relpath(f, ROOT), m.group(2), a if n == 0 else f"{a}-{n}"))
    return out


def find_heading(heads, name, kind):
    """The heading that documents an object: one whose code span starts with its name."""
    pats = [re.compile(r"`" + re.escape(name) + r"(\(|`| )")]  # `name(`, `name`, `name `
    if kind.endswith("type"):
        base = re.sub(r"_state$", "", name)
        pats.append(re.compile(r"`" + re.escape(base) + r"(_partial)?\("))
        pats.append(re.compile(r"→ " + re.escape(name) + r"`"))
    for pat in pats:
        for f, h, a in heads:
            if pat.search(h):
                return f, a
    return None


def describe(text):
    # drop a leading kind ("window function: ...", "BEFORE ... trigger: ...")
    text = re.sub(r"^(window function|BEFORE INSERT OR UPDATE FOR EACH ROW trigger(; arguments \(.*?\))?)\s*[:;,]\s*", "", text)
    text = re.split(r"(?<=[a-z)]): |; ", text, maxsplit=1)[0].strip()
    return text if len(text) <= 90 else text[:87].rstrip() + "..."


def table():
    versions = [v for (v,) in psql("postgres", "SELECT version FROM pg_available_extension_versions "
                                   "WHERE name = 'quota_ext' ORDER BY string_to_array(version, '.')::int[]")]
    psql("postgres", f"DROP DATABASE IF EXISTS {DB}")
    psql("postgres", f"CREATE DATABASE {DB}")
    since, kinds, descr = {}, {}, {}
    try:
        for i, v in enumerate(versions):
            psql(DB, f"CREATE EXTENSION quota_ext VERSION '{v}'" if i == 0 else f"ALTER EXTENSION quota_ext UPDATE TO '{v}'")
            for kind, name, d in psql(DB, MEMBERS):
                if kind.endswith("function") or kind in ("aggregate", "trigger function"):
                    if SUPPORT.search(name):
                        continue
                key = (name, kind)
                since.setdefault(key, v)
                descr[key] = d
            current = {(n, k) for k, n, _ in psql(DB, MEMBERS)}
            for key in list(since):
                if key not in current:    # renamed or dropped by a later version
                    del since[key]
    finally:
        psql("postgres", f"DROP DATABASE IF EXISTS {DB}")
    heads = doc_headings()
    rows, missing = [], []
    for (name, kind) in sorted(since):
        where = find_heading(heads, name, kind)
        if where is None:
            missing.append(f"{kind} {name}")
            link = "—"
        else:
            link = f"[{where[0]}]({where[0]}#{where[1]})"
        rows.append(f"| `{name}` | {kind} | {since[(name, kind)]} | {describe(descr[(name, kind)])} | {link} |")
    head = ["| object | kind | since | what it is | reference |", "|---|---|---|---|---|"]
    return "\n".join(head + rows), missing


def check_links(files):
    heads = doc_headings()
    anchors = {}
    for f, h, a in heads:
        anchors.setdefault(f, set()).add(a)
    readme_heads = set()
    infence = False
    seen = {}
    for line in open(os.path.join(ROOT, "README.md"), encoding="utf-8"):
        if line.startswith("```"):
            infence = not infence
        m = None if infence else re.match(r"^(#{1,6}) (.*)$", line.rstrip("\n"))
        if m:
            a = slug(m.group(2)); n = seen.get(a, 0); seen[a] = n + 1
            readme_heads.add(a if n == 0 else f"{a}-{n}")
    anchors["README.md"] = readme_heads
    bad = []
    for f in files:
        rel = os.path.relpath(f, ROOT)
        text = open(f, encoding="utf-8").read()
        text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(rel), path)) if path else rel
            if not os.path.exists(os.path.join(ROOT, dest)):
                bad.append(f"{rel}: {target} (no file {dest})")
            elif anchor and dest.endswith(".md") and anchor not in anchors.get(dest, set()):
                bad.append(f"{rel}: {target} (no heading #{anchor} in {dest})")
    return bad


def main():
    t, missing = table()
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        readme = open(sys.argv[2], encoding="utf-8").read()
        m = re.search(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), readme, re.S)
        ok = True
        if not m:
            print("FAIL README has no object table between its markers"); ok = False
        elif m.group(1).strip() != t.strip():
            import difflib
            print("FAIL the README's object table differs from the catalog (scripts/object_table.py prints it):")
            sys.stdout.writelines(difflib.unified_diff(m.group(1).strip().splitlines(True),
                                                       t.strip().splitlines(True), "README", "catalog"))
            print(); ok = False
        else:
            print(f"ok   the README's object table lists the {t.count(chr(10)) - 1} user-facing objects of the catalog with their versions")
        if missing:
            print(f"FAIL objects with no heading of their own in doc/: {', '.join(missing)}"); ok = False
        else:
            print("ok   every user-facing object has a heading of its own in doc/")
        bad = check_links([os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "doc", "*.md"))))
        if bad:
            print("FAIL broken relative links:\n  " + "\n  ".join(bad)); ok = False
        else:
            print("ok   every relative link of README.md and doc/*.md points at a file and heading that exist")
        sys.exit(0 if ok else 1)
    print(t)
    if missing:
        print("objects with no heading in doc/: " + ", ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
