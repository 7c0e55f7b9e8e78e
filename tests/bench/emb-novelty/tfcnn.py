"""numpy re-implementation of tffam's conv-net forward pass (src/tff_cnn.c,
doc/cnn.md, doc/model-format.md), returning logits, probabilities and
embeddings.

Network: conv(4->16,k3)+ReLU, conv(16->16,k5)+ReLU, conv(16->20,k7)+ReLU,
conv(20->F,k1) [no activation], global max over the motif's columns; the same
for the reverse complement; logits = (fwd + rc)/2.  Every layer pads with zeros
(the row's gap columns are zeroed after each layer), i.e. 'same' zero padding
per layer; with the centred encoding a zero column equals a uniform column.

Embeddings (the max pool in this architecture is AFTER the 1x1 last layer, so
there is no pooled vector that feeds the last layer; we take the layer-3
activations, the input of the last layer):
  emb_max  = mean over the two strands of max over positions of layer-3 ReLU (20)
  emb_mean = mean over strands of mean over positions of layer-3 ReLU (20)
  logits   = the F pooled outputs themselves.
"""
import struct
import numpy as np

ENC = {"center", "prob", "logodds", "ic"}


def read_meme(path):
    """ordered list of (id, name, p[w,4]) as tffam reads MEME text."""
    motifs = []
    cur = None
    rows = None
    want = 0
    with open(path) as fh:
        for line in fh:
            s = line.strip()
            if s.startswith("MOTIF"):
                f = s.split()
                cur = [f[1], f[2] if len(f) > 2 else "", None]
                continue
            if s.startswith("letter-probability matrix") and cur is not None:
                kv = s.split(":", 1)[1].replace("=", " = ").split()
                d = {}
                for i in range(len(kv) - 2):
                    if kv[i + 1] == "=":
                        d[kv[i]] = kv[i + 2]
                want = int(d["w"])
                rows = []
                continue
            if rows is not None and want > 0 and s:
                rows.append([float(x) for x in s.split()])
                if len(rows) == want:
                    p = np.array(rows, dtype=np.float64)
                    sm = p.sum(1, keepdims=True)
                    bad = (np.abs(sm - 1.0) > 1e-5) & (sm > 0)
                    p = np.where(bad, p / sm, p)
                    cur[2] = p
                    motifs.append(tuple(cur))
                    rows = None
                    cur = None
    return motifs


def h2f(h):
    return struct.unpack(">f", bytes.fromhex(h))[0]


class Model:
    def __init__(self, path):
        lines = open(path).read().split("\n")
        self.families = []
        vals = []
        i = 0
        while i < len(lines):
            l = lines[i]
            if l.startswith("family "):
                self.families.append(l[7:])
            elif l.startswith("network "):
                f = l.split()
                self.nl = int(f[f.index("layers") + 1])
                ci = f.index("channels")
                self.ch = [int(x) for x in f[ci + 1:ci + 1 + self.nl]]
                ki = f.index("kernels")
                self.k = [int(x) for x in f[ki + 1:ki + 1 + self.nl]]
                self.last_relu = f[f.index("last_act") + 1] == "relu"
                self.enc = f[f.index("encoding") + 1]
                self.minw = int(f[f.index("minw") + 1])
            elif l.startswith("params "):
                self.nparams = int(l.split()[1])
                j = i + 1
                while not lines[j].startswith("crc32"):
                    vals.extend(h2f(h) for h in lines[j].split())
                    j += 1
                break
            i += 1
        p = np.array(vals, dtype=np.float32)
        assert len(p) == self.nparams
        self.W, self.b = [], []
        cin, off = 4, 0
        for l in range(self.nl):
            n = self.ch[l] * cin * self.k[l]
            self.W.append(p[off:off + n].reshape(self.ch[l], cin, self.k[l]).astype(np.float64))
            off += n
            self.b.append(p[off:off + self.ch[l]].astype(np.float64))
            off += self.ch[l]
            cin = self.ch[l]
        assert off == self.nparams
        self.F = self.ch[-1]

    def encode(self, p):
        w = p.shape[0]
        if w < self.minw:
            pad = (self.minw - w + 1) // 2
            u = np.full((pad, 4), 0.25)
            p = np.vstack([u, p, u])
        if self.enc == "center":
            x = p - 0.25
        elif self.enc == "prob":
            x = p.copy()
        elif self.enc == "logodds":
            x = np.log2(((p + 0.01) / 1.04) / 0.25)
        else:
            ic = 2.0 + np.where(p > 0, p * np.log2(np.where(p > 0, p, 1)), 0).sum(1, keepdims=True)
            x = p * ic
        return x.T  # 4 x W

    def _layers(self, x):
        """x: 4 x W; returns list of activations per layer (ch x W)."""
        acts = []
        h = x
        W = x.shape[1]
        for l in range(self.nl):
            k = self.k[l]
            pad = k // 2
            hp = np.pad(h, ((0, 0), (pad, pad)))
            # im2col: (cin*k) x W
            cols = np.stack([hp[:, j:j + W] for j in range(k)], axis=1)  # cin x k x W
            out = np.einsum("oij,ijw->ow", self.W[l], cols) + self.b[l][:, None]
            if l < self.nl - 1 or self.last_relu:
                out = np.maximum(out, 0)
            acts.append(out)
            h = out
        return acts

    def forward(self, p):
        x = self.encode(p)
        rc = x[::-1, ::-1].copy()   # letter a -> 3-a, column t -> W-1-t
        af = self._layers(x)
        ar = self._layers(rc)
        logits = 0.5 * (af[-1].max(1) + ar[-1].max(1))
        emb_max = 0.5 * (af[-2].max(1) + ar[-2].max(1))
        emb_mean = 0.5 * (af[-2].mean(1) + ar[-2].mean(1))
        return logits, emb_max, emb_mean

    def run(self, ps):
        L = np.zeros((len(ps), self.F))
        E = np.zeros((len(ps), self.ch[-2]))
        M = np.zeros((len(ps), self.ch[-2]))
        for i, p in enumerate(ps):
            L[i], E[i], M[i] = self.forward(p)
        z = L - L.max(1, keepdims=True)
        P = np.exp(z)
        P /= P.sum(1, keepdims=True)
        return L, P, E, M
