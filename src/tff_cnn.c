/* tff_cnn: forward and backward passes of the RC-invariant convolutional network.
 *
 * Contents:
 *   1. Architecture and parameters
 *   2. Input encoding
 *   3. Workspaces and rows
 *   4. Layers: convolution, ReLU and gaps, max pool (forward and backward)
 *   5. The network: logits, backward, gradient of one motif
 *   6. Inference
 *   7. Unit tests (tffCNN_TESTDRIVE)
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tff_calib.h"
#include "tff_cnn.h"
#include "tff_motif.h"
#include "tff_random.h"
#include "tff_util.h"

#define DEFAULT_ROWLEN 256    /* columns per inference row: a layer's row stays in L1 */

/* An integer of a tff_real's size: the lanes of the row's gap mask (ws->mask). */
#ifdef TFF_CNN_DOUBLE
typedef int64_t tff_mbits;
#else
typedef int32_t tff_mbits;
#endif

struct tff_cnn_ws_s {
  int       maxlen;                       /* capacity in columns */
  int       ld;                           /* channel stride: maxlen + slack for the vector tail */
  int       maxw;                         /* widest encoded motif the scratch holds */
  int       dmaxch;                       /* channels of the gradient rows d1, d2 */
  int       len;                          /* columns in use */
  int       nseg, maxseg;
  int      *segoff, *segw;                /* segment start column and width */
  tff_real *x;                            /* input row, 4 x maxlen */
  tff_real *act[TFF_CNN_MAXLAYERS];       /* layer outputs after activation, ch[l] x maxlen */
  tff_real *d1, *d2;                      /* gradient rows, maxch x maxlen */
  tff_real *P, *dP;                       /* im2col patches, maxlen x max(cin*k) */
  double   *z;                            /* max-pooled outputs, maxseg x nfam */
  int      *amax;                         /* their columns, maxseg x nfam */
  tff_real *enc, *encrc;                  /* encoding scratch, 4 x maxw */
  tff_real *wt;                           /* transposed weights of every layer (tff_cnn_RowBackwardInput()) */
  int       wt_fixed;                     /* wt was made by tff_cnn_WsFixWeights(): the weights do not change */
  tff_real *zero;                         /* maxch zeros: the transposed convolutions' biases */
  tff_real *s1, *s2;                      /* gradient rows of tff_cnn_RowBackwardInputOne(): d1 and d2 (not
                                           * rows of their own), zero outside what that call is computing (it
                                           * clears what it wrote) ... */
  int       ddirty;                       /* ... once cleared, if the other backward passes wrote d1, d2 since */
  int      *iv;                           /* its column intervals, 2 lists x maxseg x 3 */
  tff_mbits *mask;                        /* maxlen: all bits set in a segment's columns, 0 in the gaps
                                           * (and before the first segment): the forward pass zeroes the
                                           * gaps as it stores its outputs */
};

/*****************************************************************
 * 1. Architecture and parameters
 *****************************************************************/

void
tff_cnn_ArchThesis(TFF_CNN_ARCH *a)
{
  static const int ch[4] = { 16, 16, 20, 0 }, k[4] = { 3, 5, 7, 1 };
  memset(a, 0, sizeof *a);
  a->nlayers = 4;
  for (int l = 0; l < 4; l++) { a->ch[l] = ch[l]; a->k[l] = k[l]; }
  a->last_relu = 1;
  a->encoding  = tffCNN_ENC_PROB;
  a->minw      = 0;
}

void
tff_cnn_ArchDefault(TFF_CNN_ARCH *a)
{
  tff_cnn_ArchThesis(a);
  a->last_relu = 0;
  a->encoding  = tffCNN_ENC_CENTER;
}

int
tff_cnn_ArchCheck(const TFF_CNN_ARCH *a, char *errbuf)
{
  if (a->nlayers < 1 || a->nlayers > TFF_CNN_MAXLAYERS)
    return tff_Fail(errbuf, tffEINVAL, "network: %d layers (1..%d allowed)", a->nlayers, TFF_CNN_MAXLAYERS);
  for (int l = 0; l < a->nlayers; l++) {
    if (l < a->nlayers - 1 && (a->ch[l] < 1 || a->ch[l] > TFF_CNN_MAXCH))
      return tff_Fail(errbuf, tffEINVAL, "network: layer %d has %d channels (1..%d allowed)", l + 1, a->ch[l], TFF_CNN_MAXCH);
    if (a->k[l] < 1 || a->k[l] > TFF_CNN_MAXK || a->k[l] % 2 == 0)
      return tff_Fail(errbuf, tffEINVAL, "network: layer %d kernel width %d (odd, 1..%d allowed)", l + 1, a->k[l], TFF_CNN_MAXK);
  }
  if (a->last_relu != 0 && a->last_relu != 1) return tff_Fail(errbuf, tffEINVAL, "network: bad last_relu %d", a->last_relu);
  if (a->encoding < tffCNN_ENC_PROB || a->encoding > tffCNN_ENC_IC)
    return tff_Fail(errbuf, tffEINVAL, "network: unknown input encoding %d", a->encoding);
  if (a->minw < 0 || a->minw > TFF_MAX_MOTIF_WIDTH) return tff_Fail(errbuf, tffEINVAL, "network: bad minimum width %d", a->minw);
  return tffOK;
}

int
tff_cnn_Create(const TFF_CNN_ARCH *a, int nfam, TFF_CNN **ret_net, char *errbuf)
{
  TFF_CNN *net = NULL;
  size_t   off = 0;
  int      status;

  *ret_net = NULL;
  TFF_CHECK(tff_cnn_ArchCheck(a, errbuf));
  if (nfam < 2 || nfam > TFF_CNN_MAXCH) TFF_FAIL(tffEINVAL, errbuf, "network: %d families (2..%d allowed)", nfam, TFF_CNN_MAXCH);
  TFF_CALLOC(net, 1, sizeof *net);
  net->a = *a;
  for (int l = a->nlayers; l < TFF_CNN_MAXLAYERS; l++) { net->a.ch[l] = 0; net->a.k[l] = 0; }
  net->a.ch[a->nlayers - 1] = nfam;
  net->nfam = nfam;
  for (int l = 0; l < a->nlayers; l++) {
    net->cin[l]  = l ? net->a.ch[l - 1] : TFF_ALPHA;
    net->woff[l] = off; off += (size_t) net->a.ch[l] * (size_t) net->cin[l] * (size_t) a->k[l];
    net->boff[l] = off; off += (size_t) net->a.ch[l];
    if (a->k[l] / 2 > net->margin) net->margin = a->k[l] / 2;
  }
  net->nparams = off;
  TFF_CALLOC(net->params, off, sizeof(tff_real));
  *ret_net = net;
  return tffOK;
 ERROR:
  tff_cnn_Destroy(net);
  return status;
}

void
tff_cnn_Destroy(TFF_CNN *net)
{
  if (!net) return;
  tff_cnn_WsDestroy(net->ws);
  free(net->params);
  free(net);
}

void
tff_cnn_Init(TFF_CNN *net, int init, uint64_t seed)
{
  TFF_RNG rng;
  tff_rng_Init(&rng, seed);
  for (int l = 0; l < net->a.nlayers; l++) {
    size_t    nw = (size_t) net->a.ch[l] * (size_t) net->cin[l] * (size_t) net->a.k[l];
    double    fan_in = (double) net->cin[l] * net->a.k[l];
    tff_real *W = net->params + net->woff[l], *b = net->params + net->boff[l];
    if (init == tffCNN_INIT_HE) {
      double sd = sqrt(2.0 / fan_in);
      for (size_t i = 0; i < nw; i++) W[i] = (tff_real) (sd * tff_rng_Normal(&rng));
      for (int c = 0; c < net->a.ch[l]; c++) b[c] = 0;
    } else {
      double bound = 1.0 / sqrt(fan_in);
      for (size_t i = 0; i < nw; i++) W[i] = (tff_real) (bound * (2.0 * tff_rng_Uniform(&rng) - 1.0));
      for (int c = 0; c < net->a.ch[l]; c++) b[c] = (tff_real) (bound * (2.0 * tff_rng_Uniform(&rng) - 1.0));
    }
  }
}

/*****************************************************************
 * 2. Input encoding
 *****************************************************************/

int
tff_cnn_EncodedWidth(const TFF_CNN_ARCH *a, int w)
{
  /* the same number of columns on both sides, so that padding commutes with
   * the reverse complement: minw - w rounded up to even */
  return w < a->minw ? w + 2 * ((a->minw - w + 1) / 2) : w;
}

static void
encode_column(int enc, const double *p, tff_real *out4)
{
  double ic;
  switch (enc) {
  case tffCNN_ENC_CENTER:
    for (int a = 0; a < 4; a++) out4[a] = (tff_real) (p[a] - 0.25);
    break;
  case tffCNN_ENC_LOGODDS:
    for (int a = 0; a < 4; a++) out4[a] = (tff_real) log2(((p[a] + 0.01) / 1.04) / 0.25);
    break;
  case tffCNN_ENC_IC:
    ic = 2.0;
    for (int a = 0; a < 4; a++) if (p[a] > 0) ic += p[a] * log2(p[a]);
    for (int a = 0; a < 4; a++) out4[a] = (tff_real) (p[a] * ic);
    break;
  default:
    for (int a = 0; a < 4; a++) out4[a] = (tff_real) p[a];
  }
}

void
tff_cnn_Encode(const TFF_CNN_ARCH *a, const double *p, int w, tff_real *x, tff_real *opt_rc)
{
  static const double uniform[4] = { 0.25, 0.25, 0.25, 0.25 };
  int W = tff_cnn_EncodedWidth(a, w), left = (W - w) / 2;
  for (int t = 0; t < W; t++) {
    const double *col = (t >= left && t < left + w) ? p + (t - left) * 4 : uniform;
    tff_real      v[4];
    encode_column(a->encoding, col, v);
    for (int c = 0; c < 4; c++) x[c * W + t] = v[c];
    /* reverse complement: column t of the motif is column W-1-t of the RC, letter a -> 3-a */
    if (opt_rc) for (int c = 0; c < 4; c++) opt_rc[(3 - c) * W + (W - 1 - t)] = v[c];
  }
}

/*****************************************************************
 * 3. Workspaces and rows
 *****************************************************************/

int
tff_cnn_RowLength(const TFF_CNN *net, int W)
{
  return 2 * W + 3 * net->margin;
}

static int
ws_alloc(TFF_CNN_WS *ws, const TFF_CNN *net, int maxlen, int maxw, char *errbuf)
{
  int    maxch = TFF_ALPHA, maxr = 1, status;
  size_t L = (size_t) maxlen + 2 * TFF_CNN_MAXK + 32;

  for (int l = 0; l < net->a.nlayers; l++) {
    if (net->a.ch[l] > maxch) maxch = net->a.ch[l];
    if (net->cin[l] * net->a.k[l] > maxr) maxr = net->cin[l] * net->a.k[l];
  }
  ws->maxlen = maxlen;
  ws->dmaxch = maxch;
  ws->ld     = (int) L;
  ws->maxw   = maxw;
  ws->maxseg = maxlen / (1 + net->margin) + 2;
  TFF_CALLOC(ws->segoff, (size_t) ws->maxseg, sizeof(int));
  TFF_CALLOC(ws->segw,   (size_t) ws->maxseg, sizeof(int));
  TFF_CALLOC(ws->x, TFF_ALPHA * L, sizeof(tff_real));
  for (int l = 0; l < net->a.nlayers; l++) TFF_CALLOC(ws->act[l], (size_t) net->a.ch[l] * L, sizeof(tff_real));
  TFF_CALLOC(ws->d1, (size_t) maxch * L, sizeof(tff_real));
  TFF_CALLOC(ws->d2, (size_t) maxch * L, sizeof(tff_real));
  TFF_CALLOC(ws->P,  (size_t) maxr * L, sizeof(tff_real));
  TFF_CALLOC(ws->dP, (size_t) maxr * L, sizeof(tff_real));
  TFF_CALLOC(ws->z,    (size_t) ws->maxseg * (size_t) net->nfam, sizeof(double));
  TFF_CALLOC(ws->amax, (size_t) ws->maxseg * (size_t) net->nfam, sizeof(int));
  TFF_CALLOC(ws->enc,   (size_t) TFF_ALPHA * (size_t) maxw, sizeof(tff_real));
  TFF_CALLOC(ws->encrc, (size_t) TFF_ALPHA * (size_t) maxw, sizeof(tff_real));
  TFF_CALLOC(ws->wt,    net->nparams, sizeof(tff_real));
  TFF_CALLOC(ws->zero,  (size_t) maxch, sizeof(tff_real));
  ws->s1 = ws->d1;     /* zeroed (calloc): no backward pass has run */
  ws->s2 = ws->d2;
  ws->ddirty = 0;
  TFF_CALLOC(ws->iv, (size_t) 6 * (size_t) ws->maxseg, sizeof(int));
  TFF_CALLOC(ws->mask, L, sizeof(tff_mbits));
  return tffOK;
 ERROR:
  return status;
}

static void
ws_free(TFF_CNN_WS *ws)
{
  free(ws->segoff); free(ws->segw); free(ws->x);
  for (int l = 0; l < TFF_CNN_MAXLAYERS; l++) free(ws->act[l]);
  free(ws->d1); free(ws->d2); free(ws->P); free(ws->dP);
  free(ws->z); free(ws->amax); free(ws->enc); free(ws->encrc); free(ws->wt); free(ws->zero);
  free(ws->iv); free(ws->mask);
  memset(ws, 0, sizeof *ws);
}

int
tff_cnn_WsCreate(const TFF_CNN *net, int maxlen, TFF_CNN_WS **ret_ws, char *errbuf)
{
  TFF_CNN_WS *ws = NULL;
  int         status, maxw;
  if (maxlen < tff_cnn_RowLength(net, 1)) maxlen = tff_cnn_RowLength(net, 1);
  maxw = (maxlen - 3 * net->margin) / 2;
  TFF_CALLOC(ws, 1, sizeof *ws);
  TFF_CHECK(ws_alloc(ws, net, maxlen, maxw, errbuf));
  *ret_ws = ws;
  return tffOK;
 ERROR:
  tff_cnn_WsDestroy(ws);
  *ret_ws = NULL;
  return status;
}

void
tff_cnn_WsDestroy(TFF_CNN_WS *ws)
{
  if (!ws) return;
  ws_free(ws);
  free(ws);
}

/* Make room for a motif of encoded width W (reallocates only when needed). */
static int
ws_fit(const TFF_CNN *net, TFF_CNN_WS *ws, int W, char *errbuf)
{
  int need = tff_cnn_RowLength(net, W);
  if (W <= ws->maxw && need <= ws->maxlen) return tffOK;
  ws_free(ws);
  return ws_alloc(ws, net, need > DEFAULT_ROWLEN ? need : DEFAULT_ROWLEN, W, errbuf);
}

/* Vectors of VL reals (GCC and clang vector extensions; section 4). */
#if defined(__GNUC__)
#define VL 8
typedef tff_real vreal __attribute__((vector_size(VL * sizeof(tff_real))));
/* ReLU without branches: keep the bits of lanes > 0, zero the others */
#define VRELU(a) do { vreal z_ = { 0 }; __typeof__(a > z_) m_ = a > z_; a = (vreal) ((__typeof__(m_)) a & m_); } while (0)
/* the row's gaps: zero the lanes whose ws->mask is 0 (to +0, as a store of 0 would) */
#define VGAPS(a, mp) do { vreal z_ = { 0 }; __typeof__(a > z_) m_; memcpy(&m_, (mp), sizeof m_); a = (vreal) ((__typeof__(m_)) a & m_); } while (0)
#endif

/* Zero n columns d[0..n-1]. The rows' ends (margin columns) and the backward
 * passes' short intervals are a few columns each, thousands of times per row:
 * a call of memset for each (which is what the compiler makes of a plain
 * zeroing loop) cost more than the stores. Constant-size memsets (n < 8) and
 * vector stores are inlined. */
static inline void
zero_cols(tff_real *d, int n)
{
#ifdef VL
  vreal z = { 0 };
  int   x = 0;
  for (; n - x >= VL; x += VL) memcpy(d + x, &z, sizeof z);
  switch (n - x) {   /* 0 .. VL - 1 (VL is 8) */
  case 1: memset(d + x, 0, 1 * sizeof(tff_real)); break;
  case 2: memset(d + x, 0, 2 * sizeof(tff_real)); break;
  case 3: memset(d + x, 0, 3 * sizeof(tff_real)); break;
  case 4: memset(d + x, 0, 4 * sizeof(tff_real)); break;
  case 5: memset(d + x, 0, 5 * sizeof(tff_real)); break;
  case 6: memset(d + x, 0, 6 * sizeof(tff_real)); break;
  case 7: memset(d + x, 0, 7 * sizeof(tff_real)); break;
  default: break;
  }
#else
  if (n > 0) memset(d, 0, sizeof(tff_real) * (size_t) n);
#endif
}

static void
row_reset(const TFF_CNN *net, TFF_CNN_WS *ws)
{
  ws->nseg = 0;
  ws->len  = net->margin;
}

/* Append one encoded sequence (4 x W) to the row; 0 if it does not fit. */
static int
row_add(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, int W)
{
  int off = ws->len, M = net->margin, L = ws->ld;
  if (off + W + M > ws->maxlen || ws->nseg >= ws->maxseg) return 0;
  if (ws->nseg == 0) {
    for (int c = 0; c < TFF_ALPHA; c++) zero_cols(ws->x + (size_t) c * L, M);
    for (int t = 0; t < M; t++) ws->mask[t] = 0;
  }
  for (int t = 0; t < W; t++) ws->mask[off + t] = -1;
  for (int t = 0; t < M; t++) ws->mask[off + W + t] = 0;
  for (int c = 0; c < TFF_ALPHA; c++) {
    memcpy(ws->x + (size_t) c * L + off, x + (size_t) c * W, sizeof(tff_real) * (size_t) W);
    zero_cols(ws->x + (size_t) c * L + off + W, M);
  }
  ws->segoff[ws->nseg] = off;
  ws->segw[ws->nseg]   = W;
  ws->nseg++;
  ws->len = off + W + M;
  return 1;
}

/*****************************************************************
 * 4. Layers
 *
 * Rows are channel-major: in[ci * L + x], L = ws->ld. Every layer
 * computes columns x0 = margin .. x1 = len - margin (gaps included, reset to 0
 * afterwards); columns outside [x0, x1) are zero in every buffer.
 *****************************************************************/

/* out[co][x] = b[co] + sum_ci sum_j W[co][ci][j] * in[ci][x + j - pad],  x in [x0, x1)
 * in: cin x L, out: cout x L, W: cout x cin x k, b: cout
 *
 * Each output is accumulated in the same order (bias, then ci, then j) on
 * every path, so the vector path and the plain scalar path give
 * bit-identical results, and so do the instruction-set clones (no
 * contraction of a*b+c into fma: -ffp-contract=off, configure.ac). The
 * blocked path keeps 4 output channels x VL positions in registers. */

#ifdef VL
/* One block of VL columns at xb, every output channel: eight, then four, then
 * one channel at a time, each output accumulated in conv_forward()'s order
 * (bias, then ci, then j); relu and mask as in conv_forward_k(). Shared by
 * conv_forward_k()'s last block and conv_forward_narrow_k() (relu 0, no mask:
 * constants where it is inlined). */
static inline __attribute__((always_inline)) void
conv_block_vl(tff_real *restrict out, const tff_real *restrict in, const tff_real *restrict W, const tff_real *restrict b,
              int cin, int cout, const int k, int L, int xb, int relu, const tff_mbits *restrict mask)
{
  int pad = k / 2, R = cin * k, co = 0;
  for (; co + 8 <= cout; co += 8) {
    vreal a0, a1, a2, a3, a4, a5, a6, a7;
    const tff_real *w0 = W + (size_t) co * R, *w1 = w0 + R, *w2 = w1 + R, *w3 = w2 + R;
    const tff_real *w4 = w3 + R, *w5 = w4 + R, *w6 = w5 + R, *w7 = w6 + R;
    for (int q = 0; q < VL; q++) {
      a0[q] = b[co];     a1[q] = b[co + 1]; a2[q] = b[co + 2]; a3[q] = b[co + 3];
      a4[q] = b[co + 4]; a5[q] = b[co + 5]; a6[q] = b[co + 6]; a7[q] = b[co + 7];
    }
    for (int ci = 0; ci < cin; ci++) {
      const tff_real *src = in + (size_t) ci * L + xb - pad;
      for (int j = 0; j < k; j++) {
        vreal sv;
        int   r = ci * k + j;
        memcpy(&sv, src + j, sizeof sv);
        a0 += w0[r] * sv; a1 += w1[r] * sv; a2 += w2[r] * sv; a3 += w3[r] * sv;
        a4 += w4[r] * sv; a5 += w5[r] * sv; a6 += w6[r] * sv; a7 += w7[r] * sv;
      }
    }
    if (relu) { VRELU(a0); VRELU(a1); VRELU(a2); VRELU(a3); VRELU(a4); VRELU(a5); VRELU(a6); VRELU(a7); }
    if (mask) { VGAPS(a0, mask + xb); VGAPS(a1, mask + xb); VGAPS(a2, mask + xb); VGAPS(a3, mask + xb);
                VGAPS(a4, mask + xb); VGAPS(a5, mask + xb); VGAPS(a6, mask + xb); VGAPS(a7, mask + xb); }
    memcpy(out + (size_t) co * L + xb, &a0, sizeof a0);
    memcpy(out + (size_t) (co + 1) * L + xb, &a1, sizeof a1);
    memcpy(out + (size_t) (co + 2) * L + xb, &a2, sizeof a2);
    memcpy(out + (size_t) (co + 3) * L + xb, &a3, sizeof a3);
    memcpy(out + (size_t) (co + 4) * L + xb, &a4, sizeof a4);
    memcpy(out + (size_t) (co + 5) * L + xb, &a5, sizeof a5);
    memcpy(out + (size_t) (co + 6) * L + xb, &a6, sizeof a6);
    memcpy(out + (size_t) (co + 7) * L + xb, &a7, sizeof a7);
  }
  for (; co + 4 <= cout; co += 4) {
    vreal a0, a1, a2, a3;
    const tff_real *w0 = W + (size_t) co * R, *w1 = w0 + R, *w2 = w1 + R, *w3 = w2 + R;
    for (int q = 0; q < VL; q++) { a0[q] = b[co]; a1[q] = b[co + 1]; a2[q] = b[co + 2]; a3[q] = b[co + 3]; }
    for (int ci = 0; ci < cin; ci++) {
      const tff_real *src = in + (size_t) ci * L + xb - pad;
      for (int j = 0; j < k; j++) {
        vreal sv;
        int   r = ci * k + j;
        memcpy(&sv, src + j, sizeof sv);
        a0 += w0[r] * sv; a1 += w1[r] * sv; a2 += w2[r] * sv; a3 += w3[r] * sv;
      }
    }
    if (relu) { VRELU(a0); VRELU(a1); VRELU(a2); VRELU(a3); }
    if (mask) { VGAPS(a0, mask + xb); VGAPS(a1, mask + xb); VGAPS(a2, mask + xb); VGAPS(a3, mask + xb); }
    memcpy(out + (size_t) co * L + xb, &a0, sizeof a0);
    memcpy(out + (size_t) (co + 1) * L + xb, &a1, sizeof a1);
    memcpy(out + (size_t) (co + 2) * L + xb, &a2, sizeof a2);
    memcpy(out + (size_t) (co + 3) * L + xb, &a3, sizeof a3);
  }
  for (; co < cout; co++) {
    vreal a0;
    const tff_real *w0 = W + (size_t) co * R;
    for (int q = 0; q < VL; q++) a0[q] = b[co];
    for (int ci = 0; ci < cin; ci++) {
      const tff_real *src = in + (size_t) ci * L + xb - pad;
      for (int j = 0; j < k; j++) {
        vreal sv;
        memcpy(&sv, src + j, sizeof sv);
        a0 += w0[ci * k + j] * sv;
      }
    }
    if (relu) VRELU(a0);
    if (mask) VGAPS(a0, mask + xb);
    memcpy(out + (size_t) co * L + xb, &a0, sizeof a0);
  }
}
#endif

/* conv_forward()'s body for kernel width k. Where conv_forward() inlines it, k
 * is a constant (1, 3, 5 or 7: the shipped networks' widths), so the loop over
 * the taps has a known count and the weight offsets ci * k + j are constants
 * plus a stride (measured: 6-9% faster than k as a variable; the operations
 * and their order are unchanged). */
static inline __attribute__((always_inline)) void
conv_forward_k(tff_real *restrict out, const tff_real *restrict in, const tff_real *restrict W, const tff_real *restrict b,
               int cin, int cout, const int k, int L, int x0, int x1, int relu, const tff_mbits *restrict mask)
{
  int pad = k / 2, R = cin * k, xb = x0;
#ifdef VL
  /* Blocks of 2 VL columns while more than VL columns remain, then one block
   * of VL if any columns are left: a one-motif row (2 W + 3 columns) computes
   * 24 columns, not 32, for W = 9. The last block may run past x1 (up to
   * 2 VL - 1 columns): the row has slack for it (ws->ld), those columns are
   * zeroed or never read as valid, and they do not feed any column before x1. */
  for (; x1 - xb > VL; xb += 2 * VL) {
    int co = 0;
    for (; co + 4 <= cout; co += 4) {
      vreal a0, a1, a2, a3, c0, c1, c2, c3;
      const tff_real *w0 = W + (size_t) co * R, *w1 = w0 + R, *w2 = w1 + R, *w3 = w2 + R;
      for (int q = 0; q < VL; q++) { a0[q] = c0[q] = b[co]; a1[q] = c1[q] = b[co + 1]; a2[q] = c2[q] = b[co + 2]; a3[q] = c3[q] = b[co + 3]; }
      for (int ci = 0; ci < cin; ci++) {
        const tff_real *src = in + (size_t) ci * L + xb - pad;
        for (int j = 0; j < k; j++) {
          vreal sv, tv;
          int   r = ci * k + j;
          memcpy(&sv, src + j, sizeof sv);
          memcpy(&tv, src + j + VL, sizeof tv);
          a0 += w0[r] * sv; a1 += w1[r] * sv; a2 += w2[r] * sv; a3 += w3[r] * sv;
          c0 += w0[r] * tv; c1 += w1[r] * tv; c2 += w2[r] * tv; c3 += w3[r] * tv;
        }
      }
      if (relu) { VRELU(a0); VRELU(a1); VRELU(a2); VRELU(a3); VRELU(c0); VRELU(c1); VRELU(c2); VRELU(c3); }
      if (mask) { VGAPS(a0, mask + xb); VGAPS(a1, mask + xb); VGAPS(a2, mask + xb); VGAPS(a3, mask + xb);
                  VGAPS(c0, mask + xb + VL); VGAPS(c1, mask + xb + VL); VGAPS(c2, mask + xb + VL); VGAPS(c3, mask + xb + VL); }
      memcpy(out + (size_t) co * L + xb, &a0, sizeof a0);
      memcpy(out + (size_t) (co + 1) * L + xb, &a1, sizeof a1);
      memcpy(out + (size_t) (co + 2) * L + xb, &a2, sizeof a2);
      memcpy(out + (size_t) (co + 3) * L + xb, &a3, sizeof a3);
      memcpy(out + (size_t) co * L + xb + VL, &c0, sizeof c0);
      memcpy(out + (size_t) (co + 1) * L + xb + VL, &c1, sizeof c1);
      memcpy(out + (size_t) (co + 2) * L + xb + VL, &c2, sizeof c2);
      memcpy(out + (size_t) (co + 3) * L + xb + VL, &c3, sizeof c3);
    }
    for (; co < cout; co++) {
      vreal a0, c0;
      const tff_real *w0 = W + (size_t) co * R;
      for (int q = 0; q < VL; q++) a0[q] = c0[q] = b[co];
      for (int ci = 0; ci < cin; ci++) {
        const tff_real *src = in + (size_t) ci * L + xb - pad;
        for (int j = 0; j < k; j++) {
          vreal sv, tv;
          memcpy(&sv, src + j, sizeof sv); memcpy(&tv, src + j + VL, sizeof tv);
          a0 += w0[ci * k + j] * sv; c0 += w0[ci * k + j] * tv;
        }
      }
      if (relu) { VRELU(a0); VRELU(c0); }
      if (mask) { VGAPS(a0, mask + xb); VGAPS(c0, mask + xb + VL); }
      memcpy(out + (size_t) co * L + xb, &a0, sizeof a0);
      memcpy(out + (size_t) co * L + xb + VL, &c0, sizeof c0);
    }
  }
  if (xb < x1) {   /* the last VL columns or fewer: one vector, eight or four channels at a time */
    conv_block_vl(out, in, W, b, cin, cout, k, L, xb, relu, mask);
    xb += VL;
  }
#endif
  /* scalar remainder (and the whole row without vector extensions) */
  for (int co = 0; co < cout; co++) {
    tff_real *restrict o = out + (size_t) co * L;
    for (int x = xb; x < x1; x++) {
      tff_real acc = b[co];
      for (int ci = 0; ci < cin; ci++) {
        const tff_real *src = in + (size_t) ci * L + x - pad;
        const tff_real *w   = W + (size_t) co * R + ci * k;
        for (int j = 0; j < k; j++) acc += w[j] * src[j];
      }
      o[x] = ((relu && !(acc > 0)) || (mask && !mask[x])) ? 0 : acc;
    }
  }
}

TFF_CLONES_AVX2 static void
conv_forward(tff_real *restrict out, const tff_real *restrict in, const tff_real *restrict W, const tff_real *restrict b,
             int cin, int cout, int k, int L, int x0, int x1, int relu, const tff_mbits *restrict mask)
{
  switch (k) {
  case 1:  conv_forward_k(out, in, W, b, cin, cout, 1, L, x0, x1, relu, mask); break;
  case 3:  conv_forward_k(out, in, W, b, cin, cout, 3, L, x0, x1, relu, mask); break;
  case 5:  conv_forward_k(out, in, W, b, cin, cout, 5, L, x0, x1, relu, mask); break;
  case 7:  conv_forward_k(out, in, W, b, cin, cout, 7, L, x0, x1, relu, mask); break;
  default: conv_forward_k(out, in, W, b, cin, cout, k, L, x0, x1, relu, mask); break;
  }
}

/* conv_forward() over columns [x0, x1) in blocks of VL columns (not 2 VL), for
 * the short column ranges of tff_cnn_RowBackwardInputOne(). Every output is
 * accumulated in conv_forward()'s order (bias, then ci, then j), so a column
 * gets the same bits from either. The last block may run past x1 (up to VL - 1
 * columns, within the row's slack); those columns get their true values too. */
static inline __attribute__((always_inline)) void
conv_forward_narrow_k(tff_real *restrict out, const tff_real *restrict in, const tff_real *restrict W, const tff_real *restrict b,
                      int cin, int cout, const int k, int L, int x0, int x1)
{
#ifdef VL
  for (int xb = x0; xb < x1; xb += VL) conv_block_vl(out, in, W, b, cin, cout, k, L, xb, 0, NULL);
#else
  int pad = k / 2, R = cin * k;
  for (int co = 0; co < cout; co++)
    for (int x = x0; x < x1; x++) {
      tff_real acc = b[co];
      for (int ci = 0; ci < cin; ci++)
        for (int j = 0; j < k; j++) acc += W[(size_t) co * R + ci * k + j] * in[(size_t) ci * L + x + j - pad];
      out[(size_t) co * L + x] = acc;
    }
#endif
}

TFF_CLONES_AVX2 static void
conv_forward_narrow(tff_real *restrict out, const tff_real *restrict in, const tff_real *restrict W, const tff_real *restrict b,
                    int cin, int cout, int k, int L, int x0, int x1)
{
  switch (k) {   /* the kernel width a constant, as in conv_forward() */
  case 1:  conv_forward_narrow_k(out, in, W, b, cin, cout, 1, L, x0, x1); break;
  case 3:  conv_forward_narrow_k(out, in, W, b, cin, cout, 3, L, x0, x1); break;
  case 5:  conv_forward_narrow_k(out, in, W, b, cin, cout, 5, L, x0, x1); break;
  case 7:  conv_forward_narrow_k(out, in, W, b, cin, cout, 7, L, x0, x1); break;
  default: conv_forward_narrow_k(out, in, W, b, cin, cout, k, L, x0, x1); break;
  }
}

/* Zero the columns before x0 and the last gap, [x1, x1 + margin), which
 * conv_forward() may not reach; it zeroes the other gaps through ws->mask. */
static void
zero_ends(const TFF_CNN_WS *ws, tff_real *out, int c, int margin, int x0, int x1)
{
  for (int ch = 0; ch < c; ch++) {
    zero_cols(out + (size_t) ch * ws->ld, x0);
    zero_cols(out + (size_t) ch * ws->ld + x1, margin);
  }
}

/* Global max pool of each segment: z[s][c] = max_x out[c][x], amax = first such x. */
static void
maxpool_forward(const TFF_CNN_WS *ws, const tff_real *out, int c, double *z, int *amax)
{
  int L = ws->ld;
  for (int s = 0; s < ws->nseg; s++) {
    int off = ws->segoff[s], w = ws->segw[s];
    for (int ch = 0; ch < c; ch++) {
      const tff_real *o = out + (size_t) ch * L;
      int best = off;
      for (int x = off + 1; x < off + w; x++) if (o[x] > o[best]) best = x;
      z[s * c + ch]    = o[best];
      amax[s * c + ch] = best;
    }
  }
}

/* Backward of one convolution.
 * dout: cout x L, gradient with respect to the layer's output before activation
 *       (zero outside the segments);
 * adds dW (cout x cin x k) and db (cout) to gW, gb (if gW != NULL);
 * writes din (cin x L), the gradient with respect to the input, over
 * [x0 - pad, x1 + pad) (if din != NULL). P, dP: (x1 - x0) x (cin * k) scratch. */
static void
conv_backward(const tff_real *restrict dout, const tff_real *restrict in, const tff_real *restrict W,
              tff_real *restrict gW, tff_real *restrict gb, tff_real *restrict din,
              tff_real *restrict P, tff_real *restrict dP, int cin, int cout, int k, int L, int x0, int x1)
{
  int pad = k / 2, R = cin * k, n = x1 - x0;

  if (gW) {
    /* im2col: P[x][ci*k + j] = in[ci][x0 + x + j - pad] */
    for (int x = 0; x < n; x++) {
      tff_real *p = P + (size_t) x * R;
      for (int ci = 0; ci < cin; ci++) {
        const tff_real *src = in + (size_t) ci * L + x0 + x - pad;
        for (int j = 0; j < k; j++) p[ci * k + j] = src[j];
      }
    }
    /* dW[co][r] += sum_x dout[co][x] P[x][r];  db[co] += sum_x dout[co][x] */
    for (int co = 0; co < cout; co++) {
      const tff_real *g  = dout + (size_t) co * L + x0;
      tff_real *restrict gw = gW + (size_t) co * R;
      for (int x = 0; x < n; x++) {
        tff_real gx = g[x];
        if (gx == 0) continue;
        gb[co] += gx;
        const tff_real *p = P + (size_t) x * R;
        for (int r = 0; r < R; r++) gw[r] += gx * p[r];
      }
    }
  }
  if (din) {
    /* dP[x][r] = sum_co dout[co][x] W[co][r] */
    for (int x = 0; x < n; x++) {
      tff_real *restrict dp = dP + (size_t) x * R;
      for (int r = 0; r < R; r++) dp[r] = 0;
      for (int co = 0; co < cout; co++) {
        tff_real gx = dout[(size_t) co * L + x0 + x];
        if (gx == 0) continue;
        const tff_real *w = W + (size_t) co * R;
        for (int r = 0; r < R; r++) dp[r] += gx * w[r];
      }
    }
    /* col2im: din[ci][x0 + x + j - pad] += dP[x][ci*k + j] */
    for (int ci = 0; ci < cin; ci++) {
      tff_real *d = din + (size_t) ci * L;
      for (int x = x0 - pad; x < x1 + pad; x++) d[x] = 0;
      for (int x = 0; x < n; x++) {
        const tff_real *dp = dP + (size_t) x * R + ci * k;
        tff_real       *dd = d + x0 + x - pad;
        for (int j = 0; j < k; j++) dd[j] += dp[j];
      }
    }
  }
}

/*****************************************************************
 * 5. The network
 *****************************************************************/

/* Forward pass over the current row: act[] and z/amax for every segment. */
static void
forward_row(const TFF_CNN *net, TFF_CNN_WS *ws)
{
  int             nl = net->a.nlayers, x0 = net->margin, x1 = ws->len - net->margin, L = ws->ld;
  const tff_real *in = ws->x;
  for (int l = 0; l < nl; l++) {
    int relu = (l < nl - 1) || net->a.last_relu;
    conv_forward(ws->act[l], in, net->params + net->woff[l], net->params + net->boff[l],
                 net->cin[l], net->a.ch[l], net->a.k[l], L, x0, x1, relu, ws->mask);
    zero_ends(ws, ws->act[l], net->a.ch[l], net->margin, x0, x1);
    in = ws->act[l];
  }
  maxpool_forward(ws, ws->act[nl - 1], net->nfam, ws->z, ws->amax);
}

void
tff_cnn_Logits(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, const tff_real *rc, int W, double *logits)
{
  int F = net->nfam;
  row_reset(net, ws);
  row_add(net, ws, x, W);    /* the trainer sizes ws with tff_cnn_RowLength() */
  row_add(net, ws, rc, W);
  forward_row(net, ws);
  for (int f = 0; f < F; f++) logits[f] = 0.5 * (ws->z[f] + ws->z[F + f]);
}

void
tff_cnn_BackwardLogits(const TFF_CNN *net, TFF_CNN_WS *ws, const double *dlogits,
                       tff_real *opt_grads, tff_real *opt_dx, tff_real *opt_drc)
{
  int       nl = net->a.nlayers, F = net->nfam, L = ws->ld, M = net->margin;
  int       x0 = M, x1 = ws->len - M;
  tff_real *dA = ws->d1, *dIn = ws->d2;

  ws->ddirty = 1;
  /* max pool and average: d z[s][f] = dlogits[f] / 2 at the arg max column */
  for (int f = 0; f < F; f++) {
    tff_real *d = dA + (size_t) f * L;
    for (int x = x0 - M; x < x1 + M; x++) d[x] = 0;
  }
  for (int s = 0; s < 2; s++)
    for (int f = 0; f < F; f++) {
      if (net->a.last_relu && ws->z[s * F + f] <= 0) continue;   /* ReLU'(0) = 0 */
      dA[(size_t) f * L + ws->amax[s * F + f]] += (tff_real) (0.5 * dlogits[f]);
    }

  for (int l = nl - 1; l >= 0; l--) {
    const tff_real *in    = l ? ws->act[l - 1] : ws->x;
    int             wantd = (l > 0) || opt_dx || opt_drc;
    conv_backward(dA, in, net->params + net->woff[l],
                  opt_grads ? opt_grads + net->woff[l] : NULL, opt_grads ? opt_grads + net->boff[l] : NULL,
                  wantd ? dIn : NULL, ws->P, ws->dP, net->cin[l], net->a.ch[l], net->a.k[l], L, x0, x1);
    if (!wantd) break;
    if (l > 0) {
      /* through the ReLU of layer l-1: zero where its output was not positive (gaps included) */
      const tff_real *a = ws->act[l - 1];
      for (int c = 0; c < net->cin[l]; c++)
        for (int x = x0; x < x1; x++)
          if (a[(size_t) c * L + x] <= 0) dIn[(size_t) c * L + x] = 0;
      tff_real *t = dA; dA = dIn; dIn = t;
    } else {
      int W = ws->segw[0];
      for (int c = 0; c < TFF_ALPHA; c++)
        for (int t = 0; t < W; t++) {
          if (opt_dx)  opt_dx[c * W + t]  = dIn[(size_t) c * L + ws->segoff[0] + t];
          if (opt_drc) opt_drc[c * W + t] = dIn[(size_t) c * L + ws->segoff[1] + t];
        }
    }
  }
}

double
tff_cnn_Gradient(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, const tff_real *rc, int W,
                 int y, double weight, tff_real *grads, double *opt_probs)
{
  double logits[TFF_CNN_MAXCH], p[TFF_CNN_MAXCH], d[TFF_CNN_MAXCH] = { 0 }, mx, lse = 0.0;
  int    F = net->nfam;

  tff_cnn_Logits(net, ws, x, rc, W, logits);
  tff_calib_Softmax(logits, F, 1.0, p);
  mx = logits[0];
  for (int f = 1; f < F; f++) if (logits[f] > mx) mx = logits[f];
  for (int f = 0; f < F; f++) lse += exp(logits[f] - mx);
  lse = mx + log(lse);
  for (int f = 0; f < F; f++) d[f] = weight * (p[f] - (f == y ? 1.0 : 0.0));
  tff_cnn_BackwardLogits(net, ws, d, grads, NULL, NULL);
  if (opt_probs) for (int f = 0; f < F; f++) opt_probs[f] = p[f];
  return weight * (lse - logits[y]);
}

/* Rows of many segments for attribution methods (see tff_cnn.h). */
void
tff_cnn_RowReset(const TFF_CNN *net, TFF_CNN_WS *ws)
{
  row_reset(net, ws);
}

int
tff_cnn_RowAdd(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, int W)
{
  return row_add(net, ws, x, W);
}

int
tff_cnn_RowForward(const TFF_CNN *net, TFF_CNN_WS *ws, double *z)
{
  forward_row(net, ws);
  memcpy(z, ws->z, sizeof(double) * (size_t) ws->nseg * (size_t) net->nfam);
  return ws->nseg;
}

/* d[x] = 0 where a[x] is not positive: the gradient through a ReLU whose output was a. */
TFF_CLONES_AVX2 static void
relu_mask(tff_real *restrict d, const tff_real *restrict a, int n)
{
  int x = 0;
#ifdef VL
  for (; x + VL <= n; x += VL) {
    vreal dv, av, z = { 0 };
    memcpy(&dv, d + x, sizeof dv);
    memcpy(&av, a + x, sizeof av);
    __typeof__(av > z) m = av > z;
    dv = (vreal) ((__typeof__(m)) dv & m);
    memcpy(d + x, &dv, sizeof dv);
  }
#endif
  for (; x < n; x++) if (!(a[x] > 0)) d[x] = 0;
}

/* The gradient with respect to a convolution's input is a convolution of the
 * gradient of its output with the transposed, mirrored kernel:
 *   din[ci][x] = sum_co sum_j W[co][ci][j] dout[co][x - j + pad]
 *              = sum_co sum_j' Wt[ci][co][j'] dout[co][x + j' - pad],  Wt[ci][co][j'] = W[co][ci][k-1-j'],
 * so conv_forward() (blocked, vectorised) computes it, with zero biases. */
/* The transposed, mirrored kernels of every layer into ws->wt. */
static void
transpose_weights(const TFF_CNN *net, TFF_CNN_WS *ws)
{
  for (int l = 0; l < net->a.nlayers; l++) {
    const tff_real *Wl = net->params + net->woff[l];
    tff_real       *Wt = ws->wt + net->woff[l];
    int             ci_n = net->cin[l], co_n = net->a.ch[l], k = net->a.k[l];
    for (int co = 0; co < co_n; co++)
      for (int ci = 0; ci < ci_n; ci++)
        for (int j = 0; j < k; j++)
          Wt[((size_t) ci * co_n + co) * k + (k - 1 - j)] = Wl[((size_t) co * ci_n + ci) * k + j];
  }
}

void
tff_cnn_WsFixWeights(const TFF_CNN *net, TFF_CNN_WS *ws)
{
  transpose_weights(net, ws);
  ws->wt_fixed = 1;
}

void
tff_cnn_RowBackwardInput(const TFF_CNN *net, TFF_CNN_WS *ws, const double *dz, tff_real *dx)
{
  int       nl = net->a.nlayers, F = net->nfam, L = ws->ld, M = net->margin;
  int       x0 = M, x1 = ws->len - M, xe = ws->len;   /* columns read: [0, xe) */
  tff_real *dA = ws->d1, *dIn = ws->d2;

  if (!ws->wt_fixed) transpose_weights(net, ws);
  ws->ddirty = 1;
  for (int f = 0; f < F; f++) memset(dA + (size_t) f * L, 0, sizeof(tff_real) * (size_t) xe);
  for (int s = 0; s < ws->nseg; s++)
    for (int f = 0; f < F; f++) {
      if (net->a.last_relu && ws->z[s * F + f] <= 0) continue;   /* ReLU'(0) = 0 */
      dA[(size_t) f * L + ws->amax[s * F + f]] += (tff_real) dz[s * F + f];
    }
  for (int l = nl - 1; l >= 0; l--) {
    int ci_n = net->cin[l];
    conv_forward(dIn, dA, ws->wt + net->woff[l], ws->zero, net->a.ch[l], ci_n, net->a.k[l], L, x0, x1, 0, NULL);
    for (int c = 0; c < ci_n; c++) {
      tff_real *d = dIn + (size_t) c * L;
      memset(d, 0, sizeof(tff_real) * (size_t) x0);
      if (l > 0) relu_mask(d + x0, ws->act[l - 1] + (size_t) c * L + x0, xe - x0);   /* through layer l-1's ReLU (gaps included) */
    }
    tff_real *t = dA; dA = dIn; dIn = t;
  }
  for (int s = 0, o = 0; s < ws->nseg; s++) {
    int W = ws->segw[s];
    for (int c = 0; c < TFF_ALPHA; c++)
      memcpy(dx + o + (size_t) c * W, dA + (size_t) c * L + ws->segoff[s], sizeof(tff_real) * (size_t) W);
    o += TFF_ALPHA * W;
  }
}

/* The row's forward pass when only family f's output is wanted (a row of
 * Integrated Gradients' path points): every layer but the last in full, the
 * last only for channel f. zf[s]: segment s's max-pooled output of channel f
 * (ws->z, ws->amax set for channel f only). Each value is the one
 * tff_cnn_RowForward() computes (conv_forward() works channel by channel in
 * the same order). */
int
tff_cnn_RowForwardOne(const TFF_CNN *net, TFF_CNN_WS *ws, int f, double *zf)
{
  int             nl = net->a.nlayers, x0 = net->margin, x1 = ws->len - net->margin, L = ws->ld, F = net->nfam;
  const tff_real *in = ws->x;
  for (int l = 0; l < nl; l++) {
    int relu = (l < nl - 1) || net->a.last_relu;
    if (l < nl - 1) {
      conv_forward(ws->act[l], in, net->params + net->woff[l], net->params + net->boff[l],
                   net->cin[l], net->a.ch[l], net->a.k[l], L, x0, x1, relu, ws->mask);
      zero_ends(ws, ws->act[l], net->a.ch[l], net->margin, x0, x1);
    } else {
      size_t R = (size_t) net->cin[l] * (size_t) net->a.k[l];
      conv_forward(ws->act[l] + (size_t) f * L, in, net->params + net->woff[l] + (size_t) f * R, net->params + net->boff[l] + f,
                   net->cin[l], 1, net->a.k[l], L, x0, x1, relu, ws->mask);
      zero_ends(ws, ws->act[l] + (size_t) f * L, 1, net->margin, x0, x1);
    }
    in = ws->act[l];
  }
  const tff_real *o = ws->act[nl - 1] + (size_t) f * L;
  for (int s = 0; s < ws->nseg; s++) {
    int off = ws->segoff[s], w = ws->segw[s], best = off;
    for (int x = off + 1; x < off + w; x++) if (o[x] > o[best]) best = x;
    ws->z[s * F + f]    = o[best];
    ws->amax[s * F + f] = best;
    zf[s] = o[best];
  }
  return ws->nseg;
}

#ifdef VL
#define NARROW_STEP VL
#else
#define NARROW_STEP 1
#endif

/* The gradient with respect to the row's inputs of sum_s dzf[s] * z[s][f]
 * (after tff_cnn_RowForward() or tff_cnn_RowForwardOne(f) on the same ws),
 * into dx as tff_cnn_RowBackwardInput() writes it, and with the same bits as
 * that function given dz[s][f] = dzf[s] and zero for every other channel.
 * It only computes the columns that can be nonzero: one column (the max-pool's)
 * per segment at the top, widened by each layer's kernel on the way down
 * (about 13 columns of the thesis network's input per segment, against the
 * whole row). Every column it computes has conv_forward()'s order of
 * operations; every other column is zero in both. Its rows ws->s1, ws->s2 are
 * zero outside the columns being computed, and are left so. */
void
tff_cnn_RowBackwardInputOne(const TFF_CNN *net, TFF_CNN_WS *ws, int f, const double *dzf, tff_real *dx)
{
  int       nl = net->a.nlayers, F = net->nfam, L = ws->ld, M = net->margin;
  int       x0 = M, x1 = ws->len - M, xe = ws->len;
  tff_real *dA = ws->s1, *dIn = ws->s2;
  int      *cur = ws->iv, *nxt = ws->iv + 3 * ws->maxseg, ncur = 0, nnxt, chA;

  if (!ws->wt_fixed) transpose_weights(net, ws);   /* transposed, mirrored kernels (as tff_cnn_RowBackwardInput()) */
  if (ws->ddirty) {    /* the rows are d1 and d2: zero them after the other backward passes */
    memset(ws->d1, 0, sizeof(tff_real) * (size_t) ws->dmaxch * (size_t) L);
    memset(ws->d2, 0, sizeof(tff_real) * (size_t) ws->dmaxch * (size_t) L);
    ws->ddirty = 0;
  }
  /* the top: each segment's max-pool column of channel f; intervals [lo, hi) and the
   * columns written, [lo, wend), as triples, in column order */
  for (int s = 0; s < ws->nseg; s++) {
    int c = ws->amax[s * F + f];
    if (net->a.last_relu && ws->z[s * F + f] <= 0) continue;   /* ReLU'(0) = 0 */
    if (dzf[s] == 0) continue;                                 /* adds nothing */
    dA[(size_t) f * L + c] += (tff_real) dzf[s];
    cur[3 * ncur] = c; cur[3 * ncur + 1] = c + 1; cur[3 * ncur + 2] = c + 1;
    ncur++;
  }
  chA = F;
  for (int l = nl - 1; l >= 0; l--) {
    int k = net->a.k[l], pad = k / 2, ci_n = net->cin[l];
    if (l == nl - 1 && k == 1 && l > 0) {
      /* The top layer with a 1-wide kernel: only channel f of dA is nonzero, so
       * each sum of the transposed convolution, +0 + sum_co Wt[ci][co] dA[co][x],
       * is +0 + Wt[ci][f] dA[f][x] exactly (the other terms are zeros, which
       * change neither a nonzero sum nor the +0 it starts from). */
      const tff_real *Wt = ws->wt + net->woff[l];
      for (int i = 0; i < ncur; i++) {
        int x = cur[3 * i];
        for (int c = 0; c < ci_n; c++) {
          tff_real v = (tff_real) 0 + Wt[(size_t) c * F + f] * dA[(size_t) f * L + x];
          dIn[(size_t) c * L + x] = (ws->act[l - 1][(size_t) c * L + x] > 0) ? v : 0;   /* through layer l-1's ReLU */
        }
        nxt[3 * i] = x; nxt[3 * i + 1] = x + 1; nxt[3 * i + 2] = x + 1;
      }
      for (int i = 0; i < ncur; i++) dA[(size_t) f * L + cur[3 * i]] = 0;
      { tff_real *t = dA; dA = dIn; dIn = t; }
      { int *t = cur; cur = nxt; nxt = t; }
      chA = ci_n;
      continue;
    }
    /* din can be nonzero on [lo - (k - 1 - pad), hi + pad) of each interval, within [x0, x1) */
    nnxt = 0;
    for (int i = 0; i < ncur; i++) {
      int lo = cur[3 * i] - (k - 1 - pad), hi = cur[3 * i + 1] + pad;
      if (lo < x0) lo = x0;
      if (hi > x1) hi = x1;
      if (lo >= hi) continue;
      if (nnxt > 0 && lo <= nxt[3 * (nnxt - 1) + 1]) { if (hi > nxt[3 * (nnxt - 1) + 1]) nxt[3 * (nnxt - 1) + 1] = hi; continue; }
      nxt[3 * nnxt] = lo; nxt[3 * nnxt + 1] = hi;
      nnxt++;
    }
    long narrow = 0;
    for (int i = 0; i < nnxt; i++) narrow += (nxt[3 * i + 1] - nxt[3 * i] + NARROW_STEP - 1) / NARROW_STEP * NARROW_STEP;
    if (narrow * 3 < (long) (x1 - x0) * 2) {   /* the intervals, where they are well short of the row */
      for (int i = 0; i < nnxt; i++) {
        int lo = nxt[3 * i], hi = nxt[3 * i + 1], wend = lo + (hi - lo + NARROW_STEP - 1) / NARROW_STEP * NARROW_STEP;
        nxt[3 * i + 2] = wend;
        conv_forward_narrow(dIn, dA, ws->wt + net->woff[l], ws->zero, net->a.ch[l], ci_n, k, L, lo, hi);
        if (l > 0) {   /* through layer l-1's ReLU (gaps included) */
          int me = wend < xe ? wend : xe;
          for (int c = 0; c < ci_n; c++) relu_mask(dIn + (size_t) c * L + lo, ws->act[l - 1] + (size_t) c * L + lo, me - lo);
        }
      }
    } else {   /* else the whole row, as tff_cnn_RowBackwardInput() (it writes up to 2 VL - 1 columns past x1) */
      conv_forward(dIn, dA, ws->wt + net->woff[l], ws->zero, net->a.ch[l], ci_n, k, L, x0, x1, 0, NULL);
      for (int c = 0; c < ci_n; c++) {
        tff_real *d = dIn + (size_t) c * L;
        zero_cols(d, x0);
        if (l > 0) relu_mask(d + x0, ws->act[l - 1] + (size_t) c * L + x0, xe - x0);
      }
      nnxt = 1;
      nxt[0] = 0; nxt[1] = x1; nxt[2] = x1 + 2 * NARROW_STEP;
    }
    for (int i = 0; i < ncur; i++)   /* dA back to zero */
      for (int c = 0; c < chA; c++) zero_cols(dA + (size_t) c * L + cur[3 * i], cur[3 * i + 2] - cur[3 * i]);
    { tff_real *t = dA; dA = dIn; dIn = t; }
    { int *t = cur; cur = nxt; nxt = t; }
    ncur = nnxt;
    chA  = ci_n;
  }
  for (int s = 0, o = 0; s < ws->nseg; s++) {
    int W = ws->segw[s];
    for (int c = 0; c < TFF_ALPHA; c++)
      memcpy(dx + o + (size_t) c * W, dA + (size_t) c * L + ws->segoff[s], sizeof(tff_real) * (size_t) W);
    o += TFF_ALPHA * W;
  }
  for (int i = 0; i < ncur; i++)
    for (int c = 0; c < chA; c++) zero_cols(dA + (size_t) c * L + cur[3 * i], cur[3 * i + 2] - cur[3 * i]);
}

/*****************************************************************
 * 6. Inference
 *****************************************************************/

/* Run the row and write the probabilities of its motifs (segment pairs). */
static void
flush_row(const TFF_CNN *net, TFF_CNN_WS *ws, double *probs)
{
  int    F = net->nfam;
  double logits[TFF_CNN_MAXCH];
  forward_row(net, ws);
  for (int i = 0; i < ws->nseg / 2; i++) {
    const double *zf = ws->z + (size_t) (2 * i) * F, *zr = zf + F;
    for (int f = 0; f < F; f++) logits[f] = 0.5 * (zf[f] + zr[f]);
    tff_calib_Softmax(logits, F, 1.0, probs + (size_t) i * F);
  }
}

int
tff_cnn_PredictBatchWs(const TFF_CNN *net, TFF_CNN_WS *ws, TFF_MOTIF *const *m, int n, double *probs, char *errbuf)
{
  int first = 0, status;     /* first motif of the current row */
  row_reset(net, ws);
  for (int i = 0; i < n; i++) {
    int W = tff_cnn_EncodedWidth(&net->a, m[i]->w);
    if (W > ws->maxw || tff_cnn_RowLength(net, W) > ws->maxlen) {
      if (ws->nseg) flush_row(net, ws, probs + (size_t) first * net->nfam);
      TFF_CHECK(ws_fit(net, ws, W, errbuf));
      row_reset(net, ws);
      first = i;
    }
    tff_cnn_Encode(&net->a, m[i]->p, m[i]->w, ws->enc, ws->encrc);
    if (ws->len + 2 * (W + net->margin) > ws->maxlen || ws->nseg + 2 > ws->maxseg) {
      flush_row(net, ws, probs + (size_t) first * net->nfam);
      row_reset(net, ws);
      first = i;
    }
    row_add(net, ws, ws->enc, W);
    row_add(net, ws, ws->encrc, W);
  }
  if (ws->nseg) flush_row(net, ws, probs + (size_t) first * net->nfam);
  /* Huge (finite) weights overflow single precision: inf - inf in the softmax gives NaN. */
  for (size_t k = 0; k < (size_t) n * net->nfam; k++)
    if (!isfinite(probs[k]))
      TFF_FAIL(tffEFORMAT, errbuf, "motif %s: the network's probabilities are not finite (its weights overflow the arithmetic)", m[k / net->nfam]->id);
  return tffOK;
 ERROR:
  return status;
}

int
tff_cnn_PredictBatch(TFF_CNN *net, TFF_MOTIF *const *m, int n, double *probs, char *errbuf)
{
  int status;
  if (!net->ws) TFF_CHECK(tff_cnn_WsCreate(net, DEFAULT_ROWLEN, &net->ws, errbuf));
  return tff_cnn_PredictBatchWs(net, net->ws, m, n, probs, errbuf);
 ERROR:
  return status;
}

int
tff_cnn_Predict(TFF_CNN *net, const TFF_MOTIF *m, double *probs, char *errbuf)
{
  TFF_MOTIF *const one[1] = { (TFF_MOTIF *) m };
  return tff_cnn_PredictBatch(net, one, 1, probs, errbuf);
}

/*****************************************************************
 * 7. Unit tests
 *
 * Built with TFF_CNN_DOUBLE (see src/am/cnn.am) so that the gradient check
 * compares the analytic gradient with central finite differences in double.
 *****************************************************************/
#ifdef tffCNN_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"


/* A random motif of width w. */
static TFF_MOTIF *
random_motif(TFF_RNG *rng, const char *id, int w)
{
  TFF_MOTIF *m = NULL;
  char       errbuf[TFF_ERRBUFSIZE];
  if (tff_motif_Create(id, NULL, w, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int i = 0; i < w; i++) {
    double s = 0;
    for (int a = 0; a < 4; a++) { m->p[i * 4 + a] = tff_rng_Uniform(rng) + 0.01; s += m->p[i * 4 + a]; }
    for (int a = 0; a < 4; a++) m->p[i * 4 + a] /= s;
  }
  return m;
}

#ifdef TFF_CNN_DOUBLE
static double
loss_of(const TFF_CNN *net, TFF_CNN_WS *ws, const tff_real *x, const tff_real *rc, int W, int y, double wt)
{
  double logits[TFF_CNN_MAXCH], mx, lse = 0;
  tff_cnn_Logits(net, ws, x, rc, W, logits);
  mx = logits[0];
  for (int f = 1; f < net->nfam; f++) if (logits[f] > mx) mx = logits[f];
  for (int f = 0; f < net->nfam; f++) lse += exp(logits[f] - mx);
  return wt * (mx + log(lse) - logits[y]);
}

/* Every parameter's analytic gradient against a central difference, for
 * several motifs, architectures and encodings. Parameters whose perturbation
 * flips a max-pool arg max or a ReLU are skipped (the loss is not
 * differentiable there); at least 90% must be checked. */
static void
utest_gradcheck(int last_relu, int enc, int minw)
{
  TFF_CNN_ARCH a;
  TFF_CNN     *net = NULL;
  TFF_CNN_WS  *ws  = NULL;
  TFF_RNG      rng;
  char         errbuf[TFF_ERRBUFSIZE];
  int          nchecked = 0, ntotal = 0;
  const double h = 1e-6;

  memset(&a, 0, sizeof a);
  a.nlayers = 3; a.ch[0] = 5; a.ch[1] = 4; a.k[0] = 3; a.k[1] = 5; a.k[2] = 1;
  a.last_relu = last_relu; a.encoding = enc; a.minw = minw;
  if (tff_cnn_Create(&a, 3, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_cnn_Init(net, tffCNN_INIT_TORCH, 5);
  for (size_t i = 0; i < net->nparams; i++) net->params[i] += 0.05;  /* keep units alive */
  if (tff_cnn_WsCreate(net, tff_cnn_RowLength(net, 12), &ws, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_rng_Init(&rng, tff_utest_Seed(99));

  for (int trial = 0; trial < 4; trial++) {
    int        w = 3 + trial * 3, W = tff_cnn_EncodedWidth(&a, w), y = trial % 3;
    TFF_MOTIF *m = random_motif(&rng, "m", w);
    tff_real   x[4 * 12], rc[4 * 12], *g = calloc(net->nparams, sizeof(tff_real));
    double     wt = 1.0 + 0.5 * trial;
    int        amax0[2 * TFF_CNN_MAXCH];

    tff_cnn_Encode(&a, m->p, w, x, rc);
    tff_cnn_Gradient(net, ws, x, rc, W, y, wt, g, NULL);
    memcpy(amax0, ws->amax, sizeof(int) * 2 * (size_t) net->nfam);
    for (size_t i = 0; i < net->nparams; i++) {
      double save = net->params[i], lp, lm, fd, ok = 1;
      net->params[i] = save + h; lp = loss_of(net, ws, x, rc, W, y, wt);
      for (int s = 0; s < 2 * net->nfam; s++) if (ws->amax[s] != amax0[s]) ok = 0;
      net->params[i] = save - h; lm = loss_of(net, ws, x, rc, W, y, wt);
      for (int s = 0; s < 2 * net->nfam; s++) if (ws->amax[s] != amax0[s]) ok = 0;
      net->params[i] = save;
      ntotal++;
      if (!ok) continue;
      fd = (lp - lm) / (2 * h);
      if (fabs(fd - g[i]) > 1e-6 * fmax(1.0, fabs(fd))) {
        fprintf(stderr, "param %zu: analytic %.10g, numeric %.10g (last_relu %d enc %d)\n", i, (double) g[i], fd, last_relu, enc);
        TFF_UFAIL("%s", "gradient check");
      }
      nchecked++;
    }
    free(g);
    tff_motif_Destroy(m);
  }
  if (nchecked < 0.9 * ntotal) TFF_UFAIL("%s", "gradient check: too few parameters checked");
  tff_cnn_WsDestroy(ws);
  tff_cnn_Destroy(net);
}
#endif /* TFF_CNN_DOUBLE */

/* A motif and its reverse complement get identical probabilities; batched
 * prediction of motifs of many widths equals one-at-a-time prediction. */
static void
utest_rc_and_batch(void)
{
  TFF_CNN_ARCH a;
  TFF_CNN     *net = NULL;
  TFF_RNG      rng;
  TFF_MOTIF   *m[300];
  char         errbuf[TFF_ERRBUFSIZE];
  double       p1[20], p2[20], *pb = malloc(sizeof(double) * 300 * 20);

  for (int variant = 0; variant < 2; variant++) {
    if (variant == 0) tff_cnn_ArchThesis(&a); else { tff_cnn_ArchDefault(&a); a.minw = 10; }
    if (tff_cnn_Create(&a, 20, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    tff_cnn_Init(net, tffCNN_INIT_HE, 1 + variant);
    tff_rng_Init(&rng, tff_utest_Seed(3));
    for (int i = 0; i < 300; i++) m[i] = random_motif(&rng, "m", 1 + (int) tff_rng_Below(&rng, i == 17 ? 400 : 30));
    for (int i = 0; i < 300; i++) {
      TFF_MOTIF *rc = NULL;
      if (tff_motif_RevComp(m[i], &rc, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
      if (tff_cnn_Predict(net, m[i], p1, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
      if (tff_cnn_Predict(net, rc, p2, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
      for (int f = 0; f < 20; f++) if (p1[f] != p2[f]) { fprintf(stderr, "variant %d motif %d w %d: %.17g vs %.17g\n", variant, i, m[i]->w, p1[f], p2[f]); TFF_UFAIL("%s", "RC invariance: probabilities differ"); }
      tff_motif_Destroy(rc);
    }
    if (tff_cnn_PredictBatch(net, m, 300, pb, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int i = 0; i < 300; i++) {
      double s = 0;
      if (tff_cnn_Predict(net, m[i], p1, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
      for (int f = 0; f < 20; f++) { if (pb[i * 20 + f] != p1[f]) TFF_UFAIL("%s", "batch differs from single"); s += p1[f]; }
      if (fabs(s - 1.0) > 1e-9) TFF_UFAIL("%s", "probabilities do not sum to 1");
    }
    for (int i = 0; i < 300; i++) tff_motif_Destroy(m[i]);
    tff_cnn_Destroy(net);
  }
  free(pb);
}

/* tff_cnn_RowForwardOne() and tff_cnn_RowBackwardInputOne() give the bits of
 * RowForward() and RowBackwardInput() with one family's gradient: rows of
 * narrow motifs (the receptive fields cover the row: the whole-row path), of
 * wide ones (the interval path), mixed widths, both last activations, the
 * thesis architecture and one with a top kernel wider than 1. */
static void
utest_row_one(void)
{
  TFF_CNN_ARCH a;
  TFF_CNN     *net = NULL;
  TFF_CNN_WS  *ws  = NULL;
  TFF_RNG      rng;
  char         errbuf[TFF_ERRBUFSIZE];
  const int    F = 7, maxw = 120, maxlen = 4000;
  double      *z = malloc(sizeof(double) * 64 * F), *dz = calloc(64 * (size_t) F, sizeof(double)), zf[64], dzf[64];
  tff_real    *x = malloc(sizeof(tff_real) * 4 * maxw), *rc = malloc(sizeof(tff_real) * 4 * maxw);
  tff_real    *dx1 = malloc(sizeof(tff_real) * 4 * maxlen), *dx2 = malloc(sizeof(tff_real) * 4 * maxlen);
  int          ncmp = 0;

  tff_rng_Init(&rng, tff_utest_Seed(17));
  for (int variant = 0; variant < 4; variant++) {
    if (variant < 2) tff_cnn_ArchThesis(&a);
    else { memset(&a, 0, sizeof a); a.nlayers = 3; a.ch[0] = 6; a.ch[1] = 9; a.k[0] = 5; a.k[1] = 1; a.k[2] = 3; }
    a.last_relu = variant % 2;
    a.encoding  = tffCNN_ENC_CENTER;
    if (tff_cnn_Create(&a, F, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    tff_cnn_Init(net, tffCNN_INIT_HE, 7 + variant);
    if (tff_cnn_WsCreate(net, maxlen, &ws, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int trial = 0; trial < 12; trial++) {
      int nseg = 0, len = 0;
      tff_cnn_RowReset(net, ws);
      for (int i = 0; i < 16; i++) {
        int        w = trial < 4 ? 4 + (int) tff_rng_Below(&rng, 10) : trial < 8 ? 30 + (int) tff_rng_Below(&rng, 90) : 1 + (int) tff_rng_Below(&rng, 119);
        TFF_MOTIF *m = random_motif(&rng, "m", w);
        int        W = tff_cnn_EncodedWidth(&a, w);
        tff_cnn_Encode(&a, m->p, w, x, rc);
        if (tff_cnn_RowAdd(net, ws, x, W)) { nseg++; len += 4 * W; }
        if (tff_cnn_RowAdd(net, ws, rc, W)) { nseg++; len += 4 * W; }
        tff_motif_Destroy(m);
      }
      for (int f = 0; f < F; f++) {
        tff_cnn_RowForward(net, ws, z);
        for (int s = 0; s < nseg; s++) {
          for (int k = 0; k < F; k++) dz[s * F + k] = 0;
          dz[s * F + f] = dzf[s] = (s % 5 == 3) ? 0.0 : 0.5 + 0.25 * (s % 3);
        }
        tff_cnn_RowBackwardInput(net, ws, dz, dx1);
        tff_cnn_RowForwardOne(net, ws, f, zf);
        for (int s = 0; s < nseg; s++) if (memcmp(&zf[s], &z[s * F + f], sizeof(double)) != 0) TFF_UFAIL("%s", "RowForwardOne differs");
        tff_cnn_RowBackwardInputOne(net, ws, f, dzf, dx2);
        if (memcmp(dx1, dx2, sizeof(tff_real) * (size_t) len) != 0) TFF_UFAIL("%s", "RowBackwardInputOne differs");
        ncmp++;
      }
    }
    tff_cnn_WsDestroy(ws);
    tff_cnn_Destroy(net);
  }
  if (ncmp != 4 * 12 * F) TFF_UFAIL("%s", "row_one: not every case ran");
  free(z); free(dz); free(x); free(rc); free(dx1); free(dx2);
}

/* Encodings: padding with uniform columns, RC of the encoding. */
static void
utest_encode(void)
{
  TFF_CNN_ARCH a;
  double       p[8] = { 1, 0, 0, 0, 0.1, 0.2, 0.3, 0.4 };
  tff_real     x[24], rc[24];
  tff_cnn_ArchDefault(&a);
  a.minw = 6;
  if (tff_cnn_EncodedWidth(&a, 2) != 6 || tff_cnn_EncodedWidth(&a, 3) != 7 || tff_cnn_EncodedWidth(&a, 7) != 7) TFF_UFAIL("%s", "encoded width");
  tff_cnn_Encode(&a, p, 2, x, rc);
  /* columns: pad pad A (0.1..0.4) pad pad; centred */
  if (x[0 * 6 + 2] != (tff_real) 0.75 || x[1 * 6 + 2] != (tff_real) -0.25 || x[3 * 6 + 3] != (tff_real) (0.4 - 0.25)) TFF_UFAIL("%s", "centred encoding");
  for (int c = 0; c < 4; c++) if (x[c * 6 + 0] != 0 || x[c * 6 + 5] != 0) TFF_UFAIL("%s", "uniform padding");
  /* rc column 3 = complement of column 2: T = 0.75 */
  if (rc[3 * 6 + 3] != (tff_real) 0.75 || rc[0 * 6 + 2] != (tff_real) (0.4 - 0.25)) TFF_UFAIL("%s", "rc encoding");
  a.encoding = tffCNN_ENC_IC; a.minw = 0;
  tff_cnn_Encode(&a, p, 2, x, NULL);
  if (fabs(x[0] - 2.0) > 1e-6 || x[2] != 0) TFF_UFAIL("%s", "IC encoding");
}

/* conv_forward() and conv_forward_narrow() against the plain loop, bit for
 * bit, over every column they must compute: column ranges of 1 to 70 columns
 * (the blocks of 2 VL, the last block of VL, several blocks), kernel widths
 * 1 to 9 (the constant ones and the general case), channel counts that leave
 * remainders of the 8- and 4-channel tiles, with and without the ReLU, with
 * and without a gap mask (masked columns must be +0). */
static void
utest_conv_exact(void)
{
  TFF_RNG   rng;
  const int L = 160, maxc = 21;
  tff_real *in = malloc(sizeof(tff_real) * (size_t) maxc * L), *out = malloc(sizeof(tff_real) * (size_t) maxc * L);
  tff_real *W = malloc(sizeof(tff_real) * (size_t) maxc * maxc * 9), b[21];
  tff_mbits mask[160];
  int       ncmp = 0;

  tff_rng_Init(&rng, tff_utest_Seed(23));
  for (int trial = 0; trial < 400; trial++) {
    int k = 1 + 2 * (trial % 5), pad = k / 2, cin = 1 + (int) tff_rng_Below(&rng, maxc), cout = 1 + (int) tff_rng_Below(&rng, maxc);
    int x0 = 8 + (int) tff_rng_Below(&rng, 8), x1 = x0 + 1 + (int) tff_rng_Below(&rng, 70), relu = trial % 2, narrow = (trial / 5) % 2;
    for (int i = 0; i < maxc * L; i++) in[i] = (tff_real) (2.0 * tff_rng_Uniform(&rng) - 1.0);
    for (int i = 0; i < cout * cin * k; i++) W[i] = (tff_real) (2.0 * tff_rng_Uniform(&rng) - 1.0);
    for (int c = 0; c < cout; c++) b[c] = (tff_real) (tff_rng_Uniform(&rng) - 0.5);
    int masked = !narrow && trial % 3 == 2;
    for (int x = 0; x < L; x++) mask[x] = tff_rng_Below(&rng, 4) ? -1 : 0;
    if (narrow) conv_forward_narrow(out, in, W, b, cin, cout, k, L, x0, x1);
    else        conv_forward(out, in, W, b, cin, cout, k, L, x0, x1, relu, masked ? mask : NULL);
    for (int co = 0; co < cout; co++)
      for (int x = x0; x < x1; x++) {
        tff_real acc = b[co];
        for (int ci = 0; ci < cin; ci++)
          for (int j = 0; j < k; j++) acc += W[((size_t) co * cin + ci) * k + j] * in[(size_t) ci * L + x + j - pad];
        if (relu && !narrow && !(acc > 0)) acc = 0;
        if (masked && !mask[x]) acc = 0;
        if (memcmp(&acc, &out[(size_t) co * L + x], sizeof acc) != 0) {
          fprintf(stderr, "trial %d: k %d cin %d cout %d columns [%d, %d) relu %d narrow %d: co %d x %d: %.9g vs %.9g\n",
                  trial, k, cin, cout, x0, x1, relu, narrow, co, x, (double) acc, (double) out[(size_t) co * L + x]);
          TFF_UFAIL("%s", "conv_forward differs from the plain loop");
        }
        ncmp++;
      }
  }
  if (ncmp < 100000) TFF_UFAIL("%s", "conv_exact: too few columns compared");
  free(in); free(out); free(W);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, sizeof(tff_real) == sizeof(double) ? "tff_cnn_utest" : "tff_cnn_float_utest", NULL);
  utest_conv_exact();
  utest_encode();
#ifdef TFF_CNN_DOUBLE   /* finite differences need double; tff_cnn_float_utest runs the rest in float */
  for (int enc = 0; enc < 4; enc++) {
    utest_gradcheck(1, enc, 0);
    utest_gradcheck(0, enc, enc == 1 ? 8 : 0);
  }
#endif
  utest_rc_and_batch();
  utest_row_one();
  return tff_utest_Done();
}
#endif /* tffCNN_TESTDRIVE */
