/* tff_stats: descriptive statistics and least squares (see tff_stats.h).
 *
 * Contents:
 *   1. Moments and quantiles
 *   2. Least squares by Householder QR
 *   3. Unit-test driver
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tff_stats.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Moments and quantiles
 *****************************************************************/

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
tff_stats_Quantile(const double *sorted, int n, double p)
{
  if (n == 1) return sorted[0];
  double h  = (n - 1) * p;
  int    lo = (int) floor(h);
  if (lo < 0) return sorted[0];
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

int
tff_stats_Summary(const double *x, int n, TFF_SUMMARY *s, char *errbuf)
{
  int     status;
  double *v = NULL;

  if (n < 1) TFF_FAIL(tffEINVAL, errbuf, "summary statistics of no values");
  TFF_ALLOC(v, sizeof(double) * (size_t) n);
  memcpy(v, x, sizeof(double) * (size_t) n);
  qsort(v, (size_t) n, sizeof(double), cmp_double);
  memset(s, 0, sizeof *s);
  s->n = n;
  double sum = 0.0;
  for (int i = 0; i < n; i++) sum += v[i];
  s->mean = sum / n;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (int i = 0; i < n; i++) {
    double d = v[i] - s->mean, d2 = d * d;
    m2 += d2; m3 += d2 * d; m4 += d2 * d2;
  }
  s->sd = n > 1 ? sqrt(m2 / (n - 1)) : 0.0;
  m2 /= n; m3 /= n; m4 /= n;
  if (m2 > 0.0) {
    s->skew = m3 / pow(m2, 1.5);
    s->kurt = m4 / (m2 * m2) - 3.0;
  }
  s->min    = v[0];
  s->max    = v[n - 1];
  s->median = tff_stats_Quantile(v, n, 0.5);
  s->q1     = tff_stats_Quantile(v, n, 0.25);
  s->q3     = tff_stats_Quantile(v, n, 0.75);
  s->iqr    = s->q3 - s->q1;
  free(v);
  return tffOK;

 ERROR:
  free(v);
  return status;
}

/*****************************************************************
 * 2. Least squares by Householder QR
 *****************************************************************/

int
tff_stats_LeastSquares(const double *X, const double *y, int n, int p, double *b,
                       double *ret_r2, double *ret_adjr2, char *errbuf)
{
  int     status;
  double *A = NULL, *c = NULL;

  if (p < 1 || n < p) TFF_FAIL(tffEINVAL, errbuf, "least squares: %d observations for %d coefficients", n, p);
  TFF_ALLOC(A, sizeof(double) * (size_t) n * (size_t) p);
  TFF_ALLOC(c, sizeof(double) * (size_t) n);
  memcpy(A, X, sizeof(double) * (size_t) n * (size_t) p);
  memcpy(c, y, sizeof(double) * (size_t) n);

  double maxnorm = 0.0;
  for (int j = 0; j < p; j++) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += A[i * p + j] * A[i * p + j];
    if (sqrt(s) > maxnorm) maxnorm = sqrt(s);
  }
  /* Householder: for column j, v = x + sign(x0)||x|| e0 on rows j..n-1;
   * apply H = I - 2 v v^T / v^T v to the remaining columns and to c. */
  for (int j = 0; j < p; j++) {
    double norm = 0.0;
    for (int i = j; i < n; i++) norm += A[i * p + j] * A[i * p + j];
    norm = sqrt(norm);
    if (norm <= 1e-10 * maxnorm || norm == 0.0)
      TFF_FAIL(tffEINVAL, errbuf, "least squares: the predictors are linearly dependent (column %d)", j + 1);
    double alpha = A[j * p + j] > 0 ? -norm : norm;   /* R_jj */
    A[j * p + j] -= alpha;                            /* v stored in A[j..n-1][j] */
    double vtv = 0.0;
    for (int i = j; i < n; i++) vtv += A[i * p + j] * A[i * p + j];
    for (int k = j + 1; k < p; k++) {
      double d = 0.0;
      for (int i = j; i < n; i++) d += A[i * p + j] * A[i * p + k];
      d = 2.0 * d / vtv;
      for (int i = j; i < n; i++) A[i * p + k] -= d * A[i * p + j];
    }
    double d = 0.0;
    for (int i = j; i < n; i++) d += A[i * p + j] * c[i];
    d = 2.0 * d / vtv;
    for (int i = j; i < n; i++) c[i] -= d * A[i * p + j];
    A[j * p + j] = alpha;                             /* keep R_jj on the diagonal */
    if (fabs(alpha) <= 1e-10 * maxnorm)
      TFF_FAIL(tffEINVAL, errbuf, "least squares: the predictors are linearly dependent (column %d)", j + 1);
  }
  /* back substitution R b = (Q^T y)[0..p-1] */
  for (int j = p - 1; j >= 0; j--) {
    double s = c[j];
    for (int k = j + 1; k < p; k++) s -= A[j * p + k] * b[k];
    b[j] = s / A[j * p + j];
  }
  /* R^2 from the residuals computed directly */
  double ym = 0.0, rss = 0.0, tss = 0.0;
  for (int i = 0; i < n; i++) ym += y[i];
  ym /= n;
  for (int i = 0; i < n; i++) {
    double f = 0.0;
    for (int j = 0; j < p; j++) f += X[i * p + j] * b[j];
    rss += (y[i] - f) * (y[i] - f);
    tss += (y[i] - ym) * (y[i] - ym);
  }
  double r2 = tss > 0.0 ? 1.0 - rss / tss : (rss == 0.0 ? 1.0 : 0.0);
  if (ret_r2)    *ret_r2 = r2;
  if (ret_adjr2) *ret_adjr2 = n > p ? 1.0 - (1.0 - r2) * (n - 1) / (double)(n - p) : NAN;
  free(A); free(c);
  return tffOK;

 ERROR:
  free(A); free(c);
  return status;
}

/*****************************************************************
 * 3. Unit-test driver
 *****************************************************************/
#ifdef tffSTATS_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_stats_utest", NULL);
  char        errbuf[TFF_ERRBUFSIZE];
  TFF_SUMMARY s;

  /* 1, 2, 3, 4, 10: mean 4, deviations -3 -2 -1 0 6; m2 = 50/5 = 10,
   * m3 = (-27 - 8 - 1 + 0 + 216)/5 = 36, m4 = (81 + 16 + 1 + 0 + 1296)/5 = 278.8;
   * skew = 36 / 10^1.5, excess kurtosis = 278.8/100 - 3 = -0.212; sd = sqrt(50/4);
   * quartiles (type 7): h = 1 -> 2, h = 3 -> 4; IQR 2; median 3. */
  double x[] = { 10, 3, 1, 4, 2 };
  TFF_UCHECK(tff_stats_Summary(x, 5, &s, errbuf) == tffOK, "%s", errbuf);
  TFF_UCHECK(tff_utest_Near(s.mean, 4.0, 1e-9) && tff_utest_Near(s.median, 3.0, 1e-9) && tff_utest_Near(s.max, 10.0, 1e-9) && tff_utest_Near(s.min, 1.0, 1e-9), "mean/median/max");
  TFF_UNEAR(s.sd, sqrt(12.5), 1e-9, "sd %g", s.sd);
  TFF_UCHECK(tff_utest_Near(s.q1, 2.0, 1e-9) && tff_utest_Near(s.q3, 4.0, 1e-9) && tff_utest_Near(s.iqr, 2.0, 1e-9), "iqr %g", s.iqr);
  TFF_UNEAR(s.skew, 36.0 / pow(10.0, 1.5), 1e-9, "skew %g", s.skew);
  TFF_UNEAR(s.kurt, -0.212, 1e-9, "kurt %g", s.kurt);
  /* interpolated quantile: 4 values 1 2 3 4, p = .25 -> h = .75 -> 1.75 */
  double q[] = { 1, 2, 3, 4 };
  TFF_UNEAR(tff_stats_Quantile(q, 4, 0.25), 1.75, 1e-9, "quantile");
  TFF_UNEAR(tff_stats_Quantile(q, 4, 0.5), 2.5, 1e-9, "median of 4");
  /* constant values: sd 0, skew/kurt 0 */
  double c[] = { 2, 2, 2 };
  TFF_UCHECK(tff_stats_Summary(c, 3, &s, errbuf) == tffOK && s.sd == 0.0 && s.skew == 0.0 && s.kurt == 0.0, "constant");
  TFF_UCHECK(tff_stats_Summary(c, 0, &s, errbuf) == tffEINVAL, "n = 0");

  /* exact fit: y = 1 + 2 a - 3 b on 5 points -> b = (1, 2, -3), R^2 = 1 */
  double X[5 * 3] = { 1, 0, 0,   1, 1, 0,   1, 0, 1,   1, 2, 1,   1, 3, 5 };
  double y[5], b[3], r2, ar2;
  for (int i = 0; i < 5; i++) y[i] = 1.0 + 2.0 * X[i * 3 + 1] - 3.0 * X[i * 3 + 2];
  TFF_UCHECK(tff_stats_LeastSquares(X, y, 5, 3, b, &r2, &ar2, errbuf) == tffOK, "%s", errbuf);
  TFF_UCHECK(tff_utest_Near(b[0], 1.0, 1e-9) && tff_utest_Near(b[1], 2.0, 1e-9) && tff_utest_Near(b[2], -3.0, 1e-9), "exact fit %g %g %g", b[0], b[1], b[2]);
  TFF_UCHECK(tff_utest_Near(r2, 1.0, 1e-9) && tff_utest_Near(ar2, 1.0, 1e-9), "exact R2 %g %g", r2, ar2);

  /* hand-worked simple regression: x = 0 1 2 3, y = 1 3 2 5.
   * xbar 1.5, ybar 2.75, Sxy = (-1.5)(-1.75)+(-.5)(.25)+(.5)(-.75)+(1.5)(2.25) = 5.5,
   * Sxx = 5: slope 1.1, intercept 1.1; fitted 1.1 2.2 3.3 4.4, RSS = .01+.64+1.69+.36 = 2.7,
   * TSS = 3.0625+.0625+.5625+5.0625 = 8.75: R^2 = 1 - 2.7/8.75, adj = 1 - (1-R^2)*3/2. */
  double X2[8] = { 1, 0, 1, 1, 1, 2, 1, 3 }, y2[4] = { 1, 3, 2, 5 }, b2[2];
  TFF_UCHECK(tff_stats_LeastSquares(X2, y2, 4, 2, b2, &r2, &ar2, errbuf) == tffOK, "%s", errbuf);
  TFF_UCHECK(tff_utest_Near(b2[0], 1.1, 1e-9) && tff_utest_Near(b2[1], 1.1, 1e-9), "simple fit %g %g", b2[0], b2[1]);
  TFF_UCHECK(tff_utest_Near(r2, 1.0 - 2.7 / 8.75, 1e-9) && tff_utest_Near(ar2, 1.0 - (2.7 / 8.75) * 1.5, 1e-9), "simple R2 %g %g", r2, ar2);

  /* rank deficiency: third column = 2 x second */
  double X3[4 * 3] = { 1, 1, 2,  1, 2, 4,  1, 3, 6,  1, 5, 10 };
  TFF_UCHECK(tff_stats_LeastSquares(X3, y2, 4, 3, b, &r2, &ar2, errbuf) == tffEINVAL, "rank deficient");
  TFF_UCHECK(strstr(errbuf, "linearly dependent") != NULL, "message: %s", errbuf);
  TFF_UCHECK(tff_stats_LeastSquares(X3, y2, 2, 3, b, &r2, &ar2, errbuf) == tffEINVAL, "n < p");

  return tff_utest_Done();
}
#endif /* tffSTATS_TESTDRIVE */
