"""For every stem fold k (outer) and left-out class c (inner): train one network
on the single-class motifs neither of class c nor in fold k (tffam-train defaults,
-p 1, under nice -n 10), then run the numpy forward pass over all 2290 single-class
motifs and keep logits and embeddings. Resumable."""
import os, sys, time, subprocess, resource, json
import numpy as np
from common import load, raw_blocks, WORK, BIN
from tfcnn import Model

OUT = os.path.join(WORK, "runs")
os.makedirs(OUT, exist_ok=True)
keep, ids, cls, folds, loco = load()
head, blocks = raw_blocks()
ps = [m["p"] for m in keep]
folds_todo = [int(x) for x in sys.argv[1].split(",")] if len(sys.argv) > 1 else list(range(1, 11))
log = open(f"{OUT}/train_log.tsv", "a")
for k in folds_todo:
    for ci, c in enumerate(loco):
        tag = f"k{k:02d}_c{ci:02d}"
        npz = f"{OUT}/{tag}.npz"
        if os.path.exists(npz):
            continue
        sel = [i for i in range(len(keep)) if cls[i] != c and folds[i] != k]
        mf, lf, mod = f"{OUT}/{tag}.meme", f"{OUT}/{tag}.tsv", f"{OUT}/{tag}.model"
        with open(mf, "w") as fh:
            fh.write(head)
            for i in sel:
                fh.write(blocks[ids[i]])
        with open(lf, "w") as fh:
            fh.write("matrix_id\tname\tfamily\n")
            for i in sel:
                fh.write(f"{ids[i]}\t{keep[i]['tfname']}\t{cls[i]}\n")
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.time()
        subprocess.run(["nice", "-n", "10", os.path.join(BIN, "tffam-train"), "-o", mod, "-p", "1", "-verbosity", "1", mf, lf], check=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        wall = time.time() - t0
        os.remove(mf); os.remove(lf)
        t1 = time.process_time()
        m = Model(mod)
        L, P, E, Mn = m.run(ps)
        np.savez_compressed(npz, logits=L.astype(np.float32), emb_max=E.astype(np.float32), emb_mean=Mn.astype(np.float32),
                            families=np.array(m.families), train=np.array(sel))
        fwd = time.process_time() - t1
        ep = [l for l in open(mod) if l.startswith("training")][0].split()
        log.write(f"{tag}\t{k}\t{c}\t{len(sel)}\t{m.F}\t{cpu:.2f}\t{wall:.2f}\t{fwd:.2f}\t{ep[ep.index('epochs')+1]}\n")
        log.flush()
        print(tag, c, len(sel), f"train cpu {cpu:.1f}s wall {wall:.1f}s fwd {fwd:.1f}s", flush=True)
