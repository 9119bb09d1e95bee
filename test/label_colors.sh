#!/usr/bin/env bash
# test/label_colors.sh: the colours of quota_labels under simulated colour
# vision deficiency.  Each colour is converted to linear RGB, passed through
# the protanopia, deuteranopia and tritanopia matrices of Machado, Oliveira &
# Fernandes (2009, severity 1.0), and compared in CIELAB: within a kind every
# two codes must stay apart by a CIE76 difference of at least 10 under each
# simulation and normal vision; rank 1 reads blue (b* < 0) and the last rank
# (RFM's neutral Others aside) red (a* > 0, b* > 0).  deal_warning, all
# problems (SPEC §14), runs dark red to yellow instead: lighter rank by rank
# under every simulation, every colour red to yellow.  Runs against the
# server scripts/test.sh started; ends with "N passed, N failed".
# qx-tier: fast once (in --fast; in the full command on the first server only:
# the label catalog's colours and texts: data of the install script, the same on
# every server, checked once)
set -uo pipefail
db=quota_ext_label_colors_$$
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1; }
trap cleanup EXIT
createdb "$db" && psql -X -q -d "$db" -c 'CREATE EXTENSION quota_ext' || { echo "0 passed, 1 failed"; exit 1; }
psql -X -q -At -F ' ' -d "$db" -c "SELECT kind, rank, code = 'Others', color FROM quota_labels ORDER BY kind, rank" |
python3 -c '
import itertools, sys
MACHADO = {  # severity 1.0, on linear sRGB
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "normal vision": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
}
def linear(c):
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
def lab(rgb):  # linear sRGB (clipped) -> CIELAB, D65
    r, g, b = (min(max(v, 0.0), 1.0) for v in rgb)
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]
    return (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))
def seen(color, m):
    rgb = [linear(int(color[i:i + 2], 16)) for i in (1, 3, 5)]
    return lab([sum(m[i][j] * rgb[j] for j in range(3)) for i in range(3)])
kinds = {}
for line in sys.stdin:
    kind, rank, others, color = line.split()
    kinds.setdefault(kind, []).append((int(rank), others == "t", color))
passed = failed = 0
def check(ok, what):
    global passed, failed
    print(("ok   - " if ok else "FAIL - ") + what)
    passed, failed = passed + ok, failed + (not ok)
for kind, rows in sorted(kinds.items()):
    if kind == "deal_warning":
        # SPEC 14: all warning colours, darker for the more urgent.  Thirteen
        # codes on one hue cannot all stay 10 apart; the order must survive
        # every simulation: lightness L* rises by at least 3 from rank to rank.
        for name, m in MACHADO.items():
            ls = [seen(r[2], m)[0] for r in rows]
            step = min(b - a for a, b in zip(ls, ls[1:]))
            check(step >= 3, "%s under %s: lighter rank by rank, L* up by >= 3 (smallest step %.1f)"
                  % (kind, name, step))
        warm = [r[2] for r in rows if not (seen(r[2], MACHADO["normal vision"])[2] > 0
                                           and seen(r[2], MACHADO["normal vision"])[1] > -10)]
        check(not warm, "%s: every colour a warning colour, red to yellow (b* > 0, a* > -10)%s"
              % (kind, (": not " + ", ".join(warm)) if warm else ""))
        continue
    for name, m in MACHADO.items():
        worst = min((sum((x - y) ** 2 for x, y in zip(seen(a[2], m), seen(b[2], m))) ** 0.5, a[2], b[2])
                    for a, b in itertools.combinations(rows, 2))
        check(worst[0] >= 10, "%s under %s: every two colours differ by CIE76 >= 10 (closest %.1f: %s, %s)"
              % (kind, name, *worst))
    scale = [r for r in rows if not r[1]]
    first, last = (seen(r[2], MACHADO["normal vision"]) for r in (scale[0], scale[-1]))
    check(first[2] < 0 and last[1] > 0 and last[2] > 0,
          "%s: rank 1 %s reads blue, rank %d %s reads red" % (kind, scale[0][2], scale[-1][0], scale[-1][2]))
check(len(kinds) == 10, "ten kinds")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
'
