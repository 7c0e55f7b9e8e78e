"""Novelty scores from the per-(class, fold) networks: per-class AUROC and share at
3% known flagged; cross-fitted logistic regression.

Protocol (per left-out class c, stem fold k; network runs/kKK_cCC):
  bank  = the network's training motifs (single-class, not c, not fold k)
  known = fold k's single-class motifs of other classes
  novel = class c's motifs.  Primary ("per-fold"): a c motif of fold k is scored by
          network (c, k) only, exactly like the known motifs of fold k (each motif is
          scored once, by a network that saw neither its fold nor class c).
          Secondary ("averaged"): each c motif gets the mean of its scores under the
          10 networks (c, 1..10) (the averaging tffam-cv uses for left-out classes).
Higher score = more novel.
"""
import sys, os, json
import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.linear_model import LogisticRegression
from common import load, WORK

RUNS = os.path.join(WORK, "runs")
keep, ids, cls, folds, loco = load()
n = len(ids)
S = np.load(os.path.join(WORK, "ed_nlp.npy"))
FOLDS = [int(x) for x in sys.argv[1].split(",")] if len(sys.argv) > 1 else list(range(1, 11))
FLAG = 0.03


def l2n(X):
    return X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)


def knn_dist(Q, B, ks):
    """distance of each row of Q to its k-th nearest row of B (both L2-normalised)."""
    d2 = np.maximum(2.0 - 2.0 * Q @ B.T, 0.0)
    d2.sort(axis=1)
    return {k: np.sqrt(d2[:, k - 1]) for k in ks}


def mahalanobis(Q, B, yb, ridge=1e-3):
    """min over the bank's classes of the squared Mahalanobis distance, shared
    (pooled within-class) covariance plus ridge * mean variance * I."""
    labs = np.unique(yb)
    mu = np.stack([B[yb == c].mean(0) for c in labs])
    R = B - mu[np.searchsorted(labs, yb)]
    cov = R.T @ R / len(B)
    cov += ridge * np.trace(cov) / cov.shape[0] * np.eye(cov.shape[0])
    P = np.linalg.inv(cov)
    D = Q[:, None, :] - mu[None, :, :]
    m = np.einsum("qcd,de,qce->qc", D, P, D)
    return m.min(1)


def scores_for(ci, k):
    """dict score name -> array over all n motifs (NaN where not scored), for network (c, k)."""
    z = np.load(f"{RUNS}/k{k:02d}_c{ci:02d}.npz")
    L = z["logits"].astype(np.float64)
    train = z["train"]
    c = loco[ci]
    # rows this network scores: fold k's known motifs + every c motif
    rows = np.where(((folds == k) & (cls != c)) | (cls == c))[0]
    out = {}
    Lr = L[rows]
    Z = Lr - Lr.max(1, keepdims=True)
    P = np.exp(Z); P /= P.sum(1, keepdims=True)
    out["msp"] = 1.0 - P.max(1)
    out["energy"] = -(Lr.max(1) + np.log(np.exp(Z).sum(1)))
    yb = cls[train]
    for emb in ("emb_max", "emb_mean", "logits"):
        E = z[emb].astype(np.float64)
        Q, B = l2n(E[rows]), l2n(E[train])
        for kk, v in knn_dist(Q, B, (1, 5, 10)).items():
            out[f"knn{kk}_{emb}"] = v
        if emb != "logits":
            out[f"maha_{emb}"] = mahalanobis(E[rows], E[train], yb)
    # Tomtom baseline: best ed -log10 p against the bank (novelty = minus it)
    best = S[np.ix_(rows, train)].max(1)
    out["ed_nlp"] = best.astype(np.float64)
    full = {}
    for name, v in out.items():
        a = np.full(n, np.nan)
        a[rows] = v
        full[name] = a
    return full


def auroc(novel, known):
    y = np.r_[np.ones(len(novel)), np.zeros(len(known))]
    return roc_auc_score(y, np.r_[novel, known])


def share_at(novel, known, flag=FLAG):
    thr = np.quantile(known, 1.0 - flag)
    return float(np.mean(novel > thr))


# ---- collect per (c, k) scores ----------------------------------------------------
cache = os.path.join(WORK, "scores_%s.npz" % "-".join(map(str, FOLDS)))
if os.path.exists(cache):
    Z = np.load(cache, allow_pickle=True)
    SC = Z["SC"].item()
else:
    SC = {}
    for ci in range(len(loco)):
        for k in FOLDS:
            SC[(ci, k)] = scores_for(ci, k)
    np.savez(cache, SC=np.array(SC, dtype=object))
names = list(SC[(0, FOLDS[0])].keys())
# novelty direction: every score is "higher = more novel" except ed_nlp
sign = {nm: (-1.0 if nm == "ed_nlp" else 1.0) for nm in names}


def class_rows(ci, avg=False):
    """known: (motif index, fold) of the other classes' motifs in FOLDS, with their score;
    novel: c's motifs (per-fold: those in FOLDS, own fold's network; averaged: mean over FOLDS)."""
    c = loco[ci]
    kn_idx = np.where((cls != c) & np.isin(folds, FOLDS))[0]
    if avg:
        nv_idx = np.where(cls == c)[0]
    else:
        nv_idx = np.where((cls == c) & np.isin(folds, FOLDS))[0]
    res = {}
    for nm in names:
        kn = np.array([SC[(ci, folds[i])][nm][i] for i in kn_idx]) * sign[nm]
        if avg:
            nv = np.mean([SC[(ci, k)][nm][nv_idx] for k in FOLDS], axis=0) * sign[nm]
        else:
            nv = np.array([SC[(ci, folds[i])][nm][i] for i in nv_idx]) * sign[nm]
        res[nm] = (nv, kn)
    return nv_idx, kn_idx, res


report = {"folds": FOLDS, "names": names, "per_class": {}, "avg_per_class": {}}
for avg in (False, True):
    key = "avg_per_class" if avg else "per_class"
    for ci, c in enumerate(loco):
        nv_idx, kn_idx, res = class_rows(ci, avg)
        if len(nv_idx) == 0:
            continue
        report[key][c] = {"n": int(len(nv_idx)), "n_known": int(len(kn_idx))}
        for nm in names:
            nv, kn = res[nm]
            report[key][c][nm] = (auroc(nv, kn), share_at(nv, kn))

# ---- cross-fitted logistic regression ----------------------------------------------
# rows: for every experiment (c', k): fold k's known motifs (label 0) and c' motifs of fold k (label 1).
# To judge class c on fold k: fit on the experiments c' != c, leaving out every row whose motif
# is of class c and every known row of fold k; score experiment (c, k)'s rows.
def feat(ci, k, idx, cols):
    X = []
    for nm in cols:
        v = SC[(ci, k)][nm][idx]
        if nm == "ed_nlp":
            v = np.minimum(v, 30.0)       # cap huge -log10 p (near-identical motifs)
        if nm == "msp":
            v = np.log(np.maximum(1.0 - v, 1e-12))   # log top probability
        X.append(v)
    return np.stack(X, 1)


def lr_eval(cols, weighting="balanced"):
    rows = {}   # (ci, k) -> (idx, y)
    for ci, c in enumerate(loco):
        for k in FOLDS:
            idx = np.where(((folds == k) & (cls != c)) | ((cls == c) & (folds == k)))[0]
            rows[(ci, k)] = (idx, (cls[idx] == c).astype(int))
    allX = {key: feat(key[0], key[1], idx, cols) for key, (idx, y) in rows.items()}
    per = {}
    for ci, c in enumerate(loco):
        nv_s, kn_s = [], []
        for k in FOLDS:
            Xs, ys, ws = [], [], []
            for cj in range(len(loco)):
                if cj == ci:
                    continue
                for kk in FOLDS:
                    idx, y = rows[(cj, kk)]
                    keepm = (cls[idx] != c) & ~((y == 0) & (folds[idx] == k))
                    Xs.append(allX[(cj, kk)][keepm]); ys.append(y[keepm])
                    # weights: known rows 1; each left-out class's rows share equally half... see below
                    w = np.where(y[keepm] == 1, 1.0, 1.0)
                    ws.append(w)
            X = np.vstack(Xs); y = np.concatenate(ys); w = np.concatenate(ws)
            if weighting == "balanced":
                # left-out rows in all weigh as much as the known rows in all, each left-out class equally
                lab_cls = np.concatenate([np.full(len(a), cj) for a, cj in
                                          zip(ys, [cj for cj in range(len(loco)) if cj != ci for _ in FOLDS])])
                nk = (y == 0).sum()
                ncls = len(np.unique(lab_cls[y == 1]))
                for cj in np.unique(lab_cls[y == 1]):
                    msk = (y == 1) & (lab_cls == cj)
                    w[msk] = nk / ncls / msk.sum()
            mu, sd = X.mean(0), X.std(0) + 1e-12
            lr = LogisticRegression(C=1.0, max_iter=1000)
            lr.fit((X - mu) / sd, y, sample_weight=w)
            idx, yy = rows[(ci, k)]
            s = lr.decision_function((allX[(ci, k)] - mu) / sd)
            nv_s.append(s[yy == 1]); kn_s.append(s[yy == 0])
        nv, kn = np.concatenate(nv_s), np.concatenate(kn_s)
        if len(nv):
            per[c] = (auroc(nv, kn), share_at(nv, kn), int(len(nv)))
    return per


for key in ("per_class", "avg_per_class"):
    print(key)
    for nm in names:
        a = np.mean([report[key][c][nm][0] for c in report[key]])
        s = np.mean([report[key][c][nm][1] for c in report[key]])
        print(f"  {nm:22s} mean AUROC {a:.3f}  mean share@3% {s:.3f}")

lr_sets = {
    "ed": ["ed_nlp"],
    "ed+msp": ["ed_nlp", "msp"],
}
single = {nm: np.mean([report["per_class"][c][nm][0] for c in report["per_class"]]) for nm in names}
emb_names = [nm for nm in names if nm.startswith("knn") or nm.startswith("maha")]
best_emb = max(emb_names, key=lambda nm: single[nm])
report["best_emb"] = best_emb
lr_sets["ed+msp+" + best_emb] = ["ed_nlp", "msp", best_emb]
lr_sets["ed+" + best_emb] = ["ed_nlp", best_emb]
for extra in ("knn5_emb_max", "maha_emb_max", "knn5_emb_mean", "knn5_logits", "energy"):
    if extra != best_emb:
        lr_sets["ed+msp+" + extra] = ["ed_nlp", "msp", extra]
report["lr"] = {}
print('best embedding score:', best_emb, flush=True)
if len(FOLDS) < 2:
    sys.exit(0)
for nm, cols in lr_sets.items():
    report["lr"][nm] = lr_eval(cols)
    per = report["lr"][nm]
    print(f"LR {nm:28s} mean AUROC {np.mean([v[0] for v in per.values()]):.3f}  mean share@3% {np.mean([v[1] for v in per.values()]):.3f}", flush=True)
report["lr_unweighted"] = {nm: lr_eval(lr_sets[nm], weighting="none") for nm in ("ed+msp", "ed+msp+" + best_emb)}
for nm, per in report["lr_unweighted"].items():
    print(f"LR(unweighted) {nm:28s} mean AUROC {np.mean([v[0] for v in per.values()]):.3f}  mean share@3% {np.mean([v[1] for v in per.values()]):.3f}")

out = os.path.join(WORK, "results_%s.json" % "-".join(map(str, FOLDS)))
json.dump(report, open(out, "w"), indent=1)
print("best embedding score:", best_emb)
