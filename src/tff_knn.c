/* tff_knn: nearest-neighbour family calls on the comparison core.
 *
 * Contents:
 *   1. Metric names and defaults
 *   2. Ranking (keeping the kmax best neighbours)
 *   3. Neighbours from the comparison core
 *   4. Neighbours from a Tomtom TSV
 *   5. Votes
 *   6. Unit tests (tffKNN_TESTDRIVE)
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_colcmp.h"
#include "tff_compare.h"
#include "tff_io.h"
#include "tff_io_internal.h"
#include "tff_knn.h"
#include "tff_util.h"

/*****************************************************************
 * 1. Metric names and defaults
 *****************************************************************/

static const char *metric_names[] = { "ed", "pearson", "sandelin", "ensemble" };
static const int   metric_colcmp[tffKNN_NMETRIC] = { tffCOL_ED, tffCOL_PEARSON, tffCOL_SANDELIN };

const char *tff_knn_MetricName(int m) { return (m >= 0 && m <= tffKNN_ENSEMBLE) ? metric_names[m] : "?"; }

int
tff_knn_MetricIndex(const char *name)
{
  for (int m = 0; m <= tffKNN_ENSEMBLE; m++)
    if (strcmp(name, metric_names[m]) == 0) return m;
  return -1;
}

void
tff_knn_DefaultConfig(TFF_KNN_CFG *cfg)
{
  tff_cmp_DefaultConfig(&cfg->cmp);
  cfg->cmp.min_overlap = 5;          /* the Tomtom web server's setting, which the thesis used */
  cfg->metrics  = (1 << tffKNN_ED) | (1 << tffKNN_PEARSON) | (1 << tffKNN_SANDELIN);
  cfg->kmax     = 11;
  cfg->nthreads = 0;
  cfg->leave_one_out = 0;
  cfg->bg       = NULL;
  cfg->progress = NULL;
}

static int
table_create(int nq, int kmax, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL;
  int            status;
  TFF_CALLOC(T, 1, sizeof *T);
  T->nq = nq;
  T->kmax = kmax;
  *ret_T = T;
  return tffOK;
 ERROR:
  *ret_T = NULL;
  return status;
}

static int
table_add_metric(TFF_KNN_TABLE *T, int m, char *errbuf)
{
  int status;
  TFF_CALLOC(T->nb[m],  (size_t) T->nq * (size_t) T->kmax, sizeof(TFF_KNN_NB));
  TFF_CALLOC(T->nnb[m], (size_t) T->nq, sizeof(int));
  T->have[m] = 1;
  return tffOK;
 ERROR:
  return status;
}

void
tff_knn_table_Destroy(TFF_KNN_TABLE *T)
{
  if (!T) return;
  for (int m = 0; m < tffKNN_NMETRIC; m++) { free(T->nb[m]); free(T->nnb[m]); free(T->src[m]); }
  free(T);
}

/*****************************************************************
 * 2. Ranking: p-value, then E-value, then reference id
 *****************************************************************/

static int
nb_better(const TFF_KNN_NB *a, const TFF_KNN_NB *b, TFF_MOTIF *const *refs)
{
  if (a->pvalue != b->pvalue) return a->pvalue < b->pvalue;
  if (a->evalue != b->evalue) return a->evalue < b->evalue;
  return strcmp(refs[a->ref]->id, refs[b->ref]->id) < 0;
}

/* Insert cand into the sorted list (length *n, capacity kmax), keeping the best kmax. */
static void
nb_insert(TFF_KNN_NB *list, int *n, int kmax, const TFF_KNN_NB *cand, TFF_MOTIF *const *refs)
{
  int pos = *n;
  if (*n == kmax && !nb_better(cand, &list[kmax - 1], refs)) return;
  while (pos > 0 && nb_better(cand, &list[pos - 1], refs)) pos--;
  int last = (*n < kmax) ? *n : kmax - 1;
  memmove(&list[pos + 1], &list[pos], sizeof(TFF_KNN_NB) * (size_t)(last - pos));
  list[pos] = *cand;
  if (*n < kmax) (*n)++;
}

void
tff_knn_Insert(TFF_KNN_NB *list, int *n, int kmax, const TFF_KNN_NB *cand, TFF_MOTIF *const *refs)
{
  nb_insert(list, n, kmax, cand, refs);
}

int
tff_knn_table_Create(int nq, int kmax, unsigned metrics, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL;
  int            status;
  TFF_CHECK(table_create(nq, kmax, &T, errbuf));
  for (int m = 0; m < tffKNN_NMETRIC; m++)
    if (metrics & (1u << m)) TFF_CHECK(table_add_metric(T, m, errbuf));
  *ret_T = T;
  return tffOK;
 ERROR:
  tff_knn_table_Destroy(T);
  *ret_T = NULL;
  return status;
}

/*****************************************************************
 * 3. Neighbours from the comparison core
 *****************************************************************/

/* One column score (col, a tffCOL_* metric) into slot m of T: all queries against the reference database. */
static int
neighbours_one_metric(TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                      const TFF_KNN_CFG *cfg, int m, int col, const double bg[4], TFF_KNN_TABLE *T, char *errbuf)
{
  TFF_CMP_DB *db = NULL;
  TFF_CMP_CFG cc = cfg->cmp;
  int         status = tffOK;
  char        first_err[TFF_ERRBUFSIZE] = "";

  cc.metric = col;
  TFF_CHECK(tff_cmp_db_Create((TFF_MOTIF **) refs, nref, NULL, bg, &cc, &db, errbuf));
  TFF_CHECK(table_add_metric(T, m, errbuf));

#ifdef _OPENMP
  int nthreads = cfg->nthreads > 0 ? cfg->nthreads : omp_get_max_threads();
#pragma omp parallel num_threads(nthreads)
#endif
  {
    TFF_CMP_WORK *work  = tff_cmp_work_Create(db);
    TFF_CMP_HIT  *hits  = malloc(sizeof(TFF_CMP_HIT) * (size_t) db->nhits);
    int          *cand  = malloc(sizeof(int) * (size_t) db->n);
    int          *skip  = malloc(sizeof(int) * (size_t) db->n);
    char          ebuf[TFF_ERRBUFSIZE];
    int           local = (work && hits && cand && skip) ? tffOK : tffEMEM;

    if (local != tffOK) snprintf(ebuf, sizeof ebuf, "out of memory");
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 4)
#endif
    for (int q = 0; q < nq; q++) {
      TFF_CMP_MOTIF qm;
      if (local != tffOK) continue;
      if (queries[q]->w > TFF_CMP_MAX_QUERY_W) {   /* Tomtom skips it: no neighbours (its step is done) */
        T->nnb[m][q] = 0;
        tff_progress_Add(cfg->progress, 1);
        continue;
      }
      if ((local = tff_cmp_PrepareMotif(queries[q], db->bg, cc.pseudo, &qm, ebuf)) != tffOK) continue;
      /* only the kmax nearest count: their p-values, not every target's
       * (tff_cmp_QueryTop(); the list is the same as from every target's) */
      int nskip = 0, ncand = 0;
      if (cfg->leave_one_out)
        for (int t = 0; t < nref; t++) if (strcmp(refs[t]->id, queries[q]->id) == 0) skip[nskip++] = t;
      local = tff_cmp_QueryTop(db, &qm, work, T->kmax, skip, nskip, hits, cand, &ncand, ebuf);
      tff_cmp_motif_Free(&qm);
      if (local != tffOK) {
        char tmp[TFF_ERRBUFSIZE];
        memcpy(tmp, ebuf, sizeof tmp);
        snprintf(ebuf, sizeof ebuf, "query motif %.200s: %.700s", queries[q]->id, tmp);
        continue;
      }
      TFF_KNN_NB *list = T->nb[m] + (size_t) q * (size_t) T->kmax;
      int         n    = 0;
      for (int i = 0; i < ncand; i++) {
        TFF_CMP_HIT b;
        tff_cmp_BestOfTarget(db, hits, cand[i], &b);
        TFF_KNN_NB nb = { cand[i], b.strand, b.offset, b.overlap, b.pvalue, b.evalue };
        nb_insert(list, &n, T->kmax, &nb, refs);
      }
      T->nnb[m][q] = n;
      tff_progress_Add(cfg->progress, 1);
    }
    if (local != tffOK) {
#ifdef _OPENMP
#pragma omp critical
#endif
      { if (status == tffOK) { status = local; memcpy(first_err, ebuf, sizeof first_err); } }
    }
    tff_cmp_work_Destroy(work);
    free(hits);
    free(cand);
    free(skip);
  }
  if (status != tffOK) { tff_Fail(errbuf, status, "%s", first_err); goto ERROR; }
  tff_cmp_db_Destroy(db);
  return tffOK;
 ERROR:
  tff_cmp_db_Destroy(db);
  return status;
}

/* The neighbour table of the slots m set in `slots`, slot m from column score
 * col[m] (the work of tff_knn_Neighbours() and tff_knn_NeighboursScore()).
 * The checks come in their old order: references, K, column scores. */
static int
neighbours_table(TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref, const TFF_KNN_CFG *cfg,
                 unsigned slots, const int *col, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_KNN_TABLE *T = NULL;
  double         bg[4], filebg[4];
  int            status;

  *ret_T = NULL;
  if (nref < 1) TFF_FAIL(tffEINVAL, errbuf, "the reference set is empty");
  if (cfg->kmax < 1) TFF_FAIL(tffEINVAL, errbuf, "K must be at least 1");
  if (cfg->bg) memcpy(filebg, cfg->bg, sizeof filebg);
  else         tff_bg_Uniform(filebg);
  tff_cmp_Background(filebg, bg);
  for (int m = 0; m < tffKNN_NMETRIC; m++)
    if ((slots & (1u << m)) && (col[m] < 0 || col[m] >= TFF_COLCMP_NMETRICS))
      TFF_FAIL(tffEINVAL, errbuf, "unknown column score %d", col[m]);
  TFF_CHECK(table_create(nq, cfg->kmax, &T, errbuf));
  for (int m = 0; m < tffKNN_NMETRIC; m++)
    if (slots & (1u << m))
      TFF_CHECK(neighbours_one_metric(queries, nq, refs, nref, cfg, m, col[m], bg, T, errbuf));
  *ret_T = T;
  return tffOK;
 ERROR:
  tff_knn_table_Destroy(T);
  return status;
}

int
tff_knn_Neighbours(TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                   const TFF_KNN_CFG *cfg, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  return neighbours_table(queries, nq, refs, nref, cfg, (unsigned) cfg->metrics, metric_colcmp, ret_T, errbuf);
}

int
tff_knn_NeighboursScore(TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                        const TFF_KNN_CFG *cfg, int col, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  return neighbours_table(queries, nq, refs, nref, cfg, 1u, &col, ret_T, errbuf);
}

/*****************************************************************
 * 4. Neighbours from a Tomtom TSV
 *****************************************************************/

int
tff_knn_FromTomtomTSV(const char *path, TFF_MOTIF *const *queries, int nq, TFF_MOTIF *const *refs, int nref,
                      int metric, int kmax, int leave_one_out, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_BUF buf;
  int     status;

  *ret_T = NULL;
  if (metric < 0 || metric >= tffKNN_NMETRIC) return tff_Fail(errbuf, tffEINVAL, "a Tomtom TSV gives one metric: ed, pearson or sandelin");
  if ((status = tff_io_SlurpKind(path, "Tomtom TSV", &buf, errbuf)) != tffOK) return status;
  status = tff_knn_ParseTomtomTSV(path, buf.s, buf.n, queries, nq, refs, nref, metric, kmax, leave_one_out, ret_T, errbuf);
  tff_buf_Free(&buf);
  return status;
}

/* The exact resolver of tff_knn_ParseTomtomTSV(): a target is a reference id or an error. */
static int
exact_target(void *ctx, const char *path, long lineno, const char *target, int *ret_t, char *errbuf)
{
  if ((*ret_t = tff_strmap_Get((const TFF_STRMAP *) ctx, target)) < 0)
    return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: target %s is not in the reference set (was Tomtom run against another database?)",
                    path, lineno, target);
  return tffOK;
}

int
tff_knn_ParseTomtomTSV(const char *path, const char *data, size_t n, TFF_MOTIF *const *queries, int nq,
                       TFF_MOTIF *const *refs, int nref, int metric, int kmax, int leave_one_out,
                       TFF_KNN_TABLE **ret_T, char *errbuf)
{
  TFF_STRMAP   rmap = {0};
  const char **keys = NULL;
  int          status;

  *ret_T = NULL;
  if (metric < 0 || metric >= tffKNN_NMETRIC) TFF_FAIL(tffEINVAL, errbuf, "a Tomtom TSV gives one metric: ed, pearson or sandelin");
  TFF_ALLOC(keys, sizeof(char *) * (size_t) nref);
  for (int i = 0; i < nref; i++) keys[i] = refs[i]->id;
  TFF_CHECK(tff_strmap_Build(&rmap, keys, nref, errbuf));
  status = tff_knn_ParseTomtomRows(path, data, n, queries, nq, refs, exact_target, &rmap, metric, kmax, leave_one_out, NULL, ret_T, errbuf);
 ERROR:
  free(keys);
  tff_strmap_Free(&rmap);
  return status;
}

/* Tomtom's header line, split: Tomtom 5's tomtom.tsv (Query_ID, Target_ID,
 * Optimal_offset, p-value, ...) or Tomtom 4's tomtom.txt, the same ten columns
 * under names with spaces after a '#' (#Query ID, Target ID, Optimal offset,
 * p-value, ...). */
static int
tomtom_header(char *const *f, int nf)
{
  if (nf < 10 || strcmp(f[3], "p-value") != 0) return 0;
  return (strcmp(f[0], "Query_ID") == 0 && strcmp(f[1], "Target_ID") == 0) ||
         (strcmp(f[0], "#Query ID") == 0 && strcmp(f[1], "Target ID") == 0 && strcmp(f[2], "Optimal offset") == 0);
}

int
tff_knn_TomtomRows(const char *path, const char *data, size_t n, tff_knn_row_fn *fn, void *ctx, char *errbuf)
{
  TFF_LINES L;
  int       status, r, seen_header = 0;

  tff_lines_Init(&L, "", 0);
  if (memchr(data, '\0', n) != NULL) TFF_FAIL(tffEFORMAT, errbuf, "%s: binary data (a NUL byte); expected a Tomtom TSV", path);
  { size_t b = tff_BomLength(data, n); data += b; n -= b; }   /* a UTF-8 byte order mark */
  tff_lines_Init(&L, data, n);
  while ((r = tff_lines_Next(&L)) != 0) {
    char          *f[11];
    int            nf;
    TFF_TOMTOM_ROW row;
    double         off, ovl;
    if (r < 0) TFF_FAIL(tffEMEM, errbuf, "out of memory");
    /* '#' lines are comments, but for Tomtom 4's header, "#Query ID\tTarget ID\t..." */
    if (L.line[0] == '\0' || (L.line[0] == '#' && (seen_header || strncmp(L.line, "#Query ID\t", 10) != 0))) continue;
    nf = tff_SplitTabs(L.line, f, 11, 0);
    if (!seen_header) {
      if (!tomtom_header(f, nf))
        TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: not a Tomtom TSV (expected the header Query_ID, Target_ID, Optimal_offset, p-value, ...)", path, L.lineno);
      seen_header = 1;
      if (!fn) break;   /* the header only */
      continue;
    }
    if (nf != 10) TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: %d columns; a Tomtom TSV row has 10", path, L.lineno, nf);
    /* Every row's values are checked, used or not: p- and q-values in [0, 1],
     * E-values finite and >= 0 (a negative one passed any -evalue-thresh). */
    if (tff_io_ParseDouble(f[3], &row.pvalue) != 0 || !(row.pvalue >= 0 && row.pvalue <= 1))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: p-value '%.40s' is not a number in [0,1]", path, L.lineno, f[3]);
    if (tff_io_ParseDouble(f[4], &row.evalue) != 0 || !(row.evalue >= 0 && isfinite(row.evalue)))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: E-value '%.40s' is not a finite number >= 0", path, L.lineno, f[4]);
    if (tff_io_ParseDouble(f[5], &row.qvalue) != 0 || !(row.qvalue >= 0 && row.qvalue <= 1))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: q-value '%.40s' is not a number in [0,1]", path, L.lineno, f[5]);
    if (tff_io_ParseDouble(f[2], &off) != 0 || tff_io_ParseDouble(f[6], &ovl) != 0 ||
        !(strcmp(f[9], "+") == 0 || strcmp(f[9], "-") == 0) ||
        !(fabs(off) <= TFF_MAX_MOTIF_WIDTH) || !(ovl >= 0 && ovl <= TFF_MAX_MOTIF_WIDTH))
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: bad number or orientation in a Tomtom row", path, L.lineno);
    /* Tomtom's offset and overlap are whole columns, and an alignment overlaps by one at least */
    if (off != floor(off) || ovl != floor(ovl) || ovl < 1)
      TFF_FAIL(tffEFORMAT, errbuf, "%s line %ld: offset '%.40s' and overlap '%.40s' must be whole numbers, the overlap at least 1",
               path, L.lineno, f[2], f[6]);
    row.query = f[0]; row.target = f[1];
    row.offset = (int) off; row.overlap = (int) ovl; row.strand = (f[9][0] == '-');
    TFF_CHECK(fn(ctx, path, L.lineno, &row, errbuf));
  }
  if (!seen_header) TFF_FAIL(tffEFORMAT, errbuf, "%s: empty; expected a Tomtom TSV", path);
  status = tffOK;
 ERROR:
  tff_lines_Free(&L);
  return status;
}

/* What tff_knn_ParseTomtomRows() keeps between rows. */
typedef struct {
  TFF_KNN_TABLE     *T;
  TFF_STRMAP         qmap;
  TFF_MOTIF *const  *queries;
  TFF_MOTIF *const  *refs;
  tff_knn_target_fn *target;
  void              *tctx;
  int                metric, kmax, leave_one_out;
  int                nrows, ndata, nmatch;
  char               first_query[64];
} NB_ROWS;

static int
nb_row(void *ctx, const char *path, long lineno, const TFF_TOMTOM_ROW *row, char *errbuf)
{
  NB_ROWS   *c = ctx;
  TFF_KNN_NB cand;
  int        status, t;
  if (c->ndata++ == 0) snprintf(c->first_query, sizeof c->first_query, "%s", row->query);
  int q = tff_strmap_Get(&c->qmap, row->query);
  if (q < 0) return tffOK;   /* a query we were not asked about (-m selection) */
  c->nmatch++;
  if (row->overlap > c->queries[q]->w)   /* the overlap is of the query's columns */
    return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: overlap %d, but query %s has %d columns (was Tomtom run on another motif file?)",
                    path, lineno, row->overlap, row->query, c->queries[q]->w);
  {   /* query column i aligns with target column i + offset (doc/compare.md): the target can
       * start at most w-1 columns into the query, and the columns aligned are those from
       * max(0, -offset) on. The target's side is not checked: the reference motif a row
       * resolves to may be another version of the target, of another width. */
    const int w = c->queries[q]->w, first = row->offset < 0 ? -row->offset : 0;
    if (row->offset < 1 - w || row->overlap > w - first)
      return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: offset %d and overlap %d do not fit query %s of %d columns "
                      "(Tomtom's offsets run from %d; was Tomtom run on another motif file?)",
                      path, lineno, row->offset, row->overlap, row->query, w, 1 - w);
  }
  if ((status = c->target(c->tctx, path, lineno, row->target, &t, errbuf)) != tffOK) return status;
  if (t < 0) return tffOK;   /* the resolver skips it */
  if (c->leave_one_out && strcmp(row->query, c->refs[t]->id) == 0) return tffOK;
  cand.ref = t; cand.offset = row->offset; cand.overlap = row->overlap; cand.strand = row->strand;
  cand.pvalue = row->pvalue; cand.evalue = row->evalue;
  {   /* A reference motif is one neighbour: a second row for it (a database with several
       * versions of one JASPAR matrix, MA0018.4 and MA0018.5, both standing for the
       * reference's MA0018.5; or two runs concatenated) keeps the better of the two. */
    TFF_KNN_NB *list = c->T->nb[c->metric] + (size_t) q * (size_t) c->kmax;
    int        *n    = &c->T->nnb[c->metric][q], j;
    for (j = 0; j < *n && list[j].ref != t; j++) ;
    if (j < *n) {
      if (!nb_better(&cand, &list[j], c->refs)) { c->nrows++; return tffOK; }
      memmove(&list[j], &list[j + 1], sizeof(TFF_KNN_NB) * (size_t) (*n - j - 1));
      (*n)--;
    }
  }
  nb_insert(c->T->nb[c->metric] + (size_t) q * (size_t) c->kmax, &c->T->nnb[c->metric][q], c->kmax, &cand, c->refs);
  c->nrows++;
  return tffOK;
}

int
tff_knn_ParseTomtomRows(const char *path, const char *data, size_t n, TFF_MOTIF *const *queries, int nq,
                        TFF_MOTIF *const *refs, tff_knn_target_fn *target, void *ctx, int metric, int kmax,
                        int leave_one_out, int *ret_nrows, TFF_KNN_TABLE **ret_T, char *errbuf)
{
  NB_ROWS      c = { .queries = queries, .refs = refs, .target = target, .tctx = ctx, .metric = metric, .kmax = kmax, .leave_one_out = leave_one_out };
  const char **keys = NULL;
  int          status;

  *ret_T = NULL;
  if (metric < 0 || metric >= tffKNN_NMETRIC) TFF_FAIL(tffEINVAL, errbuf, "a Tomtom TSV gives one metric: ed, pearson or sandelin");
  if (kmax < 1) TFF_FAIL(tffEINVAL, errbuf, "kmax must be at least 1");
  TFF_CHECK(table_create(nq, kmax, &c.T, errbuf));
  TFF_CHECK(table_add_metric(c.T, metric, errbuf));
  TFF_ALLOC(keys, sizeof(char *) * (size_t) nq);
  for (int i = 0; i < nq; i++) keys[i] = queries[i]->id;
  TFF_CHECK(tff_strmap_Build(&c.qmap, keys, nq, errbuf));
  TFF_CHECK(tff_knn_TomtomRows(path, data, n, nb_row, &c, errbuf));
  if (c.ndata > 0 && c.nmatch == 0)
    TFF_FAIL(tffEFORMAT, errbuf, "%s: none of its %d rows is about a query motif (Query_ID '%s' and the others are not the queries' ids: was Tomtom run on another motif file?)",
             path, c.ndata, c.first_query);
  free(keys);
  tff_strmap_Free(&c.qmap);
  if (ret_nrows) *ret_nrows = c.nrows;
  *ret_T = c.T;
  return tffOK;
 ERROR:
  free(keys);
  tff_strmap_Free(&c.qmap);
  tff_knn_table_Destroy(c.T);
  return status;
}

/*****************************************************************
 * 5. Votes
 *****************************************************************/

static int
vote_one(const TFF_KNN_TABLE *T, int q, int m, int K, const int *refy, int nfam, double *share)
{
  const TFF_KNN_NB *list = T->nb[m] + (size_t) q * (size_t) T->kmax;
  int               n    = T->nnb[m][q] < K ? T->nnb[m][q] : K;
  int               best = -1, bestcount = 0;
  int               counts[n > 0 ? n : 1], fams[n > 0 ? n : 1], nf = 0;

  if (share) for (int f = 0; f < nfam; f++) share[f] = 0.0;
  if (n == 0) return -1;
  /* Families in order of their nearest member; counts per family. */
  for (int r = 0; r < n; r++) {
    int fam = refy[list[r].ref], k;
    if (fam < 0) continue;   /* an unlabelled reference motif casts no vote */
    for (k = 0; k < nf && fams[k] != fam; k++) ;
    if (k == nf) { fams[nf] = fam; counts[nf++] = 0; }
    counts[k]++;
  }
  /* Strictly more votes wins; on a tie the family met first (nearest member) stays. */
  for (int k = 0; k < nf; k++)
    if (counts[k] > bestcount) { bestcount = counts[k]; best = fams[k]; }
  if (share) for (int k = 0; k < nf; k++) share[fams[k]] = (double) counts[k] / n;
  return best;
}

const TFF_KNN_NB *
tff_knn_First(const TFF_KNN_TABLE *T, int m, int q)
{
  return (T->have[m] && T->nnb[m][q] > 0) ? &T->nb[m][(size_t) q * T->kmax] : NULL;
}

const TFF_KNN_NB *
tff_knn_Best(const TFF_KNN_TABLE *T, int q)
{
  const TFF_KNN_NB *best = NULL, *x;
  for (int m = 0; m < tffKNN_NMETRIC; m++)
    if ((x = tff_knn_First(T, m, q)) && (!best || x->pvalue < best->pvalue)) best = x;
  return best;
}

int
tff_knn_Vote(const TFF_KNN_TABLE *T, int q, int metric, int K, const int *refy, int nfam, double *share)
{
  if (metric != tffKNN_ENSEMBLE) {
    if (metric < 0 || metric >= tffKNN_NMETRIC || !T->have[metric]) return -1;
    return vote_one(T, q, metric, K, refy, nfam, share);
  }
  int    call[tffKNN_NMETRIC];
  double tmp[nfam > 0 ? nfam : 1];
  if (share) for (int f = 0; f < nfam; f++) share[f] = 0.0;
  for (int m = 0; m < tffKNN_NMETRIC; m++) {
    if (!T->have[m]) return -1;   /* the ensemble needs all three */
    call[m] = vote_one(T, q, m, K, refy, nfam, tmp);
    if (share) for (int f = 0; f < nfam; f++) share[f] += tmp[f] / tffKNN_NMETRIC;
  }
  if (call[tffKNN_PEARSON] == call[tffKNN_SANDELIN] && call[tffKNN_PEARSON] >= 0) return call[tffKNN_PEARSON];
  return call[tffKNN_ED];   /* ed agrees with one of the others, or a three-way split */
}

/*****************************************************************
 * 6. Unit tests
 *****************************************************************/
#ifdef tffKNN_TESTDRIVE
#include "tff_utest.h"

/* Votes on a hand-made table: 1 query, 5 neighbours per metric. */
static void
utest_votes(void)
{
  TFF_KNN_TABLE T;
  TFF_KNN_NB    nb[3][5];
  int           nnb[3] = { 5, 5, 5 };
  /* reference i has family refy[i] */
  int           refy[6] = { 0, 1, 1, 2, 0, 2 };
  /* neighbour order (reference indices) per metric */
  int           order[3][5] = { { 0, 1, 2, 3, 4 },    /* ed: fam 0,1,1,2,0 */
                                { 3, 5, 0, 1, 2 },    /* pearson: 2,2,0,1,1 */
                                { 1, 0, 3, 4, 5 } };  /* sandelin: 1,0,2,0,2 */
  double        share[3];

  memset(&T, 0, sizeof T);
  T.nq = 1; T.kmax = 5;
  for (int m = 0; m < 3; m++) {
    for (int r = 0; r < 5; r++) { memset(&nb[m][r], 0, sizeof nb[m][r]); nb[m][r].ref = order[m][r]; }
    T.nb[m] = nb[m]; T.nnb[m] = &nnb[m]; T.have[m] = 1;
  }
  if (tff_knn_Vote(&T, 0, tffKNN_ED, 1, refy, 3, share) != 0 || share[0] != 1.0) TFF_UFAIL("K=1");
  /* K=2: fam 0 and 1 tie 1-1; the nearest (rank 0, fam 0) wins */
  if (tff_knn_Vote(&T, 0, tffKNN_ED, 2, refy, 3, share) != 0 || share[1] != 0.5) TFF_UFAIL("tie -> nearest");
  /* K=3: 1 has two votes */
  if (tff_knn_Vote(&T, 0, tffKNN_ED, 3, refy, 3, NULL) != 1) TFF_UFAIL("majority");
  /* K=5: fam0 2, fam1 2, fam2 1: tie between 0 and 1, nearest is fam 0 */
  if (tff_knn_Vote(&T, 0, tffKNN_ED, 5, refy, 3, share) != 0 || fabs(share[2] - 0.2) > 1e-15) TFF_UFAIL("K=5 tie");
  /* ensemble at K=1: ed 0, pearson 2, sandelin 1: three-way split -> ed's call */
  if (tff_knn_Vote(&T, 0, tffKNN_ENSEMBLE, 1, refy, 3, share) != 0) TFF_UFAIL("three-way split");
  if (fabs(share[0] - 1.0 / 3) > 1e-15 || fabs(share[1] - 1.0 / 3) > 1e-15) TFF_UFAIL("ensemble shares");
  /* ensemble at K=3: ed 1 (0,1,1), pearson 2 (2,2,0), sandelin 1 (1,0,2 tie -> 1): 1 */
  if (tff_knn_Vote(&T, 0, tffKNN_ENSEMBLE, 3, refy, 3, NULL) != 1) TFF_UFAIL("ensemble majority");
  /* K larger than the list uses what there is */
  nnb[0] = 2;
  if (tff_knn_Vote(&T, 0, tffKNN_ED, 9, refy, 3, share) != 0 || share[0] != 0.5) TFF_UFAIL("short list");
  nnb[0] = 0;
  if (tff_knn_Vote(&T, 0, tffKNN_ED, 1, refy, 3, share) != -1) TFF_UFAIL("no neighbour");
}

static void
utest_insert(void)
{
  TFF_MOTIF  m[4];
  TFF_MOTIF *refs[4] = { &m[0], &m[1], &m[2], &m[3] };
  char      *ids[4] = { "d", "c", "b", "a" };
  double     p[4] = { 0.5, 0.1, 0.1, 0.9 };
  TFF_KNN_NB list[3];
  int        n = 0;
  for (int i = 0; i < 4; i++) {
    TFF_KNN_NB c = { i, 0, 0, 0, p[i], p[i] * 4 };
    m[i].id = ids[i];
    nb_insert(list, &n, 3, &c, refs);
  }
  /* p ties between "c" (1) and "b" (2): b first by id */
  if (n != 3 || list[0].ref != 2 || list[1].ref != 1 || list[2].ref != 0) TFF_UFAIL("ranking");
}

/* tff_knn_NeighboursScore: under ed it equals tff_knn_Neighbours' ed slot exactly;
 * under kullback the lists are ranked by p-value; an unknown score is refused. */
static void
utest_score(void)
{
  enum { N = 6 };
  TFF_MOTIF     *m[N] = { NULL };
  TFF_KNN_TABLE *T = NULL, *U = NULL, *X = NULL;
  TFF_KNN_CFG    cfg;
  char           errbuf[TFF_ERRBUFSIZE], id[16];
  uint32_t       r = 12345;
  for (int i = 0; i < N; i++) {
    snprintf(id, sizeof id, "m%d", i);
    if (tff_motif_Create(id, NULL, 6 + i % 3, &m[i], errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int c = 0; c < m[i]->w; c++) {
      double sum = 0.0;
      for (int a = 0; a < 4; a++) { r = r * 1103515245u + 12345u; m[i]->p[c * 4 + a] = 0.05 + (double) ((r >> 16) % 1000); sum += m[i]->p[c * 4 + a]; }
      for (int a = 0; a < 4; a++) m[i]->p[c * 4 + a] /= sum;
    }
    m[i]->nsites = 20;
  }
  tff_knn_DefaultConfig(&cfg);
  cfg.kmax = 4;
  cfg.leave_one_out = 1;
  if (tff_knn_Neighbours(m, N, m, N, &cfg, &T, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (tff_knn_NeighboursScore(m, N, m, N, &cfg, tffCOL_ED, &U, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (!U->have[0] || U->have[1] || U->have[2]) TFF_UFAIL("score table slots");
  for (int q = 0; q < N; q++) {
    if (U->nnb[0][q] != T->nnb[0][q] || U->nnb[0][q] != 4) TFF_UFAIL("score table length");
    if (memcmp(U->nb[0] + q * 4, T->nb[0] + q * 4, sizeof(TFF_KNN_NB) * 4) != 0) TFF_UFAIL("ed by score differs from ed");
  }
  if (tff_knn_NeighboursScore(m, N, m, N, &cfg, tffCOL_KULLBACK, &X, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  for (int q = 0; q < N; q++)
    for (int k = 1; k < X->nnb[0][q]; k++)
      if (X->nb[0][q * 4 + k].pvalue < X->nb[0][q * 4 + k - 1].pvalue || X->nb[0][q * 4 + k].ref == q) TFF_UFAIL("kullback ranking");
  tff_knn_table_Destroy(X); X = NULL;
  if (tff_knn_NeighboursScore(m, N, m, N, &cfg, 99, &X, errbuf) != tffEINVAL || X != NULL) TFF_UFAIL("unknown score accepted");
  tff_knn_table_Destroy(T);
  tff_knn_table_Destroy(U);
  for (int i = 0; i < N; i++) tff_motif_Destroy(m[i]);
}

/* Progress: one step per query and column score, the queries wider than
 * Tomtom's limit (skipped: no neighbours) included, so that a run ends at
 * "N of N done". They were not counted: 30 such queries among the 2113 left
 * tffam at 6339 of 6429. An independent check. */
static void
utest_progress(void)
{
  enum { N = 4 };
  TFF_MOTIF     *m[N] = { NULL };
  TFF_KNN_TABLE *T = NULL;
  TFF_KNN_CFG    cfg;
  TFF_PROGRESS   P;
  char           errbuf[TFF_ERRBUFSIZE], id[16];
  FILE          *fp = tmpfile();
  if (fp == NULL) TFF_UFAIL("tmpfile");
  for (int i = 0; i < N; i++) {
    const int w = i == 2 ? TFF_CMP_MAX_QUERY_W + 1 : 5 + i;
    snprintf(id, sizeof id, "p%d", i);
    if (tff_motif_Create(id, NULL, w, &m[i], errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
    for (int c = 0; c < w; c++)
      for (int a = 0; a < 4; a++) m[i]->p[c * 4 + a] = (a == (c + i) % 4) ? 0.7 : 0.1;
    m[i]->nsites = 20;
  }
  tff_knn_DefaultConfig(&cfg);
  cfg.kmax     = 2;
  cfg.progress = &P;
  tff_progress_Start(&P, fp, 2, "tff_knn_utest", "comparing", 3L * N);   /* mode 2: counted without a terminal */
  if (tff_knn_Neighbours(m, N, m, N, &cfg, &T, errbuf) != tffOK) TFF_UFAIL("%s", errbuf);
  if (T->nnb[0][2] != 0 || T->nnb[0][0] == 0) TFF_UFAIL("the wide query has neighbours, or another has none");
  if (P.done != P.total) TFF_UFAIL("progress: %ld of %ld steps counted", P.done, P.total);
  tff_progress_End(&P);
  tff_knn_table_Destroy(T);
  for (int i = 0; i < N; i++) tff_motif_Destroy(m[i]);
  fclose(fp);
}

/* tff_knn_Best: the smallest first-ranked p-value over the metrics held; ties
 * go to the first metric; metrics not computed and empty lists are skipped. */
static void
utest_best(void)
{
  TFF_KNN_TABLE T;
  TFF_KNN_NB    nb[3][2];
  int           ned[2] = { 1, 0 }, npearson[2] = { 0, 0 }, nsandelin[2] = { 1, 0 };   /* per query */
  memset(&T, 0, sizeof T);
  memset(nb, 0, sizeof nb);
  T.nq = 2; T.kmax = 1;
  for (int m = 0; m < 3; m++) { T.nb[m] = nb[m]; T.have[m] = 1; }
  T.nnb[0] = ned; T.nnb[1] = npearson; T.nnb[2] = nsandelin;
  nb[0][0].pvalue = 1e-3; nb[0][0].ref = 7;      /* ed */
  nb[1][0].pvalue = 1e-9; nb[1][0].ref = 8;      /* pearson: listed but its count is 0 */
  nb[2][0].pvalue = 1e-5; nb[2][0].ref = 9;      /* sandelin */
  if (tff_knn_Best(&T, 0) != &nb[2][0]) TFF_UFAIL("best: smallest p over the metrics");
  if (tff_knn_Best(&T, 1) != NULL) TFF_UFAIL("best: no neighbour");
  nb[2][0].pvalue = 1e-3;
  if (tff_knn_Best(&T, 0) != &nb[0][0]) TFF_UFAIL("best: a tie goes to the first metric");
  T.have[0] = 0;
  if (tff_knn_Best(&T, 0) != &nb[2][0]) TFF_UFAIL("best: a metric not computed is skipped");
}

int
main(int argc, char **argv)
{
  tff_utest_Init(argc, argv, "tff_knn_utest", NULL);
  utest_best();
  utest_votes();
  utest_insert();
  utest_score();
  utest_progress();
  return tff_utest_Done();
}
#endif /* tffKNN_TESTDRIVE */
