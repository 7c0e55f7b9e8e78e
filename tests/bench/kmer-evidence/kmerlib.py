"""Shared code of the k-mer evidence experiment (tests/bench/kmer-evidence/README.md).

Motif parsing, the stem rule, development folds, the three kinds of new evidence
(alignment-free k-mer spectra, global shape descriptors, class prototypes), the
conditional-logit stacker and the metrics. numpy / scikit-learn / scipy only.
"""
import collections
import os
import sys

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from stemrule import stem  # noqa: E402  (tests/bench/stemrule.py)

# --------------------------------------------------------------------------- data


def read_meme(path):
    """[(id, name, matrix (w x 4, rows normalised))] in file order."""
    out, cur, rows, need = [], None, [], 0
    with open(path) as f:
        for line in f:
            t = line.split()
            if not t:
                continue
            if t[0] == 'MOTIF':
                cur = (t[1], t[2] if len(t) > 2 else t[1])
            elif t[0] == 'letter-probability':
                need = int(t[t.index('w=') + 1])
                rows = []
            elif need and cur is not None:
                rows.append([float(x) for x in t[:4]])
                need -= 1
                if need == 0:
                    m = np.array(rows)
                    m = np.clip(m, 0, None)
                    m /= m.sum(1, keepdims=True)
                    out.append((cur[0], cur[1], m))
                    cur = None
    return out


def read_labels(path):
    rows = [l.rstrip('\n').split('\t') for l in open(path)][1:]
    return {r[0]: (r[1], r[2]) for r in rows}


def load_set(meme, tsv):
    mot = read_meme(meme)
    lab = read_labels(tsv)
    # the all-class set: a motif labelled with one class twice ("X::X") is a one-label
    # motif of X, a two-class motif ("A::B") is left out, as in tffam-cv's accuracy
    # (the 2113 set has neither)
    def one(fam):
        parts = fam.split('::')
        return parts[0] if all(p == parts[0] for p in parts) else None
    lab = {k: (v[0], one(v[1])) for k, v in lab.items()}
    mot = [m for m in mot if lab[m[0]][1] is not None]
    ids = [m[0] for m in mot]
    names = [lab[i][0] for i in ids]
    fams = [lab[i][1] for i in ids]
    classes = sorted(set(fams))
    y = np.array([classes.index(f) for f in fams])
    return ids, names, [m[2] for m in mot], y, classes


def stem_groups(names):
    """Group id per motif: union of the stems of "A::B" parts."""
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    keys = []
    for n in names:
        parts = [p for p in n.split('::') if p] or [n]
        ks = [stem(p) for p in parts]
        for a in ks[1:]:
            parent[find(a)] = find(ks[0])
        keys.append(ks[0])
    roots = [find(k) for k in keys]
    uniq = {r: i for i, r in enumerate(dict.fromkeys(roots))}
    return np.array([uniq[r] for r in roots])


def dev_folds(groups, y, K=10, seed=0):
    """Development folds: groups dealt largest first (random tie order) to the fold
    with the fewest motifs of the group's majority class (the project's rule in spirit;
    the evaluation uses tffam-cv's own fold column instead)."""
    rng = np.random.RandomState(seed)
    members = collections.defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    gl = list(members.values())
    rng.shuffle(gl)
    gl.sort(key=lambda m: -len(m))
    ncls = y.max() + 1
    cnt = np.zeros((K, ncls))
    tot = np.zeros(K)
    fold = np.zeros(len(y), int)
    for m in gl:
        c = collections.Counter(y[m]).most_common(1)[0][0]
        k = min(range(K), key=lambda k: (cnt[k, c], tot[k]))
        fold[m] = k
        cnt[k, c] += len(m)
        tot[k] += len(m)
    return fold

# --------------------------------------------------------------------------- k-mer evidence


def _canon(k):
    """Index of each k-mer's reverse complement, and a mask of canonical k-mers."""
    idx = np.arange(4 ** k)
    digits = np.array([(idx // 4 ** (k - 1 - j)) % 4 for j in range(k)])   # k x 4^k, MSB first
    rc = np.zeros_like(idx)
    for j in range(k):
        rc = rc * 4 + (3 - digits[k - 1 - j])
    return rc, idx <= rc


def spaced_spectrum(P, offsets):
    """Expected count spectrum of the gapped word with letters at the given offsets
    (e.g. (0,1,2) = 3-mer, (0,1,4,5) = 2+gap2+2): sum over placements of the product
    of the column probabilities.  Returns a 4^len(offsets) vector (not normalised)."""
    span = offsets[-1] + 1
    w = P.shape[0]
    n = w - span + 1
    if n <= 0:
        return np.zeros(4 ** len(offsets))
    V = P[offsets[0]:offsets[0] + n]
    for o in offsets[1:]:
        V = (V[:, :, None] * P[o:o + n][:, None, :]).reshape(n, -1)
    return V.sum(0)


def kmer_block(mats, offsets):
    """RC-folded, normalised spectrum of one word shape for every motif (n x canonical)."""
    k = len(offsets)
    rc, can = _canon(k)
    rows = []
    for P in mats:
        s = spaced_spectrum(P, offsets)
        s = s + s[rc]          # both strands: the spectrum of the motif and of its reverse complement
        tot = s.sum()
        s = s / tot if tot > 0 else np.full(4 ** k, 1.0 / 4 ** k)
        rows.append(s[can])
    return np.array(rows)


def word_shapes(kmin=3, kmax=6, gapped=True, maxgap=8):
    shapes = [tuple(range(k)) for k in range(kmin, kmax + 1)]
    if gapped:
        # two dinucleotides (half-sites' cores) separated by g = 1..maxgap positions
        shapes += [(0, 1, 2 + g, 3 + g) for g in range(1, maxgap + 1)]
        # two single letters at distance d (long-range pairs, periodicity)
        shapes += [(0, d) for d in range(2, 13)]
    return shapes


def kmer_features(mats, shapes, transform='sqrt'):
    """Blocks of RC-folded normalised spectra; each block transformed and scaled so every
    block has the same total weight (blocks differ greatly in dimension)."""
    blocks = []
    for sh in shapes:
        B = kmer_block(mats, sh)
        k = len(sh)
        if transform == 'sqrt':          # Hellinger: the L2 distance of sqrt-frequencies
            B = np.sqrt(B)
        elif transform == 'log':         # log enrichment over a uniform background
            B = np.log2(B * B.shape[1] + 1e-3)
            B = B / np.sqrt(B.shape[1])
        elif transform == 'raw':
            B = B * np.sqrt(B.shape[1])
        B = B - B.mean(0)
        blocks.append(B)
    return np.hstack(blocks)

# --------------------------------------------------------------------------- global descriptors


def _ic(P):
    return 2 + np.sum(np.where(P > 0, P * np.log2(np.where(P > 0, P, 1)), 0), 1)


def _colsim(A, B):
    """Mean Pearson-like similarity of aligned columns (1 - half L1 distance)."""
    return 1 - 0.5 * np.abs(A - B).sum(1)


def global_descriptors(mats):
    rows = []
    for P in mats:
        w = P.shape[0]
        ic = _ic(P)
        R = P[::-1, ::-1]
        # palindromicity: best mean column similarity of the motif to its reverse
        # complement over offsets with an overlap of at least half the width
        best, bestoff, ic_w_best = 0.0, 0, 0.0
        for off in range(-(w // 2), w // 2 + 1):
            a0, b0 = max(0, off), max(0, -off)
            L = min(w - a0, w - b0)
            if L < max(2, w // 2):
                continue
            s = _colsim(P[a0:a0 + L], R[b0:b0 + L])
            wts = np.minimum(ic[a0:a0 + L], ic[::-1][b0:b0 + L]) + 1e-3
            sv = s.mean()
            if sv > best:
                best, bestoff, ic_w_best = sv, off, float((s * wts).sum() / wts.sum())
        # direct repeat: similarity of the motif to itself shifted by d (half-site spacing)
        rep = np.zeros(12)
        for d in range(1, 13):
            if w - d >= 3:
                wts = np.minimum(ic[:w - d], ic[d:]) + 1e-3
                rep[d - 1] = (_colsim(P[:w - d], P[d:]) * wts).sum() / wts.sum()
        # inverted repeat at each spacing: half-sites around the centre
        cons = P.argmax(1)
        gc_cons = np.mean((cons == 1) | (cons == 2))
        gc_exp = P[:, 1:3].sum() / w
        hi = ic > 1.0
        # core: from first to last column with IC > 1
        if hi.any():
            first, last = np.argmax(hi), w - 1 - np.argmax(hi[::-1])
            core = last - first + 1
            gaps_in_core = int((~hi[first:last + 1]).sum())
        else:
            core, gaps_in_core = 0, 0
        # IC autocorrelation (periodicity) at lags 1..10
        icc = ic - ic.mean()
        den = (icc ** 2).sum() + 1e-9
        ac = [float((icc[:w - l] * icc[l:]).sum() / den) if w > l else 0.0 for l in range(1, 11)]
        comp = P.mean(0)
        rows.append([w, ic.sum(), ic.mean(), ic.max(), ic.min(), np.median(ic), ic.std(),
                     hi.sum(), hi.mean(), core, gaps_in_core,
                     best, ic_w_best, abs(bestoff),
                     gc_cons, gc_exp, *comp,
                     *rep, *ac,
                     (ic > 1.5).sum(), (ic < 0.5).sum(),
                     ic[:max(1, w // 2)].sum() - ic[w // 2:].sum() if w > 1 else 0.0])
    return np.array(rows, float)

# --------------------------------------------------------------------------- stacker


def clogit_fit(X, y, lam, biases=True, center=None):
    """Conditional logit: s_f = sum_j beta_j X[i,f,j] + b_f; L2 penalty lam/2 |theta|^2 on
    the mean log-loss (as tff_combine_Fit), or lam/2 |theta - center|^2 when a centre
    (a vector of J coefficients; biases centred on 0) is given.  X: n x F x J."""
    n, F, J = X.shape
    nb = F if biases else 0
    c0 = np.zeros(J + nb)
    if center is not None:
        c0[:J] = center

    def f(th):
        s = X @ th[:J]
        if nb:
            s = s + th[J:]
        s = s - s.max(1, keepdims=True)
        e = np.exp(s)
        Z = e.sum(1, keepdims=True)
        p = e / Z
        ll = -(s[np.arange(n), y] - np.log(Z[:, 0])).mean() + 0.5 * lam * (th - c0) @ (th - c0)
        d = p.copy()
        d[np.arange(n), y] -= 1
        g = np.concatenate([np.einsum('if,ifj->j', d, X) / n] + ([d.mean(0)] if nb else [])) + lam * (th - c0)
        return ll, g
    th0 = c0.copy() if center is not None else np.zeros(J + nb)
    if center is None:
        th0[:J] = 0.5
    r = minimize(f, th0, jac=True, method='L-BFGS-B', options={'maxiter': 500})
    return r.x


def clogit_prob(X, th, biases=True):
    J = X.shape[2]
    s = X @ th[:J]
    if biases:
        s = s + th[J:]
    s = s - s.max(1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(1, keepdims=True)

# --------------------------------------------------------------------------- metrics


def macro_f1(y, pred, F):
    f1 = []
    for c in range(F):
        tp = np.sum((pred == c) & (y == c))
        fp = np.sum((pred == c) & (y != c))
        fn = np.sum((pred != c) & (y == c))
        if tp + fp + fn == 0:
            continue
        f1.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1))


def ece(y, P, bins=15):
    conf = P.max(1)
    pred = P.argmax(1)
    ok = pred == y
    e = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (conf > lo) & (conf <= hi) if b else (conf >= lo) & (conf <= hi)
        if m.any():
            e += m.sum() / len(y) * abs(conf[m].mean() - ok[m].mean())
    return float(e)


def metrics(y, P):
    pred = P.argmax(1)
    conf = P.max(1)
    hi = conf >= 0.9
    return dict(acc=float(np.mean(pred == y)), f1=macro_f1(y, pred, P.shape[1]), ece=ece(y, P),
                p90_n=int(hi.sum()), p90_acc=float(np.mean(pred[hi] == y[hi])) if hi.any() else float('nan'))
