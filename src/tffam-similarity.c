/* tffam-similarity: the motif-similarity analysis of the thesis (Fig. 5).
 *
 *   tffam-similarity [options] <motif file> <labels.tsv>
 *
 * 1. Similarity. Every motif is compared with every motif (Tomtom-exact core,
 *    tff_compare.h; the run equals `tomtom -dist ed -thresh 1 M M`: the motif
 *    file's background, both strands, q-values from Tomtom's random stream in
 *    query order; a motif wider than 100 columns is a target only, as Tomtom
 *    skips such queries: its row is 0). S[i][j] = -log10(q) of query i against target j, the q-value
 *    of the better strand (the row Tomtom's tomtom.tsv reports), q taken as
 *    printed (float) and floored at 1e-300 (S <= 300). S is directed (q-values
 *    depend on the query's p-value distribution). With -tomtom FILE the q-values
 *    are read from a tomtom.tsv instead (gzipped or not; tff_knn_TomtomRows():
 *    Tomtom's header and ten columns); pairs missing from it count as q = 1
 *    (a run whose command line shows a threshold under which a missing pair
 *    could overlap is refused).
 * 2. Family overlap. For families A, B: the share of ordered motif pairs
 *    (i in A, j in B, i != j) with S[i][j] > -threshold (0.05), counted in both
 *    directions, so O[A][B] = O[B][A] = (c(A,B) + c(B,A)) / (2 nA nB) for A != B,
 *    and O[A][A] = c(A,A) / (nA (nA - 1)) (self-comparisons excluded; NA if
 *    nA = 1).
 * 3. Per-family statistics: intra = O[A][A]; the 19 (F-1) inter-family values
 *    O[A][B], B != A, summarised by mean, median, max, SD, IQR, skewness,
 *    kurtosis (definitions in tff_stats.h: sample SD, type-7 quantiles,
 *    population skewness g1 and population EXCESS kurtosis g2).
 * 4. Regression. For each classifier given (-knn, -cnn): per-family accuracy
 *    = b0 + b1 intra + b2 mean + ... + b8 kurtosis, ordinary least squares by
 *    Householder QR (tff_stats.h); R^2 and adjusted R^2 (8 predictors).
 *    Families with NA statistics are left out (and said so).
 *
 * Accuracy files: tab-separated; '#' lines and blank lines skipped; either a
 * header with a "family" column and an "accuracy" or (else) "recall" column
 * (tffam-eval's knn_families.tsv, tffam-train -cv's cv_families.tsv: recall
 * is the per-family accuracy), or headerless lines "family<TAB>accuracy".
 *
 * Output directory (-o/-oc, default tffam_similarity_out):
 *   similarity.tsv.gz    S, rows and columns sorted by family (row = query)
 *   similarity.png       S as an image, one pixel per pair, clipped at -clip
 *   family_overlap.tsv   O
 *   family_pairs.tsv     inter-family pairs, most overlapping first
 *   family_stats.tsv     the per-family predictors and accuracies
 *   regression.tsv       coefficients, R^2, adjusted R^2 per classifier
 *   similarity.html      both heatmaps and the regression tables
 */
#include <config.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "tff_colcmp.h"
#include "tff_compare.h"
#include "tff_io.h"
#include "tff_knn.h"
#include "tff_labels.h"
#include "tff_motif.h"
#include "tff_opts.h"
#include "tff_outdir.h"
#include "tff_qvalue.h"
#include "tff_stats.h"
#include "tff_tomtom.h"
#include "tff_util.h"

static const TFF_OPTDEF sim_opts[] = {
  { "o",           tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",   NULL, "oc: give one output directory", "output directory; refuse to overwrite it" },
  { "oc",          tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<dir>",   NULL, NULL, "output directory; if it exists, only this program's files in it are replaced; refused while another run writes it (default: tffam_similarity_out)" },
  { "knn",         tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>",  NULL, NULL, "per-family KNN accuracies (knn_families.tsv or family<TAB>accuracy)" },
  { "cnn",         tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>",  NULL, NULL, "per-family conv-net accuracies (tffam-train -cv's cv_families.tsv or family<TAB>accuracy)" },
  { "dist",        tffOPT_STRING, "ed",   NULL, NULL,  "ed|pearson|sandelin|kullback|allr", "<metric>", NULL, NULL, "Tomtom column metric (with -tomtom: the file's, which its command line names; -dist must agree)" },
  { "min-overlap", tffOPT_INT,    "1",    "1",  "100", NULL, "<n>",     NULL, "tomtom: the Tomtom run's own -min-overlap made its q-values", "Tomtom's minimum overlap" },
  { "tomtom",      tffOPT_STRING, NULL,   NULL, NULL,  NULL, "<file>",  NULL, NULL, "read q-values from this tomtom.tsv (all-vs-all, -thresh 1: a run with a lower threshold, or -evalue, is refused when its missing pairs could overlap) instead of comparing" },
  { "threshold",   tffOPT_REAL,   "0.05", "0",  NULL,  NULL, "<s>",     NULL, NULL, "similarity above which a pair overlaps" },
  { "clip",        tffOPT_REAL,   "99",   "1",  "100", NULL, "<pct>",   NULL, NULL, "percentile of the off-diagonal similarities the heatmap is clipped at" },
  TFF_OPTS_THREADS("threads (0: OpenMP's default); results do not depend on it"),
  TFF_OPTS_VERBOSITY("1: errors only; 2: summary on stderr; 3: timing (4, 5: the same)"),
  TFF_OPTS_VERSION_HELP,
  { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
static const char *usage   = "tffam-similarity [options] <motif file> <labels.tsv>";
static const char *purpose = "Motif similarity by family, family overlap, and regression of per-family accuracy on it (thesis Fig. 5).";

#define NPRED 8
static const char *pred_name[NPRED] = { "intra", "inter_mean", "inter_median", "inter_max",
                                        "inter_sd", "inter_iqr", "inter_skewness", "inter_kurtosis" };

static double
q2sim(double q)
{
  q = (double)(float) q;
  if (q < 1e-300) q = 1e-300;
  double s = -log10(q);
  return s > 0.0 ? s : 0.0;
}

/*****************************************************************
 * 1. Similarity: all-vs-all comparison, or a tomtom.tsv
 *****************************************************************/

static int
compare_all(const TFF_MOTIFSET *set, const TFF_CMP_CFG *cfg, int nthreads, double *S, int *ret_nwide, int *ret_wide, char *errbuf)
{
  int            status, n = set->n;
  TFF_CMP_DB    *db = NULL;
  TFF_CMP_MOTIF *queries = NULL;
  TFF_CMP_WORK **work = NULL;
  TFF_CMP_HIT   *hits = NULL;
  double        *pv = NULL, *qv = NULL, bg[4];
  char          *seen = NULL;
  TFF_MT         rng;

  TFF_CMP_CFG    c = *cfg;
  /* as Tomtom: an alphabet without complements (MEME's RNA) is compared on the given strand */
  tff_cmp_Alphabet(set->nocomp, set->bg, bg, &c);
  TFF_CHECK(tff_cmp_db_Create(set->m, n, NULL, bg, &c, &db, errbuf));
  TFF_CALLOC(queries, (size_t) n, sizeof *queries);
  for (int i = 0; i < n; i++) {
    /* Tomtom skips a query wider than 100 columns (it stays a target): its row stays 0, and it draws no random numbers */
    if (set->m[i]->w > TFF_CMP_MAX_QUERY_W) { if ((*ret_nwide)++ == 0) *ret_wide = i; continue; }
    TFF_CHECK(tff_cmp_PrepareMotif(set->m[i], bg, cfg->pseudo, &queries[i], errbuf));
  }
  const int nh = db->nhits, chunk = 16 * nthreads;
  TFF_ALLOC(hits, sizeof(TFF_CMP_HIT) * (size_t) nh * (size_t) chunk);
  TFF_CALLOC(work, (size_t) nthreads, sizeof *work);
  for (int t = 0; t < nthreads; t++) if ((work[t] = tff_cmp_work_Create(db)) == NULL) TFF_FAIL(tffEMEM, errbuf, "out of memory");
  TFF_ALLOC(pv, sizeof(double) * (size_t) nh);
  TFF_ALLOC(qv, sizeof(double) * (size_t) nh);
  TFF_ALLOC(seen, (size_t) n);
  tff_mt_Seed(&rng, 4357);
  for (int c0 = 0; c0 < n; c0 += chunk) {
    int  cn = (n - c0 < chunk) ? n - c0 : chunk, fail = tffOK;
    char ferr[TFF_ERRBUFSIZE] = "";
    #pragma omp parallel for schedule(dynamic, 1)
    for (int k = 0; k < cn; k++) {
      int  tid = 0;
      char eb[TFF_ERRBUFSIZE];
#ifdef _OPENMP
      tid = omp_get_thread_num();
#endif
      TFF_CMP_HIT *hk = hits + (size_t) k * nh;
      if (!queries[c0 + k].f) continue;    /* skipped: wider than Tomtom's queries */
      int  qs;
      if ((qs = tff_cmp_Query(db, &queries[c0 + k], work[tid], hk, eb)) != tffOK) {
        #pragma omp critical
        { if (fail == tffOK) { fail = qs; strcpy(ferr, eb); } }
        continue;
      }
      tff_cmp_SortHits(db, hk, nh);
    }
    if (fail != tffOK) { strcpy(errbuf, ferr); status = fail; goto ERROR; }
    for (int k = 0; k < cn; k++) {      /* q-values in query order: Tomtom's random stream */
      TFF_CMP_HIT *hk = hits + (size_t) k * nh;
      double      *row = S + (size_t)(c0 + k) * n;
      if (!queries[c0 + k].f) continue;
      for (int j = 0; j < nh; j++) pv[j] = hk[j].pvalue;
      tff_qvalue_Compute(pv, nh, &rng, qv);
      memset(seen, 0, (size_t) n);
      for (int j = 0; j < nh; j++) {
        int t = hk[j].target;
        if (seen[t]) continue;
        seen[t] = 1;
        row[t] = q2sim(qv[j]);
      }
    }
  }
  status = tffOK;
 ERROR:
  if (work) for (int t = 0; t < nthreads; t++) tff_cmp_work_Destroy(work[t]);
  free(work);
  if (queries) for (int i = 0; i < n; i++) if (queries[i].f) tff_cmp_motif_Free(&queries[i]);
  free(queries);
  tff_cmp_db_Destroy(db);
  free(hits); free(pv); free(qv); free(seen);
  return status;
}

/* The q-values of a tomtom.tsv as similarities S[query * n + target]. */
typedef struct {
  const TFF_MOTIFSET *set;
  TFF_STRMAP          map;    /* motif id -> index */
  char               *have;   /* [n * n]: the pair was read */
  double             *S;
} TOMTOM_READ;

static int
tomtom_row(void *ctx, const char *path, long ln, const TFF_TOMTOM_ROW *row, char *errbuf)
{
  TOMTOM_READ *c = ctx;
  int qi = tff_strmap_Get(&c->map, row->query), ti = tff_strmap_Get(&c->map, row->target);
  if (qi < 0) return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: query %s is not in %s", path, ln, row->query, c->set->source);
  if (ti < 0) return tff_Fail(errbuf, tffEFORMAT, "%s line %ld: target %s is not in %s", path, ln, row->target, c->set->source);
  size_t k = (size_t) qi * (size_t) c->set->n + (size_t) ti;
  if (c->have[k]) return tffOK;     /* Tomtom lists each pair once; keep the first */
  c->have[k] = 1;
  c->S[k] = q2sim(row->qvalue);
  return tffOK;
}

/* *ret_nmiss: the motifs that are the query of no row (a run on some of them
 * only: -m/-mi, a slice), *ret_first the first of them (-1 if none); dist: the
 * column score the file's command line names ("" if it has none). *ret_npairs:
 * the pairs missing from the queries that have rows (a run with a threshold
 * under which not every target is reported), *ret_pq and *ret_pt the first of
 * them; *ret_thresh, *ret_evalue: the run's -thresh and -evalue (-1: the file
 * has no command line). */
static int
read_tomtom(const char *path, const TFF_MOTIFSET *set, double *S, int *ret_nmiss, int *ret_first, char *dist, size_t dsz,
            long *ret_npairs, int *ret_pq, int *ret_pt, double *ret_thresh, int *ret_evalue, char *errbuf)
{
  TOMTOM_READ c = { .set = set, .S = S };
  TFF_BUF     buf = { 0 };
  int         status, n = set->n;
  char      **ids = NULL;

  *ret_nmiss = 0; *ret_first = -1; *ret_npairs = 0; *ret_pq = *ret_pt = -1;
  TFF_ALLOC(ids, sizeof(char *) * (size_t) n);
  for (int i = 0; i < n; i++) ids[i] = set->m[i]->id;
  TFF_CHECK(tff_strmap_Build(&c.map, (const char *const *) ids, n, errbuf));
  TFF_CALLOC(c.have, (size_t) n * (size_t) n, 1);
  TFF_CHECK(tff_io_SlurpKind(path, "Tomtom TSV", &buf, errbuf));
  TFF_CHECK(tff_tomtom_FileDist(buf.s ? buf.s : "", buf.n, dist, dsz, ret_thresh, ret_evalue, errbuf));
  status = tff_knn_TomtomRows(path, buf.s ? buf.s : "", buf.n, tomtom_row, &c, errbuf);
  if (status == tffOK)
    for (int i = 0; i < n; i++) {
      const char *row = c.have + (size_t) i * (size_t) n;
      int         nrow = 0;
      for (int j = 0; j < n; j++) nrow += row[j];
      if (nrow == 0) { if (*ret_first < 0) *ret_first = i; (*ret_nmiss)++; continue; }
      *ret_npairs += n - nrow;
      for (int j = 0; j < n && *ret_pq < 0; j++) if (!row[j]) { *ret_pq = i; *ret_pt = j; }
    }
 ERROR:
  tff_buf_Free(&buf);
  free(ids); free(c.have);
  tff_strmap_Free(&c.map);
  return status;
}

/*****************************************************************
 * 2. Per-family accuracies: tff_labels_ReadFamilyValues() (tff_labels.c)
 *****************************************************************/

/*****************************************************************
 * 3. Pictures: PNG (zlib) and colours
 *****************************************************************/

/* white -> yellow -> red -> dark red, v in [0,1] */
static void
colour(double v, unsigned char rgb[3])
{
  static const double stop[4][3] = { { 255, 255, 255 }, { 255, 220, 80 }, { 215, 48, 31 }, { 103, 0, 13 } };
  if (!(v > 0.0)) v = 0.0;
  if (v > 1.0) v = 1.0;
  double x = v * 3.0;
  int    i = (int) x;
  if (i > 2) i = 2;
  double t = x - i;
  for (int c = 0; c < 3; c++) rgb[c] = (unsigned char) lround(stop[i][c] + t * (stop[i + 1][c] - stop[i][c]));
}

static int
png_chunk(FILE *fp, const char *type, const unsigned char *data, size_t len, char *errbuf)
{
  unsigned char hdr[8];
  hdr[0] = (unsigned char)(len >> 24); hdr[1] = (unsigned char)(len >> 16);
  hdr[2] = (unsigned char)(len >> 8);  hdr[3] = (unsigned char) len;
  memcpy(hdr + 4, type, 4);
  uLong crc = crc32(0L, hdr + 4, 4);
  if (len) crc = crc32(crc, data, (uInt) len);
  unsigned char c[4] = { (unsigned char)(crc >> 24), (unsigned char)(crc >> 16), (unsigned char)(crc >> 8), (unsigned char) crc };
  errno = 0;
  if (fwrite(hdr, 1, 8, fp) != 8 || (len && fwrite(data, 1, len, fp) != len) || fwrite(c, 1, 4, fp) != 4)
    return tff_Fail(errbuf, tffEWRITE, "write failed: %s", errno ? strerror(errno) : "I/O error");   /* tff_outdir_Blame() names the file */
  return tffOK;
}

/* An RGB PNG of an n x n matrix (row-major, order[] gives the display order). */
static int
write_png(FILE *fp, const double *S, int n, const int *order, double clip, char *errbuf)
{
  int            status;
  size_t         rowlen = 1 + 3 * (size_t) n, rawlen = rowlen * n;
  unsigned char *raw = NULL, *z = NULL;
  uLongf         zlen = compressBound(rawlen);

  TFF_ALLOC(raw, rawlen);
  TFF_ALLOC(z, zlen);
  for (int r = 0; r < n; r++) {
    unsigned char *p = raw + rowlen * r;
    *p++ = 0;                                   /* filter: none */
    const double *row = S + (size_t) order[r] * n;
    for (int c = 0; c < n; c++, p += 3) colour(clip > 0 ? row[order[c]] / clip : 0.0, p);
  }
  if (compress2(z, &zlen, raw, rawlen, 6) != Z_OK) TFF_FAIL(tffEMEM, errbuf, "similarity.png: compression failed");
  static const unsigned char sig[8] = { 137, 80, 78, 71, 13, 10, 26, 10 };
  errno = 0;
  if (fwrite(sig, 1, 8, fp) != 8) TFF_FAIL(tffEWRITE, errbuf, "write failed: %s", errno ? strerror(errno) : "I/O error");
  unsigned char ihdr[13] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char) n,
                             (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char) n,
                             8, 2, 0, 0, 0 };
  TFF_CHECK(png_chunk(fp, "IHDR", ihdr, 13, errbuf));
  TFF_CHECK(png_chunk(fp, "IDAT", z, zlen, errbuf));
  TFF_CHECK(png_chunk(fp, "IEND", NULL, 0, errbuf));
  status = tffOK;
 ERROR:
  free(raw); free(z);
  return status;
}

/*****************************************************************
 * 4. The analysis
 *****************************************************************/

typedef struct {
  const char *name;        /* "knn", "cnn" */
  const char *path;
  double     *acc;         /* [nfam] */
  double      thesis_r2;
  int         ok;          /* fit done */
  int         nobs;
  double      b[NPRED + 1], r2, adjr2;
} CLASSIFIER;

typedef struct { int a, b; double o; } FPAIR;
static int
cmp_pair(const void *x, const void *y)
{
  const FPAIR *p = x, *q = y;
  if (p->o != q->o) return p->o < q->o ? 1 : -1;
  if (p->a != q->a) return p->a - q->a;
  return p->b - q->b;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
  char           errbuf[TFF_ERRBUFSIZE] = "";
  TFF_OPTS      *opts = NULL;
  TFF_MOTIFSET  *set = NULL;
  TFF_LABELS    *L = NULL;
  TFF_OUTDIR     od = { 0 };
  int            have_od = 0, status = tffOK, nthreads = 1, F = 0, n = 0, npairs = 0;
  double        *S = NULL, *O = NULL, *offd = NULL, *pred = NULL, *X = NULL, *y = NULL;
  long          *cnt = NULL;
  int           *order = NULL, *start = NULL, *rowfam = NULL;
  FPAIR         *pairs = NULL;
  FILE          *fp = NULL;
  gzFile         gz = NULL;
  CLASSIFIER     cls[2] = { { "knn", NULL, NULL, 0.45, 0, 0, { 0 }, 0, 0 }, { "cnn", NULL, NULL, 0.61, 0, 0, { 0 }, 0, 0 } };
  TFF_CMP_CFG    cfg;
  double         t0 = tff_Seconds(), t_cmp = 0.0;

  if ((status = tff_opts_Parse(sim_opts, argc, argv, &opts, errbuf)) != tffOK) {
    fprintf(stderr, "tffam-similarity: error: %s\n", errbuf);
    tff_opts_PrintHelp(stderr, usage, NULL, sim_opts);
    return tff_ExitCode(status);
  }
  if (tff_opts_GetFlag(opts, "version")) { printf("%s\n", PACKAGE_VERSION); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_GetFlag(opts, "h")) { tff_opts_PrintHelp(stdout, usage, purpose, sim_opts); TFF_CHECK(tff_FlushStdout(errbuf)); goto DONE; }
  if (tff_opts_NArgs(opts) != 2) TFF_FAIL(tffEUSAGE, errbuf, "expected a motif file and a label file (%d arguments given)", tff_opts_NArgs(opts));
  TFF_CHECK(tff_opts_Verify(opts, errbuf));
  const double thresh = tff_opts_GetReal(opts, "threshold"), clip_pct = tff_opts_GetReal(opts, "clip");
  const int    verbosity = tff_opts_GetInt(opts, "verbosity");
  tff_cmp_DefaultConfig(&cfg);
  cfg.metric      = tff_colcmp_Metric(tff_opts_GetString(opts, "dist"));
  cfg.min_overlap = tff_opts_GetInt(opts, "min-overlap");
  cls[0].path = tff_opts_GetString(opts, "knn");
  cls[1].path = tff_opts_GetString(opts, "cnn");
#ifdef _OPENMP
  nthreads = tff_opts_GetInt(opts, "threads");
  if (nthreads > 0) omp_set_num_threads(nthreads);
  nthreads = omp_get_max_threads();
#endif

  /* inputs, all checked before any output */
  TFF_CHECK(tff_io_ReadMotifs(tff_opts_Arg(opts, 0), &set, errbuf));
  TFF_CHECK(tff_labels_Read(tff_opts_Arg(opts, 1), set, 0, &L, errbuf));
  n = set->n;
  F = L->nfam;
  if (n < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: at least 2 motifs are needed", set->source);
  if (F < 2) TFF_FAIL(tffEFORMAT, errbuf, "%s: at least 2 families are needed", L->source);
  for (int c = 0; c < 2; c++) if (cls[c].path) {
    TFF_ALLOC(cls[c].acc, sizeof(double) * (size_t) F);
    TFF_CHECK(tff_labels_ReadFamilyValues(cls[c].path, "accuracy table", L, cls[c].acc, errbuf));
  }
  const char *tomtom = tff_opts_GetString(opts, "tomtom");
  const char *dir = tff_opts_IsSet(opts, "o") ? tff_opts_GetString(opts, "o")
                  : tff_opts_IsSet(opts, "oc") ? tff_opts_GetString(opts, "oc") : "tffam_similarity_out";
  char        dist[32];   /* the column score of the similarities, as the report names it */

  /* 1. similarity: a Tomtom run's q-values are an input, read (and checked) here;
   * the comparison comes after the output directory */
  snprintf(dist, sizeof dist, "%s", tff_colcmp_Name(cfg.metric));
  TFF_CALLOC(S, (size_t) n * (size_t) n, sizeof(double));
  double tc = tff_Seconds();
  int nmiss = 0, first = 0;
  if (tomtom) {
    char   fdist[32];
    long   npairs = 0;
    int    pq = -1, pt = -1, fevalue = 0;
    double fthresh = -1.0;
    TFF_CHECK(read_tomtom(tomtom, set, S, &nmiss, &first, fdist, sizeof fdist, &npairs, &pq, &pt, &fthresh, &fevalue, errbuf));
    /* Pairs missing from a run that had rows for their query count as q = 1.
     * That is right for a run that reported every target (-thresh 1), but a
     * run with a threshold left out the pairs above it, whose q-values may
     * well make them overlap: with -thresh T (q-values), those with
     * T < q < 10^-threshold; with -evalue, any (their q-values are not
     * known). The family overlaps would be too low, silently: refuse. */
    if (npairs > 0 && fthresh >= 0 && (fevalue || fthresh < pow(10.0, -thresh)))
      TFF_FAIL(tffEFORMAT, errbuf, "-tomtom %s: the run was thresholded (its command line has %s-thresh %g), so %ld pairs "
               "of its queries are not in it (the first: %s against %s), and some of them may have similarity above "
               "-threshold %g (q < %.3g)%s: run Tomtom again with -thresh 1 and no -evalue (every pair is reported), or "
               "let tffam-similarity compare the motifs (no -tomtom)",
               tomtom, fevalue ? "-evalue " : "", fthresh, npairs, set->m[pq]->id, set->m[pt]->id, thresh, pow(10.0, -thresh),
               fevalue ? "; an E-value threshold says nothing of their q-values" : "");
    /* the file's own command line says which score made its q-values; -dist, if given, must agree */
    if (fdist[0] && tff_opts_IsSet(opts, "dist") && strcmp(fdist, tff_opts_GetString(opts, "dist")) != 0)
      TFF_FAIL(tffEUSAGE, errbuf, "-tomtom %s was made with -dist %s (its command line says so), not -dist %s",
               tomtom, fdist, tff_opts_GetString(opts, "dist"));
    if (fdist[0]) snprintf(dist, sizeof dist, "%s", fdist);
  }
  /* the output directory before the long part: a bad one, or one another run is writing, stops the run at once */
  TFF_CHECK(tff_outdir_Open(dir, !tff_opts_IsSet(opts, "o"), &od, errbuf));
  have_od = 1;
  {
    static const char *const own[7] = { "similarity.tsv.gz", "similarity.png", "family_overlap.tsv", "family_pairs.tsv",
                                        "family_stats.tsv", "regression.tsv", "similarity.html" };
    TFF_CHECK(tff_outdir_CheckNames(&od, own, 7, errbuf));
  }
  /* pairs missing from the run count as q = 1, but a motif that is the query
   * of no row at all means the run was not all-vs-all: say so (once the run
   * goes ahead: a refused output directory is the only message) */
  if (nmiss > 0 && verbosity >= 2)
    fprintf(stderr, "tffam-similarity: warning: -tomtom %s: %d of the %d motifs are the query of no row in it (the first: %s), "
            "so their rows of the similarity matrix are all 0; was Tomtom run on every motif against every motif?\n",
            tomtom, nmiss, n, set->m[first]->id);
  if (!tomtom) {
    int nwide = 0, wide = -1;
    TFF_CHECK(compare_all(set, &cfg, nthreads, S, &nwide, &wide, errbuf));
    if (nwide > 0 && verbosity >= 2)
      fprintf(stderr, "tffam-similarity: warning: %s: %d motif%s wider than %d columns (the first: %s, line %ld) %s not compared as "
              "quer%s, as Tomtom skips such queries (%s still a target): %s row%s of the similarity matrix %s 0\n",
              set->source, nwide, nwide == 1 ? "" : "s", TFF_CMP_MAX_QUERY_W, set->m[wide]->id, set->m[wide]->line,
              nwide == 1 ? "is" : "are", nwide == 1 ? "y" : "ies", nwide == 1 ? "it is" : "they are",
              nwide == 1 ? "its" : "their", nwide == 1 ? "" : "s", nwide == 1 ? "is" : "are");
  }
  t_cmp = tff_Seconds() - tc;

  /* display order: by family (strcmp order), then file order */
  TFF_ALLOC(order, sizeof(int) * (size_t) n);
  TFF_CALLOC(start, (size_t) F + 1, sizeof(int));
  for (int k = 0, r = 0; k < F; k++) {
    start[k] = r;
    for (int i = 0; i < n; i++) if (L->y[i] == k) order[r++] = i;
    start[k + 1] = r;
  }

  /* 2. family overlap */
  TFF_CALLOC(cnt, (size_t) F * F, sizeof(long));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (i != j && S[(size_t) i * n + j] > thresh) cnt[L->y[i] * F + L->y[j]]++;
  TFF_ALLOC(O, sizeof(double) * (size_t) F * F);
  for (int a = 0; a < F; a++)
    for (int b = 0; b < F; b++) {
      double na = L->count[a], nb = L->count[b];
      if (a == b) O[a * F + a] = na > 1 ? cnt[a * F + a] / (na * (na - 1)) : NAN;
      else        O[a * F + b] = (cnt[a * F + b] + cnt[b * F + a]) / (2.0 * na * nb);
    }

  /* 3. per-family statistics: pred[k*NPRED + p] */
  TFF_ALLOC(pred, sizeof(double) * (size_t) F * NPRED);
  {
    double inter[F];
    for (int a = 0; a < F; a++) {
      TFF_SUMMARY s;
      int m = 0;
      for (int b = 0; b < F; b++) if (b != a) inter[m++] = O[a * F + b];
      TFF_CHECK(tff_stats_Summary(inter, m, &s, errbuf));
      double *p = pred + (size_t) a * NPRED;
      p[0] = O[a * F + a]; p[1] = s.mean; p[2] = s.median; p[3] = s.max;
      p[4] = s.sd;         p[5] = s.iqr;  p[6] = s.skew;   p[7] = s.kurt;
    }
  }
  npairs = F * (F - 1) / 2;
  TFF_ALLOC(pairs, sizeof(FPAIR) * (size_t) npairs);
  for (int a = 0, k = 0; a < F; a++)
    for (int b = a + 1; b < F; b++, k++) { pairs[k].a = a; pairs[k].b = b; pairs[k].o = O[a * F + b]; }
  qsort(pairs, (size_t) npairs, sizeof *pairs, cmp_pair);

  /* clip: the -clip percentile of the off-diagonal similarities */
  double clipv;
  {
    size_t m = 0;
    TFF_ALLOC(offd, sizeof(double) * (size_t) n * (size_t)(n - 1));
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) offd[m++] = S[(size_t) i * n + j];
    qsort(offd, m, sizeof(double), cmp_double);
    clipv = tff_stats_Quantile(offd, (int) m, clip_pct / 100.0);
    free(offd); offd = NULL;
  }

  /* 4. regressions */
  TFF_ALLOC(X, sizeof(double) * (size_t) F * (NPRED + 1));
  TFF_ALLOC(y, sizeof(double) * (size_t) F);
  for (int c = 0; c < 2; c++) {
    if (!cls[c].acc) continue;
    int m = 0;
    for (int a = 0; a < F; a++) {
      const double *p = pred + (size_t) a * NPRED;
      int bad = 0;
      for (int j = 0; j < NPRED; j++) if (!isfinite(p[j])) bad = 1;
      if (bad) {
        if (verbosity >= 2) fprintf(stderr, "tffam-similarity: warning: family '%s' left out of the %s regression (no intra-family pairs)\n", L->fam[a], cls[c].name);
        continue;
      }
      X[m * (NPRED + 1)] = 1.0;
      for (int j = 0; j < NPRED; j++) X[m * (NPRED + 1) + 1 + j] = p[j];
      y[m++] = cls[c].acc[a];
    }
    cls[c].nobs = m;
    /* say which regression and what to do, not only what the solver found */
    if (m < NPRED + 1)
      TFF_FAIL(tffEINVAL, errbuf, "-%s %s: the regression of per-family accuracy on %d similarity predictors needs at least %d families "
               "with intra-family pairs; the labels give %d: label more families (two or more motifs each), or leave out -%s",
               cls[c].name, cls[c].path, NPRED, NPRED + 1, m, cls[c].name);
    if (tff_stats_LeastSquares(X, y, m, NPRED + 1, cls[c].b, &cls[c].r2, &cls[c].adjr2, errbuf) != tffOK) {
      char why[256];
      snprintf(why, sizeof why, "%.200s", errbuf);   /* the solver's words (short) */
      TFF_FAIL(tffEINVAL, errbuf, "-%s %s: the regression of per-family accuracy on the similarity predictors cannot be fitted (%s): "
               "too few families, or families whose similarity statistics coincide; label more families, or leave out -%s",
               cls[c].name, cls[c].path, why, cls[c].name);
    }
    cls[c].ok = 1;
  }

  /* outputs */
  {
    const char *gzpath;
    TFF_CHECK(tff_outdir_Path(&od, "similarity.tsv.gz", &gzpath, errbuf));
    if ((gz = gzopen(gzpath, "wb6")) == NULL) TFF_FAIL(tffEWRITE, errbuf, "cannot write %s/similarity.tsv.gz", od.final);
    int ok = gzprintf(gz, "id\tfamily") > 0;
    for (int c = 0; ok && c < n; c++) ok = gzprintf(gz, "\t%s", set->m[order[c]]->id) > 0;
    if (ok) ok = gzputs(gz, "\n") > 0;
    for (int r = 0; ok && r < n; r++) {
      int i = order[r];
      char buf[32];
      ok = gzprintf(gz, "%s\t%s", set->m[i]->id, L->fam[L->y[i]]) > 0;
      for (int c = 0; ok && c < n; c++) {
        buf[0] = '\t';
        tff_FormatG(buf + 1, S[(size_t) i * n + order[c]], 5);
        ok = gzputs(gz, buf) > 0;
      }
      if (ok) ok = gzputs(gz, "\n") > 0;
    }
    int zc = gzclose(gz);
    gz = NULL;
    if (!ok || zc != Z_OK) TFF_FAIL(tffEWRITE, errbuf, "%s/similarity.tsv.gz: write failed", od.final);
  }
  TFF_CHECK(tff_outdir_Fopen(&od, "similarity.png", &fp, errbuf));
  TFF_CHECK(write_png(fp, S, n, order, clipv, errbuf));
  TFF_OUTDIR_FCLOSE(&od, fp, "similarity.png");

  TFF_CHECK(tff_outdir_Fopen(&od, "family_overlap.tsv", &fp, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "family"));
  for (int b = 0; b < F; b++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", L->fam[b]));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  for (int a = 0; a < F; a++) {
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s", L->fam[a]));
    for (int b = 0; b < F; b++) {
      char buf[32];
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", isnan(O[a * F + b]) ? "NA" : tff_FormatG(buf, O[a * F + b], 6)));
    }
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  }
  TFF_OUTDIR_FCLOSE(&od, fp, "family_overlap.tsv");

  TFF_CHECK(tff_outdir_Fopen(&od, "family_pairs.tsv", &fp, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "family_a\tfamily_b\toverlap\n"));
  for (int k = 0; k < npairs; k++) {
    char buf[32];
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%s\n", L->fam[pairs[k].a], L->fam[pairs[k].b], tff_FormatG(buf, pairs[k].o, 6)));
  }
  TFF_OUTDIR_FCLOSE(&od, fp, "family_pairs.tsv");

  TFF_CHECK(tff_outdir_Fopen(&od, "family_stats.tsv", &fp, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "family\tn"));
  for (int j = 0; j < NPRED; j++) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", pred_name[j]));
  for (int c = 0; c < 2; c++) if (cls[c].acc) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s_accuracy", cls[c].name));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  for (int a = 0; a < F; a++) {
    char buf[32];
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%d", L->fam[a], L->count[a]));
    for (int j = 0; j < NPRED; j++) {
      double v = pred[(size_t) a * NPRED + j];
      TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", isnan(v) ? "NA" : tff_FormatG(buf, v, 10)));
    }
    for (int c = 0; c < 2; c++) if (cls[c].acc) TFF_CHECK(tff_Fprintf(fp, errbuf, "\t%s", tff_FormatG(buf, cls[c].acc[a], 6)));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "\n"));
  }
  TFF_OUTDIR_FCLOSE(&od, fp, "family_stats.tsv");

  TFF_CHECK(tff_outdir_Fopen(&od, "regression.tsv", &fp, errbuf));
  TFF_CHECK(tff_Fprintf(fp, errbuf, "classifier\tterm\tvalue\n"));
  for (int c = 0; c < 2; c++) {
    if (!cls[c].ok) continue;
    char buf[32];
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\tintercept\t%s\n", cls[c].name, tff_FormatG(buf, cls[c].b[0], 10)));
    for (int j = 0; j < NPRED; j++) TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\t%s\t%s\n", cls[c].name, pred_name[j], tff_FormatG(buf, cls[c].b[j + 1], 10)));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\tn_families\t%d\n", cls[c].name, cls[c].nobs));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\tR2\t%s\n", cls[c].name, tff_FormatG(buf, cls[c].r2, 6)));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\tadj_R2\t%s\n", cls[c].name, isnan(cls[c].adjr2) ? "NA" : tff_FormatG(buf, cls[c].adjr2, 6)));
    TFF_CHECK(tff_Fprintf(fp, errbuf, "%s\tthesis_R2\t%s\n", cls[c].name, tff_FormatG(buf, cls[c].thesis_r2, 6)));
  }
  TFF_OUTDIR_FCLOSE(&od, fp, "regression.tsv");

  /* HTML */
  double seconds = tff_Seconds() - t0;
  TFF_CHECK(tff_outdir_Fopen(&od, "similarity.html", &fp, errbuf));
  fprintf(fp, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tffam-similarity</title>\n"
              "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
              "td.l,th.l{text-align:left}svg text{font-size:11px}</style></head><body>\n"
              "<h1>Motif similarity by family</h1>\n<p>%d motifs, %d families. Similarity = &minus;log<sub>10</sub>(q), q = Tomtom %s q-value (%s). "
              "Overlap threshold: similarity &gt; %g. Heatmap clipped at the %g<sup>th</sup> percentile of off-diagonal similarities (%.4g). "
              "Wall time %.1f s (comparison %.1f s).</p>\n<p>Command: <code>",
          n, F, dist, tomtom ? "read from a tomtom.tsv" : "computed all-vs-all", thresh, clip_pct, clipv, seconds, t_cmp);
  tff_FputsHTML(fp, tff_opts_CommandLine(opts));
  fprintf(fp, "</code></p>\n<h2>Families</h2>\n<table><tr><th>#</th><th class=\"l\">family</th><th>motifs</th><th>intra-family overlap</th></tr>\n");
  for (int a = 0; a < F; a++) {
    fprintf(fp, "<tr><td>%d</td><td class=\"l\">", a + 1);
    tff_FputsHTML(fp, L->fam[a]);
    if (isnan(O[a * F + a])) fprintf(fp, "</td><td>%d</td><td>NA</td></tr>\n", L->count[a]);
    else                     fprintf(fp, "</td><td>%d</td><td>%.3f</td></tr>\n", L->count[a], O[a * F + a]);
  }
  /* a: the motif x motif heatmap, the PNG scaled under SVG family boundaries and labels */
  {
    const double side = 800.0, off = 40.0, sc = side / n;
    fprintf(fp, "</table>\n<h2>a. Motif &times; motif similarity, sorted by family (rows: query)</h2>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\">\n"
                "<image x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" href=\"similarity.png\" preserveAspectRatio=\"none\"/>\n",
            side + off + 10, side + off + 10, off, off, side, side);
    for (int k = 0; k <= F; k++) {
      double p = off + start[k] * sc;
      fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f4e9c\" stroke-width=\"0.7\"/>"
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f4e9c\" stroke-width=\"0.7\"/>\n",
              p, off, p, off + side, off, p, off + side, p);
      if (k < F) {
        double mid = off + 0.5 * (start[k] + start[k + 1]) * sc;
        fprintf(fp, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%d</text>"
                    "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n", off - 4, mid, k + 1, mid, off - 6, k + 1);
      }
    }
    fprintf(fp, "</svg>\n<p>Colour: white 0, dark red &ge; %.4g (the clip). Numbers: families as in the table above. Full resolution: "
                "<a href=\"similarity.png\">similarity.png</a> (one pixel per pair); values: similarity.tsv.gz.</p>\n", clipv);
  }
  /* b: family x family */
  {
    const double cell = 34.0, off = 40.0;
    fprintf(fp, "<h2>b. Family overlap (share of pairs with similarity &gt; %g)</h2>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\">\n", thresh, off + F * cell + 10, off + F * cell + 10);
    double omax = 0.0;
    for (int i = 0; i < F * F; i++) if (O[i] > omax) omax = O[i];
    for (int a = 0; a < F; a++) {
      fprintf(fp, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%d</text>"
                  "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n",
              off - 4, off + (a + 0.5) * cell, a + 1, off + (a + 0.5) * cell, off - 6, a + 1);
      for (int b = 0; b < F; b++) {
        unsigned char rgb[3];
        double v = O[a * F + b];
        colour(omax > 0 && !isnan(v) ? v / omax : 0.0, rgb);
        fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#%02x%02x%02x\" stroke=\"#fff\"><title>",
                off + b * cell, off + a * cell, cell, cell, rgb[0], rgb[1], rgb[2]);
        tff_FputsHTML(fp, L->fam[a]); fputs(" / ", fp); tff_FputsHTML(fp, L->fam[b]);
        if (isnan(v)) fprintf(fp, ": NA</title></rect>\n");
        else fprintf(fp, ": %.4f</title></rect><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"%s\" style=\"font-size:9px\">%.2f</text>\n",
                     v, off + (b + 0.5) * cell, off + (a + 0.5) * cell, v / omax > 0.6 ? "#fff" : "#000", v);
      }
    }
    fprintf(fp, "</svg>\n<h3>Most overlapping family pairs</h3>\n<table><tr><th class=\"l\">family</th><th class=\"l\">family</th><th>overlap</th></tr>\n");
    for (int k = 0; k < npairs && k < 10; k++) {
      fputs("<tr><td class=\"l\">", fp); tff_FputsHTML(fp, L->fam[pairs[k].a]);
      fputs("</td><td class=\"l\">", fp); tff_FputsHTML(fp, L->fam[pairs[k].b]);
      fprintf(fp, "</td><td>%.4f</td></tr>\n", pairs[k].o);
    }
    fputs("</table>\n", fp);
  }
  /* c: regressions */
  fputs("<h2>c. Regression of per-family accuracy on family overlap</h2>\n", fp);
  if (!cls[0].ok && !cls[1].ok) fputs("<p>No per-family accuracies given (-knn, -cnn): no regression.</p>\n", fp);
  else {
    fputs("<p>Ordinary least squares (Householder QR). Predictors: intra-family overlap, and the mean, median, maximum, sample SD, "
          "IQR (type-7 quartiles), population skewness g1 and population excess kurtosis g2 of the family's inter-family overlaps.</p>\n"
          "<table><tr><th class=\"l\">term</th>", fp);
    for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<th>%s</th>", cls[c].name);
    fputs("</tr>\n<tr><td class=\"l\">intercept</td>", fp);
    for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<td>%.4g</td>", cls[c].b[0]);
    fputs("</tr>\n", fp);
    for (int j = 0; j < NPRED; j++) {
      fprintf(fp, "<tr><td class=\"l\">%s</td>", pred_name[j]);
      for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<td>%.4g</td>", cls[c].b[j + 1]);
      fputs("</tr>\n", fp);
    }
    fputs("<tr><th class=\"l\">families</th>", fp);
    for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<td>%d</td>", cls[c].nobs);
    fputs("</tr>\n<tr><th class=\"l\">R<sup>2</sup></th>", fp);
    for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<td>%.3f</td>", cls[c].r2);
    fputs("</tr>\n<tr><th class=\"l\">adjusted R<sup>2</sup></th>", fp);
    for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<td>%.3f</td>", cls[c].adjr2);
    fputs("</tr>\n<tr><th class=\"l\">thesis R<sup>2</sup></th>", fp);
    for (int c = 0; c < 2; c++) if (cls[c].ok) fprintf(fp, "<td>%.2f</td>", cls[c].thesis_r2);
    fputs("</tr>\n</table>\n", fp);
  }
  fputs("</body></html>\n", fp);
  TFF_OUTDIR_FCLOSE(&od, fp, "similarity.html");
  TFF_CHECK(tff_outdir_Commit(&od, errbuf));
  have_od = 0;

  if (verbosity >= 2) {
    fprintf(stderr, "tffam-similarity: %d motifs, %d families; clip %.4g; most overlapping pairs:", n, F, clipv);
    for (int k = 0; k < npairs && k < 3; k++) fprintf(stderr, " %s / %s %.4f;", L->fam[pairs[k].a], L->fam[pairs[k].b], pairs[k].o);
    fputc('\n', stderr);
    for (int c = 0; c < 2; c++) if (cls[c].ok)
      fprintf(stderr, "tffam-similarity: %s: R2 %.4f, adjusted R2 %.4f (%d families; thesis R2 %.2f)\n", cls[c].name, cls[c].r2, cls[c].adjr2, cls[c].nobs, cls[c].thesis_r2);
  }
  if (verbosity >= 3)
    fprintf(stderr, "# tffam-similarity: wall time %.2f s (comparison %.2f s, %d threads)\n", tff_Seconds() - t0, t_cmp, nthreads);
  goto DONE;

 ERROR:
  tff_outdir_Blame(&od, status, errbuf);
  fprintf(stderr, "tffam-similarity: error: %s\n", errbuf);
  if (status == tffEUSAGE) tff_opts_PrintHelp(stderr, usage, NULL, sim_opts);
  if (gz) gzclose(gz);
  if (fp) fclose(fp);
  if (have_od) tff_outdir_Abort(&od);
 DONE:
  for (int c = 0; c < 2; c++) free(cls[c].acc);
  free(S); free(O); free(offd); free(pred); free(X); free(y); free(cnt);
  free(order); free(start); free(rowfam); free(pairs);
  tff_labels_Destroy(L);
  tff_motifset_Destroy(set);
  tff_opts_Destroy(opts);
  return tff_ExitCode(status);
}
