/* tff_qvalue: Storey q-values as Tomtom computes them, and the random
 * stream they need.
 *
 * Tomtom converts each query's sorted p-values (all targets, both strands)
 * to q-values q_i = min_{j>=i} min(1, pi0 * p_j * m / j). With more than 100
 * p-values pi0 is estimated by Storey's (2002) bootstrap over 100 lambdas
 * (0.005 .. 0.5), 100 bootstraps of 1000 draws each. The draws come from a
 * Mersenne Twister (MT19937) seeded with 4357 through Knuth's multiplier
 * 69069, each draw being a 64-bit double made of two consecutive 32-bit
 * outputs, and the stream is NOT reseeded between queries. TFF_MT reproduces
 * that stream; pass the same TFF_MT to every query, in query order, to get
 * Tomtom's q-values.
 *
 * Contents:
 *   1. TFF_MT: the Mersenne Twister
 *   2. pi0 and q-values
 */
#ifndef TFF_QVALUE_INCLUDED
#define TFF_QVALUE_INCLUDED

#include <stdint.h>

#define TFF_MT_N 624
typedef struct {
  uint32_t mt[TFF_MT_N];   /* state, in generation order */
  int      next;           /* index of the next output; TFF_MT_N = regenerate */
} TFF_MT;

/* Seed as Tomtom's default stream (mtwist's old 32-bit seeding; 0 means 4357). */
void     tff_mt_Seed(TFF_MT *r, uint32_t seed);
uint32_t tff_mt_Next32(TFF_MT *r);
/* A double in [0,1) from two consecutive outputs (hi << 32 | lo) / 2^64. */
double   tff_mt_Double(TFF_MT *r);
/* Skip n 32-bit outputs (cheaper than drawing them: no tempering). */
void     tff_mt_Skip(TFF_MT *r, uint64_t n);

/* Number of 32-bit outputs one call of tff_qvalue_Compute() consumes for m p-values. */
uint64_t tff_qvalue_Draws(int m);

/* Function:  tff_qvalue_Pi0()
 * Synopsis:  Storey's bootstrap estimate of pi0 from m sorted p-values.
 * Returns:   pi0 in [0,1]; 1 when m <= 100 (no draws then).
 */
double tff_qvalue_Pi0(const double *p, int m, TFF_MT *rng);

/* Function:  tff_qvalue_Compute()
 * Synopsis:  q-values of m p-values sorted ascending, into q[0..m-1].
 * Purpose:   Exactly Tomtom's compute_qvalues(): pi0 (if m > 100), then
 *            min(1, pi0 * p_i * m / i) and a running minimum from the end.
 *            rng may be NULL only if m <= 100.
 */
void tff_qvalue_Compute(const double *p, int m, TFF_MT *rng, double *q);

/* Function:  tff_qvalue_FromPi0()
 * Synopsis:  The second half of tff_qvalue_Compute(): q-values of m sorted
 *            p-values for a given pi0 (from tff_qvalue_Pi0(), or 1 if m <= 100).
 */
void tff_qvalue_FromPi0(const double *p, int m, double pi0, double *q);

#endif /* TFF_QVALUE_INCLUDED */
