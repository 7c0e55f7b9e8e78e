/* tff_stats: descriptive statistics and ordinary least squares.
 *
 * Definitions (fixed; the similarity analysis documents them as such):
 *   mean      sum x / n
 *   SD        sample standard deviation, sqrt(sum (x-mean)^2 / (n-1)); 0 if n < 2
 *   quantile  linear interpolation between order statistics (Hyndman & Fan
 *             type 7, R's and numpy's default): h = (n-1) p, x[floor h] +
 *             (h - floor h) (x[floor h + 1] - x[floor h]) on sorted x
 *   median    quantile 0.5;  IQR = quantile 0.75 - quantile 0.25
 *   skewness  population (biased) moment skewness g1 = m3 / m2^(3/2),
 *             m_k = sum (x-mean)^k / n  (scipy.stats.skew default)
 *   kurtosis  population (biased) EXCESS kurtosis g2 = m4 / m2^2 - 3
 *             (scipy.stats.kurtosis default); skewness and kurtosis are 0
 *             when m2 is 0 (all values equal)
 *
 * Least squares: min ||X b - y|| by Householder QR (X = QR, R upper
 * triangular; b = R^-1 Q^T y by back substitution), written here rather than
 * linking LAPACK. No pivoting: a column whose |R_jj| falls below 1e-10 times
 * the largest column norm of X makes the problem rank deficient (tffEINVAL).
 *
 * Contents:
 *   1. Moments and quantiles
 *   2. Least squares
 */
#ifndef TFF_STATS_INCLUDED
#define TFF_STATS_INCLUDED

typedef struct {
  int    n;
  double mean, median, min, max, sd, q1, q3, iqr, skew, kurt;
} TFF_SUMMARY;

/* Function:  tff_stats_Quantile()
 * Synopsis:  Type-7 quantile p (0..1) of n values sorted ascending (n >= 1).
 */
double tff_stats_Quantile(const double *sorted, int n, double p);

/* Function:  tff_stats_Summary()
 * Synopsis:  All of the statistics above for x[0..n-1] (not modified).
 * Returns:   tffOK; tffEINVAL if n < 1; tffEMEM.
 */
int tff_stats_Summary(const double *x, int n, TFF_SUMMARY *s, char *errbuf);

/* Function:  tff_stats_LeastSquares()
 * Synopsis:  Ordinary least squares fit of y (n) on X (n x p, row-major).
 * Purpose:   Include a column of ones in X for an intercept. R^2 is
 *            1 - RSS/TSS with TSS about the mean of y (so it assumes an
 *            intercept); adjusted R^2 = 1 - (1 - R^2)(n - 1)/(n - p)
 *            (p counts the intercept column), NaN when n <= p.
 * Args:      b      - RETURN: p coefficients
 *            ret_r2, ret_adjr2 - RETURN (may be NULL)
 * Returns:   tffOK; tffEINVAL if n < p, p < 1, or X is rank deficient; tffEMEM.
 */
int tff_stats_LeastSquares(const double *X, const double *y, int n, int p, double *b,
                           double *ret_r2, double *ret_adjr2, char *errbuf);

#endif /* TFF_STATS_INCLUDED */
