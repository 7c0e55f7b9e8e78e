"""Markdown tables and paired statistics from results_1-2-...-10.json."""
import json, sys
import numpy as np
R = json.load(open(sys.argv[1]))
pc = R["per_class"]
classes = list(pc.keys())
show = ["msp", "energy", "knn1_emb_max", "knn5_emb_max", "knn10_emb_max", "maha_emb_max",
        "knn1_emb_mean", "knn5_emb_mean", "maha_emb_mean", "knn1_logits", "ed_nlp"]
print("| class | n | " + " | ".join(show) + " |")
print("| --- | ---: | " + " | ".join("---:" for _ in show) + " |")
for c in classes:
    print(f"| {c} | {pc[c]['n']} | " + " | ".join(f"{pc[c][s][0]:.3f} / {pc[c][s][1]:.2f}" for s in show) + " |")
print("| **mean over %d classes** | | " % len(classes) + " | ".join(f"**{np.mean([pc[c][s][0] for c in classes]):.3f} / {np.mean([pc[c][s][1] for c in classes]):.3f}**" for s in show) + " |")
N = np.array([pc[c]["n"] for c in classes])
print("| motif-weighted mean | %d | " % N.sum() + " | ".join(f"{np.average([pc[c][s][0] for c in classes], weights=N):.3f} / {np.average([pc[c][s][1] for c in classes], weights=N):.3f}" for s in show) + " |")
print()
print("averaged variant (c motifs: mean score over the 10 networks):")
pa = R["avg_per_class"]
for s in show:
    print(f"  {s:16s} {np.mean([pa[c][s][0] for c in pa]):.3f} / {np.mean([pa[c][s][1] for c in pa]):.3f}")
print()
rng = np.random.default_rng(1)
def paired(a, b, nm):
    """per-class deltas b - a: mean, wins, 95% bootstrap CI over classes"""
    out = []
    for j, what in ((0, "AUROC"), (1, "share@3%")):
        d = np.array([b[c][j] - a[c][j] for c in classes if c in a and c in b])
        bs = [rng.choice(d, len(d)).mean() for _ in range(5000)]
        out.append(f"{what} {d.mean():+.3f} [95% CI {np.percentile(bs,2.5):+.3f}, {np.percentile(bs,97.5):+.3f}], better in {(d>0).sum()}, worse in {(d<0).sum()} of {len(d)}")
    print(f"{nm}: " + "; ".join(out))
single = {s: {c: pc[c][s] for c in classes} for s in pc[classes[0]] if s not in ("n", "n_known")}
paired(single["msp"], single["knn1_emb_max"], "single score knn1_emb_max vs msp")
paired(single["msp"], single["knn5_emb_max"], "single score knn5_emb_max vs msp")
paired(single["ed_nlp"], single["knn1_emb_max"], "single score knn1_emb_max vs ed_nlp")
lr = R["lr"]
print()
print("| logistic model (cross-fitted) | mean AUROC | mean share at 3% known flagged | motif-weighted AUROC / share |")
print("| --- | ---: | ---: | ---: |")
for nm, per in lr.items():
    n = np.array([per[c][2] for c in classes])
    print(f"| {nm} | {np.mean([per[c][0] for c in classes]):.3f} | {np.mean([per[c][1] for c in classes]):.3f} | {np.average([per[c][0] for c in classes], weights=n):.3f} / {np.average([per[c][1] for c in classes], weights=n):.3f} |")
for nm, per in R["lr_unweighted"].items():
    print(f"| {nm} (unweighted fit) | {np.mean([per[c][0] for c in classes]):.3f} | {np.mean([per[c][1] for c in classes]):.3f} | |")
print()
be = R["best_emb"]
paired(lr["ed+msp"], lr["ed+msp+" + be], f"LR ed+msp -> ed+msp+{be}")
paired(lr["ed+msp"], lr["ed+msp+knn5_emb_max"], "LR ed+msp -> ed+msp+knn5_emb_max")
paired(lr["ed"], lr["ed+msp"], "LR ed -> ed+msp")
paired(lr["ed"], lr["ed+" + be], f"LR ed -> ed+{be}")
print()
print("| class | n | LR ed | LR ed+msp | LR ed+msp+%s |" % be)
print("| --- | ---: | ---: | ---: | ---: |")
for c in classes:
    print(f"| {c} | {pc[c]['n']} | {lr['ed'][c][0]:.3f} / {lr['ed'][c][1]:.2f} | {lr['ed+msp'][c][0]:.3f} / {lr['ed+msp'][c][1]:.2f} | {lr['ed+msp+'+be][c][0]:.3f} / {lr['ed+msp+'+be][c][1]:.2f} |")
