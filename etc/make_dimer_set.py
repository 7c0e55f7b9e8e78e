#!/usr/bin/env python3
"""The JASPAR 2024 CORE motifs labelled with two TFClass classes (heterodimers), which
the 2113-motif evaluation set drops, as a multi-label test set for tffam (doc/combine.md).

Writes <out>.meme (the motifs, in the order of the MEME file) and <out>.tsv
(matrix_id, name, family = JASPAR's "class::class" label).

usage: make_dimer_set.py <jaspar2024_core_nr_families.tsv> <jaspar2024_core_nr.meme> <out prefix>
"""
import sys

import jaspar_sets

fam_tsv, meme, out = sys.argv[1:4]
table, (c_class, c_n, c_name) = jaspar_sets.read_tsv(fam_tsv, 'tf_class', 'n_classes', 'name')
rows = [(r[0], r[c_name], r[c_class]) for r in table if r[c_n] == '2']
keep = {r[0] for r in rows}
head, blocks = jaspar_sets.read_meme(meme)
jaspar_sets.write_meme(out + '.meme', head, blocks, keep)
jaspar_sets.write_labels(out + '.tsv', rows)
print(len(rows), 'motifs', file=sys.stderr)
