/* tff_cmp_select: order statistics of a row of scores, for its median.
 *
 * Pure array functions (no work, no database): a quickselect, an exact
 * selection through a histogram of equal-width buckets (tff_cmpsel_HistSelect()), the
 * bucket edges about two ranks, and the median bracket: candidates for a
 * row's median gathered while the row is scored, from a bracket made from
 * every MEDIAN_STRIDE-th column. tff_compare_utest's row-quantile tests
 * compare them with a full sort.
 *
 * Contents:
 *   1. Selection
 *   2. The median bracket
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include "tff_compare_internal.h"

/*****************************************************************
 * 1. Selection
 *****************************************************************/

/* Function:  tff_cmpsel_Kth()
 * Synopsis:  k-th smallest of x[0..n-1] (x is permuted).
 */
double
tff_cmpsel_Kth(double *x, int n, int k)
{
  int lo = 0, hi = n - 1;
  while (hi > lo) {
    /* median of three pivot */
    int mid = lo + (hi - lo) / 2;
    double a = x[lo], b = x[mid], c = x[hi];
    double piv = (a < b) ? ((b < c) ? b : ((a < c) ? c : a)) : ((a < c) ? a : ((b < c) ? c : b));
    int i = lo, j = hi;
    while (i <= j) {
      while (x[i] < piv) i++;
      while (x[j] > piv) j--;
      if (i <= j) { double t = x[i]; x[i] = x[j]; x[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return x[k];
  }
  return x[k];
}

/* Function:  tff_cmpsel_BucketsFor()
 * Synopsis:  Buckets for an order statistic of n values: about eight values a
 *            bucket, a power of two from 64 to NBK (fewer buckets to clear and
 *            to scan).
 */
int
tff_cmpsel_BucketsFor(int n)
{
  int nbk = 64;
  while (nbk < NBK && nbk * 8 < n) nbk *= 2;
  return nbk;
}

/* The bucket holding the value of rank k (0-based) of a bucket histogram. */
static int
bucket_of_rank(const int *cnt, int nbk, int k, int *ret_cum)
{
  int b = 0, cum = 0;
  for (; b + 16 <= nbk; b += 16) {    /* sixteen buckets at a step (nbk is a multiple of 16) */
    int sum = 0;
    for (int i = 0; i < 16; i++) sum += cnt[b + i] + cnt[NBK + b + i];
    if (cum + sum > k) break;
    cum += sum;
  }
  while (cum + cnt[b] + cnt[NBK + b] <= k) { cum += cnt[b] + cnt[NBK + b]; b++; }
  if (ret_cum) *ret_cum = cum;
  return b;
}

/* The order statistics i1 and i2 (i1 <= i2 <= i1 + 1) of x[0..n-1], exactly,
 * given its minimum and maximum: a histogram of equal-width buckets
 * (bucket_of() in tff_cmp_kernels.c is monotone, so every value in a lower bucket is smaller
 * than every value in a higher one) locates the buckets that hold them; the
 * values of those buckets are gathered into out (n + 8 values) and selected
 * among. More than 64 values gathered that span at most loose (< 0:
 * never) are not selected among: *v1 <= the statistic i1 and *v2 >= i2 are
 * then their extremes (all that exact_kth2() needs), and it returns 1
 * (else 0). cnt holds 2*NBK ints. */
int
tff_cmpsel_HistSelect(const double *x, int n, int i1, int i2, double mn, double mx, double *out, int *cnt, double loose, double *v1, double *v2)
{
  const int nbk = tff_cmpsel_BucketsFor(n);
  const double inv = nbk / (mx - mn);
  int below = 0, nc;
  if (n < 256 || !(mx > mn) || !(inv > 0) || !(inv < HUGE_VAL)) {   /* small or degenerate: select among all */
    memcpy(out, x, sizeof(double) * (size_t) n);
    nc = n;
  } else {
    tff_cmpk_BucketCount(x, n, mn, inv, nbk, cnt);
    int b1 = bucket_of_rank(cnt, nbk, i1, NULL);
    int b2 = bucket_of_rank(cnt, nbk, i2, NULL);
    nc = tff_cmpk_BucketGather(x, n, mn, inv, nbk, b1, b2, out, &below);
  }
  int k = i1 - below;
  double omn, omx;
  tff_cmpk_MinMax(out, nc, &omn, &omx);
  if (omn == omx) { *v1 = *v2 = omn; return 0; }     /* a bucket of ties (pearson): nothing to select */
  if (nc > 64 && omx - omn <= loose) { *v1 = omn; *v2 = omx; return 1; }   /* near-ties (pearson): bounds will do */
  *v1 = tff_cmpsel_Kth(out, nc, k);
  *v2 = *v1;
  if (i2 != i1) {  /* the smallest value after position k */
    double m = HUGE_VAL;
    for (int t = k + 1; t < nc; t++) if (out[t] < m) m = out[t];
    *v2 = m;
  }
  return 0;
}

/* The edges of the buckets that hold the values of ranks ka <= kb in an
 * nbk-bucket histogram of x[0..n-1] over [mn, mx] (x in it): every value in
 * those buckets, and so both values, lies in [*va, *vb] but for the
 * roundings of the edges. Returns 0, doing nothing, if [mn, mx] is too
 * narrow for buckets. cnt holds 2*NBK ints. */
int
tff_cmpsel_RankBucketEdges(const double *x, int n, double mn, double mx, int nbk, int ka, int kb, int *cnt, double *va, double *vb)
{
  const double inv = nbk / (mx - mn);
  if (!(mx > mn) || !(inv > 0) || !(inv < HUGE_VAL)) return 0;
  tff_cmpk_BucketCount(x, n, mn, inv, nbk, cnt);
  const int ba = bucket_of_rank(cnt, nbk, ka, NULL), bb = bucket_of_rank(cnt, nbk, kb, NULL);
  *va = mn + ba / inv;
  *vb = (bb == nbk - 1) ? mx : mn + (bb + 1) / inv;
  return 1;
}

/* Values va <= vb about the order statistics ka < kb of x[0..n-1] (n >= 1):
 * the edges of the histogram buckets that hold them (exact only for small
 * or degenerate x). A bracket for the row's median needs no more: the
 * counts decide whether it holds. out holds n + 8 values. */
static void
sample_bracket(const double *x, int n, int ka, int kb, double *out, int *cnt, double *va, double *vb)
{
  double mn, mx;
  tff_cmpk_MinMax(x, n, &mn, &mx);
  if (n >= 256 && tff_cmpsel_RankBucketEdges(x, n, mn, mx, tff_cmpsel_BucketsFor(2 * n), ka, kb, cnt, va, vb)) return;   /* finer buckets: the edges are the bracket */
  memcpy(out, x, sizeof(double) * (size_t) n);
  *va = tff_cmpsel_Kth(out, n, ka);
  *vb = tff_cmpsel_Kth(out, n, kb);
}

/*****************************************************************
 * 2. The median bracket
 *****************************************************************/

/* The bracket's margin on each side of the sample's ranks, in sample ranks,
 * for ns sampled columns: 1.5 sqrt(ns), three standard deviations of the
 * rank of a random sample's median (sqrt(ns) / 2), at least 30. A margin
 * that grows with the database keeps the misses rare (a fixed one missed
 * more often as the database grew: doc/compare.md, "Databases of any
 * size"). The bracket then holds about 3 x 16 sqrt(ns) candidates: a few
 * thousand, of the order of sqrt(n) for a row of n columns. */
static int
bracket_margin(int ns)
{
  const int m = (int) (1.5 * sqrt((double) ns));
  return m > 30 ? m : 30;
}

/* Function:  tff_cmpsel_CandCap()
 * Synopsis:  Candidates a row's bracket may hold before it gives up: room for
 *            the margins with the widening of the histogram's bucket edges,
 *            never fewer than 8192, and the block being added.
 */
int
tff_cmpsel_CandCap(int ns)
{
  const int need = 8 * MEDIAN_STRIDE * bracket_margin(ns);
  return (need > 8192 ? need : 8192) + SCORE_BLOCK + 16;
}

/* A row's median bracket from ns sampled scores (every MEDIAN_STRIDE-th of
 * the row's n): values around the sample's order statistics at the ranks
 * i1..i2 scaled down, with bracket_margin() sample ranks on each side (the
 * edges are histogram buckets' edges, wider still). A miss costs a
 * selection from the whole row. Resets the candidates. tmp holds ns + 8
 * values. */
void
tff_cmpsel_BracketInit(BRACKET *br, const double *sample, int ns, int n, int i1, int i2, double *tmp, int *cnt)
{
  const int MARGIN = bracket_margin(ns);
  long r1 = ((long) i1 * ns) / n, r2 = ((long) i2 * ns) / n;
  int rl = r1 - MARGIN < 0 ? 0 : (int)(r1 - MARGIN), rh = r2 + MARGIN >= ns ? ns - 1 : (int)(r2 + MARGIN);
  sample_bracket(sample, ns, rl, rh, tmp, cnt, &br->vlo, &br->vhi);
  br->vlo = (float) br->vlo;     /* any edges will do: the counts decide */
  br->vhi = (float) br->vhi;
  br->below = br->nc = 0;
  br->ok = 1;
  br->mn = HUGE_VAL; br->mx = -HUGE_VAL;
}

/* The next segment x[0..n-1] of the row (its columns t0..): candidates and
 * their columns, counts and extremes; gives up (ok = 0) before the
 * candidates overflow. */
void
tff_cmpsel_BracketAdd(BRACKET *br, const float *x, int n, int t0)
{
  if (!br->ok) return;
  if (br->nc + n + 16 > br->cap) { br->ok = 0; return; }
  br->nc = tff_cmpk_BracketSeg(x, n, t0, (float) br->vlo, (float) br->vhi, br->val, br->col, br->nc, &br->below, &br->mn, &br->mx);
}

/* Function:  tff_cmpsel_FromBracket()
 * Synopsis:  The order statistics i1 <= i2 <= i1 + 1 of a row from its bracket.
 * Purpose:   Where the bracket holds the ranks i1..i2 (the counts prove
 *            it), values *v1 <= the statistic i1 and *v2 >= i2 of the row
 *            (of its single-precision values), close to them, and the row's
 *            minimum and maximum: with many candidates, *v1 and *v2 are the
 *            edges of the buckets of a histogram of the candidates that hold
 *            the two (about eight values a bucket), which is all that
 *            exact_kth2() needs (it then finds them among the candidates
 *            itself); else the order statistics, by tff_cmpsel_HistSelect()
 *            of the candidates. tmp holds br->nc + 16 values, cnt 2*NBK ints.
 * Returns:   1 if the bracket held; 0 if it did not (nothing set: the
 *            caller selects from the whole row).
 */
int
tff_cmpsel_FromBracket(const BRACKET *br, int i1, int i2, double *tmp, int *cnt, double *v1, double *v2,
                       double *ret_mn, double *ret_mx)
{
  if (!tff_cmpsel_BracketHolds(br, i1, i2)) return 0;
  /* the candidates lie in the bracket: its range is the histogram's */
  if (br->nc >= 256 &&
      tff_cmpsel_RankBucketEdges(br->val, br->nc, br->vlo, br->vhi, tff_cmpsel_BucketsFor(br->nc), i1 - br->below, i2 - br->below, cnt, v1, v2)) {
    const double fuzz = 1e-9 * (br->vhi - br->vlo) + 1e-15 * (fabs(br->vlo) + fabs(br->vhi));    /* bucket_of()'s and the edges' roundings, far more than enough */
    *v1 -= fuzz;
    *v2 += fuzz;
    *ret_mn = br->mn; *ret_mx = br->mx;
    return 1;
  }
  double cmn, cmx;
  tff_cmpk_MinMax(br->val, br->nc, &cmn, &cmx);
  tff_cmpsel_HistSelect(br->val, br->nc, i1 - br->below, i2 - br->below, cmn, cmx, tmp, cnt, HUGE_VAL, v1, v2);
  *ret_mn = br->mn; *ret_mx = br->mx;
  return 1;
}
