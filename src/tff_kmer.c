/* tff_kmer: alignment-free k-mer evidence (see tff_kmer.h).
 *
 * Contents:
 *   1. The spectrum
 *   2. The fitting basis (randomised range finder)
 *   3. The logistic regression (L-BFGS)
 *   4. Fit, predict, out-of-fold probabilities
 *   5. Model files
 *   6. Unit-test driver
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_calib.h"
#include "tff_io.h"
#include "tff_io_internal.h"   /* tff_io_ParseDouble() */
#include "tff_kmer.h"
#include "tff_random.h"

/*****************************************************************
 * 1. The spectrum
 *****************************************************************/

/* Index of the reverse complement of word w of length k (A C G T = 0..3, first letter most significant). */
static int
revcomp_word(int w, int k)
{
  int r = 0;
  for (int j = 0; j < k; j++) { r = r * 4 + (3 - (w & 3)); w >>= 2; }
  return r;
}

void
tff_kmer_Spectrum(const TFF_MOTIF *m, double *x)
{
  double s[4096], v[4096];   /* 4^6 */
  int    off = 0;
  for (int k = TFF_KMER_KMIN; k <= TFF_KMER_KMAX; k++) {
    const int nw = 1 << (2 * k);
    double    tot = 0.0;
    memset(s, 0, sizeof(double) * (size_t) nw);
    for (int st = 0; st + k <= m->w; st++) {   /* the product of the columns st .. st+k-1, built up letter by letter */
      int len = 1;
      v[0] = 1.0;
      for (int j = 0; j < k; j++) {
        const double *col = m->p + (size_t) (st + j) * 4;
        for (int u = len - 1; u >= 0; u--)
          for (int a = 3; a >= 0; a--) v[u * 4 + a] = v[u] * col[a];
        len *= 4;
      }
      for (int u = 0; u < nw; u++) s[u] += v[u];
    }
    for (int u = 0; u < nw; u++) tot += s[u];
    /* both strands: word w counts s[w] + s[rc(w)], over a total of 2 tot */
    for (int u = 0; u < nw; u++) {
      int r = revcomp_word(u, k);
      if (u > r) continue;
      x[off++] = tot > 0.0 ? sqrt((s[u] + s[r]) / (2.0 * tot)) : sqrt(1.0 / nw);
    }
  }
}

/*****************************************************************
 * 2. The fitting basis
 *****************************************************************/

/* Orthonormalise the r columns of Y (d x r, row-major) in place (modified Gram-Schmidt,
 * twice); a column that vanishes is set to 0. */
static void
orthonormalise(double *Y, int d, int r)
{
  for (int pass = 0; pass < 2; pass++)
    for (int c = 0; c < r; c++) {
      double nrm = 0.0;
      for (int c2 = 0; c2 < c; c2++) {
        double dot = 0.0;
        for (int i = 0; i < d; i++) dot += Y[(size_t) i * r + c] * Y[(size_t) i * r + c2];
        for (int i = 0; i < d; i++) Y[(size_t) i * r + c] -= dot * Y[(size_t) i * r + c2];
      }
      for (int i = 0; i < d; i++) nrm += Y[(size_t) i * r + c] * Y[(size_t) i * r + c];
      nrm = sqrt(nrm);
      for (int i = 0; i < d; i++) Y[(size_t) i * r + c] = nrm > 1e-12 ? Y[(size_t) i * r + c] / nrm : 0.0;
    }
}

/* A = B C: B (n x m), C (m x r), A (n x r), row-major. */
static void
matmul(const double *B, const double *Cm, double *A, int n, int m, int r)
{
  for (int i = 0; i < n; i++) {
    double *a = A + (size_t) i * r;
    memset(a, 0, sizeof(double) * (size_t) r);
    for (int j = 0; j < m; j++) {
      const double  b = B[(size_t) i * m + j];
      const double *c = Cm + (size_t) j * r;
      if (b == 0.0) continue;
      TFF_SIMD
      for (int t = 0; t < r; t++) a[t] += b * c[t];
    }
  }
}

/* A = B^T C: B (n x m), C (n x r), A (m x r). */
static void
matmul_tn(const double *B, const double *Cm, double *A, int n, int m, int r)
{
  memset(A, 0, sizeof(double) * (size_t) m * r);
  for (int i = 0; i < n; i++) {
    const double *c = Cm + (size_t) i * r;
    for (int j = 0; j < m; j++) {
      const double b = B[(size_t) i * m + j];
      double      *a = A + (size_t) j * r;
      if (b == 0.0) continue;
      TFF_SIMD
      for (int t = 0; t < r; t++) a[t] += b * c[t];
    }
  }
}

/* Q (d x r): an orthonormal basis of the leading right singular directions of Xc (n x d):
 * Q = orth((Xc^T Xc)^(q) Xc^T Xc Omega), q = 2 power iterations, Omega Gaussian. */
static int
range_basis(const double *Xc, int n, int d, int r, uint64_t seed, double *Q, char *errbuf)
{
  double *T = NULL;
  TFF_RNG rng;
  int     status;
  TFF_CALLOC(T, (size_t) n * r, sizeof(double));
  tff_rng_Init(&rng, seed);
  for (size_t t = 0; t < (size_t) d * r; t++) Q[t] = tff_rng_Normal(&rng);
  for (int it = 0; it < 3; it++) {
    matmul(Xc, Q, T, n, d, r);      /* T = Xc Q */
    matmul_tn(Xc, T, Q, n, d, r);   /* Q = Xc^T T */
    orthonormalise(Q, d, r);
  }
  status = tffOK;
 ERROR:
  free(T);
  return status;
}

/*****************************************************************
 * 3. The logistic regression
 *****************************************************************/

/* The problem: Z (n x r) rows, labels y, parameters theta = (V (r x F), b (F)),
 * f = mean_i -log softmax(Z_i V + b)_{y_i} + |V|^2 / (2 C n). */
typedef struct {
  const double *Z;
  const int    *y;
  int           n, r, F;
  double        C;
  double       *S;   /* n x F scratch */
} LR_PROBLEM;

static double
lr_eval(LR_PROBLEM *P, const double *th, double *g)
{
  const int     n = P->n, r = P->r, F = P->F;
  const double *V = th, *b = th + (size_t) r * F;
  double        f = 0.0, pen = 0.0;
  matmul(P->Z, V, P->S, n, r, F);
  for (int i = 0; i < n; i++) {
    double *s = P->S + (size_t) i * F, mx = -INFINITY, z = 0.0;
    for (int c = 0; c < F; c++) { s[c] += b[c]; if (s[c] > mx) mx = s[c]; }
    for (int c = 0; c < F; c++) { s[c] = exp(s[c] - mx); z += s[c]; }
    f += log(z) + mx - (log(s[P->y[i]]) + mx);   /* -log p_y, with s[y] = exp(score_y - mx) */
    for (int c = 0; c < F; c++) s[c] = s[c] / z / n;   /* dL/dscore: (p - onehot) / n */
    s[P->y[i]] -= 1.0 / n;
  }
  f /= n;
  matmul_tn(P->Z, P->S, g, n, r, F);   /* dL/dV = Z^T (P - Y) / n */
  memset(g + (size_t) r * F, 0, sizeof(double) * (size_t) F);
  for (int i = 0; i < n; i++)
    for (int c = 0; c < F; c++) g[(size_t) r * F + c] += P->S[(size_t) i * F + c];
  for (size_t t = 0; t < (size_t) r * F; t++) { pen += V[t] * V[t]; g[t] += V[t] / (P->C * n); }
  return f + pen / (2.0 * P->C * n);
}

static double
dot(const double *a, const double *b, size_t m)
{
  double s = 0.0;
  for (size_t t = 0; t < m; t++) s += a[t] * b[t];
  return s;
}

/* L-BFGS (memory 10) with a backtracking Armijo line search, from th = 0; stops when
 * the gradient's largest entry is below 1e-6, the objective stops falling (relative
 * change below 1e-10 for 5 iterations), or after maxit iterations. */
#define LBFGS_M 10
static int
lr_minimise(LR_PROBLEM *P, double *th, int maxit, char *errbuf)
{
  const size_t m = (size_t) P->r * P->F + P->F;
  double *g = NULL, *d = NULL, *thn = NULL, *gn = NULL, *S = NULL, *Yv = NULL, rho[LBFGS_M], alpha[LBFGS_M], f, fn;
  int     status, nmem = 0, head = 0, flat = 0;
  TFF_CALLOC(g, m, sizeof(double));
  TFF_CALLOC(d, m, sizeof(double));
  TFF_CALLOC(thn, m, sizeof(double));
  TFF_CALLOC(gn, m, sizeof(double));
  TFF_CALLOC(S, m * LBFGS_M, sizeof(double));
  TFF_CALLOC(Yv, m * LBFGS_M, sizeof(double));
  memset(th, 0, sizeof(double) * m);
  f = lr_eval(P, th, g);
  for (int it = 0; it < maxit; it++) {
    double gmax = 0.0, step = 1.0, gd;
    for (size_t t = 0; t < m; t++) if (fabs(g[t]) > gmax) gmax = fabs(g[t]);
    if (gmax < 1e-6) break;
    /* two-loop recursion: d = -H g */
    for (size_t t = 0; t < m; t++) d[t] = -g[t];
    for (int j = 0; j < nmem; j++) {
      int k = (head - 1 - j + LBFGS_M) % LBFGS_M;
      alpha[k] = rho[k] * dot(S + k * m, d, m);
      for (size_t t = 0; t < m; t++) d[t] -= alpha[k] * Yv[k * m + t];
    }
    if (nmem > 0) {
      int    k = (head - 1 + LBFGS_M) % LBFGS_M;
      double gam = dot(S + k * m, Yv + k * m, m) / dot(Yv + k * m, Yv + k * m, m);
      for (size_t t = 0; t < m; t++) d[t] *= gam;
    } else
      step = 1.0 / (gmax > 1.0 ? gmax : 1.0);
    for (int j = nmem - 1; j >= 0; j--) {
      int    k = (head - 1 - j + LBFGS_M) % LBFGS_M;
      double beta = rho[k] * dot(Yv + k * m, d, m);
      for (size_t t = 0; t < m; t++) d[t] += (alpha[k] - beta) * S[k * m + t];
    }
    gd = dot(g, d, m);
    if (gd >= 0.0) {   /* not a descent direction: restart from the gradient */
      for (size_t t = 0; t < m; t++) d[t] = -g[t];
      gd = dot(g, d, m);
      nmem = 0;
      step = 1.0 / (gmax > 1.0 ? gmax : 1.0);
    }
    for (int ls = 0; ; ls++) {
      for (size_t t = 0; t < m; t++) thn[t] = th[t] + step * d[t];
      fn = lr_eval(P, thn, gn);
      if (fn <= f + 1e-4 * step * gd) break;
      if (ls == 40) goto DONE;   /* no decrease along d: as good as it gets */
      step *= 0.5;
    }
    {   /* remember s = thn - th, y = gn - g */
      double *s = S + (size_t) head * m, *yv = Yv + (size_t) head * m, sy;
      for (size_t t = 0; t < m; t++) { s[t] = thn[t] - th[t]; yv[t] = gn[t] - g[t]; }
      sy = dot(s, yv, m);
      if (sy > 1e-12) { rho[head] = 1.0 / sy; head = (head + 1) % LBFGS_M; if (nmem < LBFGS_M) nmem++; }
    }
    flat = (f - fn) <= 1e-10 * (fabs(f) > 1.0 ? fabs(f) : 1.0) ? flat + 1 : 0;
    memcpy(th, thn, sizeof(double) * m);
    memcpy(g, gn, sizeof(double) * m);
    f = fn;
    if (flat >= 5) break;
  }
 DONE:
  status = tffOK;
 ERROR:
  free(g); free(d); free(thn); free(gn); free(S); free(Yv);
  return status;
}

/*****************************************************************
 * 4. Fit, predict, out-of-fold probabilities
 *****************************************************************/

void
tff_kmer_DefaultOpts(TFF_KMER_OPTS *o)
{
  o->C     = 20.0;
  o->rank  = 300;
  o->maxit = 500;
  o->seed  = 1;
}

void
tff_kmer_Destroy(TFF_KMER *K)
{
  if (!K) return;
  if (K->fam) for (int f = 0; f < K->nfam; f++) free(K->fam[f]);
  free(K->fam); free(K->mu); free(K->W); free(K->b);
  free(K);
}

static int
kmer_alloc(int nfam, TFF_KMER **ret_K, char *errbuf)
{
  TFF_KMER *K = NULL;
  int       status;
  TFF_CALLOC(K, 1, sizeof *K);
  K->nfam = nfam;
  K->dim  = TFF_KMER_DIM;
  TFF_CALLOC(K->mu, (size_t) TFF_KMER_DIM, sizeof(double));
  TFF_CALLOC(K->W, (size_t) TFF_KMER_DIM * nfam, sizeof(double));
  TFF_CALLOC(K->b, (size_t) nfam, sizeof(double));
  *ret_K = K;
  return tffOK;
 ERROR:
  tff_kmer_Destroy(K);
  return status;
}

int
tff_kmer_Fit(const double *X, const int *y, const int *sel, int n, int nfam, const TFF_KMER_OPTS *o, TFF_KMER **ret_K, char *errbuf)
{
  const int  d = TFF_KMER_DIM;
  TFF_KMER  *K = NULL;
  double    *Xc = NULL, *Q = NULL, *Z = NULL, *th = NULL;
  int       *yy = NULL, nt = 0, r, status;
  LR_PROBLEM P;

  memset(&P, 0, sizeof P);
  *ret_K = NULL;
  for (int i = 0; i < n; i++) if ((!sel || sel[i]) && y[i] >= 0 && y[i] < nfam) nt++;
  if (nt < 2) TFF_FAIL(tffEINVAL, errbuf, "the k-mer model needs at least 2 labelled motifs to fit (%d given)", nt);
  r = o->rank < nt - 1 ? o->rank : nt - 1;
  if (r < 1) r = 1;
  TFF_CHECK(kmer_alloc(nfam, &K, errbuf));
  K->C = o->C;
  K->rank = r;
  TFF_CALLOC(Xc, (size_t) nt * d, sizeof(double));
  TFF_CALLOC(yy, (size_t) nt, sizeof(int));
  nt = 0;
  for (int i = 0; i < n; i++)
    if ((!sel || sel[i]) && y[i] >= 0 && y[i] < nfam) {
      memcpy(Xc + (size_t) nt * d, X + (size_t) i * d, sizeof(double) * d);
      yy[nt++] = y[i];
    }
  for (int i = 0; i < nt; i++) for (int j = 0; j < d; j++) K->mu[j] += Xc[(size_t) i * d + j];
  for (int j = 0; j < d; j++) K->mu[j] /= nt;
  for (int i = 0; i < nt; i++) for (int j = 0; j < d; j++) Xc[(size_t) i * d + j] -= K->mu[j];

  TFF_CALLOC(Q, (size_t) d * r, sizeof(double));
  TFF_CHECK(range_basis(Xc, nt, d, r, o->seed, Q, errbuf));
  TFF_CALLOC(Z, (size_t) nt * r, sizeof(double));
  matmul(Xc, Q, Z, nt, d, r);

  P.Z = Z; P.y = yy; P.n = nt; P.r = r; P.F = nfam; P.C = o->C;
  TFF_CALLOC(P.S, (size_t) nt * nfam, sizeof(double));
  TFF_CALLOC(th, (size_t) r * nfam + nfam, sizeof(double));
  TFF_CHECK(lr_minimise(&P, th, o->maxit, errbuf));
  matmul(Q, th, K->W, d, r, nfam);   /* W = Q V */
  memcpy(K->b, th + (size_t) r * nfam, sizeof(double) * (size_t) nfam);
  *ret_K = K;
  K = NULL;
  status = tffOK;
 ERROR:
  tff_kmer_Destroy(K);
  free(Xc); free(Q); free(Z); free(th); free(yy); free(P.S);
  return status;
}

void
tff_kmer_Predict(const TFF_KMER *K, const double *x, double *prob)
{
  const int F = K->nfam;
  for (int c = 0; c < F; c++) prob[c] = K->b[c];
  for (int j = 0; j < K->dim; j++) {
    const double  v = x[j] - K->mu[j];
    const double *w = K->W + (size_t) j * F;
    for (int c = 0; c < F; c++) prob[c] += v * w[c];
  }
  tff_calib_Softmax(prob, F, 1.0, prob);
}

int
tff_kmer_PredictMotifs(const TFF_KMER *K, TFF_MOTIF *const *m, int n, double *prob, char *errbuf)
{
  double *x = NULL;
  int     status;
  TFF_CALLOC(x, (size_t) TFF_KMER_DIM, sizeof(double));
  for (int i = 0; i < n; i++) {
    tff_kmer_Spectrum(m[i], x);
    tff_kmer_Predict(K, x, prob + (size_t) i * K->nfam);
  }
  status = tffOK;
 ERROR:
  free(x);
  return status;
}

int
tff_kmer_OOF(const double *X, const int *y, const int *trainable, const int *fold, int n, int nfam, int nfold,
             const TFF_KMER_OPTS *o, double *prob, char *errbuf)
{
  int  status = tffOK;
  int *fstat = NULL;
  char (*ferr)[TFF_ERRBUFSIZE] = NULL;
  memset(prob, 0, sizeof(double) * (size_t) n * nfam);
  TFF_CALLOC(fstat, (size_t) nfold, sizeof(int));
  TFF_CALLOC(ferr, (size_t) nfold, sizeof *ferr);
#pragma omp parallel for schedule(dynamic, 1)
  for (int k = 0; k < nfold; k++) {
    TFF_KMER     *K = NULL;
    TFF_KMER_OPTS ok = *o;
    int          *sel = tff_Calloc((size_t) n, sizeof(int));
    if (!sel) { fstat[k] = tff_Fail(ferr[k], tffEMEM, "out of memory"); continue; }
    for (int i = 0; i < n; i++) sel[i] = fold[i] != k && (!trainable || trainable[i]);
    ok.seed = tff_rng_Derive(o->seed, (uint64_t) k);
    fstat[k] = tff_kmer_Fit(X, y, sel, n, nfam, &ok, &K, ferr[k]);
    if (fstat[k] == tffOK)
      for (int i = 0; i < n; i++)
        if (fold[i] == k) tff_kmer_Predict(K, X + (size_t) i * TFF_KMER_DIM, prob + (size_t) i * nfam);
    tff_kmer_Destroy(K);
    free(sel);
  }
  for (int k = 0; k < nfold; k++)
    if (fstat[k] != tffOK) { status = fstat[k]; if (errbuf) snprintf(errbuf, TFF_ERRBUFSIZE, "%s", ferr[k]); break; }
 ERROR:
  free(fstat); free(ferr);
  return status;
}

/*****************************************************************
 * 5. Model files
 *****************************************************************/

int
tff_kmer_Write(FILE *fp, const TFF_KMER *K, char *const *fam, const char *comment, char *opt_crc, char *errbuf)
{
  TFF_BUF b;
  char    crc[9];
  int     status;
  tff_buf_Init(&b);
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "%s %d\n", TFF_KMER_MAGIC, TFF_KMER_VERSION));
  if (comment) {
    char one[1024];
    snprintf(one, sizeof one, "%s", comment);
    tff_OneLine(one, strlen(one));
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "# %s\n", one));
  }
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "# the expected %d- to %d-mer spectrum (both strands, canonical words, frequencies per k, "
                                       "square roots), centred; a multinomial logistic regression: one line per feature, its centre "
                                       "and its weight for each family (doc/combine.md)\n", TFF_KMER_KMIN, TFF_KMER_KMAX));
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "kmers\t%d\t%d\t%d\n", TFF_KMER_KMIN, TFF_KMER_KMAX, K->dim));
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "C\t%.17g\nrank\t%d\n", K->C, K->rank));
  for (int f = 0; f < K->nfam; f++) TFF_CHECK(tff_buf_Printf(&b, errbuf, "family\t%s\t%.17g\n", fam[f], K->b[f]));
  for (int j = 0; j < K->dim; j++) {
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "x\t%.9g", K->mu[j]));
    for (int f = 0; f < K->nfam; f++) TFF_CHECK(tff_buf_Printf(&b, errbuf, "\t%.9g", K->W[(size_t) j * K->nfam + f]));
    TFF_CHECK(tff_buf_Printf(&b, errbuf, "\n"));
  }
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "end\n"));
  tff_Crc32Hex(b.s, b.n, crc);
  TFF_CHECK(tff_buf_Printf(&b, errbuf, "crc32 %s\n", crc));
  if (fwrite(b.s, 1, b.n, fp) != b.n) TFF_FAIL(tffEWRITE, errbuf, "cannot write the k-mer model");
  if (opt_crc) memcpy(opt_crc, crc, 9);
  status = tffOK;
 ERROR:
  tff_buf_Free(&b);
  return status;
}

/* A weight, centre or bias: finite, within +-1e6. */
static int
parse_num(const char *s, double *v)
{
  return tff_io_ParseDouble(s, v) == 0 && isfinite(*v) && fabs(*v) <= 1e6;
}

int
tff_kmer_Parse(const char *name, const char *data, size_t n, TFF_KMER **ret_K, char *errbuf)
{
  TFF_BUF   buf;
  TFF_KMER *K = NULL;
  char     *p, **f = NULL, **fam = NULL;
  double   *bias = NULL;
  int       status, line = 0, nfam = 0, nx = 0, ended = 0, have_kmers = 0, have_C = 0, have_rank = 0;
  double    C = 0.0, v;
  int       rank = 0;

  tff_buf_Init(&buf);
  *ret_K = NULL;
  size_t    n0 = n;
  char      crc[9] = "";
  TFF_CHECK(tff_io_CheckCrcLine(name, "k-mer model", data, &n, errbuf));
  if (n < n0) { memcpy(crc, data + n + 6, 8); crc[8] = '\0'; }   /* the checked crc32 line's value */
  TFF_CHECK(tff_buf_Append(&buf, data, n, errbuf));   /* a copy: the lines are cut in place */
  TFF_CALLOC(f, (size_t) 8, sizeof(char *));
  for (p = buf.s ? buf.s : ""; *p && !ended; ) {
    char *nl = strchr(p, '\n'), *next = nl ? nl + 1 : p + strlen(p);
    int   nf;
    if (nl) *nl = '\0';
    line++;
    if (line == 1) {
      TFF_CHECK(tff_io_CheckMagic(name, "k-mer model", p, TFF_KMER_MAGIC, TFF_KMER_VERSION, errbuf));
      p = next;
      continue;
    }
    if (*p == '\0' || *p == '#') { p = next; continue; }
    {
      int want = (K ? K->nfam : nfam) + 3;   /* room for an x line and one field too many */
      TFF_REALLOC(f, sizeof(char *) * (size_t) (want > 8 ? want : 8));
      nf = tff_SplitTabs(p, f, want > 8 ? want : 8, 1);
    }
    if (strcmp(f[0], "end") == 0 && nf == 1) { ended = 1; p = next; break; }
    if (strcmp(f[0], "kmers") == 0) {
      if (have_kmers) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second kmers line", name, line);
      char want[3][16];   /* the three numbers as this tffam writes them: "3.9" or "3x" is not 3 */
      snprintf(want[0], sizeof want[0], "%d", TFF_KMER_KMIN);
      snprintf(want[1], sizeof want[1], "%d", TFF_KMER_KMAX);
      snprintf(want[2], sizeof want[2], "%d", TFF_KMER_DIM);
      if (nf != 4 || strcmp(f[1], want[0]) != 0 || strcmp(f[2], want[1]) != 0 || strcmp(f[3], want[2]) != 0)
        TFF_FAIL(tffEINCOMPAT, errbuf, "%s line %d: expected 'kmers %d %d %d' (the words this tffam counts)", name, line, TFF_KMER_KMIN,
                 TFF_KMER_KMAX, TFF_KMER_DIM);
      have_kmers = 1;
    } else if (nf == 2 && strcmp(f[0], "C") == 0) {
      if (have_C++) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second C line", name, line);
      if (!parse_num(f[1], &C) || C <= 0.0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: C '%s' is not a positive number", name, line, f[1]);
    } else if (nf == 2 && strcmp(f[0], "rank") == 0) {
      if (have_rank++) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second rank line", name, line);
      if (!parse_num(f[1], &v) || v < 1 || v != floor(v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: rank '%s' is not a whole number", name, line, f[1]);
      rank = (int) v;
    } else if (nf == 3 && strcmp(f[0], "family") == 0) {
      if (K) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a family line after the first x line", name, line);
      if (f[1][0] == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: empty family name", name, line);
      if (nfam == TFF_KMER_MAXFAM) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: more than %d families", name, line, TFF_KMER_MAXFAM);
      for (int k = 0; k < nfam; k++)
        if (strcmp(fam[k], f[1]) == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: family '%s' given twice", name, line, f[1]);
      if (!parse_num(f[2], &v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: bias '%s' is not a number within +-1e6", name, line, f[2]);
      TFF_REALLOC(fam, sizeof(char *) * (size_t) (nfam + 1));
      TFF_REALLOC(bias, sizeof(double) * (size_t) (nfam + 1));
      if ((fam[nfam] = tff_Strdup(f[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      bias[nfam++] = v;
    } else if (strcmp(f[0], "x") == 0) {
      if (!K) {
        if (nfam < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: fewer than two family lines before the first x line", name, line);
        TFF_CHECK(kmer_alloc(nfam, &K, errbuf));
        K->fam = fam; fam = NULL;
        memcpy(K->b, bias, sizeof(double) * (size_t) nfam);
      }
      if (nx == K->dim) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: more than %d x lines", name, line, K->dim);
      if (nf != K->nfam + 2) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'x', a centre and %d weights (%d fields), found %d fields", name, line, K->nfam, K->nfam + 2, nf);
      if (!parse_num(f[1], &K->mu[nx])) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a number within +-1e6", name, line, f[1]);
      for (int c = 0; c < K->nfam; c++)
        if (!parse_num(f[2 + c], &K->W[(size_t) nx * K->nfam + c]))
          TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a number within +-1e6", name, line, f[2 + c]);
      nx++;
    } else
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'kmers', 'C', 'rank', 'family', 'x' or 'end'", name, line);
    p = next;
  }
  if (line == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: empty file", name);
  if (!ended) TFF_FAIL(tffEFORMAT, errbuf, "%s: truncated (no 'end' line)", name);
  for (int l = line + 1; *p; p++) {
    if (*p == '\n') l++;
    else if (!isspace((unsigned char) *p)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: text after 'end' (only the 'crc32' line may follow it)", name, l);
  }
  if (!have_kmers) TFF_FAIL(tffEFORMAT, errbuf, "%s: no 'kmers' line", name);
  if (!have_C) TFF_FAIL(tffEFORMAT, errbuf, "%s: no 'C' line", name);
  if (!have_rank) TFF_FAIL(tffEFORMAT, errbuf, "%s: no 'rank' line", name);
  if (!K || nx != K->dim) TFF_FAIL(tffEFORMAT, errbuf, "%s: %d x lines, expected %d", name, nx, TFF_KMER_DIM);
  K->C = C;
  K->rank = rank;
  memcpy(K->crc, crc, sizeof crc);
  *ret_K = K;
  K = NULL;
  status = tffOK;
 ERROR:
  if (fam) for (int k = 0; k < nfam; k++) free(fam[k]);
  free(fam); free(bias); free(f);
  tff_kmer_Destroy(K);
  tff_buf_Free(&buf);
  return status;
}

int
tff_kmer_Read(const char *path, TFF_KMER **ret_K, char *errbuf)
{
  TFF_BUF buf;
  int     status;
  tff_buf_Init(&buf);
  *ret_K = NULL;
  TFF_CHECK(tff_io_SlurpKind(path, "k-mer model", &buf, errbuf));
  status = tff_kmer_Parse(path, buf.s ? buf.s : "", buf.n, ret_K, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

/*****************************************************************
 * 6. Unit-test driver
 *****************************************************************/
#ifdef tffKMER_TESTDRIVE
#include "tff_utest.h"

/* A motif of width w from a string of A/C/G/T (one-hot) and N (uniform) columns. */
static TFF_MOTIF *
make_motif(const char *cols)
{
  TFF_MOTIF *m = NULL;
  char       errbuf[TFF_ERRBUFSIZE];
  int        w = (int) strlen(cols);
  TFF_UCHECK(tff_motif_Create("m", NULL, w, &m, errbuf) == tffOK, "%s", errbuf);
  for (int i = 0; i < w; i++)
    for (int a = 0; a < 4; a++) m->p[i * 4 + a] = cols[i] == 'N' ? 0.25 : (cols[i] == "ACGT"[a] ? 1.0 : 0.0);
  return m;
}

/* The spectrum, derived by hand. AAA (width 3): the word AAA once on the forward
 * strand and TTT once on the reverse; folded, the canonical word AAA (index 0) has
 * (1 + 0) / (2 x 1) = 1/2, every other 3-mer 0; k = 4..6 are longer than the motif:
 * uniform, 1/sqrt(4^k) each. A uniform motif of width 8: every word equally likely,
 * so the folded frequency of a canonical word is (s + s) / (2 tot) = 1 / 4^k. */
static void
utest_spectrum(void)
{
  double     x[TFF_KMER_DIM];
  TFF_MOTIF *m = make_motif("AAA");
  tff_kmer_Spectrum(m, x);
  TFF_UNEAR(x[0], sqrt(0.5), 1e-15, "AAA: the 3-mer AAA");
  for (int j = 1; j < 32; j++) TFF_UNEAR(x[j], 0.0, 0.0, "AAA: 3-mer %d", j);
  for (int j = 32; j < 32 + 136; j++) TFF_UNEAR(x[j], 1.0 / 16.0, 1e-15, "AAA: 4-mer %d (uniform)", j - 32);
  TFF_UNEAR(x[TFF_KMER_DIM - 1], 1.0 / 64.0, 1e-15, "AAA: the last 6-mer (uniform)");
  tff_motif_Destroy(m);
  m = make_motif("NNNNNNNN");
  tff_kmer_Spectrum(m, x);
  for (int j = 0; j < TFF_KMER_DIM; j++) {
    int k = j < 32 ? 3 : j < 168 ? 4 : j < 680 ? 5 : 6;
    TFF_UNEAR(x[j], ldexp(1.0, -k), 1e-14, "uniform motif: feature %d", j);
  }
  tff_motif_Destroy(m);
  /* ACGT is its own reverse complement: its 4-mer ACGT is the palindrome (index 27:
   * 0 1 2 3), counted on both strands, 2 / 2 = 1; the 3-mers ACG and CGT are one
   * canonical word (ACG, index 6), (1 + 1) / (2 x 2) = 1/2. */
  m = make_motif("ACGT");
  tff_kmer_Spectrum(m, x);
  TFF_UNEAR(x[32 + 0], 0.0, 0.0, "ACGT: 4-mer AAAA");
  {
    int pos = 0;   /* the place of ACGT (27) among the canonical 4-mers */
    for (int u = 0; u < 27; u++) pos += u <= revcomp_word(u, 4);
    TFF_UNEAR(x[32 + pos], 1.0, 1e-15, "ACGT: the palindromic 4-mer");
    pos = 0;
    for (int u = 0; u < 6; u++) pos += u <= revcomp_word(u, 3);
    TFF_UNEAR(x[pos], sqrt(0.5), 1e-15, "ACGT: the 3-mer ACG/CGT");
  }
  tff_motif_Destroy(m);
}

/* The model text t (a written model) without its crc32 line, without the lines that
 * start with drop (NULL: none) and with each line that starts with dup twice (NULL: none). */
static char *
edited_model(const char *t, const char *drop, const char *dup)
{
  size_t n = strlen(t);
  char  *out = malloc(2 * n + 1), *o = out;
  TFF_UCHECK(out != NULL, "memory");
  while (*t) {
    const char *nl = strchr(t, '\n');
    size_t      len = nl ? (size_t) (nl - t) + 1 : strlen(t);
    if (strncmp(t, "crc32 ", 6) != 0 && !(drop && strncmp(t, drop, strlen(drop)) == 0)) {
      memcpy(o, t, len); o += len;
      if (dup && strncmp(t, dup, strlen(dup)) == 0) { memcpy(o, t, len); o += len; }
    }
    t += len;
  }
  *o = '\0';
  return out;
}

/* A model file must have one kmers, one C and one rank line (review 21): without C or
 * rank a model was read with C = 0 or rank = 0, which its own writer's output then fails
 * to read back ("C '0' is not a positive number"); a repeated line was taken silently.
 * Expected by hand: each of these is a format error naming the line or the missing one. */
static void
utest_settings_lines(void)
{
  TFF_KMER  *K = NULL, *D = NULL;
  char       errbuf[TFF_ERRBUFSIZE], *buf = NULL, *t;
  char      *famv[2] = { "a", "b" };
  size_t     len = 0;
  FILE      *fp;
  TFF_UCHECK(kmer_alloc(2, &K, errbuf) == tffOK, "%s", errbuf);
  K->C = 20.0; K->rank = 5;
  fp = open_memstream(&buf, &len);
  TFF_UCHECK(tff_kmer_Write(fp, K, famv, NULL, NULL, errbuf) == tffOK, "%s", errbuf);
  fclose(fp);
  t = edited_model(buf, NULL, NULL);
  TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffOK, "the model as written, less its crc32 line: %s", errbuf);
  tff_kmer_Destroy(D); D = NULL; free(t);
  t = edited_model(buf, "C\t", NULL);
  TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffEFORMAT && D == NULL && strcmp(errbuf, "m.txt: no 'C' line") == 0,
             "no C line: %s", D ? "read" : errbuf);
  tff_kmer_Destroy(D); D = NULL; free(t);
  t = edited_model(buf, "rank\t", NULL);
  TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffEFORMAT && D == NULL && strcmp(errbuf, "m.txt: no 'rank' line") == 0,
             "no rank line: %s", D ? "read" : errbuf);
  tff_kmer_Destroy(D); D = NULL; free(t);
  t = edited_model(buf, NULL, "rank\t");   /* lines: magic, comment, kmers (3), C (4), rank (5) */
  TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffEFORMAT && D == NULL && strcmp(errbuf, "m.txt line 6: a second rank line") == 0,
             "two rank lines: %s", D ? "read" : errbuf);
  tff_kmer_Destroy(D); D = NULL; free(t);
  t = edited_model(buf, NULL, "kmers\t");
  TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffEFORMAT && D == NULL && strcmp(errbuf, "m.txt line 4: a second kmers line") == 0,
             "two kmers lines: %s", D ? "read" : errbuf);
  tff_kmer_Destroy(D); D = NULL; free(t);
  t = edited_model(buf, NULL, "C\t");
  TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffEFORMAT && D == NULL && strcmp(errbuf, "m.txt line 5: a second C line") == 0,
             "two C lines: %s", D ? "read" : errbuf);
  tff_kmer_Destroy(D); D = NULL; free(t);
  /* the kmers line's numbers exactly as written ("3.9" was read as 3 by atoi) */
  t = edited_model(buf, NULL, NULL);
  {
    char *k = strstr(t, "kmers\t3\t");
    TFF_UCHECK(k != NULL, "kmers line");
    k[6] = '4';   /* kmers 4 6 2760: another word set */
    TFF_UCHECK(tff_kmer_Parse("m.txt", t, strlen(t), &D, errbuf) == tffEINCOMPAT && D == NULL && strstr(errbuf, "line 3: expected 'kmers 3 6 2760'"),
               "kmers 4: %s", D ? "read" : errbuf);
  }
  free(t);
  {   /* "kmers 3.0 6 2760" */
    char *u = edited_model(buf, NULL, NULL), *k = strstr(u, "kmers\t3\t"), *v = malloc(strlen(u) + 3);
    TFF_UCHECK(k != NULL && v != NULL, "memory");
    snprintf(v, strlen(u) + 3, "%.*s3.0%s", (int) (k + 6 - u), u, k + 7);
    TFF_UCHECK(tff_kmer_Parse("m.txt", v, strlen(v), &D, errbuf) == tffEINCOMPAT && D == NULL, "kmers 3.0: %s", D ? "read" : errbuf);
    free(u); free(v);
  }
  {   /* more than TFF_KMER_MAXFAM families: refused at the first one too many, before any weight is allocated */
    size_t cap = 64 * (TFF_KMER_MAXFAM + 2) + 200, m = 0;
    char  *v = malloc(cap);
    TFF_UCHECK(v != NULL, "memory");
    m += (size_t) snprintf(v + m, cap - m, "TFFAM-KMER 1\nkmers\t3\t6\t2760\nC\t20\nrank\t1\n");
    for (int i = 0; i <= TFF_KMER_MAXFAM; i++) m += (size_t) snprintf(v + m, cap - m, "family\tf%d\t0\n", i);
    TFF_UCHECK(tff_kmer_Parse("m.txt", v, m, &D, errbuf) == tffEFORMAT && D == NULL && strstr(errbuf, "more than"), "too many families: %s",
               D ? "read" : errbuf);
    free(v);
  }
  free(buf);
  tff_kmer_Destroy(K);
}

/* Two families of random motifs around two different cores: the fit separates them,
 * a model file reads back to the same predictions, and out-of-fold probabilities of a
 * fold do not depend on that fold's labels (no leak). */
static void
utest_fit(void)
{
  const int  n = 60, F = 3;
  double    *X = tff_Calloc((size_t) n * TFF_KMER_DIM, sizeof(double)), p[3], p2[3];
  double    *oof = tff_Calloc((size_t) n * F, sizeof(double)), *oof2 = tff_Calloc((size_t) n * F, sizeof(double));
  int        y[60], fold[60], ok = 0;
  const char *core[3] = { "TGACTCA", "CACGTG", "GGAATTCC" };
  char       errbuf[TFF_ERRBUFSIZE];
  TFF_RNG    rng;
  TFF_KMER  *K = NULL, *K2 = NULL;
  TFF_KMER_OPTS o;
  char      *famv[3] = { "a", "b", "c" };
  tff_rng_Init(&rng, tff_utest_Seed(7));
  for (int i = 0; i < n; i++) {
    char       cols[32];
    int        flank = 2 + (int) tff_rng_Below(&rng, 4);
    TFF_MOTIF *m;
    y[i] = i % F;
    fold[i] = (i / F) % 5;
    snprintf(cols, sizeof cols, "%.*s%s%.*s", flank, "NNNNNN", core[y[i]], 6 - flank, "NNNNNN");
    m = make_motif(cols);
    for (int t = 0; t < m->w * 4; t++) m->p[t] = 0.8 * m->p[t] + 0.2 * tff_rng_Uniform(&rng) / 2.0;
    for (int c = 0; c < m->w; c++) {
      double s = 0.0;
      for (int a = 0; a < 4; a++) s += m->p[c * 4 + a];
      for (int a = 0; a < 4; a++) m->p[c * 4 + a] /= s;
    }
    tff_kmer_Spectrum(m, X + (size_t) i * TFF_KMER_DIM);
    tff_motif_Destroy(m);
  }
  tff_kmer_DefaultOpts(&o);
  o.rank = 20;
  TFF_UCHECK(tff_kmer_Fit(X, y, NULL, n, F, &o, &K, errbuf) == tffOK, "%s", errbuf);
  for (int i = 0; i < n; i++) {
    int best = 0;
    tff_kmer_Predict(K, X + (size_t) i * TFF_KMER_DIM, p);
    for (int c = 1; c < F; c++) if (p[c] > p[best]) best = c;
    ok += best == y[i];
    TFF_UNEAR(p[0] + p[1] + p[2], 1.0, 1e-12, "probabilities sum to 1");
  }
  TFF_UCHECK(ok == n, "training motifs called right: %d of %d", ok, n);
  {   /* write and read back */
    char  *buf = NULL;
    size_t len = 0;
    FILE  *fp = open_memstream(&buf, &len);
    char wcrc[9];
    TFF_UCHECK(tff_kmer_Write(fp, K, famv, "a test", wcrc, errbuf) == tffOK, "%s", errbuf);
    fclose(fp);
    TFF_UCHECK(tff_kmer_Parse("mem", buf, len, &K2, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(K2->nfam == F && strcmp(K2->fam[2], "c") == 0 && K2->rank == K->rank, "read back: %d families", K2->nfam);
    TFF_UCHECK(strcmp(K2->crc, wcrc) == 0 && strlen(wcrc) == 8, "the crc32 written (%s) is the one read (%s)", wcrc, K2->crc);
    tff_kmer_Predict(K, X, p);
    tff_kmer_Predict(K2, X, p2);
    for (int c = 0; c < F; c++) TFF_UNEAR(p2[c], p[c], 1e-6, "read back: probability %d", c);
    buf[len / 2] ^= 1;   /* a flipped bit: the crc32 line catches it */
    tff_kmer_Destroy(K2); K2 = NULL;
    TFF_UCHECK(tff_kmer_Parse("mem", buf, len, &K2, errbuf) == tffEFORMAT && strstr(errbuf, "corrupted k-mer model"), "flipped bit: %s", errbuf);
    free(buf);
  }
  /* no leak: fold 0's probabilities come from a model that never saw fold 0's labels */
  TFF_UCHECK(tff_kmer_OOF(X, y, NULL, fold, n, F, 5, &o, oof, errbuf) == tffOK, "%s", errbuf);
  for (int i = 0; i < n; i++) if (fold[i] == 0) y[i] = (y[i] + 1) % F;
  TFF_UCHECK(tff_kmer_OOF(X, y, NULL, fold, n, F, 5, &o, oof2, errbuf) == tffOK, "%s", errbuf);
  for (int i = 0; i < n; i++)
    if (fold[i] == 0)
      for (int c = 0; c < F; c++) TFF_UCHECK(oof[i * F + c] == oof2[i * F + c], "fold 0's labels changed its own probabilities (motif %d)", i);
  {
    int diff = 0;
    for (int i = 0; i < n; i++) if (fold[i] == 1) for (int c = 0; c < F; c++) diff += oof[i * F + c] != oof2[i * F + c];
    TFF_UCHECK(diff > 0, "fold 0's labels must change the other folds' models");
  }
  tff_kmer_Destroy(K);
  free(X); free(oof); free(oof2);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_kmer_utest", NULL);
  utest_spectrum();
  utest_fit();
  utest_settings_lines();
  return tff_utest_Done();
}
#endif /* tffKMER_TESTDRIVE */
