#!/usr/bin/env python3
"""Family-level (TFClass family) evaluation set for tffam (doc/combine.md).

Takes the 2113-motif class-level evaluation set (etc/jaspar2024_eval_2113.{meme,tsv}),
labels every motif with JASPAR's tf_family field (from the shared
jaspar2024_core_nr_families.tsv), drops motifs with no tf_family or with several
("::"), and keeps families with at least 20 of the remaining motifs (the rule the
class-level set uses for classes). Writes jaspar2024_eval_tffamily.{meme,tsv}
(matrix_id, name, family) in the order of the 2113 set.

usage: make_tffamily_set.py <families.tsv> <eval_2113.meme> <eval_2113.tsv> <out prefix>
"""
import collections
import sys

fam_tsv, meme, labels, out = sys.argv[1:5]
tf_family = {}
with open(fam_tsv) as f:
    head = f.readline().rstrip('\n').split('\t')
    col = head.index('tf_family')
    for line in f:
        r = line.rstrip('\n').split('\t')
        tf_family[r[0]] = r[col]
rows = []
with open(labels) as f:
    f.readline()
    for line in f:
        mid, name, _ = line.rstrip('\n').split('\t')
        fam = tf_family.get(mid, '')
        if fam and '::' not in fam:
            rows.append((mid, name, fam))
count = collections.Counter(r[2] for r in rows)
rows = [r for r in rows if count[r[2]] >= 20]
keep = {r[0] for r in rows}
text = open(meme).read()
head, rest = text.split('\nMOTIF ', 1)
blocks = ('MOTIF ' + rest).split('\nMOTIF ')
blocks = [b if b.startswith('MOTIF ') else 'MOTIF ' + b for b in blocks]
with open(out + '.meme', 'w') as f:
    f.write(head + '\n')
    for b in blocks:
        if b.split()[1] in keep:
            f.write('\n' + b.rstrip('\n') + '\n')
with open(out + '.tsv', 'w') as f:
    f.write('matrix_id\tname\tfamily\n')
    for r in rows:
        f.write('\t'.join(r) + '\n')
print(len(rows), 'motifs,', len({r[2] for r in rows}), 'families', file=sys.stderr)
