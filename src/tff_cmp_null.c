/* tff_cmp_null: the comparison core's null distributions and p-values.
 *
 * For each contiguous range [a,b] of query rows, the distribution of the sum
 * of the rows' scaled scores (RANGE: the convolution of the rows' histograms,
 * as tails clamped at 1 like Tomtom's p-value tables), and from them the
 * p-value of a best alignment in complete scoring: the distribution of the
 * best of all alignments with a target of width L, at the scores that occur.
 * The convolution and the p-values have AVX-512 and AVX2 kernels beside
 * their scalar versions, lane for lane the same operations.
 *
 * Contents:
 *   1. The convolution of one step
 *   2. The ranges' distributions
 *   3. The p-value of a best alignment
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tff_compare_internal.h"

/*****************************************************************
 * 1. The convolution of one step
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* The convolution of one null-distribution step, output by output:
 * dst[j] = sum over m < nnz, in order, of src[j - ds[m]] * ps[m] (terms
 * outside src are 0), j < nout; src is padded with pad >= max ds + 8 zeros
 * on both sides. Each output is the same sum, in the same order, as the
 * bin-by-bin axpy (adding 0 changes nothing), but stays in a register. */
TFF_AVX512 static void
conv_avx512(const double *src, const int *ds, const double *ps, int nnz, double *dst, int nout)
{
  int j = 0;
  for (; j + 32 <= nout; j += 32) {    /* four blocks: four independent chains of additions */
    __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    for (int m = 0; m < nnz; m++) {
      const double *x = src + j - ds[m];
      const __m512d p = _mm512_set1_pd(ps[m]);
      a0 = _mm512_add_pd(a0, _mm512_mul_pd(_mm512_loadu_pd(x), p));
      a1 = _mm512_add_pd(a1, _mm512_mul_pd(_mm512_loadu_pd(x + 8), p));
      a2 = _mm512_add_pd(a2, _mm512_mul_pd(_mm512_loadu_pd(x + 16), p));
      a3 = _mm512_add_pd(a3, _mm512_mul_pd(_mm512_loadu_pd(x + 24), p));
    }
    _mm512_storeu_pd(dst + j, a0); _mm512_storeu_pd(dst + j + 8, a1);
    _mm512_storeu_pd(dst + j + 16, a2); _mm512_storeu_pd(dst + j + 24, a3);
  }
  for (; j < nout; j += 8) {
    __m512d acc = _mm512_setzero_pd();
    for (int m = 0; m < nnz; m++)
      acc = _mm512_add_pd(acc, _mm512_mul_pd(_mm512_loadu_pd(src + j - ds[m]), _mm512_set1_pd(ps[m])));
    if (nout - j >= 8) _mm512_storeu_pd(dst + j, acc);
    else _mm512_mask_storeu_pd(dst + j, (__mmask8)((1u << (nout - j)) - 1), acc);
  }
}

/* conv_avx512() with AVX2: 32 outputs at a time in eight chains. A term
 * whose source values are all padding adds +0 to a sum of non-negative
 * products, which leaves it unchanged to the bit: each block of outputs
 * runs only over the bins (ds ascending) that reach the source's len
 * values, which are nout - ds[nnz - 1] (the convolution of len values with
 * the bins' span). */
TFF_AVX2 static void
conv_avx2(const double *src, const int *ds, const double *ps, int nnz, double *dst, int nout)
{
  const int len = nnz > 0 ? nout - ds[nnz - 1] : 0;
  int j = 0, ma = 0, mb = 0;     /* the bins that reach the block: ma <= m < mb */
  for (; j + 32 <= nout; j += 32) {    /* eight blocks: eight independent chains of additions */
    while (ma < nnz && ds[ma] < j - len + 1) ma++;      /* m < ma: src[j - ds] is past the len values */
    while (mb < nnz && ds[mb] <= j + 31) mb++;      /* m >= mb: src[j - ds + 31] is before src[0] */
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int m = ma; m < mb; m++) {
      const double *x = src + j - ds[m];
      const __m256d p = _mm256_set1_pd(ps[m]);
      a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(x), p));
      a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(x + 4), p));
      a2 = _mm256_add_pd(a2, _mm256_mul_pd(_mm256_loadu_pd(x + 8), p));
      a3 = _mm256_add_pd(a3, _mm256_mul_pd(_mm256_loadu_pd(x + 12), p));
      a4 = _mm256_add_pd(a4, _mm256_mul_pd(_mm256_loadu_pd(x + 16), p));
      a5 = _mm256_add_pd(a5, _mm256_mul_pd(_mm256_loadu_pd(x + 20), p));
      a6 = _mm256_add_pd(a6, _mm256_mul_pd(_mm256_loadu_pd(x + 24), p));
      a7 = _mm256_add_pd(a7, _mm256_mul_pd(_mm256_loadu_pd(x + 28), p));
    }
    _mm256_storeu_pd(dst + j, a0); _mm256_storeu_pd(dst + j + 4, a1);
    _mm256_storeu_pd(dst + j + 8, a2); _mm256_storeu_pd(dst + j + 12, a3);
    _mm256_storeu_pd(dst + j + 16, a4); _mm256_storeu_pd(dst + j + 20, a5);
    _mm256_storeu_pd(dst + j + 24, a6); _mm256_storeu_pd(dst + j + 28, a7);
  }
  for (; j < nout; j += 4) {
    while (ma < nnz && ds[ma] < j - len + 1) ma++;
    while (mb < nnz && ds[mb] <= j + 3) mb++;
    __m256d acc = _mm256_setzero_pd();
    for (int m = ma; m < mb; m++)
      acc = _mm256_add_pd(acc, _mm256_mul_pd(_mm256_loadu_pd(src + j - ds[m]), _mm256_set1_pd(ps[m])));
    if (nout - j >= 4) _mm256_storeu_pd(dst + j, acc);
    else {
      double a[4];
      _mm256_storeu_pd(a, acc);
      for (int l = 0; l < nout - j; l++) dst[j + l] = a[l];
    }
  }
}

#endif

/* The distribution of a range one row longer: old (len values, from the
 * range's sum lo) convolved with row histogram h (bins hl..hh, counts of
 * ntot columns: h[s] * inv is the probability) into nw[0..nout-1], nout =
 * len + hh - hl. simd: tff_SimdLevel(). The vector kernels pack the nonzero
 * bins (w->cds, w->cps) and read the old distribution padded with zeros
 * (w->cpad); each output is the same sum, in the same order, as the scalar
 * bin-by-bin axpy. */
static inline void
convolve(TFF_CMP_WORK *w, int simd, const int *h, int hl, int hh, double inv, const double *old, int len, double *nw, int nout)
{
#ifdef TFF_HAVE_X86_KERNELS
  if (simd) {
    const int pad = TFF_CMP_BINS + 8;
    int nnz = 0;
    for (int s = hl; s <= hh; s++)
      if (h[s] != 0) { w->cds[nnz] = s - hl; w->cps[nnz] = h[s] * inv; nnz++; }
    memset(w->cpad, 0, sizeof(double) * (size_t) pad);
    memcpy(w->cpad + pad, old, sizeof(double) * (size_t) len);
    memset(w->cpad + pad + len, 0, sizeof(double) * (size_t) pad);
    if (simd >= 2) conv_avx512(w->cpad + pad, w->cds, w->cps, nnz, nw, nout);
    else conv_avx2(w->cpad + pad, w->cds, w->cps, nnz, nw, nout);
    return;
  }
#else
  (void) w; (void) simd;
#endif
  for (int k = 0; k < nout; k++) nw[k] = 0.0;
  for (int s = hl; s <= hh; s++) {
    if (h[s] == 0) continue;
    double ps = h[s] * inv;
    double *restrict dst = nw + (s - hl);
    const double *restrict src = old;
    TFF_SIMD
    for (int k = 0; k < len; k++) dst[k] += src[k] * ps;
  }
}

/*****************************************************************
 * 2. The ranges' distributions
 *****************************************************************/

/* The tails, clamped like Tomtom's p-value table: each the same serial sum
 * from the top, four ranges of one length class at a time so that the sums
 * overlap in the pipeline. */
static void
clamp_tails(TFF_CMP_WORK *w, int Lq)
{
  for (int d = 0; d < Lq; d++)
    for (int a0 = 0; a0 + d < Lq; a0 += 4) {
      RANGE *g[4];
      int ng = 0, m = INT32_MAX;
      for (int a = a0; a < a0 + 4 && a + d < Lq; a++) {
        g[ng] = &w->rng[a * Lq + a + d];
        if (g[ng]->hi - g[ng]->lo + 1 < m) m = g[ng]->hi - g[ng]->lo + 1;
        ng++;
      }
      double acc[4] = { 0.0, 0.0, 0.0, 0.0 };
      int top[4];
      for (int i = 0; i < ng; i++) top[i] = g[i]->hi - g[i]->lo;
      if (ng == 4) {   /* four chains in registers */
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        double *t0 = g[0]->tail + top[0], *t1 = g[1]->tail + top[1], *t2 = g[2]->tail + top[2], *t3 = g[3]->tail + top[3];
        for (int s = 0; s < m; s++) {
          a0 = t0[-s] + a0; if (a0 > 1.0) a0 = 1.0; t0[-s] = a0;
          a1 = t1[-s] + a1; if (a1 > 1.0) a1 = 1.0; t1[-s] = a1;
          a2 = t2[-s] + a2; if (a2 > 1.0) a2 = 1.0; t2[-s] = a2;
          a3 = t3[-s] + a3; if (a3 > 1.0) a3 = 1.0; t3[-s] = a3;
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
      }
      for (int i = 0; i < ng; i++)
        for (int k = top[i] - (ng == 4 ? m : 0); k >= 0; k--) {
          acc[i] = g[i]->tail[k] + acc[i]; if (acc[i] > 1.0) acc[i] = 1.0; g[i]->tail[k] = acc[i];
        }
    }
}

/* Function:  tff_cmpnull_BuildRanges()
 * Synopsis:  The null distributions of every query range from the row histograms.
 * Purpose:   Fills w->rng[a * Lq + b] for 0 <= a <= b < Lq from w->hist,
 *            w->hmin and w->hmax; the tails are stored in w->tailbuf
 *            (grown as needed).
 * Returns:   tffOK; tffEMEM.
 */
TFF_CLONES_AVX2 int
tff_cmpnull_BuildRanges(TFF_CMP_WORK *w, int Lq, char *errbuf)
{
  int status;
  size_t need = 0;
  const double inv = 1.0 / w->ntot;
  for (int a = 0; a < Lq; a++) {
    int lo = 0, hi = 0;
    for (int b = a; b < Lq; b++) { lo += w->hmin[b]; hi += w->hmax[b]; need += (size_t)(hi - lo + 1); }
  }
  if (need > w->tailcap) {
    free(w->tailbuf);
    w->tailbuf = NULL; w->tailcap = 0;
    TFF_ALLOC(w->tailbuf, sizeof(double) * need);
    w->tailcap = need;
  }
  double *store = w->tailbuf;
  const int simd = tff_SimdLevel();
  /* each range's distribution, convolved from the range one shorter, in place in its tail's storage */
  for (int a = 0; a < Lq; a++) {
    const double one = 1.0;
    const double *old = &one;
    int lo = 0, hi = 0;
    for (int b = a; b < Lq; b++) {
      const int hl = w->hmin[b], hh = w->hmax[b];
      const int nlo = lo + hl, nhi = hi + hh;
      double *nw = store;
      convolve(w, simd, w->hist + (size_t) b * NB, hl, hh, inv, old, hi - lo + 1, nw, nhi - nlo + 1);
      RANGE *r = &w->rng[a * Lq + b];
      r->lo = nlo; r->hi = nhi; r->tail = store;
      store += nhi - nlo + 1;
      old = nw;
      lo = nlo; hi = nhi;
    }
  }
  clamp_tails(w, Lq);
  return tffOK;
 ERROR:
  return status;
}

/* One step of Tomtom's table: for each column j in order, nw[k + d[j]] +=
 * y[k] (d[j] = brow[j] - hl), the outputs m >= t only (those below are not
 * needed). y is zero outside the values that matter, with YPAD zeros before
 * it and room for 64 after nout. The vector kernels hold a block of outputs
 * in registers and add each column's term to each, in column order: every
 * output is the same sequence of additions as in Tomtom's loop (a zero term
 * adds +0 to a non-negative sum: no bit changes). */
#define YPAD (TFF_CMP_BINS + 72)
#ifdef TFF_HAVE_X86_KERNELS
TFF_AVX512 static void
literal_step_avx512(const uint8_t *brow, int n, int hl, const double *y, int t, double *nw, int nout)
{
  for (int m0 = t; m0 < nout; m0 += 64) {
    __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const double *ym = y + m0;
    for (int j = 0; j < n; j++) {
      const double *x = ym - (brow[j] - hl);
      a0 = _mm512_add_pd(a0, _mm512_loadu_pd(x));      a1 = _mm512_add_pd(a1, _mm512_loadu_pd(x + 8));
      a2 = _mm512_add_pd(a2, _mm512_loadu_pd(x + 16)); a3 = _mm512_add_pd(a3, _mm512_loadu_pd(x + 24));
      a4 = _mm512_add_pd(a4, _mm512_loadu_pd(x + 32)); a5 = _mm512_add_pd(a5, _mm512_loadu_pd(x + 40));
      a6 = _mm512_add_pd(a6, _mm512_loadu_pd(x + 48)); a7 = _mm512_add_pd(a7, _mm512_loadu_pd(x + 56));
    }
    double out[64];
    _mm512_storeu_pd(out, a0);      _mm512_storeu_pd(out + 8, a1);  _mm512_storeu_pd(out + 16, a2); _mm512_storeu_pd(out + 24, a3);
    _mm512_storeu_pd(out + 32, a4); _mm512_storeu_pd(out + 40, a5); _mm512_storeu_pd(out + 48, a6); _mm512_storeu_pd(out + 56, a7);
    for (int i = 0; i < 64 && m0 + i < nout; i++) nw[m0 + i] = out[i];
  }
}

TFF_AVX2 static void
literal_step_avx2(const uint8_t *brow, int n, int hl, const double *y, int t, double *nw, int nout)
{
  for (int m0 = t; m0 < nout; m0 += 32) {
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const double *ym = y + m0;
    for (int j = 0; j < n; j++) {
      const double *x = ym - (brow[j] - hl);
      a0 = _mm256_add_pd(a0, _mm256_loadu_pd(x));      a1 = _mm256_add_pd(a1, _mm256_loadu_pd(x + 4));
      a2 = _mm256_add_pd(a2, _mm256_loadu_pd(x + 8));  a3 = _mm256_add_pd(a3, _mm256_loadu_pd(x + 12));
      a4 = _mm256_add_pd(a4, _mm256_loadu_pd(x + 16)); a5 = _mm256_add_pd(a5, _mm256_loadu_pd(x + 20));
      a6 = _mm256_add_pd(a6, _mm256_loadu_pd(x + 24)); a7 = _mm256_add_pd(a7, _mm256_loadu_pd(x + 28));
    }
    double out[32];
    _mm256_storeu_pd(out, a0);      _mm256_storeu_pd(out + 4, a1);  _mm256_storeu_pd(out + 8, a2);  _mm256_storeu_pd(out + 12, a3);
    _mm256_storeu_pd(out + 16, a4); _mm256_storeu_pd(out + 20, a5); _mm256_storeu_pd(out + 24, a6); _mm256_storeu_pd(out + 28, a7);
    for (int i = 0; i < 32 && m0 + i < nout; i++) nw[m0 + i] = out[i];
  }
}
#endif

static void
literal_step(int simd, const uint8_t *brow, int n, int hl, const double *y, int t, double *nw, int nout)
{
#ifdef TFF_HAVE_X86_KERNELS
  if (simd >= 2) { literal_step_avx512(brow, n, hl, y, t, nw, nout); return; }
  if (simd == 1) { literal_step_avx2(brow, n, hl, y, t, nw, nout); return; }
#else
  (void) simd;
#endif
  for (int m = t; m < nout; m++) nw[m] = 0.0;
  for (int j = 0; j < n; j++) {     /* Tomtom's loop order */
    const int d = brow[j] - hl;
    double *restrict dst = nw + d;
    const double *restrict src = y;
    TFF_SIMD
    for (int k = t - d; k < nout - d; k++) dst[k] += src[k];
  }
}

/* Function:  tff_cmpnull_LiteralRanges()
 * Synopsis:  Tomtom's own p-value tables for the flagged ranges (-incomplete-scores).
 * Purpose:   Replaces the tails of the ranges [a,b] with w->rflag[a*Lq + b]
 *            set by the tables Tomtom 5.5.8 computes, to the bit: it builds
 *            the distribution of [a,b] from [a,a] up, each step adding, for
 *            every database column j in order, the previous distribution
 *            times 1/ntot shifted by row b's bin of column j
 *            (get_pv_lookup_new(); tff_cmp_QuerySlow() does the same), then
 *            sums the tail from the top, clamped at 1. The convolution of
 *            BuildRanges() is the same distribution mathematically but sums
 *            in another order; where those last bits decide between two
 *            alignments, or between two hits in the sort, the caller asks
 *            for the literal table (doc/compare.md, "Near-ties with
 *            -incomplete-scores").
 *
 *            Here each step runs column by column as Tomtom's does, but over
 *            the whole distribution at once (a vector add): every output
 *            still receives its terms in column order, each the same
 *            product old[k] * (1/ntot), and the zero terms Tomtom skips
 *            add +0 to a non-negative sum, which changes no bit. Cost: ntot
 *            times the distribution's width per step; the steps of one start
 *            a are shared by all its flagged ranges. Needs w->B, w->hmin,
 *            w->hmax and the ranges of BuildRanges() (same supports).
 */
void
tff_cmpnull_LiteralRanges(TFF_CMP_WORK *w, int Lq)
{
  const int n = w->ntot, size = Lq * TFF_CMP_BINS + 1, simd = tff_SimdLevel();
  const double ubg = 1.0 / n;
  for (int a = 0; a < Lq; a++) {
    int bmax = -1;
    for (int b = a; b < Lq; b++) if (w->rflag[a * Lq + b]) bmax = b;
    if (bmax < 0) continue;
    /* the lowest sum needed at each step, relative to the step's lowest
     * sum: a flagged range's own (w->rmin), and what the next step needs
     * (its bins reach at most hmax higher) */
    int *need = w->lneed;
    for (int b = bmax, T = INT32_MAX; b >= a; b--) {
      if (w->rflag[a * Lq + b] && w->rmin[a * Lq + b] < T) T = w->rmin[a * Lq + b];
      need[b] = T;
      T = T - w->hmax[b];
    }
    double *old = w->lit, *nw = w->lit + size, *y = w->lit + 2 * size + YPAD;
    int len = 1, lo = 0;
    old[0] = 1.0;
    for (int b = a; b <= bmax; b++) {
      const int hl = w->hmin[b], nlen = len + w->hmax[b] - hl;
      const int t = need[b] - (lo + hl) > 0 ? need[b] - (lo + hl) : 0;   /* outputs from t on */
      const int k0 = t - (w->hmax[b] - hl) > 0 ? t - (w->hmax[b] - hl) : 0;   /* the inputs they read */
      const uint8_t *brow = w->B + (size_t) b * n;
      for (int k = -YPAD; k < k0; k++) y[k] = 0.0;
      for (int k = k0; k < len; k++) y[k] = old[k] * ubg;
      for (int k = len; k < nlen + 64; k++) y[k] = 0.0;
      literal_step(simd, brow, n, hl, y, t, nw, nlen);
      RANGE *r = &w->rng[a * Lq + b];
      if (w->rflag[a * Lq + b] && r->hi - r->lo + 1 == nlen) {   /* the same support by construction */
        double acc = 0.0;
        for (int k = nlen - 1; k >= t; k--) { acc = nw[k] + acc; if (acc > 1.0) acc = 1.0; r->tail[k] = acc; }
      }
      lo += hl;
      double *sw = old; old = nw; nw = sw;
      len = nlen;
    }
  }
}

/*****************************************************************
 * 3. The p-value of a best alignment
 *****************************************************************/

/* Function:  tff_cmpnull_CompletePvalue()
 * Synopsis:  p-value of the best alignment score K (extended coordinates) for target width L.
 * Purpose:   Tomtom's distribution of the best of all Lq + L - 1 alignments
 *            (nstr strands each), from the ranges' tails.
 */
double
tff_cmpnull_CompletePvalue(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, int K)
{
  double T = 0.0;
  int nal = Lq + L - 1;
  for (int i = 0; i < nal; i++) {
    int a, b;
    alignment_range(Lq, L, i, &a, &b);
    int ov = b - a + 1;
    double t = range_tail(&w->rng[a * Lq + b], K + (Lq - ov) * LS);
    for (int s = 0; s < nstr; s++) T = T + t - T * t;
  }
  return T > 1.0 ? 1.0 : T;
}

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpnull_CompletePvalue() of eight scores K[0..7] at once (the same operations per
 * lane), stored as floats into out[K[j]]. */
TFF_AVX512 static void
complete_pvalue8_avx512(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, const int *K, float *out)
{
  const __m256i vK = _mm256_loadu_si256((const __m256i *) K), zero = _mm256_setzero_si256();
  __m512d T = _mm512_setzero_pd();
  const int nal = Lq + L - 1;
  for (int i = 0; i < nal; i++) {
    int a, b;
    alignment_range(Lq, L, i, &a, &b);
    const RANGE *r = &w->rng[a * Lq + b];
    const int ov = b - a + 1;
    __m256i k = _mm256_add_epi32(vK, _mm256_set1_epi32((Lq - ov) * LS));
    __m256i ix = _mm256_min_epi32(_mm256_max_epi32(_mm256_sub_epi32(k, _mm256_set1_epi32(r->lo)), zero), _mm256_set1_epi32(r->hi - r->lo));
    __mmask8 in = _mm256_cmple_epi32_mask(k, _mm256_set1_epi32(r->hi));
    __m512d t = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), in, ix, r->tail, 8);
    for (int s = 0; s < nstr; s++) T = _mm512_sub_pd(_mm512_add_pd(T, t), _mm512_mul_pd(T, t));
  }
  T = _mm512_min_pd(T, _mm512_set1_pd(1.0));    /* T > 1 ? 1 : T (T is never NaN) */
  float f[8];
  _mm256_storeu_ps(f, _mm512_cvtpd_ps(T));
  for (int j = 0; j < 8; j++) out[K[j]] = f[j];
}
#endif

#ifdef TFF_HAVE_X86_KERNELS
/* complete_pvalue8_avx512() with AVX2: eight scores at a time, in two
 * vectors of four, so that the two chains of T overlap in the pipeline. */
TFF_AVX2 static inline __m256d
tail_gather4(const RANGE *r, __m128i k)
{
  const __m128i zero = _mm_setzero_si128(), ones = _mm_set1_epi32(-1);
  __m128i ix = _mm_min_epi32(_mm_max_epi32(_mm_sub_epi32(k, _mm_set1_epi32(r->lo)), zero), _mm_set1_epi32(r->hi - r->lo));
  __m128i in = _mm_xor_si128(_mm_cmpgt_epi32(k, _mm_set1_epi32(r->hi)), ones);
  return _mm256_mask_i32gather_pd(_mm256_setzero_pd(), r->tail, ix, _mm256_castsi256_pd(_mm256_cvtepi32_epi64(in)), 8);
}

TFF_AVX2 static void
complete_pvalue8_avx2(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, const int *K, float *out)
{
  const __m128i vK0 = _mm_loadu_si128((const __m128i *) K), vK1 = _mm_loadu_si128((const __m128i *)(K + 4));
  __m256d T0 = _mm256_setzero_pd(), T1 = T0;
  const int nal = Lq + L - 1;
  for (int i = 0; i < nal; i++) {
    int a, b;
    alignment_range(Lq, L, i, &a, &b);
    const RANGE *r = &w->rng[a * Lq + b];
    const __m128i sh = _mm_set1_epi32((Lq - (b - a + 1)) * LS);
    const __m256d t0 = tail_gather4(r, _mm_add_epi32(vK0, sh)), t1 = tail_gather4(r, _mm_add_epi32(vK1, sh));
    for (int s = 0; s < nstr; s++) {
      T0 = _mm256_sub_pd(_mm256_add_pd(T0, t0), _mm256_mul_pd(T0, t0));
      T1 = _mm256_sub_pd(_mm256_add_pd(T1, t1), _mm256_mul_pd(T1, t1));
    }
  }
  T0 = _mm256_min_pd(T0, _mm256_set1_pd(1.0));    /* T > 1 ? 1 : T (T is never NaN) */
  T1 = _mm256_min_pd(T1, _mm256_set1_pd(1.0));
  float f[8];
  _mm_storeu_ps(f, _mm256_cvtpd_ps(T0));
  _mm_storeu_ps(f + 4, _mm256_cvtpd_ps(T1));
  for (int j = 0; j < 8; j++) out[K[j]] = f[j];
}
#endif

/* Function:  tff_cmpnull_CompletePvalues()
 * Synopsis:  tff_cmpnull_CompletePvalue() of the scores K[0..nk-1], as floats into out[K[j]].
 * Purpose:   Eight scores at a time with the vector kernels where the CPU
 *            has them (the same operations per lane; a last batch of four
 *            to seven padded with its last score), the rest one by one.
 */
void
tff_cmpnull_CompletePvalues(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, const int *K, int nk, float *out)
{
  int i = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx512() || cpu_avx2()) {
    const int avx512 = cpu_avx512();
    for (; i + 4 <= nk; i += 8) {
      const int *k8 = K + i;
      int pad[8];
      if (nk - i < 8) {    /* four to seven left: eight again, the last score repeated (the same value written twice) */
        for (int l = 0; l < 8; l++) pad[l] = K[i + l < nk ? i + l : nk - 1];
        k8 = pad;
      }
      if (avx512) complete_pvalue8_avx512(w, Lq, L, LS, nstr, k8, out);
      else        complete_pvalue8_avx2(w, Lq, L, LS, nstr, k8, out);
    }
    if (i > nk) i = nk;
  }
#endif
  for (; i < nk; i++) out[K[i]] = (float) tff_cmpnull_CompletePvalue(w, Lq, L, LS, nstr, K[i]);
}
