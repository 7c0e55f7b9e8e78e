#!/usr/bin/env python3
"""compare-check.py: exactness of a tffam-compare TSV against a Tomtom TSV.

usage: compare-check.py MINE.tsv TOMTOM.tsv[.gz]

Rows are matched on (Query_ID, Target_ID) for the queries present in the
Tomtom file. Prints: rows in each, rows only in one, identical
offset/orientation/overlap share, max |log10 p - log10 p_tomtom| (same for E),
max relative q-value difference, and exits 1 if the issue's goals are missed
(>= 99.9% identical rows, |dlog10 p| <= 1e-3, q within 1% relative).
"""
import gzip, math, sys

def read(path):
    op = gzip.open if path.endswith(".gz") else open
    rows = {}
    with op(path, "rt") as f:
        next(f)
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            rows[(c[0], c[1])] = (int(c[2]), float(c[3]), float(c[4]), float(c[5]), int(c[6]), c[9])
    return rows

def dlog(a, b):
    if a == b: return 0.0
    if a <= 0 or b <= 0: return math.inf
    return abs(math.log10(a) - math.log10(b))

mine, ref = read(sys.argv[1]), read(sys.argv[2])
queries = {q for q, _ in ref}
mine = {k: v for k, v in mine.items() if k[0] in queries}
common = mine.keys() & ref.keys()
only_m, only_r = len(mine.keys() - ref.keys()), len(ref.keys() - mine.keys())
same = sum(1 for k in common if (mine[k][0], mine[k][4], mine[k][5]) == (ref[k][0], ref[k][4], ref[k][5]))
dp = max((dlog(mine[k][1], ref[k][1]) for k in common), default=0)
de = max((dlog(mine[k][2], ref[k][2]) for k in common), default=0)
dq = max((abs(mine[k][3] - ref[k][3]) / ref[k][3] if ref[k][3] else abs(mine[k][3]) for k in common), default=0)
nq_exact = sum(1 for k in common if mine[k][3] == ref[k][3])
np_exact = sum(1 for k in common if mine[k][1] == ref[k][1])
frac = same / max(1, len(ref))
print(f"{sys.argv[2]}: tomtom rows {len(ref)}, ours {len(mine)}, only ours {only_m}, only tomtom {only_r}")
print(f"  identical offset/overlap/orientation: {same}/{len(ref)} ({100*frac:.4f}%)")
print(f"  p-values printed identically: {np_exact}/{len(common)}; max |dlog10 p| {dp:.3g}; max |dlog10 E| {de:.3g}")
print(f"  q-values printed identically: {nq_exact}/{len(common)}; max relative q difference {dq:.3g}")
for k in sorted(common):
    if (mine[k][0], mine[k][4], mine[k][5]) != (ref[k][0], ref[k][4], ref[k][5]):
        print("  differs:", k, "ours", mine[k], "tomtom", ref[k])
ok = frac >= 0.999 and only_m == 0 and only_r == 0 and dp <= 1e-3 and de <= 1e-3 and dq <= 0.01
sys.exit(0 if ok else 1)
