/* tff_random: a small, fast, seedable random number generator.
 *
 * Every random choice in tffam (fold assignment, shuffling, weight
 * initialisation) goes through a TFF_RNG so that the same seed gives the same
 * result on every platform: the generator is xoshiro256** (Blackman & Vigna),
 * seeded by expanding a 64-bit seed with splitmix64. No global state.
 *
 * Contents:
 *   1. The generator
 *   2. Derived draws (uniform, bounded integer, normal, shuffle)
 */
#ifndef TFF_RANDOM_INCLUDED
#define TFF_RANDOM_INCLUDED

#include <stdint.h>

typedef struct {
  uint64_t s[4];
} TFF_RNG;

/* Function:  tff_rng_Init()
 * Synopsis:  Seed a generator. Any 64-bit seed (0 included) is fine.
 */
void     tff_rng_Init(TFF_RNG *r, uint64_t seed);

/* Function:  tff_rng_Next()
 * Synopsis:  The next 64 random bits.
 */
uint64_t tff_rng_Next(TFF_RNG *r);

/* Function:  tff_rng_Uniform()
 * Synopsis:  A double uniform on [0,1), 53 random bits.
 */
double   tff_rng_Uniform(TFF_RNG *r);

/* Function:  tff_rng_Below()
 * Synopsis:  An integer uniform on 0..n-1 (n >= 1), without modulo bias.
 */
uint64_t tff_rng_Below(TFF_RNG *r, uint64_t n);

/* Function:  tff_rng_Normal()
 * Synopsis:  A standard normal deviate (Box-Muller; one per call).
 */
double   tff_rng_Normal(TFF_RNG *r);

/* Function:  tff_rng_Shuffle()
 * Synopsis:  Fisher-Yates shuffle of a[0..n-1] in place.
 */
void     tff_rng_Shuffle(TFF_RNG *r, int *a, int n);

/* Function:  tff_rng_Derive()
 * Synopsis:  A seed for sub-stream <k> of <seed> (e.g. one per CV fold), so that
 *            parallel jobs draw independent, order-free streams.
 */
uint64_t tff_rng_Derive(uint64_t seed, uint64_t k);

#endif /* TFF_RANDOM_INCLUDED */
