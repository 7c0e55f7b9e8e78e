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

ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
ap.add_argument('--level', choices=('class', 'family'), default='class')
ap.add_argument('--min-motifs', type=int, default=1)
ap.add_argument('families_tsv')
ap.add_argument('meme')
ap.add_argument('out')
a = ap.parse_args()

column = 'tf_class' if a.level == 'class' else 'tf_family'
rows = []
with open(a.families_tsv) as f:
    head = f.readline().rstrip('\n').split('\t')
    c_lab, c_name = head.index(column), head.index('name')
    for line in f:
        r = line.rstrip('\n').split('\t')
        labels = [x for x in r[c_lab].split('::') if x and x != 'None']
        if labels and len(set(labels)) <= 2:
            rows.append((r[0], r[c_name], r[c_lab], set(labels)))
count = collections.Counter(lab for r in rows for lab in r[3])
rows = [r for r in rows if all(count[lab] >= a.min_motifs for lab in r[3])]
keep = {r[0] for r in rows}

text = open(a.meme).read()
head, rest = text.split('\nMOTIF ', 1)
blocks = ('MOTIF ' + rest).split('\nMOTIF ')
blocks = [b if b.startswith('MOTIF ') else 'MOTIF ' + b for b in blocks]
order = []
with open(a.out + '.meme', 'w') as f:
    f.write(head + '\n')
    for b in blocks:
        mid = b.split()[1]
        if mid in keep:
            order.append(mid)
            f.write('\n' + b.rstrip('\n') + '\n')
byid = {r[0]: r for r in rows}
with open(a.out + '.tsv', 'w') as f:
    f.write('matrix_id\tname\tfamily\n')
    for mid in order:
        f.write('\t'.join(byid[mid][:3]) + '\n')
labels = set().union(*(r[3] for r in rows))
print(len(rows), 'motifs,', len(labels), 'classes' if a.level == 'class' else 'families',
      file=sys.stderr)
