/* tff_ig: Integrated Gradients attributions for the conv net (see tff_ig.h).
 *
 * Contents:
 *   1. Options and workspace
 *   2. Attributions of one motif
 *   3. Profiles, consensus cores, results
 *   4. Unit tests
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tff_calib.h"
#include "tff_cnn.h"
#include "tff_ig.h"
#include "tff_motif.h"
#include "tff_result.h"
#include "tff_util.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/*****************************************************************
 * 1. Options and workspace
 *****************************************************************/

void
tff_ig_DefaultOpts(TFF_IG_OPTS *o)
{
  o->steps  = TFF_IG_DEFAULT_STEPS;
  o->rule   = tffIG_MIDPOINT;
  o->target = tffIG_LOGIT;
  o->nthreads = 0;
  o->progress = NULL;
  o->q0 = o->q1 = 0;
}

#define IG_BATCH 16   /* path points per row (32 segments): a row's layers stay in L2 */

struct tff_ig_ws_s {
  TFF_CNN_WS *cws;     /* the network's row workspace, IG_BATCH points of width maxW */
  int         maxw;    /* motif width the buffers hold */
  int         maxW;    /* encoded width */
  double     *ps;      /* [maxw*4] a point on the path */
  double     *gsum;    /* [maxw*4] weighted sum of gradients */
  double     *z;       /* [2*IG_BATCH*nfam] max-pooled outputs of the row's segments */
  double     *dz;      /* [2*IG_BATCH*nfam] their gradients */
  tff_real   *x;       /* [2*IG_BATCH*4*maxW] encoded points, x and rc of each */
  tff_real   *dx;      /* [2*IG_BATCH*4*maxW] gradients with respect to them */
};

static void
ws_free(TFF_IG_WS *ws)
{
  tff_cnn_WsDestroy(ws->cws);
  free(ws->ps); free(ws->gsum); free(ws->z); free(ws->dz); free(ws->x); free(ws->dx);
  memset(ws, 0, sizeof *ws);
}

static int
ws_alloc(const TFF_CNN *net, TFF_IG_WS *ws, int maxw, char *errbuf)
{
  int    status;
  int    W = tff_cnn_EncodedWidth(&net->a, maxw);
  size_t n = (size_t) 2 * IG_BATCH * TFF_ALPHA * (size_t) W;
  size_t nz = (size_t) 2 * IG_BATCH * (size_t) net->nfam;
  ws->maxw = maxw;
  ws->maxW = W;
  TFF_CHECK(tff_cnn_WsCreate(net, net->margin + 2 * IG_BATCH * (W + net->margin), &ws->cws, errbuf));
  tff_cnn_WsFixWeights(net, ws->cws);   /* the network does not change during attributions */
  TFF_CALLOC(ws->ps,   (size_t) maxw * TFF_ALPHA, sizeof(double));
  TFF_CALLOC(ws->gsum, (size_t) maxw * TFF_ALPHA, sizeof(double));
  TFF_CALLOC(ws->z,    nz, sizeof(double));
  TFF_CALLOC(ws->dz,   nz, sizeof(double));
  TFF_CALLOC(ws->x,    n, sizeof(tff_real));
  TFF_CALLOC(ws->dx,   n, sizeof(tff_real));
  return tffOK;
 ERROR:
  return status;
}

int
tff_ig_WsCreate(const TFF_CNN *net, int maxw, TFF_IG_WS **ret_ws, char *errbuf)
{
  TFF_IG_WS *ws = NULL;
  int        status;
  if (maxw < 1) maxw = 1;
  TFF_CALLOC(ws, 1, sizeof *ws);
  TFF_CHECK(ws_alloc(net, ws, maxw, errbuf));
  *ret_ws = ws;
  return tffOK;
 ERROR:
  tff_ig_WsDestroy(ws);
  *ret_ws = NULL;
  return status;
}

void
tff_ig_WsDestroy(TFF_IG_WS *ws)
{
  if (!ws) return;
  ws_free(ws);
  free(ws);
}

/*****************************************************************
 * 2. Attributions of one motif
 *****************************************************************/

/* Jacobian of the input encoding of one column p: J[c*4 + b] = d enc_c / d p_b. */
static void
encoding_jacobian(int enc, const double *p, double *J)
{
  const double ln2 = log(2.0);
  double       ic;
  for (int i = 0; i < 16; i++) J[i] = 0.0;
  switch (enc) {
  case tffCNN_ENC_LOGODDS:
    for (int a = 0; a < 4; a++) J[a * 4 + a] = 1.0 / ((p[a] + 0.01) * ln2);
    break;
  case tffCNN_ENC_IC:
    ic = 2.0;
    for (int a = 0; a < 4; a++) if (p[a] > 0) ic += p[a] * log2(p[a]);
    for (int c = 0; c < 4; c++)
      for (int b = 0; b < 4; b++)   /* d/dp_b of p_b log2 p_b = log2 p_b + 1/ln2 (p_b clamped off 0) */
        J[c * 4 + b] = (c == b ? ic : 0.0) + p[c] * (log2(p[b] > 1e-12 ? p[b] : 1e-12) + 1.0 / ln2);
    break;
  default:   /* prob, center: identity */
    for (int a = 0; a < 4; a++) J[a * 4 + a] = 1.0;
  }
}

/* The path points s[0..n-1] (n <= IG_BATCH) through the network in one row.
 * F of each into Fs[i]. If wt != NULL, add wt[i] * dF/dp at s[i] (w*4) to g.
 * *io_fam = -1: pick the arg max of the first point's logits. */
static void path_dense(const TFF_CNN *net, TFF_IG_WS *ws, int n, const TFF_IG_OPTS *o, int *io_fam, const double *wt, double *Fs);
static void accumulate(const TFF_CNN *net, TFF_IG_WS *ws, const TFF_MOTIF *m, const double *s, int n, const double *wt, double *g);

static void
path_points(const TFF_CNN *net, TFF_IG_WS *ws, const TFF_MOTIF *m, const double *s, int n, const TFF_IG_OPTS *o,
            int *io_fam, const double *wt, double *g, double *Fs)
{
  const int w = m->w, W = tff_cnn_EncodedWidth(&net->a, w), nw = TFF_ALPHA * W;

  tff_cnn_RowReset(net, ws->cws);
  for (int i = 0; i < n; i++) {
    tff_real *x = ws->x + (size_t) (2 * i) * nw, *rc = x + nw;
    for (int c = 0; c < w * TFF_ALPHA; c++) ws->ps[c] = 0.25 + s[i] * (m->p[c] - 0.25);
    tff_cnn_Encode(&net->a, ws->ps, w, x, rc);
    tff_cnn_RowAdd(net, ws->cws, x, W);    /* the workspace holds IG_BATCH points */
    tff_cnn_RowAdd(net, ws->cws, rc, W);
  }
  if (wt && o->target == tffIG_LOGIT && *io_fam >= 0) {
    /* one logit to explain: the last layer for its channel only, and the
     * gradient only where it can be nonzero (the same bits as below) */
    double zf[2 * IG_BATCH], dzf[2 * IG_BATCH];
    int    f = *io_fam;
    tff_cnn_RowForwardOne(net, ws->cws, f, zf);
    for (int i = 0; i < n; i++) {
      Fs[i]  = 0.5 * (zf[2 * i] + zf[2 * i + 1]);
      dzf[2 * i] = dzf[2 * i + 1] = 0.5 * 1.0;
    }
    tff_cnn_RowBackwardInputOne(net, ws->cws, f, dzf, ws->dx);
  } else {
    path_dense(net, ws, n, o, io_fam, wt, Fs);
    if (!wt) return;
  }
  accumulate(net, ws, m, s, n, wt, g);
}

/* path_points()'s forward (all of the network's outputs) and, if wt != NULL,
 * backward pass of the row. */
static void
path_dense(const TFF_CNN *net, TFF_IG_WS *ws, int n, const TFF_IG_OPTS *o, int *io_fam, const double *wt, double *Fs)
{
  const int F = net->nfam;
  double    logits[TFF_CNN_MAXCH], prob[TFF_CNN_MAXCH];
  int       f;

  tff_cnn_RowForward(net, ws->cws, ws->z);
  for (int i = 0; i < n; i++) {
    const double *zf = ws->z + (size_t) (2 * i) * F, *zr = zf + F;
    double       *df = ws->dz + (size_t) (2 * i) * F, *dr = df + F;
    for (int k = 0; k < F; k++) logits[k] = 0.5 * (zf[k] + zr[k]);
    if (*io_fam < 0) {
      f = 0;
      for (int k = 1; k < F; k++) if (logits[k] > logits[f]) f = k;
      *io_fam = f;
    }
    f = *io_fam;
    tff_calib_Softmax(logits, F, 1.0, prob);
    Fs[i] = (o->target == tffIG_PROB) ? prob[f] : logits[f];
    for (int k = 0; k < F; k++)   /* logits = (z_fwd + z_rc) / 2 */
      df[k] = dr[k] = 0.5 * ((o->target == tffIG_PROB) ? prob[f] * ((k == f ? 1.0 : 0.0) - prob[k]) : (k == f ? 1.0 : 0.0));
  }
  if (!wt) return;
  tff_cnn_RowBackwardInput(net, ws->cws, ws->dz, ws->dx);
}

/* Add wt[i] * dF/dp at the row's path points s[i] to g (from the input
 * gradients ws->dx of both strands, through the encoding). */
static void
accumulate(const TFF_CNN *net, TFF_IG_WS *ws, const TFF_MOTIF *m, const double *s, int n, const double *wt, double *g)
{
  const int w = m->w, W = tff_cnn_EncodedWidth(&net->a, w), left = (W - w) / 2;
  const int nw = TFF_ALPHA * W, ident = net->a.encoding == tffCNN_ENC_PROB || net->a.encoding == tffCNN_ENC_CENTER;
  for (int i = 0; i < n; i++) {
    const tff_real *dx = ws->dx + (size_t) (2 * i) * nw, *drc = dx + nw;
    if (!ident) for (int c = 0; c < w * TFF_ALPHA; c++) ws->ps[c] = 0.25 + s[i] * (m->p[c] - 0.25);
    for (int t = 0; t < w; t++) {
      int    te = t + left;
      double ge[4], J[16];
      /* both strands: column te of x is column W-1-te of rc, letter c is 3-c there */
      for (int c = 0; c < 4; c++)
        ge[c] = (double) dx[c * W + te] + (double) drc[(3 - c) * W + (W - 1 - te)];
      if (ident) {
        for (int b = 0; b < 4; b++) g[t * TFF_ALPHA + b] += wt[i] * ge[b];
        continue;
      }
      encoding_jacobian(net->a.encoding, ws->ps + t * TFF_ALPHA, J);
      for (int b = 0; b < 4; b++) {
        double d = 0.0;
        for (int c = 0; c < 4; c++) d += ge[c] * J[c * 4 + b];
        g[t * TFF_ALPHA + b] += wt[i] * d;
      }
    }
  }
}

int
tff_ig_Attribute(const TFF_CNN *net, TFF_IG_WS *ws, const TFF_MOTIF *m, int fam, const TFF_IG_OPTS *o,
                 double *attr, int *opt_fam, double *opt_fx, double *opt_fbase, char *errbuf)
{
  int    status, f = fam, m_steps = o->steps, npt;
  double s[IG_BATCH], wt[IG_BATCH], Fs[IG_BATCH];

  if (m->w < 1) TFF_FAIL(tffEINVAL, errbuf, "motif %s is empty", m->id ? m->id : "?");
  if (fam < -1 || fam >= net->nfam) TFF_FAIL(tffEINVAL, errbuf, "family index %d out of range (0..%d)", fam, net->nfam - 1);
  if (m_steps < 1) TFF_FAIL(tffEINVAL, errbuf, "Integrated Gradients needs at least 1 step (got %d)", m_steps);
  if (m->w > ws->maxw) { ws_free(ws); TFF_CHECK(ws_alloc(net, ws, m->w, errbuf)); }

  /* the family first (from the motif itself), then the baseline; not needed
   * when the family is given and neither value is asked for */
  if (f < 0 || opt_fx || opt_fbase) {
    s[0] = 1.0; s[1] = 0.0;
    path_points(net, ws, m, s, 2, o, &f, NULL, NULL, Fs);
    if (opt_fx)    *opt_fx    = Fs[0];
    if (opt_fbase) *opt_fbase = Fs[1];
  }

  /* midpoint: (k + 1/2) / m, weight 1/m, k < m; trapezoid: k / m, k <= m, half weight at the ends */
  memset(ws->gsum, 0, sizeof(double) * (size_t) m->w * TFF_ALPHA);
  npt = (o->rule == tffIG_TRAPEZOID) ? m_steps + 1 : m_steps;
  for (int k0 = 0; k0 < npt; k0 += IG_BATCH) {
    int n = npt - k0 < IG_BATCH ? npt - k0 : IG_BATCH;
    for (int i = 0; i < n; i++) {
      int k = k0 + i;
      if (o->rule == tffIG_TRAPEZOID) { s[i] = (double) k / m_steps; wt[i] = (k == 0 || k == m_steps) ? 0.5 / m_steps : 1.0 / m_steps; }
      else                            { s[i] = (k + 0.5) / m_steps;   wt[i] = 1.0 / m_steps; }
    }
    path_points(net, ws, m, s, n, o, &f, wt, ws->gsum, Fs);
  }
  for (int i = 0; i < m->w * TFF_ALPHA; i++) attr[i] = (m->p[i] - 0.25) * ws->gsum[i];

  if (opt_fam) *opt_fam = f;
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 3. Profiles, consensus cores, results
 *****************************************************************/

void
tff_ig_Profile(const double *attr, int w, double *imp)
{
  double tot = 0.0;
  for (int t = 0; t < w; t++) {
    imp[t] = attr[t * 4] + attr[t * 4 + 1] + attr[t * 4 + 2] + attr[t * 4 + 3];
    tot   += fabs(imp[t]);
  }
  for (int t = 0; t < w; t++) imp[t] = tot > 0 ? imp[t] / tot : 0.0;
}

static int
letter_index(char c)
{
  switch (c) {
  case 'A': case 'a': return 0;
  case 'C': case 'c': return 1;
  case 'G': case 'g': return 2;
  case 'T': case 't': return 3;
  default:            return -1;   /* N: any */
  }
}

/* Best window of pattern pat (letter indices, -1 = any) of length L in m; score into *ret_sc. */
static int
best_window(const TFF_MOTIF *m, const int *pat, int L, double *ret_sc)
{
  int    best = -1;
  double bsc  = -INFINITY;
  for (int j = 0; j + L <= m->w; j++) {
    double sc = 0.0;
    int    ok = 1;
    for (int k = 0; k < L && ok; k++) {
      const double *col = m->p + (size_t) (j + k) * TFF_ALPHA;
      if (pat[k] < 0) continue;
      for (int a = 0; a < 4; a++) if (col[a] > col[pat[k]]) ok = 0;
      sc += log(col[pat[k]] + 1e-9);
    }
    if (ok && sc > bsc) { bsc = sc; best = j; }
  }
  *ret_sc = bsc;
  return best;
}

int
tff_ig_FindCore(const TFF_MOTIF *m, const char *pattern, int *opt_strand)
{
  int    L = (int) strlen(pattern), fwd[64], rev[64], jf, jr;
  double sf, sr;
  if (L < 1 || L > 64 || L > m->w) return -1;
  for (int k = 0; k < L; k++) {
    fwd[k] = letter_index(pattern[k]);
    int c  = letter_index(pattern[L - 1 - k]);
    rev[k] = c < 0 ? -1 : 3 - c;
  }
  jf = best_window(m, fwd, L, &sf);
  jr = best_window(m, rev, L, &sr);
  if (jf < 0 && jr < 0) return -1;
  if (jr < 0 || (jf >= 0 && sf >= sr)) { if (opt_strand) *opt_strand = 0; return jf; }
  if (opt_strand) *opt_strand = 1;
  return jr;
}

double
tff_ig_CoreShare(const double *imp, int w, int start, int len)
{
  double in = 0.0, tot = 0.0;
  for (int t = 0; t < w; t++) {
    tot += fabs(imp[t]);
    if (t >= start && t < start + len) in += fabs(imp[t]);
  }
  return tot > 0 ? in / tot : NAN;
}

/* One thread's share of tff_ig_FillResult()'s queries (the omp for inside
 * shares them out; every thread of the team must reach it, so a failed
 * allocation only makes this thread skip its queries). The first error into
 * *ret_status and errbuf. */
static void
fill_some(const TFF_CNN *const *nets, int nnet, const TFF_IG_OPTS *o, TFF_RESULT *R, int q0, int q1, int maxw,
          int *ret_status, char *errbuf)
{
  TFF_IG_WS **ws   = calloc((size_t) nnet, sizeof *ws);
  double     *attr = malloc(sizeof(double) * (size_t) maxw * TFF_ALPHA);
  double     *sum  = malloc(sizeof(double) * (size_t) maxw * TFF_ALPHA);
  double     *imp  = malloc(sizeof(double) * (size_t) maxw);
  int         status = (ws && attr && sum && imp) ? tffOK : tff_Fail(errbuf, tffEMEM, "out of memory");

  for (int k = 0; k < nnet && status == tffOK; k++) status = tff_ig_WsCreate(nets[k], maxw, &ws[k], errbuf);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 8)
#endif
  for (int q = q0; q < q1; q++) {
    TFF_RESULT_QUERY *Q   = &R->q[q];
    int               fam = tff_result_Call(R, q, NULL), n;
    if (status != tffOK || !Q->motif || !Q->cnn_prob || fam < 0) continue;
    n = Q->motif->w * TFF_ALPHA;
    for (int c = 0; c < n; c++) sum[c] = 0;
    for (int k = 0; k < nnet && status == tffOK; k++) {   /* IG is linear in the function: the sum explains the mean logit */
      status = tff_ig_Attribute(nets[k], ws[k], Q->motif, fam, o, attr, NULL, NULL, NULL, errbuf);
      for (int c = 0; c < n; c++) sum[c] += attr[c] / nnet;
    }
    if (status == tffOK) {
      tff_ig_Profile(sum, Q->motif->w, imp);
      status = tff_result_SetImportance(R, q, imp, errbuf);
    }
    tff_progress_Add(o->progress, 1);
  }
  *ret_status = status;
  free(attr); free(sum); free(imp);
  if (ws) for (int k = 0; k < nnet; k++) tff_ig_WsDestroy(ws[k]);
  free(ws);
}

int
tff_ig_FillResult(const TFF_CNN *const *nets, int nnet, const TFF_IG_OPTS *o, TFF_RESULT *R, char *errbuf)
{
  int  status = tffOK, maxw = 1, q0 = o->q0, q1 = o->q1 > 0 ? o->q1 : R->nq;
  char first_err[TFF_ERRBUFSIZE] = "";

  if (nnet < 1) TFF_FAIL(tffEINVAL, errbuf, "no network to attribute");
  for (int k = 0; k < nnet; k++)
    if (R->nfam != nets[k]->nfam) TFF_FAIL(tffEINVAL, errbuf, "result has %d families, network %d has %d", R->nfam, k + 1, nets[k]->nfam);
  if (q0 < 0 || q1 > R->nq || q0 > q1) TFF_FAIL(tffEINVAL, errbuf, "queries %d..%d of a result of %d", q0, q1 - 1, R->nq);
  for (int q = q0; q < q1; q++) if (R->q[q].motif && R->q[q].motif->w > maxw) maxw = R->q[q].motif->w;
#ifdef _OPENMP
  int nthreads = o->nthreads > 0 ? o->nthreads : omp_get_max_threads();
#pragma omp parallel num_threads(nthreads)
#endif
  {
    int  local = tffOK;
    char ebuf[TFF_ERRBUFSIZE];
    fill_some(nets, nnet, o, R, q0, q1, maxw, &local, ebuf);   /* the queries are shared out inside (omp for) */
    if (local != tffOK) {
#ifdef _OPENMP
#pragma omp critical
#endif
      { if (status == tffOK) { status = local; memcpy(first_err, ebuf, sizeof first_err); } }
    }
  }
  if (status != tffOK) TFF_FAIL(status, errbuf, "%s", first_err);
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 4. Unit tests
 *
 * Built with TFF_CNN_DOUBLE (src/am/ig.am) so that completeness can be
 * checked tightly.
 *****************************************************************/
#ifdef tffIG_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"

#include "tff_random.h"


static TFF_MOTIF *
random_motif(TFF_RNG *rng, int w)
{
  TFF_MOTIF *m = NULL;
  char       errbuf[TFF_ERRBUFSIZE];
  if (tff_motif_Create("rand", NULL, w, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int t = 0; t < w; t++) {
    double s = 0.0;
    for (int a = 0; a < 4; a++) { double u = tff_rng_Uniform(rng); u = u * u * u; m->p[t * 4 + a] = u; s += u; }
    for (int a = 0; a < 4; a++) m->p[t * 4 + a] /= s;
  }
  return m;
}

/* Completeness for every encoding and both targets; the error falls with the steps. */
static void
utest_completeness(void)
{
  char         errbuf[TFF_ERRBUFSIZE];
  TFF_RNG      rng0, *rng = &rng0;
  tff_rng_Init(rng, tff_utest_Seed(7));
  int          encs[4] = { tffCNN_ENC_PROB, tffCNN_ENC_CENTER, tffCNN_ENC_LOGODDS, tffCNN_ENC_IC };
  for (int e = 0; e < 4; e++)
    for (int tgt = 0; tgt < 2; tgt++) {
      TFF_CNN_ARCH a;
      TFF_CNN     *net = NULL;
      TFF_IG_WS   *ws  = NULL;
      TFF_MOTIF   *m   = random_motif(rng, 9 + e);
      TFF_IG_OPTS  o;
      double       attr[64 * 4], err[3], fx = 0, fb = 0;
      int          steps[3] = { 4, 64, 2048 };
      tff_cnn_ArchDefault(&a);
      a.encoding = encs[e];
      a.minw     = (e == 2) ? 15 : 0;   /* padding too */
      if (tff_cnn_Create(&a, 5, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
      tff_cnn_Init(net, tffCNN_INIT_HE, 11 + (uint64_t) e);
      if (tff_ig_WsCreate(net, 4, &ws, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);   /* grows on demand */
      tff_ig_DefaultOpts(&o);
      o.target = tgt;
      for (int r = 0; r < 2; r++) {
        o.rule = r;
        for (int s = 0; s < 3; s++) {
          double sum = 0.0;
          o.steps = steps[s];
          if (tff_ig_Attribute(net, ws, m, 2, &o, attr, NULL, &fx, &fb, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
          for (int i = 0; i < m->w * 4; i++) sum += attr[i];
          err[s] = fabs(sum - (fx - fb)) / (fabs(fx - fb) + 1e-12);
        }
        if (fabs(fx - fb) < 1e-6) TFF_UFAIL("%s", "degenerate test: F(x) = F(baseline)");
        if (err[2] > 5e-3) { fprintf(stderr, "enc %d target %d rule %d: rel err %g %g %g\n", e, tgt, r, err[0], err[1], err[2]); TFF_UFAIL("%s", "completeness at 2048 steps"); }
        if (err[2] > err[0] + 1e-9 && err[0] > 1e-9) TFF_UFAIL("%s", "completeness error did not shrink with more steps");
      }
      tff_motif_Destroy(m);
      tff_ig_WsDestroy(ws);
      tff_cnn_Destroy(net);
    }
}

/* A motif and its reverse complement: mirrored attributions and profiles. */
static void
utest_rc_mirror(void)
{
  char         errbuf[TFF_ERRBUFSIZE];
  TFF_RNG      rng0, *rng = &rng0;
  tff_rng_Init(rng, tff_utest_Seed(3));
  TFF_CNN_ARCH a;
  TFF_CNN     *net = NULL;
  TFF_IG_WS   *ws  = NULL;
  TFF_MOTIF   *m   = random_motif(rng, 12), *r = NULL;
  TFF_IG_OPTS  o;
  double       A1[12 * 4], A2[12 * 4], P1[12], P2[12];
  int          f1, f2;
  tff_cnn_ArchDefault(&a);
  if (tff_cnn_Create(&a, 4, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_cnn_Init(net, tffCNN_INIT_HE, 5);
  if (tff_ig_WsCreate(net, 12, &ws, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_motif_Create("rc", NULL, 12, &r, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int t = 0; t < 12; t++) for (int c = 0; c < 4; c++) r->p[(11 - t) * 4 + 3 - c] = m->p[t * 4 + c];
  tff_ig_DefaultOpts(&o);
  if (tff_ig_Attribute(net, ws, m, -1, &o, A1, &f1, NULL, NULL, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_ig_Attribute(net, ws, r, -1, &o, A2, &f2, NULL, NULL, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (f1 != f2) TFF_UFAIL("%s", "motif and reverse complement predicted differently");
  for (int t = 0; t < 12; t++)
    for (int c = 0; c < 4; c++)
      if (fabs(A1[t * 4 + c] - A2[(11 - t) * 4 + 3 - c]) > 1e-9) TFF_UFAIL("%s", "attributions not mirrored");
  tff_ig_Profile(A1, 12, P1);
  tff_ig_Profile(A2, 12, P2);
  for (int t = 0; t < 12; t++) if (fabs(P1[t] - P2[11 - t]) > 1e-9) TFF_UFAIL("%s", "profiles not mirrored");
  tff_motif_Destroy(m); tff_motif_Destroy(r);
  tff_ig_WsDestroy(ws); tff_cnn_Destroy(net);
}

/* Cores: CANNTG on either strand, TAAT on the reverse strand, no core. */
static void
utest_cores(void)
{
  char       errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIF *m = NULL;
  const char *seq = "GGCACGTGAA";    /* CACGTG at 2 */
  const char *hox = "CCATTAGG";      /* ATTA = RC of TAAT at 2 */
  int         strand = -1;
  double      imp[4] = { 0.1, -0.2, 0.3, 0.4 };
  if (tff_motif_Create("c", NULL, 10, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int t = 0; t < 10; t++) for (int a = 0; a < 4; a++) m->p[t * 4 + a] = (a == letter_index(seq[t])) ? 0.7 : 0.1;
  if (tff_ig_FindCore(m, "CANNTG", &strand) != 2 || strand != 0) TFF_UFAIL("%s", "CANNTG not found");
  if (tff_ig_FindCore(m, "TAAT", &strand) != -1) TFF_UFAIL("%s", "TAAT found where there is none");
  tff_motif_Destroy(m);
  if (tff_motif_Create("h", NULL, 8, &m, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int t = 0; t < 8; t++) for (int a = 0; a < 4; a++) m->p[t * 4 + a] = (a == letter_index(hox[t])) ? 0.7 : 0.1;
  if (tff_ig_FindCore(m, "TAAT", &strand) != 2 || strand != 1) TFF_UFAIL("%s", "TAAT on the reverse strand not found");
  tff_motif_Destroy(m);
  if (fabs(tff_ig_CoreShare(imp, 4, 1, 2) - 0.5) > 1e-12) TFF_UFAIL("%s", "core share");
}

/* tff_ig_FillResult(): the top family's profile lands in the result's slot. */
static void
utest_fillresult(void)
{
  char         errbuf[TFF_ERRBUFSIZE];
  TFF_RNG      rng0, *rng = &rng0;
  TFF_CNN_ARCH a;
  TFF_CNN     *net = NULL;
  TFF_IG_WS   *ws  = NULL;
  TFF_RESULT  *R   = NULL;
  TFF_MOTIF   *m[2];
  TFF_IG_OPTS  o;
  char        *fam[3] = { "a", "b", "c" };
  double       prob[3] = { 0.2, 0.5, 0.3 }, attr[10 * 4], imp[10];
  tff_rng_Init(rng, tff_utest_Seed(9));
  m[0] = random_motif(rng, 7);
  m[1] = random_motif(rng, 10);
  tff_cnn_ArchDefault(&a);
  if (tff_cnn_Create(&a, 3, &net, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_cnn_Init(net, tffCNN_INIT_HE, 2);
  if (tff_result_Create(2, 3, fam, &R, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  R->q[0].motif = m[0];
  R->q[1].motif = m[1];
  if (tff_result_SetCNN(R, 0, prob, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);   /* query 1: no conv net call */
  tff_ig_DefaultOpts(&o);
  const TFF_CNN *nets[2] = { net, net };
  if (tff_ig_FillResult(nets, 1, &o, R, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (!R->q[0].importance || R->q[1].importance) TFF_UFAIL("%s", "FillResult: importance slots");
  if (tff_ig_WsCreate(net, 7, &ws, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_ig_Attribute(net, ws, m[0], 1, &o, attr, NULL, NULL, NULL, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_ig_Profile(attr, 7, imp);
  for (int t = 0; t < 7; t++) if (fabs(imp[t] - R->q[0].importance[t]) > 1e-12) TFF_UFAIL("%s", "FillResult: not the top family's profile");
  /* two copies of one network: the mean of equal attributions, same profile */
  if (tff_ig_FillResult(nets, 2, &o, R, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int t = 0; t < 7; t++) if (fabs(imp[t] - R->q[0].importance[t]) > 1e-12) TFF_UFAIL("%s", "FillResult: two equal networks");
  /* a combined call explains the reported family, not the network's own */
  double pc[3] = { 0.1, 0.1, 0.8 };
  if (tff_result_SetCombined(R, 0, pc, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_ig_FillResult(nets, 1, &o, R, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_ig_Attribute(net, ws, m[0], 2, &o, attr, NULL, NULL, NULL, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_ig_Profile(attr, 7, imp);
  for (int t = 0; t < 7; t++) if (fabs(imp[t] - R->q[0].importance[t]) > 1e-12) TFF_UFAIL("%s", "FillResult: not the combined call's profile");
  tff_result_Destroy(R);
  tff_ig_WsDestroy(ws);
  tff_cnn_Destroy(net);
  tff_motif_Destroy(m[0]); tff_motif_Destroy(m[1]);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_ig_utest", NULL);
  utest_fillresult();
  utest_cores();
  utest_rc_mirror();
  utest_completeness();
  return tff_utest_Done();
}
#endif /* tffIG_TESTDRIVE */
