/* tff_compare: Tomtom-compatible motif comparison.
 *
 * Gives, for a query motif against every motif of a target database, the
 * same optimal offset, strand, overlap, p-value and E-value as Tomtom 5.5.8
 * (doc/compare.md: how, what it costs, how exactness is checked), orders of
 * magnitude faster:
 *
 *   - the target database is prepared once (TFF_CMP_DB): pseudocounts,
 *     reverse complements, all columns in one structure-of-arrays block;
 *   - each query (tff_cmp_Query) scores its columns against every database
 *     column (in single precision, within a stated bound of Tomtom's double-
 *     precision scores; exact scores wherever that bound could change the
 *     median, the extremes or a bin: the results are Tomtom's to the bit),
 *     shifts each row by Tomtom's "median", scales to 100 integer
 *     bins, builds the null distributions of every contiguous query range
 *     from per-row score histograms (101 bins) instead of from every column,
 *     finds the best alignment per target and strand, and turns the best
 *     score into a p-value through the distribution of the best of all
 *     alignments, evaluated only at the scores that occur;
 *   - queries are independent: run them in parallel, one TFF_CMP_WORK per
 *     thread, the database shared read-only. Results do not depend on the
 *     number of threads.
 *
 * A slow, literal re-implementation of Tomtom's procedure (tff_cmp_QuerySlow:
 * full score matrix, qsort median, null distributions built column by column,
 * the distribution of the maximum built by Tomtom's recursion) is kept as the
 * reference the fast path is tested against.
 *
 * Typical use (the KNN classifier; all-vs-all; error checks left out):
 *
 *   TFF_CMP_CFG cfg;  tff_cmp_DefaultConfig(&cfg);
 *   cfg.metric = tffCOL_PEARSON; cfg.min_overlap = 5;           // web-server settings
 *   double bg[4];     tff_cmp_Background(refset->bg, bg);       // Tomtom: the query file's bg
 *   TFF_CMP_DB *db;   tff_cmp_db_Create(refset->m, refset->n, NULL, bg, &cfg, &db, errbuf);
 *   // per thread (the database is shared read-only):
 *   TFF_CMP_WORK *w = tff_cmp_work_Create(db);
 *   TFF_CMP_HIT *hits = malloc(db->nhits * sizeof *hits), *best = malloc(db->n * sizeof *best);
 *   // per query motif:
 *   TFF_CMP_MOTIF q;  tff_cmp_PrepareMotif(motif, db->bg, cfg.pseudo, &q, errbuf);
 *   tff_cmp_Query(db, &q, w, hits, errbuf);    // hits[nstr*i + s]: target i, strand s
 *   tff_cmp_BestPerTarget(db, hits, best);     // optional: one hit per target
 *   tff_cmp_SortHits(db, hits, db->nhits);     // Tomtom's order
 *   tff_cmp_motif_Free(&q);
 *   // at the end:
 *   free(hits); free(best); tff_cmp_work_Destroy(w); tff_cmp_db_Destroy(db);
 *
 * Hit fields are Tomtom's: in complete mode (the default) pvalue is already
 * rounded to float as Tomtom rounds it, and evalue = pvalue * N (float
 * arithmetic), N the number of distinct targets. q-values: tff_qvalue.h.
 *
 * Contents:
 *   1. Configuration
 *   2. Prepared motifs and the target database
 *   3. Queries
 *   4. Hits: sorting, best per target
 */
#ifndef TFF_COMPARE_INCLUDED
#define TFF_COMPARE_INCLUDED

#include "tff_colcmp.h"
#include "tff_motif.h"

#define TFF_CMP_BINS          100   /* Tomtom's BINS: scores scaled to 0..100 */
#define TFF_CMP_MAX_QUERY_W   100   /* Tomtom skips wider queries */

/* 1. Configuration (Tomtom's options) */
typedef struct {
  int    metric;       /* tffCOL_ED (default), _PEARSON, _SANDELIN, _KULLBACK, _ALLR */
  double pseudo;       /* -motif-pseudo: 0.1 */
  int    min_overlap;  /* -min-overlap: 1 */
  int    norc;         /* -norc: 0 (both strands) */
  int    incomplete;   /* -incomplete-scores: 0 (complete scoring) */
  int    internal;     /* -internal: 0 */
} TFF_CMP_CFG;

void tff_cmp_DefaultConfig(TFF_CMP_CFG *cfg);

/* Function:  tff_cmp_Background()
 * Synopsis:  Tomtom's background from a motif file's declared background.
 * Purpose:   Averages A with T and C with G, then adds 5e-7 to each letter
 *            and renormalises, with MEME's operation order.
 */
void tff_cmp_Background(const double filebg[4], double bg[4]);
/* Function:  tff_cmp_Alphabet()
 * Synopsis:  Tomtom's treatment of the query file's alphabet: with complements
 *            (DNA), tff_cmp_Background(); without (MEME's RNA, a custom
 *            alphabet without '~' pairs, TFF_MOTIFSET's nocomp), the given
 *            strand only (cfg->norc set) and the background as given, only
 *            normalised (5e-7 added to each letter, as MEME does).
 */
void tff_cmp_Alphabet(int nocomp, const double filebg[4], double bg[4], TFF_CMP_CFG *cfg);

/* 2. A motif prepared for comparison: pseudocounted frequencies. */
typedef struct {
  const char *id;      /* points into the source TFF_MOTIF */
  int         w;
  double     *f;       /* w*4, after normalisation and pseudocount */
  double      nsites;  /* as read, TFF_DEFAULT_NSITES when the motif gives none (allr: N) */
} TFF_CMP_MOTIF;

/* Function:  tff_cmp_PrepareMotif()
 * Synopsis:  Pseudocount a motif as Tomtom does: f' = (f*S + pseudo*bg)/(S + pseudo),
 *            S = (int) nsites, 20 if nsites is 0.
 * Returns:   tffOK (m->f allocated; free with tff_cmp_motif_Free) or tffEMEM.
 */
int  tff_cmp_PrepareMotif(const TFF_MOTIF *src, const double bg[4], double pseudo, TFF_CMP_MOTIF *m, char *errbuf);
void tff_cmp_motif_Free(TFF_CMP_MOTIF *m);

/* Function:  tff_cmp_ZeroRow()
 * Synopsis:  The first row (1-based) of a prepared motif with a probability of 0,
 *            or 0 if none has one. kullback and allr take the logarithm of every
 *            probability: the database and the queries refuse such a motif under
 *            them (with -motif-pseudo 0); tffam-compare drops it under allr, as
 *            Tomtom does.
 */
int  tff_cmp_ZeroRow(const TFF_CMP_MOTIF *m);

/* Function:  tff_cmp_CheckLogs()
 * Synopsis:  tffOK, or tffEINVAL naming the motif (what: "query" or "target")
 *            and its row when cfg's column score (kullback, allr) takes the
 *            logarithm of a probability of 0 in it. The database and the
 *            queries check themselves; a program that writes as it goes
 *            checks its queries first, before it writes anything.
 */
int  tff_cmp_CheckLogs(const TFF_CMP_CFG *cfg, const TFF_CMP_MOTIF *m, const char *what, char *errbuf);

/* The target database: targets prepared once, read-only afterwards. */
typedef struct {
  TFF_CMP_CFG    cfg;
  double         bg[4];
  int            n;          /* number of distinct targets */
  TFF_CMP_MOTIF *t;          /* the targets (forward strand) */
  const int     *dbidx;      /* target file index of each target (sorting), or NULL */
  int            nstr;       /* strands: 2, or 1 with norc */
  int            nhits;      /* n * nstr: Tomtom's target_count */
  int            ntot;       /* columns over all targets and strands */
  int           *coloff;     /* [nhits]: first column of target i strand s at 2*i+s */
  TFF_COLSET     cols;       /* all columns, Tomtom's order t0+, t0-, t1+, ... */
  TFF_COLSET     samp;       /* every 16th column (n = 0 below 4096 columns): brackets each row's median */
  int            nlen;       /* distinct target widths */
  int           *lens;       /* [nlen] ascending */
  int           *lenidx;     /* [maxw+1]: index of width L in lens, -1 if absent */
  int           *tli;        /* [n]: index of each target's width in lens */
  int            maxw;
  char         **cons;       /* [nhits] consensus of each target strand */
  int           *idrank;     /* [n] rank of each target id in strcmp order (sorting ties) */
  int           *colcanon;   /* [ntot] first column with the same four frequencies (caching exact scores) */
  int            prune;      /* tff_cmp_QueryTop() may skip p-values: 1 unless $TFF_NOPRUNE is set at creation */
} TFF_CMP_DB;

/* Function:  tff_cmp_db_Create()
 * Synopsis:  Prepare n target motifs (not copied: they must outlive the db).
 * Args:      dbidx: the target file of each motif (ties in sorting), or NULL.
 * Returns:   tffOK and *ret_db; tffEMEM; tffEINVAL if n < 1.
 */
int  tff_cmp_db_Create(TFF_MOTIF **targets, int n, const int *dbidx, const double bg[4],
                       const TFF_CMP_CFG *cfg, TFF_CMP_DB **ret_db, char *errbuf);
void tff_cmp_db_Destroy(TFF_CMP_DB *db);

/* 3. Queries */

/* One hit: a query against one strand of one target. */
typedef struct {
  int    target;    /* index into db->t */
  int    strand;    /* 0 '+', 1 '-' (the target's reverse complement) */
  int    offset;    /* Tomtom's Optimal_offset: query column i faces target column i+offset */
  int    overlap;   /* aligned columns */
  double pvalue;    /* complete mode: float-rounded, as Tomtom */
  double evalue;
  double qvalue;    /* filled by the caller (tff_qvalue_Compute), 1 until then */
} TFF_CMP_HIT;

/* Scratch memory for one thread (its buffers: tff_compare_internal.h).
 * tff_cmp_work_Create() returns NULL when out of memory. */
typedef struct tff_cmp_work_s TFF_CMP_WORK;
TFF_CMP_WORK *tff_cmp_work_Create(const TFF_CMP_DB *db);
void          tff_cmp_work_Destroy(TFF_CMP_WORK *w);

/* Function:  tff_cmp_Query()
 * Synopsis:  Compare one prepared query with every target, both strands.
 * Args:      hits: db->nhits entries, filled at index nstr*i + s (unsorted).
 * Returns:   tffOK; tffEINVAL if the query is wider than TFF_CMP_MAX_QUERY_W;
 *            tffEMEM.
 */
int tff_cmp_Query(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, TFF_CMP_HIT *hits, char *errbuf);

/* Function:  tff_cmp_QueryTop()
 * Synopsis:  tff_cmp_Query() for the ntop nearest targets only.
 * Purpose:   Ranks by p-value first (the better strand's, as
 *            tff_cmp_BestOfTarget() picks it) and then by anything else, as
 *            the neighbour lists of tff_knn do: the ntop first targets of
 *            such a ranking (skip[0..nskip-1] left out) are among the
 *            candidates returned, whatever the later keys. In complete
 *            scoring, p-values are computed only where they can matter: a
 *            target is left out when its p-value is proven larger than the
 *            p-values of ntop candidates (doc/compare.md, "The nearest
 *            targets only"); otherwise, or with $TFF_NOPRUNE set when db was
 *            made, every target but the skipped ones is a candidate.
 * Args:      hits: db->nhits entries; those of the candidates (every strand)
 *            are filled as tff_cmp_Query() fills them, the others only in
 *            part (target, strand, offset, overlap).
 *            cand: room for db->n; the candidates, in ascending order.
 * Returns:   tffOK and *ret_ncand; as tff_cmp_Query().
 */
int tff_cmp_QueryTop(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_WORK *w, int ntop, const int *skip, int nskip,
                     TFF_CMP_HIT *hits, int *cand, int *ret_ncand, char *errbuf);

/* Function:  tff_cmp_QuerySlow()
 * Synopsis:  The same, by a literal re-implementation of Tomtom's procedure
 *            (slow: use for tests). Same arguments and results.
 */
int tff_cmp_QuerySlow(const TFF_CMP_DB *db, const TFF_CMP_MOTIF *q, TFF_CMP_HIT *hits, char *errbuf);

/* 4. Hits */

/* Sort as Tomtom: p ascending, overlap descending, target file, then the
 * strand-prefixed id ("+ID" before "-ID"). */
void tff_cmp_SortHits(const TFF_CMP_DB *db, TFF_CMP_HIT *hits, int nhits);

/* Function:  tff_cmp_SortedPvalues()
 * Synopsis:  The p-values of nhits hits, sorted ascending, into sp[0..nhits-1]
 *            (a radix sort: what q-values need, without ordering the hits).
 * Returns:   tffOK or tffEMEM.
 */
int tff_cmp_SortedPvalues(const TFF_CMP_HIT *hits, int nhits, double *sp, char *errbuf);

/* Function:  tff_cmp_SortTop()
 * Synopsis:  The first ntop hits of Tomtom's order (tff_cmp_SortHits), into
 *            top[0..ntop-1], without sorting the rest.
 * Args:      sp: the sorted p-values (tff_cmp_SortedPvalues); top: room for
 *            nhits hits (the hits tied with the ntop-th are sorted there too).
 * Returns:   the number of hits sorted into top (>= ntop).
 */
int tff_cmp_SortTop(const TFF_CMP_DB *db, const TFF_CMP_HIT *hits, int nhits, const double *sp, int ntop, TFF_CMP_HIT *top);

/* For each target, the better of its strands (Tomtom's sort order), into best[0..n-1]. */
void tff_cmp_BestPerTarget(const TFF_CMP_DB *db, const TFF_CMP_HIT *hits, TFF_CMP_HIT *best);
/* The same for target t alone, into *best. */
void tff_cmp_BestOfTarget(const TFF_CMP_DB *db, const TFF_CMP_HIT *hits, int t, TFF_CMP_HIT *best);

#endif /* TFF_COMPARE_INCLUDED */
