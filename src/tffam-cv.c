/* tffam-cv: honest cross-validation of KNN, the network and the combined model.
 *
 * For each split (-split: stratified K folds; grouped K folds where all motifs of a
 * TF name, of a gene-name stem or of a Tomtom cluster share a fold) every motif is
 * predicted by models that never saw its fold:
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
 * for a training motif was trained without that motif's fold, and with -nested
 * without the held-out fold too), as in stacking.
 * Writes the table method x split x (accuracy, macro-F1, ECE) on standard output, once
 * the files are in place, and, with an output directory, cv_table.tsv, cv_families.tsv,
 * cv_reliability.tsv, cv_predictions.tsv, cv_probabilities.tsv (the combined model's
 * out-of-fold probability of every family) and cv.html with reliability diagrams (and,
 * with -novelty, cv_novelty.tsv: cv_files[] below lists them all).
 * -write-combiner fits the combiner on the -combiner-split's (stem by default)
 * out-of-fold features of all motifs (the shipped combiners in etc/models/LEVEL/),
 * naming its networks (with -augment-mix the plain ones, then the augmented ones)
 * and, with -extra-metric, the fourth column score of the feature extra_nlp
 * (its neighbours made by tff_knn_NeighboursScore, as tffam makes them).
 * -novelty (tffam-cv-novelty.c) fits and judges the no_known_family model and
 * writes it into that combiner.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
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
#include "tff_random.h"
#include "tff_result.h"
#include "tff_train.h"
#include "tff_util.h"

#include "tffam-cv.h"

static const TFF_OPTDEF cv_opts[] = {
  { "folds",          tffOPT_INT,    "10",   "3",  "100", NULL, "<K>",    NULL, NULL, "number of folds (each fold's combiner is tuned by a cross-validation over the other folds: at least two)" },
  { "seed",           tffOPT_INT,    "1",    "0",  NULL,  NULL, "<n>",    NULL, NULL, "random seed (folds, network training)" },
  { "split",          tffOPT_STRING, "strat,stem,cluster", NULL, NULL, NULL, "<list>", NULL, NULL, "splits, comma-separated: strat (stratified), group (by TF name), stem (by gene-name stem: paralogs together), cluster (connected components of motifs linked by a Tomtom ed p-value below -cluster-pvalue); both = strat,group" },
  { "cluster-pvalue", tffOPT_REAL,   "1e-8", "0",  "1",   NULL, "<p>",    NULL, NULL, "cluster split: motifs linked by an ed p-value below <p> share a fold" },
  { "combiner-split", tffOPT_STRING, NULL,   NULL, NULL,  "strat|group|stem|cluster", "<s>", "write-combiner: it picks the split the written combiner is fitted on", NULL, "-write-combiner: fit on this split's out-of-fold features (it must be among -split); default: stem if it is among -split, else the first split" },
  { "novel-pvalue",   tffOPT_REAL,   "1e-8", "0",  "1",   NULL, "<p>",    NULL, NULL, "report also the held-out motifs with no same-family reference (other folds) at an ed p-value below <p>" },
  { "partner-evalue", tffOPT_REAL,   "1",    "0",  NULL,  NULL, "<E>",    NULL, NULL, "the two-label motifs' table: judge also tffam's heterodimer rule (the nearest reference of another fold, by ed, a two-family motif holding the combined call at E <= <E>: its other family is the second; as tffam -partner-evalue; 0: never)" },
  { "cnn-seeds",      tffOPT_INT,    "1",    "1",  "20",  NULL, "<n>",    NULL, NULL, "networks per fold (seeds), probabilities averaged" },
  { "kmax",           tffOPT_INT,    "60",   "5",  "1000", NULL, "<n>",   NULL, NULL, "neighbours kept per motif before filtering by fold" },
  { "bins",           tffOPT_INT,    "15",   "1",  "100", NULL, "<n>",    NULL, NULL, "confidence bins for ECE and the reliability diagrams" },
  { "neighbours",     tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>", NULL, NULL, "read the all-vs-all neighbour lists from <file> (written by -save-neighbours; its -kmax is the one they were saved with)" },
  { "save-neighbours", tffOPT_STRING, NULL,  NULL, NULL,  NULL, "<file>", NULL, NULL, "write the all-vs-all neighbour lists to <file>" },
  { "write-combiner", tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>", NULL, NULL, "fit the combiner on all motifs (the -combiner-split's out-of-fold features: stem by default) and write it; with the feature kmer_logp its k-mer model goes beside it, NAME-kmer.txt for NAME-combine.txt or NAME.txt (replacing a file of that name)" },
  { "cnn-cache",      tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",  NULL, NULL, "keep out-of-fold network probabilities in <dir> (one file per split, folds, seed, seeds) and reuse them" },
  { "network-names",  tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<list>", "write-combiner: the names are recorded in the written combiner", NULL, "-write-combiner: the model files (comma-separated, one per network: -cnn-seeds, twice with -augment-mix, plain ones first) to record; default tffam-default.model, tffam-seed2.model, ... (then tffam-aug1.model, ...)" },
  { "features",       tffOPT_STRING, "cnn_logp,ed_nlp,pearson_nlp,sandelin_nlp,share_k1,share_k5", NULL, NULL, NULL, "<list>", NULL, NULL, "combiner features, comma-separated (doc/combine.md; kmer_logp: the k-mer model, fitted out of fold too)" },
  TFF_TRAIN_AUGMENT_OPTS("network training augmentation: none, all, or sample, trim, pad joined by '+' (as tffam-train)"),
  { "cnn-channels",   tffOPT_STRING, "16,16,20", NULL, NULL, NULL, "<a,b,c>", NULL, NULL, "the networks' hidden channels of the first three layers (as tffam-train -channels)" },
  { "cnn-val-split",  tffOPT_STRING, "strat", NULL, NULL, "strat|stem", "<s>", NULL, NULL, "the networks' early-stopping split inside the training folds: stratified, or by gene-name stem (paralogs on one side: the loss of new TFs)" },
  { "extra-metric",   tffOPT_STRING, NULL,   NULL, NULL,  "ed|pearson|sandelin|kullback|allr", "<score>", NULL, NULL, "a fourth column score for the feature extra_nlp: the set against itself under it (-kmax neighbours; doc/combine.md)" },
  { "extra-neighbours", tffOPT_STRING, NULL, NULL, NULL,  NULL, "<file>", "extra-metric: they are the -extra-metric score's lists", NULL, "-extra-metric: read its all-vs-all neighbour lists from <file> (written by -save-extra-neighbours)" },
  { "save-extra-neighbours", tffOPT_STRING, NULL, NULL, NULL, NULL, "<file>", "extra-metric: they are the -extra-metric score's lists", NULL, "-extra-metric: write its all-vs-all neighbour lists to <file>" },
  { "extra-tsv",      tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>", NULL, "extra-metric,write-combiner: it is an experiment in place of -extra-metric (its p-values are rounded, its metric unknown), and no combiner is written with it", "experiment: extra_nlp from a tomtom.tsv of the set against itself instead (no combiner is written with it)" },
  { "novelty",        tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     NULL, NULL, "fit and judge the novelty model (no_known_family): leave-one-class-out, decoys (doc/combine.md); with -write-combiner, write it into the combiner" },
  { "loco-min",       tffOPT_INT,    "5",    "2",  "1000", NULL, "<n>",   "novelty: it picks the novelty model's left-out classes", NULL, "-novelty: leave out, one at a time, every family with at least <n> motifs" },
  { "novelty-lost",   tffOPT_REAL,   "0.02", "0",  "0.5", NULL, "<f>",    "novelty: it sets the novelty model's threshold", NULL, "-novelty: threshold such that this share of the training motifs' correct calls would abstain" },
  { "novelty-cnn",    tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     "novelty: it is a feature of the novelty model", NULL, "-novelty: the networks' top probability is a novelty feature too (cnn_top; for each left-out class, networks trained without it: -cnn-seeds more per class, twice with -augment-mix; doc/combine.md)" },
  { "novelty-loco-weight", tffOPT_REAL, "0.5", "0.01", "0.99", NULL, "<w>", "novelty: it weighs the novelty model's rows", NULL, "-novelty: the left-out classes' share of the novel rows' weight in the fit (the decoys have the rest; the known motifs weigh 1 in all)" },
  { "decoys",         tffOPT_INT,    "600",  "0",  "100000", NULL, "<n>", "novelty: they train the novelty model", NULL, "-novelty: random motifs (widths 5-30) that train the novelty model as motifs of no known family" },
  { "nested",         tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     NULL, NULL, "the combiner's training rows (and cnn+T's temperature) get network probabilities from networks that saw neither the row's fold nor the held-out fold (K(K-1)/2 networks per seed more; not with the feature kmer_logp; doc/combine.md)" },
  { "augment-mix",    tffOPT_FLAG,   NULL,   NULL, NULL,  NULL, NULL,     NULL, NULL, "train each of the -cnn-seeds networks twice, without and with -augment, and average all of them" },
  TFF_OPTS_THREADS("threads (0: OpenMP's default); results do not depend on it"),
  { "o",              tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",  NULL, "oc: give one output directory", "output directory; refuse to overwrite" },
  { "oc",             tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",  NULL, NULL, "output directory; if it exists, only the cv_* files and cv.html in it are replaced; refused while another run writes it" },
  TFF_OPTS_VERBOSITY("1: errors only; 2: progress (3..5: the same)"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
static const char *usage   = "tffam-cv [options] <motif file> <labels TSV with a name column>";
static const char *purpose = "Cross-validated accuracy, macro-F1 and calibration (ECE) of KNN, the network and the combined\n"
                             "model, on stratified, TF-grouped, gene-name-stem and cluster folds (-split; doc/combine.md).";

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
    if (use[j]) return tff_Fail(errbuf, tffEUSAGE, "-features: '%s' is listed twice", tff_combine_FeatureName[j]);
    use[j] = 1;
    p = e ? e + 1 : NULL;
  }
  return tffOK;
}


static void
split_free(SPLIT_RESULT *R)
{
  free(R->fold); free(R->pred); free(R->conf); free(R->comb); free(R->novel); free(R->lambda); free(R->cw);
  free(R->recall); free(R->support);
}

/* Inner CV (3 groups of the training folds) over the lambda x cw grid; mean log-loss. */
static int
choose_hyper(const double *X, const int *y, const int *y2, const int *fold, int n, int nfam, int K, int outer,
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
        TFF_CHECK(tff_combine_Fit(X, y, y2, sel, n, nfam, feature_use, lambda_grid[li], cw_grid[ci], &C, errbuf));
        for (int i = 0; i < n; i++) {
          r = (outer < 0 || fold[i] < outer) ? fold[i] : fold[i] - 1;
          if (fold[i] == outer || r % 3 != g || y[i] < 0) continue;
          tff_combine_Predict(C, X + (size_t) i * nfam * TFF_COMBINE_NFEAT, prob);
          if (y2 && y2[i] >= 0) loss -= 0.5 * (log(prob[y[i]] > 1e-300 ? prob[y[i]] : 1e-300) + log(prob[y2[i]] > 1e-300 ? prob[y2[i]] : 1e-300));
          else                  loss -= log(prob[y[i]] > 1e-300 ? prob[y[i]] : 1e-300);
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

/* FNV-1a, 64 bits: the cache key of out-of-fold network probabilities. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) { h ^= c[i]; h *= 1099511628211ULL; }
  return h;
}

/* The code that trains the networks: a checksum of this program's own bytes
 * (/proc/self/exe), so that any change to it, even without a new version number, or
 * another build of it, is a cache miss; 0 where the file cannot be read (the version
 * still counts). Computed once. */
static uint64_t
program_checksum(void)
{
  static int      done = 0;
  static uint64_t sum = 0;
  if (!done) {
    FILE         *fp = fopen("/proc/self/exe", "rb");
    unsigned char buf[65536];
    size_t        got;
    uint64_t      h = 14695981039346656037ULL;
    done = 1;
    if (fp) {
      while ((got = fread(buf, 1, sizeof buf, fp)) > 0) h = fnv(h, buf, got);
      if (!ferror(fp)) sum = h;
      fclose(fp);
    }
  }
  return sum;
}

/* Everything the out-of-fold probabilities depend on: the code (the program version and
 * the program's checksum), every motif's matrix, the labels, which motifs train, the
 * folds, the number of networks and all training options (architecture, optimiser,
 * augmentation, seed). */
static uint64_t
cnn_key(const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K, int nseeds)
{
  uint64_t h = 14695981039346656037ULL, prog = program_checksum();
  h = fnv(h, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
  h = fnv(h, &prog, sizeof prog);
  h = fnv(h, &d->n, sizeof d->n);
  h = fnv(h, &d->nfam, sizeof d->nfam);
  for (int i = 0; i < d->n; i++) {
    h = fnv(h, &d->w[i], sizeof d->w[i]);
    h = fnv(h, d->p + d->poff[i], sizeof(double) * 4 * (size_t) d->w[i]);
    h = fnv(h, &d->nsites[i], sizeof(double));
    h = fnv(h, &d->y[i], sizeof(int));
    h = fnv(h, &fold[i], sizeof(int));
    if (trainable) h = fnv(h, &trainable[i], sizeof(int));
  }
  h = fnv(h, &K, sizeof K);
  h = fnv(h, &nseeds, sizeof nseeds);
  h = fnv(h, &o->arch, sizeof o->arch);   /* ints only: no padding bytes */
  h = fnv(h, &o->adam.lr, sizeof(double));
  h = fnv(h, &o->adam.beta1, sizeof(double));
  h = fnv(h, &o->adam.beta2, sizeof(double));
  h = fnv(h, &o->adam.eps, sizeof(double));
  h = fnv(h, &o->adam.wd, sizeof(double));
  h = fnv(h, &o->adam.decoupled, sizeof(int));
  h = fnv(h, &o->init, sizeof o->init);
  h = fnv(h, &o->patience, sizeof o->patience);
  h = fnv(h, &o->max_epochs, sizeof o->max_epochs);
  h = fnv(h, &o->val_frac, sizeof o->val_frac);
  h = fnv(h, &o->class_weight, sizeof o->class_weight);
  h = fnv(h, &o->restore_best, sizeof o->restore_best);
  h = fnv(h, &o->augment, sizeof o->augment);
  h = fnv(h, &o->aug_nsites, sizeof o->aug_nsites);
  h = fnv(h, &o->aug_trim, sizeof o->aug_trim);
  h = fnv(h, &o->aug_trim_ic, sizeof o->aug_trim_ic);
  h = fnv(h, &o->aug_minw, sizeof o->aug_minw);
  h = fnv(h, &o->aug_pad, sizeof o->aug_pad);
  h = fnv(h, &o->seed, sizeof o->seed);
  if (o->val_groups && d->group) {   /* hashed only when used: older cache files stay valid */
    h = fnv(h, &o->val_groups, sizeof o->val_groups);
    for (int i = 0; i < d->n; i++) h = fnv(h, &d->group[i], sizeof(int));
  }
  return h;
}

/* Out-of-fold network probabilities, from the cache directory if there, else trained (and
 * cached): pairs 0, tff_combine_CnnOOF's (n x nfam, file cnn_oof_KEY.txt); pairs 1, the
 * nested ones of tff_combine_CnnPairOOF (K x n x nfam, file cnn_pairs_KEY.txt, the key
 * hashed on with "pairs"). The file name is a checksum of everything they depend on
 * (cnn_key), and the file repeats it: a changed motif, label, fold, option, program
 * version or program (another build) is a miss. */
static int
cnn_cached(const char *cache, int pairs, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable,
           int K, int nseeds, double *prob, char *errbuf)
{
  char     path[4096] = "", tmp[4200];
  FILE    *fp;
  int      status, n, F, k = K, nh = pairs ? 4 : 3;
  size_t   N = (size_t) (pairs ? K : 1) * d->n * d->nfam;
  uint64_t key = 0, fkey;
  if (cache) {
    key = cnn_key(o, d, fold, trainable, K, nseeds);
    if (pairs) key = fnv(key, "pairs", 5);
    snprintf(path, sizeof path, "%s/%s_%016llx.txt", cache, pairs ? "cnn_pairs" : "cnn_oof", (unsigned long long) key);
    if ((fp = fopen(path, "r")) != NULL) {
      int ok = fscanf(fp, pairs ? "%llx %d %d %d" : "%llx %d %d", (unsigned long long *) &fkey, &n, &F, &k) == nh
               && fkey == key && n == d->n && F == d->nfam && k == K;
      for (size_t t = 0; ok && t < N; t++) ok = fscanf(fp, "%la", &prob[t]) == 1;
      fclose(fp);
      if (ok) return tffOK;
    }
  }
  if (pairs) TFF_CHECK(tff_combine_CnnPairOOF(o, d, fold, trainable, K, nseeds, prob, errbuf));
  else       TFF_CHECK(tff_combine_CnnOOF(o, d, fold, trainable, K, nseeds, prob, errbuf));
  if (!cache) return tffOK;
  /* written beside and renamed into place, so that a killed run or another run reading
   * the cache never sees a half-written file */
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long) getpid());
  if ((fp = fopen(tmp, "w")) == NULL) TFF_FAIL(tffEWRITE, errbuf, "%s: cannot write", tmp);
  fprintf(fp, "%016llx %d %d", (unsigned long long) key, d->n, d->nfam);
  if (pairs) fprintf(fp, " %d", K);
  fputc('\n', fp);
  for (size_t t = 0; t < N; t++) fprintf(fp, "%a\n", prob[t]);
  status = tff_Fclose(fp, tmp, errbuf);
  if (status == tffOK && rename(tmp, path) != 0) status = tff_Fail(errbuf, tffEWRITE, "%s: cannot rename to %s", tmp, path);
  if (status != tffOK) remove(tmp);
  return status;
 ERROR:
  return status;
}

static TFF_KNN_TABLE *extra_table = NULL;   /* -extra-metric, -extra-tsv: neighbours under the extra column score, in metric slot 0 */
static double        *kmer_X = NULL;        /* -features kmer_logp: every motif's k-mer spectrum (n x TFF_KMER_DIM) */
static TFF_KMER_OPTS  kmer_opts;            /* and the k-mer model's settings */

/* Features (n x nfam x NFEAT) for given folds, every motif's neighbours restricted to
 * folds other than its own and other than <out> (-1: none), and the KNN calls and vote
 * shares at K=1 (if knncall). kmerprob (n x nfam, or NULL): the k-mer model's out-of-fold
 * probabilities. */
static int
make_features(const TFF_KNN_TABLE *T, const int *fold, int out, const TFF_LABELS *L, const double *cnnprob,
              const double *kmerprob, double *X, int *knncall, double *share1, char *errbuf)
{
  TFF_KNN_TABLE *U = NULL, *UA = NULL;
  int            status;
  const int      F = L->nfam;
  TFF_CHECK(tff_combine_FilterTableOut(T, fold, out, &U, errbuf));
  if (extra_table) TFF_CHECK(tff_combine_FilterTableOut(extra_table, fold, out, &UA, errbuf));
  for (int i = 0; i < L->n; i++) {
    tff_combine_Features(U, i, L->y, L->y2, F, cnnprob + (size_t) i * F, X + (size_t) i * F * TFF_COMBINE_NFEAT);
    if (UA) tff_combine_NlpFeature(UA, 0, i, L->y, L->y2, F, tffFEAT_EXTRA_NLP, X + (size_t) i * F * TFF_COMBINE_NFEAT);
    if (kmerprob) tff_combine_KmerFeature(kmerprob + (size_t) i * F, F, X + (size_t) i * F * TFF_COMBINE_NFEAT);
    if (knncall) knncall[i] = tff_combine_Vote(U, i, 1, L->y, L->y2, F, share1 + (size_t) i * F);
  }
  status = tffOK;
 ERROR:
  tff_knn_table_Destroy(U);
  tff_knn_table_Destroy(UA);
  return status;
}

/* The heterodimer partner of motif i's combined call (tff_result_Partner()): from
 * its nearest reference by ed among the other folds, as tffam's first listed
 * neighbour is its nearest reference; -1 if none. */
static int
cv_partner(const TFF_KNN_TABLE *T, const int *fold, const TFF_LABELS *L, int i, int call, double emax)
{
  const TFF_KNN_NB *list = T->nb[tffKNN_ED] + (size_t) i * T->kmax;
  if (!L->y2) return -1;
  for (int r = 0; r < T->nnb[tffKNN_ED][i]; r++) {
    int j = list[r].ref;
    if (fold[j] != fold[i]) return tff_result_Partner(call, L->y[j], L->y2[j], list[r].evalue, emax);
  }
  return -1;
}

/* novel[i] = 1 if no reference of another fold with one of i's families has an ed p-value below thresh. */
static void
mark_novel(const TFF_KNN_TABLE *T, const int *fold, const TFF_LABELS *L, double thresh, int *novel)
{
  for (int i = 0; i < L->n; i++) {
    const TFF_KNN_NB *list = T->nb[tffKNN_ED] + (size_t) i * T->kmax;
    novel[i] = 1;
    for (int r = 0; r < T->nnb[tffKNN_ED][i] && list[r].pvalue < thresh; r++) {
      int j = list[r].ref;
      if (fold[j] == fold[i]) continue;
      if (L->y[j] == L->y[i] || (L->y2 && (L->y2[j] == L->y[i] || (L->y2[i] >= 0 && (L->y[j] == L->y2[i] || L->y2[j] == L->y2[i]))))) {
        novel[i] = 0;
        break;
      }
    }
  }
}

/* What goes to standard output (the table, the two-label and novelty lines), collected
 * here and printed once every file (-oc, -write-combiner) is in place: a run that fails
 * prints no table. */
static FILE *report = NULL;
static char *report_buf = NULL;
static size_t report_len = 0;

static const char *cnn_cache = NULL;   /* -cnn-cache */
static int         augment_mix = 0;    /* -augment-mix */
static int         nested = 0;         /* -nested */
static double      cluster_p = 1e-8;   /* -cluster-pvalue */
static double      novel_p = 1e-8;     /* -novel-pvalue */

/* cv_network_probs() (tffam-cv.h) */
int
cv_network_probs(int pairs, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const int *fold, const int *trainable, int K,
              int nseeds, double *prob, char *errbuf)
{
  const size_t   N = (size_t) (pairs ? K : 1) * d->n * d->nfam;
  double        *plain = NULL;
  TFF_TRAIN_OPTS op = *o;
  int            status;
  TFF_CHECK(cnn_cached(cnn_cache, pairs, o, d, fold, trainable, K, nseeds, prob, errbuf));
  if (augment_mix) {
    op.augment = 0;
    TFF_CALLOC(plain, N, sizeof(double));
    TFF_CHECK(cnn_cached(cnn_cache, pairs, &op, d, fold, trainable, K, nseeds, plain, errbuf));
    for (size_t t = 0; t < N; t++) prob[t] = 0.5 * (plain[t] + prob[t]);
  }
  status = tffOK;
 ERROR:
  free(plain);
  return status;
}

/* z[t] = log of p[t] floored at 1e-6 (the networks' log-probabilities, as the combiner's cnn_logp). */
static void
log_floor(const double *p, size_t N, double *z)
{
  for (size_t t = 0; t < N; t++) z[t] = log(p[t] > 1e-6 ? p[t] : 1e-6);
}

/* The four splits: -split's word for each, and its name in cv_table.tsv and the
 * messages. split_option() and split_long() turn one into the other (any other string
 * is returned as it is). */
static const char *const split_opt[4]  = { "strat", "group", "stem", "cluster" };
static const char *const split_name[4] = { "stratified", "grouped", "stem", "cluster" };

static const char *
split_option(const char *name)
{
  for (int k = 0; k < 4; k++) if (strcmp(name, split_name[k]) == 0) return split_opt[k];
  return name;
}

static const char *
split_long(const char *opt)
{
  for (int k = 0; k < 4; k++) if (strcmp(opt, split_opt[k]) == 0) return split_name[k];
  return opt;
}

/* A family whose motifs (two or more, first or second label) all fall into one fold
 * cannot be called right there: held out, it has no reference or training motif of its
 * family. The grouped splits can do that to a family that is one group (a family of
 * paralogs, a cluster); the warning says so, so that its recall of 0 is not taken for
 * the model's. Returns how many families it named. */
static int
warn_one_fold_families(const char *split, const TFF_LABELS *L, const int *fold, int K)
{
  int nwarn = 0;
  for (int f = 0; f < L->nfam; f++) {
    int n = 0, k0 = -1, one = 1;
    for (int i = 0; i < L->n; i++) {
      if (L->y[i] != f && !(L->y2 && L->y2[i] == f)) continue;
      if (n++ == 0) k0 = fold[i];
      else if (fold[i] != k0) one = 0;
    }
    if (n < 2 || !one) continue;
    /* the split's name (as cv_table.tsv has it) and the -split value that asked for it */
    fprintf(stderr, "tffam-cv: warning: %s split (-split %s): all %d motifs of the family \"%s\" are in fold %d of %d: held out, "
            "none of them has a reference or training motif of its family, so this split cannot judge the family "
            "(expect its recall to be 0)\n", split,
            split_option(split), n, L->fam[f], k0 + 1, K);
    nwarn++;
  }
  return nwarn;
}

/* The folds of a split: "stratified", "grouped" (TF name), "stem", "cluster". */
static int
split_folds(const char *split, const TFF_LABELS *L, char *const *names, const TFF_KNN_TABLE *T, int K, uint64_t seed,
            int *fold, int verbose, char *errbuf)
{
  int *gid = NULL, *gid2 = NULL, ng = 0, status, big = 0;
  if (strcmp(split, "stratified") == 0) return tff_labels_StratifiedFolds(L, K, seed, fold, errbuf);
  if (strcmp(split, "grouped") == 0) {
    TFF_CHECK(tff_combine_GroupFolds(names, L->y, L->n, L->nfam, K, seed, fold, errbuf));
    if (verbose) warn_one_fold_families(split, L, fold, K);
    return tffOK;
  }
  TFF_CALLOC(gid, (size_t) L->n + 1, sizeof(int));
  TFF_CALLOC(gid2, (size_t) L->n + 1, sizeof(int));
  if (strcmp(split, "stem") == 0) TFF_CHECK(tff_combine_StemGroups(names, L->n, gid, &ng, errbuf));
  else {
    TFF_CHECK(tff_combine_ClusterGroups(T, tffKNN_ED, cluster_p, NULL, gid2, &ng, errbuf));
    memcpy(gid, gid2, sizeof(int) * (size_t) L->n);
  }
  for (int g = 0; g < ng; g++) gid2[g] = 0;
  for (int i = 0; i < L->n; i++) gid2[gid[i]]++;
  for (int g = 0; g < ng; g++) if (gid2[g] > big) big = gid2[g];
  if (verbose) fprintf(stderr, "tffam-cv: %s: %d groups of %d motifs, the largest %d\n", split, ng, L->n, big);
  TFF_CHECK(tff_labels_StratifyGroups(gid, ng, L->y, L->n, L->nfam, K, seed, fold, errbuf));
  if (verbose) warn_one_fold_families(split, L, fold, K);
 ERROR:
  free(gid); free(gid2);
  return status;
}

static int
run_split(const char *split, const TFF_TRAIN_OPTS *o, const TFF_TRAIN_DATA *d, const TFF_KNN_TABLE *T,
          const TFF_LABELS *L, char *const *names, int K, int nseeds, int nbins, int verbose,
          SPLIT_RESULT *R, double **ret_X, char *errbuf)
{
  const int F = L->nfam, n = L->n;
  double   *cnnK = NULL, *zck = NULL;   /* -nested: K blocks of n x F, and one block's log */
  double   *cnn = NULL, *kmer = NULL, *X = NULL, *Xk = NULL, *share1 = NULL, *zc = NULL, *p = NULL, *cbuf = NULL;
  int      *knncall = NULL, *sel = NULL, *ok = NULL, *trainable = NULL, *idx = NULL, status;
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
  TFF_CALLOC(R->novel, (size_t) n, sizeof(int));
  TFF_CALLOC(R->recall, (size_t) NMETHOD * F, sizeof(double));
  TFF_CALLOC(R->support, (size_t) F, sizeof(long));
  TFF_CALLOC(R->lambda, (size_t) K, sizeof(double));
  TFF_CALLOC(R->cw, (size_t) K, sizeof(double));
  TFF_CHECK(split_folds(split, L, names, T, K, o->seed, R->fold, verbose, errbuf));
  mark_novel(T, R->fold, L, novel_p, R->novel);

  TFF_CALLOC(cnn, (size_t) n * F, sizeof(double));
  TFF_CALLOC(zc, (size_t) n * F, sizeof(double));
  TFF_CALLOC(X, (size_t) n * F * TFF_COMBINE_NFEAT, sizeof(double));
  TFF_CALLOC(Xk, (size_t) n * F * TFF_COMBINE_NFEAT, sizeof(double));
  TFF_CALLOC(share1, (size_t) n * F, sizeof(double));
  TFF_CALLOC(knncall, (size_t) n, sizeof(int));
  TFF_CALLOC(sel, (size_t) n, sizeof(int));
  TFF_CALLOC(ok, (size_t) n, sizeof(int));
  TFF_CALLOC(idx, (size_t) n + 1, sizeof(int));
  TFF_CALLOC(cbuf, (size_t) n + 1, sizeof(double));
  TFF_CALLOC(p, (size_t) F, sizeof(double));
  if (L->y2) {   /* the networks learn from one-label motifs; two-label ones are only predicted */
    TFF_CALLOC(trainable, (size_t) n, sizeof(int));
    for (int i = 0; i < n; i++) trainable[i] = L->y2[i] < 0;
  }
  TFF_CHECK(cv_network_probs(0, o, d, R->fold, trainable, K, nseeds, cnn, errbuf));
  if (nested) {   /* block k: fold k's combiner's training rows, from networks that saw neither their fold nor k */
    TFF_CALLOC(cnnK, (size_t) K * n * F, sizeof(double));
    TFF_CHECK(cv_network_probs(1, o, d, R->fold, trainable, K, nseeds, cnnK, errbuf));
    for (int k = 0; k < K; k++)
      for (int i = 0; i < n; i++)
        if (R->fold[i] == k) memcpy(cnnK + ((size_t) k * n + i) * F, cnn + (size_t) i * F, sizeof(double) * (size_t) F);
  }
  if (verbose) fprintf(stderr, "tffam-cv: %s: networks trained (%ld s)\n", split, (long) (time(NULL) - t0));
  if (kmer_X) {   /* the k-mer model's out-of-fold probabilities: one fit per fold, on its one-label motifs (as the networks) */
    TFF_CALLOC(kmer, (size_t) n * F, sizeof(double));
    TFF_CHECK(tff_kmer_OOF(kmer_X, L->y, trainable, R->fold, n, F, K, &kmer_opts, kmer, errbuf));
    if (verbose) fprintf(stderr, "tffam-cv: %s: k-mer models fitted (%ld s)\n", split, (long) (time(NULL) - t0));
  }
  if (nested) TFF_CALLOC(zck, (size_t) n * F, sizeof(double));
  TFF_CHECK(make_features(T, R->fold, -1, L, cnn, kmer, X, knncall, share1, errbuf));
  log_floor(cnn, (size_t) n * F, zc);

  for (int k = 0; k < K; k++) {
    double Tc, Tk;
    /* fold k's combiner: its training motifs' neighbours are searched in the folds
     * other than their own and other than k; their network probabilities come from
     * networks trained without their own fold but with fold k, unless -nested (then
     * without k too: cnnK). As tffam-cv(1) says since 85ef2b9 */
    const double *ck = nested ? cnnK + (size_t) k * n * F : cnn;
    TFF_CHECK(make_features(T, R->fold, k, L, ck, kmer, Xk, NULL, NULL, errbuf));
    for (int i = 0; i < n; i++) sel[i] = R->fold[i] != k;
    if (nested) log_floor(ck, (size_t) n * F, zck);   /* cnn+T's temperature from the same nested probabilities */
    TFF_CHECK(tff_calib_FitTemperature(nested ? zck : zc, L->y, sel, n, F, &Tc, errbuf));
    TFF_CHECK(tff_calib_FitTemperature(share1, L->y, sel, n, F, &Tk, errbuf));
    TFF_CHECK(choose_hyper(Xk, L->y, L->y2, R->fold, n, F, K, k, &R->lambda[k], &R->cw[k], errbuf));
    TFF_CHECK(tff_combine_Fit(Xk, L->y, L->y2, sel, n, F, feature_use, R->lambda[k], R->cw[k], &C, errbuf));
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
      /* the held-out motif's features are the same in X and Xk (its own fold is k) */
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
  /* scores over the one-label motifs; the two-label ones (heterodimers) apart, below */
  for (int mth = 0; mth < NMETHOD; mth++) {
    double *facc = NULL;
    int     m = 0, mn = 0;
    TFF_CHECK(tff_metrics_Create(F, &Mk, errbuf));
    TFF_CALLOC(facc, (size_t) K, sizeof(double));
    for (int k = 0; k < K; k++) {
      long nk = 0, ck = 0;
      for (int i = 0; i < n; i++) if (R->fold[i] == k && !(L->y2 && L->y2[i] >= 0)) { nk++; ck += R->pred[mth * n + i] == L->y[i]; }
      facc[k] = nk ? (double) ck / nk : NAN;   /* no one-label motif held out: no accuracy, left out of the mean */
    }
    tff_metrics_MeanSD(facc, K, &R->fold_acc_mean[mth], &R->fold_acc_sd[mth]);
    free(facc);
    for (int i = 0; i < n; i++) {
      int c = R->pred[mth * n + i];
      if (L->y2 && L->y2[i] >= 0) continue;
      if (c < 0) tff_metrics_AddNoCall(Mk, L->y[i]); else tff_metrics_Add(Mk, L->y[i], c);
      idx[m] = i;
      ok[m] = c == L->y[i];
      cbuf[m] = R->conf[mth * n + i];
      if (cbuf[m] >= 0.9) { R->hi_n[mth]++; R->hi_ok[mth] += ok[m]; if (R->novel[i]) { R->nhi_n[mth]++; R->nhi_ok[mth] += ok[m]; } }
      m++;
    }
    R->n_single = m;
    R->acc[mth] = tff_metrics_Accuracy(Mk);
    R->f1[mth]  = tff_metrics_MacroF1(Mk);
    {
      double sum = 0.0, f1, rec;
      long   sup;
      int    nf5 = 0;
      for (int f = 0; f < F; f++) {
        tff_metrics_Family(Mk, f, NULL, &rec, &f1, &sup, NULL);
        R->recall[(size_t) mth * F + f] = rec;
        R->support[f] = sup;
        if (sup >= 5) { sum += f1; nf5++; }
      }
      R->f1_5[mth] = nf5 ? sum / nf5 : 0.0;
    }
    TFF_CHECK(tff_calib_Bins(cbuf, ok, m, nbins, &R->bins[mth], errbuf));
    R->ece[mth] = R->bins[mth].ece;
    /* the novel motifs only: compact them to the front */
    for (int t = 0; t < m; t++) if (R->novel[idx[t]]) { ok[mn] = ok[t]; cbuf[mn] = cbuf[t]; mn++; }
    R->n_novel = mn;
    {
      long c = 0;
      for (int t = 0; t < mn; t++) c += ok[t];
      R->nov_acc[mth] = mn ? (double) c / mn : 0.0;
    }
    TFF_CHECK(tff_calib_Bins(cbuf, ok, mn, nbins, &R->nov_bins[mth], errbuf));
    R->nov_ece[mth] = R->nov_bins[mth].ece;
    tff_metrics_Destroy(Mk); Mk = NULL;
  }
  if (L->y2)
    for (int i = 0; i < n; i++) {
      const double *pc = R->comb + (size_t) i * F;
      int           a = L->y[i], b = L->y2[i], top[2], first, second;
      if (b < 0) continue;
      R->n_dimer++;
      tff_result_TopTwo(pc, F, top);
      first = top[0]; second = top[1];
      R->dimer_one += first == a || first == b;
      R->dimer_both_top2 += (first == a && second == b) || (first == b && second == a);
      R->dimer_both_p10 += pc[a] >= 0.1 && pc[b] >= 0.1;
    }
  if (ret_X) { *ret_X = X; X = NULL; }
  status = tffOK;
 ERROR:
  tff_metrics_Destroy(Mk);
  tff_combine_Destroy(C);
  free(cnnK); free(zck);
  free(cnn); free(kmer); free(zc); free(X); free(Xk); free(share1); free(knncall); free(sel); free(ok); free(p);
  free(trainable); free(idx); free(cbuf);
  return status;
}

static int
write_table(FILE *fp, const SPLIT_RESULT *R, int nsplit, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "split\tmethod\taccuracy\tmacro_F1\tECE\tfold_accuracy_mean\tfold_accuracy_sd\tn\t"
                                    "novel_n\tnovel_accuracy\tnovel_ECE\tp90_n\tp90_accuracy\tnovel_p90_n\tnovel_p90_accuracy\tmacro_F1_min5\n"));
  for (int s = 0; s < nsplit; s++)
    for (int m = 0; m < NMETHOD; m++)
      TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%ld\t%ld\t%.4f\t%.4f\t%ld\t%.4f\t%ld\t%.4f\t%.4f\n", R[s].split,
                            method_name[m], R[s].acc[m], R[s].f1[m], R[s].ece[m], R[s].fold_acc_mean[m], R[s].fold_acc_sd[m],
                            R[s].n_single, R[s].n_novel, R[s].nov_acc[m], R[s].nov_ece[m], R[s].hi_n[m],
                            R[s].hi_n[m] ? (double) R[s].hi_ok[m] / R[s].hi_n[m] : 0.0, R[s].nhi_n[m],
                            R[s].nhi_n[m] ? (double) R[s].nhi_ok[m] / R[s].nhi_n[m] : 0.0, R[s].f1_5[m]));
  return tffOK;
 ERROR:
  return status;
}

/* Recall of every family, per split, for KNN, the network and the combined model. */
static int
write_families(FILE *fp, const SPLIT_RESULT *R, int nsplit, const TFF_LABELS *L, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "split\tfamily\tmotifs\trecall_knn\trecall_cnn\trecall_combined\n"));
  for (int s = 0; s < nsplit; s++)
    for (int f = 0; f < L->nfam; f++)
      TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%ld\t%.4f\t%.4f\t%.4f\n", R[s].split, L->fam[f], R[s].support[f],
                            R[s].recall[(size_t) M_KNN_T * L->nfam + f], R[s].recall[(size_t) M_CNN_T * L->nfam + f],
                            R[s].recall[(size_t) M_COMB * L->nfam + f]));
  return tffOK;
 ERROR:
  return status;
}

/* Reliability tables: per split, method, subset (all, novel) and bin: count, mean confidence, accuracy. */
static int
write_reliability(FILE *fp, const SPLIT_RESULT *R, int nsplit, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "split\tmethod\tsubset\tbin\tlow\thigh\tn\tmean_confidence\taccuracy\n"));
  for (int s = 0; s < nsplit; s++)
    for (int m = 0; m < NMETHOD; m++)
      for (int sub = 0; sub < 2; sub++) {
        const TFF_CALIB_BINS *B = sub ? &R[s].nov_bins[m] : &R[s].bins[m];
        for (int b = 0; b < B->nbins; b++)
          TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%s\t%d\t%.4f\t%.4f\t%ld\t%.4f\t%.4f\n", R[s].split, method_name[m],
                                sub ? "novel" : "all", b + 1, (double) b / B->nbins, (double) (b + 1) / B->nbins, B->count[b],
                                B->conf[b], B->acc[b]));
      }
  return tffOK;
 ERROR:
  return status;
}

static int
write_predictions(FILE *fp, const SPLIT_RESULT *R, int nsplit, const TFF_MOTIFSET *set, const TFF_LABELS *L, char *errbuf)
{
  int status, n = L->n;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "id\tfamily\tsplit\tfold\tnovel\tknn\tknn_conf\tcnn\tcnn_conf\tcombined\tcombined_prob\n"));
  for (int s = 0; s < nsplit; s++)
    for (int i = 0; i < n; i++) {
      int kc = R[s].pred[M_KNN_T * n + i];
      TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s%s%s\t%s\t%d\t%d\t%s\t%.4f\t%s\t%.4f\t%s\t%.4f\n", set->m[i]->id, L->fam[L->y[i]],
                            L->y2 && L->y2[i] >= 0 ? "::" : "", L->y2 && L->y2[i] >= 0 ? L->fam[L->y2[i]] : "", R[s].split,
                            R[s].fold[i] + 1, R[s].novel[i], kc >= 0 ? L->fam[kc] : "NA", R[s].conf[M_KNN_T * n + i],
                            L->fam[R[s].pred[M_CNN_T * n + i]], R[s].conf[M_CNN_T * n + i],
                            L->fam[R[s].pred[M_COMB * n + i]], R[s].conf[M_COMB * n + i]));
    }
  return tffOK;
 ERROR:
  return status;
}

/* cv_probabilities.tsv: every motif's out-of-fold probability of every family under the
 * combined model (the vector whose largest entry is cv_predictions.tsv's combined call and
 * combined_prob), one row per split and motif, a column per family in the labels' order. */
static int
write_probabilities(FILE *fp, const SPLIT_RESULT *R, int nsplit, const TFF_MOTIFSET *set, const TFF_LABELS *L, char *errbuf)
{
  int status, n = L->n, F = L->nfam;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "id\tsplit\tfold"));
  for (int f = 0; f < F; f++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", L->fam[f]));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  for (int s = 0; s < nsplit; s++)
    for (int i = 0; i < n; i++) {
      TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%d", set->m[i]->id, R[s].split, R[s].fold[i] + 1));
      for (int f = 0; f < F; f++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%.6g", R[s].comb[(size_t) i * F + f]));
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
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
              "(name, case-insensitive, so human/mouse orthologs fall together) in one fold. Stem: every motif whose gene name shares a stem "
              "(FOXA1, FOXA2: FOXA) in one fold, so paralogs are held out together. Cluster: every motif linked to another "
              "by a Tomtom ed p-value below %g (connected components) in one fold. <em>Novel</em>: held-out motifs with no reference of their own family "
              "(other folds) at an ed p-value below %g; p90: calls with confidence at least 0.9.</p>\n", R[0].bins[0].nbins, cluster_p, novel_p);
  fprintf(fp, "<table><tr><th class=\"l\">method</th>");
  for (int s = 0; s < nsplit; s++) fprintf(fp, "<th>%s accuracy</th><th>%s macro-F1</th><th>%s ECE</th>", R[s].split, R[s].split, R[s].split);
  fprintf(fp, "</tr>\n");
  for (int m = 0; m < NMETHOD; m++) {
    fprintf(fp, "<tr><td class=\"l\">%s <small>(%s)</small></td>", method_name[m], method_desc[m]);
    for (int s = 0; s < nsplit; s++) fprintf(fp, "<td>%.4f</td><td>%.4f</td><td>%.4f</td>", R[s].acc[m], R[s].f1[m], R[s].ece[m]);
    fprintf(fp, "</tr>\n");
  }
  fprintf(fp, "</table>\n<h2>Novel motifs and confident calls</h2>\n<table><tr><th class=\"l\">method</th>");
  for (int s = 0; s < nsplit; s++) fprintf(fp, "<th>%s novel (n=%ld) accuracy</th><th>ECE</th><th>p90 accuracy (n)</th><th>novel p90 accuracy (n)</th>",
                                           R[s].split, R[s].n_novel);
  fprintf(fp, "</tr>\n");
  for (int m = 0; m < NMETHOD; m++) {
    fprintf(fp, "<tr><td class=\"l\">%s</td>", method_name[m]);
    for (int s = 0; s < nsplit; s++)
      fprintf(fp, "<td>%.4f</td><td>%.4f</td><td>%.4f (%ld)</td><td>%.4f (%ld)</td>", R[s].nov_acc[m], R[s].nov_ece[m],
              R[s].hi_n[m] ? (double) R[s].hi_ok[m] / R[s].hi_n[m] : 0.0, R[s].hi_n[m],
              R[s].nhi_n[m] ? (double) R[s].nhi_ok[m] / R[s].nhi_n[m] : 0.0, R[s].nhi_n[m]);
    fprintf(fp, "</tr>\n");
  }
  for (int s = 0; s < nsplit; s++)
    if (R[s].n_dimer)
      fprintf(fp, "<tr><td class=\"l\" colspan=\"5\">%s: %ld two-label motifs: combined call one of the two %ld, both in the top 2 %ld, "
                  "both with probability &ge; 0.1 %ld</td></tr>\n", R[s].split, R[s].n_dimer, R[s].dimer_one, R[s].dimer_both_top2, R[s].dimer_both_p10);
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

/* The k-mer model file written beside the combiner file <path> (-write-combiner): its name
 * with "-combine.txt" (else ".txt", else nothing) replaced by "-kmer.txt". A new string. */
static char *
kmer_path(const char *path)
{
  size_t n = strlen(path);
  char  *s = tff_Malloc(n + 16);
  if (!s) return NULL;
  memcpy(s, path, n + 1);
  if (n >= 12 && strcmp(s + n - 12, "-combine.txt") == 0) s[n - 12] = '\0';
  else if (n >= 4 && strcmp(s + n - 4, ".txt") == 0) s[n - 4] = '\0';
  strcat(s, "-kmer.txt");
  return s;
}

/* The shipped combiner: hyperparameters by CV over all folds, fitted on all motifs; with
 * kmer_logp, the k-mer model fitted on all one-label motifs too, in its own file
 * (kmer_path()), which the combiner names. */
static int
write_combiner(const char *path, const double *X, const int *fold, const TFF_LABELS *L, int K, int kmax, const char *netnames,
               int nseeds, int extra_col, int extra_kmax, const CV_NOVELTY *nov, const char *cmd, char *errbuf)
{
  TFF_COMBINER *C = NULL;
  TFF_KMER     *KM = NULL;
  TFF_OUTFILE   of, ofk;
  double        lambda, cw;
  int           status, opened = 0, kopened = 0, *sel = NULL;
  char          comment[512], *kpath = NULL;
  /* outer = -1: no fold is held out; the 3 inner groups are fold mod 3 */
  TFF_CHECK(choose_hyper(X, L->y, L->y2, fold, L->n, L->nfam, K, -1, &lambda, &cw, errbuf));
  TFF_CHECK(tff_combine_Fit(X, L->y, L->y2, NULL, L->n, L->nfam, feature_use, lambda, cw, &C, errbuf));
  C->kmax = kmax;
  if (feature_use[tffFEAT_EXTRA_NLP]) { C->extra_col = extra_col; C->extra_kmax = extra_kmax; }
  if (nov->have) {
    C->novel_use = 1;
    memcpy(C->novel_w, nov->w, sizeof nov->w);
    C->novel_b = nov->b;
    C->novel_thresh = nov->thresh;
    TFF_CALLOC(C->novel_typ, (size_t) 2 * L->nfam, sizeof(double));
    memcpy(C->novel_typ, nov->typ, sizeof(double) * 2 * (size_t) L->nfam);
  }
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
  snprintf(comment, sizeof comment, "fitted by tffam %s: %s", PACKAGE_VERSION, cmd);
  if (feature_use[tffFEAT_KMER_LOGP]) {
    const char *base;
    TFF_CALLOC(sel, (size_t) L->n, sizeof(int));
    for (int i = 0; i < L->n; i++) sel[i] = !(L->y2 && L->y2[i] >= 0);   /* one-label motifs, as in the folds */
    TFF_CHECK(tff_kmer_Fit(kmer_X, L->y, sel, L->n, L->nfam, &kmer_opts, &KM, errbuf));
    if ((kpath = kmer_path(path)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    base = strrchr(kpath, '/') ? strrchr(kpath, '/') + 1 : kpath;
    if ((C->kmer_name = tff_Strdup(base)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    TFF_CHECK(tff_outfile_Open(kpath, &ofk, errbuf));
    kopened = 1;
    TFF_CHECK(tff_kmer_Write(ofk.fp, KM, L->fam, comment, C->kmer_crc, errbuf));   /* the combiner records its crc32 */
  }
  TFF_CHECK(tff_outfile_Open(path, &of, errbuf));
  opened = 1;
  TFF_CHECK(tff_combine_Write(of.fp, C, L->fam, comment, errbuf));
  if (kopened) { kopened = 0; TFF_CHECK(tff_outfile_Commit(&ofk, errbuf)); }
  opened = 0;
  TFF_CHECK(tff_outfile_Commit(&of, errbuf));
  status = tffOK;
 ERROR:
  if (opened) tff_outfile_Abort(&of);
  if (kopened) tff_outfile_Abort(&ofk);
  tff_combine_Destroy(C);
  tff_kmer_Destroy(KM);
  free(sel); free(kpath);
  return status;
}

/* The files of the output directory (-o/-oc); the last one with -novelty only. */
static const char *const cv_files[7] = { "cv_table.tsv", "cv_families.tsv", "cv_reliability.tsv", "cv_predictions.tsv",
                                         "cv_probabilities.tsv", "cv.html", "cv_novelty.tsv" };

int
main(int argc, char **argv)
{
  char           errbuf[TFF_ERRBUFSIZE] = "", setsum[9] = "", extrasum[48] = "";
  TFF_OPTS      *opts = NULL;
  TFF_MOTIFSET  *set = NULL;
  TFF_LABELS    *L = NULL;
  TFF_KNN_TABLE *T = NULL;
  TFF_TRAIN_DATA *d = NULL;
  TFF_OUTDIR     od = { 0 };
  FILE          *fp = NULL;
  char         **names = NULL;
  double        *Xcomb = NULL;
  SPLIT_RESULT   R[4];
  CV_NOVELTY     nov;           /* -novelty: its settings, then the fitted model (-write-combiner) */
  const char    *splits[4];
  int            combsplit = -1;
  int            val_stem = 0, *val_gid = NULL;
  TFF_TRAIN_OPTS o;
  int            status = tffOK, nsplit = 0, K, verbose, have_dir = 0, augment = 0, extra_col = -1, nseeds, ncv_files;
  const char    *split, *dir = NULL;

  memset(R, 0, sizeof R);
  memset(&nov, 0, sizeof nov);
  if ((status = tff_opts_Parse(cv_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-cv: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, cv_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, cv_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_NArgs(opts) != 2) TFF_FAIL(tffEUSAGE, errbuf, "expected a motif file and a label file, got %d arguments", tff_opts_NArgs(opts));
  TFF_CHECK(tff_opts_Verify(opts, errbuf));   /* the table's requires/incompatible columns */
  TFF_CHECK(parse_features(tff_opts_GetString(opts, "features"), feature_use, errbuf));
  TFF_CHECK(tff_train_AugmentParse(tff_opts_GetString(opts, "augment"), &augment, errbuf));
  if (feature_use[tffFEAT_EXTRA_NLP] && !tff_opts_IsSet(opts, "extra-tsv") && !tff_opts_IsSet(opts, "extra-metric"))
    TFF_FAIL(tffEUSAGE, errbuf, "-features extra_nlp needs -extra-metric (or -extra-tsv)");
  if ((tff_opts_IsSet(opts, "extra-metric") || tff_opts_IsSet(opts, "extra-tsv")) && !feature_use[tffFEAT_EXTRA_NLP])
    TFF_FAIL(tffEUSAGE, errbuf, "-extra-metric and -extra-tsv make the feature extra_nlp: add it to -features");
  augment_mix = tff_opts_GetFlag(opts, "augment-mix");
  tff_train_OptsDefault(&o);   /* the networks' training options */
  o.seed = (uint64_t) tff_opts_GetInt(opts, "seed");
  o.verbose = 0;
  TFF_CHECK(tff_train_AugmentFromOpts(opts, &o, errbuf));
  TFF_CHECK(tff_train_ChannelsParse("-cnn-channels", tff_opts_GetString(opts, "cnn-channels"), &o.arch, errbuf));
  nested = tff_opts_GetFlag(opts, "nested");
  if (nested && feature_use[tffFEAT_KMER_LOGP])
    TFF_FAIL(tffEUSAGE, errbuf, "-nested covers the networks only: it cannot be used with the feature kmer_logp");
  nov.use_cnn = tff_opts_GetFlag(opts, "novelty-cnn");
  nov.wloco = tff_opts_GetReal(opts, "novelty-loco-weight");
  if (augment_mix && !augment) TFF_FAIL(tffEUSAGE, errbuf, "-augment-mix needs an augmentation (-augment)");
  cnn_cache = tff_opts_GetString(opts, "cnn-cache");
  K       = tff_opts_GetInt(opts, "folds");
  verbose = tff_opts_GetInt(opts, "verbosity") >= 2;
  ncv_files = (int) (sizeof cv_files / sizeof cv_files[0]) - !tff_opts_GetFlag(opts, "novelty");   /* the last, cv_novelty.tsv, with -novelty only */
  split   = tff_opts_GetString(opts, "split");
  cluster_p = tff_opts_GetReal(opts, "cluster-pvalue");
  novel_p   = tff_opts_GetReal(opts, "novel-pvalue");
  {   /* -split: a comma-separated list, in the order given; "both" is strat,group */
    const char *p = split;
    int         ns = 0;
    while (p && *p) {
      const char *e = strchr(p, ',');
      size_t      len = e ? (size_t) (e - p) : strlen(p);
      int         k, found = 0, both = len == 4 && strncmp(p, "both", 4) == 0;
      for (k = 0; k < 4; k++)   /* both: strat and group, each checked as if given by name */
        if (both ? k < 2 : strlen(split_opt[k]) == len && strncmp(split_opt[k], p, len) == 0) {
          for (int t = 0; t < ns; t++) if (strcmp(splits[t], split_name[k]) == 0) TFF_FAIL(tffEUSAGE, errbuf, "-split: '%s' given twice", split_opt[k]);
          if (ns >= 4) TFF_FAIL(tffEUSAGE, errbuf, "-split: at most four splits");
          splits[ns++] = split_name[k];
          found = 1;
        }
      if (!found) TFF_FAIL(tffEUSAGE, errbuf, "-split: unknown split '%.*s' (strat, group, stem, cluster, both)", (int) len, p);
      p = e ? e + 1 : NULL;
    }
    if (ns == 0) TFF_FAIL(tffEUSAGE, errbuf, "-split: no split given");
    nsplit = ns;
  }
  if (tff_opts_IsSet(opts, "write-combiner")) {
    const char *cs = tff_opts_IsSet(opts, "combiner-split") ? tff_opts_GetString(opts, "combiner-split") : NULL;
    const char *cl = !cs ? "stem" : split_long(cs);
    if (!cs) { int has = 0; for (int t = 0; t < nsplit; t++) has |= strcmp(splits[t], "stem") == 0; if (!has) cl = splits[0]; }
    for (int t = 0; t < nsplit; t++) if (strcmp(splits[t], cl) == 0) combsplit = t;
    if (combsplit < 0) TFF_FAIL(tffEUSAGE, errbuf, "-write-combiner fits on the %s split (-combiner-split): add it to -split", cl);
  }
  {   /* before any work: an output file must not replace a file the run reads */
    static const char *outs[3] = { "save-neighbours", "save-extra-neighbours", "write-combiner" };
    const char *in[5] = { tff_opts_Arg(opts, 0), tff_opts_Arg(opts, 1), tff_opts_GetString(opts, "neighbours"),
                          tff_opts_GetString(opts, "extra-neighbours"), tff_opts_GetString(opts, "extra-tsv") };
    for (int k = 0; k < 3; k++)
      if (tff_opts_IsSet(opts, outs[k])) TFF_CHECK(tff_outfile_Check(outs[k], tff_opts_GetString(opts, outs[k]), in, 5, errbuf));
    if (tff_opts_IsSet(opts, "write-combiner") && feature_use[tffFEAT_KMER_LOGP]) {   /* and the k-mer model beside it */
      const char *wc = tff_opts_GetString(opts, "write-combiner");
      char       *kp;
      struct stat st;
      if (stat(wc, &st) == 0 && !S_ISREG(st.st_mode))   /* a device, FIFO or descriptor: there is no "beside" it */
        TFF_FAIL(tffEINVAL, errbuf, "-write-combiner %s is not a file: with the feature kmer_logp the combiner names its k-mer model, "
                 "written beside it (NAME-kmer.txt); give a file name", wc);
      if ((kp = kmer_path(wc)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      status = tff_outfile_Check("write-combiner", kp, in, 5, errbuf);
      for (int k = 0; k < 2 && status == tffOK; k++)   /* nor the run's other outputs */
        if (tff_outfile_CheckPair(outs[k], tff_opts_GetString(opts, outs[k]), "write-combiner", kp, errbuf) != tffOK)
          status = tff_Fail(errbuf, tffEINVAL, "-%s %s is where -write-combiner %s writes its k-mer model: one would replace the other; "
                            "give another name", outs[k], tff_opts_GetString(opts, outs[k]), wc);
      free(kp);
      if (status != tffOK) goto ERROR;
    }
    for (int k = 0; k < 3; k++)
      for (int l = k + 1; l < 3; l++)
        TFF_CHECK(tff_outfile_CheckPair(outs[k], tff_opts_GetString(opts, outs[k]), outs[l], tff_opts_GetString(opts, outs[l]), errbuf));
    {   /* nor one of the files of the output directory */
      const char *dopt = tff_opts_IsSet(opts, "o") ? "o" : "oc";
      for (int k = 0; k < 3; k++)
        TFF_CHECK(tff_outfile_CheckApart(outs[k], tff_opts_GetString(opts, outs[k]), dopt, tff_opts_GetString(opts, dopt), cv_files,
                                         ncv_files, errbuf));
    }
    /* -cnn-cache: the cache files are written after the networks are trained; a missing
     * or unwritable directory is refused now, not after the training */
    if (cnn_cache) {
      char what[4200];
      snprintf(what, sizeof what, "-cnn-cache %s", cnn_cache);
      TFF_CHECK(tff_outdir_CheckDir(cnn_cache, what, errbuf));
    }
  }
#ifdef _OPENMP
  if (tff_opts_GetInt(opts, "threads") > 0) omp_set_num_threads(tff_opts_GetInt(opts, "threads"));
#endif
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  val_stem = strcmp(tff_opts_GetString(opts, "cnn-val-split"), "stem") == 0;
  {   /* TF names: for every split but the stratified one, and for stem validation; one read of the file (standard input) */
    int need = val_stem;
    for (int t = 0; t < nsplit; t++) need |= strcmp(splits[t], "stratified") != 0;
    TFF_CHECK(tff_combine_ReadLabelsNames(tff_opts_Arg(opts, 1), set, TFF_LABELS_MULTI, &L, need ? &names : NULL, errbuf));
  }
  if (L->nfam < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: only one family: nothing to learn", tff_opts_Arg(opts, 1));
  if (K > L->n) TFF_FAIL(tffEUSAGE, errbuf, "-folds %d: only %d motifs", K, L->n);
  if (tff_opts_GetFlag(opts, "novelty") && tff_opts_GetInt(opts, "decoys") == 0) {
    /* the novelty model learns from motifs of no known family: with no decoys, only the
     * left-out classes (a family of -loco-min motifs or more, with one-label motifs to query) */
    int locomin = tff_opts_GetInt(opts, "loco-min"), big = 0, any = 0, twolabel = 0;
    for (int c = 0; c < L->nfam; c++) {
      int cnt, one, left = cv_novelty_LocoClass(L, c, locomin, &cnt, &one);
      any |= left && one > 0;
      twolabel |= left && one == 0;
      if (cnt > big) big = cnt;
    }
    if (!any && twolabel)   /* big families, but their motifs all have two labels, and those are not queried */
      TFF_FAIL(tffEUSAGE, errbuf, "-novelty with -decoys 0: the families of at least -loco-min %d motifs in %s have only two-label motifs, "
               "which are not left-out queries, so the novelty model would have no motif of an unknown family to learn from",
               locomin, tff_opts_Arg(opts, 1));
    if (!any)
      TFF_FAIL(tffEUSAGE, errbuf, "-novelty with -decoys 0: no family of at least -loco-min %d motifs to leave out (%s has at most %d), "
               "so the novelty model would have no motif of an unknown family to learn from", locomin, tff_opts_Arg(opts, 1), big);
  }
  if ((dir = tff_opts_GetString(opts, "o")) || (dir = tff_opts_GetString(opts, "oc"))) {
    TFF_CHECK(tff_outdir_Open(dir, tff_opts_IsSet(opts, "oc"), &od, errbuf));
    have_dir = 1;
    TFF_CHECK(tff_outdir_CheckNames(&od, cv_files, ncv_files, errbuf));
  }

  tff_motifset_Checksum(set, setsum);   /* the neighbour files record it */
  if (tff_opts_IsSet(opts, "neighbours")) {
    TFF_CHECK(tff_combine_ReadTable(tff_opts_GetString(opts, "neighbours"), set->n, setsum, &T, errbuf));
    /* the file's lists are as long as the -kmax they were saved with; another -kmax given now would be ignored */
    if (tff_opts_IsSet(opts, "kmax") && T->kmax != tff_opts_GetInt(opts, "kmax"))
      TFF_FAIL(tffEUSAGE, errbuf, "-kmax %d: %s holds the %d nearest neighbours of each motif (saved with -kmax %d); give that -kmax, or leave -kmax out",
               tff_opts_GetInt(opts, "kmax"), tff_opts_GetString(opts, "neighbours"), T->kmax, T->kmax);
  }
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
  if (tff_opts_IsSet(opts, "save-neighbours")) TFF_CHECK(tff_combine_WriteTable(tff_opts_GetString(opts, "save-neighbours"), T, setsum, errbuf));
  if (!(T->have[0] && T->have[1] && T->have[2])) TFF_FAIL(tffEFORMAT, errbuf, "neighbour lists for all three metrics are needed");
  if (tff_opts_IsSet(opts, "extra-tsv"))
    TFF_CHECK(tff_knn_FromTomtomTSV(tff_opts_GetString(opts, "extra-tsv"), set->m, set->n, set->m, set->n, tffKNN_ED, T->kmax, 1,
                                    &extra_table, errbuf));
  if (tff_opts_IsSet(opts, "extra-metric")) {   /* as the three metrics, under the extra column score, in slot 0 */
    extra_col = tff_colcmp_Metric(tff_opts_GetString(opts, "extra-metric"));
    snprintf(extrasum, sizeof extrasum, "%s/%s", setsum, tff_colcmp_Name(extra_col));   /* the file names its score too */
    if (tff_opts_IsSet(opts, "extra-neighbours")) {
      TFF_CHECK(tff_combine_ReadTable(tff_opts_GetString(opts, "extra-neighbours"), set->n, extrasum, &extra_table, errbuf));
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
      TFF_CHECK(tff_combine_WriteTable(tff_opts_GetString(opts, "save-extra-neighbours"), extra_table, extrasum, errbuf));
  }

  TFF_CHECK(tff_train_DataCreate(&o.arch, set, L, &d, errbuf));
  if (feature_use[tffFEAT_KMER_LOGP]) {   /* the k-mer spectra, once */
    TFF_CALLOC(kmer_X, (size_t) set->n * TFF_KMER_DIM, sizeof(double));
    for (int i = 0; i < set->n; i++) tff_kmer_Spectrum(set->m[i], kmer_X + (size_t) i * TFF_KMER_DIM);
    tff_kmer_DefaultOpts(&kmer_opts);
    kmer_opts.seed = o.seed;
  }
  if (val_stem) {   /* the groups are the caller's: freed below */
    TFF_CALLOC(val_gid, (size_t) set->n, sizeof(int));
    TFF_CHECK(tff_combine_StemGroups(names, set->n, val_gid, &d->ngroup, errbuf));
    d->group = val_gid;
    o.val_groups = 1;
  }

  for (int t = 0; t < nsplit; t++)
    TFF_CHECK(run_split(splits[t], &o, d, T, L, names, K, tff_opts_GetInt(opts, "cnn-seeds"), tff_opts_GetInt(opts, "bins"),
                        verbose, &R[t], t == combsplit ? &Xcomb : NULL, errbuf));

  if ((report = open_memstream(&report_buf, &report_len)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  TFF_CHECK(write_table(report, R, nsplit, errbuf));
  const double pe = tff_opts_GetReal(opts, "partner-evalue");
  for (int t = 0; t < nsplit; t++) {   /* the two-label motifs (heterodimers), and what a second-family threshold costs */
    static const double th[] = { 0.1, 0.15, 0.2, 0.25, 0.3, 0.4 };
    const SPLIT_RESULT *S = &R[t];
    if (!S->n_dimer) continue;
    fprintf(report, "# %s split: %ld motifs with two different families: combined call one of them %ld; both in the top two %ld\n", S->split,
           S->n_dimer, S->dimer_one, S->dimer_both_top2);
    for (int rule = 0; rule < 2; rule++) {   /* the runner-up alone; then tffam's answer: the partner, else the runner-up */
      if (rule == 1 && !(pe > 0)) break;
      if (rule == 1) fprintf(report, "#   with the heterodimer partner first (tffam's answer, -partner-evalue %g):\n", pe);
      for (size_t k = 0; k < sizeof th / sizeof th[0]; k++) {
        long both = 0, single2 = 0, nsingle = 0;
        for (int i = 0; i < L->n; i++) {
          const double *pc = S->comb + (size_t) i * L->nfam;
          int top[2], first, second, partner;
          tff_result_TopTwo(pc, L->nfam, top);
          first = top[0]; second = top[1];
          partner = rule ? cv_partner(T, S->fold, L, i, first, pe) : -1;
          if (partner < 0 && second >= 0 && pc[second] < th[k]) second = -1;
          if (partner >= 0) second = partner;
          if (L->y2[i] >= 0) both += second >= 0 && ((first == L->y[i] && second == L->y2[i]) || (first == L->y2[i] && second == L->y[i]));
          else { nsingle++; single2 += second >= 0; }
        }
        fprintf(report, "#   second family at probability >= %.2f: both families found for %ld of %ld (%.3f); a second family for %ld of %ld one-label motifs (%.3f)\n",
               th[k], both, S->n_dimer, (double) both / S->n_dimer, single2, nsingle, nsingle ? (double) single2 / nsingle : 0.0);
      }
    }
  }
  if (tff_opts_GetFlag(opts, "novelty")) {
    int ns = -1;
    if (combsplit >= 0) ns = combsplit;
    else for (int t = 0; t < nsplit; t++) if (strcmp(splits[t], "stem") == 0) ns = t;
    if (ns < 0) ns = 0;
    TFF_CHECK(cv_novelty_Run(set, L, T, extra_table, extra_col, &R[ns], R, nsplit, tff_opts_GetInt(opts, "loco-min"),
                             tff_opts_GetReal(opts, "novelty-lost"), tff_opts_GetInt(opts, "decoys"), (uint64_t) tff_opts_GetInt(opts, "seed"),
                             tff_opts_GetInt(opts, "threads"), &o, d, tff_opts_GetInt(opts, "cnn-seeds"), &od, have_dir, verbose, report,
                             &nov, errbuf));
  }
  if (have_dir) {
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_table.tsv", &fp, errbuf));
    TFF_CHECK(write_table(fp, R, nsplit, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_table.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_families.tsv", &fp, errbuf));
    TFF_CHECK(write_families(fp, R, nsplit, L, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_families.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_reliability.tsv", &fp, errbuf));
    TFF_CHECK(write_reliability(fp, R, nsplit, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_reliability.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_predictions.tsv", &fp, errbuf));
    TFF_CHECK(write_predictions(fp, R, nsplit, set, L, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_predictions.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv_probabilities.tsv", &fp, errbuf));
    TFF_CHECK(write_probabilities(fp, R, nsplit, set, L, errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv_probabilities.tsv");
    TFF_CHECK(tff_outdir_Fopen(&od, "cv.html", &fp, errbuf));
    TFF_CHECK(write_html(fp, R, nsplit, L, tff_opts_CommandLine(opts), errbuf));
    TFF_OUTDIR_FCLOSE(&od, fp, "cv.html");
    TFF_CHECK(tff_outdir_Commit(&od, errbuf));
    have_dir = 0;
  }
  if (tff_opts_IsSet(opts, "write-combiner")) {
    nseeds = tff_opts_GetInt(opts, "cnn-seeds") * (augment_mix ? 2 : 1);
    TFF_CHECK(write_combiner(tff_opts_GetString(opts, "write-combiner"), Xcomb, R[combsplit].fold, L, K, T->kmax, tff_opts_GetString(opts, "network-names"),
                             nseeds, extra_col, extra_table ? extra_table->kmax : 0, &nov, tff_opts_CommandLine(opts), errbuf));
  }
  /* every file is in place: now the report on standard output */
  if (fclose(report) != 0) { report = NULL; TFF_FAIL(tffEMEM, errbuf, "out of memory"); }
  report = NULL;
  fwrite(report_buf, 1, report_len, stdout);   /* a failed write shows in the flush */
  TFF_CHECK(tff_FlushStdout(errbuf));
  goto DONE;

 ERROR:
  tff_outdir_Blame(&od, status, errbuf);
  fprintf(stderr, "tffam-cv: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, cv_opts);
 DONE:
  if (fp) fclose(fp);
  if (report) fclose(report);
  free(report_buf);
  if (have_dir) tff_outdir_Abort(&od);
  for (int s = 0; s < 4; s++) split_free(&R[s]);
  free(Xcomb);
  free(nov.typ);
  tff_combine_FreeNames(names, set ? set->n : 0);
  tff_train_DataDestroy(d);
  free(val_gid);
  tff_knn_table_Destroy(T);
  tff_knn_table_Destroy(extra_table);
  free(kmer_X);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(set);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
