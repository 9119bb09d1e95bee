#!/usr/bin/env bash
# The label catalog across sessions (issue 28, doc/labels.md "When a change
# is seen"): each backend keeps the catalog merged with quota_label_custom
# and reads it again after a relcache invalidation that the table's
# statement trigger sends.  Two connections (psycopg2): session A has the
# catalog loaded; session B changes the table.  Expected, by the rule: A
# does not see B's uncommitted change, sees it from its next transaction
# after B commits (inside a transaction it may see it earlier, when it takes
# a new lock, as for a system catalog), and sees a rolled-back change never.  A session that connects later reads the
# committed rows.  Needs Debian's python3-psycopg2 (scripts/test.sh
# installs it); without it the suite fails.
# qx-tier: fast
set -uo pipefail
source "$(dirname "$0")/lib/suite.sh"
db=qx_labels_sessions
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || qx_missing "python3-psycopg2 (Debian) for two sessions"
q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null
q -d postgres -c "CREATE DATABASE $db TEMPLATE template0" && q -d $db -c "CREATE EXTENSION quota_ext"
qx_check "scratch database with quota_ext" $?

out=$(/usr/bin/python3 - "$db" 2>&1 <<'PY'
import sys
import psycopg2
a = psycopg2.connect(dbname=sys.argv[1])
b = psycopg2.connect(dbname=sys.argv[1])
a.autocommit = True
ca, cb = a.cursor(), b.cursor()

def label(cur, code='Золоті', lang='uk'):
    try:
        cur.execute("SELECT quota_label('rfm', %s, %s), quota_label_rank('rfm', %s)", (code, lang, code))
        return cur.fetchone()
    except psycopg2.Error as e:
        return e.pgcode

def check(name, got, want):
    print(("ok   " if got == want else "FAIL ") + name + ("" if got == want else f" got {got!r} want {want!r}"))

check("A, before any row: uk is not a language of rfm", label(ca), "22023")
cb.execute("INSERT INTO quota_label_custom (kind, code, rank, labels) VALUES ('rfm', 'Золоті', 1, '{\"uk\": \"Золоті клієнти\"}')")
check("B sees its own uncommitted row", label(cb), ("Золоті клієнти", 1))
check("A does not see B's uncommitted row", label(ca), "22023")
b.commit()
check("A sees the row once B committed", label(ca), ("Золоті клієнти", 1))

a.autocommit = False
ca.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
check("A in a repeatable-read transaction", label(ca), ("Золоті клієнти", 1))
cb.execute("UPDATE quota_label_custom SET rank = 2, labels = '{\"uk\": \"Золоті\"}' WHERE code = 'Золоті'")
b.commit()
inside = label(ca)
check("... meanwhile B's committed update is either seen or not (as for a catalog: at A's next lock or transaction)",
      inside in (("Золоті клієнти", 1), ("Золоті", 2)), True)
a.commit()
a.autocommit = True
check("A's next transaction sees B's update", label(ca), ("Золоті", 2))

cb.execute("DELETE FROM quota_label_custom")
check("A before B's DELETE commits", label(ca), ("Золоті", 2))
b.rollback()
check("A after B rolled its DELETE back", label(ca), ("Золоті", 2))

cb.execute("TRUNCATE quota_label_custom")
b.commit()
check("A after B's TRUNCATE committed: the built-in catalog", label(ca), "22023")
cb.execute("INSERT INTO quota_label_custom (kind, code, rank, labels) VALUES ('rfm', 'Сплячі', 3, '{\"uk\": \"Сплячі клієнти\"}')")
b.commit()
c = psycopg2.connect(dbname=sys.argv[1])
check("a new session reads the committed rows", label(c.cursor(), 'Сплячі'), ("Сплячі клієнти", 3))
check("and A too", label(ca, 'Сплячі'), ("Сплячі клієнти", 3))
PY
)
echo "$out"
while read -r line; do
	case $line in
	"ok   "*) qx_check "${line#ok   }" 0 ;;
	"FAIL "*) qx_check "${line#FAIL }" 1 ;;
	esac
done <<<"$out"
n=$(grep -c '^\(ok\|FAIL\) ' <<<"$out")
[ "$n" -eq 12 ]
qx_check "the Python part ran its 12 checks" $? "ran $n"
q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
qx_summary
