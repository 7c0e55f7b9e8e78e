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

import jaspar_sets

fam_tsv, meme, labels, out = sys.argv[1:5]
table, (col,) = jaspar_sets.read_tsv(fam_tsv, 'tf_family')
tf_family = {r[0]: r[col] for r in table}
rows = []
for mid, name, _ in jaspar_sets.read_tsv(labels)[0]:
    fam = tf_family.get(mid, '')
    if fam and '::' not in fam:
        rows.append((mid, name, fam))
count = collections.Counter(r[2] for r in rows)
rows = [r for r in rows if count[r[2]] >= 20]
keep = {r[0] for r in rows}
head, blocks = jaspar_sets.read_meme(meme)
jaspar_sets.write_meme(out + '.meme', head, blocks, keep)
jaspar_sets.write_labels(out + '.tsv', rows)
print(len(rows), 'motifs,', len({r[2] for r in rows}), 'families', file=sys.stderr)
