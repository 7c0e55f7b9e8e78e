/* tff_qvalue: Storey q-values and the Mersenne Twister stream Tomtom uses.
 *
 * Contents:
 *   1. The Mersenne Twister (MT19937, 1998 seeding)
 *   2. pi0 and q-values
 *   3. Unit tests
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "tff_qvalue.h"
#include "tff_util.h"

/*****************************************************************
 * 1. MT19937
 *****************************************************************/

#define MT_M 397
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu
#define MT_A     0x9908b0dfu

void
tff_mt_Seed(TFF_MT *r, uint32_t seed)
{
  if (seed == 0) seed = 4357;
  r->mt[0] = seed;
  for (int i = 1; i < TFF_MT_N; i++) r->mt[i] = 69069u * r->mt[i - 1];
  r->next = TFF_MT_N;
}

/* The same recurrence eight words at a time (AVX2): word k depends on words
 * k+1 and k+M of the old state, or on word k+M-N already regenerated, which
 * is at least N-M = 227 words back, so eight-word blocks are independent. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TFF_MT_AVX2 1
__attribute__((target("avx2")))
static inline __m256i
mt_step8(__m256i cur, __m256i nxt, __m256i far)
{
  const __m256i up = _mm256_set1_epi32((int) MT_UPPER), low = _mm256_set1_epi32((int) MT_LOWER);
  const __m256i one = _mm256_set1_epi32(1), a = _mm256_set1_epi32((int) MT_A);
  __m256i y = _mm256_or_si256(_mm256_and_si256(cur, up), _mm256_and_si256(nxt, low));
  __m256i odd = _mm256_cmpeq_epi32(_mm256_and_si256(y, one), one);
  return _mm256_xor_si256(_mm256_xor_si256(far, _mm256_srli_epi32(y, 1)), _mm256_and_si256(odd, a));
}

__attribute__((target("avx2")))
static void
mt_regenerate_avx2(uint32_t *mt)
{
  int k = 0;
  for (; k + 8 <= TFF_MT_N - MT_M; k += 8)
    _mm256_storeu_si256((__m256i *)(mt + k), mt_step8(_mm256_loadu_si256((const __m256i *)(mt + k)),
                                                      _mm256_loadu_si256((const __m256i *)(mt + k + 1)),
                                                      _mm256_loadu_si256((const __m256i *)(mt + k + MT_M))));
  for (; k < TFF_MT_N - MT_M; k++) {
    uint32_t y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
    mt[k] = mt[k + MT_M] ^ (y >> 1) ^ ((y & 1u) ? MT_A : 0u);
  }
  for (; k + 8 <= TFF_MT_N - 1; k += 8)
    _mm256_storeu_si256((__m256i *)(mt + k), mt_step8(_mm256_loadu_si256((const __m256i *)(mt + k)),
                                                      _mm256_loadu_si256((const __m256i *)(mt + k + 1)),
                                                      _mm256_loadu_si256((const __m256i *)(mt + k + (MT_M - TFF_MT_N)))));
  for (; k < TFF_MT_N - 1; k++) {
    uint32_t y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
    mt[k] = mt[k + (MT_M - TFF_MT_N)] ^ (y >> 1) ^ ((y & 1u) ? MT_A : 0u);
  }
  uint32_t y = (mt[TFF_MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
  mt[TFF_MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ ((y & 1u) ? MT_A : 0u);
}

static int cpu_avx2(void) { return tff_SimdLevel() >= 1; }
#endif

static void
mt_regenerate(TFF_MT *r)
{
#ifdef TFF_MT_AVX2
  if (cpu_avx2()) { mt_regenerate_avx2(r->mt); r->next = 0; return; }
#endif
  uint32_t *mt = r->mt;
  int k;
  for (k = 0; k < TFF_MT_N - MT_M; k++) {
    uint32_t y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
    mt[k] = mt[k + MT_M] ^ (y >> 1) ^ ((y & 1u) ? MT_A : 0u);
  }
  for (; k < TFF_MT_N - 1; k++) {
    uint32_t y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
    mt[k] = mt[k + (MT_M - TFF_MT_N)] ^ (y >> 1) ^ ((y & 1u) ? MT_A : 0u);
  }
  uint32_t y = (mt[TFF_MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
  mt[TFF_MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ ((y & 1u) ? MT_A : 0u);
  r->next = 0;
}

static inline uint32_t
mt_next(TFF_MT *r)
{
  if (r->next >= TFF_MT_N) mt_regenerate(r);
  uint32_t y = r->mt[r->next++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

uint32_t tff_mt_Next32(TFF_MT *r) { return mt_next(r); }

static inline double
mt_double(TFF_MT *r)
{
  uint64_t hi = mt_next(r);
  uint64_t lo = mt_next(r);
  return (double)((hi << 32) | lo) * (1.0 / 18446744073709551616.0);
}

double tff_mt_Double(TFF_MT *r) { return mt_double(r); }

void
tff_mt_Skip(TFF_MT *r, uint64_t n)
{
  while (n > 0) {
    if (r->next >= TFF_MT_N) mt_regenerate(r);
    uint64_t avail = (uint64_t)(TFF_MT_N - r->next);
    uint64_t take  = n < avail ? n : avail;
    r->next += (int) take;
    n -= take;
  }
}

/* idx[i] = (int)(tff_mt_Double(r) * m) for i < n, the draws of Storey's
 * bootstrap. Whole pairs of outputs inside the current state block are
 * tempered and converted 8 at a time (AVX-512: the same integer operations,
 * and the same correctly rounded uint64 -> double conversion and products). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx512f,avx512dq,avx512vl")))
static int
draws_avx512(TFF_MT *r, double m, int *idx, int n)
{
  const __m512i b1 = _mm512_set1_epi32((int) 0x9d2c5680u), b2 = _mm512_set1_epi32((int) 0xefc60000u);
  const __m512d two64 = _mm512_set1_pd(1.0 / 18446744073709551616.0), vm = _mm512_set1_pd(m);
  int i = 0;
  while (i + 8 <= n && r->next + 16 <= TFF_MT_N) {
    __m512i y = _mm512_loadu_si512((const void *)(r->mt + r->next));
    y = _mm512_xor_si512(y, _mm512_srli_epi32(y, 11));
    y = _mm512_xor_si512(y, _mm512_and_si512(_mm512_slli_epi32(y, 7), b1));
    y = _mm512_xor_si512(y, _mm512_and_si512(_mm512_slli_epi32(y, 15), b2));
    y = _mm512_xor_si512(y, _mm512_srli_epi32(y, 18));
    __m512i hl = _mm512_shuffle_epi32(y, _MM_PERM_CDAB);      /* (first << 32) | second */
    __m512d u = _mm512_mul_pd(_mm512_cvtepu64_pd(hl), two64);
    _mm256_storeu_si256((__m256i *)(idx + i), _mm512_cvttpd_epi32(_mm512_mul_pd(u, vm)));
    r->next += 16;
    i += 8;
  }
  return i;
}

/* draws_avx512() with AVX2: four draws at a time. AVX2 cannot convert a
 * 64-bit integer to double; hi * 2^32 + lo (both exact doubles) rounds
 * once, to the same nearest double. */
__attribute__((target("avx2")))
static int
draws_avx2(TFF_MT *r, double m, int *idx, int n)
{
  const __m256i b1 = _mm256_set1_epi32((int) 0x9d2c5680u), b2 = _mm256_set1_epi32((int) 0xefc60000u);
  const __m256i low32 = _mm256_set1_epi64x(0xffffffffLL), magic = _mm256_set1_epi64x(0x4330000000000000LL);  /* 2^52 */
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0), two32 = _mm256_set1_pd(4294967296.0);
  const __m256d two64 = _mm256_set1_pd(1.0 / 18446744073709551616.0), vm = _mm256_set1_pd(m);
  int i = 0;
  while (i + 4 <= n && r->next + 8 <= TFF_MT_N) {
    __m256i y = _mm256_loadu_si256((const __m256i *)(r->mt + r->next));
    y = _mm256_xor_si256(y, _mm256_srli_epi32(y, 11));
    y = _mm256_xor_si256(y, _mm256_and_si256(_mm256_slli_epi32(y, 7), b1));
    y = _mm256_xor_si256(y, _mm256_and_si256(_mm256_slli_epi32(y, 15), b2));
    y = _mm256_xor_si256(y, _mm256_srli_epi32(y, 18));
    /* 64-bit lane l: the first word of the pair in its low half, the second in its high half */
    __m256d hi = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(y, low32), magic)), two52);
    __m256d lo = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(y, 32), magic)), two52);
    __m256d u = _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(hi, two32), lo), two64);
    _mm_storeu_si128((__m128i *)(idx + i), _mm256_cvttpd_epi32(_mm256_mul_pd(u, vm)));
    r->next += 8;
    i += 4;
  }
  return i;
}
#endif

static void
mt_draws(TFF_MT *r, int m, int *idx, int n)
{
  int i = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  const int simd = tff_SimdLevel();
#endif
  while (i < n) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (simd) {    /* vector draws up to the end of the state, then one scalar draw across it */
      if (r->next >= TFF_MT_N) mt_regenerate(r);
      i += (simd >= 2) ? draws_avx512(r, (double) m, idx + i, n - i) : draws_avx2(r, (double) m, idx + i, n - i);
      if (i >= n) break;
    }
#endif
    idx[i++] = (int)(mt_double(r) * (double) m);
  }
}

/*****************************************************************
 * 2. pi0 and q-values
 *****************************************************************/

#define NUM_LAMBDA     100
#define MAX_LAMBDA     0.5f
#define NUM_BOOTSTRAPS 100
#define NUM_SAMPLES    1000
#define MIN_SAMPLES    100

uint64_t
tff_qvalue_Draws(int m)
{
  return m > MIN_SAMPLES ? (uint64_t) NUM_BOOTSTRAPS * NUM_SAMPLES * 2 : 0;
}

double
tff_qvalue_Pi0(const double *p, int m, TFF_MT *rng)
{
  int    start[NUM_LAMBDA];       /* first index with p >= lambda */
  double lambda[NUM_LAMBDA], pi0[NUM_LAMBDA], mse[NUM_LAMBDA];
  int    cnt[NUM_LAMBDA + 1];
  double minpi0 = HUGE_VAL;

  if (m <= MIN_SAMPLES) return 1.0;
  for (int l = 0; l < NUM_LAMBDA; l++) {
    lambda[l] = ((double)(l + 1) / (double) NUM_LAMBDA) * MAX_LAMBDA;
    int s = (l == 0) ? 0 : start[l - 1];
    while (s < m && !(p[s] >= lambda[l])) s++;
    start[l] = s;
    double v = (double)(m - s) / ((1.0 - lambda[l]) * (double) m);
    pi0[l] = (v == 0.0) ? HUGE_VAL : v;
    if (pi0[l] < minpi0) minpi0 = pi0[l];
    mse[l] = 0.0;
  }
  /* A draw i counts for lambda l when i >= start[l]; start[] is non-decreasing,
   * so each index falls in one bucket: the number of lambdas it passes. */
  unsigned char *bucket = malloc((size_t) m);
  if (bucket == NULL) return 1.0;   /* no memory: pi0 = 1, the conservative choice */
  for (int i = 0, l = 0; i < m; i++) {
    while (l < NUM_LAMBDA && start[l] <= i) l++;
    bucket[i] = (unsigned char) l;
  }
  for (int b = 0; b < NUM_BOOTSTRAPS; b++) {
    int idx[NUM_SAMPLES], c8[8][NUM_LAMBDA + 1];
    memset(c8, 0, sizeof c8);
    mt_draws(rng, m, idx, NUM_SAMPLES);
    /* eight counters per bucket: most draws fall in the same bucket (p >= the
     * largest lambda), and fewer counters would chain the increments of one
     * counter on each other */
    int k = 0;
    for (; k + 8 <= NUM_SAMPLES; k += 8) {
      c8[0][bucket[idx[k]]]++; c8[1][bucket[idx[k + 1]]]++; c8[2][bucket[idx[k + 2]]]++; c8[3][bucket[idx[k + 3]]]++;
      c8[4][bucket[idx[k + 4]]]++; c8[5][bucket[idx[k + 5]]]++; c8[6][bucket[idx[k + 6]]]++; c8[7][bucket[idx[k + 7]]]++;
    }
    for (; k < NUM_SAMPLES; k++) c8[0][bucket[idx[k]]]++;
    for (int l = 0; l <= NUM_LAMBDA; l++)
      cnt[l] = ((c8[0][l] + c8[1][l]) + (c8[2][l] + c8[3][l])) + ((c8[4][l] + c8[5][l]) + (c8[6][l] + c8[7][l]));
    int above = 0;   /* draws with idx >= start[l], for l from the top down */
    for (int l = NUM_LAMBDA - 1; l >= 0; l--) {
      above += cnt[l + 1];
      double v = (double) above / ((1.0 - lambda[l]) * (double) NUM_SAMPLES);
      if (v == 0.0) v = HUGE_VAL;
      double e = v - minpi0;
      mse[l] += e * e;
    }
  }
  free(bucket);
  int best = 0;
  for (int l = 1; l < NUM_LAMBDA; l++) if (mse[l] < mse[best]) best = l;
  double v = pi0[best];
  if (v > 1.0) v = 1.0;
  if (v < 0.0) v = 0.0;
  return v;
}

void
tff_qvalue_Compute(const double *p, int m, TFF_MT *rng, double *q)
{
  if (m <= 0) return;
  tff_qvalue_FromPi0(p, m, tff_qvalue_Pi0(p, m, rng), q);
}

void
tff_qvalue_FromPi0(const double *p, int m, double pi0, double *q)
{
  if (m <= 0) return;
  for (int i = 0; i < m; i++) {
    double fdr = (pi0 * p[i] * (float) m) / (float)(i + 1);
    q[i] = fdr < 1.0 ? fdr : 1.0;
  }
  if (m == 1) return;
  double prev = q[m - 1];
  for (int i = m - 2; i >= 0; i--) {
    if (prev < q[i]) q[i] = prev;
    prev = q[i];
  }
}

/*****************************************************************
 * 3. Unit tests
 *****************************************************************/
#ifdef tffQVALUE_TESTDRIVE
#include <stdio.h>
#include <math.h>

#include "tff_utest.h"

/* The 1998 reference MT19937 seeded with 4357 starts 3510405877, 4290933890. */
static void
utest_mt_stream(void)
{
  TFF_MT r, s;
  tff_mt_Seed(&r, 4357);
  if (tff_mt_Next32(&r) != 3510405877u) TFF_UFAIL("first MT output");
  if (tff_mt_Next32(&r) != 4290933890u) TFF_UFAIL("second MT output");
  tff_mt_Seed(&r, 0); tff_mt_Seed(&s, 4357);
  tff_mt_Skip(&r, 1000); for (int i = 0; i < 1000; i++) tff_mt_Next32(&s);
  for (int i = 0; i < 10; i++) if (tff_mt_Next32(&r) != tff_mt_Next32(&s)) TFF_UFAIL("skip differs from drawing");
  double d = tff_mt_Double(&r);
  if (!(d >= 0.0 && d < 1.0)) TFF_UFAIL("double out of range");
  /* the 10000th output of the reference MT19937 seeded with 4357 (many regenerations in) */
  tff_mt_Seed(&r, 4357);
  tff_mt_Skip(&r, 9999);
  if (tff_mt_Next32(&r) != 535193112u) TFF_UFAIL("10000th MT output");
  /* batched draws equal one-at-a-time draws, from even and odd positions */
  for (int start = 0; start < 2; start++) {
    int idx[3001];
    tff_mt_Seed(&r, 4357); tff_mt_Seed(&s, 4357);
    tff_mt_Skip(&r, 600 + start); tff_mt_Skip(&s, 600 + start);
    mt_draws(&r, 4226, idx, 3001);
    for (int i = 0; i < 3001; i++) if (idx[i] != (int)(tff_mt_Double(&s) * 4226.0)) TFF_UFAIL("batched draws differ");
    if (tff_mt_Next32(&r) != tff_mt_Next32(&s)) TFF_UFAIL("batched draws: stream position");
  }
}

static void
utest_qvalues(void)
{
  double p[5] = {0.001, 0.01, 0.02, 0.5, 0.9}, q[5];
  tff_qvalue_Compute(p, 5, NULL, q);   /* m <= 100: pi0 = 1, plain BH with running minimum */
  if (fabs(q[0] - 0.005) > 1e-15 || fabs(q[1] - 0.025) > 1e-15 || fabs(q[2] - 0.1 / 3) > 1e-15) TFF_UFAIL("BH values");
  if (q[4] != 0.9 || q[3] != 0.625) TFF_UFAIL("BH tail");
  /* Uniform p-values: pi0 close to 1; a bootstrap consumes the documented number of draws. */
  int m = 4000;
  double *pp = malloc(sizeof(double) * m), *qq = malloc(sizeof(double) * m);
  for (int i = 0; i < m; i++) pp[i] = (i + 0.5) / m;
  TFF_MT r, s;
  tff_mt_Seed(&r, 4357); tff_mt_Seed(&s, 4357);
  double pi0 = tff_qvalue_Pi0(pp, m, &r);
  if (pi0 < 0.9 || pi0 > 1.0) TFF_UFAIL("pi0 of uniform p-values");
  tff_mt_Skip(&s, tff_qvalue_Draws(m));
  if (tff_mt_Next32(&r) != tff_mt_Next32(&s)) TFF_UFAIL("draw count");
  tff_qvalue_Compute(pp, m, &r, qq);
  for (int i = 1; i < m; i++) if (qq[i] < qq[i - 1]) TFF_UFAIL("q-values not monotone");
  free(pp); free(qq);
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_qvalue_utest", NULL);
  utest_mt_stream();
  utest_qvalues();
  return tff_utest_Done();
}
#endif /* tffQVALUE_TESTDRIVE */
