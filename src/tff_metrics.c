/* tff_metrics: confusion matrices, accuracy, macro-F1.
 *
 * Contents:
 *   1. Accumulating
 *   2. Metrics
 *   3. Tables
 *   4. Unit tests (tffMETRICS_TESTDRIVE)
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tff_metrics.h"
#include "tff_util.h"

/* 1. Accumulating */

int
tff_metrics_Create(int nfam, TFF_METRICS **ret_M, char *errbuf)
{
  TFF_METRICS *M = NULL;
  int          status;
  if (nfam < 1) return tff_Fail(errbuf, tffEINVAL, "metrics need at least one family");
  TFF_CALLOC(M, 1, sizeof *M);
  M->nfam = nfam;
  TFF_CALLOC(M->cm, (size_t) nfam * (size_t) nfam, sizeof(long));
  TFF_CALLOC(M->nocall, (size_t) nfam, sizeof(long));
  *ret_M = M;
  return tffOK;
 ERROR:
  tff_metrics_Destroy(M);
  *ret_M = NULL;
  return status;
}

void
tff_metrics_Destroy(TFF_METRICS *M)
{
  if (!M) return;
  free(M->cm);
  free(M->nocall);
  free(M);
}

void
tff_metrics_Reset(TFF_METRICS *M)
{
  memset(M->cm, 0, sizeof(long) * (size_t) M->nfam * (size_t) M->nfam);
  memset(M->nocall, 0, sizeof(long) * (size_t) M->nfam);
  M->n = 0;
}

int
tff_metrics_Add(TFF_METRICS *M, int truth, int pred)
{
  if (truth < 0 || truth >= M->nfam || pred < 0 || pred >= M->nfam) return tffEINVAL;
  M->cm[truth * M->nfam + pred]++;
  M->n++;
  return tffOK;
}

int
tff_metrics_AddNoCall(TFF_METRICS *M, int truth)
{
  if (truth < 0 || truth >= M->nfam) return tffEINVAL;
  M->nocall[truth]++;
  M->n++;
  return tffOK;
}

int
tff_metrics_Merge(TFF_METRICS *dst, const TFF_METRICS *src)
{
  if (dst->nfam != src->nfam) return tffEINVAL;
  for (long i = 0; i < (long) dst->nfam * dst->nfam; i++) dst->cm[i] += src->cm[i];
  for (int k = 0; k < dst->nfam; k++) dst->nocall[k] += src->nocall[k];
  dst->n += src->n;
  return tffOK;
}

/* 2. Metrics */

double
tff_metrics_Accuracy(const TFF_METRICS *M)
{
  long ok = 0;
  if (M->n == 0) return 0.0;
  for (int k = 0; k < M->nfam; k++) ok += M->cm[k * M->nfam + k];
  return (double) ok / (double) M->n;
}

void
tff_metrics_Family(const TFF_METRICS *M, int k, double *opt_prec, double *opt_rec,
                   double *opt_f1, long *opt_support, long *opt_npred)
{
  long tp = M->cm[k * M->nfam + k], row = M->nocall[k], col = 0;
  for (int j = 0; j < M->nfam; j++) { row += M->cm[k * M->nfam + j]; col += M->cm[j * M->nfam + k]; }
  if (opt_prec)    *opt_prec    = col ? (double) tp / (double) col : 0.0;
  if (opt_rec)     *opt_rec     = row ? (double) tp / (double) row : 0.0;
  if (opt_f1)      *opt_f1      = (row + col) ? 2.0 * (double) tp / (double) (row + col) : 0.0;
  if (opt_support) *opt_support = row;
  if (opt_npred)   *opt_npred   = col;
}

double
tff_metrics_MacroF1(const TFF_METRICS *M)
{
  double sum = 0.0;
  int    nused = 0;
  for (int k = 0; k < M->nfam; k++) {
    double f1;
    long   sup, npred;
    tff_metrics_Family(M, k, NULL, NULL, &f1, &sup, &npred);
    if (sup == 0 && npred == 0) continue;
    sum += f1;
    nused++;
  }
  return nused ? sum / nused : 0.0;
}

int
tff_metrics_MeanSD(const double *x, int n, double *ret_mean, double *ret_sd)
{
  double m = 0.0, ss = 0.0;
  int    used = 0;
  for (int i = 0; i < n; i++) if (!isnan(x[i])) { m += x[i]; used++; }   /* NaN: no value (a fold with nothing scored) */
  m = used ? m / used : 0.0;
  for (int i = 0; i < n; i++) if (!isnan(x[i])) ss += (x[i] - m) * (x[i] - m);
  *ret_mean = used ? m : NAN;
  *ret_sd   = used > 1 ? sqrt(ss / (used - 1)) : used ? 0.0 : NAN;
  return used;
}

/* 3. Tables */

int
tff_metrics_WriteFamilyTSV(FILE *fp, const TFF_METRICS *M, char *const *fam, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "family\tsupport\tpredicted\tprecision\trecall\tf1\n"));
  for (int k = 0; k < M->nfam; k++) {
    double p, r, f;
    long   sup, np;
    tff_metrics_Family(M, k, &p, &r, &f, &sup, &np);
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%ld\t%ld\t%.6g\t%.6g\t%.6g\n", fam[k], sup, np, p, r, f));
  }
 ERROR:
  return status;
}

int
tff_metrics_WriteConfusionTSV(FILE *fp, const TFF_METRICS *M, char *const *fam, char *errbuf)
{
  int status;
  TFF_CHECK(tff_Fprintf(fp, errbuf, "true\\predicted"));
  for (int k = 0; k < M->nfam; k++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", fam[k]));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  for (int t = 0; t < M->nfam; t++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s", fam[t]));
    for (int k = 0; k < M->nfam; k++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%ld", M->cm[t * M->nfam + k]));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  }
 ERROR:
  return status;
}

/* 4. Unit tests */
#ifdef tffMETRICS_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"

static int  near(double a, double b) { return fabs(a - b) < 1e-12; }

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_metrics_utest", NULL);
  TFF_METRICS *M = NULL, *M2 = NULL;
  char         errbuf[TFF_ERRBUFSIZE];
  /* y_true = [0,0,0,1,1,2], y_pred = [0,0,1,1,2,2]
   * (scikit-learn: accuracy 4/6, f1 per class = [0.8, 0.5, 0.666667], macro 0.655556) */
  int yt[] = { 0, 0, 0, 1, 1, 2 }, yp[] = { 0, 0, 1, 1, 2, 2 };
  double p, r, f, m, sd, xs[] = { 1.0, 2.0, 4.0 };
  long   sup, np;

  if (tff_metrics_Create(4, &M, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int i = 0; i < 6; i++) if (tff_metrics_Add(M, yt[i], yp[i]) != tffOK) TFF_UFAIL("add");
  if (tff_metrics_Add(M, 4, 0) != tffEINVAL || M->n != 6) TFF_UFAIL("out of range accepted");
  if (!near(tff_metrics_Accuracy(M), 4.0 / 6.0)) TFF_UFAIL("accuracy");
  tff_metrics_Family(M, 0, &p, &r, &f, &sup, &np);
  if (!near(p, 1.0) || !near(r, 2.0 / 3.0) || !near(f, 0.8) || sup != 3 || np != 2) TFF_UFAIL("family 0");
  tff_metrics_Family(M, 1, &p, &r, &f, &sup, &np);
  if (!near(p, 0.5) || !near(r, 0.5) || !near(f, 0.5)) TFF_UFAIL("family 1");
  tff_metrics_Family(M, 3, &p, &r, &f, &sup, &np);
  if (p != 0 || r != 0 || f != 0 || sup != 0 || np != 0) TFF_UFAIL("absent family");
  /* family 3 never occurs: it does not count in the macro average */
  if (!near(tff_metrics_MacroF1(M), (0.8 + 0.5 + 2.0 / 3.0) / 3.0)) TFF_UFAIL("macro-F1");

  /* a family that is predicted but never true counts with F1 = 0 */
  tff_metrics_Add(M, 0, 3);
  if (!near(tff_metrics_MacroF1(M), (2.0 * 2 / 6 + 0.5 + 2.0 / 3.0 + 0.0) / 4.0)) TFF_UFAIL("macro-F1 with false family");

  /* a no-call is wrong and counts in its family's support only */
  {
    TFF_METRICS *N = NULL;
    long sup, np;
    double rec;
    if (tff_metrics_Create(2, &N, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    tff_metrics_Add(N, 0, 0);
    tff_metrics_AddNoCall(N, 1);
    tff_metrics_Family(N, 1, NULL, &rec, NULL, &sup, &np);
    if (!near(tff_metrics_Accuracy(N), 0.5) || sup != 1 || np != 0 || rec != 0.0) TFF_UFAIL("no-call");
    if (!near(tff_metrics_MacroF1(N), 0.5)) TFF_UFAIL("no-call macro-F1");
    tff_metrics_Destroy(N);
  }
  if (tff_metrics_Create(4, &M2, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  tff_metrics_Merge(M2, M); tff_metrics_Merge(M2, M);
  if (M2->n != 14 || M2->cm[0] != 4) TFF_UFAIL("merge");
  tff_metrics_Reset(M2);
  if (M2->n != 0 || tff_metrics_Accuracy(M2) != 0.0 || tff_metrics_MacroF1(M2) != 0.0) TFF_UFAIL("reset");

  tff_metrics_MeanSD(xs, 3, &m, &sd);
  if (!near(m, 7.0 / 3.0) || !near(sd, sqrt(((1 - m) * (1 - m) + (2 - m) * (2 - m) + (4 - m) * (4 - m)) / 2))) TFF_UFAIL("mean/sd");
  tff_metrics_MeanSD(xs, 1, &m, &sd);
  if (m != 1.0 || sd != 0.0) TFF_UFAIL("mean/sd n=1");
  {
    /* a NaN (a fold with nothing to score) is left out: the mean and SD of 1, 2, 4 */
    double xn[5] = { NAN, 1.0, 2.0, NAN, 4.0 }, m3 = 0.0, sd3 = 0.0, none[2] = { NAN, NAN };
    tff_metrics_MeanSD(xs, 3, &m3, &sd3);
    if (tff_metrics_MeanSD(xn, 5, &m, &sd) != 3 || m != m3 || sd != sd3) TFF_UFAIL("mean/sd skipping NaN: %g %g", m, sd);
    if (tff_metrics_MeanSD(none, 2, &m, &sd) != 0 || !isnan(m) || !isnan(sd)) TFF_UFAIL("mean/sd of NaN only");
  }

  {
    char  *fam[] = { "a", "b", "c", "d" };
    char   buf[4096] = "";
    FILE  *fp = tmpfile();
    size_t n;
    if (!fp) TFF_UFAIL("tmpfile");
    if (tff_metrics_WriteConfusionTSV(fp, M, fam, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    if (tff_metrics_WriteFamilyTSV(fp, M, fam, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    rewind(fp);
    n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    if (strcmp(buf,
               "true\\predicted\ta\tb\tc\td\n"
               "a\t2\t1\t0\t1\n"
               "b\t0\t1\t1\t0\n"
               "c\t0\t0\t1\t0\n"
               "d\t0\t0\t0\t0\n"
               "family\tsupport\tpredicted\tprecision\trecall\tf1\n"
               "a\t4\t2\t1\t0.5\t0.666667\n"
               "b\t2\t2\t0.5\t0.5\t0.5\n"
               "c\t1\t2\t0.5\t1\t0.666667\n"
               "d\t0\t1\t0\t0\t0\n") != 0) { fprintf(stderr, "%s", buf); TFF_UFAIL("tables"); }
  }
  tff_metrics_Destroy(M);
  tff_metrics_Destroy(M2);
  return tff_utest_Done();
}
#endif /* tffMETRICS_TESTDRIVE */
