#!/usr/bin/env python3
"""The JASPAR 2024 CORE motifs labelled with two TFClass classes (heterodimers), which
the 2113-motif evaluation set drops, as a multi-label test set for tffam (doc/combine.md).

Writes <out>.meme (the motifs, in the order of the MEME file) and <out>.tsv
(matrix_id, name, family = JASPAR's "class::class" label).

usage: make_dimer_set.py <jaspar2024_core_nr_families.tsv> <jaspar2024_core_nr.meme> <out prefix>
"""
import sys

fam_tsv, meme, out = sys.argv[1:4]
rows = []
with open(fam_tsv) as f:
    head = f.readline().rstrip('\n').split('\t')
    c_class, c_n, c_name = head.index('tf_class'), head.index('n_classes'), head.index('name')
    for line in f:
        r = line.rstrip('\n').split('\t')
        if r[c_n] == '2':
            rows.append((r[0], r[c_name], r[c_class]))
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
print(len(rows), 'motifs', file=sys.stderr)
