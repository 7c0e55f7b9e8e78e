/* tff_metrics: classification metrics over families.
 *
 * A TFF_METRICS accumulates a confusion matrix (rows: true family, columns:
 * predicted family) from which every number is derived:
 *   accuracy          = correct / total
 *   precision(k)      = cm[k][k] / column sum k    (0 if family k was never predicted)
 *   recall(k)         = cm[k][k] / row sum k       (= per-family accuracy; 0 if no true k)
 *   F1(k)             = 2 cm[k][k] / (row sum k + column sum k)
 *   macro-F1          = mean of F1(k) over the families that occur as a true or a
 *                       predicted label (scikit-learn's f1_score(average="macro"))
 * Mean and SD over folds use the sample SD (n - 1 in the denominator).
 *
 * Contents:
 *   1. Accumulating
 *   2. Metrics
 *   3. Writing tables (TSV)
 */
#ifndef TFF_METRICS_INCLUDED
#define TFF_METRICS_INCLUDED

#include <stdio.h>

#include "tff_util.h"

typedef struct {
  int   nfam;
  long *cm;     /* nfam x nfam, cm[true * nfam + pred] */
  long *nocall; /* [nfam]: items of this true family that got no prediction (wrong, in no column) */
  long  n;      /* total count */
} TFF_METRICS;

/* 1. Accumulating */
int   tff_metrics_Create(int nfam, TFF_METRICS **ret_M, char *errbuf);
void  tff_metrics_Destroy(TFF_METRICS *M);
void  tff_metrics_Reset(TFF_METRICS *M);
/* Function:  tff_metrics_Add()
 * Synopsis:  Count one prediction. Out-of-range indices are ignored (returns tffEINVAL).
 */
int   tff_metrics_Add(TFF_METRICS *M, int truth, int pred);
/* Function:  tff_metrics_Merge()
 * Synopsis:  dst += src (same nfam), e.g. to pool the folds of a CV.
 */
/* Function:  tff_metrics_AddNoCall()
 * Synopsis:  Count an item that got no prediction (e.g. a query with no neighbour):
 *            it is wrong, counts in its family's support, in no family's predictions.
 */
int   tff_metrics_AddNoCall(TFF_METRICS *M, int truth);
int   tff_metrics_Merge(TFF_METRICS *dst, const TFF_METRICS *src);

/* 2. Metrics */
double tff_metrics_Accuracy(const TFF_METRICS *M);   /* 0 if empty */
double tff_metrics_MacroF1(const TFF_METRICS *M);
/* Per family k: precision, recall (per-family accuracy), F1, support (true count),
 * and the number of times k was predicted. Any output pointer may be NULL. */
void   tff_metrics_Family(const TFF_METRICS *M, int k, double *opt_prec, double *opt_rec,
                          double *opt_f1, long *opt_support, long *opt_npred);
/* Mean and sample SD of the values of x[0..n-1] that are not NaN (NaN: no value,
 * such as a fold with no motif to score); SD 0 when one is left, mean and SD NaN
 * when none. Returns how many were used. */
int    tff_metrics_MeanSD(const double *x, int n, double *ret_mean, double *ret_sd);

/* 3. Tables. Numbers are written with %.6g; names come from fam[0..nfam-1]. */
/* "family  support  predicted  precision  recall  f1" one row per family. */
int    tff_metrics_WriteFamilyTSV(FILE *fp, const TFF_METRICS *M, char *const *fam, char *errbuf);
/* Header "true\\predicted" + family names, then one row per true family. */
int    tff_metrics_WriteConfusionTSV(FILE *fp, const TFF_METRICS *M, char *const *fam, char *errbuf);

#endif /* TFF_METRICS_INCLUDED */
