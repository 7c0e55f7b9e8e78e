#!/usr/bin/env python3
"""Tables of the README from stack.py's outputs.
usage: summarise.py OUTDIR   (reads OUTDIR/stack_seed{1,2,3}.tsv)"""
import collections
import os
import sys

out = sys.argv[1]
rows = collections.OrderedDict()
for s in (1, 2, 3):
    p = os.path.join(out, 'stack_seed%d.tsv' % s)
    if not os.path.exists(p):
        continue
    lines = [l.rstrip('\n').split('\t') for l in open(p)]
    head = lines[0]
    for t in lines[1:]:
        d = dict(zip(head, t))
        rows.setdefault((d['split'], d['model']), {})[s] = d

print('| split | model | seed | accuracy | macro-F1 | ECE | p>=0.9: n, accuracy | right where KNN and CNN both wrong |')
print('| --- | --- | --- | --- | --- | --- | --- | --- |')
for (split, model), per in rows.items():
    for s, d in per.items():
        print('| %s | %s | %d | %s | %s | %s | %s, %s | %s of %s |' % (
            split, model, s, d['accuracy'], d['macro_F1'], d['ECE'], d['p90_n'], d['p90_accuracy'],
            d['right_where_knn_and_cnn_wrong'], d['knn_and_cnn_wrong']))
print()
print('Mean over the seeds present:')
print()
print('| split | model | seeds | accuracy | macro-F1 | ECE | p>=0.9 accuracy | rescued |')
print('| --- | --- | --- | --- | --- | --- | --- | --- |')
for (split, model), per in rows.items():
    n = len(per)
    m = lambda k: sum(float(d[k]) for d in per.values()) / n
    print('| %s | %s | %s | %.4f | %.4f | %.4f | %.4f | %.1f |' % (
        split, model, ','.join(map(str, per)), m('accuracy'), m('macro_F1'), m('ECE'), m('p90_accuracy'),
        m('right_where_knn_and_cnn_wrong')))

# motifs the stacked model gets right and the combined model wrong (gains), and the
# reverse (losses), from the out-of-fold probabilities
import numpy as np  # noqa: E402
print()
print('| seed | split | stacker | gains | losses | net |')
print('| --- | --- | --- | --- | --- | --- |')
for s in (1, 2, 3):
    p = os.path.join(out, 'stack_seed%d.tsv.oof.npz' % s)
    if not os.path.exists(p):
        continue
    o = np.load(p)
    y = o['y']
    for split in ('stratified', 'stem'):
        ev = np.load(os.path.join(out, 'stack_seed%d.tsv.%s.evidence.npz' % (s, split)))
        base = ev[split + ':pcomb'].argmax(1) == y
        for lab in ('combined_re-stacked_(control)', 'combined_+_kmer', 'combined_+_kmer_+_proto',
                    'combined_+_kmer,_lambda_up_to_1'):
            key = split + ':' + lab
            if key not in o:
                continue
            ok = o[key].argmax(1) == y
            g, l_ = int((ok & ~base).sum()), int((~ok & base).sum())
            print('| %d | %s | %s | %d | %d | %+d |' % (s, split, lab.replace('_', ' '), g, l_, g - l_))
