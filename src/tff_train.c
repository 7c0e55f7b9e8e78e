/* tff_train: the training loop, early stopping and cross-validation.
 *
 * Contents:
 *   1. Options
 *   2. Encoded data
 *   3. Training
 *   4. Cross-validation
 *   5. Unit tests (tffTRAIN_TESTDRIVE)
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_adam.h"
#include "tff_cnn.h"
#include "tff_labels.h"
#include "tff_metrics.h"
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

/* 2. Encoded data */

int
tff_train_DataCreate(const TFF_CNN_ARCH *a, const TFF_MOTIFSET *set, const TFF_LABELS *L,
                     TFF_TRAIN_DATA **ret_d, char *errbuf)
{
  TFF_TRAIN_DATA *d = NULL;
  size_t          tot = 0;
  int             status;

  *ret_d = NULL;
  if (L->n != set->n) TFF_FAIL(tffEINVAL, errbuf, "labels for %d motifs, set of %d", L->n, set->n);
  TFF_CALLOC(d, 1, sizeof *d);
  d->n = set->n;
  d->nfam = L->nfam;
  TFF_CALLOC(d->W,   (size_t) d->n, sizeof(int));
  TFF_CALLOC(d->off, (size_t) d->n, sizeof(size_t));
  TFF_CALLOC(d->y,   (size_t) d->n, sizeof(int));
  for (int i = 0; i < d->n; i++) {
    if (L->y[i] < 0) TFF_FAIL(tffEINVAL, errbuf, "motif %s has no label", set->m[i]->id);
    d->W[i]   = tff_cnn_EncodedWidth(a, set->m[i]->w);
    d->off[i] = tot;
    tot      += (size_t) TFF_ALPHA * (size_t) d->W[i];
    d->y[i]   = L->y[i];
    if (d->W[i] > d->maxW) d->maxW = d->W[i];
  }
  TFF_CALLOC(d->x,  tot, sizeof(tff_real));
  TFF_CALLOC(d->rc, tot, sizeof(tff_real));
  for (int i = 0; i < d->n; i++)
    tff_cnn_Encode(a, set->m[i]->p, set->m[i]->w, d->x + d->off[i], d->rc + d->off[i]);
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
  free(d->W); free(d->off); free(d->y); free(d->x); free(d->rc);
  free(d);
}

/* 3. Training */

void
tff_train_Probs(const TFF_CNN *net, TFF_CNN_WS *ws, const TFF_TRAIN_DATA *d, int i, double *probs)
{
  double logits[TFF_CNN_MAXCH];
  tff_cnn_Logits(net, ws, d->x + d->off[i], d->rc + d->off[i], d->W[i], logits);
  tff_cnn_Softmax(logits, net->nfam, probs);
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
  tff_real      *grads = NULL, *m = NULL, *v = NULL, *best = NULL;
  int           *ysub = NULL, *vfold = NULL, *tr = NULL, *va = NULL, *count = NULL;
  double        *cw = NULL;
  int            ntr = 0, nva = 0, bad = 0, status;
  long           t = 0;

  *ret_net = NULL;
  memset(&log, 0, sizeof log);
  log.best_val_loss = HUGE_VAL;
  if (n < 2) TFF_FAIL(tffEINVAL, errbuf, "training needs at least 2 motifs");
  TFF_CHECK(tff_cnn_Create(&o->arch, d->nfam, &net, errbuf));
  tff_cnn_Init(net, o->init, tff_rng_Derive(seed, 1));
  TFF_CHECK(tff_cnn_WsCreate(net, tff_cnn_RowLength(net, d->maxW), &ws, errbuf));
  TFF_CALLOC(grads, net->nparams, sizeof(tff_real));
  TFF_CALLOC(m,     net->nparams, sizeof(tff_real));
  TFF_CALLOC(v,     net->nparams, sizeof(tff_real));
  TFF_CALLOC(best,  net->nparams, sizeof(tff_real));
  TFF_CALLOC(ysub,  (size_t) n, sizeof(int));
  TFF_CALLOC(vfold, (size_t) n, sizeof(int));
  TFF_CALLOC(tr,    (size_t) n, sizeof(int));
  TFF_CALLOC(va,    (size_t) n, sizeof(int));
  TFF_CALLOC(count, (size_t) d->nfam, sizeof(int));
  TFF_CALLOC(cw,    (size_t) d->nfam, sizeof(double));

  /* validation split: fold 0 of a stratified split into round(1/val_frac) parts */
  for (int r = 0; r < n; r++) ysub[r] = d->y[idx[r]];
  if (o->val_frac > 0) {
    int K = (int) floor(1.0 / o->val_frac + 0.5);
    if (K < 2) K = 2;
    if (K > n) TFF_FAIL(tffEINVAL, errbuf, "%d motifs are too few for a validation split of %g", n, o->val_frac);
    TFF_CHECK(tff_labels_Stratify(ysub, n, d->nfam, K, tff_rng_Derive(seed, 2), vfold, errbuf));
  }
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
  memcpy(best, net->params, sizeof(tff_real) * net->nparams);
  for (int epoch = 1; epoch <= o->max_epochs; epoch++) {
    double tl = 0.0, vl;
    tff_rng_Shuffle(&rng, tr, ntr);
    for (int r = 0; r < ntr; r++) {
      int i = tr[r];
      memset(grads, 0, sizeof(tff_real) * net->nparams);
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
  free(grads); free(m); free(v); free(best);
  free(ysub); free(vfold); free(tr); free(va); free(count); free(cw);
  return status;
}

/* 4. Cross-validation */

void
tff_train_CVDestroy(TFF_CV *cv)
{
  if (!cv) return;
  free(cv->fold); free(cv->pred); free(cv->prob); free(cv->acc); free(cv->f1); free(cv->log);
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
    for (int i = 0; i < d->n; i++) if (cv->fold[i] != k) idx[ntr++] = i;
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
        tff_metrics_Add(M, d->y[i], best);
      }
      cv->acc[k] = tff_metrics_Accuracy(M);
      cv->f1[k]  = tff_metrics_MacroF1(M);
#pragma omp critical
      {
        ndone++;
        if (o->verbose >= 1)
          fprintf(stderr, "%s: %d epochs (best %d, validation loss %.4f), held-out accuracy %.4f, macro-F1 %.4f [%d/%d done]\n",
                  tag, cv->log[k].epochs, cv->log[k].best_epoch, cv->log[k].best_val_loss, cv->acc[k], cv->f1[k], ndone, K);
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
  for (int i = 0; i < d->n; i++) tff_metrics_Add(cv->pooled, d->y[i], cv->pred[i]);
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
