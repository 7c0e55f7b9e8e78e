#!/usr/bin/env python3
"""How far can a novelty score built on Tomtom-style similarity go in leave-one-class-out?
(doc/combine.md, "No known family": why the LOCO goal is out of reach.)

For every single-class motif of a class with >= 5 motifs, from the set's all-vs-all ed
neighbour lists (tffam-cv -save-neighbours; the kmax nearest of each motif):
  known view: its best p-value to a motif of its own class that shares no gene-name stem
              with it (a new TF of a known class: relatives are not in the reference);
  LOCO view:  its best p-value to a motif of another class (its class left out).
A detector that abstains when the best p-value is large can abstain on a LOCO motif
only where that p-value exceeds what a known motif's is; the script prints, per class,
the share of LOCO motifs above the 97% quantile of the known values (3% of known
motifs lost), and the two distributions' quantiles. A motif with no such neighbour among
the kept ones gets the p-value of the last one kept.

usage: loco-ceiling.py <neighbours file> <labels.tsv (matrix_id, name, family)>
"""
import collections
import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stemrule import stem  # noqa: E402


nbfile, tsv = sys.argv[1:3]
rows = [l.rstrip('\n').split('\t') for l in open(tsv)][1:]
labs = [set(r[2].split('::')) for r in rows]
stems = [{stem(x) for x in r[1].split('::')} for r in rows]
nb = collections.defaultdict(list)
with open(nbfile) as f:
    f.readline()
    for line in f:
        m, q, t, _s, _o, _ov, p, _e = line.split()
        if m == '0':   # ed
            nb[int(q)].append((float.fromhex(p), int(t)))
count = collections.Counter(c for L in labs if len(L) == 1 for c in L)
known, loco = [], collections.defaultdict(list)
for i, L in enumerate(labs):
    if len(L) != 1 or not nb[i]:
        continue
    c = next(iter(L))
    last = max(p for p, _ in nb[i])
    same = [p for p, t in nb[i] if c in labs[t] and not (stems[t] & stems[i])]
    other = [p for p, t in nb[i] if c not in labs[t]]
    known.append(min(same) if same else last)
    if count[c] >= 5:
        loco[c].append(min(other) if other else last)
known.sort()
thr = known[int(0.97 * len(known))]
shares = []
print('class\tmotifs\tabstained_at_3pct_loss\tother_class_p_below_1e-8')
for c, v in sorted(loco.items(), key=lambda x: -len(x[1])):
    shares.append(sum(p > thr for p in v) / len(v))
    print('%s\t%d\t%.3f\t%.3f' % (c, len(v), shares[-1], sum(p < 1e-8 for p in v) / len(v)))
allv = sorted(p for v in loco.values() for p in v)
q = lambda v, f: v[min(len(v) - 1, int(f * len(v)))]
print('# known (relatives removed): best same-class p median %.2g, 90%% %.2g, 97%% %.2g (n = %d)'
      % (q(known, .5), q(known, .9), thr, len(known)))
print('# LOCO: best other-class p median %.2g, 90%% %.2g (n = %d)' % (q(allv, .5), q(allv, .9), len(allv)))
print('# mean share abstained at 3%% loss, best p alone: %.3f over %d classes' % (sum(shares) / len(shares), len(shares)))
# AUROC of the best p-value as a novelty score (LOCO motifs positive), by ranks
lab = sorted([(p, 0) for p in known] + [(p, 1) for p in allv])
rank_sum, r = 0.0, 0
while r < len(lab):
    s = r
    while s < len(lab) and lab[s][0] == lab[r][0]:
        s += 1
    rank_sum += sum(1 for k in range(r, s) if lab[k][1]) * (r + s + 1) / 2.0
    r = s
n1, n0 = len(allv), len(known)
print('# AUROC of the best p-value alone: %.3f' % ((rank_sum - n1 * (n1 + 1) / 2.0) / (n1 * n0)))
