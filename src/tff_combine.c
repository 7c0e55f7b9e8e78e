/* tff_combine: the combined family model at run time (see tff_combine.h): the
 * features, the novelty score, the combiner's prediction and its files. What only
 * tffam-cv needs to fit it (folds, out-of-fold evidence, the fits) is in
 * tff_combine_fit.c.
 *
 * Contents:
 *   1. Features
 *   2. Novelty: is the query of any family the reference knows?
 *   3. The combiner: predict, classify, calls
 *   4. Combiner files: read
 *   5. Unit-test driver (of both halves)
 */
#include <config.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_calib.h"
#include "tff_cnn.h"
#include "tff_colcmp.h"
#include "tff_combine.h"
#include "tff_io.h"
#include "tff_io_internal.h"   /* tff_io_ParseDouble() */
#include "tff_random.h"
#include "tff_util.h"

const char *tff_combine_FeatureName[TFF_COMBINE_NFEAT] = {
  "cnn_logp", "ed_nlp", "pearson_nlp", "sandelin_nlp", "share_k1", "share_k5",
  "ed_top1", "pearson_top1", "sandelin_top1", "share_k11", "cnn_logp_unsure", "cnn_logp_nlp_low", "nlp_sum10",
  "extra_nlp", "kmer_logp"
};

/*****************************************************************
 * 1. Features
 *****************************************************************/

/* -log10 p, capped at TFF_COMBINE_NLP_MAX (a motif compared with itself or a copy can get p = 0) */
static double
nlp(double p)
{
  double v = p > 0.0 ? -log10(p) : TFF_COMBINE_NLP_MAX;
  return v < TFF_COMBINE_NLP_MAX ? v : TFF_COMBINE_NLP_MAX;
}

void
tff_combine_NlpFeature(const TFF_KNN_TABLE *T, int m, int q, const int *refy, const int *refy2, int nfam, int j, double *x)
{
  const int         J = TFF_COMBINE_NFEAT;
  const TFF_KNN_NB *list;
  int               n;
  double            floor_nlp = 0.0;
  if (!T->have[m]) return;
  list = T->nb[m] + (size_t) q * T->kmax;
  n = T->nnb[m][q];
  if (n > 0) floor_nlp = nlp(list[n - 1].pvalue);
  for (int f = 0; f < nfam; f++) x[f * J + j] = floor_nlp;
  for (int r = n - 1; r >= 0; r--) {   /* best last, so it stays */
    int fam = refy[list[r].ref], fam2 = refy2 ? refy2[list[r].ref] : -1;
    if (fam >= 0 && fam < nfam) x[fam * J + j] = nlp(list[r].pvalue);
    if (fam2 >= 0 && fam2 < nfam) x[fam2 * J + j] = nlp(list[r].pvalue);
  }
}

/* Vote shares of the families among the K nearest neighbours under metric m: a reference
 * with two labels (refy2 >= 0) gives half a vote to each; shares sum to 1 over the
 * neighbours there are (at most K). Returns the number of neighbours counted. */
static int
shares_one(const TFF_KNN_TABLE *T, int m, int q, int K, const int *refy, const int *refy2, int nfam, double *share)
{
  const TFF_KNN_NB *list = T->nb[m] + (size_t) q * T->kmax;
  int               n = T->nnb[m][q] < K ? T->nnb[m][q] : K;
  for (int f = 0; f < nfam; f++) share[f] = 0.0;
  for (int r = 0; r < n; r++) {
    int a = refy[list[r].ref], b = refy2[list[r].ref];
    if (b >= 0 && b < nfam && b != a) { if (a >= 0 && a < nfam) share[a] += 0.5 / n; share[b] += 0.5 / n; }
    else if (a >= 0 && a < nfam) share[a] += 1.0 / n;
  }
  return n;
}

int
tff_combine_Vote(const TFF_KNN_TABLE *T, int q, int K, const int *refy, const int *refy2, int nfam, double *share)
{
  double tmp[nfam > 0 ? nfam : 1];
  int    best = -1, any = 0;
  if (!refy2) return tff_knn_Vote(T, q, tffKNN_ENSEMBLE, K, refy, nfam, share);
  for (int f = 0; f < nfam; f++) share[f] = 0.0;
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) return -1;
    any += shares_one(T, m, q, K, refy, refy2, nfam, tmp);
    for (int f = 0; f < nfam; f++) share[f] += tmp[f] / tffKNN_NMETRIC;
  }
  if (!any) return -1;
  for (int f = 0; f < nfam; f++) if (best < 0 || share[f] > share[best]) best = f;
  return best;
}

void
tff_combine_Features(const TFF_KNN_TABLE *T, int q, const int *refy, const int *refy2, int nfam, const double *cnnprob, double *x)
{
  double share[nfam > 0 ? nfam : 1];
  const int J = TFF_COMBINE_NFEAT;

  for (int f = 0; f < nfam; f++) {
    x[f * J + tffFEAT_CNN_LOGP] = cnnprob ? log(cnnprob[f] > 1e-6 ? cnnprob[f] : 1e-6) : 0.0;
    for (int j = 1; j < J; j++) x[f * J + j] = 0.0;
  }
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) continue;
    const TFF_KNN_NB *list = T->nb[m] + (size_t) q * T->kmax;
    if (T->nnb[m][q] > 0) {
      int a = refy[list[0].ref], b = refy2 ? refy2[list[0].ref] : -1;
      if (a >= 0 && a < nfam) x[a * J + tffFEAT_ED_TOP1 + m] = 1.0;
      if (b >= 0 && b < nfam) x[b * J + tffFEAT_ED_TOP1 + m] = 1.0;
    }
    tff_combine_NlpFeature(T, m, q, refy, refy2, nfam, tffFEAT_ED_NLP + m, x);
  }
  if (T->have[0] && T->have[1] && T->have[2]) {
    tff_combine_Vote(T, q, 1, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) x[f * J + tffFEAT_SHARE_K1] = share[f];
    tff_combine_Vote(T, q, 5, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) x[f * J + tffFEAT_SHARE_K5] = share[f];
    tff_combine_Vote(T, q, 11, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) x[f * J + tffFEAT_SHARE_K11] = share[f];
  }
  /* soft vote: -log10 p summed over each metric's 10 nearest neighbours of family f, / 30 */
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    const TFF_KNN_NB *list;
    if (!T->have[m]) continue;
    list = T->nb[m] + (size_t) q * T->kmax;
    for (int r = 0; r < T->nnb[m][q] && r < 10; r++) {
      int fam = refy[list[r].ref], fam2 = refy2 ? refy2[list[r].ref] : -1;
      if (fam >= 0 && fam < nfam) x[fam * J + tffFEAT_NLP_SUM10] += nlp(list[r].pvalue) / 30.0;
      if (fam2 >= 0 && fam2 < nfam) x[fam2 * J + tffFEAT_NLP_SUM10] += nlp(list[r].pvalue) / 30.0;
    }
  }
  /* interactions: the network's log-probability, scaled by how unsure the neighbours are */
  {
    double agree = 0.0, best = 0.0;
    for (int f = 0; f < nfam; f++) {
      if (x[f * J + tffFEAT_SHARE_K1] > agree) agree = x[f * J + tffFEAT_SHARE_K1];
      for (int m = 0; m < tffKNN_NMETRIC; m++) if (x[f * J + tffFEAT_ED_NLP + m] > best) best = x[f * J + tffFEAT_ED_NLP + m];
    }
    for (int f = 0; f < nfam; f++) {
      x[f * J + tffFEAT_CNN_UNSURE] = x[f * J + tffFEAT_CNN_LOGP] * (1.0 - agree);
      x[f * J + tffFEAT_CNN_NLP_LOW] = x[f * J + tffFEAT_CNN_LOGP] / (1.0 + best);
    }
  }
}

/*****************************************************************
 * 2. Novelty: is the query of any family the reference knows?
 *****************************************************************/

const char *tff_combine_NovelName[TFF_NOVEL_NFEAT] = {
  "best_ed_nlp", "best_pearson_nlp", "best_sandelin_nlp", "best_extra_nlp", "top_share_k1", "top_share_k5",
  "ic_mean", "ic_total10", "width10", "ic_strong_frac", "ed_dense10", "ed_nlp5", "ed_atypical", "extra_atypical",
  "cnn_top"
};

/* Information content (bits) of one column against a uniform background. */
static double
column_ic(const double *row)
{
  double h = 0.0;
  for (int a = 0; a < TFF_ALPHA; a++) if (row[a] > 0.0) h -= row[a] * log2(row[a]);
  return 2.0 - h;
}

void
tff_combine_NovelFeatures(const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, int q, const int *refy, const int *refy2, int nfam,
                          const double *typ, const TFF_MOTIF *m, double cnn_top, double *z)
{
  double share[nfam > 0 ? nfam : 1], ic = 0.0;
  int    strong = 0;
  for (int j = 0; j < TFF_NOVEL_NFEAT; j++) z[j] = 0.0;
  for (int k = 0; k < tffKNN_NMETRIC; k++)
    if (T->have[k] && T->nnb[k][q] > 0) z[tffNOVEL_BEST_ED_NLP + k] = nlp(T->nb[k][(size_t) q * T->kmax].pvalue);
  if (TX && TX->have[0] && TX->nnb[0][q] > 0) z[tffNOVEL_BEST_EXTRA_NLP] = nlp(TX->nb[0][(size_t) q * TX->kmax].pvalue);
  if (T->have[0] && T->have[1] && T->have[2]) {
    tff_combine_Vote(T, q, 1, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) if (share[f] > z[tffNOVEL_TOP_SHARE_K1]) z[tffNOVEL_TOP_SHARE_K1] = share[f];
    tff_combine_Vote(T, q, 5, refy, refy2, nfam, share);
    for (int f = 0; f < nfam; f++) if (share[f] > z[tffNOVEL_TOP_SHARE_K5]) z[tffNOVEL_TOP_SHARE_K5] = share[f];
  }
  for (int i = 0; i < m->w; i++) {
    double c = column_ic(m->p + (size_t) i * TFF_ALPHA);
    ic += c;
    strong += c >= 1.0;
  }
  z[tffNOVEL_IC_MEAN] = m->w > 0 ? ic / m->w : 0.0;
  z[tffNOVEL_IC_TOTAL10] = ic / 10.0;
  z[tffNOVEL_WIDTH10] = m->w / 10.0;
  z[tffNOVEL_IC_STRONG_FRAC] = m->w > 0 ? (double) strong / m->w : 0.0;
  if (T->have[tffKNN_ED]) {
    const TFF_KNN_NB *list = T->nb[tffKNN_ED] + (size_t) q * T->kmax;
    int               n = T->nnb[tffKNN_ED][q], dense = 0;
    for (int r = 0; r < n; r++) dense += list[r].pvalue < 1e-4;
    z[tffNOVEL_ED_DENSE10] = dense / 10.0;
    z[tffNOVEL_ED_NLP5] = n >= 5 ? nlp(list[4].pvalue) : 0.0;
    if (typ && n > 0 && refy[list[0].ref] >= 0 && refy[list[0].ref] < nfam) z[tffNOVEL_ED_ATYPICAL] = z[tffNOVEL_BEST_ED_NLP] - typ[refy[list[0].ref] * 2];
  }
  if (typ && TX && TX->have[0] && TX->nnb[0][q] > 0) {
    int f = refy[TX->nb[0][(size_t) q * TX->kmax].ref];
    if (f >= 0 && f < nfam) z[tffNOVEL_EXTRA_ATYPICAL] = z[tffNOVEL_BEST_EXTRA_NLP] - typ[f * 2 + 1];
  }
  if (!isnan(cnn_top)) z[tffNOVEL_CNN_TOP] = cnn_top;
}

double
tff_combine_Novelty(const TFF_COMBINER *C, const double *z)
{
  double s = C->novel_b;
  if (!C->novel_use) return 0.0;
  for (int j = 0; j < TFF_NOVEL_NFEAT; j++) s += C->novel_w[j] * z[j];
  return 1.0 / (1.0 + exp(-s));
}

/*****************************************************************
 * 3. The combiner: predict, classify, calls
 *****************************************************************/

void
tff_combine_Destroy(TFF_COMBINER *C)
{
  if (!C) return;
  if (C->fam) for (int f = 0; f < C->nfam; f++) free(C->fam[f]);
  free(C->fam);
  free(C->bias);
  free(C->novel_typ);
  for (int k = 0; k < C->nnet; k++) free(C->net[k]);
  free(C->net);
  free(C->kmer_name);
  tff_kmer_Destroy(C->kmer);
  free(C);
}

int
tff_combine_Create(int nfam, TFF_COMBINER **ret_C, char *errbuf)
{
  TFF_COMBINER *C = NULL;
  int           status;
  TFF_CALLOC(C, 1, sizeof *C);
  C->nfam = nfam;
  C->extra_col = -1;
  TFF_CALLOC(C->bias, (size_t) nfam, sizeof(double));
  *ret_C = C;
  return tffOK;
 ERROR:
  tff_combine_Destroy(C);
  *ret_C = NULL;
  return status;
}

void
tff_combine_Predict(const TFF_COMBINER *C, const double *x, double *prob)
{
  double s[C->nfam];
  for (int f = 0; f < C->nfam; f++) {
    s[f] = C->bias[f];
    for (int j = 0; j < TFF_COMBINE_NFEAT; j++) if (C->use[j]) s[f] += C->beta[j] * x[f * TFF_COMBINE_NFEAT + j];
  }
  tff_calib_Softmax(s, C->nfam, 1.0, prob);
}

int
tff_combine_NetworkMean(const TFF_COMBINER *C, TFF_MODEL *const *models, int nmodel,
                        TFF_MOTIF *const *q, int nq, double *cp, char *errbuf)
{
  double   *raw = NULL;
  int      *map = NULL, status, maxfam = 1;
  const int F = C->nfam;
  /* the networks' mean is needed by the feature cnn_logp and by the novelty feature cnn_top */
  const int need = C->use[tffFEAT_CNN_LOGP] || (C->novel_use && C->novel_w[tffNOVEL_CNN_TOP] != 0.0);

  if (!C->fam) TFF_FAIL(tffEINVAL, errbuf, "combiner without family names");
  if (need && nmodel < 1) TFF_FAIL(tffEINVAL, errbuf, "the combiner needs the network's probabilities, but no network was given");
  if (need && C->nnet > 0 && nmodel != C->nnet)
    TFF_FAIL(tffEINCOMPAT, errbuf, "the combiner was fitted on the mean of %d networks, but %d were given", C->nnet, nmodel);
  for (int m = 0; m < nmodel; m++) if (models[m]->nfam > maxfam) maxfam = models[m]->nfam;
  TFF_CALLOC(map, (size_t) F * nmodel, sizeof(int));
  for (int m = 0; m < nmodel; m++)
    for (int f = 0; f < F; f++) {
      int *mf = map + (size_t) m * F + f;
      *mf = -1;
      for (int g = 0; g < models[m]->nfam; g++) if (strcmp(models[m]->fam[g], C->fam[f]) == 0) *mf = g;
      if (*mf < 0 && need)
        TFF_FAIL(tffEINCOMPAT, errbuf, "%s (network %d of %d): no family '%s', which the combiner needs (a network of another label set?)",
                 models[m]->path ? models[m]->path : "network", m + 1, nmodel, C->fam[f]);
    }
  for (size_t i = 0; i < (size_t) nq * F; i++) cp[i] = 0;
  if (nq == 0) { status = tffOK; goto ERROR; }
  TFF_CALLOC(raw, (size_t) nq * maxfam, sizeof(double));
  if (need)
    for (int m = 0; m < nmodel; m++) {   /* mean of the networks' probabilities, in model order */
      TFF_CHECK(tff_cnn_PredictBatch(models[m]->net, q, nq, raw, errbuf));
      for (int i = 0; i < nq; i++)
        for (int f = 0; f < F; f++) cp[(size_t) i * F + f] += raw[(size_t) i * models[m]->nfam + map[(size_t) m * F + f]] / nmodel;
    }
  status = tffOK;
 ERROR:
  free(raw); free(map);
  return status;
}

int
tff_combine_Kmax(const TFF_COMBINER *C)
{
  return C->kmax > 0 ? C->kmax : 60;
}

int
tff_combine_NeedsExtra(const TFF_COMBINER *C)
{
  return C->use[tffFEAT_EXTRA_NLP] != 0;
}

int
tff_combine_NeedsKmer(const TFF_COMBINER *C)
{
  return C->use[tffFEAT_KMER_LOGP] != 0;
}

void
tff_combine_KmerFeature(const double *kprob, int nfam, double *x)
{
  for (int f = 0; f < nfam; f++) x[f * TFF_COMBINE_NFEAT + tffFEAT_KMER_LOGP] = log(kprob[f] > 1e-6 ? kprob[f] : 1e-6);
}

int
tff_combine_ReadKmer(TFF_COMBINER *C, const char *comb_path, const TFF_LEVEL *lev, char *errbuf)
{
  TFF_KMER *K = NULL;
  char     *path = NULL;
  int       status;
  if (!tff_combine_NeedsKmer(C)) return tffOK;   /* the parser made sure that C names a model if it does */
  TFF_CHECK(tff_level_NetworkPath(comb_path, C->kmer_name, &path, errbuf));
  if (!tff_IsFile(path))
    TFF_FAIL(tffENOTFOUND, errbuf, "cannot open k-mer model %s named by the combiner %s: %s", C->kmer_name, comb_path, tff_NotFileReason(path));
  if (lev) TFF_CHECK(tff_level_VerifyKmer(lev, path, errbuf));
  TFF_CHECK(tff_kmer_Read(path, &K, errbuf));
  TFF_CHECK(tff_combine_AttachKmer(C, K, path, errbuf));
  K = NULL;
 ERROR:
  tff_kmer_Destroy(K);
  free(path);
  return status;
}

int
tff_combine_AttachKmer(TFF_COMBINER *C, TFF_KMER *K, const char *path, char *errbuf)
{
  int status;
  if (K->nfam != C->nfam) TFF_FAIL(tffEINCOMPAT, errbuf, "k-mer model %s has %d families, the combiner %d", path, K->nfam, C->nfam);
  for (int f = 0; f < C->nfam; f++)
    if (C->fam && K->fam && strcmp(C->fam[f], K->fam[f]) != 0)
      TFF_FAIL(tffEINCOMPAT, errbuf, "k-mer model %s: family %d is '%s', the combiner's is '%s'", path, f + 1, K->fam[f], C->fam[f]);
  if (C->kmer_crc[0] && strcmp(K->crc, C->kmer_crc) != 0)
    TFF_FAIL(tffEINCOMPAT, errbuf, "k-mer model %s has crc32 %s, but the combiner was fitted with the one of crc32 %s (another run's model?)", path,
             K->crc[0] ? K->crc : "(none)", C->kmer_crc);
  tff_kmer_Destroy(C->kmer);
  C->kmer = K;
  return tffOK;
 ERROR:
  return status;
}

int
tff_combine_ClassifyTable(const TFF_COMBINER *C, const TFF_KNN_TABLE *T, const TFF_KNN_TABLE *TX, const int *refy,
                          const int *refy2, const double *cp, TFF_MOTIF *const *qm, double *prob, double *opt_bestp,
                          double *opt_novelty, char *errbuf)
{
  TFF_KNN_TABLE V, VX;               /* T (TX) seen through C->kmax (C->extra_kmax) neighbours per query */
  double   *x = NULL, *kp = NULL;
  int      *clip[tffKNN_NMETRIC] = { NULL }, *clipx = NULL;
  int       status;
  const int F = C->nfam, kmax = tff_combine_Kmax(C), extra = tff_combine_NeedsExtra(C);

  for (int m = 0; m < tffKNN_NMETRIC; m++)
    if (!T->have[m]) TFF_FAIL(tffEINVAL, errbuf, "the combiner needs the neighbours under %s", tff_knn_MetricName(m));
  if (T->kmax < kmax) TFF_FAIL(tffEINVAL, errbuf, "the combiner needs %d neighbours per query, the table has %d", kmax, T->kmax);
  memset(&VX, 0, sizeof VX);
  if (extra) {
    if (C->extra_col < 0 || C->extra_kmax < 1) TFF_FAIL(tffEINVAL, errbuf, "the combiner uses extra_nlp but names no extra column score");
    if (!TX || !TX->have[0] || TX->nq != T->nq)
      TFF_FAIL(tffEINVAL, errbuf, "the combiner needs the neighbours under %s (its extra_metric)", tff_colcmp_Name(C->extra_col));
    if (TX->kmax < C->extra_kmax)
      TFF_FAIL(tffEINVAL, errbuf, "the combiner needs %d neighbours per query under %s, the table has %d", C->extra_kmax,
               tff_colcmp_Name(C->extra_col), TX->kmax);
    VX = *TX;
    TFF_CALLOC(clipx, (size_t) (TX->nq > 0 ? TX->nq : 1), sizeof(int));
    for (int i = 0; i < TX->nq; i++) clipx[i] = TX->nnb[0][i] < C->extra_kmax ? TX->nnb[0][i] : C->extra_kmax;
    VX.nnb[0] = clipx;
  }
  if (tff_combine_NeedsKmer(C)) {
    if (!C->kmer) TFF_FAIL(tffEINVAL, errbuf, "the combiner uses kmer_logp but its k-mer model (%s) was not read", C->kmer_name ? C->kmer_name : "none named");
    if (!qm) TFF_FAIL(tffEINVAL, errbuf, "the combiner uses kmer_logp: the query motifs are needed");
    TFF_CALLOC(kp, (size_t) (T->nq > 0 ? T->nq : 1) * F, sizeof(double));
    TFF_CHECK(tff_kmer_PredictMotifs(C->kmer, qm, T->nq, kp, errbuf));
  }
  V = *T;   /* the features were fitted on kmax neighbours: clip longer lists (same stride) */
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    TFF_CALLOC(clip[m], (size_t) (T->nq > 0 ? T->nq : 1), sizeof(int));
    for (int i = 0; i < T->nq; i++) clip[m][i] = T->nnb[m][i] < kmax ? T->nnb[m][i] : kmax;
    V.nnb[m] = clip[m];
  }
  TFF_CALLOC(x, (size_t) F * TFF_COMBINE_NFEAT, sizeof(double));
  for (int i = 0; i < T->nq; i++) {
    tff_combine_Features(&V, i, refy, refy2, F, cp + (size_t) i * F, x);
    if (extra) tff_combine_NlpFeature(&VX, 0, i, refy, refy2, F, tffFEAT_EXTRA_NLP, x);
    if (kp) tff_combine_KmerFeature(kp + (size_t) i * F, F, x);
    tff_combine_Predict(C, x, prob + (size_t) i * F);
    if (opt_novelty) {
      double z[TFF_NOVEL_NFEAT];
      if (C->novel_use && qm) {
        double top = 0.0;
        for (int f = 0; f < F; f++) if (cp[(size_t) i * F + f] > top) top = cp[(size_t) i * F + f];
        tff_combine_NovelFeatures(&V, extra ? &VX : NULL, i, refy, refy2, F, C->novel_typ, qm[i], top, z);
        opt_novelty[i] = tff_combine_Novelty(C, z);
      } else opt_novelty[i] = NAN;
    }
    if (opt_bestp) {
      const TFF_KNN_NB *best = tff_knn_Best(T, i);
      opt_bestp[i] = (best && best->pvalue < 1.0) ? best->pvalue : 1.0;
    }
  }
  status = tffOK;
 ERROR:
  for (int m = 0; m < tffKNN_NMETRIC; m++) free(clip[m]);
  free(clipx);
  free(x); free(kp);
  return status;
}

int
tff_combine_Classify(const TFF_COMBINER *C, TFF_MODEL *const *models, int nmodel,
                     TFF_MOTIF *const *q, int nq, TFF_MOTIF *const *refs, int nref, const int *refy, const int *refy2,
                     const TFF_KNN_CFG *cfg, double *prob, double *opt_bestp, double *opt_novelty,
                     int *opt_near, double *opt_near_evalue, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL, *TX = NULL;
  TFF_KNN_CFG    kc = *cfg;
  double        *cp = NULL;
  int            status;

  TFF_CALLOC(cp, (size_t) C->nfam * nq, sizeof(double));
  TFF_CHECK(tff_combine_NetworkMean(C, models, nmodel, q, nq, cp, errbuf));
  if (nq == 0) { status = tffOK; goto ERROR; }
  kc.kmax    = tff_combine_Kmax(C);
  kc.metrics = (1 << tffKNN_ED) | (1 << tffKNN_PEARSON) | (1 << tffKNN_SANDELIN);
  TFF_CHECK(tff_knn_Neighbours(q, nq, refs, nref, &kc, &T, errbuf));
  if (tff_combine_NeedsExtra(C)) {   /* the fourth column score, same settings */
    kc.kmax = C->extra_kmax;
    TFF_CHECK(tff_knn_NeighboursScore(q, nq, refs, nref, &kc, C->extra_col, &TX, errbuf));
  }
  TFF_CHECK(tff_combine_ClassifyTable(C, T, TX, refy, refy2, cp, q, prob, opt_bestp, opt_novelty, errbuf));
  for (int i = 0; i < nq; i++) {
    const TFF_KNN_NB *x = tff_knn_First(T, tffKNN_ED, i);
    if (opt_near)        opt_near[i]        = x ? x->ref : -1;
    if (opt_near_evalue) opt_near_evalue[i] = x ? x->evalue : NAN;
  }
  status = tffOK;
 ERROR:
  tff_knn_table_Destroy(T);
  tff_knn_table_Destroy(TX);
  free(cp);
  return status;
}

int
tff_combine_FamilyIndex(const TFF_COMBINER *C, const char *name)
{
  if (C->fam) for (int f = 0; f < C->nfam; f++) if (strcmp(C->fam[f], name) == 0) return f;
  return -1;
}

/*****************************************************************
 * 4. Combiner files: read
 *****************************************************************/

static int
parse_real(const char *s, double *v)
{
  return tff_io_ParseDouble(s, v) == 0 && isfinite(*v);   /* blanks around it allowed, as in every data file */
}

/* A coefficient or bias: a number within +-TFF_COMBINE_MAXCOEF. */
#define TFF_COMBINE_MAXCOEF 1e6
static int
parse_coef(const char *s, double *v)
{
  return parse_real(s, v) && fabs(*v) <= TFF_COMBINE_MAXCOEF;
}

int
tff_combine_Parse(const char *name, const char *data, size_t n, TFF_COMBINER **ret_C, char *errbuf)
{
  TFF_BUF       buf;
  TFF_COMBINER *C = NULL;
  char         *p, *f[8];
  int           status, line = 0, nfam = 0, cap = 0, ended = 0, seen[4] = { 0, 0, 0, 0 };
  unsigned      novel_seen = 0;   /* bits: novelty features, 30 bias, 31 threshold */
  int           ntyp = 0;
  char         *typ_seen = NULL;

  tff_buf_Init(&buf);
  *ret_C = NULL;
  /* The last line, if it is "crc32 XXXXXXXX", is the CRC-32 of every byte
   * before it (tff_combine_Write() adds it); it must match. A file without
   * one (written before tffam had it, or by hand) is read as it is. */
  TFF_CHECK(tff_io_CheckCrcLine(name, "combiner file", data, &n, errbuf));
  TFF_CHECK(tff_buf_Append(&buf, data, n, errbuf));   /* a copy: the lines are cut in place */
  TFF_CALLOC(C, 1, sizeof *C);
  C->extra_col = -1;
  for (p = buf.s ? buf.s : ""; *p && !ended; ) {
    char  *nl = strchr(p, '\n'), *next = nl ? nl + 1 : p + strlen(p);
    double v;
    int    nf;
    if (nl) *nl = '\0';
    line++;
    if (line == 1) {
      TFF_CHECK(tff_io_CheckMagic(name, "combiner file", p, TFF_COMBINE_MAGIC, TFF_COMBINE_VERSION, errbuf));
      p = next;
      continue;
    }
    if (*p == '\0' || *p == '#') { p = next; continue; }
    nf = tff_SplitTabs(p, f, 8, 1);
    if (strcmp(f[0], "end") == 0 && nf == 1) { ended = 1; p = next; break; }
    if (nf == 2 && (strcmp(f[0], "lambda") == 0 || strcmp(f[0], "class_weight") == 0)) {
      if (!parse_real(f[1], &v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a number", name, line, f[1]);
      if (seen[f[0][0] == 'l'] ++) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second %s line", name, line, f[0]);
      if (f[0][0] == 'l') C->lambda = v; else C->cw = v;
    } else if (nf == 2 && strcmp(f[0], "kmax") == 0) {
      if (seen[2]++) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second kmax line", name, line);
      if (!parse_real(f[1], &v) || v < 1 || v > 100000 || v != floor(v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: kmax '%s' is not a whole number in 1..100000", name, line, f[1]);
      C->kmax = (int) v;
    } else if (nf == 2 && strcmp(f[0], "network") == 0) {
      if (f[1][0] == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: empty network file name", name, line);
      TFF_REALLOC(C->net, sizeof(char *) * (size_t) (C->nnet + 1));
      if ((C->net[C->nnet] = tff_Strdup(f[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      C->nnet++;
    } else if (strcmp(f[0], "kmer_model") == 0) {
      if (nf != 3 || !tff_IsCrc32Hex(f[2])) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'kmer_model <file> <crc32: 8 lower-case hex digits>'", name, line);
      if (f[1][0] == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: empty k-mer model file name", name, line);
      if (C->kmer_name) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second kmer_model line", name, line);
      memcpy(C->kmer_crc, f[2], 9);
      if ((C->kmer_name = tff_Strdup(f[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    } else if (strcmp(f[0], "extra_metric") == 0) {
      int col;
      if (nf != 3) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'extra_metric <column score> <neighbours>'", name, line);
      if (C->extra_col >= 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: a second extra_metric line", name, line);
      if ((col = tff_colcmp_Metric(f[1])) < 0)
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown column score '%s' (ed, pearson, sandelin, kullback or allr)", name, line, f[1]);
      if (!parse_real(f[2], &v) || v < 1 || v > 100000 || v != floor(v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: extra_metric neighbours '%s' is not a whole number in 1..100000", name, line, f[2]);
      C->extra_col = col;
      C->extra_kmax = (int) v;
    } else if (nf == 3 && strcmp(f[0], "feature") == 0) {
      int j;
      for (j = 0; j < TFF_COMBINE_NFEAT && strcmp(tff_combine_FeatureName[j], f[1]) != 0; j++) ;
      if (j == TFF_COMBINE_NFEAT) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown feature '%s'", name, line, f[1]);
      if (C->use[j]) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: feature '%s' given twice", name, line, f[1]);
      if (!parse_coef(f[2], &v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: coefficient '%s' is not a number within +-%g", name, line, f[2], TFF_COMBINE_MAXCOEF);
      C->use[j] = 1; C->beta[j] = v;
    } else if (nf == 3 && strcmp(f[0], "family") == 0) {
      if (f[1][0] == '\0') TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: empty family name", name, line);
      if (!parse_coef(f[2], &v))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: bias '%s' is not a number within +-%g", name, line, f[2], TFF_COMBINE_MAXCOEF);
      if (nfam == cap) {
        cap = cap ? 2 * cap : 32;
        TFF_REALLOC(C->fam, sizeof(char *) * (size_t) cap);
        TFF_REALLOC(C->bias, sizeof(double) * (size_t) cap);
        if (C->novel_typ) {   /* novelty_typical lines above this family: room for its line too */
          TFF_REALLOC(C->novel_typ, sizeof(double) * 2 * (size_t) cap);
          TFF_REALLOC(typ_seen, (size_t) cap);
          memset(typ_seen + nfam, 0, (size_t) (cap - nfam));
        }
      }
      if ((C->fam[nfam] = tff_Strdup(f[1])) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
      C->bias[nfam] = v;
      C->nfam = ++nfam;
      for (int k = 0; k < nfam - 1; k++)
        if (strcmp(C->fam[k], f[1]) == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: family '%s' given twice", name, line, f[1]);
    } else if (nf == 3 && strcmp(f[0], "novelty_feature") == 0) {
      int j;
      for (j = 0; j < TFF_NOVEL_NFEAT && strcmp(tff_combine_NovelName[j], f[1]) != 0; j++) ;
      if (j == TFF_NOVEL_NFEAT) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: unknown novelty feature '%s'", name, line, f[1]);
      if (novel_seen & (1u << j)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty feature '%s' given twice", name, line, f[1]);
      if (!parse_real(f[2], &v) || !isfinite(v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a finite number", name, line, f[2]);
      novel_seen |= 1u << j;
      C->novel_w[j] = v;
    } else if (nf == 4 && strcmp(f[0], "novelty_typical") == 0) {
      int    k;
      double v2;
      for (k = 0; k < nfam && strcmp(C->fam[k], f[1]) != 0; k++) ;
      if (k == nfam) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_typical for '%s', not a family above", name, line, f[1]);
      if (!parse_real(f[2], &v) || !isfinite(v) || !parse_real(f[3], &v2) || !isfinite(v2))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_typical needs two finite numbers", name, line);
      /* sized as the family arrays (cap), which may still grow: family lines may follow */
      if (!C->novel_typ) { TFF_CALLOC(C->novel_typ, (size_t) 2 * cap, sizeof(double)); TFF_CALLOC(typ_seen, (size_t) cap, 1); }
      if (typ_seen[k]) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_typical for '%s' given twice", name, line, f[1]);
      typ_seen[k] = 1;
      C->novel_typ[k * 2] = v;
      C->novel_typ[k * 2 + 1] = v2;
      ntyp++;
    } else if (nf == 2 && (strcmp(f[0], "novelty_bias") == 0 || strcmp(f[0], "novelty_threshold") == 0)) {
      if (!parse_real(f[1], &v) || !isfinite(v)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: '%s' is not a finite number", name, line, f[1]);
      if (f[0][8] == 'b') { C->novel_b = v; novel_seen |= 1u << 30; }
      else {
        if (v < 0.0 || v > 1.0) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: novelty_threshold %s is not a probability", name, line, f[1]);
        C->novel_thresh = v;
        novel_seen |= 1u << 31;
      }
    } else
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: expected 'lambda', 'class_weight', 'kmax', 'network', 'kmer_model', 'extra_metric', 'feature', 'family', "
               "'novelty_feature', 'novelty_bias', 'novelty_threshold' or 'end'", name, line);
    p = next;
  }
  if (line == 0) TFF_FAIL(tffEFORMAT, errbuf, "%s: empty file", name);
  if (!ended) TFF_FAIL(tffEFORMAT, errbuf, "%s: truncated (no 'end' line)", name);
  for (int l = line + 1; *p; p++) {
    if (*p == '\n') l++;
    else if (!isspace((unsigned char) *p)) TFF_FAIL(tffEFORMAT, errbuf, "%s line %d: text after 'end' (only the 'crc32' line may follow it)", name, l);
  }
  if (nfam < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: fewer than two families", name);
  if (C->use[tffFEAT_EXTRA_NLP] && C->extra_col < 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: feature extra_nlp needs an 'extra_metric <column score> <neighbours>' line", name);
  if (C->use[tffFEAT_KMER_LOGP] && !C->kmer_name)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: feature kmer_logp needs a 'kmer_model <file> <crc32>' line", name);
  if (novel_seen) {   /* all or nothing */
    if ((novel_seen & (0xC0000000u | ((1u << TFF_NOVEL_NREQ) - 1u))) != (0xC0000000u | ((1u << TFF_NOVEL_NREQ) - 1u)))
      TFF_FAIL(tffEFORMAT, errbuf, "%s: an incomplete novelty model (every novelty_feature, novelty_bias and novelty_threshold are needed)", name);
    if (ntyp != nfam) TFF_FAIL(tffEFORMAT, errbuf, "%s: the novelty model needs a novelty_typical line for each of the %d families (%d given)", name, nfam, ntyp);
    C->novel_use = 1;
  }
  *ret_C = C;
  C = NULL;
  status = tffOK;
 ERROR:
  free(typ_seen);
  tff_combine_Destroy(C);
  tff_buf_Free(&buf);
  return status;
}

int
tff_combine_Read(const char *path, TFF_COMBINER **ret_C, char *opt_crc, char *errbuf)
{
  TFF_BUF buf;
  int     status;
  tff_buf_Init(&buf);
  *ret_C = NULL;
  TFF_CHECK(tff_io_SlurpKind(path, "combiner file", &buf, errbuf));
  if (opt_crc) tff_Crc32Hex(buf.s ? buf.s : "", buf.n, opt_crc);
  status = tff_combine_Parse(path, buf.s ? buf.s : "", buf.n, ret_C, errbuf);
 ERROR:
  tff_buf_Free(&buf);
  return status;
}

/*****************************************************************
 * 6. Unit-test driver
 *****************************************************************/
#ifdef tffCOMBINE_TESTDRIVE
#include "tff_labels.h"
#include "tff_train.h"
#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_combine_utest", NULL);
  char          errbuf[TFF_ERRBUFSIZE];
  TFF_COMBINER *C = NULL;
  enum { J = TFF_COMBINE_NFEAT };

  /* Grouped folds: names a, A, b, c, C, d with families 0 0 1 1 1 0 and K = 2:
   * groups {a,A} (2, fam 0), {c,C} (2, fam 1), {b} (1, fam 1), {d} (1, fam 0).
   * Every group lands in one fold, and the folds get 3 motifs each. */
  {
    char *names[6] = { "a", "A", "b", "c", "C", "d" };
    int   y[6] = { 0, 0, 1, 1, 1, 0 }, fold[6], n0 = 0;
    TFF_UCHECK(tff_combine_GroupFolds(names, y, 6, 2, 2, 1, fold, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(fold[0] == fold[1] && fold[3] == fold[4], "groups split");
    for (int i = 0; i < 6; i++) n0 += fold[i] == 0;
    TFF_UCHECK(n0 == 3, "fold sizes %d/%d", n0, 6 - n0);
    TFF_UCHECK(tff_combine_GroupFolds(names, y, 6, 2, 5, 1, fold, errbuf) == tffEINVAL && strstr(errbuf, "4 groups for 5 folds"), "%s", errbuf);
  }

  /* One feature (cnn_logp) with values log q: the fitted conditional logit on
   * two families where q = (0.8, 0.2) always and the truth is family 0 in 8
   * of 10 items: the maximum-likelihood model has beta = 1 and equal biases
   * (up to the tiny penalty). */
  {
    double x[10 * 2 * J] = { 0 }, prob[2];
    int    y[10], use[J] = { 1 };
    for (int i = 0; i < 10; i++) {
      x[(i * 2 + 0) * J] = log(0.8);
      x[(i * 2 + 1) * J] = log(0.2);
      y[i] = i < 8 ? 0 : 1;
    }
    TFF_UCHECK(tff_combine_Fit(x, y, NULL, NULL, 10, 2, use, 1e-9, 0.0, &C, errbuf) == tffOK, "%s", errbuf);
    tff_combine_Predict(C, x, prob);
    TFF_UNEAR(prob[0], 0.8, 1e-6, "p %g", prob[0]);
    /* beta and the bias difference are not identifiable separately (one x pattern);
     * the penalty splits them, but the probability is what the data say */
    tff_combine_Destroy(C); C = NULL;
    /* class weights, balanced: the 2 items of family 1 weigh 4x as much as each of family 0 -> p = 0.5 */
    TFF_UCHECK(tff_combine_Fit(x, y, NULL, NULL, 10, 2, use, 1e-9, 1.0, &C, errbuf) == tffOK, "%s", errbuf);
    tff_combine_Predict(C, x, prob);
    TFF_UNEAR(prob[0], 0.5, 1e-6, "balanced p %g", prob[0]);
    tff_combine_Destroy(C); C = NULL;
    TFF_UCHECK(tff_combine_Fit(x, y, NULL, NULL, 10, 2, use, 0.0, 0.0, &C, errbuf) == tffEINVAL, "lambda 0");
  }


  /* Stems (independent: by hand, from the rule in tff_combine.h) */
  {
    static const char *in[][2] = {
      { "FOXA1", "FOXA" }, { "Foxa2", "FOXA" }, { "SOX10", "SOX" }, { "Sox2", "SOX" }, { "HNF1A", "HNF1" }, { "Hnf4g", "HNF4" },
      { "NR2F6", "NR2F" }, { "ZNF263", "ZNF263" }, { "Zfp281", "ZFP281" }, { "AT1G14600", "AT1G14600" }, { "P53", "P53" },
      { "ARALYDRAFT_484486", "ARALYDRAFT_484486" }, { "Abd-B", "ABD" }, { "AG", "AG" }, { "JUNB", "JUN" }, { "MYC", "MYC" }, { "GATA4", "GATA" }, { "YBR239C", "YBR239C" }, { "CG11085", "CG11085" }
    };
    char out[64];
    for (size_t k = 0; k < sizeof in / sizeof in[0]; k++) {
      tff_combine_Stem(in[k][0], out, sizeof out);
      TFF_UCHECK(strcmp(out, in[k][1]) == 0, "stem of %s: %s, expected %s", in[k][0], out, in[k][1]);
    }
  }

  /* Stem groups: a dimer joins both of its stems' groups; a stem group stays in one fold */
  {
    char *names[7] = { "FOS::JUN", "JUNB", "Jun", "FOS", "SOX2", "Sox9", "GATA1" };
    int   gid[7], ng, y[7] = { 0, 0, 0, 0, 1, 1, 2 }, fold[7];
    TFF_UCHECK(tff_combine_StemGroups(names, 7, gid, &ng, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(ng == 3 && gid[0] == gid[1] && gid[1] == gid[2] && gid[2] == gid[3] && gid[4] == gid[5] && gid[6] != gid[0] && gid[6] != gid[4],
          "stem groups %d: %d %d %d %d %d %d %d", ng, gid[0], gid[1], gid[2], gid[3], gid[4], gid[5], gid[6]);
    TFF_UCHECK(tff_labels_StratifyGroups(gid, ng, y, 7, 3, 3, 1, fold, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(fold[0] == fold[1] && fold[0] == fold[2] && fold[0] == fold[3] && fold[4] == fold[5], "a group split over folds");
    TFF_UCHECK(tff_labels_StratifyGroups(gid, ng, y, 7, 3, 4, 1, fold, errbuf) == tffEINVAL, "4 folds from 3 groups");
    /* no motifs at all: every buffer of n items is allocated with n = 0 (the
     * zero-size rule of tff_util.h, no + 1 pads; an independent check, that
     * ASan and valgrind make fail on any read or write past n) */
    TFF_UCHECK(tff_combine_StemGroups(names, 0, gid, &ng, errbuf) == tffOK && ng == 0, "stem groups of nothing: %d", ng);
    TFF_UCHECK(tff_combine_GroupFolds(names, y, 0, 3, 2, 1, fold, errbuf) == tffEINVAL, "2 folds from 0 groups");
  }

  /* An empty part of a dimer name ("A::", "::B") has no stem: the motif takes the other
   * part's alone. The empty stem put every such name in one group: FOS:: with ::SOX2
   * (and so FOS with SOX9). Expected by hand (stems FOS, SOX, GATA, JUN; FOSB's is FOS):
   * {FOS::, FOSB, FOS}, {::SOX2, Sox9},
   * {GATA1::}, {::, ::} (the whole name "::" the key), {JUN}: 5 groups. */
  {
    char *names[9] = { "FOS::", "::SOX2", "FOSB", "Sox9", "GATA1::", "::", "JUN", "FOS", "::" };
    int   gid[9], ng;
    TFF_UCHECK(tff_combine_StemGroups(names, 9, gid, &ng, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(ng == 5 && gid[0] == gid[2] && gid[0] == gid[7] && gid[1] == gid[3] && gid[1] != gid[0] && gid[4] != gid[0] && gid[4] != gid[1]
               && gid[5] == gid[8] && gid[5] != gid[0] && gid[5] != gid[1] && gid[5] != gid[4] && gid[6] != gid[0] && gid[6] != gid[5],
               "stem groups with empty parts %d: %d %d %d %d %d %d %d %d %d", ng, gid[0], gid[1], gid[2], gid[3], gid[4], gid[5], gid[6], gid[7], gid[8]);
  }

  /* Out-of-fold neighbours: a hand-made table of 4 motifs in folds 0 0 1 2; motif 0's
   * neighbours 1 (own fold), 2 (fold 1), 3 (fold 2). Excluding fold 1 as well leaves 3. */
  {
    TFF_KNN_TABLE T, *U = NULL;
    TFF_KNN_NB    nb[4 * 3];
    int           nnb[4] = { 3, 0, 0, 0 }, fold[4] = { 0, 0, 1, 2 }, gid[4], ng;
    memset(&T, 0, sizeof T);
    memset(nb, 0, sizeof nb);
    T.nq = 4; T.kmax = 3; T.have[0] = 1; T.nb[0] = nb; T.nnb[0] = nnb;
    for (int r = 0; r < 3; r++) { nb[r].ref = r + 1; nb[r].pvalue = r == 0 ? 1e-12 : r == 1 ? 1e-9 : 1e-3; }
    TFF_UCHECK(tff_combine_FilterTableOut(&T, fold, -1, &U, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(U->nnb[0][0] == 2 && U->nb[0][0].ref == 2 && U->nb[0][1].ref == 3, "own fold kept");
    tff_knn_table_Destroy(U); U = NULL;
    TFF_UCHECK(tff_combine_FilterTableOut(&T, fold, 1, &U, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(U->nnb[0][0] == 1 && U->nb[0][0].ref == 3, "the held-out fold's motif kept as a neighbour");
    tff_knn_table_Destroy(U); U = NULL;
    /* clusters at 1e-8: 0-1 and 0-2 linked, 3 alone */
    TFF_UCHECK(tff_combine_ClusterGroups(&T, 0, 1e-8, NULL, gid, &ng, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(ng == 2 && gid[0] == gid[1] && gid[0] == gid[2] && gid[3] != gid[0], "clusters %d", ng);
    TFF_UCHECK(tff_combine_ClusterGroups(&T, 0, 1e-10, NULL, gid, &ng, errbuf) == tffOK && ng == 3, "clusters at 1e-10: %d", ng);
    T.nq = 0;     /* an empty table */
    TFF_UCHECK(tff_combine_ClusterGroups(&T, 0, 1e-8, gid, gid, &ng, errbuf) == tffOK && ng == 0, "clusters of nothing: %d", ng);
  }

  /* Two labels: an item whose features favour neither family, labelled with both,
   * among items that pin the biases, is fitted to 1/2, 1/2; the soft target's
   * gradient is right where the loss is minimal (a finite-difference check of
   * the fitted optimum through the probability). */
  {
    double x[3 * 2 * J] = { 0 }, prob[2];
    int    y[3] = { 0, 1, 0 }, y2[3] = { -1, -1, 1 }, use[J] = { 1 };
    x[(0 * 2 + 0) * J] = 1.0;   /* item 0: family 0's feature high */
    x[(1 * 2 + 1) * J] = 1.0;   /* item 1: family 1's */
    TFF_UCHECK(tff_combine_Fit(x, y, y2, NULL, 3, 2, use, 1e-9, 0.0, &C, errbuf) == tffOK, "%s", errbuf);
    tff_combine_Predict(C, x + 2 * 2 * J, prob);
    TFF_UNEAR(prob[0], 0.5, 1e-6, "two-label item p %g", prob[0]);
    tff_combine_Destroy(C); C = NULL;
  }

  /* The novelty model: a logistic fit that separates two clouds on feature 0 puts
   * a positive coefficient there and gives the clouds probabilities on either side
   * of 1/2; weights count (a row of weight 0 changes nothing). */
  {
    double Z[40 * TFF_NOVEL_NFEAT] = { 0 }, wt[40], w[TFF_NOVEL_NFEAT], b, w2[TFF_NOVEL_NFEAT], b2;
    int    nov[40];
    for (int i = 0; i < 40; i++) {
      nov[i] = i < 20;
      Z[i * TFF_NOVEL_NFEAT + 0] = (nov[i] ? 1.0 : -1.0) + 0.3 * ((i * 7) % 5 - 2);
      Z[i * TFF_NOVEL_NFEAT + 1] = (i * 3) % 4;   /* noise */
      wt[i] = 1.0;
    }
    TFF_UCHECK(tff_combine_FitNovelty(Z, nov, wt, NULL, 40, 1e-3, w, &b, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(w[0] > 0.0, "novelty coefficient %g", w[0]);
    for (int i = 0; i < 40; i++) {
      double s = b;
      for (int j = 0; j < TFF_NOVEL_NFEAT; j++) s += w[j] * Z[i * TFF_NOVEL_NFEAT + j];
      TFF_UCHECK((s > 0) == nov[i], "row %d on the wrong side (%g)", i, s);
    }
    {
      int sel[40];
      for (int i = 0; i < 40; i++) sel[i] = i != 39;
      TFF_UCHECK(tff_combine_FitNovelty(Z, nov, wt, sel, 40, 1e-3, w, &b, errbuf) == tffOK, "%s", errbuf);   /* without row 39 */
    }
    Z[39 * TFF_NOVEL_NFEAT] = 50.0; wt[39] = 0.0;   /* row 39, wild, but weighing nothing */
    TFF_UCHECK(tff_combine_FitNovelty(Z, nov, wt, NULL, 40, 1e-3, w2, &b2, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(tff_utest_Near(w2[0], w[0], 1e-9) && tff_utest_Near(b2, b, 1e-9), "a row of weight 0 moved the fit: %g %g", w2[0], w[0]);
  }

  /* Decoys: widths in range, rows of probabilities, uniform exactly, the same for the same seed */
  {
    TFF_MOTIFSET *a = NULL, *b = NULL, *u = NULL;
    TFF_UCHECK(tff_combine_DecoyMotifs(50, 6, 20, 1.0, 7, "d", &a, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(tff_combine_DecoyMotifs(50, 6, 20, 1.0, 7, "d", &b, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(tff_combine_DecoyMotifs(3, 5, 5, 0.0, 7, "u", &u, errbuf) == tffOK, "%s", errbuf);
    for (int i = 0; i < 50; i++) {
      TFF_UCHECK(a->m[i]->w >= 6 && a->m[i]->w <= 20, "width %d", a->m[i]->w);
      TFF_UCHECK(tff_motif_SameMatrix(a->m[i], b->m[i], 0.0), "not deterministic");
      for (int c = 0; c < a->m[i]->w; c++) {
        double sum = 0.0;
        for (int k = 0; k < 4; k++) { TFF_UCHECK(a->m[i]->p[c * 4 + k] > 0.0, "zero"); sum += a->m[i]->p[c * 4 + k]; }
        TFF_UNEAR(sum, 1.0, 1e-12, "row sum %g", sum);
      }
    }
    TFF_UCHECK(u->n == 3 && u->m[2]->w == 5 && u->m[2]->p[7] == 0.25, "uniform decoy");
    tff_motifset_Destroy(a); tff_motifset_Destroy(b); tff_motifset_Destroy(u);
  }

  /* Nested out-of-fold networks (tff_combine_CnnPairOOF). Jobs enumerate every pair
   * a < b once, in order. Then a behaviour only the right training sets give: three
   * families of clear motifs (A-, C-, G-rich), K = 3 folds, the G family only in folds
   * 0 and 1. Block 1 (fold 1's combiner) gets fold 0's rows from the network of the pair
   * {0,1}, trained on fold 2 alone, which has no G motif: it must not call them G.
   * Block 2 gets them from the pair {0,2}, trained on fold 1, which has G motifs: it
   * must. Rows of fold k in block k stay 0. (Independent: the expected calls follow
   * from which motifs each network may see, not from a recorded run.) */
  {
    int a, b, seen[5][5] = { { 0 } }, ok = 1, p = 0;
    for (p = 0; p < 10; p++) { tff_combine_PairOfJob(p, 5, &a, &b); ok &= a >= 0 && a < b && b < 5 && !seen[a][b]; seen[a][b] = 1; }
    TFF_UCHECK(ok, "pairs of 5 folds");
    tff_combine_PairOfJob(0, 5, &a, &b); TFF_UCHECK(a == 0 && b == 1, "first pair %d,%d", a, b);
    tff_combine_PairOfJob(9, 5, &a, &b); TFF_UCHECK(a == 3 && b == 4, "last pair %d,%d", a, b);
  }
  {
    enum { NM = 60, W = 8, KF = 3 };
    TFF_MOTIFSET   *set = NULL;
    TFF_LABELS     *L = NULL;
    TFF_TRAIN_DATA *d = NULL;
    TFF_TRAIN_OPTS  o;
    const char     *fam_of[NM];
    int             fold[NM];
    double         *prob = calloc((size_t) KF * NM * 3, sizeof(double));
    TFF_RNG         rng;
    tff_rng_Init(&rng, 12345);
    TFF_UCHECK(prob && tff_motifset_Create("pairs", &set, errbuf) == tffOK, "%s", errbuf);
    for (int i = 0; i < NM; i++) {   /* motif i: family i % 3 (A, C, G-rich), folds: G only in 0 and 1 */
      TFF_MOTIF *m = NULL;
      char       id[16];
      int        f = i % 3;
      snprintf(id, sizeof id, "m%d", i);
      TFF_UCHECK(tff_motif_Create(id, NULL, W, &m, errbuf) == tffOK, "%s", errbuf);
      for (int t = 0; t < W; t++) {
        double r = tff_rng_Uniform(&rng);
        for (int c = 0; c < 4; c++) m->p[t * 4 + c] = 0.1 - 0.05 * r;
        m->p[t * 4 + f] = 0.7 + 0.15 * r;
      }
      TFF_UCHECK(tff_motifset_Add(set, m, errbuf) == tffOK, "%s", errbuf);
      fam_of[i] = f == 0 ? "A" : f == 1 ? "C" : "G";
      fold[i] = f == 2 ? (i / 3) % 2 : (i / 3) % 3;
    }
    TFF_UCHECK(tff_labels_Build(fam_of, NM, 0, &L, errbuf) == tffOK, "%s", errbuf);
    tff_train_OptsDefault(&o);
    o.seed = 3;
    TFF_UCHECK(tff_train_DataCreate(&o.arch, set, L, &d, errbuf) == tffOK, "%s", errbuf);
    TFF_UCHECK(tff_combine_CnnPairOOF(&o, d, fold, NULL, KF, 1, prob, errbuf) == tffOK, "%s", errbuf);
    {
      const int G = tff_labels_FamilyIndex(L, "G");
      double    g1 = 0.0, g2 = 0.0, zero = 0.0;
      int       ng = 0;
      for (int i = 0; i < NM; i++) {
        for (int k = 0; k < KF; k++) if (fold[i] == k) for (int f = 0; f < 3; f++) zero += fabs(prob[((size_t) k * NM + i) * 3 + f]);
        if (fold[i] != 0 || L->y[i] != G) continue;
        g1 += prob[((size_t) 1 * NM + i) * 3 + G];
        g2 += prob[((size_t) 2 * NM + i) * 3 + G];
        ng++;
      }
      TFF_UCHECK(ng == 10 && zero == 0.0, "G motifs of fold 0 %d, own-fold rows %g", ng, zero);
      TFF_UCHECK(g1 / ng < 0.2 && g2 / ng > 0.5, "P(G) of fold 0's G motifs: block 1 (pair {0,1}, no G seen) %.3f, block 2 (pair {0,2}) %.3f", g1 / ng, g2 / ng);
    }
    tff_train_DataDestroy(d);
    tff_labels_Destroy(L);
    tff_motifset_Destroy(set);
    free(prob);
  }

  /* Write and read back */
  {
    double x[4 * 2 * J] = { 0 }, p1[2], p2[2];
    int    y[4] = { 0, 1, 0, 1 };
    char  *fam[2] = { "F one", "F2" };
    char   tmp[] = "/tmp/tff_combine_utestXXXXXX", tmp2[] = "/tmp/tff_combine_utestXXXXXX";
    int    fd = mkstemp(tmp);
    FILE  *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    TFF_COMBINER *D = NULL;
    for (int i = 0; i < 4; i++) { x[(i * 2 + y[i]) * J + 1] = 3.0; x[(i * 2 + y[i]) * J + 4] = 1.0; x[(i * 2) * J + 2] = 0.5 * i; }
    TFF_UCHECK(fp != NULL, "temp file");
    TFF_UCHECK(tff_combine_Fit(x, y, NULL, NULL, 4, 2, NULL, 0.1, 0.5, &C, errbuf) == tffOK, "%s", errbuf);
    char *nets[2] = { "a.model", "b.model" };
    TFF_UCHECK(tff_combine_SetNetworks(C, nets, 0, errbuf) == tffOK && C->nnet == 0, "no networks: %s", errbuf);
    TFF_UCHECK(tff_combine_SetNetworks(C, nets, 2, errbuf) == tffOK, "%s", errbuf);
    C->extra_col = tffCOL_KULLBACK; C->extra_kmax = 100;
    TFF_UCHECK((C->kmer_name = tff_Strdup("c-kmer.txt")) != NULL, "memory");   /* all features: kmer_logp's model is named */
    memcpy(C->kmer_crc, "0123abcd", 9);
    C->novel_use = 1; C->novel_b = -1.5; C->novel_thresh = 0.75;
    for (int j = 0; j < TFF_NOVEL_NFEAT; j++) C->novel_w[j] = 0.1 * j - 0.3;
    TFF_UCHECK((C->novel_typ = calloc(4, sizeof(double))) != NULL, "memory");
    C->novel_typ[0] = 7.5; C->novel_typ[3] = 2.25;
    TFF_UCHECK(tff_combine_Write(fp, C, fam, "test", errbuf) == tffOK, "%s", errbuf);
    fclose(fp);
    TFF_UCHECK(tff_combine_Read(tmp, &D, NULL, errbuf) == tffOK, "%s", errbuf);
    remove(tmp);
    TFF_UCHECK(D->nfam == 2 && strcmp(D->fam[0], "F one") == 0 && tff_combine_FamilyIndex(D, "F2") == 1, "families");
    tff_combine_Predict(C, x, p1);
    tff_combine_Predict(D, x, p2);
    TFF_UCHECK(p1[0] == p2[0] && p1[1] == p2[1], "read back differs");
    TFF_UCHECK(D->lambda == 0.1 && D->cw == 0.5, "lambda/cw");
    TFF_UCHECK(D->nnet == 2 && strcmp(D->net[1], "b.model") == 0, "networks");
    TFF_UCHECK(D->kmer_name && strcmp(D->kmer_name, "c-kmer.txt") == 0 && strcmp(D->kmer_crc, "0123abcd") == 0, "the k-mer model's name and crc32");
    TFF_UCHECK(D->extra_col == tffCOL_KULLBACK && D->extra_kmax == 100 && tff_combine_NeedsExtra(D), "extra metric");
    TFF_UCHECK(D->novel_use && D->novel_b == -1.5 && D->novel_thresh == 0.75 && D->novel_w[5] == C->novel_w[5]
          && D->novel_typ[0] == 7.5 && D->novel_typ[3] == 2.25, "novelty model read back");
    {
      double z[TFF_NOVEL_NFEAT] = { 1.0 };   /* independent: by hand, sigmoid(-1.5 + (-0.3) * 1) */
      TFF_UCHECK(tff_utest_Near(tff_combine_Novelty(D, z), 1.0 / (1.0 + exp(1.8)), 1e-12), "novelty probability %g", tff_combine_Novelty(D, z));
      /* the optional cnn_top (weight 0.1 * 14 - 0.3 = 1.1) is written and read back: by hand,
       * sigmoid(-1.5 - 0.3 * 1 + 1.1 * 0.5) */
      z[tffNOVEL_CNN_TOP] = 0.5;
      TFF_UCHECK(D->novel_w[tffNOVEL_CNN_TOP] == C->novel_w[tffNOVEL_CNN_TOP], "cnn_top weight read back");
      TFF_UCHECK(tff_utest_Near(tff_combine_Novelty(D, z), 1.0 / (1.0 + exp(1.8 - 0.55)), 1e-12), "novelty with cnn_top %g", tff_combine_Novelty(D, z));
    }
    tff_combine_Destroy(D); D = NULL;
    /* a weight of 0 on the optional feature is not written, and a file without it reads as 0 */
    C->novel_w[tffNOVEL_CNN_TOP] = 0.0;
    fd = mkstemp(tmp2);
    fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    TFF_UCHECK(fp != NULL, "temp file");
    TFF_UCHECK(tff_combine_Write(fp, C, fam, "test", errbuf) == tffOK, "%s", errbuf);
    fclose(fp);
    {
      FILE *rf = fopen(tmp2, "r");
      char  line[512];
      int   seen = 0;
      TFF_UCHECK(rf != NULL, "reopen");
      while (fgets(line, sizeof line, rf)) seen += strncmp(line, "novelty_feature\tcnn_top\t", 24) == 0;
      fclose(rf);
      TFF_UCHECK(seen == 0, "a zero cnn_top weight was written");
    }
    TFF_UCHECK(tff_combine_Read(tmp2, &D, NULL, errbuf) == tffOK, "file without cnn_top: %s", errbuf);
    remove(tmp2);
    TFF_UCHECK(D->novel_use && D->novel_w[tffNOVEL_CNN_TOP] == 0.0 && D->novel_w[13] == C->novel_w[13], "without cnn_top");
    tff_combine_Destroy(C); C = NULL;
    tff_combine_Destroy(D);
  }

  return tff_utest_Done();
}
#endif /* tffCOMBINE_TESTDRIVE */
