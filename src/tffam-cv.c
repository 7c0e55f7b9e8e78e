/* tffam-cv: honest cross-validation of KNN, the network and the combined model.
 *
 * For each split (stratified K folds, and grouped K folds where all motifs of
 * a TF name share a fold) every motif is predicted by models that never saw
 * its fold:
 *   knn       the ensemble K = 1 call among the motifs of the other folds
 *             (the all-vs-all comparison is done once against the whole set
 *             and filtered by fold; Tomtom's E-values then refer to the whole
 *             set, its p-values and the ranking do not depend on it);
 *             confidence softmax(vote share / T), T fitted on the other folds;
 *   cnn       the network trained on the other folds (tffam-train's training),
 *             raw and temperature-scaled (T fitted on the other folds' OOF);
 *   combined  the conditional-logit combiner (tff_combine.h) fitted on the
 *             other folds' out-of-fold features; its L2 penalty and class
 *             weighting are chosen by an inner 3-way CV on those folds only.
 * The combiner's training features are themselves out of fold (the network
 * for a training motif was trained without that motif's fold), as in stacking.
 * Writes the table method x split x (accuracy, macro-F1, ECE) and, with an
 * output directory, cv_table.tsv, cv_predictions.tsv and cv.html with
 * reliability diagrams. -write-combiner fits the combiner on the stratified
 * split's out-of-fold features of all motifs (the shipped etc/tffam-combine.txt),
 * naming its networks (with -augment-mix the plain ones, then the augmented ones)
 * and, with -extra-metric, the fourth column score of the feature extra_nlp
 * (its neighbours made by tff_knn_NeighboursScore, as tffam makes them).
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_calib.h"
#include "tff_colcmp.h"
#include "tff_combine.h"
#include "tff_io.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_metrics.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_train.h"
#include "tff_util.h"

static const TFF_OPTDEF cv_opts[] = {
  { "folds",          tffOPT_INT,    "10",   "2",  "100", NULL, "<K>",    "number of folds" },
  { "seed",           tffOPT_INT,    "1",    "0",  NULL,  NULL, "<n>",    "random seed (folds, network training)" },
  { "split",          tffOPT_STRING, "both", NULL, NULL,  "strat|group|both", "<s>", "stratified folds, grouped folds (by TF name), or both" },
  { "cnn-seeds",      tffOPT_INT,    "1",    "1",  "20",  NULL, "<n>",    "networks per fold (seeds), probabilities averaged" },
  { "kmax",           tffOPT_INT,    "60",   "5",  "1000", NULL, "<n>",   "neighbours kept per motif before filtering by fold" },
  { "bins",           tffOPT_INT,    "15",   "1",  "100", NULL, "<n>",    "confidence bins for ECE and the reliability diagrams" },
  { "neighbours",     tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>", "read the all-vs-all neighbour lists from <file> (written by -save-neighbours)" },
  { "save-neighbours", tffOPT_STRING, NULL,  NULL, NULL,  NULL, "<file>", "write the all-vs-all neighbour lists to <file>" },
  { "write-combiner", tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>", "fit the combiner on all motifs (stratified OOF features) and write it" },
  { "cnn-cache",      tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",  "keep out-of-fold network probabilities in <dir> (one file per split, folds, seed, seeds) and reuse them" },
  { "network-names",  tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<list>", "-write-combiner: the model files (comma-separated, one per network: -cnn-seeds, twice with -augment-mix, plain ones first) to record; default tffam-default.model, tffam-seed2.model, ... (then tffam-aug1.model, ...)" },
  { "features",       tffOPT_STRING, "cnn_logp,ed_nlp,pearson_nlp,sandelin_nlp,share_k1,share_k5", NULL, NULL, NULL, "<list>", "combiner features, comma-separated (doc/combine.md)" },
  { "augment",        tffOPT_STRING, "none", NULL, NULL,  NULL, "<list>", "network training augmentation: none, all, or sample, trim, pad joined by '+' (as tffam-train)" },
  { "augment-nsites", tffOPT_INT,    "100",  "1",  "100000", NULL, "<n>", "sample: draw min(nsites, <n>) sites per column" },
  { "augment-trim",   tffOPT_INT,    "3",    "0",  "100", NULL, "<n>",    "trim: drop up to <n> low-information columns at each end" },
  { "augment-trim-ic", tffOPT_REAL,  "1",    "0",  "2",   NULL, "<bits>", "trim: columns below this information content count as low-information" },
  { "augment-minw",   tffOPT_INT,    "5",    "1",  "1000", NULL, "<w>",   "trim: never trim a motif below <w> columns" },
  { "augment-pad",    tffOPT_INT,    "3",    "0",  "100", NULL, "<n>",    "pad: add up to <n> uniform columns at each end" },
  { "extra-metric",   tffOPT_STRING, NULL,   NULL, NULL,  "ed|pearson|sandelin|kullback|allr", "<score>", "a fourth column score for the feature extra_nlp: the set against itself under it (-kmax neighbours; doc/combine.md)" },
  { "extra-neighbours", tffOPT_STRING, NULL, NULL, NULL,  NULL, "<file>", "-extra-metric: read its all-vs-all neighbour lists from <file> (written by -save-extra-neighbours)" },
  { "save-extra-neighbours", tffOPT_STRING, NULL, NULL, NULL, NULL, "<file>", "-extra-metric: write its all-vs-all neighbour lists to <file>" },
  { "extra-tsv",      tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>", "experiment: extra_nlp from a tomtom.tsv of the set against itself instead (no combiner is written with it)" },
  { "augment-mix",    tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     "train each of the -cnn-seeds networks twice, without and with -augment, and average all of them" },
  { "threads",        tffOPT_INT,    "0",    "0",  "256", NULL, "<n>",    "threads (0: OpenMP's default); results do not depend on it" },
  { "p",              tffOPT_ALIAS,  "threads", NULL, NULL, NULL, NULL, NULL },
  { "o",              tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",  "output directory; refuse to overwrite" },
  { "oc",             tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",  "output directory; if it exists, only the cv_* files and cv.html in it are replaced" },
  { "verbosity",      tffOPT_INT,    "2",    "1",  "5",   NULL, "<1..5>", "1: errors only; 2: progress (3..5: the same)" },
  { "version",        tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     "print the version and exit" },
  { "h",              tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     "print this help and exit" },
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }
};
static const char *usage   = "tffam-cv [options] <motif file> <labels TSV with a name column>";
static const char *purpose = "Cross-validated accuracy, macro-F1 and calibration (ECE) of KNN, the network and the combined\n"
                             "model, on stratified and TF-grouped folds (doc/combine.md).";

enum { M_KNN, M_KNN_T, M_CNN, M_CNN_T, M_COMB, NMETHOD };
static const char *method_name[NMETHOD] = { "knn", "knn+T", "cnn", "cnn+T", "combined" };
static const char *method_desc[NMETHOD] = {
  "KNN ensemble K=1, confidence = its vote share",
  "KNN ensemble K=1, confidence softmax(share/T)",
  "network, raw probabilities",
  "network, temperature-scaled",
  "combined model (network + KNN evidence)"
};

static const double lambda_grid[] = { 1e-4, 1e-3, 1e-2, 1e-1 };
static const double cw_grid[]     = { 0.0, 0.5 };
#define NLAMBDA ((int) (sizeof lambda_grid / sizeof lambda_grid[0]))
#define NCW     ((int) (sizeof cw_grid / sizeof cw_grid[0]))

static int feature_use[TFF_COMBINE_NFEAT];   /* -features */

static int
parse_features(const char *list, int *use, char *errbuf)
{
  const char *p = list;
  for (int j = 0; j < TFF_COMBINE_NFEAT; j++) use[j] = list ? 0 : 1;
  while (p && *p) {
    const char *e = strchr(p, ',');
    size_t      len = e ? (size_t) (e - p) : strlen(p);
    int         j;
    for (j = 0; j < TFF_COMBINE_NFEAT; j++)
      if (strlen(tff_combine_FeatureName[j]) == len && strncmp(tff_combine_FeatureName[j], p, len) == 0) break;
    if (j == TFF_COMBINE_NFEAT) return tff_Fail(errbuf, tffEUSAGE, "-features: unknown feature '%.*s'", (int) len, p);
    use[j] = 1;
    p = e ? e + 1 : NULL;
  }
  return tffOK;
}

typedef struct {
  const char *split;
  int         K;
  int        *fold;       /* n */
  int        *pred;       /* NMETHOD x n */
  double     *conf;       /* NMETHOD x n */
  double     *comb;       /* n x nfam: combined probabilities */
  double      acc[NMETHOD], f1[NMETHOD], ece[NMETHOD], fold_acc_mean[NMETHOD], fold_acc_sd[NMETHOD];
  TFF_CALIB_BINS bins[NMETHOD];
  double     *lambda, *cw;    /* K: chosen per outer fold */
} SPLIT_RESULT;

static void
split_free(SPLIT_RESULT *R)
{
  free(R->fold); free(R->pred); free(R->conf); free(R->comb); free(R->lambda); free(R->cw);
}

/* Inner CV (3 groups of the training folds) over the lambda x cw grid; mean log-loss. */
static int
choose_hyper(const double *X, const int *y, const int *fold, int n, int nfam, int K, int outer,
             double *ret_lambda, double *ret_cw, char *errbuf)
{
  int    *sel = NULL, status, bi = 0, bc = 0;
  double  best = INFINITY, *prob = NULL;
  TFF_COMBINER *C = NULL;

  (void) K;   /* the inner groups are fold ranks mod 3, whatever K is */
  TFF_ALLOC(sel, sizeof(int) * (size_t) n);
  TFF_ALLOC(prob, sizeof(double) * (size_t) nfam);
  for (int li = 0; li < NLAMBDA; li++)
    for (int ci = 0; ci < NCW; ci++) {
      double loss = 0.0;
      long   m = 0;
      for (int g = 0; g < 3; g++) {
        int r;
        for (int i = 0; i < n; i++) {
          r = (outer < 0 || fold[i] < outer) ? fold[i] : fold[i] - 1;   /* rank among the training folds */
          sel[i] = fold[i] != outer && r % 3 != g;
        }
        TFF_CHECK(tff_combine_Fit(X, y, sel, n, nfam, feature_use, lambda_grid[li], cw_grid[ci], &C, errbuf));
        for (int i = 0; i < n; i++) {
          r = (outer < 0 || fold[i] < outer) ? fold[i] : fold[i] - 1;
          if (fold[i] == outer || r % 3 != g) continue;
          tff_combine_Predict(C, X + (size_t) i * nfam * TFF_COMBINE_NFEAT, prob);
          loss -= log(prob[y[i]] > 1e-300 ? prob[y[i]] : 1e-300);
          m++;
        }
        tff_combine_Destroy(C); C = NULL;
      }
      loss /= (double) (m ? m : 1);
      if (loss < best) { best = loss; bi = li; bc = ci; }
    }
  *ret_lambda = lambda_grid[bi];
  *ret_cw = cw_grid[bc];
  status = tffOK;
 ERROR:
  tff_combine_Destroy(C);
  free(sel); free(prob);
  return status;
}

/* Out-of-fold network probabilities, from the cache directory if there (and right), else trained (and cached). */
static int
cnn_oof(const char *cache, const char *split, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, int K,
        int nseeds, double *prob, char *errbuf)
{
  char   path[4096];
  FILE  *fp;
  int    status, n, F;
  size_t N = (size_t) d->n * d->nfam;
  if (!cache) return tff_combine_CnnOOF(o, d, fold, K, nseeds, prob, errbuf);
  if (o->augment) {   /* the augmentation settings are part of the name; plain runs keep the old names */
    char aug[64];
    snprintf(path, sizeof path, "%s/cnn_%s_n%d_F%d_K%d_seed%llu_x%d_aug-%s-n%d-t%d-ic%g-m%d-p%d.txt", cache, split, d->n, d->nfam, K,
             (unsigned long long) o->seed, nseeds, tff_train_AugmentName(o->augment, aug, sizeof aug), o->aug_nsites, o->aug_trim,
             o->aug_trim_ic, o->aug_minw, o->aug_pad);
  } else
    snprintf(path, sizeof path, "%s/cnn_%s_n%d_F%d_K%d_seed%llu_x%d.txt", cache, split, d->n, d->nfam, K, (unsigned long long) o->seed, nseeds);
  if ((fp = fopen(path, "r")) != NULL) {
    int ok = fscanf(fp, "%d %d", &n, &F) == 2 && n == d->n && F == d->nfam;
    for (size_t t = 0; ok && t < N; t++) ok = fscanf(fp, "%la", &prob[t]) == 1;
    fclose(fp);
    if (ok) return tffOK;
  }
  TFF_CHECK(tff_combine_CnnOOF(o, d, fold, K, nseeds, prob, errbuf));
  if ((fp = fopen(path, "w")) == NULL) TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write", path);
  fprintf(fp, "%d %d\n", d->n, d->nfam);
  for (size_t t = 0; t < N; t++) fprintf(fp, "%a\n", prob[t]);
  TFF_CHECK(tff_Fclose(fp, path, errbuf));
  return tffOK;
 ERROR:
  return status;
}

static TFF_KNN_TABLE *extra_table = NULL;   /* -extra-metric, -extra-tsv: neighbours under the extra column score, in metric slot 0 */

/* Features (n x nfam x NFEAT), knn calls and vote shares at K=1 for given folds. */
static int
make_features(const TFF_KNN_TABLE *T, const int *fold, const TFF_LABELS *L, const double *cnnprob,
              double *X, int *knncall, double *share1, char *errbuf)
{
  TFF_KNN_TABLE *U = NULL, *UA = NULL;
  int            status;
  const int      F = L->nfam;
  TFF_CHECK(tff_combine_FilterTable(T, fold, &U, errbuf));
  if (extra_table) TFF_CHECK(tff_combine_FilterTable(extra_table, fold, &UA, errbuf));
  for (int i = 0; i < L->n; i++) {
    tff_combine_Features(U, i, L->y, F, cnnprob + (size_t) i * F, X + (size_t) i * F * TFF_COMBINE_NFEAT);
    if (UA) tff_combine_NlpFeature(UA, 0, i, L->y, F, 13, X + (size_t) i * F * TFF_COMBINE_NFEAT);
    knncall[i] = tff_knn_Vote(U, i, tffKNN_ENSEMBLE, 1, L->y, F, share1 + (size_t) i * F);
  }
  status = tffOK;
 ERROR:
  tff_knn_table_Destroy(U);
  tff_knn_table_Destroy(UA);
  return status;
}

static const char *cnn_cache = NULL;   /* -cnn-cache */
static int         augment_mix = 0;    /* -augment-mix */

static int
run_split(const char *split, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const TFF_KNN_TABLE *T,
          const TFF_LABELS *L, char *const *names, int K, int nseeds, int nbins, int verbose,
          SPLIT_RESULT *R, double **ret_X, char *errbuf)
{
  const int F = L->nfam, n = L->n;
  double   *cnn = NULL, *cnn2 = NULL, *X = NULL, *share1 = NULL, *zc = NULL, *p = NULL;
  int      *knncall = NULL, *sel = NULL, *ok = NULL, status;
  TFF_METRICS  *Mk = NULL;
  TFF_COMBINER *C = NULL;
  time_t    t0 = time(NULL);

  memset(R, 0, sizeof *R);
  R->split = split;
  R->K = K;
  TFF_CALLOC(R->fold, (size_t) n, sizeof(int));
  TFF_CALLOC(R->pred, (size_t) NMETHOD * n, sizeof(int));
  TFF_CALLOC(R->conf, (size_t) NMETHOD * n, sizeof(double));
  TFF_CALLOC(R->comb, (size_t) n * F, sizeof(double));
  TFF_CALLOC(R->lambda, (size_t) K, sizeof(double));
  TFF_CALLOC(R->cw, (size_t) K, sizeof(double));
  if (strcmp(split, "stratified") == 0) TFF_CHECK(tff_labels_StratifiedFolds(L, K, o->seed, R->fold, errbuf));
  else                                  TFF_CHECK(tff_combine_GroupFolds(names, L->y, n, F, K, o->seed, R->fold, errbuf));

  TFF_CALLOC(cnn, (size_t) n * F, sizeof(double));
  TFF_CALLOC(zc, (size_t) n * F, sizeof(double));
  TFF_CALLOC(X, (size_t) n * F * TFF_COMBINE_NFEAT, sizeof(double));
  TFF_CALLOC(share1, (size_t) n * F, sizeof(double));
  TFF_CALLOC(knncall, (size_t) n, sizeof(int));
  TFF_CALLOC(sel, (size_t) n, sizeof(int));
  TFF_CALLOC(ok, (size_t) n, sizeof(int));
  TFF_CALLOC(p, (size_t) F, sizeof(double));
  TFF_CHECK(cnn_oof(cnn_cache, split, o, d, R->fold, K, nseeds, cnn, errbuf));
  if (augment_mix) {   /* the same seeds again, without augmentation; the mean of all 2 x nseeds networks */
    TFF_TRAIN_OPTS op = *o;
    op.augment = 0;
    TFF_CALLOC(cnn2, (size_t) n * F, sizeof(double));
    TFF_CHECK(cnn_oof(cnn_cache, split, &op, d, R->fold, K, nseeds, cnn2, errbuf));
    for (size_t t = 0; t < (size_t) n * F; t++) cnn[t] = 0.5 * (cnn2[t] + cnn[t]);
  }
  if (verbose) fprintf(stderr, "tffam-cv: %s: networks trained (%ld s)\n", split, (long) (time(NULL) - t0));
  TFF_CHECK(make_features(T, R->fold, L, cnn, X, knncall, share1, errbuf));
  for (size_t t = 0; t < (size_t) n * F; t++) zc[t] = log(cnn[t] > 1e-6 ? cnn[t] : 1e-6);

  for (int k = 0; k < K; k++) {
    double Tc, Tk;
    for (int i = 0; i < n; i++) sel[i] = R->fold[i] != k;
    TFF_CHECK(tff_calib_FitTemperature(zc, L->y, sel, n, F, &Tc, errbuf));
    TFF_CHECK(tff_calib_FitTemperature(share1, L->y, sel, n, F, &Tk, errbuf));
    TFF_CHECK(choose_hyper(X, L->y, R->fold, n, F, K, k, &R->lambda[k], &R->cw[k], errbuf));
    TFF_CHECK(tff_combine_Fit(X, L->y, sel, n, F, feature_use, R->lambda[k], R->cw[k], &C, errbuf));
    for (int i = 0; i < n; i++) {
      int best = 0, c = knncall[i];
      if (R->fold[i] != k) continue;
      /* knn: the ensemble call; no neighbour at all -> the network's call stands in, confidence 0 */
      R->pred[M_KNN * n + i] = R->pred[M_KNN_T * n + i] = c;
      if (c >= 0) {
        R->conf[M_KNN * n + i] = share1[(size_t) i * F + c];
        tff_calib_Softmax(share1 + (size_t) i * F, F, Tk, p);
        R->conf[M_KNN_T * n + i] = p[c];
      }
      for (int f = 1; f < F; f++) if (cnn[(size_t) i * F + f] > cnn[(size_t) i * F + best]) best = f;
      R->pred[M_CNN * n + i] = R->pred[M_CNN_T * n + i] = best;
      R->conf[M_CNN * n + i] = cnn[(size_t) i * F + best];
      tff_calib_Softmax(zc + (size_t) i * F, F, Tc, p);
      R->conf[M_CNN_T * n + i] = p[best];
      tff_combine_Predict(C, X + (size_t) i * F * TFF_COMBINE_NFEAT, R->comb + (size_t) i * F);
      best = 0;
      for (int f = 1; f < F; f++) if (R->comb[(size_t) i * F + f] > R->comb[(size_t) i * F + best]) best = f;
      R->pred[M_COMB * n + i] = best;
      R->conf[M_COMB * n + i] = R->comb[(size_t) i * F + best];
    }
    tff_combine_Destroy(C); C = NULL;
    if (verbose) fprintf(stderr, "tffam-cv: %s fold %d/%d: T(cnn) %.3f, T(knn) %.3f, combiner lambda %g, class weight %g\n",
                         split, k + 1, K, Tc, Tk, R->lambda[k], R->cw[k]);
  }
  for (int mth = 0; mth < NMETHOD; mth++) {
    double *facc = NULL;
    TFF_CHECK(tff_metrics_Create(F, &Mk, errbuf));
    TFF_CALLOC(facc, (size_t) K, sizeof(double));
    for (int k = 0; k < K; k++) {
      long nk = 0, ck = 0;
      for (int i = 0; i < n; i++) if (R->fold[i] == k) { nk++; ck += R->pred[mth * n + i] == L->y[i]; }
      facc[k] = nk ? (double) ck / nk : 0.0;
    }
    tff_metrics_MeanSD(facc, K, &R->fold_acc_mean[mth], &R->fold_acc_sd[mth]);
    free(facc);
    for (int i = 0; i < n; i++) {
      int c = R->pred[mth * n + i];
      if (c < 0) tff_metrics_AddNoCall(Mk, L->y[i]); else tff_metrics_Add(Mk, L->y[i], c);
      ok[i] = c == L->y[i];
    }
    R->acc[mth] = tff_metrics_Accuracy(Mk);
    R->f1[mth]  = tff_metrics_MacroF1(Mk);
    TFF_CHECK(tff_calib_Bins(R->conf + (size_t) mth * n, ok, n, nbins, &R->bins[mth], errbuf));
    R->ece[mth] = R->bins[mth].ece;
    tff_metrics_Destroy(Mk); Mk = NULL;
  }
  if (ret_X) { *ret_X = X; X = NULL; }
  status = tffOK;
 ERROR:
  tff_metrics_Destroy(Mk);
  tff_combine_Destroy(C);
  free(cnn); free(cnn2); free(zc); free(X); free(share1); free(knncall); free(sel); free(ok); free(p);
  return status;
}

static int
write_table(FILE *fp, const SPLIT_RESULT *R, int nsplit, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "split\tmethod\taccuracy\tmacro_F1\tECE\tfold_accuracy_mean\tfold_accuracy_sd\n"));
  for (int s = 0; s < nsplit; s++)
    for (int m = 0; m < NMETHOD; m++)
      TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", R[s].split, method_name[m], R[s].acc[m], R[s].f1[m],
                            R[s].ece[m], R[s].fold_acc_mean[m], R[s].fold_acc_sd[m]));
  return tffOK;
 ERROR:
  return status;
}

static int
write_predictions(FILE *fp, const SPLIT_RESULT *R, int nsplit, const TFF_MOTIFSET *set, const TFF_LABELS *L, char *errbuf)
{
  int status, n = L->n;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "id\tfamily\tsplit\tfold\tknn\tknn_conf\tcnn\tcnn_conf\tcombined\tcombined_prob\n"));
  for (int s = 0; s < nsplit; s++)
    for (int i = 0; i < n; i++) {
      int kc = R[s].pred[M_KNN_T * n + i];
      TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%s\t%d\t%s\t%.4f\t%s\t%.4f\t%s\t%.4f\n", set->m[i]->id, L->fam[L->y[i]], R[s].split,
                            R[s].fold[i] + 1, kc >= 0 ? L->fam[kc] : "NA", R[s].conf[M_KNN_T * n + i],
                            L->fam[R[s].pred[M_CNN_T * n + i]], R[s].conf[M_CNN_T * n + i],
                            L->fam[R[s].pred[M_COMB * n + i]], R[s].conf[M_COMB * n + i]));
    }
  return tffOK;
 ERROR:
  return status;
}

static int
write_html(FILE *fp, const SPLIT_RESULT *R, int nsplit, const TFF_LABELS *L, const char *cmd, char *errbuf)
{
  int status;
  fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tffam-cv</title>\n"
              "<style>body{font-family:sans-serif;margin:2em;max-width:90em}table{border-collapse:collapse;margin:1em 0}"
              "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.l,th.l{text-align:left}"
              ".d{display:inline-block;margin:0 1em 1em 0;vertical-align:top}</style></head><body>\n"
              "<h1>Cross-validation: KNN, network, combined model</h1>\n<p>%d motifs, %d families. Command: <code>", L->n, L->nfam);
  tff_FputsHTML(fp, cmd);
  fprintf(fp, "</code></p>\n<p>Accuracy and macro-F1 over all held-out predictions; ECE: expected calibration error of the "
              "predicted family's probability (%d equal-width bins). Stratified: folds balanced per family. Grouped: every motif of a TF "
              "(name, case-insensitive, so human/mouse orthologs fall together) in one fold.</p>\n", R[0].bins[0].nbins);
  fprintf(fp, "<table><tr><th class=\"l\">method</th>");
  for (int s = 0; s < nsplit; s++) fprintf(fp, "<th>%s accuracy</th><th>%s macro-F1</th><th>%s ECE</th>", R[s].split, R[s].split, R[s].split);
  fprintf(fp, "</tr>\n");
  for (int m = 0; m < NMETHOD; m++) {
    fprintf(fp, "<tr><td class=\"l\">%s <small>(%s)</small></td>", method_name[m], method_desc[m]);
    for (int s = 0; s < nsplit; s++) fprintf(fp, "<td>%.4f</td><td>%.4f</td><td>%.4f</td>", R[s].acc[m], R[s].f1[m], R[s].ece[m]);
    fprintf(fp, "</tr>\n");
  }
  fprintf(fp, "</table>\n<h2>Reliability diagrams</h2>\n<p>Bars: accuracy per confidence bin; red: mean confidence in the bin; "
              "dashed: perfect calibration. Hover a bar for its numbers.</p>\n");
  for (int s = 0; s < nsplit; s++) {
    fprintf(fp, "<h3>%s folds</h3>\n", R[s].split);
    for (int m = 0; m < NMETHOD; m++) {
      char title[96];
      snprintf(title, sizeof title, "%s, %s", method_name[m], R[s].split);
      fprintf(fp, "<div class=\"d\">");
      TFF_CHECK(tff_calib_WriteSVG(fp, &R[s].bins[m], title, errbuf));
      fprintf(fp, "</div>\n");
    }
  }
  fprintf(fp, "<p>tffam %s</p></body></html>\n", PACKAGE_VERSION);
  return ferror(fp) ? tff_Fail(errbuf, tffEWRITE, "HTML write failed") : tffOK;
 ERROR:
  return status;
}

/* The shipped combiner: hyperparameters by CV over all folds, fitted on all motifs. */
static int
write_combiner(const char *path, const double *X, const int *fold, const TFF_LABELS *L, int K, int kmax, const char *netnames,
               int nseeds, int extra_col, int extra_kmax, const char *cmd, char *errbuf)
{
  TFF_COMBINER *C = NULL;
  TFF_OUTFILE   of;
  double        lambda, cw;
  int           status, opened = 0;
  char          comment[512];
  /* outer = -1: no fold is held out; the 3 inner groups are fold mod 3 */
  TFF_CHECK(choose_hyper(X, L->y, fold, L->n, L->nfam, K, -1, &lambda, &cw, errbuf));
  TFF_CHECK(tff_combine_Fit(X, L->y, NULL, L->n, L->nfam, feature_use, lambda, cw, &C, errbuf));
  C->kmax = kmax;
  if (feature_use[13]) { C->extra_col = extra_col; C->extra_kmax = extra_kmax; }
  {
    char *names[64], buf[4096], *p;
    int   n = 0;
    if (netnames) {
      snprintf(buf, sizeof buf, "%s", netnames);
      for (p = strtok(buf, ","); p && n < 64; p = strtok(NULL, ",")) names[n++] = p;
      if (n != nseeds) TFF_FAIL(tffEUSAGE, errbuf, "-network-names names %d files, but there are %d networks (-cnn-seeds, twice with -augment-mix)", n, nseeds);
      TFF_CHECK(tff_combine_SetNetworks(C, names, n, errbuf));
    } else {
      char name[64][32];
      int  nplain = augment_mix ? nseeds / 2 : nseeds;   /* -augment-mix: the plain networks, then the augmented ones */
      for (int s = 0; s < nseeds && s < 64; s++) {
        if (s >= nplain)  snprintf(name[s], sizeof name[s], "tffam-aug%d.model", s - nplain + 1);
        else if (s == 0)  snprintf(name[s], sizeof name[s], "tffam-default.model");
        else              snprintf(name[s], sizeof name[s], "tffam-seed%d.model", s + 1);
        names[s] = name[s];
      }
      TFF_CHECK(tff_combine_SetNetworks(C, names, nseeds < 64 ? nseeds : 64, errbuf));
    }
  }
  TFF_CHECK(tff_outfile_Open(path, &of, errbuf));
  opened = 1;
  snprintf(comment, sizeof comment, "fitted by tffam %s: %s", PACKAGE_VERSION, cmd);
  TFF_CHECK(tff_combine_Write(of.fp, C, L->fam, comment, errbuf));
  opened = 0;
  TFF_CHECK(tff_outfile_Commit(&of, errbuf));
  status = tffOK;
 ERROR:
  if (opened) tff_outfile_Abort(&of);
  tff_combine_Destroy(C);
  return status;
}

int
main(int argc, char **argv)
{
  char           errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS      *opts = NULL;
  TFF_MOTIFSET  *set = NULL;
  TFF_LABELS    *L = NULL;
  TFF_KNN_TABLE *T = NULL;
  TFF_TRAIN_DATA *d = NULL;
  TFF_OUTDIR     od = { 0 };
  FILE          *fp = NULL;
  char         **names = NULL;
  double        *Xstrat = NULL;
  SPLIT_RESULT   R[2];
  TFF_TRAIN_OPTS o;
  int            status = tffOK, nsplit = 0, K, verbose, have_dir = 0, augment = 0, extra_col = -1, nseeds;
  const char    *split, *dir = NULL;

  memset(R, 0, sizeof R);
  if ((status = tff_opts_Parse(cv_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-cv: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, cv_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, cv_opts); goto DONE; }
  if (tff_opts_NArgs(opts) != 2) TFF_FAIL(tffEUSAGE, errbuf, "expected a motif file and a label file, got %d arguments", tff_opts_NArgs(opts));
  if (tff_opts_IsSet(opts, "o") && tff_opts_IsSet(opts, "oc")) TFF_FAIL(tffEUSAGE, errbuf, "give -o or -oc, not both");
  TFF_CHECK(parse_features(tff_opts_GetString(opts, "features"), feature_use, errbuf));
  TFF_CHECK(tff_train_AugmentParse(tff_opts_GetString(opts, "augment"), &augment, errbuf));
  if (tff_opts_IsSet(opts, "extra-tsv") && tff_opts_IsSet(opts, "extra-metric")) TFF_FAIL(tffEUSAGE, errbuf, "give -extra-metric or -extra-tsv, not both");
  if (feature_use[13] && !tff_opts_IsSet(opts, "extra-tsv") && !tff_opts_IsSet(opts, "extra-metric"))
    TFF_FAIL(tffEUSAGE, errbuf, "-features extra_nlp needs -extra-metric (or -extra-tsv)");
  if ((tff_opts_IsSet(opts, "extra-metric") || tff_opts_IsSet(opts, "extra-tsv")) && !feature_use[13])
    TFF_FAIL(tffEUSAGE, errbuf, "-extra-metric and -extra-tsv make the feature extra_nlp: add it to -features");
  if ((tff_opts_IsSet(opts, "extra-neighbours") || tff_opts_IsSet(opts, "save-extra-neighbours")) && !tff_opts_IsSet(opts, "extra-metric"))
    TFF_FAIL(tffEUSAGE, errbuf, "-extra-neighbours and -save-extra-neighbours need -extra-metric");
  if (tff_opts_IsSet(opts, "extra-tsv") && tff_opts_IsSet(opts, "write-combiner"))
    TFF_FAIL(tffEUSAGE, errbuf, "-extra-tsv is an experiment (its p-values are rounded, its metric unknown): no combiner is written with it; use -extra-metric");
  augment_mix = tff_opts_GetFlag(opts, "augment-mix");
  if (augment_mix && !augment) TFF_FAIL(tffEUSAGE, errbuf, "-augment-mix needs an augmentation (-augment)");
  cnn_cache = tff_opts_GetString(opts, "cnn-cache");
  K       = tff_opts_GetInt(opts, "folds");
  verbose = tff_opts_GetInt(opts, "verbosity") >= 2;
  split   = tff_opts_GetString(opts, "split");
#ifdef _OPENMP
  if (tff_opts_GetInt(opts, "threads") > 0) omp_set_num_threads(tff_opts_GetInt(opts, "threads"));
#endif
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  TFF_CHECK(tff_labels_Read(tff_opts_Arg(opts, 1), set, 0, &L, errbuf));
  if (L->nfam < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: only one family: nothing to learn", tff_opts_Arg(opts, 1));
  if (K > L->n) TFF_FAIL(tffEUSAGE, errbuf, "-folds %d: only %d motifs", K, L->n);
  if (strcmp(split, "strat") != 0) TFF_CHECK(tff_combine_ReadNames(tff_opts_Arg(opts, 1), set, &names, errbuf));
  if ((dir = tff_opts_GetString(opts, "o")) || (dir = tff_opts_GetString(opts, "oc"))) {
    TFF_CHECK(tff_outdir_Open(dir, tff_opts_IsSet(opts, "oc"), &od, errbuf));
    have_dir = 1;
  }

  if (tff_opts_IsSet(opts, "neighbours"))
    TFF_CHECK(tff_combine_ReadTable(tff_opts_GetString(opts, "neighbours"), set->n, &T, errbuf));
  else {
    TFF_KNN_CFG cfg;
    time_t      t0 = time(NULL);
    tff_knn_DefaultConfig(&cfg);
    cfg.kmax = tff_opts_GetInt(opts, "kmax");
    cfg.leave_one_out = 1;
    cfg.nthreads = tff_opts_GetInt(opts, "threads");
    cfg.bg = set->bg;
    TFF_CHECK(tff_knn_Neighbours(set->m, set->n, set->m, set->n, &cfg, &T, errbuf));
    if (verbose) fprintf(stderr, "tffam-cv: all-vs-all neighbours of %d motifs (%ld s)\n", set->n, (long) (time(NULL) - t0));
  }
  if (tff_opts_IsSet(opts, "save-neighbours")) TFF_CHECK(tff_combine_WriteTable(tff_opts_GetString(opts, "save-neighbours"), T, errbuf));
  if (!(T->have[0] && T->have[1] && T->have[2])) TFF_FAIL(tffEFORMAT, errbuf, "neighbour lists for all three metrics are needed");
  if (tff_opts_IsSet(opts, "extra-tsv"))
    TFF_CHECK(tff_knn_FromTomtomTSV(tff_opts_GetString(opts, "extra-tsv"), set->m, set->n, set->m, set->n, tffKNN_ED, T->kmax, 1,
                                    &extra_table, errbuf));
  if (tff_opts_IsSet(opts, "extra-metric")) {   /* as the three metrics, under the extra column score, in slot 0 */
    extra_col = tff_colcmp_Metric(tff_opts_GetString(opts, "extra-metric"));
    if (tff_opts_IsSet(opts, "extra-neighbours")) {
      TFF_CHECK(tff_combine_ReadTable(tff_opts_GetString(opts, "extra-neighbours"), set->n, &extra_table, errbuf));
      if (!extra_table->have[0] || extra_table->have[1] || extra_table->have[2] || extra_table->kmax != T->kmax)
        TFF_FAIL(tffEFORMAT, errbuf, "%s: not the neighbour lists of one column score with kmax %d (-save-extra-neighbours)",
                 tff_opts_GetString(opts, "extra-neighbours"), T->kmax);
    } else {
      TFF_KNN_CFG cfg;
      time_t      t0 = time(NULL);
      tff_knn_DefaultConfig(&cfg);
      cfg.kmax = T->kmax;
      cfg.leave_one_out = 1;
      cfg.nthreads = tff_opts_GetInt(opts, "threads");
      cfg.bg = set->bg;
      TFF_CHECK(tff_knn_NeighboursScore(set->m, set->n, set->m, set->n, &cfg, extra_col, &extra_table, errbuf));
      if (verbose) fprintf(stderr, "tffam-cv: all-vs-all neighbours under %s (%ld s)\n", tff_colcmp_Name(extra_col), (long) (time(NULL) - t0));
    }
    if (tff_opts_IsSet(opts, "save-extra-neighbours"))
      TFF_CHECK(tff_combine_WriteTable(tff_opts_GetString(opts, "save-extra-neighbours"), extra_table, errbuf));
  }

  tff_train_OptsDefault(&o);
  o.seed = (uint64_t) tff_opts_GetInt(opts, "seed");
  o.verbose = 0;
  o.augment     = augment;
  o.aug_nsites  = tff_opts_GetInt(opts, "augment-nsites");
  o.aug_trim    = tff_opts_GetInt(opts, "augment-trim");
  o.aug_trim_ic = tff_opts_GetReal(opts, "augment-trim-ic");
  o.aug_minw    = tff_opts_GetInt(opts, "augment-minw");
  o.aug_pad     = tff_opts_GetInt(opts, "augment-pad");
  TFF_CHECK(tff_train_DataCreate(&o.arch, set, L, &d, errbuf));

  if (strcmp(split, "group") != 0)
    TFF_CHECK(run_split("stratified", &o, d, T, L, names, K, tff_opts_GetInt(opts, "cnn-seeds"), tff_opts_GetInt(opts, "bins"),
                        verbose, &R[nsplit++], &Xstrat, errbuf));
  if (strcmp(split, "strat") != 0)
    TFF_CHECK(run_split("grouped", &o, d, T, L, names, K, tff_opts_GetInt(opts, "cnn-seeds"), tff_opts_GetInt(opts, "bins"),
                        verbose, &R[nsplit++], NULL, errbuf));

  TFF_CHECK(write_table(stdout, R, nsplit, errbuf));
  if (have_dir) {
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_table.tsv", &fp, errbuf));
    TFF_CHECK(write_table(fp, R, nsplit, errbuf));
    TFF_CHECK(tff_Fclose(fp, "cv_table.tsv", errbuf)); fp = NULL;
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_predictions.tsv", &fp, errbuf));
    TFF_CHECK(write_predictions(fp, R, nsplit, set, L, errbuf));
    TFF_CHECK(tff_Fclose(fp, "cv_predictions.tsv", errbuf)); fp = NULL;
    TFF_CHECK(tff_outdir_Fopen(&od, "cv.html", &fp, errbuf));
    TFF_CHECK(write_html(fp, R, nsplit, L, tff_opts_CommandLine(opts), errbuf));
    TFF_CHECK(tff_Fclose(fp, "cv.html", errbuf)); fp = NULL;
    TFF_CHECK(tff_outdir_Commit(&od, errbuf));
    have_dir = 0;
  }
  if (tff_opts_IsSet(opts, "write-combiner")) {
    if (!Xstrat) TFF_FAIL(tffEUSAGE, errbuf, "-write-combiner needs the stratified split (-split strat or both)");
    nseeds = tff_opts_GetInt(opts, "cnn-seeds") * (augment_mix ? 2 : 1);
    TFF_CHECK(write_combiner(tff_opts_GetString(opts, "write-combiner"), Xstrat, R[0].fold, L, K, T->kmax, tff_opts_GetString(opts, "network-names"),
                             nseeds, extra_col, extra_table ? extra_table->kmax : 0, tff_opts_CommandLine(opts), errbuf));
  }
  if (fflush(stdout) != 0) TFF_FAIL(tffEWRITE, errbuf, "standard output: write failed");
  goto DONE;

 ERROR:
  fprintf(stderr, "tffam-cv: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, cv_opts);
 DONE:
  if (fp) fclose(fp);
  if (have_dir) tff_outdir_Abort(&od);
  for (int s = 0; s < 2; s++) split_free(&R[s]);
  free(Xstrat);
  tff_combine_FreeNames(names, set ? set->n : 0);
  tff_train_DataDestroy(d);
  tff_knn_table_Destroy(T);
  tff_knn_table_Destroy(extra_table);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(set);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
