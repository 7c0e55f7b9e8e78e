#!/usr/bin/env python3
"""The all-class reference and training set of tffam's shipped model (doc/combine.md,
"Every class"): every JASPAR 2024 CORE non-redundant motif (all taxa) that JASPAR
annotates with a TFClass class; only the motifs with no class are dropped.

A motif with two classes (a heterodimer) keeps both, joined by "::" as JASPAR writes
them; tffam reads such a label as two labels (the same class twice is one label).

Writes <out>.meme (the motifs, in the order of the MEME file) and <out>.tsv
(matrix_id, name, family).

usage: make_allclass_set.py <jaspar2024_core_nr_families.tsv> <jaspar2024_core_nr.meme> <out prefix>
"""
import sys

fam_tsv, meme, out = sys.argv[1:4]
rows = []
with open(fam_tsv) as f:
    head = f.readline().rstrip('\n').split('\t')
    c_class, c_n, c_name = head.index('tf_class'), head.index('n_classes'), head.index('name')
    for line in f:
        r = line.rstrip('\n').split('\t')
        if r[c_n] in ('1', '2'):
            rows.append((r[0], r[c_name], r[c_class]))
keep = {r[0] for r in rows}
text = open(meme).read()
head, rest = text.split('\nMOTIF ', 1)
blocks = ('MOTIF ' + rest).split('\nMOTIF ')
blocks = [b if b.startswith('MOTIF ') else 'MOTIF ' + b for b in blocks]
order = []
with open(out + '.meme', 'w') as f:
    f.write(head + '\n')
    for b in blocks:
        mid = b.split()[1]
        if mid in keep:
            order.append(mid)
            f.write('\n' + b.rstrip('\n') + '\n')
byid = {r[0]: r for r in rows}
with open(out + '.tsv', 'w') as f:
    f.write('matrix_id\tname\tfamily\n')
    for mid in order:
        f.write('\t'.join(byid[mid]) + '\n')
classes = set()
for r in rows:
    classes.update(r[2].split('::'))
print(len(rows), 'motifs,', len(classes), 'classes', file=sys.stderr)
