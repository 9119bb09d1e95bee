#!/usr/bin/env python3
"""scripts/check_meta.py: check META.json against the PGXN Meta Spec 1.0.0
(https://pgxn.org/spec/, the "Structure" and "Fields" sections) and against the
repository: the required fields and the type of every field the spec defines,
SemVer versions, the license strings the spec lists, files that exist, and a
version that agrees with quota_ext.control.

    python3 scripts/check_meta.py [META.json]

Prints one line per problem and "META.json: valid" or "N problems"; the exit
status is non-zero when there is a problem.
"""
import json
import os
import re
import sys

# SemVer 1.0.0, as the spec requires ("1.2.0", "1.2.0beta1")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([a-zA-Z][-0-9A-Za-z]*)?$")
# a prereq: a version or a version range ("1.2.0", ">= 1.2.0, < 2.0.0", "0")
RANGE_PART = re.compile(r"^\s*(?:(?:==|!=|>=|<=|>|<)\s*)?(0|" + SEMVER.pattern[1:-1] + r")\s*$")
# the license strings of the spec's "license" field
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
    "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
    "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
    "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown",
}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
STATUSES = {"stable", "testing", "unstable"}

problems = []


def bad(path, msg):
    problems.append(f"{path}: {msg}")


def is_term(v):
    """A term (name, extension, tag-like key): 2+ characters, no whitespace,
    slash, backslash or control character."""
    return isinstance(v, str) and len(v) >= 2 and not re.search(r"[\s/\\\x00-\x1f\x7f]", v)


def want_str(path, v, nonempty=True):
    if not isinstance(v, str) or (nonempty and not v.strip()):
        bad(path, "must be a non-empty string")
        return False
    return True


def want_obj(path, v):
    if not isinstance(v, dict) or not v:
        bad(path, "must be a non-empty object")
        return False
    return True


def want_version(path, v):
    if want_str(path, v) and not SEMVER.match(v):
        bad(path, f"{v!r} is not a semantic version (x.y.z)")


def no_unknown(path, obj, known):
    for k in obj:
        # the spec reserves x_/X_ keys for custom fields
        if k not in known and not k.lower().startswith("x_"):
            bad(f"{path}.{k}", "is not a field of the spec (custom fields start with x_)")


def check(meta, root):
    if not isinstance(meta, dict):
        bad("META.json", "must be an object")
        return
    for k in ("name", "version", "abstract", "maintainer", "license", "provides", "meta-spec"):
        if k not in meta:
            bad(k, "required field missing")
    no_unknown("META.json", meta, {
        "name", "version", "abstract", "maintainer", "license", "provides", "meta-spec",
        "description", "generated_by", "tags", "no_index", "prereqs", "release_status",
        "resources"})

    if "name" in meta and not is_term(meta["name"]):
        bad("name", "must be 2+ characters without whitespace, slashes or control characters")
    if "version" in meta:
        want_version("version", meta["version"])
    if "abstract" in meta:
        want_str("abstract", meta["abstract"])
    for k in ("description", "generated_by"):
        if k in meta:
            want_str(k, meta[k])

    m = meta.get("maintainer")
    if m is not None:
        if isinstance(m, list):
            if not m:
                bad("maintainer", "must not be an empty list")
            for i, x in enumerate(m):
                want_str(f"maintainer[{i}]", x)
        else:
            want_str("maintainer", m)

    lic = meta.get("license")
    if lic is not None:
        if isinstance(lic, str):
            if lic not in LICENSES:
                bad("license", f"{lic!r} is not one of the spec's license strings")
        elif isinstance(lic, list):
            if not lic:
                bad("license", "must not be an empty list")
            for i, x in enumerate(lic):
                if x not in LICENSES:
                    bad(f"license[{i}]", f"{x!r} is not one of the spec's license strings")
        elif isinstance(lic, dict):
            if not lic:
                bad("license", "must not be an empty object")
            for k, url in lic.items():
                want_str(f"license.{k}", url)
        else:
            bad("license", "must be a string, a list of strings or an object")

    prov = meta.get("provides")
    if prov is not None and want_obj("provides", prov):
        for ext, spec in prov.items():
            path = f"provides.{ext}"
            if not is_term(ext):
                bad(path, "extension name must be 2+ characters without whitespace or slashes")
            if not want_obj(path, spec):
                continue
            no_unknown(path, spec, {"file", "version", "abstract", "docfile"})
            for k in ("file", "version"):
                if k not in spec:
                    bad(f"{path}.{k}", "required field missing")
            if "version" in spec:
                want_version(f"{path}.version", spec["version"])
            for k in ("file", "docfile"):
                if k in spec and want_str(f"{path}.{k}", spec[k]) and \
                        not os.path.isfile(os.path.join(root, spec[k])):
                    bad(f"{path}.{k}", f"{spec[k]} does not exist in the distribution")
            if "abstract" in spec:
                want_str(f"{path}.abstract", spec["abstract"])

    ms = meta.get("meta-spec")
    if ms is not None and want_obj("meta-spec", ms):
        no_unknown("meta-spec", ms, {"version", "url"})
        if ms.get("version") != "1.0.0":
            bad("meta-spec.version", "must be \"1.0.0\" (the spec this file follows)")
        if "url" in ms:
            want_str("meta-spec.url", ms["url"])

    tags = meta.get("tags")
    if tags is not None:
        if not isinstance(tags, list) or not tags:
            bad("tags", "must be a non-empty list")
        else:
            for i, t in enumerate(tags):
                if not isinstance(t, str) or not t or len(t) > 255 or re.search(r"[/\\\x00-\x1f]", t):
                    bad(f"tags[{i}]", "must be a string of 1-255 characters without slashes")

    ni = meta.get("no_index")
    if ni is not None and want_obj("no_index", ni):
        no_unknown("no_index", ni, {"file", "directory"})
        for k, v in ni.items():
            vals = v if isinstance(v, list) else [v]
            for x in vals:
                want_str(f"no_index.{k}", x)

    pre = meta.get("prereqs")
    if pre is not None and want_obj("prereqs", pre):
        for phase, rels in pre.items():
            if phase not in PHASES:
                bad(f"prereqs.{phase}", f"phase must be one of {sorted(PHASES)}")
            if not want_obj(f"prereqs.{phase}", rels):
                continue
            for rel, deps in rels.items():
                path = f"prereqs.{phase}.{rel}"
                if rel not in RELATIONS:
                    bad(path, f"relationship must be one of {sorted(RELATIONS)}")
                if not want_obj(path, deps):
                    continue
                for name, ver in deps.items():
                    if not isinstance(ver, str) or not all(
                            RANGE_PART.match(p) for p in ver.split(",")):
                        bad(f"{path}.{name}", f"{ver!r} is not a version or version range")

    rs = meta.get("release_status")
    if rs is not None and rs not in STATUSES:
        bad("release_status", f"must be one of {sorted(STATUSES)}")

    res = meta.get("resources")
    if res is not None and want_obj("resources", res):
        no_unknown("resources", res, {"homepage", "bugtracker", "repository"})
        if "homepage" in res:
            want_str("resources.homepage", res["homepage"])
        for k, fields in (("bugtracker", {"web", "mailto"}), ("repository", {"url", "web", "type"})):
            if k in res and want_obj(f"resources.{k}", res[k]):
                no_unknown(f"resources.{k}", res[k], fields)
                for f, v in res[k].items():
                    want_str(f"resources.{k}.{f}", v)


def check_repo(meta, root):
    """What the spec cannot know: META.json agrees with the control file."""
    ctl = os.path.join(root, "quota_ext.control")
    if not os.path.isfile(ctl):
        return
    m = re.search(r"^default_version\s*=\s*'([^']+)'", open(ctl).read(), re.M)
    if not m or not isinstance(meta.get("version"), str):
        return
    # control "1.2" is distribution "1.2.0"
    want = m.group(1) + ".0" * (2 - m.group(1).count("."))
    for path, v in [("version", meta.get("version"))] + [
            (f"provides.{e}.version", s.get("version")) for e, s in meta.get("provides", {}).items()
            if isinstance(s, dict)]:
        if v != want:
            bad(path, f"{v!r} differs from default_version {m.group(1)!r} of quota_ext.control ({want})")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "META.json")
    root = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read JSON: {e}")
        return 1
    check(meta, root)
    if not problems:
        check_repo(meta, root)
    for p in problems:
        print(p)
    print("META.json: valid (PGXN Meta Spec 1.0.0)" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
