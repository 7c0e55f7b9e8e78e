#!/usr/bin/env python3
"""Make etc/example/example.streme.xml, the bundled example query file.

It imitates what a user has after running STREME on ChIP-seq peaks: eight motifs,
each built from 40 binding sites sampled (seeded) from a JASPAR 2024 motif,
written in STREME 5.5 XML. The source
motifs (and so the true families) are listed in the <description> element, so
the example has a known answer. JASPAR data: CC BY 4.0 (see ../JASPAR-LICENSE.md).
Run: python3 make_example.py ../jaspar2024_eval_2113.meme > example.streme.xml
"""
import random
import sys

SOURCES = ["MA0018.5", "MA0035.5", "MA0047.4", "MA0058.4", "MA0112.4", "MA0139.2", "MA0143.5", "MA0909.4"]
NSITES = 40


def read_meme(path):
    motifs, cur = {}, None
    for line in open(path):
        f = line.split()
        if line.startswith("MOTIF"):
            cur = f[1]
            motifs[cur] = {"name": f[2], "rows": []}
        elif cur and len(f) == 4 and f[0][0] in "0123456789.":
            motifs[cur]["rows"].append([float(x) for x in f])
        elif not f:
            cur = cur if cur is None or not motifs[cur]["rows"] else None
    return motifs


def main():
    motifs = read_meme(sys.argv[1])
    rng = random.Random(20261125)
    out = []
    out.append("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")
    out.append('<STREME version="5.5.5" release="Thu Sep 14 08:48:04 2023 +1000">')
    out.append("  <description>tffam example: motifs re-sampled from JASPAR 2024 %s</description>"
               % " ".join("%s(%s)" % (s, motifs[s]["name"]) for s in SOURCES))
    out.append("  <model>")
    out.append("    <command_line>streme --p peaks.fa --dna --nmotifs 8</command_line>")
    out.append('    <alphabet name="DNA" like="dna">')
    for sym, comp, name in (("A", "T", "Adenine"), ("C", "G", "Cytosine"), ("G", "C", "Guanine"), ("T", "A", "Thymine")):
        out.append('      <letter id="%s" symbol="%s" complement="%s" name="%s"/>' % (sym, sym, comp, name))
    out.append("    </alphabet>")
    out.append("    <strands>both</strands>")
    out.append('    <background_frequencies source="--negatives--" order="0">')
    out.append("      <alphabet_array>")
    for sym, f in zip("ACGT", (0.29, 0.21, 0.21, 0.29)):
        out.append('        <value letter_id="%s">%.3f</value>' % (sym, f))
    out.append("      </alphabet_array>")
    out.append("    </background_frequencies>")
    out.append("  </model>")
    out.append("  <motifs>")
    for k, src in enumerate(SOURCES, 1):
        rows = motifs[src]["rows"]
        counts = [[0] * 4 for _ in rows]
        for _ in range(NSITES):
            for i, row in enumerate(rows):
                counts[i][rng.choices(range(4), weights=row)[0]] += 1
        cons = "".join("ACGT"[max(range(4), key=lambda a: c[a])] for c in counts)
        lp = -rng.uniform(4, 12)
        out.append('    <motif id="%d-%s" alt="STREME-%d" width="%d" initial_width="%d" seed="%s" '
                   'score_threshold="7.5" train_pos_count="%d" train_neg_count="3" train_log_pvalue="%.3f" '
                   'train_pvalue="%.1e" train_dtc="-1.0" train_bernoulli="-1" test_pos_count="0" test_neg_count="0" '
                   'test_log_pvalue="0" test_log_evalue="0" test_evalue="1" test_dtc="-1.0" test_bernoulli="-1" '
                   'is_palindromic="no" elapsed_time="1.0" total_sites="%d" site_distr=" 0" max_sites="1" site_hist=" 0">'
                   % (k, cons, k, len(rows), len(rows), cons, NSITES, lp, 10 ** lp, NSITES))
        for c in counts:
            out.append('      <pos A="%.6f" C="%.6f" G="%.6f" T="%.6f"/>' % tuple(x / NSITES for x in c))
        out.append("    </motif>")
    out.append("  </motifs>")
    out.append('  <reason_for_stopping>Stopped because requested number of motifs (8) found.</reason_for_stopping>')
    out.append('  <run_time cpu="1.00"/>')
    out.append("</STREME>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
