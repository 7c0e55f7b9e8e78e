#!/usr/bin/env python3
"""Does evidence of another kind add to the shipped 20-class combined model?
(tests/bench/kmer-evidence/README.md)

usage: stack.py CVDIR OUT.tsv [evidence,...]
  CVDIR   a tffam-cv -oc directory of the shipped 20-class configuration
          (cv_predictions.tsv and cv_probabilities.tsv; its fold column is used)
  OUT.tsv per split and stacker: accuracy, macro-F1, ECE, p>=0.9 calls; also
          OUT.tsv.oof.npz with every out-of-fold probability

Protocol, per split (stratified, stem) and outer fold k:
 * new evidence for the held-out rows (fold k) comes from models fitted on the folds
   other than k; for a stacker training row of fold j != k it comes from models fitted
   on the folds other than j AND k (never saw fold k: "nested");
 * a model's hyperparameter (LR penalty) is chosen per outer fold by the log-loss of
   those pair models' predictions on the nine other folds (an inner 9-fold CV that
   never sees fold k);
 * the stacker (conditional logit, shared coefficients + per-family biases, L2) is
   fitted on the other folds' rows with lambda chosen by an inner 3-way split of those
   folds (fold rank mod 3, as tff_combine_Fit), and predicts fold k.
 The combined model's own out-of-fold probabilities (cv_probabilities.tsv) are
 ordinary stacking, as the project's default: the combiner that produced a training
 row's probability may have been fitted on folds that include k.
"""
import os
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kmerlib import (load_set, word_shapes, kmer_features, global_descriptors,  # noqa: E402
                     clogit_fit, clogit_prob, metrics)

warnings.filterwarnings('ignore')
FLOOR = 1e-6
MEME = os.environ.get('KMER_SET', '/work/main/etc/jaspar2024_eval_2113')
CACHE = os.environ.get('KMER_CACHE', '/work/exp/kmer20')


def log(*a):
    print(time.strftime('%H:%M:%S'), *a, file=sys.stderr, flush=True)


def read_cv(cvdir, ids, classes):
    """fold[split] (n,), pcomb[split] (n x F), calls[split] dict of knn/cnn/combined class
    indices, all in the MEME file's order."""
    pos = {m: i for i, m in enumerate(ids)}
    F = len(classes)
    fold, pcomb, calls = {}, {}, {}
    with open(os.path.join(cvdir, 'cv_probabilities.tsv')) as f:
        head = f.readline().rstrip('\n').split('\t')
        cols = [classes.index(c) for c in head[3:]]
        for line in f:
            t = line.rstrip('\n').split('\t')
            s = t[1]
            if s not in fold:
                fold[s] = np.full(len(ids), -1)
                pcomb[s] = np.zeros((len(ids), F))
            if t[0] not in pos:   # a two-class motif (load_set leaves them out)
                continue
            i = pos[t[0]]
            fold[s][i] = int(t[2])
            pcomb[s][i, cols] = [float(x) for x in t[3:]]
    with open(os.path.join(cvdir, 'cv_predictions.tsv')) as f:
        head = f.readline().rstrip('\n').split('\t')
        for line in f:
            t = dict(zip(head, line.rstrip('\n').split('\t')))
            s = t['split']
            calls.setdefault(s, {k: np.full(len(ids), -1) for k in ('knn', 'cnn', 'combined')})
            if t['id'] not in pos:
                continue
            i = pos[t['id']]
            assert int(t['fold']) == fold[s][i]
            for k in ('knn', 'cnn', 'combined'):
                calls[s][k][i] = classes.index(t[k])
    for s in fold:
        assert (fold[s] >= 0).all(), s
        fold[s] = fold[s] - fold[s].min()      # tffam-cv numbers folds from 1
        assert (pcomb[s].argmax(1) == calls[s]['combined']).mean() > 0.999, s
    return fold, pcomb, calls

# ----------------------------------------------------------------- evidence models
# Each "model" maps (train rows, test rows, hyper) -> probabilities of the test rows.


class LRModel:
    def __init__(self, X, y, Cs, name):
        self.X, self.y, self.Cs, self.name = X, y, Cs, name

    def fit_predict(self, tr, te, C):
        m = LogisticRegression(C=C, max_iter=1000).fit(self.X[tr], self.y[tr])
        P = np.zeros((int(np.sum(te)), self.y.max() + 1))
        P[:, m.classes_] = m.predict_proba(self.X[te])
        return P


class HGBModel(LRModel):
    def fit_predict(self, tr, te, it):
        m = HistGradientBoostingClassifier(max_iter=it, learning_rate=0.1, max_leaf_nodes=15,
                                           l2_regularization=1.0, random_state=0).fit(self.X[tr], self.y[tr])
        P = np.full((int(np.sum(te)), self.y.max() + 1), 1e-4)
        P[:, m.classes_] = m.predict_proba(self.X[te])
        return P / P.sum(1, keepdims=True)


def nested_oof(model, fold, y):
    """single[h][k]: P of fold k's rows from the model fitted on the other folds;
    pair[h][(j,k)] (j != k): P of fold j's rows from the model fitted without j and k."""
    K = fold.max() + 1
    single, pair = {}, {}
    for h in model.Cs:
        single[h], pair[h] = {}, {}
        for k in range(K):
            single[h][k] = model.fit_predict(fold != k, fold == k, h)
        for j in range(K):
            for k in range(j + 1, K):
                tr = (fold != j) & (fold != k)
                te = (fold == j) | (fold == k)
                P = model.fit_predict(tr, te, h)
                fj = fold[te]
                pair[h][(j, k)] = P[fj == j]
                pair[h][(k, j)] = P[fj == k]
        log('  %s C=%g done' % (model.name, h))
    return single, pair


def assemble(single, pair, fold, y, Cs):
    """Per outer fold k: the hyperparameter chosen by the pair models' log-loss on the
    other folds, the training-row probabilities (n x F, rows of fold k unused) and the
    held-out probabilities.  Returns (Ptrain[k], Ptest (n x F), chosen[k])."""
    K = fold.max() + 1
    n, F = len(y), single[Cs[0]][0].shape[1]
    Ptest = np.zeros((n, F))
    Ptrain, chosen = {}, {}
    for k in range(K):
        best = None
        for h in Cs:
            P = np.zeros((n, F))
            for j in range(K):
                if j != k:
                    P[fold == j] = pair[h][(j, k)]
            m = fold != k
            ll = -np.mean(np.log(np.maximum(P[m, y[m]], FLOOR)))
            if best is None or ll < best[0]:
                best = (ll, h, P)
        chosen[k] = best[1]
        Ptrain[k] = best[2]
        Ptest[fold == k] = single[best[1]][k]
    return Ptrain, Ptest, chosen

# ----------------------------------------------------------------- stacker


def stack(feats_train, feats_test, fold, y, lams=(1e-4, 1e-3, 1e-2, 1e-1), center=None):
    """feats_train[k]: n x F x J features of every row as seen by outer fold k's stacker
    (rows of fold k unused); feats_test: n x F x J for each row as held out.
    Conditional logit with per-family biases; lambda by an inner 3-way split."""
    K = fold.max() + 1
    n, F, J = feats_test.shape
    P = np.zeros((n, F))
    lam_used = []
    for k in range(K):
        tr = np.where(fold != k)[0]
        X = feats_train[k]
        # inner groups: the training folds' ranks mod 3
        ranks = {f: r for r, f in enumerate(sorted(set(fold[tr])))}
        g = np.array([ranks[f] % 3 for f in fold[tr]])
        best = None
        for lam in lams:
            ll = 0.0
            for q in range(3):
                a, b = tr[g != q], tr[g == q]
                th = clogit_fit(X[a], y[a], lam, center=center)
                pq = clogit_prob(X[b], th)
                ll -= np.sum(np.log(np.maximum(pq[np.arange(len(b)), y[b]], 1e-12)))
            if best is None or ll < best[0]:
                best = (ll, lam)
        th = clogit_fit(X[tr], y[tr], best[1], center=center)
        te = fold == k
        P[te] = clogit_prob(feats_test[te], th)
        lam_used.append(best[1])
    return P, lam_used


def lp(P):
    return np.log(np.maximum(P, FLOOR))


def prototype_features(Z, y, fold, F):
    """Alignment-free class prototypes in the k-mer space: for every row, cosine
    similarity to each family's centroid of the reference rows, and the best cosine to a
    single reference motif of the family (an alignment-free nearest neighbour).
    Returns (train[k] n x F x 2, test n x F x 2): references of train[k]'s row of fold j
    are the folds other than j and k; of a held-out row of fold k, the folds other than k."""
    K = fold.max() + 1
    Zn = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    S = Zn @ Zn.T
    n = len(y)

    def feats(rows, refmask):
        out = np.zeros((len(rows), F, 2))
        ref = np.where(refmask)[0]
        for f in range(F):
            rf = ref[y[ref] == f]
            if len(rf) == 0:
                out[:, f, :] = -1
                continue
            c = Zn[rf].mean(0)
            c /= np.linalg.norm(c)
            out[:, f, 0] = Zn[rows] @ c
            out[:, f, 1] = S[np.ix_(rows, rf)].max(1)
        return out
    test = np.zeros((n, F, 2))
    train = {}
    for k in range(K):
        te = np.where(fold == k)[0]
        test[te] = feats(te, fold != k)
        T = np.zeros((n, F, 2))
        for j in range(K):
            if j != k:
                rows = np.where(fold == j)[0]
                T[rows] = feats(rows, (fold != j) & (fold != k))
        train[k] = T
    return train, test


def softmax_scale(train, test, fold, y):
    """Turn the prototype features into a probability (for the standalone accuracy and
    the rescue count): softmax of the nearest-reference cosine / T, T fitted per outer
    fold on that fold's training rows."""
    K = fold.max() + 1
    P = np.zeros(test.shape[:2])
    for k in range(K):
        tr = fold != k
        th = clogit_fit(train[k][tr][:, :, 1:2], y[tr], 1e-4, biases=False)
        P[fold == k] = clogit_prob(test[fold == k][:, :, 1:2], th, biases=False)
    return P

# ----------------------------------------------------------------- main


def main():
    cvdir, out = sys.argv[1:3]
    evid = sys.argv[3].split(',') if len(sys.argv) > 3 else ['kmer', 'desc', 'proto']
    ids, names, mats, y, classes = load_set(MEME + '.meme', MEME + '.tsv')
    F = len(classes)
    fold, pcomb, calls = read_cv(cvdir, ids, classes)
    # the k-mer representation: RC-folded expected 3..6-mer spectra (2760 dimensions),
    # square-root frequencies, reduced to their 300 leading principal axes.  The axes are
    # fitted once on all 2113 motifs' spectra WITHOUT labels (a label-free, transductive
    # feature map; numpy's reference BLAS on this machine makes a per-fold PCA too slow).
    cache = os.path.join(CACHE, 'Z_kmer3-6_pca300.npy')
    if os.path.exists(cache):
        Z = np.load(cache)
    else:
        X0 = kmer_features(mats, word_shapes(3, 6, False), 'sqrt')
        w, V = np.linalg.eigh(X0 @ X0.T)
        Z = (V[:, ::-1] * np.sqrt(np.maximum(w[::-1], 0)))[:, :300]
        np.save(cache, Z)
    models = {}
    if 'kmer' in evid:
        Cs = [float(c) for c in os.environ.get('KMER_CS', '5,20').split(',')]
        models['kmer'] = LRModel(Z, y, Cs, 'kmer')
    if 'desc' in evid:
        # global descriptors (kmerlib.global_descriptors): a small gradient-boosted model,
        # one fixed setting (standalone it is weak; see README)
        D = global_descriptors(mats)
        models['desc'] = HGBModel(D, y, [60], 'desc')
    rows = []
    oof = {}
    for split in ('stratified', 'stem'):
        fo = fold[split]
        pc = pcomb[split]
        both_wrong = (calls[split]['knn'] != y) & (calls[split]['cnn'] != y)
        ev_train, ev_test = {}, {}
        for name, mdl in models.items():
            log(split, name)
            single, pair = nested_oof(mdl, fo, y)
            Ptr, Pte, ch = assemble(single, pair, fo, y, mdl.Cs)
            ev_train[name] = {k: lp(Ptr[k])[:, :, None] for k in Ptr}
            ev_test[name] = lp(Pte)[:, :, None]
            oof[split + ':' + name] = Pte
            r = metrics(y, Pte)
            ok = Pte.argmax(1) == y
            rows.append((split, name + ' alone', r, int((ok & both_wrong).sum()), int(both_wrong.sum()),
                         'C per fold ' + ','.join('%g' % ch[k] for k in sorted(ch))))
        if 'proto' in evid:
            log(split, 'proto')
            tr_, te_ = prototype_features(Z, y, fo, F)
            ev_train['proto'], ev_test['proto'] = tr_, te_
            Pp = softmax_scale(tr_, te_, fo, y)
            oof[split + ':proto'] = Pp
            ok = Pp.argmax(1) == y
            rows.append((split, 'proto (nearest k-mer reference) alone', metrics(y, Pp),
                         int((ok & both_wrong).sum()), int(both_wrong.sum()), ''))
        # the combined model alone, and re-stacked alone (control: the stacker itself)
        r = metrics(y, pc)
        ok = pc.argmax(1) == y
        rows.append((split, 'combined', r, int((ok & both_wrong).sum()), int(both_wrong.sum()), ''))
        K = fo.max() + 1
        base_tr = {k: lp(pc)[:, :, None] for k in range(K)}
        base_te = lp(pc)[:, :, None]
        combos = [('combined re-stacked (control)', [])]
        combos += [('combined + ' + e, [e]) for e in ev_test]
        if len(ev_test) > 1:
            combos.append(('combined + ' + ' + '.join(ev_test), list(ev_test)))
        for gname, lams in (('', (1e-4, 1e-3, 1e-2, 1e-1)), (', lambda up to 1', (1e-4, 1e-3, 1e-2, 1e-1, 1.0))):
            for label, es in combos:
                label = label + gname
                log(split, 'stack', label)
                tr = {k: np.concatenate([base_tr[k]] + [ev_train[e][k] for e in es], 2) for k in range(K)}
                te = np.concatenate([base_te] + [ev_test[e] for e in es], 2)
                P, lam = stack(tr, te, fo, y, lams)
                oof[split + ':' + label] = P
                ok = P.argmax(1) == y
                rows.append((split, label, metrics(y, P), int((ok & both_wrong).sum()), int(both_wrong.sum()),
                             'lambda ' + ','.join('%g' % v for v in lam)))
        # keep the evidence (training-row features per outer fold, held-out features)
        # so that other stackers can be tried without refitting the models
        evsave = {'%s:%s:test' % (split, e): ev_test[e] for e in ev_test}
        evsave.update({'%s:%s:train%d' % (split, e, k): ev_train[e][k] for e in ev_train for k in range(K)})
        evsave['%s:fold' % split] = fo
        evsave['%s:pcomb' % split] = pc
        np.savez_compressed(out + '.%s.evidence.npz' % split, **evsave)
    with open(out, 'w') as f:
        f.write('split\tmodel\taccuracy\tmacro_F1\tECE\tp90_n\tp90_accuracy\tright_where_knn_and_cnn_wrong\tknn_and_cnn_wrong\tnote\n')
        for s, lab, r, resc, nbw, note in rows:
            f.write('%s\t%s\t%.4f\t%.4f\t%.4f\t%d\t%.4f\t%d\t%d\t%s\n' % (
                s, lab, r['acc'], r['f1'], r['ece'], r['p90_n'], r['p90_acc'], resc, nbw, note))
    np.savez_compressed(out + '.oof.npz', ids=np.array(ids), y=y, **{k.replace(' ', '_'): v for k, v in oof.items()})
    log('wrote', out)


if __name__ == '__main__':
    main()
