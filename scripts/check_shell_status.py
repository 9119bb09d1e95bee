"""
scripts/check_shell_status.py FILE...: find shell commands that pass `$?`
as an argument after a `$(...)` in an earlier argument of the same command,
as in

    [ -n "$deb" ]
    qx_check "builds $(basename "$deb")" $?

Bash expands a command's words left to right, and a command substitution
sets `$?` of its own: the check above gets basename's status, 0, and cannot
fail.  Take the status first (`rc=$?`) and pass "$rc".  Prints
FILE:LINE: COMMAND for each finding; exit status 1 when there is one.
(`"$(test ...; echo $?)"` is not such a case: there `$?` is inside the
substitution.)  Used by scripts/lint.sh.
"""
import re
import sys


def logical_lines(text):
    """(first line number, the line joined over trailing backslashes)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start, line = i, lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + " " + lines[i].strip()
        yield start + 1, line
        i += 1


def strip_substitutions(line):
    """The line with every $(...) (nested, quotes inside) replaced by a
    marker, so that a `$?` inside one is not seen as an argument."""
    out, i, depth = [], 0, 0
    while i < len(line):
        if line.startswith("$(", i):
            if depth == 0:
                out.append("\x00")
            depth += 1
            i += 2
            continue
        if depth and line[i] == "(":
            depth += 1
        elif depth and line[i] == ")":
            depth -= 1
            i += 1
            continue
        if depth == 0:
            out.append(line[i])
        i += 1
    return "".join(out)


def findings(path, text):
    for n, line in logical_lines(text):
        if line.lstrip().startswith("#"):
            continue
        flat = strip_substitutions(line)
        m = re.search(r"(^|\s)\$\?(\s|$|;)", flat)
        if m and "\x00" in flat[: m.start()] and not re.search(r"\w+=\$\?", flat):
            yield "%s:%d: %s" % (path, n, line.strip()[:160])


def main(paths):
    found = [f for p in paths for f in findings(p, open(p, encoding="utf-8").read())]
    for f in found:
        print(f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
