/* tff_cmp_kernels: the comparison core's passes over a row of scores.
 *
 * Each pass is a scalar function, tff_cmpk_*(), with the vector kernels that
 * do its first multiple of 4, 8 or 16 cells just before it: an AVX-512 one
 * (doubles, eight lanes) and its AVX2 twin (four lanes), or an AVX2 one only
 * (single precision, eight lanes). Every lane performs the scalar operations
 * in the same order, so the results are the same to the bit (see
 * tff_compare_internal.h, section 2). Pure array functions: no work, no
 * database.
 *
 * Contents:
 *   1. Lane packing tables, buckets, byte histograms
 *   2. Minimum and maximum
 *   3. Bucket histograms and gathers
 *   4. The median bracket's pass
 *   5. The window scan
 *   6. Fuzzy binning
 *   7. The extremes scan
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tff_compare_internal.h"

/*****************************************************************
 * 1. Lane packing tables, buckets, byte histograms
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* AVX2 has no compress instruction: the sixteen ways to pack the lanes set
 * in a 4-bit mask m to the front, as lane numbers (pack_lane[m]) and as the
 * 32-bit lanes 2l, 2l+1 of a vector of four doubles (pack_pd[m]). */
static const int32_t pack_lane[16][4] = {
  { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 },
  { 2, 0, 0, 0 }, { 0, 2, 0, 0 }, { 1, 2, 0, 0 }, { 0, 1, 2, 0 },
  { 3, 0, 0, 0 }, { 0, 3, 0, 0 }, { 1, 3, 0, 0 }, { 0, 1, 3, 0 },
  { 2, 3, 0, 0 }, { 0, 2, 3, 0 }, { 1, 2, 3, 0 }, { 0, 1, 2, 3 }
};
static const int32_t pack_pd[16][8] = {
  { 0, 0, 0, 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0, 0, 0, 0 }, { 2, 3, 0, 0, 0, 0, 0, 0 }, { 0, 1, 2, 3, 0, 0, 0, 0 },
  { 4, 5, 0, 0, 0, 0, 0, 0 }, { 0, 1, 4, 5, 0, 0, 0, 0 }, { 2, 3, 4, 5, 0, 0, 0, 0 }, { 0, 1, 2, 3, 4, 5, 0, 0 },
  { 6, 7, 0, 0, 0, 0, 0, 0 }, { 0, 1, 6, 7, 0, 0, 0, 0 }, { 2, 3, 6, 7, 0, 0, 0, 0 }, { 0, 1, 2, 3, 6, 7, 0, 0 },
  { 4, 5, 6, 7, 0, 0, 0, 0 }, { 0, 1, 4, 5, 6, 7, 0, 0 }, { 2, 3, 4, 5, 6, 7, 0, 0 }, { 0, 1, 2, 3, 4, 5, 6, 7 }
};

/* The lanes of v set in m, packed to the front (the rest: don't care). */
TFF_AVX2 static inline __m256d
compress4_pd(__m256d v, int m)
{
  return _mm256_castsi256_pd(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(v), _mm256_loadu_si256((const __m256i *) pack_pd[m])));
}

/* The indices t + l of the lanes l set in m, packed to the front. */
TFF_AVX2 static inline __m128i
compress4_idx(int t, int m)
{
  return _mm_add_epi32(_mm_set1_epi32(t), _mm_loadu_si128((const __m128i *) pack_lane[m]));
}

/* The lanes set in an 8-bit mask m, packed to the front: pack8_lane[m]
 * (the rest 0). Generated: lane k is the position of the k-th set bit. */
static const int32_t pack8_lane[256][8] = {
  {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,0,0}, {1,0,0,0,0,0,0,0}, {0,1,0,0,0,0,0,0}, {2,0,0,0,0,0,0,0}, {0,2,0,0,0,0,0,0}, {1,2,0,0,0,0,0,0}, {0,1,2,0,0,0,0,0},
  {3,0,0,0,0,0,0,0}, {0,3,0,0,0,0,0,0}, {1,3,0,0,0,0,0,0}, {0,1,3,0,0,0,0,0}, {2,3,0,0,0,0,0,0}, {0,2,3,0,0,0,0,0}, {1,2,3,0,0,0,0,0}, {0,1,2,3,0,0,0,0},
  {4,0,0,0,0,0,0,0}, {0,4,0,0,0,0,0,0}, {1,4,0,0,0,0,0,0}, {0,1,4,0,0,0,0,0}, {2,4,0,0,0,0,0,0}, {0,2,4,0,0,0,0,0}, {1,2,4,0,0,0,0,0}, {0,1,2,4,0,0,0,0},
  {3,4,0,0,0,0,0,0}, {0,3,4,0,0,0,0,0}, {1,3,4,0,0,0,0,0}, {0,1,3,4,0,0,0,0}, {2,3,4,0,0,0,0,0}, {0,2,3,4,0,0,0,0}, {1,2,3,4,0,0,0,0}, {0,1,2,3,4,0,0,0},
  {5,0,0,0,0,0,0,0}, {0,5,0,0,0,0,0,0}, {1,5,0,0,0,0,0,0}, {0,1,5,0,0,0,0,0}, {2,5,0,0,0,0,0,0}, {0,2,5,0,0,0,0,0}, {1,2,5,0,0,0,0,0}, {0,1,2,5,0,0,0,0},
  {3,5,0,0,0,0,0,0}, {0,3,5,0,0,0,0,0}, {1,3,5,0,0,0,0,0}, {0,1,3,5,0,0,0,0}, {2,3,5,0,0,0,0,0}, {0,2,3,5,0,0,0,0}, {1,2,3,5,0,0,0,0}, {0,1,2,3,5,0,0,0},
  {4,5,0,0,0,0,0,0}, {0,4,5,0,0,0,0,0}, {1,4,5,0,0,0,0,0}, {0,1,4,5,0,0,0,0}, {2,4,5,0,0,0,0,0}, {0,2,4,5,0,0,0,0}, {1,2,4,5,0,0,0,0}, {0,1,2,4,5,0,0,0},
  {3,4,5,0,0,0,0,0}, {0,3,4,5,0,0,0,0}, {1,3,4,5,0,0,0,0}, {0,1,3,4,5,0,0,0}, {2,3,4,5,0,0,0,0}, {0,2,3,4,5,0,0,0}, {1,2,3,4,5,0,0,0}, {0,1,2,3,4,5,0,0},
  {6,0,0,0,0,0,0,0}, {0,6,0,0,0,0,0,0}, {1,6,0,0,0,0,0,0}, {0,1,6,0,0,0,0,0}, {2,6,0,0,0,0,0,0}, {0,2,6,0,0,0,0,0}, {1,2,6,0,0,0,0,0}, {0,1,2,6,0,0,0,0},
  {3,6,0,0,0,0,0,0}, {0,3,6,0,0,0,0,0}, {1,3,6,0,0,0,0,0}, {0,1,3,6,0,0,0,0}, {2,3,6,0,0,0,0,0}, {0,2,3,6,0,0,0,0}, {1,2,3,6,0,0,0,0}, {0,1,2,3,6,0,0,0},
  {4,6,0,0,0,0,0,0}, {0,4,6,0,0,0,0,0}, {1,4,6,0,0,0,0,0}, {0,1,4,6,0,0,0,0}, {2,4,6,0,0,0,0,0}, {0,2,4,6,0,0,0,0}, {1,2,4,6,0,0,0,0}, {0,1,2,4,6,0,0,0},
  {3,4,6,0,0,0,0,0}, {0,3,4,6,0,0,0,0}, {1,3,4,6,0,0,0,0}, {0,1,3,4,6,0,0,0}, {2,3,4,6,0,0,0,0}, {0,2,3,4,6,0,0,0}, {1,2,3,4,6,0,0,0}, {0,1,2,3,4,6,0,0},
  {5,6,0,0,0,0,0,0}, {0,5,6,0,0,0,0,0}, {1,5,6,0,0,0,0,0}, {0,1,5,6,0,0,0,0}, {2,5,6,0,0,0,0,0}, {0,2,5,6,0,0,0,0}, {1,2,5,6,0,0,0,0}, {0,1,2,5,6,0,0,0},
  {3,5,6,0,0,0,0,0}, {0,3,5,6,0,0,0,0}, {1,3,5,6,0,0,0,0}, {0,1,3,5,6,0,0,0}, {2,3,5,6,0,0,0,0}, {0,2,3,5,6,0,0,0}, {1,2,3,5,6,0,0,0}, {0,1,2,3,5,6,0,0},
  {4,5,6,0,0,0,0,0}, {0,4,5,6,0,0,0,0}, {1,4,5,6,0,0,0,0}, {0,1,4,5,6,0,0,0}, {2,4,5,6,0,0,0,0}, {0,2,4,5,6,0,0,0}, {1,2,4,5,6,0,0,0}, {0,1,2,4,5,6,0,0},
  {3,4,5,6,0,0,0,0}, {0,3,4,5,6,0,0,0}, {1,3,4,5,6,0,0,0}, {0,1,3,4,5,6,0,0}, {2,3,4,5,6,0,0,0}, {0,2,3,4,5,6,0,0}, {1,2,3,4,5,6,0,0}, {0,1,2,3,4,5,6,0},
  {7,0,0,0,0,0,0,0}, {0,7,0,0,0,0,0,0}, {1,7,0,0,0,0,0,0}, {0,1,7,0,0,0,0,0}, {2,7,0,0,0,0,0,0}, {0,2,7,0,0,0,0,0}, {1,2,7,0,0,0,0,0}, {0,1,2,7,0,0,0,0},
  {3,7,0,0,0,0,0,0}, {0,3,7,0,0,0,0,0}, {1,3,7,0,0,0,0,0}, {0,1,3,7,0,0,0,0}, {2,3,7,0,0,0,0,0}, {0,2,3,7,0,0,0,0}, {1,2,3,7,0,0,0,0}, {0,1,2,3,7,0,0,0},
  {4,7,0,0,0,0,0,0}, {0,4,7,0,0,0,0,0}, {1,4,7,0,0,0,0,0}, {0,1,4,7,0,0,0,0}, {2,4,7,0,0,0,0,0}, {0,2,4,7,0,0,0,0}, {1,2,4,7,0,0,0,0}, {0,1,2,4,7,0,0,0},
  {3,4,7,0,0,0,0,0}, {0,3,4,7,0,0,0,0}, {1,3,4,7,0,0,0,0}, {0,1,3,4,7,0,0,0}, {2,3,4,7,0,0,0,0}, {0,2,3,4,7,0,0,0}, {1,2,3,4,7,0,0,0}, {0,1,2,3,4,7,0,0},
  {5,7,0,0,0,0,0,0}, {0,5,7,0,0,0,0,0}, {1,5,7,0,0,0,0,0}, {0,1,5,7,0,0,0,0}, {2,5,7,0,0,0,0,0}, {0,2,5,7,0,0,0,0}, {1,2,5,7,0,0,0,0}, {0,1,2,5,7,0,0,0},
  {3,5,7,0,0,0,0,0}, {0,3,5,7,0,0,0,0}, {1,3,5,7,0,0,0,0}, {0,1,3,5,7,0,0,0}, {2,3,5,7,0,0,0,0}, {0,2,3,5,7,0,0,0}, {1,2,3,5,7,0,0,0}, {0,1,2,3,5,7,0,0},
  {4,5,7,0,0,0,0,0}, {0,4,5,7,0,0,0,0}, {1,4,5,7,0,0,0,0}, {0,1,4,5,7,0,0,0}, {2,4,5,7,0,0,0,0}, {0,2,4,5,7,0,0,0}, {1,2,4,5,7,0,0,0}, {0,1,2,4,5,7,0,0},
  {3,4,5,7,0,0,0,0}, {0,3,4,5,7,0,0,0}, {1,3,4,5,7,0,0,0}, {0,1,3,4,5,7,0,0}, {2,3,4,5,7,0,0,0}, {0,2,3,4,5,7,0,0}, {1,2,3,4,5,7,0,0}, {0,1,2,3,4,5,7,0},
  {6,7,0,0,0,0,0,0}, {0,6,7,0,0,0,0,0}, {1,6,7,0,0,0,0,0}, {0,1,6,7,0,0,0,0}, {2,6,7,0,0,0,0,0}, {0,2,6,7,0,0,0,0}, {1,2,6,7,0,0,0,0}, {0,1,2,6,7,0,0,0},
  {3,6,7,0,0,0,0,0}, {0,3,6,7,0,0,0,0}, {1,3,6,7,0,0,0,0}, {0,1,3,6,7,0,0,0}, {2,3,6,7,0,0,0,0}, {0,2,3,6,7,0,0,0}, {1,2,3,6,7,0,0,0}, {0,1,2,3,6,7,0,0},
  {4,6,7,0,0,0,0,0}, {0,4,6,7,0,0,0,0}, {1,4,6,7,0,0,0,0}, {0,1,4,6,7,0,0,0}, {2,4,6,7,0,0,0,0}, {0,2,4,6,7,0,0,0}, {1,2,4,6,7,0,0,0}, {0,1,2,4,6,7,0,0},
  {3,4,6,7,0,0,0,0}, {0,3,4,6,7,0,0,0}, {1,3,4,6,7,0,0,0}, {0,1,3,4,6,7,0,0}, {2,3,4,6,7,0,0,0}, {0,2,3,4,6,7,0,0}, {1,2,3,4,6,7,0,0}, {0,1,2,3,4,6,7,0},
  {5,6,7,0,0,0,0,0}, {0,5,6,7,0,0,0,0}, {1,5,6,7,0,0,0,0}, {0,1,5,6,7,0,0,0}, {2,5,6,7,0,0,0,0}, {0,2,5,6,7,0,0,0}, {1,2,5,6,7,0,0,0}, {0,1,2,5,6,7,0,0},
  {3,5,6,7,0,0,0,0}, {0,3,5,6,7,0,0,0}, {1,3,5,6,7,0,0,0}, {0,1,3,5,6,7,0,0}, {2,3,5,6,7,0,0,0}, {0,2,3,5,6,7,0,0}, {1,2,3,5,6,7,0,0}, {0,1,2,3,5,6,7,0},
  {4,5,6,7,0,0,0,0}, {0,4,5,6,7,0,0,0}, {1,4,5,6,7,0,0,0}, {0,1,4,5,6,7,0,0}, {2,4,5,6,7,0,0,0}, {0,2,4,5,6,7,0,0}, {1,2,4,5,6,7,0,0}, {0,1,2,4,5,6,7,0},
  {3,4,5,6,7,0,0,0}, {0,3,4,5,6,7,0,0}, {1,3,4,5,6,7,0,0}, {0,1,3,4,5,6,7,0}, {2,3,4,5,6,7,0,0}, {0,2,3,4,5,6,7,0}, {1,2,3,4,5,6,7,0}, {0,1,2,3,4,5,6,7},
};
#endif

/* Bucket of x in an order-statistic histogram of nbk buckets: a
 * non-decreasing function of x (subtraction, multiplication by inv > 0 and
 * truncation all are). */
static inline int
bucket_of(double x, double mn, double inv, int nbk)
{
  int b = (int)((x - mn) * inv);
  return b < nbk - 1 ? b : nbk - 1;
}

/* The histogram of brow[0..n-1] into h[0..NB-1]: one histogram per lane of
 * eight, so that increments of one bin do not wait on each other. */
static void
byte_histogram(const uint8_t *brow, int n, int *h)
{
  int h8[8][NB];
  memset(h8, 0, sizeof h8);
  int u = 0;
  for (; u + 8 <= n; u += 8) {
    h8[0][brow[u]]++; h8[1][brow[u + 1]]++; h8[2][brow[u + 2]]++; h8[3][brow[u + 3]]++;
    h8[4][brow[u + 4]]++; h8[5][brow[u + 5]]++; h8[6][brow[u + 6]]++; h8[7][brow[u + 7]]++;
  }
  for (; u < n; u++) h8[0][brow[u]]++;
  for (int k = 0; k < NB; k++) h[k] = ((h8[0][k] + h8[1][k]) + (h8[2][k] + h8[3][k])) + ((h8[4][k] + h8[5][k]) + (h8[6][k] + h8[7][k]));
}

/* Counts eight bucket indices, alternately into two histograms (c0, c1):
 * neighbouring values often share a bucket, and one histogram would chain
 * each increment on the previous one. */
static inline void
count8(const int idx[8], int *c0, int *c1)
{
  c0[idx[0]]++; c1[idx[1]]++; c0[idx[2]]++; c1[idx[3]]++;
  c0[idx[4]]++; c1[idx[5]]++; c0[idx[6]]++; c1[idx[7]]++;
}

/*****************************************************************
 * 2. Minimum and maximum
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
TFF_AVX512 static void
min_max_avx512(const double *x, int n, double *ret_mn, double *ret_mx)
{
  __m512d vmn = _mm512_set1_pd(x[0]), vmx = vmn;
  int t = 0;
  for (; t + 8 <= n; t += 8) {
    __m512d v = _mm512_loadu_pd(x + t);
    vmn = _mm512_min_pd(vmn, v);
    vmx = _mm512_max_pd(vmx, v);
  }
  double mn = _mm512_reduce_min_pd(vmn), mx = _mm512_reduce_max_pd(vmx);
  for (; t < n; t++) { double v = x[t]; mn = v < mn ? v : mn; mx = v > mx ? v : mx; }
  *ret_mn = mn; *ret_mx = mx;
}

TFF_AVX2 static void
min_max_avx2(const double *x, int n, double *ret_mn, double *ret_mx)
{
  __m256d vmn = _mm256_set1_pd(x[0]), vmx = vmn;
  int t = 0;
  for (; t + 4 <= n; t += 4) {
    __m256d v = _mm256_loadu_pd(x + t);
    vmn = _mm256_min_pd(v, vmn);     /* v < vmn ? v : vmn, as the scalar loop */
    vmx = _mm256_max_pd(v, vmx);
  }
  double a[4], b[4], mn = x[0], mx = x[0];
  _mm256_storeu_pd(a, vmn); _mm256_storeu_pd(b, vmx);
  for (int l = 0; l < 4; l++) { mn = a[l] < mn ? a[l] : mn; mx = b[l] > mx ? b[l] : mx; }
  for (; t < n; t++) { double v = x[t]; mn = v < mn ? v : mn; mx = v > mx ? v : mx; }
  *ret_mn = mn; *ret_mx = mx;
}
#endif

/* The minimum and maximum of x[0..n-1] (n >= 1). */
void
tff_cmpk_MinMax(const double *x, int n, double *ret_mn, double *ret_mx)
{
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx512()) { min_max_avx512(x, n, ret_mn, ret_mx); return; }
  if (cpu_avx2()) { min_max_avx2(x, n, ret_mn, ret_mx); return; }
#endif
  double mn = x[0], mx = x[0];
  for (int t = 1; t < n; t++) { double v = x[t]; mn = v < mn ? v : mn; mx = v > mx ? v : mx; }
  *ret_mn = mn; *ret_mx = mx;
}

/*****************************************************************
 * 3. Bucket histograms and gathers
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpk_BucketCount() on the first multiple of 8 values; returns how many. */
TFF_AVX512 static int
bucket_count_avx512(const double *x, int n, double mn, double inv, int nbk, int *c0, int *c1)
{
  const __m512d vmn = _mm512_set1_pd(mn), vinv = _mm512_set1_pd(inv);
  const __m256i top = _mm256_set1_epi32(nbk - 1);
  int t = 0;
  for (; t + 8 <= n; t += 8) {
    __m256i b = _mm256_min_epi32(_mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_sub_pd(_mm512_loadu_pd(x + t), vmn), vinv)), top);
    int idx[8];
    _mm256_storeu_si256((__m256i *) idx, b);
    count8(idx, c0, c1);
  }
  return t;
}

TFF_AVX2 static int
bucket_count_avx2(const double *x, int n, double mn, double inv, int nbk, int *c0, int *c1)
{
  const __m256d vmn = _mm256_set1_pd(mn), vinv = _mm256_set1_pd(inv);
  const __m128i top = _mm_set1_epi32(nbk - 1);
  int t = 0;
  for (; t + 8 <= n; t += 8) {
    __m128i b0 = _mm_min_epi32(_mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(x + t), vmn), vinv)), top);
    __m128i b1 = _mm_min_epi32(_mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(x + t + 4), vmn), vinv)), top);
    int idx[8];
    _mm_storeu_si128((__m128i *) idx, b0); _mm_storeu_si128((__m128i *)(idx + 4), b1);
    count8(idx, c0, c1);
  }
  return t;
}
#endif

/* Histogram of x[0..n-1] over nbk buckets of [mn, mx] into cnt[0..nbk-1]
 * and cnt[NBK..NBK+nbk-1] (two halves, to be added). */
TFF_CLONES_AVX2 void
tff_cmpk_BucketCount(const double *x, int n, double mn, double inv, int nbk, int *cnt)
{
  memset(cnt, 0, sizeof(int) * (size_t) nbk);
  memset(cnt + NBK, 0, sizeof(int) * (size_t) nbk);
  int t = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx512())    t = bucket_count_avx512(x, n, mn, inv, nbk, cnt, cnt + NBK);
  else if (cpu_avx2()) t = bucket_count_avx2(x, n, mn, inv, nbk, cnt, cnt + NBK);
#endif
  for (; t < n; t++) cnt[bucket_of(x[t], mn, inv, nbk)]++;
}

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpk_BucketGather() on the first multiple of 8 values: the values whose
 * bucket is in [b1,b2] into out (room for their number + 8), their number
 * into *ret_nc, the number in lower buckets into *ret_below; returns how
 * many values it did. */
TFF_AVX512 static int
bucket_gather_avx512(const double *x, int n, double mn, double inv, int nbk, int b1, int b2, double *out, int *ret_nc, int *ret_below)
{
  const __m512d vmn = _mm512_set1_pd(mn), vinv = _mm512_set1_pd(inv);
  const __m256i top = _mm256_set1_epi32(nbk - 1), lo = _mm256_set1_epi32(b1), hi = _mm256_set1_epi32(b2);
  int t = 0, nc = 0, below = 0;
  for (; t + 8 <= n; t += 8) {
    __m512d v = _mm512_loadu_pd(x + t);
    __m256i b = _mm256_min_epi32(_mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_sub_pd(v, vmn), vinv)), top);
    __mmask8 lt = _mm256_cmplt_epi32_mask(b, lo);
    __mmask8 m = (__mmask8)(~lt) & _mm256_cmple_epi32_mask(b, hi);
    below += __builtin_popcount(lt);
    _mm512_storeu_pd(out + nc, _mm512_maskz_compress_pd(m, v));
    nc += __builtin_popcount(m);
  }
  *ret_nc = nc;
  *ret_below = below;
  return t;
}

TFF_AVX2 static int
bucket_gather_avx2(const double *x, int n, double mn, double inv, int nbk, int b1, int b2, double *out, int *ret_nc, int *ret_below)
{
  const __m256d vmn = _mm256_set1_pd(mn), vinv = _mm256_set1_pd(inv);
  const __m128i top = _mm_set1_epi32(nbk - 1), lo = _mm_set1_epi32(b1), hi = _mm_set1_epi32(b2);
  int t = 0, nc = 0, below = 0;
  for (; t + 4 <= n; t += 4) {
    __m256d v = _mm256_loadu_pd(x + t);
    __m128i b = _mm_min_epi32(_mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_sub_pd(v, vmn), vinv)), top);
    int lt = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmplt_epi32(b, lo)));
    int m = ~(lt | _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(b, hi)))) & 15;
    below += __builtin_popcount(lt);
    _mm256_storeu_pd(out + nc, compress4_pd(v, m));
    nc += __builtin_popcount(m);
  }
  *ret_nc = nc;
  *ret_below = below;
  return t;
}
#endif

/* Values of x in buckets b1..b2 into out; the number below b1 into *below. */
TFF_CLONES_AVX2 int
tff_cmpk_BucketGather(const double *x, int n, double mn, double inv, int nbk, int b1, int b2, double *out, int *below)
{
  int t = 0, nc = 0, nb = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx512())    t = bucket_gather_avx512(x, n, mn, inv, nbk, b1, b2, out, &nc, &nb);
  else if (cpu_avx2()) t = bucket_gather_avx2(x, n, mn, inv, nbk, b1, b2, out, &nc, &nb);
#endif
  for (; t < n; t++) {    /* branch-free: the buckets come in random order */
    int b = bucket_of(x[t], mn, inv, nbk);
    nb += (b < b1);
    out[nc] = x[t];
    nc += (b >= b1) & (b <= b2);
  }
  *below = nb;
  return nc;
}

/*****************************************************************
 * 4. The median bracket's pass
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpk_BracketSeg() with AVX2, eight values at a time. AVX2 has no compress
 * instruction: only the candidates' columns are packed (pack8_lane), and
 * their values read back from x afterwards (a few percent of the cells).
 * The count below the bracket stays in vector lanes. */
TFF_AVX2 static int
bracket_seg_avx2(const float *x, int n, int t0, float vlo, float vhi, double *out, int *idx, int *ret_nc,
                 int *below, double *mn, double *mx)
{
  const int nc0 = *ret_nc;
  int nc = nc0;
  const __m256 lo = _mm256_set1_ps(vlo), hi = _mm256_set1_ps(vhi);
  __m256 vmn = _mm256_set1_ps(HUGE_VALF), vmx = _mm256_set1_ps(-HUGE_VALF);
  __m256i nbelow = _mm256_setzero_si256();     /* minus the count, per lane */
  __m256i it = _mm256_set1_epi32(t0);
  const __m256i eight = _mm256_set1_epi32(8);
  int t = 0;
  for (; t + 8 <= n; t += 8, it = _mm256_add_epi32(it, eight)) {
    __m256 v = _mm256_loadu_ps(x + t);
    vmn = _mm256_min_ps(v, vmn);
    vmx = _mm256_max_ps(v, vmx);
    __m256 lt = _mm256_cmp_ps(v, lo, _CMP_LT_OQ);
    __m256 in = _mm256_andnot_ps(lt, _mm256_cmp_ps(v, hi, _CMP_LE_OQ));
    nbelow = _mm256_add_epi32(nbelow, _mm256_castps_si256(lt));
    const int m = _mm256_movemask_ps(in);
    _mm256_storeu_si256((__m256i *)(idx + nc), _mm256_add_epi32(it, _mm256_loadu_si256((const __m256i *) pack8_lane[m])));
    nc += __builtin_popcount(m);
  }
  for (int i = nc0; i < nc; i++) out[i] = x[idx[i] - t0];
  float a[8], b[8];
  int32_t c[8];
  _mm256_storeu_ps(a, vmn); _mm256_storeu_ps(b, vmx);
  _mm256_storeu_si256((__m256i *) c, nbelow);
  int nb = 0;
  for (int l = 0; l < 8; l++) { *mn = a[l] < *mn ? a[l] : *mn; *mx = b[l] > *mx ? b[l] : *mx; nb -= c[l]; }
  *below += nb;
  *ret_nc = nc;
  return t;
}
#endif

/* One segment x[0..n-1] of a row (its columns t0..t0+n-1): updates the
 * minimum *mn and maximum *mx, adds the number of values < vlo to *below,
 * appends the values in [vlo, vhi] to out[nc..] and their columns to
 * idx[nc..] (room for n + 16 more); returns the new nc. Branch-free (the
 * values in the bracket are scattered); an AVX2 kernel for most of the
 * segment where the CPU has it. */
int
tff_cmpk_BracketSeg(const float *x, int n, int t0, float vlo, float vhi, double *out, int *idx, int nc,
                    int *below, double *mn, double *mx)
{
  int t = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx2()) t = bracket_seg_avx2(x, n, t0, vlo, vhi, out, idx, &nc, below, mn, mx);
#endif
  double a = *mn, b = *mx;
  int nb = 0;
  for (; t < n; t++) {
    const float v = x[t];
    a = v < a ? v : a; b = v > b ? v : b;
    nb += (v < vlo);
    out[nc] = v;
    idx[nc] = t0 + t;
    nc += (v >= vlo) & (v <= vhi);
  }
  *below += nb; *mn = a; *mx = b;
  return nc;
}

/*****************************************************************
 * 5. The window scan
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpk_NearScan() on the first multiple of 8 values: the number below lo into
 * *ret_below, the indices in [lo, hi] into idx and their number into
 * *ret_nc; returns how many values it did. */
TFF_AVX512 static int
near_scan_avx512(const double *f, int n, double lo, double hi, int *idx, int *ret_nc, int *ret_below)
{
  const __m512d vlo = _mm512_set1_pd(lo), vhi = _mm512_set1_pd(hi);
  __m256i it = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  const __m256i eight = _mm256_set1_epi32(8);
  int nbelow = 0, nc = 0, t = 0;
  for (; t + 8 <= n; t += 8, it = _mm256_add_epi32(it, eight)) {
    __m512d v = _mm512_loadu_pd(f + t);
    __mmask8 lt = _mm512_cmp_pd_mask(v, vlo, _CMP_LT_OQ);
    __mmask8 in = (__mmask8)(~lt) & _mm512_cmp_pd_mask(v, vhi, _CMP_LE_OQ);
    nbelow += __builtin_popcount(lt);
    if (in) { _mm256_storeu_si256((__m256i *)(idx + nc), _mm256_maskz_compress_epi32(in, it)); nc += __builtin_popcount(in); }
  }
  *ret_nc = nc;
  *ret_below = nbelow;
  return t;
}

/* near_scan_avx512() with AVX2, four values at a time. */
TFF_AVX2 static int
near_scan_avx2(const double *f, int n, double lo, double hi, int *idx, int *ret_nc, int *ret_below)
{
  const __m256d vlo = _mm256_set1_pd(lo), vhi = _mm256_set1_pd(hi);
  int nbelow = 0, nc = 0, t = 0;
  for (; t + 4 <= n; t += 4) {
    __m256d v = _mm256_loadu_pd(f + t);
    int lt = _mm256_movemask_pd(_mm256_cmp_pd(v, vlo, _CMP_LT_OQ));
    int in = ~lt & _mm256_movemask_pd(_mm256_cmp_pd(v, vhi, _CMP_LE_OQ)) & 15;
    nbelow += __builtin_popcount(lt);
    if (in) { _mm_storeu_si128((__m128i *)(idx + nc), compress4_idx(t, in)); nc += __builtin_popcount(in); }
  }
  *ret_nc = nc;
  *ret_below = nbelow;
  return t;
}

#endif

/* Number of f[t] < lo; indices of lo <= f[t] <= hi into idx (room for their number + 16), their number into *ret_nc. */
int
tff_cmpk_NearScan(const double *f, int n, double lo, double hi, int *idx, int *ret_nc)
{
  int t = 0, nbelow = 0, nc = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx512())    t = near_scan_avx512(f, n, lo, hi, idx, &nc, &nbelow);
  else if (cpu_avx2()) t = near_scan_avx2(f, n, lo, hi, idx, &nc, &nbelow);
#endif
  for (; t < n; t++) {
    if (f[t] < lo) nbelow++;
    else if (f[t] <= hi) idx[nc++] = t;
  }
  *ret_nc = nc;
  return nbelow;
}

/*****************************************************************
 * 6. Fuzzy binning
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpk_BinRowFuzzy() on the first multiple of 16 columns, without the
 * histogram, in single precision: w = x * scale + c, c = (nmed - lo) * scale
 * + 0.5, is within tol of Tomtom's (((x + nmed) - lo) * scale) + 0.5 (see
 * score_matrix() in tff_compare.c), so a cell is provisional where trunc(w - tol) differs
 * from trunc(w + tol), and otherwise trunc(w - tol) is Tomtom's bin. The
 * provisional cells' number into *ret_nc; returns how many columns it did. */
TFF_AVX2 static int
bin_row_fuzzy_avx2(const float *row, int n, int shift, double nmed, double lo, double scale, double tol,
                   uint8_t *brow, int *idx, int *ret_nc)
{
  const __m256 vs = _mm256_set1_ps((float) scale), vc = _mm256_set1_ps((float)(((shift ? nmed : 0.0) - lo) * scale + 0.5));
  const __m256 vt = _mm256_set1_ps((float) tol);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  int t = 0, nc = 0;
  for (; t + 16 <= n; t += 16) {
    const __m256 w0 = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(row + t), vs), vc);
    const __m256 w1 = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(row + t + 8), vs), vc);
    const __m256i a0 = _mm256_cvttps_epi32(_mm256_sub_ps(w0, vt)), a1 = _mm256_cvttps_epi32(_mm256_sub_ps(w1, vt));
    const __m256i b0 = _mm256_cvttps_epi32(_mm256_add_ps(w0, vt)), b1 = _mm256_cvttps_epi32(_mm256_add_ps(w1, vt));
    unsigned near = ~((unsigned) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a0, b0)))
                      | (unsigned) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a1, b1))) << 8) & 0xffffu;
    for (; near; near &= near - 1) idx[nc++] = t + __builtin_ctz(near);    /* seldom */
    /* 16 bins 0..100 to bytes: in-lane packs, then the four 32-bit groups in order */
    const __m256i p = _mm256_packus_epi16(_mm256_packs_epi32(a0, a1), _mm256_setzero_si256());
    _mm_storeu_si128((__m128i *)(brow + t), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(p, order)));
  }
  *ret_nc = nc;
  return t;
}
#endif

/* Fuzzy binning of one row: brow[t] = (int)(v + 0.5), v = (x - lo) * scale,
 * x = row[t] + nmed (shift) or row[t]; the histogram into h; the cells
 * whose |frac(v) - 0.5| < tol (their bins are provisional) into idx (room
 * for n + 16), returns their number. */
int
tff_cmpk_BinRowFuzzy(const float *row, int n, int shift, double nmed, double lo, double scale, double tol,
                     uint8_t *brow, int *h, int *idx)
{
  int t = 0, nc = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx2()) t = bin_row_fuzzy_avx2(row, n, shift, nmed, lo, scale, tol, brow, idx, &nc);
#endif
  for (; t < n; t++) {
    double x = shift ? (double) row[t] + nmed : (double) row[t];    /* Tomtom's shifted score, same rounding */
    double v = (x - lo) * scale;
    double d = v - floor(v);
    if (fabs(d - 0.5) < tol) idx[nc++] = t;
    brow[t] = (uint8_t)(int)(v + 0.5);
  }
  byte_histogram(brow, n, h);
  return nc;
}

/*****************************************************************
 * 7. The extremes scan
 *****************************************************************/

#ifdef TFF_HAVE_X86_KERNELS
/* tff_cmpk_ExtremesScan() with AVX2, eight columns at a time in single precision
 * against thresholds fa, fb on the unshifted scores (see tff_cmpk_ExtremesScan());
 * returns how many it did. */
TFF_AVX2 static int
extremes_scan_avx2(const float *row, int n, float fa, float fb, int *idx, int *ret_nc)
{
  const __m256 va = _mm256_set1_ps(fa), vb = _mm256_set1_ps(fb);
  const __m256i eight = _mm256_set1_epi32(8);
  __m256i it = _mm256_setzero_si256();
  int t = 0, nc = 0;
  for (; t + 8 <= n; t += 8, it = _mm256_add_epi32(it, eight)) {
    const __m256 x = _mm256_loadu_ps(row + t);
    const int e = _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps(x, va, _CMP_LE_OQ), _mm256_cmp_ps(x, vb, _CMP_GE_OQ)));
    _mm256_storeu_si256((__m256i *)(idx + nc), _mm256_add_epi32(it, _mm256_loadu_si256((const __m256i *) pack8_lane[e])));
    nc += __builtin_popcount(e);
  }
  *ret_nc = nc;
  return t;
}
#endif

/* The columns t whose shifted score row[t] + m (m = 0: the score) is <= a or
 * >= b, and perhaps a few more, into idx (room for n + 16); returns their
 * number. The scan compares the unshifted single-precision scores with
 * a - m and b - m, moved outwards by far more than the roundings of the
 * shift and of the thresholds (extra columns only cost their exact scores). */
int
tff_cmpk_ExtremesScan(const float *row, int n, double m, double a, double b, int *idx)
{
  const double slack = 1e-6 * (1.0 + fabs(a) + fabs(b) + fabs(m));
  const float fa = (float)(a - m + slack), fb = (float)(b - m - slack);
  int t = 0, nc = 0;
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx2()) t = extremes_scan_avx2(row, n, fa, fb, idx, &nc);
#endif
  for (; t < n; t++) { idx[nc] = t; nc += (row[t] <= fa) | (row[t] >= fb); }
  return nc;
}
