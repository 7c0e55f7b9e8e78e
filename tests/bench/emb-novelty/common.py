"""Shared data: single-class motifs, their classes and stem folds (tffam-cv -split stem -folds 10 -seed 1)."""
import csv
import numpy as np
from tfcnn import read_meme

import os
# Paths: TFF_TOP (the tffam tree; default: three levels above this script) and
# EMB_WORK (where the runs go; default: ./emb-work). See README.md here.
TOP = os.environ.get("TFF_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
WORK = os.environ.get("EMB_WORK", os.path.abspath("emb-work"))
BIN = os.environ.get("TFF_BIN", os.path.join(TOP, "src"))
ETC = os.path.join(TOP, "etc")
MEME = f"{ETC}/jaspar2024_allclass.meme"
TSV = f"{ETC}/jaspar2024_allclass.tsv"
CVPRED = os.path.join(WORK, "cv_stem", "cv_predictions.tsv")


def load():
    motifs = read_meme(MEME)
    lab = {}
    with open(TSV) as fh:
        r = csv.reader(fh, delimiter="\t")
        next(r)
        for row in r:
            lab[row[0]] = (row[1], row[2])
    fold = {}
    with open(CVPRED) as fh:
        r = csv.DictReader(fh, delimiter="\t")
        for row in r:
            if row["split"] == "stem":
                fold[row["id"]] = int(row["fold"])
    keep = []
    for (mid, name, p) in motifs:
        fam = lab[mid][1]
        parts = fam.split("::")
        if len(parts) == 2 and parts[0] != parts[1]:
            continue                      # two-class motif: left out
        keep.append(dict(id=mid, name=name, tfname=lab[mid][0], cls=parts[0], fold=fold[mid], p=p))
    ids = [m["id"] for m in keep]
    cls = np.array([m["cls"] for m in keep])
    folds = np.array([m["fold"] for m in keep])
    classes, counts = np.unique(cls, return_counts=True)
    loco = [c for c, n in sorted(zip(classes, counts), key=lambda t: (-t[1], t[0])) if n >= 5]
    return keep, ids, cls, folds, loco


def write_meme(path, motifs):
    with open(path, "w") as fh:
        fh.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
        for m in motifs:
            p = m["p"]
            fh.write(f"MOTIF {m['id']} {m['name']}\nletter-probability matrix: alength= 4 w= {p.shape[0]} nsites= 20 E= 0\n")
            for row in p:
                fh.write(" " + "  ".join(f"{v:.6f}" for v in row) + "\n")
            fh.write("\n")


def raw_blocks():
    """motif id -> its MOTIF block, verbatim from the source file."""
    blocks, cur, buf = {}, None, []
    head = []
    with open(MEME) as fh:
        for line in fh:
            if line.startswith("MOTIF"):
                if cur:
                    blocks[cur] = "".join(buf)
                cur, buf = line.split()[1], [line]
            elif cur:
                buf.append(line)
            else:
                head.append(line)
    blocks[cur] = "".join(buf)
    return "".join(head), blocks
