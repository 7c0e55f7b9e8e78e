#!/usr/bin/env python3
"""Other stackers on the evidence stack.py saved (no model is refitted).
usage: restack.py OUTDIR  -> OUTDIR/restack.tsv
Variant: the penalty pulls the coefficients towards "the combined model as it is"
(beta = 1 on log p_combined, 0 on the new evidence, biases 0) instead of towards 0;
lambda in {1e-4 .. 1} by the same inner 3-way split."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmerlib import metrics  # noqa: E402
from stack import stack  # noqa: E402

out = sys.argv[1]
with open(os.path.join(out, 'restack.tsv'), 'w') as f:
    f.write('seed\tsplit\tmodel\taccuracy\tmacro_F1\tECE\tp90_n\tp90_accuracy\tnote\n')
    for s in (1, 2, 3):
        for split in ('stratified', 'stem'):
            p = os.path.join(out, 'stack_seed%d.tsv.%s.evidence.npz' % (s, split))
            if not os.path.exists(p):
                continue
            ev = np.load(p)
            y = np.load(os.path.join(out, 'stack_seed%d.tsv.oof.npz' % s))['y']
            fo = ev[split + ':fold']
            pc = ev[split + ':pcomb']
            K = fo.max() + 1
            lpc = np.log(np.maximum(pc, 1e-6))[:, :, None]
            for label, es in (('combined re-stacked (control), centred', []), ('combined + kmer, centred', ['kmer'])):
                tr = {k: np.concatenate([lpc] + [ev['%s:%s:train%d' % (split, e, k)] for e in es], 2) for k in range(K)}
                te = np.concatenate([lpc] + [ev['%s:%s:test' % (split, e)] for e in es], 2)
                P, lam = stack(tr, te, fo, y, (1e-4, 1e-3, 1e-2, 1e-1, 1.0), center=[1.0] + [0.0] * len(es))
                r = metrics(y, P)
                f.write('%d\t%s\t%s\t%.4f\t%.4f\t%.4f\t%d\t%.4f\tlambda %s\n' % (
                    s, split, label, r['acc'], r['f1'], r['ece'], r['p90_n'], r['p90_acc'], ','.join('%g' % v for v in lam)))
                print(s, split, label, r, flush=True)
