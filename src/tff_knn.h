/* tff_knn: nearest-neighbour family calls on the Tomtom-compatible comparison core.
 *
 * A query's family is the majority family of its K nearest reference motifs,
 * "nearest" meaning Tomtom's comparison under one column score (ed, pearson,
 * sandelin), or the ensemble of the three (the majority of the three calls).
 *
 * Rules (the ones behind shared/data/tomtom-reference/knn_loo_table.txt):
 *   neighbours  reference motifs ranked by Tomtom p-value (the better strand),
 *               then E-value, then reference id (strcmp); a reference motif
 *               with the same id as the query is skipped (leave-one-out);
 *   vote        the family with most of the K votes; a tie goes to the tied
 *               family whose member ranks nearest;
 *   ensemble    the majority of the ed, pearson and sandelin calls at the same
 *               K; a three-way split takes the ed call. Its vote shares are the
 *               mean of the three metrics' shares.
 *   defaults    Tomtom web server: -min-overlap 5, complete scoring, both strands.
 *
 * The expensive part, comparing every query with every reference motif, is
 * done once per metric (tff_knn_Neighbours) and kept as ranked neighbour lists
 * up to kmax; every K and the ensemble are then cheap (tff_knn_Vote).
 * Neighbours can also come from a Tomtom run (tff_knn_FromTomtomTSV).
 *
 * Contents:
 *   1. Neighbour lists
 *   2. Votes
 */
#ifndef TFF_KNN_INCLUDED
#define TFF_KNN_INCLUDED

#include "tff_compare.h"
#include "tff_labels.h"
#include "tff_motif.h"
#include "tff_progress.h"

enum { tffKNN_ED = 0, tffKNN_PEARSON = 1, tffKNN_SANDELIN = 2, tffKNN_NMETRIC = 3, tffKNN_ENSEMBLE = 3 };

const char *tff_knn_MetricName(int m);       /* "ed", "pearson", "sandelin", "ensemble" */
int         tff_knn_MetricIndex(const char *name);   /* -1 if unknown */

/* One neighbour: a reference motif and Tomtom's alignment of the query to it. */
typedef struct {
  int    ref;       /* index into the reference set */
  int    strand;    /* 0: reference as given, 1: its reverse complement */
  int    offset;    /* Tomtom's Optimal_offset */
  int    overlap;
  double pvalue;
  double evalue;
} TFF_KNN_NB;

/* Ranked neighbours of nq queries under each metric that was computed. */
typedef struct {
  int         nq;
  int         kmax;                     /* neighbours kept per query */
  int         have[tffKNN_NMETRIC];     /* 1 if this metric was computed */
  TFF_KNN_NB *nb[tffKNN_NMETRIC];       /* nb[m][q*kmax + r]: rank r of query q */
  int        *nnb[tffKNN_NMETRIC];      /* nnb[m][q]: how many (<= kmax) */
  unsigned char *src[tffKNN_NMETRIC];   /* src[m][q*kmax + r]: where the neighbour came from
                                         * (tffKNN_SRC_*, tff_tomtom_Merge()); NULL: all computed */
} TFF_KNN_TABLE;

/* Where a neighbour came from (TFF_KNN_TABLE.src). */
enum { tffKNN_SRC_COMPUTED = 0, tffKNN_SRC_TOMTOM = 1, tffKNN_SRC_TOMTOM_SAME = 2 };

/* Comparison settings for tff_knn_Neighbours. */
typedef struct {
  TFF_CMP_CFG cmp;          /* metric field ignored: set per metric */
  int         metrics;      /* bit mask: 1<<tffKNN_ED | ... */
  int         kmax;         /* neighbours kept per query */
  int         nthreads;     /* 0: OpenMP default */
  int         leave_one_out;/* skip a reference motif with the query's id */
  const double *bg;         /* background for the comparison (NULL: uniform, RC-averaged) */
  TFF_PROGRESS *progress;   /* one unit per query and column score compared, or NULL */
} TFF_KNN_CFG;

void tff_knn_DefaultConfig(TFF_KNN_CFG *cfg);   /* web-server settings, all metrics, kmax 11 */

/* Function:  tff_knn_Neighbours()
 * Synopsis:  Compare every query with every reference motif; keep ranked neighbours.
 * Purpose:   The reference motifs are the comparison's target database (so
 *            E-values are p x the number of reference motifs, as a Tomtom run
 *            against the reference file). Queries run in parallel; the result
 *            does not depend on the number of threads.
 * Returns:   tffOK and *ret_T; tffEINVAL (a query wider than the comparison
 *            allows), tffEMEM.
 */
int  tff_knn_Neighbours(TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                        const TFF_KNN_CFG *cfg, TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_knn_NeighboursScore()
 * Synopsis:  As tff_knn_Neighbours(), under any one column score, in slot 0.
 * Purpose:   col is a tffCOL_* column score (tff_colcmp.h: ed, pearson, sandelin,
 *            kullback, allr); cfg->metrics is ignored. The neighbour lists go
 *            into slot 0 of the table (the ed slot), as one-metric tables of
 *            tff_knn_FromTomtomTSV() do: the combined model's extra column
 *            score (tff_combine.h, feature extra_nlp) is computed this way.
 * Returns:   tffOK and *ret_T; tffEINVAL (unknown col, a query too wide), tffEMEM.
 */
int  tff_knn_NeighboursScore(TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                             const TFF_KNN_CFG *cfg, int col, TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_knn_FromTomtomTSV()
 * Synopsis:  Neighbour lists from a Tomtom run's tomtom.tsv (or tffam-compare's).
 * Purpose:   Rows whose Query_ID is a query's id and whose Target_ID is a
 *            reference id become that query's neighbours under <metric>
 *            (Tomtom's TSV does not say which column score made it). Rows for
 *            unknown targets are an error (the TSV is from another database);
 *            '#' lines and the header are skipped.
 * Returns:   tffOK; tffENOTFOUND; tffEFORMAT (file and line in errbuf).
 */
int  tff_knn_FromTomtomTSV(const char *path, TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                           int metric, int kmax, int leave_one_out, TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_knn_ParseTomtomTSV()
 * Synopsis:  As tff_knn_FromTomtomTSV(), from a buffer; <name> is used in messages.
 * Purpose:   The entry point of the fuzz target (fuzz/fuzz_tomtom.c). A row whose
 *            offset or overlap is not a whole number within the motif width limit,
 *            or whose overlap is 0 or wider than its query, is an error.
 */
int  tff_knn_ParseTomtomTSV(const char *name, const char *data, size_t n, TFF_MOTIF *const *queries, int nq,
                            TFF_MOTIF *const *refs, int nref, int metric, int kmax, int leave_one_out,
                            TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_knn_ParseTomtomRows()
 * Synopsis:  The rows of a Tomtom TSV as neighbour lists, targets resolved by a callback.
 * Purpose:   The parser behind tff_knn_ParseTomtomTSV() and tff_tomtom (which
 *            maps targets of other JASPAR releases). target(ctx, path, lineno,
 *            Target_ID, &t, errbuf) sets t to a reference index, or to -1 to
 *            skip the row, and returns tffOK or an error (with its message).
 *            A reference motif is one neighbour of a query: a second row that
 *            resolves to it (two versions of a JASPAR matrix, a repeated row)
 *            keeps the better row (p-value, then E-value).
 *            *ret_nrows (if not NULL): rows used.
 */
typedef int tff_knn_target_fn(void *ctx, const char *path, long lineno, const char *target, int *ret_t, char *errbuf);
int  tff_knn_ParseTomtomRows(const char *path, const char *data, size_t n, TFF_MOTIF *const *queries, int nq,
                             TFF_MOTIF *const *refs, tff_knn_target_fn *target, void *ctx, int metric, int kmax,
                             int leave_one_out, int *ret_nrows, TFF_KNN_TABLE **ret_T, char *errbuf);

/* One row of a Tomtom TSV (tomtom.tsv, or tffam-compare's), its values checked. */
typedef struct {
  const char *query, *target;    /* Query_ID, Target_ID: valid during the callback */
  int         offset, overlap;   /* Optimal_offset, Overlap */
  int         strand;            /* Orientation: 0 '+', 1 '-' */
  double      pvalue, evalue, qvalue;
} TFF_TOMTOM_ROW;
typedef int tff_knn_row_fn(void *ctx, const char *path, long lineno, const TFF_TOMTOM_ROW *row, char *errbuf);

/* Function:  tff_knn_TomtomRows()
 * Synopsis:  The one reader of Tomtom's TSV: every data row, checked, to a callback.
 * Purpose:   data[0..n-1] must start (after '#' lines, blank lines and a
 *            UTF-8 byte order mark) with Tomtom's header (Query_ID,
 *            Target_ID, Optimal_offset, p-value, ...; or Tomtom 4's tomtom.txt
 *            header, "#Query ID", "Target ID", "Optimal offset", "p-value",
 *            ...); every other row has
 *            Tomtom's ten columns, p- and q-values in [0,1], a finite E-value
 *            >= 0, offset and overlap whole numbers within the motif width
 *            limit, the overlap at least 1, and an orientation '+' or '-'. fn(ctx, path, lineno, row, errbuf) is
 *            called on each row; a status other than tffOK stops the reading
 *            and is returned (fn wrote errbuf). fn NULL: the header only is
 *            checked (is this a Tomtom TSV at all?).
 * Returns:   tffOK; tffEFORMAT ("<path> line <n>: ..."); fn's status.
 */
int  tff_knn_TomtomRows(const char *path, const char *data, size_t n, tff_knn_row_fn *fn, void *ctx, char *errbuf);

/* Function:  tff_knn_table_Create()
 * Synopsis:  An empty table for nq queries, kmax neighbours, the metrics in the bit mask.
 */
int  tff_knn_table_Create(int nq, int kmax, unsigned metrics, TFF_KNN_TABLE **ret_T, char *errbuf);

/* Function:  tff_knn_Insert()
 * Synopsis:  Insert cand into a ranked list of *n (capacity kmax), in the
 *            neighbours' order (p-value, E-value, reference id), keeping the best kmax.
 */
void tff_knn_Insert(TFF_KNN_NB *list, int *n, int kmax, const TFF_KNN_NB *cand, TFF_MOTIF *const *refs);

void tff_knn_table_Destroy(TFF_KNN_TABLE *T);

/* 2. Votes */

/* Function:  tff_knn_First()
 * Synopsis:  Query q's first-ranked neighbour under metric m (smallest p-value).
 * Returns:   a pointer into T, or NULL when T lacks metric m or q has no neighbour under it.
 */
const TFF_KNN_NB *tff_knn_First(const TFF_KNN_TABLE *T, int m, int q);

/* Function:  tff_knn_Best()
 * Synopsis:  Query q's nearest reference motif under any metric T holds: the
 *            first-ranked neighbour with the smallest p-value (ties: the
 *            metric computed first, ed before pearson before sandelin).
 * Returns:   a pointer into T, or NULL when q has no neighbour under any metric.
 */
const TFF_KNN_NB *tff_knn_Best(const TFF_KNN_TABLE *T, int q);

/* Function:  tff_knn_Vote()
 * Synopsis:  The family call of query q at K under a metric or the ensemble.
 * Args:      refy   - family index of each reference motif (labels)
 *            nfam   - number of families
 *            share  - optional [nfam] output: fraction of the K votes per family
 *                     (ensemble: the mean over the three metrics)
 * Returns:   the family index, or -1 if the query has no neighbour.
 */
int  tff_knn_Vote(const TFF_KNN_TABLE *T, int q, int metric, int K, const int *refy, int nfam, double *share);

#endif /* TFF_KNN_INCLUDED */
