#!/usr/bin/python3
"""Write the residual sub-motifs of every held-out query: the query columns outside the
region covered by its call's best single-class reference of another fold (compose.py's
region_a), each side as its own segment, extended by EXT columns into that region.
Sub-motif id: QUERY@START-END (0-based, half-open query columns).

Usage: make_residuals.py OUT.meme TOMTOM_TSV CV_PREDICTIONS...
"""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compose as C

MIN_LEN = 3   # shortest residual (before extension) written


def read_matrices(path):
    """id -> (header line of the MOTIF, nsites string, rows)."""
    mats, cur = {}, None
    with open(path) as fh:
        for line in fh:
            if line.startswith("MOTIF"):
                cur = line.split()[1]
                mats[cur] = [line.rstrip("\n"), None, []]
            elif line.startswith("letter-probability") and cur:
                mats[cur][1] = line.split("nsites=")[1].split()[0]
            elif cur and line.strip() and line.split()[0][0] in "0123456789." and mats[cur][1] is not None:
                mats[cur][2].append(line.rstrip("\n"))
    return mats


def main():
    out, tomtom, cvfiles = sys.argv[1], sys.argv[2], sys.argv[3:]
    lab = C.read_labels(C.LABELS)
    widths = C.read_widths(C.MEME)
    hits = C.read_tomtom(tomtom, widths)
    mats = read_matrices(C.MEME)
    segs = set()
    for cvf in cvfiles:
        cv = C.read_cv(cvf)
        for split in cv:
            folds = {m: v[0] for m, v in cv[split].items()}
            for mid, (fold, call) in cv[split].items():
                q = C.Query(mid, fold, call, lab, hits, folds)
                for ext in C.GRID_EXT:
                    segs.update((mid,) + s for s in q.residuals(ext, MIN_LEN, widths[mid]))
    with open(out, "w") as fh:
        fh.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n"
                 "Background letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
        for mid, s, e in sorted(segs):
            _hdr, nsites, rows = mats[mid]
            assert len(rows) == widths[mid]
            fh.write("MOTIF %s@%d-%d\nletter-probability matrix: alength= 4 w= %d nsites= %s E= 0\n" % (mid, s, e, e - s, nsites))
            fh.write("\n".join(rows[s:e]) + "\n\n")
    print(len(segs), "residual sub-motifs", file=sys.stderr)


if __name__ == "__main__":
    main()
