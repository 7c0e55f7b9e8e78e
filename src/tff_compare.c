/* tff_compare: Tomtom-compatible motif comparison. See tff_compare.h.
 *
 * Contents:
 *   1. Configuration, background, prepared motifs
 *   2. The target database
 *   3. The fast query path
 *   4. The slow reference path (Tomtom's procedure, literally)
 *   5. Sorting hits
 *   6. Unit tests
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tff_compare.h"
#include "tff_util.h"

/* Each row's median is first bracketed from the scores of every
 * MEDIAN_STRIDE-th column (databases of MEDIAN_SAMPLE_MIN columns or more). */
#define MEDIAN_STRIDE     16
#define MEDIAN_SAMPLE_MIN 4096

/*****************************************************************
 * 1. Configuration, background, prepared motifs
 *****************************************************************/

void
tff_cmp_DefaultConfig(TFF_CMP_CFG *cfg)
{
  cfg->metric      = tffCOL_ED;
  cfg->pseudo      = 0.1;
  cfg->min_overlap = 1;
  cfg->norc        = 0;
  cfg->incomplete  = 0;
  cfg->internal    = 0;
}

void
tff_cmp_Background(const double filebg[4], double bg[4])
{
  memcpy(bg, filebg, sizeof(double) * 4);
  tff_bg_AverageRC(bg);
}

int
tff_cmp_PrepareMotif(const TFF_MOTIF *src, const double bg[4], double pseudo, TFF_CMP_MOTIF *m, char *errbuf)
{
  int status;
  m->id = src->id;
  m->w  = src->w;
  m->nsites = src->nsites > 0 ? src->nsites : TFF_DEFAULT_NSITES;    /* allr would divide 0 by 0 */
  m->f = NULL;
  TFF_ALLOC(m->f, sizeof(double) * 4 * (size_t) src->w);
  tff_motif_PseudoRows(src->p, src->w, src->nsites, bg, pseudo, m->f);
  return tffOK;
 ERROR:
  return status;
}

void
tff_cmp_motif_Free(TFF_CMP_MOTIF *m)
{
  if (m) { free(m->f); m->f = NULL; }
}

/* Tomtom's consensus: per column the first letter with the strictly largest value, as float. */
static void
consensus(const double *f, int w, char *out)
{
  for (int i = 0; i < w; i++) {
    int best = 0;
    float mx = (float) f[i * 4];
    for (int a = 1; a < 4; a++) if (f[i * 4 + a] > mx) { mx = (float) f[i * 4 + a]; best = a; }
    out[i] = "ACGT"[best];
  }
  out[w] = '\0';
}

/*****************************************************************
 * 2. The target database
 *****************************************************************/

/* Sort target indices by id (strcmp), a simple merge sort (ids are unique). */
static void
sort_by_id(const TFF_CMP_DB *db, int *a, int n)
{
  if (n < 2) return;
  int h = n / 2;
  sort_by_id(db, a, h);
  sort_by_id(db, a + h, n - h);
  int *tmp = malloc(sizeof(int) * (size_t) n);
  if (tmp == NULL) {   /* insertion sort in place: slow but needs nothing */
    for (int i = 1; i < n; i++) { int v = a[i], j = i - 1; while (j >= 0 && strcmp(db->t[a[j]].id, db->t[v].id) > 0) { a[j + 1] = a[j]; j--; } a[j + 1] = v; }
    return;
  }
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = (strcmp(db->t[a[j]].id, db->t[a[i]].id) < 0) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, sizeof(int) * (size_t) n);
  free(tmp);
}

/* A column's frequencies and index, sorted to find identical columns. */
typedef struct { double f[4]; int j; } COLKEY;
static int
cmp_colkey(const void *pa, const void *pb)
{
  const COLKEY *a = pa, *b = pb;
  for (int k = 0; k < 4; k++) if (a->f[k] != b->f[k]) return a->f[k] < b->f[k] ? -1 : 1;
  return (a->j > b->j) - (a->j < b->j);
}

int
tff_cmp_db_Create(TFF_MOTIF **targets, int n, const int *dbidx, const double bg[4],
                  const TFF_CMP_CFG *cfg, TFF_CMP_DB **ret_db, char *errbuf)
{
  TFF_CMP_DB *db = NULL;
  double     *rc = NULL;
  int         status;

  if (n < 1) TFF_FAIL(tffEINVAL, errbuf, "no target motifs");
  TFF_CALLOC(db, 1, sizeof *db);
  db->cfg   = *cfg;
  memcpy(db->bg, bg, sizeof db->bg);
  db->n     = n;
  db->dbidx = dbidx;
  db->nstr  = cfg->norc ? 1 : 2;
  db->nhits = n * db->nstr;
  TFF_CALLOC(db->t, (size_t) n, sizeof *db->t);
  TFF_CALLOC(db->coloff, (size_t) db->nhits + 1, sizeof(int));
  TFF_CALLOC(db->cons, (size_t) db->nhits, sizeof(char *));
  db->ntot = 0;
  db->maxw = 0;
  for (int i = 0; i < n; i++) {
    TFF_CHECK(tff_cmp_PrepareMotif(targets[i], bg, cfg->pseudo, &db->t[i], errbuf));
    for (int s = 0; s < db->nstr; s++) { db->coloff[i * db->nstr + s] = db->ntot; db->ntot += db->t[i].w; }
    if (db->t[i].w > db->maxw) db->maxw = db->t[i].w;
  }
  db->coloff[db->nhits] = db->ntot;
  TFF_CHECK(tff_colset_Init(&db->cols, db->ntot, cfg->metric, errbuf));
  TFF_ALLOC(rc, sizeof(double) * 4 * (size_t) db->maxw);
  for (int i = 0; i < n; i++) {
    const TFF_CMP_MOTIF *t = &db->t[i];
    for (int s = 0; s < db->nstr; s++) {
      const double *f = t->f;
      if (s == 1) { tff_motif_RevCompMatrix(t->f, t->w, rc); f = rc; }
      for (int j = 0; j < t->w; j++)
        tff_colset_Set(&db->cols, db->coloff[i * db->nstr + s] + j, f + 4 * j, t->nsites, bg);
      TFF_ALLOC(db->cons[i * db->nstr + s], (size_t) t->w + 1);
      consensus(f, t->w, db->cons[i * db->nstr + s]);
    }
  }
  /* distinct widths */
  {
    char *seen = NULL;
    TFF_CALLOC(seen, (size_t) db->maxw + 1, 1);
    for (int i = 0; i < n; i++) seen[db->t[i].w] = 1;
    TFF_CALLOC(db->lens, (size_t) db->maxw + 1, sizeof(int));
    TFF_ALLOC(db->lenidx, sizeof(int) * ((size_t) db->maxw + 1));
    for (int L = 0; L <= db->maxw; L++) db->lenidx[L] = -1;
    for (int L = 1; L <= db->maxw; L++) if (seen[L]) { db->lenidx[L] = db->nlen; db->lens[db->nlen++] = L; }
    free(seen);
  }
  /* rank of each id in strcmp order, for sorting ties without string compares */
  {
    int *ord = NULL;
    TFF_ALLOC(ord, sizeof(int) * (size_t) n);
    TFF_ALLOC(db->idrank, sizeof(int) * (size_t) n);
    for (int i = 0; i < n; i++) ord[i] = i;
    sort_by_id(db, ord, n);
    for (int i = 0; i < n; i++) db->idrank[ord[i]] = i;
    free(ord);
  }
  /* identical columns (same four frequencies) share one canonical index */
  {
    COLKEY *key = NULL;
    TFF_ALLOC(key, sizeof(COLKEY) * (size_t) db->ntot);
    TFF_ALLOC(db->colcanon, sizeof(int) * (size_t) db->ntot);
    for (int j = 0; j < db->ntot; j++) { for (int k = 0; k < 4; k++) key[j].f[k] = db->cols.f[k][j]; key[j].j = j; }
    qsort(key, (size_t) db->ntot, sizeof(COLKEY), cmp_colkey);
    for (int i = 0; i < db->ntot; i++)
      db->colcanon[key[i].j] = (i > 0 && memcmp(key[i - 1].f, key[i].f, sizeof key[i].f) == 0) ? db->colcanon[key[i - 1].j] : key[i].j;
    free(key);
  }
  if (db->ntot >= MEDIAN_SAMPLE_MIN) {
    const int ns = db->ntot / MEDIAN_STRIDE;
    TFF_CHECK(tff_colset_Init(&db->samp, ns, cfg->metric, errbuf));
    for (int j = 0; j < ns; j++) {
      const int c = j * MEDIAN_STRIDE;
      const double f[4] = { db->cols.f[0][c], db->cols.f[1][c], db->cols.f[2][c], db->cols.f[3][c] };
      tff_colset_Set(&db->samp, j, f, db->cols.ns[c], bg);
    }
  }
  free(rc);
  *ret_db = db;
  return tffOK;
 ERROR:
  free(rc);
  tff_cmp_db_Destroy(db);
  *ret_db = NULL;
  return status;
}

void
tff_cmp_db_Destroy(TFF_CMP_DB *db)
{
  if (!db) return;
  if (db->t) for (int i = 0; i < db->n; i++) tff_cmp_motif_Free(&db->t[i]);
  if (db->cons) for (int i = 0; i < db->nhits; i++) free(db->cons[i]);
  free(db->cons);
  free(db->t);
  free(db->coloff);
  free(db->lens);
  free(db->lenidx);
  free(db->idrank);
  free(db->colcanon);
  tff_colset_Free(&db->cols);
  tff_colset_Free(&db->samp);
  free(db);
}

/*****************************************************************
 * 3. The fast query path
 *****************************************************************/

#define NB (TFF_CMP_BINS + 1)   /* scaled scores 0..100 */
#define NBK 2048                 /* buckets of the order-statistic histogram */
#define SCORE_BLOCK 2048         /* columns scored against every query row at once (64 kB) */

/* Candidates for one row's median, gathered while the row is scored: the
 * values in [vlo, vhi] (a bracket from the sampled columns, single-precision
 * numbers like the row) and their columns, the number of values below vlo,
 * the row's extremes. ok = 0 when the candidates overflowed (the row is
 * then selected from in full). */
typedef struct {
  double  vlo, vhi, mn, mx;
  int     below, nc, ok;
  int     cap;      /* room in val and col: cand_cap() */
  double *val;
  int    *col;
} BRACKET;

/* The bracket's margin on each side of the sample's ranks, in sample ranks,
 * for ns sampled columns: 1.5 sqrt(ns), three standard deviations of the
 * rank of a random sample's median (sqrt(ns) / 2), at least 30. A margin
 * that grows with the database keeps the misses rare: a fixed 30 (tuned on
 * the 2113 JASPAR motifs) missed in 14% of the rows of 2113 jittered copies
 * of them and 55% of 8452 (ed, 200 JASPAR queries; issue 23), 0% and 1.1%
 * with this one. Instructions (callgrind, 60 queries, ed) against margins of
 * 30 and 1, 1.5, 2 sqrt(ns): +1.1, +2.5, +3.9% for the 2113 JASPAR motifs,
 * -33, -35, -36% for 8452 jittered copies. The bracket then holds about
 * 3 x 16 sqrt(ns) candidates: a few thousand, of the order of sqrt(n) for a
 * row of n columns. */
static int
bracket_margin(int ns)
{
  const int m = (int) (1.5 * sqrt((double) ns));
  return m > 30 ? m : 30;
}

/* Candidates a row's bracket may hold before it gives up: room for the
 * margins with the widening of the histogram's bucket edges, never fewer
 * than 8192, and the block being added. */
static int
cand_cap(int ns)
{
  const int need = 8 * MEDIAN_STRIDE * bracket_margin(ns);
  return (need > 8192 ? need : 8192) + SCORE_BLOCK + 16;
}

/* Null distribution of one query range: P(sum of scaled scores >= k). */
typedef struct {
  int     lo, hi;   /* support of the sum */
  double *tail;     /* tail[k - lo], clamped at 1 as Tomtom's p-value tables */
} RANGE;

struct tff_cmp_work_s {
  int      wmax;      /* query width the buffers hold */
  int      ntot;
  int      nsamp;     /* the database's sampled columns (db->samp.n) */
  float   *S;         /* wmax * ntot column scores (single precision, within err of the exact ones) */
  double  *rowd;      /* ntot + 16: one row of S in double precision, where a pass needs all of it */
  int      rowd_row;  /* the row of S that rowd holds, -1: none */
  double  *tmp, *tmp2; /* ntot + 16: selection scratch */
  int     *cnt;       /* 2 * NBK: order-statistic histogram */
  int     *idx;       /* ntot + 16: cell indices (pearson: cells that need exact scores) */
  double  *dq;        /* wmax: pearson denominator term of each query row */
  double  *ecache;    /* ntot: exact scores of canonical columns ... */
  int     *estamp;    /* ntot: ... valid where estamp == gen */
  int     *uidx;      /* ntot + 16: distinct columns whose exact scores are needed */
  int      gen;
  uint8_t *B;         /* wmax * ntot scaled scores (inside Bbuf) */
  uint8_t *Bbuf;
  int     *hist;      /* wmax * NB */
  int     *hmin, *hmax;
  double  *med;       /* wmax: each row's shift (Tomtom's median, or within mtol of it; 0 in a repeated row) */
  double  *mtol;      /* wmax: bound on |med - Tomtom's median|; 0: exact */
  double  *fsel;      /* 2 * wmax: bounds on the single-precision order statistics the median came from (row_select()) */
  int     *rowof;     /* wmax: the first query row with the same column (the row itself if none) */
  int     *urow;      /* wmax: the rows that are their own rowof, in order */
  BRACKET *br;        /* wmax: median candidates of each row */
  TFF_COLQ *cq;       /* wmax: the query's columns, prepared for tff_colcmp_Row() */
  double  *cval;      /* wmax * cand_cap(): the rows' median candidates */
  int     *ccol;      /* wmax * cand_cap() */
  RANGE   *rng;       /* wmax * wmax, [a*wmax + b] */
  double  *tailbuf;   /* storage for all range tails */
  size_t   tailcap;
  int     *diag;      /* alignment sums per offset */
  int32_t *akey;      /* [nlen * 32] align_keys() of each target width, this query */
  uint8_t *amask;     /* [nlen * 32 * 32] align_masks() of each target width, this query (AVX2) */
  int     *cds;       /* NB: shifts and probabilities of one row's nonzero bins (conv_avx512) */
  double  *cps;
  double  *cpad;      /* the padded distribution convolved (wmax * BINS + 2 * (BINS + 8) + 8) */
  int     *hk;        /* nhits: each hit's index into pmemo, -1 if none */
  int     *klist;     /* scores whose p-values are needed, for one width */
  int     *lhead;     /* [nlen] first pending memo entry of each width, -1: none */
  int     *pnext, *pat, npend;   /* [nhits] pending entries: next on the list, index into pmemo */
  size_t   klistcap;
  float   *pmemo;     /* complete mode: p-value of score K for width lens[li] at [li*(KMAX+1)+K], where the bit is set */
  uint8_t *pbit;      /* one bit per pmemo entry: pending in this query (all 0 between queries) */
  size_t   pmemocap;
};

TFF_CMP_WORK *
tff_cmp_work_Create(const TFF_CMP_DB *db)
{
  TFF_CMP_WORK *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->ntot = db->ntot;
  w->nsamp = db->samp.n;
  w->tmp  = malloc(sizeof(double) * ((size_t) db->ntot + 16));
  w->tmp2 = malloc(sizeof(double) * ((size_t) db->ntot + 16));
  w->rowd = malloc(sizeof(double) * ((size_t) db->ntot + 16));
  w->rowd_row = -1;
  w->cnt  = malloc(sizeof(int) * 2 * NBK);
  w->idx  = malloc(sizeof(int) * ((size_t) db->ntot + 16));
  w->dq   = malloc(sizeof(double) * TFF_CMP_MAX_QUERY_W);
  w->hk   = malloc(sizeof(int) * (size_t) db->nhits);
  w->lhead = malloc(sizeof(int) * (size_t)(db->nlen + 1));
  w->pnext = malloc(sizeof(int) * (size_t) db->nhits);
  w->pat   = malloc(sizeof(int) * (size_t) db->nhits);
  w->ecache = malloc(sizeof(double) * (size_t) db->ntot);
  w->estamp = calloc((size_t) db->ntot, sizeof(int));
  w->uidx = malloc(sizeof(int) * ((size_t) db->ntot + 16));
  w->diag = malloc(sizeof(int) * (size_t)(db->maxw + TFF_CMP_MAX_QUERY_W + 2));
  w->akey = malloc(sizeof(int32_t) * 32 * (size_t) db->nlen);
  w->amask = malloc((size_t) 32 * 32 * (size_t) db->nlen);
  w->cds  = malloc(sizeof(int) * NB);
  w->cps  = malloc(sizeof(double) * NB);
  if (!w->tmp || !w->tmp2 || !w->rowd || !w->cnt || !w->idx || !w->dq || !w->hk || !w->lhead || !w->pnext || !w->pat || !w->ecache || !w->estamp || !w->uidx || !w->diag || !w->akey || !w->amask || !w->cds || !w->cps) { tff_cmp_work_Destroy(w); return NULL; }
  return w;
}

void
tff_cmp_work_Destroy(TFF_CMP_WORK *w)
{
  if (!w) return;
  free(w->S); free(w->tmp); free(w->tmp2); free(w->rowd); free(w->cnt); free(w->idx); free(w->dq); free(w->hk); free(w->lhead); free(w->pnext); free(w->pat); free(w->klist); free(w->ecache); free(w->estamp); free(w->uidx); free(w->Bbuf); free(w->hist); free(w->hmin); free(w->hmax); free(w->med); free(w->mtol); free(w->fsel); free(w->rowof); free(w->urow);
  free(w->br); free(w->cval); free(w->ccol); free(w->cq);
  free(w->rng); free(w->tailbuf); free(w->diag); free(w->akey); free(w->amask); free(w->cds); free(w->cps); free(w->cpad); free(w->pmemo); free(w->pbit);
  free(w);
}

static int
work_grow(TFF_CMP_WORK *w, int Lq, char *errbuf)
{
  int status;
  if (Lq <= w->wmax) return tffOK;
  free(w->S); free(w->Bbuf); free(w->hist); free(w->hmin); free(w->hmax); free(w->med); free(w->mtol); free(w->fsel); free(w->rowof); free(w->urow); free(w->rng);
  free(w->br); free(w->cval); free(w->ccol); free(w->cpad); free(w->cq);
  w->cq = NULL;
  w->med = w->mtol = w->fsel = NULL; w->rowof = w->urow = NULL; w->br = NULL; w->cval = NULL; w->ccol = NULL; w->cpad = NULL;
  w->S = NULL; w->B = w->Bbuf = NULL; w->hist = NULL; w->hmin = w->hmax = NULL; w->rng = NULL;
  w->wmax = 0;
  TFF_ALLOC(w->S,    sizeof(float) * (size_t) Lq * (size_t) w->ntot);
  TFF_CALLOC(w->Bbuf, (size_t) Lq * (size_t) w->ntot + 64, 1);
  w->B = w->Bbuf + 32;   /* 32 bytes before and after: the AVX2 alignment reads whole vectors */
  TFF_ALLOC(w->hist, sizeof(int) * (size_t) Lq * NB);
  TFF_ALLOC(w->hmin, sizeof(int) * (size_t) Lq);
  TFF_ALLOC(w->hmax, sizeof(int) * (size_t) Lq);
  TFF_ALLOC(w->med,  sizeof(double) * (size_t) Lq);
  TFF_ALLOC(w->mtol, sizeof(double) * (size_t) Lq);
  TFF_ALLOC(w->fsel, sizeof(double) * 2 * (size_t) Lq);
  TFF_ALLOC(w->rowof, sizeof(int) * (size_t) Lq);
  TFF_ALLOC(w->urow, sizeof(int) * (size_t) Lq);
  TFF_ALLOC(w->br,   sizeof(BRACKET) * (size_t) Lq);
  TFF_ALLOC(w->cq,   sizeof(TFF_COLQ) * (size_t) Lq);
  const int cap = cand_cap(w->nsamp);
  TFF_ALLOC(w->cval, sizeof(double) * (size_t) Lq * (size_t) cap);
  TFF_ALLOC(w->ccol, sizeof(int) * (size_t) Lq * (size_t) cap);
  for (int r = 0; r < Lq; r++) { w->br[r].val = w->cval + (size_t) r * cap; w->br[r].col = w->ccol + (size_t) r * cap; w->br[r].cap = cap; }
  TFF_CALLOC(w->rng, (size_t) Lq * (size_t) Lq, sizeof(RANGE));
  TFF_ALLOC(w->cpad, sizeof(double) * ((size_t) Lq * TFF_CMP_BINS + 1 + 2 * (TFF_CMP_BINS + 8) + 8));
  w->wmax = Lq;
  return tffOK;
 ERROR:
  return status;
}

/* k-th smallest of x[0..n-1] (x is permuted). */
static double
select_kth(double *x, int n, int k)
{
  int lo = 0, hi = n - 1;
  while (hi > lo) {
    /* median of three pivot */
    int mid = lo + (hi - lo) / 2;
    double a = x[lo], b = x[mid], c = x[hi];
    double piv = (a < b) ? ((b < c) ? b : ((a < c) ? c : a)) : ((a < c) ? a : ((b < c) ? c : b));
    int i = lo, j = hi;
    while (i <= j) {
      while (x[i] < piv) i++;
      while (x[j] > piv) j--;
      if (i <= j) { double t = x[i]; x[i] = x[j]; x[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return x[k];
  }
  return x[k];
}

/* x86-64 kernels (GCC/clang): AVX-512 (F, BW, DQ, VL) versions of the
 * per-cell loops on doubles, used when the CPU has them, each followed by
 * its AVX2 twin (four lanes instead of eight) for CPUs without; the passes
 * over the single-precision rows (the median bracket, the binning, the
 * extremes scan) have AVX2 kernels only, eight lanes, which AVX-512 CPUs run
 * too. Every lane performs exactly the scalar operations, in the same order
 * (no fused multiply-add: configure compiles with -ffp-contract=off for
 * every compiler), so the results are bit-identical to the scalar loops
 * next to them; tests/compare.test compares the three (TFF_NOAVX512,
 * TFF_NOSIMD). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TFF_HAVE_X86_KERNELS 1
#define TFF_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,bmi,bmi2,popcnt")))
static int cpu_avx512(void) { return tff_SimdLevel() >= 2; }
#endif

#ifdef TFF_HAVE_X86_KERNELS
/* AVX2 kernels: the twins of the AVX-512 ones (CPUs without AVX-512, e.g.
 * AMD Zen 1-3: four doubles per vector, the same operations per lane), and
 * the single-precision passes for every x86-64 CPU with AVX2. */
#define TFF_AVX2 __attribute__((target("avx2,bmi,popcnt")))
static int cpu_avx2(void) { return tff_SimdLevel() >= 1; }

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

/* Buckets for an order statistic of n values: about eight values a bucket,
 * a power of two from 64 to NBK (fewer buckets to clear and to scan). */
static int
buckets_for(int n)
{
  int nbk = 64;
  while (nbk < NBK && nbk * 8 < n) nbk *= 2;
  return nbk;
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

/* bucket_count() on the first multiple of 8 values; returns how many. */
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

/* bucket_gather() on the first multiple of 8 values: the values whose
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

#ifdef TFF_HAVE_X86_KERNELS
/* Complete scoring, best alignment of the query (Lq rows of B, row stride n)
 * with the target whose columns start at c0: the sums of every diagonal
 * (configuration c = i + 1 at lane i), then the largest key (sum << 6) +
 * base[i], where base[i] = (overlap * LS) << 6 | overlap for the
 * configurations allowed (ALIGN_NONE for the others; see align_keys()):
 * C = sum + overlap * LS first, ties to the larger overlap, then the first
 * configuration. Needs Lq + Lt - 1 <= 32. Returns the key and its lane as
 * key * 256 + lane (in registers: the caller's next target need not wait
 * for a store to be read back): see align_decode(). */
TFF_AVX512 static int64_t
best_alignment_avx512(const uint8_t *B, size_t n, int Lq, int c0, int Lt, const int32_t *base)
{
  const __mmask32 lmask = (Lt >= 32) ? 0xffffffffu : ((1u << Lt) - 1);
  __m512i acc = _mm512_setzero_si512();
  for (int r = 0; r < Lq; r++) {
    /* lane i = j + (Lq-1-r) holds B[r][c0 + j]: a masked load from c0 - (Lq-1-r) */
    const int sh = Lq - 1 - r;
    __m256i v = _mm256_maskz_loadu_epi8(lmask << sh, B + (size_t) r * n + c0 - sh);
    acc = _mm512_add_epi16(acc, _mm512_cvtepu8_epi16(v));
  }
  __m512i key0 = _mm512_add_epi32(_mm512_slli_epi32(_mm512_cvtepi16_epi32(_mm512_castsi512_si256(acc)), 6), _mm512_loadu_si512(base));
  __m512i key1 = _mm512_add_epi32(_mm512_slli_epi32(_mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(acc, 1)), 6), _mm512_loadu_si512(base + 16));
  int best = _mm512_reduce_max_epi32(_mm512_max_epi32(key0, key1));
  const __m512i vb = _mm512_set1_epi32(best);
  uint32_t m = (uint32_t) _mm512_cmpeq_epi32_mask(key0, vb) | ((uint32_t) _mm512_cmpeq_epi32_mask(key1, vb) << 16);
  int lane = __builtin_ctz(m);
  return (int64_t) best * 256 + lane;
}

/* best_alignment_avx512() with AVX2: whole 32-byte loads (B has 32 bytes of
 * slack before and after), the lanes outside the target cleared by mask
 * (align_masks(): row r at mask + 32 r). Two rows are added as bytes (scaled
 * scores are at most 100, so their sum fits) before widening to 16 bits;
 * the widening interleaves within each 128-bit half, so lo16 holds the
 * diagonals 0-7 and 16-23, hi16 the diagonals 8-15 and 24-31. */
__attribute__((target("avx2")))     /* the target of tff_cmp_Query's AVX2 clone: inlined there */
static inline int64_t
best_alignment_avx2(const uint8_t *B, size_t n, int Lq, int c0, const uint8_t *mask, const int32_t *base)
{
  const __m256i zero = _mm256_setzero_si256();
  __m256i lo16 = zero, hi16 = zero;
  /* lane i = j + sh of row r (sh = Lq - 1 - r) holds B[r][c0 + j], j < Lt */
  const uint8_t *p = B + c0 - (Lq - 1);
  int r = 0;
  for (; r + 2 <= Lq; r += 2, p += 2 * n + 2) {
    __m256i v0 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *) p), _mm256_loadu_si256((const __m256i *)(mask + 32 * r)));
    __m256i v1 = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + n + 1)), _mm256_loadu_si256((const __m256i *)(mask + 32 * r + 32)));
    __m256i s = _mm256_add_epi8(v0, v1);
    lo16 = _mm256_add_epi16(lo16, _mm256_unpacklo_epi8(s, zero));
    hi16 = _mm256_add_epi16(hi16, _mm256_unpackhi_epi8(s, zero));
  }
  if (r < Lq) {
    __m256i s = _mm256_and_si256(_mm256_loadu_si256((const __m256i *) p), _mm256_loadu_si256((const __m256i *)(mask + 32 * r)));
    lo16 = _mm256_add_epi16(lo16, _mm256_unpacklo_epi8(s, zero));
    hi16 = _mm256_add_epi16(hi16, _mm256_unpackhi_epi8(s, zero));
  }
  /* keys (sum << 6) + base[i] in four vectors of eight lanes, their maximum, its first lane */
  const __m256i k0 = _mm256_add_epi32(_mm256_slli_epi32(_mm256_cvtepi16_epi32(_mm256_castsi256_si128(lo16)), 6), _mm256_loadu_si256((const __m256i *) base));
  const __m256i k1 = _mm256_add_epi32(_mm256_slli_epi32(_mm256_cvtepi16_epi32(_mm256_castsi256_si128(hi16)), 6), _mm256_loadu_si256((const __m256i *)(base + 8)));
  const __m256i k2 = _mm256_add_epi32(_mm256_slli_epi32(_mm256_cvtepi16_epi32(_mm256_extracti128_si256(lo16, 1)), 6), _mm256_loadu_si256((const __m256i *)(base + 16)));
  const __m256i k3 = _mm256_add_epi32(_mm256_slli_epi32(_mm256_cvtepi16_epi32(_mm256_extracti128_si256(hi16, 1)), 6), _mm256_loadu_si256((const __m256i *)(base + 24)));
  __m256i mx = _mm256_max_epi32(_mm256_max_epi32(k0, k1), _mm256_max_epi32(k2, k3));
  mx = _mm256_max_epi32(mx, _mm256_permute2x128_si256(mx, mx, 1));
  mx = _mm256_max_epi32(mx, _mm256_shuffle_epi32(mx, 0x4e));
  mx = _mm256_max_epi32(mx, _mm256_shuffle_epi32(mx, 0xb1));    /* every lane: the maximum */
  const int best = _mm_cvtsi128_si32(_mm256_castsi256_si128(mx));
  const uint32_t m = (uint32_t) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(k0, mx)))
                   | (uint32_t) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(k1, mx))) << 8
                   | (uint32_t) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(k2, mx))) << 16
                   | (uint32_t) _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(k3, mx))) << 24;
  const int lane = __builtin_ctz(m);
  return (int64_t) best * 256 + lane;
}

/* C, overlap and offset from best_alignment_*()'s key * 256 + lane. */
static inline void
align_decode(int64_t kl, int Lq, int *retC, int *retov, int *retoff)
{
  const int best = (int)(kl >> 8), lane = (int)(kl & 255);
  *retC = best >> 6;      /* arithmetic shift: floor((C*64 + ov)/64) = C */
  *retov = best & 63;
  *retoff = lane - (Lq - 1);
}
#endif

static void
min_max(const double *x, int n, double *ret_mn, double *ret_mx)
{
#ifdef TFF_HAVE_X86_KERNELS
  if (cpu_avx512()) { min_max_avx512(x, n, ret_mn, ret_mx); return; }
  if (cpu_avx2()) { min_max_avx2(x, n, ret_mn, ret_mx); return; }
#endif
  double mn = x[0], mx = x[0];
  for (int t = 1; t < n; t++) { double v = x[t]; mn = v < mn ? v : mn; mx = v > mx ? v : mx; }
  *ret_mn = mn; *ret_mx = mx;
}

#ifdef TFF_HAVE_X86_KERNELS
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

/* bracket_seg() with AVX2, eight values at a time. AVX2 has no compress
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
static int
bracket_seg(const float *x, int n, int t0, float vlo, float vhi, double *out, int *idx, int nc,
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

/* Histogram of x[0..n-1] over nbk buckets of [mn, mx] into cnt[0..nbk-1]
 * and cnt[NBK..NBK+nbk-1] (two halves, to be added). */
TFF_CLONES_AVX2 static void
bucket_count(const double *x, int n, double mn, double inv, int nbk, int *cnt)
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

/* Values of x in buckets b1..b2 into out; the number below b1 into *below. */
TFF_CLONES_AVX2 static int
bucket_gather(const double *x, int n, double mn, double inv, int nbk, int b1, int b2, double *out, int *below)
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

/* The bucket holding the value of rank k (0-based) of a bucket histogram. */
static int
bucket_of_rank(const int *cnt, int nbk, int k, int *ret_cum)
{
  int b = 0, cum = 0;
  for (; b + 16 <= nbk; b += 16) {    /* sixteen buckets at a step (nbk is a multiple of 16) */
    int sum = 0;
    for (int i = 0; i < 16; i++) sum += cnt[b + i] + cnt[NBK + b + i];
    if (cum + sum > k) break;
    cum += sum;
  }
  while (cum + cnt[b] + cnt[NBK + b] <= k) { cum += cnt[b] + cnt[NBK + b]; b++; }
  if (ret_cum) *ret_cum = cum;
  return b;
}

/* The order statistics i1 and i2 (i1 <= i2 <= i1 + 1) of x[0..n-1], exactly,
 * given its minimum and maximum: a histogram of equal-width buckets
 * (bucket_of() is monotone, so every value in a lower bucket is smaller
 * than every value in a higher one) locates the buckets that hold them; the
 * values of those buckets are gathered into out (n + 8 values) and selected
 * among. More than 64 values gathered that span at most loose (< 0:
 * never) are not selected among: *v1 <= the statistic i1 and *v2 >= i2 are
 * then their extremes (all that exact_kth2() needs), and it returns 1
 * (else 0). cnt holds 2*NBK ints. */
static int
hist_select(const double *x, int n, int i1, int i2, double mn, double mx, double *out, int *cnt, double loose, double *v1, double *v2)
{
  const int nbk = buckets_for(n);
  const double inv = nbk / (mx - mn);
  int below = 0, nc;
  if (n < 256 || !(mx > mn) || !(inv > 0) || !(inv < HUGE_VAL)) {   /* small or degenerate: select among all */
    memcpy(out, x, sizeof(double) * (size_t) n);
    nc = n;
  } else {
    bucket_count(x, n, mn, inv, nbk, cnt);
    int b1 = bucket_of_rank(cnt, nbk, i1, NULL);
    int b2 = bucket_of_rank(cnt, nbk, i2, NULL);
    nc = bucket_gather(x, n, mn, inv, nbk, b1, b2, out, &below);
  }
  int k = i1 - below;
  double omn, omx;
  min_max(out, nc, &omn, &omx);
  if (omn == omx) { *v1 = *v2 = omn; return 0; }     /* a bucket of ties (pearson): nothing to select */
  if (nc > 64 && omx - omn <= loose) { *v1 = omn; *v2 = omx; return 1; }   /* near-ties (pearson): bounds will do */
  *v1 = select_kth(out, nc, k);
  *v2 = *v1;
  if (i2 != i1) {  /* the smallest value after position k */
    double m = HUGE_VAL;
    for (int t = k + 1; t < nc; t++) if (out[t] < m) m = out[t];
    *v2 = m;
  }
  return 0;
}

/* The edges of the buckets that hold the values of ranks ka <= kb in an
 * nbk-bucket histogram of x[0..n-1] over [mn, mx] (x in it): every value in
 * those buckets, and so both values, lies in [*va, *vb] but for the
 * roundings of the edges. Returns 0, doing nothing, if [mn, mx] is too
 * narrow for buckets. cnt holds 2*NBK ints. */
static int
rank_bucket_edges(const double *x, int n, double mn, double mx, int nbk, int ka, int kb, int *cnt, double *va, double *vb)
{
  const double inv = nbk / (mx - mn);
  if (!(mx > mn) || !(inv > 0) || !(inv < HUGE_VAL)) return 0;
  bucket_count(x, n, mn, inv, nbk, cnt);
  const int ba = bucket_of_rank(cnt, nbk, ka, NULL), bb = bucket_of_rank(cnt, nbk, kb, NULL);
  *va = mn + ba / inv;
  *vb = (bb == nbk - 1) ? mx : mn + (bb + 1) / inv;
  return 1;
}

/* Values va <= vb about the order statistics ka < kb of x[0..n-1] (n >= 1):
 * the edges of the histogram buckets that hold them (exact only for small
 * or degenerate x). A bracket for the row's median needs no more: the
 * counts decide whether it holds. out holds n + 8 values. */
static void
sample_bracket(const double *x, int n, int ka, int kb, double *out, int *cnt, double *va, double *vb)
{
  double mn, mx;
  min_max(x, n, &mn, &mx);
  if (n >= 256 && rank_bucket_edges(x, n, mn, mx, buckets_for(2 * n), ka, kb, cnt, va, vb)) return;   /* finer buckets: the edges are the bracket */
  memcpy(out, x, sizeof(double) * (size_t) n);
  *va = select_kth(out, n, ka);
  *vb = select_kth(out, n, kb);
}

/* A row's median bracket from ns sampled scores (every MEDIAN_STRIDE-th of
 * the row's n): values around the sample's order statistics at the ranks
 * i1..i2 scaled down, with bracket_margin() sample ranks on each side (the
 * edges are histogram buckets' edges, wider still). A miss costs a
 * selection from the whole row. Resets the candidates. tmp holds ns + 8
 * values. */
static void
bracket_init(BRACKET *br, const double *sample, int ns, int n, int i1, int i2, double *tmp, int *cnt)
{
  const int MARGIN = bracket_margin(ns);
  long r1 = ((long) i1 * ns) / n, r2 = ((long) i2 * ns) / n;
  int rl = r1 - MARGIN < 0 ? 0 : (int)(r1 - MARGIN), rh = r2 + MARGIN >= ns ? ns - 1 : (int)(r2 + MARGIN);
  sample_bracket(sample, ns, rl, rh, tmp, cnt, &br->vlo, &br->vhi);
  br->vlo = (float) br->vlo;     /* any edges will do: the counts decide */
  br->vhi = (float) br->vhi;
  br->below = br->nc = 0;
  br->ok = 1;
  br->mn = HUGE_VAL; br->mx = -HUGE_VAL;
}

/* The next segment x[0..n-1] of the row (its columns t0..): candidates and
 * their columns, counts and extremes; gives up (ok = 0) before the
 * candidates overflow. */
static inline void
bracket_add(BRACKET *br, const float *x, int n, int t0)
{
  if (!br->ok) return;
  if (br->nc + n + 16 > br->cap) { br->ok = 0; return; }
  br->nc = bracket_seg(x, n, t0, (float) br->vlo, (float) br->vhi, br->val, br->col, br->nc, &br->below, &br->mn, &br->mx);
}

/* Row r of w->S in double precision (w->rowd), for the passes that need a
 * whole row: a bracket that missed, -incomplete-scores, exact windows
 * outside the bracket. */
static const double *
row_double(TFF_CMP_WORK *w, int r)
{
  if (w->rowd_row == r) return w->rowd;    /* row_select() and exact_kth2() may both need it */
  const float *row = w->S + (size_t) r * w->ntot;
  for (int t = 0; t < w->ntot; t++) w->rowd[t] = row[t];
  w->rowd_row = r;
  return w->rowd;
}

/* Did the bracket catch the ranks i1..i2? */
static inline int
bracket_holds(const BRACKET *br, int i1, int i2)
{
  return br->ok && br->below <= i1 && i2 < br->below + br->nc;
}

/* Values *v1 <= the order statistic i1 and *v2 >= i2 (i1 <= i2 <= i1 + 1)
 * of row r of w->S (of its single-precision values), close to them, and the
 * row's minimum and maximum. Where the bracket holds them (the counts prove
 * it), *v1 and *v2 are the edges of the buckets of a histogram of the
 * candidates that hold the two (about eight values a bucket): exact_kth2()
 * needs no more, and then finds them among the candidates itself. Else
 * they are the order statistics, or among many near-ties bounds on them
 * (hist_select()'s loose bounds). tmp holds n + 16 values. */
static void
row_select(const BRACKET *br, TFF_CMP_WORK *w, int r, int n, int i1, int i2, double *tmp, int *cnt,
           double *v1, double *v2, double *ret_mn, double *ret_mx)
{
  /* the candidates lie in the bracket: its range is the histogram's */
  if (br && bracket_holds(br, i1, i2) && br->nc >= 256 &&
      rank_bucket_edges(br->val, br->nc, br->vlo, br->vhi, buckets_for(br->nc), i1 - br->below, i2 - br->below, cnt, v1, v2)) {
    const double fuzz = 1e-9 * (br->vhi - br->vlo) + 1e-15 * (fabs(br->vlo) + fabs(br->vhi));    /* bucket_of()'s and the edges' roundings, far more than enough */
    *v1 -= fuzz;
    *v2 += fuzz;
    *ret_mn = br->mn; *ret_mx = br->mx;
    return;
  }
  if (br && bracket_holds(br, i1, i2)) {
    double cmn, cmx;
    min_max(br->val, br->nc, &cmn, &cmx);
    hist_select(br->val, br->nc, i1 - br->below, i2 - br->below, cmn, cmx, tmp, cnt, HUGE_VAL, v1, v2);
    *ret_mn = br->mn; *ret_mx = br->mx;
    return;
  }
  const double *row = row_double(w, r);
  min_max(row, n, ret_mn, ret_mx);
  hist_select(row, n, i1, i2, *ret_mn, *ret_mx, tmp, cnt, HUGE_VAL, v1, v2);
}

/* Tail probability of a range at raw sum k. */
static inline double
range_tail(const RANGE *r, int k)
{
  if (k <= r->lo) return r->tail[0];
  if (k > r->hi) return 0.0;
  return r->tail[k - r->lo];
}

/* Tomtom's EV(): p-value of the best of n independent trials. */
static double
ev_pvalue(double p, double n)
{
  return (p * n < 0.001) ? p * n : 1 - pow(1 - p, n);
}

/* Build the null distributions of every query range from the row histograms. */
TFF_CLONES_AVX2 static int
build_ranges(TFF_CMP_WORK *w, int Lq, char *errbuf)
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
#ifdef TFF_HAVE_X86_KERNELS
  const int simd = tff_SimdLevel();
#endif
  /* each range's distribution, convolved from the range one shorter, in place in its tail's storage */
  for (int a = 0; a < Lq; a++) {
    const double one = 1.0;
    const double *old = &one;
    int lo = 0, hi = 0;
    for (int b = a; b < Lq; b++) {
      const int *h = w->hist + (size_t) b * NB;
      int hl = w->hmin[b], hh = w->hmax[b];
      int nlo = lo + hl, nhi = hi + hh;
      double *nw = store;
#ifdef TFF_HAVE_X86_KERNELS
      if (simd) {
        const int len = hi - lo + 1, pad = TFF_CMP_BINS + 8;
        int nnz = 0;
        for (int s = hl; s <= hh; s++)
          if (h[s] != 0) { w->cds[nnz] = s - hl; w->cps[nnz] = h[s] * inv; nnz++; }
        memset(w->cpad, 0, sizeof(double) * (size_t) pad);
        memcpy(w->cpad + pad, old, sizeof(double) * (size_t) len);
        memset(w->cpad + pad + len, 0, sizeof(double) * (size_t) pad);
        if (simd >= 2) conv_avx512(w->cpad + pad, w->cds, w->cps, nnz, nw, nhi - nlo + 1);
        else conv_avx2(w->cpad + pad, w->cds, w->cps, nnz, nw, nhi - nlo + 1);
        goto CONVOLVED;
      }
#endif
      for (int k = 0; k <= nhi - nlo; k++) nw[k] = 0.0;
      for (int s = hl; s <= hh; s++) {
        if (h[s] == 0) continue;
        double ps = h[s] * inv;
        double *restrict dst = nw + (s - hl);
        const double *restrict src = old;
        const int len = hi - lo + 1;
        TFF_SIMD
        for (int k = 0; k < len; k++) dst[k] += src[k] * ps;
      }
#ifdef TFF_HAVE_X86_KERNELS
    CONVOLVED:
#endif
      ;
      RANGE *r = &w->rng[a * Lq + b];
      r->lo = nlo; r->hi = nhi; r->tail = store;
      store += nhi - nlo + 1;
      old = nw;
      lo = nlo; hi = nhi;
    }
  }
  /* tails, clamped like Tomtom's p-value table: each the same serial sum from
   * the top, four ranges of one length class at a time so that the sums
   * overlap in the pipeline */
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
  return tffOK;
 ERROR:
  return status;
}

/* The range [a,b] of query columns the i-th alignment with a width-L target covers
 * (Tomtom's enumeration in calc_shifted_scores_pvalues_per_query). */
static inline void
alignment_range(int Lq, int L, int i, int *a, int *b)
{
  if (i < Lq) { *a = Lq - i - 1; *b = ((*a + L) < Lq ? (*a + L) : Lq) - 1; }
  else        { *a = 0;          *b = ((L + Lq - i - 1) < Lq ? (L + Lq - i - 1) : Lq) - 1; }
}

/* p-value of the best alignment score K (extended coordinates) for target width L. */
static double
complete_pvalue(const TFF_CMP_WORK *w, int Lq, int L, int LS, int nstr, int K)
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
/* complete_pvalue() of eight scores K[0..7] at once (the same operations per
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

/* Allowed configurations (Tomtom's c = 1 .. Lq+Lt-1). */
static inline void
config_range(const TFF_CMP_CFG *cfg, int Lq, int Lt, int *start, int *end)
{
  *start = 1; *end = Lq + Lt - 1;
  if (cfg->internal) {
    if (Lq < Lt) { *start = Lq; *end = Lt; } else { *start = Lt; *end = Lq; }
  } else if (cfg->min_overlap > 1) {
    int mo = cfg->min_overlap;
    if (Lq < mo) mo = Lq;
    if (Lt < mo) mo = Lt;
    *start = mo; *end = Lq + Lt - mo;
  }
}

/* The alignment keys of the best_alignment kernels for a width-Lt target:
 * at lane i (configuration i + 1), (overlap * LS) << 6 | overlap where the
 * configuration is allowed, ALIGN_NONE elsewhere (32 lanes). */
#define ALIGN_NONE (INT32_MIN / 2)
static void
align_keys(const TFF_CMP_CFG *cfg, int Lq, int Lt, int LS, int32_t *key)
{
  const int nd = Lq + Lt - 1;
  int start, end;
  config_range(cfg, Lq, Lt, &start, &end);
  for (int i = 0; i < 32; i++) {
    int ov = i + 1 < Lq ? i + 1 : Lq;
    if (Lt < ov) ov = Lt;
    if (nd - i < ov) ov = nd - i;
    key[i] = (i >= start - 1 && i <= end - 1 && i < nd) ? (ov * LS) * 64 + ov : ALIGN_NONE;
  }
}

/* For best_alignment_avx2(), a query of Lq rows against targets of width
 * Lt (Lq + Lt - 1 <= 32): row r's 32 lanes, 0xff where lane i = j + Lq - 1 - r
 * for a target column j < Lt. */
static void
align_masks(int Lq, int Lt, uint8_t *mask)
{
  for (int r = 0; r < Lq; r++) {
    const int sh = Lq - 1 - r;
    for (int i = 0; i < 32; i++) mask[32 * r + i] = (i >= sh && i < sh + Lt) ? 0xff : 0;
  }
}

/* Exact (reference) score of query row r against database column t; dq is
 * the row's tff_colcmp_PearsonDen() (pearson only). */
static inline double
exact_cell(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, int r, double dq, int t)
{
  if (db->cfg.metric == tffCOL_PEARSON) return tff_colcmp_PearsonCell(&db->cols, q->f + 4 * r, dq, t);
  double col[4] = { db->cols.f[0][t], db->cols.f[1][t], db->cols.f[2][t], db->cols.f[3][t] };
  return tff_colcmp_Score(db->cfg.metric, q->f + 4 * r, col, q->nsites, db->cols.ns[t], db->bg);
}

/* A new row context (w->gen) for the cache of exact_cells(): exact scores
 * of canonical columns (identical columns have identical exact scores). */
static void
new_context(TFF_CMP_WORK *w)
{
  if (w->gen == INT32_MAX) { memset(w->estamp, 0, sizeof(int) * (size_t) w->ntot); w->gen = 0; }
  w->gen++;
}

/* exact_cell() of the columns cols[0..n-1] into out (not w->tmp2): computed
 * once per distinct column in the current row context and cached, pearson's
 * in a batch (eight at a time where the CPU allows). */
static void
exact_cells(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, int r, double dq, const int *cols, int n, double *out, TFF_CMP_WORK *w)
{
  int nu = 0;
  for (int i = 0; i < n; i++) {
    const int c = db->colcanon[cols[i]];
    if (w->estamp[c] != w->gen) { w->estamp[c] = w->gen; w->uidx[nu++] = c; }
  }
  if (db->cfg.metric == tffCOL_PEARSON) {
    tff_colcmp_PearsonCells(&db->cols, q->f + 4 * r, dq, w->uidx, nu, w->tmp2);
    for (int j = 0; j < nu; j++) w->ecache[w->uidx[j]] = w->tmp2[j];
  } else
    for (int j = 0; j < nu; j++) w->ecache[w->uidx[j]] = exact_cell(db, q, r, dq, w->uidx[j]);
  for (int i = 0; i < n; i++) out[i] = w->ecache[db->colcanon[cols[i]]];
}

#ifdef TFF_HAVE_X86_KERNELS
/* near_scan() on the first multiple of 8 values: the number below lo into
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

/* bin_row_fuzzy() on the first multiple of 16 columns, without the
 * histogram, in single precision: w = x * scale + c, c = (nmed - lo) * scale
 * + 0.5, is within tol of Tomtom's (((x + nmed) - lo) * scale) + 0.5 (see
 * score_matrix()), so a cell is provisional where trunc(w - tol) differs
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
static int
bin_row_fuzzy(const float *row, int n, int shift, double nmed, double lo, double scale, double tol,
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

/* Number of f[t] < lo; indices of lo <= f[t] <= hi into idx (room for their number + 16), their number into *ret_nc. */
static int
near_scan(const double *f, int n, double lo, double hi, int *idx, int *ret_nc)
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

#ifdef TFF_HAVE_X86_KERNELS
/* extremes_scan() with AVX2, eight columns at a time in single precision
 * against thresholds fa, fb on the unshifted scores (see extremes_scan());
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
static int
extremes_scan(const float *row, int n, double m, double a, double b, int *idx)
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

#ifdef tffCOMPARE_TESTDRIVE
static double test_err_floor = 0.0;   /* the unit test widens err: every guard then has work to do */
static int    fast_window_min = 256;  /* ... and sends small windows the fast way too */
static long   test_exact_medians = 0; /* medians made exact after the fast window */
#else
enum { fast_window_min = 256 };
#endif

/* Exact order statistics k1 <= k2 <= k1 + 1 of row r, whose values in w->S are
 * within err of the exact ones, given the fast ones fk1 <= fk2: every cell
 * whose fast value is more than 2*err below fk1 or above fk2 is on the right
 * side of both in exact order too, so only the cells between need their exact
 * values. They are looked for among the row's median candidates when the
 * bracket holds that window (br may be NULL), else in the row. buf and idx
 * hold n + 16 values.
 *
 * With fast_ok, a pearson window of many cells (near-ties: about 2800 in a
 * fifth of the rows) takes the fast double-precision values instead, which
 * are within TFF_COLCMP_PEARSON_ERR of the exact ones; order statistics move
 * no more than the values do, so *v1 and *v2 are then within that of the
 * exact ones, and *ret_tol says so (0: exact). score_matrix() makes the
 * median exact where that difference could matter, which is seldom. */
static void
exact_kth2(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, int r, double dq, int n, int k1, int k2,
           double fk1, double fk2, double err, const BRACKET *br, double *buf, int *idx, TFF_CMP_WORK *w,
           int fast_ok, double *v1, double *v2, double *ret_tol)
{
  const double lo = fk1 - 2 * err, hi = fk2 + 2 * err;
  const int cand = br && br->ok && br->vlo < lo && hi < br->vhi;
  int nc, nbelow = cand ? br->below + near_scan(br->val, br->nc, lo, hi, idx, &nc) : near_scan(row_double(w, r), n, lo, hi, idx, &nc);
  if (cand) for (int i = 0; i < nc; i++) idx[i] = br->col[idx[i]];
  *ret_tol = 0.0;
  if (fast_ok && db->cfg.metric == tffCOL_PEARSON && nc >= fast_window_min) {
    tff_colcmp_PearsonCellsFast(&db->cols, &w->cq[r], idx, nc, buf);
    *ret_tol = TFF_COLCMP_PEARSON_ERR;
#ifdef tffCOMPARE_TESTDRIVE
    if (test_err_floor > 0) {   /* a wider bound, and values that use it: a median taken as exact would show */
      *ret_tol = test_err_floor;
      for (int i = 0; i < nc; i++) buf[i] += (i & 1 ? 0.5 : -0.5) * test_err_floor;
    }
#endif
  } else
    exact_cells(db, q, r, dq, idx, nc, buf, w);     /* the window holds many identical columns */
  double mn = HUGE_VAL, mx = -HUGE_VAL;
  for (int i = 0; i < nc; i++) { mn = buf[i] < mn ? buf[i] : mn; mx = buf[i] > mx ? buf[i] : mx; }
  if (nc > 0 && mn == mx) { *v1 = *v2 = mn; return; }   /* all tied: common at pearson's -1/3 */
  const int k = k1 - nbelow;
  if (nc >= 256) {     /* thousands of near-ties (pearson): a histogram of the window, not passes over it */
    /* fast values: bounds a <= both statistics <= b will do where b - a
     * is small, as the median (a + b) / 2 is then within (b - a) / 2 more */
    if (hist_select(buf, nc, k, k + (k2 - k1), mn, mx, w->tmp2, w->cnt, *ret_tol > 0 ? 1e-12 : -1.0, v1, v2)) {
      *ret_tol += (*v2 - *v1) / 2;
      *v1 = *v2 = (*v1 + *v2) / 2;
    }
    return;
  }
  /* near-ties usually take a few distinct values: walk them in order */
  double v = mn;
  for (int below = 0, pass = 0; pass < 8; pass++) {
    int c = 0;
    double next = HUGE_VAL;
    for (int i = 0; i < nc; i++) {
      c += (buf[i] == v);
      next = (buf[i] > v && buf[i] < next) ? buf[i] : next;
    }
    if (below + c > k) {
      *v1 = v;
      *v2 = (k2 == k1 || below + c > k + 1) ? v : next;
      return;
    }
    below += c;
    v = next;
  }
  *v1 = *v2 = select_kth(buf, nc, k);
  if (k2 != k1) {   /* the smallest value after position k */
    double m = HUGE_VAL;
    for (int t = k + 1; t < nc; t++) if (buf[t] < m) m = buf[t];
    *v2 = m;
  }
}

/* Tomtom's bin of score x: shifted by nmed (shift), scaled, rounded. */
static inline int
tomtom_bin(double x, int shift, double nmed, double lo, double scale)
{
  if (shift) x = x + nmed;     /* Tomtom's shifted score, same rounding */
  return (int)(((x - lo) * scale) + 0.5);
}

/* Makes row r's median exact (w->mtol[r] = 0), from the window it came from
 * (w->fsel: bounds on the single-precision order statistics, from
 * row_select()); in the current row context. */
static void
exact_median(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, int r, int i1, int i2, double err)
{
  if (w->mtol[r] == 0.0) return;
#ifdef tffCOMPARE_TESTDRIVE
  test_exact_medians++;
#endif
  const int sampled = !db->cfg.incomplete && db->samp.n > 0;
  double v1, v2, tol;
  exact_kth2(db, q, r, w->dq[r], db->ntot, i1, i2, w->fsel[2 * r], w->fsel[2 * r + 1], err, sampled ? &w->br[r] : NULL,
             w->tmp, w->idx, w, 0, &v1, &v2, &tol);
  w->med[r] = (v1 + v2) / 2.0;
  w->mtol[r] = 0.0;
}

/* Scores, shift, scale and bin one query against the database: fills
 * w->S (raw scores), w->med (row shifts), w->B (scaled 0..100), the row
 * histograms, and returns Tomtom's offset (lo) and scale.
 *
 * The scores are computed in single precision (tff_colcmp_RowF2(): twice
 * the lanes per vector and half the memory of double precision), within err
 * of Tomtom's double-precision values. The three places where such a
 * difference could change a result are made exact: each row's median
 * (exact values of the cells within 2 err of it; pearson's many near-ties
 * take fast values, and the median is then within w->mtol of Tomtom's and
 * made exact where that could matter), the global minimum and maximum when
 * floor(min) or floor(100/(max-lo)) is that close to a step, and every cell
 * whose scaled value is that close to a rounding step. */
TFF_CLONES_AVX2 static void
score_matrix(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, double *ret_lo, double *ret_scale)
{
  const int Lq = q->w, n = db->ntot;
  double err = 0.0;     /* bound on |w->S - exact score| */
  double mn = HUGE_VAL, mx = -HUGE_VAL;

  double mtmax = 0.0;   /* the largest w->mtol */
  int i1 = (int) floor(0.5 * n) - 1, i2 = (int) ceil(0.5 * n) - 1;    /* the ranks of the median */
  if (i1 < 0) i1 = 0;
  if (i2 < i1) i2 = i1;
  /* each row's median bracket, from the sampled columns */
  const int sampled = !db->cfg.incomplete && db->samp.n > 0;
  /* a row whose query column repeats an earlier one's (5% of JASPAR's rows)
   * is that row again, to the bit: only the first is scored and binned */
  int nu = 0;
  for (int r = 0; r < Lq; r++) {
    int r0 = 0;
    while (r0 < r && memcmp(q->f + 4 * r0, q->f + 4 * r, 4 * sizeof(double)) != 0) r0++;
    w->rowof[r] = r0;
    if (r0 == r) w->urow[nu++] = r;
    tff_colcmp_PrepQuery(db->cfg.metric, q->f + 4 * r, q->nsites, &w->cq[r]);
  }
  if (sampled)
    for (int k = 0; k < nu; k++) {
      const int r = w->urow[k];
      tff_colcmp_RowF(&db->samp, &w->cq[r], db->bg, w->S, w->tmp2);    /* row 0 of S as scratch */
      for (int j = 0; j < db->samp.n; j++) w->tmp2[j] = w->S[j];
      bracket_init(&w->br[r], w->tmp2, db->samp.n, n, i1, i2, w->tmp, w->cnt);
    }
  /* all rows' scores, in blocks of columns that stay in cache across the
   * rows; each block, still in cache, goes past its row's bracket */
  for (int j0 = 0; j0 < n; j0 += SCORE_BLOCK) {
    const int j1 = (n - j0 < SCORE_BLOCK) ? n : j0 + SCORE_BLOCK;
    TFF_COLSET v = db->cols;
    v.n = j1 - j0;
    for (int a = 0; a < 4; a++) {
      v.f[a] = db->cols.f[a] + j0;
      if (v.lr[a]) v.lr[a] += j0;
      if (v.g[a]) v.g[a] += j0;
    }
    v.ns += j0;
    if (v.pden) { v.pden += j0; v.pinv += j0; }
    int k = 0;
    for (; k + 2 <= nu; k += 2) {    /* two rows at once: the block's columns loaded once */
      const int r = w->urow[k], r2 = w->urow[k + 1];
      float *seg = w->S + (size_t) r * n + j0, *seg2 = w->S + (size_t) r2 * n + j0;
      const double e = tff_colcmp_RowF2(&v, &w->cq[r], &w->cq[r2], db->bg, seg, seg2, w->tmp2);
      err = e > err ? e : err;
      if (sampled) { bracket_add(&w->br[r], seg, j1 - j0, j0); bracket_add(&w->br[r2], seg2, j1 - j0, j0); }
    }
    if (k < nu) {
      const int r = w->urow[k];
      float *seg = w->S + (size_t) r * n + j0;
      const double e = tff_colcmp_RowF(&v, &w->cq[r], db->bg, seg, w->tmp2);
      err = e > err ? e : err;
      if (sampled) bracket_add(&w->br[r], seg, j1 - j0, j0);
    }
  }
  w->rowd_row = -1;     /* S is this query's now */
#ifdef tffCOMPARE_TESTDRIVE
  if (err < test_err_floor) err = test_err_floor;
#endif
  for (int r = 0; r < Lq; r++) {
    const BRACKET *br = sampled ? &w->br[r] : NULL;
    w->dq[r] = (db->cfg.metric == tffCOL_PEARSON) ? tff_colcmp_PearsonDen(q->f + 4 * r) : 0.0;
    double rmn = HUGE_VAL, rmx = -HUGE_VAL;
    w->med[r] = w->mtol[r] = 0.0;
    if (w->rowof[r] != r) continue;    /* its first row's median and extremes: nothing new */
    if (db->cfg.incomplete)
      min_max(row_double(w, r), n, &rmn, &rmx);
    else {
      double v1, v2, tol;
      row_select(br, w, r, n, i1, i2, w->tmp, w->cnt, &v1, &v2, &rmn, &rmx);
      w->fsel[2 * r] = v1; w->fsel[2 * r + 1] = v2;
      new_context(w);
      exact_kth2(db, q, r, w->dq[r], n, i1, i2, v1, v2, err, br, w->tmp, w->idx, w, 1, &v1, &v2, &tol);
      double med = (v1 + v2) / 2.0;
      w->med[r] = med;
      w->mtol[r] = tol > 0 ? tol + 1e-15 : 0.0;    /* + the roundings of the sum (only pearson has a bound: values below 2) */
      mtmax = w->mtol[r] > mtmax ? w->mtol[r] : mtmax;
      rmn = rmn + (-med); rmx = rmx + (-med);     /* rounding is monotonic: the extremes of the shifted row */
    }
    if (rmn < mn) mn = rmn;
    if (rmx > mx) mx = rmx;
  }
  /* exact extremes when the fast ones are close enough to a step of floor()
   * for the difference to matter: mn and mx are within err + mtmax (and a
   * rounding) of the exact ones, and 100 / (mx - lo) then within
   * rr * (err + mtmax) / (mx - lo) */
  {
    const double lo0 = floor(mn), span = mx - lo0, rr = TFF_CMP_BINS / span, eb = err + mtmax;
    const double dlo = 4 * eb + 1e-12, drr = rr * (4 * eb / span + 1e-12);
    const int near_lo = (mn - lo0 < dlo || mn - lo0 > 1 - dlo);
    const int near_sc = !(span > 8 * eb) || rr - floor(rr) < drr || rr - floor(rr) > 1 - drr;
    if (near_lo || near_sc) {
      double emn = HUGE_VAL, emx = -HUGE_VAL;
      for (int r = 0; r < Lq; r++)
        if (w->rowof[r] == r && w->mtol[r] > 0) { new_context(w); exact_median(db, q, w, r, i1, i2, err); }
      for (int r = 0; r < Lq; r++) {
        if (w->rowof[r] != r) continue;    /* the same extremes as its first row's */
        const float *row = w->S + (size_t) r * n;
        double med = w->med[r];
        new_context(w);
        const int ne = extremes_scan(row, n, db->cfg.incomplete ? 0.0 : -med, mn + 4 * eb, mx - 4 * eb, w->idx);
        exact_cells(db, q, r, w->dq[r], w->idx, ne, w->tmp, w);   /* often many: e.g. every pure column correlates 1 with a pure query column */
        for (int i = 0; i < ne; i++) {
          double e = w->tmp[i];
          if (!db->cfg.incomplete) e = e + (-med);
          emn = e < emn ? e : emn;
          emx = e > emx ? e : emx;
        }
      }
      mn = emn; mx = emx;
    }
  }
  if (mx == mn) mn = mx - 1;
  double lo = floor(mn);
  double scale = floor(TFF_CMP_BINS / (mx - lo));
  /* A scaled value moves by at most scale * err, and the single-precision
   * binning (bin_row_fuzzy_avx2()) adds roundings of its terms, each at most
   * 2^-24 of its size: of x * scale (|x| <= big + |nmed|), of the constant
   * (|nmed| + |lo|) * scale + 0.5, of the sum (<= 101) and of the sum +- tol;
   * tol is twice that. */
  const double big = (fabs(mn) > fabs(mx) ? fabs(mn) : fabs(mx)) + 1.0;
  for (int r = 0; r < Lq; r++) {
    const float *row = w->S + (size_t) r * n;
    uint8_t *brow = w->B + (size_t) r * n;
    int *h = w->hist + (size_t) r * NB;
    const int shift = !db->cfg.incomplete;
    if (w->rowof[r] != r) {    /* its first row's bins (w->med[r] is not needed past here) */
      const int r0 = w->rowof[r];
      memcpy(brow, w->B + (size_t) r0 * n, (size_t) n);
      memcpy(h, w->hist + (size_t) r0 * NB, sizeof(int) * NB);
      w->hmin[r] = w->hmin[r0]; w->hmax[r] = w->hmax[r0];
      continue;
    }
    new_context(w);
  BIN_ROW:;
    const double nmed = -w->med[r], mt = w->mtol[r];
    const double tol = scale * (2 * err + 2 * mt) + 0x1p-23 * (scale * (2 * fabs(nmed) + fabs(lo) + big) + 304.0) + 1e-9;
    /* provisional bins; the cells near a rounding step get exact ones */
    int nn = bin_row_fuzzy(row, n, shift, nmed, lo, scale, tol, brow, h, w->idx);
    exact_cells(db, q, r, w->dq[r], w->idx, nn, w->tmp, w);
    if (mt > 0)    /* the median is within mt: do both ends give the same bins? (monotonic: then so does it) */
      for (int i = 0; i < nn; i++)
        if (tomtom_bin(w->tmp[i], 1, nmed - mt, lo, scale) != tomtom_bin(w->tmp[i], 1, nmed + mt, lo, scale)) {
          exact_median(db, q, w, r, i1, i2, err);
          goto BIN_ROW;
        }
    for (int i = 0; i < nn; i++) {
      int t = w->idx[i];
      int b = tomtom_bin(w->tmp[i], shift, nmed - mt, lo, scale);
      h[brow[t]]--; h[b]++;
      brow[t] = (uint8_t) b;
    }
    int a = 0, b = TFF_CMP_BINS;
    while (h[a] == 0) a++;
    while (h[b] == 0) b--;
    w->hmin[r] = a; w->hmax[r] = b;
  }
  *ret_lo = lo;
  *ret_scale = scale;
}

/* The best alignment of the query with every target and strand into hits
 * (target, strand, offset, overlap; incomplete mode: p and E), and where
 * each hit's p-value will come from (w->hk, the pending (width, score)
 * lists). simd: 2 AVX-512, 1 AVX2, 0 neither; a constant where inlined, so
 * that each wrapper below is compiled for its instructions and the vector
 * kernel is inlined into it. */
static inline __attribute__((always_inline)) void
hit_loop(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, TFF_CMP_HIT *hits, int LS, int KMAX, const int simd)
{
  const int Lq = q->w, nstr = db->nstr, n = db->ntot;
  const TFF_CMP_CFG *cfg = &db->cfg;
  for (int h = 0, ti = 0, strand = 0; h < db->nhits; h++) {
    const int Lt = db->t[ti].w, c0 = db->coloff[h];
    int start = 0, end = -1;     /* the configurations allowed: the vector kernels have them in their keys */
    int bestC = 0, bestov = -1, bestoff = 0;
    double bestp = HUGE_VAL;
    const int nd = Lq + Lt - 1;
#ifdef TFF_HAVE_X86_KERNELS
    if (simd == 2 && !cfg->incomplete && nd <= 32) {
      align_decode(best_alignment_avx512(w->B, (size_t) n, Lq, c0, Lt, w->akey + 32 * db->lenidx[Lt]), Lq, &bestC, &bestov, &bestoff);
      goto HIT;
    }
    if (simd == 1 && !cfg->incomplete && nd <= 32) {
      align_decode(best_alignment_avx2(w->B, (size_t) n, Lq, c0, w->amask + 32 * 32 * db->lenidx[Lt], w->akey + 32 * db->lenidx[Lt]), Lq, &bestC, &bestov, &bestoff);
      goto HIT;
    }
#endif
    config_range(cfg, Lq, Lt, &start, &end);
    int *diag = w->diag;
    for (int d = 0; d < nd; d++) diag[d] = 0;
    for (int r = 0; r < Lq; r++) {
      const uint8_t *brow = w->B + (size_t) r * n + c0;
      int *restrict dg = diag + (Lq - 1 - r);   /* offset o = j - r at index o + Lq - 1 */
      TFF_SIMD
      for (int j = 0; j < Lt; j++) dg[j] += brow[j];
    }
    for (int c = start; c <= end; c++) {
      int o = c - Lq;
      int qs = o < 0 ? -o : 0, ts = o > 0 ? o : 0;
      int ov = (Lq - qs < Lt - ts) ? Lq - qs : Lt - ts;
      int sum = diag[o + Lq - 1];
      if (!cfg->incomplete) {
        int C = sum + ov * LS;
        if (bestov < 0 || C > bestC || (C == bestC && ov > bestov)) { bestC = C; bestov = ov; bestoff = o; }
      } else {
        double p = range_tail(&w->rng[qs * Lq + qs + ov - 1], sum);
        if (bestov < 0 || p < bestp || (p == bestp && ov > bestov)) { bestp = p; bestov = ov; bestoff = o; }
      }
    }
#ifdef TFF_HAVE_X86_KERNELS
  HIT:;
#endif
    TFF_CMP_HIT *hit = &hits[h];
    hit->target = ti; hit->strand = strand; hit->offset = bestoff; hit->overlap = bestov; hit->qvalue = 1.0;
    if (++strand == nstr) { strand = 0; ti++; }    /* h = ti * nstr + strand */
    if (!cfg->incomplete) {
      const int K = bestC - Lq * LS;
      if (K >= 0 && K <= KMAX) {     /* p-value later: one evaluation per (width, score) */
        const size_t at = (size_t) db->lenidx[Lt] * (size_t)(KMAX + 1) + K;
        if (!(w->pbit[at >> 3] & (1u << (at & 7)))) {    /* needed: on the list of its width */
          const int li = db->lenidx[Lt];
          w->pbit[at >> 3] |= (uint8_t)(1u << (at & 7));
          w->pnext[w->npend] = w->lhead[li];
          w->pat[w->npend] = (int) at;
          w->lhead[li] = w->npend++;
        }
        w->hk[h] = (int) at;
      } else {
        w->hk[h] = -1;
        float p = (float) complete_pvalue(w, Lq, Lt, LS, nstr, K);
        float e = p * (float) db->nhits;
        e = e / (float) nstr;
        hit->pvalue = p;
        hit->evalue = e;
      }
    } else {
      int nconf = end - start + 1;
      hit->pvalue = ev_pvalue(bestp, (double)(nstr == 2 ? nconf * 2 : nconf));
      hit->evalue = hit->pvalue * (double) db->n;
    }
  }
}

static void
hit_loop_plain(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, TFF_CMP_HIT *hits, int LS, int KMAX)
{
  hit_loop(db, q, w, hits, LS, KMAX, 0);
}

#ifdef TFF_HAVE_X86_KERNELS
TFF_AVX2 static void
hit_loop_avx2(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, TFF_CMP_HIT *hits, int LS, int KMAX)
{
  hit_loop(db, q, w, hits, LS, KMAX, 1);
}

TFF_AVX512 static void
hit_loop_avx512(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, TFF_CMP_HIT *hits, int LS, int KMAX)
{
  hit_loop(db, q, w, hits, LS, KMAX, 2);
}
#endif

TFF_CLONES_AVX2 int
tff_cmp_Query(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, TFF_CMP_HIT *hits, char *errbuf)
{
  const int Lq = q->w, nstr = db->nstr;
  const TFF_CMP_CFG *cfg = &db->cfg;
  double lo, scale;
  int status;

  if (Lq > TFF_CMP_MAX_QUERY_W) TFF_FAIL(tffEINVAL, errbuf, "query %s is wider than %d columns", q->id, TFF_CMP_MAX_QUERY_W);
  TFF_CHECK(work_grow(w, Lq, errbuf));
  score_matrix(db, q, w, &lo, &scale);
  TFF_CHECK(build_ranges(w, Lq, errbuf));

  const int LS = (int) rint(lo * scale);   /* lo and scale are integers */
#ifdef TFF_HAVE_X86_KERNELS
  const int avx512 = cpu_avx512(), avx2 = cpu_avx2();
#endif
  /* p-values depend on the target width and the best score only: computed
   * once per (width, score) that occurs. Scores lie in 0..KMAX (LS <= 0 and
   * -LS <= BINS in complete mode); others, if any, are not memoised. */
  const int KMAX = Lq * TFF_CMP_BINS;
  if (!cfg->incomplete) {
    size_t need = (size_t) db->nlen * (size_t)(KMAX + 1);
    for (int j = 0; j < w->npend; j++) w->pbit[w->pat[j] >> 3] = 0;   /* left by a query that failed */
    w->npend = 0;
    if (need > w->pmemocap) {
      free(w->pmemo); free(w->pbit);
      w->pmemo = NULL; w->pbit = NULL; w->pmemocap = 0;
      TFF_ALLOC(w->pmemo, sizeof(float) * need);
      TFF_CALLOC(w->pbit, need / 8 + 1, 1);
      w->pmemocap = need;
    }
    if ((size_t) KMAX + 1 > w->klistcap) {
      free(w->klist);
      w->klist = NULL; w->klistcap = 0;
      TFF_ALLOC(w->klist, sizeof(int) * ((size_t) KMAX + 1));
      w->klistcap = (size_t) KMAX + 1;
    }
    for (int li = 0; li < db->nlen; li++) w->lhead[li] = -1;
    w->npend = 0;
    for (int li = 0; li < db->nlen; li++)
      if (Lq + db->lens[li] - 1 <= 32) {
        align_keys(cfg, Lq, db->lens[li], LS, w->akey + 32 * li);
#ifdef TFF_HAVE_X86_KERNELS
        if (avx2 && !avx512) align_masks(Lq, db->lens[li], w->amask + 32 * 32 * li);
#endif
      }
  }
#ifdef TFF_HAVE_X86_KERNELS
  if (avx512) hit_loop_avx512(db, q, w, hits, LS, KMAX);
  else if (avx2) hit_loop_avx2(db, q, w, hits, LS, KMAX);
  else
#endif
    hit_loop_plain(db, q, w, hits, LS, KMAX);
  if (!cfg->incomplete) {
    /* the p-values of the (width, score) pairs that occur */
    for (int li = 0; li < db->nlen; li++) {
      float *memo = w->pmemo + (size_t) li * (size_t)(KMAX + 1);
      const int L = db->lens[li];
      int nk = 0;
      for (int j = w->lhead[li]; j >= 0; j = w->pnext[j]) w->klist[nk++] = w->pat[j] - li * (KMAX + 1);
      int i = 0;
#ifdef TFF_HAVE_X86_KERNELS
      if (avx512)
        for (; i + 8 <= nk; i += 8) complete_pvalue8_avx512(w, Lq, L, LS, nstr, w->klist + i, memo);
      else if (avx2)
        for (; i + 8 <= nk; i += 8) complete_pvalue8_avx2(w, Lq, L, LS, nstr, w->klist + i, memo);
#endif
      for (; i < nk; i++) memo[w->klist[i]] = (float) complete_pvalue(w, Lq, L, LS, nstr, w->klist[i]);
    }
    for (int h = 0; h < db->nhits; h++) {
      if (w->hk[h] < 0) continue;
      float p = w->pmemo[w->hk[h]];
      float e = p * (float) db->nhits;
      e = e / (float) nstr;
      hits[h].pvalue = p;
      hits[h].evalue = e;
    }
    for (int j = 0; j < w->npend; j++) w->pbit[w->pat[j] >> 3] = 0;   /* the bits are 0 between queries */
    w->npend = 0;
  }
  return tffOK;
 ERROR:
  return status;
}

/*****************************************************************
 * 4. The slow reference path
 *****************************************************************/

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) ? -1 : (x == y ? 0 : 1);
}

int
tff_cmp_QuerySlow(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_HIT *hits, char *errbuf)
{
  const int Lq = q->w, n = db->ntot, nstr = db->nstr;
  const TFF_CMP_CFG *cfg = &db->cfg;
  const int size = Lq * TFF_CMP_BINS + 1;
  const int nrange = Lq * (Lq + 1) / 2;
  double *S = NULL, *col = NULL, *pv = NULL, *pmf = NULL, *old = NULL, *nw = NULL, *ext = NULL;
  double *pvmax = NULL, *cur_cdf = NULL, *old_cdf = NULL, *mnew = NULL, *mold = NULL;
  int *ref = NULL;
  int status;

  TFF_ALLOC(S, sizeof(double) * (size_t) Lq * n);
  TFF_ALLOC(col, sizeof(double) * (size_t) n);
  /* column scores */
  for (int r = 0; r < Lq; r++)
    for (int t = 0; t < n; t++) {
      double c[4] = { db->cols.f[0][t], db->cols.f[1][t], db->cols.f[2][t], db->cols.f[3][t] };
      S[(size_t) r * n + t] = tff_colcmp_Score(cfg->metric, q->f + 4 * r, c, q->nsites, db->cols.ns[t], db->bg);
    }
  /* shift by the quantile, sorting each row */
  if (!cfg->incomplete) {
    int i1 = (int) floor(0.5 * n) - 1, i2 = (int) ceil(0.5 * n) - 1;
    if (i1 < 0) i1 = 0;
    if (i2 < i1) i2 = i1;
    for (int r = 0; r < Lq; r++) {
      memcpy(col, S + (size_t) r * n, sizeof(double) * n);
      qsort(col, n, sizeof(double), cmp_double);
      double quant = (col[i1] + col[i2]) / 2.0;
      for (int t = 0; t < n; t++) S[(size_t) r * n + t] += -quant;
    }
  }
  /* scale */
  double small = HUGE_VAL, large = -HUGE_VAL;
  for (size_t k = 0; k < (size_t) Lq * n; k++) { if (S[k] < small) small = S[k]; if (S[k] > large) large = S[k]; }
  if (large == small) small = large - 1;
  double offset = small = floor(small);
  double scale = floor(TFF_CMP_BINS / (large - small));
  for (size_t k = 0; k < (size_t) Lq * n; k++) {
    double x = (S[k] - offset) * scale;
    S[k] = (int)(x >= 0 ? x + 0.5 : x - 0.5);
  }
  /* p-value tables and pmfs of every range, column by column */
  TFF_ALLOC(pv, sizeof(double) * (size_t) nrange * size);
  TFF_ALLOC(pmf, sizeof(double) * (size_t) nrange * size);
  TFF_ALLOC(ref, sizeof(int) * (size_t) Lq * Lq);
  TFF_ALLOC(old, sizeof(double) * size);
  TFF_ALLOC(nw, sizeof(double) * size);
  {
    double ubg = 1.0 / n;
    int addr = 0;
    for (int st = Lq - 1; st >= 0; st--) {
      for (int k = 0; k < size; k++) nw[k] = 0;
      nw[0] = 1;
      for (int i = 0; st + i < Lq; i++) {
        int mx = i * TFF_CMP_BINS;
        double *t = old; old = nw; nw = t;
        for (int k = 0; k < size; k++) nw[k] = 0;
        for (int j = 0; j < n; j++) {
          int s = (int) S[(size_t)(st + i) * n + j];
          for (int k = 0; k <= mx; k++) if (old[k] != 0) nw[k + s] = nw[k + s] + old[k] * ubg;
        }
        double *p = pv + (size_t) addr * size;
        memcpy(p, nw, sizeof(double) * size);
        for (int ii = size - 2; ii >= 0; ii--) { double v = p[ii] + p[ii + 1]; p[ii] = v < 1.0 ? v : 1.0; }
        memcpy(pmf + (size_t) addr * size, nw, sizeof(double) * size);
        ref[st * Lq + st + i] = addr++;
      }
    }
  }
  /* complete mode: distribution of the best alignment per target width */
  int extlen = 0;
  if (!cfg->incomplete) {
    extlen = (int) ceil(size - (Lq - 1) * offset * scale);
    TFF_CALLOC(ext, (size_t) nrange * extlen, sizeof(double));
    for (int a = 0; a < Lq; a++)
      for (int b = a; b < Lq; b++) {
        int idx = ref[a * Lq + b];
        int oc = (int) rint(offset * (Lq - 1 - (b - a)) * scale);
        for (int j = 0; j < size; j++) ext[(size_t) idx * extlen + j - oc] = pmf[(size_t) idx * size + j];
      }
    TFF_ALLOC(pvmax, sizeof(double) * (size_t) db->nlen * extlen);
    TFF_ALLOC(cur_cdf, sizeof(double) * extlen);
    TFF_ALLOC(old_cdf, sizeof(double) * extlen);
    TFF_ALLOC(mnew, sizeof(double) * extlen);
    TFF_ALLOC(mold, sizeof(double) * extlen);
    for (int li = 0; li < db->nlen; li++) {
      int L = db->lens[li];
      for (int k = 0; k < extlen; k++) mnew[k] = 0;
      mnew[0] = 1.0;
      for (int i = 0; i < Lq + L - 1; i++) {
        int a, b;
        alignment_range(Lq, L, i, &a, &b);
        const double *cur = ext + (size_t) ref[a * Lq + b] * extlen;
        double acc = 0;
        for (int k = 0; k < extlen; k++) { acc += cur[k]; cur_cdf[k] = acc; }
        for (int o = 0; o < nstr; o++) {
          double *t = mnew; mnew = mold; mold = t;
          acc = 0;
          for (int k = 0; k < extlen; k++) { acc += mold[k]; old_cdf[k] = acc; }
          mnew[0] = cur[0] * mold[0];
          for (int k = 1; k < extlen; k++)
            mnew[k] = cur[k] * old_cdf[k - 1] + mold[k] * cur_cdf[k - 1] + cur[k] * mold[k];
        }
      }
      double acc = 0;
      for (int k = extlen - 1; k >= 0; k--) { acc += mnew[k]; pvmax[(size_t) li * extlen + k] = acc; }
    }
  }
  /* alignments */
  for (int h = 0; h < db->nhits; h++) {
    const int ti = h / nstr, Lt = db->t[ti].w, c0 = db->coloff[h];
    int start, end;
    config_range(cfg, Lq, Lt, &start, &end);
    double best = HUGE_VAL;
    int bestov = -1, bestoff = 0;
    for (int c = start; c <= end; c++) {
      int tc, qc;
      if (c <= Lq) { tc = 0; qc = Lq - c; } else { qc = 0; tc = c - Lq; }
      double score = 0;
      int qs = qc;
      do { score += S[(size_t) qc * n + c0 + tc]; qc++; tc++; } while (qc < Lq && tc < Lt);
      int ov = qc - qs;
      double p;
      if (!cfg->incomplete) p = -rint(score + ov * offset * scale);
      else p = pv[(size_t) ref[qs * Lq + qc - 1] * size + (int) score];
      if (p == best) { if (bestov < ov) { bestoff = c - Lq; best = p; bestov = ov; } }
      else if (p < best) { bestoff = c - Lq; best = p; bestov = ov; }
    }
    TFF_CMP_HIT *hit = &hits[h];
    hit->target = ti; hit->strand = h % nstr; hit->offset = bestoff; hit->overlap = bestov; hit->qvalue = 1.0;
    if (!cfg->incomplete) {
      int li = 0;
      while (db->lens[li] != Lt) li++;
      int sc = (int) rint(-best - Lq * offset * scale);
      float tp = (float) pvmax[(size_t) li * extlen + sc];
      hit->pvalue = tp;
      hit->evalue = tp * db->nhits / nstr;
    } else {
      int nconf = end - start + 1;
      hit->pvalue = ev_pvalue(best, (double)(nstr == 2 ? nconf * 2 : nconf));
      hit->evalue = hit->pvalue * (nstr == 2 ? db->nhits / 2 : db->nhits);
    }
  }
  status = tffOK;
 ERROR:
  free(S); free(col); free(pv); free(pmf); free(ref); free(old); free(nw); free(ext);
  free(pvmax); free(cur_cdf); free(old_cdf); free(mnew); free(mold);
  return status;
}

/*****************************************************************
 * 5. Sorting hits
 *****************************************************************/

static int
hit_cmp(const TFF_CMP_DB *db, const TFF_CMP_HIT *x, const TFF_CMP_HIT *y)
{
  if (x->pvalue != y->pvalue) return x->pvalue < y->pvalue ? -1 : 1;
  if (x->overlap != y->overlap) return x->overlap > y->overlap ? -1 : 1;
  int dx = db->dbidx ? db->dbidx[x->target] : 0, dy = db->dbidx ? db->dbidx[y->target] : 0;
  if (dx != dy) return dx < dy ? -1 : 1;
  /* strcmp of "+ID"/"-ID": '+' sorts before '-' */
  if (x->strand != y->strand) return x->strand < y->strand ? -1 : 1;
  return db->idrank[x->target] - db->idrank[y->target];   /* strcmp order of the ids */
}

static void
merge_sort(const TFF_CMP_DB *db, TFF_CMP_HIT *a, TFF_CMP_HIT *tmp, int n)
{
  if (n < 16) {
    for (int i = 1; i < n; i++) {
      TFF_CMP_HIT v = a[i];
      int j = i - 1;
      while (j >= 0 && hit_cmp(db, &a[j], &v) > 0) { a[j + 1] = a[j]; j--; }
      a[j + 1] = v;
    }
    return;
  }
  int h = n / 2;
  merge_sort(db, a, tmp, h);
  merge_sort(db, a + h, tmp, n - h);
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = (hit_cmp(db, &a[j], &a[i]) < 0) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, sizeof(TFF_CMP_HIT) * (size_t) n);
}

void
tff_cmp_SortHits(const TFF_CMP_DB *db, TFF_CMP_HIT *hits, int nhits)
{
  TFF_CMP_HIT *tmp = malloc(sizeof(TFF_CMP_HIT) * (size_t)(nhits > 0 ? nhits : 1));
  if (tmp == NULL) {  /* fall back to insertion sort: correct, slow, needs no memory */
    for (int i = 1; i < nhits; i++) {
      TFF_CMP_HIT v = hits[i];
      int j = i - 1;
      while (j >= 0 && hit_cmp(db, &hits[j], &v) > 0) { hits[j + 1] = hits[j]; j--; }
      hits[j + 1] = v;
    }
    return;
  }
  merge_sort(db, hits, tmp, nhits);
  free(tmp);
}

int
tff_cmp_SortedPvalues(const TFF_CMP_HIT *hits, int nhits, double *sp, char *errbuf)
{
  uint64_t *a = NULL, *b = NULL;
  int status;
  if (nhits <= 0) return tffOK;
  TFF_ALLOC(a, sizeof(uint64_t) * (size_t) nhits);
  TFF_ALLOC(b, sizeof(uint64_t) * (size_t) nhits);
  /* complete mode: p-values are floats; their 32-bit patterns sort as the values (p >= 0) */
  {
    int isfloat = 1;
    for (int i = 0; i < nhits && isfloat; i++) isfloat = ((double)(float) hits[i].pvalue == hits[i].pvalue);
    if (isfloat) {
      uint32_t *ka = (uint32_t *) a, *kb = (uint32_t *) b;
      int cnt[4][256];
      memset(cnt, 0, sizeof cnt);
      for (int i = 0; i < nhits; i++) {
        float f = (float) hits[i].pvalue + 0.0f;
        memcpy(&ka[i], &f, sizeof f);
        for (int d = 0; d < 4; d++) cnt[d][(ka[i] >> (8 * d)) & 0xff]++;
      }
      for (int d = 0; d < 4; d++) {
        int nz = 0;
        for (int v = 0; v < 256; v++) nz += (cnt[d][v] != 0);
        if (nz == 1) continue;
        int pos = 0;
        for (int v = 0; v < 256; v++) { int c = cnt[d][v]; cnt[d][v] = pos; pos += c; }
        for (int i = 0; i < nhits; i++) kb[cnt[d][(ka[i] >> (8 * d)) & 0xff]++] = ka[i];
        uint32_t *t = ka; ka = kb; kb = t;
      }
      for (int i = 0; i < nhits; i++) { float f; memcpy(&f, &ka[i], sizeof f); sp[i] = (double) f; }
      free(a); free(b);
      return tffOK;
    }
  }
  /* p >= 0: the bit patterns sort as the values (-0.0 is made +0.0) */
  for (int i = 0; i < nhits; i++) { double p = hits[i].pvalue + 0.0; memcpy(&a[i], &p, sizeof p); }
  {
    int cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (int i = 0; i < nhits; i++)
      for (int d = 0; d < 8; d++) cnt[d][(a[i] >> (8 * d)) & 0xff]++;
    for (int d = 0; d < 8; d++) {
      int nz = 0;
      for (int v = 0; v < 256; v++) nz += (cnt[d][v] != 0);
      if (nz == 1) continue;           /* every key has the same digit: nothing to do */
      int pos = 0;
      for (int v = 0; v < 256; v++) { int c = cnt[d][v]; cnt[d][v] = pos; pos += c; }
      for (int i = 0; i < nhits; i++) b[cnt[d][(a[i] >> (8 * d)) & 0xff]++] = a[i];
      uint64_t *t = a; a = b; b = t;
    }
  }
  for (int i = 0; i < nhits; i++) memcpy(&sp[i], &a[i], sizeof sp[i]);
  free(a); free(b);
  return tffOK;
 ERROR:
  free(a); free(b);
  return status;
}

int
tff_cmp_SortTop(const TFF_CMP_DB *db, const TFF_CMP_HIT *hits, int nhits, const double *sp, int ntop, TFF_CMP_HIT *top)
{
  if (ntop <= 0) return 0;
  if (ntop > nhits) ntop = nhits;
  const double pmax = sp[ntop - 1];
  int c = 0;
  for (int i = 0; i < nhits; i++) if (hits[i].pvalue <= pmax) top[c++] = hits[i];
  tff_cmp_SortHits(db, top, c);
  return c;
}

void
tff_cmp_BestPerTarget(const TFF_CMP_DB *db, const TFF_CMP_HIT *hits, TFF_CMP_HIT *best)
{
  for (int i = 0; i < db->n; i++) {
    const TFF_CMP_HIT *b = &hits[i * db->nstr];
    for (int s = 1; s < db->nstr; s++)
      if (hit_cmp(db, &hits[i * db->nstr + s], b) < 0) b = &hits[i * db->nstr + s];
    best[i] = *b;
  }
}

/*****************************************************************
 * 6. Unit tests
 *****************************************************************/
#ifdef tffCOMPARE_TESTDRIVE
#include <stdio.h>

static void fail(const char *msg) { fprintf(stderr, "tff_compare_utest: FAIL: %s\n", msg); exit(1); }

static unsigned long rng_state = 7;
static double
urand(void)
{
  rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
  return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* A random motif: mostly one or two letters per column, like real motifs,
 * some uniform columns, nsites 5..60 (sometimes unknown). */
static TFF_MOTIF *
random_motif(int i, int w)
{
  char id[32], errbuf[TFF_ERRBUFSIZE];
  TFF_MOTIF *m = NULL;
  snprintf(id, sizeof id, "M%03d", i);
  if (tff_motif_Create(id, NULL, w, &m, errbuf) != tffOK) fail(errbuf);
  for (int j = 0; j < w; j++) {
    double f[4], sum = 0;
    int kind = (int)(urand() * 4);
    for (int a = 0; a < 4; a++) f[a] = (kind == 0) ? 1.0 : ((kind == 1 && urand() < 0.6) ? 0.0 : urand());
    if (kind == 1) f[(int)(urand() * 4)] = 3.0;
    for (int a = 0; a < 4; a++) sum += f[a];
    for (int a = 0; a < 4; a++) m->p[j * 4 + a] = f[a] / sum;
  }
  m->nsites = (urand() < 0.2) ? 0.0 : (double)(5 + (int)(urand() * 56));
  return m;
}

/* Fast and slow paths must agree: same offset, strand, overlap; p and E
 * equal up to the last bits of their different summation orders. */
/* Fast and slow paths agree on every hit of the queries against the targets
 * under one configuration; the identical target (t[3], a copy of qm[0]) is
 * query 0's best match. */
static void
check_fast_vs_slow(TFF_MOTIF **t, int ntargets, TFF_MOTIF **qm, int nq, const double bg[4], const TFF_CMP_CFG *cfg, int c)
{
  char errbuf[TFF_ERRBUFSIZE];
  TFF_CMP_DB *db = NULL;
  if (tff_cmp_db_Create(t, ntargets, NULL, bg, cfg, &db, errbuf) != tffOK) fail(errbuf);
  TFF_CMP_WORK *w = tff_cmp_work_Create(db);
  TFF_CMP_HIT *fast = malloc(sizeof(TFF_CMP_HIT) * db->nhits), *slow = malloc(sizeof(TFF_CMP_HIT) * db->nhits);
  if (!w || !fast || !slow) fail("out of memory");
  for (int i = 0; i < nq; i++) {
    TFF_CMP_MOTIF q;
    if (tff_cmp_PrepareMotif(qm[i], bg, cfg->pseudo, &q, errbuf) != tffOK) fail(errbuf);
    if (tff_cmp_Query(db, &q, w, fast, errbuf) != tffOK) fail(errbuf);
    /* the guards of the single-precision scores: with err a thousand times
     * wider, a tenth of the cells and whole median windows take the exact
     * path, and the result must not change by a bit */
    test_err_floor = 1e-3;
    if (tff_cmp_Query(db, &q, w, slow, errbuf) != tffOK) fail(errbuf);
    test_err_floor = 0.0;
    for (int h = 0; h < db->nhits; h++)
      if (fast[h].offset != slow[h].offset || fast[h].overlap != slow[h].overlap ||
          memcmp(&fast[h].pvalue, &slow[h].pvalue, sizeof fast[h].pvalue) != 0 || memcmp(&fast[h].evalue, &slow[h].evalue, sizeof fast[h].evalue) != 0) {
        fprintf(stderr, "case %d query %d hit %d: p %.17g/%.17g\n", c, i, h, fast[h].pvalue, slow[h].pvalue);
        fail("a wider error bound changed the result");
      }
    /* pearson's fast medians (within a bound, made exact where that could
     * matter) on every window: with their true bound, then with it widened
     * so that most of them must be made exact */
    for (int pass = 0; pass < 2 && cfg->metric == tffCOL_PEARSON; pass++) {
      const long made = test_exact_medians;
      fast_window_min = 1;
      test_err_floor = pass ? 1e-3 : 0.0;
      if (tff_cmp_Query(db, &q, w, slow, errbuf) != tffOK) fail(errbuf);
      fast_window_min = 256;
      test_err_floor = 0.0;
      if (pass && !cfg->incomplete && test_exact_medians == made) fail("no median was made exact");
      for (int h = 0; h < db->nhits; h++)
        if (fast[h].offset != slow[h].offset || fast[h].overlap != slow[h].overlap ||
            memcmp(&fast[h].pvalue, &slow[h].pvalue, sizeof fast[h].pvalue) != 0 || memcmp(&fast[h].evalue, &slow[h].evalue, sizeof fast[h].evalue) != 0) {
          fprintf(stderr, "case %d query %d hit %d pass %d: p %.17g/%.17g\n", c, i, h, pass, fast[h].pvalue, slow[h].pvalue);
          fail("pearson's fast medians changed the result");
        }
    }
    if (tff_cmp_QuerySlow(db, &q, slow, errbuf) != tffOK) fail(errbuf);
    for (int h = 0; h < db->nhits; h++) {
      const TFF_CMP_HIT *a = &fast[h], *b = &slow[h];
      if (a->target != b->target || a->strand != b->strand) fail("hit order");
      if (a->offset != b->offset || a->overlap != b->overlap) {
        fprintf(stderr, "case %d query %d hit %d: offset %d/%d overlap %d/%d\n", c, i, h, a->offset, b->offset, a->overlap, b->overlap);
        fail("fast and slow alignments differ");
      }
      if (fabs(a->pvalue - b->pvalue) > 1e-6 * b->pvalue || fabs(a->evalue - b->evalue) > 1e-6 * b->evalue) {
        fprintf(stderr, "case %d query %d hit %d: p %g/%g E %g/%g\n", c, i, h, a->pvalue, b->pvalue, a->evalue, b->evalue);
        fail("fast and slow p-values differ");
      }
      if (!(a->pvalue >= 0 && a->pvalue <= 1)) fail("p-value out of [0,1]");
    }
    if (i == 0 && !cfg->incomplete) {
      tff_cmp_SortHits(db, fast, db->nhits);
      if (fast[0].target != 3 || fast[0].strand != 0 || fast[0].offset != 0 || fast[0].overlap != qm[0]->w)
        fail("a query does not find itself first");
      for (int h = 1; h < db->nhits; h++)
        if (fast[h].pvalue < fast[h - 1].pvalue) fail("sorting");
    }
    tff_cmp_motif_Free(&q);
  }
  free(fast); free(slow);
  tff_cmp_work_Destroy(w);
  tff_cmp_db_Destroy(db);
}

/* Small databases (every row selected in full) over the option sets, and a
 * database of more than MEDIAN_SAMPLE_MIN columns (medians bracketed from
 * sampled columns) for the metrics with single-precision kernels (ed,
 * sandelin, pearson) and one scored in double precision and rounded
 * (kullback, from logarithms). */
static void
utest_fast_vs_slow(void)
{
  char errbuf[TFF_ERRBUFSIZE];
  enum { NT = 500 };
  TFF_MOTIF *t[NT], *qm[3];
  double bg[4], filebg[4] = {0.3, 0.2, 0.2, 0.3};
  tff_cmp_Background(filebg, bg);
  for (int i = 0; i < 40; i++) t[i] = random_motif(i, 4 + (int)(urand() * 9));
  for (int i = 0; i < 3; i++) qm[i] = random_motif(100 + i, 5 + 2 * i);
  for (int i = 40; i < NT; i++) t[i] = random_motif(i, 4 + (int)(urand() * 9));
  qm[2]->p[0] = 0.25; qm[2]->p[1] = 0.25; qm[2]->p[2] = 0.25; qm[2]->p[3] = 0.25;
  for (int a = 0; a < 4; a++) qm[1]->p[4 * 4 + a] = qm[1]->p[4 * 6 + a] = qm[1]->p[4 * 1 + a];   /* repeated query columns */
  t[3] = (tff_motif_Destroy(t[3]), NULL);
  if (tff_motif_Copy(qm[0], &t[3], errbuf) != tffOK) fail(errbuf);   /* a target identical to a query */

  struct { int metric, incomplete, norc, minov, internal, ntargets; } cases[] = {
    { tffCOL_ED, 0, 0, 1, 0, 40 }, { tffCOL_PEARSON, 0, 0, 5, 0, 40 }, { tffCOL_SANDELIN, 0, 0, 1, 0, 40 },
    { tffCOL_KULLBACK, 0, 0, 1, 0, 40 }, { tffCOL_ALLR, 0, 0, 1, 0, 40 }, { tffCOL_ED, 1, 0, 1, 0, 40 },
    { tffCOL_PEARSON, 1, 0, 3, 0, 40 }, { tffCOL_ED, 0, 1, 1, 0, 40 }, { tffCOL_SANDELIN, 0, 1, 4, 0, 40 },
    { tffCOL_ED, 0, 0, 1, 1, 40 }, { tffCOL_ED, 1, 1, 1, 1, 40 }, { tffCOL_KULLBACK, 1, 0, 1, 0, 40 },
    { tffCOL_ED, 0, 0, 1, 0, NT }, { tffCOL_PEARSON, 0, 0, 1, 0, NT }, { tffCOL_KULLBACK, 0, 0, 1, 0, NT },
    { tffCOL_SANDELIN, 0, 0, 5, 0, NT },
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    TFF_CMP_CFG cfg;
    tff_cmp_DefaultConfig(&cfg);
    cfg.metric = cases[c].metric; cfg.incomplete = cases[c].incomplete; cfg.norc = cases[c].norc;
    cfg.min_overlap = cases[c].minov; cfg.internal = cases[c].internal;
    check_fast_vs_slow(t, cases[c].ntargets, qm, 3, bg, &cfg, (int) c);
  }
  for (int i = 0; i < NT; i++) tff_motif_Destroy(t[i]);
  for (int i = 0; i < 3; i++) tff_motif_Destroy(qm[i]);
}

static int cmp_d(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) ? -1 : (x > y);
}

/* row_select() the way score_matrix() does it: a bracket from every 16th
 * value, the row (single-precision numbers) added in blocks. Returns
 * whether the bracket held. */
static int
bracketed_select(const double *x, int n, int i1, int i2, double *tmp, int *cnt, double *v1, double *v2, double *mn, double *mx)
{
  BRACKET br;
  TFF_CMP_WORK w;
  memset(&w, 0, sizeof w);
  w.ntot = n;
  w.rowd_row = -1;
  const int ns = n / MEDIAN_STRIDE > 0 ? n / MEDIAN_STRIDE : 1;
  double *smp = malloc(sizeof(double) * (ns + 8));
  br.cap = cand_cap(ns);
  br.val = malloc(sizeof(double) * (size_t) br.cap);
  br.col = malloc(sizeof(int) * (size_t) br.cap);
  w.S = malloc(sizeof(float) * n);
  w.rowd = malloc(sizeof(double) * (n + 16));
  if (!smp || !br.val || !br.col || !w.S || !w.rowd) fail("out of memory");
  for (int t = 0; t < n; t++) w.S[t] = (float) x[t];
  for (int j = 0; j < ns; j++) smp[j] = x[j * MEDIAN_STRIDE];
  bracket_init(&br, smp, ns, n, i1, i2, tmp, cnt);
  for (int t0 = 0; t0 < n; t0 += SCORE_BLOCK) bracket_add(&br, w.S + t0, n - t0 < SCORE_BLOCK ? n - t0 : SCORE_BLOCK, t0);
  if (br.ok)
    for (int i = 0; i < br.nc; i++) if (x[br.col[i]] != br.val[i]) fail("a median candidate's column does not hold its value");
  int held = bracket_holds(&br, i1, i2);
  row_select(&br, &w, 0, n, i1, i2, tmp, cnt, v1, v2, mn, mx);
  free(smp); free(br.val); free(br.col); free(w.S); free(w.rowd);
  return held;
}

/* The histogram-selected order statistics equal those of a full sort: continuous
 * values, heavy ties, odd and even lengths, skewed data; with near-ties
 * around the median (kind 3) the bracketed selection may return bounds. */
static void
utest_row_quantiles(void)
{
  int sizes[] = { 17, 20000, 20001, 60000 };
  for (int si = 0; si < 4; si++)
    for (int kind = 0; kind < 4; kind++) {
      int n = sizes[si];
      double *x = malloc(sizeof(double) * n), *srt = malloc(sizeof(double) * n), *tmp = malloc(sizeof(double) * (n + 16));
      if (!x || !srt || !tmp) fail("out of memory");
      for (int i = 0; i < n; i++) {
        double u = urand();
        x[i] = (float)(kind == 0 ? u : kind == 1 ? (double)(int)(u * 7) : kind == 2 ? u * u * u * u
                       : (u < 0.6 ? 0.5 + u * 1e-5 : u));   /* the rows hold floats */
      }
      memcpy(srt, x, sizeof(double) * n);
      qsort(srt, n, sizeof(double), cmp_d);
      int i1 = (int) floor(0.5 * n) - 1, i2 = (int) ceil(0.5 * n) - 1;
      double v1, v2, mn, mx;
      min_max(x, n, &mn, &mx);
      double *tmp2 = malloc(sizeof(double) * (n + 16));
      int *cnt = malloc(sizeof(int) * 2 * NBK);
      if (!cnt || !tmp2) fail("out of memory");
      if (mn != srt[0] || mx != srt[n - 1]) fail("row extremes differ from a full sort");
      hist_select(x, n, i1, i2, mn, mx, tmp, cnt, -1.0, &v1, &v2);
      if (v1 != srt[i1] || v2 != srt[i2]) fail("histogram quantiles differ from a full sort");
      int held = bracketed_select(x, n, i1, i2, tmp, cnt, &v1, &v2, &mn, &mx);
      if (mn != srt[0] || mx != srt[n - 1]) fail("sampled extremes differ from a full sort");
      if (v1 > srt[i1] || v2 < srt[i2]) fail("sampled quantiles do not bound those of a full sort");
      if (held && n >= 256) {    /* bucket edges about the statistics: a narrow window where no ties */
        int in = 0;
        for (int i = 0; i < n; i++) in += (x[i] >= v1 && x[i] <= v2);
        if ((kind == 0 || kind == 2) && in > 64) fail("the sampled bracket's window about the median is not narrow");
      } else if ((v1 != srt[i1] || v2 != srt[i2]) && (kind != 3 || n < 256)) fail("sampled quantiles differ from a full sort");
      if (n >= 20000 && (kind == 0 || kind == 2) && !held) fail("the sampled bracket missed the median of random data");
      /* a sample that misleads: the row sorted, so every 16th value is unlike its neighbours' ranks */
      if (kind == 2) {
        memcpy(x, srt, sizeof(double) * n);
        for (int i = 0; i < n; i += 16) x[i] = srt[n - 1];
        memcpy(srt, x, sizeof(double) * n);
        qsort(srt, n, sizeof(double), cmp_d);
        held = bracketed_select(x, n, i1, i2, tmp, cnt, &v1, &v2, &mn, &mx);
        if (held) fail("a misleading sample made a bracket that held");
        if (v1 != srt[i1] || v2 != srt[i2]) fail("sampled quantiles (bracket missed) differ from a full sort");
      }
      free(cnt); free(tmp2);
      free(x); free(srt); free(tmp);
    }
}

/* Long rows (a database of 25,000 motifs: 600,000 columns): the sampled
 * bracket holds the median of random rows, uniform and skewed, and bounds
 * it; the fixed margin of 30 sample ranks of before missed (issue 23). */
static void
utest_long_rows(void)
{
  const int n = 600000;
  double *x = malloc(sizeof(double) * n), *srt = malloc(sizeof(double) * n), *tmp = malloc(sizeof(double) * (n + 16));
  int    *cnt = malloc(sizeof(int) * 2 * NBK);
  if (!x || !srt || !tmp || !cnt) fail("out of memory");
  for (int rep = 0; rep < 4; rep++) {
    for (int i = 0; i < n; i++) { double u = urand(); x[i] = (float) (rep % 2 ? u * u * u * u : u); }
    memcpy(srt, x, sizeof(double) * n);
    qsort(srt, n, sizeof(double), cmp_d);
    int i1 = n / 2 - 1, i2 = n / 2;
    double v1, v2, mn, mx;
    if (!bracketed_select(x, n, i1, i2, tmp, cnt, &v1, &v2, &mn, &mx)) fail("the sampled bracket missed the median of a long random row");
    if (v1 > srt[i1] || v2 < srt[i2]) fail("sampled quantiles of a long row do not bound those of a full sort");
  }
  free(x); free(srt); free(tmp); free(cnt);
}

static void
utest_errors(void)
{
  char errbuf[TFF_ERRBUFSIZE];
  TFF_CMP_CFG cfg;
  TFF_CMP_DB *db = NULL;
  double bg[4] = {.25, .25, .25, .25};
  tff_cmp_DefaultConfig(&cfg);
  if (tff_cmp_db_Create(NULL, 0, NULL, bg, &cfg, &db, errbuf) != tffEINVAL || db != NULL) fail("empty database accepted");
  double u[4] = {.25, .25, .25, .25}, out[4];
  tff_cmp_Background(u, out);
  for (int a = 0; a < 4; a++) if (out[a] != 0.25) fail("uniform background changed");
}

int
main(void)
{
  utest_errors();
  utest_row_quantiles();
  utest_long_rows();
  utest_fast_vs_slow();
  printf("tff_compare_utest: ok\n");
  return 0;
}
#endif /* tffCOMPARE_TESTDRIVE */
