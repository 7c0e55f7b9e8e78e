#!/usr/bin/env python3
"""A nearest-neighbour override for rare classes, judged on tffam-cv's held-out calls.
(doc/combine.md, "Every class": the combined model loses some rare classes that KNN
alone gets; would trusting KNN there help?)

Rule: when KNN's call (knn+T) is a class with fewer than R single-class motifs in the
training folds, at confidence >= t, and the combined call differs, take KNN's call.
(R, t) is chosen for each outer fold by the accuracy of the rule on the other folds'
held-out calls (ties: the higher t, i.e. the rule used less); that fold's calls only
report. The whole grid's accuracies on all folds are printed too: they show what a
choice made on the test folds would claim.

usage: rare-override.py <cv_predictions.tsv of tffam-cv -oc> [split name, default stratified]
Two-class motifs ("A::B") are left out, as in tffam-cv's accuracy.
"""
import collections
import sys


def main():
    path = sys.argv[1]
    split = sys.argv[2] if len(sys.argv) > 2 else 'stratified'
    rows, head = [], None
    with open(path) as fp:
        for line in fp:
            f = line.rstrip('\n').split('\t')
            if head is None:
                head = {k: j for j, k in enumerate(f)}
                continue
            if f[head['split']] != split or '::' in f[head['family']]:
                continue
            rows.append(dict(y=f[head['family']], fold=int(f[head['fold']]), knn=f[head['knn']],
                             kc=float(f[head['knn_conf']]), comb=f[head['combined']]))
    if not rows:
        sys.exit(f"{path}: no single-class rows of split '{split}'")
    folds = sorted(set(r['fold'] for r in rows))
    size = {k: collections.Counter(r['y'] for r in rows if r['fold'] != k) for k in folds}

    def call(r, R, t):
        k = r['knn']
        if k != r['comb'] and k != 'NA' and size[r['fold']][k] < R and r['kc'] >= t:
            return k
        return r['comb']

    grid = [(R, t) for R in (5, 10, 15, 20, 30) for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    n = len(rows)
    base = sum(r['comb'] == r['y'] for r in rows) / n
    right, chosen = 0, []
    for k in folds:
        inner = [r for r in rows if r['fold'] != k]
        best = max(grid, key=lambda g: (sum(call(r, *g) == r['y'] for r in inner), g[1]))
        chosen.append(best)
        right += sum(call(r, *best) == r['y'] for r in rows if r['fold'] == k)
    print(f"{split}: {n} motifs; combined {base:.4f}; with the override, (R, t) chosen on the other folds: {right / n:.4f}")
    print("  chosen per fold: " + ", ".join(f"R<{R} t>={t}" for R, t in chosen))
    print("  every (R, t) on all folds (a choice made on the test folds):")
    for R, t in grid:
        print(f"    R<{R} t>={t}: {sum(call(r, R, t) == r['y'] for r in rows) / n:.4f}")


if __name__ == '__main__':
    main()
