/* tffam-cv-novelty.c: tffam-cv -novelty, the no_known_family model.
 *
 * Rows: every one-label motif as a known row (its features out of fold in the
 * combiner's split); for each family with at least -loco-min motifs, its motifs
 * against the reference without it (a left-out class); random decoy motifs. A binary
 * logistic model on the per-query novelty features (tff_combine_NovelFeatures) is
 * fitted on them (tff_combine_FitNovelty) and judged: each left-out class
 * cross-fitted over the folds of the known motifs (its share of no_known_family and
 * AUROC), the known motifs' lost correct calls on held-out folds, and decoys of
 * another seed. The model fitted on all rows goes into -write-combiner's combiner.
 * doc/combine.md, "No known family", has the protocol and its results.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tff_combine.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_outdir.h"
#include "tff_util.h"

#include "tffam-cv.h"

typedef struct {
  int     n;          /* rows */
  double *Z;          /* n x TFF_NOVEL_NFEAT */
  int    *novel;      /* 1: a motif of no known family (left-out class, decoy) */
  int    *kind;       /* 0 known (out of fold), 1 left-out class, 2 decoy */
  int    *motif;      /* kind 0, 1: motif index; kind 2: decoy index */
  int    *cls;        /* kind 1: the class left out; kind 0: y */
  int    *correct;    /* kind 0: the combined call was right */
  int    *fold;       /* kind 0: the motif's fold; else -1 */
  double *wt;
  double *score;      /* held-out novelty probability */
} NOVROWS;

static void
novrows_free(NOVROWS *V)
{
  free(V->Z); free(V->novel); free(V->kind); free(V->motif); free(V->cls); free(V->correct); free(V->fold); free(V->wt); free(V->score);
}

static int
novrows_grow(NOVROWS *V, int n, char *errbuf)
{
  int status;
  TFF_REALLOC(V->Z, sizeof(double) * (size_t) n * TFF_NOVEL_NFEAT);
  TFF_REALLOC(V->novel, sizeof(int) * (size_t) n);
  TFF_REALLOC(V->kind, sizeof(int) * (size_t) n);
  TFF_REALLOC(V->motif, sizeof(int) * (size_t) n);
  TFF_REALLOC(V->cls, sizeof(int) * (size_t) n);
  TFF_REALLOC(V->correct, sizeof(int) * (size_t) n);
  TFF_REALLOC(V->fold, sizeof(int) * (size_t) n);
  TFF_REALLOC(V->wt, sizeof(double) * (size_t) n);
  TFF_REALLOC(V->score, sizeof(double) * (size_t) n);
  return tffOK;
 ERROR:
  return status;
}

/* Neighbours of queries against a reference subset, as tffam makes them (three scores, and the extra one). */
static int
subset_tables(TFF_MOTIF *const *q, int nq, TFF_MOTIF *const *refs, int nref, const TFF_MOTIFSET *set, int kmax, int extra_col,
              int nthreads, TFF_KNN_TABLE **ret_T, TFF_KNN_TABLE **ret_TX, char *errbuf)
{
  TFF_KNN_CFG cfg;
  int         status;
  *ret_T = *ret_TX = NULL;
  tff_knn_DefaultConfig(&cfg);
  cfg.kmax = kmax;
  cfg.nthreads = nthreads;
  cfg.bg = set->bg;
  TFF_CHECK(tff_knn_Neighbours(q, nq, refs, nref, &cfg, ret_T, errbuf));
  if (extra_col >= 0) TFF_CHECK(tff_knn_NeighboursScore(q, nq, refs, nref, &cfg, extra_col, ret_TX, errbuf));
  return tffOK;
 ERROR:
  return status;
}

/* Area under the ROC curve of score, novel rows against known ones (ties count half). */
static double
auroc(const double *score, const int *novel, const int *sel, int n)
{
  double num = 0.0;
  long   np = 0, nn = 0;
  for (int i = 0; i < n; i++) if (sel[i]) { if (novel[i]) np++; else nn++; }
  if (!np || !nn) return NAN;
  for (int i = 0; i < n; i++) {
    if (!sel[i] || !novel[i]) continue;
    for (int j = 0; j < n; j++) {
      if (!sel[j] || novel[j]) continue;
      num += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
    }
  }
  return num / ((double) np * nn);
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The threshold at which at most lost x m of the m novelty probabilities v[] (known
 * motifs whose combined call was right) reach it; v is sorted in place. */
static double
novel_threshold(double *v, int m, double lost)
{
  int    k = (int) ceil((1.0 - lost) * m);
  double t;
  qsort(v, (size_t) m, sizeof(double), cmp_double);
  t = m == 0 ? 0.5 : k >= m ? nextafter(v[m - 1], 2.0) : nextafter(v[k - 1 < 0 ? 0 : k - 1], 2.0);
  return t > 1.0 ? 1.0 : t;
}

static double
novel_prob(const double *w, double b, const double *z)
{
  double s = b;
  for (int j = 0; j < TFF_NOVEL_NFEAT; j++) s += w[j] * z[j];
  return 1.0 / (1.0 + exp(-s));
}

/* Fit on rows with sel; the threshold (unless thresh is NULL): the (1 - lost) quantile of
 * the novelty probability of the known rows among them whose combined call was right. */
static int
fit_novel_sel(const NOVROWS *V, const int *sel, double lost, double *w, double *b, double *thresh, char *errbuf)
{
  double *v = NULL;
  int     status, m = 0;
  TFF_CHECK(tff_combine_FitNovelty(V->Z, V->novel, V->wt, sel, V->n, 1e-3, w, b, errbuf));
  if (thresh) {
    TFF_CALLOC(v, (size_t) V->n + 1, sizeof(double));
    for (int i = 0; i < V->n; i++)
      if (sel[i] && V->kind[i] == 0 && V->correct[i]) v[m++] = novel_prob(w, *b, V->Z + (size_t) i * TFF_NOVEL_NFEAT);
    *thresh = novel_threshold(v, m, lost);
  }
  status = tffOK;
 ERROR:
  free(v);
  return status;
}

/* cv_novelty_LocoClass() (tffam-cv.h): -novelty's left-out classes, the one rule for
 * cv_novelty_Run() and main()'s check of -decoys 0. */
int
cv_novelty_LocoClass(const TFF_LABELS *L, int c, int locomin, int *opt_count, int *opt_nquery)
{
  int cnt = 0, one = 0;
  for (int i = 0; i < L->n; i++) {
    int inc = L->y[i] == c || (L->y2 && L->y2[i] == c);
    cnt += inc;
    one += inc && !(L->y2 && L->y2[i] >= 0);
  }
  if (opt_count) *opt_count = cnt;
  if (opt_nquery) *opt_nquery = one;
  return cnt >= locomin;
}


static double
top_prob(const double *p, int F)
{
  double t = 0.0;
  for (int f = 0; f < F; f++) if (p[f] > t) t = p[f];
  return t;
}

/* -novelty-cnn, left-out class c: top[i] for each one-label motif i of c, the top probability
 * of networks trained (as the split's, -cnn-seeds and -augment-mix) on every trainable motif
 * of the other classes: one "fold" (0) holds c's motifs, the rest (1) train. */
static int
loco_cnn_top(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const TFF_LABELS *L, int c, int nseeds, double *top, char *errbuf)
{
  int    *fold = NULL, *trainable = NULL, status;
  double *prob = NULL;
  const int n = L->n, F = L->nfam;
  TFF_CALLOC(fold, (size_t) n, sizeof(int));
  TFF_CALLOC(trainable, (size_t) n, sizeof(int));
  TFF_CALLOC(prob, (size_t) n * F, sizeof(double));
  for (int i = 0; i < n; i++) {
    int inc = L->y[i] == c || (L->y2 && L->y2[i] == c);
    fold[i] = inc ? 0 : 1;
    trainable[i] = !inc && !(L->y2 && L->y2[i] >= 0);
  }
  TFF_CHECK(cv_network_probs(0, o, d, fold, trainable, 1, nseeds, prob, errbuf));
  for (int i = 0; i < n; i++) top[i] = fold[i] == 0 ? top_prob(prob + (size_t) i * F, F) : NAN;
 ERROR:
  free(fold); free(trainable); free(prob);
  return status;
}

/* -novelty-cnn, decoys: top[t] for the nm motifs mm[], from networks trained on every
 * trainable motif of the set (as the shipped ones are): the motifs are appended to the set as
 * untrainable motifs of one "fold" (0), so the networks are those of loco_cnn_top with
 * nothing left out. */
static int
decoy_cnn_top(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const TFF_MOTIFSET *set, const TFF_LABELS *L,
              TFF_MOTIF *const *mm, int nm, int nseeds, double *top, char *errbuf)
{
  TFF_MOTIFSET    s2;
  TFF_LABELS      L2;
  TFF_TRAIN_DATA *d2 = NULL;
  int            *fold = NULL, *trainable = NULL, *group = NULL, status;
  double         *prob = NULL;
  const int       n = set->n, F = L->nfam, N = n + nm;
  memset(&s2, 0, sizeof s2);
  memset(&L2, 0, sizeof L2);
  TFF_CALLOC(s2.m, (size_t) N, sizeof(TFF_MOTIF *));
  TFF_CALLOC(L2.y, (size_t) N, sizeof(int));
  TFF_CALLOC(fold, (size_t) N, sizeof(int));
  TFF_CALLOC(trainable, (size_t) N, sizeof(int));
  TFF_CALLOC(prob, (size_t) N * F, sizeof(double));
  for (int i = 0; i < N; i++) {
    s2.m[i] = i < n ? set->m[i] : mm[i - n];
    L2.y[i] = i < n ? L->y[i] : 0;   /* a decoy's label is never used: it does not train */
    fold[i] = i < n ? 1 : 0;
    trainable[i] = i < n && !(L->y2 && L->y2[i] >= 0);
  }
  s2.n = L2.n = N;
  L2.nfam = F;
  TFF_CHECK(tff_train_DataCreate(&o->arch, &s2, &L2, &d2, errbuf));
  if (d->group) {   /* -cnn-val-split stem: the decoys are one more group (they never train) */
    TFF_CALLOC(group, (size_t) N, sizeof(int));
    for (int i = 0; i < N; i++) group[i] = i < n ? d->group[i] : d->ngroup;
    d2->group = group;
    d2->ngroup = d->ngroup + 1;
  }
  TFF_CHECK(cv_network_probs(0, o, d2, fold, trainable, 1, nseeds, prob, errbuf));
  for (int t = 0; t < nm; t++) top[t] = top_prob(prob + (size_t) (n + t) * F, F);
 ERROR:
  tff_train_DataDestroy(d2);
  free(s2.m); free(L2.y); free(fold); free(trainable); free(group); free(prob);
  return status;
}

/* cv_novelty_Run() (tffam-cv.h): sections 1-3 make the rows, 4 judges the left-out
 * classes, 5 the known motifs on held-out folds, 6 fits the final model and checks it. */
int
cv_novelty_Run(const TFF_MOTIFSET *set, const TFF_LABELS *L, const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, int extra_col,
               const SPLIT_RESULT *R, const SPLIT_RESULT *Rall, int nsplit, int locomin, double lost, int ndecoy, uint64_t seed,
               int nthreads, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, int nseeds, TFF_OUTDIR *od, int have_dir,
               int verbose, FILE *out, CV_NOVELTY *M, char *errbuf)
{
  double        *vth = NULL;                  /* section 4: the out-of-sample scores of correct known calls */
  double        *Z0 = NULL;                   /* section 4: the rows' features with every class in the reference */
  int           *fold2 = NULL;                /* section 4: the folds, with the left-out class's motifs in one more */
  TFF_KNN_TABLE *Uc = NULL, *UXc = NULL;      /* section 4: the neighbours without the left-out class */
  double        *ltop = NULL, *dtop = NULL;   /* -novelty-cnn: left-out motifs' (n) and decoys' (training, then test) top probability */
  TFF_MOTIF    **dm = NULL;
  int            ndm = 0;
  NOVROWS        V;
  TFF_KNN_TABLE *U = NULL, *UX = NULL, *Tc = NULL, *TXc = NULL;
  TFF_MOTIF    **q = NULL, **refs = NULL;
  TFF_MOTIFSET  *dec[3] = { NULL, NULL, NULL }, *tdec[2] = { NULL, NULL };
  int           *ry = NULL, *ry2 = NULL, *sel = NULL, *sel2 = NULL, *qi = NULL, status, n = L->n, F = L->nfam, nk = 0, nl = 0, nd = 0;
  double         w[TFF_NOVEL_NFEAT], b, th;
  FILE          *fp = NULL;
  const int      kmax = T->kmax;

  memset(&V, 0, sizeof V);
  TFF_CHECK(novrows_grow(&V, n, errbuf));
  /* 1. known rows: every one-label motif, out of fold in the combiner's split */
  TFF_CHECK(tff_combine_FilterTable(T, R->fold, &U, errbuf));
  if (TX) TFF_CHECK(tff_combine_FilterTable(TX, R->fold, &UX, errbuf));
  /* the typical best -log10 p of each family's motifs (out of fold), shrunk towards all
   * motifs' median with the weight of 5 motifs: a first pass for the values */
  TFF_CALLOC(M->typ, (size_t) 2 * F, sizeof(double));
  {
    double *v = NULL, *zb = NULL, med[2];   /* zb[i*2+t]: motif i's best ed (t 0) and extra (t 1) -log10 p */
    int     m;
    TFF_CALLOC(v, (size_t) n + 1, sizeof(double));
    TFF_CALLOC(zb, (size_t) 2 * n + 2, sizeof(double));
    for (int i = 0; i < n; i++) {
      double z[TFF_NOVEL_NFEAT];
      if (L->y2 && L->y2[i] >= 0) continue;
      tff_combine_NovelFeatures(U, UX, i, L->y, L->y2, F, NULL, set->m[i], NAN, z);
      zb[2 * i] = z[tffNOVEL_BEST_ED_NLP];
      zb[2 * i + 1] = z[tffNOVEL_BEST_EXTRA_NLP];
    }
    for (int t = 0; t < 2; t++) {
      m = 0;
      for (int i = 0; i < n; i++) if (!(L->y2 && L->y2[i] >= 0)) v[m++] = zb[2 * i + t];
      qsort(v, (size_t) m, sizeof(double), cmp_double);
      med[t] = m ? v[m / 2] : 0.0;
      for (int f = 0; f < F; f++) {
        m = 0;
        for (int i = 0; i < n; i++) if (!(L->y2 && L->y2[i] >= 0) && L->y[i] == f) v[m++] = zb[2 * i + t];
        qsort(v, (size_t) m, sizeof(double), cmp_double);
        M->typ[f * 2 + t] = ((m ? m * v[m / 2] : 0.0) + 5.0 * med[t]) / (m + 5.0);
      }
    }
    free(v);
    free(zb);
  }
  for (int i = 0; i < n; i++) {
    if (L->y2 && L->y2[i] >= 0) continue;
    tff_combine_NovelFeatures(U, UX, i, L->y, L->y2, F, M->typ, set->m[i], M->use_cnn ? R->conf[M_CNN * n + i] : NAN,
                              V.Z + (size_t) V.n * TFF_NOVEL_NFEAT);
    V.novel[V.n] = 0; V.kind[V.n] = 0; V.motif[V.n] = i; V.cls[V.n] = L->y[i];
    V.correct[V.n] = R->pred[M_COMB * n + i] == L->y[i]; V.fold[V.n] = R->fold[i];
    V.n++; nk++;
  }
  /* 2. left-out classes: each class's motifs against the reference without that class */
  TFF_CALLOC(q, (size_t) n + 1, sizeof(TFF_MOTIF *));
  TFF_CALLOC(qi, (size_t) n + 1, sizeof(int));
  TFF_CALLOC(refs, (size_t) n + 1, sizeof(TFF_MOTIF *));
  TFF_CALLOC(ry, (size_t) n + 1, sizeof(int));
  TFF_CALLOC(ry2, (size_t) n + 1, sizeof(int));
  for (int c = 0; c < F; c++) {
    int nq = 0, nr = 0, nquery;
    /* a class that only two-label motifs carry to -loco-min has no query: no rows, so
     * neither its neighbour tables nor (-novelty-cnn) its networks are made */
    if (!cv_novelty_LocoClass(L, c, locomin, NULL, &nquery) || nquery == 0) continue;
    for (int i = 0; i < n; i++) {
      int inc = L->y[i] == c || (L->y2 && L->y2[i] == c);
      if (inc && !(L->y2 && L->y2[i] >= 0)) { qi[nq] = i; q[nq++] = set->m[i]; }   /* one-label motifs of c are the queries */
      if (!inc) { refs[nr] = set->m[i]; ry[nr] = L->y[i]; ry2[nr] = L->y2 ? L->y2[i] : -1; nr++; }
    }
    TFF_CHECK(subset_tables(q, nq, refs, nr, set, kmax, TX ? extra_col : -1, nthreads, &Tc, &TXc, errbuf));
    TFF_CHECK(novrows_grow(&V, V.n + nq, errbuf));
    if (M->use_cnn) {
      time_t t0 = time(NULL);
      if (!ltop) TFF_CALLOC(ltop, (size_t) n, sizeof(double));
      TFF_CHECK(loco_cnn_top(o, d, L, c, nseeds, ltop, errbuf));
      if (verbose) fprintf(stderr, "tffam-cv: novelty: networks without %s (%ld s)\n", L->fam[c], (long) (time(NULL) - t0));
    }
    for (int t = 0; t < nq; t++) {
      tff_combine_NovelFeatures(Tc, TXc, t, ry, ry2, F, M->typ, q[t], M->use_cnn ? ltop[qi[t]] : NAN,
                                V.Z + (size_t) V.n * TFF_NOVEL_NFEAT);
      V.novel[V.n] = 1; V.kind[V.n] = 1; V.motif[V.n] = qi[t]; V.cls[V.n] = c; V.correct[V.n] = 0; V.fold[V.n] = -1;
      V.n++; nl++;
    }
    tff_knn_table_Destroy(Tc); Tc = NULL;
    tff_knn_table_Destroy(TXc); TXc = NULL;
  }
  /* 3. decoys: Dirichlet(1), Dirichlet(10) and uniform columns, widths 5-30; and the test
   * decoys of another seed (section 6), made here for -novelty-cnn's networks */
  {
    const double alpha[3] = { 1.0, 10.0, 0.0 }, talpha[2] = { 1.0, 0.0 };
    const int    nn[3] = { ndecoy / 2, ndecoy / 4, ndecoy - ndecoy / 2 - ndecoy / 4 }, tn[2] = { 1000, 200 }, wlo[2] = { 6, 5 },
                 whi[2] = { 20, 30 };
    for (int k = 0; k < 3 && ndecoy > 0; k++)
      TFF_CHECK(tff_combine_DecoyMotifs(nn[k], 5, 30, alpha[k], tff_rng_Derive(seed, 900 + (uint64_t) k), "decoy", &dec[k], errbuf));
    for (int k = 0; k < 2; k++)
      TFF_CHECK(tff_combine_DecoyMotifs(tn[k], wlo[k], whi[k], talpha[k], tff_rng_Derive(seed, 950 + (uint64_t) k), "test", &tdec[k], errbuf));
    if (M->use_cnn) {
      time_t t0 = time(NULL);
      for (int k = 0; k < 3; k++) ndm += dec[k] ? dec[k]->n : 0;
      ndm += tdec[0]->n + tdec[1]->n;
      TFF_CALLOC(dm, (size_t) ndm, sizeof(TFF_MOTIF *));
      TFF_CALLOC(dtop, (size_t) ndm, sizeof(double));
      ndm = 0;
      for (int k = 0; k < 3; k++) for (int t = 0; dec[k] && t < dec[k]->n; t++) dm[ndm++] = dec[k]->m[t];
      for (int k = 0; k < 2; k++) for (int t = 0; t < tdec[k]->n; t++) dm[ndm++] = tdec[k]->m[t];
      TFF_CHECK(decoy_cnn_top(o, d, set, L, dm, ndm, nseeds, dtop, errbuf));
      if (verbose) fprintf(stderr, "tffam-cv: novelty: networks for the decoys (%ld s)\n", (long) (time(NULL) - t0));
    }
  }
  if (ndecoy > 0) {
    int dj = 0;   /* index into dtop */
    for (int k = 0; k < 3; k++) {
      TFF_CHECK(subset_tables(dec[k]->m, dec[k]->n, set->m, n, set, kmax, TX ? extra_col : -1, nthreads, &Tc, &TXc, errbuf));
      TFF_CHECK(novrows_grow(&V, V.n + dec[k]->n, errbuf));
      for (int t = 0; t < dec[k]->n; t++) {
        tff_combine_NovelFeatures(Tc, TXc, t, L->y, L->y2, F, M->typ, dec[k]->m[t], M->use_cnn ? dtop[dj++] : NAN,
                                  V.Z + (size_t) V.n * TFF_NOVEL_NFEAT);
        V.novel[V.n] = 1; V.kind[V.n] = 2; V.motif[V.n] = t; V.cls[V.n] = -1; V.correct[V.n] = 0; V.fold[V.n] = (V.n % R->K);
        V.n++; nd++;
      }
      tff_knn_table_Destroy(Tc); Tc = NULL;
      tff_knn_table_Destroy(TXc); TXc = NULL;
    }
  }
  for (int i = 0; i < V.n; i++)
    V.wt[i] = V.kind[i] == 0 ? 1.0 / nk : V.kind[i] == 1 ? M->wloco / (nl ? nl : 1) : (1.0 - M->wloco) / (nd ? nd : 1);
  if (nd == 0) for (int i = 0; i < V.n; i++) if (V.kind[i] == 1) V.wt[i] = 1.0 / (nl ? nl : 1);
  TFF_CALLOC(sel, (size_t) V.n, sizeof(int));
  TFF_CALLOC(sel2, (size_t) V.n, sizeof(int));

  /* 4. left-out class c, cross-fitted: for each fold k of the known motifs, a model fitted
   * without class c (its left-out rows and its known rows) and without fold k's known rows
   * scores fold k's known motifs and c's motifs. Every score is out of sample: a known
   * motif's comes from the model that did not see it, c's motifs get the mean of the K
   * models' (none saw c), and c's threshold is the one at which -novelty-lost of those
   * out-of-sample scores of correct known calls (other classes) abstain. The known rows'
   * neighbour features are made again without c's motifs in the reference, as they would
   * be if c were missing from it (the typical values and cnn_top are still those of the
   * reference and networks with c). */
  if (have_dir) TFF_CHECK(tff_outdir_Fopen(od, "cv_novelty.tsv", &fp, errbuf));
  if (fp) TFF_CHECK(tff_Fprintf(fp, errbuf, "family\tmotifs\tno_known_family\tshare\tAUROC\tthreshold\n"));
  {
    double sum_share = 0.0, sum_auc = 0.0;
    int    ncls = 0;
    TFF_CALLOC(vth, (size_t) V.n + 1, sizeof(double));
    TFF_CALLOC(fold2, (size_t) n + 1, sizeof(int));
    TFF_CALLOC(Z0, (size_t) V.n * TFF_NOVEL_NFEAT + 1, sizeof(double));
    memcpy(Z0, V.Z, sizeof(double) * (size_t) V.n * TFF_NOVEL_NFEAT);
    for (int c = 0; c < F; c++) {
      long nc = 0, ab = 0;
      int  m = 0;
      double a;
      for (int i = 0; i < V.n; i++) if (V.kind[i] == 1 && V.cls[i] == c) nc++;
      if (!nc) continue;
      for (int i = 0; i < V.n; i++) {
        V.score[i] = 0.0;
        /* c's left-out motifs, and the known motifs of other classes (known rows are one-label
         * motifs, section 1, so a known row of another class never names c) */
        sel2[i] = (V.kind[i] == 1 && V.cls[i] == c) || (V.kind[i] == 0 && V.cls[i] != c);
      }
      /* the known motifs' features as they are without c in the reference: their neighbours
       * among the other folds' motifs of the other classes (c's motifs in a fold of their own) */
      for (int i = 0; i < n; i++) fold2[i] = (L->y[i] == c || (L->y2 && L->y2[i] == c)) ? R->K : R->fold[i];
      TFF_CHECK(tff_combine_FilterTableOut(T, fold2, R->K, &Uc, errbuf));
      if (TX) TFF_CHECK(tff_combine_FilterTableOut(TX, fold2, R->K, &UXc, errbuf));
      for (int i = 0; i < V.n; i++)
        if (V.kind[i] == 0 && V.cls[i] != c)
          tff_combine_NovelFeatures(Uc, UXc, V.motif[i], L->y, L->y2, F, M->typ, set->m[V.motif[i]],
                                    M->use_cnn ? R->conf[M_CNN * n + V.motif[i]] : NAN, V.Z + (size_t) i * TFF_NOVEL_NFEAT);
      tff_knn_table_Destroy(Uc); Uc = NULL;
      tff_knn_table_Destroy(UXc); UXc = NULL;
      for (int k = 0; k < R->K; k++) {
        for (int i = 0; i < V.n; i++)
          sel[i] = V.cls[i] != c && !(V.kind[i] == 0 && V.fold[i] == k);
        TFF_CHECK(fit_novel_sel(&V, sel, lost, w, &b, NULL, errbuf));   /* c's threshold comes from the scores below */
        for (int i = 0; i < V.n; i++) {
          if (!sel2[i]) continue;
          if (V.kind[i] == 1) V.score[i] += novel_prob(w, b, V.Z + (size_t) i * TFF_NOVEL_NFEAT) / R->K;
          else if (V.fold[i] == k) V.score[i] = novel_prob(w, b, V.Z + (size_t) i * TFF_NOVEL_NFEAT);
        }
      }
      memcpy(V.Z, Z0, sizeof(double) * (size_t) V.n * TFF_NOVEL_NFEAT);   /* every class's features again */
      for (int i = 0; i < V.n; i++) if (sel2[i] && V.kind[i] == 0 && V.correct[i]) vth[m++] = V.score[i];
      th = novel_threshold(vth, m, lost);
      for (int i = 0; i < V.n; i++) if (sel2[i] && V.kind[i] == 1) ab += V.score[i] >= th;
      a = auroc(V.score, V.novel, sel2, V.n);
      sum_share += (double) ab / nc; sum_auc += a; ncls++;
      if (fp) TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%ld\t%ld\t%.4f\t%.4f\t%.4f\n", L->fam[c], nc, ab, (double) ab / nc, a, th));
      if (verbose) fprintf(stderr, "tffam-cv: novelty: %s left out: %ld of %ld no_known_family (%.3f), AUROC %.4f\n", L->fam[c], ab, nc,
                           (double) ab / nc, a);
    }
    fprintf(out, "# novelty, leave-one-class-out (%d families with >= %d motifs): mean share no_known_family %.4f, mean AUROC %.4f (known motifs scored out of fold)\n",
           ncls, locomin, ncls ? sum_share / ncls : 0.0, ncls ? sum_auc / ncls : 0.0);
  }
  /* 5. known motifs, held-out folds: fold k's model (fitted without fold k's known rows) */
  {
    long ncorrect = 0, lostc = 0, nall = 0, lostall = 0;
    for (int k = 0; k < R->K; k++) {
      for (int i = 0; i < V.n; i++) sel[i] = V.kind[i] != 0 || V.fold[i] != k;
      TFF_CHECK(fit_novel_sel(&V, sel, lost, w, &b, &th, errbuf));
      for (int i = 0; i < V.n; i++) {
        double pn;
        if (V.kind[i] != 0 || V.fold[i] != k) continue;
        pn = novel_prob(w, b, V.Z + (size_t) i * TFF_NOVEL_NFEAT);
        nall++; lostall += pn >= th;
        if (V.correct[i]) { ncorrect++; lostc += pn >= th; }
      }
    }
    fprintf(out, "# novelty, %s split, held-out folds: %ld of %ld correct combined calls lost to no_known_family (%.4f); %ld of %ld motifs abstained (%.4f)\n",
           R->split, lostc, ncorrect, ncorrect ? (double) lostc / ncorrect : 0.0, lostall, nall, nall ? (double) lostall / nall : 0.0);
  }
  /* 6. the final model on all rows; decoys of another seed; the other splits' held-out motifs */
  for (int i = 0; i < V.n; i++) sel[i] = 1;
  TFF_CHECK(fit_novel_sel(&V, sel, lost, M->w, &M->b, &M->thresh, errbuf));
  M->have = 1;
  fprintf(out, "# novelty model (all rows: %d known, %d left-out-class, %d decoys): threshold %.4f\n", nk, nl, nd, M->thresh);
  {
    const int    nn[2] = { 1000, 200 };
    const char  *what[2] = { "Dirichlet(1), widths 6-20", "uniform, widths 5-30" };
    int          dj = M->use_cnn ? ndm - tdec[0]->n - tdec[1]->n : 0;   /* the test decoys' place in dtop */
    for (int k = 0; k < 2; k++) {
      long ab = 0;
      TFF_CHECK(subset_tables(tdec[k]->m, tdec[k]->n, set->m, n, set, kmax, TX ? extra_col : -1, nthreads, &Tc, &TXc, errbuf));
      for (int t = 0; t < tdec[k]->n; t++) {
        double z[TFF_NOVEL_NFEAT];
        tff_combine_NovelFeatures(Tc, TXc, t, L->y, L->y2, F, M->typ, tdec[k]->m[t], M->use_cnn ? dtop[dj++] : NAN, z);
        ab += novel_prob(M->w, M->b, z) >= M->thresh;
      }
      fprintf(out, "# novelty, %d test decoys (%s, another seed): %ld no_known_family (%.4f)\n", nn[k], what[k], ab, (double) ab / nn[k]);
      tff_knn_table_Destroy(Tc); Tc = NULL;
      tff_knn_table_Destroy(TXc); TXc = NULL;
    }
  }
  for (int s = 0; s < nsplit; s++) {   /* known motifs of every split, final model (it saw the combiner split's rows) */
    long nc = 0, lc = 0;
    const SPLIT_RESULT *S = &Rall[s];
    tff_knn_table_Destroy(U); U = NULL;
    tff_knn_table_Destroy(UX); UX = NULL;
    TFF_CHECK(tff_combine_FilterTable(T, S->fold, &U, errbuf));
    if (TX) TFF_CHECK(tff_combine_FilterTable(TX, S->fold, &UX, errbuf));
    for (int i = 0; i < n; i++) {
      double z[TFF_NOVEL_NFEAT];
      if ((L->y2 && L->y2[i] >= 0) || S->pred[M_COMB * n + i] != L->y[i]) continue;
      tff_combine_NovelFeatures(U, UX, i, L->y, L->y2, F, M->typ, set->m[i], M->use_cnn ? S->conf[M_CNN * n + i] : NAN, z);
      nc++; lc += novel_prob(M->w, M->b, z) >= M->thresh;
    }
    fprintf(out, "# novelty, %s split: %ld of %ld correct combined calls would abstain under the final model (%.4f)\n", S->split, lc, nc,
           nc ? (double) lc / nc : 0.0);
  }
  if (fp) TFF_OUTDIR_FCLOSE(od, fp, "cv_novelty.tsv");
  status = tffOK;
 ERROR:
  if (fp) fclose(fp);
  novrows_free(&V);
  tff_knn_table_Destroy(U); tff_knn_table_Destroy(UX); tff_knn_table_Destroy(Tc); tff_knn_table_Destroy(TXc);
  for (int k = 0; k < 3; k++) tff_motifset_Destroy(dec[k]);
  for (int k = 0; k < 2; k++) tff_motifset_Destroy(tdec[k]);
  free(q); free(qi); free(refs); free(ry); free(ry2); free(sel); free(sel2);
  free(ltop); free(dtop); free(dm); free(vth); free(Z0); free(fold2);
  tff_knn_table_Destroy(Uc); tff_knn_table_Destroy(UXc);
  return status;
}
