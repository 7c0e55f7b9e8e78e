"""Dense -log10 p (ed, min-overlap 5) of every single-class motif (query) against every other (target)."""
import gzip
import numpy as np
import os
from common import load, WORK
keep, ids, cls, folds, loco = load()
ix = {m: i for i, m in enumerate(ids)}
n = len(ids)
S = np.zeros((n, n), dtype=np.float32)          # -log10 p; missing pair (no alignment): 0
seen = 0
with gzip.open(os.path.join(WORK, "ed_all.tsv.gz"), "rt") as fh:
    next(fh)
    for line in fh:
        f = line.rstrip("\n").split("\t")
        if len(f) < 3:
            continue
        a = ix.get(f[0]); b = ix.get(f[1])
        if a is None or b is None:
            continue
        p = float(f[2])
        S[a, b] = -np.log10(max(p, 1e-300))
        seen += 1
print("pairs", seen, "of", n * n)
np.save(os.path.join(WORK, "ed_nlp.npy"), S)
