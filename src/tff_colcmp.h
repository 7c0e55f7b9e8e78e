/* tff_colcmp: Tomtom's column scores (how alike two motif columns are).
 *
 * A column is a probability vector over A, C, G, T (after pseudocounts). The
 * scores reproduce Tomtom 5.5.8's arithmetic operation by operation, so that
 * the values are bit-identical to Tomtom's where that matters (MEME's
 * src/tomtom.c; doc/compare.md, "Exactness"): higher is always more similar.
 *
 *   ed        -sqrt(sum_a (q_a - t_a)^2)
 *   sandelin  2 - sum_a (q_a - t_a)^2
 *   pearson   correlation with means fixed at 1/4; every running sum rounded
 *             to 14 significant digits (Tomtom's RND); 0 if a column is uniform
 *   kullback  -sum_a [q_a log10(q_a/t_a) + t_a log10(t_a/q_a)] / 2
 *   allr      average log-likelihood ratio, weighted by the number of sites
 *
 * Two interfaces:
 *   tff_colcmp_Score(): one pair of columns, the literal formula (reference).
 *   tff_colcmp_Row():   one query column against a whole TFF_COLSET, in
 *                       double precision; identical values for ed, sandelin
 *                       and allr. For pearson the fast path skips the
 *                       rounding of the numerator's running sum; for
 *                       kullback it uses precomputed logarithms of the columns,
 *                       (q_a - t_a)(ln q_a - ln t_a) / (2 ln 10), instead of
 *                       eight log10() per cell. Both are within
 *                       tff_colcmp_FastErr() of the exact value.
 *   tff_colcmp_RowF():  the same in single precision (the fast path of
 *                       tff_compare: twice the lanes per vector, half the
 *                       memory), with a bound on its difference from the
 *                       exact value; tff_compare guards against that
 *                       difference mattering.
 *
 * Contents:
 *   1. Metrics: names
 *   2. Single scores (reference)
 *   3. Column sets and whole rows (fast)
 */
#ifndef TFF_COLCMP_INCLUDED
#define TFF_COLCMP_INCLUDED

enum tff_colcmp_metric {
  tffCOL_ED       = 0,
  tffCOL_PEARSON  = 1,
  tffCOL_SANDELIN = 2,
  tffCOL_KULLBACK = 3,
  tffCOL_ALLR     = 4
};
#define TFF_COLCMP_NMETRICS 5

/* Largest difference between tff_colcmp_Row() and tff_colcmp_Score() for
 * pearson and kullback (the others are exact). For kullback the bound holds
 * for frequencies of at least TFF_COLCMP_KULLBACK_MINF, where |ln f| < 70 and
 * every term's rounding is below 1e-13; columns or queries with a smaller
 * frequency are scored with the exact formula. */
#define TFF_COLCMP_PEARSON_ERR  1e-12
#define TFF_COLCMP_KULLBACK_ERR 1e-12
#define TFF_COLCMP_KULLBACK_MINF 1e-30

/* Bounds on |tff_colcmp_RowF() - tff_colcmp_Score()| for the metrics scored
 * in single precision, about three times what the rounding of the inputs
 * and of each operation can add up to (u = 2^-24; the columns are
 * probability vectors): ed 8.3u (rounding the inputs moves each difference
 * q_a - t_a by at most 2u max(q_a, t_a), the whole difference vector by 4u;
 * the sum of squares and the square root add 4.3u relative to |d| <= 1.42),
 * sandelin 18u (8u from the inputs, as sum |d_a| <= 2, 8u from the sum of
 * squares <= 2, 2u from 2 - sum), pearson 6u (both columns are centred
 * and scaled to length 1 in double precision before rounding, so the
 * magnitudes of the four products add up to at most 1: 3u from the inputs
 * and the products, 3u from the sum; Tomtom's own roundings are within
 * 1e-12). tests: tff_colcmp_utest measures the largest error. */
#define TFF_COLCMP_ED_FERR       1.5e-6
#define TFF_COLCMP_SANDELIN_FERR 3e-6
#define TFF_COLCMP_PEARSON_FERR  1.1e-6

/* The bound above for a metric: 0 where tff_colcmp_Row() is exact. */
double tff_colcmp_FastErr(int metric);

/* 1. Names: "ed", "pearson", ... Returns -1 for an unknown name. */
int         tff_colcmp_Metric(const char *name);
const char *tff_colcmp_Name(int metric);

/* Function:  tff_colcmp_RND()
 * Synopsis:  Round x to d significant digits, exactly as MEME's RND macro.
 */
double tff_colcmp_RND(double x, int d);

/* Function:  tff_colcmp_Score()
 * Synopsis:  Score of query column q against target column t.
 * Args:      nq, nt: the motifs' nsites (allr only); bg: background (allr only).
 * Returns:   the score (higher = more alike).
 */
double tff_colcmp_Score(int metric, const double q[4], const double t[4], double nq, double nt, const double bg[4]);

/* 3. A set of columns in structure-of-arrays layout, with per-column data
 * that the fast row scorer precomputes once. */
typedef struct {
  int     n;          /* number of columns */
  double *f[4];       /* f[a][j]: probability of letter a in column j */
  double *ns;         /* nsites of the motif each column belongs to (allr) */
  double *pden;       /* pearson: RND'ed sum_a (f_a - 1/4)^2 */
  double *pinv;       /* pearson: 1 / sqrt(pden), 0 where pden is 0 (the fast row multiplies) */
  double *u4;         /* pearson: u4[4j + a] = (f[a][j] - 1/4) pinv[j], column j centred and scaled to length 1 */
  double *lr[4];      /* allr: log(f_a / bg_a); kullback: log(f_a) */
  int     kexact;     /* kullback: a frequency below TFF_COLCMP_KULLBACK_MINF, rows use the exact formula */
  float  *g[4];       /* single precision (ed, sandelin: f; pearson: (f - 1/4) pinv, the centred column scaled to length 1), NULL for the other metrics */
  int     metric;
  int     avx2;       /* vector kernels (set by tff_colset_Init from the CPU): 0 none, 1 AVX2, 2 AVX-512 */
} TFF_COLSET;

/* Function:  tff_colset_Init()
 * Synopsis:  Allocate a set of n columns for a metric (contents zero).
 * Returns:   tffOK or tffEMEM.
 */
int  tff_colset_Init(TFF_COLSET *cs, int n, int metric, char *errbuf);
/* Set column j from a probability vector and its motif's nsites. */
void tff_colset_Set(TFF_COLSET *cs, int j, const double f[4], double nsites, const double bg[4]);
void tff_colset_Free(TFF_COLSET *cs);

/* A query column prepared once for tff_colcmp_Row(): its frequencies and
 * nsites, and what the fast rows need of it (pearson: 1/sqrt of its rounded
 * denominator; kullback: its logarithms). */
typedef struct {
  double f[4];
  double nq;
  double pinv;      /* pearson: 1 / sqrt(denominator), 0 for a uniform column */
  double u[4];      /* pearson: (f[a] - 1/4) pinv, as TFF_COLSET.u4 */
  double lf[4];     /* kullback: log(f_a), if kfast */
  int    kfast;     /* kullback: every f_a >= TFF_COLCMP_KULLBACK_MINF */
  float  g[4];      /* single precision, as TFF_COLSET.g */
} TFF_COLQ;

/* Function:  tff_colcmp_PrepQuery()
 * Synopsis:  Prepare query column q (its motif's nsites nq) for rows of a metric.
 */
void tff_colcmp_PrepQuery(int metric, const double q[4], double nq, TFF_COLQ *cq);

/* Function:  tff_colcmp_Row()
 * Synopsis:  Scores of a prepared query column against every column of cs,
 *            into out[0..cs->n-1].
 */
void tff_colcmp_Row(const TFF_COLSET *cs, const TFF_COLQ *cq, const double bg[4], double *out);

/* Function:  tff_colcmp_RowF()
 * Synopsis:  tff_colcmp_Row() in single precision, into out[0..cs->n-1].
 * Args:      tmp: room for cs->n doubles (the metrics without a single-
 *            precision kernel are scored in double and rounded).
 * Returns:   a bound on |out[j] - tff_colcmp_Score()| for every j: the
 *            TFF_COLCMP_*_FERR constant, or for kullback and allr the
 *            double row's bound plus the rounding to single precision.
 */
double tff_colcmp_RowF(const TFF_COLSET *cs, const TFF_COLQ *cq, const double bg[4], float *out, double *tmp);
/* tff_colcmp_RowF() of two query columns, cq into out and cr into out2:
 * each column of the set read once for both. Returns the larger bound. */
double tff_colcmp_RowF2(const TFF_COLSET *cs, const TFF_COLQ *cq, const TFF_COLQ *cr, const double bg[4],
                        float *out, float *out2, double *tmp);

/* Function:  tff_colcmp_PearsonCell()
 * Synopsis:  Exact pearson score (== tff_colcmp_Score()) of query column q, whose
 *            tff_colcmp_PearsonDen() is dq, against column j of a pearson set:
 *            the denominators are precomputed, so only the numerator is rounded.
 */
double tff_colcmp_PearsonCell(const TFF_COLSET *cs, const double q[4], double dq, int j);
/* tff_colcmp_PearsonCell() of the columns cols[0..n-1] into out (AVX-512: eight at a time). */
void   tff_colcmp_PearsonCells(const TFF_COLSET *cs, const double q[4], double dq, const int *cols, int n, double *out);
double tff_colcmp_PearsonDen(const double f[4]);
/* Function:  tff_colcmp_PearsonCellsFast()
 * Synopsis:  Pearson scores of prepared query column cq against the columns
 *            cols[0..n-1], into out, without Tomtom's roundings: within
 *            TFF_COLCMP_PEARSON_ERR of the exact ones, at a fraction of
 *            their cost (where many near-ties need telling apart only
 *            that far).
 */
void   tff_colcmp_PearsonCellsFast(const TFF_COLSET *cs, const TFF_COLQ *cq, const int *cols, int n, double *out);

#endif /* TFF_COLCMP_INCLUDED */
