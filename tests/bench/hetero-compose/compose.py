#!/usr/bin/python3
"""Compositional second-family rule for heterodimer motifs, judged on tffam-cv folds.

Inputs: the all-class labels TSV and MEME file, a Tomtom-style TSV of the set against
itself (ed; tffam-compare -evalue -thresh 50), the same for the residual sub-motifs
(make_residuals.py) against the set, and a tffam-cv cv_predictions.tsv.
See PLAN.md for the rule and the inner-selection objective, README.md for the runs.

Usage: compose.py CV_PREDICTIONS TOMTOM_TSV RESIDUAL_TOMTOM_TSV OUT_PREFIX [split ...]
"""
import itertools
import os
import sys
from collections import defaultdict

ALLCLASS = os.environ.get("TFF_ALLCLASS", "etc/jaspar2024_allclass")   # run from the top of the tree
LABELS = ALLCLASS + ".tsv"
MEME = ALLCLASS + ".meme"
PARTNER_EVALUE = 1.0          # tffam's -partner-evalue default

# Parameter grid of the compositional rule (t1, f, m, pick, use_two_class_refs).
GRID_T1 = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]
GRID_F = [0.0, 0.25, 0.5]
GRID_M = [3, 5, 7]
GRID_PICK = ["best", "any"]
# Residual rule ("res", t1, m, ext, mode): the residual sub-motifs compared on their own.
GRID_EXT = [0, 2]             # sub-motifs are made for these extensions
GRID_RES_EXT = [0, 2, "0+2"]  # "0+2": both extensions' segments are witnesses
GRID_RES_T1 = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
GRID_RES_M = [4, 5, 6, 8]
GRID_RES_MODE = ["top", "nonA"]
GRID_RES_MINOV = [1]          # the witness must align at least this many residual columns


def read_labels(path):
    """id -> tuple of classes (one class, or two different ones)."""
    lab = {}
    with open(path) as fh:
        next(fh)
        for line in fh:
            mid, _name, fam = line.rstrip("\n").split("\t")
            parts = fam.split("::")
            if len(parts) == 2 and parts[0] == parts[1]:
                parts = parts[:1]
            lab[mid] = tuple(parts)
    return lab


def read_widths(path):
    w = {}
    cur = None
    with open(path) as fh:
        for line in fh:
            if line.startswith("MOTIF"):
                cur = line.split()[1]
            elif line.startswith("letter-probability") and cur:
                w[cur] = int(line.split("w=")[1].split()[0])
    return w


def covered(offset, lq, lt):
    """Query columns (0-based, half-open range) covered by a target: query column i
    aligns with target column i + offset (Tomtom's Optimal_offset; the orientation only
    says which strand of the target; the query is never flipped)."""
    lo = max(0, -offset)
    hi = min(lq, lt - offset)
    return (lo, hi)


def read_tomtom(path, widths):
    """query -> list of (p, E, target, (lo, hi)) sorted by p (file order kept on ties)."""
    hits = defaultdict(list)
    with open(path) as fh:
        header = next(fh).rstrip("\n").split("\t")
        col = {h: k for k, h in enumerate(header)}
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            q, t = f[col["Query_ID"]], f[col["Target_ID"]]
            off = int(f[col["Optimal_offset"]])
            reg = covered(off, widths[q], widths[t])
            assert reg[1] - reg[0] == int(f[col["Overlap"]]), (q, t, off, reg, f)
            hits[q].append((float(f[col["p-value"]]), float(f[col["E-value"]]), t, reg))
    for q in hits:
        hits[q].sort(key=lambda h: h[0])   # stable: Tomtom's order breaks ties
    return hits


def read_cv(path):
    """split -> id -> (fold, combined call)."""
    cv = defaultdict(dict)
    with open(path) as fh:
        header = next(fh).rstrip("\n").split("\t")
        col = {h: k for k, h in enumerate(header)}
        for line in fh:
            f = line.rstrip("\n").split("\t")
            cv[f[col["split"]]][f[col["id"]]] = (int(f[col["fold"]]), f[col["combined"]])
    return cv


def residual_widths(widths):
    """Widths keyed by every id, residual ids (QUERY@START-END) included, computed on demand."""
    class W(dict):
        def __missing__(self, key):
            s, e = key.split("@")[1].split("-")
            return int(e) - int(s)
    return W(widths)


def overlap_len(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


class Query:
    """Everything the rules need about one held-out motif in one split."""

    def __init__(self, mid, fold, call, lab, hits, folds, width=None, res=None):
        self.id, self.fold, self.call, self.classes = mid, fold, call, lab[mid]
        self.width = width
        self.hetero = len(self.classes) == 2
        refs = [h for h in hits.get(mid, []) if folds[h[2]] != fold]
        # partner rule: the nearest reference of another fold
        self.partner = None
        if refs:
            p, e, t, _ = refs[0]
            tl = lab[t]
            if len(tl) == 2 and e <= PARTNER_EVALUE and call in tl:
                self.partner = tl[1] if call == tl[0] else tl[0]
        # single-class references of other folds, by class: list of (p, region)
        self.by_class = defaultdict(list)
        for p, e, t, reg in refs:
            if len(lab[t]) == 1:
                self.by_class[lab[t][0]].append((p, reg))
        self.region_a = self.by_class[call][0][1] if self.by_class.get(call) else None
        # residual sub-motifs' single-class references of other folds: (start, end) -> [(p, class)]
        self.res_hits = {}
        if res is not None and width is not None:
            for ext in GRID_EXT:
                for s, e in self.residuals(ext, 1, width):
                    self.res_hits[(s, e)] = [(p, lab[t][0], r[1] - r[0]) for p, _e, t, r in res.get("%s@%d-%d" % (mid, s, e), [])
                                             if folds[t] != fold and len(lab[t]) == 1]

    def residuals(self, ext, min_len, width):
        """Query segments outside region_a (each side alone), at least min_len columns
        before being extended by ext columns into region_a: list of (start, end)."""
        if self.region_a is None:
            return []
        lo, hi = self.region_a
        out = []
        if lo >= min_len:
            out.append((0, min(width, lo + ext)))
        if width - hi >= min_len:
            out.append((max(0, hi - ext), width))
        return out

    def residual_rule(self, t1, m, ext, mode, minov=1):
        """Second family from the residual sub-motifs: for each residual segment (>= m
        columns outside region_a), its most significant single-class reference of another
        fold aligned over at least minov of its columns; mode top: that reference's class
        must differ from the call; nonA: the most significant such reference of any class
        but the call. Smallest p over the segments."""
        best = None
        segs = self.residuals(0, m, self.width) + self.residuals(2, m, self.width) if ext == "0+2" \
            else self.residuals(ext, m, self.width)
        for s, e in segs:
            for p, cls, ov in self.res_hits.get((s, e), []):
                if ov < minov:
                    continue
                if mode == "top" and cls == self.call:
                    break
                if cls == self.call:
                    continue
                if p < t1 and (best is None or p < best[0]):
                    best = (p, cls)
                break
        return best[1] if best else None

    def rule(self, params):
        if params[0] == "res":
            return self.residual_rule(*params[1:])
        return self.compositional(*params[1:])

    def compositional(self, t1, f, m, pick):
        """Second family by composition, or None."""
        ra = self.region_a
        if ra is None:
            return None
        best = None
        for cls, lst in self.by_class.items():
            if cls == self.call:
                continue
            cands = lst if pick == "any" else lst[:1]
            for p, rb in cands:
                if p >= t1:
                    break
                ov = overlap_len(ra, rb)
                width = rb[1] - rb[0]
                if ov <= f * width and width - ov >= m:
                    if best is None or p < best[0]:
                        best = (p, cls)
                    break
        return best[1] if best else None

    def answer(self, params):
        """Second family of the answer: partner first, then the compositional rule."""
        if self.partner is not None:
            return self.partner
        if params is None:
            return None
        return self.rule(params)

    def correct(self, second):
        return self.hetero and second is not None and {self.call, second} == set(self.classes)


def score(queries, params):
    """(heterodimers with both classes in the answer, motifs given a second family, one-label motifs among them)."""
    both = flags = wrong1 = 0
    for q in queries:
        s = q.answer(params)
        if s is None:
            continue
        flags += 1
        ok = q.correct(s)
        both += ok
        if not q.hetero:
            wrong1 += 1
    return both, flags, wrong1


def choose(queries, grid):
    """The inner objective of PLAN.md: max heterodimer recall s.t. precision >= 0.5;
    ties: fewer flags, then smaller t1; None (off) if nothing qualifies."""
    best = None
    for params in grid:
        both, flags, _ = score(queries, params)
        if flags == 0 or both / flags < 0.5:
            continue
        key = (-both, flags, params[1])
        if best is None or key < best[0]:
            best = (key, params)
    return best[1] if best else None


def main():
    cvfile, tomtom, restsv, out = sys.argv[1:5]
    splits = sys.argv[5:] or ["stem", "stratified"]
    lab = read_labels(LABELS)
    widths = read_widths(MEME)
    hits = read_tomtom(tomtom, widths)
    cv = read_cv(cvfile)
    res = read_tomtom(restsv, residual_widths(widths)) if restsv != "-" else None
    whole = [("whole",) + p for p in itertools.product(GRID_T1, GRID_F, GRID_M, GRID_PICK)]
    resid = [("res",) + p for p in itertools.product(GRID_RES_T1, GRID_RES_M, GRID_RES_EXT, GRID_RES_MODE, GRID_RES_MINOV)]
    families = {"whole": whole, "res": resid, "both": whole + resid} if res is not None else {"whole": whole}
    with open(out + "_summary.tsv", "w") as so, open(out + "_calls.tsv", "w") as co:
        so.write("split\trules\tnhetero\tcall_in_pair\tpartner_both\tpartner_flags\tpartner_wrong1\t"
                 "new_both\tnew_flags\tnew_wrong1\tnew_precision\tfolds_off\tchosen\n")
        co.write("split\trules\tid\tclasses\tfold\tcall\tpartner\tcompositional\tparams\n")
        for split in splits:
            folds = {mid: v[0] for mid, v in cv[split].items()}
            qs = [Query(mid, v[0], v[1], lab, hits, folds, widths[mid], res) for mid, v in cv[split].items()]
            nfold = max(folds.values())
            pb, pf, pw = score(qs, None)
            nh = sum(q.hetero for q in qs)
            inpair = sum(q.hetero and q.call in q.classes for q in qs)
            for fam, grid in families.items():
                tot_new = [0, 0, 0]
                chosen = {}
                for k in range(1, nfold + 1):
                    inner = [q for q in qs if q.fold != k]
                    outer = [q for q in qs if q.fold == k]
                    params = choose(inner, grid)
                    chosen[k] = params
                    b, fl, w1 = score(outer, params)
                    tot_new[0] += b; tot_new[1] += fl; tot_new[2] += w1
                    for q in outer:
                        if q.hetero or q.answer(params) is not None:
                            co.write("%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n" % (
                                split, fam, q.id, "::".join(q.classes), k, q.call, q.partner,
                                q.rule(params) if params else None, params))
                off = sum(p is None for p in chosen.values())
                prec = tot_new[0] / tot_new[1] if tot_new[1] else float("nan")
                ch = ";".join("%d:%s" % (k, ",".join(str(x) for x in p) if p else "off") for k, p in sorted(chosen.items()))
                so.write("%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.3f\t%d\t%s\n" % (
                    split, fam, nh, inpair, pb, pf, pw, tot_new[0], tot_new[1], tot_new[2], prec, off, ch))
                print(split, fam, "heterodimers", nh, "call in pair", inpair,
                      "| partner: both", pb, "flags", pf, "wrong one-label", pw,
                      "| +compositional: both", tot_new[0], "flags", tot_new[1],
                      "wrong one-label", tot_new[2], "precision %.3f" % prec, "folds off", off)
                for k in sorted(chosen):
                    print("   fold", k, "params", chosen[k])


if __name__ == "__main__":
    main()
