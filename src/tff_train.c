/* tff_train: the training loop, early stopping and cross-validation.
 *
 * Contents:
 *   1. Options
 *   2. Encoded data
 *   3. Training
 *   4. Cross-validation
 *   5. Benchmark (tffTRAIN_BENCHMARK)
 *   6. Unit tests (tffTRAIN_TESTDRIVE)
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_adam.h"
#include "tff_calib.h"
#include "tff_cnn.h"
#include "tff_labels.h"
#include "tff_metrics.h"
#include "tff_opts.h"
#include "tff_random.h"
#include "tff_train.h"
#include "tff_util.h"

/* 1. Options */

void
tff_train_OptsThesis(TFF_TRAIN_OPTS *o)
{
  memset(o, 0, sizeof *o);
  tff_cnn_ArchThesis(&o->arch);
  tff_adam_Defaults(&o->adam);
  o->init         = tffCNN_INIT_TORCH;
  o->patience     = 7;
  o->max_epochs   = 200;
  o->val_frac     = 0.1;
  o->class_weight = tffTRAIN_CW_NONE;
  o->restore_best = 1;
  o->augment      = 0;
  o->aug_nsites   = 100;
  o->aug_trim     = 3;
  o->aug_trim_ic  = 1.0;
  o->aug_minw     = 5;
  o->aug_pad      = 3;
  o->seed         = 1;
  o->verbose      = 0;
}

void
tff_train_OptsDefault(TFF_TRAIN_OPTS *o)
{
  tff_train_OptsThesis(o);
  tff_cnn_ArchDefault(&o->arch);
  o->init = tffCNN_INIT_HE;
}

static const char *aug_word[3] = { "sample", "trim", "pad" };

int
tff_train_AugmentFromOpts(const TFF_OPTS *opts, TFF_TRAIN_OPTS *o, char *errbuf)
{
  int status;
  TFF_CHECK(tff_train_AugmentParse(tff_opts_GetString(opts, "augment"), &o->augment, errbuf));
  o->aug_nsites  = tff_opts_GetInt(opts, "augment-nsites");
  o->aug_trim    = tff_opts_GetInt(opts, "augment-trim");
  o->aug_trim_ic = tff_opts_GetReal(opts, "augment-trim-ic");
  o->aug_minw    = tff_opts_GetInt(opts, "augment-minw");
  o->aug_pad     = tff_opts_GetInt(opts, "augment-pad");
  return tffOK;
 ERROR:
  return status;
}

int
tff_train_ChannelsParse(const char *opt, const char *s, TFF_CNN_ARCH *arch, char *errbuf)
{
  int         ch[3];
  const char *p = s;
  /* strtol, not sscanf's %d: a count past INT_MAX is undefined there (glibc
   * took 4294967312 for 16). Digits only: no blank before a count (strtol
   * skips one, so ' 16,16,20' was taken where '16,16,20 ' was refused), as
   * for every option number (tff_opts.c) */
  for (int k = 0; k < 3; k++) {
    char *end;
    long  v;
    errno = 0;
    if (!isdigit((unsigned char) *p)) goto BAD;
    v = strtol(p, &end, 10);
    if (errno == ERANGE || v < 1 || v > TFF_CNN_MAXCH || *end != (k < 2 ? ',' : '\0')) goto BAD;
    ch[k] = (int) v;
    p = end + 1;
  }
  arch->ch[0] = ch[0]; arch->ch[1] = ch[1]; arch->ch[2] = ch[2];
  return tffOK;
 BAD:
  return tff_Fail(errbuf, tffEUSAGE, "%s: hidden channels '%s': three counts from 1 to %d are needed, like 16,16,20%s", opt, s, TFF_CNN_MAXCH,
                  strpbrk(s, " \t\n\v\f\r") ? " (no blanks)" : "");
}

int
tff_train_AugmentParse(const char *s, int *ret_bits, char *errbuf)
{
  int bits = 0;
  *ret_bits = 0;
  if (strcmp(s, "none") == 0) return tffOK;
  if (strcmp(s, "all") == 0) { *ret_bits = tffTRAIN_AUG_SAMPLE | tffTRAIN_AUG_TRIM | tffTRAIN_AUG_PAD; return tffOK; }
  for (const char *p = s; ; ) {
    size_t len = strcspn(p, "+,");
    int    j;
    for (j = 0; j < 3; j++) if (strlen(aug_word[j]) == len && strncmp(aug_word[j], p, len) == 0) break;
    if (j == 3)
      return tff_Fail(errbuf, tffEUSAGE, "augmentation '%s': unknown word '%.*s' (none, all, or sample, trim, pad joined by '+')", s, (int) len, p);
    bits |= 1 << j;
    if (p[len] == '\0') break;
    p += len + 1;
  }
  *ret_bits = bits;
  return tffOK;
}

char *
tff_train_AugmentName(int bits, char *buf, size_t len)
{
  size_t n = 0;
  if (len) buf[0] = '\0';
  if (!bits) { snprintf(buf, len, "none"); return buf; }
  for (int j = 0; j < 3; j++)
    if (bits & (1 << j)) {
      int r = snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "+" : "", aug_word[j]);
      if (r > 0) n += (size_t) r;
      if (n >= len) break;
    }
  return buf;
}

/* 2. Encoded data */

int
tff_train_DataCreate(const TFF_CNN_ARCH *a, const TFF_MOTIFSET *set, const TFF_LABELS *L,
                     TFF_TRAIN_DATA **ret_d, char *errbuf)
{
  TFF_TRAIN_DATA *d = NULL;
  size_t          tot = 0, ptot = 0;
  int             status;

  *ret_d = NULL;
  if (L->n != set->n) TFF_FAIL(tffEINVAL, errbuf, "labels for %d motifs, set of %d", L->n, set->n);
  TFF_CALLOC(d, 1, sizeof *d);
  d->n = set->n;
  d->nfam = L->nfam;
  TFF_CALLOC(d->W,   (size_t) d->n, sizeof(int));
  TFF_CALLOC(d->off, (size_t) d->n, sizeof(size_t));
  TFF_CALLOC(d->y,   (size_t) d->n, sizeof(int));
  if (L->y2) TFF_CALLOC(d->y2, (size_t) d->n, sizeof(int));
  TFF_CALLOC(d->w,      (size_t) d->n, sizeof(int));
  TFF_CALLOC(d->poff,   (size_t) d->n, sizeof(size_t));
  TFF_CALLOC(d->nsites, (size_t) d->n, sizeof(double));
  for (int i = 0; i < d->n; i++) {
    if (L->y[i] < 0) TFF_FAIL(tffEINVAL, errbuf, "motif %s has no label", set->m[i]->id);
    d->W[i]   = tff_cnn_EncodedWidth(a, set->m[i]->w);
    d->off[i] = tot;
    tot      += (size_t) TFF_ALPHA * (size_t) d->W[i];
    d->y[i]   = L->y[i];
    if (d->y2) d->y2[i] = L->y2[i];
    if (d->W[i] > d->maxW) d->maxW = d->W[i];
    d->w[i]      = set->m[i]->w;
    d->poff[i]   = ptot;
    ptot        += (size_t) TFF_ALPHA * (size_t) d->w[i];
    d->nsites[i] = set->m[i]->nsites;
    if (d->w[i] > d->maxw) d->maxw = d->w[i];
  }
  TFF_CALLOC(d->x,  tot, sizeof(tff_real));
  TFF_CALLOC(d->rc, tot, sizeof(tff_real));
  TFF_CALLOC(d->p,  ptot, sizeof(double));
  for (int i = 0; i < d->n; i++) {
    tff_cnn_Encode(a, set->m[i]->p, set->m[i]->w, d->x + d->off[i], d->rc + d->off[i]);
    memcpy(d->p + d->poff[i], set->m[i]->p, sizeof(double) * TFF_ALPHA * (size_t) d->w[i]);
  }
  *ret_d = d;
  return tffOK;
 ERROR:
  tff_train_DataDestroy(d);
  return status;
}

void
tff_train_DataDestroy(TFF_TRAIN_DATA *d)
{
  if (!d) return;
  free(d->W); free(d->off); free(d->y); free(d->y2); free(d->x); free(d->rc);
  free(d->w); free(d->poff); free(d->p); free(d->nsites);
  free(d);
}

/* 3. Training */

int
tff_train_ValidationSplit(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *idx, int n, uint64_t seed,
                          int *vfold, char *errbuf)
{
  int *ysub = NULL, *map = NULL, *gid = NULL, status, ng = 0, K;

  if (o->val_frac <= 0) { for (int r = 0; r < n; r++) vfold[r] = 1; return tffOK; }
  K = (int) floor(1.0 / o->val_frac + 0.5);   /* val_frac is at most 0.5 (the option's range) */
  if (K < 2) K = 2;
  if (K > n) TFF_FAIL(tffEINVAL, errbuf, "%d motifs are too few for a validation split of %g", n, o->val_frac);
  TFF_CALLOC(ysub, (size_t) n, sizeof(int));
  for (int r = 0; r < n; r++) ysub[r] = d->y[idx[r]];
  if (o->val_groups && d->group) {   /* compact the groups present among idx */
    TFF_CALLOC(map, (size_t) d->ngroup, sizeof(int));
    TFF_CALLOC(gid, (size_t) n, sizeof(int));
    for (int g = 0; g < d->ngroup; g++) map[g] = -1;
    for (int r = 0; r < n; r++) {
      int g = d->group[idx[r]];
      if (g < 0 || g >= d->ngroup) TFF_FAIL(tffEINVAL, errbuf, "motif %d: group %d of %d", idx[r] + 1, g, d->ngroup);
      if (map[g] < 0) map[g] = ng++;
      gid[r] = map[g];
    }
  }
  if (gid && ng >= K) TFF_CHECK(tff_labels_StratifyGroups(gid, ng, ysub, n, d->nfam, K, seed, vfold, errbuf));
  else                TFF_CHECK(tff_labels_Stratify(ysub, n, d->nfam, K, seed, vfold, errbuf));
  status = tffOK;
 ERROR:
  free(ysub); free(map); free(gid);
  return status;
}

/* Information content (bits, against a uniform background) of a column. */
static double
column_ic(const double *col)
{
  double ic = 2.0;
  for (int a = 0; a < TFF_ALPHA; a++) if (col[a] > 0) ic += col[a] * log2(col[a]);
  return ic;
}

int
tff_train_Augment(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, int i, TFF_RNG *rng, double *out)
{
  const double *p = d->p + d->poff[i];
  int           w = d->w[i], lo = 0, hi = w, padl = 0, padr = 0, wout;

  if (o->augment & tffTRAIN_AUG_TRIM) {
    int minw = o->aug_minw < w ? o->aug_minw : w, nl = 0, nr = 0, tl, tr;
    while (nl < o->aug_trim && nl < w && column_ic(p + 4 * nl) < o->aug_trim_ic) nl++;
    while (nr < o->aug_trim && nr < w && column_ic(p + 4 * (w - 1 - nr)) < o->aug_trim_ic) nr++;
    tl = (int) tff_rng_Below(rng, (uint64_t) nl + 1);
    tr = (int) tff_rng_Below(rng, (uint64_t) nr + 1);
    while (w - tl - tr < minw) {          /* give back columns, the larger trim first */
      if (tl >= tr && tl > 0) tl--; else tr--;
    }
    lo = tl;
    hi = w - tr;
  }
  if (o->augment & tffTRAIN_AUG_PAD) {
    padl = (int) tff_rng_Below(rng, (uint64_t) o->aug_pad + 1);
    padr = (int) tff_rng_Below(rng, (uint64_t) o->aug_pad + 1);
  }
  wout = padl + (hi - lo) + padr;
  for (int t = 0; t < wout; t++) {
    int           c = t - padl + lo;
    const double *col = (c >= lo && c < hi) ? p + 4 * c : NULL;
    for (int a = 0; a < TFF_ALPHA; a++) out[4 * t + a] = col ? col[a] : 0.25;
  }
  if (o->augment & tffTRAIN_AUG_SAMPLE) {
    double ns = d->nsites[i] > 0 ? d->nsites[i] : (double) TFF_DEFAULT_NSITES;
    int    N = (int) (ns < (double) o->aug_nsites ? ns : (double) o->aug_nsites);
    if (N < 1) N = 1;
    for (int t = 0; t < wout; t++) {
      double *col = out + 4 * t, cum[TFF_ALPHA];
      int     cnt[TFF_ALPHA] = { 0, 0, 0, 0 };
      cum[0] = col[0];
      for (int a = 1; a < TFF_ALPHA; a++) cum[a] = cum[a - 1] + col[a];
      for (int s = 0; s < N; s++) {
        double u = tff_rng_Uniform(rng) * cum[TFF_ALPHA - 1];
        int    a = 0;
        while (a < TFF_ALPHA - 1 && u >= cum[a]) a++;
        cnt[a]++;
      }
      for (int a = 0; a < TFF_ALPHA; a++) col[a] = (double) cnt[a] / N;
    }
  }
  return wout;
}

void
tff_train_Probs(const TFF_CNN *net, TFF_CNN_WS *ws, const TFF_TRAIN_DATA *d, int i, double *probs)
{
  double logits[TFF_CNN_MAXCH];
  tff_cnn_Logits(net, ws, d->x + d->off[i], d->rc + d->off[i], d->W[i], logits);
  tff_calib_Softmax(logits, net->nfam, 1.0, probs);
}

/* Mean (unweighted) cross-entropy over motifs idx[0..n-1]. */
static double
mean_loss(const TFF_CNN *net, TFF_CNN_WS *ws, const TFF_TRAIN_DATA *d, const int *idx, int n)
{
  double logits[TFF_CNN_MAXCH], sum = 0.0;
  for (int r = 0; r < n; r++) {
    int    i = idx[r];
    double mx, lse = 0.0;
    tff_cnn_Logits(net, ws, d->x + d->off[i], d->rc + d->off[i], d->W[i], logits);
    mx = logits[0];
    for (int f = 1; f < net->nfam; f++) if (logits[f] > mx) mx = logits[f];
    for (int f = 0; f < net->nfam; f++) lse += exp(logits[f] - mx);
    sum += mx + log(lse) - logits[d->y[i]];
  }
  return n ? sum / n : 0.0;
}

int
tff_train_Fit(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *idx, int n, uint64_t seed,
              const char *tag, TFF_CNN **ret_net, TFF_TRAIN_LOG *opt_log, char *errbuf)
{
  TFF_CNN       *net = NULL;
  TFF_CNN_WS    *ws = NULL;
  TFF_RNG        rng;
  TFF_TRAIN_LOG  log;
  TFF_RNG        arng;
  tff_real      *grads = NULL, *m = NULL, *v = NULL, *best = NULL, *ax = NULL, *arc = NULL;
  double        *ap = NULL;
  int            maxwa = 0;
  int           *vfold = NULL, *tr = NULL, *va = NULL, *count = NULL;
  double        *cw = NULL;
  int            ntr = 0, nva = 0, bad = 0, status;
  long           t = 0;

  *ret_net = NULL;
  memset(&log, 0, sizeof log);
  log.best_val_loss = HUGE_VAL;
  if (n < 2) TFF_FAIL(tffEINVAL, errbuf, "training needs at least 2 motifs");
  TFF_CHECK(tff_cnn_Create(&o->arch, d->nfam, &net, errbuf));
  tff_cnn_Init(net, o->init, tff_rng_Derive(seed, 1));
  if (o->augment) {
    int maxWa;
    if (o->aug_nsites < 1 || o->aug_trim < 0 || o->aug_pad < 0 || o->aug_minw < 1)
      TFF_FAIL(tffEINVAL, errbuf, "bad augmentation settings (nsites %d, trim %d, pad %d, minw %d)", o->aug_nsites, o->aug_trim, o->aug_pad, o->aug_minw);
    maxwa = d->maxw + 2 * ((o->augment & tffTRAIN_AUG_PAD) ? o->aug_pad : 0);
    maxWa = tff_cnn_EncodedWidth(&o->arch, maxwa);
    if (maxWa < o->arch.minw + 1) maxWa = o->arch.minw + 1;   /* a narrow variant padded up to minw */
    TFF_CALLOC(ap,  (size_t) TFF_ALPHA * (size_t) maxwa, sizeof(double));
    TFF_CALLOC(ax,  (size_t) TFF_ALPHA * (size_t) maxWa, sizeof(tff_real));
    TFF_CALLOC(arc, (size_t) TFF_ALPHA * (size_t) maxWa, sizeof(tff_real));
    TFF_CHECK(tff_cnn_WsCreate(net, tff_cnn_RowLength(net, maxWa > d->maxW ? maxWa : d->maxW), &ws, errbuf));
  } else
    TFF_CHECK(tff_cnn_WsCreate(net, tff_cnn_RowLength(net, d->maxW), &ws, errbuf));
  TFF_CALLOC(grads, net->nparams, sizeof(tff_real));
  TFF_CALLOC(m,     net->nparams, sizeof(tff_real));
  TFF_CALLOC(v,     net->nparams, sizeof(tff_real));
  TFF_CALLOC(best,  net->nparams, sizeof(tff_real));
  TFF_CALLOC(vfold, (size_t) n, sizeof(int));
  TFF_CALLOC(tr,    (size_t) n, sizeof(int));
  TFF_CALLOC(va,    (size_t) n, sizeof(int));
  TFF_CALLOC(count, (size_t) d->nfam, sizeof(int));
  TFF_CALLOC(cw,    (size_t) d->nfam, sizeof(double));

  /* validation split: fold 0 of round(1/val_frac) folds */
  TFF_CHECK(tff_train_ValidationSplit(o, d, idx, n, tff_rng_Derive(seed, 2), vfold, errbuf));
  for (int r = 0; r < n; r++) {
    if (o->val_frac > 0 && vfold[r] == 0) va[nva++] = idx[r];
    else                                  tr[ntr++] = idx[r];
  }
  if (ntr == 0) TFF_FAIL(tffEINVAL, errbuf, "no motifs left to train on");

  /* class weights from the training part */
  for (int r = 0; r < ntr; r++) count[d->y[tr[r]]]++;
  {
    int nf = 0;
    for (int k = 0; k < d->nfam; k++) if (count[k]) nf++;
    for (int k = 0; k < d->nfam; k++) {
      double bal = count[k] ? (double) ntr / ((double) nf * count[k]) : 0.0;
      cw[k] = o->class_weight == tffTRAIN_CW_BALANCED ? bal : o->class_weight == tffTRAIN_CW_SQRT ? sqrt(bal) : 1.0;
    }
  }

  tff_rng_Init(&rng, tff_rng_Derive(seed, 3));
  tff_rng_Init(&arng, tff_rng_Derive(seed, 4));   /* augmentation: its own stream */
  memcpy(best, net->params, sizeof(tff_real) * net->nparams);
  for (int epoch = 1; epoch <= o->max_epochs; epoch++) {
    double tl = 0.0, vl;
    tff_rng_Shuffle(&rng, tr, ntr);
    for (int r = 0; r < ntr; r++) {
      int i = tr[r];
      memset(grads, 0, sizeof(tff_real) * net->nparams);
      if (o->augment) {
        int wa = tff_train_Augment(o, d, i, &arng, ap);
        tff_cnn_Encode(&net->a, ap, wa, ax, arc);
        tl += tff_cnn_Gradient(net, ws, ax, arc, tff_cnn_EncodedWidth(&net->a, wa), d->y[i], cw[d->y[i]], grads, NULL);
      } else
        tl += tff_cnn_Gradient(net, ws, d->x + d->off[i], d->rc + d->off[i], d->W[i], d->y[i], cw[d->y[i]], grads, NULL);
      tff_adam_Step(&o->adam, ++t, net->params, grads, m, v, net->nparams);
    }
    tl /= ntr;
    log.epochs = epoch;
    vl = nva ? mean_loss(net, ws, d, va, nva) : tl;
    if (o->verbose >= 2)
      fprintf(stderr, "%s%sepoch %d: train loss %.4f, validation loss %.4f\n", tag ? tag : "", tag ? ": " : "", epoch, tl, vl);
    if (vl < log.best_val_loss) {
      log.best_val_loss = vl;
      log.best_epoch    = epoch;
      log.train_loss    = tl;
      memcpy(best, net->params, sizeof(tff_real) * net->nparams);
      bad = 0;
    } else if (++bad >= o->patience && nva) break;
  }
  if (o->restore_best && nva) memcpy(net->params, best, sizeof(tff_real) * net->nparams);
  log.steps = t;
  if (opt_log) *opt_log = log;
  *ret_net = net;
  net = NULL;
  status = tffOK;
 ERROR:
  tff_cnn_Destroy(net);
  tff_cnn_WsDestroy(ws);
  free(grads); free(m); free(v); free(best); free(ap); free(ax); free(arc);
  free(vfold); free(tr); free(va); free(count); free(cw);
  return status;
}

/* 4. Cross-validation */

void
tff_train_CVDestroy(TFF_CV *cv)
{
  if (!cv) return;
  free(cv->fold); free(cv->scored); free(cv->pred); free(cv->prob); free(cv->acc); free(cv->f1); free(cv->log);
  tff_metrics_Destroy(cv->pooled);
  free(cv);
}

int
tff_train_CV(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, int K, TFF_CV **ret_cv, char *errbuf)
{
  TFF_CV *cv = NULL;
  int    *fstatus = NULL, status;
  char  (*ferr)[TFF_ERRBUFSIZE] = NULL;
  int     ndone = 0;

  *ret_cv = NULL;
  TFF_CALLOC(cv, 1, sizeof *cv);
  cv->K = K; cv->n = d->n; cv->nfam = d->nfam;
  TFF_CALLOC(cv->fold, (size_t) d->n, sizeof(int));
  TFF_CALLOC(cv->pred, (size_t) d->n, sizeof(int));
  TFF_CALLOC(cv->scored, (size_t) d->n, sizeof(int));
  for (int i = 0; i < d->n; i++) cv->scored[i] = !(d->y2 && d->y2[i] >= 0);
  TFF_CALLOC(cv->prob, (size_t) d->n * (size_t) d->nfam, sizeof(double));
  TFF_CALLOC(cv->acc, (size_t) K, sizeof(double));
  TFF_CALLOC(cv->f1,  (size_t) K, sizeof(double));
  TFF_CALLOC(cv->log, (size_t) K, sizeof(TFF_TRAIN_LOG));
  TFF_CALLOC(fstatus, (size_t) K, sizeof(int));
  TFF_CALLOC(ferr, (size_t) K, TFF_ERRBUFSIZE);
  TFF_CHECK(tff_metrics_Create(d->nfam, &cv->pooled, errbuf));
  TFF_CHECK(tff_labels_Stratify(d->y, d->n, d->nfam, K, o->seed, cv->fold, errbuf));

#pragma omp parallel for schedule(dynamic, 1)
  for (int k = 0; k < K; k++) {
    TFF_CNN     *net = NULL;
    TFF_CNN_WS  *ws  = NULL;
    TFF_METRICS *M   = NULL;
    int         *idx = malloc(sizeof(int) * (size_t) d->n);
    int          ntr = 0, st;
    char         tag[32];

    snprintf(tag, sizeof tag, "fold %d/%d", k + 1, K);
    if (!idx) { fstatus[k] = tff_Fail(ferr[k], tffEMEM, "out of memory"); continue; }
    for (int i = 0; i < d->n; i++) if (cv->fold[i] != k && cv->scored[i]) idx[ntr++] = i;   /* one-label motifs, as tffam-train -o */
    st = tff_train_Fit(o, d, idx, ntr, tff_rng_Derive(o->seed, (uint64_t) k + 100), tag, &net, &cv->log[k], ferr[k]);
    if (st == tffOK) st = tff_cnn_WsCreate(net, tff_cnn_RowLength(net, d->maxW), &ws, ferr[k]);
    if (st == tffOK) st = tff_metrics_Create(d->nfam, &M, ferr[k]);
    if (st == tffOK) {
      for (int i = 0; i < d->n; i++) {
        double *p = cv->prob + (size_t) i * d->nfam;
        int     best = 0;
        if (cv->fold[i] != k) continue;
        tff_train_Probs(net, ws, d, i, p);
        for (int f = 1; f < d->nfam; f++) if (p[f] > p[best]) best = f;
        cv->pred[i] = best;
        if (cv->scored[i]) tff_metrics_Add(M, d->y[i], best);   /* a two-label motif: predicted, not scored */
      }
      /* a fold that holds out no one-label motif (fewer of them than folds) has no
       * accuracy: NaN, written NA and left out of the mean over folds */
      cv->acc[k] = M->n ? tff_metrics_Accuracy(M) : NAN;
      cv->f1[k]  = M->n ? tff_metrics_MacroF1(M) : NAN;
#pragma omp critical
      {
        ndone++;
        if (o->verbose >= 1) {
          if (M->n)
            fprintf(stderr, "%s: %d epochs (best %d, validation loss %.4f), held-out accuracy %.4f, macro-F1 %.4f [%d/%d done]\n",
                    tag, cv->log[k].epochs, cv->log[k].best_epoch, cv->log[k].best_val_loss, cv->acc[k], cv->f1[k], ndone, K);
          else
            fprintf(stderr, "%s: %d epochs (best %d, validation loss %.4f), no one-label motif held out: accuracy NA [%d/%d done]\n",
                    tag, cv->log[k].epochs, cv->log[k].best_epoch, cv->log[k].best_val_loss, ndone, K);
        }
      }
    }
    fstatus[k] = st;
    tff_metrics_Destroy(M);
    tff_cnn_WsDestroy(ws);
    tff_cnn_Destroy(net);
    free(idx);
  }
  for (int k = 0; k < K; k++)
    if (fstatus[k] != tffOK) TFF_FAIL(fstatus[k], errbuf, "cross-validation fold %d: %s", k + 1, ferr[k]);
  for (int i = 0; i < d->n; i++)
    if (cv->scored[i]) { tff_metrics_Add(cv->pooled, d->y[i], cv->pred[i]); cv->nscored++; }
  free(fstatus); free(ferr);
  *ret_cv = cv;
  return tffOK;
 ERROR:
  free(fstatus); free(ferr);
  tff_train_CVDestroy(cv);
  return status;
}

/* 5. Benchmark (tffTRAIN_BENCHMARK): not a test; run by hand.
 *   make src/tff_train_bench && nice src/tff_train_bench motifs.meme labels.tsv
 * Reports the time of one batch-1 training step (forward + backward + Adam)
 * and inference throughput, one motif at a time and batched, on one thread
 * (CPU time of the thread, so that other load on the machine does not count). */
#ifdef tffTRAIN_BENCHMARK
#include <time.h>
#include "tff_io.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec; }

int
main(int argc, char **argv)
{
  char            errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIFSET   *set = NULL;
  TFF_LABELS     *L = NULL;
  TFF_TRAIN_DATA *d = NULL;
  TFF_TRAIN_OPTS  o;
  TFF_CNN        *net = NULL;
  TFF_CNN_WS     *ws = NULL;
  tff_real       *g, *m, *v;
  double         *probs, t0, t1, sink = 0;
  long            t = 0;
  int             reps = 5;

  if (argc != 3) { fprintf(stderr, "usage: tff_train_bench <motifs> <labels.tsv>\n"); return 1; }
  if (tff_io_ReadMotifs(argv[1], &set, errbuf) != tffOK || tff_labels_Read(argv[2], set, 0, &L, errbuf) != tffOK) {
    fprintf(stderr, "%s\n", errbuf); return 1;
  }
  tff_train_OptsDefault(&o);
  if (tff_train_DataCreate(&o.arch, set, L, &d, errbuf) != tffOK || tff_cnn_Create(&o.arch, d->nfam, &net, errbuf) != tffOK ||
      tff_cnn_WsCreate(net, tff_cnn_RowLength(net, d->maxW), &ws, errbuf) != tffOK) { fprintf(stderr, "%s\n", errbuf); return 1; }
  tff_cnn_Init(net, o.init, 1);
  g = calloc(net->nparams, sizeof(tff_real)); m = calloc(net->nparams, sizeof(tff_real)); v = calloc(net->nparams, sizeof(tff_real));
  probs = calloc((size_t) set->n * (size_t) d->nfam, sizeof(double));

  /* training steps over all motifs, reps passes */
  t0 = now();
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < d->n; i++) {
      memset(g, 0, sizeof(tff_real) * net->nparams);
      sink += tff_cnn_Gradient(net, ws, d->x + d->off[i], d->rc + d->off[i], d->W[i], d->y[i], 1.0, g, NULL);
      tff_adam_Step(&o.adam, ++t, net->params, g, m, v, net->nparams);
    }
  t1 = now();
  printf("training step (batch 1, forward+backward+Adam, mean width %.2f): %.1f us\n",
         (double) (d->off[d->n - 1] + 4 * (size_t) d->W[d->n - 1]) / 4.0 / d->n, 1e6 * (t1 - t0) / ((double) reps * d->n));

  /* inference one at a time */
  t0 = now();
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < set->n; i++) { tff_cnn_Predict(net, set->m[i], probs, errbuf); sink += probs[0]; }
  t1 = now();
  printf("inference, one motif at a time: %.0f motifs/s\n", reps * set->n / (t1 - t0));
  /* inference batched */
  t0 = now();
  for (int r = 0; r < 4 * reps; r++) { tff_cnn_PredictBatch(net, set->m, set->n, probs, errbuf); sink += probs[0]; }
  t1 = now();
  printf("inference, batched: %.0f motifs/s (%d motifs in %.2f ms)\n", 4 * reps * set->n / (t1 - t0), set->n, 1e3 * (t1 - t0) / (4 * reps));
  if (sink == 12345.678) printf("!\n");
  free(g); free(m); free(v); free(probs);
  tff_cnn_WsDestroy(ws); tff_cnn_Destroy(net); tff_train_DataDestroy(d); tff_labels_Destroy(L); tff_motifset_Destroy(set);
  return 0;
}
#endif /* tffTRAIN_BENCHMARK */

/* 6. Unit tests (tffTRAIN_TESTDRIVE): the augmentation (the training loop and
 * cross-validation are tested end to end in tests/cnn.test). */
#ifdef tffTRAIN_TESTDRIVE
#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_train_utest", NULL);
  /* one motif of 9 columns: 2 low-information columns at the left end, 3 at the right */
  static const double p[9 * 4] = {
    0.25, 0.25, 0.25, 0.25,   0.4, 0.2, 0.2, 0.2,   1, 0, 0, 0,   0, 1, 0, 0,   0, 0, 1, 0,
    0.97, 0.01, 0.01, 0.01,   0.3, 0.3, 0.2, 0.2,   0.25, 0.25, 0.25, 0.25,   0.1, 0.4, 0.4, 0.1 };
  int             w[1] = { 9 }, y[1] = { 0 }, seen_l[4] = { 0 }, seen_r[4] = { 0 }, seen_pad[8] = { 0 };
  size_t          poff[1] = { 0 };
  double          nsites[1] = { 7 }, out[4 * 40];
  TFF_TRAIN_DATA  d;
  TFF_TRAIN_OPTS  o;
  TFF_RNG         r1, r2;
  char            errbuf[TFF_ERRBUFSIZE], name[64];
  int             bits;

  memset(&d, 0, sizeof d);
  d.n = 1; d.nfam = 1; d.maxw = 9; d.w = w; d.poff = poff; d.p = (double *) p; d.nsites = nsites; d.y = y;
  tff_train_OptsDefault(&o);

  /* parsing and names */
  if (tff_train_AugmentParse("none", &bits, errbuf) != tffOK || bits != 0) TFF_UFAIL("parse none");
  if (tff_train_AugmentParse("all", &bits, errbuf) != tffOK || bits != 7) TFF_UFAIL("parse all");
  if (tff_train_AugmentParse("pad+sample", &bits, errbuf) != tffOK || bits != (tffTRAIN_AUG_PAD | tffTRAIN_AUG_SAMPLE)) TFF_UFAIL("parse pad+sample");
  if (strcmp(tff_train_AugmentName(bits, name, sizeof name), "sample+pad") != 0) TFF_UFAIL("name sample+pad");
  if (tff_train_AugmentParse("trim,pad", &bits, errbuf) != tffOK || bits != (tffTRAIN_AUG_TRIM | tffTRAIN_AUG_PAD)) TFF_UFAIL("parse trim,pad");
  if (tff_train_AugmentParse("sample+", &bits, errbuf) != tffEUSAGE) TFF_UFAIL("parse sample+ should fail");
  if (tff_train_AugmentParse("Sample", &bits, errbuf) != tffEUSAGE || strstr(errbuf, "'Sample'") == NULL) TFF_UFAIL("parse Sample should fail");

  /* trim: only the low-information ends, each count 0..2 (left) and 0..3 (right) seen, the core kept */
  o.augment = tffTRAIN_AUG_TRIM; o.aug_trim = 3; o.aug_trim_ic = 1.0; o.aug_minw = 3;
  tff_rng_Init(&r1, tff_utest_Seed(11));
  for (int t = 0; t < 400; t++) {
    int wa = tff_train_Augment(&o, &d, 0, &r1, out), found = -1;
    for (int c = 0; c + 3 <= wa && found < 0; c++)
      if (out[4 * c] == 1.0 && out[4 * (c + 1) + 1] == 1.0 && out[4 * (c + 2) + 2] == 1.0) found = c;
    if (found < 0 || found > 2 || wa - found - 3 < 1) TFF_UFAIL("trim cut into the informative core");
    seen_l[2 - found]++;
    if (9 - (2 - found) - wa < 0 || 9 - (2 - found) - wa > 3) TFF_UFAIL("trim: right count out of range");
    seen_r[9 - (2 - found) - wa]++;
  }
  for (int k = 0; k < 3; k++) if (!seen_l[k]) TFF_UFAIL("trim: a left count never drawn");
  for (int k = 0; k < 4; k++) if (!seen_r[k]) TFF_UFAIL("trim: a right count never drawn");
  o.aug_minw = 8;   /* at most one column may go */
  for (int t = 0; t < 100; t++) if (tff_train_Augment(&o, &d, 0, &r1, out) < 8) TFF_UFAIL("trim below minw");

  /* pad: 0..aug_pad uniform columns on each side, the motif unchanged in between */
  o.augment = tffTRAIN_AUG_PAD; o.aug_pad = 3;
  for (int t = 0; t < 400; t++) {
    int wa = tff_train_Augment(&o, &d, 0, &r1, out), l = 0;
    while (l < wa && out[4 * l] == 0.25 && out[4 * l + 1] == 0.25) l++;   /* p's own column 0 is uniform too */
    if (wa < 9 || wa > 15) TFF_UFAIL("pad width");
    seen_pad[wa - 9]++;
    if (l < 1 || l > 4 || memcmp(out + 4 * (l - 1), p, sizeof p) != 0) TFF_UFAIL("pad changed the motif");   /* l - 1 pad columns */
  }
  for (int k = 0; k <= 6; k++) if (!seen_pad[k]) TFF_UFAIL("pad: a total width never drawn");

  /* sample: counts / N with N = min(nsites, cap); deterministic per stream */
  o.augment = tffTRAIN_AUG_SAMPLE; o.aug_nsites = 100;
  tff_rng_Init(&r1, tff_utest_Seed(5)); tff_rng_Init(&r2, tff_utest_Seed(5));
  {
    double out2[4 * 40];
    int    wa = tff_train_Augment(&o, &d, 0, &r1, out), differs = 0;
    if (wa != 9 || tff_train_Augment(&o, &d, 0, &r2, out2) != 9 || memcmp(out, out2, sizeof(double) * 36) != 0) TFF_UFAIL("sample not deterministic");
    for (int c = 0; c < 9; c++) {
      double sum = 0;
      for (int a = 0; a < 4; a++) {
        double k = out[4 * c + a] * 7;
        if (fabs(k - floor(k + 0.5)) > 1e-9) TFF_UFAIL("sample: not a count / nsites");
        if ((p[4 * c + a] == 0) != (out[4 * c + a] == 0) && p[4 * c + a] == 0) TFF_UFAIL("sample: a letter of probability 0 drawn");
        if (out[4 * c + a] != p[4 * c + a]) differs = 1;
        sum += out[4 * c + a];
      }
      if (fabs(sum - 1) > 1e-12) TFF_UFAIL("sample: column does not sum to 1");
    }
    if (!differs) TFF_UFAIL("sample changed nothing");
    nsites[0] = 1e6; o.aug_nsites = 4;   /* the cap applies */
    tff_train_Augment(&o, &d, 0, &r1, out);
    for (int t = 0; t < 36; t++) { double k = out[t] * 4; if (fabs(k - floor(k + 0.5)) > 1e-9) TFF_UFAIL("sample: cap not applied"); }
  }
  /* the early-stopping split: fold 0 of round(1/val_frac) folds; with groups, no group
   * on both sides (and the same motifs for the same seed); without, every class split */
  {
    enum { NV = 60 };
    int            yv[NV], grp[NV], idx[NV], vf[NV], vf2[NV], side[20], nva = 0;
    TFF_TRAIN_DATA dv;
    memset(&dv, 0, sizeof dv);
    for (int i = 0; i < NV; i++) { yv[i] = i % 3; grp[i] = i / 3 % 20; idx[i] = i; }   /* groups of 3 motifs, one per class */
    dv.n = NV; dv.nfam = 3; dv.y = yv; dv.group = grp; dv.ngroup = 20;
    tff_train_OptsDefault(&o);
    o.val_frac = 0.2; o.val_groups = 1;
    if (tff_train_ValidationSplit(&o, &dv, idx, NV, 7, vf, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    if (tff_train_ValidationSplit(&o, &dv, idx, NV, 7, vf2, errbuf) != tffOK || memcmp(vf, vf2, sizeof vf) != 0) TFF_UFAIL("grouped split not deterministic");
    for (int g = 0; g < 20; g++) side[g] = -1;
    for (int i = 0; i < NV; i++) {
      int v = vf[i] == 0;
      nva += v;
      if (side[grp[i]] >= 0 && side[grp[i]] != v) TFF_UFAIL("a group on both sides of the grouped validation split");
      side[grp[i]] = v;
    }
    if (nva != 12) TFF_UFAIL("grouped validation split: not 4 of 20 groups");
    o.val_groups = 0;   /* stratified: groups ignored, so some group is split */
    if (tff_train_ValidationSplit(&o, &dv, idx, NV, 7, vf, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    {
      int split = 0;
      for (int g = 0; g < 20 && !split; g++) split = (vf[3 * g] == 0) != (vf[3 * g + 1] == 0) || (vf[3 * g] == 0) != (vf[3 * g + 2] == 0);
      if (!split) TFF_UFAIL("stratified validation split kept every group whole");
    }
    dv.group[5] = 20;   /* out of range */
    o.val_groups = 1;
    if (tff_train_ValidationSplit(&o, &dv, idx, NV, 7, vf, errbuf) != tffEINVAL) TFF_UFAIL("bad group id accepted");
  }
  return tff_utest_Done();
}
#endif /* tffTRAIN_TESTDRIVE */
