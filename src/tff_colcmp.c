/* tff_colcmp: Tomtom's column scores. See tff_colcmp.h.
 *
 * Contents:
 *   1. Metric names
 *   2. Single scores (reference formulas)
 *   3. Column sets and whole rows (fast path)
 *   4. Unit tests
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tff_colcmp.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Metric names
 *****************************************************************/

static const char *metric_names[TFF_COLCMP_NMETRICS] = { "ed", "pearson", "sandelin", "kullback", "allr" };

int
tff_colcmp_Metric(const char *name)
{
  for (int i = 0; name && i < TFF_COLCMP_NMETRICS; i++)
    if (strcmp(name, metric_names[i]) == 0) return i;
  return -1;
}

const char *
tff_colcmp_Name(int metric)
{
  return (metric >= 0 && metric < TFF_COLCMP_NMETRICS) ? metric_names[metric] : "?";
}

/*****************************************************************
 * 2. Single scores
 *****************************************************************/

/* MEME computes log10 as log(x) divided by this constant, not with log10(). */
#define MEME_LN10 2.30258509299405

/* pow(10, e): for integer 0 <= e <= 22 the power is exactly representable,
 * so pow() returns it exactly and the literal table below is the same value;
 * other exponents go to pow(). */
static inline double
pow10i(double e)
{
  static const double p10[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
  if (e >= 0.0 && e <= 22.0) return p10[(int) e];
  return pow(10.0, e);
}

/* MEME's RND exponent ceil(d - 1 - log(x) / MEME_LN10) for x > 0, without the
 * logarithm where it cannot matter: if 10^k (1 + 1e-9) < x < 10^(k+1) (1 - 1e-9),
 * log10(x) is more than 4e-10 away from k and k + 1, while log(x) / MEME_LN10
 * is within 1e-13 of it (libm's rounding, MEME's truncated constant: relative
 * 2e-15, |log10 x| <= 31), so the quotient lies strictly between k and k + 1
 * and the ceiling is d - 1 - k. Other x (near a power of ten, or outside
 * [1e-30, 10)) take the literal formula. */
static inline double
rnd_exponent(double x, int d)
{
  static const double p10[] = {   /* p10[i] = 10^(i - 32) */
    1e-32, 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17,
    1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1 };
  if (x >= 1e-30 && x < 10.0) {
    int e2;
    (void) frexp(x, &e2);                                     /* 2^(e2-1) <= x < 2^e2 */
    int k = (int) floor((e2 - 1) * 0.30102999566398120);      /* floor(log10 x) or one less */
    if (x >= p10[k + 33]) k++;
    if (x > p10[k + 32] * (1 + 1e-9) && x < p10[k + 33] * (1 - 1e-9)) return (double)(d - 1 - k);
  }
  return ceil((d) - 1 - log(x) / MEME_LN10);
}

double
tff_colcmp_RND(double x, int d)
{
  if (x > 0) {
    double z = pow10i(rnd_exponent(x, d));
    return rint(z * x) / z;
  } else if (x < 0) {
    double z = pow10i(rnd_exponent(-x, d));
    return -rint(z * (-x)) / z;
  }
  return 0.0;
}

/* Sum of squared differences, accumulated in Tomtom's order (A, C, G, T). */
static inline double
sqdiff(const double q[4], const double t[4])
{
  double s = 0.0;
  for (int a = 0; a < 4; a++) { double d = q[a] - t[a]; s = s + d * d; }
  return s;
}

/* Tomtom's rounded sum of squares of the centred column (one side of the pearson denominator). */
static double
pearson_den(const double f[4])
{
  double s = 0.0;
  for (int a = 0; a < 4; a++) {
    double d = f[a] - 0.25;
    s += d * d;
    s = tff_colcmp_RND(s, 14);
  }
  return s;
}

/* The fast row's factor of a column: 1 / sqrt(pearson_den(f)), 0 for a uniform
 * column (den 0). num * (1/sqrt(dq) * 1/sqrt(dt)) is within a few ulps of
 * num / sqrt(dq * dt), and 0 where that is 0. */
static double
pearson_inv(double den)
{
  return den > 0 ? 1.0 / sqrt(den) : 0.0;
}

double
tff_colcmp_Score(int metric, const double q[4], const double t[4], double nq, double nt, const double bg[4])
{
  switch (metric) {
  case tffCOL_ED:       return -sqrt(sqdiff(q, t));
  case tffCOL_SANDELIN: return 2 - sqdiff(q, t);
  case tffCOL_PEARSON: {
    double num = 0.0, d1 = 0.0, d2 = 0.0;
    for (int a = 0; a < 4; a++) {
      num += (q[a] - 0.25) * (t[a] - 0.25);
      num = tff_colcmp_RND(num, 14);
      d1 += (q[a] - 0.25) * (q[a] - 0.25);
      d2 += (t[a] - 0.25) * (t[a] - 0.25);
      d1 = tff_colcmp_RND(d1, 14);
      d2 = tff_colcmp_RND(d2, 14);
    }
    double den = sqrt(d1 * d2);
    return den != 0 ? num / den : 0.0;
  }
  case tffCOL_KULLBACK: {
    double s = 0.0;
    for (int a = 0; a < 4; a++) {
      double k = ((q[a] * log10(q[a] / t[a])) + (t[a] * log10(t[a] / q[a]))) / 2;
      s = s + k;
    }
    return s * -1;
  }
  case tffCOL_ALLR: {
    double num = 0.0, den = 0.0;
    for (int a = 0; a < 4; a++) {
      double p1 = (nt * t[a]) * log(q[a] / bg[a]);
      double p2 = (nq * q[a]) * log(t[a] / bg[a]);
      num += p1 + p2;
      den += (nq * q[a]) + (nt * t[a]);
    }
    return num / den;
  }
  }
  return 0.0;
}

double
tff_colcmp_PearsonCell(const TFF_COLSET *cs, const double q[4], double dq, int j)
{
  const double t[4] = { cs->f[0][j], cs->f[1][j], cs->f[2][j], cs->f[3][j] };
  double num = 0.0;
  for (int a = 0; a < 4; a++) {
    num += (q[a] - 0.25) * (t[a] - 0.25);
    num = tff_colcmp_RND(num, 14);
  }
  double den = sqrt(dq * cs->pden[j]);
  return den != 0 ? num / den : 0.0;
}

double tff_colcmp_PearsonDen(const double f[4]) { return pearson_den(f); }

double
tff_colcmp_FastErr(int metric)
{
  return metric == tffCOL_PEARSON ? TFF_COLCMP_PEARSON_ERR : metric == tffCOL_KULLBACK ? TFF_COLCMP_KULLBACK_ERR : 0.0;
}

/*****************************************************************
 * 3. Column sets and rows
 *****************************************************************/

/* Vector kernels (x86-64 with GCC or clang; used when the CPU has AVX2 or
 * AVX-512). Each lane does exactly the scalar operations in the same order
 * (no multiply-add fusion, no reassociation), so the values are bit-identical
 * to the scalar loops below. The row kernels return the number of columns
 * done. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TFF_HAVE_AVX2_KERNEL 1
/* The single-precision scores of eight columns (a, c, g, t: their
 * TFF_COLSET.g values) against a query column (q: its TFF_COLQ.g values,
 * broadcast): the operations of the scalar loops in rowf_scalar(). */
__attribute__((target("avx2"), always_inline))
static inline __m256
score8_avx2(int metric, const __m256 q[4], __m256 a, __m256 c, __m256 g, __m256 t)
{
  if (metric == tffCOL_PEARSON)    /* the columns are scaled already: a dot product */
    return _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(q[0], a), _mm256_mul_ps(q[1], c)), _mm256_mul_ps(q[2], g)),
                         _mm256_mul_ps(q[3], t));
  const __m256 d0 = _mm256_sub_ps(q[0], a), d1 = _mm256_sub_ps(q[1], c), d2 = _mm256_sub_ps(q[2], g), d3 = _mm256_sub_ps(q[3], t);
  const __m256 ss = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(d0, d0), _mm256_mul_ps(d1, d1)),
                                                _mm256_mul_ps(d2, d2)), _mm256_mul_ps(d3, d3));
  return metric == tffCOL_ED ? _mm256_xor_ps(_mm256_sqrt_ps(ss), _mm256_set1_ps(-0.0f)) : _mm256_sub_ps(_mm256_set1_ps(2.0f), ss);
}

/* tff_colcmp_RowF()'s kernel for ed, sandelin and pearson, eight columns at
 * a time: query column cq into out, and cr into out2 if cr is not NULL
 * (each column of the set is then loaded once for both: loads are what the
 * loop waits on). metric is a constant where inlined (rowf_avx2()), so
 * that the loop has no branch on it. Returns how many columns it did. */
__attribute__((target("avx2"), always_inline))
static inline int
rowf_loops_avx2(const int metric, const TFF_COLSET *cs, const TFF_COLQ *cq, const TFF_COLQ *cr, float *restrict out, float *restrict out2)
{
  const int n8 = cs->n & ~7;
  const float *ga = cs->g[0], *gc = cs->g[1], *gg = cs->g[2], *gt = cs->g[3];
  __m256 q[4], r[4];
  for (int a = 0; a < 4; a++) { q[a] = _mm256_set1_ps(cq->g[a]); r[a] = _mm256_set1_ps(cr ? cr->g[a] : 0.0f); }
  if (cr)
    for (int j = 0; j < n8; j += 8) {
      const __m256 a = _mm256_loadu_ps(ga + j), c = _mm256_loadu_ps(gc + j), g = _mm256_loadu_ps(gg + j), t = _mm256_loadu_ps(gt + j);
      _mm256_storeu_ps(out + j, score8_avx2(metric, q, a, c, g, t));
      _mm256_storeu_ps(out2 + j, score8_avx2(metric, r, a, c, g, t));
    }
  else
    for (int j = 0; j < n8; j += 8)
      _mm256_storeu_ps(out + j, score8_avx2(metric, q, _mm256_loadu_ps(ga + j), _mm256_loadu_ps(gc + j),
                                            _mm256_loadu_ps(gg + j), _mm256_loadu_ps(gt + j)));
  return n8;
}

__attribute__((target("avx2")))
static int
rowf_avx2(const TFF_COLSET *cs, const TFF_COLQ *cq, const TFF_COLQ *cr, float *restrict out, float *restrict out2)
{
  switch (cs->metric) {
  case tffCOL_ED:       return rowf_loops_avx2(tffCOL_ED, cs, cq, cr, out, out2);
  case tffCOL_SANDELIN: return rowf_loops_avx2(tffCOL_SANDELIN, cs, cq, cr, out, out2);
  default:              return rowf_loops_avx2(tffCOL_PEARSON, cs, cq, cr, out, out2);
  }
}

/* tff_colcmp_RowF()'s rounding of a double row: out = (float) in, returns
 * the largest |in| (NaN left out: max_pd returns its second operand). */
__attribute__((target("avx2")))
static double
round_row_avx2(const double *in, int n, float *out, int *ret_done)
{
  const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  __m256d mx = _mm256_setzero_pd();
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    __m256d v = _mm256_loadu_pd(in + j);
    _mm_storeu_ps(out + j, _mm256_cvtpd_ps(v));
    mx = _mm256_max_pd(_mm256_and_pd(v, absmask), mx);
  }
  double m[4];
  _mm256_storeu_pd(m, mx);
  double best = 0.0;
  for (int l = 0; l < 4; l++) best = m[l] > best ? m[l] : best;
  *ret_done = j;
  return best;
}

/* kullback_row()'s loop, eight columns at a time; l0..l3: logarithms of q. */
__attribute__((target("avx512f,avx512dq")))
static int
kullback_avx512(const TFF_COLSET *cs, const double q[4], double l0, double l1, double l2, double l3, double c, double *restrict out)
{
  const int n8 = cs->n & ~7;
  const __m512d q0 = _mm512_set1_pd(q[0]), q1 = _mm512_set1_pd(q[1]), q2 = _mm512_set1_pd(q[2]), q3 = _mm512_set1_pd(q[3]);
  const __m512d L0 = _mm512_set1_pd(l0), L1 = _mm512_set1_pd(l1), L2 = _mm512_set1_pd(l2), L3 = _mm512_set1_pd(l3), vc = _mm512_set1_pd(c);
  for (int j = 0; j < n8; j += 8) {
    __m512d s = _mm512_mul_pd(_mm512_sub_pd(q0, _mm512_loadu_pd(cs->f[0] + j)), _mm512_sub_pd(L0, _mm512_loadu_pd(cs->lr[0] + j)));
    s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q1, _mm512_loadu_pd(cs->f[1] + j)), _mm512_sub_pd(L1, _mm512_loadu_pd(cs->lr[1] + j))));
    s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q2, _mm512_loadu_pd(cs->f[2] + j)), _mm512_sub_pd(L2, _mm512_loadu_pd(cs->lr[2] + j))));
    s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q3, _mm512_loadu_pd(cs->f[3] + j)), _mm512_sub_pd(L3, _mm512_loadu_pd(cs->lr[3] + j))));
    _mm512_storeu_pd(out + j, _mm512_mul_pd(vc, s));
  }
  return n8;
}

/* tff_colcmp_RowF2() of kullback for one or two query columns (cr, out2
 * NULL: one), eight columns at a time: kullback_row()'s double values, with
 * its operations in its order, rounded to float as round_row_avx2() rounds
 * them, without the double row in memory and with the database columns
 * loaded once for both; the largest |value| of each row into *mx, *mx2
 * (NaN left out, as there). Returns the columns done. */
__attribute__((target("avx512f,avx512dq")))
static int
kullback2_avx512(const TFF_COLSET *cs, const TFF_COLQ *cq, const TFF_COLQ *cr, double c, float *restrict out, float *restrict out2,
                 double *mx, double *mx2)
{
  const int n8 = cs->n & ~7;
  const __m512d q0 = _mm512_set1_pd(cq->f[0]), q1 = _mm512_set1_pd(cq->f[1]), q2 = _mm512_set1_pd(cq->f[2]), q3 = _mm512_set1_pd(cq->f[3]);
  const __m512d L0 = _mm512_set1_pd(cq->lf[0]), L1 = _mm512_set1_pd(cq->lf[1]), L2 = _mm512_set1_pd(cq->lf[2]), L3 = _mm512_set1_pd(cq->lf[3]);
  const __m512d vc = _mm512_set1_pd(c);
  __m512d m1 = _mm512_setzero_pd(), m2 = m1;
  if (cr) {
    const __m512d r0 = _mm512_set1_pd(cr->f[0]), r1 = _mm512_set1_pd(cr->f[1]), r2 = _mm512_set1_pd(cr->f[2]), r3 = _mm512_set1_pd(cr->f[3]);
    const __m512d M0 = _mm512_set1_pd(cr->lf[0]), M1 = _mm512_set1_pd(cr->lf[1]), M2 = _mm512_set1_pd(cr->lf[2]), M3 = _mm512_set1_pd(cr->lf[3]);
    for (int j = 0; j < n8; j += 8) {
      const __m512d fa = _mm512_loadu_pd(cs->f[0] + j), fc = _mm512_loadu_pd(cs->f[1] + j), fg = _mm512_loadu_pd(cs->f[2] + j), ft = _mm512_loadu_pd(cs->f[3] + j);
      const __m512d la = _mm512_loadu_pd(cs->lr[0] + j), lc = _mm512_loadu_pd(cs->lr[1] + j), lg = _mm512_loadu_pd(cs->lr[2] + j), lt = _mm512_loadu_pd(cs->lr[3] + j);
      __m512d s = _mm512_mul_pd(_mm512_sub_pd(q0, fa), _mm512_sub_pd(L0, la));
      __m512d t = _mm512_mul_pd(_mm512_sub_pd(r0, fa), _mm512_sub_pd(M0, la));
      s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q1, fc), _mm512_sub_pd(L1, lc)));
      t = _mm512_add_pd(t, _mm512_mul_pd(_mm512_sub_pd(r1, fc), _mm512_sub_pd(M1, lc)));
      s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q2, fg), _mm512_sub_pd(L2, lg)));
      t = _mm512_add_pd(t, _mm512_mul_pd(_mm512_sub_pd(r2, fg), _mm512_sub_pd(M2, lg)));
      s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q3, ft), _mm512_sub_pd(L3, lt)));
      t = _mm512_add_pd(t, _mm512_mul_pd(_mm512_sub_pd(r3, ft), _mm512_sub_pd(M3, lt)));
      s = _mm512_mul_pd(vc, s);
      t = _mm512_mul_pd(vc, t);
      _mm256_storeu_ps(out + j, _mm512_cvtpd_ps(s));
      _mm256_storeu_ps(out2 + j, _mm512_cvtpd_ps(t));
      m1 = _mm512_max_pd(_mm512_abs_pd(s), m1);
      m2 = _mm512_max_pd(_mm512_abs_pd(t), m2);
    }
  } else
    for (int j = 0; j < n8; j += 8) {
      __m512d s = _mm512_mul_pd(_mm512_sub_pd(q0, _mm512_loadu_pd(cs->f[0] + j)), _mm512_sub_pd(L0, _mm512_loadu_pd(cs->lr[0] + j)));
      s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q1, _mm512_loadu_pd(cs->f[1] + j)), _mm512_sub_pd(L1, _mm512_loadu_pd(cs->lr[1] + j))));
      s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q2, _mm512_loadu_pd(cs->f[2] + j)), _mm512_sub_pd(L2, _mm512_loadu_pd(cs->lr[2] + j))));
      s = _mm512_add_pd(s, _mm512_mul_pd(_mm512_sub_pd(q3, _mm512_loadu_pd(cs->f[3] + j)), _mm512_sub_pd(L3, _mm512_loadu_pd(cs->lr[3] + j))));
      s = _mm512_mul_pd(vc, s);
      _mm256_storeu_ps(out + j, _mm512_cvtpd_ps(s));
      m1 = _mm512_max_pd(_mm512_abs_pd(s), m1);
    }
  double a[8];
  _mm512_storeu_pd(a, m1);
  *mx = 0.0;
  for (int l = 0; l < 8; l++) *mx = a[l] > *mx ? a[l] : *mx;
  if (cr) {
    _mm512_storeu_pd(a, m2);
    *mx2 = 0.0;
    for (int l = 0; l < 8; l++) *mx2 = a[l] > *mx2 ? a[l] : *mx2;
  }
  return n8;
}

/* tff_colcmp_RND(x, 14) of eight values, bit for bit: the lanes with |x| in
 * [1e-9, 10) and not within 1e-9 of a power of ten (rnd_exponent()'s fast
 * case, with 10^(13-k) <= 1e22 exactly representable) take the same
 * operations as the scalar code; the others are rounded by it. */
__attribute__((target("avx512f,avx512dq")))
static __m512d
rnd14_avx512(__m512d x)
{
  const __m512d P0 = _mm512_setr_pd(1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3);   /* P[i] = 10^(i-10) */
  const __m512d P1 = _mm512_setr_pd(1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5);
  const __m512d Z0 = _mm512_setr_pd(1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14);       /* Z[i] = 10^(i+7) */
  const __m512d Z1 = _mm512_setr_pd(1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22);
  const __m512d ax = _mm512_abs_pd(x);
  __mmask8 ok = _mm512_cmp_pd_mask(ax, _mm512_set1_pd(1e-9), _CMP_GE_OQ) & _mm512_cmp_pd_mask(ax, _mm512_set1_pd(10.0), _CMP_LT_OQ);
  const __m512d e2 = _mm512_getexp_pd(_mm512_mask_mov_pd(_mm512_set1_pd(1.0), ok, ax));  /* floor(log2 |x|) */
  __m512i k = _mm512_cvtpd_epi64(_mm512_roundscale_pd(_mm512_mul_pd(e2, _mm512_set1_pd(0.30102999566398120)),
                                                      _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
  const __m512i ten = _mm512_set1_epi64(10), one = _mm512_set1_epi64(1);
  __m512d up = _mm512_permutex2var_pd(P0, _mm512_add_epi64(k, _mm512_add_epi64(ten, one)), P1);   /* 10^(k+1) */
  k = _mm512_mask_add_epi64(k, _mm512_cmp_pd_mask(ax, up, _CMP_GE_OQ), k, one);                    /* floor(log10 |x|) */
  const __m512d lo = _mm512_permutex2var_pd(P0, _mm512_add_epi64(k, ten), P1);
  const __m512d hi = _mm512_permutex2var_pd(P0, _mm512_add_epi64(k, _mm512_add_epi64(ten, one)), P1);
  ok &= _mm512_cmp_pd_mask(ax, _mm512_mul_pd(lo, _mm512_set1_pd(1 + 1e-9)), _CMP_GT_OQ) &
        _mm512_cmp_pd_mask(ax, _mm512_mul_pd(hi, _mm512_set1_pd(1 - 1e-9)), _CMP_LT_OQ);
  const __m512d z = _mm512_permutex2var_pd(Z0, _mm512_sub_epi64(_mm512_set1_epi64(6), k), Z1);       /* 10^(13-k) */
  __m512d r = _mm512_div_pd(_mm512_roundscale_pd(_mm512_mul_pd(z, ax), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
  r = _mm512_or_pd(r, _mm512_and_pd(x, _mm512_set1_pd(-0.0)));    /* -rint(z*(-x))/z for x < 0 */
  if (ok != 0xff) {
    double xv[8], rv[8];
    _mm512_storeu_pd(xv, x);
    _mm512_storeu_pd(rv, r);
    for (int l = 0; l < 8; l++) if (!(ok & (1u << l))) rv[l] = tff_colcmp_RND(xv[l], 14);
    r = _mm512_loadu_pd(rv);
  }
  return r;
}

/* rnd14_avx512() with AVX2, four values: the exponent from the bits (|x| is
 * a normal number in the fast case), the powers of ten gathered from tables. */
__attribute__((target("avx2")))
static __m256d
rnd14_avx2(__m256d x)
{
  static const double p10[12] = { 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1 };  /* 10^(i-10) */
  static const double z10[16] = { 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                  1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };                        /* 10^(i+7) */
  const __m256d sign = _mm256_set1_pd(-0.0), one = _mm256_set1_pd(1.0);
  const __m256d ax = _mm256_andnot_pd(sign, x);
  __m256d ok = _mm256_and_pd(_mm256_cmp_pd(ax, _mm256_set1_pd(1e-9), _CMP_GE_OQ), _mm256_cmp_pd(ax, _mm256_set1_pd(10.0), _CMP_LT_OQ));
  const __m256d a = _mm256_blendv_pd(one, ax, ok);      /* 1 in the lanes the scalar code rounds: indices stay in the tables */
  /* floor(log2 a) = biased exponent - 1023, as a double: (2^52 + e) - (2^52 + 1023) */
  const __m256d e2 = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(_mm256_castpd_si256(a), 52),
                                                                       _mm256_set1_epi64x(0x4330000000000000LL))),
                                   _mm256_set1_pd(4503599627370496.0 + 1023.0));
  __m128i k = _mm256_cvtpd_epi32(_mm256_round_pd(_mm256_mul_pd(e2, _mm256_set1_pd(0.30102999566398120)),
                                                 _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));  /* floor(log10 a) or one less */
  const __m128i i10 = _mm_set1_epi32(10), i11 = _mm_set1_epi32(11);
  const __m256d up = _mm256_i32gather_pd(p10, _mm_add_epi32(k, i11), 8);
  k = _mm_add_epi32(k, _mm256_cvtpd_epi32(_mm256_and_pd(_mm256_cmp_pd(a, up, _CMP_GE_OQ), one)));   /* floor(log10 a) */
  const __m256d lo = _mm256_i32gather_pd(p10, _mm_add_epi32(k, i10), 8);
  const __m256d hi = _mm256_i32gather_pd(p10, _mm_add_epi32(k, i11), 8);
  ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(ax, _mm256_mul_pd(lo, _mm256_set1_pd(1 + 1e-9)), _CMP_GT_OQ),
                                       _mm256_cmp_pd(ax, _mm256_mul_pd(hi, _mm256_set1_pd(1 - 1e-9)), _CMP_LT_OQ)));
  const __m256d z = _mm256_i32gather_pd(z10, _mm_sub_epi32(_mm_set1_epi32(6), k), 8);   /* 10^(13-k) */
  __m256d r = _mm256_div_pd(_mm256_round_pd(_mm256_mul_pd(z, ax), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
  r = _mm256_or_pd(r, _mm256_and_pd(x, sign));    /* -rint(z*(-x))/z for x < 0 */
  const int okm = _mm256_movemask_pd(ok);
  if (okm != 15) {
    double xv[4], rv[4];
    _mm256_storeu_pd(xv, x);
    _mm256_storeu_pd(rv, r);
    for (int l = 0; l < 4; l++) if (!(okm & (1 << l))) rv[l] = tff_colcmp_RND(xv[l], 14);
    r = _mm256_loadu_pd(rv);
  }
  return r;
}

/* tff_colcmp_PearsonCells() eight columns at a time with AVX2; returns how many done. */
__attribute__((target("avx2")))
static int
pearson_cells_avx2(const TFF_COLSET *cs, const double q[4], double dq, const int *cols, int n, double *out)
{
  const __m256d qu = _mm256_set1_pd(0.25), vdq = _mm256_set1_pd(dq), zero = _mm256_setzero_pd();
  int i = 0;
  for (; i + 8 <= n; i += 8) {     /* two groups of four: each numerator is a chain of four roundings, two chains overlap */
    const __m128i v0 = _mm_loadu_si128((const __m128i *)(cols + i)), v1 = _mm_loadu_si128((const __m128i *)(cols + i + 4));
    __m256d n0 = zero, n1 = zero;
    for (int a = 0; a < 4; a++) {
      const __m256d c = _mm256_set1_pd(q[a] - 0.25);
      const __m256d t0 = _mm256_i32gather_pd(cs->f[a], v0, 8), t1 = _mm256_i32gather_pd(cs->f[a], v1, 8);
      n0 = _mm256_add_pd(n0, _mm256_mul_pd(c, _mm256_sub_pd(t0, qu)));
      n1 = _mm256_add_pd(n1, _mm256_mul_pd(c, _mm256_sub_pd(t1, qu)));
      n0 = rnd14_avx2(n0);
      n1 = rnd14_avx2(n1);
    }
    const __m256d d0 = _mm256_sqrt_pd(_mm256_mul_pd(vdq, _mm256_i32gather_pd(cs->pden, v0, 8)));
    const __m256d d1 = _mm256_sqrt_pd(_mm256_mul_pd(vdq, _mm256_i32gather_pd(cs->pden, v1, 8)));
    _mm256_storeu_pd(out + i, _mm256_and_pd(_mm256_div_pd(n0, d0), _mm256_cmp_pd(d0, zero, _CMP_NEQ_OQ)));
    _mm256_storeu_pd(out + i + 4, _mm256_and_pd(_mm256_div_pd(n1, d1), _mm256_cmp_pd(d1, zero, _CMP_NEQ_OQ)));
  }
  return i;
}

/* tff_colcmp_PearsonCells() eight columns at a time; returns how many done. */
__attribute__((target("avx512f,avx512dq")))
static int
pearson_cells_avx512(const TFF_COLSET *cs, const double q[4], double dq, const int *cols, int n, double *out)
{
  const __m512d qu = _mm512_set1_pd(0.25), vdq = _mm512_set1_pd(dq), zero = _mm512_setzero_pd();
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i vi = _mm256_loadu_si256((const __m256i *)(cols + i));
    __m512d num = zero;
    for (int a = 0; a < 4; a++) {
      __m512d t = _mm512_i32gather_pd(vi, cs->f[a], 8);
      num = rnd14_avx512(_mm512_add_pd(num, _mm512_mul_pd(_mm512_set1_pd(q[a] - 0.25), _mm512_sub_pd(t, qu))));
    }
    __m512d den = _mm512_sqrt_pd(_mm512_mul_pd(vdq, _mm512_i32gather_pd(vi, cs->pden, 8)));
    _mm512_storeu_pd(out + i, _mm512_maskz_div_pd(_mm512_cmp_pd_mask(den, zero, _CMP_NEQ_OQ), num, den));
  }
  return i;
}
#endif

int
tff_colset_Init(TFF_COLSET *cs, int n, int metric, char *errbuf)
{
  int status;
  memset(cs, 0, sizeof *cs);
  cs->n = n;
  cs->metric = metric;
#ifdef TFF_HAVE_AVX2_KERNEL
  cs->avx2 = tff_SimdLevel();
#endif
  for (int a = 0; a < 4; a++) TFF_CALLOC(cs->f[a], (size_t) n + 1, sizeof(double));
  TFF_CALLOC(cs->ns, (size_t) n + 1, sizeof(double));
  if (metric == tffCOL_PEARSON) {
    TFF_CALLOC(cs->pden, (size_t) n + 1, sizeof(double));
    TFF_CALLOC(cs->pinv, (size_t) n + 1, sizeof(double));
    TFF_CALLOC(cs->u4, 4 * ((size_t) n + 1), sizeof(double));
  }
  if (metric == tffCOL_ALLR || metric == tffCOL_KULLBACK)
    for (int a = 0; a < 4; a++) TFF_CALLOC(cs->lr[a], (size_t) n + 1, sizeof(double));
  if (metric == tffCOL_ED || metric == tffCOL_SANDELIN || metric == tffCOL_PEARSON)
    for (int a = 0; a < 4; a++) TFF_CALLOC(cs->g[a], (size_t) n + 8, sizeof(float));
  return tffOK;
 ERROR:
  tff_colset_Free(cs);
  return status;
}

void
tff_colset_Set(TFF_COLSET *cs, int j, const double f[4], double nsites, const double bg[4])
{
  for (int a = 0; a < 4; a++) cs->f[a][j] = f[a];
  cs->ns[j] = nsites;
  if (cs->pden) {
    cs->pden[j] = pearson_den(f);
    cs->pinv[j] = pearson_inv(cs->pden[j]);
  }
  if (cs->u4) for (int a = 0; a < 4; a++) cs->u4[4 * j + a] = (f[a] - 0.25) * cs->pinv[j];
  if (cs->g[0]) for (int a = 0; a < 4; a++) cs->g[a][j] = (float)(cs->u4 ? cs->u4[4 * j + a] : f[a]);
  if (cs->metric == tffCOL_ALLR) for (int a = 0; a < 4; a++) cs->lr[a][j] = log(f[a] / bg[a]);
  if (cs->metric == tffCOL_KULLBACK)
    for (int a = 0; a < 4; a++) {
      if (!(f[a] >= TFF_COLCMP_KULLBACK_MINF)) cs->kexact = 1;
      cs->lr[a][j] = log(f[a]);
    }
}

void
tff_colset_Free(TFF_COLSET *cs)
{
  if (!cs) return;
  for (int a = 0; a < 4; a++) { free(cs->f[a]); free(cs->lr[a]); free(cs->g[a]); }
  free(cs->pinv);
  free(cs->ns);
  free(cs->pden);
  free(cs->u4);
  memset(cs, 0, sizeof *cs);
}

/* Kullback-Leibler row from the columns' logarithms, q log10(q/t) + t log10(t/q)
 * = (q - t)(ln q - ln t) / ln 10 (within TFF_COLCMP_KULLBACK_ERR of the literal
 * formula). Returns 0, doing nothing, where that bound does not hold. */
TFF_CLONES_AVX2 static int
kullback_row(const TFF_COLSET *cs, const TFF_COLQ *cq, double *restrict out)
{
  if (!cq->kfast || cs->kexact) return 0;
  const double q0 = cq->f[0], q1 = cq->f[1], q2 = cq->f[2], q3 = cq->f[3];
  const double l0 = cq->lf[0], l1 = cq->lf[1], l2 = cq->lf[2], l3 = cq->lf[3], c = -0.5 / log(10.0);
  const double *restrict fa = cs->f[0], *restrict fc = cs->f[1], *restrict fg = cs->f[2], *restrict ft = cs->f[3];
  const double *restrict la = cs->lr[0], *restrict lc = cs->lr[1], *restrict lg = cs->lr[2], *restrict lt = cs->lr[3];
  int j0 = 0;
#ifdef TFF_HAVE_AVX2_KERNEL
  if (cs->avx2 == 2) j0 = kullback_avx512(cs, cq->f, l0, l1, l2, l3, c, out);
#endif
  TFF_SIMD
  for (int j = j0; j < cs->n; j++)
    out[j] = c * ((((q0 - fa[j]) * (l0 - la[j]) + (q1 - fc[j]) * (l1 - lc[j])) + (q2 - fg[j]) * (l2 - lg[j])) + (q3 - ft[j]) * (l3 - lt[j]));
  return 1;
}

void
tff_colcmp_PrepQuery(int metric, const double q[4], double nq, TFF_COLQ *cq)
{
  memcpy(cq->f, q, sizeof cq->f);
  cq->nq = nq;
  cq->pinv = (metric == tffCOL_PEARSON) ? pearson_inv(pearson_den(q)) : 0.0;
  cq->kfast = 1;
  for (int a = 0; a < 4; a++) {
    if (!(q[a] >= TFF_COLCMP_KULLBACK_MINF)) cq->kfast = 0;
    cq->lf[a] = (metric == tffCOL_KULLBACK && cq->kfast) ? log(q[a]) : 0.0;
    cq->u[a] = (metric == tffCOL_PEARSON) ? (q[a] - 0.25) * cq->pinv : 0.0;
    cq->g[a] = (float)(metric == tffCOL_PEARSON ? cq->u[a] : q[a]);
  }
}

TFF_CLONES_AVX2 void
tff_colcmp_Row(const TFF_COLSET *cs, const TFF_COLQ *cq, const double bg[4], double *restrict out)
{
  const int n = cs->n;
  const double *q = cq->f, nq = cq->nq;
  const double *restrict fa = cs->f[0], *restrict fc = cs->f[1], *restrict fg = cs->f[2], *restrict ft = cs->f[3];
  const double q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];

  if (cs->metric == tffCOL_KULLBACK && kullback_row(cs, cq, out)) return;
  switch (cs->metric) {
  case tffCOL_ED:
    TFF_SIMD
    for (int j = 0; j < n; j++) {
      double d0 = q0 - fa[j], d1 = q1 - fc[j], d2 = q2 - fg[j], d3 = q3 - ft[j];
      out[j] = -sqrt(((d0 * d0 + d1 * d1) + d2 * d2) + d3 * d3);
    }
    break;
  case tffCOL_SANDELIN:
    TFF_SIMD
    for (int j = 0; j < n; j++) {
      double d0 = q0 - fa[j], d1 = q1 - fc[j], d2 = q2 - fg[j], d3 = q3 - ft[j];
      out[j] = 2 - (((d0 * d0 + d1 * d1) + d2 * d2) + d3 * d3);
    }
    break;
  case tffCOL_PEARSON: {
    const double iq = cq->pinv;
    const double c0 = q0 - 0.25, c1 = q1 - 0.25, c2 = q2 - 0.25, c3 = q3 - 0.25;
    const double *restrict pi = cs->pinv;
    TFF_SIMD
    for (int j = 0; j < n; j++) {
      double num = ((c0 * (fa[j] - 0.25) + c1 * (fc[j] - 0.25)) + c2 * (fg[j] - 0.25)) + c3 * (ft[j] - 0.25);
      out[j] = num * (iq * pi[j]);
    }
    break;
  }
  case tffCOL_ALLR:
    for (int j = 0; j < n; j++) {
      const double nt = cs->ns[j];
      double num = 0.0, den = 0.0;
      for (int a = 0; a < 4; a++) {
        double t = cs->f[a][j];
        double p1 = (nt * t) * log(q[a] / bg[a]);
        double p2 = (nq * q[a]) * cs->lr[a][j];
        num += p1 + p2;
        den += (nq * q[a]) + (nt * t);
      }
      out[j] = num / den;
    }
    break;
  default:
    for (int j = 0; j < n; j++) {
      double t[4] = { fa[j], fc[j], fg[j], ft[j] };
      out[j] = tff_colcmp_Score(cs->metric, q, t, nq, cs->ns[j], bg);
    }
    break;
  }
}

/* tff_colcmp_RowF() of ed, sandelin and pearson from column j0 on (after a
 * vector kernel); returns the metric's bound. */
static double
rowf_scalar(const TFF_COLSET *cs, const TFF_COLQ *cq, int j0, float *restrict out)
{
  const int n = cs->n;
  const float *restrict ga = cs->g[0], *restrict gc = cs->g[1], *restrict gg = cs->g[2], *restrict gt = cs->g[3];
  const float q0 = cq->g[0], q1 = cq->g[1], q2 = cq->g[2], q3 = cq->g[3];
  switch (cs->metric) {
  case tffCOL_ED:
    for (int j = j0; j < n; j++) {
      float d0 = q0 - ga[j], d1 = q1 - gc[j], d2 = q2 - gg[j], d3 = q3 - gt[j];
      out[j] = -sqrtf(((d0 * d0 + d1 * d1) + d2 * d2) + d3 * d3);
    }
    return TFF_COLCMP_ED_FERR;
  case tffCOL_SANDELIN:
    for (int j = j0; j < n; j++) {
      float d0 = q0 - ga[j], d1 = q1 - gc[j], d2 = q2 - gg[j], d3 = q3 - gt[j];
      out[j] = 2.0f - (((d0 * d0 + d1 * d1) + d2 * d2) + d3 * d3);
    }
    return TFF_COLCMP_SANDELIN_FERR;
  default:     /* pearson */
    for (int j = j0; j < n; j++) out[j] = ((q0 * ga[j] + q1 * gc[j]) + q2 * gg[j]) + q3 * gt[j];
    return TFF_COLCMP_PEARSON_FERR + TFF_COLCMP_PEARSON_ERR;
  }
}

/* kullback's tff_colcmp_RowF2() with AVX-512 where kullback_row() holds
 * (cr, out2 NULL: one row): the kernel, then the last columns as
 * kullback_row() and tff_colcmp_RowF() compute them; returns the bound as
 * tff_colcmp_RowF() does, for both rows, or -1, doing nothing, where this
 * path does not apply. */
static double
kullback_rowf2(const TFF_COLSET *cs, const TFF_COLQ *cq, const TFF_COLQ *cr, float *restrict out, float *restrict out2)
{
#ifdef TFF_HAVE_AVX2_KERNEL
  if (cs->avx2 != 2 || cs->kexact || !cq->kfast || (cr && !cr->kfast)) return -1.0;
  const double c = -0.5 / log(10.0);
  double mx = 0.0, mx2 = 0.0;
  const int j0 = kullback2_avx512(cs, cq, cr, c, out, out2, &mx, &mx2);
  for (int k = 0; k < (cr ? 2 : 1); k++) {
    const TFF_COLQ *x = k ? cr : cq;
    float *o = k ? out2 : out;
    double *m = k ? &mx2 : &mx;
    for (int j = j0; j < cs->n; j++) {
      const double v = c * ((((x->f[0] - cs->f[0][j]) * (x->lf[0] - cs->lr[0][j]) + (x->f[1] - cs->f[1][j]) * (x->lf[1] - cs->lr[1][j]))
                             + (x->f[2] - cs->f[2][j]) * (x->lf[2] - cs->lr[2][j])) + (x->f[3] - cs->f[3][j]) * (x->lf[3] - cs->lr[3][j]));
      o[j] = (float) v;
      const double a = fabs(v);
      *m = a > *m ? a : *m;
    }
  }
  if (mx2 > mx) mx = mx2;
  return tff_colcmp_FastErr(cs->metric) + mx * 0x1p-24 + 0x1p-140;
#else
  (void) cs; (void) cq; (void) cr; (void) out; (void) out2;
  return -1.0;
#endif
}

double
tff_colcmp_RowF(const TFF_COLSET *cs, const TFF_COLQ *cq, const double bg[4], float *restrict out, double *restrict tmp)
{
  const int n = cs->n;
  if (cs->metric == tffCOL_KULLBACK) {
    const double e = kullback_rowf2(cs, cq, NULL, out, NULL);
    if (e >= 0) return e;
  }
  if (!cs->g[0]) {    /* kullback, allr: the double row, rounded */
    tff_colcmp_Row(cs, cq, bg, tmp);
    double mx = 0.0;
    int j0 = 0;
#ifdef TFF_HAVE_AVX2_KERNEL
    if (cs->avx2) mx = round_row_avx2(tmp, n, out, &j0);
#endif
    for (int j = j0; j < n; j++) {
      out[j] = (float) tmp[j];
      double a = fabs(tmp[j]);
      mx = a > mx ? a : mx;    /* NaN: not a bound's business */
    }
    return tff_colcmp_FastErr(cs->metric) + mx * 0x1p-24 + 0x1p-140;   /* + the spacing of subnormal floats */
  }
  int j0 = 0;
#ifdef TFF_HAVE_AVX2_KERNEL
  if (cs->avx2) j0 = rowf_avx2(cs, cq, NULL, out, NULL);
#endif
  return rowf_scalar(cs, cq, j0, out);
}

double
tff_colcmp_RowF2(const TFF_COLSET *cs, const TFF_COLQ *cq, const TFF_COLQ *cr, const double bg[4],
                 float *restrict out, float *restrict out2, double *restrict tmp)
{
  if (cs->metric == tffCOL_KULLBACK) {
    const double e = kullback_rowf2(cs, cq, cr, out, out2);
    if (e >= 0) return e;
  }
  if (!cs->g[0]) {
    const double e = tff_colcmp_RowF(cs, cq, bg, out, tmp), e2 = tff_colcmp_RowF(cs, cr, bg, out2, tmp);
    return e > e2 ? e : e2;
  }
  int j0 = 0;
#ifdef TFF_HAVE_AVX2_KERNEL
  if (cs->avx2) j0 = rowf_avx2(cs, cq, cr, out, out2);
#endif
  rowf_scalar(cs, cr, j0, out2);
  return rowf_scalar(cs, cq, j0, out);
}

#ifdef TFF_HAVE_AVX2_KERNEL
/* tff_colcmp_PearsonCellsFast() four columns at a time with AVX2: each
 * column's four values in one load, transposed; the same operations per
 * lane as the scalar loop. Returns how many it did. */
__attribute__((target("avx2")))
static int
pearson_fast_avx2(const double *u4, const double u[4], const int *cols, int n, double *out)
{
  const __m256d c0 = _mm256_set1_pd(u[0]), c1 = _mm256_set1_pd(u[1]), c2 = _mm256_set1_pd(u[2]), c3 = _mm256_set1_pd(u[3]);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d r0 = _mm256_loadu_pd(u4 + 4 * (size_t) cols[i]), r1 = _mm256_loadu_pd(u4 + 4 * (size_t) cols[i + 1]);
    const __m256d r2 = _mm256_loadu_pd(u4 + 4 * (size_t) cols[i + 2]), r3 = _mm256_loadu_pd(u4 + 4 * (size_t) cols[i + 3]);
    const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);    /* (r0a r1a r0g r1g), (r0c r1c r0t r1t) */
    const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    const __m256d a = _mm256_permute2f128_pd(t0, t2, 0x20), g = _mm256_permute2f128_pd(t0, t2, 0x31);
    const __m256d c = _mm256_permute2f128_pd(t1, t3, 0x20), t = _mm256_permute2f128_pd(t1, t3, 0x31);
    _mm256_storeu_pd(out + i, _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(c0, a), _mm256_mul_pd(c1, c)),
                                                          _mm256_mul_pd(c2, g)), _mm256_mul_pd(c3, t)));
  }
  return i;
}
#endif

/* Pearson's correlation as a dot product of the centred columns scaled to
 * length 1 (TFF_COLSET.u4, TFF_COLQ.u), without Tomtom's roundings: each
 * column's four values are together in memory, so a cell costs one load
 * and four multiplications. */
void
tff_colcmp_PearsonCellsFast(const TFF_COLSET *cs, const TFF_COLQ *cq, const int *cols, int n, double *out)
{
  const double *u = cq->u, *u4 = cs->u4;
  int i = 0;
#ifdef TFF_HAVE_AVX2_KERNEL
  if (cs->avx2) i = pearson_fast_avx2(u4, u, cols, n, out);
#endif
  for (; i < n; i++) {
    const double *v = u4 + 4 * (size_t) cols[i];
    out[i] = ((u[0] * v[0] + u[1] * v[1]) + u[2] * v[2]) + u[3] * v[3];
  }
}

void
tff_colcmp_PearsonCells(const TFF_COLSET *cs, const double q[4], double dq, const int *cols, int n, double *out)
{
  int i = 0;
#ifdef TFF_HAVE_AVX2_KERNEL
  if (cs->avx2 == 2) i = pearson_cells_avx512(cs, q, dq, cols, n, out);
  else if (cs->avx2 == 1) i = pearson_cells_avx2(cs, q, dq, cols, n, out);
  if (cs->avx2 && i < n) {    /* the last few: eight again, the last column repeated (many calls are short) */
    int c8[8];
    double o8[8];
    for (int l = 0; l < 8; l++) c8[l] = cols[i + l < n ? i + l : n - 1];
    if (cs->avx2 == 2) pearson_cells_avx512(cs, q, dq, c8, 8, o8);
    else pearson_cells_avx2(cs, q, dq, c8, 8, o8);
    for (int l = 0; i < n; l++, i++) out[i] = o8[l];
  }
#endif
  for (; i < n; i++) out[i] = tff_colcmp_PearsonCell(cs, q, dq, cols[i]);
}

/*****************************************************************
 * 4. Unit tests
 *****************************************************************/
#ifdef tffCOLCMP_TESTDRIVE
#include <stdio.h>

#include "tff_utest.h"

/* Random probability vectors with a pseudocount, like real motif columns. */
static void
random_col(TFF_RNG *rng, double f[4])
{
  double sum = 0.0;
  for (int a = 0; a < 4; a++) {
    const uint64_t v = tff_rng_Next(rng);
    f[a] = (double)((v >> 33) % 1000) / 1000.0;
    if (((v >> 20) & 7) == 0) f[a] = 0.0;
    sum += f[a];
  }
  if (sum == 0) { f[0] = 1; sum = 1; }
  for (int a = 0; a < 4; a++) f[a] = (f[a] / sum * 20 + 0.1 * 0.25) / 20.1;
}

static void
utest_known_values(void)
{
  double q[4] = {1, 0, 0, 0}, t[4] = {0, 1, 0, 0}, bg[4] = {.25, .25, .25, .25};
  if (tff_colcmp_Score(tffCOL_ED, q, q, 1, 1, bg) != 0.0)                 TFF_UFAIL("ed of identical columns is not 0");
  if (fabs(tff_colcmp_Score(tffCOL_ED, q, t, 1, 1, bg) + sqrt(2)) > 1e-15) TFF_UFAIL("ed of A vs C");
  if (tff_colcmp_Score(tffCOL_SANDELIN, q, t, 1, 1, bg) != 0.0)           TFF_UFAIL("sandelin of A vs C");
  if (tff_colcmp_Score(tffCOL_PEARSON, q, q, 1, 1, bg) != 1.0)            TFF_UFAIL("pearson of identical columns is not 1");
  if (tff_colcmp_Score(tffCOL_PEARSON, q, bg, 1, 1, bg) != 0.0)           TFF_UFAIL("pearson with a uniform column is not 0");
  if (fabs(tff_colcmp_Score(tffCOL_PEARSON, q, t, 1, 1, bg) + 1.0 / 3) > 1e-14) TFF_UFAIL("pearson of A vs C");
  if (tff_colcmp_RND(0.123456789012345678, 14) != 0.12345678901235)      TFF_UFAIL("RND to 14 digits");
  if (tff_colcmp_Metric("pearson") != tffCOL_PEARSON || tff_colcmp_Metric("nope") != -1) TFF_UFAIL("metric names");
}

/* The fast row must equal the reference exactly (within the stated bound for pearson). */
static void
utest_row_vs_reference(void)
{
  char errbuf[TFF_ERRBUFSIZE];
  double bg[4] = {0.3, 0.2, 0.2, 0.3}, q[4], f[4], out[500], tmp[500];
  float outf[500];
  double worst[TFF_COLCMP_NMETRICS] = { 0 }, worstfast = 0.0;
  TFF_RNG s;
  tff_rng_Init(&s, tff_utest_Seed(42));
  for (int metric = 0; metric < TFF_COLCMP_NMETRICS; metric++) {
    TFF_COLSET cs;
    if (tff_colset_Init(&cs, 500, metric, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int j = 0; j < 500; j++) { random_col(&s, f); tff_colset_Set(&cs, j, f, 10 + j % 7, bg); }
    for (int r = 0; r < 20; r++) {
      random_col(&s, q);
      TFF_COLQ cq;
      tff_colcmp_PrepQuery(metric, q, 15, &cq);
      tff_colcmp_Row(&cs, &cq, bg, out);
      const double errf = tff_colcmp_RowF(&cs, &cq, bg, outf, tmp);
      {   /* two query columns at once: the same values as one at a time */
        double q2[4];
        float o1[500], o2[500], ref2[500];
        TFF_COLQ cq2;
        random_col(&s, q2);
        tff_colcmp_PrepQuery(metric, q2, 12, &cq2);
        const double e2 = tff_colcmp_RowF2(&cs, &cq, &cq2, bg, o1, o2, tmp);
        const double eref = tff_colcmp_RowF(&cs, &cq2, bg, ref2, tmp);
        if (memcmp(o1, outf, sizeof o1) != 0 || memcmp(o2, ref2, sizeof o2) != 0) TFF_UFAIL("two rows at once differ from one at a time");
        if (e2 < errf || e2 < eref) TFF_UFAIL("two rows' bound is below one row's");
      }
      for (int j = 0; j < 500; j++) {
        double t[4] = { cs.f[0][j], cs.f[1][j], cs.f[2][j], cs.f[3][j] };
        double ref = tff_colcmp_Score(metric, q, t, 15, cs.ns[j], bg);
        double tol = tff_colcmp_FastErr(metric);
        if (fabs(out[j] - ref) > tol) TFF_UFAIL("fast row differs from the reference formula");
        if (getenv("TFF_SHOWERR") && fabs(outf[j] - ref) / errf > worst[metric]) worst[metric] = fabs(outf[j] - ref) / errf;
        if (fabs(outf[j] - ref) > errf) { fprintf(stderr, "metric %d: %.9g vs %.17g\n", metric, outf[j], ref); TFF_UFAIL("single-precision row outside its bound"); }
        if (metric == tffCOL_PEARSON && tff_colcmp_PearsonCell(&cs, q, tff_colcmp_PearsonDen(q), j) != ref) TFF_UFAIL("exact pearson cell differs from the reference formula");
      }
      if (metric == tffCOL_PEARSON) {   /* the batch of exact cells, columns in reverse order, a ragged length */
        int cols[500];
        double got[500];
        for (int j = 0; j < 500; j++) cols[j] = 499 - j;
        tff_colcmp_PearsonCells(&cs, q, tff_colcmp_PearsonDen(q), cols, 493, got);
        for (int j = 0; j < 493; j++)
          if (got[j] != tff_colcmp_PearsonCell(&cs, q, tff_colcmp_PearsonDen(q), cols[j])) TFF_UFAIL("batch of exact pearson cells differs");
        tff_colcmp_PearsonCellsFast(&cs, &cq, cols, 493, got);
        for (int j = 0; j < 493; j++) {
          const double ex = tff_colcmp_PearsonCell(&cs, q, tff_colcmp_PearsonDen(q), cols[j]);
          if (getenv("TFF_SHOWERR") && fabs(got[j] - ex) / TFF_COLCMP_PEARSON_ERR > worstfast) worstfast = fabs(got[j] - ex) / TFF_COLCMP_PEARSON_ERR;
          if (!(fabs(got[j] - ex) <= TFF_COLCMP_PEARSON_ERR)) TFF_UFAIL("fast pearson cells outside their bound");
        }
      }
    }
    tff_colset_Free(&cs);
    if (getenv("TFF_SHOWERR")) printf("metric %d: largest error %.3f of the bound\n", metric, worst[metric]);
    if (getenv("TFF_SHOWERR") && metric == tffCOL_PEARSON) printf("pearson fast cells: largest error %.3f of the bound\n", worstfast);
  }
}

#ifdef TFF_HAVE_AVX2_KERNEL
__attribute__((target("avx512f,avx512dq")))
static void
rnd14_array(const double in[8], double out[8])
{
  _mm512_storeu_pd(out, rnd14_avx512(_mm512_loadu_pd(in)));
}

__attribute__((target("avx2")))
static void
rnd14_array_avx2(const double in[8], double out[8])
{
  _mm256_storeu_pd(out, rnd14_avx2(_mm256_loadu_pd(in)));
  _mm256_storeu_pd(out + 4, rnd14_avx2(_mm256_loadu_pd(in + 4)));
}
#endif

/* rnd_exponent() equals MEME's literal exponent, also next to powers of ten;
 * the vector RND equals the scalar one. */
static void
utest_rnd_exponent(void)
{
  TFF_RNG rng;
  tff_rng_Init(&rng, tff_utest_Seed(7));
  for (int i = 0; i < 2000000; i++) {
    double u = tff_rng_Uniform(&rng);
    double x;
    if (i % 2) x = pow(10.0, -31.0 + 33.0 * u);                             /* anywhere in 1e-31 .. 1e2 */
    else {                                                                  /* within 1e-8 of a power of ten */
      int k = -31 + (int)(u * 32);
      x = pow(10.0, k) * (1 + (u * 1e4 - floor(u * 1e4) - 0.5) * 2e-8);
    }
    for (int d = 14; d <= 15; d++)
      if (rnd_exponent(x, d) != ceil((d) - 1 - log(x) / MEME_LN10)) { fprintf(stderr, "x = %.17g\n", x); TFF_UFAIL("RND exponent differs from MEME's"); }
#ifdef TFF_HAVE_AVX2_KERNEL
    /* the vector RND, eight lanes of the same value with both signs, zero and the extremes around it */
    double in[8] = { x, -x, 0.0, -0.0, x * 1e-9, x * 10, 9.999999999, -1e-9 }, got[8];
    for (int level = 1; level <= 2; level++) {
      if (level == 2 && !(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))) continue;
      if (level == 1 && !__builtin_cpu_supports("avx2")) continue;
      if (level == 2) rnd14_array(in, got); else rnd14_array_avx2(in, got);
      for (int l = 0; l < 8; l++) {
        double want = tff_colcmp_RND(in[l], 14);
        if (memcmp(&got[l], &want, sizeof want) != 0) { fprintf(stderr, "x = %.17g (level %d)\n", in[l], level); TFF_UFAIL("vector RND differs from the scalar one"); }
      }
    }
#endif
  }
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_colcmp_utest", NULL);
  utest_rnd_exponent();
  utest_known_values();
  utest_row_vs_reference();
  return tff_utest_Done();
}
#endif /* tffCOLCMP_TESTDRIVE */
