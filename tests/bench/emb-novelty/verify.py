"""Compare the numpy forward pass with tffam's own probabilities (tffam.xml, -top-k all)."""
import sys, re
import numpy as np
import xml.etree.ElementTree as ET
from tfcnn import Model, read_meme

model, motifs, xmlf = sys.argv[1], sys.argv[2], sys.argv[3]
m = Model(model)
mot = read_meme(motifs)
L, P, E, Mn = m.run([x[2] for x in mot])
idx = {x[0]: i for i, x in enumerate(mot)}
fam = {f: j for j, f in enumerate(m.families)}
root = ET.parse(xmlf).getroot()
maxabs, maxrel, n, nq, argok = 0.0, 0.0, 0, 0, 0
for q in root.iter("query"):
    i = idx[q.get("id")]
    nq += 1
    for pr in q.iter("prob"):
        t = float(pr.get("p")); v = P[i, fam[pr.get("family")]]
        d = abs(t - v)
        maxabs = max(maxabs, d)
        # tffam prints 6 significant digits: relative rounding bound 5e-6
        maxrel = max(maxrel, d / max(t, 1e-300))
        n += 1
    argok += m.families[int(np.argmax(P[i]))] == q.get("predicted_family")
print(f"{model}: {nq} motifs, {n} probabilities; max |diff| {maxabs:.3g}; max relative diff {maxrel:.3g}; argmax agrees {argok}/{nq}")
