/* tff_compare_internal: what the comparison core's files share. Not a public API.
 *
 * tff_compare.c        the database, the query path (score_matrix(), the best
 *                      alignments, the p-values), the slow reference path, sorting
 * tff_cmp_select.c     order statistics of a row: the median bracket, histogram selection
 * tff_cmp_kernels.c    the per-cell passes over a row, each AVX-512/AVX2 twin beside
 *                      its scalar version
 * tff_cmp_null.c       the null distributions of the query ranges and the
 *                      p-value of a best alignment (complete scoring)
 *
 * Dependencies go one way: tff_compare.c uses the three others, tff_cmp_select.c
 * uses the kernels, tff_cmp_null.c nothing but the work's buffers.
 *
 * Contents:
 *   1. Sizes
 *   2. Which vector kernels the compiler can build
 *   3. The median bracket and the query ranges
 *   4. The work (TFF_CMP_WORK)
 *   5. tff_cmp_select.c
 *   6. tff_cmp_kernels.c
 *   7. tff_cmp_null.c
 */
#ifndef TFF_COMPARE_INTERNAL_INCLUDED
#define TFF_COMPARE_INTERNAL_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "tff_compare.h"
#include "tff_util.h"

/* 1. Sizes */

/* Each row's median is first bracketed from the scores of every
 * MEDIAN_STRIDE-th column (databases of MEDIAN_SAMPLE_MIN columns or more). */
#define MEDIAN_STRIDE     16
#define MEDIAN_SAMPLE_MIN 4096

#define NB (TFF_CMP_BINS + 1)   /* scaled scores 0..100 */
#define NBK 2048                 /* buckets of the order-statistic histogram */
#define SCORE_BLOCK 2048         /* columns scored against every query row at once (64 kB) */

/* 2. x86-64 kernels (GCC/clang): AVX-512 (F, BW, DQ, VL) versions of the
 * per-cell loops on doubles, used when the CPU has them, each with its AVX2
 * twin (four lanes instead of eight) for CPUs without (e.g. AMD Zen 1-3);
 * the passes over the single-precision rows (the median bracket, the
 * binning, the extremes scan) have AVX2 kernels only, eight lanes, which
 * AVX-512 CPUs run too. Every lane performs exactly the scalar operations,
 * in the same order (no fused multiply-add: configure compiles with
 * -ffp-contract=off for every compiler), so the results are bit-identical
 * to the scalar loops beside them; tests/compare.test compares the three
 * (TFF_NOAVX512, TFF_NOSIMD). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TFF_HAVE_X86_KERNELS 1
#define TFF_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,bmi,bmi2,popcnt")))
#define TFF_AVX2   __attribute__((target("avx2,bmi,popcnt")))
static inline int cpu_avx512(void) { return tff_SimdLevel() >= 2; }
static inline int cpu_avx2(void)   { return tff_SimdLevel() >= 1; }
#endif

/* 3. Candidates for one row's median, gathered while the row is scored: the
 * values in [vlo, vhi] (a bracket from the sampled columns, single-precision
 * numbers like the row) and their columns, the number of values below vlo,
 * the row's extremes. ok = 0 when the candidates overflowed (the row is
 * then selected from in full). */
typedef struct {
  double  vlo, vhi, mn, mx;
  int     below, nc, ok;
  int     cap;      /* room in val and col: tff_cmpsel_CandCap() */
  double *val;
  int    *col;
} BRACKET;

/* Null distribution of one query range: P(sum of scaled scores >= k). */
typedef struct {
  int     lo, hi;   /* support of the sum */
  double *tail;     /* tail[k - lo], clamped at 1 as Tomtom's p-value tables */
} RANGE;

/* -incomplete-scores: a hit's best p-value as an interval that holds it in
 * either arithmetic (the fast tables' or Tomtom's), for finding the hits
 * whose order could depend on last bits (tff_compare.c, tie_scan()). */
typedef struct {
  double lo, hi;
  int    h;
} TIEKEY;

/* Tail probability of a range at raw sum k. */
static inline double
range_tail(const RANGE *r, int k)
{
  if (k <= r->lo) return r->tail[0];
  if (k > r->hi) return 0.0;
  return r->tail[k - r->lo];
}

/* The range [a,b] of query columns the i-th alignment with a width-L target covers
 * (Tomtom's enumeration in calc_shifted_scores_pvalues_per_query). */
static inline void
alignment_range(int Lq, int L, int i, int *a, int *b)
{
  if (i < Lq) { *a = Lq - i - 1; *b = ((*a + L) < Lq ? (*a + L) : Lq) - 1; }
  else        { *a = 0;          *b = ((L + Lq - i - 1) < Lq ? (L + Lq - i - 1) : Lq) - 1; }
}

/* 4. The work: one thread's buffers.
 *
 * Each buffer is one line of a table, X(type, name, elements, zeroed): the
 * struct's fields, their allocation (checked) and their release are all made
 * from it (tff_compare.c: work_alloc(), work_free()). Those of the
 * database's size are made once (tff_cmp_work_Create()); those of the
 * query's width, Lq rows, are made again for a wider query (work_grow()).
 * The sizes are in the names ntot, nhits, nlen, maxw (the database's), Lq
 * and cap (tff_cmpsel_CandCap()), all size_t. */
#define TFF_CMP_WORK_DB_BUFFERS(X) \
  X(double,   tmp,    ntot + 16, 0)     /* selection scratch */ \
  X(double,   tmp2,   ntot + 16, 0)     /* selection scratch */ \
  X(double,   rowd,   ntot + 16, 0)     /* one row of S in double precision, where a pass needs all of it */ \
  X(int,      cnt,    2 * NBK, 0)       /* order-statistic histogram */ \
  X(int,      idx,    ntot + 16, 0)     /* cell indices (pearson: cells that need exact scores) */ \
  X(double,   dq,     TFF_CMP_MAX_QUERY_W, 0)   /* pearson denominator term of each query row */ \
  X(double,   ecache, ntot, 0)          /* exact scores of canonical columns ... */ \
  X(int,      estamp, ntot, 1)          /* ... valid where estamp == gen */ \
  X(int,      uidx,   ntot + 16, 0)     /* distinct columns whose exact scores are needed */ \
  X(int,      diag,   maxw + TFF_CMP_MAX_QUERY_W + 2, 0)  /* alignment sums per offset */ \
  X(int32_t,  akey,   32 * nlen, 0)     /* align_keys() of each target width, this query */ \
  X(uint8_t,  amask,  32 * 32 * nlen, 0)  /* align_masks() of each target width, this query (AVX2) */ \
  X(int,      cds,    NB, 0)            /* shifts and probabilities of one row's nonzero bins (the convolution) */ \
  X(double,   cps,    NB, 0) \
  X(int,      hk,     nhits, 0)         /* each hit's index into pmemo, -1 if none */ \
  X(int,      lhead,  nlen + 1, 0)      /* first pending memo entry of each width, -1: none */ \
  X(int,      pnext,  nhits, 0)         /* pending entries: next on the list ... */ \
  X(int,      pat,    nhits, 0)         /* ... and index into pmemo */ \
  X(int,      kt,     nhits, 0)         /* tff_cmp_QueryTop(): each target's best score over its strands, -1: skipped ... */ \
  X(int,      bnext,  nhits, 0)         /* ... the next target on its score's list ... */ \
  X(float,    heap,   nhits, 0)         /* ... the smallest p-values found (a max-heap) ... */ \
  X(int,      wpend,  8 * nlen, 0)      /* ... and of each width: the scores pending (descending) ... */ \
  X(int,      wcnt,   8 * nlen, 0)      /* ... their targets ... */ \
  X(int,      npw,    nlen, 0)          /* ... how many ... */ \
  X(int,      wrem,   nlen, 0)          /* ... the targets not yet reached ... */ \
  X(int,      wlow,   nlen, 0)          /* ... the lowest score evaluated, -1: none ... */ \
  X(int,      wdone,  nlen, 0)          /* ... and whether it is closed */ \
  X(TIEKEY,   tkey,   nhits, 0)         /* -incomplete-scores, tie_scan(): each hit's p-value interval ... */ \
  X(int,      tbr,    nhits, 0)         /* ... its best range, a*Lq + b ... */ \
  X(int,      tbs,    nhits, 0)         /* ... its best sum ... */ \
  X(int,      tbn,    nhits, 0)         /* ... and its number of trials (ev_pvalue()) */

#define TFF_CMP_WORK_QUERY_BUFFERS(X) \
  X(float,    S,      Lq * ntot, 0)     /* column scores (single precision, within err of the exact ones) */ \
  X(uint8_t,  Bbuf,   Lq * ntot + 64, 1)  /* scaled scores: B, with 32 bytes before and after for the AVX2 alignment's whole-vector reads */ \
  X(int,      hist,   Lq * NB, 0)       /* each row's histogram of scaled scores ... */ \
  X(int,      hmin,   Lq, 0)            /* ... its lowest ... */ \
  X(int,      hmax,   Lq, 0)            /* ... and highest nonzero bin */ \
  X(double,   med,    Lq, 0)            /* each row's shift (Tomtom's median, or within mtol of it; 0 in a repeated row) */ \
  X(double,   mtol,   Lq, 0)            /* bound on |med - Tomtom's median|; 0: exact */ \
  X(double,   fsel,   2 * Lq, 0)        /* bounds on the single-precision order statistics the median came from */ \
  X(int,      rowof,  Lq, 0)            /* the first query row with the same column (the row itself if none) */ \
  X(int,      urow,   Lq, 0)            /* the rows that are their own rowof, in order */ \
  X(BRACKET,  br,     Lq, 0)            /* median candidates of each row ... */ \
  X(double,   cval,   Lq * cap, 0)      /* ... their values ... */ \
  X(int,      ccol,   Lq * cap, 0)      /* ... and columns */ \
  X(TFF_COLQ, cq,     Lq, 0)            /* the query's columns, prepared for tff_colcmp_Row() */ \
  X(RANGE,    rng,    Lq * Lq, 1)       /* the ranges' null distributions, [a*Lq + b] */ \
  X(uint8_t,  rflag,  Lq * Lq, 0)       /* -incomplete-scores: the ranges that get Tomtom's literal table (tff_cmpnull_LiteralRanges()) ... */ \
  X(int,      rmin,   Lq * Lq, 0)       /* ... the lowest sum whose tail is needed there ... */ \
  X(int,      lneed,  Lq, 0)            /* ... the lowest sum needed at each step of one start ... */ \
  X(double,   lit,    3 * (Lq * TFF_CMP_BINS + 1) + 2 * (TFF_CMP_BINS + 72) + 64, 0)  /* ... and its scratch: two distributions and the scaled one, padded */ \
  X(double,   cpad,   Lq * TFF_CMP_BINS + 1 + 2 * (TFF_CMP_BINS + 8) + 8, 0)  /* the padded distribution convolved */ \
  X(float,    pmemo,  nlen * (Lq * TFF_CMP_BINS + 1), 0)  /* complete mode: p-value of score K for width lens[li] at [li*(KMAX+1)+K], where the bit is set */ \
  X(uint8_t,  pbit,   nlen * (Lq * TFF_CMP_BINS + 1) / 8 + 1, 1)  /* one bit per pmemo entry: pending in this query (all 0 between queries) */ \
  X(int,      klist,  Lq * TFF_CMP_BINS + 1, 0)  /* scores whose p-values are needed, for one width */ \
  X(int,      bhead,  Lq * TFF_CMP_BINS + 1, 0)  /* tff_cmp_QueryTop(): the first target of each best score, -1: none */

#define TFF_CMP_WORK_FIELD(T, name, count, zero) T *name;

struct tff_cmp_work_s {
  TFF_CMP_WORK_DB_BUFFERS(TFF_CMP_WORK_FIELD)
  TFF_CMP_WORK_QUERY_BUFFERS(TFF_CMP_WORK_FIELD)
  int      wmax;      /* query width the query buffers hold */
  int      nlen;      /* the database's distinct target widths */
  int      ntot;
  int      nsamp;     /* the database's sampled columns (db->samp.n) */
  int      rowd_row;  /* the row of S that rowd holds, -1: none */
  int      gen;       /* the current row context of ecache */
  uint8_t *B;         /* Bbuf + 32: wmax * ntot scaled scores */
  double  *tailbuf;   /* storage for all range tails (its size depends on the histograms) */
  size_t   tailcap;
  int      npend;     /* pending memo entries (pnext, pat) */
  int      kbad;      /* a best score outside 0..KMAX in this query (hit_loop()'s top mode) */
  int      nheap;     /* tff_cmp_QueryTop(): p-values in heap ... */
  double   pplus;     /* ... the smallest float above its largest once it is full, +inf before */
};

/* 5. tff_cmp_select.c: order statistics of a row */

double tff_cmpsel_Kth(double *x, int n, int k);
int    tff_cmpsel_BucketsFor(int n);
int    tff_cmpsel_HistSelect(const double *x, int n, int i1, int i2, double mn, double mx, double *out, int *cnt,
                             double loose, double *v1, double *v2);
int    tff_cmpsel_RankBucketEdges(const double *x, int n, double mn, double mx, int nbk, int ka, int kb, int *cnt,
                                  double *va, double *vb);
int    tff_cmpsel_CandCap(int ns);
void   tff_cmpsel_BracketInit(BRACKET *br, const double *sample, int ns, int n, int i1, int i2, double *tmp, int *cnt);
void   tff_cmpsel_BracketAdd(BRACKET *br, const float *x, int n, int t0);
int    tff_cmpsel_FromBracket(const BRACKET *br, int i1, int i2, double *tmp, int *cnt, double *v1, double *v2,
                              double *ret_mn, double *ret_mx);

/* Did the bracket catch the ranks i1..i2? */
static inline int
tff_cmpsel_BracketHolds(const BRACKET *br, int i1, int i2)
{
  return br->ok && br->below <= i1 && i2 < br->below + br->nc;
}

/* 6. tff_cmp_kernels.c: passes over a row */

void tff_cmpk_MinMax(const double *x, int n, double *ret_mn, double *ret_mx);
void tff_cmpk_BucketCount(const double *x, int n, double mn, double inv, int nbk, int *cnt);
int  tff_cmpk_BucketGather(const double *x, int n, double mn, double inv, int nbk, int b1, int b2, double *out, int *below);
int  tff_cmpk_BracketSeg(const float *x, int n, int t0, float vlo, float vhi, double *out, int *idx, int nc,
                         int *below, double *mn, double *mx);
int  tff_cmpk_NearScan(const double *f, int n, double lo, double hi, int *idx, int *ret_nc);
int  tff_cmpk_BinRowFuzzy(const float *row, int n, int shift, double nmed, double lo, double scale, double tol,
                          uint8_t *brow, int *h, int *idx);
int  tff_cmpk_ExtremesScan(const float *row, int n, double m, double a, double b, int *idx);

/* 7. tff_cmp_null.c: null distributions and p-values */

int    tff_cmpnull_BuildRanges(TFF_CMP_WORK *w, int Lq, char *errbuf);
void   tff_cmpnull_LiteralRanges(TFF_CMP_WORK *w, int Lq);
double tff_cmpnull_CompletePvalue(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, int K);
void   tff_cmpnull_CompletePvalues(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, const int *K, int nk, float *out);

#endif /* TFF_COMPARE_INTERNAL_INCLUDED */
