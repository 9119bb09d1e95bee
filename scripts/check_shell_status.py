"""
scripts/check_shell_status.py FILE...: find shell commands that read `$?`
after a command substitution earlier in the same command, as in

    [ -n "$deb" ]
    qx_check "builds $(basename "$deb")" $?

Bash expands a command's words left to right, and a command substitution
sets `$?` of its own: the check above gets basename's status, 0, and cannot
fail.  Take the status first (`rc=$?`) and pass "$rc".  Prints
FILE:LINE: TEXT for each finding (LINE: where the command starts); exit
status 1 when there is one, 0 when there is none.  Used by scripts/lint.sh.

What it reads as one command: the text up to an unquoted `;`, `&`, `|` or
newline outside any substitution (a backslash-newline continues it; a
substitution may span lines).  `$?`, `"$?"` and `${?}` count, in a word of
their own or inside a string; `$(...)` and backquotes are substitutions,
`$((...))` (arithmetic, which sets no status) is not, and neither is a
`$?` inside a substitution (`"$(test ...; echo $?)"` is a status of its
own).  Comments and here-documents are skipped.
"""
import re
import sys

HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
CASE_WORD = re.compile(r"(case|esac)\b")


def commands(text):
    """[(line, command text, events)]: events are 'sub' for a substitution
    and 'status' for a read of $? at the command's own level, in order."""
    out = []
    i, n, line = 0, len(text), 1
    start, buf, events = 1, [], []
    # [kind, quote outside it, open `case`s]: kind '(' for $(, 'arith' for
    # $((, '`', 'paren'; inside a case, a `)` ends a pattern, not the $(
    stack = []
    quote = None       # None, "'" or '"' at the current level
    heredocs = []      # (strip tabs, word) opened on the current line

    def flush():
        if "".join(buf).strip():
            out.append((start, " ".join("".join(buf).split()), list(events)))
        buf.clear()
        events.clear()

    while i < n:
        c = text[i]
        top = not stack
        if quote == "'":
            if c == "\n":
                line += 1
            elif c == "'":
                quote = None
            buf.append(c)
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            if text[i + 1] == "\n":
                line += 1
                buf.append(" ")
            else:
                buf.append(text[i:i + 2])
            i += 2
            continue
        if c == "\n":
            line += 1
            i += 1
            if top and quote is None:
                flush()
                for strip, word in heredocs:     # skip their bodies
                    while i < n:
                        k = text.find("\n", i)
                        k = n if k < 0 else k
                        body = text[i:k]
                        line += 1
                        i = k + 1
                        if (body.lstrip("\t") if strip else body) == word:
                            break
                heredocs = []
                start = line
            else:
                buf.append(c)
            continue
        if quote is None and c == "#" and (i == 0 or text[i - 1] in " \t\n;(|&"):
            k = text.find("\n", i)
            i = n if k < 0 else k
            continue
        if quote is None and c == "'":
            quote = "'"
        elif c == '"':
            quote = None if quote == '"' else '"'
        elif text.startswith("$((", i):
            stack.append(["arith", quote, 0])
            quote = None
            buf.append("$((")
            i += 3
            continue
        elif text.startswith("$(", i):
            if top:
                events.append("sub")
            stack.append(["(", quote, 0])
            quote = None
            buf.append("$(")
            i += 2
            continue
        elif c == "`":
            if stack and stack[-1][0] == "`" and quote is None:
                quote = stack.pop()[1]
            else:
                if top:
                    events.append("sub")
                stack.append(["`", quote, 0])
                quote = None
        elif stack and quote is None and c == "(":
            stack.append(["paren", quote, 0])
        elif stack and quote is None and c == ")" and stack[-1][2] > 0:
            pass            # the end of a case pattern
        elif stack and quote is None and c == ")":
            kind, saved, _ = stack.pop()
            if kind == "arith" and text.startswith("))", i):
                buf.append("))")
                i += 2
                quote = saved
                continue
            quote = saved
        elif stack and quote is None and CASE_WORD.match(text, i) and \
                (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_$-")):
            stack[-1][2] = max(0, stack[-1][2] + (1 if text.startswith("case", i) else -1))
            word = text[i:i + 4]
            buf.append(word)
            i += 4
            continue
        elif top and (text.startswith("$?", i) or text.startswith("${?}", i)):
            events.append("status")
        elif top and quote is None and (m := HEREDOC.match(text, i)):
            heredocs.append((text.startswith("<<-", i), m.group(2)))
            buf.append(m.group(0))
            i = m.end()
            continue
        elif top and quote is None and c in ";&|":
            flush()
            start = line
            i += 1
            continue
        buf.append(c)
        i += 1
    flush()
    return out


def findings(path, text):
    for line, cmd, events in commands(text):
        if "status" in events and "sub" in events[: events.index("status")]:
            yield "%s:%d: %s" % (path, line, cmd[:160])


def main(paths):
    found = [f for p in paths for f in findings(p, open(p, encoding="utf-8").read())]
    for f in found:
        print(f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
