#!/usr/bin/env python3
"""The reference and training sets of tffam's shipped levels (doc/combine.md, "Every
class" and "Every family"), from JASPAR 2024 CORE non-redundant (all taxa).

--level class (etc/jaspar2024_allclass.*): every motif that JASPAR annotates with a
  TFClass class; only the motifs with no class are dropped.
--level family (etc/jaspar2024_allfamily.*): every motif that JASPAR annotates with a
  TFClass family, of the families with at least --min-motifs motifs (a two-family motif
  counts for both of its families); a motif is kept only if all its families are kept.

A motif with two labels (a heterodimer) keeps both, joined by "::" as JASPAR writes them;
tffam reads such a label as two labels (the same label twice is one label).

Writes <out>.meme (the motifs, in the order of the MEME file) and <out>.tsv
(matrix_id, name, family), and prints the counts on stderr.

usage: make_reference_set.py [--level class|family] [--min-motifs N]
                             <jaspar2024_core_nr_families.tsv> <jaspar2024_core_nr.meme> <out prefix>
"""
import argparse
import collections
import sys

import jaspar_sets

ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
ap.add_argument('--level', choices=('class', 'family'), default='class')
ap.add_argument('--min-motifs', type=int, default=1)
ap.add_argument('families_tsv')
ap.add_argument('meme')
ap.add_argument('out')
a = ap.parse_args()

column = 'tf_class' if a.level == 'class' else 'tf_family'
rows = []
table, (c_lab, c_name) = jaspar_sets.read_tsv(a.families_tsv, column, 'name')
for r in table:
    labels = [x for x in r[c_lab].split('::') if x and x != 'None']
    if labels and len(set(labels)) <= 2:
        rows.append((r[0], r[c_name], r[c_lab], set(labels)))
count = collections.Counter(lab for r in rows for lab in r[3])
rows = [r for r in rows if all(count[lab] >= a.min_motifs for lab in r[3])]
keep = {r[0] for r in rows}

head, blocks = jaspar_sets.read_meme(a.meme)
order = jaspar_sets.write_meme(a.out + '.meme', head, blocks, keep)
byid = {r[0]: r for r in rows}
jaspar_sets.write_labels(a.out + '.tsv', [byid[mid][:3] for mid in order])
labels = set().union(*(r[3] for r in rows))
print(len(rows), 'motifs,', len(labels), 'classes' if a.level == 'class' else 'families',
      file=sys.stderr)
